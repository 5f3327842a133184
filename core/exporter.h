#pragma once

#include "core/eventfilter.h"

#include <QString>

#include <functional>

class QIODevice;

namespace ed {

class EventStore;

enum class ExportFormat { Json, Ndjson };

/// Writes events in Prefect's JSON shape: `json` is one compact array, `ndjson` one event per
/// line; both end with a newline. The bytes are the stored export form, never re-serialized,
/// so the CLI and the GUI write identical files for the same filter.
class JsonWriter final
{
public:
    JsonWriter(QIODevice *device, ExportFormat format);
    bool begin();
    bool write(QByteArrayView eventJson);
    bool finish();
    qint64 count() const { return m_count; }
    QString error() const { return m_error; }

private:
    bool put(QByteArrayView bytes);
    bool flush();

    QIODevice *m_device;
    ExportFormat m_format;
    QByteArray m_buffer;
    qint64 m_count = 0;
    QString m_error;
};

struct ExportResult
{
    bool ok = false;
    bool cancelled = false;
    qint64 written = 0;
    QString error;
};

/// Streams every event of `store` matching `filter` (up to `limit`, negative = all) to `device`.
/// `progress(written)` is called now and then; returning false cancels.
ExportResult exportEvents(EventStore &store, const EventFilter &filter, qint64 limit,
                          QIODevice *device, ExportFormat format,
                          const std::function<bool(qint64)> &progress = {});

} // namespace ed
