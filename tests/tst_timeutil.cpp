// Prefect datetimes: what pydantic accepts on the way in, what it writes on the way out
// (spec §2.3), and the relative forms the CLI takes. QDateTime is the independent oracle.

#include "core/timeutil.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

qint64 utc(int y, int mo, int d, int h = 0, int mi = 0, int sec = 0, int us = 0)
{
    const QDateTime dt(QDate(y, mo, d), QTime(h, mi, sec), QTimeZone::utc());
    return dt.toMSecsSinceEpoch() * 1000 + us;
}

constexpr qint64 kSecond = 1000000;

} // namespace

class TestTimeUtil final : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseInvalid_data();
    void parseInvalid();
    void format_data();
    void format();
    void formatMatchesQDateTime_data();
    void formatMatchesQDateTime();
    void relative_data();
    void relative();
    void relativeInvalid_data();
    void relativeInvalid();
    void now();
};

void TestTimeUtil::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected");

    const qint64 base = utc(2026, 3, 31, 18, 30);
    QTest::addRow("Z") << s("2026-03-31T18:30:00Z") << base;
    QTest::addRow("+00:00") << s("2026-03-31T18:30:00+00:00") << base;
    QTest::addRow("-00:00") << s("2026-03-31T18:30:00-00:00") << base;
    QTest::addRow("-05:30 crosses midnight")
        << s("2026-03-31T18:30:00-05:30") << utc(2026, 4, 1, 0, 0);
    QTest::addRow("+0530 without colon")
        << s("2026-03-31T18:30:00+0530") << utc(2026, 3, 31, 13, 0);
    QTest::addRow("+05 hours only") << s("2026-03-31T18:30:00+05") << utc(2026, 3, 31, 13, 30);
    QTest::addRow("+14:00") << s("2026-03-31T10:00:00+14:00") << utc(2026, 3, 30, 20, 0);
    QTest::addRow("naive is UTC") << s("2026-03-31T18:30:00") << base;
    QTest::addRow("space separator") << s("2026-03-31 18:30:00Z") << base;
    QTest::addRow("space separator, naive") << s("2026-03-31 18:30:00") << base;
    QTest::addRow("bare date is midnight UTC") << s("2026-03-31") << utc(2026, 3, 31);
    QTest::addRow("no seconds") << s("2026-03-31T18:30Z") << base;
    QTest::addRow("surrounding spaces") << s(" 2026-03-31T18:30:00Z\n") << base;

    // 0–9 fraction digits, truncated (not rounded) to the microsecond.
    QTest::addRow("1 digit") << s("2026-03-31T18:30:00.5Z") << base + 500000;
    QTest::addRow("2 digits") << s("2026-03-31T18:30:00.25Z") << base + 250000;
    QTest::addRow("3 digits") << s("2026-03-31T18:30:00.123Z") << base + 123000;
    QTest::addRow("6 digits") << s("2026-03-31T18:30:00.123456Z") << base + 123456;
    QTest::addRow("6 zero digits") << s("2026-03-31T18:30:00.000000Z") << base;
    QTest::addRow("one microsecond") << s("2026-03-31T18:30:00.000001Z") << base + 1;
    QTest::addRow("7 digits truncated") << s("2026-03-31T18:30:00.1234567Z") << base + 123456;
    QTest::addRow("8 digits truncated") << s("2026-03-31T18:30:00.12345678Z") << base + 123456;
    QTest::addRow("9 digits truncated, not rounded")
        << s("2026-03-31T18:30:00.999999999Z") << base + 999999;
    QTest::addRow("sub-microsecond is dropped") << s("2026-03-31T18:30:00.0000009Z") << base;
    QTest::addRow("fraction with offset") << s("2026-03-31T19:30:00.5+01:00") << base + 500000;
    QTest::addRow("fraction, naive") << s("2026-03-31 18:30:00.75") << base + 750000;

    // Dates before 1970 are negative.
    QTest::addRow("half a second before the epoch")
        << s("1969-12-31T23:59:59.5Z") << qint64(-500000);
    QTest::addRow("one microsecond before the epoch")
        << s("1969-12-31T23:59:59.999999Z") << qint64(-1);
    QTest::addRow("epoch") << s("1970-01-01T00:00:00Z") << qint64(0);
    QTest::addRow("1900") << s("1900-01-01T00:00:00Z") << utc(1900, 1, 1);
    QTest::addRow("moon landing") << s("1969-07-20T20:17:40+00:00") << utc(1969, 7, 20, 20, 17, 40);
    QTest::addRow("year 1") << s("0001-01-01T00:00:00Z") << utc(1, 1, 1);
    QTest::addRow("year 9999") << s("9999-12-31T23:59:59.999999Z")
                               << utc(9999, 12, 31, 23, 59, 59, 999999);

    QTest::addRow("leap day 2024") << s("2024-02-29T12:00:00Z") << utc(2024, 2, 29, 12);
    QTest::addRow("leap day 2000") << s("2000-02-29") << utc(2000, 2, 29);
    QTest::addRow("offset back into a leap day")
        << s("2024-03-01T00:30:00+01:00") << utc(2024, 2, 29, 23, 30);
    QTest::addRow("end of year") << s("2025-12-31T23:59:59Z") << utc(2025, 12, 31, 23, 59, 59);
}

void TestTimeUtil::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);

    qint64 micros = 12345;
    QString error;
    QVERIFY2(ed::timeutil::parse(text, micros, &error), qPrintable(error));
    QCOMPARE(micros, expected);
    QVERIFY(ed::timeutil::parse(text, micros)); // the error pointer is optional
}

void TestTimeUtil::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason"); // a fragment the message must contain

    QTest::addRow("February 30") << s("2026-02-30T00:00:00Z") << s("no such date");
    QTest::addRow("February 29, common year") << s("2023-02-29") << s("no such date");
    QTest::addRow("February 29, 1900") << s("1900-02-29T00:00:00Z") << s("no such date");
    QTest::addRow("April 31") << s("2026-04-31") << s("no such date");
    QTest::addRow("month 13") << s("2026-13-01T00:00:00Z") << s("no such date");
    QTest::addRow("month 00") << s("2026-00-10") << s("no such date");
    QTest::addRow("day 00") << s("2026-01-00") << s("no such date");
    QTest::addRow("day 32") << s("2026-01-32") << s("no such date");
    QTest::addRow("year 0") << s("0000-01-01T00:00:00Z") << s("no such date");
    QTest::addRow("hour 24") << s("2026-03-31T24:00:00Z") << s("out of range");
    QTest::addRow("minute 60") << s("2026-03-31T18:60:00Z") << s("out of range");
    QTest::addRow("offset hour 25") << s("2026-03-31T18:30:00+25:00") << s("offset");
    QTest::addRow("offset minute 60") << s("2026-03-31T18:30:00+05:60") << s("offset");
    QTest::addRow("10 fraction digits")
        << s("2026-03-31T18:30:00.1234567890Z") << s("fraction digits");
    QTest::addRow("empty fraction") << s("2026-03-31T18:30:00.Z") << QString();
    QTest::addRow("empty") << QString() << QString();
    QTest::addRow("words") << s("yesterday") << QString();
    QTest::addRow("one-digit month") << s("2026-3-31") << QString();
    QTest::addRow("two-digit year") << s("26-03-31") << QString();
    QTest::addRow("dangling T") << s("2026-03-31T") << QString();
    QTest::addRow("hour only") << s("2026-03-31T18") << QString();
    QTest::addRow("bad separator") << s("2026-03-31X18:30:00") << QString();
    QTest::addRow("trailing junk") << s("2026-03-31T18:30:00Zjunk") << QString();
    QTest::addRow("space before offset") << s("2026-03-31T18:30:00 +01:00") << QString();
    QTest::addRow("one-digit offset") << s("2026-03-31T18:30:00+1") << QString();
    QTest::addRow("non-ASCII digits") << s("２０２６-03-31") << QString();
}

void TestTimeUtil::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);

    qint64 micros = 777;
    QString error;
    QVERIFY(!ed::timeutil::parse(text, micros, &error));
    QVERIFY(!error.isEmpty());
    // The message quotes the offending text so the user can find it.
    QVERIFY2(error.contains(text.trimmed()), qPrintable(error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!ed::timeutil::parse(text, micros)); // no error pointer: still rejected
}

void TestTimeUtil::format_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00Z");
    QTest::addRow("one microsecond") << qint64(1) << QByteArray("1970-01-01T00:00:00.000001Z");
    QTest::addRow("pydantic example")
        << utc(2026, 3, 31, 18, 0, 0, 2) << QByteArray("2026-03-31T18:00:00.000002Z");
    QTest::addRow("whole seconds have no fraction")
        << utc(2024, 1, 1) << QByteArray("2024-01-01T00:00:00Z");
    QTest::addRow("half second has six digits")
        << utc(2024, 1, 1, 0, 0, 0, 500000) << QByteArray("2024-01-01T00:00:00.500000Z");
    QTest::addRow("one microsecond before the epoch")
        << qint64(-1) << QByteArray("1969-12-31T23:59:59.999999Z");
    QTest::addRow("half a second before the epoch")
        << qint64(-500000) << QByteArray("1969-12-31T23:59:59.500000Z");
    QTest::addRow("one second before the epoch") << -kSecond << QByteArray("1969-12-31T23:59:59Z");
    QTest::addRow("one day before the epoch")
        << -86400 * kSecond << QByteArray("1969-12-31T00:00:00Z");
    QTest::addRow("1900") << utc(1900, 1, 1) << QByteArray("1900-01-01T00:00:00Z");
    QTest::addRow("leap day") << utc(2024, 2, 29, 23, 59, 59) << QByteArray("2024-02-29T23:59:59Z");
    QTest::addRow("year 1") << utc(1, 1, 1) << QByteArray("0001-01-01T00:00:00Z");
    QTest::addRow("year 9999") << utc(9999, 12, 31, 23, 59, 59, 999999)
                               << QByteArray("9999-12-31T23:59:59.999999Z");
}

void TestTimeUtil::format()
{
    QFETCH(qint64, micros);
    QFETCH(QByteArray, expected);

    QCOMPARE(ed::timeutil::format(micros), expected);
    QCOMPARE(ed::timeutil::formatString(micros), QString::fromLatin1(expected));
    qint64 back = 0;
    QVERIFY(ed::timeutil::parse(QString::fromLatin1(expected), back));
    QCOMPARE(back, micros);
}

void TestTimeUtil::formatMatchesQDateTime_data()
{
    QTest::addColumn<qint64>("micros");

    // Deterministic spread over years 1..9999, half of them with a zero fraction.
    const qint64 lo = utc(1, 1, 1);
    const qint64 hi = utc(9999, 12, 31, 23, 59, 59, 999999);
    quint64 state = 0x2545F4914F6CDD1DULL;
    for (int i = 0; i < 300; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        qint64 micros = lo + qint64(state % quint64(hi - lo));
        if (i % 2)
            micros -= ((micros % kSecond) + kSecond) % kSecond;
        QTest::addRow("%d: %lld", i, qlonglong(micros)) << micros;
    }
}

void TestTimeUtil::formatMatchesQDateTime()
{
    QFETCH(qint64, micros);

    const qint64 fraction = ((micros % kSecond) + kSecond) % kSecond;
    const QDateTime dt =
        QDateTime::fromMSecsSinceEpoch((micros - fraction) / 1000, QTimeZone::utc());
    QString expected = dt.toString(u"yyyy-MM-ddTHH:mm:ss");
    if (fraction)
        expected += u'.' + QString::number(fraction).rightJustified(6, u'0');
    expected += u'Z';
    QCOMPARE(ed::timeutil::formatString(micros), expected);

    qint64 back = 0;
    QVERIFY(ed::timeutil::parse(expected, back));
    QCOMPARE(back, micros);
}

void TestTimeUtil::relative_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected");

    const qint64 now = utc(2026, 3, 31, 18, 30);
    QTest::addRow("-30s") << s("-30s") << now - 30 * kSecond;
    QTest::addRow("-15m") << s("-15m") << now - 15 * 60 * kSecond;
    QTest::addRow("-24h") << s("-24h") << now - 24 * 3600 * kSecond;
    QTest::addRow("-7d") << s("-7d") << now - 7 * 86400 * kSecond;
    QTest::addRow("-2w") << s("-2w") << now - 14 * 86400 * kSecond;
    QTest::addRow("+5m") << s("+5m") << now + 5 * 60 * kSecond;
    QTest::addRow("-0s") << s("-0s") << now;
    QTest::addRow("spaces around") << s("  -30s ") << now - 30 * kSecond;
    QTest::addRow("-365d") << s("-365d") << now - 365 * 86400 * kSecond;
    QTest::addRow("-100y as weeks") << s("-5218w") << now - qint64(5218) * 7 * 86400 * kSecond;
    QTest::addRow("absolute") << s("2026-01-01T00:00:00Z") << utc(2026, 1, 1);
    QTest::addRow("absolute with offset") << s("2026-01-01T01:00:00+01:00") << utc(2026, 1, 1);
    QTest::addRow("absolute bare date") << s("2026-01-01") << utc(2026, 1, 1);
}

void TestTimeUtil::relative()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);

    const qint64 now = utc(2026, 3, 31, 18, 30);
    qint64 micros = 0;
    QString error;
    QVERIFY2(ed::timeutil::parseRelativeOrAbsolute(text, now, micros, &error), qPrintable(error));
    QCOMPARE(micros, expected);
}

void TestTimeUtil::relativeInvalid_data()
{
    QTest::addColumn<QString>("text");

    for (const char *t : {"-30x", "-s", "-", "--5s", "-1.5h", "-h30", "30s", "-30", "", "soon",
                          "2026-02-30", "-9999999999999999d", "+9223372036854775807s"})
        QTest::addRow("'%s'", t) << s(t);
}

void TestTimeUtil::relativeInvalid()
{
    QFETCH(QString, text);

    qint64 micros = 42;
    QString error;
    QVERIFY(!ed::timeutil::parseRelativeOrAbsolute(text, utc(2026, 3, 31), micros, &error));
    QVERIFY(!error.isEmpty());
}

void TestTimeUtil::now()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch() * 1000;
    const qint64 now = ed::timeutil::nowMicros();
    const qint64 after = QDateTime::currentMSecsSinceEpoch() * 1000 + 999;
    QVERIFY(before <= now);
    QVERIFY(now <= after);
}

QTEST_GUILESS_MAIN(TestTimeUtil)
#include "tst_timeutil.moc"
