#include "app/cli/command.h"

#include "core/eventstore.h"
#include "core/importer.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace ed::cli {

namespace {
constexpr qsizetype kBatch = 2000;

struct Totals
{
    qint64 read = 0;
    qint64 stored = 0;
    qint64 duplicates = 0;
    qint64 rejected = 0;
};
} // namespace

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads events into the cache. A FILE holds a JSON array, NDJSON, a single event object, or "
        "saved /events/filter responses; - reads standard input. Each rejected record is reported "
        "as FILE:LINE: reason (LINE is the index for arrays).\n"
        "Exit status: 0 when every file could be read, 1 when a file could not be read or parsed "
        "at all, 2 with --strict when any record was rejected."));
    addCacheOption(parser);
    parser.addOption({QStringLiteral("strict"), QStringLiteral("Exit with 2 if any record is rejected.")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files to import, or - for stdin."),
                                 QStringLiteral("FILE…"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        err() << "eventdeck import: no FILE given (use - for standard input)\n";
        err().flush();
        return Usage;
    }
    EventStore store;
    if (!openStore(store, parser))
        return Failure;

    Totals totals;
    bool unreadable = false;
    bool storeFailed = false;
    for (const QString &name : files) {
        QFile file;
        QString source;
        if (name == u"-") {
            if (!file.open(stdin, QIODevice::ReadOnly)) {
                err() << name << ": cannot read standard input\n";
                unreadable = true;
                continue;
            }
            source = QStringLiteral("file:-");
        } else {
            file.setFileName(name);
            if (!file.open(QIODevice::ReadOnly)) {
                err() << name << ": " << file.errorString() << "\n";
                unreadable = true;
                continue;
            }
            source = QStringLiteral("file:") + QFileInfo(name).absoluteFilePath();
        }
        EventReader reader(&file);
        QList<Event> batch;
        batch.reserve(kBatch);
        auto flush = [&] {
            if (batch.isEmpty())
                return true;
            const IngestStats s = store.ingest(batch, source);
            if (s.stored + s.duplicates != batch.size()) {
                err() << name << ": the cache refused a batch: " << store.lastError() << "\n";
                storeFailed = true;
                batch.clear();
                return false;
            }
            totals.stored += s.stored;
            totals.duplicates += s.duplicates;
            batch.clear();
            return true;
        };
        bool stop = false;
        while (!stop) {
            Event event;
            switch (reader.next(event)) {
            case EventReader::Result::Event:
                ++totals.read;
                batch.append(std::move(event));
                if (batch.size() >= kBatch && !flush())
                    stop = true;
                break;
            case EventReader::Result::Rejected:
                ++totals.read;
                ++totals.rejected;
                err() << name << ':' << reader.location() << ": " << reader.reason() << "\n";
                break;
            case EventReader::Result::Fatal:
                err() << name << ": " << reader.reason() << "\n";
                unreadable = true;
                stop = true;
                break;
            case EventReader::Result::End:
                if (!reader.reason().isEmpty())
                    err() << name << ": " << reader.reason() << "\n";
                stop = true;
                break;
            }
        }
        flush();
    }
    if (totals.stored > 0)
        store.applyRetention(RetentionPolicy{}, timeutil::nowMicros());
    err() << "read " << totals.read << ", stored " << totals.stored << ", duplicates "
          << totals.duplicates << ", rejected " << totals.rejected << "\n";
    err().flush();
    if (unreadable || storeFailed)
        return Failure;
    if (parser.isSet(QStringLiteral("strict")) && totals.rejected > 0)
        return Usage;
    return Ok;
}

} // namespace ed::cli
