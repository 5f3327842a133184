#pragma once

#include "core/eventfilter.h"
#include "core/eventstore.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QIcon>
#include <QSet>
#include <QThread>

#include <atomic>
#include <memory>

namespace ed::ui {

class KeyLoader;

/// The feed: a table over every cached event matching a filter, windowed on the cache. The
/// filter runs in SQL over the whole cache on a worker thread, which hands back only the keys
/// (occurred, seq) of the matches — 16 bytes per row, so a million rows cost 16 MB; rows are
/// read from the cache a block at a time as the view shows them. Oldest first: new events
/// arrive at the bottom.
class FeedModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedModel)

public:
    enum Column { Occurred, EventName, Resource, Related, Tags, ColumnCount };
    enum Role {
        SeqRole = Qt::UserRole + 1,
        IdRole,
        ResourceIdRole,
        RawEventRole,     ///< the raw event name
        FilterTermRole,   ///< the click-to-filter term for the cell
    };

    explicit FeedModel(const QString &cachePath, QObject *parent = nullptr);
    ~FeedModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Runs `filter` over the whole cache (asynchronously: `loaded` follows).
    void setFilter(const EventFilter &filter);
    const EventFilter &filter() const { return m_filter; }
    /// Only the events of one source (see EventStore::setScope); empty for all. Applies at
    /// the next setFilter().
    void setScope(const QString &source) { m_scope = source; }
    QString scope() const { return m_scope; }
    /// Adds the events stored since the last look that match the filter (asynchronously).
    void refreshNew();
    /// Hides everything cached so far from the view (the cache keeps it).
    void clearView();
    /// Counts over time for the filter in [since, until] (asynchronously: histogramReady).
    void requestHistogram(qint64 sinceMicros, qint64 untilMicros);
    /// The oldest and newest `occurred` among the rows; nullopt when there are none.
    std::optional<QPair<qint64, qint64>> span() const;
    bool isLoading() const { return m_loading; }

    void setUtc(bool utc);
    bool utc() const { return m_utc; }

    qint64 seqAt(int row) const;
    std::optional<StoredEvent> eventAt(int row) const;
    /// The row of the event with `seq`, or -1.
    int rowOfSeq(qint64 seq) const;
    QList<qint64> seqs(const QModelIndexList &rows) const;

    static QIcon kindIcon(const QString &kind);

signals:
    /// A new filter's rows are in place.
    void loaded(qint64 rows);
    /// `count` rows were inserted by refreshNew.
    void rowsArrived(int count);
    void failed(const QString &error);
    void histogramReady(const QList<ed::CountBucket> &buckets);

private:
    void onKeys(quint64 generation, bool fresh, const QList<ed::RowKey> &keys, qint64 seen, const QString &error);
    const StoredEvent *cached(int row) const;

    QString m_cachePath;
    EventFilter m_filter;
    QString m_scope;
    QList<RowKey> m_keys;
    qint64 m_seenSeq = 0;   ///< every event up to here has been considered
    QSet<qint64> m_shownAfterSeen; ///< rows shown whose seq is above m_seenSeq
    qint64 m_clearedSeq = 0;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    bool m_loading = false;
    bool m_refreshPending = false;
    bool m_refreshAgain = false;
    bool m_utc = false;

    QThread m_thread;
    KeyLoader *m_loader = nullptr;
    mutable std::unique_ptr<EventStore> m_reader;
    mutable QCache<qint64, StoredEvent> m_rows; ///< by seq
};

} // namespace ed::ui
