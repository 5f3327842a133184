#pragma once

#include "core/event.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace ed::demo {

struct CorpusOptions
{
    quint64 seed = 1;
    qint64 events = 1000000;
    qint64 endMicros = 0;                             ///< the newest events occur shortly before
    qint64 spanMicros = qint64(30) * 86400 * 1000000; ///< the oldest about this long before end
};

/// A deterministic stream of Prefect events from one simulated workspace: ~20 flows, ~40
/// deployments, 4 work pools with queues and workers, tags, and automations. Flow runs move
/// Scheduled → Pending → Running → Completed/Failed/Crashed (some retry) with task runs,
/// heartbeats, worker events, follows chains (Prefect's 5-minute rule), automation events on
/// failures, a few `prefect.log.write`; deployments, pools, queues and workers change status
/// now and then. Some flows' code also does what real flows do inside their runs (together a
/// few percent of the events): loads blocks (`prefect.block.{type}.loaded`), holds global
/// concurrency limits around a task (`prefect.concurrency-limit.acquired`, then `.released`
/// following it), publishes artifacts (`prefect.artifact.created`, after the server's
/// `prefect.artifact-collection.updated` for a keyed one), and materializes assets with stable
/// keys (`prefect.asset.referenced` for what a task read, then
/// `prefect.asset.materialization.succeeded`, or `.failed` when the task fails). Labels and
/// related resources follow the server's and the client's layout (spec §2.5, the fixtures, and
/// for events the client emits inside a run, the run context it relates: flow run, task run,
/// flow, deployment, work queue, work pool, tags). The same options always give the same events,
/// byte for byte.
///
/// Events come out in stream order: `occurred` increases except for a few (~0.2 %) delivered
/// up to two minutes late; `received` is `occurred` plus 0–2 s. Memory stays flat whatever the
/// count: only runs in flight are held.
class Corpus final
{
public:
    explicit Corpus(const CorpusOptions &options);
    ~Corpus();
    Corpus(const Corpus &) = delete;
    Corpus &operator=(const Corpus &) = delete;

    /// The next events, at most `max`; empty once `options.events` have been produced.
    QList<Event> next(qsizetype max);
    bool atEnd() const;
    qint64 produced() const;
    /// The workspace in one line, for the benchmark's header.
    QString summary() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

struct NdjsonStats
{
    qint64 events = 0;
    qint64 bytes = 0;
};

/// Writes the corpus to `path` as NDJSON, each line the export form (`serializeEvent`), so
/// that `eventdeck import` can be timed on the same events.
std::optional<NdjsonStats> writeNdjson(const CorpusOptions &options, const QString &path,
                                       QString *error);

} // namespace ed::demo
