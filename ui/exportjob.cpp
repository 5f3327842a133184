#include "ui/exportjob.h"

#include "core/eventstore.h"

#include <QSaveFile>
#include <QSet>
#include <QThread>

namespace ed::ui {

namespace {
constexpr qsizetype kFetchChunk = 512;
}

ExportJob::ExportJob(const QString &cachePath, const EventFilter &filter,
                     const QList<qint64> &selectedSeqs, QObject *parent)
    : QObject(parent)
    , m_cachePath(cachePath)
    , m_filter(filter)
    , m_selected(selectedSeqs)
{ }

ExportJob::~ExportJob()
{
    if (m_thread) {
        cancel();
        m_thread->wait();
        delete m_thread;
    }
}

bool ExportJob::start(const QString &path, ExportFormat format, ExportScope scope)
{
    if (m_thread)
        return false;
    m_cancel = false;
    m_outcome = {};
    m_thread = QThread::create([this, path, format, scope] {
        m_outcome = run(path, format, scope);
    });
    m_thread->setObjectName(QStringLiteral("export"));
    connect(m_thread, &QThread::finished, this, &ExportJob::onThreadFinished);
    m_thread->start();
    return true;
}

void ExportJob::cancel()
{
    m_cancel = true;
}

void ExportJob::onThreadFinished()
{
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_written = m_outcome.written;
    m_cancelled = m_outcome.cancelled;
    emit finished(m_outcome.ok, m_outcome.error);
}

// Runs on the worker thread: everything it touches is its own or const, except m_cancel.
ExportJob::Outcome ExportJob::run(const QString &path, ExportFormat format, ExportScope scope)
{
    Outcome out;
    auto cancelled = [&] {
        out.cancelled = m_cancel.load();
        if (out.cancelled)
            out.error = tr("Export cancelled");
        return out.cancelled;
    };
    EventStore store;
    QString error;
    if (!store.open(m_cachePath, &error)) {
        out.error = tr("Cannot open the cache: %1").arg(error.isEmpty() ? store.lastError() : error);
        return out;
    }
    store.setScope(m_sourceScope);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        out.error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return out;
    }

    if (scope == ExportScope::Matching) {
        store.setMemoryMapped(qint64(1) << 30); // as `eventdeck export` reads
        const std::optional<qint64> total = store.count(m_filter);
        if (!total) {
            out.error = store.lastError();
            return out;
        }
        emit progress(0, *total);
        // The CLI's own function, so that the bytes are those of `eventdeck export`.
        const ExportResult r = exportEvents(store, m_filter, -1, &file, format, [&](qint64 n) {
            emit progress(n, *total);
            return !m_cancel.load();
        });
        out.written = r.written;
        if (cancelled())
            return out;
        if (!r.ok) {
            out.error = r.error;
            return out;
        }
    } else {
        QList<qint64> seqs;
        QSet<qint64> seen;
        for (const qint64 seq : m_selected) {
            if (!seen.contains(seq)) {
                seen.insert(seq);
                seqs.append(seq);
            }
        }
        const qint64 total = seqs.size();
        emit progress(0, total);
        JsonWriter writer(&file, format);
        bool ok = writer.begin();
        for (qsizetype at = 0; ok && at < seqs.size(); at += kFetchChunk) {
            if (cancelled())
                return out;
            const auto events = store.fetch(seqs.mid(at, kFetchChunk));
            if (!events) {
                out.error = store.lastError();
                return out;
            }
            for (const StoredEvent &e : *events) {
                if (!(ok = writer.write(e.json)))
                    break;
            }
            emit progress(std::min<qint64>(total, at + kFetchChunk), total);
        }
        ok = ok && writer.finish();
        out.written = writer.count();
        if (!ok) {
            out.error = tr("Write failed: %1").arg(writer.error());
            return out;
        }
    }
    if (cancelled())
        return out; // QSaveFile discards what it wrote
    if (!file.commit()) {
        out.error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace ed::ui
