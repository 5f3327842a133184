// eventdeck-bench: figures for the cache at scale, each printed beside its target.

#include "bench/corpus.h"
#include "core/eventstore.h"
#include "core/exporter.h"
#include "core/filterflags.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <thread>

using namespace ed;

namespace {

QTextStream out(stdout);

qint64 peakRssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

void row(const QString &what, const QString &value, const QString &target)
{
    out << "| " << what << " | " << value << " | " << target << " |\n";
    out.flush();
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOptions({{QStringLiteral("events"), QStringLiteral("Events to generate (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000")},
                  {QStringLiteral("cache"), QStringLiteral("Cache file (default: a temporary one)."), QStringLiteral("PATH")},
                  {QStringLiteral("seed"), QStringLiteral("Corpus seed."), QStringLiteral("S"), QStringLiteral("42")},
                  {QStringLiteral("write-ndjson"), QStringLiteral("Also write the corpus as NDJSON to FILE and stop."), QStringLiteral("FILE")},
                  {QStringLiteral("reuse"), QStringLiteral("Query an existing --cache without importing.")}});
    p.process(app);
    const qint64 n = p.value(QStringLiteral("events")).toLongLong();
    const quint32 seed = p.value(QStringLiteral("seed")).toUInt();
    const qint64 span = qint64(30) * 86400 * 1000000;
    const qint64 start = timeutil::nowMicros() - span;

    if (p.isSet(QStringLiteral("write-ndjson"))) {
        QFile f(p.value(QStringLiteral("write-ndjson")));
        if (!f.open(QIODevice::WriteOnly))
            return 1;
        bench::Corpus corpus(seed, start, span, n);
        for (;;) {
            const QList<Event> batch = corpus.next(5000);
            if (batch.isEmpty())
                break;
            for (const Event &e : batch)
                f.write(serializeEvent(e) + '\n');
        }
        return 0;
    }

    QTemporaryDir dir;
    const QString path = p.isSet(QStringLiteral("cache")) ? p.value(QStringLiteral("cache"))
                                                           : dir.filePath(QStringLiteral("cache.sqlite"));
    EventStore store;
    QString error;
    if (!p.isSet(QStringLiteral("reuse"))) {
        QFile::remove(path);
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
    }
    if (!store.open(path, &error)) {
        out << error << "\n";
        return 1;
    }
    out << "eventdeck-bench: " << n << " events, cache " << path << "\n\n";
    out << "| Figure | Measured | Target |\n| --- | --- | --- |\n";

    if (!p.isSet(QStringLiteral("reuse"))) {
        // Import: generation and compression on a second thread, SQLite writes on this one —
        // the same split as `eventdeck import`. Generation time is excluded.
        bench::Corpus corpus(seed, start, span, n);
        qint64 jsonBytes = 0;
        QList<QList<Event>> generated;
        QElapsedTimer total;
        qint64 ingestNs = 0;
        qint64 stored = 0;
        const qsizetype batchSize = 2000;
        std::optional<PreparedBatch> next;
        auto make = [&] {
            QList<Event> events = corpus.next(batchSize);
            for (const Event &e : events)
                jsonBytes += serializeEvent(e).size();
            return EventStore::prepare(std::move(events));
        };
        PreparedBatch current = make();
        total.start();
        QElapsedTimer t;
        while (!current.events.isEmpty()) {
            PreparedBatch upcoming;
            std::thread producer([&] { upcoming = make(); });
            t.start();
            const IngestStats s = store.ingest(current, QStringLiteral("bench"));
            ingestNs += t.nsecsElapsed();
            stored += s.stored;
            producer.join();
            current = std::move(upcoming);
        }
        const double seconds = double(total.nsecsElapsed()) / 1e9;
        store.applyRetention(RetentionPolicy{0, 0}, timeutil::nowMicros()); // checkpoint only
        row(QStringLiteral("mean event size (export JSON)"), QStringLiteral("%1 B").arg(jsonBytes / std::max<qint64>(1, n)), QStringLiteral("~1.2 KB"));
        row(QStringLiteral("import, 2 threads (wall)"), QStringLiteral("%1 events/s (%2 s)").arg(qint64(double(stored) / seconds)).arg(seconds, 0, 'f', 1), QStringLiteral("≥ 30,000 events/s"));
        row(QStringLiteral("import, SQLite writer alone"), QStringLiteral("%1 events/s").arg(qint64(double(stored) / (double(ingestNs) / 1e9))), QStringLiteral("—"));
        row(QStringLiteral("peak RSS during import"), QStringLiteral("%1 MB").arg(peakRssKb() / 1024), QStringLiteral("≤ 200 MB"));
        const qint64 bytes = store.fileBytes();
        row(QStringLiteral("bytes on disk per event"), QStringLiteral("%1 B (%2 MB total)").arg(bytes / std::max<qint64>(1, stored)).arg(bytes / 1048576), QStringLiteral("≤ 1.5 KB"));
    }
    const qint64 total = store.totalCount();

    struct Query
    {
        QString name;
        FilterFlags flags;
    };
    bench::Corpus names(seed, start, span, 1);
    QList<Query> queries;
    auto q = [&](const QString &name, auto setup) {
        FilterFlags f;
        setup(f);
        queries.append({name, f});
    };
    q(QStringLiteral("--label prefect.resource.id=prefect.flow-run.*"), [](FilterFlags &f) { f.label = {QStringLiteral("prefect.resource.id=prefect.flow-run.*")}; });
    q(QStringLiteral("--label prefect.state-type=FAILED"), [](FilterFlags &f) { f.label = {QStringLiteral("prefect.state-type=FAILED")}; });
    q(QStringLiteral("--label prefect.resource.name=crimson-fox"), [](FilterFlags &f) { f.label = {QStringLiteral("prefect.resource.name=crimson-fox")}; });
    q(QStringLiteral("--related-role deployment --related-label prefect.resource.name=etl-orders/production"), [](FilterFlags &f) {
        f.relatedRole = {QStringLiteral("deployment")};
        f.relatedLabel = {QStringLiteral("prefect.resource.name=etl-orders/production")};
    });
    q(QStringLiteral("--any-label prefect.resource.id=prefect.tag.critical"), [](FilterFlags &f) { f.anyLabel = {QStringLiteral("prefect.resource.id=prefect.tag.critical")}; });
    q(QStringLiteral("--label prefect.state-type=!COMPLETED"), [](FilterFlags &f) { f.label = {QStringLiteral("prefect.state-type=!COMPLETED")}; });
    q(QStringLiteral("--label prefect.state-type=FAILED --since -24h"), [](FilterFlags &f) {
        f.label = {QStringLiteral("prefect.state-type=FAILED")};
        f.since = {QStringLiteral("-24h")};
    });
    q(QStringLiteral("--event prefect.flow-run.* --exclude-event prefect.flow-run.Completed"), [](FilterFlags &f) {
        f.event = {QStringLiteral("prefect.flow-run.*")};
        f.excludeEvent = {QStringLiteral("prefect.flow-run.Completed")};
    });
    q(QStringLiteral("--text \"bad row 4242\""), [](FilterFlags &f) { f.text = {QStringLiteral("\"bad row 4242\"")}; });

    out << "\nQueries over " << total << " cached events (median of 5 runs; first page = 200 rows):\n\n";
    out << "| Filter | Matches | First page | Count | Targets |\n| --- | --- | --- | --- | --- |\n";
    for (const Query &query : queries) {
        const auto filter = buildFilter(query.flags, timeutil::nowMicros(), &error);
        if (!filter) {
            out << error << "\n";
            continue;
        }
        QList<double> pageMs, countMs;
        qint64 matches = 0;
        const int runs = query.flags.text.isEmpty() ? 5 : 1;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            const auto page = store.page(*filter, 200);
            pageMs += double(t.nsecsElapsed()) / 1e6;
            t.start();
            matches = store.count(*filter).value_or(-1);
            countMs += double(t.nsecsElapsed()) / 1e6;
            if (!page)
                out << "error: " << store.lastError() << "\n";
        }
        out << "| `" << query.name << "` | " << matches << " (" << QString::number(100.0 * double(matches) / double(std::max<qint64>(1, total)), 'f', 2)
            << " %) | " << QString::number(median(pageMs), 'f', 1) << " ms | " << QString::number(median(countMs), 'f', 1)
            << " ms | ≤ 20 ms, ≤ 200 ms |\n";
        out.flush();
    }

    // Export everything, JSON array, to a file.
    QFile sink(dir.filePath(QStringLiteral("export.json")));
    sink.open(QIODevice::WriteOnly);
    QElapsedTimer t;
    t.start();
    const ExportResult r = exportEvents(store, EventFilter{}, -1, &sink, ExportFormat::Json);
    const double s = double(t.nsecsElapsed()) / 1e9;
    out << "\n| Figure | Measured | Target |\n| --- | --- | --- |\n";
    row(QStringLiteral("export, all events as one JSON array"),
        QStringLiteral("%1 events/s (%2 events, %3 MB in %4 s)").arg(qint64(double(r.written) / s)).arg(r.written).arg(sink.size() / 1048576).arg(s, 0, 'f', 1),
        QStringLiteral("≥ 200,000 events/s"));
    row(QStringLiteral("peak RSS (whole run)"), QStringLiteral("%1 MB").arg(peakRssKb() / 1024), QStringLiteral("≤ 200 MB during import"));
    return r.ok ? 0 : 1;
}
