#include "core/importer.h"

#include <QIODevice>

namespace ed {

namespace {
constexpr qsizetype kChunk = 4 * 1024 * 1024;

bool looksLikePage(const json::Value &v)
{
    if (!v.isObject())
        return false;
    const json::Value *events = v.find(u"events");
    return events && events->isArray() && !v.find(u"occurred") && !v.find(u"event");
}
} // namespace

EventReader::EventReader(QIODevice *device)
    : m_device(device)
{}

bool EventReader::fill()
{
    if (m_eof)
        return false;
    compact();
    const qsizetype old = m_buf.size();
    m_buf.resize(old + kChunk);
    const qint64 n = m_device->read(m_buf.data() + old, kChunk);
    if (n <= 0) {
        m_buf.resize(old);
        m_eof = true;
        // A final newline lets a number at the very end of the input complete.
        m_buf.append('\n');
        return n == 0 || m_device->atEnd();
    }
    m_buf.resize(old + qsizetype(n));
    return true;
}

void EventReader::compact()
{
    if (m_pos < kChunk)
        return;
    lineAt(m_pos);
    m_buf.remove(0, m_pos);
    m_lineCountedTo -= m_pos;
    m_pos = 0;
}

qint64 EventReader::lineAt(qsizetype pos)
{
    for (qsizetype i = m_lineCountedTo; i < pos && i < m_buf.size(); ++i) {
        if (m_buf[i] == '\n')
            ++m_lines;
    }
    m_lineCountedTo = std::max(m_lineCountedTo, pos);
    return m_lines;
}

EventReader::Result EventReader::rejected(const QString &why, qint64 location)
{
    m_reason = why;
    m_location = location;
    return Result::Rejected;
}

EventReader::Result EventReader::fromValue(const json::Value &v, Event &out, qint64 location)
{
    ++m_records;
    EventError error;
    if (!parseEvent(v, m_buf, out, error))
        return rejected(error.message(), location);
    m_location = location;
    return Result::Event;
}

void EventReader::startPage(const json::Value &page, qint64 line)
{
    // Re-parse the page against its own text so spans stay valid while the buffer moves on.
    m_pageText = m_buf.mid(page.begin, page.end - page.begin);
    json::parse(m_pageText, m_page);
    m_pageIndex = 0;
    m_pageLine = line;
    m_mode = Mode::Page;
}

bool EventReader::resyncAfterError()
{
    // Skip the rest of the broken line; the next record starts on a later line.
    for (;;) {
        const qsizetype nl = m_buf.indexOf('\n', m_pos);
        if (nl >= 0) {
            m_pos = nl + 1;
            return true;
        }
        m_pos = m_buf.size();
        if (!fill())
            return false;
    }
}

EventReader::Result EventReader::next(Event &out)
{
    for (;;) {
        // Drain a saved /events/filter response first.
        if (m_mode == Mode::Page) {
            const json::Value *events = m_page.find(u"events");
            if (m_pageIndex < events->items.size()) {
                const json::Value &item = events->items[m_pageIndex++];
                ++m_records;
                EventError error;
                const qint64 line = m_pageLine
                                    + m_pageText.left(item.begin).count('\n');
                if (!parseEvent(item, m_pageText, out, error))
                    return rejected(error.message(), line);
                m_location = line;
                return Result::Event;
            }
            m_mode = Mode::Values;
            m_page = json::Value();
            m_pageText.clear();
        }

        if (m_buf.size() - m_pos < 64 && !m_eof)
            fill();
        json::Reader reader(m_buf, m_pos);

        if (m_mode == Mode::Start) {
            const char c = reader.peek();
            if (c == '\0') {
                if (m_eof) {
                    if (!m_records)
                        m_reason = QStringLiteral("the file holds no JSON");
                    return m_records ? Result::End : Result::Fatal;
                }
                m_pos = m_buf.size();
                fill();
                continue;
            }
            if (c == '[') {
                reader.enterArray();
                m_pos = reader.position();
                m_mode = Mode::Array;
                continue;
            }
            if (c != '{') {
                m_reason = QStringLiteral("not JSON: expected '[' or '{' at line %1").arg(lineAt(reader.position()));
                return Result::Fatal;
            }
            m_mode = Mode::Values;
        }

        json::Value v;
        if (m_mode == Mode::Array) {
            const json::Status st = reader.nextElement(v);
            if (st == json::Status::Incomplete) {
                if (m_eof) {
                    m_reason = QStringLiteral("the array is not closed (the file ends at element %1)")
                                   .arg(m_arrayIndex);
                    return m_records ? Result::End : Result::Fatal;
                }
                fill();
                continue;
            }
            if (st == json::Status::End) {
                m_pos = reader.position();
                m_mode = Mode::Values; // anything after the array is read as further values
                continue;
            }
            const qint64 index = m_arrayIndex++;
            if (st == json::Status::Error) {
                m_pos = reader.position();
                const QString why = QStringLiteral("invalid JSON: %1").arg(reader.error());
                ++m_records;
                if (!resyncAfterError())
                    m_eof = true;
                // Continue in the array on the next line, skipping a separating comma.
                json::Reader skip(m_buf, m_pos);
                if (skip.peek() == ',')
                    m_pos = skip.position() + 1;
                return rejected(why, index);
            }
            m_pos = reader.position();
            if (looksLikePage(v)) {
                startPage(v, lineAt(v.begin));
                continue;
            }
            return fromValue(v, out, index);
        }

        // Values: NDJSON, concatenated JSON, single objects, saved pages.
        const json::Status st = reader.next(v);
        if (st == json::Status::End) {
            if (m_eof)
                return Result::End;
            m_pos = m_buf.size();
            fill();
            continue;
        }
        if (st == json::Status::Incomplete) {
            if (m_eof) {
                const qint64 line = lineAt(reader.position());
                m_pos = m_buf.size();
                ++m_records;
                return rejected(QStringLiteral("invalid JSON: the record is cut off at the end of "
                                               "the file"),
                                line);
            }
            fill();
            continue;
        }
        const qsizetype start = [&] {
            json::Reader r(m_buf, m_pos);
            r.peek();
            return r.position();
        }();
        const qint64 line = lineAt(start);
        if (st == json::Status::Error) {
            m_pos = std::max(reader.errorOffset(), start);
            ++m_records;
            const QString why = QStringLiteral("invalid JSON: %1").arg(reader.error());
            if (!resyncAfterError())
                m_eof = true;
            return rejected(why, line);
        }
        m_pos = reader.position();
        if (looksLikePage(v)) {
            startPage(v, line);
            continue;
        }
        if (v.isArray()) {
            // An array after other values: read its elements too.
            ++m_records;
            return rejected(QStringLiteral("a JSON array nested after other records is not an event"), line);
        }
        return fromValue(v, out, line);
    }
}

} // namespace ed
