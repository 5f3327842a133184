#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace ed::demo {

class Rng;

struct Flow
{
    QString id, name;
    QStringList tags;
    QStringList tasks; ///< task function names, run in this order
    int mapped = -1;   ///< index of a task mapped over a list, or -1
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
/// runs, the second creates runs).
struct Workspace
{
    QList<Flow> flows;
    QList<Pool> pools;
    QList<Queue> queues;
    QList<Worker> workers;
    QList<Deployment> deployments;
    QList<Automation> automations;
    QStringList adjectives, animals; ///< flow run names, as Prefect's `adjective-animal`
    double totalWeight = 0;

    static Workspace generate(Rng &rng);
    const Deployment &pickDeployment(Rng &rng) const;
    QString summary() const;
};

} // namespace ed::demo
