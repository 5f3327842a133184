// prefect-test-server: the tests' Prefect-compatible server on 127.0.0.1, for trying the CLI and
// the app from a shell. Serves simulated workspace events (history and live) and/or a file.
//
//   prefect-test-server [--port N] [--auth-string USER:PASS] [--history -2h] [--rate 5]
//                       [--live] [--seed S] [--events FILE]

#include "tests/testserver/prefecttestserver.h"

#include "core/demosource.h"
#include "core/importer.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

using namespace ed;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("prefect-test-server"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A Prefect-compatible events server on 127.0.0.1 for trying Eventdeck."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("Port (default: any free one)."), QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("auth-string"), QStringLiteral("Require basic auth USER:PASS."), QStringLiteral("USER:PASS")},
        {QStringLiteral("history"), QStringLiteral("Simulated history to serve, e.g. -2h (default none)."), QStringLiteral("AGE")},
        {QStringLiteral("rate"), QStringLiteral("Simulated events per second (default 5)."), QStringLiteral("N"), QStringLiteral("5")},
        {QStringLiteral("live"), QStringLiteral("Keep publishing simulated events as they happen.")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the simulation (default 1)."), QStringLiteral("S"), QStringLiteral("1")},
        {QStringLiteral("events"), QStringLiteral("Serve the events of a JSON or NDJSON file."), QStringLiteral("FILE")},
    });
    parser.process(app);
    QTextStream out(stdout);
    QTextStream err(stderr);

    testing::PrefectTestServer server;
    server.authString = parser.value(QStringLiteral("auth-string"));
    if (!server.listen(quint16(parser.value(QStringLiteral("port")).toUInt()))) {
        err << "prefect-test-server: cannot listen on 127.0.0.1:" << parser.value(QStringLiteral("port")) << "\n";
        return 1;
    }

    if (parser.isSet(QStringLiteral("events"))) {
        QFile file(parser.value(QStringLiteral("events")));
        if (!file.open(QIODevice::ReadOnly)) {
            err << "prefect-test-server: " << file.fileName() << ": " << file.errorString() << "\n";
            return 1;
        }
        EventReader reader(&file);
        Event e;
        for (;;) {
            const EventReader::Result r = reader.next(e);
            if (r == EventReader::Result::Event)
                server.publish(e);
            else if (r == EventReader::Result::Rejected)
                err << "prefect-test-server: skipped record " << reader.location() << ": " << reader.reason() << "\n";
            else if (r == EventReader::Result::Fatal) {
                err << "prefect-test-server: " << file.fileName() << ": " << reader.reason() << "\n";
                return 1;
            } else
                break;
        }
    }

    DemoSource::Options demo;
    demo.seed = parser.value(QStringLiteral("seed")).toULongLong();
    demo.rate = parser.value(QStringLiteral("rate")).toDouble();
    if (parser.isSet(QStringLiteral("history"))) {
        qint64 since = 0;
        QString error;
        const qint64 now = timeutil::nowMicros();
        if (!timeutil::parseRelativeOrAbsolute(parser.value(QStringLiteral("history")), now, since, &error)) {
            err << "prefect-test-server: --history: " << error << "\n";
            return 2;
        }
        demo.historyMicros = now - since;
    }
    DemoSource simulation(demo);
    QObject::connect(&simulation, &DemoSource::eventsReceived, &server, [&](const QList<Event> &events) {
        for (const Event &e : events)
            server.publish(e);
    });
    if (parser.isSet(QStringLiteral("live")) || demo.historyMicros > 0)
        simulation.start();
    if (!parser.isSet(QStringLiteral("live")))
        QObject::connect(&simulation, &DemoSource::eventsReceived, &simulation, &DemoSource::stop, Qt::QueuedConnection);

    out << "prefect-test-server: listening on " << server.apiUrl() << "\n";
    out.flush();
    return app.exec();
}
