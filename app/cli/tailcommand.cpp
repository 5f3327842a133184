#include "app/cli/command.h"
#include "app/cli/filteroptions.h"

#include "core/demosource.h"
#include "core/eventstore.h"
#include "core/prefectsettings.h"
#include "core/timeutil.h"
#include "core/websocketsource.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace ed::cli {

namespace {

// SIGINT and SIGTERM end the stream cleanly: the handler only writes a byte that the event
// loop reads (the self-pipe pattern), so no Qt code runs inside a signal handler.
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
}

class SignalWatch
{
public:
    explicit SignalWatch(std::function<void()> handler)
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [handler] {
            char byte;
            [[maybe_unused]] const auto read = ::read(g_signalPipe[1], &byte, 1);
            handler();
        });
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        // A closed pipe downstream (`| head`) is a write error we handle, not a kill.
        std::signal(SIGPIPE, SIG_IGN);
    }
    ~SignalWatch()
    {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        m_notifier.reset();
        for (int &fd : g_signalPipe) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }
    SignalWatch(const SignalWatch &) = delete;
    SignalWatch &operator=(const SignalWatch &) = delete;

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

QByteArray textLine(const Event &e)
{
    return timeutil::format(e.occurred) + ' ' + e.event.toUtf8() + ' ' + e.resource.id().toUtf8() + '\n';
}

} // namespace

int runTail(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Streams events as they happen, over the server's websocket (/events/out), to stdout: "
        "one event per line, as JSON in export's format or as text (OCCURRED EVENT RESOURCE-ID). "
        "--since starts the stream in the past (beyond the server's 15-minute backfill the gap "
        "is read over REST first); --until ends the filter. With --cache, what is printed is "
        "also stored. Ctrl-C or SIGTERM ends it (exit 0)."));
    addCacheOption(parser);
    addFilterOptions(parser);
    addConnectionOptions(parser);
    parser.addOption({QStringLiteral("format"), QStringLiteral("json (default) or text."), QStringLiteral("FORMAT"), QStringLiteral("json")});
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"json" && format != u"text") {
        err() << "eventdeck tail: --format must be json or text, not '" << format << "'\n";
        err().flush();
        return Usage;
    }
    auto request = filterFromOptions(parser);
    if (!request)
        return Usage;
    if (printFilterIfAsked(parser, *request))
        return Ok;
    const bool text = format == u"text";

    std::optional<EventStore> store;
    if (parser.isSet(QStringLiteral("cache"))) {
        store.emplace();
        if (!openStore(*store, parser))
            return Failure;
    }

    QEventLoop loop;
    int exitCode = Ok;
    qint64 printed = 0;
    const qint64 limit = request->limit;
    QString sourceName;
    std::unique_ptr<EventSource> source;

    auto finish = [&](int code) {
        exitCode = code;
        if (source)
            source->stop();
        loop.quit();
    };
    auto deliver = [&](const QList<Event> &events) {
        QByteArray chunk;
        QList<Event> kept;
        for (const Event &e : events) {
            if (limit >= 0 && printed >= limit)
                break;
            if (!request->filter.matches(e)) // the demo source does not filter
                continue;
            chunk += text ? textLine(e) : serializeEvent(e) + '\n';
            kept.append(e);
            ++printed;
        }
        if (!chunk.isEmpty()) {
            if (std::fwrite(chunk.constData(), 1, size_t(chunk.size()), stdout) != size_t(chunk.size())
                || std::fflush(stdout) != 0) {
                finish(Ok); // the reader went away (`| head`): a normal end for a stream
                return;
            }
        }
        if (store && !kept.isEmpty()) {
            const IngestStats s = store->ingest(kept, sourceName);
            if (s.stored + s.duplicates != kept.size()) {
                err() << "eventdeck tail: the cache refused a batch: " << store->lastError() << "\n";
                err().flush();
                finish(Failure);
                return;
            }
        }
        if (limit >= 0 && printed >= limit)
            finish(Ok);
    };

    const qint64 now = timeutil::nowMicros();
    const auto &occurred = request->filter.occurred;
    if (parser.isSet(QStringLiteral("demo"))) {
        bool ok = false;
        DemoSource::Options options;
        options.rate = parser.value(QStringLiteral("demo-rate")).toDouble(&ok);
        if (!ok || options.rate <= 0) {
            err() << "eventdeck tail: --demo-rate expects a positive number\n";
            err().flush();
            return Usage;
        }
        options.seed = parser.value(QStringLiteral("seed")).toULongLong();
        if (occurred && occurred->since)
            options.historyMicros = std::max<qint64>(0, now - *occurred->since);
        sourceName = QStringLiteral("demo");
        source = std::make_unique<DemoSource>(options);
    } else {
        ConnectionSettings connection;
        if (!resolveServer(parser, QStringLiteral("tail"), connection))
            return Usage;
        WebSocketSource::Options options;
        options.apiUrl = connection.apiUrl;
        options.apiKey = connection.apiKey;
        options.authString = connection.authString;
        options.filter = request->filter;
        options.cloud = connection.isCloud();
        sourceName = connection.apiUrl;
        source = std::make_unique<WebSocketSource>(options);
    }

    QObject::connect(source.get(), &EventSource::eventsReceived, &loop, deliver);
    QObject::connect(source.get(), &EventSource::eventRejected, &loop, [&](const QString &reason) {
        err() << "eventdeck tail: skipped an invalid event: " << reason << "\n";
        err().flush();
    });
    QObject::connect(source.get(), &EventSource::stateChanged, &loop, [&](EventSource::State state, const QString &detail) {
        if (state == EventSource::State::Idle || state == EventSource::State::Error)
            return;
        err() << "eventdeck tail: " << EventSource::describe(state, detail) << "\n";
        err().flush();
    });
    QObject::connect(source.get(), &EventSource::failed, &loop, [&](const QString &error) {
        err() << "eventdeck tail: " << error << "\n";
        err().flush();
        finish(Failure);
    });
    SignalWatch stopOnSignal([&] { finish(Ok); });
    QMetaObject::invokeMethod(source.get(), [&] { source->start(); }, Qt::QueuedConnection);
    loop.exec();
    source.reset();
    if (store && printed > 0)
        store->applyRetention(RetentionPolicy{}, timeutil::nowMicros());
    return exitCode;
}

} // namespace ed::cli
