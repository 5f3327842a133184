// The cache's completion lookups for the filter bar: label keys, label values (most used first
// when few match), event names, related roles; prefixes, limits, and their cost on a large cache.

#include "core/event.h"
#include "core/eventstore.h"
#include "core/importer.h"
#include "tests/fixtureevents.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace ed;

namespace {

Event labelled(const QString &name, QList<Label> labels, QList<Resource> related = {})
{
    Event e;
    e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.event = name;
    e.occurred = 1767225600LL * 1000000; // 2026-01-01
    e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("test.") + e.id);
    for (const Label &l : labels)
        e.resource.set(l.key, l.value);
    e.related = related;
    return e;
}

QList<Event> uses(const QString &key, const QString &value, int times)
{
    QList<Event> out;
    for (int i = 0; i < times; ++i)
        out.append(labelled(QStringLiteral("test.used"), {{key, value}}));
    return out;
}

} // namespace

class TestCompletion : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void labelKeys_data();
    void labelKeys();
    void labelValues_data();
    void labelValues();
    void valuesOfRelatedResourcesCount();
    void manyValuesFallBackToAlphabetical();
    void eventNames_data();
    void eventNames();
    void eventNamesWithoutIndexAreEmptyNotSlow();
    void relatedRoles();
    void closedStoreGivesNothing();
    void timingsOnLargeCache();

private:
    QTemporaryDir m_dir;
    EventStore m_store;
};

void TestCompletion::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_store.open(m_dir.filePath(QStringLiteral("cache.sqlite"))),
             qPrintable(m_store.lastError()));

    const QList<Event> fixture = testsupport::fixtureEvents();
    QVERIFY(m_store.ingest(fixture, QStringLiteral("file:fixture")).stored >= 20);

    // `team`: alpha used 3 times, beta 2, alpine once; `café` beside `cafe`.
    QList<Event> own = uses(QStringLiteral("team"), QStringLiteral("alpine"), 1)
                       + uses(QStringLiteral("team"), QStringLiteral("beta"), 2)
                       + uses(QStringLiteral("team"), QStringLiteral("alpha"), 3)
                       + uses(QStringLiteral("drink"), QStringLiteral("café"), 2)
                       + uses(QStringLiteral("drink"), QStringLiteral("cafe"), 1)
                       + uses(QStringLiteral("drink"), QStringLiteral("cafe au lait"), 3);
    // `serial`: 300 values, too many to rank; v299 is the most used.
    for (int i = 0; i < 300; ++i)
        own += uses(QStringLiteral("serial"), QStringLiteral("v%1").arg(i, 3, 10, QChar(u'0')),
                    i == 299 ? 5 : 1);
    QVERIFY(m_store.ingest(own, QStringLiteral("test")).stored == own.size());
}

void TestCompletion::labelKeys_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("resource keys") << QStringLiteral("prefect.res") << 10
                                   << QStringList{QStringLiteral("prefect.resource.id"),
                                                  QStringLiteral("prefect.resource.name"),
                                                  QStringLiteral("prefect.resource.role")};
    QTest::addRow("bounded by limit") << QStringLiteral("prefect.res") << 2
                                      << QStringList{QStringLiteral("prefect.resource.id"),
                                                     QStringLiteral("prefect.resource.name")};
    QTest::addRow("state keys") << QStringLiteral("prefect.state-") << 10
                                << QStringList{QStringLiteral("prefect.state-message"),
                                               QStringLiteral("prefect.state-name"),
                                               QStringLiteral("prefect.state-timestamp"),
                                               QStringLiteral("prefect.state-type")};
    QTest::addRow("exact key") << QStringLiteral("genus") << 10
                               << QStringList{QStringLiteral("genus")};
    QTest::addRow("case-sensitive") << QStringLiteral("Prefect.") << 10 << QStringList{};
    QTest::addRow("none") << QStringLiteral("zzz") << 10 << QStringList{};
    QTest::addRow("zero limit") << QString() << 0 << QStringList{};
    QTest::addRow("all, sorted") << QString() << 4
                                 << QStringList{QStringLiteral("class"), QStringLiteral("drink"),
                                                QStringLiteral("family"),
                                                QStringLiteral("flow_id")};
}

void TestCompletion::labelKeys()
{
    QFETCH(QString, prefix);
    QFETCH(int, limit);
    QFETCH(QStringList, expected);
    QCOMPARE(m_store.labelKeys(prefix, limit), expected);
}

void TestCompletion::labelValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("most used first")
        << QStringLiteral("team") << QString() << 10
        << QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("alpine")};
    QTest::addRow("prefix") << QStringLiteral("team") << QStringLiteral("al") << 10
                            << QStringList{QStringLiteral("alpha"), QStringLiteral("alpine")};
    QTest::addRow("limit after ranking")
        << QStringLiteral("team") << QString() << 2
        << QStringList{QStringLiteral("alpha"), QStringLiteral("beta")};
    QTest::addRow("non-ASCII prefix") << QStringLiteral("drink") << QStringLiteral("café") << 10
                                      << QStringList{QStringLiteral("café")};
    QTest::addRow("ASCII prefix of non-ASCII")
        << QStringLiteral("drink") << QStringLiteral("caf") << 10
        << QStringList{QStringLiteral("cafe au lait"), QStringLiteral("café"),
                       QStringLiteral("cafe")};
    QTest::addRow("fixture names")
        << QStringLiteral("prefect.resource.name") << QStringLiteral("my-") << 10
        << QStringList{QStringLiteral("my-etl-flow"), QStringLiteral("my-etl-flow/production"),
                       QStringLiteral("my-k8s-pool"), QStringLiteral("my-k8s-worker")};
    QTest::addRow("value with spaces")
        << QStringLiteral("prefect.resource.name") << QStringLiteral("My") << 10
        << QStringList{QStringLiteral("My Sweet Deployment")};
    QTest::addRow("unknown key") << QStringLiteral("nope") << QString() << 10 << QStringList{};
    QTest::addRow("key prefix is not a key")
        << QStringLiteral("tea") << QString() << 10 << QStringList{};
}

void TestCompletion::labelValues()
{
    QFETCH(QString, key);
    QFETCH(QString, prefix);
    QFETCH(int, limit);
    QFETCH(QStringList, expected);
    const QStringList got = m_store.labelValues(key, prefix, limit);
    if (key == u"prefect.resource.name") // ranks depend on the fixture's counts
        QCOMPARE(QSet<QString>(got.begin(), got.end()),
                 QSet<QString>(expected.begin(), expected.end()));
    else
        QCOMPARE(got, expected);
}

void TestCompletion::valuesOfRelatedResourcesCount()
{
    // Uses on related resources count as much as on the primary one.
    Resource flow;
    flow.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.flow.x"));
    flow.set(QStringLiteral("prefect.resource.role"), QStringLiteral("flow"));
    flow.set(QStringLiteral("shade"), QStringLiteral("teal"));
    QList<Event> events;
    for (int i = 0; i < 3; ++i)
        events.append(labelled(QStringLiteral("test.related"), {}, {flow}));
    events.append(labelled(QStringLiteral("test.related"),
                           {{QStringLiteral("shade"), QStringLiteral("tan")}}));
    QCOMPARE(m_store.ingest(events, QStringLiteral("test")).stored, events.size());
    QCOMPARE(m_store.labelValues(QStringLiteral("shade"), QStringLiteral("t"), 10),
             (QStringList{QStringLiteral("teal"), QStringLiteral("tan")}));
}

void TestCompletion::manyValuesFallBackToAlphabetical()
{
    // 300 match: alphabetical, ranking them would cost too much on a real cache.
    QCOMPARE(m_store.labelValues(QStringLiteral("serial"), QStringLiteral("v"), 3),
             (QStringList{QStringLiteral("v000"), QStringLiteral("v001"), QStringLiteral("v002")}));
    // Ten match: ranked, v299 first.
    QCOMPARE(m_store.labelValues(QStringLiteral("serial"), QStringLiteral("v29"), 3),
             (QStringList{QStringLiteral("v299"), QStringLiteral("v290"), QStringLiteral("v291")}));
    QCOMPARE(m_store.labelValues(QStringLiteral("serial"), QStringLiteral("v"), 1000).size(), 300);
}

void TestCompletion::eventNames_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("expected");

    // BINARY order: upper case before lower case.
    QTest::addRow("flow runs") << QStringLiteral("prefect.flow-run.") << 10
                               << QStringList{QStringLiteral("prefect.flow-run.Completed"),
                                              QStringLiteral("prefect.flow-run.Failed"),
                                              QStringLiteral("prefect.flow-run.Pending"),
                                              QStringLiteral("prefect.flow-run.Running"),
                                              QStringLiteral("prefect.flow-run.completed")};
    QTest::addRow("one") << QStringLiteral("prefect.flow-run.C") << 10
                         << QStringList{QStringLiteral("prefect.flow-run.Completed")};
    QTest::addRow("limit") << QStringLiteral("prefect.flow-run.") << 2
                           << QStringList{QStringLiteral("prefect.flow-run.Completed"),
                                          QStringLiteral("prefect.flow-run.Failed")};
    QTest::addRow("all") << QString() << 3
                         << QStringList{QStringLiteral("animal.ingested"),
                                        QStringLiteral("animal.walked"),
                                        QStringLiteral("prefect.automation.action.executed")};
    QTest::addRow("exact") << QStringLiteral("animal.walked") << 10
                           << QStringList{QStringLiteral("animal.walked")};
    QTest::addRow("none") << QStringLiteral("prefect.zzz") << 10 << QStringList{};
}

void TestCompletion::eventNames()
{
    QFETCH(QString, prefix);
    QFETCH(int, limit);
    QFETCH(QStringList, expected);
    QCOMPARE(m_store.eventNames(prefix, limit), expected);
}

void TestCompletion::eventNamesWithoutIndexAreEmptyNotSlow()
{
    QTemporaryDir dir;
    EventStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("bulk.sqlite"))));
    store.beginBulkLoad();
    store.ingest(uses(QStringLiteral("team"), QStringLiteral("alpha"), 1), QStringLiteral("test"));
    QCOMPARE(store.eventNames(QString(), 10), QStringList{});
    store.endBulkLoad();
    QCOMPARE(store.eventNames(QString(), 10), QStringList{QStringLiteral("test.used")});
}

void TestCompletion::relatedRoles()
{
    const QStringList all = m_store.relatedRoles(100);
    QVERIFY(all.contains(QStringLiteral("deployment")));
    QVERIFY(all.contains(QStringLiteral("flow")));
    QVERIFY(all.contains(QStringLiteral("work-pool")));
    QVERIFY(all.contains(QStringLiteral("triggering-event")));
    QStringList sorted = all;
    sorted.sort();
    QCOMPARE(all, sorted);
    QCOMPARE(m_store.relatedRoles(3), all.mid(0, 3));
    QCOMPARE(m_store.relatedRoles(0), QStringList{});
}

void TestCompletion::closedStoreGivesNothing()
{
    EventStore closed;
    QCOMPARE(closed.labelKeys(QString(), 10), QStringList{});
    QCOMPARE(closed.labelValues(QStringLiteral("team"), QString(), 10), QStringList{});
    QCOMPARE(closed.eventNames(QString(), 10), QStringList{});
    QCOMPARE(closed.relatedRoles(10), QStringList{});
}

void TestCompletion::timingsOnLargeCache()
{
    // Run by hand on a cache from `eventdeck-bench --import bulk --cache PATH`:
    // EVENTDECK_COMPLETION_CACHE=PATH tst_completion timingsOnLargeCache
    const QString path = qEnvironmentVariable("EVENTDECK_COMPLETION_CACHE");
    if (path.isEmpty())
        QSKIP("EVENTDECK_COMPLETION_CACHE names no cache");
    EventStore store;
    QVERIFY2(store.open(path), qPrintable(store.lastError()));
    qInfo("%lld events", store.totalCount());
    const QString name = QStringLiteral("prefect.resource.name");
    const QString id = QStringLiteral("prefect.resource.id");
    const struct
    {
        const char *what;
        std::function<QStringList()> run;
    } cases[] = {
        {"labelKeys('', 100)", [&] { return store.labelKeys(QString(), 100); }},
        {"labelKeys('prefect.res', 100)",
         [&] { return store.labelKeys(QStringLiteral("prefect.res"), 100); }},
        {"labelValues(name, '', 50)", [&] { return store.labelValues(name, QString(), 50); }},
        {"labelValues(name, 'e', 50)",
         [&] { return store.labelValues(name, QStringLiteral("e"), 50); }},
        {"labelValues(name, 'etl', 50)",
         [&] { return store.labelValues(name, QStringLiteral("etl"), 50); }},
        {"labelValues(id, 'prefect.deployment.', 50)",
         [&] { return store.labelValues(id, QStringLiteral("prefect.deployment."), 50); }},
        {"labelValues(id, 'prefect.flow-run.', 50)",
         [&] { return store.labelValues(id, QStringLiteral("prefect.flow-run."), 50); }},
        {"labelValues(prefect.state-name, '', 50)",
         [&] { return store.labelValues(QStringLiteral("prefect.state-name"), QString(), 50); }},
        {"labelValues(prefect.resource.role, '', 50)",
         [&] { return store.labelValues(QStringLiteral("prefect.resource.role"), QString(), 50); }},
        {"eventNames('', 200)", [&] { return store.eventNames(QString(), 200); }},
        {"eventNames('prefect.flow-run.', 200)",
         [&] { return store.eventNames(QStringLiteral("prefect.flow-run."), 200); }},
        {"relatedRoles(100)", [&] { return store.relatedRoles(100); }},
    };
    for (const auto &c : cases) {
        // The first call reads its pages into SQLite's cache; the others show the lookup alone.
        QElapsedTimer t;
        t.start();
        c.run();
        const double firstMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        constexpr int runs = 20;
        QStringList got;
        for (int i = 0; i < runs; ++i)
            got = c.run();
        const double ms = double(t.nsecsElapsed()) / 1e6 / runs;
        qInfo("%-45s first %7.3f ms, then %7.3f ms  %3lld rows: %s", c.what, firstMs, ms,
              qint64(got.size()), qPrintable(got.mid(0, 3).join(QStringLiteral(", "))));
        QVERIFY2(ms < 50, c.what);
    }
}

QTEST_GUILESS_MAIN(TestCompletion)
#include "tst_completion.moc"
