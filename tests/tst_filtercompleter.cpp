// The filter bar's completion: the rows offered at each stage of a term as it is typed, what
// accepting one does to the line (only the current term changes; values are quoted), and the
// keys (Tab and Enter accept, Esc closes, Enter with nothing chosen applies the filter).

#include "core/eventstore.h"
#include "core/filterexpression.h"
#include "core/importer.h"
#include "ui/filtercompleter.h"
#include "tests/fixtureevents.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

using namespace ed;
using namespace ed::ui;

class TestFilterCompleter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void rowsAtEachStage_data();
    void rowsAtEachStage();
    void stepsThroughOneTerm();
    void rewritesOnlyTheCurrentTerm_data();
    void rewritesOnlyTheCurrentTerm();
    void quotesValues_data();
    void quotesValues();
    void eventPrefixes();
    void enterWithNothingChosenApplies();
    void enterWhileHiddenIsNeverStolen();
    void escapeCloses();
    void tabBeforeThePauseCompletes();
    void ctrlSpaceOffersEveryKey();
    void withoutStoreOnlyKeys();
    void refreshOnLargeCache();

private:
    QStringList rows() const;
    QAbstractItemView *popup() const { return m_completer->completer()->popup(); }
    /// Puts `text` in the line with the cursor at `cursor` (-1: the end), then types `typed`.
    void type(const QString &text, qsizetype cursor, const QString &typed);

    QTemporaryDir m_dir;
    EventStore m_store;
    std::unique_ptr<QWidget> m_window;
    QLineEdit *m_line = nullptr;
    FilterCompleter *m_completer = nullptr;
};

void TestFilterCompleter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("cache.sqlite"))));
    const QList<Event> events = testsupport::fixtureEvents();
    QVERIFY(m_store.ingest(events, QStringLiteral("file:fixture")).stored >= 20);
}

void TestFilterCompleter::init()
{
    m_window = std::make_unique<QWidget>();
    auto *layout = new QVBoxLayout(m_window.get());
    m_line = new QLineEdit(m_window.get());
    m_line->setObjectName(QStringLiteral("filterExpression"));
    layout->addWidget(m_line);
    layout->addWidget(new QLineEdit(m_window.get())); // somewhere for Tab to go
    // The one line the main window needs.
    m_completer = new FilterCompleter(m_line, &m_store, m_window.get());
    new QAbstractItemModelTester(m_completer->completer()->model(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_window.get());
    m_window->resize(640, 80);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_line->setFocus();
    QTRY_VERIFY(m_line->hasFocus());
}

void TestFilterCompleter::cleanup()
{
    m_window.reset();
}

QStringList TestFilterCompleter::rows() const
{
    QStringList out;
    const QAbstractItemModel *model = m_completer->completer()->completionModel();
    for (int r = 0; r < model->rowCount(); ++r)
        out += model->index(r, 0).data().toString();
    return out;
}

void TestFilterCompleter::type(const QString &text, qsizetype cursor, const QString &typed)
{
    m_line->setText(text);
    m_line->setCursorPosition(int(cursor < 0 ? text.size() : cursor));
    QTest::keyClicks(m_line, typed);
}

void TestFilterCompleter::rowsAtEachStage_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("anyOrder"); // values come most used first

    QTest::addRow("term key") << QStringLiteral("la") << QStringList{QStringLiteral("label:")}
                              << false;
    QTest::addRow("term key, any case")
        << QStringLiteral("LA") << QStringList{QStringLiteral("label:")} << false;
    QTest::addRow("term keys") << QStringLiteral("re")
                               << QStringList{QStringLiteral("resource:"),
                                              QStringLiteral("related-role:"),
                                              QStringLiteral("related-label:")}
                               << false;
    QTest::addRow("negated term key")
        << QStringLiteral("-ev") << QStringList{QStringLiteral("-event:")} << false;
    QTest::addRow("not negatable") << QStringLiteral("-si") << QStringList{} << false;
    QTest::addRow("bare word") << QStringLiteral("hello") << QStringList{} << false;
    QTest::addRow("label keys") << QStringLiteral("label:prefect.res")
                                << QStringList{QStringLiteral("prefect.resource.id"),
                                               QStringLiteral("prefect.resource.name"),
                                               QStringLiteral("prefect.resource.role")}
                                << false;
    QTest::addRow("related label keys")
        << QStringLiteral("related-label:prefect.resource.r")
        << QStringList{QStringLiteral("prefect.resource.role")} << false;
    QTest::addRow("label values") << QStringLiteral("label:prefect.resource.name=my")
                                  << QStringList{QStringLiteral("my-etl-flow"),
                                                 QStringLiteral("my-etl-flow/production"),
                                                 QStringLiteral("my-k8s-pool"),
                                                 QStringLiteral("my-k8s-worker"),
                                                 QStringLiteral("my_task")}
                                  << true;
    QTest::addRow("negated pattern")
        << QStringLiteral("any-label:prefect.resource.name=!my-k")
        << QStringList{QStringLiteral("my-k8s-pool"), QStringLiteral("my-k8s-worker")} << true;
    QTest::addRow("inside quotes") << QStringLiteral("label:prefect.resource.name=\"My S")
                                   << QStringList{QStringLiteral("My Sweet Deployment")} << false;
    QTest::addRow("quoted key") << QStringLiteral("label:\"prefect.resource.name\"=my-e")
                                << QStringList{QStringLiteral("my-etl-flow"),
                                               QStringLiteral("my-etl-flow/production")}
                                << true;
    QTest::addRow("complete value")
        << QStringLiteral("label:prefect.resource.name=my_task") << QStringList{} << false;
    QTest::addRow("event names") << QStringLiteral("event:prefect.flow-run.C")
                                 << QStringList{QStringLiteral("prefect.flow-run.Completed")}
                                 << false;
    QTest::addRow("excluded event names")
        << QStringLiteral("-event:prefect.task-run.")
        << QStringList{QStringLiteral("prefect.task-run.*"),
                       QStringLiteral("prefect.task-run.Completed"),
                       QStringLiteral("prefect.task-run.Pending"),
                       QStringLiteral("prefect.task-run.Running")}
        << false;
    QTest::addRow("roles") << QStringLiteral("related-role:wo")
                           << QStringList{QStringLiteral("work-pool"), QStringLiteral("work-queue"),
                                          QStringLiteral("worker")}
                           << false;
    QTest::addRow("resource ids")
        << QStringLiteral("resource:prefect.work-")
        << QStringList{QStringLiteral("prefect.work-pool.c3d4e5f6-a7b8-9012-cdef-123456789012"),
                       QStringLiteral("prefect.work-queue.3c4d5e6f-7081-4923-8b4c-5d6e7f8091a2"),
                       QStringLiteral("prefect.work-queue.d4e5f6a7-b890-1234-5678-9012abcdef34")}
        << true;
    QTest::addRow("no completion for times")
        << QStringLiteral("since:-1") << QStringList{} << false;
}

void TestFilterCompleter::rowsAtEachStage()
{
    QFETCH(QString, typed);
    QFETCH(QStringList, expected);
    QFETCH(bool, anyOrder);
    QTest::keyClicks(m_line, typed);
    if (expected.isEmpty()) {
        QTest::qWait(3 * FilterCompleter::debounceMs);
        QVERIFY(!popup()->isVisible());
        return;
    }
    if (anyOrder) {
        std::sort(expected.begin(), expected.end());
        QTRY_COMPARE(
            [&] {
                QStringList r = rows();
                r.sort();
                return r;
            }(),
            expected);
    } else {
        QTRY_COMPARE(rows(), expected);
    }
    QTRY_VERIFY(popup()->isVisible());
    QCOMPARE(m_line->text(), typed); // offering changes nothing
}

void TestFilterCompleter::stepsThroughOneTerm()
{
    QTest::keyClicks(m_line, QStringLiteral("la"));
    QTRY_COMPARE(rows(), QStringList{QStringLiteral("label:")});
    QTRY_VERIFY(popup()->isVisible());
    QTest::keyClick(popup(), Qt::Key_Tab);
    QCOMPARE(m_line->text(), QStringLiteral("label:"));
    // The term goes on: its label keys are offered at once.
    QVERIFY(popup()->isVisible());
    QVERIFY(rows().contains(QStringLiteral("prefect.resource.name")));
    QVERIFY(rows().contains(QStringLiteral("kubernetes.namespace")));

    QTest::keyClicks(m_line, QStringLiteral("prefect.resource.na"));
    QTRY_COMPARE(rows(), QStringList{QStringLiteral("prefect.resource.name")});
    QTest::keyClick(popup(), Qt::Key_Down);
    QTest::keyClick(popup(), Qt::Key_Return);
    QCOMPARE(m_line->text(), QStringLiteral("label:prefect.resource.name="));
    QVERIFY(popup()->isVisible());
    QVERIFY(rows().contains(QStringLiteral("My Sweet Deployment")));

    QTest::keyClicks(m_line, QStringLiteral("my-etl"));
    QTRY_COMPARE(rows().size(), 2);
    QTest::keyClick(popup(), Qt::Key_Down);
    QTest::keyClick(popup(), Qt::Key_Down);
    const QString chosen = popup()->currentIndex().data().toString();
    QTest::keyClick(popup(), Qt::Key_Enter);
    QCOMPARE(m_line->text(), QStringLiteral("label:prefect.resource.name=") + chosen);
    QVERIFY(!popup()->isVisible());
    QCOMPARE(m_line->cursorPosition(), m_line->text().size());
}

void TestFilterCompleter::rewritesOnlyTheCurrentTerm_data()
{
    QTest::addColumn<QString>("before"); // `|` marks the cursor
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("after");

    QTest::addRow("term key") << QStringLiteral("event:hello | since:-1h")
                              << QStringLiteral("related-r")
                              << QStringLiteral("event:hello related-role: since:-1h");
    QTest::addRow("term key before its value")
        << QStringLiteral("event:hello |:x since:-1h") << QStringLiteral("-eve")
        << QStringLiteral("event:hello -event:x since:-1h");
    QTest::addRow("label key")
        << QStringLiteral("event:prefect.flow-run.Failed label:prefect.res| since:-1h")
        << QStringLiteral("ource.na")
        << QStringLiteral("event:prefect.flow-run.Failed label:prefect.resource.name= since:-1h");
    QTest::addRow("label key before its value")
        << QStringLiteral("a label:prefect.res|=my* b") << QStringLiteral("ource.na")
        << QStringLiteral("a label:prefect.resource.name=my* b");
    QTest::addRow("label value")
        << QStringLiteral("since:-1h label:prefect.resource.name=my-etl-flow|x  text:foo")
        << QStringLiteral("/")
        << QStringLiteral("since:-1h label:prefect.resource.name=my-etl-flow/production  text:foo");
    QTest::addRow("event")
        << QStringLiteral("label:a=b event:prefect.flow-run.|Cx -event:prefect.log.write")
        << QStringLiteral("F")
        << QStringLiteral("label:a=b event:prefect.flow-run.Failed -event:prefect.log.write");
    QTest::addRow("role") << QStringLiteral("\"some words\" related-role:|") << QStringLiteral("cr")
                          << QStringLiteral("\"some words\" related-role:creator");
}

void TestFilterCompleter::rewritesOnlyTheCurrentTerm()
{
    QFETCH(QString, before);
    QFETCH(QString, typed);
    QFETCH(QString, after);
    const qsizetype cursor = before.indexOf(u'|');
    type(before.remove(cursor, 1), cursor, typed);
    QTRY_VERIFY(popup()->isVisible());
    QCOMPARE(rows().size(), 1);
    QTest::keyClick(popup(), Qt::Key_Tab);
    QCOMPARE(m_line->text(), after);
}

void TestFilterCompleter::quotesValues_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("negated");

    QTest::addRow("label") << QStringLiteral("label:prefect.resource.name=My")
                           << QStringLiteral("label:prefect.resource.name=\"My Sweet Deployment\"")
                           << QStringLiteral("label")
                           << QStringLiteral("prefect.resource.name=My Sweet Deployment") << false;
    QTest::addRow("inside an open quote")
        << QStringLiteral("related-label:prefect.resource.name=\"My")
        << QStringLiteral("related-label:prefect.resource.name=\"My Sweet Deployment\"")
        << QStringLiteral("related-label")
        << QStringLiteral("prefect.resource.name=My Sweet Deployment") << false;
    QTest::addRow("negated") << QStringLiteral("-label:prefect.resource.name=!My")
                             << QStringLiteral(
                                    "-label:prefect.resource.name=\"!My Sweet Deployment\"")
                             << QStringLiteral("label")
                             << QStringLiteral("prefect.resource.name=!My Sweet Deployment")
                             << true;
}

void TestFilterCompleter::quotesValues()
{
    QFETCH(QString, typed);
    QFETCH(QString, after);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(bool, negated);
    QTest::keyClicks(m_line, typed);
    QTRY_COMPARE(rows(), QStringList{QStringLiteral("My Sweet Deployment")});
    QTest::keyClick(popup(), Qt::Key_Tab);
    QCOMPARE(m_line->text(), after);
    const auto terms = parseFilterExpression(m_line->text());
    QVERIFY(terms);
    QCOMPARE(terms->size(), 1);
    QCOMPARE(terms->first().key, key);
    QCOMPARE(terms->first().value, value);
    QCOMPARE(terms->first().negated, negated);
}

void TestFilterCompleter::eventPrefixes()
{
    QTest::keyClicks(m_line, QStringLiteral("event:prefect.fl"));
    QTRY_COMPARE(rows(), (QStringList{QStringLiteral("prefect.flow-run.*"),
                                      QStringLiteral("prefect.flow-run.Completed"),
                                      QStringLiteral("prefect.flow-run.Failed"),
                                      QStringLiteral("prefect.flow-run.Pending"),
                                      QStringLiteral("prefect.flow-run.Running"),
                                      QStringLiteral("prefect.flow-run.completed")}));
    m_line->clear();
    QTest::keyClicks(m_line, QStringLiteral("event:prefect.a"));
    QTRY_VERIFY(rows().contains(QStringLiteral("prefect.automation.action.*")));
    QCOMPARE(rows().first(), QStringLiteral("prefect.automation.*"));
    QTest::keyClick(popup(), Qt::Key_Tab);
    QCOMPARE(m_line->text(), QStringLiteral("event:prefect.automation.*"));
    QTest::qWait(3 * FilterCompleter::debounceMs);
    QVERIFY(!popup()->isVisible()); // a value accepted: nothing more to offer
}

void TestFilterCompleter::enterWithNothingChosenApplies()
{
    QSignalSpy applied(m_line, &QLineEdit::returnPressed);
    QTest::keyClicks(m_line, QStringLiteral("label:prefect.resource.name=my"));
    QTRY_VERIFY(popup()->isVisible());
    QVERIFY(!popup()->currentIndex().isValid());
    QTest::keyClick(popup(), Qt::Key_Return);
    QCOMPARE(applied.size(), 1);
    QCOMPARE(m_line->text(), QStringLiteral("label:prefect.resource.name=my"));
    QVERIFY(!popup()->isVisible());
    QTest::qWait(3 * FilterCompleter::debounceMs);
    QVERIFY(!popup()->isVisible());
}

void TestFilterCompleter::enterWhileHiddenIsNeverStolen()
{
    QSignalSpy applied(m_line, &QLineEdit::returnPressed);
    // Typed faster than the pause: Enter applies, and nothing pops up afterwards.
    QTest::keyClicks(m_line, QStringLiteral("la"));
    QTest::keyClick(m_line, Qt::Key_Return);
    QCOMPARE(applied.size(), 1);
    QTest::qWait(3 * FilterCompleter::debounceMs);
    QVERIFY(!popup()->isVisible());
    // Closed with Esc, then Enter.
    QTest::keyClicks(m_line, QStringLiteral("bel:prefect.resource.n"));
    QTRY_VERIFY(popup()->isVisible());
    QTest::keyClick(popup(), Qt::Key_Escape);
    QVERIFY(!popup()->isVisible());
    QTest::keyClick(m_line, Qt::Key_Return);
    QCOMPARE(applied.size(), 2);
    QCOMPARE(m_line->text(), QStringLiteral("label:prefect.resource.n"));
}

void TestFilterCompleter::escapeCloses()
{
    QSignalSpy applied(m_line, &QLineEdit::returnPressed);
    QTest::keyClicks(m_line, QStringLiteral("event:prefect.flow-run."));
    QTRY_VERIFY(popup()->isVisible());
    QTest::keyClick(popup(), Qt::Key_Down);
    QTest::keyClick(popup(), Qt::Key_Escape);
    QVERIFY(!popup()->isVisible());
    QCOMPARE(m_line->text(), QStringLiteral("event:prefect.flow-run."));
    QCOMPARE(applied.size(), 0);
    QVERIFY(m_line->hasFocus());
}

void TestFilterCompleter::tabBeforeThePauseCompletes()
{
    QTest::keyClicks(m_line, QStringLiteral("-lab"));
    QVERIFY(!popup()->isVisible()); // the lookup waits for a pause
    QTest::keyClick(m_line, Qt::Key_Tab);
    QCOMPARE(m_line->text(), QStringLiteral("-label:"));
    QVERIFY(m_line->hasFocus());
    // With nothing to complete, Tab moves the focus on as usual.
    m_line->clear();
    QTest::keyClicks(m_line, QStringLiteral("hello"));
    QTest::keyClick(m_line, Qt::Key_Tab);
    QCOMPARE(m_line->text(), QStringLiteral("hello"));
    QVERIFY(!m_line->hasFocus());
}

void TestFilterCompleter::ctrlSpaceOffersEveryKey()
{
    QTest::keyClick(m_line, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(popup()->isVisible());
    QStringList keys;
    for (const QString &key : filterTermKeys())
        keys += key + u':';
    QCOMPARE(rows(), keys);
    QCOMPARE(m_line->text(), QString());
}

void TestFilterCompleter::withoutStoreOnlyKeys()
{
    auto *bare = new FilterCompleter(m_line, nullptr, m_window.get());
    delete m_completer;
    m_completer = bare;
    QVERIFY(m_line->hasFocus()); // the old one's popup went without taking the focus along
    QTest::keyClicks(m_line, QStringLiteral("la"));
    QTRY_COMPARE(rows(), QStringList{QStringLiteral("label:")});
    QTest::keyClick(popup(), Qt::Key_Tab);
    QCOMPARE(m_line->text(), QStringLiteral("label:"));
    QVERIFY(!popup()->isVisible());
}

void TestFilterCompleter::refreshOnLargeCache()
{
    // Run by hand on a cache from `eventdeck-bench --import bulk --cache PATH`:
    // EVENTDECK_COMPLETION_CACHE=PATH tst_filtercompleter refreshOnLargeCache
    const QString path = qEnvironmentVariable("EVENTDECK_COMPLETION_CACHE");
    if (path.isEmpty())
        QSKIP("EVENTDECK_COMPLETION_CACHE names no cache");
    EventStore large;
    QVERIFY2(large.open(path), qPrintable(large.lastError()));
    m_completer->setStore(&large);
    const QString texts[] = {
        QStringLiteral("since:-1h la"),
        QStringLiteral("since:-1h label:"),
        QStringLiteral("since:-1h label:prefect.resource.name="),
        QStringLiteral("since:-1h label:prefect.resource.name=etl"),
        QStringLiteral("since:-1h any-label:prefect.resource.id=prefect.deployment."),
        QStringLiteral("since:-1h event:"),
        QStringLiteral("since:-1h -event:prefect.flow-run."),
        QStringLiteral("since:-1h related-role:"),
        QStringLiteral("since:-1h resource:prefect.flow-run.0"),
    };
    for (const QString &text : texts) {
        m_line->setText(text);
        QElapsedTimer t;
        t.start();
        m_completer->refresh();
        const double firstMs = double(t.nsecsElapsed()) / 1e6;
        constexpr int runs = 20;
        t.restart();
        for (int i = 0; i < runs; ++i)
            m_completer->refresh();
        const double ms = double(t.nsecsElapsed()) / 1e6 / runs;
        qInfo("%-62s first %7.3f ms, then %7.3f ms  %3d rows", qPrintable(text), firstMs, ms,
              m_completer->completer()->completionCount());
        QVERIFY(popup()->isVisible());
        QVERIFY2(ms < 50, qPrintable(text));
    }
    m_completer->setStore(&m_store);
}

QTEST_MAIN(TestFilterCompleter)
#include "tst_filtercompleter.moc"
