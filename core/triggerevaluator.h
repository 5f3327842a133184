#pragma once

#include "core/event.h"
#include "core/trigger.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

/// A dry run of a Prefect automation trigger: events replayed through the server's evaluation
/// (spec §6.3, with the measured rules of §6.4 winning), reporting every firing.
namespace ed {

/// One firing of a trigger of the tree.
struct TriggerFiring
{
    /// When the server would fire, in µs: the triggering event's `occurred` for reactive,
    /// compound and sequence firings; the window's expiry for a proactive one.
    qint64 occurred = 0;
    /// The server's clock when it fired (the receive time of the event it was processing, or
    /// the proactive run's time): what compound and sequence `within` and order are measured on.
    qint64 fired = 0;
    /// Prefect's `triggering_labels`: the sorted `for_each` labels and the bucket's values
    /// (empty for compound and sequence firings).
    QList<QPair<QString, QString>> bucket;
    /// The events counted in the bucket that fired (for an `after` trigger, the event that
    /// opened the window first), the triggering event last.
    QStringList events;
    /// Which trigger fired: child indexes from the root (empty = the root trigger).
    QList<int> path;
    bool proactive = false;
};

/// Replays events, in the order the server received them, through one trigger tree.
///
/// The clock follows the server's: reactive windows are measured on `occurred`; the periodic
/// work (proactive runs, sweeping closed buckets 60 s after they end, followers whose leader
/// never came) runs on the events clock, i.e. the newest `occurred` seen (never past the
/// event's receive time) plus the receive-time that has passed since. Proactive runs happen
/// exactly when due rather than on the server's 5-second tick.
class TriggerEvaluator
{
public:
    /// `trigger` should be valid (validateTrigger()); an invalid one evaluates as written.
    explicit TriggerEvaluator(const Trigger &trigger);
    ~TriggerEvaluator();
    TriggerEvaluator(const TriggerEvaluator &) = delete;
    TriggerEvaluator &operator=(const TriggerEvaluator &) = delete;

    /// True when some event trigger of the tree could count or open on `event` (Prefect's
    /// `find_interested_triggers`): a cheap test to skip events before replaying them.
    bool interested(const Event &event) const;
    /// False when no event trigger of the tree can cover an event of this name: a cheaper test
    /// than interested(), for skipping events before parsing them.
    bool mayCover(const QString &eventName) const;
    /// Per event trigger of the tree, in depth-first order: whether it covers `event`.
    QList<bool> covers(const Event &event) const;

    /// Feeds the next event as the server receives it. `prefect.log.write` is skipped, as the
    /// server's triggers service does; a repeated id is ignored.
    void add(const Event &event);
    /// An event no trigger covers still moves the server's events clock (all but
    /// `prefect.log.write`): replays pass its times here instead of the whole event.
    void observe(qint64 occurred, std::optional<qint64> received);
    /// Lets the server's clock run to `horizon` (µs, on the events clock): proactive windows
    /// that end by then fire; windows still open do not.
    void finish(qint64 horizon);

    /// Firings of the root trigger, in firing order.
    const QList<TriggerFiring> &firings() const;
    /// Every firing of every trigger of the tree (children included), in firing order.
    const QList<TriggerFiring> &allFirings() const;
    /// Where the dry run can only approximate the server, one sentence each.
    QStringList notices() const;
    /// The event triggers of the tree in depth-first order, as paths.
    QList<QList<int>> leafPaths() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// The event-name patterns Prefect's evaluation uses (exposed for tests).
namespace triggermatch {
/// `matches()` of Prefect's events schema: fnmatchcase, a leading `!` negates.
bool labelMatches(QStringView pattern, QStringView value);
/// The prefix regex of `EventTrigger.event_pattern`: `*` is `.+`, all else literal, matched
/// at the start of `name` only.
bool eventPatternMatches(QStringView pattern, QStringView name);
/// The same with the pattern already split at its `*`s (the evaluator's hot path).
bool eventPatternMatches(const QStringList &pieces, QStringView name);
/// `Event.find_resource_label`, including `related:<role>:<label>`; empty when absent.
QString findResourceLabel(const Event &event, const QString &label);
} // namespace triggermatch

} // namespace ed
