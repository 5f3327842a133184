#include "core/trigger.h"

#include "core/event.h"
#include "core/json.h"

#include <QLocale>

#include <cmath>

namespace ed {

namespace {

using json::Type;
using json::Value;

const QString kProactiveWithin = QStringLiteral(
    "`within` for Proactive triggers must be greater than or equal to 10 seconds");

QString typeText(const Value &v)
{
    return QLatin1StringView(json::typeName(v.type));
}

QString indexed(const QString &path, size_t i)
{
    return QStringLiteral("%1[%2]").arg(path).arg(i);
}

QString member(const QString &path, QStringView key)
{
    return path + u'.' + key;
}

/// Members of `v` not in `known`, each once (the last value, as Python's json keeps it).
QList<JsonMember> unknownMembers(const Value &v, QByteArrayView src,
                                 std::initializer_list<const char *> known)
{
    QList<JsonMember> out;
    for (const QString &key : v.keys) {
        bool isKnown = false;
        for (const char *k : known)
            isKnown = isKnown || key == QLatin1StringView(k);
        bool seen = false;
        for (const JsonMember &m : out)
            seen = seen || m.key == key;
        if (isKnown || seen)
            continue;
        const Value *last = v.find(key);
        out.append({key, json::minify(src.sliced(last->begin, last->end - last->begin))});
    }
    return out;
}

class Parser
{
public:
    explicit Parser(QByteArrayView source) : m_src(source) {}
    QString error;

    bool fail(const QString &path, const QString &why)
    {
        if (error.isEmpty())
            error = path + QStringLiteral(": ") + why;
        return false;
    }

    QByteArray numberText(const Value &v) const
    {
        return m_src.sliced(v.begin, v.end - v.begin).toByteArray();
    }

    bool stringSet(const Value *v, const QString &path, QStringList &out)
    {
        out.clear();
        if (!v)
            return true;
        if (!v->isArray())
            return fail(path, QStringLiteral("Input should be a valid list of strings, got %1")
                                  .arg(typeText(*v)));
        for (size_t i = 0; i < v->items.size(); ++i) {
            if (!v->items[i].isString())
                return fail(indexed(path, i), QStringLiteral("Input should be a valid string"));
            // A set on the server: the first occurrence keeps its place.
            if (!out.contains(v->items[i].string))
                out.append(v->items[i].string);
        }
        return true;
    }

    bool spec(const Value &v, const QString &path, ResourceSpec &out)
    {
        out = {};
        if (!v.isObject())
            return fail(path, QStringLiteral("Input should be an object of label patterns, got %1")
                                  .arg(typeText(v)));
        for (size_t i = 0; i < v.keys.size(); ++i) {
            const Value &item = v.items[i];
            const QString p = member(path, v.keys[i]);
            ResourceSpec::Entry e{v.keys[i], {}, false};
            if (item.isString()) {
                e.patterns = QStringList{item.string};
                e.single = true;
            } else if (item.isArray()) {
                for (size_t j = 0; j < item.items.size(); ++j) {
                    if (!item.items[j].isString())
                        return fail(indexed(p, j), QStringLiteral("Input should be a valid string"));
                    e.patterns.append(item.items[j].string);
                }
            } else {
                return fail(p, QStringLiteral("Input should be a string or a list of strings"));
            }
            out.set(e);
        }
        return true;
    }

    bool seconds(const Value &v, const QString &path, Seconds &out)
    {
        if (v.type != Type::Number)
            return fail(path, QStringLiteral("Input should be a valid timedelta (a number of "
                                             "seconds), got %1")
                                  .arg(typeText(v)));
        out.text = numberText(v);
        out.value = out.text.toDouble();
        return true;
    }

    bool integer(const Value &v, const QString &path, qint64 &out)
    {
        bool ok = v.type == Type::Number;
        if (ok) {
            const double d = numberText(v).toDouble();
            ok = std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15;
            out = ok ? qint64(d) : 0;
        }
        return ok || fail(path, QStringLiteral("Input should be a valid integer"));
    }

    bool trigger(const Value &v, const QString &path, Trigger &out)
    {
        if (!v.isObject())
            return fail(path, QStringLiteral("Input should be an object, got %1").arg(typeText(v)));
        QString type = QStringLiteral("event"); // the server's EventTrigger defaults it
        if (const Value *t = v.find(u"type")) {
            if (!t->isString())
                return fail(member(path, u"type"), QStringLiteral("Input should be a valid string"));
            type = t->string;
        }
        if (const Value *id = v.find(u"id")) {
            if (!id->isString() || canonicalUuid(id->string).isEmpty())
                return fail(member(path, u"id"), QStringLiteral("Input should be a valid UUID"));
            out.id = id->string;
        }
        if (type == u"event") {
            out.unknown = unknownMembers(v, m_src,
                                         {"type", "id", "match", "match_related", "after", "expect",
                                          "for_each", "posture", "threshold", "within"});
            EventTrigger e;
            if (!eventTrigger(v, path, e))
                return false;
            out.kind = std::move(e);
            return true;
        }
        if (type == u"compound" || type == u"sequence") {
            const bool compound = type == u"compound";
            out.unknown = compound ? unknownMembers(v, m_src, {"type", "id", "triggers", "within",
                                                               "require"})
                                   : unknownMembers(v, m_src, {"type", "id", "triggers", "within"});
            std::vector<Trigger> children;
            std::optional<Seconds> within;
            if (!composite(v, path, children, within))
                return false;
            if (!compound) {
                out.kind = SequenceTrigger{std::move(children), within};
                return true;
            }
            CompoundTrigger c{std::move(children), {}, within};
            const Value *r = v.find(u"require");
            const QString rp = member(path, u"require");
            if (!r)
                return fail(rp, QStringLiteral("Field required"));
            if (r->isString() && (r->string == u"any" || r->string == u"all")) {
                c.require.kind = r->string == u"any" ? Require::Kind::Any : Require::Kind::All;
            } else if (r->type == Type::Number) {
                c.require.kind = Require::Kind::Count;
                if (!integer(*r, rp, c.require.count))
                    return false;
            } else {
                return fail(rp, QStringLiteral("Input should be 'any', 'all' or an integer"));
            }
            out.kind = std::move(c);
            return true;
        }
        QString why = QStringLiteral("unknown trigger type '%1': expected 'event', 'compound' or "
                                     "'sequence'")
                          .arg(type);
        if (type == u"metric")
            why += QStringLiteral(" (metric triggers exist only in Prefect Cloud)");
        return fail(member(path, u"type"), why);
    }

private:
    bool eventTrigger(const Value &v, const QString &path, EventTrigger &e)
    {
        if (const Value *m = v.find(u"match"); m && !spec(*m, member(path, u"match"), e.match))
            return false;
        if (const Value *mr = v.find(u"match_related")) {
            const QString p = member(path, u"match_related");
            e.matchRelated.clear();
            e.matchRelatedIsList = mr->isArray();
            if (mr->isArray()) {
                for (size_t i = 0; i < mr->items.size(); ++i) {
                    ResourceSpec s;
                    if (!spec(mr->items[i], indexed(p, i), s))
                        return false;
                    e.matchRelated.append(s);
                }
            } else {
                ResourceSpec s;
                if (!spec(*mr, p, s))
                    return false;
                e.matchRelated.append(s);
            }
        }
        if (!stringSet(v.find(u"after"), member(path, u"after"), e.after)
            || !stringSet(v.find(u"expect"), member(path, u"expect"), e.expect)
            || !stringSet(v.find(u"for_each"), member(path, u"for_each"), e.forEach))
            return false;
        if (const Value *p = v.find(u"posture")) {
            if (p->isString() && p->string == u"Reactive")
                e.posture = Posture::Reactive;
            else if (p->isString() && p->string == u"Proactive")
                e.posture = Posture::Proactive;
            else
                return fail(member(path, u"posture"),
                            QStringLiteral("Input should be 'Reactive' or 'Proactive'"));
        }
        if (const Value *t = v.find(u"threshold");
            t && !integer(*t, member(path, u"threshold"), e.threshold))
            return false;
        if (const Value *w = v.find(u"within")) {
            if (w->isNull())
                return fail(member(path, u"within"),
                            QStringLiteral("`within` should be a valid timedelta"));
            if (!seconds(*w, member(path, u"within"), e.within))
                return false;
        }
        return true;
    }

    bool composite(const Value &v, const QString &path, std::vector<Trigger> &children,
                   std::optional<Seconds> &within)
    {
        const QString tp = member(path, u"triggers");
        const Value *ts = v.find(u"triggers");
        if (!ts)
            return fail(tp, QStringLiteral("Field required"));
        if (!ts->isArray())
            return fail(tp, QStringLiteral("Input should be a valid list, got %1").arg(typeText(*ts)));
        for (size_t i = 0; i < ts->items.size(); ++i) {
            Trigger child;
            if (!trigger(ts->items[i], indexed(tp, i), child))
                return false;
            children.push_back(std::move(child));
        }
        const QString wp = member(path, u"within");
        const Value *w = v.find(u"within");
        if (!w)
            return fail(wp, QStringLiteral("Field required (null means no time limit)"));
        if (!w->isNull()) {
            Seconds s;
            if (!seconds(*w, wp, s))
                return false;
            within = s;
        }
        return true;
    }

    QByteArrayView m_src;
};

// --- writing ---

void writeSpec(QByteArray &out, const ResourceSpec &spec)
{
    out.append('{');
    for (qsizetype i = 0; i < spec.entries.size(); ++i) {
        const auto &e = spec.entries[i];
        if (i)
            out.append(',');
        json::appendQuoted(out, e.key);
        out.append(':');
        if (e.single && e.patterns.size() == 1)
            json::appendQuoted(out, e.patterns.front());
        else
            json::appendStringList(out, e.patterns);
    }
    out.append('}');
}

void writeSeconds(QByteArray &out, const Seconds &s)
{
    if (!s.text.isEmpty() && s.text.toDouble() == s.value)
        out.append(s.text);
    else if (s.value == std::floor(s.value) && std::abs(s.value) < 9.0e15)
        out.append(QByteArray::number(qint64(s.value)));
    else
        out.append(QString::number(s.value, 'g', QLocale::FloatingPointShortest).toLatin1());
}

void key(QByteArray &out, const char *k)
{
    out.append(",\"");
    out.append(k);
    out.append("\":");
}

void writeTrigger(QByteArray &out, const Trigger &t)
{
    out.append("{\"type\":");
    json::appendQuoted(out, t.typeName());
    if (!t.id.isEmpty()) {
        key(out, "id");
        json::appendQuoted(out, t.id);
    }
    if (const EventTrigger *e = t.event()) {
        key(out, "match");
        writeSpec(out, e->match);
        key(out, "match_related");
        if (e->matchRelatedIsList || e->matchRelated.size() != 1) {
            out.append('[');
            for (qsizetype i = 0; i < e->matchRelated.size(); ++i) {
                if (i)
                    out.append(',');
                writeSpec(out, e->matchRelated[i]);
            }
            out.append(']');
        } else {
            writeSpec(out, e->matchRelated.front());
        }
        key(out, "after");
        json::appendStringList(out, e->after);
        key(out, "expect");
        json::appendStringList(out, e->expect);
        key(out, "for_each");
        json::appendStringList(out, e->forEach);
        if (e->posture) {
            key(out, "posture");
            out.append(*e->posture == Posture::Proactive ? "\"Proactive\"" : "\"Reactive\"");
        }
        key(out, "threshold");
        out.append(QByteArray::number(e->threshold));
        key(out, "within");
        writeSeconds(out, e->within);
    } else {
        key(out, "triggers");
        out.append('[');
        const auto &children = *t.children();
        for (size_t i = 0; i < children.size(); ++i) {
            if (i)
                out.append(',');
            writeTrigger(out, children[i]);
        }
        out.append(']');
        const auto &within = std::holds_alternative<CompoundTrigger>(t.kind)
                                 ? std::get<CompoundTrigger>(t.kind).within
                                 : std::get<SequenceTrigger>(t.kind).within;
        key(out, "within");
        if (within)
            writeSeconds(out, *within);
        else
            out.append("null");
        if (const auto *c = std::get_if<CompoundTrigger>(&t.kind)) {
            key(out, "require");
            switch (c->require.kind) {
            case Require::Kind::Any: out.append("\"any\""); break;
            case Require::Kind::All: out.append("\"all\""); break;
            case Require::Kind::Count: out.append(QByteArray::number(c->require.count)); break;
            }
        }
    }
    for (const JsonMember &m : t.unknown) {
        out.append(',');
        json::appendQuoted(out, m.key);
        out.append(':');
        out.append(m.json);
    }
    out.append('}');
}

} // namespace

double EventTrigger::effectiveWithin() const
{
    if (posture == Posture::Proactive && within.value == 0)
        return 10;
    return within.value;
}

const std::vector<Trigger> *Trigger::children() const
{
    if (const auto *c = std::get_if<CompoundTrigger>(&kind))
        return &c->triggers;
    if (const auto *s = std::get_if<SequenceTrigger>(&kind))
        return &s->triggers;
    return nullptr;
}

QString Trigger::typeName() const
{
    switch (kind.index()) {
    case 1: return QStringLiteral("compound");
    case 2: return QStringLiteral("sequence");
    default: return QStringLiteral("event");
    }
}

bool operator==(const CompoundTrigger &a, const CompoundTrigger &b)
{
    return a.triggers == b.triggers && a.require == b.require && a.within == b.within;
}

bool operator==(const SequenceTrigger &a, const SequenceTrigger &b)
{
    return a.triggers == b.triggers && a.within == b.within;
}

bool operator==(const Trigger &a, const Trigger &b)
{
    return a.kind == b.kind && a.id == b.id && a.unknown == b.unknown;
}

QString validateTrigger(const Trigger &t, const QString &path)
{
    const auto at = [&path](QStringView field, const QString &why) -> QString {
        return member(path, field) + QStringLiteral(": ") + why;
    };
    if (const EventTrigger *e = t.event()) {
        if (!e->posture)
            return at(u"posture", QStringLiteral("Field required"));
        // The server checks the Proactive minimum before the general `ge=0` bound.
        if (*e->posture == Posture::Proactive && e->within.value != 0 && e->within.value < 10)
            return at(u"within", kProactiveWithin);
        if (e->within.value < 0 || !std::isfinite(e->within.value))
            return at(u"within", QStringLiteral("Input should be greater than or equal to 0 seconds"));
        // `threshold` has no bound on the server: 0 (Reactive: every window fires) is accepted.
        return {};
    }
    const auto &children = *t.children();
    const auto *c = std::get_if<CompoundTrigger>(&t.kind);
    const auto &within = c ? c->within : std::get<SequenceTrigger>(t.kind).within;
    // A composite `within` has no bound on the server either; only a finite number is a timedelta.
    if (within && !std::isfinite(within->value))
        return at(u"within", QStringLiteral("Input should be a valid timedelta"));
    if (c && c->require.kind == Require::Kind::Count) {
        if (c->require.count < 1)
            return at(u"require", QStringLiteral("require must be at least 1"));
        if (c->require.count > qint64(children.size()))
            return at(u"require",
                      QStringLiteral("require must be less than or equal to the number of triggers"));
    }
    for (size_t i = 0; i < children.size(); ++i) {
        const QString why = validateTrigger(children[i], indexed(member(path, u"triggers"), i));
        if (!why.isEmpty())
            return why;
    }
    return {};
}

std::optional<Trigger> parseTrigger(QByteArrayView text, QString *error)
{
    Value root;
    QString why;
    if (!json::parse(text, root, &why)) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    const Value *v = &root;
    if (root.isObject() && !root.find(u"type")) {
        if (const Value *inner = root.find(u"trigger"))
            v = inner;
    }
    Parser p(text);
    Trigger t;
    if (p.trigger(*v, QStringLiteral("trigger"), t))
        p.error = validateTrigger(t);
    if (!p.error.isEmpty()) {
        if (error)
            *error = p.error;
        return std::nullopt;
    }
    return t;
}

std::optional<Automation> parseAutomation(QByteArrayView text, QString *error)
{
    const auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    Value root;
    QString why;
    if (!json::parse(text, root, &why))
        return failed(why);
    if (!root.isObject())
        return failed(QStringLiteral("automation: Input should be an object, got %1")
                          .arg(typeText(root)));
    const auto require = [&root](QStringView k, Type type) -> QString {
        const Value *v = root.find(k);
        if (!v)
            return k + QStringLiteral(": Field required");
        if (v->type != type)
            return k + QStringLiteral(": Input should be %1, got %2")
                           .arg(QLatin1StringView(json::typeName(type)), typeText(*v));
        return {};
    };
    for (const auto &[k, type, required] :
         {std::tuple{u"name", Type::String, true}, std::tuple{u"description", Type::String, false},
          std::tuple{u"enabled", Type::Bool, false}, std::tuple{u"tags", Type::Array, false},
          std::tuple{u"actions", Type::Array, true},
          std::tuple{u"actions_on_trigger", Type::Array, false},
          std::tuple{u"actions_on_resolve", Type::Array, false}}) {
        const QStringView key(k);
        if (!required && !root.find(key))
            continue;
        if (QString e = require(key, type); !e.isEmpty())
            return failed(e);
    }
    if (const Value *tags = root.find(u"tags")) {
        for (size_t i = 0; i < tags->items.size(); ++i) {
            if (!tags->items[i].isString())
                return failed(indexed(QStringLiteral("tags"), i)
                              + QStringLiteral(": Input should be a valid string"));
        }
    }
    const Value *tv = root.find(u"trigger");
    if (!tv)
        return failed(QStringLiteral("trigger: Field required"));
    Automation a;
    Parser p(text);
    if (p.trigger(*tv, QStringLiteral("trigger"), a.trigger))
        p.error = validateTrigger(a.trigger);
    if (!p.error.isEmpty())
        return failed(p.error);
    a.members = unknownMembers(root, text, {});
    return a;
}

QByteArray serializeTrigger(const Trigger &trigger)
{
    QByteArray out;
    writeTrigger(out, trigger);
    return out;
}

QByteArray serializeAutomation(const Automation &a)
{
    QByteArray out("{");
    bool wroteTrigger = false;
    for (const JsonMember &m : a.members) {
        if (out.size() > 1)
            out.append(',');
        json::appendQuoted(out, m.key);
        out.append(':');
        if (m.key == u"trigger") {
            writeTrigger(out, a.trigger);
            wroteTrigger = true;
        } else {
            out.append(m.json);
        }
    }
    if (!wroteTrigger) {
        if (out.size() > 1)
            out.append(',');
        out.append("\"trigger\":");
        writeTrigger(out, a.trigger);
    }
    out.append('}');
    return out;
}

} // namespace ed
