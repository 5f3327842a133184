#pragma once

#include "core/trigger.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

/// The actions an automation runs (spec §6.1) and the body that creates one: `POST
/// /automations/`. Only the action types the app offers are modelled; the checks mirror the
/// server's validators where they are cheap, with the server's wording.
namespace ed {

/// One action of an automation, as the client builds it.
struct AutomationAction
{
    enum class Type {
        DoNothing,
        RunDeployment,
        PauseAutomation,
        ResumeAutomation,
        SendNotification
    };
    /// `selected`: the action names its target; `inferred`: the server takes it from the
    /// triggering event's related resources.
    enum class Source { Selected, Inferred };

    Type type = Type::DoNothing;
    Source source = Source::Selected;
    QString targetId;        ///< `deployment_id` or `automation_id`; must be empty when inferred
    QByteArray parameters;   ///< run-deployment: a JSON object, or empty for `null`
    QByteArray jobVariables; ///< run-deployment: a JSON object, or empty for `null`
    QString blockDocumentId; ///< send-notification: the notification block (a UUID)
    QString subject = QStringLiteral("Prefect automated notification");
    QString body; ///< send-notification: Jinja template

    static AutomationAction doNothing();
    static AutomationAction runDeployment(Source source, const QString &deploymentId = {},
                                          const QByteArray &parameters = {},
                                          const QByteArray &jobVariables = {});
    static AutomationAction pauseAutomation(Source source, const QString &automationId = {});
    static AutomationAction resumeAutomation(Source source, const QString &automationId = {});
    static AutomationAction sendNotification(
        const QString &blockDocumentId, const QString &body,
        const QString &subject = QStringLiteral("Prefect automated notification"));

    /// `do-nothing`, `run-deployment`, … as the server names the type.
    static QString typeName(Type type);
    static std::optional<Type> typeFromName(QStringView name);
    QString typeName() const { return typeName(type); }
    /// Whether this type has `source` and a target id.
    bool hasSource() const;
    /// The target's JSON key: `deployment_id`, `automation_id`, or empty.
    QString targetKey() const;

    /// Compact JSON in the field order of Prefect's action models, faithful to the fields so
    /// that the server names any mistake: a selected target is written even when empty, an
    /// inferred one only when set. Parameters that are not JSON at all are written as `null`;
    /// validate() reports them.
    QByteArray toJson() const;
    /// The first problem as `path: reason` (path e.g. `actions[0].deployment_id`), or empty.
    QString validate(const QString &path = QStringLiteral("action")) const;

    bool operator==(const AutomationAction &) const = default;
};

/// The server's `prevent_run_deployment_loops` check: an enabled, Reactive event trigger that
/// expects a flow run entering Scheduled, Pending or Running (or `prefect.flow-run.*`) must not
/// run an inferred deployment, nor a selected one unless `match` or `match_related` narrows the
/// flow runs. Returns the server's message, or empty.
QString runDeploymentLoopError(bool enabled, const Trigger &trigger,
                               const QList<AutomationAction> &actions);

/// What the server would refuse in this automation (name, trigger, each action, loops), as
/// `path: reason`; empty when it looks acceptable. A blank name is refused here although the
/// server would take it: an automation nobody can tell apart in a list is a mistake.
QString validateAutomation(const QString &name, bool enabled, const Trigger &trigger,
                           const QList<AutomationAction> &actions);

/// The create body in Prefect's key order: name, description, enabled, trigger, actions,
/// actions_on_trigger ([]), actions_on_resolve ([]).
QByteArray automationBody(const QString &name, const QString &description, bool enabled,
                          const Trigger &trigger, const QList<AutomationAction> &actions);

} // namespace ed
