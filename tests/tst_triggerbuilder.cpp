// The trigger builder: each kind of trigger built through the form's widgets gives the JSON
// expected; the JSON editor and the form stay in step both ways without loss (unknown members,
// how values were written); errors show inline; completion offers what the cache holds.

#include "core/eventstore.h"
#include "core/importer.h"
#include "ui/chipeditor.h"
#include "ui/patterncompleter.h"
#include "ui/resourcespeceditor.h"
#include "ui/triggerbuilder.h"
#include "ui/triggerform.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace ed;
using namespace ed::ui;
using namespace Qt::StringLiterals;

namespace {

const QString kDeployment = u"prefect.deployment.b2c3d4e5-f6a7-8901-bcde-f12345678901"_s;

} // namespace

class TestTriggerBuilder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void reactiveEventTrigger();
    void proactiveAfterExpect();
    void compoundTwoOfThree();
    void sequenceOfTwo();
    void jsonEditUpdatesFormAndKeepsUnknownMembers();
    void invalidJsonKeepsForm();
    void proactiveWithinFiveSeconds();
    void automationBodyKeepsItsMembers();
    void roundTripWithoutLoss_data();
    void roundTripWithoutLoss();
    void chipsOfSpecs();
    void completionRows_data();
    void completionRows();
    void completionPopupInTheForm();

    void screenshots();

private:
    template<class T>
    T *widget(const QString &name) const
    {
        T *w = m_builder->findChild<T *>(name);
        if (!w)
            qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
        return w;
    }
    void addChip(const QString &editor, const QString &text);
    void select(const QList<int> &path);
    void click(const QString &button);
    void clickRadio(const QString &name);
    void typeJson(const QString &text);
    /// The builder's trigger and its editor's JSON both equal `expected`.
    void compareJson(const QByteArray &expected);

    QTemporaryDir m_dir;
    EventStore m_store;
    std::unique_ptr<TriggerBuilder> m_builder;
    std::unique_ptr<QAbstractItemModelTester> m_treeTester;
};

void TestTriggerBuilder::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(u"cache.sqlite"_s)));
    QFile file(QStringLiteral(EVENTDECK_FIXTURES "/prefect-sample-events.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    EventReader reader(&file);
    QList<Event> events;
    for (Event e;;) {
        const auto result = reader.next(e);
        if (result == EventReader::Result::End)
            break;
        QVERIFY2(result != EventReader::Result::Fatal, qPrintable(reader.reason()));
        if (result == EventReader::Result::Event)
            events.append(e);
    }
    QVERIFY(m_store.ingest(events, u"file:fixture"_s).stored >= 20);
}

void TestTriggerBuilder::init()
{
    m_builder = std::make_unique<TriggerBuilder>();
    m_treeTester = std::make_unique<QAbstractItemModelTester>(
        m_builder->form()->tree()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_builder->resize(1300, 800);
    m_builder->show();
    m_builder->activateWindow();
    // Offscreen activates windows; a bare X server (xvfb-run, for screenshots) may not.
    if (!QTest::qWaitForWindowActive(m_builder.get(), 2000))
        QVERIFY(QTest::qWaitForWindowExposed(m_builder.get()));
}

void TestTriggerBuilder::cleanup()
{
    // First: a QTreeWidget resets its model while it is being destroyed.
    m_treeTester.reset();
    m_builder.reset();
}

void TestTriggerBuilder::addChip(const QString &editor, const QString &text)
{
    auto *input = widget<QLineEdit>(editor + u"Input"_s);
    QVERIFY(input);
    input->setFocus();
    input->selectAll(); // a prefilled `prefect.resource.role=` goes too
    QTest::keyClicks(input, text);
    QTest::keyClick(input, Qt::Key_Return);
    auto *chips = widget<ChipEditor>(editor);
    QVERIFY(chips);
    QVERIFY2(chips->items().contains(text), qPrintable(chips->items().join(u", "_s)));
}

void TestTriggerBuilder::select(const QList<int> &path)
{
    QTreeWidgetItem *item = m_builder->form()->tree()->topLevelItem(0);
    for (int i : path)
        item = item ? item->child(i) : nullptr;
    QVERIFY(item);
    m_builder->form()->tree()->setCurrentItem(item);
    QCOMPARE(m_builder->form()->currentPath(), path);
}

void TestTriggerBuilder::click(const QString &button)
{
    auto *b = widget<QAbstractButton>(button);
    QVERIFY(b);
    QVERIFY2(b->isEnabled(), qPrintable(button));
    QTest::mouseClick(b, Qt::LeftButton);
}

void TestTriggerBuilder::clickRadio(const QString &name)
{
    auto *radio = widget<QRadioButton>(name);
    QVERIFY(radio);
    // On the indicator: a radio button takes clicks on its indicator and text only.
    QTest::mouseClick(radio, Qt::LeftButton, {}, QPoint(8, radio->height() / 2));
    QVERIFY(radio->isChecked());
}

void TestTriggerBuilder::typeJson(const QString &text)
{
    QPlainTextEdit *editor = m_builder->jsonEditor();
    editor->setFocus();
    editor->selectAll();
    QTest::keyClick(editor, Qt::Key_Delete);
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(editor, Qt::Key_Return); // keyClicks() takes no control characters
        QTest::keyClicks(editor, lines[i]);
    }
}

void TestTriggerBuilder::compareJson(const QByteArray &expected)
{
    QString error;
    const auto parsed = parseTrigger(expected, &error); // with the defaults the builder writes
    QVERIFY2(parsed, qPrintable(error));
    const QJsonDocument want = QJsonDocument::fromJson(serializeTrigger(*parsed));
    const QJsonDocument got = QJsonDocument::fromJson(serializeTrigger(m_builder->trigger()));
    QVERIFY2(got == want, got.toJson(QJsonDocument::Compact).constData());
    const QJsonDocument text =
        QJsonDocument::fromJson(m_builder->jsonEditor()->toPlainText().toUtf8());
    QVERIFY2(text == want, qPrintable(m_builder->jsonEditor()->toPlainText()));
}

// --- building through the form ----------------------------------------------------------------

void TestTriggerBuilder::reactiveEventTrigger()
{
    QSignalSpy changed(m_builder.get(), &TriggerBuilder::triggerChanged);
    clickRadio(u"postureReactive"_s);
    addChip(u"expect"_s, u"prefect.flow-run.Failed"_s);
    addChip(u"match"_s, u"prefect.resource.id=prefect.flow-run.*"_s);
    click(u"matchRelatedAdd"_s);
    addChip(u"matchRelated0"_s, u"prefect.resource.role=deployment"_s);
    addChip(u"matchRelated0"_s, u"prefect.resource.id="_s + kDeployment);
    addChip(u"forEach"_s, u"prefect.resource.id"_s);
    addChip(u"forEach"_s, u"related:deployment:prefect.resource.id"_s);
    widget<QSpinBox>(u"threshold"_s)->setValue(3);
    widget<QSpinBox>(u"withinValue"_s)->setValue(10);
    widget<QComboBox>(u"withinUnit"_s)->setCurrentIndex(1); // minutes
    QCOMPARE(changed.count(), 10);

    compareJson(R"({"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Failed"],
        "match": {"prefect.resource.id": "prefect.flow-run.*"},
        "match_related": {"prefect.resource.role": "deployment",
                          "prefect.resource.id": "prefect.deployment.b2c3d4e5-f6a7-8901-bcde-f12345678901"},
        "for_each": ["prefect.resource.id", "related:deployment:prefect.resource.id"],
        "threshold": 3, "within": 600})");
    QVERIFY2(m_builder->isValid(), qPrintable(m_builder->errorText()));
    QCOMPARE(widget<QLabel>(u"summary"_s)->text(), summarize(m_builder->trigger()));
    QVERIFY(widget<QLabel>(u"summary"_s)->text().contains(u"within 10 minutes"_s));
    QVERIFY(widget<QLabel>(u"validation"_s)->text().startsWith(u"✔"_s));
    QCOMPARE(m_builder->form()->tree()->topLevelItem(0)->text(0),
             u"3 × prefect.flow-run.Failed within 10 minutes"_s);

    // A chip clicked goes back to the line, and Enter replaces it in place.
    auto *match = widget<ChipEditor>(u"match"_s);
    match->editAt(0);
    QCOMPARE(match->input()->text(), u"prefect.resource.id=prefect.flow-run.*"_s);
    match->input()->selectAll();
    QTest::keyClicks(match->input(), u"prefect.resource.id=prefect.flow-run.e*"_s);
    QTest::keyClick(match->input(), Qt::Key_Return);
    QCOMPARE(match->items(), QStringList{u"prefect.resource.id=prefect.flow-run.e*"_s});
    // A text without `=` is refused with a reason.
    QTest::keyClicks(match->input(), u"nonsense"_s);
    QTest::keyClick(match->input(), Qt::Key_Return);
    QVERIFY(widget<QLabel>(u"matchError"_s)->isVisible());
    QCOMPARE(match->items().size(), 1);
}

void TestTriggerBuilder::proactiveAfterExpect()
{
    clickRadio(u"postureProactive"_s);
    addChip(u"after"_s, u"prefect.flow-run.Running"_s);
    addChip(u"expect"_s, u"prefect.flow-run.Completed"_s);
    addChip(u"expect"_s, u"prefect.flow-run.Failed"_s);
    addChip(u"forEach"_s, u"prefect.resource.id"_s);
    widget<QSpinBox>(u"withinValue"_s)->setValue(1);
    widget<QComboBox>(u"withinUnit"_s)->setCurrentIndex(2); // hours
    // The × of a chip removes it.
    auto *expect = widget<ChipEditor>(u"expect"_s);
    QList<QToolButton *> removes = expect->findChildren<QToolButton *>(u"expectChipRemove"_s);
    QCOMPARE(removes.size(), 2);
    QTest::mouseClick(removes.back(), Qt::LeftButton);
    QCOMPARE(expect->items(), QStringList{u"prefect.flow-run.Completed"_s});

    compareJson(R"({"type": "event", "posture": "Proactive", "after": ["prefect.flow-run.Running"],
        "expect": ["prefect.flow-run.Completed"], "for_each": ["prefect.resource.id"],
        "threshold": 1, "within": 3600})");
    QVERIFY(m_builder->isValid());
    QVERIFY(widget<QLabel>(u"summary"_s)->text().startsWith(u"When no "_s));
}

void TestTriggerBuilder::compoundTwoOfThree()
{
    // The lone event trigger cannot take a sibling until it is wrapped.
    QVERIFY(!widget<QPushButton>(u"addEvent"_s)->isEnabled());
    click(u"wrapCompound"_s);
    QCOMPARE(m_builder->form()->currentPath(), QList<int>{});
    select({0});
    addChip(u"expect"_s, u"prefect.flow-run.Failed"_s);
    click(u"addEvent"_s); // after the selected event, in its parent
    QCOMPARE(m_builder->form()->currentPath(), QList<int>{1});
    addChip(u"expect"_s, u"prefect.flow-run.Crashed"_s);
    select({});
    click(u"addEvent"_s); // the last child of the selected compound
    QCOMPARE(m_builder->form()->currentPath(), QList<int>{2});
    addChip(u"expect"_s, u"prefect.flow-run.TimedOut"_s);
    select({});
    widget<QComboBox>(u"requireKind"_s)->setCurrentIndex(2); // at least
    widget<QSpinBox>(u"requireCount"_s)->setValue(2);
    QVERIFY(widget<QCheckBox>(u"compositeWithinUnlimited"_s)->isChecked());
    QTest::mouseClick(widget<QCheckBox>(u"compositeWithinUnlimited"_s), Qt::LeftButton);
    widget<QSpinBox>(u"compositeWithinValue"_s)->setValue(5);
    widget<QComboBox>(u"compositeWithinUnit"_s)->setCurrentIndex(1);

    compareJson(R"({"type": "compound", "require": 2, "within": 300, "triggers": [
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Failed"]},
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Crashed"]},
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.TimedOut"]}]})");
    QVERIFY2(m_builder->isValid(), qPrintable(m_builder->errorText()));
    QCOMPARE(m_builder->form()->tree()->topLevelItem(0)->text(0),
             u"Compound: 2 of 3 within 5 minutes"_s);

    // More required than there are children: the error shows on the compound's form.
    widget<QSpinBox>(u"requireCount"_s)->setValue(4);
    QVERIFY(widget<QLabel>(u"compositeError"_s)->isVisible());
    QVERIFY(!m_builder->isValid());
    QVERIFY(m_builder->errorText().startsWith(u"trigger.require: "_s));
}

void TestTriggerBuilder::sequenceOfTwo()
{
    click(u"wrapSequence"_s);
    select({0});
    addChip(u"expect"_s, u"prefect.flow-run.Running"_s);
    click(u"addEvent"_s);
    addChip(u"expect"_s, u"prefect.flow-run.Pending"_s);
    // Order matters in a sequence: Pending goes first.
    QVERIFY(!widget<QPushButton>(u"moveDown"_s)->isEnabled());
    click(u"moveUp"_s);
    QCOMPARE(m_builder->form()->currentPath(), QList<int>{0});
    // A third one, removed again.
    click(u"addSequence"_s);
    QCOMPARE(m_builder->form()->currentPath(), QList<int>{1});
    click(u"removeTrigger"_s);
    select({});
    QCOMPARE(m_builder->form()->tree()->topLevelItem(0)->childCount(), 2);
    QTest::mouseClick(widget<QCheckBox>(u"compositeWithinUnlimited"_s), Qt::LeftButton);
    widget<QSpinBox>(u"compositeWithinValue"_s)->setValue(2);
    widget<QComboBox>(u"compositeWithinUnit"_s)->setCurrentIndex(1);

    compareJson(R"({"type": "sequence", "within": 120, "triggers": [
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Pending"]},
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Running"]}]})");
    QVERIFY(m_builder->isValid());
    QVERIFY(!widget<QComboBox>(u"requireKind"_s)->isVisible());
    QVERIFY(widget<QLabel>(u"summary"_s)->text().contains(u", in order, within 2 minutes"_s));
}

// --- JSON and form in step ----------------------------------------------------------------------

void TestTriggerBuilder::jsonEditUpdatesFormAndKeepsUnknownMembers()
{
    QSignalSpy changed(m_builder.get(), &TriggerBuilder::triggerChanged);
    const QString typed = uR"({"type": "event", "posture": "Reactive", "threshold": 2,
  "expect": ["prefect.flow-run.Failed"], "within": 0.0, "x-note": {"keep": [1, 2.50]}})"_s;
    typeJson(typed);
    QTRY_COMPARE(widget<QSpinBox>(u"threshold"_s)->value(), 2);
    QCOMPARE(changed.count(), 1); // debounced: once for the whole text
    QCOMPARE(widget<ChipEditor>(u"expect"_s)->items(), QStringList{u"prefect.flow-run.Failed"_s});
    QCOMPARE(m_builder->jsonEditor()->toPlainText(), typed); // the text as typed
    QVERIFY(m_builder->isValid());

    // A form edit rewrites the JSON; the unknown member and `0.0` survive.
    widget<QSpinBox>(u"threshold"_s)->setValue(4);
    QCOMPARE(changed.count(), 2);
    const QByteArray json = serializeTrigger(m_builder->trigger());
    QVERIFY2(json.contains(R"("threshold":4,"within":0.0,"x-note":{"keep":[1,2.50]})"),
             json.constData());
    const QString text = m_builder->jsonEditor()->toPlainText();
    QVERIFY(text.contains(u"\"x-note\": {"_s));
    const auto reparsed = parseTrigger(text.toUtf8());
    QVERIFY(reparsed);
    QCOMPARE(serializeTrigger(*reparsed), json);
}

void TestTriggerBuilder::invalidJsonKeepsForm()
{
    typeJson(uR"({"type": "event", "posture": "Reactive", "threshold": 2})"_s);
    QTRY_COMPARE(widget<QSpinBox>(u"threshold"_s)->value(), 2);
    const Trigger before = m_builder->trigger();

    typeJson(uR"({"type": "event", "posture": "Reactive", "threshold": "x"})"_s);
    QTRY_VERIFY(widget<QLabel>(u"jsonError"_s)->isVisible());
    QCOMPARE(widget<QLabel>(u"jsonError"_s)->text(),
             u"trigger.threshold: Input should be a valid integer"_s);
    QVERIFY(!m_builder->isValid());
    QCOMPARE(m_builder->errorText(), widget<QLabel>(u"jsonError"_s)->text());
    QCOMPARE(widget<QSpinBox>(u"threshold"_s)->value(), 2);
    QVERIFY(m_builder->trigger() == before);

    typeJson(u"{\"type\": \"event\",\n  \"threshold\": ]"_s);
    QTRY_VERIFY(widget<QLabel>(u"jsonError"_s)->text().startsWith(u"JSON, line 2, column 16: "_s));
    QCOMPARE(widget<QSpinBox>(u"threshold"_s)->value(), 2);

    // Mended, the form follows again and the error goes.
    typeJson(uR"({"type": "event", "posture": "Reactive", "threshold": 5})"_s);
    QTRY_COMPARE(widget<QSpinBox>(u"threshold"_s)->value(), 5);
    QVERIFY(!widget<QLabel>(u"jsonError"_s)->isVisible());
    QVERIFY(m_builder->isValid());
}

void TestTriggerBuilder::proactiveWithinFiveSeconds()
{
    clickRadio(u"postureProactive"_s);
    QVERIFY(!widget<QLabel>(u"withinError"_s)->isVisible()); // 0 means the default 10 s
    QCOMPARE(widget<QSpinBox>(u"withinValue"_s)->text(), u"10 seconds (default)"_s);
    widget<QSpinBox>(u"withinValue"_s)->setValue(5);
    QVERIFY(widget<QLabel>(u"withinError"_s)->isVisible());
    QCOMPARE(widget<QLabel>(u"withinError"_s)->text(),
             u"`within` for Proactive triggers must be greater than or equal to 10 seconds"_s);
    QVERIFY(!m_builder->isValid());
    QVERIFY(m_builder->errorText().startsWith(u"trigger.within: "_s));
    QVERIFY(widget<QLabel>(u"validation"_s)->text().startsWith(u"✖"_s));
    widget<QSpinBox>(u"withinValue"_s)->setValue(10);
    QVERIFY(!widget<QLabel>(u"withinError"_s)->isVisible());
    QVERIFY(m_builder->isValid());
    // Reactive: 0 reads "immediately".
    clickRadio(u"postureReactive"_s);
    widget<QSpinBox>(u"withinValue"_s)->setValue(0);
    QCOMPARE(widget<QSpinBox>(u"withinValue"_s)->text(), u"immediately"_s);
}

void TestTriggerBuilder::automationBodyKeepsItsMembers()
{
    typeJson(uR"({"name": "Failures", "enabled": false, "trigger": {"type": "event",
  "posture": "Reactive", "expect": ["prefect.flow-run.Failed"], "threshold": 1, "within": 0},
  "actions": [{"type": "do-nothing"}]})"_s);
    QTRY_COMPARE(widget<ChipEditor>(u"expect"_s)->items(),
                 QStringList{u"prefect.flow-run.Failed"_s});
    QVERIFY(m_builder->automation());
    widget<QSpinBox>(u"threshold"_s)->setValue(2);
    const auto automation = parseAutomation(m_builder->jsonEditor()->toPlainText().toUtf8());
    QVERIFY(automation);
    QCOMPARE(serializeAutomation(*automation), m_builder->json());
    QVERIFY(m_builder->json().startsWith(R"({"name":"Failures","enabled":false,"trigger":{)"));
    QVERIFY(m_builder->json().endsWith(R"("actions":[{"type":"do-nothing"}]})"));
    QCOMPARE(automation->trigger.event()->threshold, 2);
    // setTrigger() starts over with a bare trigger.
    m_builder->setTrigger(automation->trigger);
    QVERIFY(!m_builder->automation());
}

void TestTriggerBuilder::roundTripWithoutLoss_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("lists and strings") << QByteArray(
        R"({"type":"event","match":{"prefect.resource.id":["prefect.flow-run.*"],"a":"b"},)"
        R"("match_related":[{"prefect.resource.role":"flow"}],"posture":"Reactive","within":60.0})");
    QTest::addRow("related list of two") << QByteArray(
        R"({"type":"event","match_related":[{"prefect.resource.role":"flow"},)"
        R"({"prefect.resource.role":"tag","prefect.resource.id":["prefect.tag.a","prefect.tag.b"]}],)"
        R"("posture":"Reactive"})");
    QTest::addRow("empty related list") << QByteArray(
        R"({"type":"event","match_related":[],"match":{"x":[]},"posture":"Reactive"})");
    QTest::addRow("nested with ids and unknowns") << QByteArray(
        R"({"type":"compound","id":"0b3b8c2e-9a59-4c1e-9a57-4d1e5b0b1a01","require":"any","within":null,)"
        R"("triggers":[{"type":"sequence","within":3.5,"triggers":[{"type":"event","posture":"Proactive",)"
        R"("within":0,"extra":true}],"note":"n"},{"posture":"Reactive","threshold":7}],"zz":[null]})");
}

// Showing every node's form changes nothing: what is not edited is given back as it came.
void TestTriggerBuilder::roundTripWithoutLoss()
{
    QFETCH(QByteArray, json);
    const auto parsed = parseTrigger(json);
    QVERIFY(parsed);
    m_builder->setTrigger(*parsed);
    QTreeWidget *tree = m_builder->form()->tree();
    QList<QTreeWidgetItem *> items{tree->topLevelItem(0)};
    for (qsizetype i = 0; i < items.size(); ++i) {
        for (int c = 0; c < items[i]->childCount(); ++c)
            items.append(items[i]->child(c));
        tree->setCurrentItem(items[i]);
    }
    QCOMPARE(serializeTrigger(m_builder->trigger()), serializeTrigger(*parsed));
    const auto fromText = parseTrigger(m_builder->jsonEditor()->toPlainText().toUtf8());
    QVERIFY(fromText);
    QCOMPARE(serializeTrigger(*fromText), serializeTrigger(*parsed));
}

void TestTriggerBuilder::chipsOfSpecs()
{
    ResourceSpec spec;
    spec.set(ResourceSpec::Entry{u"prefect.resource.id"_s, {u"a"_s, u"b"_s}, false});
    spec.set(ResourceSpec::Entry{u"prefect.resource.name"_s, {u"n"_s}, false});
    spec.set(ResourceSpec::Entry{u"none"_s, {}, false});
    const QStringList chips = specToChips(spec);
    QCOMPARE(chips, (QStringList{u"prefect.resource.id=a"_s, u"prefect.resource.id=b"_s,
                                 u"prefect.resource.name=n"_s, u"none ∅"_s}));
    QCOMPARE(chipsToSpec(chips, spec), spec); // `["n"]` stays a list
    // A changed label is written as one string when it has one pattern.
    const ResourceSpec fewer = chipsToSpec({u"prefect.resource.id=b"_s, u"x=y=z"_s}, spec);
    QCOMPARE(fewer.entries.size(), 2);
    QCOMPARE(fewer.entries[0], (ResourceSpec::Entry{u"prefect.resource.id"_s, {u"b"_s}, true}));
    QCOMPARE(fewer.entries[1], (ResourceSpec::Entry{u"x"_s, {u"y=z"_s}, true}));
}

void TestTriggerBuilder::completionRows_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QStringList>("expected");
    const int event = int(PatternCompleter::Mode::EventName);
    const int label = int(PatternCompleter::Mode::Label);
    const int forEach = int(PatternCompleter::Mode::ForEach);
    QTest::addRow("event names and families")
        << event << u"prefect.task-run."_s
        << QStringList{u"prefect.task-run.*"_s, u"prefect.task-run.Completed"_s,
                       u"prefect.task-run.Pending"_s, u"prefect.task-run.Running"_s};
    QTest::addRow("label keys") << label << u"prefect.resource.r"_s
                                << QStringList{u"prefect.resource.role="_s};
    QTest::addRow("label values") << label << u"prefect.resource.role=work-"_s
                                  << QStringList{u"prefect.resource.role=work-pool"_s,
                                                 u"prefect.resource.role=work-queue"_s};
    QTest::addRow("for_each related roles")
        << forEach << u"related:de"_s
        << QStringList{u"related:deployment:"_s, u"related:deployment:prefect.resource.id"_s};
    QTest::addRow("for_each related labels")
        << forEach << u"related:flow:prefect.resource.n"_s
        << QStringList{u"related:flow:prefect.resource.name"_s};
    QTest::addRow("for_each keys")
        << forEach << u"prefect.resource.i"_s << QStringList{u"prefect.resource.id"_s};
}

void TestTriggerBuilder::completionRows()
{
    QFETCH(int, mode);
    QFETCH(QString, typed);
    QFETCH(QStringList, expected);
    QLineEdit line;
    PatternCompleter completer(&line, PatternCompleter::Mode(mode), &m_store);
    QStringList rows = completer.rowsFor(typed);
    std::sort(rows.begin(), rows.end());
    QCOMPARE(rows, expected);
}

void TestTriggerBuilder::completionPopupInTheForm()
{
    m_builder->setStore(&m_store);
    auto *input = widget<QLineEdit>(u"expectInput"_s);
    auto *chips = widget<ChipEditor>(u"expect"_s);
    new QAbstractItemModelTester(chips->completer()->completer()->completionModel(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest, input);
    input->setFocus();
    QTest::keyClicks(input, u"prefect.flow-run.F"_s);
    QAbstractItemView *popup = chips->completer()->completer()->popup();
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClick(popup, Qt::Key_Tab);
    QCOMPARE(input->text(), u"prefect.flow-run.Failed"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QCOMPARE(chips->items(), QStringList{u"prefect.flow-run.Failed"_s});

    // A label key accepted goes on to its values.
    click(u"matchRelatedAdd"_s);
    auto *related = widget<QLineEdit>(u"matchRelated0Input"_s);
    QTRY_VERIFY(related->hasFocus());
    QCOMPARE(related->text(), u"prefect.resource.role="_s);
    PatternCompleter *roles = widget<ChipEditor>(u"matchRelated0"_s)->completer();
    QTRY_VERIFY(roles->completer()->popup()->isVisible());
    QVERIFY(roles->rowsFor(related->text()).contains(u"prefect.resource.role=deployment"_s));
}

// EVENTDECK_SCREENSHOTS=DIR writes the builder with a compound trigger: an event child, one
// with an inline error, the compound's own form, and the last in a dark palette set at run time.
void TestTriggerBuilder::screenshots()
{
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set EVENTDECK_SCREENSHOTS=DIR to write screenshots");
    m_builder->setStore(&m_store);
    const auto t = parseTrigger(R"({"type": "compound", "require": 2, "within": 3600, "triggers": [
        {"type": "event", "posture": "Reactive", "expect": ["prefect.flow-run.Failed"],
         "match": {"prefect.resource.id": "prefect.flow-run.*"},
         "match_related": {"prefect.resource.role": "deployment", "prefect.resource.name": "etl/prod"},
         "for_each": ["related:deployment:prefect.resource.id"], "threshold": 3, "within": 600},
        {"type": "event", "posture": "Proactive", "after": ["prefect.flow-run.Running"],
         "expect": ["prefect.flow-run.Completed"], "for_each": ["prefect.resource.id"], "within": 60},
        {"type": "sequence", "within": null, "triggers": [
          {"type": "event", "posture": "Reactive", "expect": ["prefect.work-pool.not-ready"]},
          {"type": "event", "posture": "Reactive", "expect": ["prefect.work-pool.ready"]}]}]})");
    QVERIFY(t);
    m_builder->setTrigger(*t);
    m_builder->resize(1500, 860);
    const auto shoot = [this, &dir](const QList<int> &path, const QString &name) {
        select(path);
        QTest::qWait(200);
        return m_builder->grab().save(dir + u"/triggerbuilder"_s + name + u".png"_s);
    };
    QVERIFY(shoot({0}, {}));
    select({1});
    widget<QSpinBox>(u"withinValue"_s)->setValue(5);
    widget<QComboBox>(u"withinUnit"_s)->setCurrentIndex(0);
    QVERIFY(shoot({1}, u"-error"_s));
    QVERIFY(shoot({}, u"-compound"_s));
    const QPalette system = QApplication::palette();
    QPalette dark(QColor(0x30, 0x33, 0x37), QColor(0x26, 0x28, 0x2c)); // button, window
    dark.setColor(QPalette::Base, QColor(0x1d, 0x1f, 0x22));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2d, 0x31));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(role, QColor(0xe6, 0xe6, 0xe6));
    QApplication::setPalette(dark);
    const bool saved = shoot({1}, u"-dark"_s);
    QApplication::setPalette(system);
    QVERIFY(saved);
}

QTEST_MAIN(TestTriggerBuilder)
#include "tst_triggerbuilder.moc"
