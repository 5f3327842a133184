#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

/// How the panes write times and JSON.
namespace ed::ui {

/// `2026-03-31 20:30:00 CEST`: local time, the microseconds only when not zero, and the zone.
QString formatLocalTime(qint64 micros);
/// `2026-03-31 20:30:00`: local time to the second, for tables.
QString formatLocalTimeShort(qint64 micros);
/// `2026-03-31 18:30:00 UTC`.
QString formatUtcTime(qint64 micros);
/// The local time, then the UTC time unless the local zone is UTC's offset; the UTC date only
/// where it differs from the local one, and no dates at all without `withDates`.
QString formatLocalAndUtc(qint64 micros, bool withDates = true);
/// `just now`, `42 s ago`, `3 min ago`, `5 h ago`, `2 days ago`, `1 year ago`; `in 3 min`
/// for a time after `nowMicros`.
QString formatRelativeTime(qint64 micros, qint64 nowMicros);
/// A duration such as a delivery delay: `0.25 s`, `3 s`, `4 min 5 s`, `2 h 3 min`, `3 days`.
QString formatDuration(qint64 micros);

/// Valid JSON indented by two spaces per level, one member or element per line, and `": "`
/// between a key and its value. Everything else is kept byte for byte, so `ed::json::minify`
/// of the result gives compact input back exactly.
QByteArray prettyJson(QByteArrayView json);

} // namespace ed::ui
