#include "core/timeutil.h"

#include <QDateTime>

namespace ed::timeutil {

namespace {

// Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

void civilFromDays(qint64 z, qint64 &y, unsigned &m, unsigned &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = qint64(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool isLeap(qint64 y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned daysInMonth(qint64 y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

class Cursor
{
public:
    explicit Cursor(QStringView s)
        : m_s(s)
    {}
    bool digits(int count, int &value)
    {
        value = 0;
        for (int i = 0; i < count; ++i) {
            if (m_pos >= m_s.size() || !m_s[m_pos].isDigit() || m_s[m_pos].unicode() > '9')
                return false;
            value = value * 10 + (m_s[m_pos].unicode() - '0');
            ++m_pos;
        }
        return true;
    }
    bool eat(char16_t c)
    {
        if (m_pos < m_s.size() && m_s[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool atEnd() const { return m_pos >= m_s.size(); }
    char16_t peek() const { return m_pos < m_s.size() ? m_s[m_pos].unicode() : u'\0'; }
    void skip() { ++m_pos; }

private:
    QStringView m_s;
    qsizetype m_pos = 0;
};

bool failWith(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool parse(QStringView text, qint64 &micros, QString *error)
{
    const QString bad = QStringLiteral("invalid datetime \"%1\"").arg(text.left(64));
    Cursor c(text.trimmed());
    int year = 0, month = 0, day = 0;
    if (!c.digits(4, year) || !c.eat(u'-') || !c.digits(2, month) || !c.eat(u'-')
        || !c.digits(2, day))
        return failWith(error, bad);
    // Python's datetime starts at year 1, so pydantic rejects year 0.
    if (year < 1 || month < 1 || month > 12 || day < 1
        || unsigned(day) > daysInMonth(year, unsigned(month)))
        return failWith(error, bad + QStringLiteral(": no such date"));
    int hour = 0, minute = 0, second = 0;
    qint64 fraction = 0;
    qint64 offsetSeconds = 0;
    if (!c.atEnd()) {
        if (!(c.eat(u'T') || c.eat(u't') || c.eat(u' ')))
            return failWith(error, bad);
        if (!c.digits(2, hour) || !c.eat(u':') || !c.digits(2, minute))
            return failWith(error, bad);
        if (c.eat(u':')) {
            if (!c.digits(2, second))
                return failWith(error, bad);
            if (c.eat(u'.') || c.eat(u',')) {
                int count = 0;
                int digit = 0;
                while (c.digits(1, digit)) {
                    if (++count > 9)
                        return failWith(error, bad + QStringLiteral(": more than 9 fraction digits"));
                    if (count <= 6)
                        fraction = fraction * 10 + digit;
                }
                if (count == 0)
                    return failWith(error, bad);
                for (int k = count; k < 6; ++k)
                    fraction *= 10;
            }
        }
        if (hour > 23 || minute > 59 || second > 59)
            return failWith(error, bad + QStringLiteral(": time out of range"));
        if (c.eat(u'Z') || c.eat(u'z')) {
            // UTC
        } else if (c.peek() == u'+' || c.peek() == u'-') {
            const bool negative = c.peek() == u'-';
            c.skip();
            int oh = 0, om = 0;
            if (!c.digits(2, oh))
                return failWith(error, bad);
            if (c.eat(u':')) {
                if (!c.digits(2, om))
                    return failWith(error, bad);
            } else if (!c.atEnd() && !c.digits(2, om)) {
                return failWith(error, bad);
            }
            if (oh > 23 || om > 59)
                return failWith(error, bad + QStringLiteral(": offset out of range"));
            offsetSeconds = (oh * 3600 + om * 60) * (negative ? -1 : 1);
        }
        if (!c.atEnd())
            return failWith(error, bad);
    }
    const qint64 days = daysFromCivil(year, unsigned(month), unsigned(day));
    const qint64 seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    micros = seconds * 1000000 + fraction;
    return true;
}

QByteArray format(qint64 micros)
{
    qint64 seconds = micros / 1000000;
    qint64 fraction = micros % 1000000;
    if (fraction < 0) {
        fraction += 1000000;
        --seconds;
    }
    qint64 days = seconds / 86400;
    qint64 rem = seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    qint64 y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    char buf[40];
    int n = 0;
    if (fraction)
        n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", (long long)y, m, d,
                     int(rem / 3600), int(rem / 60 % 60), int(rem % 60), (long long)fraction);
    else
        n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                     int(rem / 3600), int(rem / 60 % 60), int(rem % 60));
    return QByteArray(buf, n);
}

QString formatString(qint64 micros)
{
    return QString::fromLatin1(format(micros));
}

qint64 nowMicros()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

bool parseRelativeOrAbsolute(QStringView text, qint64 now, qint64 &micros, QString *error)
{
    const QStringView t = text.trimmed();
    if (t.size() >= 2 && (t.front() == u'-' || t.front() == u'+')) {
        const QChar unit = t.back();
        qint64 scale = 0;
        switch (unit.unicode()) {
        case 's': scale = 1; break;
        case 'm': scale = 60; break;
        case 'h': scale = 3600; break;
        case 'd': scale = 86400; break;
        case 'w': scale = 7 * 86400; break;
        default: break;
        }
        bool ok = false;
        const qint64 amount = t.sliced(1, t.size() - 2).toLongLong(&ok);
        // Bounded (10 000 years) so the arithmetic below cannot overflow on absurd input.
        constexpr qint64 maxSeconds = qint64(10000) * 366 * 86400;
        if (scale && ok && amount >= 0 && amount <= maxSeconds / scale) {
            const qint64 delta = amount * scale * 1000000;
            micros = t.front() == u'-' ? now - delta : now + delta;
            return true;
        }
        return failWith(error, QStringLiteral("invalid relative time \"%1\" (use e.g. -30s, -15m, "
                                              "-24h, -7d)")
                                   .arg(t));
    }
    return parse(t, micros, error);
}

} // namespace ed::timeutil
