// The span-keeping JSON reader: what it keeps that QJsonDocument loses (spans, key order,
// duplicate keys, number text), its errors, and incremental reading of large inputs.

#include "core/json.h"

#include <QTest>

using ed::json::Reader;
using ed::json::Status;
using ed::json::Type;
using ed::json::Value;

Q_DECLARE_METATYPE(ed::json::Type)
Q_DECLARE_METATYPE(ed::json::Status)

class TestJson final : public QObject
{
    Q_OBJECT

private slots:
    void scalars_data();
    void scalars();
    void spans_data();
    void spans();
    void keyOrder();
    void duplicateKeys_data();
    void duplicateKeys();
    void strings_data();
    void strings();
    void errors_data();
    void errors();
    void incomplete_data();
    void incomplete();
    void consecutiveValues();
    void streamArray_data();
    void streamArray();
    void streamArrayErrors_data();
    void streamArrayErrors();
    void minify_data();
    void minify();
    void appendQuoted_data();
    void appendQuoted();
};

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QByteArray slice(QByteArrayView text, const Value &v)
{
    return text.sliced(v.begin, v.end - v.begin).toByteArray();
}

// Walks `a/0/b`: object members by name, array elements by index.
const Value *walk(const Value &root, const QByteArray &path)
{
    const Value *v = &root;
    if (path.isEmpty())
        return v;
    for (const QByteArray &step : path.split('/')) {
        if (v->isArray()) {
            bool ok = false;
            const qsizetype i = step.toLongLong(&ok);
            if (!ok || i < 0 || size_t(i) >= v->items.size())
                return nullptr;
            v = &v->items[size_t(i)];
        } else if (v->isObject()) {
            v = v->find(QString::fromUtf8(step));
            if (!v)
                return nullptr;
        } else {
            return nullptr;
        }
    }
    return v;
}

const QByteArray kDocument = R"({"name": "x\"y", "list": [1, -2.5e+3, true, false, null, {}, []],
 "nested": {"deep": [{"k": "\u00e9\ud83d\ude00"}]}, "n": 12345678901234567890})";

} // namespace

void TestJson::scalars_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Type>("type");
    QTest::addColumn<qsizetype>("begin");
    QTest::addColumn<qsizetype>("end");
    QTest::addColumn<bool>("boolean");

    QTest::addRow("true") << QByteArray("true") << Type::Bool << qsizetype(0) << qsizetype(4)
                          << true;
    QTest::addRow("false, padded")
        << QByteArray("  false\n") << Type::Bool << qsizetype(2) << qsizetype(7) << false;
    QTest::addRow("null") << QByteArray("\tnull ") << Type::Null << qsizetype(1) << qsizetype(5)
                          << false;
    QTest::addRow("integer") << QByteArray("42") << Type::Number << qsizetype(0) << qsizetype(2)
                             << false;
    QTest::addRow("negative zero")
        << QByteArray("-0") << Type::Number << qsizetype(0) << qsizetype(2) << false;
    QTest::addRow("exponent") << QByteArray(" 1.0e400 ") << Type::Number << qsizetype(1)
                              << qsizetype(8) << false;
    QTest::addRow("big integer") << QByteArray("12345678901234567890") << Type::Number
                                 << qsizetype(0) << qsizetype(20) << false;
    QTest::addRow("capital E") << QByteArray("-1.5E-7") << Type::Number << qsizetype(0)
                               << qsizetype(7) << false;
    QTest::addRow("string") << QByteArray(R"( "a b" )") << Type::String << qsizetype(1)
                            << qsizetype(6) << false;
    QTest::addRow("empty object") << QByteArray("{ }") << Type::Object << qsizetype(0)
                                  << qsizetype(3) << false;
    QTest::addRow("empty array") << QByteArray("\r\n[ ]") << Type::Array << qsizetype(2)
                                 << qsizetype(5) << false;
}

void TestJson::scalars()
{
    QFETCH(QByteArray, text);
    QFETCH(Type, type);
    QFETCH(qsizetype, begin);
    QFETCH(qsizetype, end);
    QFETCH(bool, boolean);

    Value v;
    QString error;
    QVERIFY2(ed::json::parse(text, v, &error), qPrintable(error));
    QCOMPARE(v.type, type);
    QCOMPARE(v.begin, begin);
    QCOMPARE(v.end, end);
    if (type == Type::Bool)
        QCOMPARE(v.boolean, boolean);
}

void TestJson::spans_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("text");

    QTest::addRow("root") << QByteArray() << kDocument;
    QTest::addRow("escaped string keeps its escapes")
        << QByteArray("name") << QByteArray(R"("x\"y")");
    QTest::addRow("array") << QByteArray("list")
                           << QByteArray("[1, -2.5e+3, true, false, null, {}, []]");
    QTest::addRow("number text") << QByteArray("list/1") << QByteArray("-2.5e+3");
    QTest::addRow("true") << QByteArray("list/2") << QByteArray("true");
    QTest::addRow("null") << QByteArray("list/4") << QByteArray("null");
    QTest::addRow("empty object") << QByteArray("list/5") << QByteArray("{}");
    QTest::addRow("empty array") << QByteArray("list/6") << QByteArray("[]");
    QTest::addRow("nested object")
        << QByteArray("nested") << QByteArray(R"({"deep": [{"k": "\u00e9\ud83d\ude00"}]})");
    QTest::addRow("deep string") << QByteArray("nested/deep/0/k")
                                 << QByteArray(R"("\u00e9\ud83d\ude00")");
    QTest::addRow("big number") << QByteArray("n") << QByteArray("12345678901234567890");
}

void TestJson::spans()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, text);

    Value root;
    QString error;
    QVERIFY2(ed::json::parse(kDocument, root, &error), qPrintable(error));
    const Value *v = walk(root, path);
    QVERIFY(v);
    QCOMPARE(slice(kDocument, *v), text);

    // The same value found inside a larger buffer has spans shifted by the offset.
    const QByteArray shifted = "   " + kDocument;
    Value root2;
    QVERIFY(ed::json::parse(shifted, root2));
    const Value *v2 = walk(root2, path);
    QVERIFY(v2);
    QCOMPARE(v2->begin, v->begin + 3);
    QCOMPARE(slice(shifted, *v2), text);
}

void TestJson::keyOrder()
{
    const QByteArray text = R"({"z": 1, "a": 2, "m": {"y": 0, "b": 1, "é": 2}, "A": 3})";
    Value v;
    QVERIFY(ed::json::parse(text, v));
    QCOMPARE(v.keys, (std::vector<QString>{s("z"), s("a"), s("m"), s("A")}));
    QCOMPARE(v.items.size(), v.keys.size());
    QCOMPARE(slice(text, v.items[1]), QByteArray("2"));
    QCOMPARE(v.items[2].keys, (std::vector<QString>{s("y"), s("b"), s("é")}));
}

void TestJson::duplicateKeys_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("found");
    QTest::addColumn<int>("keyCount");

    QTest::addRow("last wins") << QByteArray(R"({"a": 1, "b": 2, "a": 3})") << s("a")
                               << QByteArray("3") << 3;
    QTest::addRow("other key unaffected")
        << QByteArray(R"({"a": 1, "b": 2, "a": 3})") << s("b") << QByteArray("2") << 3;
    QTest::addRow("three copies") << QByteArray(R"({"a": [], "a": {}, "a": "last"})") << s("a")
                                  << QByteArray(R"("last")") << 3;
    QTest::addRow("escaped spelling is the same key")
        << QByteArray(R"({"\u0061": 1, "a": 2})") << s("a") << QByteArray("2") << 2;
    QTest::addRow("missing key") << QByteArray(R"({"a": 1})") << s("b") << QByteArray() << 1;
    QTest::addRow("keys are case-sensitive")
        << QByteArray(R"({"a": 1})") << s("A") << QByteArray() << 1;
}

void TestJson::duplicateKeys()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QByteArray, found);
    QFETCH(int, keyCount);

    Value v;
    QVERIFY(ed::json::parse(text, v));
    QCOMPARE(int(v.keys.size()), keyCount);
    QCOMPARE(v.items.size(), v.keys.size());
    const Value *member = v.find(key);
    if (found.isNull()) {
        QVERIFY(!member);
    } else {
        QVERIFY(member);
        QCOMPARE(slice(text, *member), found);
    }
}

void TestJson::strings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    QTest::addRow("plain") << QByteArray(R"("hello")") << s("hello");
    QTest::addRow("empty") << QByteArray(R"("")") << QString();
    QTest::addRow("raw UTF-8") << QByteArray("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"") << s("café 😀");
    QTest::addRow("quote and backslash") << QByteArray(R"("a\"b\\c")") << s("a\"b\\c");
    QTest::addRow("solidus") << QByteArray(R"("a\/b")") << s("a/b");
    QTest::addRow("control escapes") << QByteArray(R"("\b\f\n\r\t")") << s("\b\f\n\r\t");
    QTest::addRow("\\u BMP") << QByteArray(R"("\u00e9\u00E9")") << s("éé");
    QTest::addRow("\\u NUL") << QByteArray(R"("a\u0000b")") << QStringView(u"a\0b", 3).toString();
    QTest::addRow("\\u surrogate pair") << QByteArray(R"("\ud83d\ude00")") << s("😀");
    QTest::addRow("\\u surrogate pair, upper case") << QByteArray(R"("\uD834\uDD1E")") << s("𝄞");
    QTest::addRow("escapes mixed with raw UTF-8")
        << QByteArray("\"\xc3\xa9\\n\xf0\x9f\x98\x80\\u0041\"") << s("é\n😀A");
    QTest::addRow("escaped backslash before quote") << QByteArray(R"("\\")") << s("\\");
    QTest::addRow("DEL is allowed raw") << QByteArray("\"\x7f\"") << s("\x7f");
}

void TestJson::strings()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);

    Value v;
    QString error;
    QVERIFY2(ed::json::parse(text, v, &error), qPrintable(error));
    QCOMPARE(v.type, Type::String);
    QCOMPARE(v.string, expected);
    QCOMPARE(v.begin, 0);
    QCOMPARE(v.end, text.size());

    // The same text as an object key decodes identically.
    Value obj;
    QVERIFY(ed::json::parse(QByteArray("{" + text + ":0}"), obj));
    QCOMPARE(obj.keys.size(), size_t(1));
    QCOMPARE(obj.keys.front(), expected);
}

void TestJson::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message"); // a fragment the error must contain

    QTest::addRow("empty") << QByteArray() << s("empty");
    QTest::addRow("only spaces") << QByteArray("   \n") << s("empty");
    QTest::addRow("trailing data") << QByteArray("1 2") << s("after the JSON value");
    QTest::addRow("two objects") << QByteArray("{} {}") << s("after the JSON value");
    QTest::addRow("leading zero") << QByteArray("01") << s("after the JSON value");
    QTest::addRow("unclosed object") << QByteArray("{") << s("end of input");
    QTest::addRow("unclosed array") << QByteArray("[1, 2") << s("end of input");
    QTest::addRow("unterminated string") << QByteArray(R"("abc)") << s("end of input");
    QTest::addRow("truncated literal") << QByteArray("tru") << s("literal");
    QTest::addRow("bad literal") << QByteArray("nul1") << s("invalid literal");
    QTest::addRow("capitalised literal") << QByteArray("True") << s("unexpected character");
    QTest::addRow("trailing comma in array") << QByteArray("[1,]") << s("unexpected character");
    QTest::addRow("trailing comma in object") << QByteArray(R"({"a":1,})") << s("string key");
    QTest::addRow("missing comma") << QByteArray("[1 2]") << s("expected ',' or ']'");
    QTest::addRow("missing colon") << QByteArray(R"({"a" 1})") << s("expected ':'");
    QTest::addRow("unquoted key") << QByteArray("{a:1}") << s("string key");
    QTest::addRow("single quotes") << QByteArray("'a'") << s("unexpected character");
    QTest::addRow("plus sign") << QByteArray("+1") << s("unexpected character");
    QTest::addRow("bare fraction") << QByteArray(".5") << s("unexpected character");
    QTest::addRow("fraction without digits") << QByteArray("[1.]") << s("invalid number");
    QTest::addRow("exponent without digits") << QByteArray("[1e]") << s("invalid number");
    QTest::addRow("minus alone") << QByteArray("[-]") << s("invalid number");
    QTest::addRow("NaN") << QByteArray("NaN") << s("unexpected character");
    QTest::addRow("invalid escape") << QByteArray(R"("\x")") << s("invalid escape");
    QTest::addRow("bad \\u digit") << QByteArray(R"("\u12g4")") << s("\\u");
    QTest::addRow("short \\u") << QByteArray(R"("\u12")") << s("\\u");
    QTest::addRow("raw tab in string") << QByteArray("\"a\tb\"") << s("control character");
    QTest::addRow("raw newline in string") << QByteArray("\"a\nb\"") << s("control character");
    QTest::addRow("too deep") << QByteArray(QByteArray(600, '[') + QByteArray(600, ']'))
                              << s("too deep");
}

void TestJson::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);

    Value v;
    QString error;
    QVERIFY(!ed::json::parse(text, v, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestJson::incomplete_data()
{
    QTest::addColumn<QByteArray>("full");
    QTest::addColumn<qsizetype>("cut");

    // Every proper prefix of a value (after its first byte) is Incomplete, not an error.
    const QByteArray doc = R"(  {"a": [1, -2.5e+3, "x\"y\u00e9", true, null, false], "b": {}})";
    for (qsizetype cut = 3; cut < doc.size(); ++cut)
        QTest::addRow("object cut at %lld", qlonglong(cut)) << doc << cut;
    // A number that ends the buffer may continue in the next chunk.
    const QByteArray number = "-12.5e+10 ";
    for (qsizetype cut = 1; cut < number.size(); ++cut)
        QTest::addRow("number cut at %lld", qlonglong(cut)) << number << cut;
}

void TestJson::incomplete()
{
    QFETCH(QByteArray, full);
    QFETCH(qsizetype, cut);

    const QByteArray part = full.left(cut);
    Reader reader(part);
    Value v;
    QCOMPARE(reader.next(v), Status::Incomplete);
    // The position stays at the value's start so the caller can retry with more input.
    QCOMPARE(reader.position(), full.indexOf(full.trimmed()));

    Reader resumed(full, reader.position());
    QCOMPARE(resumed.next(v), Status::Ok);
    QCOMPARE(slice(full, v), full.trimmed());
    QCOMPARE(resumed.next(v), Status::End);
}

void TestJson::consecutiveValues()
{
    // NDJSON and concatenated JSON: values one after another.
    const QByteArray text = "{\"a\":1}\n{\"b\":[2]} \"s\"\r\n[3]\ntrue\n7\n";
    Reader reader(text);
    QList<QByteArray> got;
    Value v;
    Status st;
    while ((st = reader.next(v)) == Status::Ok)
        got.append(slice(text, v));
    QCOMPARE(st, Status::End);
    QCOMPARE(got, (QList<QByteArray>{"{\"a\":1}", "{\"b\":[2]}", "\"s\"", "[3]", "true", "7"}));
    QVERIFY(reader.atEnd());

    // An error is reported with its offset and does not pretend to be the end.
    const QByteArray bad = "{\"a\":1}\n{\"b\" 2}\n";
    Reader r2(bad);
    QCOMPARE(r2.next(v), Status::Ok);
    QCOMPARE(r2.next(v), Status::Error);
    QVERIFY(r2.error().contains(u"':'"));
    QCOMPARE(r2.errorOffset(), bad.indexOf(" 2}") + 1);
}

void TestJson::streamArray_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qsizetype>("split");

    // The buffer first ends at `split`, then the rest arrives: the elements must be the same.
    const QByteArray text = " [ {\"a\": [1, 2]} , 12.5,\"x,]\" ,\n[] ,{}, null ] ";
    for (qsizetype split = 0; split <= text.size(); ++split)
        QTest::addRow("split at %lld", qlonglong(split)) << text << split;
}

void TestJson::streamArray()
{
    QFETCH(QByteArray, text);
    QFETCH(qsizetype, split);

    const QList<QByteArray> expected = {"{\"a\": [1, 2]}", "12.5", "\"x,]\"", "[]", "{}", "null"};
    QByteArray buffer = text.left(split);
    bool grown = false;

    qsizetype pos = 0;
    for (;;) {
        Reader reader(buffer, pos);
        const Status st = reader.enterArray();
        if (st == Status::Incomplete) {
            if (grown)
                QFAIL("Incomplete although the whole input is there");
            buffer = text;
            grown = true;
            continue;
        }
        QCOMPARE(st, Status::Ok);
        pos = reader.position();
        break;
    }
    QList<QByteArray> got;
    for (;;) {
        Reader reader(buffer, pos);
        Value v;
        const Status st = reader.nextElement(v);
        if (st == Status::Incomplete) {
            QCOMPARE(reader.position(), pos);
            if (grown)
                QFAIL("Incomplete although the whole input is there");
            buffer = text;
            grown = true;
            continue;
        }
        QVERIFY2(st != Status::Error, qPrintable(reader.error()));
        pos = reader.position();
        if (st == Status::End)
            break;
        got.append(slice(buffer, v));
    }
    QCOMPARE(got, expected);
    QVERIFY(Reader(buffer, pos).atEnd());
}

void TestJson::streamArrayErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("goodElements");
    QTest::addColumn<Status>("last");

    QTest::addRow("empty array") << QByteArray("[]") << 0 << Status::End;
    QTest::addRow("spaces inside") << QByteArray("[ \n ]") << 0 << Status::End;
    QTest::addRow("not an array") << QByteArray("{}") << -1 << Status::Error;
    QTest::addRow("empty buffer") << QByteArray("  ") << -1 << Status::Incomplete;
    QTest::addRow("missing comma") << QByteArray("[1 2]") << 0 << Status::Error;
    QTest::addRow("missing comma after object") << QByteArray("[{} {}]") << 0 << Status::Error;
    QTest::addRow("leading comma") << QByteArray("[,1]") << 0 << Status::Error;
    QTest::addRow("leading comma after spaces") << QByteArray("[ \n ,1]") << 0 << Status::Error;
    QTest::addRow("double comma") << QByteArray("[1,,2]") << 1 << Status::Error;
    QTest::addRow("trailing comma") << QByteArray("[1,]") << 1 << Status::Error;
    QTest::addRow("bad element") << QByteArray("[1, tru, 3]") << 1 << Status::Error;
    QTest::addRow("unclosed") << QByteArray("[1, 2 ") << 2 << Status::Incomplete;
    QTest::addRow("number at buffer end") << QByteArray("[1, 2") << 1 << Status::Incomplete;
}

void TestJson::streamArrayErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, goodElements);
    QFETCH(Status, last);

    Reader reader(text);
    const Status opened = reader.enterArray();
    if (goodElements < 0) {
        QCOMPARE(opened, last);
        if (last == Status::Error)
            QVERIFY(!reader.error().isEmpty());
        return;
    }
    QCOMPARE(opened, Status::Ok);
    int count = 0;
    Value v;
    Status st;
    while ((st = reader.nextElement(v)) == Status::Ok)
        ++count;
    QCOMPARE(count, goodElements);
    QCOMPARE(st, last);
    if (st == Status::Error)
        QVERIFY(!reader.error().isEmpty());
}

void TestJson::minify_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("whitespace between tokens")
        << QByteArray(" {\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } } ")
        << QByteArray(R"({"a":[1,2],"b":{}})");
    QTest::addRow("spaces inside strings kept")
        << QByteArray(R"({ "k y" : "a  b  c " })") << QByteArray(R"({"k y":"a  b  c "})");
    QTest::addRow("escaped quote does not end the string")
        << QByteArray(R"({"a": "x\" , y", "b" : 1})") << QByteArray(R"({"a":"x\" , y","b":1})");
    QTest::addRow("escaped backslash before closing quote")
        << QByteArray(R"(["a\\" , "b c"])") << QByteArray(R"(["a\\","b c"])");
    QTest::addRow("escapes are not decoded")
        << QByteArray(R"({"e": "\u00e9 \n \/"})") << QByteArray(R"({"e":"\u00e9 \n \/"})");
    QTest::addRow("raw UTF-8 kept") << QByteArray("{ \"k\" : \"caf\xc3\xa9 \xf0\x9f\x98\x80\" }")
                                    << QByteArray("{\"k\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
    QTest::addRow("number text kept")
        << QByteArray("[ 12345678901234567890 , 1.0e400 , -0.0 , 1E+2 ]")
        << QByteArray("[12345678901234567890,1.0e400,-0.0,1E+2]");
    QTest::addRow("key order and duplicates kept")
        << QByteArray(R"({"z": 1, "a": 2, "z": 3})") << QByteArray(R"({"z":1,"a":2,"z":3})");
    QTest::addRow("already minified")
        << QByteArray(R"({"a":[true,false,null]})") << QByteArray(R"({"a":[true,false,null]})");
}

void TestJson::minify()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    const QByteArray out = ed::json::minify(text);
    QCOMPARE(out, expected);
    QCOMPARE(ed::json::minify(out), out);
    Value a, b;
    QVERIFY(ed::json::parse(text, a));
    QVERIFY(ed::json::parse(out, b));
    QCOMPARE(b.keys, a.keys);
}

void TestJson::appendQuoted_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("expected");

    // The reference is Python's json.dumps(s, ensure_ascii=False).
    QTest::addRow("plain") << s("abc") << QByteArray(R"("abc")");
    QTest::addRow("empty") << QString() << QByteArray(R"("")");
    QTest::addRow("quote") << s("a\"b") << QByteArray(R"("a\"b")");
    QTest::addRow("backslash") << s("a\\b") << QByteArray(R"("a\\b")");
    QTest::addRow("solidus not escaped") << s("a/b") << QByteArray(R"("a/b")");
    QTest::addRow("short escapes") << s("\n\r\t\b\f") << QByteArray(R"("\n\r\t\b\f")");
    QTest::addRow("other control characters") << s("\x01\x1f") << QByteArray(R"("\u0001\u001f")");
    QTest::addRow("NUL") << QStringView(u"\0", 1).toString() << QByteArray(R"("\u0000")");
    QTest::addRow("DEL raw") << s("\x7f") << QByteArray("\"\x7f\"");
    QTest::addRow("non-ASCII raw") << s("café") << QByteArray("\"caf\xc3\xa9\"");
    QTest::addRow("non-BMP raw") << s("😀") << QByteArray("\"\xf0\x9f\x98\x80\"");
    QTest::addRow("line separator raw") << s("\u2028") << QByteArray("\"\xe2\x80\xa8\"");
}

void TestJson::appendQuoted()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, expected);

    QByteArray out = "x";
    ed::json::appendQuoted(out, input);
    QCOMPARE(out, QByteArray("x" + expected));

    Value v;
    QVERIFY(ed::json::parse(expected, v));
    QCOMPARE(v.string, input);
}

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
