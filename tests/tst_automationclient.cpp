// AutomationClient against the Prefect test server on 127.0.0.1: create (the body sent as
// given), list, get, disable, enable, delete; the server's errors shown verbatim (422, 404, 401,
// 500) and never a secret; automations whose trigger we cannot read; the real server's answers
// from the transcripts, and the test server's answers compared with them key for key.

#include "core/automationaction.h"
#include "core/automationclient.h"
#include "core/event.h"
#include "core/json.h"
#include "tests/automationtestsupport.h"
#include "tests/testserver/prefecttestserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace ed;
using namespace ed::testsupport;
using namespace Qt::StringLiterals;
using ed::testing::PrefectTestServer;

namespace {

QStringList keys(const QByteArray &object)
{
    json::Value v;
    if (!json::parse(object, v) || !v.isObject())
        return {};
    return QStringList(v.keys.cbegin(), v.keys.cend());
}

} // namespace

class TestAutomationClient final : public QObject
{
    Q_OBJECT

private slots:
    void createListToggleDelete();
    void sortsAndPages();
    void errorsAreShownVerbatim_data();
    void errorsAreShownVerbatim();
    void wrongCredentialsNeverLeakTheSecret();
    void unreadableTriggerKeepsTheAutomation();
    void parsesTheRealServersAnswers();
    void testServerAnswersLikePrefect();
};

void TestAutomationClient::createListToggleDelete()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    QSignalSpy busy(&client, &AutomationClient::busyChanged);

    const QByteArray body =
        automationBody(u"Notify on failures"_s, u"pages the team"_s, true, trigger(kReactive),
                       {AutomationAction::sendNotification(kBlock, u"{{ event.event }}"_s),
                        AutomationAction::doNothing()});
    AutomationResult r = wait(client.create(body));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(server.automationBodies, QList<QByteArray>{body});
    QCOMPARE(busy.size(), 2);
    QCOMPARE(busy.at(0).first().toBool(), true);
    QCOMPARE(busy.at(1).first().toBool(), false);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.automations.size(), 1);
    const AutomationInfo created = r.automations.first();
    QVERIFY(!canonicalUuid(created.id).isEmpty());
    QCOMPARE(r.id, created.id);
    QCOMPARE(created.name, u"Notify on failures"_s);
    QCOMPARE(created.description, u"pages the team"_s);
    QVERIFY(created.enabled);
    QVERIFY(created.tags.isEmpty());
    QVERIFY2(created.triggerParsed(), qPrintable(created.triggerError));
    QVERIFY(!created.trigger.id.isEmpty()); // the server assigns the trigger's id
    QVERIFY(created.triggerJson.endsWith(R"("threshold":1,"within":0.0})"));
    QCOMPARE(created.trigger.event()->expect, QStringList{u"x.happened"_s});
    QCOMPARE(created.actionTypes(), (QStringList{u"send-notification"_s, u"do-nothing"_s}));
    QCOMPARE(created.triggerSummary(), summarize(created.trigger));
    QVERIFY(created.created.endsWith(u'Z'));
    QCOMPARE(member(created.json, {u"id"_s}), '"' + created.id.toUtf8() + '"');

    r = wait(client.list());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.automations.size(), 1);
    QCOMPARE(r.automations.first().json, created.json);
    QCOMPARE(server.requests.last(), u"POST /api/automations/filter"_s);

    r = wait(client.get(created.id.toUpper())); // any UUID spelling; sent canonical
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.automations.first().json, created.json);

    r = wait(client.count());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.count, 1);

    r = wait(client.setEnabled(created.id, false));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.status, 204);
    QCOMPARE(server.requests.last(), u"PATCH /api/automations/"_s + created.id);
    r = wait(client.list());
    QVERIFY(!r.automations.first().enabled);
    QVERIFY(r.automations.first().updated > created.updated);

    r = wait(client.setEnabled(created.id, true));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(wait(client.get(created.id)).automations.first().enabled);

    r = wait(client.remove(created.id));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.status, 204);
    QCOMPARE(server.automations.size(), 0);
    r = wait(client.list());
    QVERIFY(r.ok());
    QVERIFY(r.automations.isEmpty());

    r = wait(client.remove(created.id));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.error, u"HTTP 404: Automation not found"_s);
    r = wait(client.get(created.id));
    QCOMPARE(r.error, u"HTTP 404: Automation not found"_s);
    r = wait(client.setEnabled(created.id, false));
    QCOMPARE(r.error, u"HTTP 404: Automation not found"_s);

    // Not an id at all: refused here, and still never synchronously.
    AutomationReply *bad = client.remove(u"../events"_s);
    QVERIFY(!bad->isFinished());
    r = wait(bad);
    QCOMPARE(r.status, 0);
    QCOMPARE(r.error, u"not an automation id: ../events"_s);
    QCOMPARE(client.pending(), 0);
}

void TestAutomationClient::sortsAndPages()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    for (const QString &name : {u"charlie"_s, u"alpha"_s, u"bravo"_s})
        QVERIFY(wait(client.create(automationBody(name, {}, true, trigger(kReactive), {}))).ok());
    const auto names = [](const AutomationResult &r) {
        QStringList out;
        for (const AutomationInfo &a : r.automations)
            out.append(a.name);
        return out;
    };
    QCOMPARE(names(wait(client.list())), (QStringList{u"alpha"_s, u"bravo"_s, u"charlie"_s}));
    QCOMPARE(names(wait(client.list(2, 1))), (QStringList{u"bravo"_s, u"charlie"_s}));
    const AutomationResult tooMany = wait(client.list(500));
    QCOMPARE(
        tooMany.error,
        u"HTTP 422: Invalid request received.\nbody.limit: Input should be less than or equal to 200"_s);
}

void TestAutomationClient::errorsAreShownVerbatim_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("faults");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::addRow("no posture")
        << QByteArray(R"({"name":"x","trigger":{"type":"event"},"actions":[]})") << 0 << 422
        << u"HTTP 422: Invalid request received.\nbody.trigger.posture: Field required"_s;
    QTest::addRow("nothing") << QByteArray("{}") << 0 << 422
                             << u"HTTP 422: Invalid request received.\nbody.name: Field required\n"
                                u"body.trigger: Field required\nbody.actions: Field required"_s;
    QTest::addRow("extra member")
        << QByteArray(R"({"name":"x","trigger":{"posture":"Reactive"},"actions":[],"owner":1})")
        << 0 << 422
        << u"HTTP 422: Invalid request received.\nbody.owner: Extra inputs are not permitted"_s;
    QTest::addRow("selected without id")
        << QByteArray(
               R"({"name":"x","trigger":{"posture":"Reactive"},"actions":[{"type":"pause-automation"}]})")
        << 0 << 422
        << u"HTTP 422: Invalid request received.\nbody.actions.0.PauseAutomation: Value error, automation_id is required"_s;
    QTest::addRow("not JSON") << QByteArray(
        "{name") << 0 << 422 << u"HTTP 422: Invalid request received.\nbody.1: JSON decode error"_s;
    QTest::addRow("server error") << QByteArray(
        R"({"name":"x","trigger":{"posture":"Reactive"},"actions":[]})")
                                  << 1 << 500 << u"HTTP 500: Internal Server Error"_s;
}

void TestAutomationClient::errorsAreShownVerbatim()
{
    QFETCH(QByteArray, body);
    QFETCH(int, faults);
    QFETCH(int, status);
    QFETCH(QString, error);
    PrefectTestServer server;
    QVERIFY(server.listen());
    server.faults.automationErrors = faults;
    AutomationClient client(options(server));
    const AutomationResult r = wait(client.create(body));
    QCOMPARE(r.status, status);
    QCOMPARE(r.error, error);
    QVERIFY(r.automations.isEmpty());
    QCOMPARE(server.automationBodies.size(), faults ? 0 : 1);
    QCOMPARE(server.automations.size(), 0);

    // An unknown action type: pydantic tries every member of the action union.
    const AutomationResult unknown = wait(client.create(
        R"({"name":"x","trigger":{"posture":"Reactive"},"actions":[{"type":"explode"}]})"));
    QCOMPARE(unknown.status, 422);
    QVERIFY2(unknown.error.contains(
                 u"\nbody.actions.0.DoNothing.type: Input should be 'do-nothing'\n"),
             qPrintable(unknown.error));
    QCOMPARE(unknown.error.count(u'\n'), 16);

    // Other shapes the client meets: FastAPI's own list, a bare detail, a non-JSON body.
    QCOMPARE(describeHttpError(422,
                               R"({"detail":[{"loc":["body","limit"],"msg":"too big","type":"x"}]})"),
             u"HTTP 422: body.limit: too big"_s);
    QCOMPARE(describeHttpError(403, R"({"detail":"Forbidden"})"), u"HTTP 403: Forbidden"_s);
    QCOMPARE(describeHttpError(502, "<html>Bad gateway</html>\n"),
             u"HTTP 502: <html>Bad gateway</html>"_s);
    QCOMPARE(describeHttpError(503, {}), u"HTTP 503: (no body)"_s);
}

void TestAutomationClient::wrongCredentialsNeverLeakTheSecret()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    server.authString = u"admin:server-side"_s;
    AutomationClient::Options o = options(server);
    o.authString = u"admin:wrong-guess-4711"_s;
    const QString base64 = QString::fromLatin1(o.authString.toUtf8().toBase64());
    AutomationClient client(o);
    const AutomationResult r = wait(client.list());
    QCOMPARE(r.status, 401);
    QCOMPARE(r.error, u"HTTP 401: Unauthorized"_s);

    // Nobody listening: Qt's message may quote the URL, which here carries the secret too.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    o.apiUrl = u"http://admin:wrong-guess-4711@127.0.0.1:%1/api"_s.arg(port);
    AutomationClient offline(o);
    const AutomationResult down = wait(offline.list());
    QCOMPARE(down.status, 0);
    QVERIFY2(down.error.startsWith(u"listing automations failed: network error: "),
             qPrintable(down.error));
    for (const AutomationResult &result : {r, down}) {
        QVERIFY(!result.error.contains(u"wrong-guess"));
        QVERIFY(!result.error.contains(base64));
    }

    // The right secret opens the door.
    o = options(server);
    AutomationClient authorised(o);
    QVERIFY(wait(authorised.count()).ok());
}

void TestAutomationClient::unreadableTriggerKeepsTheAutomation()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    QVERIFY(
        wait(client.create(automationBody(u"b-readable"_s, {}, true, trigger(kReactive), {}))).ok());
    const QByteArray metric =
        R"({"type":"metric","id":"be9329cb-7dd0-4296-b4df-199838a44f43","metric":{"name":"lateness","threshold":60,"operator":">","range":300,"firing_for":300}})";
    server.automations.insertRaw(
        R"({"name":"a-cloud","description":"","enabled":false,"tags":["t"],"trigger":)" + metric
        + R"(,"actions":[{"type":"declare-incident"}],"id":")" + kAutomation.toUtf8()
        + R"(","created":"2026-11-23T19:58:07.434580Z","updated":"2026-11-23T19:58:07.434598Z"})");
    const AutomationResult r = wait(client.list());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.automations.size(), 2);
    const AutomationInfo &cloud = r.automations.first();
    QCOMPARE(cloud.name, u"a-cloud"_s);
    QCOMPARE(cloud.id, kAutomation);
    QVERIFY(!cloud.enabled);
    QCOMPARE(cloud.tags, QStringList{u"t"_s});
    QVERIFY(!cloud.triggerParsed());
    QVERIFY2(cloud.triggerError.contains(u"metric triggers exist only in Prefect Cloud"),
             qPrintable(cloud.triggerError));
    QCOMPARE(cloud.triggerJson, metric);
    QVERIFY(cloud.triggerSummary().contains(cloud.triggerError));
    QCOMPARE(cloud.actionTypes(), QStringList{u"declare-incident"_s});
    QCOMPARE(cloud.created, u"2026-11-23T19:58:07.434580Z"_s);
    QVERIFY(r.automations.last().triggerParsed());
}

void TestAutomationClient::parsesTheRealServersAnswers()
{
    const QByteArray list =
        member(readTranscript("32_automations_filter.json"), {u"response"_s, u"json"_s});
    QVERIFY(!list.isEmpty());
    QString error;
    const auto parsed = parseAutomationList(list, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->size(), 1);
    const AutomationInfo &a = parsed->first();
    QCOMPARE(a.id, u"087c0ad3-40e7-42dd-b3eb-82fe0c2d0b8c"_s);
    QCOMPARE(a.name, u"desktop-test-automation-1ede16c0"_s);
    QCOMPARE(a.description, u"created by verify.py"_s);
    QVERIFY(a.enabled);
    QVERIFY(a.tags.isEmpty());
    QVERIFY2(a.triggerParsed(), qPrintable(a.triggerError));
    QCOMPARE(a.trigger.id, u"be9329cb-7dd0-4296-b4df-199838a44f43"_s);
    QCOMPARE(a.trigger.event()->posture, Posture::Reactive);
    QCOMPARE(a.actionsJson, QByteArray(R"([{"type":"do-nothing"}])"));
    QCOMPARE(a.actionTypes(), QStringList{u"do-nothing"_s});
    QCOMPARE(a.created, u"2026-11-23T19:58:07.434580Z"_s);
    QCOMPARE(a.updated, u"2026-11-23T19:58:07.434598Z"_s);
    QCOMPARE(a.json, list.mid(1, list.size() - 2));
    QCOMPARE(serializeTrigger(a.trigger), a.triggerJson); // `0.0` kept as written

    for (const char *file : {"30_post_automation.json", "31_get_automation.json"}) {
        const auto one =
            parseAutomationInfo(member(readTranscript(file), {u"response"_s, u"json"_s}), &error);
        QVERIFY2(one, qPrintable(error));
        QCOMPARE(one->json, a.json);
    }
    QVERIFY(!parseAutomationList("{}", &error));
    QCOMPARE(error, u"expected a list of automations, got an object"_s);
    QVERIFY(!parseAutomationList(R"([{"name":"x"}])", &error));
    QCOMPARE(error, u"[0]: id: missing"_s);
    QCOMPARE(parseAutomationList("[]")->size(), 0);
}

void TestAutomationClient::testServerAnswersLikePrefect()
{
    // The same request as transcript 30 gets an answer of the same shape, key for key.
    const QByteArray transcript = readTranscript("30_post_automation.json");
    const QByteArray real = member(transcript, {u"response"_s, u"json"_s});
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const AutomationResult r = wait(client.create(member(transcript, {u"request"_s, u"json"_s})));
    QVERIFY2(r.ok(), qPrintable(r.error));
    const QByteArray ours = r.automations.first().json;
    QCOMPARE(keys(ours), keys(real));
    QCOMPARE(keys(member(ours, {u"trigger"_s})), keys(member(real, {u"trigger"_s})));
    const auto without = [](QByteArray json, const QStringList &ids) {
        for (const QString &id : ids)
            json.replace(id.toUtf8(), "ID");
        return json;
    };
    const AutomationInfo &info = r.automations.first();
    const auto realInfo = parseAutomationInfo(real);
    QVERIFY(realInfo);
    QCOMPARE(without(info.json, {info.id, info.trigger.id, info.created, info.updated}),
             without(realInfo->json,
                     {realInfo->id, realInfo->trigger.id, realInfo->created, realInfo->updated}));

    // A Proactive window left at 0 comes back as the server's 10 s.
    const AutomationResult proactive = wait(client.create(
        automationBody(u"p"_s, {}, true,
                       trigger(R"({"type":"event","posture":"Proactive","expect":["a"]})"), {})));
    QVERIFY2(proactive.ok(), qPrintable(proactive.error));
    QVERIFY(proactive.automations.first().triggerJson.endsWith(R"("threshold":1,"within":10.0})"));

    // The count endpoint and the related-to list answer as in transcripts 33 and 34.
    QCOMPARE(wait(client.count()).count, 2);
    QCOMPARE(server.automations.handle("GET", u"/api/automations/related-to/x"_s, {}, {}).body,
             QByteArray("[]"));
    QCOMPARE(server.automations.handle("GET", u"/api/automations/not-a-uuid"_s, {}, {}).body,
             QByteArray(R"({"detail":"Not Found"})"));
}

QTEST_GUILESS_MAIN(TestAutomationClient)
#include "tst_automationclient.moc"
