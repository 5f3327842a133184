#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace ed::demo {

class Rng;

/// A saved block (`prefect.block-document.{uuid}`) that runs load by name.
struct BlockDocument
{
    QString id, name, typeSlug;
};

/// A global concurrency limit (`prefect.concurrency-limit.{uuid}`).
struct ConcurrencyLimit
{
    QString id, name;
    int limit = 1;
};

/// An asset as the code declares it: the key is its resource id; the properties are optional
/// and, when set, become labels. `owners` is already the JSON list Prefect writes.
struct Asset
{
    QString key, name, description, url, owners;
};

/// A `Block.load()` in the flow function (task -1, before the tasks) or in a task.
struct BlockLoad
{
    int block = 0;
    int task = -1;
};

/// A task whose body runs inside `concurrency([names...], occupy=occupy)`.
struct LimitUse
{
    int task = 0;
    QList<int> limits; ///< indices into Workspace::limits, acquired together
    int occupy = 1;
};

/// An artifact a run publishes: from a task near its end, or from the flow function (task -1)
/// once the tasks have succeeded. Keyed artifacts belong to a collection whose id is stable.
struct ArtifactSpec
{
    int task = -1;
    QString key, type, description; ///< `key` and `description` may be empty (null)
    QString collectionId;           ///< `prefect.artifact-collection.{uuid}` when keyed
};

/// A `@materialize`d task: the assets it writes and the ones it reads.
struct Materialization
{
    int task = 0;
    QList<int> upstream, downstream; ///< indices into Workspace::assets
    QString materializedBy;          ///< a tool such as `dbt`, or empty
};

struct Flow
{
    QString id, name;
    QStringList tags;
    QStringList tasks; ///< task function names, run in this order
    int mapped = -1;   ///< index of a task mapped over a list, or -1
    // What the flow's code does besides moving through states; the same in every run.
    QList<BlockLoad> blockLoads;
    QList<LimitUse> limitUses;
    QList<ArtifactSpec> artifacts;
    QList<Materialization> materializations;
};

struct Pool
{
    QString id, name, type;
    QList<int> queues, workers;
};

struct Queue
{
    QString id, name;
    int pool = 0;
};

struct Worker
{
    QString id, name;
    int pool = 0;
};

struct Deployment
{
    QString id, name;
    int flow = 0, queue = 0;
    QStringList tags;
    double weight = 1; ///< share of the runs
    bool heartbeats = false;
    double failRate = 0.08, crashRate = 0.02;
    int retries = 0;
};

struct Automation
{
    QString id, name;
};

/// The simulated Prefect workspace: 20 flows, 40 deployments (a few busy, most quiet), 4 work
/// pools with 8 queues and 12 workers, tags, and 3 automations (the first notifies on failed
/// runs, the second creates runs). Some flows load blocks, hold global concurrency limits
/// around a task, publish artifacts, or materialize assets (a small lineage graph of stable
/// keys from source tables through the lake to dbt marts).
struct Workspace
{
    QList<Flow> flows;
    QList<Pool> pools;
    QList<Queue> queues;
    QList<Worker> workers;
    QList<Deployment> deployments;
    QList<Automation> automations;
    QList<BlockDocument> blocks;
    QList<ConcurrencyLimit> limits;
    QList<Asset> assets;
    QStringList adjectives, animals; ///< flow run names, as Prefect's `adjective-animal`
    double totalWeight = 0;

    static Workspace generate(Rng &rng);
    const Deployment &pickDeployment(Rng &rng) const;
    QString summary() const;
};

} // namespace ed::demo
