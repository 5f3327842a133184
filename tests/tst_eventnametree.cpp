// The filter bar's event-name tree over a real SQLite cache filled from the Prefect fixture:
// counts against counts taken from the fixture itself, prefix sums and order, the filter
// narrowing them, the terms it asks for, the search box, and the marks of the bar's terms.

#include "core/demo/corpus.h"
#include "core/eventstore.h"
#include "core/filterexpression.h"
#include "core/importer.h"
#include "core/timeutil.h"
#include "ui/eventnamemodel.h"
#include "ui/eventnametree.h"
#include "ui/palette.h"
#include "tests/fixtureevents.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace ed;
using namespace ed::ui;
using namespace Qt::StringLiterals;
using Mark = EventNameModel::Mark;

namespace {

EventFilter filterOf(const QString &expression)
{
    const auto terms = parseFilterExpression(expression);
    if (!terms)
        return {};
    return filterFromTerms(*terms, timeutil::nowMicros()).value_or(EventFilter{});
}

QList<FilterTerm> termsOf(const QString &expression)
{
    return parseFilterExpression(expression).value_or(QList<FilterTerm>{});
}

/// Every node of the model, parents before their children.
QModelIndexList allNodes(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    QModelIndexList out;
    for (int row = 0; row < model->rowCount(parent); ++row) {
        const QModelIndex index = model->index(row, 0, parent);
        out += index;
        out += allNodes(model, index);
    }
    return out;
}

QStringList leafNames(const QAbstractItemModel *model)
{
    QStringList names;
    for (const QModelIndex &index : allNodes(model)) {
        if (!index.data(EventNameModel::IsPrefixRole).toBool())
            names += index.data(EventNameModel::EventNameRole).toString();
    }
    names.sort();
    return names;
}

Mark markOf(const EventNameModel *model, const QString &key)
{
    return model->indexOf(key).data(EventNameModel::MarkRole).value<Mark>();
}

qint64 countOf(const EventNameModel *model, const QString &key)
{
    const QModelIndex index = model->indexOf(key);
    return index.isValid() ? index.data(EventNameModel::CountRole).toLongLong() : -1;
}

// A widget double-click from QTest is the double-click event alone; a real one follows a click.
void doubleClick(QTreeView *view, const QModelIndex &index)
{
    const QPoint pos = view->visualRect(index).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, pos);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, pos);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, pos);
}

} // namespace

class TestEventNameTree : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void countsMatchTheFixture();
    void prefixesSumTheirNamesAndSortByCount();
    void filterNarrowsCounts_data();
    void filterNarrowsCounts();
    void recountKeepsTheViewState();
    void termsForLeafPrefixAndHide();
    void searchNarrowsTheTree();
    void activeTermsMarkNodes();
    void mergeKeepsPersistentIndexes();
    void noStoreMeansEmpty();
    void screenshots();

private:
    std::unique_ptr<EventNameTree> makeTree();
    QMap<QString, qint64> expected(const EventFilter &filter) const;
    QModelIndex proxyIndexOf(EventNameTree *tree, const QString &key) const;
    void chooseFromMenu(EventNameTree *tree, const QString &key, const QString &action);

    std::unique_ptr<QTemporaryDir> m_dir;
    EventStore m_store;
    QList<Event> m_fixture;
};

void TestEventNameTree::initTestCase()
{
    m_fixture = testsupport::fixtureEvents(testsupport::Copies::FirstOnly);
    QCOMPARE(m_fixture.size(), 27);
}

void TestEventNameTree::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_store.open(m_dir->filePath(u"cache.sqlite"_s)));
    QCOMPARE(m_store.ingest(m_fixture, u"file:fixture"_s).stored, 27);
}

void TestEventNameTree::cleanup()
{
    m_store.close();
    m_dir.reset();
}

std::unique_ptr<EventNameTree> TestEventNameTree::makeTree()
{
    auto tree = std::make_unique<EventNameTree>();
    new QAbstractItemModelTester(tree->model(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 tree.get());
    new QAbstractItemModelTester(tree->view()->model(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 tree.get());
    tree->resize(420, 600);
    QSignalSpy counted(tree.get(), &EventNameTree::counted);
    tree->setStore(&m_store);
    tree->show();
    if (!counted.wait(10000))
        return nullptr;
    return tree;
}

QMap<QString, qint64> TestEventNameTree::expected(const EventFilter &filter) const
{
    QMap<QString, qint64> counts;
    for (const Event &e : m_fixture) {
        if (filter.matches(e))
            ++counts[e.event];
    }
    return counts;
}

QModelIndex TestEventNameTree::proxyIndexOf(EventNameTree *tree, const QString &key) const
{
    for (const QModelIndex &index : allNodes(tree->view()->model())) {
        if (index.data(EventNameModel::EventNameRole).toString() == key)
            return index;
    }
    return {};
}

void TestEventNameTree::chooseFromMenu(EventNameTree *tree, const QString &key,
                                       const QString &action)
{
    const QModelIndex index = proxyIndexOf(tree, key);
    QVERIFY(index.isValid());
    tree->view()->scrollTo(index);
    const QPoint pos = tree->view()->visualRect(index).center();
    bool chosen = false;
    QObject scope; // the timer must not outlive this function
    QTimer::singleShot(50, &scope, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *a : menu->actions()) {
            if (a->text() == action && a->isEnabled()) {
                a->trigger();
                chosen = true;
            }
        }
        menu->close();
    });
    emit tree->view()->customContextMenuRequested(pos);
    QVERIFY(chosen);
}

void TestEventNameTree::countsMatchTheFixture()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    const EventNameModel *model = tree->model();
    const QMap<QString, qint64> counts = expected({});
    QCOMPARE(model->nameCount(), counts.size());
    QCOMPARE(model->total(), 27);
    QCOMPARE(leafNames(model), counts.keys());
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        QCOMPARE(countOf(model, it.key()), it.value());
    // The shares add up over the top level.
    double share = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        share += model->index(row, 0).data(EventNameModel::ShareRole).toDouble();
    QCOMPARE(share, 1.0);
    QVERIFY(tree->findChild<QLabel *>(u"eventNameStatus"_s)->text().contains(u"27 events"));
}

void TestEventNameTree::prefixesSumTheirNamesAndSortByCount()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    const EventNameModel *model = tree->model();
    const QMap<QString, qint64> counts = expected({});
    int prefixes = 0;
    for (const QModelIndex &index : allNodes(model)) {
        const qint64 count = index.data(EventNameModel::CountRole).toLongLong();
        if (!index.data(EventNameModel::IsPrefixRole).toBool())
            continue;
        ++prefixes;
        const QString key = index.data(EventNameModel::EventNameRole).toString();
        QVERIFY2(key.endsWith(u'.'), qPrintable(key));
        qint64 children = 0, fromFixture = 0;
        for (int row = 0; row < model->rowCount(index); ++row)
            children += model->index(row, 0, index).data(EventNameModel::CountRole).toLongLong();
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            fromFixture += it.key().startsWith(key) ? it.value() : 0;
        QCOMPARE(count, children);
        QCOMPARE(count, fromFixture);
    }
    QVERIFY(prefixes >= 8);
    QCOMPARE(countOf(model, u"prefect."_s), 22);
    QCOMPARE(countOf(model, u"prefect.flow-run."_s), 7);
    QCOMPARE(countOf(model, u"prefect.automation.action."_s), 3);

    // Largest first at every level, then by name.
    const QList<QModelIndex> parents = QList<QModelIndex>{QModelIndex()} + allNodes(model);
    for (const QModelIndex &parent : parents) {
        for (int row = 1; row < model->rowCount(parent); ++row) {
            const QModelIndex a = model->index(row - 1, 0, parent),
                              b = model->index(row, 0, parent);
            const qint64 ca = a.data(EventNameModel::CountRole).toLongLong();
            const qint64 cb = b.data(EventNameModel::CountRole).toLongLong();
            QVERIFY(ca >= cb);
            if (ca == cb)
                QVERIFY(a.data().toString() <= b.data().toString());
        }
    }
    QCOMPARE(model->index(0, 0).data().toString(), u"prefect"_s);
    const QModelIndex flowRuns = model->indexOf(u"prefect.flow-run."_s);
    QCOMPARE(flowRuns.data().toString(), u"flow-run"_s);
    QCOMPARE(flowRuns.parent(), model->indexOf(u"prefect."_s));
    QStringList order;
    for (int row = 0; row < model->rowCount(flowRuns); ++row)
        order += model->index(row, 0, flowRuns).data().toString();
    QCOMPARE(order, (QStringList{u"Failed"_s, u"Running"_s, u"Completed"_s, u"Pending"_s,
                                 u"completed"_s}));
    QCOMPARE(model->index(0, EventNameModel::CountColumn, flowRuns).data().toLongLong(), 2);
    // The top level opens one step; deeper prefixes stay closed until asked.
    QVERIFY(tree->view()->isExpanded(proxyIndexOf(tree.get(), u"prefect."_s)));
    QVERIFY(!tree->view()->isExpanded(proxyIndexOf(tree.get(), u"prefect.flow-run."_s)));
}

void TestEventNameTree::filterNarrowsCounts_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addRow("label") << u"label:prefect.resource.name=my_task"_s;
    QTest::addRow("label glob") << u"label:prefect.resource.id=prefect.flow-run.*"_s;
    QTest::addRow("related role") << u"related-role:flow-run"_s;
    QTest::addRow("time") << u"since:2026-03-31T18:30:00Z until:2026-03-31T18:45:00Z"_s;
    QTest::addRow("text") << u"text:kubernetes"_s;
    // The tree shows what the rest of the filter lets through, whatever the event terms say.
    QTest::addRow("event terms ignored")
        << u"event:prefect.task-run.* label:prefect.resource.name=my_task"_s;
    QTest::addRow("nothing") << u"label:prefect.resource.name=no-such-name"_s;
}

void TestEventNameTree::filterNarrowsCounts()
{
    QFETCH(QString, expression);
    const auto tree = makeTree();
    QVERIFY(tree);
    const EventFilter filter = filterOf(expression);
    QSignalSpy counted(tree.get(), &EventNameTree::counted);
    tree->setFilter(filter);
    QVERIFY(tree->isCounting());
    QVERIFY(counted.wait(10000));
    EventFilter withoutNames = filter;
    withoutNames.event.reset();
    const QMap<QString, qint64> counts = expected(withoutNames);
    QVERIFY(expected({}).size() > counts.size());
    QCOMPARE(leafNames(tree->model()), counts.keys());
    qint64 total = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        QCOMPARE(countOf(tree->model(), it.key()), it.value());
        total += it.value();
    }
    QCOMPARE(tree->model()->total(), total);
    QCOMPARE(counted.constLast().at(0).toLongLong(), total);
}

void TestEventNameTree::recountKeepsTheViewState()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    QTreeView *view = tree->view();
    view->expand(proxyIndexOf(tree.get(), u"prefect.task-run."_s));
    view->setCurrentIndex(proxyIndexOf(tree.get(), u"prefect.task-run.Running"_s));
    // Two requests in a row: the second supersedes the first.
    QSignalSpy counted(tree.get(), &EventNameTree::counted);
    tree->setFilter(filterOf(u"label:prefect.resource.name=crimson-fox"_s));
    tree->setFilter(filterOf(u"label:prefect.resource.name=my_task"_s));
    QVERIFY(counted.wait(10000));
    QTest::qWait(100);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(leafNames(tree->model()),
             (QStringList{u"prefect.task-run.Completed"_s, u"prefect.task-run.Pending"_s,
                          u"prefect.task-run.Running"_s}));
    QVERIFY(view->isExpanded(proxyIndexOf(tree.get(), u"prefect.task-run."_s)));
    QCOMPARE(view->currentIndex().data(EventNameModel::EventNameRole).toString(),
             u"prefect.task-run.Running"_s);

    // New events show up on refresh().
    Event extra = m_fixture.first();
    extra.id = u"0b0b0b0b-0000-4000-8000-000000000001"_s;
    extra.event = u"prefect.task-run.Retrying"_s;
    extra.resource.set(u"prefect.resource.name"_s, u"my_task"_s);
    QCOMPARE(m_store.ingest({extra}, u"test"_s).stored, 1);
    tree->refresh();
    QVERIFY(counted.wait(10000));
    QCOMPARE(countOf(tree->model(), u"prefect.task-run.Retrying"_s), 1);
    QCOMPARE(countOf(tree->model(), u"prefect.task-run."_s), 5);
    QCOMPARE(view->currentIndex().data(EventNameModel::EventNameRole).toString(),
             u"prefect.task-run.Running"_s);
}

void TestEventNameTree::termsForLeafPrefixAndHide()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    QTreeView *view = tree->view();
    QSignalSpy terms(tree.get(), &EventNameTree::termRequested);

    // Double-click on a name.
    view->expand(proxyIndexOf(tree.get(), u"prefect.flow-run."_s));
    const QModelIndex failed = proxyIndexOf(tree.get(), u"prefect.flow-run.Failed"_s);
    view->scrollTo(failed);
    doubleClick(view, failed);
    QCOMPARE(terms.size(), 1);
    QCOMPARE(terms.at(0).at(0).toString(), u"event:prefect.flow-run.Failed"_s);

    // Enter on a prefix; double-click filters rather than folds.
    const QModelIndex flowRuns = proxyIndexOf(tree.get(), u"prefect.flow-run."_s);
    QVERIFY(view->isExpanded(flowRuns));
    view->setCurrentIndex(flowRuns);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(terms.size(), 2);
    QCOMPARE(terms.at(1).at(0).toString(), u"event:prefect.flow-run.*"_s);
    doubleClick(view, flowRuns);
    QCOMPARE(terms.size(), 3);
    QCOMPARE(terms.at(2).at(0).toString(), u"event:prefect.flow-run.*"_s);
    QVERIFY(view->isExpanded(flowRuns));

    // The context menu.
    chooseFromMenu(tree.get(), u"prefect.flow-run."_s, u"Hide this"_s);
    QCOMPARE(terms.size(), 4);
    QCOMPARE(terms.at(3).at(0).toString(), u"-event:prefect.flow-run.*"_s);
    chooseFromMenu(tree.get(), u"prefect.flow-run.Failed"_s, u"Hide this"_s);
    QCOMPARE(terms.constLast().at(0).toString(), u"-event:prefect.flow-run.Failed"_s);
    chooseFromMenu(tree.get(), u"prefect.flow-run.Failed"_s, u"Show only this"_s);
    QCOMPARE(terms.constLast().at(0).toString(), u"event:prefect.flow-run.Failed"_s);
    chooseFromMenu(tree.get(), u"animal."_s, u"Show only this"_s);
    QCOMPARE(terms.constLast().at(0).toString(), u"event:animal.*"_s);
    QCOMPARE(terms.size(), 7);

    // The terms read back as the filter they name.
    const auto parsed = parseFilterExpression(terms.at(3).at(0).toString());
    QVERIFY(parsed);
    QCOMPARE(parsed->size(), 1);
    QCOMPARE(parsed->first(), (FilterTerm{u"event"_s, u"prefect.flow-run.*"_s, true}));
    // Names that need quotes get them.
    QCOMPARE(EventNameModel::termFor(u"my event"_s, false), u"event:\"my event\""_s);
    QCOMPARE(EventNameModel::termFor(u"my app."_s, true, true), u"-event:\"my app.*\""_s);
}

void TestEventNameTree::searchNarrowsTheTree()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    QTreeView *view = tree->view();
    view->expand(proxyIndexOf(tree.get(), u"prefect.automation."_s));
    auto *search = tree->findChild<QLineEdit *>(u"eventNameSearch"_s);
    QVERIFY(search);

    QTest::keyClicks(search, u"COMPLETED"_s);
    QCOMPARE(leafNames(view->model()),
             (QStringList{u"prefect.flow-run.Completed"_s, u"prefect.flow-run.completed"_s,
                          u"prefect.task-run.Completed"_s}));
    // Matches are shown opened, and counts stay those of the filter.
    const QModelIndex completed = proxyIndexOf(tree.get(), u"prefect.task-run.Completed"_s);
    QVERIFY(view->isExpanded(completed.parent()));
    QCOMPARE(completed.data(EventNameModel::CountRole).toLongLong(), 2);
    QCOMPARE(proxyIndexOf(tree.get(), u"prefect.task-run."_s)
                 .data(EventNameModel::CountRole)
                 .toLongLong(),
             5);
    QVERIFY(tree->findChild<QLabel *>(u"eventNameStatus"_s)->text().startsWith(u"3 of "));

    search->clear();
    QTest::keyClicks(search, u"flow-run"_s);
    QStringList flowRunNames;
    for (const QString &name : expected({}).keys()) {
        if (name.contains(u"flow-run"))
            flowRunNames += name;
    }
    QCOMPARE(leafNames(view->model()), flowRunNames);
    QVERIFY(flowRunNames.contains(u"prefect.worker.executed-flow-run"_s));

    QTest::keyClick(search, Qt::Key_Escape);
    QVERIFY(search->text().isEmpty());
    QCOMPARE(leafNames(view->model()), expected({}).keys());
    // The tree opens as it was before the search.
    QVERIFY(view->isExpanded(proxyIndexOf(tree.get(), u"prefect.automation."_s)));
    QVERIFY(!view->isExpanded(proxyIndexOf(tree.get(), u"prefect.flow-run."_s)));

    QTest::keyClicks(search, u"no such name"_s);
    QCOMPARE(view->model()->rowCount(), 0);
}

void TestEventNameTree::activeTermsMarkNodes()
{
    // prefect.log.write is shown like any other name; the bar's default term marks it.
    QList<Event> logs;
    for (int i = 0; i < 3; ++i) {
        Event log = m_fixture.first();
        log.id = u"0a0a0a0a-0000-4000-8000-00000000000%1"_s.arg(i);
        log.event = u"prefect.log.write"_s;
        logs += log;
    }
    QCOMPARE(m_store.ingest(logs, u"test"_s).stored, 3);
    const auto tree = makeTree();
    QVERIFY(tree);
    const EventNameModel *model = tree->model();
    QCOMPARE(countOf(model, u"prefect.log.write"_s), 3);
    QCOMPARE(markOf(model, u"prefect.log.write"_s), Mark::None);

    tree->setActiveTerms(termsOf(u"-event:prefect.log.write label:prefect.resource.name=x"_s));
    QCOMPARE(markOf(model, u"prefect.log.write"_s), Mark::Excluded);
    QCOMPARE(markOf(model, u"prefect.log."_s), Mark::Excluded);
    QCOMPARE(markOf(model, u"prefect."_s), Mark::Mixed);
    QCOMPARE(markOf(model, u"prefect.flow-run.Failed"_s), Mark::None);
    QCOMPARE(markOf(model, u"animal."_s), Mark::None);
    QCOMPARE(model->activeTerms().size(), 1); // the label term is not the tree's business

    tree->setActiveTerms(termsOf(
        u"event:prefect.flow-run.* -event:prefect.flow-run.Pending -event:prefect.log.write"_s));
    QCOMPARE(markOf(model, u"prefect.flow-run.Completed"_s), Mark::Included);
    QCOMPARE(markOf(model, u"prefect.flow-run.Pending"_s), Mark::Excluded);
    QCOMPARE(markOf(model, u"prefect.flow-run."_s), Mark::Mixed);
    QCOMPARE(markOf(model, u"prefect.task-run.Running"_s), Mark::FilteredOut);
    QCOMPARE(markOf(model, u"prefect.task-run."_s), Mark::FilteredOut);
    QCOMPARE(markOf(model, u"prefect.log.write"_s), Mark::Excluded);
    QCOMPARE(markOf(model, u"animal."_s), Mark::FilteredOut);
    QCOMPARE(markOf(model, u"was.radical"_s), Mark::FilteredOut);

    tree->setActiveTerms(termsOf(u"event:prefect.task-run.*"_s));
    QCOMPARE(markOf(model, u"prefect.task-run."_s), Mark::Included);
    QCOMPARE(markOf(model, u"prefect.task-run.Pending"_s), Mark::Included);
    QCOMPARE(markOf(model, u"prefect.flow-run."_s), Mark::FilteredOut);

    // Two names: either is shown (Prefect's name list).
    tree->setActiveTerms(termsOf(u"event:animal.walked event:prefect.flow-run.Failed"_s));
    QCOMPARE(markOf(model, u"animal.walked"_s), Mark::Included);
    QCOMPARE(markOf(model, u"animal.ingested"_s), Mark::FilteredOut);
    QCOMPARE(markOf(model, u"animal."_s), Mark::Mixed);
    QCOMPARE(markOf(model, u"prefect.flow-run.Failed"_s), Mark::Included);
    QCOMPARE(markOf(model, u"prefect.flow-run.Running"_s), Mark::FilteredOut);

    // Marks stay on a recount and reach new names; none without event terms.
    tree->setActiveTerms(termsOf(u"-event:prefect.log.*"_s));
    QSignalSpy counted(tree.get(), &EventNameTree::counted);
    tree->setFilter(filterOf(u"since:2026-01-01"_s));
    QVERIFY(counted.wait(10000));
    QCOMPARE(markOf(model, u"prefect.log.write"_s), Mark::Excluded);
    QCOMPARE(markOf(model, u"prefect.flow-run.Failed"_s), Mark::None);
    tree->setActiveTerms({});
    for (const QModelIndex &index : allNodes(model))
        QCOMPARE(index.data(EventNameModel::MarkRole).value<Mark>(), Mark::None);

    // Hiding what is already hidden is not offered.
    tree->setActiveTerms(termsOf(u"-event:prefect.log.write"_s));
    tree->view()->expand(proxyIndexOf(tree.get(), u"prefect.log."_s));
    QSignalSpy terms(tree.get(), &EventNameTree::termRequested);
    const QModelIndex log = proxyIndexOf(tree.get(), u"prefect.log.write"_s);
    QVERIFY(log.isValid());
    bool hideEnabled = true;
    QObject scope;
    QTimer::singleShot(50, &scope, [&] {
        if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
            for (QAction *a : menu->actions()) {
                if (a->text() == u"Hide this")
                    hideEnabled = a->isEnabled();
            }
            menu->close();
        }
    });
    emit tree->view()->customContextMenuRequested(tree->view()->visualRect(log).center());
    QVERIFY(!hideEnabled);
    QCOMPARE(terms.size(), 0);
}

void TestEventNameTree::mergeKeepsPersistentIndexes()
{
    EventNameModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto buckets = [](const QList<QPair<QString, qint64>> &rows) {
        QList<CountBucket> out;
        for (const auto &[name, count] : rows)
            out.append({name, name, count});
        return out;
    };
    model.setCounts(
        buckets({{u"a.b"_s, 5}, {u"a.b.c"_s, 2}, {u"a.d"_s, 1}, {u"x"_s, 3}, {u"e..f"_s, 1}}));
    // `a.b` is a name and a prefix: two nodes under `a`.
    const QModelIndex a = model.indexOf(u"a."_s);
    QCOMPARE(model.rowCount(a), 3);
    QCOMPARE(countOf(&model, u"a."_s), 8);
    QCOMPARE(countOf(&model, u"a.b"_s), 5);
    QCOMPARE(countOf(&model, u"a.b."_s), 2);
    QCOMPARE(model.indexOf(u"a.b"_s).data().toString(), u"b"_s);
    QCOMPARE(model.indexOf(u"a.b."_s).data().toString(), u"b"_s);
    QCOMPARE(model.indexOf(u"a.b."_s).data(EventNameModel::TermRole).toString(), u"event:a.b.*"_s);
    QCOMPARE(model.indexOf(u"a.b"_s).data(EventNameModel::TermRole).toString(), u"event:a.b"_s);
    QCOMPARE(countOf(&model, u"e..f"_s), 1);
    QCOMPARE(model.indexOf(u"e.."_s).data().toString(), u"(empty)"_s);
    QCOMPARE(model.index(0, 0).data().toString(), u"a"_s);

    const QPersistentModelIndex x(model.indexOf(u"x"_s));
    const QPersistentModelIndex c(model.indexOf(u"a.b.c"_s));
    // x overtakes a, a.b goes, new names come; x and a.b.c keep their identity.
    model.setCounts(
        buckets({{u"a.b.c"_s, 4}, {u"a.d"_s, 1}, {u"a.z.y"_s, 1}, {u"x"_s, 9}, {u"new"_s, 7}}));
    QVERIFY(x.isValid());
    QVERIFY(c.isValid());
    QCOMPARE(x.row(), 0);
    QCOMPARE(x.data(EventNameModel::CountRole).toLongLong(), 9);
    QCOMPARE(c.data(EventNameModel::CountRole).toLongLong(), 4);
    QCOMPARE(model.index(1, 0).data().toString(), u"new"_s);
    QCOMPARE(model.index(2, 0).data().toString(), u"a"_s);
    QVERIFY(!model.indexOf(u"a.b"_s).isValid());
    QVERIFY(!model.indexOf(u"e.."_s).isValid());
    QCOMPARE(countOf(&model, u"a."_s), 6);
    QCOMPARE(model.nameCount(), 5);
    QCOMPARE(model.total(), 22);
    QCOMPARE(model.index(0, EventNameModel::ShareColumn).data(EventNameModel::ShareRole).toDouble(),
             9.0 / 22);

    model.setCounts({});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!x.isValid());
    QCOMPARE(model.total(), 0);
}

void TestEventNameTree::noStoreMeansEmpty()
{
    const auto tree = makeTree();
    QVERIFY(tree);
    QVERIFY(tree->model()->rowCount() > 0);
    tree->setStore(nullptr);
    QTRY_COMPARE(tree->model()->rowCount(), 0);
    QCOMPARE(tree->findChild<QLabel *>(u"eventNameStatus"_s)->text(), u"No cache"_s);
}

void TestEventNameTree::screenshots()
{
    // Run with EVENTDECK_SCREENSHOTS=DIR to look at the tree over a day of the demo workspace.
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("EVENTDECK_SCREENSHOTS is not set");
    QTemporaryDir tmp;
    EventStore store;
    QVERIFY(store.open(tmp.filePath(u"demo.sqlite"_s)));
    demo::CorpusOptions options;
    options.seed = 7;
    options.events = 20000;
    options.endMicros = timeutil::nowMicros();
    options.spanMicros = qint64(86400) * 1000000;
    demo::Corpus corpus(options);
    while (!corpus.atEnd())
        store.ingest(corpus.next(5000), u"demo"_s);
    QCOMPARE(store.totalCount(), 20000);

    const QPalette light = QApplication::palette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : light);
        const QString suffix = dark ? u"-dark"_s : QString();
        EventNameTree tree;
        tree.resize(440, 640);
        QSignalSpy counted(&tree, &EventNameTree::counted);
        tree.setStore(&store);
        tree.setActiveTerms(termsOf(u"-event:prefect.log.write"_s));
        tree.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tree));
        QVERIFY(counted.wait(10000));
        QTreeView *view = tree.view();
        view->expand(proxyIndexOf(&tree, u"prefect.flow-run."_s));
        view->expand(proxyIndexOf(&tree, u"prefect.log."_s));
        view->setCurrentIndex(proxyIndexOf(&tree, u"prefect.flow-run.Completed"_s));
        QVERIFY(tree.grab().save(dir + u"/eventnametree" + suffix + u".png"));

        tree.setActiveTerms(termsOf(u"event:prefect.flow-run.* -event:prefect.flow-run.Pending"_s));
        view->expand(proxyIndexOf(&tree, u"prefect.task-run."_s));
        QVERIFY(tree.grab().save(dir + u"/eventnametree-terms" + suffix + u".png"));

        QTest::keyClicks(tree.findChild<QLineEdit *>(u"eventNameSearch"_s), u"fail"_s);
        QVERIFY(tree.grab().save(dir + u"/eventnametree-search" + suffix + u".png"));
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestEventNameTree)
#include "tst_eventnametree.moc"
