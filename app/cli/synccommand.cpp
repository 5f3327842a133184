#include "app/cli/command.h"
#include "app/cli/filteroptions.h"

#include "core/demo/corpus.h"
#include "core/eventstore.h"
#include "core/pollingsource.h"
#include "core/prefectsettings.h"
#include "core/serverfilter.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QTextStream>

namespace ed::cli {

namespace {

struct Counts
{
    qint64 fetched = 0;
    qint64 stored = 0;
    qint64 duplicates = 0;
    qint64 pages = 0;
};

void printCounts(const Counts &c)
{
    err() << "fetched " << c.fetched << ", stored " << c.stored << ", duplicates " << c.duplicates
          << ", pages " << c.pages << "\n";
    err().flush();
}

// Simulated history: the demo workspace over [since, now] at `rate` events per second.
int syncDemo(EventStore &store, const FilterRequest &request, qint64 since, double rate, quint64 seed)
{
    const qint64 now = timeutil::nowMicros();
    demo::CorpusOptions options;
    options.seed = seed;
    options.endMicros = now;
    options.spanMicros = std::max<qint64>(1000000, now - since);
    options.events = std::max<qint64>(1, qint64(double(options.spanMicros) / 1e6 * rate));
    demo::Corpus corpus(options);
    Counts counts;
    for (;;) {
        QList<Event> batch = corpus.next(2000);
        if (batch.isEmpty())
            break;
        counts.fetched += batch.size();
        QList<Event> kept;
        for (Event &e : batch) {
            if (request.filter.matches(e))
                kept.append(std::move(e));
        }
        const IngestStats s = store.ingest(kept, QStringLiteral("demo"));
        if (s.stored + s.duplicates != kept.size()) {
            err() << "eventdeck sync: the cache refused a batch: " << store.lastError() << "\n";
            printCounts(counts);
            return Failure;
        }
        counts.stored += s.stored;
        counts.duplicates += s.duplicates;
    }
    printCounts(counts);
    return Ok;
}

} // namespace

int runSync(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Pulls events over REST into the cache once, from where the last sync of the same server "
        "and filter stopped (minus 60 s of overlap), or over --since the first time (default "
        "-24h). Without --api-url, PREFECT_API_URL or the active Prefect profile names the server. "
        "--demo fills the cache with simulated history instead."));
    addCacheOption(parser);
    addFilterOptions(parser);
    addConnectionOptions(parser);
    parser.addOption({QStringLiteral("all-history"),
                      QStringLiteral("On a first sync, read everything the server keeps instead of --since's span.")});
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    auto request = filterFromOptions(parser);
    if (!request)
        return Usage;
    if (printFilterIfAsked(parser, *request))
        return Ok;
    const qint64 now = timeutil::nowMicros();
    const qint64 since = request->filter.occurred && request->filter.occurred->since
                             ? *request->filter.occurred->since
                             : now - qint64(24) * 3600 * 1000000;

    EventStore store;
    if (!openStore(store, parser))
        return Failure;

    if (parser.isSet(QStringLiteral("demo"))) {
        bool ok = false;
        const double rate = parser.value(QStringLiteral("demo-rate")).toDouble(&ok);
        if (!ok || rate <= 0) {
            err() << "eventdeck sync: --demo-rate expects a positive number\n";
            return Usage;
        }
        return syncDemo(store, *request, since, rate, parser.value(QStringLiteral("seed")).toULongLong());
    }

    ConnectionSettings connection;
    if (!resolveServer(parser, QStringLiteral("sync"), connection))
        return Usage;

    PollingSource::Options options;
    options.apiUrl = connection.apiUrl;
    options.apiKey = connection.apiKey;
    options.authString = connection.authString;
    options.filter = request->filter;
    // The first pass covers --since (default 24 h) or, asked for, all the server keeps.
    options.historyMicros = parser.isSet(QStringLiteral("all-history")) ? 0 : now - since;
    options.cloud = connection.isCloud();
    PollingSource source(options);
    // The watermark belongs to the server and to what is asked of it.
    EventFilter key = serverFilter(request->filter);
    key.occurred.reset();
    const QString watermarkKey = QStringLiteral("watermark ") + connection.apiUrl + u' '
                                 + QString::fromUtf8(key.toJson());
    bool hasWatermark = false;
    const qint64 watermark = store.meta(watermarkKey).toLongLong(&hasWatermark);
    if (hasWatermark)
        source.setWatermark(watermark);

    Counts counts;
    int exitCode = Ok;
    QEventLoop loop;
    QObject::connect(&source, &PollingSource::eventsReceived, &loop, [&](const QList<Event> &events) {
        const IngestStats s = store.ingest(events, connection.apiUrl);
        if (s.stored + s.duplicates != events.size()) {
            err() << "eventdeck sync: the cache refused a batch: " << store.lastError() << "\n";
            exitCode = Failure;
            source.stop();
            loop.quit();
            return;
        }
        counts.stored += s.stored;
        counts.duplicates += s.duplicates;
    });
    QObject::connect(&source, &PollingSource::eventRejected, &loop, [&](const QString &reason) {
        err() << connection.apiUrl << ": rejected an event: " << reason << "\n";
    });
    QObject::connect(&source, &PollingSource::stateChanged, &loop,
                     [&](PollingSource::State state, const QString &detail) {
                         if (state == PollingSource::State::BackingOff)
                             err() << "eventdeck sync: " << detail << "; retrying\n";
                         err().flush();
                     });
    QObject::connect(&source, &PollingSource::failed, &loop, [&](const QString &error) {
        err() << "eventdeck sync: " << error << "\n";
        exitCode = Failure;
        loop.quit();
    });
    QObject::connect(&source, &PollingSource::passFinished, &loop,
                     [&](const PollingSource::PassStats &stats) {
                         counts.fetched = stats.fetched;
                         counts.pages = stats.pages;
                         if (source.watermark())
                             store.setMeta(watermarkKey, QString::number(*source.watermark()));
                         loop.quit();
                     });
    source.runOnce();
    loop.exec();
    if (counts.stored > 0)
        store.applyRetention(RetentionPolicy{}, timeutil::nowMicros());
    printCounts(counts);
    return exitCode;
}

} // namespace ed::cli
