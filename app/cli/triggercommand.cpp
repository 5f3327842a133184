#include "app/cli/command.h"
#include "app/cli/filteroptions.h"

#include "core/eventstore.h"
#include "core/timeutil.h"
#include "core/trigger.h"
#include "core/triggerreplay.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

namespace ed::cli {

namespace {

/// Reads TRIGGER.json (or standard input for `-`); prints why not and returns nullopt.
std::optional<Trigger> readTrigger(const QString &command, const QString &path)
{
    QFile file(path);
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly) : file.open(QIODevice::ReadOnly);
    if (!opened) {
        err() << "eventdeck trigger " << command << ": " << (path == u"-" ? QStringLiteral("cannot read standard input") : path + QStringLiteral(": ") + file.errorString()) << "\n";
        err().flush();
        return std::nullopt;
    }
    const QByteArray text = file.readAll();
    QString error;
    auto trigger = parseTrigger(text, &error);
    if (!trigger) {
        err() << "eventdeck trigger " << command << ": " << path << ": " << error << "\n";
        err().flush();
    }
    return trigger;
}

int validate(const QString &path)
{
    const auto trigger = readTrigger(QStringLiteral("validate"), path);
    if (!trigger)
        return Failure;
    out() << "valid: " << summarize(*trigger) << "\n";
    out().flush();
    return Ok;
}

int test(const QCommandLineParser &parser, const QString &path)
{
    const auto request = filterFromOptions(parser);
    if (!request)
        return Usage;
    std::optional<qint64> asOf;
    if (parser.isSet(QStringLiteral("as-of"))) {
        qint64 micros = 0;
        QString why;
        if (!timeutil::parseRelativeOrAbsolute(parser.value(QStringLiteral("as-of")), timeutil::nowMicros(), micros, &why)) {
            err() << "eventdeck trigger test: --as-of: " << why << "\n";
            err().flush();
            return Usage;
        }
        asOf = micros;
    }
    const auto trigger = readTrigger(QStringLiteral("test"), path);
    if (!trigger)
        return Failure;
    EventStore store;
    if (!openStore(store, parser))
        return Failure;
    store.setScope(parser.value(QStringLiteral("source")));
    store.setMemoryMapped(qint64(1) << 30);
    QString error;
    const auto replay = replayTrigger(store, *trigger, request->filter, asOf, &error);
    if (!replay) {
        err() << "eventdeck trigger test: " << error << "\n";
        err().flush();
        return Failure;
    }
    for (const TriggerFiring &firing : replay->firings)
        out() << firingJson(firing) << "\n";
    out().flush();
    for (const QString &notice : replay->notices)
        err() << "eventdeck trigger test: note: " << notice << "\n";
    err() << "eventdeck trigger test: " << replay->firings.size() << " firing(s); replayed "
          << replay->eventsReplayed << " of " << replay->eventsRead << " events, as of "
          << timeutil::formatString(replay->horizon) << "\n";
    err().flush();
    return Ok;
}

} // namespace

int runTrigger(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Works with Prefect automation triggers.\n\n"
        "  validate TRIGGER.json   checks a trigger, or a whole automation body as Prefect's API\n"
        "                          takes it, as the server does; prints a one-sentence summary\n"
        "                          (exit 0) or the first error with its field path (exit 1).\n"
        "                          `-` reads standard input.\n"
        "  test TRIGGER.json       replays the cached events the filters select, in the order the\n"
        "                          server received them, through Prefect's trigger evaluation;\n"
        "                          prints one JSON line per firing, in firing order:\n"
        "                          {\"occurred\": …, \"bucket\": {label: value, …}, \"events\": [ids…]}\n"
        "                          (the triggering event last)."));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("validate or test"));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("TRIGGER.json"));
    addCacheOption(parser);
    addFilterOptions(parser);
    parser.addOption({QStringLiteral("source"), QStringLiteral("test: only events cached from this source (demo, file:NAME, or an API URL)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("as-of"), QStringLiteral("test: the time the replay runs to; proactive windows still open then do not fire (default: the newest cached event). ISO-8601 or relative (-1h)."),
                      QStringLiteral("TIME")});
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QStringList args = parser.positionalArguments();
    if (args.size() == 2 && args[0] == u"validate")
        return validate(args[1]);
    if (args.size() == 2 && args[0] == u"test")
        return test(parser, args[1]);
    err() << "usage: eventdeck trigger validate TRIGGER.json\n"
             "       eventdeck trigger test TRIGGER.json [--cache PATH] [filters] [--as-of TIME]\n";
    err().flush();
    return Usage;
}

} // namespace ed::cli
