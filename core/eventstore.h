#pragma once

#include "core/event.h"
#include "core/eventfilter.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace ed {

/// Where a keyset page starts: strictly after this (occurred, id) in the filter's order.
struct Cursor
{
    qint64 occurred = 0;
    QString id;
};

/// An event as the cache holds it.
struct StoredEvent
{
    Event event;
    QByteArray json;  ///< the export form (see serializeEvent), exactly as stored
    QString source;   ///< `demo`, `file:NAME` or an API URL
    qint64 seq = 0;   ///< the row in the cache (set by fetch())
};

/// Events with their compressed export bodies: the CPU-heavy half of an ingest, which any
/// thread may compute (see EventStore::prepare) while another thread writes the previous batch.
struct PreparedBatch
{
    QList<Event> events;
    QList<QByteArray> bodies;
    /// Per event: the columns in the form SQLite takes them (UUID bytes, UTF-8 text).
    struct Columns
    {
        QByteArray id, follows, event, rid;
    };
    QList<Columns> columns;
};

/// Where an event sits in a view: its time and its row in the cache (`seq` grows with every
/// event stored, so "newer than seq N" finds what arrived since).
struct RowKey
{
    qint64 occurred = 0;
    qint64 seq = 0;
};

struct IngestStats
{
    qint64 stored = 0;
    qint64 duplicates = 0;
};

enum class Countable { Event, Resource, Time, Day };
enum class TimeUnit { Week, Day, Hour, Minute, Second };

/// One row of count-by, shaped like Prefect's EventCount.
struct CountBucket
{
    QString value;
    QString label;
    qint64 count = 0;
    qint64 startTime = 0; ///< µs
    qint64 endTime = 0;   ///< µs
};

/// Age counts from when the event entered the cache; size removes the oldest by `occurred`.
struct RetentionPolicy
{
    qint64 maxAgeMicros = qint64(30) * 86400 * 1000000; ///< 0 = keep forever
    qint64 maxBytes = qint64(2) * 1024 * 1024 * 1024;   ///< 0 = no size bound
};

struct RetentionResult
{
    qint64 deletedByAge = 0;
    qint64 deletedBySize = 0;
};

/// The local SQLite cache: one file shared by the GUI and every CLI command. An instance owns
/// one connection and must be used from the thread that opened it; open one per thread.
class EventStore final
{
public:
    EventStore();
    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    static constexpr int schemaVersion = 1;

    /// Opens (creating or migrating) the cache file.
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const;
    QString path() const;
    QString lastError() const;

    /// Stores a batch in one transaction; an id already cached is a duplicate (first copy wins).
    IngestStats ingest(const QList<Event> &events, const QString &source);
    IngestStats ingest(const PreparedBatch &batch, const QString &source);
    /// Serializes and compresses; thread-safe, touches no connection.
    static PreparedBatch prepare(QList<Event> events);
    /// For a large load into the cache: drops secondary indexes and groups batches into larger
    /// transactions until `endBulkLoad()`, which commits and rebuilds the indexes. Events of an
    /// unfinished bulk load may be missing until then; ingest errors roll back the open group.
    void beginBulkLoad();
    void endBulkLoad();

    /// Reads through a memory map of up to `bytes` of the file: about a third faster for
    /// queries, but every page touched counts in the process's resident size, so connections
    /// that write a lot (imports) leave it off (the default).
    void setMemoryMapped(qint64 bytes);

    /// Narrows every query (count, page, keys, forEachJson, countBy) to the events of one
    /// source (`demo`, `file:NAME`, an API URL); empty: every source, the default.
    void setScope(const QString &source);
    QString scope() const;

    qint64 totalCount();
    /// Number of events matching; nullopt on error (see lastError()).
    std::optional<qint64> count(const EventFilter &filter);
    /// One keyset page in the filter's order (occurred, then id).
    std::optional<QList<StoredEvent>> page(const EventFilter &filter, int limit,
                                           const std::optional<Cursor> &after = std::nullopt);
    /// Streams every matching event's stored JSON to `sink` in the filter's order, up to
    /// `limit` (negative = all). `sink` returns false to stop. Returns false on error.
    bool forEachJson(const EventFilter &filter, qint64 limit,
                     const std::function<bool(QByteArrayView json)> &sink);
    std::optional<StoredEvent> findById(const QString &id);
    struct Arrival
    {
        qint64 occurred = 0;
        std::optional<qint64> received;
        QString event;
    };
    /// When each of `ids` happened and reached the server, and its name, for those cached;
    /// reads the index only, one prepared statement for all.
    QHash<QString, Arrival> arrivals(const QStringList &ids);
    /// The events whose `follows` is `id`, oldest first (occurred, then id), at most `limit`.
    std::optional<QList<StoredEvent>> followers(const QString &id, int limit);

    /// The keys of every matching event in the filter's order, only those stored after
    /// `afterSeq` when it is positive. Reads the index, not the bodies: a million keys take a
    /// fraction of a second. `cancelled` is polled now and then; nullopt when it said stop or
    /// on error.
    std::optional<QList<RowKey>> keys(const EventFilter &filter, qint64 afterSeq = 0,
                                      const std::function<bool()> &cancelled = {});
    /// The events stored at `seqs`, in that order; a seq no longer cached is skipped.
    std::optional<QList<StoredEvent>> fetch(const QList<qint64> &seqs);
    /// The newest seq stored; 0 when the cache is empty.
    qint64 maxSeq();

    /// Prefect's count-by (spec §3.4). `time` buckets count from 2024-04-01T00:00:00Z in units
    /// of `interval × unit` and are back-filled with zeros between the filter's bounds.
    std::optional<QList<CountBucket>> countBy(Countable countable, const EventFilter &filter,
                                              TimeUnit unit = TimeUnit::Day, double interval = 1.0);

    RetentionResult applyRetention(const RetentionPolicy &policy, qint64 nowMicros);
    /// SQLite's integrity check plus our own invariants; empty when all is well.
    QStringList integrityCheck();
    qint64 fileBytes();
    QStringList sources();

    /// Small persistent settings (watermarks and the like).
    QString meta(const QString &key);
    void setMeta(const QString &key, const QString &value);

    // Completion for the filter bar: dictionary and index lookups only, each a few index seeks
    // whatever the size of the cache, so the GUI thread may call them as the user types.
    // Prefixes match case-sensitively, as label patterns and event names do.

    /// Label keys (of any resource) that start with `prefix`, sorted; at most `limit`.
    QStringList labelKeys(const QString &prefix, int limit);
    /// Values of label `key` that start with `prefix`, at most `limit`. When at most 256 values
    /// match, the most used come first (uses counted up to 1000 each, then alphabetical);
    /// beyond that, counting would cost too much and they are alphabetical.
    QStringList labelValues(const QString &key, const QString &prefix, int limit);
    /// Distinct event names that start with `prefix`, sorted; at most `limit`. Empty while a
    /// bulk load has the event index dropped.
    QStringList eventNames(const QString &prefix, int limit);
    /// The roles related resources have (`prefect.resource.role`), sorted; at most `limit`.
    QStringList relatedRoles(int limit);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

QString defaultCachePath();

} // namespace ed
