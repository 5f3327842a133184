#include "app/cli/command.h"

#include "core/trigger.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

namespace ed::cli {

namespace {

int validate(const QString &path)
{
    QFile file(path);
    if (path != u"-" && !file.open(QIODevice::ReadOnly)) {
        err() << "eventdeck trigger validate: " << path << ": " << file.errorString() << "\n";
        err().flush();
        return Failure;
    }
    if (path == u"-" && !file.open(stdin, QIODevice::ReadOnly)) {
        err() << "eventdeck trigger validate: cannot read standard input\n";
        err().flush();
        return Failure;
    }
    const QByteArray text = file.readAll();
    QString error;
    const auto trigger = parseTrigger(text, &error);
    if (!trigger) {
        err() << "eventdeck trigger validate: " << path << ": " << error << "\n";
        err().flush();
        return Failure;
    }
    out() << "valid: " << summarize(*trigger) << "\n";
    out().flush();
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
        "                          `-` reads standard input."));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("validate"));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("TRIGGER.json"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QStringList args = parser.positionalArguments();
    if (args.size() == 2 && args[0] == u"validate")
        return validate(args[1]);
    err() << "usage: eventdeck trigger validate TRIGGER.json\n";
    err().flush();
    return Usage;
}

} // namespace ed::cli
