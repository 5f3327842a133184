#pragma once

// Prefect's sample events (tests/fixtures/prefect-sample-events.json), read as the importer
// reads a file: the one fixture loader of the tests.

#include "core/event.h"
#include "core/importer.h"

#include <QFile>
#include <QList>
#include <QSet>

namespace ed::testsupport {

enum class Copies { All, FirstOnly };

/// Every valid event of the fixture in file order; FirstOnly keeps the first copy of a
/// repeated id, as the cache does. Empty when the file cannot be read or is not JSON.
inline QList<Event> fixtureEvents(Copies copies = Copies::All)
{
    QFile file(QStringLiteral(EVENTDECK_FIXTURES "/prefect-sample-events.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    EventReader reader(&file);
    QList<Event> out;
    QSet<QString> seen;
    for (Event e;;) {
        const auto result = reader.next(e);
        if (result == EventReader::Result::Rejected)
            continue;
        if (result != EventReader::Result::Event)
            break;
        if (copies == Copies::All || !seen.contains(e.id)) {
            seen.insert(e.id);
            out.append(e);
        }
    }
    return out;
}

} // namespace ed::testsupport
