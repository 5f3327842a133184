#include "app/cli/command.h"

#include "core/eventstore.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <cstdio>

namespace ed::cli {

const QList<Command> &commands()
{
    static const QList<Command> list = {
        {"import", "Read events from files (JSON array, NDJSON, saved /events/filter pages) into the cache", runImport},
        {"export", "Write cached events matching a filter as JSON or NDJSON", runExport},
        {"sync", "Pull events from a Prefect server over REST (or simulated history) into the cache", runSync},
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

} // namespace ed::cli
