#include "app/cli/command.h"
#include "app/cli/filteroptions.h"

#include "core/eventstore.h"
#include "core/exporter.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

namespace ed::cli {

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes cached events matching the filter, in the filter's order (default occurred DESC, "
        "id breaking ties), each in Prefect's JSON shape."));
    addCacheOption(parser);
    addFilterOptions(parser);
    parser.addOption({QStringLiteral("format"), QStringLiteral("json (one array, default) or ndjson."),
                      QStringLiteral("FORMAT"), QStringLiteral("json")});
    parser.addOption({QStringLiteral("source"), QStringLiteral("Only events cached from this source: demo, file:NAME, or a server's API URL (as the app's feed shows one source)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file, or - for stdout (default)."),
                      QStringLiteral("FILE"), QStringLiteral("-")});
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty()) {
        err() << "eventdeck export: unexpected argument " << parser.positionalArguments().first() << "\n";
        err().flush();
        return Usage;
    }
    const auto request = filterFromOptions(parser);
    if (!request)
        return Usage;
    if (printFilterIfAsked(parser, *request))
        return Ok;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"json" && format != u"ndjson") {
        err() << "eventdeck export: --format must be json or ndjson\n";
        err().flush();
        return Usage;
    }
    EventStore store;
    if (!openStore(store, parser))
        return Failure;
    store.setScope(parser.value(QStringLiteral("source")));
    store.setMemoryMapped(qint64(1) << 30);

    const QString outName = parser.value(QStringLiteral("out"));
    const ExportFormat fmt = format == u"json" ? ExportFormat::Json : ExportFormat::Ndjson;
    ExportResult result;
    if (outName == u"-") {
        QFile stdoutFile;
        stdoutFile.open(stdout, QIODevice::WriteOnly);
        result = exportEvents(store, request->filter, request->limit, &stdoutFile, fmt);
        stdoutFile.flush();
    } else {
        // Written beside the target and renamed at the end: a failed export leaves no half file.
        QSaveFile file(outName);
        if (!file.open(QIODevice::WriteOnly)) {
            err() << "eventdeck export: " << outName << ": " << file.errorString() << "\n";
            err().flush();
            return Failure;
        }
        result = exportEvents(store, request->filter, request->limit, &file, fmt);
        if (result.ok && !file.commit()) {
            result.ok = false;
            result.error = file.errorString();
        }
    }
    if (!result.ok) {
        err() << "eventdeck export: " << result.error << "\n";
        err().flush();
        return Failure;
    }
    return Ok;
}

} // namespace ed::cli
