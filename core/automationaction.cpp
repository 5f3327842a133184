#include "core/automationaction.h"

#include "core/event.h"
#include "core/json.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ed {

namespace {

struct TypeName
{
    AutomationAction::Type type;
    QStringView name;
};

constexpr TypeName kTypes[] = {
    {AutomationAction::Type::DoNothing, u"do-nothing"},
    {AutomationAction::Type::RunDeployment, u"run-deployment"},
    {AutomationAction::Type::PauseAutomation, u"pause-automation"},
    {AutomationAction::Type::ResumeAutomation, u"resume-automation"},
    {AutomationAction::Type::SendNotification, u"send-notification"},
};

/// A UUID as the server will read it: canonical when it parses, else as typed (the server then
/// names the problem).
void writeId(QByteArray &out, const QString &id)
{
    const QString canonical = canonicalUuid(id.trimmed());
    json::appendQuoted(out, canonical.isEmpty() ? id : canonical);
}

/// The JSON as typed (minified), or `null` when empty or unparseable.
void writeJsonOrNull(QByteArray &out, const QByteArray &text)
{
    json::Value v;
    if (!text.trimmed().isEmpty() && json::parse(text, v))
        out.append(json::minify(text));
    else
        out.append("null");
}

QString objectError(const QByteArray &text)
{
    if (text.trimmed().isEmpty())
        return {};
    json::Value v;
    QString why;
    if (!json::parse(text, v, &why))
        return u"not valid JSON: "_s + why;
    if (!v.isObject())
        return u"Input should be a valid dictionary (a JSON object, or empty for null)"_s;
    return {};
}

/// Prefect's `ResourceSpecification.matches_every_resource_of_kind`: no labels, or only
/// `prefect.resource.id` with `<kind>.*` among its values.
bool matchesEveryResourceOfKind(const ResourceSpec &spec, QStringView kind)
{
    if (spec.isEmpty())
        return true;
    if (spec.entries.size() != 1 || spec.entries.front().key != u"prefect.resource.id")
        return false;
    const QString wanted = kind + u".*"_s;
    return spec.entries.front().patterns.contains(wanted);
}

} // namespace

AutomationAction AutomationAction::doNothing()
{
    return {};
}

AutomationAction AutomationAction::runDeployment(Source source, const QString &deploymentId,
                                                 const QByteArray &parameters,
                                                 const QByteArray &jobVariables)
{
    AutomationAction a;
    a.type = Type::RunDeployment;
    a.source = source;
    a.targetId = deploymentId;
    a.parameters = parameters;
    a.jobVariables = jobVariables;
    return a;
}

AutomationAction AutomationAction::pauseAutomation(Source source, const QString &automationId)
{
    AutomationAction a;
    a.type = Type::PauseAutomation;
    a.source = source;
    a.targetId = automationId;
    return a;
}

AutomationAction AutomationAction::resumeAutomation(Source source, const QString &automationId)
{
    AutomationAction a = pauseAutomation(source, automationId);
    a.type = Type::ResumeAutomation;
    return a;
}

AutomationAction AutomationAction::sendNotification(const QString &blockDocumentId,
                                                    const QString &body, const QString &subject)
{
    AutomationAction a;
    a.type = Type::SendNotification;
    a.blockDocumentId = blockDocumentId;
    a.body = body;
    a.subject = subject;
    return a;
}

QString AutomationAction::typeName(Type type)
{
    for (const TypeName &t : kTypes) {
        if (t.type == type)
            return t.name.toString();
    }
    return {};
}

std::optional<AutomationAction::Type> AutomationAction::typeFromName(QStringView name)
{
    for (const TypeName &t : kTypes) {
        if (t.name == name)
            return t.type;
    }
    return std::nullopt;
}

bool AutomationAction::hasSource() const
{
    return type == Type::RunDeployment || type == Type::PauseAutomation
           || type == Type::ResumeAutomation;
}

QString AutomationAction::targetKey() const
{
    if (type == Type::RunDeployment)
        return u"deployment_id"_s;
    if (type == Type::PauseAutomation || type == Type::ResumeAutomation)
        return u"automation_id"_s;
    return {};
}

QByteArray AutomationAction::toJson() const
{
    QByteArray out = "{\"type\":";
    json::appendQuoted(out, typeName());
    if (hasSource()) {
        out.append(source == Source::Inferred ? ",\"source\":\"inferred\""
                                              : ",\"source\":\"selected\"");
        if (source == Source::Selected || !targetId.trimmed().isEmpty()) {
            out.append(",\"");
            out.append(targetKey().toLatin1());
            out.append("\":");
            writeId(out, targetId);
        }
    }
    if (type == Type::RunDeployment) {
        out.append(",\"parameters\":");
        writeJsonOrNull(out, parameters);
        out.append(",\"job_variables\":");
        writeJsonOrNull(out, jobVariables);
    }
    if (type == Type::SendNotification) {
        out.append(",\"block_document_id\":");
        writeId(out, blockDocumentId);
        out.append(",\"subject\":");
        json::appendQuoted(out, subject);
        out.append(",\"body\":");
        json::appendQuoted(out, body);
    }
    out.append('}');
    return out;
}

QString AutomationAction::validate(const QString &path) const
{
    const auto at = [&path](const QString &field, const QString &why) -> QString {
        return (field.isEmpty() ? path : path + u'.' + field) + u": "_s + why;
    };
    if (hasSource()) {
        const QString key = targetKey();
        const bool hasId = !targetId.trimmed().isEmpty();
        // The server's words (`selected_deployment_requires_id` and its automation twin).
        if (source == Source::Selected && !hasId)
            return at({}, key + u" is required"_s);
        if (source == Source::Inferred && hasId)
            return at({}, key + u" is not allowed"_s);
        if (hasId && canonicalUuid(targetId.trimmed()).isEmpty())
            return at(key, u"Input should be a valid UUID"_s);
    }
    if (type == Type::RunDeployment) {
        if (QString why = objectError(parameters); !why.isEmpty())
            return at(u"parameters"_s, why);
        if (QString why = objectError(jobVariables); !why.isEmpty())
            return at(u"job_variables"_s, why);
    }
    if (type == Type::SendNotification) {
        if (blockDocumentId.trimmed().isEmpty())
            return at(u"block_document_id"_s, u"Field required"_s);
        if (canonicalUuid(blockDocumentId.trimmed()).isEmpty())
            return at(u"block_document_id"_s, u"Input should be a valid UUID"_s);
        if (body.isEmpty())
            return at(u"body"_s, u"Field required"_s);
    }
    return {};
}

QString runDeploymentLoopError(bool enabled, const Trigger &trigger,
                               const QList<AutomationAction> &actions)
{
    const EventTrigger *e = trigger.event();
    if (!enabled || !e || e->posture != Posture::Reactive)
        return {};
    static const QStringList problematic = {u"prefect.flow-run.Scheduled"_s,
                                            u"prefect.flow-run.Pending"_s,
                                            u"prefect.flow-run.Running"_s, u"prefect.flow-run.*"_s};
    const bool flowRunStates =
        std::any_of(e->expect.cbegin(), e->expect.cend(),
                    [](const QString &x) { return problematic.contains(x); });
    if (!flowRunStates)
        return {};
    for (const AutomationAction &a : actions) {
        if (a.type != AutomationAction::Type::RunDeployment)
            continue;
        if (a.source == AutomationAction::Source::Inferred)
            return u"Running an inferred deployment from a flow run state change event will lead "
                   u"to an infinite loop of flow runs.  Please choose a specific deployment and "
                   u"add additional filtering labels to the match or match_related for this "
                   u"automation's trigger."_s;
        const bool relatedEverything =
            std::all_of(e->matchRelated.cbegin(), e->matchRelated.cend(), [](const ResourceSpec &s) {
                return matchesEveryResourceOfKind(s, u"prefect.flow-run");
            });
        if (matchesEveryResourceOfKind(e->match, u"prefect.flow-run") && relatedEverything)
            return u"Running a selected deployment from a flow run state change event may lead to "
                   u"an infinite loop of flow runs.  Please include additional filtering labels on "
                   u"either match or match_related to narrow down which flow runs will trigger "
                   u"this automation to exclude flow runs from the deployment you've selected."_s;
    }
    return {};
}

QString validateAutomation(const QString &name, bool enabled, const Trigger &trigger,
                           const QList<AutomationAction> &actions)
{
    if (name.trimmed().isEmpty())
        return u"name: a name is required"_s;
    if (QString why = validateTrigger(trigger); !why.isEmpty())
        return why;
    for (qsizetype i = 0; i < actions.size(); ++i) {
        if (QString why = actions[i].validate(u"actions[%1]"_s.arg(i)); !why.isEmpty())
            return why;
    }
    return runDeploymentLoopError(enabled, trigger, actions);
}

QByteArray automationBody(const QString &name, const QString &description, bool enabled,
                          const Trigger &trigger, const QList<AutomationAction> &actions)
{
    QByteArray out = "{\"name\":";
    json::appendQuoted(out, name);
    out.append(",\"description\":");
    json::appendQuoted(out, description);
    out.append(enabled ? ",\"enabled\":true" : ",\"enabled\":false");
    out.append(",\"trigger\":");
    out.append(serializeTrigger(trigger));
    out.append(",\"actions\":[");
    for (qsizetype i = 0; i < actions.size(); ++i) {
        if (i)
            out.append(',');
        out.append(actions[i].toJson());
    }
    out.append("],\"actions_on_trigger\":[],\"actions_on_resolve\":[]}");
    return out;
}

} // namespace ed
