#include "core/json.h"
#include "core/trigger.h"

#include <QFile>
#include <QTest>

using namespace ed;

namespace {

QByteArray readTranscript(const char *name)
{
    QFile f(QStringLiteral(EVENTDECK_FIXTURES "/prefect-transcripts/") + QLatin1StringView(name));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

/// The text of the value at `path` (object keys, or array indexes as digits) in `doc`.
QByteArray slice(const QByteArray &doc, const QStringList &path)
{
    json::Value root;
    if (!json::parse(doc, root))
        return {};
    const json::Value *v = &root;
    for (const QString &step : path) {
        if (v->isArray()) {
            const auto i = size_t(step.toUInt());
            if (i >= v->items.size())
                return {};
            v = &v->items[i];
        } else {
            v = v->find(step);
            if (!v)
                return {};
        }
    }
    return doc.mid(v->begin, v->end - v->begin);
}

QByteArray normalised(QByteArrayView json)
{
    const auto t = parseTrigger(json);
    return t ? serializeTrigger(*t) : QByteArray();
}

const char *const kCompound = R"({"type":"compound","require":2,"within":3600,"triggers":[
  {"type":"event","posture":"Reactive","expect":["prefect.flow-run.Failed"],"threshold":3,
   "within":600,"for_each":["prefect.resource.id"],"match":{"prefect.resource.id":"prefect.flow-run.*"}},
  {"type":"event","posture":"Proactive","after":["prefect.flow-run.Running"],
   "expect":["prefect.flow-run.Completed"],"within":3600,"for_each":["prefect.resource.id"]},
  {"type":"sequence","within":null,"triggers":[
    {"type":"event","posture":"Reactive","expect":["a.b"],"future":{"x":[1, 2.50]}}]}]})";

} // namespace

class TstTrigger final : public QObject
{
    Q_OBJECT

private slots:
    void transcriptTriggers_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<bool>("serverOrder"); // written exactly as the server returned it
        QTest::addRow("30 request") << QByteArray("30_post_automation.json")
                                    << QStringList{u"request"_qs, u"json"_qs, u"trigger"_qs} << false;
        QTest::addRow("30 response") << QByteArray("30_post_automation.json")
                                     << QStringList{u"response"_qs, u"json"_qs, u"trigger"_qs} << true;
        QTest::addRow("31 response") << QByteArray("31_get_automation.json")
                                     << QStringList{u"response"_qs, u"json"_qs, u"trigger"_qs} << true;
        QTest::addRow("32 response") << QByteArray("32_automations_filter.json")
                                     << QStringList{u"response"_qs, u"json"_qs, u"0"_qs,
                                                    u"trigger"_qs}
                                     << true;
    }

    void transcriptTriggers()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, path);
        QFETCH(bool, serverOrder);
        const QByteArray text = slice(readTranscript(file.constData()), path);
        QVERIFY(!text.isEmpty());
        QString error;
        const auto t = parseTrigger(text, &error);
        QVERIFY2(t, qPrintable(error));
        const QByteArray once = serializeTrigger(*t);
        QCOMPARE(normalised(once), once);
        if (serverOrder)
            QCOMPARE(once, json::minify(text));
        // The id is kept; the request had none.
        QCOMPARE(t->id.isEmpty(), !serverOrder);
    }

    void transcriptAutomations_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("path");
        QTest::addRow("30 request") << QByteArray("30_post_automation.json")
                                    << QStringList{u"request"_qs, u"json"_qs};
        QTest::addRow("31 response") << QByteArray("31_get_automation.json")
                                     << QStringList{u"response"_qs, u"json"_qs};
        QTest::addRow("32 response") << QByteArray("32_automations_filter.json")
                                     << QStringList{u"response"_qs, u"json"_qs, u"0"_qs};
    }

    void transcriptAutomations()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, path);
        const QByteArray text = slice(readTranscript(file.constData()), path);
        QString error;
        auto a = parseAutomation(text, &error);
        QVERIFY2(a, qPrintable(error));
        const QByteArray once = serializeAutomation(*a);
        // Every member of the automation survives, in its place, byte for byte.
        QCOMPARE(once, json::minify(text));
        // Editing the trigger changes only the trigger.
        a->trigger.event()->threshold = 4;
        const QByteArray edited = serializeAutomation(*a);
        QVERIFY(edited.contains("\"threshold\":4"));
        QCOMPARE(edited.size(), once.size());
        // A whole automation body also reads as its trigger.
        QVERIFY(parseTrigger(text));
    }

    void compoundRoundTrip()
    {
        QString error;
        const auto t = parseTrigger(kCompound, &error);
        QVERIFY2(t, qPrintable(error));
        const QByteArray once = serializeTrigger(*t);
        QCOMPARE(normalised(once), once);
        QCOMPARE(*parseTrigger(once), *t);
        // Prefect's key order for composite triggers: type, id, triggers, within, require.
        QVERIFY(once.startsWith("{\"type\":\"compound\",\"triggers\":["));
        QVERIFY(once.endsWith("],\"within\":3600,\"require\":2}"));
        QVERIFY(once.contains("\"within\":null}"));
        QVERIFY(once.contains("\"future\":{\"x\":[1,2.50]}"));
        // Defaults are written for fields the input left out.
        QVERIFY(once.contains("\"match\":{},\"match_related\":{},\"after\":[],\"expect\":[\"a.b\"]"));
    }

    void unknownFieldsSurviveEdits()
    {
        const QByteArray in = R"({"type":"event","posture":"Reactive","zeta":[1,{"k":null}],
            "id":"BE9329CB-7DD0-4296-B4DF-199838A44F43","expect":["x","x","y"],
            "match_related":[{"a":["1"]},{}],"alpha":"kept","within":5.5,"zeta":true})";
        QString error;
        auto t = parseTrigger(in, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->unknown.size(), 2);
        t->event()->threshold = 7;
        t->event()->within.value = 60;
        const QByteArray out = serializeTrigger(*t);
        QCOMPARE(out,
                 QByteArray(R"({"type":"event","id":"BE9329CB-7DD0-4296-B4DF-199838A44F43",)"
                            R"("match":{},"match_related":[{"a":["1"]},{}],"after":[],)"
                            R"("expect":["x","y"],"for_each":[],"posture":"Reactive",)"
                            R"("threshold":7,"within":60,"zeta":true,"alpha":"kept"})"));
        QCOMPARE(normalised(out), out);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const auto row = [](const char *name, const char *json, const char *error) {
            QTest::addRow("%s", name) << QByteArray(json) << QString::fromUtf8(error);
        };
        row("posture missing", R"({"type":"event"})", "trigger.posture: Field required");
        row("posture metric", R"({"type":"event","posture":"Metric"})",
            "trigger.posture: Input should be 'Reactive' or 'Proactive'");
        row("posture not string", R"({"type":"event","posture":1})",
            "trigger.posture: Input should be 'Reactive' or 'Proactive'");
        row("proactive within 5", R"({"posture":"Proactive","within":5})",
            "trigger.within: `within` for Proactive triggers must be greater than or equal to 10 seconds");
        row("proactive within negative", R"({"posture":"Proactive","within":-1})",
            "trigger.within: `within` for Proactive triggers must be greater than or equal to 10 seconds");
        row("within negative", R"({"posture":"Reactive","within":-1})",
            "trigger.within: Input should be greater than or equal to 0 seconds");
        row("within null", R"({"posture":"Reactive","within":null})",
            "trigger.within: `within` should be a valid timedelta");
        row("within string", R"({"posture":"Reactive","within":"10"})",
            "trigger.within: Input should be a valid timedelta (a number of seconds), got a string");
        row("threshold fraction", R"({"posture":"Reactive","threshold":1.5})",
            "trigger.threshold: Input should be a valid integer");
        row("threshold string", R"({"posture":"Reactive","threshold":"2"})",
            "trigger.threshold: Input should be a valid integer");
        row("expect string", R"({"posture":"Reactive","expect":"a"})",
            "trigger.expect: Input should be a valid list of strings, got a string");
        row("after item", R"({"posture":"Reactive","after":["a",2]})",
            "trigger.after[1]: Input should be a valid string");
        row("for_each null", R"({"posture":"Reactive","for_each":null})",
            "trigger.for_each: Input should be a valid list of strings, got null");
        row("match list", R"({"posture":"Reactive","match":[]})",
            "trigger.match: Input should be an object of label patterns, got an array");
        row("match value", R"({"posture":"Reactive","match":{"a":1}})",
            "trigger.match.a: Input should be a string or a list of strings");
        row("match_related item", R"({"posture":"Reactive","match_related":[{},{"r":[true]}]})",
            "trigger.match_related[1].r[0]: Input should be a valid string");
        row("id", R"({"posture":"Reactive","id":"nope"})", "trigger.id: Input should be a valid UUID");
        row("type unknown", R"({"type":"metric"})",
            "trigger.type: unknown trigger type 'metric': expected 'event', 'compound' or "
            "'sequence' (metric triggers exist only in Prefect Cloud)");
        row("type number", R"({"type":3})", "trigger.type: Input should be a valid string");
        row("not object", "[]", "trigger: Input should be an object, got an array");
        row("compound require missing", R"({"type":"compound","triggers":[],"within":null})",
            "trigger.require: Field required");
        row("compound require word", R"({"type":"compound","triggers":[],"within":null,"require":"most"})",
            "trigger.require: Input should be 'any', 'all' or an integer");
        row("compound require 0",
            R"({"type":"compound","triggers":[{"posture":"Reactive"}],"within":null,"require":0})",
            "trigger.require: require must be at least 1");
        row("compound require 2 of 1",
            R"({"type":"compound","triggers":[{"posture":"Reactive"}],"within":null,"require":2})",
            "trigger.require: require must be less than or equal to the number of triggers");
        row("compound within missing", R"({"type":"compound","triggers":[],"require":"any"})",
            "trigger.within: Field required (null means no time limit)");
        row("sequence triggers missing", R"({"type":"sequence","within":null})",
            "trigger.triggers: Field required");
        row("sequence triggers object", R"({"type":"sequence","within":null,"triggers":{}})",
            "trigger.triggers: Input should be a valid list, got an object");
        row("child within", R"({"type":"sequence","within":60,"triggers":[{"posture":"Reactive"},
            {"type":"compound","require":"all","within":null,"triggers":[
            {"posture":"Proactive","within":3}]}]})",
            "trigger.triggers[1].triggers[0].within: `within` for Proactive triggers must be greater "
            "than or equal to 10 seconds");
        row("child type", R"({"type":"sequence","within":60,"triggers":[{"posture":"Reactive"},
            {"type":"nope"}]})",
            "trigger.triggers[1].type: unknown trigger type 'nope': expected 'event', 'compound' or "
            "'sequence'");
    }

    void serverBoundsOnly()
    {
        // The server puts no bound on `threshold` or on a composite's `within`.
        QString error;
        QVERIFY2(parseTrigger(QByteArray(R"({"type":"event","posture":"Reactive","threshold":0})"), &error), qPrintable(error));
        QVERIFY2(parseTrigger(QByteArray(R"({"type":"event","posture":"Proactive","threshold":-1,"within":60})"), &error), qPrintable(error));
        QVERIFY2(parseTrigger(QByteArray(R"({"type":"sequence","within":-3,"triggers":[]})"), &error), qPrintable(error));
    }

    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString actual;
        QVERIFY(!parseTrigger(json, &actual));
        QCOMPARE(actual, error);
    }

    void automationErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::addRow("no name") << QByteArray(R"({"trigger":{"posture":"Reactive"},"actions":[]})")
                                 << u"name: Field required"_qs;
        QTest::addRow("no actions") << QByteArray(R"({"name":"a","trigger":{"posture":"Reactive"}})")
                                    << u"actions: Field required"_qs;
        QTest::addRow("no trigger") << QByteArray(R"({"name":"a","actions":[]})")
                                    << u"trigger: Field required"_qs;
        QTest::addRow("enabled") << QByteArray(R"({"name":"a","enabled":1,"actions":[],"trigger":{}})")
                                 << u"enabled: Input should be a boolean, got a number"_qs;
        QTest::addRow("tags") << QByteArray(R"({"name":"a","tags":[1],"actions":[],"trigger":{}})")
                              << u"tags[0]: Input should be a valid string"_qs;
        QTest::addRow("trigger") << QByteArray(R"({"name":"a","actions":[],"trigger":{}})")
                                 << u"trigger.posture: Field required"_qs;
    }

    void automationErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString actual;
        QVERIFY(!parseAutomation(json, &actual));
        QCOMPARE(actual, error);
    }

    void proactiveZeroWithin()
    {
        // The server turns a Proactive `within` of 0 into 10 s; we keep what was written.
        const auto t = parseTrigger(R"({"posture":"Proactive","within":0})");
        QVERIFY(t);
        QCOMPARE(t->event()->effectiveWithin(), 10.0);
        QVERIFY(serializeTrigger(*t).contains("\"within\":0"));
    }

    void summaries_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("summary");
        const auto row = [](const char *name, const char *json, const char *summary) {
            QTest::addRow("%s", name) << QByteArray(json) << QString::fromUtf8(summary);
        };
        row("reactive for_each", R"({"posture":"Reactive","threshold":3,"within":600,
            "expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],
            "match":{"prefect.resource.id":"prefect.flow-run.*"}})",
            "When 3 prefect.flow-run.Failed events happen for the same flow run within 10 minutes");
        row("proactive after", R"({"posture":"Proactive","within":3600,
            "after":["prefect.flow-run.Running"],"expect":["prefect.flow-run.Completed"]})",
            "When no prefect.flow-run.Completed event happens within 1 hour after "
            "prefect.flow-run.Running");
        row("single", R"({"posture":"Reactive","expect":["prefect.flow-run.Failed"]})",
            "When a prefect.flow-run.Failed event happens");
        row("any event", R"({"posture":"Reactive"})", "When an event happens");
        row("kind from expect", R"({"posture":"Reactive","expect":["prefect.task-run.Failed",
            "prefect.task-run.Crashed"],"for_each":["prefect.resource.id"],"within":90})",
            "When a prefect.task-run.Failed or prefect.task-run.Crashed event happens for the same "
            "task run within 1 minute 30 seconds");
        row("exact resource", R"({"posture":"Reactive","expect":["desktop.test.trigger"],
            "match":{"prefect.resource.id":"desktop-client.test.1ede16c0"},
            "for_each":["prefect.resource.id"]})",
            "When a desktop.test.trigger event happens on desktop-client.test.1ede16c0 for the same "
            "resource");
        row("labels and related", R"({"posture":"Reactive","threshold":2,"within":86400,
            "match":{"prefect.resource.id":"prefect.flow-run.*","env":["prod","stage"]},
            "match_related":{"prefect.resource.id":"prefect.deployment.abc"},
            "for_each":["related:flow:prefect.resource.id","related:work-pool:name"]})",
            "When 2 events happen on resources with env = prod or stage related to "
            "prefect.deployment.abc for the same related flow and each name of the related work pool "
            "within 1 day");
        row("proactive default within", R"({"posture":"Proactive","threshold":2,
            "expect":["hb"],"for_each":["host"]})",
            "When fewer than 2 hb events happen for each host within 10 seconds");
        row("compound any", R"({"type":"compound","require":"any","within":null,"triggers":[
            {"posture":"Reactive","expect":["a.b"]},{"posture":"Reactive","expect":["c.d"]}]})",
            "When any of: an a.b event happens; a c.d event happens");
        row("compound 2", R"({"type":"compound","require":2,"within":300,"triggers":[
            {"posture":"Reactive","expect":["a.b"]},{"posture":"Reactive","expect":["c.d"]},
            {"posture":"Reactive","expect":["e.f"]}]})",
            "When 2 of: an a.b event happens; a c.d event happens; an e.f event happens, within 5 "
            "minutes");
        row("sequence nested", R"({"type":"sequence","within":7200,"triggers":[
            {"posture":"Reactive","expect":["a.b"]},
            {"type":"compound","require":"all","within":null,"triggers":[
              {"posture":"Reactive","expect":["c.d"]}]}]})",
            "When all of: an a.b event happens; (all of: a c.d event happens), in order, within 2 "
            "hours");
    }

    void summaries()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, summary);
        QString error;
        const auto t = parseTrigger(json, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(summarize(*t), summary);
    }

    void durations()
    {
        QCOMPARE(describeDuration(0), u"0 seconds"_qs);
        QCOMPARE(describeDuration(1), u"1 second"_qs);
        QCOMPARE(describeDuration(5400), u"1 hour 30 minutes"_qs);
        QCOMPARE(describeDuration(1.5), u"1.5 seconds"_qs);
        QCOMPARE(describeDuration(172800), u"2 days"_qs);
    }
};

QTEST_GUILESS_MAIN(TstTrigger)
#include "tst_trigger.moc"
