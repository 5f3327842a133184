// DemoSource: history at once, then live events on wall-clock time; valid events; the same
// seed gives the same stream; flow runs move through their states with follows chains.

#include "core/demosource.h"
#include "core/event.h"
#include "core/timeutil.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace ed;

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kFixedStart = 1700000000LL * kSecond; // 2023-11-14T22:13:20Z

struct Received
{
    Event event;
    qint64 at;      ///< wall clock when it was handed on
    qint64 elapsed; ///< ms since start()
};

// Records everything a source hands on, checking each event as it comes.
class Recorder : public QObject
{
public:
    explicit Recorder(DemoSource &source)
    {
        m_clock.start();
        connect(&source, &DemoSource::eventsReceived, this, [this](const QList<Event> &events) {
            const qint64 at = timeutil::nowMicros();
            batches.append(events.size());
            for (const Event &e : events) {
                EventError error;
                if (!validateEvent(e, error))
                    invalid << e.event + QStringLiteral(": ") + error.message();
                received.append({e, at, m_clock.elapsed()});
            }
        });
    }
    QList<Received> received;
    QList<qsizetype> batches;
    QStringList invalid;

private:
    QElapsedTimer m_clock;
};

QList<QPair<QString, QString>> namesAndResources(const QList<Received> &list, qsizetype n)
{
    QList<QPair<QString, QString>> out;
    for (qsizetype i = 0; i < std::min(n, list.size()); ++i)
        out.append({list[i].event.event, list[i].event.resource.id()});
    return out;
}

} // namespace

class TestDemoSource : public QObject
{
    Q_OBJECT

private slots:
    void historyArrivesAtOnce();
    void liveEventsFollowTheClock();
    void sameSeedSameStream();
    void stopAndResume();
};

void TestDemoSource::historyArrivesAtOnce()
{
    DemoSource::Options o;
    o.rate = 5;
    o.historyMicros = 3600 * kSecond;
    DemoSource source(o);
    Recorder rec(source);
    QSignalSpy states(&source, &DemoSource::stateChanged);
    const qint64 start = timeutil::nowMicros();
    source.start();
    QCOMPARE(states.size(), 1);
    QCOMPARE(states.first().first().value<DemoSource::State>(), DemoSource::State::Live);
    QCOMPARE(rec.received.size(), 0); // nothing from inside start()
    // Catching up goes in full batches; the first short one means it is done.
    QTRY_VERIFY_WITH_TIMEOUT(rec.batches.size() > 1 && rec.batches.last() < 2000, 10000);
    const qint64 caughtUpMs = rec.received.last().elapsed;
    QTest::qWait(300);
    source.stop();
    QCOMPARE(source.state(), DemoSource::State::Idle);

    QVERIFY2(rec.invalid.isEmpty(), qPrintable(rec.invalid.join(u'\n')));
    QCOMPARE(source.produced(), rec.received.size());
    qsizetype history = 0, historyByCatchUp = 0;
    QHash<QString, const Event *> byId;
    for (const Received &r : std::as_const(rec.received)) {
        QVERIFY(r.event.occurred >= start - o.historyMicros);
        QVERIFY(r.event.occurred <= r.at);
        QVERIFY(r.event.received && *r.event.received <= r.at);
        if (r.event.occurred <= start) {
            ++history;
            historyByCatchUp += r.elapsed <= caughtUpMs;
        }
        byId.insert(r.event.id, &r.event);
    }
    qInfo("history: %lld events (5/s over 1 h is 18000), caught up after %lld ms in %lld batches",
          qint64(history), caughtUpMs, qint64(rec.batches.size()));
    QVERIFY2(history > 14000 && history < 22000, qPrintable(QString::number(history)));
    QVERIFY(historyByCatchUp >= history * 99 / 100);
    QVERIFY2(caughtUpMs < 5000, qPrintable(QString::number(caughtUpMs)));

    // Flow runs move Scheduled → Pending → Running → Completed, each state following the last.
    QHash<QString, QStringList> states_;
    qsizetype chained = 0;
    for (const Received &r : std::as_const(rec.received)) {
        const Event &e = r.event;
        if (!e.event.startsWith(u"prefect.flow-run."))
            continue;
        states_[e.resource.id()] << e.event.mid(17);
        if (e.follows.isEmpty())
            continue;
        const Event *previous = byId.value(e.follows);
        if (!previous)
            continue; // followed something before the window
        QCOMPARE(previous->resource.id(), e.resource.id());
        QVERIFY(previous->occurred <= e.occurred);
        ++chained;
    }
    QVERIFY2(chained > 500, qPrintable(QString::number(chained)));
    const QStringList happyPath = {QStringLiteral("Scheduled"), QStringLiteral("Pending"),
                                   QStringLiteral("Running"), QStringLiteral("Completed")};
    qsizetype completed = 0, failed = 0;
    for (const QStringList &s : std::as_const(states_)) {
        completed += s == happyPath;
        failed += s.contains(QStringLiteral("Failed")) || s.contains(QStringLiteral("Crashed"));
    }
    QVERIFY2(completed > 50, qPrintable(QString::number(completed)));
    QVERIFY(failed > 0);
}

void TestDemoSource::liveEventsFollowTheClock()
{
    DemoSource::Options o;
    o.rate = 50;
    o.batchIntervalMs = 100;
    DemoSource source(o);
    Recorder rec(source);
    const qint64 start = timeutil::nowMicros();
    source.start();
    QTest::qWait(1500);
    source.stop();
    const qsizetype count = rec.received.size();
    QTest::qWait(300);
    QCOMPARE(rec.received.size(), count); // nothing after stop()

    QVERIFY2(rec.invalid.isEmpty(), qPrintable(rec.invalid.join(u'\n')));
    qInfo("live: %lld events in 1.5 s at 50/s, %lld batches", qint64(count),
          qint64(rec.batches.size()));
    QVERIFY2(count >= 20 && count <= 200, qPrintable(QString::number(count)));
    QVERIFY(rec.batches.size() >= 5); // on the timer, not all at once
    for (const Received &r : std::as_const(rec.received)) {
        QVERIFY(r.event.occurred >= start);
        QVERIFY(r.event.occurred <= r.at);              // never in the future
        QVERIFY(r.at - r.event.occurred < 5 * kSecond); // and just now
        QVERIFY(r.event.received && *r.event.received >= r.event.occurred
                && *r.event.received <= r.at);
    }
}

void TestDemoSource::sameSeedSameStream()
{
    auto run = [](quint64 seed, qint64 startMicros) {
        DemoSource::Options o;
        o.seed = seed;
        o.startMicros = startMicros;
        o.historyMicros = 600 * kSecond;
        auto *source = new DemoSource(o);
        auto *rec = new Recorder(*source);
        source->start();
        return std::pair{source, rec};
    };
    auto [a, recA] = run(1, kFixedStart);
    auto [b, recB] = run(1, kFixedStart);
    auto [c, recC] = run(2, kFixedStart);
    auto [d, recD] = run(1, kFixedStart + 86400 * kSecond); // a day later
    QTest::qWait(600);
    for (DemoSource *s : {a, b, c, d})
        s->stop();

    for (Recorder *r : {recA, recB, recC, recD})
        QVERIFY2(r->invalid.isEmpty(), qPrintable(r->invalid.join(u'\n')));
    const qsizetype n = std::min(recA->received.size(), recB->received.size());
    QVERIFY2(n > 1500, qPrintable(QString::number(n))); // 10 min at 5/s, and a bit of live
    for (qsizetype i = 0; i < n; ++i)
        QVERIFY2(recA->received.at(i).event == recB->received.at(i).event,
                 qPrintable(QString::number(i)));
    QVERIFY(recA->received.first().event.occurred >= kFixedStart - 600 * kSecond);
    QVERIFY(recA->received.last().event.occurred <= kFixedStart + 10 * kSecond);

    // Another seed, another workspace.
    QVERIFY(namesAndResources(recA->received, 200) != namesAndResources(recC->received, 200));
    // The same seed later: the same names and resources, shifted in time.
    const qsizetype m = std::min(recA->received.size(), recD->received.size());
    QCOMPARE(namesAndResources(recD->received, m), namesAndResources(recA->received, m));
    QCOMPARE(recD->received.first().event.occurred - recA->received.first().event.occurred,
             86400 * kSecond);

    for (QObject *o : std::initializer_list<QObject *>{recA, recB, recC, recD, a, b, c, d})
        delete o;
}

void TestDemoSource::stopAndResume()
{
    DemoSource::Options o;
    o.rate = 20;
    o.historyMicros = 60 * kSecond;
    o.batchIntervalMs = 50;
    DemoSource source(o);
    Recorder rec(source);
    QSignalSpy states(&source, &DemoSource::stateChanged);
    source.start();
    QTRY_VERIFY(rec.received.size() > 100);
    source.stop();
    source.stop(); // twice: one state change
    const qsizetype before = rec.received.size();
    QTest::qWait(400);
    QCOMPARE(rec.received.size(), before);
    source.start();
    QTest::qWait(600);
    source.stop();
    QVERIFY(rec.received.size() > before); // what happened while stopped, and then live

    QCOMPARE(states.size(), 4);
    QCOMPARE(states.at(1).first().value<DemoSource::State>(), DemoSource::State::Idle);
    QCOMPARE(states.at(2).first().value<DemoSource::State>(), DemoSource::State::Live);
    QSet<QString> ids;
    for (const Received &r : std::as_const(rec.received))
        ids.insert(r.event.id);
    QCOMPARE(ids.size(), rec.received.size()); // resuming repeats nothing
    QCOMPARE(source.produced(), rec.received.size());
}

QTEST_GUILESS_MAIN(TestDemoSource)
#include "tst_demosource.moc"
