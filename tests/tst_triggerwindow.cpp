// The trigger builder beside its dry run: the preview replays a real SQLite cache on a worker
// thread, follows form edits, and the main window marks the firings on its histogram.
#include "ui/histogramwidget.h"
#include "ui/mainwindow.h"
#include "ui/triggerbuilder.h"
#include "ui/triggerpreview.h"
#include "ui/triggerwindow.h"

#include "tests/testserver/prefecttestserver.h"

#include "core/eventstore.h"
#include "core/timeutil.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QTimer>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace ed;
using namespace ed::ui;

namespace {

constexpr qint64 minute = qint64(60) * 1000000;

Event failed(int n, const QString &resource, qint64 occurred, const QString &name = QStringLiteral("prefect.flow-run.Failed"))
{
    Event e;
    e.occurred = occurred;
    e.received = occurred + 200000;
    e.event = name;
    e.resource.set(QStringLiteral("prefect.resource.id"), resource);
    e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0'));
    return e;
}

Trigger parsed(const QByteArray &json)
{
    QString error;
    const auto t = parseTrigger(json, &error);
    if (!t)
        qFatal("bad trigger: %s", qPrintable(error));
    return *t;
}

} // namespace

class TestTriggerWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void previewShowsFiringsAndFollowsEdits();
    void invalidTriggerWaits();
    void mainWindowMarksFiringsOnTheHistogram();
    void createsTheAutomationOnTheServer();
    void screenshots();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_cache;
    qint64 m_origin = 0;
};

void TestTriggerWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestTriggerWindow::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    m_cache = m_dir->filePath(QStringLiteral("cache.sqlite"));
    // Flow run a fails four times in 3 minutes, b once; within the last hour so the default
    // feed range holds them.
    m_origin = (timeutil::nowMicros() / minute - 30) * minute;
    EventStore store;
    QVERIFY(store.open(m_cache));
    const QList<Event> events = {failed(1, QStringLiteral("prefect.flow-run.a"), m_origin),
                                 failed(2, QStringLiteral("prefect.flow-run.a"), m_origin + minute),
                                 failed(3, QStringLiteral("prefect.flow-run.a"), m_origin + 2 * minute),
                                 failed(4, QStringLiteral("prefect.flow-run.a"), m_origin + 3 * minute),
                                 failed(5, QStringLiteral("prefect.flow-run.b"), m_origin + 4 * minute),
                                 failed(6, QStringLiteral("prefect.flow-run.b"), m_origin + 5 * minute,
                                        QStringLiteral("prefect.flow-run.Completed"))};
    QCOMPARE(store.ingest(events, QStringLiteral("demo")).stored, 6);
}

void TestTriggerWindow::previewShowsFiringsAndFollowsEdits()
{
    TriggerWindow window;
    window.setCache(m_cache, QString());
    window.show();
    QSignalSpy finished(window.preview(), &TriggerPreview::finished);
    QSignalSpy times(&window, &TriggerWindow::firingTimesChanged);
    window.setTrigger(parsed(R"({"type":"event","posture":"Reactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"threshold":3,"within":600})"));
    QVERIFY(finished.wait(10000));

    auto *firings = window.findChild<QTreeWidget *>(QStringLiteral("previewFirings"));
    auto *parts = window.findChild<QTreeWidget *>(QStringLiteral("previewParts"));
    QVERIFY(firings && parts);
    QCOMPARE(firings->topLevelItemCount(), 1);
    QCOMPARE(firings->topLevelItem(0)->text(1), QStringLiteral("prefect.resource.id=prefect.flow-run.a"));
    QCOMPARE(firings->topLevelItem(0)->text(2), QStringLiteral("3"));
    QCOMPARE(parts->topLevelItemCount(), 1);
    QCOMPARE(parts->topLevelItem(0)->text(1), QStringLiteral("5")); // five Failed events
    QCOMPARE(times.last().first().value<QList<qint64>>(), QList<qint64>{m_origin + 2 * minute});
    QVERIFY2(window.preview()->statusText().contains(QStringLiteral("1 time")), qPrintable(window.preview()->statusText()));

    // Activating a firing shows its triggering event.
    QSignalSpy activated(&window, &TriggerWindow::eventActivated);
    emit firings->itemActivated(firings->topLevelItem(0), 0);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), QStringLiteral("00000000-0000-4000-8000-000000000003"));

    // Threshold 1 through the form: each flow run fires once in its 10 minutes.
    auto *threshold = window.findChild<QSpinBox *>(QStringLiteral("threshold"));
    QVERIFY(threshold);
    threshold->setValue(1);
    QVERIFY(finished.wait(10000));
    QCOMPARE(window.trigger().event()->threshold, 1);
    QCOMPARE(firings->topLevelItemCount(), 2);
    QCOMPARE(times.last().first().value<QList<qint64>>(), (QList<qint64>{m_origin, m_origin + 4 * minute}));
}

void TestTriggerWindow::invalidTriggerWaits()
{
    TriggerWindow window;
    window.setCache(m_cache, QString());
    auto *create = window.findChild<QPushButton *>(QStringLiteral("createAutomation"));
    QVERIFY(create);
    QVERIFY(!create->isEnabled()); // no server
    window.setServerAvailable(true);
    window.setTrigger(parsed(R"({"type":"event","posture":"Proactive","after":["prefect.flow-run.Pending"],"expect":["prefect.flow-run.Running"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})"));
    QVERIFY(create->isEnabled());
    QSignalSpy requested(&window, &TriggerWindow::createAutomationRequested);
    create->click();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().first().value<Trigger>().event()->within.value, 60.0);

    // A proactive `within` under 10 s is not valid: no dry run, no automation.
    auto *threshold = window.findChild<QSpinBox *>(QStringLiteral("threshold"));
    Trigger bad = window.trigger();
    bad.event()->within = Seconds{5, {}};
    window.builder()->setTrigger(bad);
    window.preview()->setTrigger(bad);
    QVERIFY(window.preview()->statusText().contains(QStringLiteral("not valid")));
    Q_UNUSED(threshold)
}

void TestTriggerWindow::mainWindowMarksFiringsOnTheHistogram()
{
    auto store = std::make_unique<EventStore>();
    QVERIFY(store->open(m_cache));
    MainWindow window(m_cache, std::move(store));
    window.resize(1200, 700);
    window.show();
    QAction *newTrigger = nullptr;
    for (QAction *menu : window.menuBar()->actions()) {
        if (!menu->menu())
            continue;
        for (QAction *a : menu->menu()->actions()) {
            if (a->text() == QStringLiteral("&New trigger…"))
                newTrigger = a;
        }
    }
    QVERIFY(newTrigger);
    QCOMPARE(newTrigger->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
    newTrigger->trigger();
    auto *triggerWindow = window.findChild<TriggerWindow *>();
    QVERIFY(triggerWindow);
    QVERIFY(triggerWindow->isVisible());
    QSignalSpy finished(triggerWindow->preview(), &TriggerPreview::finished);
    triggerWindow->setTrigger(parsed(R"({"type":"event","posture":"Reactive","expect":["prefect.flow-run.*"],"threshold":1,"within":0})"));
    QVERIFY(finished.wait(10000));
    auto *histogram = window.findChild<HistogramWidget *>();
    QVERIFY(histogram);
    QCOMPARE(histogram->markers().size(), 6); // within 0: every flow-run event fires
    // No server connected: creating automations explains itself.
    auto *note = triggerWindow->findChild<QLabel *>(QStringLiteral("serverNote"));
    QVERIFY(note && note->text().contains(QStringLiteral("Connect")));
}

void TestTriggerWindow::createsTheAutomationOnTheServer()
{
    ed::testing::PrefectTestServer server;
    QVERIFY(server.listen());
    auto store = std::make_unique<EventStore>();
    QVERIFY(store->open(m_cache));
    MainWindow window(m_cache, std::move(store));
    window.show();
    LaunchOptions options;
    options.kind = LaunchOptions::Kind::Server;
    options.apiUrl = server.apiUrl();
    window.connectTo(options);

    QAction *newTrigger = nullptr;
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *a : menu->menu() ? menu->menu()->actions() : QList<QAction *>{}) {
            if (a->text() == QStringLiteral("&New trigger…"))
                newTrigger = a;
        }
    }
    QVERIFY(newTrigger);
    newTrigger->trigger();
    auto *triggerWindow = window.findChild<TriggerWindow *>();
    QVERIFY(triggerWindow);
    triggerWindow->setTrigger(parsed(R"({"type":"event","posture":"Reactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"threshold":3,"within":600})"));
    auto *create = triggerWindow->findChild<QPushButton *>(QStringLiteral("createAutomation"));
    QVERIFY(create && create->isEnabled());

    // The create dialog is modal: fill it in once it shows, then let it post.
    bool filled = false;
    QTimer::singleShot(0, this, [&] {
        QTRY_VERIFY(QApplication::activeModalWidget());
        auto *dialog = QApplication::activeModalWidget();
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"));
        QVERIFY(name);
        name->setText(QStringLiteral("three failures"));
        auto *post = dialog->findChild<QPushButton *>(QStringLiteral("createButton"));
        QVERIFY(post && post->isEnabled());
        post->click();
        filled = true;
        // closes by itself once the server answered 201
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 10000);
    });
    create->click();
    QVERIFY(filled);
    QCOMPARE(server.automationBodies.size(), 1);
    const QJsonObject body = QJsonDocument::fromJson(server.automationBodies.first()).object();
    QCOMPARE(body.value(QStringLiteral("name")).toString(), QStringLiteral("three failures"));
    QCOMPARE(body.value(QStringLiteral("trigger")).toObject().value(QStringLiteral("threshold")).toInt(), 3);
    QCOMPARE(server.automations.size(), 1);
}

void TestTriggerWindow::screenshots()
{
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set EVENTDECK_SCREENSHOTS=DIR to save the builder's picture");
    const QString cache = qEnvironmentVariable("EVENTDECK_SCREENSHOT_CACHE", m_cache);
    auto store = std::make_unique<EventStore>();
    QVERIFY(store->open(cache));
    MainWindow window(cache, std::move(store));
    window.resize(1400, 800);
    window.show();
    auto *range = window.findChild<QComboBox *>(QStringLiteral("timeRange"));
    const int all = range->findText(QStringLiteral("All time"));
    range->setCurrentIndex(all);
    emit range->activated(all);
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *a : menu->menu() ? menu->menu()->actions() : QList<QAction *>{}) {
            if (a->text() == QStringLiteral("&New trigger…"))
                a->trigger();
        }
    }
    auto *triggerWindow = window.findChild<TriggerWindow *>();
    QVERIFY(triggerWindow);
    triggerWindow->resize(1500, 860);
    QSignalSpy finished(triggerWindow->preview(), &TriggerPreview::finished);
    triggerWindow->setTrigger(parsed(R"({"type":"compound","require":"any","within":null,"triggers":[
        {"type":"event","posture":"Reactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"expect":["prefect.flow-run.Failed","prefect.flow-run.Crashed"],"for_each":["related:deployment:prefect.resource.id"],"threshold":2,"within":1800},
        {"type":"event","posture":"Proactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"after":["prefect.flow-run.Pending"],"expect":["prefect.flow-run.Running"],"for_each":["prefect.resource.id"],"threshold":1,"within":60}]})"));
    QVERIFY(finished.wait(60000));
    QTest::qWait(300);
    QDir().mkpath(dir);
    QVERIFY(triggerWindow->grab().save(dir + QStringLiteral("/triggerwindow.png")));
    QVERIFY(window.grab().save(dir + QStringLiteral("/mainwindow-firings.png")));
}

QTEST_MAIN(TestTriggerWindow)
#include "tst_triggerwindow.moc"
