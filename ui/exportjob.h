#pragma once

#include "core/eventfilter.h"
#include "core/exporter.h"

#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace ed::ui {

enum class ExportScope {
    Matching, ///< every cached event matching the filter, as `eventdeck export` writes them
    Selected, ///< the selected rows only, in the order given
};

/// Writes events to a file on a worker thread with its own connection to the cache (a
/// connection serves one thread). The file is written through QSaveFile: a failed or cancelled
/// export leaves no file behind (and an existing file untouched).
class ExportJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportJob)

public:
    /// `selectedSeqs` are the selected rows' cache seqs in the feed's order; duplicates and
    /// events no longer cached are skipped.
    ExportJob(const QString &cachePath, const ed::EventFilter &filter,
              const QList<qint64> &selectedSeqs, QObject *parent = nullptr);
    /// Cancels a running export and waits for its thread.
    ~ExportJob() override;

    /// Begins writing to `path`; false (and nothing happens) while an export is running.
    bool start(const QString &path, ed::ExportFormat format, ExportScope scope);
    /// Asks the running export to stop; `finished(false, …)` follows. Safe from any thread.
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }
    /// Events written by the last export that finished.
    qint64 written() const { return m_written; }
    bool wasCancelled() const { return m_cancelled; }
    /// Exports only the events of one source, as the feed shows them (see EventStore::setScope).
    void setSourceScope(const QString &source) { m_sourceScope = source; }

signals:
    /// Now and then from the worker thread; `total` is known before the first event is written.
    void progress(qint64 done, qint64 total);
    /// In the thread that owns the job, once per start(). On success the file is in place.
    void finished(bool ok, const QString &error);

private:
    QString m_sourceScope;
    struct Outcome
    {
        bool ok = false;
        bool cancelled = false;
        qint64 written = 0;
        QString error;
    };
    Outcome run(const QString &path, ed::ExportFormat format, ExportScope scope);
    void onThreadFinished();

    const QString m_cachePath;
    const ed::EventFilter m_filter;
    const QList<qint64> m_selected;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    Outcome m_outcome; ///< written by the worker, read after its thread has ended
    qint64 m_written = 0;
    bool m_cancelled = false;
};

} // namespace ed::ui
