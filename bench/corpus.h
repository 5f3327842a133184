#pragma once

#include "core/event.h"

#include <QList>
#include <QRandomGenerator>
#include <QStringList>

namespace ed::bench {

/// A deterministic, realistic Prefect workspace: flows, deployments, work pools and queues,
/// workers and tags; flow runs moving through their states with task runs, heartbeats, follows
/// chains, status events, automations and a few log events, shaped like the fixtures.
class Corpus
{
public:
    Corpus(quint32 seed, qint64 startMicros, qint64 spanMicros, qint64 total);

    /// The next `n` events (fewer at the end); times increase from start to start + span.
    QList<Event> next(qsizetype n);
    qint64 produced() const { return m_produced; }

    /// Names that exist in the corpus, for realistic filters.
    QString deploymentName(int i) const;
    QString flowRunName(int i) const;

private:
    struct Run;
    QString uuid();
    QString pick(const QStringList &list);
    void startRun();
    Event stateEvent(Run &run, const QString &state, const QString &type);
    Event taskEvent(Run &run, const QString &state, const QString &type);
    Event otherEvent();
    Resource related(const QString &id, const QString &role, const QString &name = {});

    QRandomGenerator m_rng;
    qint64 m_start;
    qint64 m_span;
    qint64 m_total;
    qint64 m_produced = 0;
    qint64 m_now = 0;
    QStringList m_flows, m_flowNames, m_deployments, m_deploymentNames, m_pools, m_poolNames,
        m_queues, m_tags, m_adjectives, m_animals;
    QList<Run *> m_runs;
    QList<Event> m_pending;
};

} // namespace ed::bench
