#include "tests/testserver/automationchecks.h"

#include <QRegularExpression>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ed::testing::checks {

namespace {

using json::Type;
using json::Value;

/// The members of the server's action union, as pydantic labels them in `loc`.
struct ActionModel
{
    const char *tag;
    const char *model;
    const char *idKey; ///< the `source`-dependent target, if any
};

constexpr ActionModel kActions[] = {
    {"do-nothing", "DoNothing", nullptr},
    {"run-deployment", "RunDeployment", "deployment_id"},
    {"pause-deployment", "PauseDeployment", "deployment_id"},
    {"resume-deployment", "ResumeDeployment", "deployment_id"},
    {"cancel-flow-run", "CancelFlowRun", nullptr},
    {"change-flow-run-state", "ChangeFlowRunState", nullptr},
    {"pause-work-queue", "PauseWorkQueue", "work_queue_id"},
    {"resume-work-queue", "ResumeWorkQueue", "work_queue_id"},
    {"send-notification", "SendNotification", nullptr},
    {"call-webhook", "CallWebhook", nullptr},
    {"pause-automation", "PauseAutomation", "automation_id"},
    {"resume-automation", "ResumeAutomation", "automation_id"},
    {"suspend-flow-run", "SuspendFlowRun", nullptr},
    {"resume-flow-run", "ResumeFlowRun", nullptr},
    {"pause-work-pool", "PauseWorkPool", "work_pool_id"},
    {"resume-work-pool", "ResumeWorkPool", "work_pool_id"},
};

/// `trigger.triggers[1].within: reason` → loc `"body","trigger","triggers",1,"within"`.
Problem triggerProblem(const QString &error, const QByteArray &input)
{
    const qsizetype colon = error.indexOf(u": ");
    const QString path = colon < 0 ? u"trigger"_s : error.left(colon);
    Problem p;
    p.msg = colon < 0 ? error : error.mid(colon + 2);
    p.type = p.msg == u"Field required" ? "missing" : "value_error";
    p.loc = R"("body")";
    static const QRegularExpression index(uR"(^(.*)\[(\d+)\]$)"_s);
    for (const QString &part : path.split(u'.')) {
        const QRegularExpressionMatch m = index.match(part);
        p.loc += ',' + quoted(m.hasMatch() ? m.captured(1) : part);
        if (m.hasMatch())
            p.loc += ',' + m.captured(2).toLatin1();
    }
    p.input = input;
    return p;
}

bool everyFlowRun(const ResourceSpec &spec)
{
    if (spec.isEmpty())
        return true;
    return spec.entries.size() == 1 && spec.entries.front().key == u"prefect.resource.id"
           && spec.entries.front().patterns.contains(u"prefect.flow-run.*"_s);
}

/// `prevent_run_deployment_loops`, written from the server's source independently of the
/// client's copy so that the two check each other.
QString loopError(bool enabled, const Trigger &trigger, const Value &actions)
{
    const EventTrigger *e = trigger.event();
    if (!enabled || !e || e->posture != Posture::Reactive)
        return {};
    bool risky = false;
    for (const char *state : {"Scheduled", "Pending", "Running", "*"})
        risky = risky || e->expect.contains(u"prefect.flow-run."_s + QLatin1StringView(state));
    if (!risky)
        return {};
    for (const Value &a : actions.items) {
        const Value *type = a.find(u"type");
        if (!type || type->string != u"run-deployment")
            continue;
        const Value *source = a.find(u"source");
        if (source && source->string == u"inferred")
            return u"Value error, Running an inferred deployment from a flow run state change "
                   u"event "
                   u"will lead to an infinite loop of flow runs.  Please choose a specific "
                   u"deployment "
                   u"and add additional filtering labels to the match or match_related for this "
                   u"automation's trigger."_s;
        if (everyFlowRun(e->match)
            && std::all_of(e->matchRelated.cbegin(), e->matchRelated.cend(), everyFlowRun))
            return u"Value error, Running a selected deployment from a flow run state change event "
                   u"may lead to an infinite loop of flow runs.  Please include additional "
                   u"filtering "
                   u"labels on either match or match_related to narrow down which flow runs will "
                   u"trigger this automation to exclude flow runs from the deployment you've "
                   u"selected."_s;
    }
    return {};
}

void checkAction(const Value &a, QByteArrayView src, const QByteArray &loc, QList<Problem> &out)
{
    if (!a.isObject()) {
        out.append({"model_attributes_type",
                    loc,
                    u"Input should be a valid dictionary or object to extract fields from"_s,
                    text(src, a),
                    {}});
        return;
    }
    const Value *type = a.find(u"type");
    const ActionModel *model = &kActions[0]; // `type` defaults to do-nothing
    if (type) {
        model = nullptr;
        for (const ActionModel &m : kActions) {
            if (type->isString() && type->string == QLatin1StringView(m.tag))
                model = &m;
        }
    }
    if (!model) {
        for (const ActionModel &m : kActions)
            out.append({"literal_error", loc + ",\"" + m.model + "\",\"type\"",
                        u"Input should be '%1'"_s.arg(QLatin1StringView(m.tag)), text(src, *type),
                        R"({"expected":"')" + QByteArray(m.tag) + R"('"})"});
        return;
    }
    const QByteArray at = loc + ",\"" + model->model + '"';
    const auto field = [&](const char *key) -> QByteArray { return at + ",\"" + key + '"'; };
    const auto uuidField = [&](const char *key, bool required) {
        const Value *v = a.find(QString::fromLatin1(key));
        if (!v || v->isNull()) {
            if (required)
                out.append({"missing", field(key), u"Field required"_s, text(src, a), {}});
            return false;
        }
        if (!v->isString() || QUuid::fromString(v->string).isNull())
            out.append(
                {"uuid_parsing", field(key), u"Input should be a valid UUID"_s, text(src, *v), {}});
        return true;
    };
    const qsizetype before = out.size();
    if (model->idKey) {
        const Value *source = a.find(u"source");
        if (source
            && !(source->isString()
                 && (source->string == u"selected" || source->string == u"inferred")))
            out.append({"literal_error", field("source"),
                        u"Input should be 'selected' or 'inferred'"_s, text(src, *source),
                        R"({"expected":"'selected' or 'inferred'"})"});
        const bool hasId = uuidField(model->idKey, false);
        const bool selected = !source || source->string == u"selected";
        if (out.size() == before && selected != hasId)
            out.append({"value_error", at,
                        u"Value error, %1 is %2"_s.arg(QLatin1StringView(model->idKey),
                                                       hasId ? u"not allowed"_s : u"required"_s),
                        text(src, a), R"({"error":{}})"});
    }
    if (QByteArrayView(model->tag) == "run-deployment") {
        for (const char *key : {"parameters", "job_variables"}) {
            const Value *v = a.find(QString::fromLatin1(key));
            if (v && !v->isNull() && !v->isObject())
                out.append({"dict_type",
                            field(key),
                            u"Input should be a valid dictionary"_s,
                            text(src, *v),
                            {}});
        }
    }
    if (QByteArrayView(model->tag) == "send-notification"
        || QByteArrayView(model->tag) == "call-webhook")
        uuidField("block_document_id", true);
    if (QByteArrayView(model->tag) == "send-notification") {
        const Value *body = a.find(u"body");
        if (!body)
            out.append({"missing", field("body"), u"Field required"_s, text(src, a), {}});
        else if (!body->isString())
            out.append({"string_type",
                        field("body"),
                        u"Input should be a valid string"_s,
                        text(src, *body),
                        {}});
    }
    if (QByteArrayView(model->tag) == "change-flow-run-state" && !a.find(u"state"))
        out.append({"missing", field("state"), u"Field required"_s, text(src, a), {}});
}

} // namespace

QByteArray quoted(QStringView s)
{
    QByteArray out;
    json::appendQuoted(out, s);
    return out;
}

QByteArray text(QByteArrayView src, const Value &v)
{
    return json::minify(src.sliced(v.begin, v.end - v.begin));
}

QByteArray unprocessable(const QList<Problem> &problems, const QByteArray &requestBody)
{
    QByteArray out = R"({"exception_message":"Invalid request received.","exception_detail":[)";
    for (qsizetype i = 0; i < problems.size(); ++i) {
        const Problem &p = problems[i];
        out += QByteArray(i ? "," : "") + R"({"type":")" + p.type + R"(","loc":[)" + p.loc
               + R"(],"msg":)" + quoted(p.msg) + R"(,"input":)"
               + (p.input.isEmpty() ? "null" : p.input);
        if (!p.ctx.isEmpty())
            out += R"(,"ctx":)" + p.ctx;
        out += '}';
    }
    return out + R"(],"request_body":)" + requestBody + '}';
}

QByteArray notAnObject(const QByteArray &body, json::Value &root)
{
    json::Reader reader(body);
    if (reader.next(root) != json::Status::Ok || !reader.atEnd()) {
        QByteArray raw;
        json::appendQuoted(raw, QString::fromUtf8(body));
        return unprocessable({{"json_invalid",
                               R"("body",)" + QByteArray::number(reader.errorOffset()),
                               u"JSON decode error"_s, "{}", R"({"error":"Expecting value"})"}},
                             raw);
    }
    if (root.isObject())
        return {};
    const QByteArray minified = json::minify(body);
    return unprocessable({{"model_attributes_type",
                           R"("body")",
                           u"Input should be a valid dictionary or object to extract fields from"_s,
                           minified,
                           {}}},
                         minified);
}

QList<Problem> automationCreate(const QByteArray &body, const Value &root,
                                std::optional<Trigger> &trigger)
{
    const QByteArray minified = json::minify(body);
    QList<Problem> problems;
    const auto loc = [](const char *key) -> QByteArray {
        return R"("body",")" + QByteArray(key) + '"';
    };
    const auto typed = [&](const char *key, Type type, bool required, const char *error,
                           const QString &msg) -> const Value * {
        const Value *v = root.find(QString::fromLatin1(key));
        if (!v && required)
            problems.append({"missing", loc(key), u"Field required"_s, minified, {}});
        else if (v && v->type != type
                 && !(type == Type::String && v->isNull()
                      && QByteArrayView(key) == "owner_resource"))
            problems.append({error, loc(key), msg, text(body, *v), {}});
        return v && v->type == type ? v : nullptr;
    };
    typed("name", Type::String, true, "string_type", u"Input should be a valid string"_s);
    typed("description", Type::String, false, "string_type", u"Input should be a valid string"_s);
    const Value *enabled =
        typed("enabled", Type::Bool, false, "bool_type", u"Input should be a valid boolean"_s);
    const Value *tags =
        typed("tags", Type::Array, false, "list_type", u"Input should be a valid list"_s);
    for (size_t i = 0; tags && i < tags->items.size(); ++i) {
        if (!tags->items[i].isString())
            problems.append({"string_type",
                             loc("tags") + ',' + QByteArray::number(qint64(i)),
                             u"Input should be a valid string"_s,
                             text(body, tags->items[i]),
                             {}});
    }
    trigger.reset();
    if (const Value *t = root.find(u"trigger")) {
        QString why;
        trigger = parseTrigger(text(body, *t), &why);
        if (!trigger)
            problems.append(triggerProblem(why, text(body, *t)));
    } else {
        problems.append({"missing", loc("trigger"), u"Field required"_s, minified, {}});
    }
    const Value *lists[3] = {};
    const char *listKeys[3] = {"actions", "actions_on_trigger", "actions_on_resolve"};
    for (int k = 0; k < 3; ++k) {
        lists[k] =
            typed(listKeys[k], Type::Array, k == 0, "list_type", u"Input should be a valid list"_s);
        for (size_t i = 0; lists[k] && i < lists[k]->items.size(); ++i)
            checkAction(lists[k]->items[i], body,
                        loc(listKeys[k]) + ',' + QByteArray::number(qint64(i)), problems);
    }
    typed("owner_resource", Type::String, false, "string_type", u"Input should be a valid string"_s);
    static const QStringList known = {u"name"_s,
                                      u"description"_s,
                                      u"enabled"_s,
                                      u"tags"_s,
                                      u"trigger"_s,
                                      u"actions"_s,
                                      u"actions_on_trigger"_s,
                                      u"actions_on_resolve"_s,
                                      u"owner_resource"_s};
    for (size_t i = 0; i < root.keys.size(); ++i) {
        if (!known.contains(root.keys[i]))
            problems.append({"extra_forbidden",
                             "\"body\"," + quoted(root.keys[i]),
                             u"Extra inputs are not permitted"_s,
                             text(body, root.items[i]),
                             {}});
    }
    if (problems.isEmpty()) {
        const QString loop = loopError(!enabled || enabled->boolean, *trigger, *lists[0]);
        if (!loop.isEmpty())
            problems.append({"value_error", R"("body")", loop, minified, R"({"error":{}})"});
    }
    return problems;
}

} // namespace ed::testing::checks
