#include "tests/testserver/prefecttestserver.h"

#include "core/json.h"
#include "core/timeutil.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>

namespace ed::testing {

namespace {

constexpr qint64 kDay = qint64(86400) * 1000000;
constexpr int kInteractivePageSize = 50;

QByteArray headerValue(const QByteArray &head, QByteArrayView name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 307: return "Temporary Redirect";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

// Prefect's page token: base64 of base64 of JSON holding the resolved filter and the offset.
QByteArray makeToken(const EventFilter &filter, qsizetype count, int pageSize, qsizetype offset)
{
    const QByteArray inner = "{\"filter\": " + filter.toJson() + ", \"count\": " + QByteArray::number(count)
                             + ", \"page_size\": " + QByteArray::number(pageSize)
                             + ", \"offset\": " + QByteArray::number(offset) + '}';
    return inner.toBase64().toBase64();
}

} // namespace

PrefectTestServer::PrefectTestServer(QObject *parent)
    : QObject(parent)
    , m_ws(QStringLiteral("prefect-test-server"), QWebSocketServer::NonSecureMode)
{
    m_ws.setSupportedSubprotocols({QStringLiteral("prefect")});
    connect(&m_tcp, &QTcpServer::newConnection, this, &PrefectTestServer::onNewConnection);
    connect(&m_ws, &QWebSocketServer::newConnection, this, &PrefectTestServer::onWebSocket);
}

PrefectTestServer::~PrefectTestServer()
{
    // Sockets outlive our members otherwise, and their signals reach into them.
    for (QTcpSocket *socket : m_tcp.findChildren<QTcpSocket *>())
        socket->disconnect(this);
    for (Subscriber *s : std::as_const(m_subscribers)) {
        if (s->socket) {
            s->socket->disconnect(this);
            s->socket->abort();
            delete s->socket;
        }
    }
    for (QWebSocket *socket : m_ws.findChildren<QWebSocket *>())
        socket->disconnect(this);
    qDeleteAll(m_subscribers);
}

bool PrefectTestServer::listen(quint16 port)
{
    return m_tcp.listen(QHostAddress::LocalHost, port);
}

quint16 PrefectTestServer::port() const
{
    return m_tcp.serverPort();
}

QString PrefectTestServer::apiUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/api").arg(port());
}

int PrefectTestServer::liveSubscribers() const
{
    return int(std::count_if(m_subscribers.cbegin(), m_subscribers.cend(), [](const Subscriber *s) {
        return s->socket && s->stage == Subscriber::Streaming;
    }));
}

void PrefectTestServer::dropWebSockets(int code)
{
    const QList<Subscriber *> subscribers = m_subscribers;
    for (Subscriber *s : subscribers) {
        if (!s->socket || s->stage == Subscriber::Closed)
            continue;
        if (code)
            s->socket->close(QWebSocketProtocol::CloseCode(code), QStringLiteral("server going away"));
        else
            s->socket->abort();
    }
}

// --- events ---

void PrefectTestServer::store(Stored stored)
{
    auto at = std::upper_bound(m_events.begin(), m_events.end(), stored.occurred,
                               [](qint64 occurred, const Stored &s) { return occurred < s.occurred; });
    const Stored &inserted = *m_events.insert(at, std::move(stored));
    const QList<Subscriber *> subscribers = m_subscribers;
    for (Subscriber *s : subscribers) {
        if (s->socket && s->stage == Subscriber::Streaming && admits(s->live, inserted))
            sendEvent(s, inserted);
    }
}

void PrefectTestServer::publish(Event event)
{
    if (!event.received)
        event.received = timeutil::nowMicros();
    Stored s;
    s.occurred = event.occurred;
    s.id = event.id;
    s.json = serializeEvent(event);
    s.event = std::move(event);
    store(std::move(s));
    emit eventsPublished(1);
}

void PrefectTestServer::publishRaw(const QByteArray &json, qint64 occurred)
{
    Stored s;
    s.occurred = occurred;
    s.json = json;
    store(std::move(s));
}

bool PrefectTestServer::admits(const EventFilter &filter, const Stored &stored)
{
    if (!stored.event) // a raw entry: as if it matched, so clients meet it
        return !filter.occurred || ((!filter.occurred->since || stored.occurred >= *filter.occurred->since)
                                    && (!filter.occurred->until || stored.occurred <= *filter.occurred->until));
    return filter.matches(*stored.event);
}

QList<const PrefectTestServer::Stored *> PrefectTestServer::query(const EventFilter &filter) const
{
    QList<const Stored *> out;
    for (const Stored &s : m_events) {
        if (admits(filter, s))
            out.append(&s);
    }
    if (filter.order == EventFilter::Order::Desc)
        std::reverse(out.begin(), out.end());
    return out;
}

// --- HTTP ---

void PrefectTestServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void PrefectTestServer::onReadyRead(QTcpSocket *socket)
{
    // An upgrade request goes to QWebSocketServer untouched: look without reading.
    if (!m_buffers.contains(socket) || m_buffers[socket].isEmpty()) {
        const QByteArray peeked = socket->peek(socket->bytesAvailable());
        const qsizetype headEnd = peeked.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = peeked.left(headEnd);
        if (headerValue(head, "upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
            disconnect(socket, nullptr, this, nullptr);
            const QByteArray protocols = headerValue(head, "sec-websocket-protocol");
            const bool offersPrefect = protocols.split(',').contains("prefect")
                                       || protocols.split(',').contains(" prefect");
            if (faults.wsRefuseUpgrades > 0) {
                --faults.wsRefuseUpgrades;
                socket->readAll();
                reply(socket, 503, "Service Unavailable", "Connection: close\r\n");
                socket->disconnectFromHost();
                return;
            }
            // Prefect refuses a subprotocol-less upgrade when auth is configured (1002 before
            // accept: the client sees the upgrade refused with 403); else it is legacy mode.
            if (!offersPrefect && (!authString.isEmpty() || !apiKey.isEmpty())) {
                socket->readAll();
                reply(socket, 403, "", "Connection: close\r\n");
                socket->disconnectFromHost();
                return;
            }
            m_ws.handleConnection(socket);
            return;
        }
    }
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        HttpRequest request;
        request.head = buffer.left(headEnd);
        const qsizetype length = headerValue(request.head, "content-length").toLongLong();
        if (buffer.size() < headEnd + 4 + length)
            return;
        request.body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        const QList<QByteArray> requestLine = request.head.left(request.head.indexOf('\r')).split(' ');
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        handle(socket, request);
    }
}

bool PrefectTestServer::authorised(const QByteArray &head) const
{
    const QByteArray given = headerValue(head, "authorization");
    if (!authString.isEmpty())
        return given == QByteArray("Basic " + authString.toUtf8().toBase64());
    if (!apiKey.isEmpty())
        return given.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0 && given.mid(7) == apiKey.toUtf8();
    return true;
}

void PrefectTestServer::handle(QTcpSocket *socket, const HttpRequest &request)
{
    const QUrl url(QString::fromLatin1(request.target));
    requests.append(QString::fromLatin1(request.method) + u' ' + url.path());
    const bool eventsApi = url.path().startsWith(u"/api/events");
    if (eventsApi && faults.slowMs > 0) {
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(faults.slowMs, this, [this, guard, request] {
            if (guard)
                answer(guard, request);
        });
        return;
    }
    answer(socket, request);
}

void PrefectTestServer::answer(QTcpSocket *socket, const HttpRequest &request)
{
    const QUrl url(QString::fromLatin1(request.target));
    const QString path = url.path();
    if (path == u"/api/health" && request.method == "GET")
        return reply(socket, 200, "true");
    if (!authorised(request.head))
        return reply(socket, 401, R"({"exception_message":"Unauthorized"})");
    if (path.startsWith(u"/api/automations")) {
        if (faults.automationErrors > 0) {
            --faults.automationErrors;
            return reply(socket, 500, R"({"exception_message":"Internal Server Error"})");
        }
        if (path == u"/api/automations/" && request.method == "POST")
            automationBodies.append(request.body);
        const AutomationStore::Response r = automations.handle(
            request.method, path, request.body, QStringLiteral("http://127.0.0.1:%1").arg(port()));
        return reply(socket, r.status, r.body, r.extraHeaders);
    }
    if (path.startsWith(u"/api/events")) {
        if (faults.serverErrors > 0) {
            --faults.serverErrors;
            return reply(socket, 500, "Internal Server Error", "Content-Type: text/plain\r\n");
        }
        if (faults.rateLimits > 0) {
            --faults.rateLimits;
            return reply(socket, 429, R"({"detail":"Too Many Requests"})",
                         "Retry-After: " + QByteArray::number(faults.retryAfterSeconds) + "\r\n");
        }
    }

    if (path == u"/api/events" && request.method == "POST") {
        json::Value value;
        QString error;
        if (!json::parse(request.body, value, &error) || !value.isArray())
            return reply(socket, 422, R"({"detail":"expected a list of events"})");
        QList<Event> parsed;
        for (const json::Value &item : value.items) {
            Event e;
            EventError why;
            if (!parseEvent(item, request.body, e, why))
                return reply(socket, 422, "{\"detail\":" + [&] {
                    QByteArray quoted;
                    json::appendQuoted(quoted, why.message());
                    return quoted;
                }() + '}');
            parsed.append(std::move(e));
        }
        const qint64 now = timeutil::nowMicros();
        for (Event &e : parsed) {
            e.received = now;
            publish(std::move(e));
        }
        return reply(socket, 204, {});
    }

    if (path == u"/api/events/filter" && request.method == "POST") {
        EventFilter filter;
        int limit = kInteractivePageSize;
        if (!request.body.trimmed().isEmpty()) {
            json::Value body;
            QString error;
            if (!json::parse(request.body, body, &error) || !body.isObject())
                return reply(socket, 422, R"({"detail":"invalid JSON body"})");
            if (const json::Value *f = body.find(u"filter"); f && !f->isNull()) {
                std::optional<EventFilter> parsed = EventFilter::fromJsonValue(*f, &error);
                if (!parsed) {
                    QByteArray detail = R"({"detail":[{"loc":["body","filter"],"msg":)";
                    json::appendQuoted(detail, error);
                    return reply(socket, 422, detail + R"(,"type":"value_error"}]})");
                }
                filter = *parsed;
            }
            if (const json::Value *l = body.find(u"limit"); l && l->type == json::Type::Number) {
                limit = request.body.mid(l->begin, l->end - l->begin).toInt();
                if (limit < 0 || limit > kInteractivePageSize)
                    return reply(socket, 422, R"({"detail":[{"type":"less_than_equal","loc":["body","limit"],"msg":"Input should be less than or equal to 50","input":)"
                                                  + QByteArray::number(limit) + R"(,"ctx":{"le":50}}]})");
            }
        }
        // The server resolves the time bounds once; the token carries them.
        const qint64 now = timeutil::nowMicros();
        OccurredFilter occurred = filter.occurred.value_or(OccurredFilter{});
        if (!occurred.since)
            occurred.since = now - now % kDay - 180 * kDay;
        if (!occurred.until)
            occurred.until = now;
        filter.occurred = occurred;
        filterBodies.append(request.body);
        return servePage(socket, filter, query(filter).size(), limit, 0);
    }

    if (path == u"/api/events/filter/next" && request.method == "GET") {
        const QByteArray token = QUrlQuery(url).queryItemValue(QStringLiteral("page-token"), QUrl::FullyDecoded).toLatin1();
        const QByteArray inner = QByteArray::fromBase64(QByteArray::fromBase64(token));
        json::Value value;
        const json::Value *f = nullptr;
        if (faults.refuseTokens > 0) {
            --faults.refuseTokens;
            return reply(socket, 403, R"({"detail":"Forbidden"})");
        }
        if (token.isEmpty() || !json::parse(inner, value) || !value.isObject() || !(f = value.find(u"filter")))
            return reply(socket, 403, R"({"detail":"Forbidden"})");
        std::optional<EventFilter> filter = EventFilter::fromJsonValue(*f, nullptr);
        const json::Value *count = value.find(u"count");
        const json::Value *size = value.find(u"page_size");
        const json::Value *offset = value.find(u"offset");
        if (!filter || !count || !size || !offset)
            return reply(socket, 403, R"({"detail":"Forbidden"})");
        auto number = [&](const json::Value *v) { return inner.mid(v->begin, v->end - v->begin).toLongLong(); };
        return servePage(socket, *filter, number(count), int(number(size)), number(offset));
    }

    reply(socket, 404, R"({"detail":"Not Found"})");
}

void PrefectTestServer::servePage(QTcpSocket *socket, const EventFilter &filter, qsizetype count, int pageSize, qsizetype offset)
{
    const QList<const Stored *> matches = query(filter);
    QByteArray page = "{\"events\":[";
    for (qsizetype i = offset; i < std::min<qsizetype>(offset + pageSize, matches.size()); ++i)
        page += (i > offset ? "," : "") + matches[i]->json;
    page += "],\"total\":" + QByteArray::number(count) + ",\"next_page\":";
    if (pageSize > 0 && offset + pageSize < count) {
        const QString authority = nextPageAuthority.isEmpty() ? QStringLiteral("127.0.0.1:%1").arg(port()) : nextPageAuthority;
        page += "\"http://" + authority.toUtf8() + "/api/events/filter/next?page-token="
                + makeToken(filter, count, pageSize, offset + pageSize) + '"';
    } else {
        page += "null";
    }
    page += '}';
    if (faults.malformedPages > 0) {
        --faults.malformedPages;
        return reply(socket, 200, page.left(page.size() / 2) + "<html>");
    }
    if (faults.dropMidPage > 0) {
        --faults.dropMidPage;
        socket->write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                      + QByteArray::number(page.size()) + "\r\n\r\n" + page.left(page.size() / 2));
        socket->flush();
        socket->disconnectFromHost();
        return;
    }
    reply(socket, 200, page);
}

void PrefectTestServer::reply(QTcpSocket *socket, int status, const QByteArray &body, const QByteArray &extraHeaders)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\nserver: uvicorn\r\n";
    if (status != 204) {
        if (!extraHeaders.contains("Content-Type"))
            response += "content-type: application/json\r\n";
        response += "content-length: " + QByteArray::number(body.size()) + "\r\n";
    }
    socket->write(response + extraHeaders + "\r\n" + body);
}

// --- websockets ---

void PrefectTestServer::onWebSocket()
{
    while (QWebSocket *socket = m_ws.nextPendingConnection()) {
        ++wsConnections;
        auto *s = new Subscriber;
        s->socket = socket;
        const QString path = socket->requestUrl().path();
        // Legacy mode (no subprotocol, no auth configured): the first frame is the filter.
        s->stage = socket->subprotocol() == u"prefect" ? Subscriber::Auth : Subscriber::Filter;
        m_subscribers.append(s);
        if (path != u"/api/events/out") {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Not Found"));
        }
        connect(socket, &QWebSocket::textMessageReceived, this, [this, s](const QString &text) { onFrame(s, text); });
        connect(socket, &QWebSocket::disconnected, this, [this, s, socket] {
            s->stage = Subscriber::Closed;
            socket->deleteLater();
            // Deferred: a send loop may be iterating over the subscribers right now.
            QMetaObject::invokeMethod(this, [this, s] {
                m_subscribers.removeOne(s);
                delete s;
            }, Qt::QueuedConnection);
        });
    }
}

void PrefectTestServer::onFrame(Subscriber *s, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    json::Value frame;
    const bool ok = json::parse(bytes, frame) && frame.isObject();
    const json::Value *type = ok ? frame.find(u"type") : nullptr;
    switch (s->stage) {
    case Subscriber::Auth: {
        if (!type || type->string != u"auth") {
            s->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Expected 'auth' message"));
            return;
        }
        const json::Value *token = frame.find(u"token");
        const QString expected = !authString.isEmpty() ? authString : apiKey;
        if (!expected.isEmpty()) {
            if (!token || !token->isString()) {
                s->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Auth required but no token provided"));
                return;
            }
            if (token->string != expected) {
                s->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Invalid token"));
                return;
            }
        }
        s->stage = Subscriber::Filter;
        s->socket->sendTextMessage(QStringLiteral(R"({"type":"auth_success"})"));
        return;
    }
    case Subscriber::Filter: {
        if (!type || type->string != u"filter") {
            s->socket->close(QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("Expected 'filter' message"));
            return;
        }
        wsFilters.append(bytes);
        QString error;
        const json::Value *f = frame.find(u"filter");
        std::optional<EventFilter> filter = f ? EventFilter::fromJsonValue(*f, &error) : std::nullopt;
        if (faults.wsRejectFilters > 0) {
            --faults.wsRejectFilters;
            filter.reset();
            error = QStringLiteral("1 validation error for EventFilter");
        }
        if (!filter) {
            s->socket->close(QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("Invalid filter: ") + error);
            return;
        }
        const json::Value *backfill = frame.find(u"backfill");
        const bool wantsBackfill = !backfill || backfill->isNull() || backfill->boolean;
        // filter.occurred.clamp(15 min) and order ASC; `until` stays (now when absent).
        const qint64 now = timeutil::nowMicros();
        OccurredFilter occurred = filter->occurred.value_or(OccurredFilter{});
        occurred.since = std::max(now - maxBackfillMicros, occurred.since.value_or(now - kDay));
        if (!occurred.until)
            occurred.until = now;
        filter->occurred = occurred;
        filter->order = EventFilter::Order::Asc;
        s->live = *filter;
        s->live.related.reset(); // EventRelatedFilter has no in-memory check: ignored live
        s->stage = Subscriber::Streaming;
        if (wantsBackfill) {
            const QList<const Stored *> history = query(*filter);
            for (const Stored *stored : history) {
                if (!s->socket || s->stage != Subscriber::Streaming)
                    break;
                sendEvent(s, *stored);
            }
        }
        return;
    }
    case Subscriber::Streaming:
    case Subscriber::Closed:
        return; // ignored, as Prefect only reads to notice disconnects
    }
}

void PrefectTestServer::sendEvent(Subscriber *s, const Stored &stored)
{
    if (!s->socket || s->socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (faults.wsCloseAfterFrames >= 0 && s->framesSent >= faults.wsCloseAfterFrames) {
        s->stage = Subscriber::Closed; // sends nothing more
        if (faults.wsCloseCode) {
            s->socket->close(QWebSocketProtocol::CloseCode(faults.wsCloseCode), QStringLiteral("going away"));
        } else {
            s->socket->flush(); // the frames already sent arrive; then the line drops
            s->socket->abort();
        }
        return;
    }
    ++s->framesSent;
    s->socket->sendTextMessage(QString::fromUtf8("{\"type\":\"event\",\"event\":" + stored.json + '}'));
}

} // namespace ed::testing
