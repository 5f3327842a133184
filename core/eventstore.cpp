#include "core/eventstore.h"

#include "core/codec.h"
#include "core/filtersql.h"
#include "core/histogrambuckets.h"
#include "core/json.h"
#include "core/sqlite.h"
#include "core/timeutil.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QStandardPaths>
#include <QUuid>

#include <sqlite3.h>

#include <cmath>

namespace ed {

using sql::Statement;

namespace {

// Schema version 1. Labels are dictionary-coded (label_keys, label_values); `events.res` lists
// each resource's label ids (see filtersql.h); `labels` indexes (label id → event) for lookups;
// `bodies` holds the compressed export JSON apart so that scans of `events` stay narrow.
const char *const kSchemaV1[] = {
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE label_keys(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)",
    "CREATE TABLE label_values(id INTEGER PRIMARY KEY, key INTEGER NOT NULL, value TEXT NOT NULL,"
    " UNIQUE(key, value))",
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, occurred INTEGER NOT NULL, id BLOB NOT NULL,"
    " event TEXT NOT NULL, rid TEXT NOT NULL, received INTEGER, follows BLOB,"
    " source INTEGER NOT NULL, cached INTEGER NOT NULL, res BLOB NOT NULL)",
    "CREATE UNIQUE INDEX events_id ON events(id)",
    "CREATE INDEX events_occurred ON events(occurred, id)",
    "CREATE INDEX events_event ON events(event, occurred)",
    // The primary resource id in clear: id and prefix filters, the commonest, become index
    // ranges instead of sets of dictionary ids.
    "CREATE INDEX events_rid ON events(rid, occurred)",
    "CREATE TABLE bodies(seq INTEGER PRIMARY KEY, body BLOB NOT NULL)",
    // labels.lv is the dictionary id times two, plus one on the primary resource (see
    // sql::labelKey): a label of the primary resource is then counted from this index alone.
    "CREATE TABLE labels(lv INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(lv, seq))"
    " WITHOUT ROWID",
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)",
};

const char *const kSecondaryIndexes[] = {
    "CREATE INDEX IF NOT EXISTS events_occurred ON events(occurred, id)",
    "CREATE INDEX IF NOT EXISTS events_event ON events(event, occurred)",
    "CREATE INDEX IF NOT EXISTS events_rid ON events(rid, occurred)",
    // "Followed by" in the event pane; partial, so events without `follows` cost nothing.
    "CREATE INDEX IF NOT EXISTS events_follows ON events(follows) WHERE follows IS NOT NULL",
};

constexpr int kLabelRowsPerInsert = 8;
constexpr qint64 kBulkTransactionEvents = 25000;
constexpr qint64 kPivot = 1711929600LL * 1000000; // 2024-04-01T00:00:00Z, Prefect's PIVOT_DATETIME

QString isoOffset(qint64 micros)
{
    // Python's isoformat() of a UTC datetime: "+00:00", fraction only when non-zero.
    QString s = timeutil::formatString(micros);
    s.chop(1);
    return s + QStringLiteral("+00:00");
}

} // namespace

struct EventStore::Private
{
    QString connectionName;
    QString path;
    QString error;
    QString scope; ///< a source name: queries see only its events; empty for all
    sqlite3 *db = nullptr;
    QHash<QString, qint64> keyIds;
    QHash<QPair<qint64, QString>, qint64> valueIds;
    QHash<QString, qint64> sourceIds;
    std::unique_ptr<Statement> insertEvent, insertBody, insertLabel, insertLabels, findValue, insertValue;
    bool bulk = false;
    // During a bulk load one transaction spans many batches: hot pages of the label index are
    // then written to the WAL once per commit instead of once per batch.
    bool inBulkTransaction = false;
    qint64 pendingInTransaction = 0;

    bool fail(const QString &message)
    {
        error = message;
        return false;
    }

    bool exec(const char *statement)
    {
        QString why;
        if (!sql::exec(db, statement, &why))
            return fail(why);
        return true;
    }

    qint64 pragmaInt(const char *pragma)
    {
        Statement q(db, QByteArray("PRAGMA ") + pragma);
        return q.step() ? q.int64(0) : 0;
    }

    bool migrate()
    {
        const qint64 version = pragmaInt("user_version");
        if (version > schemaVersion)
            return fail(QStringLiteral("the cache %1 was written by a newer Eventdeck (schema %2, "
                                       "this build reads up to %3)")
                            .arg(path)
                            .arg(version)
                            .arg(schemaVersion));
        if (version == schemaVersion)
            return true;
        if (!exec("BEGIN IMMEDIATE"))
            return false;
        if (version < 1) {
            for (const char *s : kSchemaV1) {
                if (!exec(s)) {
                    exec("ROLLBACK");
                    return false;
                }
            }
        }
        // Later versions add their steps here, each guarded by `version < N`.
        const QByteArray setVersion = "PRAGMA user_version = " + QByteArray::number(schemaVersion);
        if (!exec(setVersion.constData())
            || !exec("COMMIT")) {
            exec("ROLLBACK");
            return false;
        }
        return true;
    }

    // A file that claims our schema version must have our tables (a cache left by a
    // development build, or another program's file, would fail later in confusing ways).
    // Compiles `filter` and narrows it to the scope's source, if any.
    std::unique_ptr<sql::CompiledFilter> compile(const EventFilter &filter, sql::Purpose purpose, QString *why)
    {
        auto c = sql::compileFilter(db, filter, purpose, why);
        if (!c || scope.isEmpty())
            return c;
        Statement q(db, "SELECT id FROM sources WHERE name = ?");
        q.bind(1, scope);
        if (!q.step()) {
            c->never = true; // nothing from that source is cached yet
            return c;
        }
        c->where = "(" + c->where + ") AND e.source = " + QByteArray::number(q.int64(0));
        c->indexOnlyCount.reset();
        return c;
    }

    bool schemaMatches()
    {
        Statement probe(db, "SELECT seq, occurred, id, event, rid, received, follows, source, cached,"
                            " res FROM events LIMIT 0");
        Statement labels(db, "SELECT lv, seq FROM labels LIMIT 0");
        Statement bodies(db, "SELECT seq, body FROM bodies LIMIT 0");
        if (probe.isValid() && labels.isValid() && bodies.isValid())
            return true;
        return fail(QStringLiteral("its tables do not match schema %1 of this build; move the file "
                                   "aside and Eventdeck will create a new cache")
                        .arg(schemaVersion));
    }

    std::optional<qint64> keyId(const QString &key)
    {
        if (auto it = keyIds.constFind(key); it != keyIds.constEnd())
            return *it;
        Statement find(db, "SELECT id FROM label_keys WHERE key = ?");
        find.bind(1, key);
        qint64 id = 0;
        if (find.step()) {
            id = find.int64(0);
        } else {
            Statement insert(db, "INSERT INTO label_keys(key) VALUES (?)");
            insert.bind(1, key);
            if (!insert.exec()) {
                error = insert.error();
                return std::nullopt;
            }
            id = sqlite3_last_insert_rowid(db);
        }
        keyIds.insert(key, id);
        return id;
    }

    std::optional<qint64> valueId(qint64 key, const QString &value)
    {
        const QPair<qint64, QString> k{key, value};
        if (auto it = valueIds.constFind(k); it != valueIds.constEnd())
            return *it;
        if (valueIds.size() > 50000)
            valueIds.clear(); // bound memory: unique values (timestamps, run ids) rarely repeat
        // Most values not in the memory cache are new (timestamps, run ids): insert first.
        insertValue->reset();
        insertValue->bind(1, key).bind(2, value);
        if (!insertValue->exec()) {
            error = insertValue->error();
            return std::nullopt;
        }
        qint64 id = 0;
        if (sql::changes(db) > 0) {
            id = sqlite3_last_insert_rowid(db);
        } else {
            findValue->reset();
            findValue->bind(1, key).bind(2, value);
            if (!findValue->step()) {
                error = findValue->error();
                return std::nullopt;
            }
            id = findValue->int64(0);
            findValue->reset();
        }
        valueIds.insert(k, id);
        return id;
    }

    std::optional<qint64> sourceId(const QString &name)
    {
        if (auto it = sourceIds.constFind(name); it != sourceIds.constEnd())
            return *it;
        Statement insert(db, "INSERT OR IGNORE INTO sources(name) VALUES (?)");
        insert.bind(1, name);
        insert.exec();
        Statement find(db, "SELECT id FROM sources WHERE name = ?");
        find.bind(1, name);
        if (!find.step()) {
            error = find.error();
            return std::nullopt;
        }
        const qint64 id = find.int64(0);
        sourceIds.insert(name, id);
        return id;
    }

    // Appends the resource's label ids to `ids`; false on a database error.
    bool resourceIds(const Resource &r, std::vector<qint64> &ids)
    {
        for (const Label &l : r.labels) {
            const auto k = keyId(l.key);
            if (!k)
                return false;
            const auto v = valueId(*k, l.value);
            if (!v)
                return false;
            ids.push_back(*v);
        }
        return true;
    }

    // Several rows per statement: one VDBE run instead of eight.
    bool insertLabelRows(const std::vector<qint64> &lvs, qint64 seq)
    {
        size_t i = 0;
        for (; i + kLabelRowsPerInsert <= lvs.size(); i += kLabelRowsPerInsert) {
            insertLabels->reset();
            for (int k = 0; k < kLabelRowsPerInsert; ++k)
                insertLabels->bind(2 * k + 1, lvs[i + size_t(k)]).bind(2 * k + 2, seq);
            if (!insertLabels->exec())
                return fail(insertLabels->error());
        }
        for (; i < lvs.size(); ++i) {
            insertLabel->reset();
            insertLabel->bind(1, lvs[i]).bind(2, seq);
            if (!insertLabel->exec())
                return fail(insertLabel->error());
        }
        return true;
    }

    void prepare()
    {
        insertEvent = std::make_unique<Statement>(
            db, "INSERT OR IGNORE INTO events(occurred, id, event, rid, received, follows,"
                " source, cached, res) VALUES (?,?,?,?,?,?,?,?,?)");
        insertBody = std::make_unique<Statement>(db, "INSERT INTO bodies(seq, body) VALUES (?,?)");
        insertLabel = std::make_unique<Statement>(db, "INSERT OR IGNORE INTO labels(lv, seq) VALUES (?,?)");
        findValue = std::make_unique<Statement>(db, "SELECT id FROM label_values WHERE key = ? AND value = ?");
        insertValue = std::make_unique<Statement>(db, "INSERT OR IGNORE INTO label_values(key, value) VALUES (?,?)");
        QByteArray many = "INSERT OR IGNORE INTO labels(lv, seq) VALUES (?,?)";
        for (int i = 1; i < kLabelRowsPerInsert; ++i)
            many += ",(?,?)";
        insertLabels = std::make_unique<Statement>(db, many);
    }

    // Reads the event back from its stored JSON.
    bool decode(QByteArrayView body, StoredEvent &out)
    {
        out.json.clear();
        if (!codec::decompress(body, out.json))
            return fail(QStringLiteral("a stored event could not be decompressed"));
        EventError why;
        if (!parseEvent(out.json, out.event, why))
            return fail(QStringLiteral("a stored event could not be read: ") + why.message());
        return true;
    }

    QByteArray orderBy(EventFilter::Order order, const char *alias = "e")
    {
        const QByteArray dir = order == EventFilter::Order::Asc ? " ASC" : " DESC";
        return QByteArray(" ORDER BY ") + alias + ".occurred" + dir + ", " + alias + ".id" + dir;
    }

    // SELECT over the filtered events, honouring resource.distinct (the first event per
    // primary resource in the requested order). `joins` may add tables joined to `e`.
    QByteArray selectFiltered(const EventFilter &f, const sql::CompiledFilter &c,
                              const QByteArray &columns, const QByteArray &joins = {})
    {
        if (f.resource && f.resource->distinct) {
            const QByteArray dir = f.order == EventFilter::Order::Asc ? " ASC" : " DESC";
            return "SELECT " + columns + " FROM (SELECT e.*, row_number() OVER (PARTITION BY "
                   "e.rid ORDER BY e.occurred" + dir + ", e.id" + dir + ") AS rn FROM events e"
                   " WHERE " + c.where + ") AS e " + joins + " WHERE e.rn = 1";
        }
        return "SELECT " + columns + " FROM events e " + joins + " WHERE " + c.where;
    }
};

EventStore::EventStore()
    : d(std::make_unique<Private>())
{}

EventStore::~EventStore()
{
    close();
}

bool EventStore::open(const QString &path, QString *error)
{
    close();
    d->path = path;
    d->error.clear();
    const QFileInfo info(path);
    if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath())) {
        d->error = QStringLiteral("cannot create the directory %1").arg(info.absolutePath());
        if (error)
            *error = d->error;
        return false;
    }
    d->connectionName = QStringLiteral("eventdeck-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open()) {
            d->error = QStringLiteral("cannot open the cache %1: %2").arg(path, db.lastError().text());
        } else {
            const QVariant handle = db.driver()->handle();
            if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
                d->db = *static_cast<sqlite3 *const *>(handle.constData());
            else
                d->error = QStringLiteral("the Qt SQLite driver gave no native handle");
        }
    }
    if (d->db) {
        const bool ok = d->exec("PRAGMA auto_vacuum = INCREMENTAL") // only takes on a new file
                        && d->exec("PRAGMA journal_mode = WAL")
                        && d->exec("PRAGMA synchronous = NORMAL")
                        && d->exec("PRAGMA temp_store = FILE") // big sorts spill to disk, not RAM
                        && d->exec("PRAGMA cache_size = -65536")
                        && d->exec("PRAGMA wal_autocheckpoint = 16384");
        if (ok) {
            Statement check(d->db, "SELECT count(*) FROM sqlite_master");
            if (!check.step())
                d->error = QStringLiteral("%1 is not an Eventdeck cache (%2)").arg(path, check.error());
        }
        if (d->error.isEmpty() && d->migrate() && d->schemaMatches()) {
            // A bulk load cut off before its end left its indexes dropped: restore them.
            for (const char *s : kSecondaryIndexes)
                d->exec(s);
            sql::registerFunctions(d->db);
            d->prepare();
            return true;
        }
        if (!d->error.contains(path))
            d->error = QStringLiteral("cannot use the cache %1: %2").arg(path, d->error);
    }
    if (error)
        *error = d->error;
    const QString message = d->error;
    close();
    d->error = message;
    return false;
}

void EventStore::close()
{
    endBulkLoad(); // an orderly close keeps what a bulk load stored
    d->insertEvent.reset();
    d->insertBody.reset();
    d->insertLabel.reset();
    d->insertLabels.reset();
    d->findValue.reset();
    d->insertValue.reset();
    d->keyIds.clear();
    d->valueIds.clear();
    d->sourceIds.clear();
    d->db = nullptr;
    if (!d->connectionName.isEmpty()) {
        QSqlDatabase::database(d->connectionName, false).close();
        QSqlDatabase::removeDatabase(d->connectionName);
        d->connectionName.clear();
    }
}

bool EventStore::isOpen() const
{
    return d->db != nullptr;
}

QString EventStore::path() const
{
    return d->path;
}

QString EventStore::lastError() const
{
    return d->error;
}

PreparedBatch EventStore::prepare(QList<Event> events)
{
    PreparedBatch batch;
    batch.bodies.reserve(events.size());
    batch.columns.reserve(events.size());
    for (const Event &e : events) {
        batch.bodies.append(codec::compress(serializeEvent(e)));
        batch.columns.append({uuidToBytes(e.id), e.follows.isEmpty() ? QByteArray() : uuidToBytes(e.follows),
                              e.event.toUtf8(), e.resource.id().toUtf8()});
    }
    batch.events = std::move(events);
    return batch;
}

IngestStats EventStore::ingest(const QList<Event> &events, const QString &source)
{
    return ingest(prepare(events), source);
}

IngestStats EventStore::ingest(const PreparedBatch &batch, const QString &source)
{
    IngestStats stats;
    const QList<Event> &events = batch.events;
    if (!d->db || events.isEmpty())
        return stats;
    if (!d->inBulkTransaction) {
        if (!d->exec("BEGIN IMMEDIATE"))
            return stats;
        d->inBulkTransaction = d->bulk;
        d->pendingInTransaction = 0;
    }
    auto rollback = [&] {
        const QString why = d->error.isEmpty() ? QStringLiteral("the batch could not be stored: ")
                                                     + sql::errorMessage(d->db)
                                               : d->error;
        d->exec("ROLLBACK");
        d->inBulkTransaction = false;
        // Cached ids may name rows the rollback removed.
        d->keyIds.clear();
        d->valueIds.clear();
        d->sourceIds.clear();
        d->error = why;
        return IngestStats{};
    };
    const auto sourceId = d->sourceId(source);
    if (!sourceId)
        return rollback();
    // Retention by age counts from when the cache got an event, so an imported archive of old
    // events is not deleted the moment it arrives.
    const qint64 cachedAt = timeutil::nowMicros() / 1000000;
    // Flat storage reused across events: label ids, and where each resource's ids end.
    std::vector<qint64> ids;
    std::vector<size_t> ends;
    std::vector<qint64> distinct;
    QByteArray res;
    for (qsizetype n = 0; n < events.size(); ++n) {
        const Event &e = events[n];
        const PreparedBatch::Columns &col = batch.columns[n];
        ids.clear();
        ends.clear();
        if (!d->resourceIds(e.resource, ids))
            return rollback();
        ends.push_back(ids.size());
        for (const Resource &r : e.related) {
            if (!d->resourceIds(r, ids))
                return rollback();
            ends.push_back(ids.size());
        }
        sql::packResources(ids, ends, res);
        Statement &ins = *d->insertEvent;
        ins.reset();
        ins.bind(1, e.occurred).bindBlob(2, col.id).bindText(3, col.event).bindText(4, col.rid);
        if (e.received)
            ins.bind(5, *e.received);
        else
            ins.bindNull(5);
        if (col.follows.isEmpty())
            ins.bindNull(6);
        else
            ins.bindBlob(6, col.follows);
        ins.bind(7, *sourceId).bind(8, cachedAt).bindBlob(9, res);
        if (!ins.exec()) {
            d->error = ins.error();
            return rollback();
        }
        if (sql::changes(d->db) == 0) {
            ++stats.duplicates;
            continue;
        }
        const qint64 seq = sqlite3_last_insert_rowid(d->db);
        Statement &body = *d->insertBody;
        body.reset();
        body.bind(1, seq).bindBlob(2, batch.bodies[n]);
        if (!body.exec()) {
            d->error = body.error();
            return rollback();
        }
        distinct.clear();
        for (size_t i = 0; i < ids.size(); ++i)
            distinct.push_back(sql::labelKey(ids[i], i < ends.front()));
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        if (!d->insertLabelRows(distinct, seq))
            return rollback();
        ++stats.stored;
    }
    d->pendingInTransaction += events.size();
    if (d->inBulkTransaction && d->pendingInTransaction < kBulkTransactionEvents)
        return stats;
    d->inBulkTransaction = false;
    if (!d->exec("COMMIT"))
        return rollback();
    return stats;
}

void EventStore::beginBulkLoad()
{
    if (!d->db || d->bulk)
        return;
    d->bulk = true;
    d->exec("DROP INDEX IF EXISTS events_occurred");
    d->exec("DROP INDEX IF EXISTS events_event");
    d->exec("DROP INDEX IF EXISTS events_rid");
    d->exec("DROP INDEX IF EXISTS events_follows");
}

void EventStore::endBulkLoad()
{
    if (!d->db || !d->bulk)
        return;
    d->bulk = false;
    if (d->inBulkTransaction) {
        d->inBulkTransaction = false;
        d->exec("COMMIT");
    }
    // Index builds sort in memory up to the page cache's size: keep that small meanwhile, so
    // a large import stays within its memory budget.
    d->exec("PRAGMA shrink_memory");
    d->exec("PRAGMA cache_size = -16384");
    for (const char *s : kSecondaryIndexes)
        d->exec(s);
    d->exec("PRAGMA cache_size = -65536");
}

void EventStore::setMemoryMapped(qint64 bytes)
{
    if (d->db)
    {
        const QByteArray pragma = "PRAGMA mmap_size = " + QByteArray::number(qMax<qint64>(0, bytes));
        d->exec(pragma.constData());
    }
}

void EventStore::setScope(const QString &source)
{
    d->scope = source;
}

QString EventStore::scope() const
{
    return d->scope;
}

qint64 EventStore::totalCount()
{
    if (!d->db)
        return 0;
    Statement q(d->db, "SELECT count(*) FROM events");
    return q.step() ? q.int64(0) : 0;
}

std::optional<qint64> EventStore::count(const EventFilter &filter)
{
    if (!d->db)
        return std::nullopt;
    QString why;
    const auto c = d->compile(filter, sql::Purpose::All, &why);
    if (!c) {
        d->error = why;
        return std::nullopt;
    }
    if (c->never)
        return 0;
    if (c->indexOnlyCount)
        return sql::countFromIndex(d->db, *c->indexOnlyCount);
    Statement q(d->db, "SELECT count(*) FROM (" + d->selectFiltered(filter, *c, "1") + ')');
    sql::bindAll(q, c->binds);
    if (!q.step()) {
        d->error = q.error();
        return std::nullopt;
    }
    return q.int64(0);
}

std::optional<QList<StoredEvent>> EventStore::page(const EventFilter &filter, int limit,
                                                   const std::optional<Cursor> &after)
{
    if (!d->db)
        return std::nullopt;
    QString why;
    const auto c = d->compile(filter, sql::Purpose::Page, &why);
    if (!c) {
        d->error = why;
        return std::nullopt;
    }
    QList<StoredEvent> out;
    if (c->never)
        return out;
    const bool asc = filter.order == EventFilter::Order::Asc;
    // Only keys go through the ORDER BY: bodies are fetched for the rows of the page alone,
    // not for every candidate SQLite sorts.
    QByteArray sqlText = d->selectFiltered(filter, *c, "e.seq");
    QList<QVariant> binds = c->binds;
    if (after) {
        sqlText += asc ? " AND (e.occurred, e.id) > (?, ?)" : " AND (e.occurred, e.id) < (?, ?)";
        binds.append(after->occurred);
        binds.append(QVariant::fromValue(uuidToBytes(after->id)));
    }
    sqlText += d->orderBy(filter.order) + " LIMIT " + QByteArray::number(qMax(0, limit));
    Statement q(d->db, sqlText);
    sql::bindAll(q, binds);
    QList<qint64> seqs;
    while (q.step())
        seqs.append(q.int64(0));
    if (!q.error().isEmpty()) {
        d->error = q.error();
        return std::nullopt;
    }
    return fetch(seqs);
}

bool EventStore::forEachJson(const EventFilter &filter, qint64 limit,
                             const std::function<bool(QByteArrayView)> &sink)
{
    if (!d->db)
        return false;
    QString why;
    const auto c = d->compile(filter, sql::Purpose::All, &why);
    if (!c)
        return d->fail(why);
    if (c->never || limit == 0)
        return true;
    QByteArray sqlText = d->selectFiltered(filter, *c, "b.body", "JOIN bodies b ON b.seq = e.seq")
                         + d->orderBy(filter.order);
    if (limit > 0)
        sqlText += " LIMIT " + QByteArray::number(limit);
    Statement q(d->db, sqlText);
    sql::bindAll(q, c->binds);
    QByteArray json;
    while (q.step()) {
        json.resize(0);
        if (!codec::decompress(q.blob(0), json))
            return d->fail(QStringLiteral("a stored event could not be decompressed"));
        if (!sink(json))
            return true;
    }
    if (!q.error().isEmpty())
        return d->fail(q.error());
    return true;
}

std::optional<QList<RowKey>> EventStore::keys(const EventFilter &filter, qint64 afterSeq,
                                              const std::function<bool()> &cancelled)
{
    if (!d->db)
        return std::nullopt;
    QString why;
    const auto c = d->compile(filter, sql::Purpose::All, &why);
    if (!c) {
        d->error = why;
        return std::nullopt;
    }
    QList<RowKey> out;
    if (c->never)
        return out;
    QByteArray sqlText = d->selectFiltered(filter, *c, "e.occurred, e.seq");
    QList<QVariant> binds = c->binds;
    if (afterSeq > 0) {
        sqlText += " AND e.seq > ?";
        binds.append(afterSeq);
    }
    sqlText += d->orderBy(filter.order);
    Statement q(d->db, sqlText);
    sql::bindAll(q, binds);
    while (q.step()) {
        out.append({q.int64(0), q.int64(1)});
        if (cancelled && (out.size() & 0x3fff) == 0 && cancelled())
            return std::nullopt;
    }
    if (!q.error().isEmpty()) {
        d->error = q.error();
        return std::nullopt;
    }
    return out;
}

std::optional<QList<StoredEvent>> EventStore::fetch(const QList<qint64> &seqs)
{
    if (!d->db)
        return std::nullopt;
    QList<StoredEvent> out;
    Statement q(d->db, "SELECT b.body, s.name FROM events e JOIN bodies b ON b.seq = e.seq "
                       "LEFT JOIN sources s ON s.id = e.source WHERE e.seq = ?");
    for (const qint64 seq : seqs) {
        q.reset();
        q.bind(1, seq);
        if (!q.step()) {
            if (!q.error().isEmpty()) {
                d->error = q.error();
                return std::nullopt;
            }
            continue;
        }
        StoredEvent se;
        if (!d->decode(q.blob(0), se))
            return std::nullopt;
        se.source = q.text(1);
        se.seq = seq;
        out.append(std::move(se));
    }
    return out;
}

qint64 EventStore::maxSeq()
{
    if (!d->db)
        return 0;
    Statement q(d->db, "SELECT coalesce(max(seq), 0) FROM events");
    return q.step() ? q.int64(0) : 0;
}

std::optional<StoredEvent> EventStore::findById(const QString &id)
{
    if (!d->db)
        return std::nullopt;
    const QString canonical = canonicalUuid(id);
    if (canonical.isEmpty())
        return std::nullopt;
    Statement q(d->db, "SELECT b.body, s.name FROM events e JOIN bodies b ON b.seq = e.seq"
                       " JOIN sources s ON s.id = e.source WHERE e.id = ?");
    q.bindBlob(1, uuidToBytes(canonical));
    if (!q.step())
        return std::nullopt;
    StoredEvent se;
    if (!d->decode(q.blob(0), se))
        return std::nullopt;
    se.source = q.text(1);
    return se;
}

QHash<QString, EventStore::Arrival> EventStore::arrivals(const QStringList &ids)
{
    QHash<QString, Arrival> out;
    if (!d->db)
        return out;
    Statement q(d->db, "SELECT occurred, received, event FROM events WHERE id = ?");
    for (const QString &id : ids) {
        const QString canonical = canonicalUuid(id);
        if (canonical.isEmpty())
            continue;
        q.reset();
        q.bindBlob(1, uuidToBytes(canonical));
        if (!q.step())
            continue;
        Arrival a;
        a.occurred = q.int64(0);
        if (!q.isNull(1))
            a.received = q.int64(1);
        a.event = q.text(2);
        out.insert(canonical, a);
    }
    return out;
}

std::optional<QList<StoredEvent>> EventStore::followers(const QString &id, int limit)
{
    if (!d->db)
        return std::nullopt;
    QList<StoredEvent> out;
    const QString canonical = canonicalUuid(id);
    if (canonical.isEmpty() || limit <= 0)
        return out;
    Statement q(d->db, "SELECT b.body, s.name FROM events e JOIN bodies b ON b.seq = e.seq"
                       " JOIN sources s ON s.id = e.source WHERE e.follows = ?"
                       " ORDER BY e.occurred, e.id LIMIT ?");
    q.bindBlob(1, uuidToBytes(canonical));
    q.bind(2, qint64(limit));
    while (q.step()) {
        StoredEvent se;
        if (!d->decode(q.blob(0), se))
            return std::nullopt;
        se.source = q.text(1);
        out.append(std::move(se));
    }
    if (!q.error().isEmpty()) {
        d->error = q.error();
        return std::nullopt;
    }
    return out;
}

std::optional<QList<CountBucket>> EventStore::countBy(Countable countable, const EventFilter &filter,
                                                      TimeUnit unit, double interval)
{
    if (!d->db)
        return std::nullopt;
    QString why;
    const auto c = d->compile(filter, sql::Purpose::All, &why);
    if (!c) {
        d->error = why;
        return std::nullopt;
    }
    QList<CountBucket> out;
    const QByteArray inner = d->selectFiltered(filter, *c, "e.seq, e.occurred, e.event, e.rid");
    if (countable == Countable::Event) {
        if (c->never)
            return out;
        Statement q(d->db, "SELECT e.event, count(*), min(e.occurred), max(e.occurred) FROM ("
                               + inner + ") AS e GROUP BY e.event ORDER BY count(*) DESC, e.event ASC");
        sql::bindAll(q, c->binds);
        while (q.step())
            out.append({q.text(0), q.text(0), q.int64(1), q.int64(2), q.int64(3)});
        if (!q.error().isEmpty()) {
            d->error = q.error();
            return std::nullopt;
        }
        return out;
    }
    if (countable == Countable::Resource) {
        if (c->never)
            return out;
        // The label is the resource's name as its latest event gives it.
        Statement q(d->db, "SELECT g.rid, g.n, g.first, g.last, (SELECT b.body FROM events x JOIN"
                               " bodies b ON b.seq = x.seq WHERE x.rid = g.rid ORDER BY"
                               " x.occurred DESC, x.id DESC LIMIT 1) FROM (SELECT e.rid, count(*)"
                               " AS n, min(e.occurred) AS first, max(e.occurred) AS last FROM ("
                               + inner + ") AS e GROUP BY e.rid) AS g ORDER BY g.n DESC, g.rid ASC");
        sql::bindAll(q, c->binds);
        while (q.step()) {
            CountBucket b{q.text(0), q.text(0), q.int64(1), q.int64(2), q.int64(3)};
            StoredEvent latest;
            if (d->decode(q.blob(4), latest)) {
                const QString name = latest.event.resource.name();
                if (!name.isEmpty())
                    b.label = name;
            }
            out.append(b);
        }
        if (!q.error().isEmpty()) {
            d->error = q.error();
            return std::nullopt;
        }
        // Labels can change the order Prefect reports (it sorts by count, then label).
        std::stable_sort(out.begin(), out.end(), [](const CountBucket &a, const CountBucket &b) {
            return a.count != b.count ? a.count > b.count : a.label < b.label;
        });
        return out;
    }
    // Time buckets.
    if (countable == Countable::Day) {
        unit = TimeUnit::Day;
        interval = 1.0;
    }
    if (!(interval >= 0.01)) {
        d->error = QStringLiteral("The minimum interval is 0.01");
        return std::nullopt;
    }
    const qint64 width = bucketWidthMicros(unit, interval);
    auto bucketOf = [&](qint64 t) {
        const qint64 rel = t - kPivot;
        return rel >= 0 ? rel / width : -((-rel + width - 1) / width);
    };
    const OccurredFilter bounds = filter.occurred.value_or(OccurredFilter{});
    const std::optional<qint64> since = bounds.since;
    const std::optional<qint64> until = bounds.until;
    QHash<qint64, qint64> counts;
    qint64 minBucket = std::numeric_limits<qint64>::max(), maxBucket = std::numeric_limits<qint64>::min();
    if (!c->never) {
        Statement q(d->db, "SELECT e.occurred FROM (" + inner + ") AS e");
        sql::bindAll(q, c->binds);
        while (q.step()) {
            const qint64 b = bucketOf(q.int64(0));
            ++counts[b];
            minBucket = std::min(minBucket, b);
            maxBucket = std::max(maxBucket, b);
        }
        if (!q.error().isEmpty()) {
            d->error = q.error();
            return std::nullopt;
        }
    }
    if (since)
        minBucket = bucketOf(*since);
    if (until) {
        // A bound in the future stops at the end of the current period, as Prefect does.
        maxBucket = bucketOf(std::min(*until, timeutil::nowMicros()));
        if (since)
            maxBucket = std::max(maxBucket, minBucket);
    }
    if (counts.isEmpty() && !(since && until))
        return out;
    const qint64 n = maxBucket - minBucket + 1;
    if (n > 1000) {
        d->error = QStringLiteral("The given interval would create %1 buckets, which is too many. "
                                  "Please increase the interval or reduce the time range to "
                                  "produce 1000 buckets or fewer.")
                       .arg(n);
        return std::nullopt;
    }
    for (qint64 b = minBucket; b <= maxBucket; ++b) {
        const qint64 start = kPivot + b * width;
        out.append({QString::number(b - minBucket), isoOffset(start), counts.value(b), start,
                    start + width - 1});
    }
    return out;
}

RetentionResult EventStore::applyRetention(const RetentionPolicy &policy, qint64 nowMicros)
{
    RetentionResult result;
    if (!d->db)
        return result;
    // Fold the WAL into the main file first, so that sizes below are the file's real size.
    d->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    // Deletes up to `batch` of the oldest events (optionally only those older than `cutoff`).
    auto deleteOldest = [&](std::optional<qint64> cutoff, qint64 batch) -> qint64 {
        QByteArray sqlText = "SELECT seq, res FROM events";
        if (cutoff)
            sqlText += " WHERE cached < " + QByteArray::number(*cutoff / 1000000);
        sqlText += " ORDER BY occurred, id LIMIT " + QByteArray::number(batch);
        if (!d->exec("BEGIN IMMEDIATE"))
            return 0;
        Statement pick(d->db, sqlText);
        Statement delLabel(d->db, "DELETE FROM labels WHERE lv = ? AND seq = ?");
        Statement delBody(d->db, "DELETE FROM bodies WHERE seq = ?");
        Statement delEvent(d->db, "DELETE FROM events WHERE seq = ?");
        qint64 n = 0;
        QList<QPair<qint64, QByteArray>> doomed;
        while (pick.step())
            doomed.append({pick.int64(0), pick.blob(1).toByteArray()});
        for (const auto &[seq, res] : doomed) {
            const auto resources = sql::unpackResources(res);
            for (size_t r = 0; r < resources.size(); ++r) {
                for (qint64 lv : resources[r]) {
                    delLabel.reset();
                    delLabel.bind(1, sql::labelKey(lv, r == 0)).bind(2, seq);
                    delLabel.exec();
                }
            }
            delBody.reset();
            delBody.bind(1, seq);
            delBody.exec();
            delEvent.reset();
            delEvent.bind(1, seq);
            delEvent.exec();
            ++n;
        }
        d->exec("COMMIT");
        return n;
    };
    if (policy.maxAgeMicros > 0) {
        const qint64 cutoff = nowMicros - policy.maxAgeMicros;
        for (;;) {
            const qint64 n = deleteOldest(cutoff, 5000);
            result.deletedByAge += n;
            if (n < 5000)
                break;
        }
    }
    if (policy.maxBytes > 0) {
        auto usedBytes = [&] {
            return (d->pragmaInt("page_count") - d->pragmaInt("freelist_count"))
                   * d->pragmaInt("page_size");
        };
        while (usedBytes() > policy.maxBytes) {
            const qint64 total = totalCount();
            if (total == 0)
                break;
            // Remove a share proportional to the excess, at least 1000 events.
            const double excess = 1.0 - double(policy.maxBytes) / double(usedBytes());
            const qint64 batch = std::max<qint64>(1000, qint64(double(total) * excess) + 1);
            const qint64 n = deleteOldest(std::nullopt, batch);
            result.deletedBySize += n;
            if (n == 0)
                break;
        }
    }
    if (result.deletedByAge + result.deletedBySize > 0) {
        // Drop dictionary entries no event uses any more, then give pages back to the system.
        d->exec("DELETE FROM label_values WHERE NOT EXISTS (SELECT 1 FROM labels WHERE labels.lv IN"
                " (label_values.id * 2, label_values.id * 2 + 1))");
        d->valueIds.clear();
        d->exec("PRAGMA incremental_vacuum");
        d->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return result;
}

QStringList EventStore::integrityCheck()
{
    QStringList problems;
    if (!d->db)
        return {QStringLiteral("the cache is not open")};
    {
        Statement q(d->db, "PRAGMA integrity_check");
        while (q.step()) {
            const QString line = q.text(0);
            if (line != u"ok")
                problems.append(line);
        }
    }
    auto scalar = [&](const char *sqlText) {
        Statement q(d->db, sqlText);
        return q.step() ? q.int64(0) : -1;
    };
    if (const qint64 n = scalar("SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM"
                                " bodies b WHERE b.seq = e.seq)"))
        problems.append(QStringLiteral("%1 events have no stored body").arg(n));
    if (const qint64 n = scalar("SELECT count(*) FROM bodies b WHERE NOT EXISTS (SELECT 1 FROM"
                                " events e WHERE e.seq = b.seq)"))
        problems.append(QStringLiteral("%1 stored bodies belong to no event").arg(n));
    if (const qint64 n = scalar("SELECT count(*) FROM labels l WHERE NOT EXISTS (SELECT 1 FROM"
                                " events e WHERE e.seq = l.seq)"))
        problems.append(QStringLiteral("%1 label index entries point to no event").arg(n));
    // Every body must decode to the event its row describes.
    Statement q(d->db, "SELECT e.id, e.occurred, b.body FROM events e JOIN bodies b ON b.seq = e.seq");
    qint64 bad = 0;
    QString first;
    while (q.step()) {
        StoredEvent se;
        if (!d->decode(q.blob(2), se) || uuidToBytes(se.event.id) != q.blob(0).toByteArray()
            || se.event.occurred != q.int64(1)) {
            if (!bad++)
                first = uuidFromBytes(q.blob(0));
        }
    }
    if (bad)
        problems.append(QStringLiteral("%1 stored events do not decode to their index entry (first: %2)")
                            .arg(bad)
                            .arg(first));
    return problems;
}

qint64 EventStore::fileBytes()
{
    if (!d->db)
        return 0;
    return d->pragmaInt("page_count") * d->pragmaInt("page_size")
           + QFileInfo(d->path + QStringLiteral("-wal")).size();
}

QStringList EventStore::sources()
{
    QStringList out;
    if (!d->db)
        return out;
    Statement q(d->db, "SELECT name FROM sources ORDER BY name");
    while (q.step())
        out.append(q.text(0));
    return out;
}

QString EventStore::meta(const QString &key)
{
    if (!d->db)
        return {};
    Statement q(d->db, "SELECT value FROM meta WHERE key = ?");
    q.bind(1, key);
    return q.step() ? q.text(0) : QString();
}

void EventStore::setMeta(const QString &key, const QString &value)
{
    if (!d->db)
        return;
    Statement q(d->db, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
                       " value = excluded.value");
    q.bind(1, key).bind(2, value);
    if (!q.exec())
        d->error = q.error();
}

namespace {

constexpr int kRankedValues = 256; // labelValues ranks by use only up to this many matches
constexpr qint64 kUseCap = 1000;   // and counts each value's uses up to this

// Rows of `q` (text in column `column`, ascending by it) while they start with `prefix`: in
// BINARY order the strings with a prefix are one contiguous run, so the scan stops at its end.
template<typename Row>
void takePrefixed(Statement &q, int column, const QByteArray &prefix, qsizetype max, Row row)
{
    for (qsizetype n = 0; n < max && q.step(); ++n) {
        if (!q.textView(column).startsWith(prefix))
            break;
        row();
    }
}

} // namespace

QStringList EventStore::labelKeys(const QString &prefix, int limit)
{
    QStringList out;
    if (!d->db || limit <= 0)
        return out;
    const QByteArray p = prefix.toUtf8();
    Statement q(d->db, "SELECT key FROM label_keys WHERE key >= ? ORDER BY key");
    q.bindText(1, p);
    takePrefixed(q, 0, p, limit, [&] { out.append(q.text(0)); });
    return out;
}

QStringList EventStore::labelValues(const QString &key, const QString &prefix, int limit)
{
    QStringList out;
    if (!d->db || limit <= 0)
        return out;
    const QByteArray p = prefix.toUtf8();
    Statement q(d->db, "SELECT v.id, v.value FROM label_keys k JOIN label_values v ON v.key = k.id"
                       " WHERE k.key = ? AND v.value >= ? ORDER BY v.value");
    q.bind(1, key).bindText(2, p);
    struct Candidate
    {
        qint64 id;
        QString value;
        qint64 uses = 0;
    };
    QList<Candidate> candidates;
    const qsizetype enough = qMax<qsizetype>(limit, kRankedValues);
    takePrefixed(q, 1, p, enough + 1, [&] { candidates.append({q.int64(0), q.text(1)}); });
    if (candidates.size() <= kRankedValues) {
        // Both scopes of the value (related, primary) are adjacent in the `labels` key.
        Statement uses(d->db, "SELECT count(*) FROM (SELECT 1 FROM labels WHERE lv BETWEEN ? AND ?"
                              " LIMIT ?)");
        for (Candidate &c : candidates) {
            uses.reset();
            uses.bind(1, sql::labelKey(c.id, false)).bind(2, sql::labelKey(c.id, true)).bind(3, kUseCap);
            c.uses = uses.step() ? uses.int64(0) : 0;
        }
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Candidate &a, const Candidate &b) { return a.uses > b.uses; });
    }
    for (qsizetype i = 0; i < candidates.size() && out.size() < limit; ++i)
        out.append(candidates[i].value);
    return out;
}

QStringList EventStore::eventNames(const QString &prefix, int limit)
{
    QStringList out;
    if (!d->db || limit <= 0)
        return out;
    // A skip scan: one index seek per distinct name, instead of a pass over every event.
    // INDEXED BY makes a missing index (a bulk load under way) an error, not a table scan.
    Statement first(d->db, "SELECT event FROM events INDEXED BY events_event WHERE event >= ?"
                           " ORDER BY event LIMIT 1");
    Statement next(d->db, "SELECT event FROM events INDEXED BY events_event WHERE event > ?"
                          " ORDER BY event LIMIT 1");
    if (!first.isValid() || !next.isValid()) {
        d->error = first.isValid() ? next.error() : first.error();
        return out;
    }
    const QByteArray p = prefix.toUtf8();
    first.bindText(1, p);
    Statement *q = &first;
    while (out.size() < limit && q->step() && q->textView(0).startsWith(p)) {
        const QByteArray name = q->textView(0).toByteArray();
        out.append(QString::fromUtf8(name));
        next.reset();
        next.bindText(1, name);
        q = &next;
    }
    return out;
}

QStringList EventStore::relatedRoles(int limit)
{
    QStringList out;
    if (!d->db || limit <= 0)
        return out;
    Statement q(d->db, "SELECT v.value FROM label_keys k JOIN label_values v ON v.key = k.id"
                       " WHERE k.key = 'prefect.resource.role' ORDER BY v.value LIMIT ?");
    q.bind(1, qint64(limit));
    while (q.step())
        out.append(q.text(0));
    return out;
}

QString defaultCachePath()
{
    const QString env = qEnvironmentVariable("EVENTDECK_CACHE");
    if (!env.isEmpty())
        return env;
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/eventdeck/cache.sqlite");
}

} // namespace ed
