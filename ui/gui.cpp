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

    MainWindow window(cachePath, std::move(store), error);
    window.show();
    return QApplication::exec();
}

} // namespace ed::ui
