// EventFilter: reading and writing Prefect's JSON (spec §4.1) and the in-memory matching rules
// of the live stream and automation triggers (§4.2), plus text search (§4.3).

#include "core/eventfilter.h"
#include "core/json.h"
#include "core/timeutil.h"

#include <QFile>
#include <QTest>

using ed::Event;
using ed::EventFilter;
using ed::Resource;
using ed::TextQuery;

Q_DECLARE_METATYPE(ed::Event)

class TestEventFilter final : public QObject
{
    Q_OBJECT

private slots:
    void fixtureFilters_data();
    void fixtureFilters();
    void rejected_data();
    void rejected();
    void accepted_data();
    void accepted();
    void writtenForm();
    void matches_data();
    void matches();
    void textQueryParse_data();
    void textQueryParse();
    void textSearch_data();
    void textSearch();
};

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QStringList list(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *i : items)
        out.append(s(i));
    return out;
}

qint64 at(const char *iso)
{
    qint64 t = 0;
    ed::timeutil::parse(s(iso), t);
    return t;
}

const char *const kEventId = "f6a7b890-1234-5678-9012-abcdef345678";

// Builds events in code: a primary resource `prefect.flow-run.1` and whatever a row adds.
class Ev
{
public:
    Ev()
    {
        m_e.occurred = at("2026-03-31T18:30:00Z");
        m_e.event = s("prefect.flow-run.Completed");
        m_e.id = s(kEventId);
        m_e.resource.set(s("prefect.resource.id"), s("prefect.flow-run.1"));
    }
    Ev &name(const char *n)
    {
        m_e.event = s(n);
        return *this;
    }
    Ev &label(const char *key, const char *value)
    {
        m_e.resource.set(s(key), s(value));
        return *this;
    }
    /// A related resource from key/value pairs.
    Ev &related(std::initializer_list<std::pair<const char *, const char *>> labels)
    {
        Resource r;
        for (const auto &[k, v] : labels)
            r.set(s(k), s(v));
        m_e.related.append(r);
        return *this;
    }
    Ev &payload(const char *json)
    {
        m_e.payload = json;
        return *this;
    }
    Ev &occurred(const char *iso)
    {
        m_e.occurred = at(iso);
        return *this;
    }
    operator Event() const { return m_e; }

private:
    Event m_e;
};

// The event most related/any_resource rows use: a flow run with a flow, a deployment and a tag.
Ev flowRun()
{
    return Ev()
        .label("prefect.resource.name", "crimson-fox")
        .label("env", "prod")
        .related({{"prefect.resource.id", "prefect.flow.2"},
                  {"prefect.resource.role", "flow"},
                  {"prefect.resource.name", "etl"}})
        .related({{"prefect.resource.id", "prefect.deployment.3"},
                  {"prefect.resource.role", "deployment"},
                  {"prefect.resource.name", "etl/prod"},
                  {"hello", "mars"}})
        .related({{"prefect.resource.id", "prefect.tag.x"},
                  {"prefect.resource.role", "tag"},
                  {"hello", "world"}});
}

// The event the text-search rows look at.
Event textEvent()
{
    return Ev()
        .name("prefect.flow-run.Failed")
        .label("prefect.resource.name", "crimson-fox")
        .label("prefect.state-message", "Connection timeout after 30s")
        .label("place", "Café Münster")
        .related({{"prefect.resource.id", "prefect.tag.etl"}, {"prefect.resource.role", "tag"}})
        .payload(R"({"error":{"code":503,"retryable":true,"detail":"say \"hi\" now"},)"
                 R"("count":12345678901234567890,"ratio":1.5e3,"nothing":null,)"
                 R"("tags":["alpha","beta"],"Ünïcode-Key":"x"})");
}

struct FixtureFilter
{
    int index;
    QString name;
    QByteArray filter;
};

QList<FixtureFilter> loadFixtureFilters()
{
    QFile file(QStringLiteral(EVENTDECK_FIXTURES "/prefect-filter-requests.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    ed::json::Value root;
    if (!ed::json::parse(text, root) || !root.isArray())
        return {};
    QList<FixtureFilter> out;
    for (size_t i = 0; i < root.items.size(); ++i) {
        const ed::json::Value &entry = root.items[i];
        const ed::json::Value *body = entry.find(u"body");
        const ed::json::Value *filter = body && body->isObject() ? body->find(u"filter") : nullptr;
        if (!filter)
            continue;
        const ed::json::Value *name = entry.find(u"name");
        out.append({int(i), name ? name->string : QString(),
                    text.mid(filter->begin, filter->end - filter->begin)});
    }
    return out;
}

void checkRoundTrip(const EventFilter &f)
{
    const QByteArray json = f.toJson();
    QString error;
    const std::optional<EventFilter> again = EventFilter::fromJson(json, &error);
    QVERIFY2(again, qPrintable(error + u" in " + QString::fromUtf8(json)));
    QVERIFY2(*again == f, json.constData());
    QCOMPARE(again->toJson(), json);
}

} // namespace

void TestEventFilter::fixtureFilters_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<bool>("valid");

    const QList<FixtureFilter> filters = loadFixtureFilters();
    // 38 request bodies in the fixture carry a "filter" member.
    QCOMPARE(filters.size(), 38);
    bool sawInvalid = false;
    for (const FixtureFilter &f : filters) {
        const bool valid = f.index != 42; // "ws invalid filter": "jankystank"
        sawInvalid = sawInvalid || !valid;
        QTest::addRow("%d %s", f.index, qPrintable(f.name)) << f.filter << valid;
    }
    QVERIFY(sawInvalid);
}

void TestEventFilter::fixtureFilters()
{
    QFETCH(QByteArray, filter);
    QFETCH(bool, valid);

    QString error;
    const std::optional<EventFilter> f = EventFilter::fromJson(filter, &error);
    if (!valid) {
        QVERIFY(!f);
        QVERIFY2(error.contains(u"must be an object, got a string"), qPrintable(error));
        return;
    }
    QVERIFY2(f, qPrintable(error));
    checkRoundTrip(*f);
}

void TestEventFilter::rejected_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // a fragment: the path and the reason

    auto row = [](const char *name, const QByteArray &json, const char *error) {
        QTest::addRow("%s", name) << json << s(error);
    };
    row("unknown top-level key", R"({"bogus": 1})", "bogus: extra inputs are not permitted");
    row("unknown event key", R"({"event": {"nope": []}})", "event.nope: extra inputs");
    row("unknown occurred key", R"({"occurred": {"sinc": "2026-01-01"}})", "occurred.sinc: extra");
    row("unknown resource key", R"({"resource": {"role": ["x"]}})", "resource.role: extra");
    row("unknown related key", R"({"related": {"id_prefix": ["x"]}})", "related.id_prefix: extra");
    row("unknown key in a related list", R"({"related": [{}, {"bogus": 1}]})",
        "related[1].bogus: extra");
    row("role is not an any_resource key", R"({"any_resource": {"role": ["x"]}})",
        "any_resource.role: extra");
    row("unknown id key", R"({"id": {"ids": []}})", "id.ids: extra");
    row("unknown text key", R"({"text": {"query": "a", "mode": "x"}})", "text.mode: extra");
    row("not an object", R"("jankystank")", "must be an object, got a string");
    row("a list", "[]", "must be an object, got an array");
    row("null", "null", "must be an object, got null");
    row("not JSON", "{", "invalid JSON");
    row("order lower case", R"({"order": "asc"})", "order: must be \"ASC\" or \"DESC\"");
    row("order other word", R"({"order": "NEWEST"})", "order");
    row("order number", R"({"order": 1})", "order");
    row("order null", R"({"order": null})", "order");
    row("occurred null", R"({"occurred": null})", "occurred: must be an object");
    row("since not a date", R"({"occurred": {"since": "yesterday"}})", "occurred.since");
    row("since a number", R"({"occurred": {"since": 5}})", "occurred.since");
    row("since null", R"({"occurred": {"since": null}})", "occurred.since");
    row("until Feb 30", R"({"occurred": {"until": "2026-02-30T00:00:00Z"}})", "occurred.until");
    row("prefix is a string", R"({"event": {"prefix": "prefect."}})",
        "event.prefix: must be a list");
    row("prefix item a number", R"({"event": {"prefix": ["a", 1]}})", "event.prefix[1]");
    row("event is a list", R"({"event": []})", "event: must be an object");
    row("distinct is a string", R"({"resource": {"distinct": "yes"}})", "resource.distinct");
    row("distinct is null", R"({"resource": {"distinct": null}})", "resource.distinct");
    row("label value is a number", R"({"resource": {"labels": {"a": 1}}})", "resource.labels.a");
    row("label value is null", R"({"resource": {"labels": {"a": null}}})", "resource.labels.a");
    row("label list item a number", R"({"resource": {"labels": {"a": ["x", 2]}}})",
        "resource.labels.a[1]");
    row("labels is a list", R"({"resource": {"labels": []}})", "resource.labels");
    row("resources_in_roles single", R"({"related": {"resources_in_roles": [["a"]]}})",
        "related.resources_in_roles[0]");
    row("resources_in_roles triple", R"({"related": {"resources_in_roles": [["a", "b", "c"]]}})",
        "related.resources_in_roles[0]");
    row("resources_in_roles flat", R"({"related": {"resources_in_roles": ["a", "b"]}})",
        "related.resources_in_roles[0]");
    row("related is a number", R"({"related": 5})", "related: must be an object");
    row("any_resource list item a string", R"({"any_resource": ["x"]})", "any_resource[0]");
    row("id not a UUID", R"({"id": {"id": ["not-a-uuid"]}})", "id.id[0]: invalid UUID");
    row("id null", R"({"id": null})", "id: must be an object");
    row("id is a list", R"({"id": ["f6a7b890-1234-5678-9012-abcdef345678"]})",
        "id: must be an object");
    row("text without query", R"({"text": {}})", "text.query: field required");
    row("text query a number", R"({"text": {"query": 5}})", "text.query: must be a string");
    row("text query 201 characters", "{\"text\": {\"query\": \"" + QByteArray(201, 'q') + "\"}}",
        "text.query: must have at most 200 characters");
    row("text query 201 non-BMP characters",
        "{\"text\": {\"query\": \"" + QByteArray("😀").repeated(201) + "\"}}", "text.query");
}

void TestEventFilter::rejected()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);

    QString why;
    QVERIFY(!EventFilter::fromJson(json, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
}

void TestEventFilter::accepted_data()
{
    QTest::addColumn<QByteArray>("json");

    auto row = [](const char *name, const QByteArray &json) { QTest::addRow("%s", name) << json; };
    row("empty", "{}");
    row("explicit nulls", R"({"event": null, "resource": null, "related": null,
                              "any_resource": null, "id": {"id": null}, "text": null,
                              "order": "DESC"})");
    row("ASC", R"({"order": "ASC"})");
    row("empty occurred", R"({"occurred": {}})");
    row("naive and offset times",
        R"({"occurred": {"since": "2026-03-31 18:30:00", "until": "2026-03-31T20:30:00+02:00"}})");
    row("null lists", R"({"event": {"prefix": null, "name": null}, "resource": {"id": null}})");
    row("empty lists", R"({"event": {"prefix": [], "exclude_name": []}, "id": {"id": []}})");
    row("single label string and list",
        R"({"resource": {"labels": {"a": "x", "b": ["y", "!z*"], "c": []}}})");
    row("distinct", R"({"resource": {"distinct": true, "id_prefix": ["prefect.flow-run."]}})");
    row("related object", R"({"related": {"role": ["flow"], "labels": {"n": "a"}}})");
    row("related list", R"({"related": [{"role": ["flow"]}, {"id": ["x"]}]})");
    row("related list of one", R"({"related": [{"role": ["flow"]}]})");
    row("empty related list", R"({"related": []})");
    row("resources_in_roles", R"({"related": {"resources_in_roles": [["a", "b"], ["c", "d"]]}})");
    row("any_resource list", R"({"any_resource": [{"id": ["a"]}, {"id_prefix": ["b"]}]})");
    row("uppercase and braced ids",
        R"({"id": {"id": ["F6A7B890-1234-5678-9012-ABCDEF345678", "{d4e5f6a7-b890-1234-5678-9012abcdef34}"]}})");
    row("text query 200 characters", "{\"text\": {\"query\": \"" + QByteArray(200, 'q') + "\"}}");
    // Pydantic counts max_length in code points, not UTF-16 units.
    row("text query 200 non-BMP characters",
        "{\"text\": {\"query\": \"" + QByteArray("😀").repeated(200) + "\"}}");
    row("text query with escapes", R"({"text": {"query": "\"a b\" -c \\ é"}})");
    row("labels with special keys", R"({"any_resource": {"labels": {"prefect.resource.role": "thing",
                                                                    "hello": "world"}}})");
    row("duplicate keys: last wins", R"({"order": "ASC", "order": "DESC"})");
}

void TestEventFilter::accepted()
{
    QFETCH(QByteArray, json);

    QString error;
    const std::optional<EventFilter> f = EventFilter::fromJson(json, &error);
    QVERIFY2(f, qPrintable(error));
    checkRoundTrip(*f);
}

void TestEventFilter::writtenForm()
{
    QString error;
    std::optional<EventFilter> f = EventFilter::fromJson(
        R"({"id": {"id": ["F6A7B890123456789012ABCDEF345678"]},
            "occurred": {"since": "2026-03-31T20:30:00.5+02:00"},
            "resource": {"labels": {"one": "x", "many": ["y"]}},
            "related": {"role": ["flow"]}, "any_resource": [{"id": ["a"]}]})",
        &error);
    QVERIFY2(f, qPrintable(error));
    QCOMPARE(*f->ids, QStringList{s(kEventId)});
    QCOMPARE(f->order, EventFilter::Order::Desc);
    const QByteArray json = f->toJson();
    // Canonical ids, UTC times, the single/list shapes kept, and the order always written.
    QVERIFY2(json.contains(R"("id":{"id":["f6a7b890-1234-5678-9012-abcdef345678"]})"),
             json.constData());
    QVERIFY2(json.contains(R"("since":"2026-03-31T18:30:00.500000Z")"), json.constData());
    QVERIFY2(json.contains(R"("labels":{"one":"x","many":["y"]})"), json.constData());
    QVERIFY2(json.contains(R"("related":{"role":["flow"]})"), json.constData());
    QVERIFY2(json.contains(R"("any_resource":[{"id":["a"]}])"), json.constData());
    QVERIFY2(json.endsWith(R"("order":"DESC"})"), json.constData());

    EventFilter empty;
    QCOMPARE(empty.toJson(), QByteArray(R"({"order":"DESC"})"));
    empty.order = EventFilter::Order::Asc;
    QCOMPARE(empty.toJson(), QByteArray(R"({"order":"ASC"})"));
}

void TestEventFilter::matches_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<Event>("event");
    QTest::addColumn<bool>("expected");

    auto row = [](const char *name, const QByteArray &filter, const Event &event, bool expected) {
        QTest::addRow("%s", name) << filter << event << expected;
    };
    const Event prod = Ev().label("env", "prod");
    const Event production = Ev().label("env", "production");
    const Event noEnv = Ev();

    // Label values: exact, glob, negation, missing labels (§4.2).
    row("exact label", R"({"resource": {"labels": {"env": "prod"}}})", prod, true);
    row("exact label, longer value", R"({"resource": {"labels": {"env": "prod"}}})", production,
        false);
    row("exact label, shorter pattern", R"({"resource": {"labels": {"env": "pro"}}})", prod, false);
    row("star suffix", R"({"resource": {"labels": {"env": "prod*"}}})", production, true);
    row("star inside", R"({"resource": {"labels": {"env": "*duct*"}}})", production, true);
    row("star matches the empty value", R"({"resource": {"labels": {"env": "*"}}})",
        Ev().label("env", ""), true);
    row("star crosses dots", R"({"resource": {"labels": {"prefect.resource.id": "prefect.*"}}})",
        noEnv, true);
    row("question mark", R"({"resource": {"labels": {"env": "pro?"}}})", prod, true);
    row("question mark needs a character", R"({"resource": {"labels": {"env": "prod?"}}})", prod,
        false);
    row("question mark is one character", R"({"resource": {"labels": {"env": "pr?"}}})", prod,
        false);
    row("set", R"({"resource": {"labels": {"env": "[pq]rod"}}})", prod, true);
    row("set miss", R"({"resource": {"labels": {"env": "[qr]rod"}}})", prod, false);
    row("negated set", R"({"resource": {"labels": {"env": "[!q]rod"}}})", prod, true);
    row("negated set miss", R"({"resource": {"labels": {"env": "[!p]rod"}}})", prod, false);
    row("range", R"({"resource": {"labels": {"env": "v[0-9]"}}})", Ev().label("env", "v7"), true);
    row("range miss", R"({"resource": {"labels": {"env": "v[0-9]"}}})", Ev().label("env", "va"),
        false);
    row("negation, other value", R"({"resource": {"labels": {"env": "!prod"}}})",
        Ev().label("env", "dev"), true);
    row("negation, same value", R"({"resource": {"labels": {"env": "!prod"}}})", prod, false);
    row("negated prefix excludes", R"({"resource": {"labels": {"hello": "!wor*"}}})",
        Ev().label("hello", "world"), false);
    row("negated prefix keeps", R"({"resource": {"labels": {"hello": "!wor*"}}})",
        Ev().label("hello", "mars"), true);
    row("negated prefix, missing label", R"({"resource": {"labels": {"hello": "!wor*"}}})", noEnv,
        false);
    row("missing label, star", R"({"resource": {"labels": {"env": "*"}}})", noEnv, false);
    row("missing label, negated exact", R"({"resource": {"labels": {"env": "!prod"}}})", noEnv,
        false);
    row("negated star matches no present value", R"({"resource": {"labels": {"env": "!*"}}})", prod,
        false);
    row("list is OR", R"({"resource": {"labels": {"hello": ["world", "mars"]}}})",
        Ev().label("hello", "mars"), true);
    row("list is OR, no member", R"({"resource": {"labels": {"hello": ["world", "mars"]}}})",
        Ev().label("hello", "venus"), false);
    row("keys are AND", R"({"resource": {"labels": {"a": "1", "b": "2"}}})",
        Ev().label("a", "1").label("b", "2"), true);
    row("keys are AND, one differs", R"({"resource": {"labels": {"a": "1", "b": "2"}}})",
        Ev().label("a", "1").label("b", "3"), false);
    row("keys are AND, one missing", R"({"resource": {"labels": {"a": "1", "b": "2"}}})",
        Ev().label("a", "1"), false);
    row("mixed list matches prod",
        R"({"resource": {"labels": {"env": ["dev-*", "!dev-automations"]}}})", prod, true);
    row("mixed list matches the excluded value",
        R"({"resource": {"labels": {"env": ["dev-*", "!dev-automations"]}}})",
        Ev().label("env", "dev-automations"), true);
    row("mixed list matches dev-x",
        R"({"resource": {"labels": {"env": ["dev-*", "!dev-automations"]}}})",
        Ev().label("env", "dev-x"), true);
    row("mixed list, missing label",
        R"({"resource": {"labels": {"env": ["dev-*", "!dev-automations"]}}})", noEnv, false);
    row("empty value list matches nothing", R"({"resource": {"labels": {"env": []}}})", prod, false);
    row("empty id list in labels matches nothing",
        R"({"resource": {"labels": {"prefect.resource.id": []}}})", prod, false);
    row("empty labels object is no constraint", R"({"resource": {"labels": {}}})", prod, true);
    row("percent is literal", R"({"resource": {"labels": {"v": "100%"}}})", Ev().label("v", "100%"),
        true);
    row("percent is not a wildcard", R"({"resource": {"labels": {"v": "100%"}}})",
        Ev().label("v", "1000"), false);
    row("percent before star", R"({"resource": {"labels": {"v": "50%*"}}})",
        Ev().label("v", "50%off"), true);
    row("underscore is literal", R"({"resource": {"labels": {"v": "a_b"}}})",
        Ev().label("v", "a_b"), true);
    row("underscore is not a wildcard", R"({"resource": {"labels": {"v": "a_b"}}})",
        Ev().label("v", "axb"), false);
    row("backslash is literal", R"({"resource": {"labels": {"v": "a\\b"}}})",
        Ev().label("v", "a\\b"), true);
    row("backslash does not escape", R"({"resource": {"labels": {"v": "a\\*"}}})",
        Ev().label("v", "a*"), false);
    row("case-sensitive", R"({"resource": {"labels": {"env": "prod"}}})", Ev().label("env", "Prod"),
        false);
    row("case-sensitive glob", R"({"resource": {"labels": {"env": "PROD*"}}})", production, false);
    row("case-sensitive range", R"({"resource": {"labels": {"env": "[A-Z]rod"}}})", prod, false);
    row("same case", R"({"resource": {"labels": {"env": "Prod"}}})", Ev().label("env", "Prod"),
        true);
    row("non-ASCII glob", R"({"resource": {"labels": {"city": "M?nster"}}})",
        Ev().label("city", "Münster"), true);

    // Event names.
    const Event completed = Ev();
    row("prefix", R"({"event": {"prefix": ["prefect.flow-run."]}})", completed, true);
    row("prefix miss", R"({"event": {"prefix": ["prefect.task-run."]}})", completed, false);
    row("prefixes are OR", R"({"event": {"prefix": ["x.", "prefect.flow"]}})", completed, true);
    row("prefix is case-sensitive", R"({"event": {"prefix": ["Prefect."]}})", completed, false);
    row("prefix is not a glob", R"({"event": {"prefix": ["prefect.*"]}})", completed, false);
    row("prefix underscore is literal", R"({"event": {"prefix": ["prefect_flow"]}})",
        Ev().name("prefect.flow-run.X"), false);
    row("name", R"({"event": {"name": ["prefect.flow-run.Completed"]}})", completed, true);
    row("names are OR", R"({"event": {"name": ["a", "prefect.flow-run.Completed"]}})", completed,
        true);
    row("name is exact", R"({"event": {"name": ["prefect.flow-run"]}})", completed, false);
    row("name is case-sensitive", R"({"event": {"name": ["prefect.flow-run.completed"]}})",
        completed, false);
    row("exclude_prefix", R"({"event": {"exclude_prefix": ["prefect.flow-run."]}})", completed,
        false);
    row("exclude_prefix other",
        R"({"event": {"exclude_prefix": ["prefect.task-run.", "prefect.log"]}})", completed, true);
    row("exclude_name", R"({"event": {"exclude_name": ["prefect.flow-run.Completed"]}})", completed,
        false);
    row("exclude_name is exact", R"({"event": {"exclude_name": ["prefect.flow-run"]}})", completed,
        true);
    row("name and exclude_name", R"({"event": {"name": ["things.happened", "other.stuff"],
                                              "exclude_name": ["prefect.log.write"]}})",
        Ev().name("other.stuff"), true);
    row("prefix and exclude_prefix", R"({"event": {"prefix": ["prefect."],
                                                  "exclude_prefix": ["prefect.flow-run."]}})",
        completed, false);
    row("empty event lists are no constraint",
        R"({"event": {"prefix": [], "name": [], "exclude_prefix": [], "exclude_name": []}})",
        completed, true);
    row("null event lists are no constraint",
        R"({"event": {"prefix": null, "name": null, "exclude_prefix": null, "exclude_name": null}})",
        completed, true);

    // occurred: both bounds inclusive.
    row("since equal", R"({"occurred": {"since": "2026-03-31T18:30:00Z"}})", completed, true);
    row("since one microsecond later", R"({"occurred": {"since": "2026-03-31T18:30:00.000001Z"}})",
        completed, false);
    row("until equal", R"({"occurred": {"until": "2026-03-31T18:30:00Z"}})", completed, true);
    row("until one microsecond earlier",
        R"({"occurred": {"until": "2026-03-31T18:29:59.999999Z"}})", completed, false);
    row("inside the window", R"({"occurred": {"since": "2026-03-31T00:00:00Z",
                                              "until": "2026-04-01T00:00:00Z"}})",
        completed, true);
    row("bounds with offsets", R"({"occurred": {"since": "2026-03-31T20:30:00+02:00",
                                               "until": "2026-03-31T13:30:00-05:00"}})",
        completed, true);
    row("after the window", R"({"occurred": {"since": "2026-03-30T00:00:00Z",
                                             "until": "2026-03-31T00:00:00Z"}})",
        completed, false);
    row("empty occurred is no constraint", R"({"occurred": {}})", completed, true);

    // Event ids.
    row("id", R"({"id": {"id": ["f6a7b890-1234-5678-9012-abcdef345678"]}})", completed, true);
    row("id in another form", R"({"id": {"id": ["F6A7B890123456789012ABCDEF345678"]}})", completed,
        true);
    row("ids are OR", R"({"id": {"id": ["00000000-0000-0000-0000-000000000000",
                                        "f6a7b890-1234-5678-9012-abcdef345678"]}})",
        completed, true);
    row("id miss", R"({"id": {"id": ["00000000-0000-0000-0000-000000000000"]}})", completed, false);
    row("empty id list is no constraint", R"({"id": {"id": []}})", completed, true);
    row("null id list is no constraint", R"({"id": {"id": null}})", completed, true);

    // The primary resource.
    const Event fr = flowRun();
    row("resource id", R"({"resource": {"id": ["prefect.flow-run.1"]}})", fr, true);
    row("resource ids are OR", R"({"resource": {"id": ["x", "prefect.flow-run.1"]}})", fr, true);
    row("resource id is exact", R"({"resource": {"id": ["prefect.flow-run."]}})", fr, false);
    row("resource id is not a related id", R"({"resource": {"id": ["prefect.flow.2"]}})", fr, false);
    row("resource id_prefix", R"({"resource": {"id_prefix": ["prefect.flow-run."]}})", fr, true);
    row("resource id_prefix miss", R"({"resource": {"id_prefix": ["prefect.flow."]}})", fr, false);
    row("resource id_prefix is not a glob", R"({"resource": {"id_prefix": ["prefect.*"]}})", fr,
        false);
    row("resource labels on the id",
        R"({"resource": {"labels": {"prefect.resource.id": "prefect.flow-run.*"}}})", fr, true);
    row("resource labels ignore related", R"({"resource": {"labels": {"hello": "world"}}})", fr,
        false);
    row("resource id and labels together", R"({"resource": {"id": ["prefect.flow-run.1"],
                                                            "labels": {"env": "dev"}}})",
        fr, false);
    row("distinct does not filter one event", R"({"resource": {"distinct": true}})", fr, true);
    row("empty resource lists are no constraint",
        R"({"resource": {"id": [], "id_prefix": [], "labels": null}})", fr, true);

    // Related resources: one related resource satisfies every condition of one filter.
    row("related id", R"({"related": {"id": ["prefect.flow.2"]}})", fr, true);
    row("related id miss", R"({"related": {"id": ["prefect.flow.9"]}})", fr, false);
    row("related never looks at the primary id", R"({"related": {"id": ["prefect.flow-run.1"]}})",
        fr, false);
    row("related never looks at primary labels", R"({"related": {"labels": {"env": "prod"}}})", fr,
        false);
    row("related role", R"({"related": {"role": ["flow"]}})", fr, true);
    row("related roles are OR", R"({"related": {"role": ["thing", "tag"]}})", fr, true);
    row("related role miss", R"({"related": {"role": ["work-pool"]}})", fr, false);
    row("related role is exact", R"({"related": {"role": ["fl*"]}})", fr, false);
    row("related role never looks at the primary", R"({"related": {"role": ["work-queue"]}})",
        Ev().label("prefect.resource.role", "work-queue"), false);
    row("related role label is a glob",
        R"({"related": {"labels": {"prefect.resource.role": "fl*"}}})", fr, true);
    row("role and label on one resource",
        R"({"related": {"role": ["tag"], "labels": {"hello": "world"}}})", fr, true);
    row("role and label on different resources",
        R"({"related": {"role": ["flow"], "labels": {"hello": "world"}}})", fr, false);
    row("id and label on different resources",
        R"({"related": {"id": ["prefect.deployment.3"], "labels": {"hello": "world"}}})", fr,
        false);
    row("two labels on one resource",
        R"({"related": {"labels": {"prefect.resource.name": "etl/prod", "hello": "mars"}}})", fr,
        true);
    row("two labels on different resources",
        R"({"related": {"labels": {"prefect.resource.name": "etl", "hello": "world"}}})", fr,
        false);
    row("related negated label", R"({"related": {"labels": {"hello": "!wor*"}}})", fr, true);
    row("related negated label, only excluded values",
        R"({"related": {"labels": {"hello": "!wor*"}}})",
        Ev().related(
                {{"prefect.resource.id", "a"}, {"prefect.resource.role", "r"}, {"hello", "world"}})
            .related({{"prefect.resource.id", "b"}, {"prefect.resource.role", "r"}}),
        false);
    row("related empty value list", R"({"related": {"labels": {"hello": []}}})", fr, false);
    row("resources_in_roles",
        R"({"related": {"resources_in_roles": [["prefect.flow.2", "flow"]]}})", fr, true);
    row("resources_in_roles pairs are OR",
        R"({"related": {"resources_in_roles": [["nope", "x"], ["prefect.tag.x", "tag"]]}})", fr,
        true);
    row("resources_in_roles id in another role",
        R"({"related": {"resources_in_roles": [["prefect.flow.2", "tag"]]}})", fr, false);
    row("resources_in_roles role of another id",
        R"({"related": {"resources_in_roles": [["prefect.tag.x", "flow"]]}})", fr, false);
    row("resources_in_roles never the primary",
        R"({"related": {"resources_in_roles": [["prefect.flow-run.1", ""]]}})", fr, false);
    row("related list is AND", R"({"related": [{"role": ["flow"]}, {"role": ["tag"]}]})", fr, true);
    row("related list is AND, one fails",
        R"({"related": [{"role": ["flow"]}, {"role": ["work-pool"]}]})", fr, false);
    row("related list, each on its own resource",
        R"({"related": [{"role": ["flow"], "labels": {"prefect.resource.name": "etl"}},
                        {"role": ["tag"], "labels": {"hello": "world"}}]})",
        fr, true);
    row("empty related filter applies nothing", R"({"related": {}})", Ev(), true);
    row("related filter of empty lists applies nothing",
        R"({"related": {"id": [], "role": [], "resources_in_roles": [], "labels": {}}})", Ev(),
        true);
    row("empty related list applies nothing", R"({"related": []})", Ev(), true);
    row("related filter, event without related", R"({"related": {"role": ["flow"]}})", Ev(), false);

    // any_resource: the primary or a related resource, one resource satisfying everything.
    row("any_resource primary id", R"({"any_resource": {"id": ["prefect.flow-run.1"]}})", fr, true);
    row("any_resource related id", R"({"any_resource": {"id": ["prefect.tag.x"]}})", fr, true);
    row("any_resource id miss", R"({"any_resource": {"id": ["prefect.tag.y"]}})", fr, false);
    row("any_resource id_prefix on related",
        R"({"any_resource": {"id_prefix": ["prefect.deployment."]}})", fr, true);
    row("any_resource id_prefix miss", R"({"any_resource": {"id_prefix": ["prefect.work-pool."]}})",
        fr, false);
    row("any_resource label on primary", R"({"any_resource": {"labels": {"env": "prod"}}})", fr,
        true);
    row("any_resource label on related", R"({"any_resource": {"labels": {"a-label": "*good*"}}})",
        Ev().related(
            {{"prefect.resource.id", "r"}, {"prefect.resource.role", "x"}, {"a-label", "so good"}}),
        true);
    row("any_resource role and label together",
        R"({"any_resource": {"labels": {"prefect.resource.role": "tag", "hello": "world"}}})", fr,
        true);
    row("any_resource role and label apart",
        R"({"any_resource": {"labels": {"prefect.resource.role": "deployment", "hello": "world"}}})",
        fr, false);
    row("any_resource id_prefix and label apart",
        R"({"any_resource": {"id_prefix": ["prefect.flow-run."], "labels": {"hello": "mars"}}})",
        fr, false);
    row("any_resource id_prefix and label together",
        R"({"any_resource": {"id_prefix": ["prefect.deployment."], "labels": {"hello": "mars"}}})",
        fr, true);
    row("any_resource negated label", R"({"any_resource": {"labels": {"hello": "!world"}}})", fr,
        true);
    row("any_resource negated label, no other value",
        R"({"any_resource": {"labels": {"hello": "!world"}}})",
        Ev().related(
            {{"prefect.resource.id", "a"}, {"prefect.resource.role", "r"}, {"hello", "world"}}),
        false);
    row("any_resource list is AND",
        R"({"any_resource": [{"id": ["prefect.flow-run.1"]}, {"id": ["prefect.tag.x"]}]})", fr,
        true);
    row("any_resource list is AND, one fails",
        R"({"any_resource": [{"id": ["prefect.flow-run.1"]}, {"id": ["nope"]}]})", fr, false);
    row("empty any_resource applies nothing", R"({"any_resource": {}})", Ev(), true);
    row("any_resource empty value list", R"({"any_resource": {"labels": {"env": []}}})", fr, false);

    // Everything together: sub-filters are AND'ed.
    const QByteArray all = R"({"occurred": {"since": "2026-03-31T00:00:00Z"},
        "event": {"prefix": ["prefect.flow-run."]}, "resource": {"labels": {"env": "prod"}},
        "related": {"role": ["tag"]}, "any_resource": {"id": ["prefect.flow.2"]},
        "id": {"id": ["f6a7b890-1234-5678-9012-abcdef345678"]}, "text": {"query": "crimson"}})";
    row("all sub-filters pass", all, fr, true);
    row("all sub-filters, one fails", QByteArray(all).replace("crimson", "scarlet"), fr, false);
    row("text filter", R"({"text": {"query": "etl/prod"}})", fr, true);
}

void TestEventFilter::matches()
{
    QFETCH(QByteArray, filter);
    QFETCH(Event, event);
    QFETCH(bool, expected);

    QString error;
    const std::optional<EventFilter> f = EventFilter::fromJson(filter, &error);
    QVERIFY2(f, qPrintable(error));
    QCOMPARE(f->matches(event), expected);

    // The written form means the same.
    const std::optional<EventFilter> again = EventFilter::fromJson(f->toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->matches(event), expected);
}

void TestEventFilter::textQueryParse_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("include");
    QTest::addColumn<QStringList>("exclude");
    QTest::addColumn<QStringList>("required");

    // Expected values from Prefect's parse_text_search_query (text_search_parser.py).
    const QStringList none;
    QTest::addRow("empty") << QString() << none << none << none;
    QTest::addRow("spaces") << s("   ") << none << none << none;
    QTest::addRow("one term") << s("error") << list({"error"}) << none << none;
    QTest::addRow("terms are OR") << s("error debug") << list({"error", "debug"}) << none << none;
    QTest::addRow("minus excludes")
        << s("error -debug") << list({"error"}) << list({"debug"}) << none;
    QTest::addRow("bang excludes") << s("!debug") << none << list({"debug"}) << none;
    QTest::addRow("plus requires")
        << s("+required -excluded") << none << list({"excluded"}) << list({"required"});
    QTest::addRow("phrase") << s("\"connection timeout\"") << list({"connection timeout"}) << none
                            << none;
    QTest::addRow("escaped quotes") << s(R"("say \"hi\"")") << list({"say \"hi\""}) << none << none;
    QTest::addRow("unclosed quote")
        << s("\"unclosed phrase") << list({"unclosed phrase"}) << none << none;
    QTest::addRow("prefix then space is ignored")
        << s("- error") << list({"error"}) << none << none;
    QTest::addRow("trailing prefix is ignored") << s("error -") << list({"error"}) << none << none;
    QTest::addRow("lone prefixes") << s("+ -x") << none << list({"x"}) << none;
    QTest::addRow("only a plus") << s("+") << none << none << none;
    QTest::addRow("only a bang") << s("!") << none << none << none;
    QTest::addRow("double minus") << s("--x") << none << list({"-x"}) << none;
    QTest::addRow("minus plus") << s("-+x") << none << list({"+x"}) << none;
    QTest::addRow("quote ends a term") << s("a\"b c\"") << list({"a", "b c"}) << none << none;
    QTest::addRow("term after a phrase") << s("\"a\"b") << list({"a", "b"}) << none << none;
    QTest::addRow("term with a quote after") << s("a\"b") << list({"a", "b"}) << none << none;
    QTest::addRow("second phrase unclosed") << s("\"a\" \"b") << list({"a", "b"}) << none << none;
    QTest::addRow("excluded phrase") << s("-\"two words\"") << none << list({"two words"}) << none;
    QTest::addRow("prefixed phrase and term")
        << s("!\"a b\" +c") << none << list({"a b"}) << list({"c"});
    QTest::addRow("phrase then prefix without space")
        << s("+\"a b\"-c") << none << list({"c"}) << list({"a b"});
    QTest::addRow("empty phrase") << s("\"\"") << none << none << none;
    QTest::addRow("blank phrase") << s("\"   \"") << none << none << none;
    QTest::addRow("escaped backslash") << s(R"("a\\")") << list({"a\\"}) << none << none;
    QTest::addRow("only an escaped backslash") << s(R"("\\")") << list({"\\"}) << none << none;
    QTest::addRow("other backslash kept") << s(R"("a\b")") << list({"a\\b"}) << none << none;
    QTest::addRow("trailing backslash, unclosed")
        << s(R"("trailing\)") << list({"trailing\\"}) << none << none;
    QTest::addRow("tab and newline separate")
        << s("tab\tseparated\nterms") << list({"tab", "separated", "terms"}) << none << none;
    QTest::addRow("hyphen inside a term") << s("x-y") << list({"x-y"}) << none << none;
    QTest::addRow("bang inside a term") << s("x!y") << list({"x!y"}) << none << none;
    QTest::addRow("non-ASCII term") << s("café") << list({"café"}) << none << none;
    QTest::addRow("ideographic space separates")
        << s("a\u3000b") << list({"a", "b"}) << none << none;
    QTest::addRow("no-break space separates") << s("a\u00a0b") << list({"a", "b"}) << none << none;
    // Python's str.isspace() is true for the information separators U+001C..U+001F.
    QTest::addRow("unit separator separates") << s("a\x1f"
                                                   "b")
                                              << list({"a", "b"}) << none << none;
    QTest::addRow("unit separator phrase is blank") << s("\"\x1f\"") << none << none << none;
}

void TestEventFilter::textQueryParse()
{
    QFETCH(QString, query);
    QFETCH(QStringList, include);
    QFETCH(QStringList, exclude);
    QFETCH(QStringList, required);

    const TextQuery q = TextQuery::parse(query);
    QCOMPARE(q.include, include);
    QCOMPARE(q.exclude, exclude);
    QCOMPARE(q.required, required);
    QCOMPARE(q.isEmpty(), include.isEmpty() && exclude.isEmpty() && required.isEmpty());
}

void TestEventFilter::textSearch_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("expected");

    auto row = [](const char *name, const char *query, bool expected) {
        QTest::addRow("%s", name) << s(query) << expected;
    };
    row("event name", "failed", true);
    row("event name, other case", "FLOW-RUN.FAILED", true);
    row("label value", "crimson", true);
    row("related label value", "etl", true);
    row("label keys are not searched", "prefect.resource.name", false);
    row("related label keys are not searched", "prefect.resource.role", false);
    row("payload key", "retryable", true);
    row("payload key, non-ASCII, other case", "ÜNÏCODE-KEY", true);
    row("payload string value", "alpha", true);
    row("payload number as JSON text", "503", true);
    row("big number as JSON text", "12345678901234567890", true);
    row("float as JSON text", "1.5e3", true);
    row("float is not re-rendered", "1500", false);
    row("boolean as JSON text", "true", true);
    row("null as JSON text", "null", true);
    row("Unicode case-insensitive, upper", "CAFÉ", true);
    row("Unicode case-insensitive, lower", "café", true);
    row("Unicode case-insensitive, mixed", "mÜnster", true);
    row("accents matter", "cafe", false);
    row("no match", "scarlet", false);
    row("terms are OR", "nope1 nope2 crimson", true);
    row("terms are OR, none found", "nope1 nope2", false);
    row("unquoted words are separate terms", "timeout connection", true);
    row("phrase", "\"connection timeout\"", true);
    row("phrase word order", "\"timeout connection\"", false);
    row("phrase with escaped quotes", R"("say \"hi\"")", true);
    row("exclude found", "error -crimson", false);
    row("exclude not found", "error -debug", true);
    row("bang excludes", "!crimson", false);
    row("only an exclude", "-nomatch", true);
    row("excluded phrase", "-\"connection timeout\"", false);
    row("required all found", "+failed +crimson", true);
    row("required one missing", "+failed +nope", false);
    row("required does not rescue a failed include", "nope +failed", false);
    row("required phrase", "+\"connection timeout\"", true);
    row("prefix then space is ignored", "- crimson", true);
    row("empty query", "", true);
    row("blank query", "   ", true);
    // Each field is matched on its own: a phrase never spans two fields.
    row("phrase across name and label", "\"failed prefect.flow-run.1\"", false);
    row("phrase across two labels", "\"crimson-fox connection\"", false);
    row("phrase across payload key and value", "\"code 503\"", false);
    row("phrase across array elements", "\"alpha beta\"", false);
    row("phrase inside one field", "\"after 30s\"", true);
}

void TestEventFilter::textSearch()
{
    QFETCH(QString, query);
    QFETCH(bool, expected);

    const Event e = textEvent();
    QCOMPARE(ed::textMatches(TextQuery::parse(query), e), expected);
    QCOMPARE(ed::textMatchesFields(TextQuery::parse(query), ed::textFields(e)), expected);

    // The same through an EventFilter's JSON.
    QByteArray json = R"({"text": {"query": )";
    ed::json::appendQuoted(json, query);
    json += "}}";
    QString error;
    const std::optional<EventFilter> f = EventFilter::fromJson(json, &error);
    QVERIFY2(f, qPrintable(error));
    QCOMPARE(f->text, std::optional<QString>(query));
    QCOMPARE(f->matches(e), expected);
}

QTEST_GUILESS_MAIN(TestEventFilter)
#include "tst_eventfilter.moc"
