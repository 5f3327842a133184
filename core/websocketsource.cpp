#include "core/websocketsource.h"

#include "core/json.h"
#include "core/pollingsource.h"
#include "core/serverfilter.h"
#include "core/timeutil.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocketHandshakeOptions>

namespace ed {

namespace {
constexpr qint64 kYear = qint64(365) * 86400 * 1000000;
constexpr qint64 kMinute = qint64(60) * 1000000;
constexpr qsizetype kSeenGeneration = 200000;
} // namespace

WebSocketSource::WebSocketSource(Options options, QObject *parent)
    : EventSource(parent)
    , m_options(std::move(options))
{
    while (m_options.apiUrl.endsWith(u'/'))
        m_options.apiUrl.chop(1);
    m_reconnectTimer.setSingleShot(true);
    m_batchTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &WebSocketSource::fillGapThenConnect);
    connect(&m_batchTimer, &QTimer::timeout, this, &WebSocketSource::flush);
    connect(&m_socket, &QWebSocket::connected, this, &WebSocketSource::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &WebSocketSource::onDisconnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &WebSocketSource::onTextMessage);
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, &WebSocketSource::onSocketError);
}

WebSocketSource::~WebSocketSource()
{
    m_running = false;
    m_socket.disconnect(this);
    m_socket.abort();
}

QUrl WebSocketSource::streamUrl(const QString &apiUrl)
{
    QUrl url(apiUrl);
    url.setScheme(url.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/events/out"));
    return url;
}

void WebSocketSource::start()
{
    if (m_running)
        return;
    m_running = true;
    m_finalError = false;
    m_backoffMs = 0;
    m_overlap = m_options.resumeOverlapMicros;
    const auto &occurred = m_options.filter.occurred;
    m_since = m_options.since ? *m_options.since
              : occurred && occurred->since ? *occurred->since
                                            : timeutil::nowMicros() - kMinute;
    fillGapThenConnect();
}

void WebSocketSource::stop()
{
    m_running = false;
    m_reconnectTimer.stop();
    m_gapFill.reset();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.close(QWebSocketProtocol::CloseCodeNormal);
    m_stage = Stage::Down;
    flush();
    setState(State::Idle);
}

qint64 WebSocketSource::resumePoint() const
{
    return m_newest ? std::max(m_since, *m_newest - m_overlap) : m_since;
}

QString WebSocketSource::token() const
{
    return !m_options.authString.isEmpty() ? m_options.authString : m_options.apiKey;
}

void WebSocketSource::fillGapThenConnect()
{
    if (!m_running)
        return;
    const qint64 now = timeutil::nowMicros();
    const qint64 since = resumePoint();
    // Slack for the time the REST read itself takes and for clock skew.
    const qint64 slack = std::min(kMinute / 2, m_options.serverBackfillMicros / 4);
    if (since >= now - m_options.serverBackfillMicros + slack) {
        connectStream();
        return;
    }
    PollingSource::Options rest;
    rest.apiUrl = m_options.apiUrl;
    rest.apiKey = m_options.apiKey;
    rest.authString = m_options.authString;
    rest.filter = m_options.filter;
    rest.historyMicros = std::max<qint64>(1, now - since);
    rest.cloud = m_options.cloud;
    m_gapFill = std::make_unique<PollingSource>(rest);
    setState(State::Fetching, QStringLiteral("catching up over REST from %1").arg(timeutil::formatString(since)));
    connect(m_gapFill.get(), &PollingSource::eventsReceived, this, [this](const QList<Event> &events) {
        accept(events);
        flush();
    });
    connect(m_gapFill.get(), &PollingSource::eventRejected, this, &WebSocketSource::eventRejected);
    connect(m_gapFill.get(), &PollingSource::stateChanged, this, [this](State state, const QString &detail) {
        if (state == State::BackingOff)
            setState(State::BackingOff, QStringLiteral("REST catch-up: ") + detail);
        else if (state == State::Fetching)
            setState(State::Fetching, QStringLiteral("catching up over REST"));
    });
    connect(m_gapFill.get(), &PollingSource::failed, this, [this](const QString &error) {
        QMetaObject::invokeMethod(this, [this, error] { fail(error); }, Qt::QueuedConnection);
    });
    connect(m_gapFill.get(), &PollingSource::passFinished, this, [this] {
        // The REST read covered up to its start; the websocket backfill covers what came since.
        QMetaObject::invokeMethod(this, [this] {
            m_gapFill.reset();
            connectStream();
        }, Qt::QueuedConnection);
    });
    m_gapFill->runOnce();
}

void WebSocketSource::connectStream()
{
    if (!m_running)
        return;
    setState(State::Connecting, streamUrl(m_options.apiUrl).toString());
    m_stage = Stage::Handshake;
    m_handshakeError.clear();
    QNetworkRequest request(streamUrl(m_options.apiUrl));
    // Prefect's client also sends Basic so that proxies requiring it accept the upgrade.
    if (!m_options.authString.isEmpty())
        request.setRawHeader("Authorization", "Basic " + m_options.authString.toUtf8().toBase64());
    QWebSocketHandshakeOptions handshake;
    handshake.setSubprotocols({QStringLiteral("prefect")});
    m_socket.open(request, handshake);
}

void WebSocketSource::onConnected()
{
    ++m_connections;
    m_newThisConnection = 0;
    m_connectedAt = timeutil::nowMicros();
    m_stage = Stage::Auth;
    QByteArray frame = "{\"type\":\"auth\",\"token\":";
    if (const QString t = token(); t.isEmpty())
        frame += "null";
    else
        json::appendQuoted(frame, t);
    m_socket.sendTextMessage(QString::fromUtf8(frame + '}'));
}

void WebSocketSource::onTextMessage(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    json::Value message;
    QString why;
    if (!json::parse(bytes, message, &why) || !message.isObject()) {
        emit eventRejected(QStringLiteral("malformed message on the event stream: ")
                           + (why.isEmpty() ? QStringLiteral("not an object") : why));
        return;
    }
    const json::Value *type = message.find(u"type");
    const QString kind = type && type->isString() ? type->string : QString();
    if (m_stage == Stage::Auth) {
        if (kind != u"auth_success") {
            fail(QStringLiteral("Unable to authenticate to the event stream: expected auth_success, got %1")
                     .arg(kind.isEmpty() ? QStringLiteral("a message without a type") : kind));
            return;
        }
        m_stage = Stage::Streaming;
        m_backoffMs = 0;
        EventFilter f = serverFilter(m_options.filter);
        const auto &occurred = m_options.filter.occurred;
        // `until` must lie ahead, or no live event ever matches (spec §5.3).
        f.occurred = OccurredFilter{resumePoint(), occurred && occurred->until ? *occurred->until
                                                                         : timeutil::nowMicros() + kYear};
        f.order = EventFilter::Order::Asc;
        m_socket.sendTextMessage(QString::fromUtf8("{\"type\":\"filter\",\"filter\":" + f.toJson() + ",\"backfill\":true}"));
        setState(State::Live, streamUrl(m_options.apiUrl).toString());
        return;
    }
    if (m_stage != Stage::Streaming)
        return;
    const json::Value *body = message.find(u"event");
    if (kind != u"event" || !body) {
        emit eventRejected(QStringLiteral("unexpected message on the event stream: type %1")
                               .arg(kind.isEmpty() ? QStringLiteral("missing") : kind));
        return;
    }
    Event e;
    EventError error;
    if (!parseEvent(*body, bytes, e, error)) {
        emit eventRejected(error.message());
        return;
    }
    accept({std::move(e)});
    if (!m_batchTimer.isActive())
        m_batchTimer.start(m_options.batchIntervalMs);
}

void WebSocketSource::accept(QList<Event> events)
{
    for (Event &e : events) {
        if (m_seen.contains(e.id) || m_seenBefore.contains(e.id))
            continue;
        if (m_seen.size() >= kSeenGeneration) {
            m_seenBefore = std::move(m_seen);
            m_seen.clear();
        }
        m_seen.insert(e.id);
        m_newest = std::max(m_newest.value_or(e.occurred), e.occurred);
        ++m_newThisConnection;
        if (m_options.filter.matches(e))
            m_pending.append(std::move(e));
    }
}

void WebSocketSource::flush()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty())
        return;
    const QList<Event> batch = std::exchange(m_pending, {});
    emit eventsReceived(batch);
}

void WebSocketSource::onSocketError(QAbstractSocket::SocketError)
{
    // The handshake's HTTP status only shows in the error text.
    if (m_stage == Stage::Handshake)
        m_handshakeError = m_socket.errorString();
    if (m_stage == Stage::Handshake && m_socket.state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void WebSocketSource::onDisconnected()
{
    const Stage stage = std::exchange(m_stage, Stage::Down);
    flush();
    if (!m_running || m_finalError || stage == Stage::Down)
        return;
    const int code = m_socket.closeCode();
    const QString reason = m_socket.closeReason();
    if (stage == Stage::Streaming) {
        // A stream that dies before it delivers anything new would replay the same overlap
        // forever: shrink the overlap until a connection makes progress; a connection that
        // lasts restores it.
        if (timeutil::nowMicros() - m_connectedAt > 30 * 1000000)
            m_overlap = m_options.resumeOverlapMicros;
        else if (m_newThisConnection == 0)
            m_overlap /= 4;
    }
    if (code == QWebSocketProtocol::CloseCodePolicyViolated) {
        fail(QStringLiteral("the server refused authentication on the event stream (1008): %1").arg(reason));
        return;
    }
    if (code == QWebSocketProtocol::CloseCodeProtocolError) {
        fail(QStringLiteral("the server refused the subscription (1002): %1").arg(reason));
        return;
    }
    if (stage == Stage::Handshake
        && (m_handshakeError.contains(u"code: 401") || m_handshakeError.contains(u"code: 403"))) {
        fail(QStringLiteral("the server refused the websocket upgrade: %1").arg(m_handshakeError));
        return;
    }
    QString why;
    if (stage == Stage::Handshake)
        why = m_handshakeError.isEmpty() ? QStringLiteral("could not connect") : m_handshakeError;
    else if (code == QWebSocketProtocol::CloseCodeNormal || code == QWebSocketProtocol::CloseCodeGoingAway)
        why = QStringLiteral("the server closed the stream (%1%2)").arg(code).arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason);
    else
        why = QStringLiteral("connection lost (%1)").arg(reason.isEmpty() ? m_socket.errorString() : reason);
    scheduleReconnect(why);
}

void WebSocketSource::scheduleReconnect(const QString &why)
{
    if (m_reconnectTimer.isActive())
        return;
    m_backoffMs = m_backoffMs ? std::min(m_backoffMs * 2, m_options.maxBackoffMs) : m_options.initialBackoffMs;
    const int delay = m_backoffMs + int(QRandomGenerator::global()->bounded(m_backoffMs / 2 + 1));
    setState(State::BackingOff, QStringLiteral("%1; reconnecting in %2 s").arg(why).arg(delay / 1000.0, 0, 'f', 1));
    m_reconnectTimer.start(delay);
}

void WebSocketSource::fail(const QString &error)
{
    flush();
    m_finalError = true;
    m_running = false;
    m_reconnectTimer.stop();
    m_gapFill.reset();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    m_stage = Stage::Down;
    setState(State::Error, error);
    emit failed(error);
}

} // namespace ed
