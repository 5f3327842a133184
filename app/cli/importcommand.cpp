#include "app/cli/command.h"

#include "core/eventstore.h"
#include "core/importer.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace ed::cli {

namespace {
constexpr qsizetype kBatch = 1000;
constexpr qint64 kBulkBytes = 64 * 1024 * 1024;

// One step of reading: a prepared batch, the rejections met while reading it, and possibly
// the end of the file.
struct Chunk
{
    PreparedBatch batch;
    QList<QPair<qint64, QString>> rejects;
    QString fatal;
    bool fatalIsError = false;
};

class ImportPipeline
{
public:
    explicit ImportPipeline(QIODevice *device)
        : m_reader(device)
    {}
    ~ImportPipeline()
    {
        stop();
        if (m_thread.joinable())
            m_thread.join();
    }

    void start()
    {
        m_thread = std::thread([this] { produce(); });
    }

    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_cond.notify_all();
    }

    /// Hands a used chunk back: the reading thread frees it, off the writing thread.
    void giveBack(Chunk &&c)
    {
        std::lock_guard lock(m_mutex);
        m_used.push_back(std::move(c));
    }

    /// The next chunk, or nullopt when the file is done.
    std::optional<Chunk> take()
    {
        std::unique_lock lock(m_mutex);
        m_cond.wait(lock, [this] { return !m_queue.empty() || m_done; });
        if (m_queue.empty())
            return std::nullopt;
        Chunk c = std::move(m_queue.front());
        m_queue.pop_front();
        m_cond.notify_all();
        return c;
    }

private:
    void push(Chunk &&c)
    {
        std::unique_lock lock(m_mutex);
        m_cond.wait(lock, [this] { return m_queue.size() < 1 || m_stopped; });
        m_queue.push_back(std::move(c));
        m_cond.notify_all();
    }

    void produce()
    {
        Chunk chunk;
        QList<Event> events;
        auto ship = [&] {
            chunk.batch = EventStore::prepare(std::move(events));
            events = {};
            push(std::move(chunk));
            chunk = Chunk{};
        };
        for (bool more = true; more;) {
            std::vector<Chunk> used;
            {
                std::lock_guard lock(m_mutex);
                if (m_stopped)
                    break;
                used.swap(m_used);
            }
            used.clear();
            Event event;
            switch (m_reader.next(event)) {
            case EventReader::Result::Event:
                events.append(std::move(event));
                if (events.size() >= kBatch)
                    ship();
                break;
            case EventReader::Result::Rejected:
                chunk.rejects.append({m_reader.location(), m_reader.reason()});
                break;
            case EventReader::Result::Fatal:
                chunk.fatal = m_reader.reason();
                chunk.fatalIsError = true;
                more = false;
                break;
            case EventReader::Result::End:
                chunk.fatal = m_reader.reason();
                more = false;
                break;
            }
        }
        ship();
        std::lock_guard lock(m_mutex);
        m_done = true;
        m_cond.notify_all();
    }

    EventReader m_reader;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cond;
    std::deque<Chunk> m_queue;
    std::vector<Chunk> m_used;
    bool m_done = false;
    bool m_stopped = false;
};

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

    // A large load into an empty cache builds the secondary indexes once at the end, which is
    // much cheaper than keeping them up to date row by row. Not with data already there: the
    // GUI may be reading it.
    qint64 inputBytes = 0;
    for (const QString &name : files)
        inputBytes += name == u"-" ? 0 : QFileInfo(name).size();
    const bool bulk = store.totalCount() == 0 && inputBytes >= kBulkBytes;
    if (bulk)
        store.beginBulkLoad();

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
        // Reading, parsing and compressing run on a second thread while this one writes the
        // previous batch: the two halves cost about the same, and the machine has two cores.
        ImportPipeline pipeline(&file);
        pipeline.start();
        while (auto chunk = pipeline.take()) {
            for (const auto &[location, reason] : chunk->rejects) {
                ++totals.read;
                ++totals.rejected;
                err() << name << ':' << location << ": " << reason << "\n";
            }
            if (!chunk->fatal.isEmpty()) {
                err() << name << ": " << chunk->fatal << "\n";
                unreadable = unreadable || chunk->fatalIsError;
            }
            if (chunk->batch.events.isEmpty() || storeFailed)
                continue;
            totals.read += chunk->batch.events.size();
            const IngestStats s = store.ingest(chunk->batch, source);
            if (s.stored + s.duplicates != chunk->batch.events.size()) {
                err() << name << ": the cache refused a batch: " << store.lastError() << "\n";
                storeFailed = true;
                pipeline.stop();
                continue;
            }
            totals.stored += s.stored;
            totals.duplicates += s.duplicates;
            pipeline.giveBack(std::move(*chunk));
        }
    }
    if (bulk)
        store.endBulkLoad();
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
