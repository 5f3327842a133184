#include "core/cachewriter.h"

#include "core/eventstore.h"

#include <memory>

namespace ed {

class CacheWriterWorker final : public QObject
{
    Q_OBJECT

public:
    explicit CacheWriterWorker(QString path)
        : m_path(std::move(path))
    {}

    bool ensureOpen()
    {
        if (m_store)
            return true;
        auto store = std::make_unique<EventStore>();
        QString error;
        if (!store->open(m_path, &error)) {
            emit failed(error);
            return false;
        }
        m_store = std::move(store);
        return true;
    }

    void write(const QList<Event> &events, const QString &source)
    {
        if (!ensureOpen())
            return;
        const IngestStats s = m_store->ingest(events, source);
        if (s.stored + s.duplicates != events.size())
            emit failed(QStringLiteral("the cache refused a batch: ") + m_store->lastError());
        emit stored(s.stored, s.duplicates);
    }

    void setMeta(const QString &key, const QString &value)
    {
        if (ensureOpen())
            m_store->setMeta(key, value);
    }

signals:
    void stored(qint64 stored, qint64 duplicates);
    void failed(const QString &error);

private:
    QString m_path;
    std::unique_ptr<EventStore> m_store;
};

CacheWriter::CacheWriter(const QString &cachePath, QObject *parent)
    : QObject(parent)
{
    m_worker = new CacheWriterWorker(cachePath);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CacheWriterWorker::stored, this, &CacheWriter::stored);
    connect(m_worker, &CacheWriterWorker::failed, this, &CacheWriter::failed);
    m_thread.setObjectName(QStringLiteral("cache writer"));
    m_thread.start();
}

CacheWriter::~CacheWriter()
{
    // Posted events run in order: once this no-op has run, every queued batch is written.
    QMetaObject::invokeMethod(m_worker, [] {}, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void CacheWriter::write(const QList<Event> &events, const QString &source)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, events, source] { w->write(events, source); }, Qt::QueuedConnection);
}

void CacheWriter::setMeta(const QString &key, const QString &value)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, key, value] { w->setMeta(key, value); }, Qt::QueuedConnection);
}

} // namespace ed

#include "cachewriter.moc"
