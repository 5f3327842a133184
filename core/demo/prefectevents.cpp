#include "core/demo/prefectevents.h"

#include "core/demo/rng.h"
#include "core/json.h"
#include "core/timeutil.h"

namespace ed::demo {

namespace {

const QString kId = QStringLiteral("prefect.resource.id");
const QString kName = QStringLiteral("prefect.resource.name");
const QString kRole = QStringLiteral("prefect.resource.role");
const QString kRunCount = QStringLiteral("prefect.run-count");
const QString kStateMessage = QStringLiteral("prefect.state-message");
const QString kStateName = QStringLiteral("prefect.state-name");
const QString kStateTimestamp = QStringLiteral("prefect.state-timestamp");
const QString kStateType = QStringLiteral("prefect.state-type");
const QString kVersion = QStringLiteral("prefect.version");
const QString kPrefectVersion = QStringLiteral("3.6.0");
const QString kPoolType = QStringLiteral("prefect.work-pool.type");

Resource resource(QList<Label> labels)
{
    Resource r;
    r.labels = std::move(labels);
    return r;
}

// A label value as Python's isoformat() writes a UTC datetime.
QString isoLabel(qint64 micros)
{
    return timeutil::formatString(micros).chopped(1) + QStringLiteral("+00:00");
}

QByteArray quoted(QStringView s)
{
    QByteArray out;
    json::appendQuoted(out, s);
    return out;
}

QByteArray quotedTime(qint64 micros)
{
    return '"' + timeutil::format(micros) + '"';
}

QByteArray seconds(qint64 micros)
{
    return QByteArray::number(double(micros) / 1e6, 'f', 6);
}

QString follows(const Chain &c, qint64 t)
{
    return !c.eventId.isEmpty() && t - c.time < kTightTiming ? c.eventId : QString();
}

// Prefect's state_payload(): type, name, and the message when there is one.
QByteArray statePayload(const QString &type, const QString &name, const QString &message)
{
    QByteArray s = "{\"type\":" + quoted(type) + ",\"name\":" + quoted(name);
    if (!message.isEmpty())
        s += ",\"message\":" + quoted(message);
    return s + '}';
}

// `"intended":…,"initial_state":…,"validated_state":…` for a move from `c` to `type`.
QByteArray transition(const Chain &c, const QString &type, const QString &name,
                      const QString &message)
{
    if (c.type.isEmpty())
        return "\"intended\":{\"from\":null,\"to\":" + quoted(type)
               + "},\"initial_state\":null,\"validated_state\":"
               + statePayload(type, name, message);
    return "\"intended\":{\"from\":" + quoted(c.type) + ",\"to\":" + quoted(type)
           + "},\"initial_state\":" + statePayload(c.type, c.name, c.message)
           + ",\"validated_state\":" + statePayload(type, name, message);
}

Event event(Rng &rng, qint64 t, const QString &name)
{
    Event e;
    e.occurred = t;
    e.event = name;
    e.id = rng.uuid();
    return e;
}

// A float as Python's repr() writes the few-digit ones the artifacts carry: `0.87`, `-1.5`, `3.0`.
QString number(double x)
{
    QString s = QString::number(x, 'g', 6);
    if (!s.contains(u'.') && !s.contains(u'e'))
        s += QStringLiteral(".0");
    return s;
}

// An artifact's `data` as the client sends it: markdown text, or a table as `json.dumps` of a
// list of rows (so a string holding JSON, with Python's `", "` and `": "` separators).
QString artifactData(Rng &rng, const ArtifactSpec &a)
{
    auto table = [](const QStringList &rows) -> QString {
        return u'[' + rows.join(QStringLiteral(", ")) + u']';
    };
    if (a.key == u"daily-sales-report") {
        QString md = QStringLiteral("# Daily sales report\n\n| Region | Orders | Revenue |\n"
                                    "|:--|--:|--:|\n");
        for (const char *region : {"EU", "US", "APAC", "LATAM"}) {
            const qint64 orders = rng.between(200, 9000);
            md += QStringLiteral("| %1 | %2 | $%3 |\n")
                      .arg(QLatin1StringView(region))
                      .arg(orders)
                      .arg(orders * rng.between(30, 90));
        }
        return md;
    }
    if (a.key == u"data-quality-checks") {
        QStringList rows;
        for (const char *name : {"orders", "customers", "invoices", "events"}) {
            const qint64 expectations = rng.between(8, 40);
            const qint64 failed = rng.chance(0.85) ? 0 : rng.between(1, 3);
            rows << QStringLiteral("{\"table\": \"%1\", \"expectations\": %2, "
                                   "\"passed\": %3, \"failed\": %4}")
                        .arg(QLatin1StringView(name))
                        .arg(expectations)
                        .arg(expectations - failed)
                        .arg(failed);
        }
        return table(rows);
    }
    if (a.type == u"table") { // evaluation metrics
        QStringList rows;
        for (const char *metric : {"auc", "precision", "recall", "f1"})
            rows << QStringLiteral("{\"metric\": \"%1\", \"value\": %2}")
                        .arg(QLatin1StringView(metric),
                             number(double(rng.between(600, 950)) / 1000.0));
        return table(rows);
    }
    if (a.key == u"churn-model-card")
        return QStringLiteral("# Churn model v%1\n\nAUC **%2** on %3 customers. "
                              "[Model registry](https://mlflow.example.com/#/models/churn)")
            .arg(rng.between(40, 90))
            .arg(number(double(rng.between(800, 900)) / 1000.0))
            .arg(rng.between(20000, 60000));
    return QStringLiteral("Refreshed %1 dashboards in %2 s")
        .arg(rng.between(5, 40))
        .arg(number(double(rng.between(50, 1200)) / 10.0));
}

QByteArray nullable(const QString &s)
{
    return s.isEmpty() ? QByteArrayLiteral("null") : quoted(s);
}

// An asset as `AssetContext.asset_as_resource` writes it: the key, then the properties set.
Resource assetResource(const Asset &a)
{
    Resource r = resource({{kId, a.key}});
    if (!a.name.isEmpty())
        r.labels.append({kName, a.name});
    if (!a.description.isEmpty())
        r.labels.append({QStringLiteral("prefect.asset.description"), a.description});
    if (!a.url.isEmpty())
        r.labels.append({QStringLiteral("prefect.asset.url"), a.url});
    if (!a.owners.isEmpty())
        r.labels.append({QStringLiteral("prefect.asset.owners"), a.owners});
    return r;
}

} // namespace

Resource related(const QString &id, const QString &role, const QString &name)
{
    if (name.isEmpty())
        return resource({{kId, id}, {kRole, role}});
    return resource({{kId, id}, {kRole, role}, {kName, name}});
}

FlowRun newFlowRun(Rng &rng, const Workspace &ws, const Deployment &dep)
{
    FlowRun run;
    run.deployment = &dep;
    run.flow = &ws.flows[dep.flow];
    const Queue &queue = ws.queues[dep.queue];
    run.pool = &ws.pools[queue.pool];
    run.worker = &ws.workers[rng.pick(run.pool->workers)];
    run.uuid = rng.uuid();
    run.id = QStringLiteral("prefect.flow-run.") + run.uuid;
    const QString adjective = rng.pick(ws.adjectives);
    run.name = adjective + u'-' + rng.pick(ws.animals);
    run.tags = run.flow->tags + dep.tags;
    run.tags.sort();
    run.tags.removeDuplicates();
    for (const QString &tag : run.tags)
        run.tagResources.append(
            related(QStringLiteral("prefect.tag.") + tag, QStringLiteral("tag")));
    const Automation &creator = ws.automations[1];
    const bool byAutomation = rng.chance(0.08);
    const Resource flow = related(run.flow->id, QStringLiteral("flow"), run.flow->name);
    const Resource deploymentRes = related(dep.id, QStringLiteral("deployment"), dep.name);
    const Resource self = related(run.id, QStringLiteral("flow-run"), run.name);
    Resource pool = related(run.pool->id, QStringLiteral("work-pool"), run.pool->name);
    pool.labels.append({kPoolType, run.pool->type});
    run.stateRelated = {flow, deploymentRes,
                        related(queue.id, QStringLiteral("work-queue"), queue.name), pool};
    run.stateRelated += run.tagResources;
    run.stateRelated.append(
        byAutomation
            ? related(creator.id, QStringLiteral("creator"), creator.name)
            : related(dep.id, QStringLiteral("creator"), run.flow->name + u'/' + dep.name));
    run.taskRelated = {self};
    run.taskRelated += run.tagResources;
    run.workerRelated = {deploymentRes, flow, self};
    run.workerRelated += run.tagResources;
    run.workerRelated.append(related(run.pool->id, QStringLiteral("work-pool"), run.pool->name));
    // The client reads these objects back and relates them without the pool's type label.
    run.contextRelated = {self, flow, deploymentRes,
                          related(queue.id, QStringLiteral("work-queue"), queue.name),
                          related(run.pool->id, QStringLiteral("work-pool"), run.pool->name)};
    run.contextRelated += run.tagResources;
    return run;
}

TaskRun newTaskRun(Rng &rng, const FlowRun &run, int task, int index)
{
    const Flow &flow = *run.flow;
    TaskRun t;
    t.uuid = rng.uuid();
    t.id = QStringLiteral("prefect.task-run.") + t.uuid;
    t.name = flow.tasks[task] + u'-' + t.uuid.left(3);
    t.key = flow.tasks[task] + u'-' + flow.id.right(8);
    t.dynamicKey = QString::number(index);
    return t;
}

Event flowRunState(Rng &rng, FlowRun &run, qint64 t, const QString &type, const QString &name,
                   const QString &message)
{
    Event e = event(rng, t, QStringLiteral("prefect.flow-run.") + name); // id = the state's id
    e.follows = follows(run.chain, t);
    e.resource = resource({{kId, run.id},
                           {kName, run.name},
                           {kRunCount, QString::number(run.runCount)},
                           {kStateMessage, message},
                           {kStateName, name},
                           {kStateTimestamp, isoLabel(t)},
                           {kStateType, type}});
    e.related = run.stateRelated;
    e.payload = '{' + transition(run.chain, type, name, message) + '}';
    run.chain = {e.id, t, type, name, message};
    return e;
}

Event taskRunState(Rng &rng, const FlowRun &run, TaskRun &task, qint64 t, const QString &type,
                   const QString &name, const QString &message)
{
    Event e = event(rng, t, QStringLiteral("prefect.task-run.") + name);
    e.follows = follows(task.chain, t);
    e.resource = resource({{kId, task.id},
                           {kName, task.name},
                           {kStateMessage, message},
                           {kStateName, name},
                           {kStateTimestamp, isoLabel(t)},
                           {kStateType, type},
                           {QStringLiteral("prefect.orchestration"), QStringLiteral("client")}});
    e.related = run.taskRelated;
    QByteArray p = '{' + transition(task.chain, type, name, message) + ",\"task_run\":{\"name\":"
                   + quoted(task.name) + ",\"task_key\":" + quoted(task.key)
                   + ",\"dynamic_key\":" + quoted(task.dynamicKey) + ",\"flow_run_id\":\""
                   + run.uuid.toLatin1() + "\",\"tags\":[";
    for (qsizetype i = 0; i < run.tags.size(); ++i)
        p += (i ? "," : "") + quoted(run.tags[i]);
    p += ']';
    if (type != u"PENDING")
        p += ",\"run_count\":1,\"expected_start_time\":" + quotedTime(task.expected)
             + ",\"start_time\":" + quotedTime(task.start);
    if (type == u"COMPLETED" || type == u"FAILED")
        p += ",\"end_time\":" + quotedTime(t) + ",\"total_run_time\":" + seconds(t - task.start);
    e.payload = p + "}}";
    task.chain = {e.id, t, type, name, message};
    return e;
}

Event heartbeat(Rng &rng, const FlowRun &run, qint64 t, const QString &follows)
{
    Event e = event(rng, t, QStringLiteral("prefect.flow-run.heartbeat"));
    e.follows = follows;
    e.resource = resource({{kId, run.id}, {kName, run.name}, {kVersion, kPrefectVersion}});
    e.related = {run.stateRelated[0], run.stateRelated[1]};
    e.related += run.tagResources;
    return e;
}

Event workerEvent(Rng &rng, const Workspace &ws, const Worker &worker, qint64 t,
                  const QString &what, QList<Resource> rel)
{
    Event e = event(rng, t, QStringLiteral("prefect.worker.") + what);
    e.resource = resource({{kId, worker.id},
                           {kName, worker.name},
                           {kVersion, kPrefectVersion},
                           {QStringLiteral("prefect.worker-type"), ws.pools[worker.pool].type}});
    e.related = std::move(rel);
    return e;
}

QList<Resource> executedRelated(const FlowRun &run, const QString &statusCode)
{
    QList<Resource> rel = run.workerRelated;
    rel[2].labels.append({QStringLiteral("prefect.infrastructure.identifier"),
                          run.pool->name + u'-' + run.uuid.left(8)});
    rel[2].labels.append({QStringLiteral("prefect.infrastructure.status-code"), statusCode});
    return rel;
}

Event logWrite(Rng &rng, const FlowRun &run, qint64 t, int level, const QString &message)
{
    Event e = event(rng, t, QStringLiteral("prefect.log.write"));
    e.resource = resource({{kId, run.id}, {kName, run.name}});
    e.related = {related(run.flow->id, QStringLiteral("flow"), run.flow->name)};
    e.payload = "{\"name\":\"prefect.flow_runs\",\"level\":" + QByteArray::number(level)
                + ",\"message\":" + quoted(message) + ",\"timestamp\":" + quotedTime(t)
                + ",\"flow_run_id\":\"" + run.uuid.toLatin1() + "\",\"task_run_id\":null}";
    return e;
}

std::array<Event, 3> automationEvents(Rng &rng, const Automation &a, const Event &trigger, qint64 t)
{
    const QString posture = QStringLiteral("prefect.posture");
    Event fired = event(rng, t, QStringLiteral("prefect.automation.triggered"));
    fired.resource =
        resource({{kId, a.id}, {kName, a.name}, {posture, QStringLiteral("Reactive")}});
    fired.related = {
        related(QStringLiteral("prefect.event.") + trigger.id, QStringLiteral("triggering-event"))};
    fired.payload =
        "{\"triggering_labels\":{\"prefect.resource.id\":" + quoted(trigger.resource.id())
        + "},\"triggering_event\":" + serializeEvent(trigger) + '}';
    const QString invocation = rng.uuid();
    auto action = [&](const char *what, qint64 at, const QString &after, const char *reason) {
        Event e =
            event(rng, at, QStringLiteral("prefect.automation.action.") + QLatin1StringView(what));
        e.follows = after;
        e.resource = resource({{kId, a.id},
                               {kName, a.name},
                               {QStringLiteral("prefect.trigger-type"), QStringLiteral("event")},
                               {posture, QStringLiteral("Reactive")}});
        e.related = {related(QStringLiteral("prefect.event.") + fired.id,
                             QStringLiteral("automation-triggered-event")),
                     related(QStringLiteral("prefect.event.") + trigger.id,
                             QStringLiteral("triggering-event"))};
        QByteArray p = "{\"action_index\":0,\"action_type\":\"send-notification\",\"invocation\":\""
                       + invocation.toLatin1() + '"';
        if (reason)
            p += ",\"reason\":" + quoted(QString::fromLatin1(reason));
        e.payload = p + '}';
        return e;
    };
    Event triggered = action("triggered", t + rng.between(50000, 500000), trigger.id, nullptr);
    const qint64 done = triggered.occurred + rng.between(200000, 1500000);
    Event result = rng.chance(0.95)
                       ? action("executed", done, triggered.id, nullptr)
                       : action("failed", done, triggered.id, "Notification block not found");
    return {std::move(fired), std::move(triggered), std::move(result)};
}

QList<Resource> runContext(const FlowRun &run, const TaskRun *task)
{
    QList<Resource> rel = run.contextRelated;
    if (task)
        rel.insert(1, related(task->id, QStringLiteral("task-run"), task->name));
    return rel;
}

Event blockLoaded(Rng &rng, const FlowRun &run, const TaskRun *task, const BlockDocument &block,
                  qint64 t)
{
    Event e = event(rng, t,
                    QStringLiteral("prefect.block.") + block.typeSlug + QStringLiteral(".loaded"));
    e.resource = resource({{kId, block.id}, {kName, block.name}});
    e.related = {related(QStringLiteral("prefect.block-type.") + block.typeSlug,
                         QStringLiteral("block-type"))};
    e.related += runContext(run, task);
    return e;
}

Event concurrencyEvent(Rng &rng, const FlowRun &run, const TaskRun &task,
                       const QList<const ConcurrencyLimit *> &limits, int which, int occupy,
                       bool acquired, qint64 t, const Event *follows)
{
    const ConcurrencyLimit &limit = *limits[which];
    Event e = event(rng, t,
                    QStringLiteral("prefect.concurrency-limit.")
                        + (acquired ? QStringLiteral("acquired") : QStringLiteral("released")));
    if (follows && t - follows->occurred < kTightTiming)
        e.follows = follows->id;
    e.resource = resource({{kId, limit.id},
                           {kName, limit.name},
                           {QStringLiteral("slots-acquired"), QString::number(occupy)},
                           {QStringLiteral("limit"), QString::number(limit.limit)}});
    for (const ConcurrencyLimit *other : limits) {
        if (other != &limit)
            e.related.append(related(other->id, QStringLiteral("concurrency-limit")));
    }
    e.related += runContext(run, &task);
    return e;
}

QList<Event> artifactEvents(Rng &rng, const FlowRun &run, const TaskRun *task,
                            const ArtifactSpec &a, qint64 posted, qint64 answered)
{
    const QString artifactId = QStringLiteral("prefect.artifact.") + rng.uuid();
    const QByteArray data = quoted(artifactData(rng, a));
    QList<Event> out;
    if (!a.key.isEmpty()) {
        // The server's lifecycle event, while it upserts the collection: the latest artifact
        // and the runs it came from, ids only.
        Event c = event(rng, posted, QStringLiteral("prefect.artifact-collection.updated"));
        c.resource = resource({{kId, a.collectionId}, {kName, a.key}});
        c.related = {related(artifactId, QStringLiteral("latest")),
                     related(run.id, QStringLiteral("flow-run"))};
        if (task)
            c.related.append(related(task->id, QStringLiteral("task-run")));
        c.payload = "{\"key\":" + quoted(a.key) + ",\"type\":" + quoted(a.type)
                    + ",\"data\":" + data + ",\"description\":" + nullable(a.description) + '}';
        out.append(std::move(c));
    }
    Event e = event(rng, answered, QStringLiteral("prefect.artifact.created"));
    e.resource = resource({{kId, artifactId}});
    if (!a.key.isEmpty())
        e.resource.labels.append({kName, a.key});
    e.related = runContext(run, task);
    e.payload = "{\"key\":" + nullable(a.key) + ",\"type\":" + quoted(a.type)
                + ",\"description\":" + nullable(a.description) + '}';
    out.append(std::move(e));
    return out;
}

Event assetReferenced(Rng &rng, const FlowRun &run, const Asset &asset, qint64 t)
{
    Event e = event(rng, t, QStringLiteral("prefect.asset.referenced"));
    e.resource = assetResource(asset);
    e.related = runContext(run, nullptr);
    return e;
}

Event assetMaterialized(Rng &rng, const FlowRun &run, const Workspace &ws, const Materialization &m,
                        const Asset &asset, bool succeeded, qint64 t, const QByteArray &metadata)
{
    Event e = event(rng, t,
                    QStringLiteral("prefect.asset.materialization.")
                        + (succeeded ? QStringLiteral("succeeded") : QStringLiteral("failed")));
    e.resource = assetResource(asset);
    for (int up : m.upstream)
        e.related.append(related(ws.assets[up].key, QStringLiteral("asset")));
    if (!m.materializedBy.isEmpty())
        e.related.append(related(m.materializedBy, QStringLiteral("asset-materialized-by")));
    e.related += runContext(run, nullptr);
    if (!metadata.isEmpty())
        e.payload = metadata;
    return e;
}

Resource workPool(const Pool &pool)
{
    return resource({{kId, pool.id}, {kName, pool.name}, {kPoolType, pool.type}});
}

Resource workPoolRelated(const Pool &pool)
{
    return resource({{kId, pool.id},
                     {kName, pool.name},
                     {kPoolType, pool.type},
                     {kRole, QStringLiteral("work-pool")}});
}

Resource workQueue(const Queue &queue)
{
    // As the server emits it: the queue's own resource carries a role too.
    return resource({{kId, queue.id}, {kName, queue.name}, {kRole, QStringLiteral("work-queue")}});
}

Resource deployment(const Deployment &d)
{
    return resource({{kId, d.id}, {kName, d.name}});
}

Event statusEvent(Rng &rng, qint64 t, const QString &name, const Resource &res,
                  const QList<Resource> &rel)
{
    Event e = event(rng, t, name);
    e.resource = res;
    e.related = rel;
    return e;
}

Event deploymentUpdated(Rng &rng, const Workspace &ws, const Deployment &d, qint64 t)
{
    Event e = event(rng, t, QStringLiteral("prefect.deployment.updated"));
    e.resource = deployment(d);
    e.related = {related(ws.flows[d.flow].id, QStringLiteral("flow"), ws.flows[d.flow].name)};
    if (rng.chance(0.5)) {
        e.payload = "{\"updated_fields\":[\"paused\"],\"updates\":{\"paused\":{\"from\":false,"
                    "\"to\":true}}}";
    } else {
        const QByteArray from = rng.uuid().left(8).toLatin1();
        const QByteArray to = rng.uuid().left(8).toLatin1();
        e.payload = "{\"updated_fields\":[\"parameters\",\"version\"],\"updates\":{\"version\":{"
                    "\"from\":\""
                    + from + "\",\"to\":\"" + to + "\"}}}";
    }
    return e;
}

QString exceptionMessage(Rng &rng)
{
    static const char *const messages[] = {
        "ValueError: invalid literal for int() with base 10: 'N/A'",
        "KeyError: 'customer_id'",
        "TimeoutError: Request timed out after 30.0 seconds",
        "ConnectionError: connection to server at \"db-primary\" (10.0.3.12), port 5432 failed",
        "RuntimeError: dbt exited with code 2",
        "httpx.HTTPStatusError: Server error '503 Service Unavailable' for url "
        "'https://api.example.com/v1/orders?page=3'",
    };
    return QString::fromLatin1(messages[rng.below(std::size(messages))]);
}

QString crashMessage(Rng &rng)
{
    static const char *const messages[] = {
        "Flow run infrastructure exited with non-zero status code 137.",
        "Execution was interrupted by an unexpected exception: KeyboardInterrupt",
        "Flow run process exited with non-zero status code -9.",
    };
    return QString::fromLatin1(messages[rng.below(std::size(messages))]);
}

} // namespace ed::demo
