#include "core/exporter.h"

#include "core/eventstore.h"

#include <QIODevice>

namespace ed {

namespace {
constexpr qsizetype kFlushBytes = 1 << 20;
}

JsonWriter::JsonWriter(QIODevice *device, ExportFormat format)
    : m_device(device)
    , m_format(format)
{
    m_buffer.reserve(kFlushBytes + 64 * 1024);
}

bool JsonWriter::put(QByteArrayView bytes)
{
    m_buffer.append(bytes.data(), bytes.size());
    return m_buffer.size() < kFlushBytes || flush();
}

bool JsonWriter::flush()
{
    qsizetype done = 0;
    while (done < m_buffer.size()) {
        const qint64 n = m_device->write(m_buffer.constData() + done, m_buffer.size() - done);
        if (n <= 0) {
            m_error = m_device->errorString();
            return false;
        }
        done += qsizetype(n);
    }
    m_buffer.resize(0); // keeps the capacity: clear() would free it on every flush
    return true;
}

bool JsonWriter::begin()
{
    return m_format == ExportFormat::Json ? put("[") : true;
}

bool JsonWriter::write(QByteArrayView eventJson)
{
    if (m_format == ExportFormat::Json) {
        if (m_count && !put(","))
            return false;
        ++m_count;
        return put(eventJson);
    }
    ++m_count;
    return put(eventJson) && put("\n");
}

bool JsonWriter::finish()
{
    if (m_format == ExportFormat::Json && !put("]\n"))
        return false;
    return flush();
}

ExportResult exportEvents(EventStore &store, const EventFilter &filter, qint64 limit,
                          QIODevice *device, ExportFormat format,
                          const std::function<bool(qint64)> &progress)
{
    ExportResult result;
    JsonWriter writer(device, format);
    if (!writer.begin()) {
        result.error = writer.error();
        return result;
    }
    bool writeFailed = false;
    const bool ok = store.forEachJson(filter, limit, [&](QByteArrayView json) {
        if (!writer.write(json)) {
            writeFailed = true;
            return false;
        }
        if (progress && writer.count() % 4096 == 0 && !progress(writer.count())) {
            result.cancelled = true;
            return false;
        }
        return true;
    });
    result.written = writer.count();
    if (writeFailed) {
        result.error = QStringLiteral("write failed: ") + writer.error();
        return result;
    }
    if (!ok) {
        result.error = store.lastError();
        return result;
    }
    if (result.cancelled)
        return result;
    if (!writer.finish()) {
        result.error = QStringLiteral("write failed: ") + writer.error();
        return result;
    }
    if (progress)
        progress(writer.count());
    result.ok = true;
    return result;
}

} // namespace ed
