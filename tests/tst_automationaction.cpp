// The actions an automation runs and the body that creates one: each builder's JSON, the
// client-side checks with the server's wording, the run-deployment loop guard, and Prefect's own
// client's body byte for byte (transcript 30). Each case is also sent to the Prefect test server,
// whose checks are written separately from Prefect's source: the two must agree.

#include "core/automationaction.h"
#include "core/automationclient.h"
#include "core/json.h"
#include "tests/automationtestsupport.h"
#include "tests/testserver/prefecttestserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace ed;
using namespace ed::testsupport;
using namespace Qt::StringLiterals;
using ed::testing::PrefectTestServer;
using Source = AutomationAction::Source;

Q_DECLARE_METATYPE(ed::AutomationAction)

namespace {

const QString kDeployment = u"5f8e1c4a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"_s;

} // namespace

class TestAutomationAction final : public QObject
{
    Q_OBJECT

private slots:
    void actionJson_data();
    void actionJson();
    void bodyMatchesPrefectsOwnClient();
    void loopGuard_data();
    void loopGuard();
};

void TestAutomationAction::actionJson_data()
{
    QTest::addColumn<AutomationAction>("action");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("serverStatus");

    const QByteArray deployment = kDeployment.toUtf8();
    const QByteArray automation = kAutomation.toUtf8();
    const QByteArray block = kBlock.toUtf8();
    QTest::addRow("do-nothing") << AutomationAction::doNothing()
                                << QByteArray(R"({"type":"do-nothing"})") << QString() << 201;
    QTest::addRow("run selected, parameters")
        << AutomationAction::runDeployment(Source::Selected, kDeployment, R"({ "x": [1, 2] })")
        << (R"({"type":"run-deployment","source":"selected","deployment_id":")" + deployment
            + R"(","parameters":{"x":[1,2]},"job_variables":null})")
        << QString() << 201;
    QTest::addRow("run selected, upper-case id")
        << AutomationAction::runDeployment(Source::Selected, kDeployment.toUpper(), {},
                                           R"({"image":"a:b"})")
        << (R"({"type":"run-deployment","source":"selected","deployment_id":")" + deployment
            + R"(","parameters":null,"job_variables":{"image":"a:b"}})")
        << QString() << 201;
    QTest::addRow("run inferred")
        << AutomationAction::runDeployment(Source::Inferred)
        << QByteArray(
               R"({"type":"run-deployment","source":"inferred","parameters":null,"job_variables":null})")
        << QString() << 201;
    QTest::addRow("run selected without id")
        << AutomationAction::runDeployment(Source::Selected)
        << QByteArray(
               R"({"type":"run-deployment","source":"selected","deployment_id":"","parameters":null,"job_variables":null})")
        << u"action: deployment_id is required"_s << 422;
    QTest::addRow("run inferred with id")
        << AutomationAction::runDeployment(Source::Inferred, kDeployment)
        << (R"({"type":"run-deployment","source":"inferred","deployment_id":")" + deployment
            + R"(","parameters":null,"job_variables":null})")
        << u"action: deployment_id is not allowed"_s << 422;
    QTest::addRow("run with a list for parameters")
        << AutomationAction::runDeployment(Source::Selected, kDeployment, "[1]")
        << (R"({"type":"run-deployment","source":"selected","deployment_id":")" + deployment
            + R"(","parameters":[1],"job_variables":null})")
        << u"action.parameters: Input should be a valid dictionary (a JSON object, or empty for null)"_s
        << 422;
    QTest::addRow("run with broken job variables")
        << AutomationAction::runDeployment(Source::Selected, kDeployment, {}, "{")
        << (R"({"type":"run-deployment","source":"selected","deployment_id":")" + deployment
            + R"(","parameters":null,"job_variables":null})")
        << u"action.job_variables: not valid JSON: unexpected end of input"_s << 201;
    QTest::addRow("run with a bad deployment id")
        << AutomationAction::runDeployment(Source::Selected, u"deployment-7"_s)
        << QByteArray(
               R"({"type":"run-deployment","source":"selected","deployment_id":"deployment-7","parameters":null,"job_variables":null})")
        << u"action.deployment_id: Input should be a valid UUID"_s << 422;
    QTest::addRow("pause automation")
        << AutomationAction::pauseAutomation(Source::Selected, kAutomation)
        << (R"({"type":"pause-automation","source":"selected","automation_id":")" + automation
            + R"("})")
        << QString() << 201;
    QTest::addRow("resume automation inferred")
        << AutomationAction::resumeAutomation(Source::Inferred)
        << QByteArray(R"({"type":"resume-automation","source":"inferred"})") << QString() << 201;
    QTest::addRow("pause automation without id")
        << AutomationAction::pauseAutomation(Source::Selected)
        << QByteArray(R"({"type":"pause-automation","source":"selected","automation_id":""})")
        << u"action: automation_id is required"_s << 422;
    QTest::addRow("resume automation inferred with id")
        << AutomationAction::resumeAutomation(Source::Inferred, kAutomation)
        << (R"({"type":"resume-automation","source":"inferred","automation_id":")" + automation
            + R"("})")
        << u"action: automation_id is not allowed"_s << 422;
    QTest::addRow("notification")
        << AutomationAction::sendNotification(kBlock, u"{{ event.event }} \"ü\""_s)
        << (R"({"type":"send-notification","block_document_id":")" + block
            + R"(","subject":"Prefect automated notification","body":"{{ event.event }} \"ü\""})")
        << QString() << 201;
    QTest::addRow("notification with subject")
        << AutomationAction::sendNotification(kBlock, u"b"_s, u"Failed!"_s)
        << (R"({"type":"send-notification","block_document_id":")" + block
            + R"(","subject":"Failed!","body":"b"})")
        << QString() << 201;
    QTest::addRow("notification without block")
        << AutomationAction::sendNotification({}, u"b"_s)
        << QByteArray(
               R"({"type":"send-notification","block_document_id":"","subject":"Prefect automated notification","body":"b"})")
        << u"action.block_document_id: Field required"_s << 422;
    QTest::addRow("notification with a bad block id")
        << AutomationAction::sendNotification(u"slack"_s, u"b"_s)
        << QByteArray(
               R"({"type":"send-notification","block_document_id":"slack","subject":"Prefect automated notification","body":"b"})")
        << u"action.block_document_id: Input should be a valid UUID"_s << 422;
    // Stricter than the server, which takes an empty template.
    QTest::addRow("notification without body")
        << AutomationAction::sendNotification(kBlock, {})
        << (R"({"type":"send-notification","block_document_id":")" + block
            + R"(","subject":"Prefect automated notification","body":""})")
        << u"action.body: Field required"_s << 201;
}

void TestAutomationAction::actionJson()
{
    QFETCH(AutomationAction, action);
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QFETCH(int, serverStatus);
    QCOMPARE(action.toJson(), json);
    QCOMPARE(action.validate(), error);
    QCOMPARE(AutomationAction::typeFromName(action.typeName()), action.type);

    // The test server, which applies Prefect's rules, agrees on what it would refuse.
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const QByteArray body = automationBody(u"a"_s, {}, true, trigger(kReactive), {action});
    const AutomationResult r = wait(client.create(body));
    QVERIFY2(r.status == serverStatus, qPrintable(r.error));
    if (r.ok())
        QCOMPARE(r.automations.first().actionsJson, '[' + json + ']');
}

void TestAutomationAction::bodyMatchesPrefectsOwnClient()
{
    // Transcript 30 is what Prefect's Python client sent: our body must be the same bytes.
    const QByteArray transcript = readTranscript("30_post_automation.json");
    const QByteArray sent = member(transcript, {u"request"_s, u"json"_s});
    QVERIFY(!sent.isEmpty());
    const std::optional<Trigger> t =
        parseTrigger(member(transcript, {u"request"_s, u"json"_s, u"trigger"_s}));
    QVERIFY(t);
    const QByteArray body =
        automationBody(u"desktop-test-automation-1ede16c0"_s, u"created by verify.py"_s, true, *t,
                       {AutomationAction::doNothing()});
    QCOMPARE(body, sent);
    QCOMPARE(validateAutomation(u"desktop-test-automation-1ede16c0"_s, true, *t,
                                {AutomationAction::doNothing()}),
             QString());
    QCOMPARE(validateAutomation(u"  "_s, true, *t, {}), u"name: a name is required"_s);
    Trigger noPosture = *t;
    noPosture.event()->posture.reset();
    QCOMPARE(validateAutomation(u"n"_s, true, noPosture, {}), u"trigger.posture: Field required"_s);
    QCOMPARE(validateAutomation(u"n"_s, true, *t,
                                {AutomationAction::doNothing(),
                                 AutomationAction::runDeployment(Source::Selected)}),
             u"actions[1]: deployment_id is required"_s);
}

void TestAutomationAction::loopGuard_data()
{
    QTest::addColumn<QByteArray>("trigger");
    QTest::addColumn<bool>("enabled");
    QTest::addColumn<AutomationAction>("action");
    QTest::addColumn<QString>("error");

    const QString inferred =
        u"Running an inferred deployment from a flow run state change event "
        u"will lead to an infinite loop of flow runs.  Please choose a specific "
        u"deployment and add additional filtering labels to the match or "
        u"match_related for this automation's trigger."_s;
    const QString selected =
        u"Running a selected deployment from a flow run state change event may "
        u"lead to an infinite loop of flow runs.  Please include additional "
        u"filtering labels on either match or match_related to narrow down which "
        u"flow runs will trigger this automation to exclude flow runs from the "
        u"deployment you've selected."_s;
    const auto run = [](Source s) {
        return AutomationAction::runDeployment(s, s == Source::Selected ? kDeployment : QString());
    };
    const QByteArray running =
        R"({"type":"event","posture":"Reactive","expect":["prefect.flow-run.Running"],
        "match":{"prefect.resource.id":"prefect.flow-run.*"}})";
    QTest::addRow("inferred on Running") << running << true << run(Source::Inferred) << inferred;
    QTest::addRow("inferred, narrowed") << QByteArray(R"({"type":"event","posture":"Reactive",
        "expect":["prefect.flow-run.*"],"match":{"prefect.resource.id":"prefect.flow-run.*","env":"prod"}})")
                                        << true << run(Source::Inferred) << inferred;
    QTest::addRow("selected on every flow run")
        << running << true << run(Source::Selected) << selected;
    QTest::addRow("selected, match {}") << QByteArray(R"({"type":"event","posture":"Reactive",
        "expect":["prefect.flow-run.Scheduled"]})")
                                        << true << run(Source::Selected) << selected;
    QTest::addRow("selected, narrowed by match")
        << QByteArray(R"({"type":"event","posture":"Reactive",
        "expect":["prefect.flow-run.Pending"],"match":{"prefect.resource.id":"prefect.flow-run.*","env":"prod"}})")
        << true << run(Source::Selected) << QString();
    QTest::addRow("selected, narrowed by match_related")
        << QByteArray(R"({"type":"event","posture":"Reactive",
        "expect":["prefect.flow-run.Running"],"match_related":{"prefect.resource.id":"prefect.flow.abc"}})")
        << true << run(Source::Selected) << QString();
    QTest::addRow("disabled") << running << false << run(Source::Inferred) << QString();
    QTest::addRow("proactive") << QByteArray(R"({"type":"event","posture":"Proactive","within":60,
        "expect":["prefect.flow-run.Running"]})")
                               << true << run(Source::Inferred) << QString();
    QTest::addRow("a terminal state") << QByteArray(R"({"type":"event","posture":"Reactive",
        "expect":["prefect.flow-run.Completed"]})")
                                      << true << run(Source::Inferred) << QString();
    QTest::addRow("no run-deployment")
        << running << true << AutomationAction::doNothing() << QString();
}

void TestAutomationAction::loopGuard()
{
    QFETCH(QByteArray, trigger);
    QFETCH(bool, enabled);
    QFETCH(AutomationAction, action);
    QFETCH(QString, error);
    const std::optional<Trigger> t = parseTrigger(trigger);
    QVERIFY(t);
    QCOMPARE(runDeploymentLoopError(enabled, *t, {AutomationAction::doNothing(), action}), error);
    QCOMPARE(validateAutomation(u"n"_s, enabled, *t, {action}), error);

    // The test server's copy of the guard, written from Prefect's source, agrees.
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const AutomationResult r =
        wait(client.create(automationBody(u"n"_s, {}, enabled, *t, {action})));
    if (error.isEmpty()) {
        QVERIFY2(r.ok(), qPrintable(r.error));
    } else {
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error, u"HTTP 422: Invalid request received.\nbody: Value error, "_s + error);
    }
}

QTEST_GUILESS_MAIN(TestAutomationAction)
#include "tst_automationaction.moc"
