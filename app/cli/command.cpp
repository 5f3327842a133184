#include "app/cli/command.h"

#include "core/eventstore.h"
#include "core/prefectsettings.h"

#include <QCommandLineParser>
#include <QProcessEnvironment>
#include <QTextStream>

#include <cstdio>

namespace ed::cli {

const QList<Command> &commands()
{
    static const QList<Command> list = {
        {"import", "Read events from files (JSON array, NDJSON, saved /events/filter pages) into the cache", runImport},
        {"export", "Write cached events matching a filter as JSON or NDJSON", runExport},
        {"sync", "Pull events from a Prefect server over REST (or simulated history) into the cache", runSync},
        {"tail", "Stream events as they happen (websocket, or the demo workspace) to stdout", runTail},
        {"trigger", "Check Prefect automation triggers (validate)", runTrigger},
    };
    return list;
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : commands()) {
        if (name == QLatin1StringView(c.name))
            return &c;
    }
    return nullptr;
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

void addCacheOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("cache"),
                      QStringLiteral("The cache file (default: $EVENTDECK_CACHE, else "
                                     "$XDG_DATA_HOME/eventdeck/cache.sqlite)."),
                      QStringLiteral("PATH")});
}

int parseOrExit(QCommandLineParser &parser, const QStringList &arguments)
{
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(arguments)) {
        err() << "eventdeck: " << parser.errorText() << "\n"
              << "Try '" << arguments.value(0) << " --help'.\n";
        err().flush();
        return Usage;
    }
    if (parser.isSet(help)) {
        out() << parser.helpText();
        out().flush();
        return Ok;
    }
    return -1;
}

QString cachePath(const QCommandLineParser &parser)
{
    const QString given = parser.value(QStringLiteral("cache"));
    return given.isEmpty() ? defaultCachePath() : given;
}

bool openStore(EventStore &store, const QCommandLineParser &parser)
{
    QString error;
    if (!store.open(cachePath(parser), &error)) {
        err() << "eventdeck: " << error << "\n";
        err().flush();
        return false;
    }
    return true;
}

void addConnectionOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("api-url"), QStringLiteral("The server's API URL, e.g. http://127.0.0.1:4200/api (else PREFECT_API_URL or the active Prefect profile)."), QStringLiteral("URL")},
        {QStringLiteral("api-key"), QStringLiteral("Prefect Cloud API key (else PREFECT_API_KEY or the profile)."), QStringLiteral("KEY")},
        {QStringLiteral("auth-string"), QStringLiteral("Basic auth user:pass (else PREFECT_API_AUTH_STRING or the profile)."), QStringLiteral("USER:PASS")},
        {QStringLiteral("demo"), QStringLiteral("The simulated demo workspace instead of a server.")},
        {QStringLiteral("demo-rate"), QStringLiteral("Simulated events per second (default 5)."), QStringLiteral("N"), QStringLiteral("5")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the simulation (default 1)."), QStringLiteral("S"), QStringLiteral("1")},
    });
}

bool resolveServer(const QCommandLineParser &parser, const QString &command, ConnectionSettings &out)
{
    QHash<QString, QString> env;
    const QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &key : e.keys())
        env.insert(key, e.value(key));
    QString warning;
    out = resolveConnection(parser.value(QStringLiteral("api-url")), parser.value(QStringLiteral("api-key")),
                            parser.value(QStringLiteral("auth-string")), env, &warning);
    if (!warning.isEmpty())
        err() << "eventdeck " << command << ": " << warning << "\n";
    if (out.apiUrl.isEmpty()) {
        err() << "eventdeck " << command << ": no server: give --api-url, set PREFECT_API_URL, or activate a "
                 "Prefect profile that sets it (or use --demo)\n";
        err().flush();
        return false;
    }
    err().flush();
    return true;
}

} // namespace ed::cli
