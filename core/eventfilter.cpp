#include "core/eventfilter.h"

#include "core/glob.h"
#include "core/json.h"
#include "core/timeutil.h"

#include <algorithm>

namespace ed {

namespace {

using json::Type;
using json::Value;

class Reader
{
public:
    QString error;

    bool fail(const QString &path, const QString &why)
    {
        if (error.isEmpty())
            error = path.isEmpty() ? why : path + QStringLiteral(": ") + why;
        return false;
    }

    bool object(const Value &v, const QString &path, std::initializer_list<const char *> allowed)
    {
        if (!v.isObject())
            return fail(path, QStringLiteral("must be an object, got %1")
                                  .arg(QLatin1StringView(json::typeName(v.type))));
        for (const QString &key : v.keys) {
            bool known = false;
            for (const char *a : allowed)
                known = known || key == QLatin1StringView(a);
            if (!known)
                return fail(path.isEmpty() ? key : path + u'.' + key,
                            QStringLiteral("extra inputs are not permitted"));
        }
        return true;
    }

    bool stringList(const Value *v, const QString &path, std::optional<QStringList> &out)
    {
        out.reset();
        if (!v || v->isNull())
            return true;
        if (!v->isArray())
            return fail(path, QStringLiteral("must be a list of strings, got %1")
                                  .arg(QLatin1StringView(json::typeName(v->type))));
        QStringList list;
        for (size_t i = 0; i < v->items.size(); ++i) {
            if (!v->items[i].isString())
                return fail(QStringLiteral("%1[%2]").arg(path).arg(i),
                            QStringLiteral("must be a string"));
            list.append(v->items[i].string);
        }
        out = list;
        return true;
    }

    bool time(const Value *v, const QString &path, std::optional<qint64> &out)
    {
        out.reset();
        if (!v)
            return true;
        if (!v->isString())
            return fail(path, QStringLiteral("must be a datetime string"));
        qint64 t = 0;
        QString why;
        if (!timeutil::parse(v->string, t, &why))
            return fail(path, why);
        out = t;
        return true;
    }

    bool spec(const Value *v, const QString &path, std::optional<ResourceSpec> &out)
    {
        out.reset();
        if (!v || v->isNull())
            return true;
        if (!v->isObject())
            return fail(path, QStringLiteral("must be an object of label patterns"));
        ResourceSpec spec;
        for (size_t i = 0; i < v->keys.size(); ++i) {
            const Value &item = v->items[i];
            const QString p = path + u'.' + v->keys[i];
            ResourceSpec::Entry e{v->keys[i], {}, false};
            if (item.isString()) {
                e.patterns = QStringList{item.string};
                e.single = true;
            } else if (item.isArray()) {
                std::optional<QStringList> list;
                if (!stringList(&item, p, list))
                    return false;
                e.patterns = *list;
            } else {
                return fail(p, QStringLiteral("must be a string or a list of strings"));
            }
            spec.set(e);
        }
        out = spec;
        return true;
    }

    bool related(const Value &v, const QString &path, RelatedFilter &out)
    {
        if (!object(v, path, {"id", "role", "resources_in_roles", "labels"}))
            return false;
        if (!stringList(v.find(u"id"), path + QStringLiteral(".id"), out.id)
            || !stringList(v.find(u"role"), path + QStringLiteral(".role"), out.role)
            || !spec(v.find(u"labels"), path + QStringLiteral(".labels"), out.labels))
            return false;
        if (const Value *rir = v.find(u"resources_in_roles"); rir && !rir->isNull()) {
            const QString p = path + QStringLiteral(".resources_in_roles");
            if (!rir->isArray())
                return fail(p, QStringLiteral("must be a list of [id, role] pairs"));
            QList<QPair<QString, QString>> pairs;
            for (size_t i = 0; i < rir->items.size(); ++i) {
                const Value &pair = rir->items[i];
                if (!pair.isArray() || pair.items.size() != 2 || !pair.items[0].isString()
                    || !pair.items[1].isString())
                    return fail(QStringLiteral("%1[%2]").arg(p).arg(i),
                                QStringLiteral("must be a pair [id, role] of strings"));
                pairs.append({pair.items[0].string, pair.items[1].string});
            }
            out.resourcesInRoles = pairs;
        }
        return true;
    }

    bool any(const Value &v, const QString &path, AnyResourceFilter &out)
    {
        if (!object(v, path, {"id", "id_prefix", "labels"}))
            return false;
        return stringList(v.find(u"id"), path + QStringLiteral(".id"), out.id)
               && stringList(v.find(u"id_prefix"), path + QStringLiteral(".id_prefix"), out.idPrefix)
               && spec(v.find(u"labels"), path + QStringLiteral(".labels"), out.labels);
    }
};

class Writer
{
public:
    QByteArray out;
    bool first = true;
    void key(const char *k)
    {
        if (!first)
            out.append(',');
        first = false;
        out.append('"');
        out.append(k);
        out.append("\":");
    }
    void list(const char *k, const std::optional<QStringList> &v)
    {
        if (v) {
            key(k);
            json::appendStringList(out, *v);
        }
    }
    void spec(const char *k, const std::optional<ResourceSpec> &v)
    {
        if (!v)
            return;
        key(k);
        out.append('{');
        for (qsizetype i = 0; i < v->entries.size(); ++i) {
            if (i)
                out.append(',');
            json::appendQuoted(out, v->entries[i].key);
            out.append(':');
            if (v->entries[i].single && v->entries[i].patterns.size() == 1)
                json::appendQuoted(out, v->entries[i].patterns.front());
            else
                json::appendStringList(out, v->entries[i].patterns);
        }
        out.append('}');
    }
    void open(const char *k)
    {
        key(k);
        out.append('{');
        first = true;
    }
    void close()
    {
        out.append('}');
        first = false;
    }
};

bool anyStartsWith(const QString &s, const QStringList &prefixes)
{
    for (const QString &p : prefixes) {
        if (s.startsWith(p))
            return true;
    }
    return false;
}

bool truthy(const std::optional<QStringList> &list)
{
    return list && !list->isEmpty();
}

bool specTruthy(const std::optional<ResourceSpec> &spec)
{
    return spec && !spec->isEmpty();
}

bool relatedMatches(const RelatedFilter &f, const Resource &r)
{
    if (truthy(f.id) && !f.id->contains(r.id()))
        return false;
    if (truthy(f.role) && !f.role->contains(r.role()))
        return false;
    if (f.resourcesInRoles && !f.resourcesInRoles->isEmpty()) {
        bool found = false;
        for (const auto &[id, role] : *f.resourcesInRoles)
            found = found || (r.id() == id && r.role() == role);
        if (!found)
            return false;
    }
    if (specTruthy(f.labels) && !f.labels->matches(r))
        return false;
    return true;
}

bool anyMatches(const AnyResourceFilter &f, const Resource &r)
{
    if (truthy(f.id) && !f.id->contains(r.id()))
        return false;
    if (truthy(f.idPrefix) && !anyStartsWith(r.id(), *f.idPrefix))
        return false;
    if (specTruthy(f.labels) && !f.labels->matches(r))
        return false;
    return true;
}

void appendPayloadFields(const Value &v, QByteArrayView src, QStringList &out)
{
    switch (v.type) {
    case Type::Object:
        for (size_t i = 0; i < v.keys.size(); ++i) {
            out.append(v.keys[i].toCaseFolded());
            appendPayloadFields(v.items[i], src, out);
        }
        break;
    case Type::Array:
        for (const Value &item : v.items)
            appendPayloadFields(item, src, out);
        break;
    case Type::String: out.append(v.string.toCaseFolded()); break;
    default:
        // Numbers, booleans and null as their JSON text.
        out.append(QString::fromUtf8(src.sliced(v.begin, v.end - v.begin)).toCaseFolded());
        break;
    }
}

// Python's str.isspace(), which Prefect's query parser uses: Qt's isSpace() plus the
// information separators U+001C..U+001F.
bool isPySpace(QChar c)
{
    return c.isSpace() || (c.unicode() >= 0x1c && c.unicode() <= 0x1f);
}

} // namespace

const ResourceSpec::Entry *ResourceSpec::find(QStringView key) const
{
    for (const Entry &e : entries) {
        if (e.key == key)
            return &e;
    }
    return nullptr;
}

void ResourceSpec::set(const QString &key, const QStringList &patterns)
{
    set(Entry{key, patterns, false});
}

void ResourceSpec::set(const Entry &entry)
{
    for (Entry &e : entries) {
        if (e.key == entry.key) {
            e = entry;
            return;
        }
    }
    entries.append(entry);
}

bool ResourceSpec::matches(const Resource &resource) const
{
    for (const Entry &e : entries) {
        const QString *value = resource.value(e.key);
        bool any = false;
        for (const QString &p : e.patterns) {
            if (LabelPattern(p).matches(value)) {
                any = true;
                break;
            }
        }
        if (!any)
            return false;
    }
    return true;
}

bool RelatedFilter::isEmpty() const
{
    return !truthy(id) && !truthy(role) && !(resourcesInRoles && !resourcesInRoles->isEmpty())
           && !specTruthy(labels);
}

bool AnyResourceFilter::isEmpty() const
{
    return !truthy(id) && !truthy(idPrefix) && !specTruthy(labels);
}

TextQuery TextQuery::parse(const QString &query)
{
    TextQuery result;
    const qsizetype n = query.size();
    qsizetype i = 0;
    auto add = [&](QChar prefix, const QString &term) {
        if (prefix == u'-' || prefix == u'!')
            result.exclude.append(term);
        else if (prefix == u'+')
            result.required.append(term);
        else
            result.include.append(term);
    };
    while (i < n) {
        if (isPySpace(query[i])) {
            ++i;
            continue;
        }
        QChar prefix;
        if (query[i] == u'-' || query[i] == u'!' || query[i] == u'+') {
            const QChar candidate = query[i];
            ++i;
            if (i < n && !isPySpace(query[i])) {
                prefix = candidate;
            } else {
                continue; // a prefix followed by a space is ignored
            }
        }
        if (i < n && query[i] == u'"') {
            ++i;
            QString phrase;
            while (i < n) {
                if (query[i] == u'\\' && i + 1 < n) {
                    const QChar next = query[i + 1];
                    if (next == u'"' || next == u'\\') {
                        phrase.append(next);
                        i += 2;
                    } else {
                        phrase.append(u'\\');
                        ++i;
                    }
                } else if (query[i] == u'"') {
                    break;
                } else {
                    phrase.append(query[i]);
                    ++i;
                }
            }
            if (i < n)
                ++i; // closing quote
            if (!std::all_of(phrase.cbegin(), phrase.cend(), isPySpace))
                add(prefix, phrase);
            continue;
        }
        const qsizetype start = i;
        while (i < n && !isPySpace(query[i]) && query[i] != u'"')
            ++i;
        if (i > start)
            add(prefix, query.mid(start, i - start));
    }
    return result;
}

QStringList textFields(const Event &event)
{
    QStringList fields;
    fields.append(event.event.toCaseFolded());
    for (const Label &l : event.resource.labels)
        fields.append(l.value.toCaseFolded());
    for (const Resource &r : event.related) {
        for (const Label &l : r.labels)
            fields.append(l.value.toCaseFolded());
    }
    Value payload;
    if (json::parse(event.payload, payload))
        appendPayloadFields(payload, event.payload, fields);
    return fields;
}

bool textMatchesFields(const TextQuery &q, const QStringList &fields)
{
    auto found = [&](const QString &term) {
        const QString folded = term.toCaseFolded();
        for (const QString &f : fields) {
            if (f.contains(folded))
                return true;
        }
        return false;
    };
    if (!q.include.isEmpty() && std::none_of(q.include.begin(), q.include.end(), found))
        return false;
    if (std::any_of(q.exclude.begin(), q.exclude.end(), found))
        return false;
    if (!std::all_of(q.required.begin(), q.required.end(), found))
        return false;
    return true;
}

bool textMatches(const TextQuery &query, const Event &event)
{
    if (query.isEmpty())
        return true;
    return textMatchesFields(query, textFields(event));
}

std::optional<EventFilter> EventFilter::fromJson(QByteArrayView text, QString *error)
{
    Value v;
    QString why;
    if (!json::parse(text, v, &why)) {
        if (error)
            *error = QStringLiteral("invalid JSON: ") + why;
        return std::nullopt;
    }
    return fromJsonValue(v, error);
}

std::optional<EventFilter> EventFilter::fromJsonValue(const Value &v, QString *error)
{
    Reader r;
    EventFilter f;
    auto done = [&]() -> std::optional<EventFilter> {
        if (error)
            *error = r.error;
        return std::nullopt;
    };
    if (!r.object(v, QString(), {"occurred", "event", "resource", "related", "any_resource", "id",
                                 "text", "order"}))
        return done();
    if (const Value *o = v.find(u"occurred")) {
        if (!r.object(*o, QStringLiteral("occurred"), {"since", "until"}))
            return done();
        OccurredFilter occ;
        if (!r.time(o->find(u"since"), QStringLiteral("occurred.since"), occ.since)
            || !r.time(o->find(u"until"), QStringLiteral("occurred.until"), occ.until))
            return done();
        f.occurred = occ;
    }
    if (const Value *e = v.find(u"event"); e && !e->isNull()) {
        if (!r.object(*e, QStringLiteral("event"), {"prefix", "exclude_prefix", "name", "exclude_name"}))
            return done();
        NameFilter nf;
        if (!r.stringList(e->find(u"prefix"), QStringLiteral("event.prefix"), nf.prefix)
            || !r.stringList(e->find(u"exclude_prefix"), QStringLiteral("event.exclude_prefix"),
                             nf.excludePrefix)
            || !r.stringList(e->find(u"name"), QStringLiteral("event.name"), nf.name)
            || !r.stringList(e->find(u"exclude_name"), QStringLiteral("event.exclude_name"),
                             nf.excludeName))
            return done();
        f.event = nf;
    }
    if (const Value *res = v.find(u"resource"); res && !res->isNull()) {
        if (!r.object(*res, QStringLiteral("resource"), {"id", "id_prefix", "labels", "distinct"}))
            return done();
        ResourceFilter rf;
        if (!r.stringList(res->find(u"id"), QStringLiteral("resource.id"), rf.id)
            || !r.stringList(res->find(u"id_prefix"), QStringLiteral("resource.id_prefix"), rf.idPrefix)
            || !r.spec(res->find(u"labels"), QStringLiteral("resource.labels"), rf.labels))
            return done();
        if (const Value *d = res->find(u"distinct")) {
            if (d->type != Type::Bool) {
                r.fail(QStringLiteral("resource.distinct"), QStringLiteral("must be a boolean"));
                return done();
            }
            rf.distinct = d->boolean;
        }
        f.resource = rf;
    }
    if (const Value *rel = v.find(u"related"); rel && !rel->isNull()) {
        QList<RelatedFilter> list;
        if (rel->isArray()) {
            f.relatedIsList = true;
            for (size_t i = 0; i < rel->items.size(); ++i) {
                RelatedFilter one;
                if (!r.related(rel->items[i], QStringLiteral("related[%1]").arg(i), one))
                    return done();
                list.append(one);
            }
        } else {
            RelatedFilter one;
            if (!r.related(*rel, QStringLiteral("related"), one))
                return done();
            list.append(one);
        }
        f.related = list;
    }
    if (const Value *any = v.find(u"any_resource"); any && !any->isNull()) {
        QList<AnyResourceFilter> list;
        if (any->isArray()) {
            f.anyResourceIsList = true;
            for (size_t i = 0; i < any->items.size(); ++i) {
                AnyResourceFilter one;
                if (!r.any(any->items[i], QStringLiteral("any_resource[%1]").arg(i), one))
                    return done();
                list.append(one);
            }
        } else {
            AnyResourceFilter one;
            if (!r.any(*any, QStringLiteral("any_resource"), one))
                return done();
            list.append(one);
        }
        f.anyResource = list;
    }
    if (const Value *id = v.find(u"id")) {
        if (!r.object(*id, QStringLiteral("id"), {"id"}))
            return done();
        std::optional<QStringList> ids;
        if (!r.stringList(id->find(u"id"), QStringLiteral("id.id"), ids))
            return done();
        if (ids) {
            for (qsizetype i = 0; i < ids->size(); ++i) {
                const QString canonical = canonicalUuid((*ids)[i]);
                if (canonical.isEmpty()) {
                    r.fail(QStringLiteral("id.id[%1]").arg(i),
                           QStringLiteral("invalid UUID \"%1\"").arg((*ids)[i]));
                    return done();
                }
                (*ids)[i] = canonical;
            }
        }
        f.ids = ids;
    }
    if (const Value *t = v.find(u"text"); t && !t->isNull()) {
        if (!r.object(*t, QStringLiteral("text"), {"query"}))
            return done();
        const Value *q = t->find(u"query");
        if (!q) {
            r.fail(QStringLiteral("text.query"), QStringLiteral("field required"));
            return done();
        }
        if (!q->isString()) {
            r.fail(QStringLiteral("text.query"), QStringLiteral("must be a string"));
            return done();
        }
        // pydantic's max_length counts code points, not UTF-16 units.
        if (q->string.toUcs4().size() > 200) {
            r.fail(QStringLiteral("text.query"), QStringLiteral("must have at most 200 characters"));
            return done();
        }
        f.text = q->string;
    }
    if (const Value *o = v.find(u"order")) {
        if (o->isString() && o->string == u"ASC") {
            f.order = Order::Asc;
        } else if (o->isString() && o->string == u"DESC") {
            f.order = Order::Desc;
        } else {
            r.fail(QStringLiteral("order"), QStringLiteral("must be \"ASC\" or \"DESC\""));
            return done();
        }
    }
    return f;
}

QByteArray EventFilter::toJson() const
{
    Writer w;
    w.out.append('{');
    if (occurred) {
        w.open("occurred");
        if (occurred->since) {
            w.key("since");
            w.out.append('"' + timeutil::format(*occurred->since) + '"');
        }
        if (occurred->until) {
            w.key("until");
            w.out.append('"' + timeutil::format(*occurred->until) + '"');
        }
        w.close();
    }
    if (event) {
        w.open("event");
        w.list("prefix", event->prefix);
        w.list("exclude_prefix", event->excludePrefix);
        w.list("name", event->name);
        w.list("exclude_name", event->excludeName);
        w.close();
    }
    if (resource) {
        w.open("resource");
        w.list("id", resource->id);
        w.list("id_prefix", resource->idPrefix);
        w.spec("labels", resource->labels);
        if (resource->distinct) {
            w.key("distinct");
            w.out.append("true");
        }
        w.close();
    }
    auto writeRelated = [&](const RelatedFilter &r) {
        w.out.append('{');
        w.first = true;
        w.list("id", r.id);
        w.list("role", r.role);
        if (r.resourcesInRoles) {
            w.key("resources_in_roles");
            w.out.append('[');
            for (qsizetype i = 0; i < r.resourcesInRoles->size(); ++i) {
                if (i)
                    w.out.append(',');
                json::appendStringList(w.out, {(*r.resourcesInRoles)[i].first, (*r.resourcesInRoles)[i].second});
            }
            w.out.append(']');
        }
        w.spec("labels", r.labels);
        w.close();
    };
    auto writeAny = [&](const AnyResourceFilter &a) {
        w.out.append('{');
        w.first = true;
        w.list("id", a.id);
        w.list("id_prefix", a.idPrefix);
        w.spec("labels", a.labels);
        w.close();
    };
    if (related) {
        w.key("related");
        if (relatedIsList || related->size() != 1) {
            w.out.append('[');
            for (qsizetype i = 0; i < related->size(); ++i) {
                if (i)
                    w.out.append(',');
                writeRelated((*related)[i]);
            }
            w.out.append(']');
        } else {
            writeRelated(related->front());
        }
    }
    if (anyResource) {
        w.key("any_resource");
        if (anyResourceIsList || anyResource->size() != 1) {
            w.out.append('[');
            for (qsizetype i = 0; i < anyResource->size(); ++i) {
                if (i)
                    w.out.append(',');
                writeAny((*anyResource)[i]);
            }
            w.out.append(']');
        } else {
            writeAny(anyResource->front());
        }
    }
    if (ids) {
        w.open("id");
        w.list("id", ids);
        w.close();
    }
    if (text) {
        w.open("text");
        w.key("query");
        json::appendQuoted(w.out, *text);
        w.close();
    }
    w.key("order");
    w.out.append(order == Order::Asc ? "\"ASC\"" : "\"DESC\"");
    w.out.append('}');
    return w.out;
}

bool EventFilter::matches(const Event &e) const
{
    if (occurred) {
        if (occurred->since && e.occurred < *occurred->since)
            return false;
        if (occurred->until && e.occurred > *occurred->until)
            return false;
    }
    if (event) {
        if (truthy(event->prefix) && !anyStartsWith(e.event, *event->prefix))
            return false;
        if (truthy(event->excludePrefix) && anyStartsWith(e.event, *event->excludePrefix))
            return false;
        if (truthy(event->name) && !event->name->contains(e.event))
            return false;
        if (truthy(event->excludeName) && event->excludeName->contains(e.event))
            return false;
    }
    if (resource) {
        const QString rid = e.resource.id();
        if (truthy(resource->id) && !resource->id->contains(rid))
            return false;
        if (truthy(resource->idPrefix) && !anyStartsWith(rid, *resource->idPrefix))
            return false;
        if (specTruthy(resource->labels) && !resource->labels->matches(e.resource))
            return false;
    }
    if (related) {
        for (const RelatedFilter &f : *related) {
            if (f.isEmpty())
                continue;
            if (std::none_of(e.related.begin(), e.related.end(),
                             [&](const Resource &r) { return relatedMatches(f, r); }))
                return false;
        }
    }
    if (anyResource) {
        for (const AnyResourceFilter &f : *anyResource) {
            if (f.isEmpty())
                continue;
            if (!anyMatches(f, e.resource)
                && std::none_of(e.related.begin(), e.related.end(),
                                [&](const Resource &r) { return anyMatches(f, r); }))
                return false;
        }
    }
    if (truthy(ids) && !ids->contains(e.id))
        return false;
    if (text && !textMatches(TextQuery::parse(*text), e))
        return false;
    return true;
}

} // namespace ed
