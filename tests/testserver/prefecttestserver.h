#pragma once

#include "core/event.h"
#include "core/eventfilter.h"
#include "tests/testserver/automationstore.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QWebSocketServer>

#include <optional>

class QTcpSocket;
class QWebSocket;

namespace ed::testing {

/// A Prefect-compatible server on one port of 127.0.0.1, answering as the Prefect 3.8.3
/// transcripts in tests/fixtures/prefect-transcripts show: `GET /api/health`, `POST /api/events`,
/// `POST /api/events/filter` (limit ≤ 50, `total`, `next_page` with a double-base64 offset
/// token), `GET /api/events/filter/next?page-token=…` (403 `{"detail":"Forbidden"}` on a bad
/// token), 401 `{"exception_message":"Unauthorized"}` without auth, and the websocket
/// `/api/events/out` (subprotocol `prefect`, `auth` → `auth_success`, `filter` with backfill
/// clamped to 15 minutes then live events judged without `related`, closes 1008 and 1002), and
/// the automations routes of AutomationStore.
///
/// A QTcpServer front end answers HTTP itself and hands upgrade requests to
/// QWebSocketServer::handleConnection(), which can negotiate the subprotocol (QHttpServer 6.4
/// cannot). Faults are injected through `faults`.
class PrefectTestServer final : public QObject
{
    Q_OBJECT

public:
    struct Faults
    {
        int serverErrors = 0;      ///< the next N event requests answer 500
        int rateLimits = 0;        ///< the next N answer 429 with Retry-After
        int retryAfterSeconds = 0;
        int slowMs = 0;            ///< every event answer is delayed this long
        int dropMidPage = 0;       ///< the next N pages send half their body, then hang up
        int malformedPages = 0;    ///< the next N pages are 200 with broken JSON
        int refuseTokens = 0;      ///< the next N page-token requests answer 403
        int wsCloseAfterFrames = -1; ///< every websocket hangs up after N event frames (-1: never)
        int wsCloseCode = 0;       ///< 0: drop the TCP connection; else close with this code
        int wsRefuseUpgrades = 0;  ///< the next N upgrade requests answer 503
        int wsRejectFilters = 0;   ///< the next N filter frames close 1002 `Invalid filter: …`
        int automationErrors = 0;  ///< the next N automation requests answer 500
    };

    Faults faults;
    QString authString; ///< OSS: HTTP Basic, websocket token = the raw `user:pass`
    QString apiKey;     ///< Cloud style: HTTP Bearer, websocket token = the key
    qint64 maxBackfillMicros = qint64(15) * 60 * 1000000;
    int backfillPageSize = 250;
    /// Host and port written into `next_page` (clients must ignore it); default: our own.
    QString nextPageAuthority;

    explicit PrefectTestServer(QObject *parent = nullptr);
    ~PrefectTestServer() override;

    bool listen(quint16 port = 0);
    quint16 port() const;
    QString apiUrl() const; ///< http://127.0.0.1:PORT/api

    /// Stores an event as received now (or at `event.received`), and sends it to live
    /// subscribers whose filter admits it.
    void publish(Event event);
    /// Stores raw JSON as one stored event at `occurred` (e.g. an invalid event), delivered in
    /// pages and on websockets like the others.
    void publishRaw(const QByteArray &json, qint64 occurred);
    qsizetype eventCount() const { return m_events.size(); }

    // What happened, for assertions.
    QStringList requests;           ///< "METHOD /path" of every HTTP request
    QList<QByteArray> filterBodies; ///< bodies of POST /api/events/filter
    QList<QByteArray> wsFilters;    ///< `filter` frames received on websockets
    QList<QByteArray> automationBodies; ///< bodies of POST /api/automations/, refused ones too
    AutomationStore automations;    ///< what the automations routes serve
    int wsConnections = 0;
    int liveSubscribers() const;
    /// Closes every websocket with `code` (0: drops the connections).
    void dropWebSockets(int code = 0);

signals:
    void eventsPublished(int count);

private:
    struct Stored
    {
        qint64 occurred = 0;
        QString id;
        std::optional<Event> event; ///< empty for raw entries
        QByteArray json;            ///< with `received`
    };
    struct Subscriber
    {
        QPointer<QWebSocket> socket;
        enum Stage { Auth, Filter, Streaming, Closed } stage = Auth;
        EventFilter live; ///< without `related`, which the live path ignores
        int framesSent = 0;
    };
    struct HttpRequest
    {
        QByteArray method;
        QByteArray target;
        QByteArray head;
        QByteArray body;
    };

    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const HttpRequest &request);
    void answer(QTcpSocket *socket, const HttpRequest &request);
    void servePage(QTcpSocket *socket, const EventFilter &filter, qsizetype count, int pageSize, qsizetype offset);
    void reply(QTcpSocket *socket, int status, const QByteArray &body, const QByteArray &extraHeaders = {});
    bool authorised(const QByteArray &head) const;
    QList<const Stored *> query(const EventFilter &filter) const;
    static bool admits(const EventFilter &filter, const Stored &stored);

    void onWebSocket();
    void onFrame(Subscriber *subscriber, const QString &text);
    void sendEvent(Subscriber *subscriber, const Stored &stored);
    void store(Stored stored);

    QTcpServer m_tcp;
    QWebSocketServer m_ws;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Stored> m_events; ///< kept in `occurred` order
    QList<Subscriber *> m_subscribers;
};

} // namespace ed::testing
