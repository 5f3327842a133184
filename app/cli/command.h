#pragma once

#include <QString>
#include <QStringList>

class QCommandLineParser;
class QTextStream;

namespace ed {
class EventStore;
struct ConnectionSettings;
}

/// Headless subcommands. Each runs on QCoreApplication with core alone.
namespace ed::cli {

/// Exit codes shared by every command.
enum Exit : int { Ok = 0, Failure = 1, Usage = 2 };

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &arguments);
};

const QList<Command> &commands();
const Command *findCommand(const QString &name);

int runImport(const QStringList &arguments);
int runExport(const QStringList &arguments);
int runSync(const QStringList &arguments);
int runTail(const QStringList &arguments);
int runTrigger(const QStringList &arguments);

// Helpers shared by the commands.
QTextStream &out();
QTextStream &err();
void addCacheOption(QCommandLineParser &parser);
/// Parses or prints help/errors; returns -1 to continue, else the exit code to return.
int parseOrExit(QCommandLineParser &parser, const QStringList &arguments);
/// --cache, else EVENTDECK_CACHE, else the default location.
QString cachePath(const QCommandLineParser &parser);
bool openStore(EventStore &store, const QCommandLineParser &parser);
/// --api-url, --api-key, --auth-string, --demo, --demo-rate, --seed (sync and tail).
void addConnectionOptions(QCommandLineParser &parser);
/// The server from the flags, else PREFECT_API_URL/KEY/AUTH_STRING, else the active Prefect
/// profile; prints why and returns false when there is none.
bool resolveServer(const QCommandLineParser &parser, const QString &command, ConnectionSettings &out);

} // namespace ed::cli
