#include "bench/corpus.h"

#include "core/timeutil.h"

namespace ed::bench {

struct Corpus::Run
{
    QString id;
    QString name;
    int flow = 0;
    int deployment = 0;
    int pool = 0;
    QStringList tags;
    QString lastEventId;
    QString lastType = QStringLiteral("SCHEDULED");
    QString lastName = QStringLiteral("Scheduled");
    int step = 0;
    int tasks = 0;
};

Corpus::Corpus(quint32 seed, qint64 startMicros, qint64 spanMicros, qint64 total)
    : m_rng(seed)
    , m_start(startMicros)
    , m_span(spanMicros)
    , m_total(total)
{
    m_adjectives = QStringLiteral("crimson,amber,silent,brave,lucky,rapid,gentle,clever,shiny,wild,"
                                  "curious,golden,quiet,bold,misty,proud,tidy,witty,zesty,calm")
                       .split(u',');
    m_animals = QStringLiteral("fox,otter,heron,lynx,badger,falcon,marmot,panda,walrus,gecko,"
                               "bison,koala,ibis,okapi,tapir,yak,zebra,moose,newt,wren")
                    .split(u',');
    const QStringList flowNames = QStringLiteral(
        "etl-orders,etl-customers,daily-report,ml-train,ml-score,sync-crm,backup-db,ingest-events,"
        "clean-lake,refresh-dash,load-ads,export-finance,check-quality,send-digest,rebuild-index,"
        "scrape-prices,dedupe-users,archive-logs,compute-kpis,notify-oncall")
                                      .split(u',');
    for (const QString &f : flowNames) {
        m_flows += QStringLiteral("prefect.flow.") + uuid();
        m_flowNames += f;
    }
    for (int i = 0; i < 40; ++i) {
        m_deployments += QStringLiteral("prefect.deployment.") + uuid();
        m_deploymentNames += flowNames[i % 20] + (i < 20 ? QStringLiteral("/production") : QStringLiteral("/staging"));
    }
    const QStringList pools = {QStringLiteral("k8s-prod"), QStringLiteral("k8s-staging"),
                               QStringLiteral("ecs-batch"), QStringLiteral("process-local")};
    for (const QString &p : pools) {
        m_pools += QStringLiteral("prefect.work-pool.") + uuid();
        m_poolNames += p;
        m_queues += QStringLiteral("prefect.work-queue.") + uuid();
    }
    m_tags = QStringLiteral("etl,ml,finance,critical,nightly,hourly,team-data,team-ml,pii,experimental")
                 .split(u',');
}

QString Corpus::uuid()
{
    const quint64 a = m_rng.generate64();
    const quint64 b = m_rng.generate64();
    QString s = QStringLiteral("%1%2").arg(a, 16, 16, QLatin1Char('0')).arg(b, 16, 16, QLatin1Char('0'));
    s[12] = u'4';
    s.insert(20, u'-');
    s.insert(16, u'-');
    s.insert(12, u'-');
    s.insert(8, u'-');
    return s;
}

QString Corpus::pick(const QStringList &list)
{
    return list[int(m_rng.bounded(quint32(list.size())))];
}

QString Corpus::deploymentName(int i) const
{
    return m_deploymentNames[i % m_deploymentNames.size()];
}

QString Corpus::flowRunName(int i) const
{
    return m_adjectives[i % 20] + u'-' + m_animals[(i / 20) % 20];
}

Resource Corpus::related(const QString &id, const QString &role, const QString &name)
{
    Resource r;
    r.set(QStringLiteral("prefect.resource.id"), id);
    r.set(QStringLiteral("prefect.resource.role"), role);
    if (!name.isEmpty())
        r.set(QStringLiteral("prefect.resource.name"), name);
    return r;
}

void Corpus::startRun()
{
    auto *run = new Run;
    run->id = QStringLiteral("prefect.flow-run.") + uuid();
    run->name = pick(m_adjectives) + u'-' + pick(m_animals);
    run->deployment = int(m_rng.bounded(40u));
    run->flow = run->deployment % 20;
    run->pool = int(m_rng.bounded(4u));
    const int tags = 1 + int(m_rng.bounded(3u));
    for (int i = 0; i < tags; ++i) {
        const QString t = pick(m_tags);
        if (!run->tags.contains(t))
            run->tags += t;
    }
    run->tags.sort();
    run->tasks = int(m_rng.bounded(4u));
    m_runs += run;
}

Event Corpus::stateEvent(Run &run, const QString &state, const QString &type)
{
    Event e;
    e.id = uuid();
    e.event = QStringLiteral("prefect.flow-run.") + state;
    const QString stamp = timeutil::formatString(m_now).chopped(1) + QStringLiteral("+00:00");
    e.resource.set(QStringLiteral("prefect.resource.id"), run.id);
    e.resource.set(QStringLiteral("prefect.resource.name"), run.name);
    e.resource.set(QStringLiteral("prefect.run-count"), QString::number(type == u"RUNNING" ? 1 : 0));
    e.resource.set(QStringLiteral("prefect.state-message"),
                   type == u"FAILED" ? QStringLiteral("Flow run encountered an exception: ValueError: bad row %1")
                                           .arg(m_rng.bounded(100000u))
                                     : QString());
    e.resource.set(QStringLiteral("prefect.state-name"), state);
    e.resource.set(QStringLiteral("prefect.state-timestamp"), stamp);
    e.resource.set(QStringLiteral("prefect.state-type"), type);
    e.related += related(m_flows[run.flow], QStringLiteral("flow"), m_flowNames[run.flow]);
    e.related += related(m_deployments[run.deployment], QStringLiteral("deployment"),
                         m_deploymentNames[run.deployment]);
    e.related += related(m_queues[run.pool], QStringLiteral("work-queue"), QStringLiteral("default"));
    Resource pool = related(m_pools[run.pool], QStringLiteral("work-pool"), m_poolNames[run.pool]);
    pool.set(QStringLiteral("prefect.work-pool.type"), run.pool < 2 ? QStringLiteral("kubernetes")
                                                                   : run.pool == 2 ? QStringLiteral("ecs")
                                                                                   : QStringLiteral("process"));
    e.related += pool;
    for (const QString &t : run.tags)
        e.related += related(QStringLiteral("prefect.tag.") + t, QStringLiteral("tag"));
    e.related += related(m_deployments[run.deployment], QStringLiteral("creator"),
                         m_deploymentNames[run.deployment]);
    e.payload = QStringLiteral(R"({"intended":{"from":"%1","to":"%2"},"initial_state":{"type":"%1","name":"%3","message":"","pause_reschedule":false},"validated_state":{"type":"%2","name":"%4","message":""}})")
                    .arg(run.lastType, type, run.lastName, state)
                    .toUtf8();
    e.follows = run.lastEventId;
    run.lastEventId = e.id;
    run.lastType = type;
    run.lastName = state;
    return e;
}

Event Corpus::taskEvent(Run &run, const QString &state, const QString &type)
{
    Event e;
    e.id = uuid();
    e.event = QStringLiteral("prefect.task-run.") + state;
    const QString name = m_flowNames[run.flow] + QStringLiteral("-task-") + QString::number(run.step);
    e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.task-run.") + uuid());
    e.resource.set(QStringLiteral("prefect.resource.name"), name);
    e.resource.set(QStringLiteral("prefect.state-message"), QString());
    e.resource.set(QStringLiteral("prefect.state-type"), type);
    e.resource.set(QStringLiteral("prefect.state-name"), state);
    e.resource.set(QStringLiteral("prefect.state-timestamp"),
                   timeutil::formatString(m_now).chopped(1) + QStringLiteral("+00:00"));
    e.resource.set(QStringLiteral("prefect.orchestration"), QStringLiteral("client"));
    e.related += related(run.id, QStringLiteral("flow-run"), run.name);
    for (const QString &t : run.tags)
        e.related += related(QStringLiteral("prefect.tag.") + t, QStringLiteral("tag"));
    e.payload = QStringLiteral(R"({"intended":{"from":"PENDING","to":"%1"},"initial_state":{"type":"PENDING","name":"Pending"},"validated_state":{"type":"%1","name":"%2"},"task_run":{"name":"%3","task_key":"%4-%5","dynamic_key":"%6","flow_run_id":"%7","tags":["%8"]}})")
                    .arg(type, state, name, m_flowNames[run.flow], QString::number(m_rng.bounded(1u << 30), 16))
                    .arg(run.step)
                    .arg(run.id.mid(17), run.tags.join(QStringLiteral("\",\"")))
                    .toUtf8();
    return e;
}

Event Corpus::otherEvent()
{
    Event e;
    e.id = uuid();
    const int kind = int(m_rng.bounded(100u));
    if (kind < 40) {
        const int d = int(m_rng.bounded(40u));
        e.event = m_rng.bounded(2u) ? QStringLiteral("prefect.deployment.ready") : QStringLiteral("prefect.deployment.not-ready");
        e.resource.set(QStringLiteral("prefect.resource.id"), m_deployments[d]);
        e.resource.set(QStringLiteral("prefect.resource.name"), m_deploymentNames[d]);
        e.related += related(m_flows[d % 20], QStringLiteral("flow"), m_flowNames[d % 20]);
    } else if (kind < 70) {
        const int p = int(m_rng.bounded(4u));
        e.event = QStringLiteral("prefect.worker.") + (m_rng.bounded(2u) ? QStringLiteral("submitted-flow-run") : QStringLiteral("executed-flow-run"));
        e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.worker.kubernetes.") + m_poolNames[p] + QStringLiteral("-worker-1"));
        e.resource.set(QStringLiteral("prefect.resource.name"), m_poolNames[p] + QStringLiteral("-worker-1"));
        e.resource.set(QStringLiteral("prefect.version"), QStringLiteral("3.8.3"));
        e.resource.set(QStringLiteral("prefect.worker-type"), QStringLiteral("kubernetes"));
        e.related += related(m_pools[p], QStringLiteral("work-pool"), m_poolNames[p]);
        e.payload = QByteArrayLiteral(R"({"infrastructure_pid":"pod-)") + QByteArray::number(m_rng.bounded(1u << 30)) + "\"}";
    } else if (kind < 85) {
        e.event = QStringLiteral("prefect.automation.triggered");
        e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.automation.") + m_flows[int(m_rng.bounded(20u))].mid(13));
        e.resource.set(QStringLiteral("prefect.resource.name"), QStringLiteral("Notify on failure"));
        e.resource.set(QStringLiteral("prefect.posture"), QStringLiteral("Reactive"));
        e.related += related(QStringLiteral("prefect.event.") + uuid(), QStringLiteral("triggering-event"));
        e.payload = QByteArrayLiteral(R"({"triggering_labels":{"prefect.resource.id":"prefect.flow-run.x"},"triggering_event":null})");
    } else {
        e.event = QStringLiteral("prefect.log.write");
        e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.log.") + uuid());
        e.payload = QByteArrayLiteral(R"({"level":20,"message":"Processed batch )") + QByteArray::number(m_rng.bounded(100000u)) + "\"}";
    }
    return e;
}

QList<Event> Corpus::next(qsizetype n)
{
    QList<Event> out;
    while (out.size() < n && m_produced < m_total) {
        m_now = m_start + m_span * m_produced / std::max<qint64>(1, m_total);
        if (m_pending.isEmpty()) {
            if (m_runs.size() < 30 || m_rng.bounded(100u) < 5)
                startRun();
            if (m_rng.bounded(100u) < 12) {
                m_pending += otherEvent();
            } else {
                Run *run = m_runs[int(m_rng.bounded(quint32(m_runs.size())))];
                static const char *const states[][2] = {{"Pending", "PENDING"}, {"Running", "RUNNING"}};
                if (run->step < 2) {
                    m_pending += stateEvent(*run, QString::fromLatin1(states[run->step][0]),
                                            QString::fromLatin1(states[run->step][1]));
                } else if (run->step < 2 + run->tasks * 2) {
                    const bool done = (run->step % 2) == 1;
                    m_pending += taskEvent(*run, done ? QStringLiteral("Completed") : QStringLiteral("Running"),
                                           done ? QStringLiteral("COMPLETED") : QStringLiteral("RUNNING"));
                } else {
                    const int roll = int(m_rng.bounded(100u));
                    m_pending += roll < 85 ? stateEvent(*run, QStringLiteral("Completed"), QStringLiteral("COMPLETED"))
                                 : roll < 97 ? stateEvent(*run, QStringLiteral("Failed"), QStringLiteral("FAILED"))
                                             : stateEvent(*run, QStringLiteral("Crashed"), QStringLiteral("CRASHED"));
                    m_runs.removeOne(run);
                    delete run;
                }
                if (run && m_runs.contains(run))
                    ++run->step;
            }
        }
        Event e = m_pending.takeFirst();
        // Times increase through the span; about one event in fifty arrives a little late.
        const qint64 t = m_now;
        e.occurred = m_rng.bounded(50u) == 0 ? t - qint64(m_rng.bounded(60000000u)) : t;
        e.received = e.occurred + qint64(m_rng.bounded(2000000u));
        out += std::move(e);
        ++m_produced;
    }
    return out;
}

} // namespace ed::bench
