#pragma once

#include "core/event.h"
#include "core/trigger.h"

#include <QDialog>
#include <QList>
#include <QString>

class QButtonGroup;
class QLabel;
class QVBoxLayout;

namespace ed::ui {

/// One step of generality for an "Automate" trigger made from an event: which resources
/// (`match`, `match_related`) or which events (`expect`).
struct AutomateRung
{
    enum class Scope { Resource, Event };
    Scope scope = Scope::Resource;
    QString label;                    ///< e.g. "Any flow run of deployment etl/prod"
    ResourceSpec match;               ///< Resource rungs
    QList<ResourceSpec> matchRelated; ///< Resource rungs; empty: any related resources
    QString expect;                   ///< Event rungs: the one `expect` pattern
    bool operator==(const AutomateRung &) const = default;
};

/// The rungs an event allows, most specific first within each scope. Resources: this resource
/// (its id, as a literal pattern); for a Prefect resource id with a kind (`prefect.flow-run.…`),
/// any resource of that kind with the same deployment, flow, work queue or work pool (one rung
/// per role among the event's related resources: the kind's pattern plus a `match_related` on
/// the role and that resource's id), then any resource of the kind. Events: this exact name,
/// then each dotted family (`prefect.flow-run.*`), never the bare `prefect.*` namespace.
QList<AutomateRung> automateLadder(const Event &event);

/// A Reactive trigger firing once per matching event: threshold 1, within 0, `for_each`
/// `prefect.resource.id`, the resource rung's match and the event rung's `expect`.
Trigger automateTrigger(const AutomateRung &resource, const AutomateRung &event);

/// "Automate" for a selected event: two groups of radio buttons (which resources, which
/// events) built from automateLadder(), the resulting trigger in one sentence below, OK and
/// Cancel. Object names: resourceRung0…, eventRung0…, automateSummary.
class AutomateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutomateDialog)

public:
    explicit AutomateDialog(const Event &event, QWidget *parent = nullptr);
    ~AutomateDialog() override;

    QList<AutomateRung> rungs(AutomateRung::Scope scope) const;
    /// Checks rung `resource` of the resource group and `event` of the event group.
    void select(int resource, int event);
    /// The trigger for the checked rungs.
    Trigger trigger() const;

private:
    QButtonGroup *addGroup(const QString &title, AutomateRung::Scope scope, QVBoxLayout *layout);
    void updateSummary();

    QList<AutomateRung> m_resourceRungs;
    QList<AutomateRung> m_eventRungs;
    QButtonGroup *m_resourceGroup = nullptr;
    QButtonGroup *m_eventGroup = nullptr;
    QLabel *m_summary = nullptr;
};

} // namespace ed::ui
