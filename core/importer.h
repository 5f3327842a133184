#pragma once

#include "core/event.h"
#include "core/json.h"

#include <QByteArray>
#include <QString>

class QIODevice;

namespace ed {

/// Reads events from a file in any of the shapes Eventdeck accepts: a JSON array, NDJSON (or
/// any sequence of JSON values), a single event object, or saved `/events/filter` responses
/// (`{"events": […], …}`, several per file allowed). Streams in chunks, so memory stays flat
/// whatever the file size. A malformed record is reported and skipped; reading goes on.
class EventReader final
{
public:
    enum class Result { Event, Rejected, End, Fatal };

    explicit EventReader(QIODevice *device);
    EventReader(const EventReader &) = delete;
    EventReader &operator=(const EventReader &) = delete;

    /// The next event, or a rejection (`reason()`, at `location()`), End, or Fatal (the
    /// device failed or the file is not JSON at all; see `reason()`).
    Result next(Event &out);
    QString reason() const { return m_reason; }
    /// Array index for a top-level array, else the 1-based line where the record starts.
    qint64 location() const { return m_location; }
    bool sawAnyRecord() const { return m_records > 0; }

private:
    enum class Mode { Start, Values, Array, Page };
    bool fill();
    void compact();
    qint64 lineAt(qsizetype pos);
    Result rejected(const QString &why, qint64 location);
    Result fromValue(const json::Value &v, Event &out, qint64 location);
    bool resyncAfterError();
    void startPage(const json::Value &page, qint64 line);

    QIODevice *m_device;
    QByteArray m_buf;
    qsizetype m_pos = 0;
    bool m_eof = false;
    Mode m_mode = Mode::Start;
    qint64 m_arrayIndex = 0;
    // Line counting: newlines before m_lineCountedTo, with m_buf offsets shifted on compaction.
    qint64 m_lines = 1;
    qsizetype m_lineCountedTo = 0;
    // A saved filter response being drained.
    json::Value m_page;
    QByteArray m_pageText;
    size_t m_pageIndex = 0;
    qint64 m_pageLine = 0;
    QString m_reason;
    qint64 m_location = 0;
    qint64 m_records = 0;
};

} // namespace ed
