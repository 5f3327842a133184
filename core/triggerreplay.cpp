#include "core/triggerreplay.h"

#include "core/eventstore.h"
#include "core/json.h"
#include "core/timeutil.h"

#include <QHash>

#include <algorithm>

namespace ed {

namespace {

/// The event name of a stored body without parsing all of it: the export form starts
/// `{"occurred":"…","event":"NAME"`. Null when the name is escaped or the shape differs.
QString quickEventName(QByteArrayView json)
{
    static constexpr QByteArrayView marker = "\",\"event\":\"";
    const qsizetype at = json.indexOf(marker);
    if (at < 0 || at > 64)
        return {};
    const qsizetype from = at + marker.size();
    for (qsizetype i = from; i < json.size(); ++i) {
        if (json[i] == '\\')
            return {};
        if (json[i] == '"')
            return QString::fromUtf8(json.sliced(from, i - from));
    }
    return {};
}

} // namespace

std::optional<TriggerReplay> replayTrigger(EventStore &store, const Trigger &trigger,
                                           const EventFilter &filter, std::optional<qint64> asOf,
                                           QString *error, const std::function<bool()> &cancelled)
{
    TriggerEvaluator evaluator(trigger);
    TriggerReplay result;
    result.leafPaths = evaluator.leafPaths();
    result.leafMatches.fill(0, result.leafPaths.size());

    // Only the events some trigger covers are kept: a million cached events become the few
    // thousand that matter before they are ordered by receive time.
    struct Pending
    {
        qint64 wall;
        Event event;
    };
    std::vector<Pending> pending;
    EventFilter ordered = filter;
    ordered.order = EventFilter::Order::Asc;
    bool stopped = false;
    qint64 newest = std::numeric_limits<qint64>::min();
    const bool ok = store.forEachJson(ordered, -1, [&](QByteArrayView json) {
        if (cancelled && (result.eventsRead & 0x3ff) == 0 && cancelled()) {
            stopped = true;
            return false;
        }
        ++result.eventsRead;
        if (const QString name = quickEventName(json); !name.isNull() && !evaluator.mayCover(name))
            return true;
        Event event;
        EventError why;
        if (!parseEvent(json, event, why))
            return true; // the cache holds only valid events; a damaged row is not fatal here
        const QList<bool> covered = evaluator.covers(event);
        bool any = false;
        for (qsizetype i = 0; i < covered.size(); ++i) {
            if (covered[i]) {
                ++result.leafMatches[i];
                any = true;
            }
        }
        if (any)
            pending.push_back({event.received.value_or(event.occurred), std::move(event)});
        return true;
    });
    if (stopped) {
        if (error)
            *error = QStringLiteral("cancelled");
        return std::nullopt;
    }
    if (!ok) {
        if (error)
            *error = store.lastError();
        return std::nullopt;
    }
    // Causal ordering: the server holds an event until the event it follows has been
    // processed. Only a leader the cache holds, received after its follower, makes a difference
    // here; such leaders are replayed too even when no trigger covers them. A leader received
    // earlier, or one the cache never saw (the server most likely did), holds nothing up.
    result.eventsReplayed = qint64(pending.size());
    QHash<QString, qint64> wallById;
    for (const Pending &p : pending)
        wallById.insert(p.event.id, p.wall);
    QStringList missing;
    for (const Pending &p : pending) {
        if (!p.event.follows.isEmpty() && !wallById.contains(p.event.follows))
            missing.append(p.event.follows);
    }
    missing.removeDuplicates();
    const QHash<QString, qint64> arrivals = store.arrivalTimes(missing);
    for (size_t i = 0; i < pending.size() && i < size_t(result.eventsReplayed) + 10000; ++i) {
        const QString follows = pending[i].event.follows;
        if (follows.isEmpty())
            continue;
        if (const auto known = wallById.constFind(follows); known != wallById.constEnd()) {
            if (*known <= pending[i].wall)
                pending[i].event.follows.clear();
            continue;
        }
        const auto arrival = arrivals.constFind(follows);
        if (arrival != arrivals.constEnd() && *arrival > pending[i].wall) {
            if (auto leader = store.findById(follows)) {
                wallById.insert(leader->event.id, *arrival);
                pending.push_back({*arrival, std::move(leader->event)});
                continue;
            }
        }
        pending[i].event.follows.clear();
    }
    // The whole scope's newest event bounds the horizon, whatever the filter selected.
    if (!asOf) {
        EventFilter all;
        all.order = EventFilter::Order::Desc;
        if (const auto page = store.page(all, 1); page && !page->isEmpty())
            newest = std::max(newest, page->constFirst().event.occurred);
    }
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Pending &a, const Pending &b) { return a.wall < b.wall; });
    for (size_t i = 0; i < pending.size(); ++i) {
        if (cancelled && (i & 0x3ff) == 0 && cancelled()) {
            if (error)
                *error = QStringLiteral("cancelled");
            return std::nullopt;
        }
        evaluator.add(pending[i].event);
    }
    result.horizon = asOf.value_or(newest == std::numeric_limits<qint64>::min() ? 0 : newest);
    evaluator.finish(result.horizon);
    result.firings = evaluator.firings();
    result.allFirings = evaluator.allFirings();
    result.notices = evaluator.notices();
    return result;
}

QByteArray firingJson(const TriggerFiring &firing)
{
    QByteArray out = "{\"occurred\":\"" + timeutil::format(firing.occurred) + "\",\"bucket\":{";
    for (qsizetype i = 0; i < firing.bucket.size(); ++i) {
        if (i)
            out += ',';
        json::appendQuoted(out, firing.bucket[i].first);
        out += ':';
        json::appendQuoted(out, firing.bucket[i].second);
    }
    out += "},\"events\":[";
    for (qsizetype i = 0; i < firing.events.size(); ++i) {
        if (i)
            out += ',';
        json::appendQuoted(out, firing.events[i]);
    }
    out += "]}";
    return out;
}

} // namespace ed
