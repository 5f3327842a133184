#include "core/demo/workspace.h"

#include "core/demo/rng.h"

#include <cmath>

namespace ed::demo {

namespace {

QStringList words(const char *list)
{
    return QString::fromLatin1(list).split(u',');
}

// The first and the last of the flow's tasks that are not mapped (flows have 3 to 7 tasks).
int firstPlainTask(const Flow &f)
{
    return f.mapped == 0 ? 1 : 0;
}

int lastPlainTask(const Flow &f)
{
    const int last = int(f.tasks.size()) - 1;
    return f.mapped == last ? last - 1 : last;
}

// Blocks, concurrency limits, artifacts and assets: what some flows' code does besides running
// tasks, fixed per flow as code is. Kept modest so that together they are a few percent of the
// events, as in a real workspace where most runs do none of it.
void addRunExtras(Workspace &w, Rng &rng)
{
    const struct
    {
        const char *type, *name;
    } blockSpecs[] = {{"aws-credentials", "aws-prod"},
                      {"sqlalchemy-connector", "warehouse-db"},
                      {"secret", "crm-api-token"},
                      {"snowflake-credentials", "snowflake-reporting"},
                      {"slack-webhook", "data-alerts"},
                      {"s3-bucket", "ml-models"},
                      {"gcs-bucket", "feature-store"},
                      {"dbt-cli-profile", "dbt-prod"}};
    for (const auto &b : blockSpecs)
        w.blocks.append({QStringLiteral("prefect.block-document.") + rng.uuid(),
                         QString::fromLatin1(b.name), QString::fromLatin1(b.type)});
    const struct
    {
        const char *name;
        int limit;
    } limitSpecs[] = {{"warehouse-writes", 4}, {"crm-api", 2}, {"gpu", 1}, {"erp-api", 3}};
    for (const auto &l : limitSpecs)
        w.limits.append({QStringLiteral("prefect.concurrency-limit.") + rng.uuid(),
                         QString::fromLatin1(l.name), l.limit});
    // key, name, description, url, owners: a lineage from sources through the lake to marts.
    const char *const assetSpecs[][5] = {
        {"postgres://shop-db/public/orders", "", "", "", ""},
        {"s3://lake/raw/orders", "Raw orders",
         "Order extracts from the shop database, one Parquet file per day", "",
         "[\"data-platform\"]"},
        {"postgres://warehouse/public/customers", "Customers", "", "",
         "[\"revops\", \"analytics-engineering\"]"},
        {"postgres://warehouse/analytics/orders", "Orders", "", "", "[\"analytics-engineering\"]"},
        {"snowflake://analytics/marts/fct_orders", "fct_orders", "One row per order line",
         "https://dbt-docs.example.com/#!/model/model.analytics.fct_orders",
         "[\"analytics-engineering\"]"},
        {"snowflake://analytics/marts/dim_customers", "dim_customers", "",
         "https://dbt-docs.example.com/#!/model/model.analytics.dim_customers",
         "[\"analytics-engineering\"]"},
        {"kafka://events/clickstream", "", "", "", ""},
        {"s3://lake/raw/clickstream", "Raw clickstream", "", "", "[\"data-platform\"]"},
        {"s3://lake/marts/kpis/daily", "Daily KPIs", "Revenue, orders and churn by day", "", ""},
    };
    for (const auto &a : assetSpecs)
        w.assets.append({QString::fromLatin1(a[0]), QString::fromLatin1(a[1]),
                         QString::fromLatin1(a[2]), QString::fromLatin1(a[3]),
                         QString::fromLatin1(a[4])});

    auto artifact = [&](int task, const char *key, const char *type, const char *description) {
        ArtifactSpec a{task, QString::fromLatin1(key), QString::fromLatin1(type),
                       QString::fromLatin1(description), QString()};
        if (!a.key.isEmpty())
            a.collectionId = QStringLiteral("prefect.artifact-collection.") + rng.uuid();
        return a;
    };
    // Batch pipelines (ETL, dbt, reports, training) run on daily or hourly schedules: never
    // among the busy deployments, whatever weight they drew.
    QList<int> batch;
    for (qsizetype i = 0; i < w.flows.size(); ++i) {
        Flow &f = w.flows[i];
        const int first = firstPlainTask(f), last = lastPlainTask(f);
        const QString &n = f.name;
        bool scheduled = true;
        if (n == u"etl-orders") {
            f.blockLoads = {{0, -1}};
            f.materializations = {{first, {0}, {1}, {}}};
        } else if (n == u"load-warehouse") {
            f.blockLoads = {{1, -1}};
            f.limitUses = {{last, {0}, 2}};
            f.materializations = {{last, {1}, {3}, {}}};
        } else if (n == u"dbt-run") {
            f.blockLoads = {{7, -1}};
            f.materializations = {{last, {3, 2}, {4, 5}, QStringLiteral("dbt")}};
        } else if (n == u"compute-kpis") {
            f.materializations = {{last, {4}, {8}, {}}};
        } else if (n == u"daily-report") {
            f.blockLoads = {{3, -1}, {4, last}};
            f.artifacts = {artifact(-1, "daily-sales-report", "markdown",
                                    "Sales by region for the previous day")};
        } else if (n == u"check-data-quality") {
            f.artifacts = {
                artifact(last, "data-quality-checks", "table", "Expectation results per table")};
        } else if (n == u"train-churn-model") {
            f.blockLoads = {{5, last}};
            f.limitUses = {{last, {2}, 1}};
            f.artifacts = {artifact(-1, "churn-model-card", "markdown", "")};
        } else if (n == u"retrain-recommender") {
            f.blockLoads = {{6, -1}};
            f.limitUses = {{first, {2}, 1}};
            f.artifacts = {artifact(last, "", "table", "Evaluation metrics")};
        } else {
            scheduled = false;
            if (n == u"sync-crm") {
                f.blockLoads = {{2, -1}};
                f.limitUses = {{first, {1}, 1}};
            } else if (n == u"sync-inventory") {
                f.limitUses = {{last, {0, 3}, 1}};
            } else if (n == u"ingest-clickstream") {
                f.materializations = {{last, {6}, {7}, {}}};
            } else if (n == u"refresh-dashboards") {
                f.artifacts = {artifact(-1, "", "markdown", "")};
            }
        }
        if (scheduled)
            batch << int(i);
    }
    w.totalWeight = 0;
    for (Deployment &d : w.deployments) {
        if (batch.contains(d.flow))
            d.weight = std::min(d.weight, 0.08);
        w.totalWeight += d.weight;
    }
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
        Flow f;
        f.id = QStringLiteral("prefect.flow.") + rng.uuid();
        f.name = name;
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
    addRunExtras(w, rng);
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
