// Glob must behave exactly like Python's fnmatch.fnmatchcase: that is what Prefect's in-memory
// label matching (live stream, automation triggers) runs. The bulk of the cases come from
// tests/data/glob_cases.json, written by gen_glob_cases.py with Python as the oracle.

#include "core/glob.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using ed::Glob;
using ed::LabelPattern;

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

// Shows control characters and non-ASCII in row names so failures are readable.
QByteArray visible(const QString &text)
{
    QByteArray out;
    for (const char32_t c : text.toUcs4()) {
        if (c >= 0x20 && c < 0x7f)
            out.append(char(c));
        else
            out.append(QByteArray("\\u{") + QByteArray::number(uint(c), 16) + '}');
    }
    return out;
}

} // namespace

class TestGlob final : public QObject
{
    Q_OBJECT

private slots:
    void fnmatchcase_data();
    void fnmatchcase();
    void handPicked_data();
    void handPicked();
    void literal_data();
    void literal();
    void labelPattern_data();
    void labelPattern();
    void missingValueNeverMatches_data();
    void missingValueNeverMatches();
};

void TestGlob::fnmatchcase_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("expected");

    QFile file(QStringLiteral(EVENTDECK_TEST_DATA "/glob_cases.json"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonArray cases = doc.object().value(u"cases").toArray();
    // The generator writes thousands of cases; a truncated file must not pass silently.
    QVERIFY(cases.size() >= 5000);
    QCOMPARE(cases.size(), doc.object().value(u"meta").toObject().value(u"count").toInt());
    int matching = 0;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const QJsonArray c = cases[i].toArray();
        QCOMPARE(c.size(), 3);
        const QString pattern = c[0].toString();
        const QString value = c[1].toString();
        const bool expected = c[2].toBool();
        matching += expected;
        QTest::addRow("%lld: '%s' ~ '%s'", qlonglong(i), visible(pattern).constData(),
                      visible(value).constData())
            << pattern << value << expected;
    }
    // Both outcomes must be well represented, or the data proves little.
    QVERIFY(matching > 1000);
    QVERIFY(cases.size() - matching > 1000);
}

void TestGlob::fnmatchcase()
{
    QFETCH(QString, pattern);
    QFETCH(QString, value);
    QFETCH(bool, expected);

    const Glob glob(pattern);
    QCOMPARE(glob.matches(QStringView(value)), expected);
    QCOMPARE(glob.matches(ed::toU32(value)), expected);
    const QByteArray utf8 = value.toUtf8();
    QCOMPARE(glob.matchesUtf8(utf8.constData(), utf8.size()), expected);

    // A leading '!' negates the whole glob for a present value.
    const LabelPattern negated(QLatin1Char('!') + pattern);
    QVERIFY(negated.negated());
    QCOMPARE(negated.matches(&value), !expected);
    if (!pattern.startsWith(u'!'))
        QCOMPARE(LabelPattern(pattern).matches(&value), expected);

    // Invariants of the literal analysis, checked on every case.
    if (expected)
        QVERIFY2(value.startsWith(glob.literalPrefix()), qPrintable(glob.literalPrefix()));
    if (glob.isLiteral()) {
        QCOMPARE(glob.literalPrefix(), pattern);
        QCOMPARE(expected, value == pattern);
    }
}

void TestGlob::handPicked_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("expected");

    // Expected values checked against Python 3.11 fnmatch.fnmatchcase.
    struct Row
    {
        const char *name;
        const char *pattern;
        const char *value;
        bool expected;
    };
    const Row rows[] = {
        {"star matches empty", "*", "", true},
        {"star matches anything", "*", "anything", true},
        {"trailing star is a prefix", "a*", "abc", true},
        {"prefix must be at the start", "a*", "ba", false},
        {"suffix", "*.log", "x.log", true},
        {"question mark is one code point (BMP)", "?", "é", true},
        {"question mark is one code point (non-BMP)", "?", "😀", true},
        {"non-BMP character is not two characters", "??", "😀", false},
        {"question mark crosses newline", "?", "\n", true},
        {"star crosses newline", "*", "a\nb", true},
        {"set", "[abc]", "b", true},
        {"set miss", "[abc]", "d", false},
        {"negated set", "[!abc]", "d", true},
        {"negated set miss", "[!abc]", "a", false},
        {"caret is not negation", "[^a]", "^", true},
        {"caret set miss", "[^a]", "b", false},
        {"lone bracket is literal", "[", "[", true},
        {"unclosed set is literal", "[a", "[a", true},
        {"bracket first in set is literal", "[]]", "]", true},
        {"negated bracket", "[!]]", "]", false},
        {"negated bracket other", "[!]]", "a", true},
        {"empty brackets are literal", "[]", "[]", true},
        {"negated empty brackets are literal", "[!]", "[!]", true},
        {"range", "[a-c]", "b", true},
        {"range excludes hyphen", "[a-c]", "-", false},
        {"reversed range matches nothing", "[z-a]", "z", false},
        {"reversed range not a hyphen", "[z-a]", "-", false},
        {"negated reversed range matches anything", "[!z-a]", "q", true},
        {"trailing hyphen literal", "[a-]", "-", true},
        {"leading hyphen literal", "[-a]", "-", true},
        {"a--z drops the empty range", "[a--z]", "z", true},
        {"a--z is not a..z", "[a--z]", "b", false},
        {"a--z has no hyphen", "[a--z]", "-", false},
        {"negated chunked range, hyphen", "[!a-c-e]", "-", false},
        {"negated chunked range, d", "[!a-c-e]", "d", true},
        {"negated chunked range, e", "[!a-c-e]", "e", false},
        {"backslash is literal", "\\*", "\\x", true},
        {"backslash does not escape", "\\*", "*", false},
        {"backslash in set", "[\\]", "\\", true},
        {"non-ASCII prefix", "é*", "éa", true},
        {"non-ASCII range", "[à-ü]", "é", true},
        {"non-BMP set", "[😀]", "😀", true},
        {"non-BMP set miss", "[😀]", "😁", false},
        {"case-sensitive", "prod", "Prod", false},
        {"percent is literal", "a%", "a%", true},
        {"underscore is literal", "a_b", "axb", false},
        {"empty matches empty", "", "", true},
        {"empty matches nothing else", "", "a", false},
    };
    for (const Row &r : rows)
        QTest::addRow("%s", r.name) << s(r.pattern) << s(r.value) << r.expected;
}

void TestGlob::handPicked()
{
    QFETCH(QString, pattern);
    QFETCH(QString, value);
    QFETCH(bool, expected);
    QCOMPARE(Glob(pattern).matches(QStringView(value)), expected);
}

void TestGlob::literal_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("isLiteral");
    QTest::addColumn<QString>("prefix");

    QTest::addRow("plain") << s("abc") << true << s("abc");
    QTest::addRow("empty") << QString() << true << QString();
    QTest::addRow("star") << s("*") << false << QString();
    QTest::addRow("trailing star") << s("ab*c") << false << s("ab");
    QTest::addRow("question mark") << s("a?") << false << s("a");
    QTest::addRow("set") << s("a[bc]d") << false << s("a");
    QTest::addRow("unmatched bracket") << s("[abc") << true << s("[abc");
    QTest::addRow("empty brackets") << s("[]") << true << s("[]");
    QTest::addRow("negated empty brackets") << s("[!]") << true << s("[!]");
    QTest::addRow("closing bracket") << s("a]b") << true << s("a]b");
    QTest::addRow("backslash does not quote") << s("a\\*") << false << s("a\\");
    QTest::addRow("non-ASCII and non-BMP") << s("é😀*") << false << s("é😀");
    QTest::addRow("percent and underscore") << s("50%_off") << true << s("50%_off");
}

void TestGlob::literal()
{
    QFETCH(QString, pattern);
    QFETCH(bool, isLiteral);
    QFETCH(QString, prefix);

    const Glob glob(pattern);
    QCOMPARE(glob.isLiteral(), isLiteral);
    QCOMPARE(glob.literalPrefix(), prefix);
    if (isLiteral) {
        QVERIFY(glob.matches(QStringView(pattern)));
        QVERIFY(!glob.matches(QString(pattern + u'x')));
    }
}

void TestGlob::labelPattern_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("negated");
    QTest::addColumn<bool>("expected");

    QTest::addRow("exact") << s("world") << s("world") << false << true;
    QTest::addRow("exact miss") << s("world") << s("mars") << false << false;
    QTest::addRow("negated exact, other value") << s("!world") << s("mars") << true << true;
    QTest::addRow("negated exact, same value") << s("!world") << s("world") << true << false;
    QTest::addRow("negated prefix excludes") << s("!wor*") << s("world") << true << false;
    QTest::addRow("negated prefix keeps") << s("!wor*") << s("mars") << true << true;
    QTest::addRow("negated star matches no present value") << s("!*") << s("") << true << false;
    QTest::addRow("only the first ! negates") << s("!!x") << s("!x") << true << false;
    QTest::addRow("double ! keeps others") << s("!!x") << s("x") << true << true;
    QTest::addRow("! elsewhere is literal") << s("a!") << s("a!") << false << true;
    QTest::addRow("lone ! negates the empty glob") << s("!") << s("") << true << false;
    QTest::addRow("lone ! with a value") << s("!") << s("x") << true << true;
    QTest::addRow("negated set") << s("![ab]*") << s("cat") << true << true;
    QTest::addRow("negated set excludes") << s("![ab]*") << s("bat") << true << false;
    QTest::addRow("case-sensitive negation") << s("!prod") << s("Prod") << true << true;
}

void TestGlob::labelPattern()
{
    QFETCH(QString, pattern);
    QFETCH(QString, value);
    QFETCH(bool, negated);
    QFETCH(bool, expected);

    const LabelPattern p(pattern);
    QCOMPARE(p.negated(), negated);
    QCOMPARE(p.matches(&value), expected);
    QCOMPARE(p.matches(QStringView(value)), expected);
}

void TestGlob::missingValueNeverMatches_data()
{
    QTest::addColumn<QString>("pattern");
    for (const char *p : {"*", "!*", "!world", "!wor*", "", "!", "?*", "[!a]"})
        QTest::addRow("'%s'", p) << s(p);
}

void TestGlob::missingValueNeverMatches()
{
    QFETCH(QString, pattern);
    QVERIFY(!LabelPattern(pattern).matches(static_cast<const QString *>(nullptr)));
}

QTEST_GUILESS_MAIN(TestGlob)
#include "tst_glob.moc"
