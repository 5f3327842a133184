#include "core/event.h"

#include "core/json.h"
#include "core/timeutil.h"

namespace ed {

namespace {

const QString kId = QStringLiteral("prefect.resource.id");
const QString kRole = QStringLiteral("prefect.resource.role");

qsizetype codePoints(const QString &s)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (!(s[i].isLowSurrogate() && i > 0 && s[i - 1].isHighSurrogate()))
            ++n;
    }
    return n;
}

bool fail(EventError &error, const QString &field, const QString &reason)
{
    error.field = field;
    error.reason = reason;
    return false;
}

QString typeMismatch(const char *expected, const json::Value &v)
{
    return QStringLiteral("must be %1, got %2")
        .arg(QLatin1StringView(expected), QLatin1StringView(json::typeName(v.type)));
}

bool checkResource(const Resource &r, const QString &field, bool related, EventError &error)
{
    if (r.labels.size() > limits::maxLabels)
        return fail(error, field,
                    QStringLiteral("The maximum number of labels per resource is %1")
                        .arg(limits::maxLabels));
    const QString *id = r.value(kId);
    if (!id)
        return fail(error, field, QStringLiteral("Resources must include the prefect.resource.id label"));
    if (id->isEmpty())
        return fail(error, field, QStringLiteral("The prefect.resource.id label must be non-empty"));
    if (related) {
        const QString *role = r.value(kRole);
        if (!role)
            return fail(error, field,
                        QStringLiteral("Related resources must include the prefect.resource.role label"));
        if (role->isEmpty())
            return fail(error, field, QStringLiteral("The prefect.resource.role label must be non-empty"));
    }
    return true;
}

bool readResource(const json::Value &v, const QString &field, bool related, Resource &out,
                  EventError &error)
{
    if (!v.isObject())
        return fail(error, field, typeMismatch("an object of string labels", v));
    out.labels.clear();
    out.labels.reserve(qsizetype(v.keys.size()));
    for (size_t i = 0; i < v.keys.size(); ++i) {
        const json::Value &item = v.items[i];
        if (!item.isString())
            return fail(error, field + u'.' + v.keys[i],
                        QStringLiteral("label values must be strings, got %1")
                            .arg(QLatin1StringView(json::typeName(item.type))));
        out.set(v.keys[i], item.string);
    }
    return checkResource(out, field, related, error);
}

bool readTime(const json::Value &v, const QString &field, qint64 &out, EventError &error)
{
    if (!v.isString())
        return fail(error, field, typeMismatch("an ISO-8601 datetime string", v));
    QString why;
    if (!timeutil::parse(v.string, out, &why))
        return fail(error, field, why);
    return true;
}

bool readUuid(const json::Value &v, const QString &field, QString &out, EventError &error)
{
    if (!v.isString())
        return fail(error, field, typeMismatch("a UUID string", v));
    out = canonicalUuid(v.string);
    if (out.isEmpty())
        return fail(error, field, QStringLiteral("invalid UUID \"%1\"").arg(v.string.left(64)));
    return true;
}

} // namespace

const QString *Resource::value(QStringView key) const
{
    for (const Label &l : labels) {
        if (l.key == key)
            return &l.value;
    }
    return nullptr;
}

QString Resource::id() const
{
    const QString *v = value(kId);
    return v ? *v : QString();
}

QString Resource::role() const
{
    const QString *v = value(kRole);
    return v ? *v : QString();
}

QString Resource::name() const
{
    for (QStringView key : {u"prefect.resource.name", u"prefect.name", u"prefect-cloud.name"}) {
        if (const QString *v = value(key); v && !v->isEmpty())
            return *v;
    }
    return QString();
}

void Resource::set(const QString &key, const QString &value)
{
    for (Label &l : labels) {
        if (l.key == key) {
            l.value = value; // a repeated key keeps its first place and its last value (a dict)
            return;
        }
    }
    labels.append({key, value});
}

bool Resource::operator==(const Resource &other) const
{
    if (labels.size() != other.labels.size())
        return false;
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (labels[i].key != other.labels[i].key || labels[i].value != other.labels[i].value)
            return false;
    }
    return true;
}

bool Event::operator==(const Event &o) const
{
    return occurred == o.occurred && event == o.event && resource == o.resource
           && related == o.related && payload == o.payload && id == o.id && follows == o.follows
           && received == o.received;
}

bool parseEvent(const json::Value &v, QByteArrayView source, Event &out, EventError &error)
{
    if (!v.isObject())
        return fail(error, QString(), QStringLiteral("an event must be a JSON object, got %1")
                                          .arg(QLatin1StringView(json::typeName(v.type))));
    out = Event();
    const json::Value *occurred = v.find(u"occurred");
    if (!occurred)
        return fail(error, QStringLiteral("occurred"), QStringLiteral("field required"));
    if (!readTime(*occurred, QStringLiteral("occurred"), out.occurred, error))
        return false;

    const json::Value *name = v.find(u"event");
    if (!name)
        return fail(error, QStringLiteral("event"), QStringLiteral("field required"));
    if (!name->isString())
        return fail(error, QStringLiteral("event"), typeMismatch("a string", *name));
    out.event = name->string;

    const json::Value *resource = v.find(u"resource");
    if (!resource)
        return fail(error, QStringLiteral("resource"), QStringLiteral("field required"));
    if (!readResource(*resource, QStringLiteral("resource"), false, out.resource, error))
        return false;

    if (const json::Value *related = v.find(u"related")) {
        if (!related->isArray())
            return fail(error, QStringLiteral("related"), typeMismatch("an array", *related));
        if (related->items.size() > size_t(limits::maxRelated))
            return fail(error, QStringLiteral("related"),
                        QStringLiteral("The maximum number of related resources is %1")
                            .arg(limits::maxRelated));
        out.related.reserve(qsizetype(related->items.size()));
        for (size_t i = 0; i < related->items.size(); ++i) {
            Resource r;
            if (!readResource(related->items[i], QStringLiteral("related[%1]").arg(i), true, r, error))
                return false;
            out.related.append(std::move(r));
        }
    }

    if (const json::Value *payload = v.find(u"payload")) {
        if (!payload->isObject())
            return fail(error, QStringLiteral("payload"), typeMismatch("an object", *payload));
        out.payload = json::minify(source.sliced(payload->begin, payload->end - payload->begin));
    }

    const json::Value *id = v.find(u"id");
    if (!id)
        return fail(error, QStringLiteral("id"), QStringLiteral("field required"));
    if (!readUuid(*id, QStringLiteral("id"), out.id, error))
        return false;

    if (const json::Value *follows = v.find(u"follows"); follows && !follows->isNull()) {
        if (!readUuid(*follows, QStringLiteral("follows"), out.follows, error))
            return false;
    }
    if (const json::Value *received = v.find(u"received"); received && !received->isNull()) {
        qint64 t = 0;
        if (!readTime(*received, QStringLiteral("received"), t, error))
            return false;
        out.received = t;
    }
    return validateEvent(out, error);
}

bool parseEvent(QByteArrayView jsonText, Event &out, EventError &error)
{
    json::Value value;
    QString why;
    if (!json::parse(jsonText, value, &why))
        return fail(error, QString(), QStringLiteral("invalid JSON: ") + why);
    return parseEvent(value, jsonText, out, error);
}

bool validateEvent(const Event &event, EventError &error)
{
    if (codePoints(event.event) > limits::maxEventNameLength)
        return fail(error, QStringLiteral("event"),
                    QStringLiteral("Event name must be at most %1 characters")
                        .arg(limits::maxEventNameLength));
    if (!checkResource(event.resource, QStringLiteral("resource"), false, error))
        return false;
    if (event.related.size() > limits::maxRelated)
        return fail(error, QStringLiteral("related"),
                    QStringLiteral("The maximum number of related resources is %1")
                        .arg(limits::maxRelated));
    for (qsizetype i = 0; i < event.related.size(); ++i) {
        if (!checkResource(event.related[i], QStringLiteral("related[%1]").arg(i), true, error))
            return false;
    }
    if (canonicalUuid(event.id).isEmpty())
        return fail(error, QStringLiteral("id"), QStringLiteral("invalid UUID \"%1\"").arg(event.id));
    if (!event.follows.isEmpty() && canonicalUuid(event.follows).isEmpty())
        return fail(error, QStringLiteral("follows"),
                    QStringLiteral("invalid UUID \"%1\"").arg(event.follows));
    return true;
}

namespace {
void appendResource(QByteArray &out, const Resource &r)
{
    out.append('{');
    bool first = true;
    for (const Label &l : r.labels) {
        if (!first)
            out.append(',');
        first = false;
        json::appendQuoted(out, l.key);
        out.append(':');
        json::appendQuoted(out, l.value);
    }
    out.append('}');
}
} // namespace

QByteArray serializeEvent(const Event &e)
{
    QByteArray out;
    out.reserve(256 + e.payload.size() + 64 * (1 + e.related.size()) * 4);
    out.append("{\"occurred\":\"");
    out.append(timeutil::format(e.occurred));
    out.append("\",\"event\":");
    json::appendQuoted(out, e.event);
    out.append(",\"resource\":");
    appendResource(out, e.resource);
    out.append(",\"related\":[");
    for (qsizetype i = 0; i < e.related.size(); ++i) {
        if (i)
            out.append(',');
        appendResource(out, e.related[i]);
    }
    out.append("],\"payload\":");
    out.append(e.payload.isEmpty() ? QByteArrayLiteral("{}") : e.payload);
    out.append(",\"id\":\"");
    out.append(e.id.toLatin1());
    out.append("\",\"follows\":");
    if (e.follows.isEmpty()) {
        out.append("null");
    } else {
        out.append('"');
        out.append(e.follows.toLatin1());
        out.append('"');
    }
    out.append(",\"received\":");
    if (e.received) {
        out.append('"');
        out.append(timeutil::format(*e.received));
        out.append('"');
    } else {
        out.append("null");
    }
    out.append('}');
    return out;
}

QString canonicalUuid(QStringView text)
{
    QStringView t = text.trimmed();
    if (t.startsWith(u"urn:uuid:", Qt::CaseInsensitive))
        t = t.mid(9);
    if (t.size() == 38 && t.front() == u'{' && t.back() == u'}')
        t = t.mid(1, 36);
    char hex[32];
    int n = 0;
    if (t.size() == 36) {
        for (qsizetype i = 0; i < 36; ++i) {
            const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash) {
                if (t[i] != u'-')
                    return QString();
                continue;
            }
            hex[n++] = char(t[i].unicode() < 128 ? t[i].unicode() : 0);
        }
    } else if (t.size() == 32) {
        for (qsizetype i = 0; i < 32; ++i)
            hex[n++] = char(t[i].unicode() < 128 ? t[i].unicode() : 0);
    } else {
        return QString();
    }
    QString out;
    out.reserve(36);
    for (int i = 0; i < 32; ++i) {
        char c = hex[i];
        if (c >= 'A' && c <= 'F')
            c = char(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return QString();
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out.append(u'-');
        out.append(QLatin1Char(c));
    }
    return out;
}

QByteArray uuidToBytes(const QString &canonical)
{
    QByteArray hex = canonical.toLatin1();
    hex.replace('-', QByteArray());
    return QByteArray::fromHex(hex);
}

QString uuidFromBytes(QByteArrayView bytes)
{
    const QByteArray hex = bytes.toByteArray().toHex();
    QString out = QString::fromLatin1(hex);
    if (out.size() == 32) {
        out.insert(20, u'-');
        out.insert(16, u'-');
        out.insert(12, u'-');
        out.insert(8, u'-');
    }
    return out;
}

} // namespace ed
