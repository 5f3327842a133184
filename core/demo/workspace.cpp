#include "core/demo/workspace.h"

#include "core/demo/rng.h"

#include <cmath>

namespace ed::demo {

namespace {

QStringList words(const char *list)
{
    return QString::fromLatin1(list).split(u',');
}

} // namespace

Workspace Workspace::generate(Rng &rng)
{
    Workspace w;
    w.adjectives = words(
        "crimson,amber,silent,brave,lucky,rapid,gentle,clever,shiny,wild,curious,golden,quiet,"
        "bold,misty,proud,tidy,witty,zesty,calm,dapper,eager,fancy,fuzzy,glossy,hasty,icy,jolly,"
        "keen,lively,mellow,nimble,olive,plucky,quirky,rustic,sassy,snappy,spry,stellar,sturdy,"
        "sunny,tangy,thundering,urban,vagabond,valiant,vivid,wakeful,whimsical,xanthic,youthful,"
        "zealous,ancient,berserk,cosmic,daring,electric,feisty,giga,hulking,jade,khaki,lunar");
    w.animals = words(
        "fox,otter,heron,lynx,badger,falcon,marmot,panda,walrus,gecko,bison,koala,ibis,okapi,"
        "tapir,yak,zebra,moose,newt,wren,alpaca,beetle,caracal,dingo,egret,ferret,gibbon,hyena,"
        "impala,jackal,kestrel,lemur,mongoose,narwhal,ocelot,pelican,quokka,raccoon,salamander,"
        "tortoise,uakari,vulture,wombat,xerus,yeti,zorilla,anteater,barracuda,chameleon,dormouse,"
        "eel,flamingo,grouse,hedgehog,iguana,jaguar,kingfisher,llama,mantis,nightingale,oyster");
    const QStringList tags = words("etl,production,staging,nightly,hourly,critical,finance,"
                                   "marketing,ml,reporting,sync,backfill,team-data,team-platform,"
                                   "pii,experimental");
    const QStringList flowNames = words(
        "etl-orders,sync-crm,train-churn-model,daily-report,ingest-clickstream,"
        "refresh-dashboards,backup-postgres,score-leads,dbt-run,export-invoices,clean-s3-staging,"
        "compute-kpis,load-warehouse,check-data-quality,send-digest,rebuild-search-index,"
        "fetch-exchange-rates,archive-logs,sync-inventory,retrain-recommender");
    const QStringList taskNames = words(
        "extract,transform,load,validate,fetch_page,parse_records,upsert_rows,compute_features,"
        "train_model,evaluate,publish,notify,snapshot,compress,upload_to_s3,refresh_view,"
        "dedupe,enrich,aggregate,write_parquet");
    for (const QString &name : flowNames) {
        Flow f{QStringLiteral("prefect.flow.") + rng.uuid(), name, {}, {}, -1};
        if (rng.chance(0.6))
            f.tags.append(rng.pick(tags));
        for (int i = int(rng.between(3, 7)); i > 0; --i)
            f.tasks.append(rng.pick(taskNames));
        if (rng.chance(0.4))
            f.mapped = int(rng.below(f.tasks.size()));
        w.flows.append(f);
    }
    const struct
    {
        const char *name, *type, *queues;
    } poolSpecs[] = {{"k8s-prod", "kubernetes", "default,high-priority,low-priority"},
                     {"docker-etl", "docker", "default,backfill"},
                     {"process-local", "process", "default"},
                     {"ecs-batch", "ecs", "default,gpu"}};
    for (const auto &spec : poolSpecs) {
        Pool p{QStringLiteral("prefect.work-pool.") + rng.uuid(),
               QString::fromLatin1(spec.name),
               QString::fromLatin1(spec.type),
               {},
               {}};
        const int pool = int(w.pools.size());
        for (const QString &q : words(spec.queues)) {
            p.queues.append(int(w.queues.size()));
            w.queues.append({QStringLiteral("prefect.work-queue.") + rng.uuid(), q, pool});
        }
        for (int i = 0; i < 3; ++i) {
            const QString name = p.name + QStringLiteral("-worker-") + rng.uuid().left(6);
            p.workers.append(int(w.workers.size()));
            w.workers.append({QStringLiteral("prefect.worker.") + p.type + u'.' + name, name, pool});
        }
        w.pools.append(p);
    }
    const QStringList variants = words("hourly,nightly,prod,staging,backfill,adhoc,weekly,eu,us");
    for (int i = 0; i < 40; ++i) {
        Deployment dep;
        dep.flow = i % w.flows.size();
        dep.id = QStringLiteral("prefect.deployment.") + rng.uuid();
        // Two deployments per flow, named apart: `etl-orders-hourly`, `etl-orders-backfill`.
        const int variant = (i / int(w.flows.size())) * 3 + int(rng.below(3));
        dep.name = w.flows[dep.flow].name + u'-' + variants[variant];
        dep.queue = int(rng.below(w.queues.size()));
        if (rng.chance(0.5))
            dep.tags.append(rng.pick(tags));
        dep.weight = 1.0 / std::pow(1.0 + double(rng.below(40)), 0.8);
        dep.heartbeats = rng.chance(0.5);
        dep.failRate = 0.03 + 0.12 * rng.uniform();
        dep.crashRate = 0.01 + 0.03 * rng.uniform();
        dep.retries = rng.chance(0.3) ? int(rng.between(1, 3)) : 0;
        w.totalWeight += dep.weight;
        w.deployments.append(dep);
    }
    for (const char *name :
         {"Notify on failed flow runs", "Re-run failed nightly flows", "Restart stuck work queues"})
        w.automations.append(
            {QStringLiteral("prefect.automation.") + rng.uuid(), QString::fromLatin1(name)});
    return w;
}

const Deployment &Workspace::pickDeployment(Rng &rng) const
{
    double w = rng.uniform() * totalWeight;
    for (const Deployment &d : deployments) {
        if ((w -= d.weight) < 0)
            return d;
    }
    return deployments.last();
}

QString Workspace::summary() const
{
    QStringList allTags;
    for (const Flow &f : flows)
        allTags += f.tags;
    for (const Deployment &d : deployments)
        allTags += d.tags;
    allTags.removeDuplicates();
    return QStringLiteral("%1 flows, %2 deployments, %3 work pools, %4 queues, %5 workers, "
                          "%6 tags, %7 automations")
        .arg(flows.size())
        .arg(deployments.size())
        .arg(pools.size())
        .arg(queues.size())
        .arg(workers.size())
        .arg(allTags.size())
        .arg(automations.size());
}

} // namespace ed::demo
