// The automation dialogs driven through their widgets against the Prefect test server: the
// create dialog sends the body its fields describe (and shows the server's refusal verbatim),
// the list dialog shows the server's automations and disables, enables and deletes them.

#include "core/automationaction.h"
#include "core/automationclient.h"
#include "core/json.h"
#include "tests/testserver/prefecttestserver.h"
#include "ui/automationsdialog.h"
#include "ui/createautomationdialog.h"
#include "ui/eventformat.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace ed;
using namespace ed::ui;
using namespace Qt::StringLiterals;
using ed::testing::PrefectTestServer;
using Source = AutomationAction::Source;
using Type = AutomationAction::Type;

namespace {

const QString kDeployment = u"5f8e1c4a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"_s;
const QString kBlock = u"9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"_s;

Trigger trigger(const char *json)
{
    return parseTrigger(QByteArray(json)).value_or(Trigger{});
}

const char *const kFailures =
    R"({"type":"event","match":{"prefect.resource.id":"prefect.flow-run.*"},
    "expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"posture":"Reactive",
    "threshold":1,"within":0})";

template<typename T>
T *child(QWidget *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1StringView(name));
    if (!w)
        qWarning("no widget named %s", name);
    return w;
}

AutomationClient::Options options(const PrefectTestServer &server)
{
    AutomationClient::Options o;
    o.apiUrl = server.apiUrl();
    o.transferTimeoutMs = 5000;
    return o;
}

bool enabledOnServer(const PrefectTestServer &server, const QString &id)
{
    const auto json = server.automations.find(id);
    return json && parseAutomationInfo(*json)->enabled;
}

QString makeAutomation(AutomationClient &client, const QString &name)
{
    AutomationReply *reply = client.create(
        automationBody(name, {}, true, trigger(kFailures), {AutomationAction::doNothing()}));
    QSignalSpy spy(reply, &AutomationReply::finished);
    if (!spy.wait(10000))
        return {};
    return spy.first().first().value<AutomationResult>().id;
}

} // namespace

class TestAutomationsDialog final : public QObject
{
    Q_OBJECT

private slots:
    void createsTheBodyItsFieldsDescribe();
    void showsRefusalsVerbatim();
    void listsTogglesAndDeletes();
    void asksBeforeDeleting();
    void screenshots();
};

void TestAutomationsDialog::createsTheBodyItsFieldsDescribe()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const Trigger t = trigger(kFailures);
    CreateAutomationDialog dialog(t, &client);
    dialog.show();

    auto *create = child<QPushButton>(&dialog, "createButton");
    auto *error = child<QLabel>(&dialog, "errorLabel");
    QVERIFY(create && error);
    QCOMPARE(child<QLabel>(&dialog, "triggerSummaryLabel")->text(), summarize(t));
    QVERIFY(!create->isEnabled()); // no name yet
    QCOMPARE(error->text(), u"name: a name is required"_s);

    QTest::keyClicks(child<QLineEdit>(&dialog, "nameEdit"), u"Rerun failed runs"_s);
    child<QLineEdit>(&dialog, "descriptionEdit")->setText(u"then tell the team"_s);
    QVERIFY(create->isEnabled());
    QVERIFY(error->text().isEmpty());

    auto *add = child<QPushButton>(&dialog, "addActionButton");
    auto *list = child<QListWidget>(&dialog, "actionsList");
    auto *type = child<QComboBox>(&dialog, "actionTypeCombo");
    auto *source = child<QComboBox>(&dialog, "sourceCombo");
    auto *target = child<QLineEdit>(&dialog, "targetIdEdit");
    auto *parameters = child<QPlainTextEdit>(&dialog, "parametersEdit");
    QVERIFY(add && list && type && source && target && parameters);

    // 1: run a selected deployment with parameters.
    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(list->count(), 1);
    type->setCurrentIndex(type->findData(int(Type::RunDeployment)));
    QVERIFY(parameters->isVisible());
    QVERIFY(!child<QLineEdit>(&dialog, "blockDocumentEdit")->isVisible());
    QVERIFY(!create->isEnabled()); // the deployment id is missing
    QCOMPARE(error->text(), u"actions[0]: deployment_id is required"_s);
    QTest::keyClicks(target, kDeployment);
    parameters->setPlainText(u"{\"retries\": 2}"_s);
    QVERIFY2(create->isEnabled(), qPrintable(error->text()));

    // 2: a notification.
    QTest::mouseClick(add, Qt::LeftButton);
    type->setCurrentIndex(type->findData(int(Type::SendNotification)));
    QVERIFY(!target->isVisible());
    QCOMPARE(child<QLineEdit>(&dialog, "subjectEdit")->text(), u"Prefect automated notification"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, "blockDocumentEdit"), kBlock);
    child<QPlainTextEdit>(&dialog, "bodyEdit")
        ->setPlainText(u"{{ event.resource.id }} failed again"_s);

    // 3: resume an automation, typed as selected, then switched to inferred: no id is sent.
    QTest::mouseClick(add, Qt::LeftButton);
    type->setCurrentIndex(type->findData(int(Type::ResumeAutomation)));
    QTest::keyClicks(target, u"0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"_s);
    source->setCurrentIndex(source->findData(int(Source::Inferred)));
    QVERIFY(!target->isEnabled());

    // 4: added and removed again.
    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(list->count(), 4);
    QTest::mouseClick(child<QPushButton>(&dialog, "removeActionButton"), Qt::LeftButton);
    QCOMPARE(list->count(), 3);
    QCOMPARE(list->item(2)->text(), u"3. Resume an automation (inferred)"_s);

    // Going back to the first action shows its fields again.
    list->setCurrentRow(0);
    QCOMPARE(target->text(), kDeployment);
    QCOMPARE(type->currentData().toInt(), int(Type::RunDeployment));

    const QByteArray expected = automationBody(
        u"Rerun failed runs"_s, u"then tell the team"_s, true, t,
        {AutomationAction::runDeployment(Source::Selected, kDeployment, "{\"retries\": 2}"),
         AutomationAction::sendNotification(kBlock, u"{{ event.resource.id }} failed again"_s),
         AutomationAction::resumeAutomation(Source::Inferred)});
    QCOMPARE(dialog.body(), expected);
    QCOMPARE(child<QPlainTextEdit>(&dialog, "previewEdit")->toPlainText(),
             QString::fromUtf8(prettyJson(expected)));

    QSignalSpy created(&dialog, &CreateAutomationDialog::created);
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(dialog.isBusy());
    QVERIFY(!create->isEnabled());
    QVERIFY(created.wait(10000));
    QCOMPARE(server.automationBodies, QList<QByteArray>{expected});
    const auto info = created.first().first().value<AutomationInfo>();
    QCOMPARE(info.name, u"Rerun failed runs"_s);
    QCOMPARE(info.actionTypes(),
             (QStringList{u"run-deployment"_s, u"send-notification"_s, u"resume-automation"_s}));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!dialog.isVisible());
}

void TestAutomationsDialog::showsRefusalsVerbatim()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    server.faults.automationErrors = 1;
    AutomationClient client(options(server));

    // Refused here already: the server's own words for a run-deployment loop.
    const Trigger running =
        trigger(R"({"type":"event","posture":"Reactive","expect":["prefect.flow-run.Running"]})");
    CreateAutomationDialog loop(running, &client);
    child<QLineEdit>(&loop, "nameEdit")->setText(u"loop"_s);
    QTest::mouseClick(child<QPushButton>(&loop, "addActionButton"), Qt::LeftButton);
    auto *type = child<QComboBox>(&loop, "actionTypeCombo");
    type->setCurrentIndex(type->findData(int(Type::RunDeployment)));
    auto *source = child<QComboBox>(&loop, "sourceCombo");
    source->setCurrentIndex(source->findData(int(Source::Inferred)));
    QVERIFY(!child<QPushButton>(&loop, "createButton")->isEnabled());
    QVERIFY(loop.errorText().startsWith(
        u"Running an inferred deployment from a flow run state change event"));
    loop.create(); // ignored while invalid
    QVERIFY(server.automationBodies.isEmpty());

    // Refused by the server: its answer is shown as it came, and the dialog stays open.
    CreateAutomationDialog dialog(trigger(kFailures), &client);
    dialog.show();
    child<QLineEdit>(&dialog, "nameEdit")->setText(u"unlucky"_s);
    auto *create = child<QPushButton>(&dialog, "createButton");
    QSignalSpy created(&dialog, &CreateAutomationDialog::created);
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.errorText(), u"HTTP 500: Internal Server Error"_s);
    QVERIFY(dialog.isVisible());
    QVERIFY(create->isEnabled());
    QCOMPARE(created.size(), 0);

    // An edit clears it; the second try goes through.
    QTest::keyClicks(child<QLineEdit>(&dialog, "nameEdit"), u" again"_s);
    QVERIFY(dialog.errorText().isEmpty());
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(created.wait(10000));
    QCOMPARE(server.automations.size(), 1);
    QCOMPARE(created.first().first().value<AutomationInfo>().name, u"unlucky again"_s);
}

void TestAutomationsDialog::listsTogglesAndDeletes()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const QString beta = makeAutomation(client, u"beta"_s);
    const QString alpha = makeAutomation(client, u"alpha"_s);
    QVERIFY(!alpha.isEmpty() && !beta.isEmpty());

    AutomationsDialog dialog(&client);
    dialog.setConfirmDeletes(false);
    QSignalSpy refreshed(&dialog, &AutomationsDialog::refreshed);
    dialog.show(); // reads the list
    QVERIFY(refreshed.wait(10000));
    auto *table = child<QTableWidget>(&dialog, "automationsTable");
    auto *toggle = child<QPushButton>(&dialog, "toggleButton");
    auto *remove = child<QPushButton>(&dialog, "deleteButton");
    auto *error = child<QLabel>(&dialog, "errorLabel");
    QVERIFY(table && toggle && remove && error);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, AutomationsDialog::NameColumn)->text(), u"alpha"_s);
    QCOMPARE(table->item(1, AutomationsDialog::NameColumn)->text(), u"beta"_s);
    QCOMPARE(table->item(0, AutomationsDialog::TriggerColumn)->text(),
             summarize(trigger(kFailures)));
    QCOMPARE(table->item(0, AutomationsDialog::ActionsColumn)->text(), u"do-nothing"_s);
    QVERIFY(!table->item(0, AutomationsDialog::CreatedColumn)->text().isEmpty());
    QCOMPARE(table->item(1, AutomationsDialog::EnabledColumn)->checkState(), Qt::Checked);
    QVERIFY(!toggle->isEnabled()); // nothing selected
    QVERIFY(error->isHidden());

    // Disable beta with the button.
    QVERIFY(dialog.selectAutomation(beta));
    QCOMPARE(toggle->text(), u"Disable"_s);
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(dialog.isBusy());
    QVERIFY(!toggle->isEnabled());
    QTRY_VERIFY(!dialog.isBusy());
    QVERIFY(!enabledOnServer(server, beta));
    QCOMPARE(table->item(1, AutomationsDialog::EnabledColumn)->checkState(), Qt::Unchecked);
    QCOMPARE(dialog.selectedId(), beta); // kept across the refresh
    QCOMPARE(toggle->text(), u"Enable"_s);
    QVERIFY(server.requests.contains(u"PATCH /api/automations/"_s + beta));

    // Enable it again, then disable alpha through its box.
    QTest::mouseClick(toggle, Qt::LeftButton);
    QTRY_VERIFY(!dialog.isBusy());
    QVERIFY(enabledOnServer(server, beta));
    table->item(0, AutomationsDialog::EnabledColumn)->setCheckState(Qt::Unchecked);
    QTRY_VERIFY(!dialog.isBusy());
    QVERIFY(!enabledOnServer(server, alpha));
    QCOMPARE(table->item(0, AutomationsDialog::EnabledColumn)->checkState(), Qt::Unchecked);

    // Delete alpha.
    QVERIFY(dialog.selectAutomation(alpha));
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(server.automations.size(), 1);
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(dialog.automations().first().id, beta);

    // Gone behind our back: the server's 404 is shown as it wrote it.
    server.automations.clear();
    QVERIFY(dialog.selectAutomation(beta));
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(error->text(), u"HTTP 404: Automation not found"_s);
    QVERIFY(error->isVisible());
    QCOMPARE(table->rowCount(), 1); // the list is what the server last said

    // Refresh shows the truth and clears the error; refused credentials are shown too.
    QTest::mouseClick(child<QPushButton>(&dialog, "refreshButton"), Qt::LeftButton);
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(error->isHidden());
    server.authString = u"admin:pass"_s;
    dialog.refresh();
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.errorText(), u"HTTP 401: Unauthorized"_s);
}

void TestAutomationsDialog::asksBeforeDeleting()
{
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    const QString id = makeAutomation(client, u"keep me"_s);
    AutomationsDialog dialog(&client);
    dialog.refresh();
    QTRY_COMPARE(dialog.automations().size(), 1);
    QVERIFY(dialog.selectAutomation(id));
    QString asked;
    QTimer answer;
    answer.setInterval(20);
    connect(&answer, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            answer.stop();
            asked = box->text();
            box->button(QMessageBox::Cancel)->click();
        }
    });
    answer.start();
    dialog.deleteSelected();
    QVERIFY2(asked.contains(u"“keep me”"), qPrintable(asked));
    QVERIFY(!dialog.isBusy());
    QCOMPARE(server.automations.size(), 1);
}

void TestAutomationsDialog::screenshots()
{
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set EVENTDECK_SCREENSHOTS=DIR to save the dialogs' pictures");
    PrefectTestServer server;
    QVERIFY(server.listen());
    AutomationClient client(options(server));
    QVERIFY(!makeAutomation(client, u"Notify on failed flow runs"_s).isEmpty());
    QVERIFY(!makeAutomation(client, u"Crash zombie flows"_s).isEmpty());
    AutomationsDialog list(&client);
    QSignalSpy refreshed(&list, &AutomationsDialog::refreshed);
    list.resize(900, 360);
    list.show();
    QVERIFY(refreshed.wait(10000));
    QTest::qWait(100); // let the layout take the status text in
    QVERIFY(list.grab().save(dir + u"/automations.png"_s));
    CreateAutomationDialog create(trigger(kFailures), &client);
    create.resize(760, 640);
    create.show();
    child<QLineEdit>(&create, "nameEdit")->setText(u"Notify on failed flow runs"_s);
    QTest::qWait(100);
    QVERIFY(create.grab().save(dir + u"/createautomation.png"_s));
}

QTEST_MAIN(TestAutomationsDialog)
#include "tst_automationsdialog.moc"
