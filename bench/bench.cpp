// eventdeck-bench: the cache's figures at scale, each printed beside its target. Run by hand
// (see bench/README.md); not part of ctest.

#include "core/demo/corpus.h"
#include "bench/measure.h"
#include "core/eventstore.h"
#include "core/exporter.h"
#include "core/filterflags.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTextStream>
#include <QThread>

#include <algorithm>

using namespace ed;
using namespace ed::bench;
using namespace ed::demo;

namespace {

constexpr double kImportTarget = 30000; // events/s
constexpr double kRssTargetMb = 200;
constexpr double kDiskTarget = 1.5 * 1024; // bytes per event
constexpr double kPageTargetMs = 20;
constexpr double kCountTargetMs = 200;
constexpr double kExportTarget = 200000; // events/s

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

QString fixed(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

QString mark(bool ok)
{
    return ok ? QStringLiteral("✓") : QStringLiteral("✗");
}

QString mib(qint64 bytes)
{
    return fixed(double(bytes) / 1048576.0) + QStringLiteral(" MiB");
}

struct Query
{
    QString title; ///< as typed on the command line
    FilterFlags flags;
    bool labelFilter = true;
};

struct Timing
{
    QList<double> ms;
    double median() const
    {
        QList<double> v = ms;
        std::sort(v.begin(), v.end());
        return v.isEmpty()    ? 0
               : v.size() % 2 ? v[v.size() / 2]
                              : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    }
    double best() const { return ms.isEmpty() ? 0 : *std::min_element(ms.begin(), ms.end()); }
};

/// Names that exist in the cache, for filters that match something: a flow run's name, its
/// deployment, a tag — taken from a Running event about 200 events back from the newest.
struct Sample
{
    QString runName, deploymentName, tag;
};

Sample sampleNames(EventStore &store)
{
    Sample s;
    EventFilter f;
    f.event = NameFilter{};
    f.event->name = QStringList{QStringLiteral("prefect.flow-run.Running")};
    const auto rows = store.page(f, 200);
    if (!rows || rows->isEmpty())
        return s;
    const Event &e = rows->last().event;
    s.runName = e.resource.name();
    for (const Resource &r : e.related) {
        if (r.role() == u"deployment")
            s.deploymentName = r.name();
        if (r.role() == u"tag" && s.tag.isEmpty())
            s.tag = r.id();
    }
    return s;
}

QList<Query> queries(const Sample &s)
{
    QList<Query> list;
    auto add = [&](const QString &title, bool labelFilter, auto setup) {
        Query q{title, {}, labelFilter};
        setup(q.flags);
        list.append(q);
    };
    add(QStringLiteral("(no filter)"), false, [](FilterFlags &) {});
    add(QStringLiteral("--event prefect.flow-run.Failed"), false,
        [](FilterFlags &f) { f.event = {QStringLiteral("prefect.flow-run.Failed")}; });
    add(QStringLiteral("--resource 'prefect.flow-run.*'"), true,
        [](FilterFlags &f) { f.resource = {QStringLiteral("prefect.flow-run.*")}; });
    add(QStringLiteral("--label prefect.state-type=FAILED"), true,
        [](FilterFlags &f) { f.label = {QStringLiteral("prefect.state-type=FAILED")}; });
    add(QStringLiteral("--related-role deployment --related-label prefect.resource.name=")
            + s.deploymentName,
        true, [&](FilterFlags &f) {
            f.relatedRole = {QStringLiteral("deployment")};
            f.relatedLabel = {QStringLiteral("prefect.resource.name=") + s.deploymentName};
        });
    add(QStringLiteral("--label prefect.resource.name=") + s.runName, true,
        [&](FilterFlags &f) { f.label = {QStringLiteral("prefect.resource.name=") + s.runName}; });
    if (!s.tag.isEmpty())
        add(QStringLiteral("--any-label prefect.resource.id=") + s.tag, true,
            [&](FilterFlags &f) { f.anyLabel = {QStringLiteral("prefect.resource.id=") + s.tag}; });
    add(QStringLiteral("--label 'prefect.state-type=!COMPLETED'"), true,
        [](FilterFlags &f) { f.label = {QStringLiteral("prefect.state-type=!COMPLETED")}; });
    add(QStringLiteral("--resource '!prefect.task-run.*'"), true,
        [](FilterFlags &f) { f.resource = {QStringLiteral("!prefect.task-run.*")}; });
    add(QStringLiteral("--since -24h --label prefect.state-type=FAILED"), true, [](FilterFlags &f) {
        f.since = {QStringLiteral("-24h")};
        f.label = {QStringLiteral("prefect.state-type=FAILED")};
    });
    add(QStringLiteral("--since -24h --resource 'prefect.flow-run.*'"), true, [](FilterFlags &f) {
        f.since = {QStringLiteral("-24h")};
        f.resource = {QStringLiteral("prefect.flow-run.*")};
    });
    return list;
}

/// Runs each filter `repeat` times (first page of 200, then count) and prints one table row each.
bool runQueries(EventStore &store, int repeat)
{
    const qint64 total = store.totalCount();
    const Sample sample = sampleNames(store);
    out()
        << "\n### Filters over " << num(total) << " cached events\n\n"
        << "Each filter " << repeat << " times; median / best. First page = `EventStore::page` "
        << "(200 rows, decoded); count = `EventStore::count`. Targets: page ≤ " << kPageTargetMs
        << " ms, count ≤ " << kCountTargetMs << " ms (label filters).\n\n"
        << "| Filter | Matches | Selectivity | First page, median / best | Count, median / best |\n"
        << "| --- | ---: | ---: | ---: | ---: |\n";
    out().flush();
    bool ok = true;
    for (const Query &q : queries(sample)) {
        QString why;
        const auto filter = buildFilter(q.flags, timeutil::nowMicros(), &why);
        if (!filter) {
            err() << "eventdeck-bench: " << q.title << ": " << why << "\n";
            ok = false;
            continue;
        }
        Timing page, count;
        qint64 matches = -1;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            const auto rows = store.page(*filter, 200);
            page.ms.append(double(t.nsecsElapsed()) / 1e6);
            t.start();
            const auto n = store.count(*filter);
            count.ms.append(double(t.nsecsElapsed()) / 1e6);
            if (!rows || !n) {
                err() << "eventdeck-bench: " << q.title << ": " << store.lastError() << "\n";
                ok = false;
                break;
            }
            matches = *n;
        }
        const bool pageOk = page.median() <= kPageTargetMs;
        const bool countOk = count.median() <= kCountTargetMs;
        out() << "| `" << q.title << "` | " << num(matches) << " | "
              << QString::number(100.0 * double(matches) / double(std::max<qint64>(1, total)), 'g',
                                 3)
              << " % | " << fixed(page.median()) << " / " << fixed(page.best()) << " ms "
              << (q.labelFilter ? mark(pageOk) : QString()) << " | " << fixed(count.median())
              << " / " << fixed(count.best()) << " ms "
              << (q.labelFilter ? mark(countOk) : QString()) << " |\n";
        out().flush();
    }
    return ok;
}

void row(const QString &figure, const QString &measured, const QString &target,
         std::optional<bool> ok = {})
{
    out() << "| " << figure << " | " << measured << " | " << target << " | "
          << (ok ? mark(*ok) : QString()) << " |\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("eventdeck-bench"));
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Measures Eventdeck's cache on a generated Prefect corpus."));
    p.addHelpOption();
    auto opt = [&](const char *name, const char *help, const char *value = nullptr,
                   const char *def = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help));
        if (value)
            o.setValueName(QString::fromLatin1(value));
        if (def)
            o.setDefaultValue(QString::fromLatin1(def));
        p.addOption(o);
    };
    opt("events", "Events to generate (default 1000000).", "N", "1000000");
    opt("cache", "Cache file to create (default: in a temporary directory, removed afterwards).",
        "PATH");
    opt("seed", "Corpus seed (default 1).", "S", "1");
    opt("end", "The corpus ends at this time (ISO-8601; default now).", "TIME");
    opt("write-ndjson", "Also write the corpus as NDJSON to FILE (for timing `eventdeck import`).",
        "FILE");
    opt("import", "both | bulk | plain | none (none: query an existing --cache). Default both.",
        "MODE", "both");
    opt("overwrite", "Replace an existing --cache file.");
    opt("batch", "Events per ingest call, one transaction each (default 2000).", "N", "2000");
    opt("repeat", "Runs of each filter (default 5).", "R", "5");
    opt("export-to", "Export target (default: a temporary file in /tmp; /dev/null works).", "FILE");
    p.process(app);

    CorpusOptions corpus;
    bool ok = true;
    corpus.events = p.value(QStringLiteral("events")).toLongLong(&ok);
    if (!ok || corpus.events <= 0)
        p.showHelp(2);
    corpus.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        p.showHelp(2);
    corpus.endMicros = timeutil::nowMicros() / 1000000 * 1000000;
    if (p.isSet(QStringLiteral("end"))) {
        QString why;
        if (!timeutil::parse(p.value(QStringLiteral("end")), corpus.endMicros, &why)) {
            err() << "eventdeck-bench: --end: " << why << "\n";
            return 2;
        }
    }
    const QString mode = p.value(QStringLiteral("import"));
    if (!QStringList{QStringLiteral("both"), QStringLiteral("bulk"), QStringLiteral("plain"),
                     QStringLiteral("none")}
             .contains(mode))
        p.showHelp(2);
    const int repeat = std::max(1, p.value(QStringLiteral("repeat")).toInt());
    const qsizetype batch = std::max(1, p.value(QStringLiteral("batch")).toInt());

    QTemporaryDir tmp;
    QString path = p.value(QStringLiteral("cache"));
    if (path.isEmpty()) {
        if (mode == u"none" && !p.isSet(QStringLiteral("write-ndjson"))) {
            err() << "eventdeck-bench: --import none needs --cache PATH\n";
            return 2;
        }
        path = tmp.filePath(QStringLiteral("cache.sqlite"));
    } else if (mode != u"none" && QFileInfo::exists(path) && !p.isSet(QStringLiteral("overwrite"))) {
        err() << "eventdeck-bench: " << path << " exists; pass --overwrite to replace it, or "
              << "--import none to query it\n";
        return 2;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());

    out() << "## eventdeck-bench\n\n"
          << "- corpus: seed " << corpus.seed << ", " << num(corpus.events)
          << " events over 30 days "
          << "ending " << timeutil::formatString(corpus.endMicros) << "; "
          << Corpus(corpus).summary() << "\n"
          << "- machine: " << QThread::idealThreadCount() << " cores, load average "
          << loadAverage() << " at start; build " << EVENTDECK_BENCH_BUILD_TYPE << "\n"
          << "- cache: " << path << "\n";
    out().flush();

    if (p.isSet(QStringLiteral("write-ndjson"))) {
        QElapsedTimer t;
        t.start();
        QString why;
        const auto s = writeNdjson(corpus, p.value(QStringLiteral("write-ndjson")), &why);
        if (!s) {
            err() << "eventdeck-bench: " << why << "\n";
            return 1;
        }
        out() << "- NDJSON: " << p.value(QStringLiteral("write-ndjson")) << ", " << num(s->events)
              << " events, " << mib(s->bytes) << " in " << fixed(double(t.nsecsElapsed()) / 1e9)
              << " s\n";
        if (mode == u"none" && !p.isSet(QStringLiteral("cache")))
            return 0;
    }

    std::optional<ImportFigures> plain, bulk;
    if (mode == u"both" || mode == u"plain") {
        const QString plainPath = mode == u"both"
                                      ? QFileInfo(path).absolutePath() + QStringLiteral("/plain-")
                                            + QFileInfo(path).fileName()
                                      : path;
        plain = runImport(corpus, plainPath, batch, false, true, QStringLiteral("plain import"));
        if (mode == u"both")
            removeCache(plainPath);
    }
    if (mode == u"both" || mode == u"bulk")
        bulk = runImport(corpus, path, batch, true, !plain, QStringLiteral("bulk import"));
    const ImportFigures *inspected = plain ? &*plain : bulk ? &*bulk : nullptr;
    if (inspected && (inspected->invalid || inspected->roundTripFailures)) {
        err() << "eventdeck-bench: " << inspected->invalid
              << " generated events fail validateEvent, " << inspected->roundTripFailures
              << " do not read back; first: " << inspected->firstProblem << "\n";
        return 1;
    }
    const DiskFigures disk = checkpointAndMeasure(path);

    EventStore store;
    QString error;
    if (!store.open(path, &error)) {
        err() << "eventdeck-bench: " << error << "\n";
        return 1;
    }
    // Queries and export read through a memory map, as `eventdeck export` and the GUI do.
    store.setMemoryMapped(qint64(1) << 30);
    const qint64 total = store.totalCount();

    out() << "- SQLite " << disk.sqliteVersion << "\n\n### Import, disk, export\n\n"
          << "| Figure | Measured | Target | |\n| --- | --- | --- | --- |\n";
    if (inspected)
        row(QStringLiteral("Mean event size (export JSON)"),
            num(inspected->jsonBytes / std::max<qint64>(1, inspected->stored))
                + QStringLiteral(" B"),
            QStringLiteral("~1.2 KB"));
    auto importRows = [&](const ImportFigures &f, const QString &how) {
        const double rate = double(f.stored) / std::max(1e-9, f.ingestSeconds);
        row(QStringLiteral("Import, ") + how,
            num(qint64(rate)) + QStringLiteral(" events/s (") + num(f.stored)
                + QStringLiteral(" in ") + fixed(f.ingestSeconds) + QStringLiteral(" s")
                + (f.endBulkSeconds > 0 ? QStringLiteral(", endBulkLoad ") + fixed(f.endBulkSeconds)
                                              + QStringLiteral(" s")
                                        : QString())
                + QStringLiteral("; generating took ") + fixed(f.generateSeconds)
                + QStringLiteral(" s more)"),
            QStringLiteral("≥ 30,000 events/s"), rate >= kImportTarget);
        const double write = f.ingestSeconds - f.prepareSeconds;
        row(QStringLiteral("… of which `prepare` (serialize + compress) / SQLite"),
            fixed(f.prepareSeconds) + QStringLiteral(" s / ") + fixed(write)
                + QStringLiteral(" s: with `prepare` on a second thread, at best ")
                + num(qint64(double(f.stored) / std::max({1e-9, write, f.prepareSeconds})))
                + QStringLiteral(" events/s")
                + (f.writtenBytes >= 0
                       ? QStringLiteral("; ") + num(f.writtenBytes / std::max<qint64>(1, f.stored))
                             + QStringLiteral(" B written to files per event")
                       : QString()),
            QStringLiteral("—"));
        const double mb = double(f.peakRssKb) / 1024.0;
        row(QStringLiteral("Peak RSS during import, ") + how,
            fixed(mb, 0) + QStringLiteral(" MiB")
                + (f.peakIsOwn ? QString() : QStringLiteral(" (whole process)"))
                + (f.peakBeforeEndBulkKb >= 0
                       ? QStringLiteral(" (") + fixed(double(f.peakBeforeEndBulkKb) / 1024.0, 0)
                             + QStringLiteral(" MiB before `endBulkLoad`)")
                       : QString()),
            QStringLiteral("≤ 200 MB"), mb <= kRssTargetMb);
        const double perEvent = double(f.fileBytes) / double(std::max<qint64>(1, f.stored));
        row(QStringLiteral("Disk per event as the import left it, ") + how,
            num(qint64(perEvent)) + QStringLiteral(" B (main ") + mib(f.mainBytes)
                + QStringLiteral(" + WAL ") + mib(f.walBytes) + u')',
            QStringLiteral("≤ 1.5 KB"), perEvent <= kDiskTarget);
    };
    if (plain)
        importRows(*plain, QStringLiteral("plain `ingest`, batches of ") + num(batch));
    if (bulk)
        importRows(*bulk, QStringLiteral("`beginBulkLoad` … `endBulkLoad`"));
    const double perEvent =
        double(disk.mainBytes + disk.walBytes) / double(std::max<qint64>(1, total));
    row(QStringLiteral("Disk per event after `wal_checkpoint(TRUNCATE)`"),
        num(qint64(perEvent)) + QStringLiteral(" B (main ") + mib(disk.mainBytes)
            + QStringLiteral(" + WAL ") + mib(disk.walBytes) + QStringLiteral(", ") + num(total)
            + QStringLiteral(" events)"),
        QStringLiteral("≤ 1.5 KB"), perEvent <= kDiskTarget);
    if (!disk.objects.isEmpty()) {
        QStringList parts;
        for (const auto &[name, bytes] : disk.objects) {
            const double share = double(bytes) / double(std::max<qint64>(1, total));
            if (share >= 0.5)
                parts.append(name + u' ' + fixed(share, 0) + QStringLiteral(" B"));
        }
        row(QStringLiteral("… per table and index (dbstat)"), parts.join(QStringLiteral(", ")),
            QStringLiteral("—"));
    }

    // Export everything as one JSON array.
    std::unique_ptr<QFile> sink;
    if (p.isSet(QStringLiteral("export-to"))) {
        sink = std::make_unique<QFile>(p.value(QStringLiteral("export-to")));
        sink->open(QIODevice::WriteOnly | QIODevice::Truncate);
    } else {
        auto file = std::make_unique<QTemporaryFile>(
            QDir::tempPath() + QStringLiteral("/eventdeck-bench-XXXXXX.json"));
        file->open();
        sink = std::move(file);
    }
    QElapsedTimer t;
    t.start();
    const ExportResult exported =
        exportEvents(store, EventFilter{}, -1, sink.get(), ExportFormat::Json);
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    // A character device such as /dev/null has no size.
    const qint64 exportedBytes = sink->isSequential() ? -1 : sink->size();
    sink->close();
    const double rate = double(exported.written) / std::max(1e-9, seconds);
    row(QStringLiteral("Export, all events, JSON array, to ") + sink->fileName(),
        num(qint64(rate)) + QStringLiteral(" events/s (") + num(exported.written)
            + QStringLiteral(" events")
            + (exportedBytes >= 0 ? QStringLiteral(", ") + mib(exportedBytes) : QString())
            + QStringLiteral(" in ") + fixed(seconds) + QStringLiteral(" s")
            + (exportedBytes >= 0
                   ? QStringLiteral(", ")
                         + fixed(double(exportedBytes) / 1048576.0 / std::max(1e-9, seconds), 0)
                         + QStringLiteral(" MiB/s")
                   : QString())
            + u')',
        QStringLiteral("≥ 200,000 events/s"), exported.ok && rate >= kExportTarget);
    out().flush();
    if (!exported.ok)
        err() << "eventdeck-bench: export failed: " << exported.error << "\n";

    const bool queriesOk = runQueries(store, repeat);
    out() << "\nLoad average at the end: " << loadAverage() << "\n";
    return exported.ok && queriesOk ? 0 : 1;
}
