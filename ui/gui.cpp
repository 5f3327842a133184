#include "ui/gui.h"

#include "core/eventstore.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QIcon>

#include <memory>

using namespace Qt::StringLiterals;

// Q_INIT_RESOURCE declares a function, so it must not expand inside a namespace.
static void initResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace ed::ui {

int runGui(int &argc, char **argv, const QString &cachePath)
{
    initResources();

    QApplication app(argc, argv);
    QApplication::setOrganizationDomain(u"eventdeck.dev"_s);
    QApplication::setApplicationName(u"eventdeck"_s);
    QApplication::setApplicationDisplayName(u"Eventdeck"_s);
    QApplication::setApplicationVersion(QStringLiteral(EVENTDECK_VERSION));
    // Wayland compositors and docks match the window to the installed .desktop file by this id.
    QGuiApplication::setDesktopFileName(u"dev.eventdeck.Eventdeck"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/eventdeck.svg"_s));

    auto store = std::make_unique<EventStore>();
    QString error;
    if (!store->open(cachePath, &error)) {
        if (error.isEmpty())
            error = store->lastError();
        store.reset();
    }

    // eventdeck [--demo | --api-url URL | FILE] [--api-key K] [--auth-string U:P]
    //           [--demo-rate N] [--seed S] [--cache PATH]
    LaunchOptions launch;
    const QStringList args = QApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&]() -> QString { return i + 1 < args.size() ? args[++i] : QString(); };
        if (a == u"--demo") {
            launch.kind = LaunchOptions::Kind::Demo;
        } else if (a == u"--api-url") {
            launch.kind = LaunchOptions::Kind::Server;
            launch.apiUrl = value();
        } else if (a == u"--api-key") {
            launch.apiKey = value();
        } else if (a == u"--auth-string") {
            launch.authString = value();
        } else if (a == u"--demo-rate") {
            launch.demoRate = std::max(0.1, value().toDouble());
        } else if (a == u"--seed") {
            launch.seed = value().toULongLong();
        } else if (a == u"--cache") {
            value();
        } else if (a.startsWith(u"--cache=")) {
        } else if (!a.startsWith(u'-')) {
            launch.kind = LaunchOptions::Kind::File;
            launch.file = a;
        }
    }
    MainWindow window(cachePath, std::move(store), error);
    window.show();
    if (window.feedModel())
        window.connectTo(launch);
    return QApplication::exec();
}

} // namespace ed::ui
