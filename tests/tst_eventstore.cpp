// The SQLite cache: schema and migrations, ingest and dedup, keyset paging, counts, count-by,
// retention, integrity, and bound parameters.

#include "core/event.h"
#include "core/eventstore.h"
#include "core/timeutil.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace ed;

namespace {

qint64 at(const char *iso)
{
    qint64 t = 0;
    timeutil::parse(QString::fromLatin1(iso), t);
    return t;
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Event makeEvent(const QString &name, qint64 occurred, const QString &resourceId,
                QList<Label> labels = {}, QList<Resource> related = {})
{
    Event e;
    e.id = newId();
    e.event = name;
    e.occurred = occurred;
    e.resource.set(QStringLiteral("prefect.resource.id"), resourceId);
    for (const Label &l : labels)
        e.resource.set(l.key, l.value);
    e.related = related;
    return e;
}

Resource related(const QString &id, const QString &role, QList<Label> labels = {})
{
    Resource r;
    r.set(QStringLiteral("prefect.resource.id"), id);
    r.set(QStringLiteral("prefect.resource.role"), role);
    for (const Label &l : labels)
        r.set(l.key, l.value);
    return r;
}

QStringList ids(const QList<StoredEvent> &page)
{
    QStringList out;
    for (const StoredEvent &se : page)
        out += se.event.id;
    return out;
}

EventFilter labelFilter(const QString &key, const QStringList &patterns)
{
    EventFilter f;
    f.resource = ResourceFilter{};
    f.resource->labels = ResourceSpec{};
    f.resource->labels->set(key, patterns);
    return f;
}

} // namespace

class TestEventStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void createsSchemaInWalMode();
    void refusesNewerSchema();
    void refusesNonCacheFile();
    void firstCopyWins();
    void remembersSource();
    void roundTripsStoredJson();
    void keysetPagingBothOrders_data();
    void keysetPagingBothOrders();
    void distinctKeepsFirstPerResource();
    void boundParametersAreSafe_data();
    void boundParametersAreSafe();
    void countByEvent();
    void countByResource();
    void countByTime();
    void countByTimeLimits();
    void retentionByAge();
    void retentionBySize();
    void integrityCheckDetectsDamage();
    void resourceIdRanges_data();
    void resourceIdRanges();
    void textSearchFolding_data();
    void textSearchFolding();
    void metaPersists();
    void bulkLoadRestoresIndexes();
    void sharedBetweenConnections();
    void keysFetchAndMaxSeq();
    void scopeToOneSource();
    void followers();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestEventStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("sub/cache.sqlite"));
}

void TestEventStore::cleanup()
{
    m_dir.reset();
}

void TestEventStore::createsSchemaInWalMode()
{
    {
        EventStore store;
        QVERIFY2(store.open(m_path), qPrintable(store.lastError()));
        QCOMPARE(store.totalCount(), 0);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
    db.setDatabaseName(m_path);
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), EventStore::schemaVersion);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
}

void TestEventStore::refusesNewerSchema()
{
    {
        EventStore store;
        QVERIFY(store.open(m_path));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bump"));
    EventStore store;
    QString error;
    QVERIFY(!store.open(m_path, &error));
    QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
}

void TestEventStore::refusesNonCacheFile()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile f(m_path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    EventStore store;
    QString error;
    QVERIFY(!store.open(m_path, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!store.isOpen());
}

void TestEventStore::firstCopyWins()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    Event first = makeEvent(QStringLiteral("a.first"), at("2026-03-31T18:00:00Z"), QStringLiteral("r.1"));
    Event second = first;
    second.event = QStringLiteral("a.second");
    IngestStats s = store.ingest({first}, QStringLiteral("demo"));
    QCOMPARE(s.stored, 1);
    s = store.ingest({second, second}, QStringLiteral("demo"));
    QCOMPARE(s.stored, 0);
    QCOMPARE(s.duplicates, 2);
    // Duplicates within one batch too.
    Event third = makeEvent(QStringLiteral("a.third"), at("2026-03-31T18:00:01Z"), QStringLiteral("r.1"));
    s = store.ingest({third, third}, QStringLiteral("demo"));
    QCOMPARE(s.stored, 1);
    QCOMPARE(s.duplicates, 1);
    const auto found = store.findById(first.id);
    QVERIFY(found);
    QCOMPARE(found->event.event, QStringLiteral("a.first"));
    QCOMPARE(store.totalCount(), 2);
}

void TestEventStore::remembersSource()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const Event a = makeEvent(QStringLiteral("x"), at("2026-03-31T18:00:00Z"), QStringLiteral("r"));
    const Event b = makeEvent(QStringLiteral("y"), at("2026-03-31T18:00:01Z"), QStringLiteral("r"));
    store.ingest({a}, QStringLiteral("demo"));
    store.ingest({b}, QStringLiteral("http://127.0.0.1:4200/api"));
    QCOMPARE(store.findById(a.id)->source, QStringLiteral("demo"));
    QCOMPARE(store.findById(b.id)->source, QStringLiteral("http://127.0.0.1:4200/api"));
    QCOMPARE(store.sources(), (QStringList{QStringLiteral("demo"), QStringLiteral("http://127.0.0.1:4200/api")}));
}

void TestEventStore::roundTripsStoredJson()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    Event e = makeEvent(QStringLiteral("prefect.flow-run.Completed"), at("2026-03-31T18:00:00.123456Z"),
                        QStringLiteral("prefect.flow-run.1"), {{QStringLiteral("z"), QStringLiteral("1")}},
                        {related(QStringLiteral("prefect.flow.1"), QStringLiteral("flow"))});
    e.payload = QByteArrayLiteral(R"({"z":1,"a":12345678901234567890123,"n":1.50})");
    e.follows = newId();
    e.received = at("2026-03-31T18:00:01Z");
    store.ingest({e}, QStringLiteral("demo"));
    const auto found = store.findById(e.id.toUpper());
    QVERIFY(found);
    QCOMPARE(found->event, e);
    QCOMPARE(found->json, serializeEvent(e));
    QVERIFY(found->json.contains(R"("payload":{"z":1,"a":12345678901234567890123,"n":1.50})"));
}

void TestEventStore::keysetPagingBothOrders_data()
{
    QTest::addColumn<bool>("ascending");
    QTest::addRow("desc") << false;
    QTest::addRow("asc") << true;
}

void TestEventStore::keysetPagingBothOrders()
{
    QFETCH(bool, ascending);
    EventStore store;
    QVERIFY(store.open(m_path));
    QList<Event> events;
    // 50 events over 10 distinct times: ties must be broken by id, never lost across pages.
    for (int i = 0; i < 50; ++i)
        events += makeEvent(QStringLiteral("e"), at("2026-03-31T18:00:00Z") + (i % 10) * 1000000,
                            QStringLiteral("r"));
    store.ingest(events, QStringLiteral("demo"));
    std::sort(events.begin(), events.end(), [&](const Event &a, const Event &b) {
        if (a.occurred != b.occurred)
            return ascending ? a.occurred < b.occurred : a.occurred > b.occurred;
        return ascending ? a.id < b.id : a.id > b.id;
    });
    QStringList want;
    for (const Event &e : events)
        want += e.id;
    EventFilter f;
    f.order = ascending ? EventFilter::Order::Asc : EventFilter::Order::Desc;
    QStringList got;
    std::optional<Cursor> cursor;
    int pages = 0;
    for (;;) {
        const auto page = store.page(f, 7, cursor);
        QVERIFY(page);
        got += ids(*page);
        ++pages;
        if (page->size() < 7)
            break;
        cursor = Cursor{page->last().event.occurred, page->last().event.id};
    }
    QCOMPARE(got, want);
    QCOMPARE(pages, 8);
    QCOMPARE(*store.count(f), 50);
}

void TestEventStore::distinctKeepsFirstPerResource()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const qint64 t = at("2026-03-31T18:00:00Z");
    const Event a1 = makeEvent(QStringLiteral("e"), t, QStringLiteral("foo.1"));
    const Event a2 = makeEvent(QStringLiteral("e"), t + 1000000, QStringLiteral("foo.1"));
    const Event b1 = makeEvent(QStringLiteral("e"), t + 2000000, QStringLiteral("foo.2"));
    const Event b2 = makeEvent(QStringLiteral("e"), t + 3000000, QStringLiteral("foo.2"));
    const Event c1 = makeEvent(QStringLiteral("e"), t + 4000000, QStringLiteral("bar"));
    store.ingest({a1, a2, b1, b2, c1}, QStringLiteral("demo"));
    EventFilter f;
    f.resource = ResourceFilter{};
    f.resource->distinct = true;
    f.resource->idPrefix = QStringList{QStringLiteral("foo")};
    QCOMPARE(ids(*store.page(f, 10)), (QStringList{b2.id, a2.id}));
    QCOMPARE(*store.count(f), 2);
    f.order = EventFilter::Order::Asc;
    QCOMPARE(ids(*store.page(f, 10)), (QStringList{a1.id, b1.id}));
    QCOMPARE(ids(*store.page(f, 1)), (QStringList{a1.id}));
}

void TestEventStore::boundParametersAreSafe_data()
{
    QTest::addColumn<QString>("value");
    QTest::addRow("quote") << QStringLiteral("it's \"quoted\"");
    QTest::addRow("percent") << QStringLiteral("100%");
    QTest::addRow("underscore") << QStringLiteral("a_b");
    QTest::addRow("backslash") << QStringLiteral("a\\b");
    QTest::addRow("star") << QStringLiteral("a*b");
    QTest::addRow("sql") << QStringLiteral("x'); DROP TABLE events; --");
    QTest::addRow("brackets") << QStringLiteral("[^x]");
}

void TestEventStore::boundParametersAreSafe()
{
    QFETCH(QString, value);
    EventStore store;
    QVERIFY(store.open(m_path));
    const qint64 t = at("2026-03-31T18:00:00Z");
    const Event hit = makeEvent(QStringLiteral("e"), t, QStringLiteral("r.1"), {{QStringLiteral("k"), value}});
    // Near misses a LIKE or GLOB reading would accept.
    QString missValue = value;
    missValue.replace(u'%', u'x').replace(u'_', u'y').replace(u'*', u'z').replace(u'\\', u'/');
    missValue += u'!';
    const Event miss = makeEvent(QStringLiteral("e"), t + 1, QStringLiteral("r.2"), {{QStringLiteral("k"), missValue}});
    store.ingest({hit, miss}, QStringLiteral("demo"));
    QCOMPARE(store.totalCount(), 2);
    // A literal pattern (escaping the glob metacharacters with brackets) finds exactly the value.
    QString literal;
    for (QChar c : value)
        literal += (c == u'*' || c == u'?' || c == u'[') ? QStringLiteral("[%1]").arg(c) : QString(c);
    const EventFilter f = labelFilter(QStringLiteral("k"), {literal});
    QCOMPARE(ids(*store.page(f, 10)), QStringList{hit.id});
    QCOMPARE(*store.count(f), 1);
    QCOMPARE(store.totalCount(), 2);
}

void TestEventStore::countByEvent()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const qint64 t = at("2026-03-31T18:00:00Z");
    store.ingest({makeEvent(QStringLiteral("b.event"), t, QStringLiteral("r")),
                  makeEvent(QStringLiteral("a.event"), t + 5, QStringLiteral("r")),
                  makeEvent(QStringLiteral("c.event"), t + 1, QStringLiteral("r")),
                  makeEvent(QStringLiteral("c.event"), t + 9, QStringLiteral("r"))},
                 QStringLiteral("demo"));
    const auto counts = store.countBy(Countable::Event, EventFilter{});
    QVERIFY(counts);
    QCOMPARE(counts->size(), 3);
    // Count DESC, then name: Prefect's order.
    QCOMPARE((*counts)[0].value, QStringLiteral("c.event"));
    QCOMPARE((*counts)[0].count, 2);
    QCOMPARE((*counts)[0].startTime, t + 1);
    QCOMPARE((*counts)[0].endTime, t + 9);
    QCOMPARE((*counts)[1].value, QStringLiteral("a.event"));
    QCOMPARE((*counts)[2].value, QStringLiteral("b.event"));
}

void TestEventStore::countByResource()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const qint64 t = at("2026-03-31T18:00:00Z");
    store.ingest({makeEvent(QStringLiteral("e"), t, QStringLiteral("r.1"), {{QStringLiteral("prefect.resource.name"), QStringLiteral("old")}}),
                  makeEvent(QStringLiteral("e"), t + 10, QStringLiteral("r.1"), {{QStringLiteral("prefect.resource.name"), QStringLiteral("new")}}),
                  makeEvent(QStringLiteral("e"), t + 5, QStringLiteral("r.2"))},
                 QStringLiteral("demo"));
    const auto counts = store.countBy(Countable::Resource, EventFilter{});
    QVERIFY(counts);
    QCOMPARE(counts->size(), 2);
    QCOMPARE((*counts)[0].value, QStringLiteral("r.1"));
    QCOMPARE((*counts)[0].label, QStringLiteral("new")); // the latest name wins
    QCOMPARE((*counts)[0].count, 2);
    QCOMPARE((*counts)[1].value, QStringLiteral("r.2"));
    QCOMPARE((*counts)[1].label, QStringLiteral("r.2")); // no name: the id
}

void TestEventStore::countByTime()
{
    // The shape of Prefect 3.8.3's answer (transcript 15_events_count_by_time.json).
    EventStore store;
    QVERIFY(store.open(m_path));
    QList<Event> events;
    for (int i = 0; i < 5; ++i)
        events += makeEvent(QStringLiteral("desktop.test.emitted"), at("2026-11-23T19:56:59.881197Z") + i * 1000000,
                            QStringLiteral("desktop-client.test.1ede16c0"));
    store.ingest(events, QStringLiteral("demo"));
    EventFilter f;
    f.occurred = OccurredFilter{at("2026-11-23T18:57:59.888478Z"), at("2026-11-23T20:57:59.888491Z")};
    const auto counts = store.countBy(Countable::Time, f, TimeUnit::Hour, 1.0);
    QVERIFY2(counts, qPrintable(store.lastError()));
    QVERIFY(counts->size() >= 2);
    QCOMPARE((*counts)[0].value, QStringLiteral("0"));
    QCOMPARE((*counts)[0].label, QStringLiteral("2026-11-23T18:00:00+00:00"));
    QCOMPARE((*counts)[0].count, 0);
    QCOMPARE(timeutil::formatString((*counts)[0].startTime), QStringLiteral("2026-11-23T18:00:00Z"));
    QCOMPARE(timeutil::formatString((*counts)[0].endTime), QStringLiteral("2026-11-23T18:59:59.999999Z"));
    QCOMPARE((*counts)[1].value, QStringLiteral("1"));
    QCOMPARE((*counts)[1].label, QStringLiteral("2026-11-23T19:00:00+00:00"));
    QCOMPARE((*counts)[1].count, 5);
}

void TestEventStore::countByTimeLimits()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    EventFilter f;
    f.occurred = OccurredFilter{at("2026-03-31T00:00:00Z"), at("2026-03-31T18:30:00Z")};
    QVERIFY(!store.countBy(Countable::Time, f, TimeUnit::Hour, 0.009));
    QVERIFY2(store.lastError().contains(QStringLiteral("0.01")), qPrintable(store.lastError()));
    f.occurred = OccurredFilter{at("2025-10-03T00:00:00Z"), at("2026-03-31T18:30:00Z")};
    QVERIFY(!store.countBy(Countable::Time, f, TimeUnit::Second, 0.01));
    QVERIFY2(store.lastError().contains(QStringLiteral("1000 buckets or fewer")), qPrintable(store.lastError()));
    f.occurred = OccurredFilter{at("2026-03-31T00:00:00Z"), at("2026-03-31T18:30:00Z")};
    const auto hours = store.countBy(Countable::Time, f, TimeUnit::Hour, 1.0);
    QVERIFY(hours);
    QCOMPARE(hours->size(), 19); // 00:00 … 18:00, back-filled with zeros
}

void TestEventStore::retentionByAge()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    // Old `occurred` does not matter: age counts from when the cache got the event.
    store.ingest({makeEvent(QStringLiteral("old"), at("2020-01-01T00:00:00Z"), QStringLiteral("r"))},
                 QStringLiteral("demo"));
    const qint64 now = timeutil::nowMicros();
    RetentionResult r = store.applyRetention(RetentionPolicy{qint64(30) * 86400 * 1000000, 0}, now);
    QCOMPARE(r.deletedByAge, 0);
    QCOMPARE(store.totalCount(), 1);
    // 31 days later it goes, with its labels and body.
    r = store.applyRetention(RetentionPolicy{qint64(30) * 86400 * 1000000, 0},
                             now + qint64(31) * 86400 * 1000000);
    QCOMPARE(r.deletedByAge, 1);
    QCOMPARE(store.totalCount(), 0);
    QVERIFY2(store.integrityCheck().isEmpty(), qPrintable(store.integrityCheck().join(u'\n')));
    QCOMPARE(*store.count(labelFilter(QStringLiteral("prefect.resource.id"), {QStringLiteral("*")})), 0);
}

void TestEventStore::retentionBySize()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    QList<Event> events;
    const qint64 t = at("2026-03-31T18:00:00Z");
    for (int i = 0; i < 6000; ++i) {
        Event e = makeEvent(QStringLiteral("e"), t + qint64(i) * 1000000, QStringLiteral("r.%1").arg(i),
                            {{QStringLiteral("n"), QString::number(i)}});
        e.payload = "{\"blob\":\"" + QUuid::createUuid().toByteArray().repeated(8) + "\"}";
        events += e;
    }
    store.ingest(events, QStringLiteral("demo"));
    store.applyRetention(RetentionPolicy{0, 0}, timeutil::nowMicros()); // no bounds: a checkpoint
    QCOMPARE(store.totalCount(), 6000);
    const qint64 before = store.fileBytes();
    const qint64 limit = before / 2;
    const RetentionResult r = store.applyRetention(RetentionPolicy{0, limit}, timeutil::nowMicros());
    QVERIFY(r.deletedBySize > 0);
    QVERIFY(r.deletedBySize < 6000);
    QVERIFY2(store.fileBytes() <= limit + limit / 5, qPrintable(QStringLiteral("%1 > %2").arg(store.fileBytes()).arg(limit)));
    // The oldest went first.
    EventFilter asc;
    asc.order = EventFilter::Order::Asc;
    const auto first = store.page(asc, 1);
    QCOMPARE(first->first().event.occurred, t + r.deletedBySize * 1000000);
    QVERIFY(store.integrityCheck().isEmpty());
}

void TestEventStore::integrityCheckDetectsDamage()
{
    {
        EventStore store;
        QVERIFY(store.open(m_path));
        store.ingest({makeEvent(QStringLiteral("e"), at("2026-03-31T18:00:00Z"), QStringLiteral("r")),
                      makeEvent(QStringLiteral("e"), at("2026-03-31T18:00:01Z"), QStringLiteral("r"))},
                     QStringLiteral("demo"));
        QCOMPARE(store.integrityCheck(), QStringList());
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("damage"));
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("DELETE FROM bodies WHERE seq = (SELECT min(seq) FROM bodies)")));
        QVERIFY(q.exec(QStringLiteral("UPDATE bodies SET body = x'01deadbeef'")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("damage"));
    EventStore store;
    QVERIFY(store.open(m_path));
    const QStringList problems = store.integrityCheck();
    QCOMPARE(problems.size(), 2);
    QVERIFY(problems.join(u' ').contains(QStringLiteral("no stored body")));
    QVERIFY(problems.join(u' ').contains(QStringLiteral("do not decode")));
}

void TestEventStore::metaPersists()
{
    {
        EventStore store;
        QVERIFY(store.open(m_path));
        store.setMeta(QStringLiteral("watermark"), QStringLiteral("1"));
        store.setMeta(QStringLiteral("watermark"), QStringLiteral("2"));
    }
    EventStore store;
    QVERIFY(store.open(m_path));
    QCOMPARE(store.meta(QStringLiteral("watermark")), QStringLiteral("2"));
    QCOMPARE(store.meta(QStringLiteral("missing")), QString());
}

void TestEventStore::sharedBetweenConnections()
{
    // The GUI and a CLI command open the same file at once; WAL lets each see the other's data.
    EventStore writer, reader;
    QVERIFY(writer.open(m_path));
    QVERIFY(reader.open(m_path));
    writer.ingest({makeEvent(QStringLiteral("e"), at("2026-03-31T18:00:00Z"), QStringLiteral("r"))},
                  QStringLiteral("demo"));
    QCOMPARE(reader.totalCount(), 1);
    reader.ingest({makeEvent(QStringLiteral("f"), at("2026-03-31T18:00:01Z"), QStringLiteral("r"))},
                  QStringLiteral("file:x"));
    QCOMPARE(writer.totalCount(), 2);
}

void TestEventStore::resourceIdRanges_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("expected");
    const QString f1 = QStringLiteral("prefect.flow-run.1"), f2 = QStringLiteral("prefect.flow-run.2"),
                  t1 = QStringLiteral("prefect.task-run.1"), fx = QStringLiteral("prefect.flow-runX");
    QTest::addRow("exact") << QStringList{f1} << QStringList{f1};
    QTest::addRow("prefix") << QStringList{QStringLiteral("prefect.flow-run.*")} << QStringList{f1, f2};
    QTest::addRow("negated prefix") << QStringList{QStringLiteral("!prefect.flow-run.*")} << QStringList{t1, fx};
    QTest::addRow("negated exact") << QStringList{QStringLiteral("!") + f1} << QStringList{f2, t1, fx};
    QTest::addRow("mixed OR") << QStringList{QStringLiteral("!prefect.flow-run*"), f2} << QStringList{f2, t1};
    QTest::addRow("empty prefix") << QStringList{QStringLiteral("*")} << QStringList{f1, f2, t1, fx};
    QTest::addRow("glob") << QStringList{QStringLiteral("prefect.?low-run.[12]")} << QStringList{f1, f2};
    QTest::addRow("empty list") << QStringList{} << QStringList{};
}

void TestEventStore::resourceIdRanges()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, expected);
    EventStore store;
    QVERIFY(store.open(m_path));
    QList<Event> events;
    qint64 t = at("2026-03-31T18:00:00Z");
    for (const char *id : {"prefect.flow-run.1", "prefect.flow-run.2", "prefect.task-run.1", "prefect.flow-runX"})
        events += makeEvent(QStringLiteral("e"), t++, QString::fromLatin1(id));
    store.ingest(events, QStringLiteral("demo"));
    const EventFilter f = labelFilter(QStringLiteral("prefect.resource.id"), patterns);
    const auto page = store.page(f, 10);
    QVERIFY2(page, qPrintable(store.lastError()));
    QStringList got;
    for (const StoredEvent &se : *page)
        got += se.event.resource.id();
    got.sort();
    expected.sort();
    QCOMPARE(got, expected);
    QCOMPARE(*store.count(f), expected.size());
    // resource.id and resource.id_prefix take the same path.
    EventFilter byPrefix;
    byPrefix.resource = ResourceFilter{};
    byPrefix.resource->idPrefix = QStringList{QStringLiteral("prefect.flow-run.")};
    QCOMPARE(*store.count(byPrefix), 2);
    byPrefix.resource->id = QStringList{QStringLiteral("prefect.flow-run.2"), QStringLiteral("nope")};
    QCOMPARE(*store.count(byPrefix), 1);
}

void TestEventStore::textSearchFolding_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("matches");
    QTest::addRow("ascii case") << QStringLiteral("Connection TIMEOUT") << QStringLiteral("timeout") << true;
    QTest::addRow("kelvin sign folds to k") << QStringLiteral("\u212Aelvin") << QStringLiteral("kelvin") << true;
    QTest::addRow("long s folds to s") << QStringLiteral("mi\u017F\u017Fing") << QStringLiteral("missing") << true;
    QTest::addRow("non-ascii term") << QStringLiteral("CAFÉ crème") << QStringLiteral("café") << true;
    QTest::addRow("absent") << QStringLiteral("all good") << QStringLiteral("timeout") << false;
    QTest::addRow("escaped quote in phrase") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \\\"hi\"") << true;
    QTest::addRow("no span across fields") << QStringLiteral("alpha") << QStringLiteral("\"alpha beta\"") << false;
    QTest::addRow("required") << QStringLiteral("alpha") << QStringLiteral("+alpha +gamma") << false;
}

void TestEventStore::textSearchFolding()
{
    QFETCH(QString, value);
    QFETCH(QString, query);
    QFETCH(bool, matches);
    EventStore store;
    QVERIFY(store.open(m_path));
    Event e = makeEvent(QStringLiteral("e"), at("2026-03-31T18:00:00Z"), QStringLiteral("r"),
                        {{QStringLiteral("msg"), value}, {QStringLiteral("other"), QStringLiteral("beta")}});
    store.ingest({e}, QStringLiteral("demo"));
    EventFilter f;
    f.text = query;
    QCOMPARE(f.matches(e), matches);
    QCOMPARE(*store.count(f), matches ? 1 : 0);
}

void TestEventStore::bulkLoadRestoresIndexes()
{
    auto indexes = [&] {
        QStringList names;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("idx"));
        db.setDatabaseName(m_path);
        db.open();
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%' ORDER BY name"));
        while (q.next())
            names += q.value(0).toString();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("idx"));
        return names;
    };
    const QStringList all = {QStringLiteral("events_event"), QStringLiteral("events_follows"),
                             QStringLiteral("events_id"), QStringLiteral("events_occurred"),
                             QStringLiteral("events_rid")};
    {
        EventStore store;
        QVERIFY(store.open(m_path));
        store.beginBulkLoad();
        store.ingest({makeEvent(QStringLiteral("a"), at("2026-03-31T18:00:00Z"), QStringLiteral("r.1"))},
                     QStringLiteral("demo"));
        // Dedup still holds during a bulk load: the id index stays.
        QCOMPARE(indexes(), QStringList{QStringLiteral("events_id")});
        store.endBulkLoad();
        QCOMPARE(indexes(), all);
        store.beginBulkLoad(); // and the process dies here
    }
    EventStore store;
    QVERIFY(store.open(m_path));
    QCOMPARE(indexes(), all);
    QCOMPARE(*store.count(labelFilter(QStringLiteral("prefect.resource.id"), {QStringLiteral("r.*")})), 1);
}

void TestEventStore::keysFetchAndMaxSeq()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    QCOMPARE(store.maxSeq(), 0);
    QList<Event> events;
    for (int i = 0; i < 50; ++i)
        events += makeEvent(i % 2 ? QStringLiteral("a.odd") : QStringLiteral("a.even"), at("2026-01-01T00:00:00Z") + (50 - i) * 1000000LL,
                            QStringLiteral("r.%1").arg(i));
    QCOMPARE(store.ingest(events, QStringLiteral("t")).stored, 50);
    EventFilter odd;
    odd.event = NameFilter{};
    odd.event->name = QStringList{QStringLiteral("a.odd")};
    odd.order = EventFilter::Order::Asc;
    const auto keys = store.keys(odd);
    QVERIFY(keys);
    QCOMPARE(keys->size(), 25);
    for (qsizetype i = 1; i < keys->size(); ++i)
        QVERIFY(keys->at(i - 1).occurred <= keys->at(i).occurred);
    // The same order as a page, and fetch() returns those events in the order asked.
    QList<qint64> seqs;
    for (const RowKey &k : *keys)
        seqs += k.seq;
    const auto fetched = store.fetch(seqs);
    QVERIFY(fetched);
    QCOMPARE(ids(*fetched), ids(*store.page(odd, 100)));
    QCOMPARE(fetched->first().source, QStringLiteral("t"));
    // Only what arrived after a seq.
    const qint64 before = store.maxSeq();
    QVERIFY(before >= 50);
    store.ingest({makeEvent(QStringLiteral("a.odd"), at("2025-01-01T00:00:00Z"), QStringLiteral("late")),
                  makeEvent(QStringLiteral("a.even"), at("2027-01-01T00:00:00Z"), QStringLiteral("new"))}, QStringLiteral("t"));
    const auto fresh = store.keys(odd, before);
    QVERIFY(fresh);
    QCOMPARE(fresh->size(), 1);
    QCOMPARE(store.maxSeq(), fresh->first().seq + 1);
}

void TestEventStore::followers()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const Event leader = makeEvent(QStringLiteral("a.lead"), at("2026-01-01T00:00:00Z"), QStringLiteral("r.1"));
    Event late = makeEvent(QStringLiteral("a.late"), at("2026-01-01T00:00:02Z"), QStringLiteral("r.1"));
    late.follows = leader.id;
    Event early = makeEvent(QStringLiteral("a.early"), at("2026-01-01T00:00:01Z"), QStringLiteral("r.2"));
    early.follows = leader.id;
    Event other = makeEvent(QStringLiteral("a.other"), at("2026-01-01T00:00:03Z"), QStringLiteral("r.3"));
    other.follows = newId();
    QCOMPARE(store.ingest({leader, late, early, other}, QStringLiteral("t")).stored, 4);

    const auto all = store.followers(leader.id, 10);
    QVERIFY(all);
    QCOMPARE(ids(*all), (QStringList{early.id, late.id})); // oldest first
    QCOMPARE(all->first().source, QStringLiteral("t"));
    QCOMPARE(all->first().event.follows, leader.id);
    // Any UUID spelling, the limit, and ids nobody follows.
    QCOMPARE(ids(*store.followers(leader.id.toUpper().remove(u'-'), 1)), QStringList{early.id});
    QVERIFY(store.followers(late.id, 10)->isEmpty());
    QVERIFY(store.followers(QStringLiteral("not a uuid"), 10)->isEmpty());
}

void TestEventStore::scopeToOneSource()
{
    EventStore store;
    QVERIFY(store.open(m_path));
    const qint64 t = at("2026-01-01T00:00:00Z");
    QList<Event> a, b;
    for (int i = 0; i < 10; ++i) {
        a += makeEvent(QStringLiteral("x.a"), t + i, QStringLiteral("r.a%1").arg(i), {{QStringLiteral("env"), QStringLiteral("prod")}});
        b += makeEvent(QStringLiteral("x.b"), t + i, QStringLiteral("r.b%1").arg(i), {{QStringLiteral("env"), QStringLiteral("prod")}});
    }
    store.ingest(a, QStringLiteral("demo"));
    store.ingest(b, QStringLiteral("http://127.0.0.1:4200/api"));
    EventFilter prod;
    prod.resource = ResourceFilter{};
    prod.resource->labels = ResourceSpec{};
    prod.resource->labels->set(QStringLiteral("env"), {QStringLiteral("prod")});
    QCOMPARE(store.count(prod).value_or(-1), 20);
    store.setScope(QStringLiteral("demo"));
    // Every query path sees one source, the index-only count included.
    QCOMPARE(store.count(prod).value_or(-1), 10);
    QCOMPARE(store.count(EventFilter{}).value_or(-1), 10);
    QCOMPARE(store.keys(EventFilter{})->size(), 10);
    QCOMPARE(store.page(EventFilter{}, 100)->size(), 10);
    qint64 exported = 0;
    QVERIFY(store.forEachJson(EventFilter{}, -1, [&](QByteArrayView json) { exported += json.contains("x.a"); return true; }));
    QCOMPARE(exported, 10);
    const auto byEvent = store.countBy(Countable::Event, EventFilter{});
    QCOMPARE(byEvent->size(), 1);
    QCOMPARE(byEvent->first().value, QStringLiteral("x.a"));
    store.setScope(QStringLiteral("file:never-seen"));
    QCOMPARE(store.count(EventFilter{}).value_or(-1), 0);
    store.setScope({});
    QCOMPARE(store.count(EventFilter{}).value_or(-1), 20);
}

QTEST_GUILESS_MAIN(TestEventStore)
#include "tst_eventstore.moc"
