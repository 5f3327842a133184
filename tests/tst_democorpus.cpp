// demo::Corpus over a simulated day: the events real runs cause besides their states (blocks,
// concurrency limits, artifacts, assets) appear, tied to runs of the same stream; every event
// is valid; the same options give the same bytes.

#include "core/demo/corpus.h"
#include "core/event.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>
#include <QTest>

#include <functional>

using namespace ed;

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kDay = 86400 * kSecond;

demo::CorpusOptions dayOptions()
{
    demo::CorpusOptions o;
    o.seed = 7;
    o.events = 432000; // a day at 5 events/s, as `eventdeck sync --demo` makes it
    o.endMicros = 1700000000LL * kSecond;
    o.spanMicros = kDay;
    return o;
}

bool isNewKind(const QString &name)
{
    return name.startsWith(u"prefect.artifact.") || name.startsWith(u"prefect.artifact-collection.")
           || name.startsWith(u"prefect.asset.") || name.startsWith(u"prefect.block.")
           || name.startsWith(u"prefect.concurrency-limit.");
}

QString relatedId(const Event &e, QStringView role)
{
    for (const Resource &r : e.related) {
        if (r.role() == role)
            return r.id();
    }
    return {};
}

// One event of a new kind, as much as the checks need.
struct Record
{
    QString event, id, follows, resource, flowRun, taskRun, latest;
    qint64 occurred = 0;
};

// A hash of the serialized stream per batch, to compare two runs without holding either.
QList<QByteArray> streamHashes(demo::Corpus &corpus, const std::function<void(const Event &)> &each)
{
    QList<QByteArray> hashes;
    while (!corpus.atEnd()) {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (const Event &e : corpus.next(5000)) {
            hash.addData(serializeEvent(e));
            hash.addData(QByteArrayView("\n"));
            each(e);
        }
        hashes.append(hash.result());
    }
    return hashes;
}

} // namespace

class TestDemoCorpus : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyEventValidates();
    void kindAppearsTiedToARun_data();
    void kindAppearsTiedToARun();
    void releasedFollowsAcquired();
    void collectionsPointAtTheirArtifact();
    void assetKeysAreStable();
    void newKindsAreAFewPercent();
    void sameOptionsSameBytes();

private:
    qint64 m_total = 0;
    QStringList m_invalid;
    QSet<QString> m_flowRuns, m_taskRuns;
    QList<Record> m_records;
    QList<QByteArray> m_hashes;
};

void TestDemoCorpus::initTestCase()
{
    demo::Corpus corpus(dayOptions());
    m_hashes = streamHashes(corpus, [this](const Event &e) {
        ++m_total;
        EventError error;
        if (!validateEvent(e, error) && m_invalid.size() < 20)
            m_invalid << e.event + QStringLiteral(": ") + error.message();
        if (e.event.startsWith(u"prefect.flow-run."))
            m_flowRuns.insert(e.resource.id());
        else if (e.event.startsWith(u"prefect.task-run."))
            m_taskRuns.insert(e.resource.id());
        else if (isNewKind(e.event))
            m_records.append({e.event, e.id, e.follows, e.resource.id(), relatedId(e, u"flow-run"),
                              relatedId(e, u"task-run"), relatedId(e, u"latest"), e.occurred});
    });
    QCOMPARE(m_total, dayOptions().events);
}

void TestDemoCorpus::everyEventValidates()
{
    QVERIFY2(m_invalid.isEmpty(), qPrintable(m_invalid.join(u'\n')));
}

void TestDemoCorpus::kindAppearsTiedToARun_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("idPrefix");
    QTest::addColumn<bool>("inTask"); ///< a task run is related too

    QTest::addRow("artifact created") << QStringLiteral("prefect.artifact.created")
                                      << QStringLiteral("prefect.artifact.") << false;
    QTest::addRow("artifact collection updated")
        << QStringLiteral("prefect.artifact-collection.updated")
        << QStringLiteral("prefect.artifact-collection.") << false;
    QTest::addRow("asset materialization succeeded")
        << QStringLiteral("prefect.asset.materialization.succeeded") << QString() << false;
    QTest::addRow("asset referenced")
        << QStringLiteral("prefect.asset.referenced") << QString() << false;
    QTest::addRow("block loaded") << QStringLiteral("prefect.block.*.loaded")
                                  << QStringLiteral("prefect.block-document.") << false;
    QTest::addRow("concurrency limit acquired")
        << QStringLiteral("prefect.concurrency-limit.acquired")
        << QStringLiteral("prefect.concurrency-limit.") << true;
    QTest::addRow("concurrency limit released")
        << QStringLiteral("prefect.concurrency-limit.released")
        << QStringLiteral("prefect.concurrency-limit.") << true;
}

void TestDemoCorpus::kindAppearsTiedToARun()
{
    QFETCH(QString, event);
    QFETCH(QString, idPrefix);
    QFETCH(bool, inTask);

    const QString head = event.section(u'*', 0, 0), tail = event.section(u'*', 1);
    qsizetype count = 0;
    for (const Record &r : std::as_const(m_records)) {
        if (!(tail.isEmpty() ? r.event == event
                             : r.event.startsWith(head) && r.event.endsWith(tail)
                                   && r.event.size() > head.size() + tail.size()))
            continue;
        ++count;
        QVERIFY2(r.resource.startsWith(idPrefix), qPrintable(r.resource));
        QVERIFY2(m_flowRuns.contains(r.flowRun), qPrintable(r.event + u' ' + r.flowRun));
        if (inTask)
            QVERIFY2(m_taskRuns.contains(r.taskRun), qPrintable(r.event + u' ' + r.taskRun));
    }
    qInfo("%s: %lld a day", qPrintable(event), qint64(count));
    QVERIFY2(count > 0, qPrintable(event));
}

void TestDemoCorpus::releasedFollowsAcquired()
{
    QHash<QString, const Record *> acquired; // by event id
    for (const Record &r : std::as_const(m_records)) {
        if (r.event == u"prefect.concurrency-limit.acquired")
            acquired.insert(r.id, &r);
    }
    qsizetype released = 0, chained = 0;
    for (const Record &r : std::as_const(m_records)) {
        if (r.event != u"prefect.concurrency-limit.released")
            continue;
        ++released;
        if (r.follows.isEmpty())
            continue; // held for more than five minutes
        const Record *a = acquired.value(r.follows);
        QVERIFY2(a, qPrintable(r.id));
        QCOMPARE(a->resource, r.resource);
        QCOMPARE(a->taskRun, r.taskRun);
        QVERIFY(a->occurred < r.occurred);
        QVERIFY(r.occurred - a->occurred < 300 * kSecond);
        ++chained;
    }
    QVERIFY(released > 0);
    QVERIFY2(chained > released / 2,
             qPrintable(QStringLiteral("%1 of %2").arg(chained).arg(released)));
}

void TestDemoCorpus::collectionsPointAtTheirArtifact()
{
    QSet<QString> artifacts;
    for (const Record &r : std::as_const(m_records)) {
        if (r.event == u"prefect.artifact.created")
            artifacts.insert(r.resource);
    }
    qsizetype updated = 0;
    for (const Record &r : std::as_const(m_records)) {
        if (r.event != u"prefect.artifact-collection.updated")
            continue;
        ++updated;
        QVERIFY2(artifacts.contains(r.latest), qPrintable(r.latest));
    }
    QVERIFY(updated > 0);
}

void TestDemoCorpus::assetKeysAreStable()
{
    QSet<QString> keys;
    qsizetype materialized = 0;
    for (const Record &r : std::as_const(m_records)) {
        if (!r.event.startsWith(u"prefect.asset."))
            continue;
        keys.insert(r.resource);
        materialized += r.event.startsWith(u"prefect.asset.materialization.");
        QVERIFY2(r.resource.contains(QStringLiteral("://")), qPrintable(r.resource));
    }
    // Thousands of events over a few pipelines' fixed keys.
    QVERIFY2(materialized > 100, qPrintable(QString::number(materialized)));
    QVERIFY2(keys.size() >= 4 && keys.size() <= 12, qPrintable(QString::number(keys.size())));
}

void TestDemoCorpus::newKindsAreAFewPercent()
{
    const double share = double(m_records.size()) / double(m_total);
    qInfo("new kinds: %lld of %lld events (%.2f %%)", qint64(m_records.size()), m_total,
          100 * share);
    QVERIFY2(share > 0.01 && share < 0.08, qPrintable(QString::number(share)));
}

void TestDemoCorpus::sameOptionsSameBytes()
{
    demo::Corpus again(dayOptions());
    const QList<QByteArray> hashes = streamHashes(again, [](const Event &) {});
    QCOMPARE(hashes.size(), m_hashes.size());
    for (qsizetype i = 0; i < hashes.size(); ++i)
        QVERIFY2(hashes[i] == m_hashes[i], qPrintable(QStringLiteral("batch %1").arg(i)));

    // Another seed is another stream.
    demo::CorpusOptions other = dayOptions();
    other.seed = 8;
    other.events = 5000;
    demo::Corpus different(other);
    QVERIFY(streamHashes(different, [](const Event &) {}).first() != m_hashes.first());
}

QTEST_GUILESS_MAIN(TestDemoCorpus)
#include "tst_democorpus.moc"
