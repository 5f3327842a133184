#include "core/pollingsource.h"

#include "core/json.h"
#include "core/prefectrequest.h"
#include "core/serverfilter.h"
#include "core/timeutil.h"

#include <QNetworkReply>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

namespace ed {

namespace {
constexpr qint64 kCloudWindow = qint64(14) * 86400 * 1000000;
constexpr qint64 kServerDefaultHistory = qint64(180) * 86400 * 1000000;
} // namespace

PollingSource::PollingSource(Options options, QObject *parent)
    : EventSource(parent)
    , m_options(std::move(options))
{
    while (m_options.apiUrl.endsWith(u'/'))
        m_options.apiUrl.chop(1);
    m_pollTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &PollingSource::beginPass);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        send(m_lastRequest, m_lastBody, m_lastPost);
    });
    connect(&m_network, &QNetworkAccessManager::finished, this, &PollingSource::onReply);
}

PollingSource::~PollingSource()
{
    stop();
}

void PollingSource::start()
{
    m_repeat = true;
    if (!m_running)
        beginPass();
}

void PollingSource::runOnce()
{
    m_repeat = false;
    if (!m_running)
        beginPass();
}

void PollingSource::stop()
{
    m_repeat = false;
    m_running = false;
    m_pollTimer.stop();
    m_retryTimer.stop();
    if (m_reply)
        m_reply->abort();
    setState(State::Idle);
}

QNetworkRequest PollingSource::request(const QString &path) const
{
    return prefectRequest(m_options.apiUrl + path, m_options.apiKey, m_options.authString, m_options.transferTimeoutMs);
}

void PollingSource::beginPass()
{
    m_running = true;
    m_stats = {};
    m_seenBefore = m_seen;
    m_seen.clear();
    const qint64 now = timeutil::nowMicros();
    qint64 since = m_watermark ? *m_watermark - m_options.overlapMicros
                   : m_options.historyMicros > 0 ? now - m_options.historyMicros
                                                 : now - kServerDefaultHistory;
    qint64 until = now;
    // The user's own time bounds narrow the query further.
    if (m_options.filter.occurred) {
        if (m_options.filter.occurred->since)
            since = std::max(since, *m_options.filter.occurred->since);
        if (m_options.filter.occurred->until)
            until = std::min(until, *m_options.filter.occurred->until);
    }
    m_passMax = m_watermark.value_or(std::numeric_limits<qint64>::min());
    m_windows.clear();
    if (since <= until) {
        if (m_options.cloud) {
            for (qint64 s = since; s <= until; s += kCloudWindow)
                m_windows.append({s, std::min(until, s + kCloudWindow - 1)});
        } else {
            m_windows.append({since, until});
        }
    }
    beginWindow();
}

void PollingSource::beginWindow()
{
    if (m_windows.isEmpty()) {
        finishPass();
        return;
    }
    m_pageToken.clear();
    sendFirstPage();
}

void PollingSource::sendFirstPage()
{
    EventFilter f = serverFilter(m_options.filter);
    f.occurred = OccurredFilter{m_windows.front().first, m_windows.front().second};
    f.order = EventFilter::Order::Asc;
    const QByteArray body = "{\"filter\":" + f.toJson() + ",\"limit\":"
                            + QByteArray::number(m_options.pageLimit) + '}';
    send(request(QStringLiteral("/events/filter")), body, true);
}

void PollingSource::sendNextPage()
{
    // Our own base URL: behind a proxy the host in `next_page` can be wrong.
    QNetworkRequest r = request(QStringLiteral("/events/filter/next"));
    QUrl url = r.url();
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("page-token"), m_pageToken);
    url.setQuery(query);
    r.setUrl(url);
    send(r, {}, false);
}

void PollingSource::send(QNetworkRequest request, const QByteArray &body, bool post)
{
    m_lastRequest = request;
    m_lastBody = body;
    m_lastPost = post;
    setState(State::Fetching);
    m_reply = post ? m_network.post(request, body) : m_network.get(request);
}

void PollingSource::retryLater(int ms, const QString &why)
{
    setState(State::BackingOff, why);
    m_retryTimer.start(ms);
}

void PollingSource::onReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply || !m_running)
        return;
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();

    auto backoff = [&](const QString &why) {
        m_backoffMs = m_backoffMs ? std::min(m_backoffMs * 2, m_options.maxBackoffMs) : 1000;
        const int jitter = int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
        retryLater(m_backoffMs + jitter, why);
    };
    if (status == 429) {
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
        retryLater((ok ? std::max(seconds, 0) : 5) * 1000,
                   QStringLiteral("rate limited by the server (429)"));
        return;
    }
    if (status == 401 || (status == 403 && m_pageToken.isEmpty())) {
        m_running = false;
        setState(State::Error, QStringLiteral("the server refused our credentials (HTTP %1)").arg(status));
        emit failed(QStringLiteral("%1: HTTP %2 %3").arg(m_options.apiUrl).arg(status).arg(QString::fromUtf8(body.left(300))));
        return;
    }
    if (status == 403) {
        // An expired or refused page token: start the window again; dedup absorbs repeats.
        m_pageToken.clear();
        sendFirstPage();
        return;
    }
    if (status == 422) {
        m_running = false;
        setState(State::Error, QStringLiteral("the server refused the filter"));
        emit failed(QStringLiteral("the server refused the request (422): %1").arg(QString::fromUtf8(body.left(500))));
        return;
    }
    if (reply->error() != QNetworkReply::NoError || status >= 500 || status == 0) {
        backoff(status ? QStringLiteral("server error (HTTP %1)").arg(status) : reply->errorString());
        return;
    }
    json::Value page;
    QString why;
    if (!json::parse(body, page, &why) || !page.isObject() || !page.find(u"events")
        || !page.find(u"events")->isArray()) {
        backoff(QStringLiteral("malformed answer from the server: ") + (why.isEmpty() ? QStringLiteral("not an event page") : why));
        return;
    }
    m_backoffMs = 0;
    ++m_stats.pages;
    QList<Event> delivered;
    for (const json::Value &item : page.find(u"events")->items) {
        ++m_stats.fetched;
        Event e;
        EventError error;
        if (!parseEvent(item, body, e, error)) {
            ++m_stats.rejected;
            emit eventRejected(error.message());
            continue;
        }
        m_passMax = std::max(m_passMax, e.occurred);
        if (m_seen.contains(e.id) || m_seenBefore.contains(e.id))
            continue;
        m_seen.insert(e.id);
        if (m_options.filter.matches(e))
            delivered.append(std::move(e));
    }
    if (!delivered.isEmpty()) {
        m_stats.delivered += delivered.size();
        emit eventsReceived(delivered);
    }
    const json::Value *next = page.find(u"next_page");
    QString token;
    if (next && next->isString())
        token = QUrlQuery(QUrl(next->string)).queryItemValue(QStringLiteral("page-token"), QUrl::FullyDecoded);
    if (!token.isEmpty()) {
        m_pageToken = token;
        sendNextPage();
        return;
    }
    m_windows.removeFirst();
    beginWindow();
}

void PollingSource::finishPass()
{
    if (m_passMax != std::numeric_limits<qint64>::min())
        m_watermark = m_passMax;
    setState(m_repeat ? State::Live : State::Idle,
             m_repeat ? QStringLiteral("polling every %1 s").arg(m_options.pollIntervalMs / 1000.0) : QString());
    emit passFinished(m_stats);
    if (m_repeat && m_running) {
        m_pollTimer.start(m_options.pollIntervalMs);
    } else {
        m_running = false;
    }
}

} // namespace ed
