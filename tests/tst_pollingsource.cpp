// PollingSource against a small Prefect-shaped HTTP server on 127.0.0.1: paging through our own
// base URL, dedup, local re-filtering, retries on 500 and 429, restart on a refused token.

#include "core/event.h"
#include "core/json.h"
#include "core/pollingsource.h"
#include "core/eventstore.h"
#include "core/timeutil.h"
#include "tests/testserver/prefecttestserver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ed;
using ed::testing::PrefectTestServer;

namespace {

Event makeEvent(int i, qint64 occurred, const QString &env)
{
    Event e;
    e.occurred = occurred;
    e.event = QStringLiteral("test.e");
    e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("r.%1").arg(i));
    e.resource.set(QStringLiteral("env"), env);
    e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
    return e;
}

constexpr qint64 kSecond = 1000000;

} // namespace

class TestPollingSource : public QObject
{
    Q_OBJECT

private slots:
    void pagesDedupsAndFilters();
    void retriesAndRestarts();
    void survivesBrokenPages();
    void authFailureIsFinal();
    void restartResumesFromTheWatermark();
};

void TestPollingSource::pagesDedupsAndFilters()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    server.nextPageAuthority = QStringLiteral("prefect.internal:4200"); // behind a proxy: wrong
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 120; ++i)
        server.publish(makeEvent(i, now - (3600 - i) * kSecond, i % 3 == 0 ? QStringLiteral("prod") : QStringLiteral("dev")));
    server.publish(makeEvent(6, now - kSecond, QStringLiteral("prod"))); // the same id again: delivered once
    server.publishRaw(R"({"occurred":"2026-01-01T00:00:00Z","event":"bad"})", now - 10 * kSecond); // no resource, no id

    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    o.filter.resource = ResourceFilter{};
    o.filter.resource->labels = ResourceSpec{};
    o.filter.resource->labels->set(QStringLiteral("env"), {QStringLiteral("prod")});
    PollingSource source(o);
    QSet<QString> ids;
    int deliveries = 0;
    connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) {
        for (const Event &e : events) {
            ids.insert(e.id);
            ++deliveries;
            QCOMPARE(*e.resource.value(u"env"), QStringLiteral("prod"));
        }
    });
    QSignalSpy rejected(&source, &PollingSource::eventRejected);
    QSignalSpy finished(&source, &PollingSource::passFinished);
    source.runOnce();
    QVERIFY(finished.wait(10000));
    const auto stats = finished.first().first().value<PollingSource::PassStats>();
    // The label is safe to send, so the server answered 40 + 1 repeat + 1 raw: one page.
    QCOMPARE(stats.fetched, 42);
    QCOMPARE(stats.pages, 1);
    QCOMPARE(stats.rejected, 1);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(ids.size(), 40);
    QCOMPARE(deliveries, 40);
    QVERIFY2(server.filterBodies.first().contains("\"order\":\"ASC\""), server.filterBodies.first().constData());
    QVERIFY(server.filterBodies.first().contains("\"occurred\":{\"since\""));
    QVERIFY(server.filterBodies.first().contains("\"limit\":50"));
    QVERIFY2(server.filterBodies.first().contains("\"env\":[\"prod\"]"), server.filterBodies.first().constData());
    QVERIFY(source.watermark().has_value());

    // A glob with `[` is not sent (the server's LIKE takes it literally): the server sends
    // everything and we filter; pages 2 and 3 go to our own base URL, not the host in next_page.
    PollingSource::Options wide = o;
    wide.filter.resource->labels = ResourceSpec{};
    wide.filter.resource->labels->set(QStringLiteral("env"), {QStringLiteral("[p]rod")});
    PollingSource globbing(wide);
    int globbed = 0;
    connect(&globbing, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) { globbed += int(events.size()); });
    QSignalSpy globFinished(&globbing, &PollingSource::passFinished);
    server.requests.clear();
    globbing.runOnce();
    QVERIFY(globFinished.wait(10000));
    QCOMPARE(globbed, 40);
    QCOMPARE(server.requests, (QStringList{QStringLiteral("POST /api/events/filter"), QStringLiteral("GET /api/events/filter/next"),
                                           QStringLiteral("GET /api/events/filter/next")}));

    // A second pass resumes from the watermark minus the overlap and delivers nothing twice.
    finished.clear();
    deliveries = 0;
    source.runOnce();
    QVERIFY(finished.wait(10000));
    QCOMPARE(deliveries, 0);
}

void TestPollingSource::retriesAndRestarts()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 175; ++i)
        server.publish(makeEvent(i, now - (600 - i) * kSecond, QStringLiteral("x")));
    server.faults.serverErrors = 1;
    server.faults.rateLimits = 1;
    server.faults.refuseTokens = 1;
    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    PollingSource source(o);
    QSet<QString> ids;
    int deliveries = 0;
    connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) {
        for (const Event &e : events) {
            ids.insert(e.id);
            ++deliveries;
        }
    });
    QSignalSpy states(&source, &PollingSource::stateChanged);
    QSignalSpy finished(&source, &PollingSource::passFinished);
    source.runOnce();
    QVERIFY(finished.wait(15000));
    QCOMPARE(ids.size(), 175);
    QCOMPARE(deliveries, 175); // the restarted window's repeats were deduplicated
    bool backedOff = false;
    for (const auto &args : states)
        backedOff = backedOff || args.first().value<PollingSource::State>() == PollingSource::State::BackingOff;
    QVERIFY(backedOff);
    QCOMPARE(server.faults.refuseTokens, 0); // the 403 on a page token did happen
}

void TestPollingSource::survivesBrokenPages()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 130; ++i)
        server.publish(makeEvent(i, now - (900 - i) * kSecond, QStringLiteral("x")));
    server.publishRaw(R"({"occurred":"2026-01-01T00:00:00Z","event":"x","resource":{},"id":"not-a-uuid"})", now - 850 * kSecond);
    server.faults.dropMidPage = 2; // the connection dies halfway through a page, twice
    server.faults.malformedPages = 1;
    server.faults.slowMs = 0;
    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    o.transferTimeoutMs = 500;
    PollingSource source(o);
    QStringList ids;
    connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) {
        for (const Event &e : events)
            ids.append(e.id);
    });
    QSignalSpy rejected(&source, &PollingSource::eventRejected);
    QSignalSpy finished(&source, &PollingSource::passFinished);
    source.runOnce();
    QVERIFY(finished.wait(20000));
    QCOMPARE(ids.size(), 130);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), 130);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(server.faults.dropMidPage, 0);
    QCOMPARE(server.faults.malformedPages, 0);

    // An answer slower than the transfer timeout is abandoned and asked again.
    server.faults.slowMs = 800;
    QTimer::singleShot(1000, &server, [&] { server.faults.slowMs = 0; });
    PollingSource::Options fresh = o;
    PollingSource slow(fresh);
    int slowCount = 0;
    connect(&slow, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) { slowCount += int(events.size()); });
    QSignalSpy slowStates(&slow, &PollingSource::stateChanged);
    QSignalSpy slowFinished(&slow, &PollingSource::passFinished);
    slow.runOnce();
    QVERIFY(slowFinished.wait(20000));
    QCOMPARE(slowCount, 130);
    bool backedOff = false;
    for (const auto &args : slowStates)
        backedOff = backedOff || args.first().value<PollingSource::State>() == PollingSource::State::BackingOff;
    QVERIFY(backedOff);
}

void TestPollingSource::authFailureIsFinal()
{
    PrefectTestServer server;
    server.authString = QStringLiteral("admin:secret");
    QVERIFY(server.listen());
    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    o.authString = QStringLiteral("admin:wrong");
    PollingSource source(o);
    QSignalSpy failed(&source, &PollingSource::failed);
    source.runOnce();
    QVERIFY(failed.wait(5000));
    const QString message = failed.first().first().toString();
    QVERIFY(message.contains(QStringLiteral("401")));
    QVERIFY(message.contains(QStringLiteral("Unauthorized")));
    QVERIFY(!message.contains(QStringLiteral("admin:wrong")));
    QCOMPARE(source.state(), PollingSource::State::Error);
    QCOMPARE(server.requests.size(), 1); // not retried

    // With the right string, Basic auth passes.
    PollingSource::Options good = o;
    good.authString = QStringLiteral("admin:secret");
    PollingSource ok(good);
    QSignalSpy finished(&ok, &PollingSource::passFinished);
    ok.runOnce();
    QVERIFY(finished.wait(5000));
}

void TestPollingSource::restartResumesFromTheWatermark()
{
    // As `eventdeck sync` does: the watermark lives in the cache; each run is a new source.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
    PrefectTestServer server;
    QVERIFY(server.listen());
    int next = 0;
    qint64 fetchedTotal = 0;
    const qint64 base = timeutil::nowMicros() - 3600 * kSecond;
    for (int run = 0; run < 4; ++run) {
        // Between runs: ten minutes of new events, and one stored late with an `occurred`
        // inside the 60 s overlap.
        const qint64 start = base + run * 600 * kSecond;
        if (run > 0)
            server.publish(makeEvent(next++, start - 30 * kSecond, QStringLiteral("late")));
        for (int i = 0; i < 60; ++i, ++next)
            server.publish(makeEvent(next, start + i * 10 * kSecond, QStringLiteral("x")));
        EventStore store;
        QVERIFY(store.open(path));
        PollingSource::Options o;
        o.apiUrl = server.apiUrl();
        PollingSource source(o);
        bool hasWatermark = false;
        const qint64 watermark = store.meta(QStringLiteral("watermark")).toLongLong(&hasWatermark);
        if (hasWatermark)
            source.setWatermark(watermark);
        connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) { store.ingest(events, server.apiUrl()); });
        QSignalSpy finished(&source, &PollingSource::passFinished);
        source.runOnce();
        QVERIFY(finished.wait(10000));
        fetchedTotal += finished.first().first().value<PollingSource::PassStats>().fetched;
        store.setMeta(QStringLiteral("watermark"), QString::number(*source.watermark()));
        QCOMPARE(store.count(EventFilter{}).value_or(-1), next);
    }
    QCOMPARE(next, 243);
    QVERIFY2(fetchedTotal < 2 * next, qPrintable(QString::number(fetchedTotal))); // incremental: not everything again each run
}

QTEST_GUILESS_MAIN(TestPollingSource)
#include "tst_pollingsource.moc"
