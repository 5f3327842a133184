#pragma once

#include "core/eventfilter.h"
#include "core/triggerevaluator.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ed {

class EventStore;

/// What a dry run of a trigger over the cache found.
struct TriggerReplay
{
    QList<TriggerFiring> firings;    ///< the root trigger's, in firing order
    QList<TriggerFiring> allFirings; ///< every trigger of the tree, children included
    QStringList notices;             ///< where the dry run approximates the server
    QList<QList<int>> leafPaths;     ///< the event triggers of the tree, depth first
    QList<qint64> leafMatches;       ///< per event trigger: cached events it covers
    qint64 eventsRead = 0;           ///< events the filter selected
    qint64 eventsReplayed = 0;       ///< events some event trigger covers
    qint64 horizon = 0;              ///< proactive windows ending after this did not fire
};

/// Replays the cached events that `filter` selects (its order and limit are ignored) through
/// `trigger`, in the order the server received them (`received`, else `occurred`). Proactive
/// windows fire when they end by `asOf`, which defaults to the newest cached event's
/// `occurred`; events that occurred after an explicit `asOf` are left out. `cancelled` is
/// polled now and then. nullopt with the reason on a cache error or
/// when cancelled.
std::optional<TriggerReplay> replayTrigger(EventStore &store, const Trigger &trigger,
                                           const EventFilter &filter,
                                           std::optional<qint64> asOf = std::nullopt,
                                           QString *error = nullptr,
                                           const std::function<bool()> &cancelled = {});

/// One line of `eventdeck trigger test`:
/// `{"occurred":"…Z","bucket":{label:value,…},"events":[ids…]}`.
QByteArray firingJson(const TriggerFiring &firing);

} // namespace ed
