#pragma once

#include "core/event.h"

#include <QObject>
#include <QThread>

namespace ed {

class CacheWriterWorker;

/// Writes batches of events into the cache on a worker thread with its own connection, so a
/// source's catch-up of thousands of events never stalls the thread that shows them.
class CacheWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheWriter)

public:
    explicit CacheWriter(const QString &cachePath, QObject *parent = nullptr);
    ~CacheWriter() override; ///< writes what is queued, then stops

    /// Queues a batch; `stored` reports it once it is in the cache.
    void write(const QList<ed::Event> &events, const QString &source);
    /// Stores `value` under `key` in the cache's meta table, after the batches queued so far.
    void setMeta(const QString &key, const QString &value);

signals:
    void stored(qint64 stored, qint64 duplicates);
    void failed(const QString &error);

private:
    QThread m_thread;
    CacheWriterWorker *m_worker = nullptr;
};

} // namespace ed
