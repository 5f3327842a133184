// The main window driven through its real widgets, offscreen, over a real SQLite cache: a
// typed label filter, click-to-filter chips, and the live feed following and not following.

#include "core/demosource.h"
#include "core/eventstore.h"
#include "core/filterexpression.h"
#include "core/importer.h"
#include "ui/feedmodel.h"
#include "ui/mainwindow.h"
#include "core/timeutil.h"
#include "tests/testserver/prefecttestserver.h"
#include "tests/fixtureevents.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace ed;
using namespace ed::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void typedLabelFilterLeavesMatchingEvents();
    void invalidExpressionSaysWhy();
    void clickToFilterAddsAChip();
    void liveFeedFollowsAndStops();
    void currentSourceOrAllSources();
    void startUpPicksTheConnection();
    void opensAFile();
    void savedFiltersPersist();
    void screenshots();

private:
    MainWindow *makeWindow();
    void showAllTime(MainWindow *w);
    bool waitLoaded(MainWindow *w);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_cache;
    QList<Event> m_fixture;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_fixture = testsupport::fixtureEvents(testsupport::Copies::FirstOnly);
    QCOMPARE(m_fixture.size(), 27);
}

void TestMainWindow::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    m_cache = m_dir->filePath(QStringLiteral("cache.sqlite"));
    EventStore store;
    QVERIFY(store.open(m_cache));
    QCOMPARE(store.ingest(m_fixture, QStringLiteral("file:fixture")).stored, 27);
}

void TestMainWindow::cleanup()
{
    m_dir.reset();
}

MainWindow *TestMainWindow::makeWindow()
{
    auto store = std::make_unique<EventStore>();
    if (!store->open(m_cache))
        return nullptr;
    auto *w = new MainWindow(m_cache, std::move(store));
    // The tester walks every row after each reset: right for the fixture, not for a million.
    if (qEnvironmentVariableIsEmpty("EVENTDECK_SCREENSHOT_CACHE"))
        new QAbstractItemModelTester(w->feedModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, w);
    w->resize(1200, 700);
    w->show();
    return w;
}

bool TestMainWindow::waitLoaded(MainWindow *w)
{
    return QTest::qWaitFor([w] { return !w->feedModel()->isLoading(); }, 10000);
}

void TestMainWindow::showAllTime(MainWindow *w)
{
    auto *range = w->findChild<QComboBox *>(QStringLiteral("timeRange"));
    QVERIFY(range);
    const int all = range->findText(QStringLiteral("All time"));
    QVERIFY(all >= 0);
    range->setCurrentIndex(all);
    emit range->activated(all);
    QVERIFY(waitLoaded(w));
}

void TestMainWindow::typedLabelFilterLeavesMatchingEvents()
{
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    showAllTime(w.get());
    // The default filter hides prefect.log.write, as Prefect's UI does.
    int expectedAll = 0;
    for (const Event &e : std::as_const(m_fixture))
        expectedAll += e.event != u"prefect.log.write";
    QCOMPARE(w->feedModel()->rowCount(), expectedAll);

    auto *line = w->findChild<QLineEdit *>(QStringLiteral("filterExpression"));
    QVERIFY(line);
    line->clear();
    QTest::keyClicks(line, QStringLiteral("label:prefect.resource.name=my_task"));
    QTest::keyClick(line, Qt::Key_Return);
    QVERIFY(waitLoaded(w.get()));
    QStringList expected;
    for (const Event &e : std::as_const(m_fixture)) {
        if (e.resource.name() == u"my_task")
            expected += e.id;
    }
    QCOMPARE(expected.size(), 4);
    QStringList shown;
    for (int r = 0; r < w->feedModel()->rowCount(); ++r)
        shown += w->feedModel()->index(r, 0).data(FeedModel::IdRole).toString();
    std::sort(expected.begin(), expected.end());
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, expected);
    QCOMPARE(w->findChild<QLabel *>(QStringLiteral("matchCount"))->text(), QStringLiteral("4 events match"));

    // A glob and a negation, as the CLI's --label takes them.
    line->clear();
    QTest::keyClicks(line, QStringLiteral("label:prefect.resource.name=!my_*"));
    QTest::keyClick(line, Qt::Key_Return);
    QVERIFY(waitLoaded(w.get()));
    // Prefect's rule: a negated pattern still needs the label to be there.
    int notMine = 0;
    for (const Event &e : std::as_const(m_fixture)) {
        const QString *name = e.resource.value(u"prefect.resource.name");
        notMine += name && !name->startsWith(u"my_");
    }
    QCOMPARE(notMine, 13);
    QCOMPARE(w->feedModel()->rowCount(), notMine);
}

void TestMainWindow::invalidExpressionSaysWhy()
{
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    QVERIFY(waitLoaded(w.get()));
    auto *line = w->findChild<QLineEdit *>(QStringLiteral("filterExpression"));
    const QList<FilterTerm> before = w->terms();
    line->clear();
    QTest::keyClicks(line, QStringLiteral("lable:x=y"));
    auto *status = w->findChild<QLabel *>(QStringLiteral("filterStatus"));
    QVERIFY2(status->text().contains(QStringLiteral("unknown filter 'lable'")), qPrintable(status->text()));
    QVERIFY(line->palette().color(QPalette::Base) != QApplication::palette().color(QPalette::Base));
    QTest::keyClick(line, Qt::Key_Return);
    QCOMPARE(w->terms(), before); // not applied
}

void TestMainWindow::clickToFilterAddsAChip()
{
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    showAllTime(w.get());
    const int chipsBefore = int(w->findChildren<QToolButton *>(QStringLiteral("filterChip")).size());
    // "Filter on this" on an event-name cell.
    const QModelIndex cell = w->feedModel()->index(0, FeedModel::EventName);
    const QString name = cell.data(FeedModel::RawEventRole).toString();
    const QString term = cell.data(FeedModel::FilterTermRole).toString();
    QCOMPARE(term, QStringLiteral("event:") + name);
    w->addTerm(term);
    QVERIFY(waitLoaded(w.get()));
    const auto chips = w->findChildren<QToolButton *>(QStringLiteral("filterChip"));
    QCOMPARE(int(chips.size()), chipsBefore + 1);
    QVERIFY(chips.last()->text().startsWith(term));
    QVERIFY(w->feedModel()->rowCount() > 0);
    for (int r = 0; r < w->feedModel()->rowCount(); ++r)
        QCOMPARE(w->feedModel()->index(r, 0).data(FeedModel::RawEventRole).toString(), name);
    // Removing the chip restores the feed.
    const int narrowed = w->feedModel()->rowCount();
    chips.last()->click();
    QVERIFY(waitLoaded(w.get()));
    QVERIFY(w->feedModel()->rowCount() > narrowed);
    QCOMPARE(int(w->findChildren<QToolButton *>(QStringLiteral("filterChip")).size()), chipsBefore);
}

void TestMainWindow::liveFeedFollowsAndStops()
{
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    showAllTime(w.get());
    DemoSource::Options demo;
    demo.rate = 200;
    demo.historyMicros = qint64(600) * 1000000; // enough rows to scroll
    w->setSource(std::make_unique<DemoSource>(demo), QStringLiteral("demo"), QStringLiteral("demo workspace"));
    QTableView *feed = w->feedView();
    QScrollBar *bar = feed->verticalScrollBar();
    QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() > 1000; }, 15000));
    // At the newest end it follows: new rows arrive and the view stays at the bottom.
    int rows = w->feedModel()->rowCount();
    QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() > rows + 20; }, 10000));
    QTest::qWait(50);
    QVERIFY(w->isFollowing());
    QCOMPARE(bar->value(), bar->maximum());
    // Scrolled away, it stays put and counts what arrives.
    bar->setValue(0);
    QVERIFY(!w->isFollowing());
    rows = w->feedModel()->rowCount();
    QVERIFY(QTest::qWaitFor([&] { return w->pendingNewRows() > 20; }, 10000));
    QCOMPARE(bar->value(), 0);
    auto *newEvents = w->findChild<QToolButton *>(QStringLiteral("newEvents"));
    QVERIFY(newEvents->isVisible());
    QVERIFY(newEvents->text().contains(QStringLiteral("new events")));
    // "N new events" takes it back to the newest end, following again.
    newEvents->click();
    QVERIFY(w->isFollowing());
    QCOMPARE(bar->value(), bar->maximum());
    // Paused: the cache keeps filling, the view does not change; resumed, it catches up.
    w->setPaused(true);
    QTest::qWait(150);
    rows = w->feedModel()->rowCount();
    QTest::qWait(600);
    QCOMPARE(w->feedModel()->rowCount(), rows);
    w->setPaused(false);
    QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() > rows; }, 5000));
}

void TestMainWindow::currentSourceOrAllSources()
{
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    showAllTime(w.get());
    const int fixtureRows = w->feedModel()->rowCount();
    QVERIFY(fixtureRows > 0);
    DemoSource::Options demo;
    demo.historyMicros = qint64(60) * 1000000;
    w->setSource(std::make_unique<DemoSource>(demo), QStringLiteral("demo"), QStringLiteral("demo workspace"));
    // The feed shows the current source: no fixture event (cached from file:fixture) is left.
    QVERIFY(QTest::qWaitFor([&] { return !w->feedModel()->isLoading() && w->feedModel()->rowCount() > 20; }, 10000));
    for (int r = 0; r < w->feedModel()->rowCount(); ++r) {
        const QString id = w->feedModel()->index(r, 0).data(FeedModel::IdRole).toString();
        QVERIFY(std::none_of(m_fixture.cbegin(), m_fixture.cend(), [&](const Event &e) { return e.id == id; }));
    }
    // "All sources", one click away: the fixture's events are back beside the demo's.
    w->setAllSources(true);
    QVERIFY(waitLoaded(w.get()));
    int fromFixture = 0;
    for (int r = 0; r < w->feedModel()->rowCount(); ++r) {
        const QString id = w->feedModel()->index(r, 0).data(FeedModel::IdRole).toString();
        fromFixture += std::any_of(m_fixture.cbegin(), m_fixture.cend(), [&](const Event &e) { return e.id == id; });
    }
    QCOMPARE(fromFixture, fixtureRows);
    QVERIFY(w->feedModel()->rowCount() > fixtureRows);
}

void TestMainWindow::startUpPicksTheConnection()
{
    ed::testing::PrefectTestServer server;
    QVERIFY(server.listen());
    qunsetenv("PREFECT_PROFILES_PATH");
    qputenv("PREFECT_PROFILES_PATH", QFile::encodeName(m_dir->filePath(QStringLiteral("no-profiles.toml"))));
    auto liveEvent = [&](int i) {
        Event e;
        e.occurred = timeutil::nowMicros();
        e.event = QStringLiteral("test.startup");
        e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("r.%1").arg(i));
        e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
        return e;
    };
    auto sourceLabel = [](MainWindow *w) { return w->findChild<QLabel *>(QStringLiteral("sourceState"))->text(); };
    {
        // First launch with PREFECT_API_URL set: that server, live.
        qputenv("PREFECT_API_URL", server.apiUrl().toUtf8());
        std::unique_ptr<MainWindow> w(makeWindow());
        w->connectTo(LaunchOptions{});
        QVERIFY(QTest::qWaitFor([&] { return server.liveSubscribers() == 1; }, 10000));
        QVERIFY2(sourceLabel(w.get()).contains(server.apiUrl()), qPrintable(sourceLabel(w.get())));
        server.publish(liveEvent(1));
        QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() == 1; }, 10000));
        QCOMPARE(w->feedModel()->index(0, 0).data(FeedModel::IdRole).toString(), liveEvent(1).id);
    }
    QVERIFY(QTest::qWaitFor([&] { return server.liveSubscribers() == 0; }, 5000));
    {
        // Next launch, without the variable: the last connection again.
        qunsetenv("PREFECT_API_URL");
        std::unique_ptr<MainWindow> w(makeWindow());
        w->connectTo(LaunchOptions{});
        QVERIFY(QTest::qWaitFor([&] { return server.liveSubscribers() == 1; }, 10000));
        QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() == 1; }, 10000));
    }
    {
        // Nothing remembered, nothing configured: the demo workspace.
        QSettings().clear();
        std::unique_ptr<MainWindow> w(makeWindow());
        w->connectTo(LaunchOptions{});
        QVERIFY(sourceLabel(w.get()).startsWith(QStringLiteral("demo workspace")));
        QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() > 0; }, 10000));
    }
    qunsetenv("PREFECT_PROFILES_PATH");
}

void TestMainWindow::opensAFile()
{
    const QString path = m_dir->filePath(QStringLiteral("run.ndjson"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 5; ++i)
        file.write(R"({"occurred":"2026-03-01T00:00:0)" + QByteArray::number(i) + R"(Z","event":"file.event","resource":{"prefect.resource.id":"f.)"
                   + QByteArray::number(i) + R"("},"id":"10000000-0000-4000-8000-00000000000)" + QByteArray::number(i) + "\"}\n");
    file.write("{not json}\n");
    file.close();
    std::unique_ptr<MainWindow> w(makeWindow());
    showAllTime(w.get());
    LaunchOptions open;
    open.kind = LaunchOptions::Kind::File;
    open.file = path;
    w->connectTo(open);
    // Read on a worker thread into the cache; the feed shows that file's events only.
    QVERIFY(QTest::qWaitFor([&] { return !w->feedModel()->isLoading() && w->feedModel()->rowCount() == 5; }, 10000));
    QVERIFY(QTest::qWaitFor([&] { return w->findChild<QLabel *>(QStringLiteral("sourceState"))->text().contains(QStringLiteral("1 rejected")); }, 5000));
    QCOMPARE(w->feedModel()->index(0, FeedModel::EventName).data(FeedModel::RawEventRole).toString(), QStringLiteral("file.event"));
}

void TestMainWindow::savedFiltersPersist()
{
    const QString expression = QStringLiteral(R"(event:prefect.flow-run.* label:prefect.resource.name="my flow")");
    {
        std::unique_ptr<MainWindow> w(makeWindow());
        w->applyExpression(expression);
        w->saveFilter(QStringLiteral("flow runs"));
        w->applyExpression(QStringLiteral("event:other"));
    }
    QCOMPARE(MainWindow::savedFilters().value(QStringLiteral("flow runs")), expression);
    // A new window lists it in the Saved menu, and choosing it restores the terms.
    std::unique_ptr<MainWindow> w(makeWindow());
    QAction *entry = nullptr;
    for (QToolButton *b : w->findChildren<QToolButton *>()) {
        if (b->text() == QStringLiteral("Saved") && b->menu()) {
            for (QAction *a : b->menu()->actions()) // top level: not the Delete submenu's
                if (a->text() == QStringLiteral("flow runs"))
                    entry = a;
        }
    }
    QVERIFY(entry);
    entry->trigger();
    QCOMPARE(formatFilterExpression(w->terms()), expression);
    // The bar itself is remembered too.
    w->close();
    std::unique_ptr<MainWindow> again(makeWindow());
    QCOMPARE(formatFilterExpression(again->terms()), expression);
}

// EVENTDECK_SCREENSHOTS=DIR writes the window with a selected event and with a resource shown,
// in the system palette and the dark one: for looking at, not for asserting.
void TestMainWindow::screenshots()
{
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set EVENTDECK_SCREENSHOTS=DIR to write screenshots");
    if (const QString big = qEnvironmentVariable("EVENTDECK_SCREENSHOT_CACHE"); !big.isEmpty())
        m_cache = big; // e.g. a million-event cache from eventdeck-bench
    std::unique_ptr<MainWindow> w(makeWindow());
    QVERIFY(w);
    w->resize(1500, 900);
    DemoSource::Options demo;
    demo.historyMicros = qint64(3 * 3600) * 1000000;
    w->setSource(std::make_unique<DemoSource>(demo), QStringLiteral("demo"), QStringLiteral("demo workspace"));
    QVERIFY(QTest::qWaitFor([&] { return w->feedModel()->rowCount() > 10000; }, 20000));
    QTest::qWait(1500);
    const int row = w->feedModel()->rowCount() - 12;
    w->feedView()->selectRow(row);
    QTest::qWait(500);
    QVERIFY(w->grab().save(dir + QStringLiteral("/mainwindow.png")));
    // EVENTDECK_SCREENSHOT_FILTER: a filter to type into the bar, then a second picture.
    if (const QString typed = qEnvironmentVariable("EVENTDECK_SCREENSHOT_FILTER"); !typed.isEmpty()) {
        QElapsedTimer clock;
        clock.start();
        w->applyExpression(typed);
        QVERIFY(waitLoaded(w.get()));
        qInfo("filter '%s': %lld rows in %lld ms", qPrintable(typed), qint64(w->feedModel()->rowCount()), clock.elapsed());
        QTest::qWait(800);
        w->feedView()->selectRow(w->feedModel()->rowCount() / 2);
        w->feedView()->scrollTo(w->feedModel()->index(w->feedModel()->rowCount() / 2, 0));
        clock.restart();
        for (int i = 0; i < 50; ++i) {
            w->feedView()->verticalScrollBar()->setValue(i * w->feedView()->verticalScrollBar()->maximum() / 50);
            QCoreApplication::processEvents();
            w->feedView()->viewport()->repaint();
        }
        qInfo("50 jumps across the feed, each painted: %lld ms", clock.elapsed());
        w->feedView()->scrollTo(w->feedModel()->index(w->feedModel()->rowCount() / 2, 0));
        QTest::qWait(500);
        QVERIFY(w->grab().save(dir + QStringLiteral("/mainwindow-filtered.png")));
    }
    w->findChild<QAction *>(QString(), Qt::FindChildrenRecursively);
    for (QAction *a : w->findChildren<QAction *>()) {
        if (a->text() == QStringLiteral("&Dark palette"))
            a->setChecked(true);
    }
    QTest::qWait(500);
    QVERIFY(w->grab().save(dir + QStringLiteral("/mainwindow-dark.png")));
    for (QAction *a : w->findChildren<QAction *>()) {
        if (a->text() == QStringLiteral("&Dark palette"))
            a->setChecked(false);
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
