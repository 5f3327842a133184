// "Automate" from a selected event: the ladder of generality real fixture events allow, the
// trigger each pair of rungs gives, and the dialog's radio groups and live summary.

#include "core/importer.h"
#include "core/trigger.h"
#include "ui/automateladder.h"
#include "tests/fixtureevents.h"

#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QRadioButton>
#include <QTest>

using namespace ed;
using namespace ed::ui;
using namespace Qt::StringLiterals;

namespace {

const QString kFlowRun = u"prefect.flow-run.e3755d32-cec5-42ca-9bcd-af236e308ba6"_s;
const QString kDeployment = u"prefect.deployment.b2c3d4e5-f6a7-8901-bcde-f12345678901"_s;

QStringList labels(const QList<AutomateRung> &rungs, AutomateRung::Scope scope)
{
    QStringList out;
    for (const AutomateRung &r : rungs) {
        if (r.scope == scope)
            out.append(r.label);
    }
    return out;
}

QList<AutomateRung> only(const QList<AutomateRung> &rungs, AutomateRung::Scope scope)
{
    QList<AutomateRung> out;
    for (const AutomateRung &r : rungs) {
        if (r.scope == scope)
            out.append(r);
    }
    return out;
}

QJsonDocument normalized(const QByteArray &json)
{
    const auto t = parseTrigger(json);
    return QJsonDocument::fromJson(t ? serializeTrigger(*t) : QByteArray());
}

} // namespace

class TestAutomateLadder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void flowRunFailure();
    void rungsEachEventAllows_data();
    void rungsEachEventAllows();
    void dialog();

private:
    Event fixture(const QString &name, const QString &resourceId) const;
    QList<Event> m_events;
};

void TestAutomateLadder::initTestCase()
{
    m_events = testsupport::fixtureEvents();
    QVERIFY(m_events.size() >= 20);
}

Event TestAutomateLadder::fixture(const QString &name, const QString &resourceId) const
{
    for (const Event &e : m_events) {
        if (e.event == name && e.resource.id() == resourceId)
            return e;
    }
    qWarning("no fixture event %s on %s", qPrintable(name), qPrintable(resourceId));
    return {};
}

// The Failed flow run of the fixture has a flow, a deployment, a work queue and a work pool.
void TestAutomateLadder::flowRunFailure()
{
    const Event failed = fixture(u"prefect.flow-run.Failed"_s, kFlowRun);
    const QList<AutomateRung> rungs = automateLadder(failed);
    const QList<AutomateRung> resources = only(rungs, AutomateRung::Scope::Resource);
    QCOMPARE(labels(rungs, AutomateRung::Scope::Resource),
             (QStringList{u"This flow run (crimson-fox)"_s,
                          u"Any flow run of deployment production"_s,
                          u"Any flow run of flow my-etl-flow"_s,
                          u"Any flow run in work queue default"_s,
                          u"Any flow run in work pool my-k8s-pool"_s, u"Any flow run"_s}));
    QCOMPARE(labels(rungs, AutomateRung::Scope::Event),
             (QStringList{u"This event: prefect.flow-run.Failed"_s,
                          u"Any flow run event (prefect.flow-run.*)"_s}));

    const QList<AutomateRung> events = only(rungs, AutomateRung::Scope::Event);
    QCOMPARE(QJsonDocument::fromJson(serializeTrigger(automateTrigger(resources[0], events[0]))),
             normalized(R"({"type": "event", "posture": "Reactive",
                 "match": {"prefect.resource.id": "prefect.flow-run.e3755d32-cec5-42ca-9bcd-af236e308ba6"},
                 "expect": ["prefect.flow-run.Failed"], "for_each": ["prefect.resource.id"],
                 "threshold": 1, "within": 0})"));
    QCOMPARE(QJsonDocument::fromJson(serializeTrigger(automateTrigger(resources[1], events[1]))),
             normalized(R"({"type": "event", "posture": "Reactive",
                 "match": {"prefect.resource.id": "prefect.flow-run.*"},
                 "match_related": {"prefect.resource.role": "deployment",
                     "prefect.resource.id": "prefect.deployment.b2c3d4e5-f6a7-8901-bcde-f12345678901"},
                 "expect": ["prefect.flow-run.*"], "for_each": ["prefect.resource.id"],
                 "threshold": 1, "within": 0})"));
    const Trigger widest = automateTrigger(resources.back(), events.back());
    QVERIFY(validateTrigger(widest).isEmpty());
    QCOMPARE(summarize(widest), u"When a prefect.flow-run.* event happens for the same flow run"_s);
}

void TestAutomateLadder::rungsEachEventAllows_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QStringList>("matches"); // each resource rung: its match, then its related
    QTest::addColumn<QStringList>("expects");

    QTest::addRow("deployment with a flow")
        << u"prefect.deployment.updated"_s << kDeployment
        << QStringList{u"prefect.resource.id=" + kDeployment,
                       u"prefect.resource.id=prefect.deployment.* | "
                       "prefect.resource.role=flow prefect.resource.id=prefect.flow.a1b2c3d4-e5f6-7890-abcd-ef1234567890"_s,
                       u"prefect.resource.id=prefect.deployment.*"_s}
        << QStringList{u"prefect.deployment.updated"_s, u"prefect.deployment.*"_s};
    QTest::addRow("deployment by a plain name")
        << u"prefect.flow-run.Pending"_s << u"prefect.flow-run.23456"_s
        << QStringList{u"prefect.resource.id=prefect.flow-run.23456"_s,
                       u"prefect.resource.id=prefect.flow-run.* | "
                       "prefect.resource.role=deployment prefect.resource.id=my-deployment"_s,
                       u"prefect.resource.id=prefect.flow-run.*"_s}
        << QStringList{u"prefect.flow-run.Pending"_s, u"prefect.flow-run.*"_s};
    QTest::addRow("nested event families")
        << u"prefect.automation.action.triggered"_s
        << u"prefect.automation.5b9c5c3d-6ca0-48d0-8331-79f4b65385b3"_s
        << QStringList{u"prefect.resource.id=prefect.automation.5b9c5c3d-6ca0-48d0-8331-79f4b65385b3"_s,
                       u"prefect.resource.id=prefect.automation.*"_s}
        << QStringList{u"prefect.automation.action.triggered"_s, u"prefect.automation.action.*"_s,
                       u"prefect.automation.*"_s};
    QTest::addRow("no Prefect kind, no family")
        << u"hello"_s << u"my.resource.id"_s << QStringList{u"prefect.resource.id=my.resource.id"_s}
        << QStringList{u"hello"_s};
    QTest::addRow("foreign family")
        << u"animal.walked"_s << u"woodchonk"_s << QStringList{u"prefect.resource.id=woodchonk"_s}
        << QStringList{u"animal.walked"_s, u"animal.*"_s};
}

void TestAutomateLadder::rungsEachEventAllows()
{
    QFETCH(QString, name);
    QFETCH(QString, resource);
    QFETCH(QStringList, matches);
    QFETCH(QStringList, expects);
    const auto describe = [](const ResourceSpec &spec) {
        QStringList parts;
        for (const auto &e : spec.entries)
            parts.append(e.key + u'=' + e.patterns.join(u','));
        return parts.join(u' ');
    };
    QStringList gotMatches, gotExpects;
    for (const AutomateRung &r : automateLadder(fixture(name, resource))) {
        if (r.scope == AutomateRung::Scope::Event) {
            gotExpects.append(r.expect);
            continue;
        }
        QString text = describe(r.match);
        for (const ResourceSpec &related : r.matchRelated)
            text += u" | "_s + describe(related);
        gotMatches.append(text);
    }
    QCOMPARE(gotMatches, matches);
    QCOMPARE(gotExpects, expects);
}

void TestAutomateLadder::dialog()
{
    AutomateDialog dialog(fixture(u"prefect.flow-run.Failed"_s, kFlowRun));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *summary = dialog.findChild<QLabel *>(u"automateSummary"_s);
    QVERIFY(summary);
    QVERIFY(dialog.findChild<QRadioButton *>(u"resourceRung0"_s)->isChecked());
    QVERIFY(dialog.findChild<QRadioButton *>(u"eventRung0"_s)->isChecked());
    QCOMPARE(summary->text(), summarize(dialog.trigger()));

    // On the indicator: a radio button takes clicks on its indicator and text only.
    for (const QString &name : {u"resourceRung5"_s, u"eventRung1"_s}) {
        auto *radio = dialog.findChild<QRadioButton *>(name);
        QTest::mouseClick(radio, Qt::LeftButton, {}, QPoint(8, radio->height() / 2));
    }
    const QList<AutomateRung> rungs =
        automateLadder(fixture(u"prefect.flow-run.Failed"_s, kFlowRun));
    const Trigger expected = automateTrigger(only(rungs, AutomateRung::Scope::Resource)[5],
                                             only(rungs, AutomateRung::Scope::Event)[1]);
    QVERIFY(dialog.findChild<QRadioButton *>(u"resourceRung5"_s)->isChecked());
    QVERIFY(dialog.findChild<QRadioButton *>(u"eventRung1"_s)->isChecked());
    QCOMPARE(serializeTrigger(dialog.trigger()), serializeTrigger(expected));
    QVERIFY(dialog.trigger() == expected);
    QCOMPARE(summary->text(), summarize(expected));
    if (const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS"); !dir.isEmpty())
        QVERIFY(dialog.grab().save(dir + u"/automatedialog.png"_s));
    QVERIFY(!dialog.findChild<QRadioButton *>(u"resourceRung6"_s));
    QVERIFY(!dialog.findChild<QRadioButton *>(u"eventRung2"_s));
}

QTEST_MAIN(TestAutomateLadder)
#include "tst_automateladder.moc"
