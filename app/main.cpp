// eventdeck: the GUI without a subcommand; headless commands on QCoreApplication otherwise.

#include "app/cli/command.h"
#include "core/eventstore.h"
#include "ui/gui.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstring>

namespace {

void printUsage(QTextStream &s)
{
    s << "Usage: eventdeck [--demo | --api-url URL | FILE] [--cache PATH]\n"
         "       eventdeck COMMAND [options]   (eventdeck COMMAND --help for details)\n\n"
         "Commands:\n";
    for (const ed::cli::Command &c : ed::cli::commands())
        s << "  " << QString::fromLatin1(c.name).leftJustified(10) << c.summary << "\n";
    s << "\nOptions:\n"
         "  --version   Print the version and exit\n"
         "  --help      Print this help and exit\n";
}

} // namespace

int main(int argc, char **argv)
{
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (first == u"--version" || first == u"-v" || first == u"--help" || first == u"-h"
        || ed::cli::findCommand(first)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("eventdeck"));
        QCoreApplication::setApplicationVersion(QStringLiteral(EVENTDECK_VERSION));
        if (first == u"--version" || first == u"-v") {
            ed::cli::out() << "eventdeck " << EVENTDECK_VERSION << "\n";
            ed::cli::out().flush();
            return 0;
        }
        if (first == u"--help" || first == u"-h") {
            printUsage(ed::cli::out());
            ed::cli::out().flush();
            return 0;
        }
        QStringList arguments = app.arguments();
        arguments.removeAt(1); // the command name; argv[0] stays for the parser
        arguments[0] = QStringLiteral("eventdeck ") + first;
        return ed::cli::findCommand(first)->run(arguments);
    }

    // The GUI: only --cache is read here; the sources issue adds --demo, --api-url and FILE.
    QString cachePath = ed::defaultCachePath();
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--cache") == 0 && i + 1 < argc)
            cachePath = QString::fromLocal8Bit(argv[++i]);
        else if (std::strncmp(argv[i], "--cache=", 8) == 0)
            cachePath = QString::fromLocal8Bit(argv[i] + 8);
    }
    return ed::ui::runGui(argc, argv, cachePath);
}
