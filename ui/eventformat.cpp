#include "ui/eventformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimeZone>

namespace ed::ui {

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QString tr(const char *text)
{
    return QCoreApplication::translate("ed::ui::EventFormat", text);
}

QString formatIn(const QDateTime &t, qint64 micros, const QString &zone, bool withDate = true)
{
    qint64 fraction = micros % kSecond;
    if (fraction < 0)
        fraction += kSecond;
    QString text = t.toString(withDate ? u"yyyy-MM-dd HH:mm:ss" : u"HH:mm:ss");
    if (fraction != 0)
        text += u'.' + QStringLiteral("%1").arg(fraction, 6, 10, QChar(u'0'));
    return text + u' ' + zone;
}

QDateTime at(qint64 micros, const QTimeZone &zone)
{
    // Floor division, so times before 1970 land in the right second.
    qint64 ms = micros / 1000;
    if (micros % 1000 < 0)
        --ms;
    return QDateTime::fromMSecsSinceEpoch(ms, zone);
}

void newline(QByteArray &out, int depth)
{
    out += '\n';
    out += QByteArray(2 * qMax(0, depth), ' ');
}

} // namespace

QString formatLocalTime(qint64 micros)
{
    const QDateTime t = at(micros, QTimeZone::systemTimeZone());
    return formatIn(t, micros, t.timeZoneAbbreviation());
}

QString formatLocalTimeShort(qint64 micros)
{
    return at(micros, QTimeZone::systemTimeZone()).toString(u"yyyy-MM-dd HH:mm:ss");
}

QString formatUtcTime(qint64 micros)
{
    return formatIn(at(micros, QTimeZone::utc()), micros, QStringLiteral("UTC"));
}

QString formatLocalAndUtc(qint64 micros, bool withDates)
{
    const QDateTime local = at(micros, QTimeZone::systemTimeZone());
    const QDateTime utc = at(micros, QTimeZone::utc());
    const QString utcText =
        formatIn(utc, micros, QStringLiteral("UTC"),
                 withDates && (local.offsetFromUtc() == 0 || utc.date() != local.date()));
    if (local.offsetFromUtc() == 0)
        return utcText;
    return formatIn(local, micros, local.timeZoneAbbreviation(), withDates) + QStringLiteral(" · ")
           + utcText;
}

QString formatRelativeTime(qint64 micros, qint64 nowMicros)
{
    const qint64 delta = nowMicros - micros;
    const qint64 span = qAbs(delta);
    if (span < 5 * kSecond)
        return tr("just now");
    QString amount;
    if (span < kMinute) {
        amount = tr("%1 s").arg(span / kSecond);
    } else if (span < kHour) {
        amount = tr("%1 min").arg(span / kMinute);
    } else if (span < 2 * kDay) {
        amount = tr("%1 h").arg(span / kHour);
    } else if (span < 365 * kDay) {
        amount = tr("%1 days").arg(span / kDay);
    } else {
        const qint64 years = span / (365 * kDay);
        amount = years == 1 ? tr("1 year") : tr("%1 years").arg(years);
    }
    return delta >= 0 ? tr("%1 ago").arg(amount) : tr("in %1").arg(amount);
}

QString formatDuration(qint64 micros)
{
    const qint64 span = qAbs(micros);
    const QString sign = micros < 0 ? QStringLiteral("−") : QString();
    if (span < 10 * kSecond)
        return sign + tr("%1 s").arg(double(span) / kSecond, 0, 'g', 3);
    if (span < kMinute)
        return sign + tr("%1 s").arg(span / kSecond);
    if (span < kHour)
        return sign + tr("%1 min %2 s").arg(span / kMinute).arg(span % kMinute / kSecond);
    if (span < 2 * kDay)
        return sign + tr("%1 h %2 min").arg(span / kHour).arg(span % kHour / kMinute);
    return sign + tr("%1 days").arg(span / kDay);
}

QByteArray prettyJson(QByteArrayView json)
{
    QByteArray out;
    out.reserve(json.size() * 3 / 2);
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < json.size())
                out += json[++i];
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r': break;
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            out += c;
            // An empty container stays on one line.
            qsizetype j = i + 1;
            while (j < json.size()
                   && (json[j] == ' ' || json[j] == '\t' || json[j] == '\n' || json[j] == '\r'))
                ++j;
            if (j < json.size() && (json[j] == '}' || json[j] == ']')) {
                out += json[j];
                i = j;
            } else {
                newline(out, ++depth);
            }
            break;
        }
        case '}':
        case ']':
            newline(out, --depth);
            out += c;
            break;
        case ',':
            out += c;
            newline(out, depth);
            break;
        case ':': out += ": "; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace ed::ui
