// The event model (spec §2): parsing with the server's validation, lossless round trips
// through the export form, and UUID canonicalisation.

#include "core/event.h"
#include "core/json.h"
#include "core/timeutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using ed::Event;
using ed::EventError;
using ed::Resource;

class TestEvent final : public QObject
{
    Q_OBJECT

private slots:
    void fixtures_data();
    void fixtures();
    void payloadPreserved_data();
    void payloadPreserved();
    void serializeExact();
    void defaultsAndNulls();
    void unknownKeysIgnored();
    void duplicateKeys();
    void invalid_data();
    void invalid();
    void accepted_data();
    void accepted();
    void validateBuilt_data();
    void validateBuilt();
    void uuid_data();
    void uuid();
    void uuidBytes();
    void resourceAccessors_data();
    void resourceAccessors();
};

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

const QByteArray kId = "f6a7b890-1234-5678-9012-abcdef345678";
const QByteArray kOtherId = "d4e5f6a7-b890-1234-5678-9012abcdef34";

// A valid event as ordered JSON members; rows replace or drop members.
class EventJson
{
public:
    EventJson()
    {
        m_members = {
            {"occurred", "\"2026-03-31T18:30:00Z\""},
            {"event", "\"prefect.flow-run.Completed\""},
            {"resource", R"({"prefect.resource.id": "prefect.flow-run.1"})"},
            {"related",
             R"([{"prefect.resource.id": "prefect.flow.2", "prefect.resource.role": "flow"}])"},
            {"payload", R"({"a": 1})"},
            {"id", '"' + kId + '"'},
        };
    }
    EventJson &set(const QByteArray &key, const QByteArray &raw)
    {
        for (auto &m : m_members) {
            if (m.first == key) {
                m.second = raw;
                return *this;
            }
        }
        m_members.append({key, raw});
        return *this;
    }
    EventJson &drop(const QByteArray &key)
    {
        m_members.removeIf([&](const auto &m) { return m.first == key; });
        return *this;
    }
    QByteArray text() const
    {
        QByteArray out = "{";
        for (qsizetype i = 0; i < m_members.size(); ++i) {
            if (i)
                out += ", ";
            out += '"' + m_members[i].first + "\": " + m_members[i].second;
        }
        return out + '}';
    }

private:
    QList<QPair<QByteArray, QByteArray>> m_members;
};

QByteArray quoted(const QString &text)
{
    QByteArray out;
    ed::json::appendQuoted(out, text);
    return out;
}

QByteArray resourceWithLabels(int count, const QByteArray &role = QByteArray())
{
    QByteArray out = R"({"prefect.resource.id": "r")";
    int n = 1;
    if (!role.isEmpty()) {
        out += R"(, "prefect.resource.role": ")" + role + '"';
        ++n;
    }
    for (; n < count; ++n)
        out += ", \"label." + QByteArray::number(n) + "\": \"v\"";
    return out + '}';
}

QByteArray relatedList(int count)
{
    QByteArray out = "[";
    for (int i = 0; i < count; ++i) {
        if (i)
            out += ',';
        out += R"({"prefect.resource.id": "prefect.tag.t)" + QByteArray::number(i)
               + R"(", "prefect.resource.role": "tag"})";
    }
    return out + ']';
}

QByteArray repeated(const char *utf8, int count)
{
    return QByteArray(utf8).repeated(count);
}

QList<QByteArray> fixtureEvents()
{
    QFile file(QStringLiteral(EVENTDECK_FIXTURES "/prefect-sample-events.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    ed::json::Value root;
    if (!ed::json::parse(text, root) || !root.isArray())
        return {};
    QList<QByteArray> out;
    for (const auto &item : root.items)
        out.append(text.mid(item.begin, item.end - item.begin));
    return out;
}

qint64 parseTime(const QJsonValue &v)
{
    qint64 t = 0;
    if (!ed::timeutil::parse(v.toString(), t))
        return std::numeric_limits<qint64>::min();
    return t;
}

} // namespace

void TestEvent::fixtures_data()
{
    QTest::addColumn<QByteArray>("text");

    const QList<QByteArray> events = fixtureEvents();
    QCOMPARE(events.size(), 30);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject o = QJsonDocument::fromJson(events[i]).object();
        QTest::addRow("%lld %s", qlonglong(i), qPrintable(o.value(u"event").toString()))
            << events[i];
    }
}

void TestEvent::fixtures()
{
    QFETCH(QByteArray, text);

    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(text, e, error), qPrintable(error.message()));

    // Compare with an independent reading of the same JSON.
    const QJsonObject o = QJsonDocument::fromJson(text).object();
    QCOMPARE(e.event, o.value(u"event").toString());
    QCOMPARE(e.occurred, parseTime(o.value(u"occurred")));
    QCOMPARE(e.id, o.value(u"id").toString().toLower());
    if (o.value(u"follows").isString())
        QCOMPARE(e.follows, o.value(u"follows").toString().toLower());
    else
        QVERIFY(e.follows.isEmpty());
    if (o.value(u"received").isString())
        QCOMPARE(e.received, std::optional<qint64>(parseTime(o.value(u"received"))));
    else
        QVERIFY(!e.received);

    // Labels keep the order of the input (QJsonObject sorts, so take the order from ed::json).
    ed::json::Value raw;
    QVERIFY(ed::json::parse(text, raw));
    const ed::json::Value *resource = raw.find(u"resource");
    QCOMPARE(qsizetype(resource->keys.size()), e.resource.labels.size());
    for (qsizetype i = 0; i < e.resource.labels.size(); ++i) {
        QCOMPARE(e.resource.labels[i].key, resource->keys[size_t(i)]);
        QCOMPARE(e.resource.labels[i].value,
                 o.value(u"resource").toObject().value(e.resource.labels[i].key).toString());
    }
    const QJsonArray related = o.value(u"related").toArray();
    QCOMPARE(e.related.size(), related.size());
    for (qsizetype i = 0; i < related.size(); ++i) {
        const QJsonObject r = related[i].toObject();
        QCOMPARE(e.related[i].labels.size(), r.size());
        for (const ed::Label &l : e.related[i].labels)
            QCOMPARE(l.value, r.value(l.key).toString());
    }
    if (const ed::json::Value *payload = raw.find(u"payload"))
        QCOMPARE(e.payload,
                 ed::json::minify(text.mid(payload->begin, payload->end - payload->begin)));
    else
        QCOMPARE(e.payload, QByteArray("{}"));
    QCOMPARE(QJsonDocument::fromJson(e.payload).object(), o.value(u"payload").toObject());

    // Round trip through the export form.
    const QByteArray out = ed::serializeEvent(e);
    Event again;
    QVERIFY2(ed::parseEvent(out, again, error), qPrintable(error.message()));
    QVERIFY(again == e);
    QCOMPARE(ed::serializeEvent(again), out);

    ed::json::Value written;
    QVERIFY(ed::json::parse(out, written));
    const std::vector<QString> order = {s("occurred"), s("event"), s("resource"), s("related"),
                                        s("payload"),  s("id"),    s("follows"),  s("received")};
    QCOMPARE(written.keys, order);
    QCOMPARE(written.find(u"follows")->isNull(), e.follows.isEmpty());
    QCOMPARE(written.find(u"received")->isNull(), !e.received.has_value());
    // No whitespace between tokens: the export form is compact.
    QCOMPARE(ed::json::minify(out), out);

    // Semantically the same event as the input, apart from normalised datetimes.
    const QJsonObject w = QJsonDocument::fromJson(out).object();
    for (const char *key : {"event", "resource", "related", "id"})
        QCOMPARE(w.value(QLatin1StringView(key)), o.value(QLatin1StringView(key)));
    QCOMPARE(w.value(u"payload").toObject(), o.value(u"payload").toObject());
    QCOMPARE(parseTime(w.value(u"occurred")), e.occurred);
}

void TestEvent::payloadPreserved_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("key order") << QByteArray(R"({"z": 1, "a": 2, "m": 3})")
                               << QByteArray(R"({"z":1,"a":2,"m":3})");
    QTest::addRow("big integer") << QByteArray(R"({"big": 12345678901234567890})")
                                 << QByteArray(R"({"big":12345678901234567890})");
    QTest::addRow("huge float") << QByteArray(R"({"huge": 1.0e400, "tiny": 1e-400})")
                                << QByteArray(R"({"huge":1.0e400,"tiny":1e-400})");
    QTest::addRow("number spellings") << QByteArray(R"({"a": -0.0, "b": 1E+2, "c": 1.50})")
                                      << QByteArray(R"({"a":-0.0,"b":1E+2,"c":1.50})");
    QTest::addRow("string bytes and escapes")
        << QByteArray("{\"s\": \"a  b \\u00e9 \\\" caf\xc3\xa9 \\/\"}")
        << QByteArray("{\"s\":\"a  b \\u00e9 \\\" caf\xc3\xa9 \\/\"}");
    QTest::addRow("nested order") << QByteArray(R"({"n": {"b": [{"y": 1, "x": 2}], "a": null}})")
                                  << QByteArray(R"({"n":{"b":[{"y":1,"x":2}],"a":null}})");
    QTest::addRow("duplicate keys kept")
        << QByteArray(R"({"k": 1, "k": 2})") << QByteArray(R"({"k":1,"k":2})");
    QTest::addRow("empty") << QByteArray("{ }") << QByteArray("{}");
    QTest::addRow("pretty printed")
        << QByteArray("{\n  \"a\": [\n    1,\n    2\n  ]\n}") << QByteArray(R"({"a":[1,2]})");
}

void TestEvent::payloadPreserved()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, expected);

    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(EventJson().set("payload", payload).text(), e, error),
             qPrintable(error.message()));
    QCOMPARE(e.payload, expected);
    const QByteArray out = ed::serializeEvent(e);
    QVERIFY2(out.contains(QByteArray(",\"payload\":" + expected + ",\"id\":")), out.constData());

    Event again;
    QVERIFY(ed::parseEvent(out, again, error));
    QCOMPARE(again.payload, expected);
    QCOMPARE(ed::serializeEvent(again), out);
}

void TestEvent::serializeExact()
{
    Event e;
    QVERIFY(ed::timeutil::parse(u"2026-03-31T18:30:00.5Z", e.occurred));
    e.event = s("café \"quoted\"");
    e.resource.set(s("prefect.resource.id"), s("prefect.flow-run.1"));
    e.resource.set(s("note"), s("line\nbreak\t😀"));
    Resource tag;
    tag.set(s("prefect.resource.id"), s("prefect.tag.x"));
    tag.set(s("prefect.resource.role"), s("tag"));
    e.related.append(tag);
    e.payload = R"({"b":1,"a":[true,null]})";
    e.id = QString::fromLatin1(kId);

    EventError error;
    QVERIFY2(ed::validateEvent(e, error), qPrintable(error.message()));
    QCOMPARE(ed::serializeEvent(e),
             QByteArray("{\"occurred\":\"2026-03-31T18:30:00.500000Z\","
                        "\"event\":\"caf\xc3\xa9 \\\"quoted\\\"\","
                        "\"resource\":{\"prefect.resource.id\":\"prefect.flow-run.1\","
                        "\"note\":\"line\\nbreak\\t\xf0\x9f\x98\x80\"},"
                        "\"related\":[{\"prefect.resource.id\":\"prefect.tag.x\","
                        "\"prefect.resource.role\":\"tag\"}],"
                        "\"payload\":{\"b\":1,\"a\":[true,null]},"
                        "\"id\":\"f6a7b890-1234-5678-9012-abcdef345678\","
                        "\"follows\":null,\"received\":null}"));

    e.follows = QString::fromLatin1(kOtherId);
    e.received = e.occurred + 1;
    const QByteArray out = ed::serializeEvent(e);
    QVERIFY(out.endsWith(",\"follows\":\"d4e5f6a7-b890-1234-5678-9012abcdef34\","
                         "\"received\":\"2026-03-31T18:30:00.500001Z\"}"));
    Event again;
    QVERIFY(ed::parseEvent(out, again, error));
    QVERIFY(again == e);
}

void TestEvent::defaultsAndNulls()
{
    // related, payload, follows and received are optional; null follows/received are absent.
    const QByteArray text = EventJson()
                                .drop("related")
                                .drop("payload")
                                .set("follows", "null")
                                .set("received", "null")
                                .text();
    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(text, e, error), qPrintable(error.message()));
    QVERIFY(e.related.isEmpty());
    QCOMPARE(e.payload, QByteArray("{}"));
    QVERIFY(e.follows.isEmpty());
    QVERIFY(!e.received);
    const QByteArray out = ed::serializeEvent(e);
    QVERIFY(out.contains("\"related\":[],\"payload\":{},"));
    QVERIFY(out.endsWith("\"follows\":null,\"received\":null}"));

    // An event built in code with an empty payload still serialises a valid object.
    Event built = e;
    built.payload.clear();
    QVERIFY(ed::serializeEvent(built).contains("\"payload\":{}"));

    // received is kept when present.
    Event r;
    QVERIFY(ed::parseEvent(EventJson().set("received", "\"2026-03-31T18:30:01.25+00:00\"").text(),
                           r, error));
    QVERIFY(r.received);
    QCOMPARE(*r.received, e.occurred + 1250000);
    QVERIFY(ed::serializeEvent(r).endsWith("\"received\":\"2026-03-31T18:30:01.250000Z\"}"));
}

void TestEvent::unknownKeysIgnored()
{
    const QByteArray text = EventJson()
                                .set("account", "\"acc\"")
                                .set("workspace", R"({"id": [1, 2, {"x": null}]})")
                                .set("recorded", "\"not even a date\"")
                                .text();
    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(text, e, error), qPrintable(error.message()));
    Event plain;
    QVERIFY(ed::parseEvent(EventJson().text(), plain, error));
    QVERIFY(e == plain);
    QVERIFY(!ed::serializeEvent(e).contains("account"));
}

void TestEvent::duplicateKeys()
{
    // As Python's json: the last member wins; a repeated label keeps its first position.
    const QByteArray text = EventJson()
                                .set("event", R"("first", "event": "second")")
                                .set("resource", R"({"prefect.resource.id": "r", "x": "1",
                                                     "y": "2", "x": "3"})")
                                .text();
    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(text, e, error), qPrintable(error.message()));
    QCOMPARE(e.event, s("second"));
    QCOMPARE(e.resource.labels.size(), 3);
    QCOMPARE(e.resource.labels[1].key, s("x"));
    QCOMPARE(e.resource.labels[1].value, s("3"));
    QCOMPARE(e.resource.labels[2].key, s("y"));
}

void TestEvent::invalid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("reason"); // a fragment

    auto row = [](const char *name, const EventJson &j, const char *field, const char *reason) {
        QTest::addRow("%s", name) << j.text() << s(field) << s(reason);
    };
    row("missing occurred", EventJson().drop("occurred"), "occurred", "required");
    row("missing event", EventJson().drop("event"), "event", "required");
    row("missing resource", EventJson().drop("resource"), "resource", "required");
    row("missing id", EventJson().drop("id"), "id", "required");
    row("occurred is a number", EventJson().set("occurred", "1711909800"), "occurred", "a number");
    row("occurred is null", EventJson().set("occurred", "null"), "occurred", "null");
    row("occurred is not a date", EventJson().set("occurred", "\"2026-02-30T00:00:00Z\""),
        "occurred", "no such date");
    row("event is a number", EventJson().set("event", "5"), "event", "must be a string");
    row("event is null", EventJson().set("event", "null"), "event", "null");
    row("resource is a list", EventJson().set("resource", "[]"), "resource", "an array");
    row("label value is a number",
        EventJson().set("resource", R"({"prefect.resource.id": "r", "count": 1})"),
        "resource.count", "must be strings, got a number");
    row("label value is null",
        EventJson().set("resource", R"({"prefect.resource.id": "r", "n": null})"), "resource.n",
        "got null");
    row("label value is a boolean",
        EventJson().set("resource", R"({"prefect.resource.id": "r", "b": true})"), "resource.b",
        "a boolean");
    row("label value is an object",
        EventJson().set("resource", R"({"prefect.resource.id": "r", "o": {}})"), "resource.o",
        "an object");
    row("resource id is a number", EventJson().set("resource", R"({"prefect.resource.id": 7})"),
        "resource.prefect.resource.id", "must be strings");
    row("missing prefect.resource.id", EventJson().set("resource", R"({"name": "x"})"), "resource",
        "must include the prefect.resource.id label");
    row("empty prefect.resource.id", EventJson().set("resource", R"({"prefect.resource.id": ""})"),
        "resource", "non-empty");
    row("related is an object", EventJson().set("related", "{}"), "related", "an array");
    row("related item is a string", EventJson().set("related", R"(["x"])"), "related[0]",
        "a string");
    row("related without role", EventJson().set("related", R"([{"prefect.resource.id": "x"}])"),
        "related[0]", "must include the prefect.resource.role label");
    row("related with empty role",
        EventJson().set("related", R"([{"prefect.resource.id": "x", "prefect.resource.role": "a"},
                                       {"prefect.resource.id": "y", "prefect.resource.role": ""}])"),
        "related[1]", "prefect.resource.role label must be non-empty");
    row("related without id", EventJson().set("related", R"([{"prefect.resource.role": "flow"}])"),
        "related[0]", "must include the prefect.resource.id label");
    row("related with empty id",
        EventJson().set("related", R"([{"prefect.resource.id": "", "prefect.resource.role": "f"}])"),
        "related[0]", "prefect.resource.id label must be non-empty");
    row("related label is a number",
        EventJson().set("related",
                        R"([{"prefect.resource.id": "x", "prefect.resource.role": "r", "n": 1}])"),
        "related[0].n", "must be strings");
    row("501 labels", EventJson().set("resource", resourceWithLabels(501)), "resource",
        "The maximum number of labels per resource is 500");
    row("501 labels on a related resource",
        EventJson().set("related", '[' + resourceWithLabels(501, "tag") + ']'), "related[0]",
        "is 500");
    row("101 related", EventJson().set("related", relatedList(101)), "related",
        "The maximum number of related resources is 100");
    row("1025-character name", EventJson().set("event", '"' + QByteArray(1025, 'e') + '"'), "event",
        "1024");
    row("1025 non-BMP characters", EventJson().set("event", '"' + repeated("😀", 1025) + '"'),
        "event", "1024");
    row("bad UUID", EventJson().set("id", "\"not-a-uuid\""), "id", "invalid UUID \"not-a-uuid\"");
    row("UUID one digit short", EventJson().set("id", "\"f6a7b890-1234-5678-9012-abcdef34567\""),
        "id", "invalid UUID");
    row("UUID with a non-hex digit",
        EventJson().set("id", "\"g6a7b890-1234-5678-9012-abcdef345678\""), "id", "invalid UUID");
    row("id is a number", EventJson().set("id", "12"), "id", "a number");
    row("id is null", EventJson().set("id", "null"), "id", "null");
    row("follows bad UUID", EventJson().set("follows", "\"nope\""), "follows", "invalid UUID");
    row("follows is a number", EventJson().set("follows", "1"), "follows", "a number");
    row("payload is a list", EventJson().set("payload", "[]"), "payload", "must be an object");
    row("payload is a string", EventJson().set("payload", "\"{}\""), "payload", "must be an object");
    row("payload is null", EventJson().set("payload", "null"), "payload", "must be an object");
    row("received is not a date", EventJson().set("received", "\"later\""), "received", "invalid");
    row("received is a number", EventJson().set("received", "0"), "received", "a number");

    QTest::addRow("not an object") << QByteArray("[]") << QString() << s("must be a JSON object");
    QTest::addRow("not JSON") << QByteArray("{\"occurred\": ") << QString() << s("invalid JSON");
}

void TestEvent::invalid()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, field);
    QFETCH(QString, reason);

    Event e;
    EventError error;
    QVERIFY(!ed::parseEvent(text, e, error));
    QCOMPARE(error.field, field);
    QVERIFY2(error.reason.contains(reason), qPrintable(error.reason));
    if (field.isEmpty())
        QCOMPARE(error.message(), error.reason);
    else
        QCOMPARE(error.message(), field + s(": ") + error.reason);
}

void TestEvent::accepted_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::addRow("500 labels") << EventJson().set("resource", resourceWithLabels(500)).text();
    QTest::addRow("500 labels on a related resource")
        << EventJson().set("related", '[' + resourceWithLabels(500, "tag") + ']').text();
    QTest::addRow("100 related") << EventJson().set("related", relatedList(100)).text();
    QTest::addRow("1024-character name")
        << EventJson().set("event", '"' + QByteArray(1024, 'e') + '"').text();
    // 1024 code points are 2048 UTF-16 units: the limit counts code points, as Python does.
    QTest::addRow("1024 non-BMP characters")
        << EventJson().set("event", '"' + repeated("😀", 1024) + '"').text();
    QTest::addRow("1024 escaped surrogate pairs")
        << EventJson().set("event", '"' + repeated("\\ud83d\\ude00", 1024) + '"').text();
    QTest::addRow("empty related list") << EventJson().set("related", "[]").text();
    QTest::addRow("empty event name") << EventJson().set("event", "\"\"").text();
    QTest::addRow("empty label values other than the id")
        << EventJson()
               .set("resource", R"({"prefect.resource.id": "r", "prefect.state-message": ""})")
               .text();
    QTest::addRow("role label on the primary resource")
        << EventJson()
               .set("resource", R"({"prefect.resource.id": "r", "prefect.resource.role": ""})")
               .text();
    QTest::addRow("offset datetimes")
        << EventJson().set("occurred", "\"2026-03-31T20:30:00+02:00\"").text();
    QTest::addRow("naive datetime")
        << EventJson().set("occurred", "\"2026-03-31 18:30:00\"").text();
    QTest::addRow("nine fraction digits")
        << EventJson().set("occurred", "\"2026-03-31T18:30:00.123456789Z\"").text();
    QTest::addRow("pretty printed") << QByteArray(EventJson().text()).replace(", ", ",\n    ");
}

void TestEvent::accepted()
{
    QFETCH(QByteArray, text);

    Event e;
    EventError error;
    QVERIFY2(ed::parseEvent(text, e, error), qPrintable(error.message()));
    QVERIFY2(ed::validateEvent(e, error), qPrintable(error.message()));
    Event again;
    QVERIFY2(ed::parseEvent(ed::serializeEvent(e), again, error), qPrintable(error.message()));
    QVERIFY(again == e);
}

void TestEvent::validateBuilt_data()
{
    QTest::addColumn<int>("labels");
    QTest::addColumn<int>("related");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("follows");
    QTest::addColumn<QString>("field"); // empty: valid

    const QString id = QString::fromLatin1(kId);
    const QString name = s("prefect.flow-run.Completed");
    QTest::addRow("valid") << 3 << 2 << name << id << QString() << QString();
    QTest::addRow("valid with follows")
        << 3 << 2 << name << id << QString::fromLatin1(kOtherId) << QString();
    QTest::addRow("500 labels") << 500 << 0 << name << id << QString() << QString();
    QTest::addRow("501 labels") << 501 << 0 << name << id << QString() << s("resource");
    QTest::addRow("100 related") << 1 << 100 << name << id << QString() << QString();
    QTest::addRow("101 related") << 1 << 101 << name << id << QString() << s("related");
    QTest::addRow("1024 characters")
        << 1 << 0 << QString(1024, u'x') << id << QString() << QString();
    QTest::addRow("1025 characters")
        << 1 << 0 << QString(1025, u'x') << id << QString() << s("event");
    QTest::addRow("empty id") << 1 << 0 << name << QString() << QString() << s("id");
    QTest::addRow("bad id") << 1 << 0 << name << s("xyz") << QString() << s("id");
    QTest::addRow("bad follows") << 1 << 0 << name << id << s("xyz") << s("follows");
}

void TestEvent::validateBuilt()
{
    QFETCH(int, labels);
    QFETCH(int, related);
    QFETCH(QString, name);
    QFETCH(QString, id);
    QFETCH(QString, follows);
    QFETCH(QString, field);

    Event e;
    e.event = name;
    e.id = id;
    e.follows = follows;
    e.resource.set(s("prefect.resource.id"), s("r"));
    for (int i = 1; i < labels; ++i)
        e.resource.set(s("l%1").arg(i), s("v"));
    for (int i = 0; i < related; ++i) {
        Resource r;
        r.set(s("prefect.resource.id"), s("t%1").arg(i));
        r.set(s("prefect.resource.role"), s("tag"));
        e.related.append(r);
    }
    EventError error;
    QCOMPARE(ed::validateEvent(e, error), field.isEmpty());
    QCOMPARE(error.field, field);
}

void TestEvent::uuid_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical"); // empty: rejected

    const QString c = QString::fromLatin1(kId);
    QTest::addRow("canonical") << c << c;
    QTest::addRow("uppercase") << c.toUpper() << c;
    QTest::addRow("mixed case") << s("F6a7B890-1234-5678-9012-AbCdEf345678") << c;
    QTest::addRow("no hyphens") << s("f6a7b890123456789012abcdef345678") << c;
    QTest::addRow("no hyphens, uppercase") << s("F6A7B890123456789012ABCDEF345678") << c;
    QTest::addRow("braces") << u'{' + c + u'}' << c;
    QTest::addRow("urn:uuid:") << s("urn:uuid:") + c << c;
    QTest::addRow("nil UUID") << s("00000000-0000-0000-0000-000000000000")
                              << s("00000000-0000-0000-0000-000000000000");
    QTest::addRow("empty") << QString() << QString();
    QTest::addRow("words") << s("not-a-uuid") << QString();
    QTest::addRow("31 digits") << s("f6a7b890123456789012abcdef34567") << QString();
    QTest::addRow("33 digits") << s("f6a7b890123456789012abcdef3456789") << QString();
    QTest::addRow("non-hex digit") << s("f6a7b890-1234-5678-9012-abcdef34567g") << QString();
    QTest::addRow("hyphen misplaced") << s("f6a7b89-01234-5678-9012-abcdef345678") << QString();
    QTest::addRow("unbalanced brace") << u'{' + c << QString();
    QTest::addRow("space inside") << s("f6a7b890-1234-5678-9012 abcdef345678") << QString();
    QTest::addRow("fullwidth digit") << s("f6a7b890-1234-5678-9012-abcdef34567８") << QString();
}

void TestEvent::uuid()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);

    QCOMPARE(ed::canonicalUuid(input), canonical);

    // The same forms in an event's id and follows.
    Event e;
    EventError error;
    const QByteArray text =
        EventJson().set("id", quoted(input)).set("follows", quoted(input)).text();
    QCOMPARE(ed::parseEvent(text, e, error), !canonical.isEmpty());
    if (canonical.isEmpty()) {
        QCOMPARE(error.field, s("id"));
        return;
    }
    QCOMPARE(e.id, canonical);
    QCOMPARE(e.follows, canonical);
    QVERIFY(ed::serializeEvent(e).contains(QByteArray("\"id\":\"" + canonical.toLatin1() + '"')));
}

void TestEvent::uuidBytes()
{
    const QString c = QString::fromLatin1(kId);
    const QByteArray bytes = ed::uuidToBytes(c);
    QCOMPARE(bytes, QByteArray::fromHex("f6a7b890123456789012abcdef345678"));
    QCOMPARE(ed::uuidFromBytes(bytes), c);
}

void TestEvent::resourceAccessors_data()
{
    QTest::addColumn<QStringList>("labels"); // key, value, key, value…
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("name");

    QTest::addRow("resource name")
        << QStringList{s("prefect.resource.id"), s("a"), s("prefect.resource.name"), s("n1"),
                       s("prefect.name"),        s("n2")}
        << s("a") << QString() << s("n1");
    QTest::addRow("prefect.name fallback")
        << QStringList{s("prefect.resource.id"), s("a"),  s("prefect.resource.name"), QString(),
                       s("prefect.name"),        s("n2"), s("prefect-cloud.name"),    s("n3")}
        << s("a") << QString() << s("n2");
    QTest::addRow("prefect-cloud.name fallback")
        << QStringList{s("prefect.resource.id"),   s("a"),  s("prefect-cloud.name"), s("n3"),
                       s("prefect.resource.role"), s("tag")}
        << s("a") << s("tag") << s("n3");
    QTest::addRow("no name") << QStringList{s("prefect.resource.role"), s("flow")} << QString()
                             << s("flow") << QString();
}

void TestEvent::resourceAccessors()
{
    QFETCH(QStringList, labels);
    QFETCH(QString, id);
    QFETCH(QString, role);
    QFETCH(QString, name);

    Resource r;
    for (qsizetype i = 0; i + 1 < labels.size(); i += 2)
        r.set(labels[i], labels[i + 1]);
    QCOMPARE(r.id(), id);
    QCOMPARE(r.role(), role);
    QCOMPARE(r.name(), name);
    QVERIFY(!r.value(u"absent"));
}

QTEST_GUILESS_MAIN(TestEvent)
#include "tst_event.moc"
