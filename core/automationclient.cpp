#include "core/automationclient.h"

#include "core/event.h"
#include "core/json.h"
#include "core/prefectrequest.h"
#include "core/prefectsettings.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ed {

namespace {

QByteArray slice(QByteArrayView src, const json::Value &v)
{
    return json::minify(src.sliced(v.begin, v.end - v.begin));
}

QString typeText(const json::Value &v)
{
    return QLatin1StringView(json::typeName(v.type));
}

bool readInfo(const json::Value &v, QByteArrayView src, AutomationInfo &out, QString &error)
{
    if (!v.isObject()) {
        error = u"an automation should be an object, got "_s + typeText(v);
        return false;
    }
    const auto string = [&](QStringView key, QString &into, bool required) {
        const json::Value *m = v.find(key);
        if (!m && !required)
            return true;
        if (!m || !m->isString()) {
            error = key + (m ? u": should be a string, got "_s + typeText(*m) : u": missing"_s);
            return false;
        }
        into = m->string;
        return true;
    };
    if (!string(u"id", out.id, true) || !string(u"name", out.name, true)
        || !string(u"description", out.description, false)
        || !string(u"created", out.created, false) || !string(u"updated", out.updated, false))
        return false;
    if (const json::Value *e = v.find(u"enabled"); e && e->type == json::Type::Bool)
        out.enabled = e->boolean;
    if (const json::Value *tags = v.find(u"tags"); tags && tags->isArray()) {
        for (const json::Value &t : tags->items) {
            if (t.isString())
                out.tags.append(t.string);
        }
    }
    const json::Value *actions = v.find(u"actions");
    out.actionsJson = actions ? slice(src, *actions) : QByteArray("[]");
    out.json = slice(src, v);
    if (const json::Value *t = v.find(u"trigger")) {
        out.triggerJson = slice(src, *t);
        if (std::optional<Trigger> trigger = parseTrigger(out.triggerJson, &out.triggerError))
            out.trigger = std::move(*trigger);
    } else {
        out.triggerError = u"trigger: missing"_s;
    }
    return true;
}

QString locText(const json::Value &loc, QByteArrayView src)
{
    if (!loc.isArray())
        return {};
    QStringList parts;
    for (const json::Value &p : loc.items)
        parts.append(p.isString() ? p.string : QString::fromUtf8(slice(src, p)));
    return parts.join(u'.');
}

/// `loc: msg` for each item of a pydantic error list.
QStringList validationLines(const json::Value &list, QByteArrayView src)
{
    QStringList lines;
    for (const json::Value &item : list.items) {
        const json::Value *msg = item.isObject() ? item.find(u"msg") : nullptr;
        if (!msg || !msg->isString()) {
            lines.append(QString::fromUtf8(slice(src, item)));
            continue;
        }
        const json::Value *loc = item.find(u"loc");
        const QString where = loc ? locText(*loc, src) : QString();
        lines.append(where.isEmpty() ? msg->string : where + u": "_s + msg->string);
    }
    return lines;
}

QString operationName(AutomationResult::Operation op)
{
    switch (op) {
    case AutomationResult::Operation::List: return u"listing automations"_s;
    case AutomationResult::Operation::Get: return u"reading the automation"_s;
    case AutomationResult::Operation::Create: return u"creating the automation"_s;
    case AutomationResult::Operation::SetEnabled: return u"changing the automation"_s;
    case AutomationResult::Operation::Remove: return u"deleting the automation"_s;
    case AutomationResult::Operation::Count: return u"counting automations"_s;
    }
    return {};
}

} // namespace

QStringList AutomationInfo::actionTypes() const
{
    QStringList types;
    json::Value v;
    if (!json::parse(actionsJson, v) || !v.isArray())
        return types;
    for (const json::Value &a : v.items) {
        const json::Value *t = a.isObject() ? a.find(u"type") : nullptr;
        types.append(t && t->isString() ? t->string : u"?"_s);
    }
    return types;
}

QString AutomationInfo::triggerSummary() const
{
    return triggerParsed() ? summarize(trigger)
                           : u"(trigger not understood: "_s + triggerError + u')';
}

std::optional<AutomationInfo> parseAutomationInfo(QByteArrayView json, QString *error)
{
    json::Value v;
    QString why;
    AutomationInfo info;
    if (json::parse(json, v, &why) && readInfo(v, json, info, why))
        return info;
    if (error)
        *error = why;
    return std::nullopt;
}

std::optional<QList<AutomationInfo>> parseAutomationList(QByteArrayView json, QString *error)
{
    json::Value v;
    QString why;
    if (!json::parse(json, v, &why) || !v.isArray()) {
        if (error)
            *error = why.isEmpty() ? u"expected a list of automations, got "_s + typeText(v) : why;
        return std::nullopt;
    }
    QList<AutomationInfo> out;
    for (size_t i = 0; i < v.items.size(); ++i) {
        AutomationInfo info;
        if (!readInfo(v.items[i], json, info, why)) {
            if (error)
                *error = u"[%1]: "_s.arg(i) + why;
            return std::nullopt;
        }
        out.append(std::move(info));
    }
    return out;
}

QString describeHttpError(int status, const QByteArray &body)
{
    QStringList lines;
    json::Value v;
    if (json::parse(body, v) && v.isObject()) {
        for (QStringView key : {u"detail", u"exception_message"}) {
            const json::Value *m = v.find(key);
            if (m && m->isString())
                lines.append(m->string);
            else if (m && m->isArray())
                lines += validationLines(*m, body);
        }
        if (const json::Value *d = v.find(u"exception_detail"); d && d->isArray())
            lines += validationLines(*d, body);
    }
    if (lines.isEmpty()) {
        const QString raw = QString::fromUtf8(body.trimmed().left(2000));
        lines.append(raw.isEmpty() ? u"(no body)"_s : raw);
    }
    return u"HTTP %1: "_s.arg(status) + lines.join(u'\n');
}

// --- AutomationReply ---

AutomationReply::AutomationReply(AutomationResult::Operation operation, const QString &id,
                                 AutomationClient *client)
    : QObject(client)
    , m_client(client)
{
    m_result.operation = operation;
    m_result.id = id;
}

AutomationReply::~AutomationReply()
{
    // Deleted before its answer came: the request is dropped, and its finished never reaches us.
    if (m_finished)
        return;
    if (m_network) {
        m_network->disconnect(this);
        m_network->abort();
    }
    if (m_client && --m_client->m_pending == 0)
        emit m_client->busyChanged(false);
}

// --- AutomationClient ---

AutomationClient::Options AutomationClient::optionsFrom(const ConnectionSettings &settings)
{
    Options o;
    o.apiUrl = settings.apiUrl;
    o.apiKey = settings.apiKey;
    o.authString = settings.authString;
    return o;
}

AutomationClient::AutomationClient(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_network(new QNetworkAccessManager(this))
{
    while (m_options.apiUrl.endsWith(u'/'))
        m_options.apiUrl.chop(1);
}

AutomationClient::~AutomationClient() = default;

QNetworkRequest AutomationClient::request(const QString &path) const
{
    return prefectRequest(m_options.apiUrl + path, m_options.apiKey, m_options.authString, m_options.transferTimeoutMs);
}

AutomationReply *AutomationClient::list(int limit, int offset)
{
    QByteArray body = "{\"sort\":\"NAME_ASC\"";
    if (limit > 0)
        body += ",\"limit\":" + QByteArray::number(limit);
    body += ",\"offset\":" + QByteArray::number(std::max(offset, 0)) + '}';
    return start(AutomationResult::Operation::List, {}, "POST", u"/automations/filter"_s, body);
}

AutomationReply *AutomationClient::get(const QString &id)
{
    const QString uuid = canonicalUuid(id.trimmed());
    if (uuid.isEmpty())
        return failLater(AutomationResult::Operation::Get, id, u"not an automation id: "_s + id);
    return start(AutomationResult::Operation::Get, uuid, "GET", u"/automations/"_s + uuid, {});
}

AutomationReply *AutomationClient::create(const QByteArray &body)
{
    // The trailing slash is the route; without it the server answers with a redirect.
    return start(AutomationResult::Operation::Create, {}, "POST", u"/automations/"_s, body);
}

AutomationReply *AutomationClient::setEnabled(const QString &id, bool enabled)
{
    const QString uuid = canonicalUuid(id.trimmed());
    if (uuid.isEmpty())
        return failLater(AutomationResult::Operation::SetEnabled, id,
                         u"not an automation id: "_s + id);
    return start(AutomationResult::Operation::SetEnabled, uuid, "PATCH", u"/automations/"_s + uuid,
                 enabled ? "{\"enabled\":true}" : "{\"enabled\":false}");
}

AutomationReply *AutomationClient::remove(const QString &id)
{
    const QString uuid = canonicalUuid(id.trimmed());
    if (uuid.isEmpty())
        return failLater(AutomationResult::Operation::Remove, id, u"not an automation id: "_s + id);
    return start(AutomationResult::Operation::Remove, uuid, "DELETE", u"/automations/"_s + uuid, {});
}

AutomationReply *AutomationClient::count()
{
    return start(AutomationResult::Operation::Count, {}, "POST", u"/automations/count"_s, "{}");
}

AutomationReply *AutomationClient::start(AutomationResult::Operation operation, const QString &id,
                                         const QByteArray &verb, const QString &path,
                                         const QByteArray &body)
{
    auto *reply = new AutomationReply(operation, id, this);
    if (m_pending++ == 0)
        emit busyChanged(true);
    const QNetworkRequest r = request(path);
    QNetworkReply *network = verb == "GET"      ? m_network->get(r)
                             : verb == "DELETE" ? m_network->deleteResource(r)
                             : verb == "POST"   ? m_network->post(r, body)
                                                : m_network->sendCustomRequest(r, verb, body);
    reply->m_network = network;
    connect(network, &QNetworkReply::finished, reply,
            [this, reply, network] { onFinished(reply, network); });
    return reply;
}

AutomationReply *AutomationClient::failLater(AutomationResult::Operation operation,
                                             const QString &id, const QString &error)
{
    auto *reply = new AutomationReply(operation, id, this);
    if (m_pending++ == 0)
        emit busyChanged(true);
    reply->m_result.error = error;
    QTimer::singleShot(0, reply, [this, reply] { finish(reply); });
    return reply;
}

void AutomationClient::onFinished(AutomationReply *reply, QNetworkReply *network)
{
    network->deleteLater();
    reply->m_network = nullptr;
    AutomationResult &r = reply->m_result;
    r.status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = network->readAll();
    if (r.status == 0) {
        r.error = network->error() == QNetworkReply::OperationCanceledError
                      ? u"no answer from the server within %1 s"_s.arg(m_options.transferTimeoutMs
                                                                       / 1000.0)
                      : u"network error: "_s + network->errorString();
        r.error = scrub(operationName(r.operation) + u" failed: "_s + r.error);
        return finish(reply);
    }
    if (r.status < 200 || r.status >= 300) {
        r.error = scrub(describeHttpError(r.status, body));
        return finish(reply);
    }
    QString why;
    switch (r.operation) {
    case AutomationResult::Operation::List:
        if (auto list = parseAutomationList(body, &why))
            r.automations = std::move(*list);
        break;
    case AutomationResult::Operation::Get:
    case AutomationResult::Operation::Create:
        if (auto info = parseAutomationInfo(body, &why)) {
            r.id = info->id;
            r.automations = {std::move(*info)};
        }
        break;
    case AutomationResult::Operation::Count: {
        bool ok = false;
        r.count = body.trimmed().toLongLong(&ok);
        if (!ok)
            why = u"expected a number, got "_s + QString::fromUtf8(body.left(200));
        break;
    }
    case AutomationResult::Operation::SetEnabled:
    case AutomationResult::Operation::Remove: break;
    }
    if (!why.isEmpty())
        r.error = scrub(u"malformed answer from the server (HTTP %1): "_s.arg(r.status) + why);
    finish(reply);
}

void AutomationClient::finish(AutomationReply *reply)
{
    reply->m_finished = true;
    if (--m_pending == 0)
        emit busyChanged(false);
    emit reply->finished(reply->m_result);
    reply->deleteLater();
}

QString AutomationClient::scrub(QString text) const
{
    // Qt's network messages can quote the URL; neither the URL nor anything else may carry a
    // secret into a label or a log.
    for (const QString &secret : {m_options.authString, m_options.apiKey,
                                  QString::fromLatin1(m_options.authString.toUtf8().toBase64())}) {
        if (secret.size() >= 3)
            text.replace(secret, u"•••"_s);
    }
    return text;
}

} // namespace ed
