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
