#pragma once

#include "core/event.h"
#include "core/eventfilter.h"
#include "core/eventsource.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

class QNetworkReply;

namespace ed {

/// Pulls events from a Prefect server over REST: `POST /events/filter`, then
/// `GET /events/filter/next?page-token=…` against our own base URL (never the host in
/// `next_page`), incremental from an `occurred` watermark minus an overlap, deduplicated by id.
/// Sends the server only serverFilter(filter) and re-applies the whole filter locally.
/// Honours 429 + Retry-After; backs off on 5xx, timeouts and network errors; splits Cloud
/// queries into windows of at most 14 days.
class PollingSource final : public EventSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PollingSource)

public:
    struct Options
    {
        QString apiUrl;       ///< e.g. http://127.0.0.1:4200/api
        QString apiKey;       ///< Bearer (Cloud)
        QString authString;   ///< Basic (OSS); wins over apiKey, as in Prefect's client
        EventFilter filter;
        qint64 historyMicros = qint64(24) * 3600 * 1000000; ///< first pass; 0 = all the server keeps
        qint64 overlapMicros = qint64(60) * 1000000;
        int pollIntervalMs = 5000;
        int pageLimit = 50;
        int transferTimeoutMs = 30000;
        int maxBackoffMs = 60000;
        bool cloud = false;   ///< windows of at most 14 days
    };

    struct PassStats
    {
        qint64 fetched = 0;   ///< events the server sent (before dedup and local filtering)
        qint64 delivered = 0; ///< passed on through eventsReceived
        qint64 rejected = 0;
        qint64 pages = 0;
    };

    explicit PollingSource(Options options, QObject *parent = nullptr);
    ~PollingSource() override;

    void setWatermark(std::optional<qint64> occurred) { m_watermark = occurred; }
    std::optional<qint64> watermark() const { return m_watermark; }

    /// One pass now, then one every pollIntervalMs (state Live between passes).
    void start() override;
    /// A single pass; `passFinished` or `failed` follows.
    void runOnce();
    void stop() override;

signals:
    void passFinished(const ed::PollingSource::PassStats &stats);

private:
    void beginPass();
    void beginWindow();
    void sendFirstPage();
    void sendNextPage();
    void send(QNetworkRequest request, const QByteArray &body, bool post);
    void onReply(QNetworkReply *reply);
    void retryLater(int ms, const QString &why);
    void finishPass();
    QNetworkRequest request(const QString &path) const;

    Options m_options;
    QNetworkAccessManager m_network;
    QTimer m_pollTimer;
    QTimer m_retryTimer;
    QPointer<QNetworkReply> m_reply;
    bool m_running = false;
    bool m_repeat = false;

    std::optional<qint64> m_watermark;
    qint64 m_passMax = 0;
    QList<QPair<qint64, qint64>> m_windows; ///< [since, until] still to fetch
    QString m_pageToken;                    ///< empty: the window's first page is next
    QByteArray m_lastBody;
    bool m_lastPost = false;
    QNetworkRequest m_lastRequest;
    int m_backoffMs = 0;
    QSet<QString> m_seen;       ///< ids delivered this pass and the previous one
    QSet<QString> m_seenBefore;
    PassStats m_stats;
};

} // namespace ed

Q_DECLARE_METATYPE(ed::PollingSource::PassStats)
