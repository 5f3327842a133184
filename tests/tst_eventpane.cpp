// The event and resource panes over a real cache filled with the fixture events: names and
// kinds, filter terms and their quoting, the event's fields, payload and raw JSON, follows
// links, context-menu terms (checked against the filter bar's parser), and the resource timeline.

#include "core/eventstore.h"
#include "core/filterexpression.h"
#include "core/importer.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "ui/eventformat.h"
#include "ui/eventnames.h"
#include "ui/eventpane.h"
#include "ui/eventtree.h"
#include "ui/resourcepane.h"
#include "ui/resourcetimelinemodel.h"
#include "ui/palette.h"
#include "tests/fixtureevents.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFontInfo>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QFontDatabase>
#include <QTest>
#include <QTreeView>

#include <algorithm>
#include <memory>

using namespace ed;
using namespace ed::ui;
using namespace Qt::StringLiterals;

namespace {

const QString kFlowRun = QStringLiteral("prefect.flow-run.e3755d32-cec5-42ca-9bcd-af236e308ba6");
const QString kDeployment = QStringLiteral("prefect.deployment.b2c3d4e5-f6a7-8901-bcde-f12345678901");
const QString kFailedId = QStringLiteral("019c4a1e-7d2b-7c3a-8e5f-0a1b2c3d4e5f");

qint64 at(const char *iso)
{
    qint64 t = 0;
    timeutil::parse(QString::fromLatin1(iso), t);
    return t;
}

/// The row under `parent` whose first column reads `first` (and second `second`, when given).
QModelIndex child(const QAbstractItemModel *model, const QModelIndex &parent, const QString &first,
                  const QString &second = {})
{
    for (int row = 0; row < model->rowCount(parent); ++row) {
        const QModelIndex index = model->index(row, 0, parent);
        if (index.data().toString() == first
            && (second.isNull() || index.siblingAtColumn(1).data().toString() == second))
            return index;
    }
    return {};
}

/// Walks `path` (first-column texts) from the root; an element `a|b` also matches column 1.
QModelIndex find(const QAbstractItemModel *model, const QStringList &path)
{
    QModelIndex index;
    for (const QString &step : path) {
        const qsizetype bar = step.indexOf(u'|');
        index = bar < 0 ? child(model, index, step) : child(model, index, step.left(bar), step.mid(bar + 1));
        if (!index.isValid())
            return {};
    }
    return index;
}

QStringList childTexts(const QAbstractItemModel *model, const QModelIndex &parent, int column)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(parent); ++row)
        out += model->index(row, column, parent).data().toString();
    return out;
}

Resource resource(std::initializer_list<std::pair<const char *, const char *>> labels)
{
    Resource r;
    for (const auto &[k, v] : labels)
        r.set(QString::fromUtf8(k), QString::fromUtf8(v));
    return r;
}

} // namespace

class TestEventPane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void humanizesEventNames_data();
    void humanizesEventNames();
    void resourceKinds_data();
    void resourceKinds();
    void quotesFilterTerms_data();
    void quotesFilterTerms();
    void relativeTimes_data();
    void relativeTimes();
    void prettyJsonKeepsEveryByte();

    void showsFieldsLabelsAndRelated();
    void payloadTree();
    void rawJsonAndCopy();
    void followsLinks();
    void clickingALink();
    void contextMenuTerms_data();
    void contextMenuTerms();
    void clearShowsPlaceholder();

    void timelineListsEveryEventNamingTheResource_data();
    void timelineListsEveryEventNamingTheResource();
    void timelineLoadsMore();
    void resourceDetailsAndLinks();
    void filterButtonAndSelection();

    void screenshots();

private:
    StoredEvent stored(const QString &id);
    StoredEvent store(const Event &e);

    QTemporaryDir m_dir;
    EventStore m_store;
    QList<Event> m_fixture; ///< deduplicated by id, first copy wins, as the cache does
    Event m_leader, m_follower;
};

void TestEventPane::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("cache.sqlite"))));

    const QList<Event> all = testsupport::fixtureEvents();
    m_fixture = testsupport::fixtureEvents(testsupport::Copies::FirstOnly);
    QVERIFY(m_fixture.size() >= 20);
    QCOMPARE(m_store.ingest(all, QStringLiteral("file:prefect-sample-events.json")).stored,
             m_fixture.size());

    // Two events of our own, one following the other.
    m_leader.id = QStringLiteral("aaaaaaaa-0000-4000-8000-000000000001");
    m_leader.event = QStringLiteral("prefect.flow-run.Pending");
    m_leader.occurred = at("2026-04-01T10:00:00Z");
    m_leader.resource = resource({{"prefect.resource.id", "prefect.flow-run.lead"},
                                  {"prefect.resource.name", "my flow"},
                                  {"note", R"(say "hi" \o/)"},
                                  {"pattern", "etl*[1]?"}});
    m_leader.related = {resource({{"prefect.resource.id", "prefect.deployment.x"},
                                  {"prefect.resource.role", "deployment"},
                                  {"prefect.resource.name", "my etl/prod"}})};
    m_leader.payload = QByteArrayLiteral(
        R"({"message":"hello world","count":3,"flag":true,"nothing":null,"list":["a b",2.50]})");
    m_follower = m_leader;
    m_follower.id = QStringLiteral("aaaaaaaa-0000-4000-8000-000000000002");
    m_follower.event = QStringLiteral("prefect.flow-run.Running");
    m_follower.occurred = at("2026-04-01T10:00:01Z");
    m_follower.follows = m_leader.id;
    QCOMPARE(m_store.ingest({m_leader, m_follower}, QStringLiteral("test")).stored, 2);
}

StoredEvent TestEventPane::stored(const QString &id)
{
    const auto e = m_store.findById(id);
    if (!e)
        qFatal("no event %s in the cache", qPrintable(id));
    return *e;
}

// --- names, kinds, terms, times ------------------------------------------------------------

void TestEventPane::humanizesEventNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("human");
    QTest::newRow("state") << "prefect.flow-run.Completed" << "Flow run Completed";
    QTest::newRow("custom state") << "prefect.flow-run.SuccessfullyProcessed" << "Flow run SuccessfullyProcessed";
    QTest::newRow("dashed action") << "prefect.deployment.not-ready" << "Deployment not ready";
    QTest::newRow("legacy underscore") << "prefect.work-pool.not_ready" << "Work pool not ready";
    QTest::newRow("worker") << "prefect.worker.executed-flow-run" << "Worker executed flow run";
    QTest::newRow("nested") << "prefect.automation.action.triggered" << "Automation action triggered";
    QTest::newRow("block") << "prefect.block.s3-bucket.loaded" << "Block s3 bucket loaded";
    QTest::newRow("cloud") << "prefect-cloud.incident.declared" << "Incident declared";
    QTest::newRow("foreign") << "animal.walked" << "Animal walked";
    QTest::newRow("one word") << "hello" << "Hello";
    QTest::newRow("namespace only") << "prefect." << "Prefect";
    QTest::newRow("empty") << "" << "";
}

void TestEventPane::humanizesEventNames()
{
    QFETCH(QString, name);
    QFETCH(QString, human);
    QCOMPARE(humanizeEventName(name), human);
}

void TestEventPane::resourceKinds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("kind");
    QTest::newRow("flow run") << kFlowRun << "flow-run";
    QTest::newRow("task run") << "prefect.task-run.aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa" << "task-run";
    QTest::newRow("deployment") << kDeployment << "deployment";
    QTest::newRow("flow") << "prefect.flow.a1b2c3d4-e5f6-7890-abcd-ef1234567890" << "flow";
    QTest::newRow("work pool") << "prefect.work-pool.c3d4" << "work-pool";
    QTest::newRow("work queue") << "prefect.work-queue.d4e5" << "work-queue";
    QTest::newRow("worker") << "prefect.worker.kubernetes.my-k8s-worker" << "worker";
    QTest::newRow("automation") << "prefect.automation.5b9c5c3d" << "automation";
    QTest::newRow("cloud automation") << "prefect-cloud.automation.5b9c5c3d" << "automation";
    QTest::newRow("block document") << "prefect.block-document.0f1e" << "block";
    QTest::newRow("artifact") << "prefect.artifact.1234" << "artifact";
    QTest::newRow("artifact collection") << "prefect.artifact-collection.1234" << "artifact";
    QTest::newRow("asset key") << "s3://bucket/raw/data.parquet" << "asset";
    QTest::newRow("any url") << "postgres://db/schema.table" << "asset";
    QTest::newRow("concurrency limit") << "prefect.concurrency-limit.99" << "concurrency-limit";
    QTest::newRow("tag") << "prefect.tag.production" << "other";
    QTest::newRow("event pointer") << "prefect.event.019c4a1e" << "other";
    QTest::newRow("pod") << "prefect.kubernetes.pod.a1b2" << "other";
    QTest::newRow("no id after the kind") << "prefect.flow-run." << "other";
    QTest::newRow("not prefect") << "my-k8s-worker" << "other";
    QTest::newRow("prefix lookalike") << "prefect.flowers.1" << "other";
}

void TestEventPane::resourceKinds()
{
    QFETCH(QString, id);
    QFETCH(QString, kind);
    QCOMPARE(resourceKind(id), kind);
}

void TestEventPane::quotesFilterTerms_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("term");
    QTest::newRow("plain") << "event:" << "prefect.flow-run.Completed" << "event:prefect.flow-run.Completed";
    QTest::newRow("space") << "label:prefect.resource.name=" << "my flow" << R"(label:prefect.resource.name="my flow")";
    QTest::newRow("quotes") << "text:" << R"(say "hi")" << R"(text:"say \"hi\"")";
    QTest::newRow("backslash") << "text:" << R"(C:\temp)" << R"(text:"C:\\temp")";
    QTest::newRow("single quote") << "text:" << "it's" << R"(text:"it's")";
    QTest::newRow("tab") << "text:" << "a\tb" << "text:\"a\tb\"";
    QTest::newRow("empty") << "label:prefect.state-message=" << "" << R"(label:prefect.state-message="")";
    QTest::newRow("negated in quotes") << "label:k=" << "!my flow" << R"(label:k="!my flow")";
    QTest::newRow("colon kept") << "any-resource:" << "s3://bucket/x" << "any-resource:s3://bucket/x";
}

void TestEventPane::quotesFilterTerms()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, term);
    QCOMPARE(filterTerm(key, value), term);
    // The filter bar reads it back to the same key and value.
    const auto parsed = parseFilterExpression(term);
    QVERIFY(parsed);
    QCOMPARE(parsed->size(), 1);
    const FilterTerm &t = parsed->first();
    QCOMPARE((t.negated ? u"-"_s : QString()) + t.key + u':', key.left(key.indexOf(u':') + 1));
    QCOMPARE(t.value, key.mid(key.indexOf(u':') + 1) + value);
}

void TestEventPane::relativeTimes_data()
{
    QTest::addColumn<qint64>("delta"); // now - then, seconds
    QTest::addColumn<QString>("text");
    QTest::newRow("now") << qint64(2) << "just now";
    QTest::newRow("seconds") << qint64(42) << "42 s ago";
    QTest::newRow("minutes") << qint64(3 * 60 + 59) << "3 min ago";
    QTest::newRow("hours") << qint64(5 * 3600) << "5 h ago";
    QTest::newRow("days") << qint64(3 * 86400) << "3 days ago";
    QTest::newRow("a year") << qint64(400 * 86400) << "1 year ago";
    QTest::newRow("future") << qint64(-180) << "in 3 min";
}

void TestEventPane::relativeTimes()
{
    QFETCH(qint64, delta);
    QFETCH(QString, text);
    const qint64 now = at("2026-04-01T12:00:00Z");
    QCOMPARE(formatRelativeTime(now - delta * 1000000, now), text);
}

void TestEventPane::prettyJsonKeepsEveryByte()
{
    const QByteArray compact = R"({"a":[],"b":{},"c":[1,{"d":"x,y:{z}\"]"}],"e":"\u00e9"})";
    const QByteArray pretty = prettyJson(compact);
    QCOMPARE(pretty, QByteArray(R"({
  "a": [],
  "b": {},
  "c": [
    1,
    {
      "d": "x,y:{z}\"]"
    }
  ],
  "e": "\u00e9"
})"));
    QCOMPARE(json::minify(pretty), compact);
}

// --- the event pane ----------------------------------------------------------------------

void TestEventPane::showsFieldsLabelsAndRelated()
{
    EventPane pane;
    pane.setStore(&m_store);
    auto *view = pane.findChild<QTreeView *>(QStringLiteral("eventDetails"));
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.setEvent(stored(kFailedId));
    const QAbstractItemModel *m = view->model();

    QCOMPARE(find(m, {u"Event"_s}).siblingAtColumn(1).data().toString(), u"Flow run Failed"_s);
    QCOMPARE(find(m, {u"Event name"_s}).siblingAtColumn(1).data().toString(), u"prefect.flow-run.Failed"_s);
    QCOMPARE(find(m, {u"ID"_s}).siblingAtColumn(1).data().toString(), kFailedId);
    QCOMPARE(find(m, {u"Source"_s}).siblingAtColumn(1).data().toString(), u"file:prefect-sample-events.json"_s);
    const QString occurred = find(m, {u"Occurred"_s}).siblingAtColumn(1).data().toString();
    QVERIFY2(occurred.contains(u"18:41:12.345678 UTC"_s) && occurred.contains(u" ago"_s), qPrintable(occurred));
    const QString received = find(m, {u"Received"_s}).siblingAtColumn(1).data().toString();
    QVERIFY2(received.contains(u"18:41:12.401234 UTC"_s) && received.contains(u"0.0556 s after it occurred"_s),
             qPrintable(received));

    // Every label of the primary resource, in order.
    const Event &e = stored(kFailedId).event;
    const QModelIndex res = find(m, {u"Resource"_s});
    QCOMPARE(res.siblingAtColumn(1).data().toString(), u"flow-run · crimson-fox"_s);
    QStringList keys, values;
    for (const Label &l : e.resource.labels) {
        keys += l.key;
        values += l.value;
    }
    QCOMPARE(childTexts(m, res, 0), keys);
    QCOMPARE(childTexts(m, res, 1), values);

    // Related: one row per resource (role, name), its labels beneath.
    const QModelIndex related = find(m, {u"Related"_s});
    QCOMPARE(related.siblingAtColumn(1).data().toString(), u"7 resources"_s);
    QCOMPARE(childTexts(m, related, 0),
             (QStringList{u"flow"_s, u"deployment"_s, u"work-queue"_s, u"work-pool"_s, u"tag"_s,
                          u"tag"_s, u"creator"_s}));
    QCOMPARE(childTexts(m, related, 1),
             (QStringList{u"my-etl-flow"_s, u"production"_s, u"default"_s, u"my-k8s-pool"_s,
                          u"prefect.tag.etl"_s, u"prefect.tag.production"_s, u"my-etl-flow/production"_s}));
    const QModelIndex pool = find(m, {u"Related"_s, u"work-pool"_s, u"prefect.work-pool.type"_s});
    QCOMPARE(pool.siblingAtColumn(1).data().toString(), u"kubernetes"_s);
    QCOMPARE(find(m, {u"Related"_s, u"creator"_s, u"prefect.resource.id"_s}).siblingAtColumn(1).data().toString(),
             kDeployment);
    // Rows are selectable, not editable.
    QVERIFY(pool.flags() & Qt::ItemIsSelectable);
    QVERIFY(!(pool.flags() & Qt::ItemIsEditable));
}

void TestEventPane::payloadTree()
{
    EventPane pane;
    auto *view = pane.findChild<QTreeView *>(QStringLiteral("eventPayload"));
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.setEvent(stored(kFailedId));
    const QAbstractItemModel *m = view->model();

    // Keys in document order, nested keys beneath their object.
    QCOMPARE(childTexts(m, {}, 0), (QStringList{u"intended"_s, u"initial_state"_s, u"validated_state"_s}));
    const QModelIndex intended = find(m, {u"intended"_s});
    QCOMPARE(intended.siblingAtColumn(1).data().toString(), u"2 keys"_s);
    QCOMPARE(intended.siblingAtColumn(2).data().toString(), u"object"_s);
    const QModelIndex to = find(m, {u"intended"_s, u"to"_s});
    QCOMPARE(to.siblingAtColumn(1).data().toString(), u"FAILED"_s);
    QCOMPARE(to.siblingAtColumn(2).data().toString(), u"string"_s);
    QCOMPARE(find(m, {u"validated_state"_s, u"message"_s}).siblingAtColumn(1).data().toString(),
             u"Flow run encountered an exception: ValueError: boom"_s);

    // Types, arrays indexed, numbers as written.
    pane.setEvent(stored(m_leader.id));
    QCOMPARE(find(m, {u"count"_s}).siblingAtColumn(2).data().toString(), u"number"_s);
    QCOMPARE(find(m, {u"flag"_s}).siblingAtColumn(1).data().toString(), u"true"_s);
    QCOMPARE(find(m, {u"flag"_s}).siblingAtColumn(2).data().toString(), u"boolean"_s);
    QCOMPARE(find(m, {u"nothing"_s}).siblingAtColumn(2).data().toString(), u"null"_s);
    const QModelIndex list = find(m, {u"list"_s});
    QCOMPARE(list.siblingAtColumn(2).data().toString(), u"array"_s);
    QCOMPARE(childTexts(m, list, 0), (QStringList{u"[0]"_s, u"[1]"_s}));
    QCOMPARE(childTexts(m, list, 1), (QStringList{u"a b"_s, u"2.50"_s}));
}

void TestEventPane::rawJsonAndCopy()
{
    EventPane pane;
    auto *raw = pane.findChild<QPlainTextEdit *>(QStringLiteral("eventRawJson"));
    auto *copy = pane.findChild<QPushButton *>(QStringLiteral("copyRawJson"));
    QVERIFY(raw && copy);
    QVERIFY(raw->isReadOnly());
    // The system's fixed font was asked for; whether a monospace face is installed is the machine's business.
    QCOMPARE(raw->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());

    const StoredEvent se = stored(kFailedId);
    pane.setEvent(se);
    const QByteArray text = raw->toPlainText().toUtf8();
    QCOMPARE(text, prettyJson(se.json));
    // The stored JSON, every byte of it, only indented.
    QCOMPARE(json::minify(text), se.json);
    QCOMPARE(QJsonDocument::fromJson(text), QJsonDocument::fromJson(se.json));
    QVERIFY(text.startsWith("{\n  \"occurred\": \"2026-03-31T18:41:12.345678Z\",\n  \"event\": \"prefect.flow-run.Failed\",\n"));

    QGuiApplication::clipboard()->clear();
    copy->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromUtf8(text));
}

void TestEventPane::followsLinks()
{
    EventPane pane;
    pane.setStore(&m_store);
    auto *view = pane.findChild<QTreeView *>(QStringLiteral("eventDetails"));
    const QAbstractItemModel *m = view->model();
    QSignalSpy events(&pane, &EventPane::eventRequested);
    QSignalSpy resources(&pane, &EventPane::resourceRequested);

    // The follower names its leader, which the cache has.
    pane.setEvent(stored(m_follower.id));
    const QModelIndex follows = find(m, {u"Follows"_s}).siblingAtColumn(1);
    QVERIFY2(follows.data().toString().startsWith(u"Flow run Pending · "_s), qPrintable(follows.data().toString()));
    pane.followLink(follows);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.takeFirst().at(0).toString(), m_leader.id);
    QCOMPARE(find(m, {u"Followed by"_s}).siblingAtColumn(1).data().toString(), u"nothing"_s);

    // The leader lists its follower.
    pane.setEvent(stored(m_leader.id));
    QCOMPARE(find(m, {u"Follows"_s}).siblingAtColumn(1).data().toString(), u"nothing"_s);
    QVERIFY(!find(m, {u"Follows"_s}).siblingAtColumn(1).data(LinkTargetRole).isValid());
    const QModelIndex followedBy = find(m, {u"Followed by"_s});
    QCOMPARE(followedBy.siblingAtColumn(1).data().toString(), u"1 event"_s);
    QCOMPARE(m->rowCount(followedBy), 1);
    const QModelIndex follower = m->index(0, 1, followedBy);
    QCOMPARE(m->index(0, 0, followedBy).data().toString(), u"Flow run Running"_s);
    pane.followLink(follower);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.takeFirst().at(0).toString(), m_follower.id);

    // Fixture chain: an action triggered by the failure is followed by two outcomes.
    pane.setEvent(stored(u"019c4a1e-9200-7000-8000-0000000000f7"_s));
    pane.followLink(find(m, {u"Follows"_s}).siblingAtColumn(1));
    QCOMPARE(events.takeFirst().at(0).toString(), kFailedId);
    const QModelIndex outcomes = find(m, {u"Followed by"_s});
    QCOMPARE(childTexts(m, outcomes, 0),
             (QStringList{u"Automation action executed"_s, u"Automation action failed"_s}));
    pane.followLink(m->index(1, 1, outcomes));
    QCOMPARE(events.takeFirst().at(0).toString(), u"019c4a1e-9400-7000-8000-0000000000f9"_s);

    // A follows id the cache lacks is still a link.
    StoredEvent orphan = stored(m_follower.id);
    orphan.event.follows = u"bbbbbbbb-0000-4000-8000-000000000009"_s;
    pane.setEvent(orphan);
    const QModelIndex missing = find(m, {u"Follows"_s}).siblingAtColumn(1);
    QVERIFY(missing.data().toString().contains(u"not in the cache"_s));
    pane.followLink(missing);
    QCOMPARE(events.takeFirst().at(0).toString(), orphan.event.follows);

    // Resource links: the primary and each related resource.
    pane.setEvent(stored(kFailedId));
    pane.followLink(find(m, {u"Resource"_s}).siblingAtColumn(1));
    pane.followLink(find(m, {u"Related"_s, u"creator"_s}).siblingAtColumn(1));
    QCOMPARE(resources.size(), 2);
    QCOMPARE(resources.at(0).at(0).toString(), kFlowRun);
    QCOMPARE(resources.at(1).at(0).toString(), kDeployment);
    QVERIFY(events.isEmpty());

    // Without a cache there is nothing to ask about followers.
    EventPane bare;
    bare.setEvent(stored(m_leader.id));
    auto *bareView = bare.findChild<QTreeView *>(QStringLiteral("eventDetails"));
    QVERIFY(!find(bareView->model(), {u"Followed by"_s}).isValid());
}

void TestEventPane::clickingALink()
{
    EventPane pane;
    pane.setStore(&m_store);
    pane.resize(900, 700);
    pane.setEvent(stored(m_follower.id));
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    auto *view = pane.findChild<QTreeView *>(QStringLiteral("eventDetails"));
    const QModelIndex follows = find(view->model(), {u"Follows"_s}).siblingAtColumn(1);
    QSignalSpy events(&pane, &EventPane::eventRequested);
    const QRect rect = view->visualRect(follows);
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).at(0).toString(), m_leader.id);
    // A click on a plain cell follows nothing.
    QTest::qWait(QApplication::doubleClickInterval() + 50);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(find(view->model(), {u"ID"_s}).siblingAtColumn(1)).center());
    QCOMPARE(events.size(), 1);
}

void TestEventPane::contextMenuTerms_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("tree");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("term"); // empty: the action is there but disabled
    QTest::addColumn<int>("matches");  // the source event matches the term's filter: 1, 0, or -1 (not checked)

    const QString failed = kFailedId;
    const QString lead = m_leader.id;
    const QString details = QStringLiteral("eventDetails");
    const QString payload = QStringLiteral("eventPayload");

    QTest::newRow("event name") << failed << details << QStringList{u"Event name"_s} << 1 << "filterOn" << "event:prefect.flow-run.Failed" << 1;
    QTest::newRow("humanised name") << failed << details << QStringList{u"Event"_s} << 1 << "exclude" << "-event:prefect.flow-run.Failed" << 0;
    QTest::newRow("resource") << failed << details << QStringList{u"Resource"_s} << 1 << "filterOn" << u"resource:"_s + kFlowRun << 1;
    QTest::newRow("resource excluded") << failed << details << QStringList{u"Resource"_s} << 0 << "exclude" << u"label:prefect.resource.id=!"_s + kFlowRun << 0;
    QTest::newRow("resource anywhere") << failed << details << QStringList{u"Resource"_s} << 1 << "filterAnyResource" << u"any-resource:"_s + kFlowRun << 1;
    QTest::newRow("resource id label") << failed << details << QStringList{u"Resource"_s, u"prefect.resource.id"_s} << 1 << "filterOn" << u"resource:"_s + kFlowRun << 1;
    QTest::newRow("label") << failed << details << QStringList{u"Resource"_s, u"prefect.state-type"_s} << 1 << "filterOn" << "label:prefect.state-type=FAILED" << 1;
    QTest::newRow("label excluded") << failed << details << QStringList{u"Resource"_s, u"prefect.state-type"_s} << 0 << "exclude" << "label:prefect.state-type=!FAILED" << 0;
    QTest::newRow("label in any resource") << failed << details << QStringList{u"Resource"_s, u"prefect.resource.name"_s} << 1 << "filterAnyLabel" << "any-label:prefect.resource.name=crimson-fox" << 1;
    QTest::newRow("label with spaces") << failed << details << QStringList{u"Resource"_s, u"prefect.state-message"_s} << 1 << "filterOn"
                             << R"(label:prefect.state-message="Flow run encountered an exception: ValueError: boom")" << 1;
    QTest::newRow("related resource") << failed << details << QStringList{u"Related"_s, u"work-queue"_s} << 1 << "filterOn"
                            << "related-label:prefect.resource.id=prefect.work-queue.d4e5f6a7-b890-1234-5678-9012abcdef34" << 1;
    QTest::newRow("related resource excluded") << failed << details << QStringList{u"Related"_s, u"work-queue"_s} << 1 << "exclude"
                                     << "related-label:prefect.resource.id=!prefect.work-queue.d4e5f6a7-b890-1234-5678-9012abcdef34" << -1;
    QTest::newRow("related resource's role") << failed << details << QStringList{u"Related"_s, u"creator"_s} << 0 << "filterRelatedRole" << "related-role:creator" << 1;
    QTest::newRow("related label") << failed << details << QStringList{u"Related"_s, u"creator"_s, u"prefect.resource.name"_s} << 1 << "filterOn"
                         << "related-label:prefect.resource.name=my-etl-flow/production" << 1;
    QTest::newRow("related label excluded") << failed << details << QStringList{u"Related"_s, u"work-pool"_s, u"prefect.work-pool.type"_s} << 1 << "exclude"
                                  << "related-label:prefect.work-pool.type=!kubernetes" << 0;
    QTest::newRow("related label anywhere") << failed << details << QStringList{u"Related"_s, u"work-pool"_s, u"prefect.work-pool.type"_s} << 1 << "filterAnyLabel"
                                  << "any-label:prefect.work-pool.type=kubernetes" << 1;
    QTest::newRow("related role label") << failed << details << QStringList{u"Related"_s, u"flow"_s, u"prefect.resource.role"_s} << 1 << "filterOn" << "related-role:flow" << 1;
    QTest::newRow("related role has no exclusion") << failed << details << QStringList{u"Related"_s, u"flow"_s, u"prefect.resource.role"_s} << 1 << "exclude" << "" << -1;
    QTest::newRow("payload value") << failed << payload << QStringList{u"intended"_s, u"from"_s} << 1 << "filterOn" << "text:RUNNING" << 1;
    QTest::newRow("payload value excluded") << failed << payload << QStringList{u"intended"_s, u"from"_s} << 2 << "exclude" << "-text:RUNNING" << 0;
    QTest::newRow("payload object key") << failed << payload << QStringList{u"validated_state"_s} << 0 << "filterOn" << "text:validated_state" << 1;
    QTest::newRow("payload phrase") << failed << payload << QStringList{u"validated_state"_s, u"message"_s} << 1 << "filterOn"
                          << R"(text:"Flow run encountered an exception: ValueError: boom")" << 1;

    // Quoting and glob characters.
    QTest::newRow("quoted label") << lead << details << QStringList{u"Resource"_s, u"prefect.resource.name"_s} << 1 << "filterOn" << R"(label:prefect.resource.name="my flow")" << 1;
    QTest::newRow("quoted exclusion") << lead << details << QStringList{u"Resource"_s, u"prefect.resource.name"_s} << 1 << "exclude" << R"(label:prefect.resource.name="!my flow")" << 0;
    QTest::newRow("escaped quotes") << lead << details << QStringList{u"Resource"_s, u"note"_s} << 1 << "filterOn" << R"(label:note="say \"hi\" \\o/")" << 1;
    QTest::newRow("glob characters") << lead << details << QStringList{u"Resource"_s, u"pattern"_s} << 1 << "filterOn" << "label:pattern=etl[*][[]1][?]" << 1;
    QTest::newRow("quoted related label") << lead << details << QStringList{u"Related"_s, u"deployment"_s, u"prefect.resource.name"_s} << 1 << "filterOn"
                                << R"(related-label:prefect.resource.name="my etl/prod")" << 1;
    QTest::newRow("quoted text") << lead << payload << QStringList{u"message"_s} << 1 << "filterOn" << R"(text:"hello world")" << 1;
    QTest::newRow("array element") << lead << payload << QStringList{u"list"_s, u"[0]"_s} << 1 << "filterOn" << R"(text:"a b")" << 1;
    QTest::newRow("number as written") << lead << payload << QStringList{u"list"_s, u"[1]"_s} << 1 << "filterOn" << "text:2.50" << 1;
    QTest::newRow("null") << lead << payload << QStringList{u"nothing"_s} << 1 << "filterOn" << "text:null" << 1;
}

void TestEventPane::contextMenuTerms()
{
    QFETCH(QString, event);
    QFETCH(QString, tree);
    QFETCH(QStringList, path);
    QFETCH(int, column);
    QFETCH(QString, action);
    QFETCH(QString, term);
    QFETCH(int, matches);

    EventPane pane;
    pane.setStore(&m_store);
    const StoredEvent se = stored(event);
    pane.setEvent(se);
    auto *view = pane.findChild<QTreeView *>(tree);
    QVERIFY(view);
    const QModelIndex index = find(view->model(), path);
    QVERIFY2(index.isValid(), qPrintable(path.join(u" / ")));

    std::unique_ptr<QMenu> menu(pane.createContextMenu(index.siblingAtColumn(column)));
    QVERIFY(menu->findChild<QAction *>(QStringLiteral("filterOn")));
    QVERIFY(menu->findChild<QAction *>(QStringLiteral("exclude")));
    auto *a = menu->findChild<QAction *>(action);
    QVERIFY2(a, qPrintable(action));
    QSignalSpy spy(&pane, &EventPane::filterTermRequested);
    if (term.isEmpty()) {
        QVERIFY(!a->isEnabled());
        return;
    }
    QVERIFY(a->isEnabled());
    a->trigger();
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), term);

    // The filter bar reads the term, and its filter says the same about the event.
    QString error;
    const auto terms = parseFilterExpression(term);
    QVERIFY(terms);
    QCOMPARE(terms->size(), 1);
    const auto filter = filterFromTerms(*terms, at("2026-04-02T00:00:00Z"), &error);
    QVERIFY2(filter, qPrintable(error));
    if (matches >= 0)
        QCOMPARE(filter->matches(se.event), matches == 1);
}

void TestEventPane::clearShowsPlaceholder()
{
    EventPane pane;
    pane.setEvent(stored(kFailedId));
    auto *stack = pane.findChild<QStackedWidget *>();
    QCOMPARE(stack->currentIndex(), 1);
    pane.clear();
    QVERIFY(!pane.hasEvent());
    QCOMPARE(stack->currentIndex(), 0);
    QCOMPARE(pane.findChild<QTreeView *>(QStringLiteral("eventDetails"))->model()->rowCount(), 0);
    QVERIFY(pane.findChild<QPlainTextEdit *>(QStringLiteral("eventRawJson"))->toPlainText().isEmpty());
}

// --- the resource pane -------------------------------------------------------------------

void TestEventPane::timelineListsEveryEventNamingTheResource_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("flow run") << kFlowRun;
    QTest::newRow("deployment") << kDeployment;
    QTest::newRow("work pool") << u"prefect.work-pool.c3d4e5f6-a7b8-9012-cdef-123456789012"_s;
    QTest::newRow("tag") << u"prefect.tag.production"_s;
    QTest::newRow("bare id") << u"my-deployment"_s;
    QTest::newRow("unknown") << u"prefect.flow-run.nope"_s;
}

void TestEventPane::timelineListsEveryEventNamingTheResource()
{
    QFETCH(QString, id);
    // From the fixture: events where it is primary or related, newest first, id breaking ties.
    QList<Event> expected;
    for (const Event &e : std::as_const(m_fixture)) {
        const bool related = std::any_of(e.related.begin(), e.related.end(),
                                         [&](const Resource &r) { return r.id() == id; });
        if (e.resource.id() == id || related)
            expected.append(e);
    }
    std::sort(expected.begin(), expected.end(), [](const Event &a, const Event &b) {
        return a.occurred != b.occurred ? a.occurred > b.occurred : a.id > b.id;
    });
    QStringList expectedIds, expectedRoles;
    for (const Event &e : std::as_const(expected)) {
        expectedIds += e.id;
        QStringList roles;
        if (e.resource.id() == id)
            roles += u"primary"_s;
        for (const Resource &r : e.related) {
            if (r.id() == id && !roles.contains(r.role()))
                roles += r.role();
        }
        expectedRoles += roles.join(u", ");
    }

    ResourcePane pane;
    pane.setStore(&m_store);
    QAbstractItemModelTester tester(pane.timelineModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.showResource(id);
    const ResourceTimelineModel *m = pane.timelineModel();
    QStringList ids, roles;
    for (int row = 0; row < m->rowCount(); ++row) {
        ids += m->index(row, 0).data(ResourceTimelineModel::IdRole).toString();
        roles += m->index(row, ResourceTimelineModel::RoleColumn).data().toString();
    }
    QCOMPARE(ids, expectedIds);
    QCOMPARE(roles, expectedRoles);
    QVERIFY(!m->canLoadMore());
    if (!expected.isEmpty()) {
        QCOMPARE(m->index(0, ResourceTimelineModel::EventColumn).data().toString(),
                 humanizeEventName(expected.first().event));
        QCOMPARE(m->index(0, ResourceTimelineModel::EventColumn).data(Qt::ToolTipRole).toString(),
                 expected.first().event);
    }
    const QString status = pane.findChild<QLabel *>(QStringLiteral("timelineStatus"))->text();
    QVERIFY2(status.contains(QString::number(expected.size()) + u" event"), qPrintable(status));
}

void TestEventPane::timelineLoadsMore()
{
    ResourcePane pane;
    pane.setStore(&m_store);
    ResourceTimelineModel *m = pane.timelineModel();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m->pageSize(), 500);
    const auto all = m_store.page(ResourceTimelineModel::filterFor(kDeployment), 1000);
    QVERIFY(all && all->size() == 4);
    QStringList expected;
    for (const StoredEvent &se : *all)
        expected += se.event.id;

    m->setPageSize(2);
    pane.showResource(kDeployment);
    auto *more = pane.findChild<QPushButton *>(QStringLiteral("loadMore"));
    auto ids = [&] {
        QStringList out;
        for (int row = 0; row < m->rowCount(); ++row)
            out += m->index(row, 0).data(ResourceTimelineModel::IdRole).toString();
        return out;
    };
    QCOMPARE(ids(), expected.mid(0, 2));
    QVERIFY(more->isEnabled());
    QVERIFY(pane.findChild<QLabel *>(QStringLiteral("timelineStatus"))->text().contains(u"newest 2 of 4"_s));
    more->click();
    QCOMPARE(ids(), expected);
    // A full page may not be the last: one more read finds nothing and ends it.
    QVERIFY(more->isEnabled());
    more->click();
    QCOMPARE(ids(), expected);
    QVERIFY(!more->isEnabled());

    // Another resource starts over.
    pane.showResource(kFlowRun);
    QCOMPARE(m->rowCount(), 2);
    QCOMPARE(m->resourceId(), kFlowRun);
}

void TestEventPane::resourceDetailsAndLinks()
{
    ResourcePane pane;
    pane.setStore(&m_store);
    auto *view = pane.findChild<QTreeView *>(QStringLiteral("resourceDetails"));
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QAbstractItemModel *m = view->model();

    // Primary in its newest event (the Failed one): those labels and related resources.
    pane.showResource(kFlowRun);
    QCOMPARE(pane.findChild<QLabel *>(QStringLiteral("resourceTitle"))->text(), u"flow-run · crimson-fox"_s);
    const QModelIndex labels = find(m, {u"Labels"_s});
    QCOMPARE(find(m, {u"Labels"_s, u"prefect.state-name"_s}).siblingAtColumn(1).data().toString(), u"Failed"_s);
    QCOMPARE(m->rowCount(labels), stored(kFailedId).event.resource.labels.size());
    const QModelIndex related = find(m, {u"Related resources"_s});
    QCOMPARE(childTexts(m, related, 0),
             (QStringList{u"flow"_s, u"deployment"_s, u"work-queue"_s, u"work-pool"_s, u"tag"_s,
                          u"tag"_s, u"creator"_s}));
    QSignalSpy resources(&pane, &ResourcePane::resourceRequested);
    emit view->clicked(find(m, {u"Related resources"_s, u"work-pool"_s}).siblingAtColumn(1));
    QCOMPARE(resources.size(), 1);
    QCOMPARE(resources.at(0).at(0).toString(), u"prefect.work-pool.c3d4e5f6-a7b8-9012-cdef-123456789012"_s);

    // Only ever related: labels from the newest such event, without its role; the primary
    // resource and the others it was seen with.
    pane.showResource(u"prefect.flow.a1b2c3d4-e5f6-7890-abcd-ef1234567890"_s);
    QCOMPARE(pane.findChild<QLabel *>(QStringLiteral("resourceTitle"))->text(), u"flow · my-etl-flow"_s);
    QCOMPARE(childTexts(m, find(m, {u"Labels"_s}), 0),
             (QStringList{u"prefect.resource.id"_s, u"prefect.resource.name"_s}));
    const QModelIndex seen = find(m, {u"Seen with"_s});
    QVERIFY(seen.isValid());
    QCOMPARE(m->index(0, 0, seen).data().toString(), u"primary"_s);

    pane.showResource(u"prefect.flow-run.nope"_s);
    QVERIFY(m->index(0, 0).data().toString().contains(u"No cached event"_s));
}

void TestEventPane::filterButtonAndSelection()
{
    ResourcePane pane;
    pane.setStore(&m_store);
    auto *button = pane.findChild<QPushButton *>(QStringLiteral("filterToResource"));
    QVERIFY(button);
    QVERIFY(!button->isEnabled());
    pane.showResource(kFlowRun);
    QSignalSpy terms(&pane, &ResourcePane::filterTermRequested);
    button->click();
    QCOMPARE(terms.size(), 1);
    QCOMPARE(terms.at(0).at(0).toString(), u"any-resource:"_s + kFlowRun);

    QSignalSpy events(&pane, &ResourcePane::eventRequested);
    auto *table = pane.findChild<QTableView *>(QStringLiteral("resourceTimeline"));
    table->selectRow(1);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).at(0).toString(),
             pane.timelineModel()->index(1, 0).data(ResourceTimelineModel::IdRole).toString());

    pane.clear();
    QVERIFY(!button->isEnabled());
    QCOMPARE(pane.timelineModel()->rowCount(), 0);
}

void TestEventPane::screenshots()
{
    // Run with EVENTDECK_SCREENSHOTS=DIR to look at the panes (light and dark palettes).
    const QString dir = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("EVENTDECK_SCREENSHOTS is not set");
    const QPalette dark = ed::ui::darkPalette();
    for (const bool isDark : {false, true}) {
        const QString suffix = isDark ? u"-dark"_s : QString();
        EventPane events;
        events.setStore(&m_store);
        if (isDark)
            events.setPalette(dark);
        events.resize(760, 820);
        events.setEvent(stored(kFailedId));
        events.show();
        QVERIFY(QTest::qWaitForWindowExposed(&events));
        auto *details = events.findChild<QTreeView *>(QStringLiteral("eventDetails"));
        details->expand(find(details->model(), {u"Related"_s, u"work-pool"_s}));
        QVERIFY(events.grab().save(dir + u"/eventpane-details" + suffix + u".png"));
        auto *tabs = events.findChild<QTabWidget *>();
        tabs->setCurrentIndex(1);
        QVERIFY(events.grab().save(dir + u"/eventpane-payload" + suffix + u".png"));
        tabs->setCurrentIndex(2);
        QVERIFY(events.grab().save(dir + u"/eventpane-raw" + suffix + u".png"));

        ResourcePane resource;
        resource.setStore(&m_store);
        if (isDark)
            resource.setPalette(dark);
        resource.resize(760, 820);
        resource.showResource(kFlowRun);
        resource.show();
        QVERIFY(QTest::qWaitForWindowExposed(&resource));
        resource.findChild<QTableView *>(QStringLiteral("resourceTimeline"))->selectRow(0);
        QVERIFY(resource.grab().save(dir + u"/resourcepane" + suffix + u".png"));
    }
}

QTEST_MAIN(TestEventPane)
#include "tst_eventpane.moc"
