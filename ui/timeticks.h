#pragma once

#include <QDateTime>
#include <QList>
#include <QLocale>
#include <QString>

class QFontMetrics;

namespace ed::ui {

struct TimeTick
{
    qint64 time; ///< µs UTC
    QString label;
};

/// The ticks of a time axis over [from, to] (µs UTC) drawn `pixels` wide: the finest step of
/// the local calendar (10 ms … 12 h of wall-clock time, days, weeks, months, years) whose
/// labels, measured with `fm`, leave room between them. Labels are local time ("14:30",
/// "3 Mar" at midnight, "Apr", "2026"); wall-clock times a DST change skips are left out.
QList<TimeTick> timeTicks(qint64 from, qint64 to, int pixels, const QFontMetrics &fm,
                          const QLocale &locale = QLocale());

/// `micros` (µs UTC) as local time, rounded down to the millisecond.
QDateTime localDateTime(qint64 micros);

} // namespace ed::ui
