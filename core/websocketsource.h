#pragma once

#include "core/eventfilter.h"
#include "core/eventsource.h"

#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <optional>

namespace ed {

class PollingSource;

/// Subscribes to a Prefect server's live stream, `/events/out` (spec §5): subprotocol
/// `prefect`, an `auth` frame (token: API key or the raw auth string), `auth_success`, then a
/// `filter` frame with `backfill: true` and `occurred.until` a year ahead.
///
/// The server backfills at most 15 minutes; when the source must resume from further back
/// (its first start with a long history, or a reconnect after a long outage) it first fills
/// the gap over REST with a PollingSource, then subscribes. Events from backfill, live and
/// REST are deduplicated by id; each reconnect resumes one minute before the newest event
/// seen, as Prefect's own subscriber does. Closes 1008 (authentication) and 1002 (protocol)
/// are final errors; everything else reconnects with exponential backoff and jitter.
///
/// Like every source it sends the server only serverFilter(filter) and applies the whole
/// filter locally, so `related` conditions (ignored by the live path) still hold.
class WebSocketSource final : public EventSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketSource)

public:
    struct Options
    {
        QString apiUrl;     ///< e.g. http://127.0.0.1:4200/api; ws(s) is derived
        QString apiKey;     ///< Prefect Cloud
        QString authString; ///< OSS basic auth `user:pass`; wins over apiKey
        EventFilter filter;
        /// Where the stream starts; default one minute ago. Older than the server's backfill
        /// limit: the gap is read over REST first.
        std::optional<qint64> since;
        qint64 serverBackfillMicros = qint64(15) * 60 * 1000000;
        qint64 resumeOverlapMicros = qint64(60) * 1000000;
        int initialBackoffMs = 500;
        int maxBackoffMs = 30000;
        int batchIntervalMs = 50; ///< live events are delivered in batches at most this often
        bool cloud = false;
    };

    explicit WebSocketSource(Options options, QObject *parent = nullptr);
    ~WebSocketSource() override;

    void start() override;
    void stop() override;

    /// Where the next (re)connection will resume: the newest `occurred` seen minus the overlap
    /// (one minute; less while connections keep dying before they deliver anything new).
    qint64 resumePoint() const;
    int connectionCount() const { return m_connections; }
    /// The websocket URL, e.g. ws://127.0.0.1:4200/api/events/out.
    static QUrl streamUrl(const QString &apiUrl);

private:
    void connectStream();
    void fillGapThenConnect();
    void onConnected();
    void onTextMessage(const QString &text);
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void scheduleReconnect(const QString &why);
    void accept(QList<Event> events);
    void flush();
    void fail(const QString &error);
    QString token() const;

    Options m_options;
    QWebSocket m_socket;
    QTimer m_reconnectTimer;
    QTimer m_batchTimer;
    std::unique_ptr<PollingSource> m_gapFill;
    enum class Stage { Down, Handshake, Auth, Streaming } m_stage = Stage::Down;
    bool m_running = false;
    bool m_finalError = false;
    int m_backoffMs = 0;
    int m_connections = 0;
    qint64 m_since = 0;                ///< the start asked for
    std::optional<qint64> m_newest;    ///< the newest `occurred` seen
    qint64 m_overlap = 0;
    qint64 m_newThisConnection = 0;
    qint64 m_connectedAt = 0;
    QString m_handshakeError;
    QList<Event> m_pending;
    QSet<QString> m_seen; ///< two generations of ids, as the polling source keeps
    QSet<QString> m_seenBefore;
};

} // namespace ed
