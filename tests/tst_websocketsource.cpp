// WebSocketSource against the Prefect-compatible test server: the handshake of the transcripts,
// backfill then live, local re-filtering of what the live path ignores, final auth and protocol
// errors, reconnects without loss or duplicates, REST gap fills, invalid frames, restarts.

#include "core/event.h"
#include "core/eventstore.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "core/websocketsource.h"
#include "tests/testserver/prefecttestserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ed;
using ed::testing::PrefectTestServer;

namespace {

constexpr qint64 kSecond = 1000000;

// The events a real Prefect 3.8.3 server streamed (transcript 41), moved to `base`.
QList<Event> transcriptEvents(qint64 base)
{
    QFile file(QStringLiteral(EVENTDECK_FIXTURES "/prefect-transcripts/41_ws_events_out.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    json::Value doc;
    if (!json::parse(text, doc))
        return {};
    QList<Event> out;
    for (const json::Value &frame : doc.find(u"received")->items) {
        const json::Value *e = frame.find(u"event");
        Event event;
        EventError error;
        if (e && parseEvent(*e, text, event, error)) {
            event.occurred = base + out.size() * kSecond;
            event.received.reset();
            out.append(event);
        }
    }
    return out;
}

Event makeEvent(int i, qint64 occurred, const QString &env = QStringLiteral("prod"))
{
    Event e;
    e.occurred = occurred;
    e.event = QStringLiteral("test.ws");
    e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("r.%1").arg(i));
    e.resource.set(QStringLiteral("env"), env);
    Resource tag;
    tag.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.tag.%1").arg(i % 2 ? u"odd" : u"even"));
    tag.set(QStringLiteral("prefect.resource.role"), QStringLiteral("tag"));
    e.related.append(tag);
    e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
    return e;
}

struct Collector
{
    QStringList ids; // in delivery order, repeats kept
    QStringList rejected;
    QList<EventSource::State> states;
    void attach(EventSource *source)
    {
        QObject::connect(source, &EventSource::eventsReceived, source, [this](const QList<Event> &events) {
            for (const Event &e : events)
                ids.append(e.id);
        });
        QObject::connect(source, &EventSource::eventRejected, source, [this](const QString &r) { rejected.append(r); });
        QObject::connect(source, &EventSource::stateChanged, source, [this](EventSource::State s, const QString &) { states.append(s); });
    }
    bool waitFor(qsizetype n, int ms = 10000)
    {
        return QTest::qWaitFor([&] { return ids.size() >= n; }, ms);
    }
};

WebSocketSource::Options optionsFor(const PrefectTestServer &server)
{
    WebSocketSource::Options o;
    o.apiUrl = server.apiUrl();
    o.initialBackoffMs = 50;
    o.maxBackoffMs = 400;
    o.batchIntervalMs = 10;
    return o;
}

} // namespace

class TestWebSocketSource : public QObject
{
    Q_OBJECT

private slots:
    void streamUrl();
    void handshakeBackfillThenLive();
    void relatedIsJudgedLocally();
    void authFailuresAreFinal_data();
    void authFailuresAreFinal();
    void protocolErrorIsFinal();
    void reconnectsWithoutLossOrDuplicates();
    void fillsLongGapsOverRest();
    void invalidFramesAreSkipped();
    void restartResumesIntoTheCache();
};

void TestWebSocketSource::streamUrl()
{
    QCOMPARE(WebSocketSource::streamUrl(QStringLiteral("http://127.0.0.1:4200/api")).toString(),
             QStringLiteral("ws://127.0.0.1:4200/api/events/out"));
    QCOMPARE(WebSocketSource::streamUrl(QStringLiteral("https://api.prefect.cloud/api/accounts/a/workspaces/w/")).toString(),
             QStringLiteral("wss://api.prefect.cloud/api/accounts/a/workspaces/w/events/out"));
}

void TestWebSocketSource::handshakeBackfillThenLive()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = timeutil::nowMicros();
    const QList<Event> history = transcriptEvents(now - 5 * 60 * kSecond);
    QCOMPARE(history.size(), 9); // auth_success, then nine events
    for (const Event &e : history)
        server.publish(e);
    server.publish(makeEvent(1, now - 20 * 60 * kSecond)); // older than the 15-minute backfill

    WebSocketSource::Options o = optionsFor(server);
    o.since = now - 10 * 60 * kSecond;
    WebSocketSource source(o);
    Collector got;
    got.attach(&source);
    source.start();
    QVERIFY(got.waitFor(9));
    QCOMPARE(source.state(), EventSource::State::Live);
    QCOMPARE(got.ids.first(), history.first().id);
    // No REST: the start lies inside the server's backfill.
    QVERIFY(!server.requests.contains(QStringLiteral("POST /api/events/filter")));

    // What was sent: auth (token null), then the filter with backfill and `until` a year ahead.
    QCOMPARE(server.wsFilters.size(), 1);
    json::Value frame;
    QVERIFY(json::parse(server.wsFilters.first(), frame));
    QVERIFY(frame.find(u"backfill")->boolean);
    qint64 until = 0;
    QVERIFY(timeutil::parse(frame.find(u"filter")->find(u"occurred")->find(u"until")->string, until));
    QVERIFY(until > now + 300 * 86400 * kSecond);

    // Live events follow, in order.
    for (int i = 100; i < 105; ++i)
        server.publish(makeEvent(i, timeutil::nowMicros()));
    QVERIFY(got.waitFor(14));
    QCOMPARE(got.ids.last(), makeEvent(104, 0).id);
    QCOMPARE(QSet<QString>(got.ids.cbegin(), got.ids.cend()).size(), 14);
    QCOMPARE(source.connectionCount(), 1);
    source.stop();
    QCOMPARE(source.state(), EventSource::State::Idle);
}

void TestWebSocketSource::relatedIsJudgedLocally()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    WebSocketSource::Options o = optionsFor(server);
    QString error;
    auto filter = EventFilter::fromJson(R"({"related":{"labels":{"prefect.resource.id":"prefect.tag.odd"}},
                                           "resource":{"labels":{"env":"prod"}}})", &error);
    QVERIFY2(filter, qPrintable(error));
    o.filter = *filter;
    WebSocketSource source(o);
    Collector got;
    got.attach(&source);
    source.start();
    QVERIFY(QTest::qWaitFor([&] { return server.liveSubscribers() == 1; }, 5000));
    // The live path ignores `related`, so the server sends even events; we drop them.
    for (int i = 0; i < 20; ++i)
        server.publish(makeEvent(i, timeutil::nowMicros(), i % 4 < 2 ? QStringLiteral("prod") : QStringLiteral("dev")));
    QVERIFY(got.waitFor(5));
    QTest::qWait(200);
    QCOMPARE(got.ids, (QStringList{makeEvent(1, 0).id, makeEvent(5, 0).id, makeEvent(9, 0).id,
                                   makeEvent(13, 0).id, makeEvent(17, 0).id}));
}

void TestWebSocketSource::authFailuresAreFinal_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");
    QTest::newRow("none") << QString() << QStringLiteral("Auth required but no token provided");
    QTest::newRow("wrong") << QStringLiteral("admin:wrong") << QStringLiteral("Invalid token");
    QTest::newRow("base64") << QStringLiteral("YWRtaW46c2VjcmV0") << QStringLiteral("Invalid token");
}

void TestWebSocketSource::authFailuresAreFinal()
{
    QFETCH(QString, token);
    QFETCH(QString, reason);
    PrefectTestServer server;
    server.authString = QStringLiteral("admin:secret");
    QVERIFY(server.listen());
    WebSocketSource::Options o = optionsFor(server);
    o.authString = token;
    WebSocketSource source(o);
    QSignalSpy failed(&source, &EventSource::failed);
    source.start();
    QVERIFY(failed.wait(5000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(u"1008") && message.contains(reason), qPrintable(message));
    if (!token.isEmpty())
        QVERIFY2(!message.contains(token), "the secret leaked into the error");
    QCOMPARE(source.state(), EventSource::State::Error);
    QTest::qWait(300);
    QCOMPARE(server.wsConnections, 1); // not retried

    // The raw `user:pass` is the token, and then the stream works.
    o.authString = QStringLiteral("admin:secret");
    WebSocketSource good(o);
    Collector got;
    got.attach(&good);
    good.start();
    QVERIFY(QTest::qWaitFor([&] { return good.state() == EventSource::State::Live; }, 5000));
    server.publish(makeEvent(7, timeutil::nowMicros()));
    QVERIFY(got.waitFor(1));
}

void TestWebSocketSource::protocolErrorIsFinal()
{
    PrefectTestServer server;
    server.faults.wsRejectFilters = 1;
    QVERIFY(server.listen());
    WebSocketSource source(optionsFor(server));
    QSignalSpy failed(&source, &EventSource::failed);
    source.start();
    QVERIFY(failed.wait(5000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(u"1002") && message.contains(u"Invalid filter"), qPrintable(message));
    QTest::qWait(300);
    QCOMPARE(server.wsConnections, 1);
}

void TestWebSocketSource::reconnectsWithoutLossOrDuplicates()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    server.faults.wsCloseAfterFrames = 7; // every connection dies after 7 events
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 40; ++i)
        server.publish(makeEvent(i, now - (200 - i) * kSecond));
    WebSocketSource::Options o = optionsFor(server);
    o.since = now - 300 * kSecond;
    WebSocketSource source(o);
    Collector got;
    got.attach(&source);
    source.start();
    QVERIFY2(got.waitFor(40, 20000), qPrintable(QStringLiteral("%1 events over %2 connections").arg(got.ids.size()).arg(source.connectionCount())));
    // Live events while connections keep dropping, some with a close code, some without.
    for (int i = 40; i < 70; ++i) {
        server.faults.wsCloseCode = i % 2 ? 1001 : 0;
        server.publish(makeEvent(i, timeutil::nowMicros()));
        QTest::qWait(30);
    }
    QVERIFY2(got.waitFor(70, 30000), qPrintable(QString::number(got.ids.size())));
    QTest::qWait(300);
    QCOMPARE(got.ids.size(), 70);
    QCOMPARE(QSet<QString>(got.ids.cbegin(), got.ids.cend()).size(), 70);
    QVERIFY(source.connectionCount() > 5);
    QVERIFY(got.states.contains(EventSource::State::BackingOff));
    QCOMPARE(source.state(), EventSource::State::Live);
}

void TestWebSocketSource::fillsLongGapsOverRest()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = timeutil::nowMicros();
    // Three hours of history: far beyond the 15 minutes the websocket backfills.
    for (int i = 0; i < 180; ++i)
        server.publish(makeEvent(i, now - (180 - i) * 60 * kSecond));
    WebSocketSource::Options o = optionsFor(server);
    o.since = now - 4 * 3600 * kSecond;
    WebSocketSource source(o);
    Collector got;
    got.attach(&source);
    source.start();
    QVERIFY2(got.waitFor(180, 20000), qPrintable(QString::number(got.ids.size())));
    QVERIFY(server.requests.contains(QStringLiteral("POST /api/events/filter")));
    QVERIFY(server.requests.contains(QStringLiteral("GET /api/events/filter/next")));
    QVERIFY(got.states.contains(EventSource::State::Fetching));
    QVERIFY(QTest::qWaitFor([&] { return source.state() == EventSource::State::Live; }, 5000));

    // An outage longer than the server's backfill (shrunk to 1 s here): events stored meanwhile
    // lie outside any websocket backfill, so the reconnect must read the gap over REST first.
    server.maxBackfillMicros = kSecond;
    WebSocketSource::Options shortBackfill = o;
    shortBackfill.serverBackfillMicros = kSecond;
    shortBackfill.resumeOverlapMicros = 100000;
    shortBackfill.since = timeutil::nowMicros() - 10 * kSecond;
    WebSocketSource second(shortBackfill);
    Collector more;
    more.attach(&second);
    second.start();
    QVERIFY(QTest::qWaitFor([&] { return second.state() == EventSource::State::Live; }, 5000));
    server.faults.wsRefuseUpgrades = 2;
    server.dropWebSockets();
    const int restBefore = int(server.requests.count(QStringLiteral("POST /api/events/filter")));
    for (int i = 200; i < 210; ++i)
        server.publish(makeEvent(i, timeutil::nowMicros() - 5 * kSecond));
    QVERIFY2(more.waitFor(10, 20000), qPrintable(QString::number(more.ids.size())));
    QTest::qWait(300);
    QCOMPARE(QSet<QString>(more.ids.cbegin(), more.ids.cend()).size(), 10);
    QCOMPARE(more.ids.size(), 10);
    QVERIFY(server.requests.count(QStringLiteral("POST /api/events/filter")) > restBefore);
    QVERIFY(QTest::qWaitFor([&] { return second.state() == EventSource::State::Live; }, 5000));
}

void TestWebSocketSource::invalidFramesAreSkipped()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = timeutil::nowMicros();
    server.publish(makeEvent(1, now - 60 * kSecond));
    server.publishRaw(R"({"occurred":"2026-01-01T00:00:00Z","event":"no.resource","id":"x"})", now - 50 * kSecond);
    server.publish(makeEvent(2, now - 40 * kSecond));
    WebSocketSource::Options o = optionsFor(server);
    o.since = now - 120 * kSecond;
    WebSocketSource source(o);
    Collector got;
    got.attach(&source);
    source.start();
    QVERIFY(got.waitFor(2));
    QCOMPARE(got.ids, (QStringList{makeEvent(1, 0).id, makeEvent(2, 0).id}));
    QCOMPARE(got.rejected.size(), 1);
    QCOMPARE(source.state(), EventSource::State::Live);
}

void TestWebSocketSource::restartResumesIntoTheCache()
{
    QTemporaryDir dir;
    EventStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("cache.sqlite"))));
    PrefectTestServer server;
    QVERIFY(server.listen());
    qint64 resume = timeutil::nowMicros() - 60 * kSecond;
    int next = 0;
    // Three runs of a source; between them the server gets events nobody is listening for.
    for (int run = 0; run < 3; ++run) {
        for (int i = 0; i < 10; ++i, ++next)
            server.publish(makeEvent(next, timeutil::nowMicros()));
        WebSocketSource::Options o = optionsFor(server);
        o.since = resume;
        WebSocketSource source(o);
        QObject::connect(&source, &EventSource::eventsReceived, &source, [&](const QList<Event> &events) {
            store.ingest(events, server.apiUrl());
        });
        source.start();
        QVERIFY(QTest::qWaitFor([&] { return store.count(EventFilter{}) == next; }, 10000));
        for (int i = 0; i < 5; ++i, ++next)
            server.publish(makeEvent(next, timeutil::nowMicros()));
        QVERIFY(QTest::qWaitFor([&] { return store.count(EventFilter{}) == next; }, 10000));
        resume = source.resumePoint();
        source.stop();
    }
    QCOMPARE(store.count(EventFilter{}).value_or(-1), 45);
}

QTEST_GUILESS_MAIN(TestWebSocketSource)
#include "tst_websocketsource.moc"
