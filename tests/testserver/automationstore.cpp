#include "tests/testserver/automationstore.h"

#include "core/json.h"
#include "core/timeutil.h"
#include "core/trigger.h"
#include "tests/testserver/automationchecks.h"

#include <QLocale>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace ed::testing {

namespace {

using checks::Problem;
using checks::quoted;
using checks::text;
using checks::unprocessable;
using json::Type;
using json::Value;

constexpr int kMaxLimit = 200; // PREFECT_SERVER_API_DEFAULT_LIMIT

QByteArray pyFloat(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e16)
        return QByteArray::number(qint64(v)) + ".0";
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

/// As the server stores a trigger: fresh ids (`reset_ids()`), no unknown members, timedeltas
/// written back as float seconds, a Proactive window of 0 raised to 10 s.
void normalise(Trigger &t)
{
    t.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    t.unknown.clear();
    if (EventTrigger *e = t.event()) {
        if (e->posture == Posture::Proactive && e->within.value == 0)
            e->within.value = 10;
        e->within.text = pyFloat(e->within.value);
        return;
    }
    auto visit = [](std::vector<Trigger> &children, std::optional<Seconds> &within) {
        for (Trigger &c : children)
            normalise(c);
        if (within)
            within->text = pyFloat(within->value);
    };
    if (auto *c = std::get_if<CompoundTrigger>(&t.kind))
        visit(c->triggers, c->within);
    else if (auto *s = std::get_if<SequenceTrigger>(&t.kind))
        visit(s->triggers, s->within);
}

} // namespace

AutomationStore::Response AutomationStore::handle(const QByteArray &method, const QString &path,
                                                  const QByteArray &body, const QString &baseUrl)
{
    static const Response notFound{404, R"({"detail":"Not Found"})", {}};
    static const Response notAllowed{405, R"({"detail":"Method Not Allowed"})", {}};
    const QString rest = path.mid(QStringLiteral("/api/automations").size());
    if (rest.isEmpty()) // FastAPI's redirect_slashes
        return {307, {}, "location: " + baseUrl.toUtf8() + "/api/automations/\r\n"};
    if (rest == u"/")
        return method == "POST" ? create(body) : notAllowed;
    if (rest == u"/filter")
        return method == "POST" ? list(body) : notAllowed;
    if (rest == u"/count")
        return method == "POST" ? Response{200, QByteArray::number(m_entries.size()), {}}
                                : notAllowed;
    if (rest.startsWith(u"/related-to/")) {
        if (method != "GET")
            return notAllowed;
        const QString resource = rest.mid(12);
        QByteArray out = "[";
        for (const Entry &e : std::as_const(m_entries)) {
            if (!e.owner.isEmpty() && e.owner == resource)
                out += (out.size() > 1 ? "," : "") + render(e);
        }
        return {200, out + ']', {}};
    }
    // Starlette's `uuid` path convertor: lowercase, hyphenated.
    static const QRegularExpression uuid(
        u"^/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"_s);
    const QRegularExpressionMatch m = uuid.match(rest);
    if (!m.hasMatch())
        return notFound;
    const QString id = m.captured(1);
    static const Response missing{404, R"({"exception_message":"Automation not found"})", {}};
    if (method == "GET") {
        const Entry *e = entry(id);
        return e ? Response{200, render(*e), {}} : missing;
    }
    if (method == "PATCH")
        return patch(id, body);
    if (method == "DELETE") {
        const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                     [&](const Entry &e) { return e.id == id; });
        if (it == m_entries.end())
            return missing;
        m_entries.erase(it);
        return {204, {}, {}};
    }
    return notAllowed;
}

AutomationStore::Response AutomationStore::create(const QByteArray &body)
{
    Value root;
    if (const QByteArray refusal = checks::notAnObject(body, root); !refusal.isEmpty())
        return {422, refusal, {}};
    std::optional<Trigger> trigger;
    const QList<Problem> problems = checks::automationCreate(body, root, trigger);
    if (!problems.isEmpty())
        return {422, checks::unprocessable(problems, json::minify(body)), {}};

    normalise(*trigger);
    const auto member = [&](QStringView key) -> QByteArray {
        const Value *v = root.find(key);
        return v ? text(body, *v) : QByteArray("[]");
    };
    const Value *description = root.find(u"description");
    const Value *enabled = root.find(u"enabled");
    const Value *owner = root.find(u"owner_resource");
    Entry e;
    e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.name = root.find(u"name")->string;
    e.description = description ? description->string : QString();
    e.enabled = !enabled || enabled->boolean;
    e.tags = member(u"tags");
    e.trigger = serializeTrigger(*trigger);
    e.actions = member(u"actions");
    e.actionsOnTrigger = member(u"actions_on_trigger");
    e.actionsOnResolve = member(u"actions_on_resolve");
    e.owner = owner && owner->isString() ? owner->string : QString();
    // Distinct, increasing stamps: CREATED_DESC and UPDATED_DESC are then well defined.
    e.created = m_lastStamp = std::max(timeutil::nowMicros(), m_lastStamp + 1);
    e.updated = m_lastStamp = m_lastStamp + 18;
    m_entries.append(e);
    return {201, render(e), {}};
}

AutomationStore::Response AutomationStore::list(const QByteArray &body)
{
    QString sort = u"NAME_ASC"_s;
    qint64 limit = kMaxLimit;
    qint64 offset = 0;
    Value root;
    if (!body.trimmed().isEmpty()) {
        if (!json::parse(body, root) || !root.isObject())
            return {422,
                    unprocessable(
                        {{"model_attributes_type",
                          R"("body")",
                          u"Input should be a valid dictionary or object to extract fields from"_s,
                          json::minify(body),
                          {}}},
                        QByteArray("null")),
                    {}};
        QList<Problem> problems;
        const QByteArray minified = json::minify(body);
        if (const Value *s = root.find(u"sort")) {
            static const QStringList sorts = {u"CREATED_DESC"_s, u"UPDATED_DESC"_s, u"NAME_ASC"_s,
                                              u"NAME_DESC"_s};
            if (!s->isString() || !sorts.contains(s->string))
                problems.append(
                    {"enum", R"("body","sort")",
                     u"Input should be 'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'"_s,
                     text(body, *s),
                     R"({"expected":"'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'"})"});
            else
                sort = s->string;
        }
        const auto integer = [&](QStringView key, qint64 &into, qint64 min, qint64 max) {
            const Value *v = root.find(key);
            if (!v || v->isNull())
                return;
            const QByteArray loc = R"("body",)" + quoted(key);
            bool ok = v->type == Type::Number;
            const qint64 n = ok ? text(body, *v).toLongLong(&ok) : 0;
            if (!ok)
                problems.append(
                    {"int_type", loc, u"Input should be a valid integer"_s, text(body, *v), {}});
            else if (n < min)
                problems.append({"greater_than_equal", loc,
                                 u"Input should be greater than or equal to %1"_s.arg(min),
                                 text(body, *v), R"({"ge":)" + QByteArray::number(min) + '}'});
            else if (n > max)
                problems.append({"less_than_equal", loc,
                                 u"Input should be less than or equal to %1"_s.arg(max),
                                 text(body, *v), R"({"le":)" + QByteArray::number(max) + '}'});
            else
                into = n;
        };
        integer(u"limit", limit, 0, kMaxLimit);
        integer(u"offset", offset, 0, std::numeric_limits<qint64>::max());
        if (!problems.isEmpty())
            return {422, unprocessable(problems, minified), {}};
    }
    QList<const Entry *> sorted;
    for (const Entry &e : std::as_const(m_entries))
        sorted.append(&e);
    std::stable_sort(sorted.begin(), sorted.end(), [&sort](const Entry *a, const Entry *b) {
        if (sort == u"NAME_ASC")
            return a->name < b->name;
        if (sort == u"NAME_DESC")
            return a->name > b->name;
        if (sort == u"UPDATED_DESC")
            return a->updated > b->updated;
        return a->created > b->created;
    });
    QByteArray out = "[";
    for (qsizetype i = offset; i < sorted.size() && i < offset + limit; ++i)
        out += (i > offset ? "," : "") + render(*sorted[i]);
    return {200, out + ']', {}};
}

AutomationStore::Response AutomationStore::patch(const QString &id, const QByteArray &body)
{
    Value root;
    const QByteArray minified = json::minify(body);
    if (!json::parse(body, root) || !root.isObject())
        return {422,
                unprocessable(
                    {{"model_attributes_type",
                      R"("body")",
                      u"Input should be a valid dictionary or object to extract fields from"_s,
                      minified.isEmpty() ? QByteArray("null") : minified,
                      {}}},
                    minified.isEmpty() ? QByteArray("null") : minified),
                {}};
    QList<Problem> problems;
    bool enabled = true; // AutomationPartialUpdate's default
    for (size_t i = 0; i < root.keys.size(); ++i) {
        if (root.keys[i] != u"enabled")
            problems.append({"extra_forbidden",
                             "\"body\"," + quoted(root.keys[i]),
                             u"Extra inputs are not permitted"_s,
                             text(body, root.items[i]),
                             {}});
        else if (root.items[i].type != Type::Bool)
            problems.append({"bool_type",
                             R"("body","enabled")",
                             u"Input should be a valid boolean"_s,
                             text(body, root.items[i]),
                             {}});
        else
            enabled = root.items[i].boolean;
    }
    if (!problems.isEmpty())
        return {422, unprocessable(problems, minified), {}};
    Entry *e = entry(id);
    if (!e)
        return {404, R"({"exception_message":"Automation not found"})", {}};
    e->enabled = enabled;
    e->updated = m_lastStamp = std::max(timeutil::nowMicros(), m_lastStamp + 1);
    return {204, {}, {}};
}

QByteArray AutomationStore::render(const Entry &e)
{
    return "{\"name\":" + quoted(e.name) + ",\"description\":" + quoted(e.description)
           + ",\"enabled\":" + (e.enabled ? "true" : "false") + ",\"tags\":" + e.tags
           + ",\"trigger\":" + e.trigger + ",\"actions\":" + e.actions + ",\"actions_on_trigger\":"
           + e.actionsOnTrigger + ",\"actions_on_resolve\":" + e.actionsOnResolve
           + ",\"id\":" + quoted(e.id) + ",\"created\":\"" + timeutil::format(e.created)
           + "\",\"updated\":\"" + timeutil::format(e.updated) + "\"}";
}

AutomationStore::Entry *AutomationStore::entry(const QString &id)
{
    for (Entry &e : m_entries) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

std::optional<QByteArray> AutomationStore::find(const QString &id) const
{
    for (const Entry &e : m_entries) {
        if (e.id == id)
            return render(e);
    }
    return std::nullopt;
}

QString AutomationStore::insertRaw(const QByteArray &json)
{
    Value root;
    if (!json::parse(json, root) || !root.isObject())
        return {};
    Entry e;
    const auto string = [&](QStringView key) -> QString {
        const Value *v = root.find(key);
        return v && v->isString() ? v->string : QString();
    };
    const auto member = [&](QStringView key, const QByteArray &fallback) {
        const Value *v = root.find(key);
        return v ? text(json, *v) : fallback;
    };
    e.id = string(u"id");
    if (e.id.isEmpty())
        e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.name = string(u"name");
    e.description = string(u"description");
    const Value *enabled = root.find(u"enabled");
    e.enabled = !enabled || enabled->boolean;
    e.tags = member(u"tags", "[]");
    e.trigger = member(u"trigger", "{}");
    e.actions = member(u"actions", "[]");
    e.actionsOnTrigger = member(u"actions_on_trigger", "[]");
    e.actionsOnResolve = member(u"actions_on_resolve", "[]");
    e.created = e.updated = m_lastStamp = std::max(timeutil::nowMicros(), m_lastStamp + 1);
    timeutil::parse(string(u"created"), e.created);
    timeutil::parse(string(u"updated"), e.updated);
    m_entries.append(e);
    return e.id;
}

} // namespace ed::testing
