#pragma once

#include "core/demo/workspace.h"
#include "core/event.h"

#include <array>

/// How Prefect lays out the events the corpus emits: labels, related resources (in the server's
/// order) and payloads, after spec §2.5 and tests/fixtures/prefect-sample-events.json. When
/// things happen is corpus.cpp's business.
namespace ed::demo {

class Rng;

inline constexpr qint64 kSecond = 1000000;
inline constexpr qint64 kMinute = 60 * kSecond;
/// Prefect sets `follows` only when the two events are less than 5 minutes apart.
inline constexpr qint64 kTightTiming = 5 * kMinute;

/// Where a run's (or task's) states stand: the last state and its event.
struct Chain
{
    QString eventId;
    qint64 time = 0;
    QString type, name, message;
};

struct FlowRun
{
    QString uuid, id, name;
    const Deployment *deployment = nullptr;
    const Flow *flow = nullptr;
    const Pool *pool = nullptr;
    const Worker *worker = nullptr;
    QStringList tags; ///< flow ∪ deployment tags, sorted
    QList<Resource> tagResources;
    QList<Resource> stateRelated;  ///< flow, deployment, queue, pool, tags, creator
    QList<Resource> taskRelated;   ///< the flow run, tags
    QList<Resource> workerRelated; ///< deployment, flow, flow run, tags, pool
    /// What the client's events worker appends to events emitted inside the run
    /// (`related_resources_from_run_context`): flow run, flow, deployment, queue, pool, tags.
    QList<Resource> contextRelated;
    int runCount = 0;
    Chain chain;
};

struct TaskRun
{
    QString uuid, id, name, key, dynamicKey;
    qint64 expected = 0, start = 0;
    Chain chain;
};

Resource related(const QString &id, const QString &role, const QString &name = {});

/// A run of `deployment` picked up by one of its pool's workers; its related resources are built
/// once and shared by all its events.
FlowRun newFlowRun(Rng &rng, const Workspace &ws, const Deployment &deployment);
/// The `index`th run of the flow's task number `task`.
TaskRun newTaskRun(Rng &rng, const FlowRun &run, int task, int index);

/// `prefect.flow-run.{name}`, as the server's flow_run_state_change_event; advances the chain.
Event flowRunState(Rng &rng, FlowRun &run, qint64 t, const QString &type, const QString &name,
                   const QString &message = {});
/// `prefect.task-run.{name}`, as the client's task engine emits it, task_run in the payload.
Event taskRunState(Rng &rng, const FlowRun &run, TaskRun &task, qint64 t, const QString &type,
                   const QString &name, const QString &message = {});
/// The runner's `prefect.flow-run.heartbeat`.
Event heartbeat(Rng &rng, const FlowRun &run, qint64 t, const QString &follows);
Event workerEvent(Rng &rng, const Workspace &ws, const Worker &worker, qint64 t,
                  const QString &what, QList<Resource> related);
/// `executed-flow-run`'s related resources: the flow run gains its infrastructure labels.
QList<Resource> executedRelated(const FlowRun &run, const QString &statusCode);
Event logWrite(Rng &rng, const FlowRun &run, qint64 t, int level, const QString &message);
/// `prefect.automation.triggered` carrying `trigger` (which must have its `received`), then
/// `action.triggered` and `action.executed` (or, now and then, `action.failed`).
std::array<Event, 3> automationEvents(Rng &rng, const Automation &automation, const Event &trigger,
                                      qint64 t);

/// The run context's related resources for an event the client emits inside `run`, and inside
/// `task` when there is one (the task run comes second).
QList<Resource> runContext(const FlowRun &run, const TaskRun *task);
/// `prefect.block.{slug}.loaded`, as `Block.load()` emits it inside a run.
Event blockLoaded(Rng &rng, const FlowRun &run, const TaskRun *task, const BlockDocument &block,
                  qint64 t);
/// `prefect.concurrency-limit.acquired` or `.released` for `limits[which]` of a `concurrency()`
/// block holding all of `limits`; `released` follows its `acquired` when close enough.
Event concurrencyEvent(Rng &rng, const FlowRun &run, const TaskRun &task,
                       const QList<const ConcurrencyLimit *> &limits, int which, int occupy,
                       bool acquired, qint64 t, const Event *follows = nullptr);
/// The events of one artifact published inside `run` (and `task`, if any): for a keyed artifact
/// the server's `prefect.artifact-collection.updated` while it handles the POST at `posted`,
/// then the client's `prefect.artifact.created` once the server has `answered`.
QList<Event> artifactEvents(Rng &rng, const FlowRun &run, const TaskRun *task,
                            const ArtifactSpec &artifact, qint64 posted, qint64 answered);
/// `prefect.asset.referenced` for an upstream asset of a materializing task. The asset context
/// emits after the task's run context has closed, so only the flow run's context relates.
Event assetReferenced(Rng &rng, const FlowRun &run, const Asset &asset, qint64 t);
/// `prefect.asset.materialization.succeeded` (or `.failed`) for one downstream asset; `metadata`
/// is the payload (what the task added with `add_asset_metadata`), empty for none.
Event assetMaterialized(Rng &rng, const FlowRun &run, const Workspace &ws, const Materialization &m,
                        const Asset &asset, bool succeeded, qint64 t, const QByteArray &metadata);

/// A work pool as the primary resource of its status events.
Resource workPool(const Pool &pool);
/// A work pool as deployment and work-queue status events relate it.
Resource workPoolRelated(const Pool &pool);
Resource workQueue(const Queue &queue);
Resource deployment(const Deployment &deployment);
Event statusEvent(Rng &rng, qint64 t, const QString &name, const Resource &resource,
                  const QList<Resource> &related);
Event deploymentUpdated(Rng &rng, const Workspace &ws, const Deployment &deployment, qint64 t);

/// A few realistic failure messages.
QString exceptionMessage(Rng &rng);
QString crashMessage(Rng &rng);

} // namespace ed::demo
