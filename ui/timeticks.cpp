#include "ui/timeticks.h"

#include <QFontMetrics>

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

constexpr qint64 kDay = qint64(86400) * 1000000;
constexpr int kLabelGap = 14; ///< least room between two tick labels

// Tick steps follow the local calendar: wall-clock times within a day, then days, weeks
// (starting on the locale's first day), months and years.
enum class StepKind { Clock, Days, Weeks, Months, Years };
struct TickStep
{
    StepKind kind;
    qint64 n; ///< milliseconds for Clock, else days, weeks, months or years
};

constexpr TickStep kTickSteps[] = {
    {StepKind::Clock, 10},       {StepKind::Clock, 20},       {StepKind::Clock, 50},
    {StepKind::Clock, 100},      {StepKind::Clock, 200},      {StepKind::Clock, 500},
    {StepKind::Clock, 1000},     {StepKind::Clock, 2000},     {StepKind::Clock, 5000},
    {StepKind::Clock, 10000},    {StepKind::Clock, 15000},    {StepKind::Clock, 30000},
    {StepKind::Clock, 60000},    {StepKind::Clock, 120000},   {StepKind::Clock, 300000},
    {StepKind::Clock, 600000},   {StepKind::Clock, 900000},   {StepKind::Clock, 1800000},
    {StepKind::Clock, 3600000},  {StepKind::Clock, 7200000},  {StepKind::Clock, 10800000},
    {StepKind::Clock, 21600000}, {StepKind::Clock, 43200000}, {StepKind::Days, 1},
    {StepKind::Days, 2},         {StepKind::Weeks, 1},        {StepKind::Months, 1},
    {StepKind::Months, 3},       {StepKind::Months, 6},       {StepKind::Years, 1},
    {StepKind::Years, 2},        {StepKind::Years, 5},        {StepKind::Years, 10},
    {StepKind::Years, 20},       {StepKind::Years, 50},       {StepKind::Years, 100},
    {StepKind::Years, 1000},
};

double approxMicros(const TickStep &step)
{
    switch (step.kind) {
    case StepKind::Clock: return double(step.n) * 1000;
    case StepKind::Days: return double(step.n) * kDay;
    case StepKind::Weeks: return double(step.n) * 7 * kDay;
    case StepKind::Months: return double(step.n) * 30.44 * kDay;
    case StepKind::Years: return double(step.n) * 365.25 * kDay;
    }
    return kDay;
}

QString labelFormat(const TickStep &step, const QDateTime &at)
{
    switch (step.kind) {
    case StepKind::Clock:
        if (step.n < 1000)
            return u"HH:mm:ss.zzz"_s;
        if (step.n < 60000)
            return u"HH:mm:ss"_s;
        return at.time() == QTime(0, 0) ? u"d MMM"_s : u"HH:mm"_s;
    case StepKind::Days:
    case StepKind::Weeks: return u"d MMM"_s;
    case StepKind::Months: return at.date().month() == 1 ? u"yyyy"_s : u"MMM"_s;
    case StepKind::Years: return u"yyyy"_s;
    }
    return u"d MMM"_s;
}

int widestLabel(const TickStep &step, const QFontMetrics &fm, const QLocale &locale)
{
    int widest = 0;
    for (int month = 1; month <= 12; ++month) {
        for (const QTime &time : {QTime(23, 58, 58, 888), QTime(0, 0)}) {
            const QDateTime at(QDate(2026, month, 28), time);
            widest = std::max(widest, fm.horizontalAdvance(locale.toString(at, labelFormat(step, at))));
        }
    }
    return widest;
}

qint64 micros(const QDateTime &at)
{
    return at.toMSecsSinceEpoch() * 1000;
}

// Tick times in [from, to] for `step`, in local wall-clock time (DST gaps skipped).
QList<qint64> tickTimes(const TickStep &step, qint64 from, qint64 to, const QLocale &locale)
{
    QList<qint64> out;
    const QDate first = localDateTime(from).date();
    const QDate last = localDateTime(to).date();
    auto keep = [&](const QDateTime &at) {
        const qint64 t = micros(at);
        if (at.isValid() && t >= from && t <= to)
            out.append(t);
    };
    switch (step.kind) {
    case StepKind::Clock:
        for (QDate day = first; day <= last; day = day.addDays(1)) {
            qint64 k = 0;
            if (day == first)
                k = (localDateTime(from).time().msecsSinceStartOfDay() + step.n - 1) / step.n;
            for (; k * step.n < 86400000; ++k) {
                const QTime wall = QTime::fromMSecsSinceStartOfDay(int(k * step.n));
                const QDateTime at(day, wall);
                if (!at.isValid() || at.time() != wall)
                    continue; // in a DST gap
                if (micros(at) > to)
                    return out;
                keep(at);
            }
        }
        break;
    case StepKind::Days:
        for (QDate day = first; day <= last; day = day.addDays(1)) {
            if (day.toJulianDay() % step.n == 0)
                keep(day.startOfDay());
        }
        break;
    case StepKind::Weeks:
        for (QDate day = first; day <= last; day = day.addDays(1)) {
            if (day.dayOfWeek() == int(locale.firstDayOfWeek()))
                keep(day.startOfDay());
        }
        break;
    case StepKind::Months:
        for (QDate month(first.year(), first.month(), 1); month <= last; month = month.addMonths(1)) {
            if ((month.month() - 1) % step.n == 0)
                keep(month.startOfDay());
        }
        break;
    case StepKind::Years:
        for (int year = first.year(); year <= last.year(); ++year) {
            if (year % step.n == 0)
                keep(QDate(year, 1, 1).startOfDay());
        }
        break;
    }
    return out;
}

} // namespace

QDateTime localDateTime(qint64 micros)
{
    // Floor, so that a time a few µs before a tick never shows as that tick.
    const qint64 ms = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    return QDateTime::fromMSecsSinceEpoch(ms);
}

QList<TimeTick> timeTicks(qint64 from, qint64 to, int pixels, const QFontMetrics &fm,
                          const QLocale &locale)
{
    QList<TimeTick> out;
    if (to <= from || pixels <= 0)
        return out;
    const double pixelsPerMicro = double(pixels) / double(to - from);
    const TickStep *chosen = &kTickSteps[std::size(kTickSteps) - 1];
    for (const TickStep &step : kTickSteps) {
        if (approxMicros(step) * pixelsPerMicro >= widestLabel(step, fm, locale) + kLabelGap) {
            chosen = &step;
            break;
        }
    }
    for (const qint64 t : tickTimes(*chosen, from, to, locale)) {
        const QDateTime at = localDateTime(t);
        out.append({t, locale.toString(at, labelFormat(*chosen, at))});
    }
    return out;
}

} // namespace ed::ui
