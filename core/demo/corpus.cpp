#include "core/demo/corpus.h"

#include "core/demo/prefectevents.h"
#include "core/demo/rng.h"
#include "core/demo/workspace.h"
#include "core/timeutil.h"

#include <QFile>

#include <algorithm>
#include <vector>

namespace ed::demo {

namespace {
constexpr double kLateDelivery = 0.002; // share of events delivered out of order
constexpr double kIncidentRate = 0.05;  // status incidents per flow run started
} // namespace

struct Corpus::Private
{
    explicit Private(const CorpusOptions &o)
        : options(o)
        , rng(o.seed)
        , ws(Workspace::generate(rng))
    { }

    CorpusOptions options;
    Rng rng;
    Workspace ws;

    // Everything in flight schedules its events here; an event leaves once the clock (the start
    // of the newest run) has passed it, since nothing started later can come before it.
    struct Pending
    {
        qint64 occurred;
        quint64 order;
        Event event;
    };
    struct Late
    {
        qint64 due; ///< delivered once the stream has passed this time
        Event event;
    };
    std::vector<Pending> heap;
    std::vector<Late> late;
    quint64 order = 0;
    qint64 clock = 0;
    qint64 spawnEnd = 0;
    qint64 produced = 0;
    qint64 pushed = 0;
    qint64 spawned = 0;

    static bool later(const Pending &a, const Pending &b)
    {
        return a.occurred != b.occurred ? a.occurred > b.occurred : a.order > b.order;
    }

    void stamp(Event &e)
    {
        // Most events reach the server within a few hundred ms; some take up to 2 s.
        if (!e.received)
            e.received =
                e.occurred
                + (rng.chance(0.9) ? rng.between(5000, 400000) : rng.between(400000, 2000000));
    }

    void push(Event &&e)
    {
        stamp(e);
        const qint64 t = e.occurred;
        heap.push_back({t, order++, std::move(e)});
        std::push_heap(heap.begin(), heap.end(), later);
        ++pushed;
    }

    void startRun(qint64 t0);
    qint64 runTasks(FlowRun &run, qint64 t, int firstTask, int failAt, int crashAt,
                    QString &failure);
    qint64 loadFlowBlocks(const FlowRun &run, qint64 t);
    void taskBody(const FlowRun &run, const TaskRun &task, int index, qint64 end, bool crashed,
                  bool completes);
    void assetEvents(const FlowRun &run, int index, qint64 end, bool succeeded);
    void incident(qint64 t0);
    void spawn();
};

// Runs the flow's tasks from `firstTask`, one after another; returns when the run stops.
qint64 Corpus::Private::runTasks(FlowRun &run, qint64 t, int firstTask, int failAt, int crashAt,
                                 QString &failure)
{
    const Flow &flow = *run.flow;
    const QString pending = QStringLiteral("PENDING"), running = QStringLiteral("RUNNING");
    for (int i = firstTask; i < flow.tasks.size(); ++i) {
        const int copies = i == flow.mapped ? int(rng.between(1, 8)) : 1;
        for (int k = 0; k < copies; ++k) {
            TaskRun task = newTaskRun(rng, run, i, k);
            task.expected = t + rng.between(1000, 300000);
            push(taskRunState(rng, run, task, task.expected, pending, QStringLiteral("Pending")));
            task.start = task.expected + rng.between(2000, 800000);
            push(taskRunState(rng, run, task, task.start, running, QStringLiteral("Running")));
            const qint64 length =
                std::clamp(qint64(rng.logNormal(6.0, 1.2) * 1e6), 50000LL, 20 * kMinute);
            t = task.start + length;
            const bool fails = i == failAt && k == copies - 1;
            if (i == crashAt) {
                t = task.start + length / 2; // the task never reports an end
                taskBody(run, task, i, t, true, false);
                return t;
            }
            taskBody(run, task, i, t, false, !fails);
            if (fails) {
                failure = exceptionMessage(rng);
                push(taskRunState(rng, run, task, t, QStringLiteral("FAILED"),
                                  QStringLiteral("Failed"),
                                  QStringLiteral("Task run encountered an exception ") + failure));
                assetEvents(run, i, t, false);
                return t;
            }
            push(taskRunState(rng, run, task, t, QStringLiteral("COMPLETED"),
                              QStringLiteral("Completed")));
            assetEvents(run, i, t, true);
        }
    }
    return t;
}

// The blocks the flow function loads before it calls its first task; returns when it is done.
qint64 Corpus::Private::loadFlowBlocks(const FlowRun &run, qint64 t)
{
    for (const BlockLoad &b : run.flow->blockLoads) {
        if (b.task >= 0)
            continue;
        t += rng.between(20000, 400000); // a read of the block document
        push(blockLoaded(rng, run, nullptr, ws.blocks[b.block], t));
    }
    return t;
}

// What a task's code does while it runs, strictly between its Running state and `end` (its
// final state, or the moment it crashed): loads blocks and takes concurrency slots early,
// publishes artifacts and gives the slots back late. A crashed task releases nothing (the
// server's lease lapses); a failing one publishes nothing but still releases, in `finally`.
void Corpus::Private::taskBody(const FlowRun &run, const TaskRun &task, int index, qint64 end,
                               bool crashed, bool completes)
{
    const Flow &flow = *run.flow;
    const qint64 span = end - task.start; // at least 25 ms
    const qint64 head = span / 3;
    const qint64 tail = std::clamp(span / 6, 4LL, 2 * kSecond);
    qint64 at = task.start;
    for (const BlockLoad &b : flow.blockLoads) {
        if (b.task != index)
            continue;
        at += rng.between(1000, std::clamp(head / 4, 1000LL, 400000LL));
        push(blockLoaded(rng, run, &task, ws.blocks[b.block], at));
    }
    // One concurrency() block per task at most, holding all its limits.
    const auto use = std::find_if(flow.limitUses.cbegin(), flow.limitUses.cend(),
                                  [index](const LimitUse &u) { return u.task == index; });
    QList<const ConcurrencyLimit *> limits;
    QList<Event> held; // the acquired events, which the released ones follow
    if (use != flow.limitUses.cend()) {
        for (int l : use->limits)
            limits.append(&ws.limits[l]);
        // Usually a slot is free at once; now and then the task waits for one.
        const qint64 wait = rng.chance(0.15)
                                ? qint64(rng.uniform() * double(head))
                                : rng.between(1000, std::clamp(head / 4, 1000LL, 150000LL));
        const qint64 acquiredAt = std::min(at + wait, task.start + head);
        for (int which = 0; which < limits.size(); ++which) {
            held.append(concurrencyEvent(rng, run, task, limits, which, use->occupy, true,
                                         acquiredAt + which * 150));
            push(Event(held.last()));
        }
    }
    if (completes) {
        for (const ArtifactSpec &a : flow.artifacts) {
            if (a.task != index)
                continue;
            const qint64 answered = end - tail / 2 - rng.below(tail / 2);
            const qint64 posted = answered - std::min(tail / 2, rng.between(8000, 120000));
            for (Event &e : artifactEvents(rng, run, &task, a, posted, answered))
                push(std::move(e));
        }
    }
    if (crashed)
        return;
    const qint64 releasedAt = end - 1 - rng.below(std::min(tail / 2, 50000LL));
    for (int which = 0; which < held.size(); ++which)
        push(concurrencyEvent(rng, run, task, limits, which, use->occupy, false,
                              releasedAt - 150 * (held.size() - 1 - which), &held[which]));
}

// After a materializing task's final state, its asset context reports the assets it read, then
// the ones it wrote (`failed` when the task failed; a crashed task reports nothing).
void Corpus::Private::assetEvents(const FlowRun &run, int index, qint64 end, bool succeeded)
{
    for (const Materialization &m : run.flow->materializations) {
        if (m.task != index)
            continue;
        qint64 at = end + rng.between(2000, 60000);
        for (int up : m.upstream) {
            push(assetReferenced(rng, run, ws.assets[up], at));
            at += rng.between(200, 5000);
        }
        for (int down : m.downstream) {
            QByteArray metadata;
            if (succeeded && m.materializedBy.isEmpty() && rng.chance(0.6))
                metadata = "{\"row_count\":" + QByteArray::number(rng.between(100, 5000000)) + '}';
            push(assetMaterialized(rng, run, ws, m, ws.assets[down], succeeded, at, metadata));
            at += rng.between(200, 5000);
        }
    }
}

void Corpus::Private::startRun(qint64 t0)
{
    const Deployment &dep = ws.pickDeployment(rng);
    FlowRun run = newFlowRun(rng, ws, dep);
    const QString scheduled = QStringLiteral("SCHEDULED"), running = QStringLiteral("RUNNING");

    qint64 t = t0;
    push(flowRunState(rng, run, t, scheduled, QStringLiteral("Scheduled")));
    if (rng.chance(0.06)) {
        t += rng.between(15, 60) * kSecond;
        push(flowRunState(rng, run, t, scheduled, QStringLiteral("Late")));
        t += rng.between(2, 30) * kMinute;
    } else {
        t += rng.between(1, 90) * kSecond;
    }
    push(flowRunState(rng, run, t, QStringLiteral("PENDING"), QStringLiteral("Pending")));
    Event submitted = workerEvent(rng, ws, *run.worker, t + rng.between(200000, 3000000),
                                  QStringLiteral("submitted-flow-run"), run.workerRelated);
    const QString submittedId = submitted.id;
    const qint64 submittedAt = submitted.occurred;
    push(std::move(submitted));
    t = submittedAt + rng.between(2, 40) * kSecond;
    run.runCount = 1;
    push(flowRunState(rng, run, t, running, QStringLiteral("Running")));
    const qint64 runningAt = t;
    t = loadFlowBlocks(run, t);

    const int tasks = int(run.flow->tasks.size());
    const double roll = rng.uniform();
    const bool crash = roll < dep.crashRate;
    int failAt = !crash && roll < dep.crashRate + dep.failRate ? int(rng.below(tasks)) : -1;
    QString failure;
    t = runTasks(run, t, 0, failAt, crash ? int(rng.below(tasks)) : -1, failure);
    // Retries: AwaitingRetry, then Retrying re-runs the tasks from the one that failed.
    while (!failure.isEmpty() && run.runCount <= dep.retries) {
        const qint64 delay = rng.between(10, 60) * kSecond;
        push(flowRunState(rng, run, t + 200000, scheduled, QStringLiteral("AwaitingRetry"),
                          QStringLiteral("Retry %1/%2 will start %3 second(s) from now")
                              .arg(run.runCount)
                              .arg(dep.retries)
                              .arg(delay / kSecond)));
        t += delay;
        ++run.runCount;
        push(flowRunState(rng, run, t, running, QStringLiteral("Retrying")));
        t = loadFlowBlocks(run, t); // the flow function starts over
        const int from = failAt;
        failure.clear();
        failAt = rng.chance(0.3) ? int(rng.between(from, tasks - 1)) : -1;
        t = runTasks(run, t, from, failAt, -1, failure);
    }
    QString previousBeat;
    for (qint64 beat = runningAt + 30 * kSecond; dep.heartbeats && beat < t; beat += 30 * kSecond) {
        Event e = heartbeat(rng, run, beat, previousBeat);
        previousBeat = e.id;
        push(std::move(e));
    }
    if (rng.chance(0.03)) {
        const qint64 records = rng.between(100, 900000);
        const qint64 batches = rng.between(1, 40);
        push(
            logWrite(rng, run, runningAt + (t - runningAt) / 2, 20,
                     QStringLiteral("Processed %1 records in %2 batches").arg(records).arg(batches)));
    }
    const qint64 tasksDone = t;
    t += rng.between(100000, 2000000);
    if (!crash && failure.isEmpty()) {
        // The flow function publishes its own artifacts after its tasks, before it returns.
        qint64 at = tasksDone;
        for (const ArtifactSpec &a : run.flow->artifacts) {
            if (a.task >= 0)
                continue;
            const qint64 quarter = std::max<qint64>(1, (t - at) / 4);
            const qint64 posted = at + quarter + rng.below(quarter);
            const qint64 answered = posted + std::min((t - posted) / 2, rng.between(8000, 120000));
            for (Event &e : artifactEvents(rng, run, nullptr, a, posted, answered))
                push(std::move(e));
            at = answered;
        }
    }
    QString status = QStringLiteral("0");
    Event last;
    if (crash) {
        status = rng.chance(0.5) ? QStringLiteral("137") : QStringLiteral("-9");
        last = flowRunState(rng, run, t, QStringLiteral("CRASHED"), QStringLiteral("Crashed"),
                            crashMessage(rng));
    } else if (!failure.isEmpty()) {
        status = QStringLiteral("1");
        push(logWrite(rng, run, t - 1000, 40,
                      QStringLiteral("Encountered exception during execution: ") + failure));
        last = flowRunState(rng, run, t, QStringLiteral("FAILED"), QStringLiteral("Failed"),
                            QStringLiteral("Flow run encountered an exception: ") + failure);
    } else {
        last = flowRunState(rng, run, t, QStringLiteral("COMPLETED"), QStringLiteral("Completed"),
                            QStringLiteral("All states completed."));
    }
    stamp(last); // the automation quotes it whole, `received` included
    if (crash || !failure.isEmpty()) {
        for (Event &e :
             automationEvents(rng, ws.automations[0], last, t + rng.between(100000, 1500000)))
            push(std::move(e));
    }
    push(std::move(last));
    const qint64 executedAt = t + rng.between(500000, 8000000);
    Event executed = workerEvent(rng, ws, *run.worker, executedAt,
                                 QStringLiteral("executed-flow-run"), executedRelated(run, status));
    executed.follows = executedAt - submittedAt < kTightTiming ? submittedId : QString();
    push(std::move(executed));
}

// Something in the workspace goes not-ready and comes back, restarts, or is edited.
void Corpus::Private::incident(qint64 t0)
{
    const qint64 t1 = t0 + rng.between(20, 1800) * kSecond;
    auto pair = [&](const QString &kind, const Resource &res, const QList<Resource> &rel) {
        Event down =
            statusEvent(rng, t0, QStringLiteral("prefect.") + kind + QStringLiteral(".not-ready"),
                        res, rel);
        Event up =
            statusEvent(rng, t1, QStringLiteral("prefect.") + kind + QStringLiteral(".ready"), res,
                        rel);
        up.follows = t1 - t0 < kTightTiming ? down.id : QString();
        push(std::move(down));
        push(std::move(up));
    };
    const double roll = rng.uniform();
    const Pool &pool = rng.pick(ws.pools);
    if (roll < 0.3) {
        const Queue &q = ws.queues[rng.pick(pool.queues)];
        pair(QStringLiteral("work-queue"), workQueue(q), {workPoolRelated(pool)});
    } else if (roll < 0.45) {
        pair(QStringLiteral("work-pool"), workPool(pool), {});
    } else if (roll < 0.65) {
        const Deployment &d = rng.pick(ws.deployments);
        const Queue &q = ws.queues[d.queue];
        const Flow &f = ws.flows[d.flow];
        pair(QStringLiteral("deployment"), deployment(d),
             {related(f.id, QStringLiteral("flow"), f.name),
              related(q.id, QStringLiteral("work-queue"), q.name),
              workPoolRelated(ws.pools[q.pool])});
    } else if (roll < 0.85) {
        const Worker &w = ws.workers[rng.pick(pool.workers)];
        const QList<Resource> rel = {related(pool.id, QStringLiteral("work-pool"), pool.name)};
        Event stopped = workerEvent(rng, ws, w, t0, QStringLiteral("stopped"), rel);
        const qint64 back = t0 + rng.between(5, 120) * kSecond;
        push(std::move(stopped));
        push(workerEvent(rng, ws, w, back, QStringLiteral("started"), rel));
    } else {
        push(deploymentUpdated(rng, ws, rng.pick(ws.deployments), t0));
    }
}

// Starts the next flow run, spacing starts so that the stream ends near `options.endMicros`.
void Corpus::Private::spawn()
{
    const qint64 remaining = options.events - produced - qint64(heap.size());
    if (remaining <= 0) {
        clock = heap.empty() ? clock + kSecond : heap.front().occurred;
        return;
    }
    const double perRun = double(pushed + 250) / double(spawned + 10); // prior: ~25 events a run
    const double left = double(std::max(spawnEnd - clock, kMinute));
    const double gap = left / std::max(1.0, double(remaining) / perRun);
    clock += std::max<qint64>(1, qint64(rng.exponential(gap)));
    startRun(clock);
    ++spawned;
    if (rng.chance(kIncidentRate))
        incident(clock + rng.between(0, 10 * kSecond));
}

Corpus::Corpus(const CorpusOptions &options)
    : d(std::make_unique<Private>(options))
{
    const qint64 end = options.endMicros ? options.endMicros : timeutil::nowMicros();
    d->clock = end - options.spanMicros;
    d->spawnEnd = end - 45 * kMinute;
    // The workers come up at the start of the window.
    for (const Worker &w : d->ws.workers) {
        const Pool &p = d->ws.pools[w.pool];
        const qint64 t = d->clock + d->rng.between(0, 30 * kSecond);
        d->push(workerEvent(d->rng, d->ws, w, t, QStringLiteral("started"),
                            {related(p.id, QStringLiteral("work-pool"), p.name)}));
    }
}

Corpus::~Corpus() = default;

QList<Event> Corpus::next(qsizetype max)
{
    QList<Event> out;
    out.reserve(max);
    while (out.size() < max) {
        // Held-back events go out once the stream has passed their delivery time, or at the end.
        auto due = std::min_element(d->late.begin(), d->late.end(),
                                    [](const auto &a, const auto &b) { return a.due < b.due; });
        const bool end = d->produced == d->options.events;
        const bool ready = !d->heap.empty() && d->heap.front().occurred <= d->clock;
        if (due != d->late.end() && (end || (ready && d->heap.front().occurred > due->due))) {
            out.append(std::move(due->event));
            d->late.erase(due);
            continue;
        }
        if (end)
            break;
        if (!ready) {
            d->spawn();
            continue;
        }
        std::pop_heap(d->heap.begin(), d->heap.end(), Private::later);
        Event e = std::move(d->heap.back().event);
        d->heap.pop_back();
        ++d->produced;
        if (d->rng.chance(kLateDelivery))
            d->late.push_back({e.occurred + d->rng.between(kSecond, 2 * kMinute), std::move(e)});
        else
            out.append(std::move(e));
    }
    return out;
}

bool Corpus::atEnd() const
{
    return d->produced == d->options.events && d->late.empty();
}

qint64 Corpus::produced() const
{
    return d->produced;
}

QString Corpus::summary() const
{
    return d->ws.summary();
}

std::optional<NdjsonStats> writeNdjson(const CorpusOptions &options, const QString &path,
                                       QString *error)
{
    QFile file(path);
    auto fail = [&] {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return std::nullopt;
    };
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail();
    Corpus corpus(options);
    NdjsonStats stats;
    QByteArray chunk;
    while (!corpus.atEnd()) {
        chunk.resize(0); // keeps the capacity, unlike clear()
        for (const Event &e : corpus.next(2000)) {
            chunk += serializeEvent(e);
            chunk += '\n';
            ++stats.events;
        }
        if (file.write(chunk) != chunk.size())
            return fail();
        stats.bytes += chunk.size();
    }
    if (!file.flush())
        return fail();
    return stats;
}

} // namespace ed::demo
