// The dry run against the cases of Prefect's own trigger tests (tests/events/server/triggers:
// test_basics, test_regressions, test_composite_triggers) and the rules measured on a 3.8.3
// server (spec §6.4). Times are seconds after a fixed origin; an event received late says so.
#include "core/eventstore.h"
#include "core/timeutil.h"
#include "core/triggerevaluator.h"
#include "core/triggerreplay.h"

#include <QTemporaryDir>
#include <QTest>

using namespace ed;

// moc's tokenizer trips over the raw-string JSON below; it only needs the class.
#ifndef Q_MOC_RUN
namespace {

constexpr qint64 origin = qint64(1793491200) * 1000000; // 2026-11-01T00:00:00Z

/// `NAME@T` or `NAME@T>R` (received at R), on resource RID, with related resources given as
/// `role=id[,label=value…]` separated by `;`, and `~N` to follow the N-th event.
struct Spec
{
    QString text;
};

Event makeEvent(int index, const QString &spec, const QList<Event> &earlier)
{
    // name@t[>received] rid [related;related] [~leader]
    const QStringList parts = spec.split(u' ', Qt::SkipEmptyParts);
    Event e;
    const QStringList nameTime = parts[0].split(u'@');
    e.event = nameTime[0];
    const QStringList times = nameTime[1].split(u'>');
    e.occurred = origin + qint64(times[0].toDouble() * 1e6);
    if (times.size() > 1)
        e.received = origin + qint64(times[1].toDouble() * 1e6);
    e.resource.set(QStringLiteral("prefect.resource.id"), parts.value(1, QStringLiteral("some.resource")));
    for (int i = 2; i < parts.size(); ++i) {
        if (parts[i] == u"~ghost") { // an event that never arrives
            e.follows = QStringLiteral("00000000-0000-4000-8000-00000000dead");
            continue;
        }
        if (parts[i].startsWith(u'~')) {
            e.follows = earlier[parts[i].mid(1).toInt()].id;
            continue;
        }
        for (const QString &rel : parts[i].split(u';', Qt::SkipEmptyParts)) {
            Resource r;
            const QStringList fields = rel.split(u',');
            const QStringList roleId = fields[0].split(u'=');
            r.set(QStringLiteral("prefect.resource.id"), roleId[1]);
            r.set(QStringLiteral("prefect.resource.role"), roleId[0]);
            for (int f = 1; f < fields.size(); ++f) {
                const QStringList kv = fields[f].split(u'=');
                r.set(kv[0], kv[1]);
            }
            e.related.append(r);
        }
    }
    e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(index, 12, 10, QLatin1Char('0'));
    return e;
}

QList<Event> makeEvents(const QStringList &specs)
{
    QList<Event> events;
    for (int i = 0; i < specs.size(); ++i)
        events.append(makeEvent(i, specs[i], events));
    return events;
}

/// `T` or `T [label=value,…] #i,#j` — occurred offset, bucket values, event indexes.
QString describe(const TriggerFiring &f, const QList<Event> &events)
{
    QString out = QString::number(double(f.occurred - origin) / 1e6);
    if (!f.bucket.isEmpty()) {
        QStringList labels;
        for (const auto &[label, value] : f.bucket)
            labels.append(label + u'=' + value);
        out += u" [" + labels.join(u',') + u']';
    }
    QStringList ids;
    for (const QString &id : f.events) {
        for (int i = 0; i < events.size(); ++i) {
            if (events[i].id == id)
                ids.append(u'#' + QString::number(i));
        }
    }
    out += u' ' + ids.join(u',');
    return out;
}

Trigger parsed(const char *json)
{
    QString error;
    const auto t = parseTrigger(QByteArray(json), &error);
    if (!t)
        qFatal("bad trigger in test: %s", qPrintable(error));
    return *t;
}

QStringList run(const Trigger &trigger, const QList<Event> &events, double horizon)
{
    // replay in receive order, as the cache replay sorts them
    QList<Event> ordered = events;
    std::stable_sort(ordered.begin(), ordered.end(), [](const Event &a, const Event &b) {
        return a.received.value_or(a.occurred) < b.received.value_or(b.occurred);
    });
    TriggerEvaluator evaluator(trigger);
    for (const Event &e : ordered)
        evaluator.add(e);
    evaluator.finish(origin + qint64(horizon * 1e6));
    QStringList out;
    for (const TriggerFiring &f : evaluator.firings())
        out.append(describe(f, events));
    return out;
}

const char *reactive(const char *rest)
{
    static QByteArray storage;
    storage = QByteArray(R"({"type":"event","posture":"Reactive",)") + rest + '}';
    return storage.constData();
}

} // namespace
#endif

class TestTriggerEvaluator final : public QObject
{
    Q_OBJECT

private slots:
    void matching();
    void findResourceLabel();
    void evaluation_data();
    void evaluation();
    void noticesForProactiveWithoutForEach();
    void replayFromCache();
};

#ifndef Q_MOC_RUN
void TestTriggerEvaluator::matching()
{
    using namespace triggermatch;
    // event_pattern: `*` is `.+`, anchored at the start only
    QVERIFY(eventPatternMatches(u"prefect.flow-run.*", u"prefect.flow-run.Failed"));
    QVERIFY(!eventPatternMatches(u"prefect.flow-run.*", u"prefect.flow-run."));
    QVERIFY(eventPatternMatches(u"prefect.flow-run.Failed", u"prefect.flow-run.FailedAgain"));
    QVERIFY(!eventPatternMatches(u"prefect.flow-run.Failed", u"xprefect.flow-run.Failed"));
    QVERIFY(eventPatternMatches(u"a*c*", u"abcd"));
    QVERIFY(!eventPatternMatches(u"a*c*", u"abc"));
    QVERIFY(!eventPatternMatches(u"a?c", u"abc")); // `?` is literal in the regex
    // matches(): fnmatchcase with `!` negation
    QVERIFY(labelMatches(u"prefect.flow-run.*", u"prefect.flow-run."));
    QVERIFY(labelMatches(u"!prefect.flow-run.*", u"prefect.task-run.x"));
    QVERIFY(!labelMatches(u"!prefect.flow-run.*", u"prefect.flow-run.x"));
    QVERIFY(!labelMatches(u"Prefect.*", u"prefect.x"));
}

void TestTriggerEvaluator::findResourceLabel()
{
    const QList<Event> events = makeEvents(
        {u"x@0 prefect.flow-run.1 tag=prefect.tag.a;flow=prefect.flow.f,prefect.resource.name=etl;flow=prefect.flow.g,prefect.resource.name=other"_qs,
         u"x@0 prefect.flow-run.2 flow=prefect.flow.h;flow=prefect.flow.i,prefect.resource.name=second"_qs});
    using triggermatch::findResourceLabel;
    QCOMPARE(findResourceLabel(events[0], u"prefect.resource.id"_qs), u"prefect.flow-run.1"_qs);
    QCOMPARE(findResourceLabel(events[0], u"related:flow:prefect.resource.name"_qs), u"etl"_qs);
    QCOMPARE(findResourceLabel(events[0], u"related:flow:prefect.resource.id"_qs), u"prefect.flow.f"_qs);
    // the first resource in the role decides, even without the label
    QCOMPARE(findResourceLabel(events[1], u"related:flow:prefect.resource.name"_qs), QString());
    // no resource in the role: the label is looked up on the primary resource, verbatim
    QCOMPARE(findResourceLabel(events[0], u"related:deployment:prefect.resource.id"_qs), QString());
}

void TestTriggerEvaluator::evaluation_data()
{
    QTest::addColumn<QByteArray>("trigger");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<double>("horizon");
    QTest::addColumn<QStringList>("firings");

    const QStringList walked5 = {u"animal.walked@0"_qs, u"animal.walked@1"_qs, u"animal.walked@2"_qs,
                                 u"animal.walked@3"_qs, u"animal.walked@4"_qs};
    QTest::addRow("within 0 fires on every event (test_rapid_fire_events)")
        << QByteArray(reactive(R"("expect":["animal.walked"],"threshold":1,"within":0)")) << walked5 << 10.0
        << QStringList{u"0 #0"_qs, u"1 #1"_qs, u"2 #2"_qs, u"3 #3"_qs, u"4 #4"_qs};
    QTest::addRow("only expected events count")
        << QByteArray(reactive(R"("expect":["animal.walked"],"threshold":1,"within":0)"))
        << QStringList{u"animal.snoozed@0"_qs, u"animal.walked@1"_qs} << 10.0 << QStringList{u"1 #1"_qs};
    QTest::addRow("threshold 3 within 10 tumbles (test_reactive_automation_triggers_as_soon_as_it_can)")
        << QByteArray(reactive(R"("expect":["animal.walked"],"threshold":3,"within":10)"))
        << QStringList{u"animal.walked@0"_qs, u"animal.walked@1"_qs, u"animal.walked@2"_qs, u"animal.walked@3"_qs,
                       u"animal.walked@4"_qs, u"animal.walked@24"_qs, u"animal.walked@25"_qs, u"animal.walked@26"_qs}
        << 30.0 << QStringList{u"2 #0,#1,#2"_qs, u"26 #5,#6,#7"_qs};
    QTest::addRow("threshold not met within the window")
        << QByteArray(reactive(R"("expect":["animal.walked"],"threshold":3,"within":10)"))
        << QStringList{u"animal.walked@0"_qs, u"animal.walked@1"_qs, u"animal.walked@21"_qs} << 30.0 << QStringList{};
    QTest::addRow("threshold 1 within 60 debounces: events up to the next window are dropped")
        << QByteArray(reactive(R"("expect":["x"],"threshold":1,"within":60)"))
        << QStringList{u"x@0"_qs, u"x@10"_qs, u"x@59"_qs, u"x@70"_qs, u"x@100"_qs, u"x@150"_qs} << 200.0
        << QStringList{u"0 #0"_qs, u"70 #3"_qs, u"150 #5"_qs};
    QTest::addRow("first window reaches 15 minutes back: a late event counts")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":60)"))
        << QStringList{u"x@1000>1000"_qs, u"x@300>1001"_qs} << 1100.0 << QStringList{u"300 #0,#1"_qs};
    QTest::addRow("an event older than the lookback is late")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":60)"))
        << QStringList{u"x@1000>1000"_qs, u"x@99>1001"_qs} << 1100.0 << QStringList{};
    QTest::addRow("after a firing, an event before the next window is late")
        << QByteArray(reactive(R"("expect":["x"],"threshold":1,"within":60)"))
        << QStringList{u"x@100>100"_qs, u"x@90>101"_qs, u"x@161>161"_qs} << 200.0
        << QStringList{u"100 #0"_qs, u"161 #2"_qs};
    QTest::addRow("received order, not occurred order")
        << QByteArray(reactive(R"("expect":["x"],"threshold":1,"within":30)"))
        << QStringList{u"x@0>100"_qs, u"x@50>60"_qs} << 200.0 << QStringList{u"50 #1"_qs};
    QTest::addRow("for_each buckets apart")
        << QByteArray(reactive(R"("expect":["x"],"for_each":["prefect.resource.id"],"threshold":2,"within":60)"))
        << QStringList{u"x@0 a"_qs, u"x@1 b"_qs, u"x@2 a"_qs, u"x@3 b"_qs}
        << 100.0 << QStringList{u"2 [prefect.resource.id=a] #0,#2"_qs, u"3 [prefect.resource.id=b] #1,#3"_qs};
    QTest::addRow("for_each related labels (test_reactive_automation_triggers_for_each_related_label)")
        << QByteArray(reactive(R"("expect":["animal.ingested"],"for_each":["related:meal:species","related:meal:genus"],"threshold":3,"within":600)"))
        << QStringList{u"animal.ingested@1 woodchonk meal=flower.1,genus=Hemerocallis,species=fulva"_qs,
                       u"animal.ingested@2 woodchonk meal=flower.1,genus=Hemerocallis,species=fulva"_qs,
                       u"animal.ingested@3 woodchonk meal=flower.2,genus=Dicentra,species=cucullaria"_qs,
                       u"animal.ingested@4 woodchonk meal=flower.1,genus=Hemerocallis,species=fulva"_qs,
                       u"animal.ingested@5 woodchonk meal=flower.2,genus=Dicentra,species=cucullaria"_qs,
                       u"animal.ingested@6 woodchonk meal=flower.2,genus=Dicentra,species=cucullaria"_qs}
        << 700.0
        << QStringList{u"4 [related:meal:genus=Hemerocallis,related:meal:species=fulva] #0,#1,#3"_qs,
                       u"6 [related:meal:genus=Dicentra,related:meal:species=cucullaria] #2,#4,#5"_qs};
    QTest::addRow("for_each related: the first resource in the role, \"\" when it lacks the label")
        << QByteArray(reactive(R"("expect":["x"],"for_each":["related:flow:prefect.resource.name"],"threshold":2,"within":60)"))
        << QStringList{u"x@0 r1 flow=prefect.flow.a"_qs, u"x@1 r2 tag=prefect.tag.t"_qs,
                       u"x@2 r3 flow=prefect.flow.b;flow=prefect.flow.c,prefect.resource.name=c"_qs}
        << 100.0 << QStringList{u"1 [related:flow:prefect.resource.name=] #0,#1"_qs};
    QTest::addRow("match and match_related narrow what counts")
        << QByteArray(reactive(R"("expect":["x"],"match":{"prefect.resource.id":"prefect.flow-run.*"},"match_related":[{"prefect.resource.role":"deployment","prefect.resource.id":"prefect.deployment.d1"}],"threshold":1,"within":0)"))
        << QStringList{u"x@0 prefect.flow-run.1 deployment=prefect.deployment.d1"_qs,
                       u"x@1 prefect.task-run.1 deployment=prefect.deployment.d1"_qs,
                       u"x@2 prefect.flow-run.2 deployment=prefect.deployment.d2"_qs,
                       u"x@3 prefect.flow-run.3"_qs}
        << 10.0 << QStringList{u"0 #0"_qs};
    QTest::addRow("after then expect: expects before the opener and after a firing are ignored; the opener is not counted")
        << QByteArray(reactive(R"("after":["prefect.flow-run.Pending"],"expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"threshold":1,"within":60)"))
        << QStringList{u"prefect.flow-run.Failed@0 f"_qs, u"prefect.flow-run.Pending@10 f"_qs,
                       u"prefect.flow-run.Failed@20 f"_qs, u"prefect.flow-run.Failed@30 f"_qs,
                       u"prefect.flow-run.Pending@100 f"_qs, u"prefect.flow-run.Failed@200 f"_qs}
        << 300.0 << QStringList{u"20 [prefect.resource.id=f] #2"_qs};
    QTest::addRow("same event in after and expect never reacts to the opener")
        << QByteArray(reactive(R"("after":["some-event"],"expect":["some-event"],"threshold":1,"within":60)"))
        << QStringList{u"some-event@1"_qs, u"some-event@2"_qs, u"some-event@3"_qs, u"some-event@4"_qs}
        << 100.0 << QStringList{u"2 #1"_qs, u"4 #3"_qs};
    QTest::addRow("within 0 with threshold 2 counts until the bucket is swept")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":0)"))
        << QStringList{u"x@0"_qs, u"x@30"_qs, u"x@100"_qs, u"x@200"_qs} << 300.0 << QStringList{u"30 #0,#1"_qs};
    QStringList reversed;
    for (int i = 0; i < 10; ++i)
        reversed.append(u"some-event@0.%1>%2"_qs.arg(i, 6, 10, QLatin1Char('0')).arg(20 - i));
    QTest::addRow("events received in reverse still fill the first window (test_rapid_fire_events_with_a_threshold)")
        << QByteArray(reactive(R"("expect":["some-event"],"threshold":10,"within":60)")) << reversed << 100.0
        << QStringList{u"0 #9,#8,#7,#6,#5,#4,#3,#2,#1,#0"_qs};
    QTest::addRow("an event long after the window opens a new one at itself (…arriving_in_the_future)")
        << QByteArray(reactive(R"("expect":["some-event"],"threshold":1,"within":10)"))
        << QStringList{u"some-event@0"_qs, u"some-event@999"_qs} << 2000.0 << QStringList{u"0 #0"_qs, u"999 #1"_qs};
    // Back-dated events posted in a burst: the server's periodic work (sweeps, proactive runs)
    // happens on 5-second wall-clock ticks, on the events clock set by the events before.
    QTest::addRow("an expired bucket not yet swept tumbles to the new event; the older one is late")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":60)"))
        << QStringList{u"x@0>1000"_qs, u"x@600>1001"_qs, u"x@590>1002"_qs} << 700.0 << QStringList{};
    QTest::addRow("within 0 counts on while no sweep ran")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":0)"))
        << QStringList{u"x@0>1000"_qs, u"x@600>1001"_qs} << 700.0 << QStringList{u"600 #0,#1"_qs};
    QTest::addRow("a proactive window past its end fires on the next matching event")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["a"],"expect":["x"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})")
        << QStringList{u"a@0>1000"_qs, u"x@300>1001"_qs} << 400.0
        << QStringList{u"60 [prefect.resource.id=some.resource] #0,#1"_qs};
    QTest::addRow("after then expect with within 0 counts whenever the opener's bucket stands")
        << QByteArray(reactive(R"("after":["a"],"expect":["x"],"threshold":1,"within":0)"))
        << QStringList{u"a@0>1000"_qs, u"x@300>1001"_qs} << 400.0 << QStringList{u"300 #1"_qs};
    QTest::addRow("events no trigger covers move the clock: the sweep drops the old bucket")
        << QByteArray(reactive(R"("expect":["x"],"threshold":2,"within":60)"))
        << QStringList{u"x@0>1000"_qs, u"u@600>1001"_qs, u"x@30>1010"_qs} << 700.0 << QStringList{};
    QTest::addRow("a clock jump from an uncovered event lets the proactive window fire at the next tick")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["a"],"expect":["x"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})")
        << QStringList{u"a@0>1000"_qs, u"u@300>1001"_qs, u"x@30>1010"_qs} << 300.0
        << QStringList{u"60 [prefect.resource.id=some.resource] #0"_qs};
    QTest::addRow("a satisfied proactive bucket is removed at the next tick, so the next opener re-arms")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["a"],"expect":["x"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})")
        << QStringList{u"a@0>1000"_qs, u"x@10>1001"_qs, u"a@20>1010"_qs, u"z@200>1200"_qs} << 200.0
        << QStringList{u"80 [prefect.resource.id=some.resource] #2"_qs};
    QTest::addRow("a follower whose leader is not in the cache is held for 15 minutes")
        << QByteArray(reactive(R"("expect":["x"],"threshold":1,"within":60)"))
        << QStringList{u"x@0>1000 some.resource ~ghost"_qs, u"x@10>1001"_qs} << 3600.0
        << QStringList{u"10 #1"_qs, u"0 #0"_qs};
    QTest::addRow("a huge within neither wraps nor recurses")
        << QByteArray(reactive(R"("expect":["x"],"threshold":1,"within":1e13)"))
        << QStringList{u"x@0"_qs, u"x@10"_qs, u"x@20"_qs} << 100.0 << QStringList{u"0 #0"_qs};
    QTest::addRow("prefect.log.write is never evaluated")
        << QByteArray(reactive(R"("expect":["prefect.log.write"],"threshold":1,"within":0)"))
        << QStringList{u"prefect.log.write@0"_qs} << 10.0 << QStringList{};
    QTest::addRow("a follower waits for its leader")
        << QByteArray(reactive(R"("after":["lead"],"expect":["follow"],"threshold":1,"within":60)"))
        << QStringList{u"lead@10>20"_qs, u"follow@11>15 some.resource ~0"_qs} << 100.0 << QStringList{u"11 #1"_qs};
    QTest::addRow("a follower whose leader never comes is evaluated 15 minutes later")
        << QByteArray(reactive(R"("expect":["follow"],"threshold":1,"within":0)"))
        << QStringList{u"lead@10>2000"_qs, u"follow@11>15 some.resource ~0"_qs} << 3000.0 << QStringList{u"11 #1"_qs};

    // proactive
    QTest::addRow("proactive after/expect fires when the expect does not come (work queue unhealthy)")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["prefect.work-queue.unhealthy"],"expect":["prefect.work-queue.healthy"],"for_each":["prefect.resource.id"],"threshold":1,"within":7140})")
        << QStringList{u"prefect.work-queue.unhealthy@0 q1"_qs, u"prefect.work-queue.unhealthy@10 q2"_qs,
                       u"prefect.work-queue.healthy@1200 q2"_qs, u"other@9000"_qs}
        << 9000.0 << QStringList{u"7140 [prefect.resource.id=q1] #0"_qs};
    QTest::addRow("proactive window still open at the horizon does not fire")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["a"],"expect":["b"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})")
        << QStringList{u"a@0"_qs} << 59.0 << QStringList{};
    QTest::addRow("zombie flow: heartbeats restart the window (test_zombie_flow_detection)")
        << QByteArray(R"({"type":"event","posture":"Proactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"after":["prefect.flow-run.heartbeat"],"expect":["prefect.flow-run.*"],"for_each":["prefect.resource.id"],"threshold":1,"within":90})")
        << QStringList{u"prefect.flow-run.heartbeat@0 prefect.flow-run.z"_qs, u"prefect.flow-run.heartbeat@30 prefect.flow-run.z"_qs,
                       u"prefect.flow-run.heartbeat@0 prefect.flow-run.ok"_qs, u"prefect.flow-run.Completed@20 prefect.flow-run.ok"_qs}
        << 300.0 << QStringList{u"120 [prefect.resource.id=prefect.flow-run.z] #1"_qs};
    QTest::addRow("same event in after and expect, threshold 2: fires when a window sees one")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["some-event"],"expect":["some-event"],"for_each":["prefect.resource.id"],"threshold":2,"within":10})")
        << QStringList{u"some-event@1"_qs, u"some-event@3"_qs} << 30.0 << QStringList{u"11 [prefect.resource.id=some.resource] #0,#1"_qs};
    QTest::addRow("same event in after and expect, threshold 2: three in the window do not fire")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["some-event"],"expect":["some-event"],"for_each":["prefect.resource.id"],"threshold":2,"within":10})")
        << QStringList{u"some-event@1"_qs, u"some-event@2"_qs, u"some-event@3"_qs} << 12.0 << QStringList{};
    QTest::addRow("same event in after and expect: the beat that satisfies a window starts the next")
        << QByteArray(R"({"type":"event","posture":"Proactive","after":["some-event"],"expect":["some-event"],"for_each":["prefect.resource.id"],"threshold":2,"within":10})")
        << QStringList{u"some-event@1"_qs, u"some-event@2"_qs, u"some-event@3"_qs} << 30.0
        << QStringList{u"13 [prefect.resource.id=some.resource] #2"_qs};
    QTest::addRow("proactive without for_each re-arms its own window")
        << QByteArray(R"({"type":"event","posture":"Proactive","expect":["x"],"threshold":1,"within":60})")
        << QStringList{u"x@0"_qs, u"x@200"_qs} << 330.0 << QStringList{u"125 "_qs, u"185 "_qs};

    // compound and sequence
    const char *twoChildren = R"({"type":"%1",%2"triggers":[
        {"type":"event","posture":"Reactive","expect":["a"],"threshold":1,"within":0},
        {"type":"event","posture":"Reactive","expect":["b"],"threshold":1,"within":0}],"within":%3})";
    auto composite = [&](const char *type, const char *require, const char *within) {
        return QString::fromLatin1(twoChildren).arg(QLatin1String(type), QLatin1String(require), QLatin1String(within)).toUtf8();
    };
    QTest::addRow("compound all within 60 on child firing times")
        << composite("compound", R"("require":"all",)", "60")
        << QStringList{u"a@0"_qs, u"b@30"_qs, u"a@100"_qs, u"b@200"_qs, u"a@220"_qs} << 300.0
        << QStringList{u"30 #0,#1"_qs, u"220 #3,#4"_qs};
    QTest::addRow("compound any fires on every child firing")
        << composite("compound", R"("require":"any",)", "null")
        << QStringList{u"a@0"_qs, u"b@30"_qs, u"b@40"_qs} << 100.0 << QStringList{u"0 #0"_qs, u"30 #1"_qs, u"40 #2"_qs};
    QTest::addRow("compound all: each child keeps its latest firing")
        << composite("compound", R"("require":"all",)", "null")
        << QStringList{u"a@0"_qs, u"a@10"_qs, u"b@20"_qs} << 100.0 << QStringList{u"20 #1,#2"_qs};
    QTest::addRow("compound within uses receive times")
        << composite("compound", R"("require":2,)", "60")
        << QStringList{u"a@0>0"_qs, u"b@10>100"_qs} << 200.0 << QStringList{};
    QTest::addRow("sequence in order fires")
        << composite("sequence", "", "60") << QStringList{u"a@0"_qs, u"b@30"_qs} << 100.0 << QStringList{u"30 #0,#1"_qs};
    QTest::addRow("sequence out of order waits for the order")
        << composite("sequence", "", "null")
        << QStringList{u"b@0"_qs, u"a@10"_qs, u"b@20"_qs} << 100.0 << QStringList{u"20 #1,#2"_qs};
    QTest::addRow("sequence too slow drops the older firing")
        << composite("sequence", "", "60") << QStringList{u"a@0"_qs, u"b@61"_qs} << 100.0 << QStringList{};
    QTest::addRow("compound 2 of 3 with a proactive child")
        << QByteArray(R"({"type":"compound","require":2,"within":null,"triggers":[
            {"type":"event","posture":"Reactive","expect":["a"],"threshold":1,"within":0},
            {"type":"event","posture":"Reactive","expect":["b"],"threshold":1,"within":0},
            {"type":"event","posture":"Proactive","after":["c"],"expect":["d"],"for_each":["prefect.resource.id"],"threshold":1,"within":30}]})")
        << QStringList{u"c@0"_qs, u"a@10"_qs, u"x@100"_qs} << 100.0 << QStringList{u"30 #1,#0"_qs};
}

void TestTriggerEvaluator::evaluation()
{
    QFETCH(QByteArray, trigger);
    QFETCH(QStringList, events);
    QFETCH(double, horizon);
    QFETCH(QStringList, firings);
    QString error;
    const auto t = parseTrigger(trigger, &error);
    QVERIFY2(t, qPrintable(error));
    QCOMPARE(run(*t, makeEvents(events), horizon), firings);
}

void TestTriggerEvaluator::noticesForProactiveWithoutForEach()
{
    TriggerEvaluator global(parsed(R"({"type":"event","posture":"Proactive","expect":["x"],"threshold":1,"within":60})"));
    QCOMPARE(global.notices().size(), 1);
    QVERIFY(global.notices().constFirst().contains(u"approximate"_qs, Qt::CaseInsensitive));
    TriggerEvaluator perResource(parsed(R"({"type":"event","posture":"Proactive","expect":["x"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})"));
    QVERIFY(perResource.notices().isEmpty());
}

void TestTriggerEvaluator::replayFromCache()
{
    // The real path: a SQLite cache, events stored out of receive order, a filter, the horizon.
    QTemporaryDir dir;
    EventStore store;
    QVERIFY(store.open(dir.filePath(u"cache.sqlite"_qs)));
    const QList<Event> events = makeEvents({u"x@0>100 r1"_qs, u"x@50>60 r1"_qs, u"x@70>70 r2"_qs,
                                            u"y@80 r1"_qs, u"a@90 q"_qs, u"z@400 other"_qs});
    QCOMPARE(store.ingest(events, u"test"_qs).stored, qint64(events.size()));

    const Trigger t = parsed(reactive(R"("expect":["x"],"for_each":["prefect.resource.id"],"threshold":1,"within":30)"));
    QString error;
    auto replay = replayTrigger(store, t, EventFilter{}, std::nullopt, &error);
    QVERIFY2(replay, qPrintable(error));
    QCOMPARE(replay->eventsRead, qint64(6));
    QCOMPARE(replay->eventsReplayed, qint64(3));
    QCOMPARE(replay->leafMatches, QList<qint64>{3});
    QCOMPARE(replay->firings.size(), 2);
    QCOMPARE(firingJson(replay->firings[0]),
             QByteArray(R"({"occurred":")") + timeutil::format(origin + 50 * 1000000)
                 + R"(","bucket":{"prefect.resource.id":"r1"},"events":[")" + events[1].id.toLatin1() + R"("]})");
    QCOMPARE(replay->firings[1].events, QStringList{events[2].id});

    // a filter selects what is replayed
    EventFilter onlyR2;
    ResourceFilter resource;
    resource.id = QStringList{u"r2"_qs};
    onlyR2.resource = resource;
    replay = replayTrigger(store, t, onlyR2, std::nullopt, &error);
    QVERIFY2(replay, qPrintable(error));
    QCOMPARE(replay->firings.size(), 1);

    // proactive: the newest cached event (z@400) is the default horizon; --as-of moves it
    const Trigger proactive = parsed(R"({"type":"event","posture":"Proactive","after":["a"],"expect":["b"],"for_each":["prefect.resource.id"],"threshold":1,"within":600})");
    replay = replayTrigger(store, proactive, EventFilter{}, std::nullopt, &error);
    QVERIFY2(replay, qPrintable(error));
    QCOMPARE(replay->horizon, origin + 400 * 1000000);
    QVERIFY(replay->firings.isEmpty());
    replay = replayTrigger(store, proactive, EventFilter{}, origin + 690 * qint64(1000000), &error);
    QVERIFY2(replay, qPrintable(error));
    QCOMPARE(replay->firings.size(), 1);
    QCOMPARE(replay->firings[0].occurred, origin + 690 * qint64(1000000));
    QCOMPARE(replay->firings[0].events, QStringList{events[4].id});

    // Causal ordering through the cache: `follow` arrived before the event it follows, which no
    // trigger covers; the server holds it until `lead` comes, so x@5 (received in between)
    // fires first and `follow` is then late for the debounced window.
    QTemporaryDir dir2;
    EventStore causal;
    QVERIFY(causal.open(dir2.filePath(u"causal.sqlite"_qs)));
    const QList<Event> chain = makeEvents({u"lead@10>20 c"_qs, u"follow@11>15 c ~0"_qs, u"x@5>16 c"_qs});
    QCOMPARE(causal.ingest(chain, u"test"_qs).stored, qint64(3));
    const Trigger debounced = parsed(reactive(R"("expect":["x","follow"],"threshold":1,"within":30)"));
    replay = replayTrigger(causal, debounced, EventFilter{}, std::nullopt, &error);
    QVERIFY2(replay, qPrintable(error));
    QCOMPARE(replay->firings.size(), 1);
    QCOMPARE(replay->firings[0].events, QStringList{chain[2].id});
}

#endif

QTEST_GUILESS_MAIN(TestTriggerEvaluator)
#include "tst_triggerevaluator.moc"
