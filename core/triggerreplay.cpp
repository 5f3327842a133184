#include "core/triggerreplay.h"

#include "core/eventstore.h"
#include "core/json.h"
#include "core/timeutil.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ed {

namespace {

/// The text of a JSON string member that starts at `from` (just after its opening quote);
/// null when it holds an escape.
QByteArrayView stringAt(QByteArrayView json, qsizetype from)
{
    for (qsizetype i = from; i < json.size(); ++i) {
        if (json[i] == '\\')
            return {};
        if (json[i] == '"')
            return json.sliced(from, i - from);
    }
    return {};
}

/// What the replay needs of an event it may not parse: its name and times, read from the
/// stored export form (`{"occurred":"…","event":"NAME",…,"received":"…"|null}`).
struct Glance
{
    QString name;
    qint64 occurred = 0;
    std::optional<qint64> received;
};

std::optional<Glance> glance(QByteArrayView json)
{
    static constexpr QByteArrayView head = "{\"occurred\":\"";
    static constexpr QByteArrayView eventKey = "\",\"event\":\"";
    static constexpr QByteArrayView receivedKey = ",\"received\":";
    if (!json.startsWith(head))
        return std::nullopt;
    const QByteArrayView occurred = stringAt(json, head.size());
    const qsizetype at = head.size() + occurred.size();
    if (occurred.isNull() || !json.sliced(at).startsWith(eventKey))
        return std::nullopt;
    const QByteArrayView name = stringAt(json, at + eventKey.size());
    const qsizetype r = json.lastIndexOf(receivedKey);
    if (name.isNull() || r < 0)
        return std::nullopt;
    Glance g;
    g.name = QString::fromUtf8(name);
    if (!timeutil::parse(QString::fromLatin1(occurred), g.occurred))
        return std::nullopt;
    const QByteArrayView rest = json.sliced(r + receivedKey.size());
    if (rest.startsWith('"')) {
        qint64 received = 0;
        if (!timeutil::parse(QString::fromLatin1(stringAt(rest, 1)), received))
            return std::nullopt;
        g.received = received;
    } else if (!rest.startsWith("null")) {
        return std::nullopt;
    }
    return g;
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

    // Every event moves the server's clock, but only those some trigger covers are parsed and
    // kept whole: the rest are a time on the timeline (24 bytes each).
    struct Item
    {
        qint64 wall;
        qint64 occurred;
        std::optional<qint64> received;
        qsizetype event; ///< index into `events`, or -1 for a time only
    };
    std::vector<Item> timeline;
    std::vector<Event> events;
    EventFilter ordered = filter;
    ordered.order = EventFilter::Order::Asc;
    bool stopped = false;
    qint64 newest = std::numeric_limits<qint64>::min();
    auto observe = [&](qint64 occurred, std::optional<qint64> received) {
        timeline.push_back({received.value_or(occurred), occurred, received, -1});
    };
    const bool ok = store.forEachJson(ordered, -1, [&](QByteArrayView json) {
        if (cancelled && (result.eventsRead & 0x3ff) == 0 && cancelled()) {
            stopped = true;
            return false;
        }
        ++result.eventsRead;
        const auto g = glance(json);
        if (g && g->name == u"prefect.log.write")
            return true; // the triggers service never sees these
        if (g && !evaluator.mayCover(g->name)) {
            observe(g->occurred, g->received);
            return true;
        }
        Event event;
        EventError why;
        if (!parseEvent(json, event, why))
            return true; // the cache holds only valid events; a damaged row is not fatal here
        if (event.event == u"prefect.log.write")
            return true;
        const QList<bool> covered = evaluator.covers(event);
        bool any = false;
        for (qsizetype i = 0; i < covered.size(); ++i) {
            if (covered[i]) {
                ++result.leafMatches[i];
                any = true;
            }
        }
        if (!any) {
            observe(event.occurred, event.received);
            return true;
        }
        timeline.push_back({event.received.value_or(event.occurred), event.occurred, event.received,
                            qsizetype(events.size())});
        events.push_back(std::move(event));
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
    result.eventsReplayed = qint64(events.size());

    // Causal ordering: the server holds an event until the event it `follows` has been
    // processed (for 15 minutes at most). A leader no trigger covers still releases its
    // followers, so the cached leaders of replayed events join the timeline as bare events.
    QSet<QString> replayed;
    for (const Event &e : events)
        replayed.insert(e.id);
    QStringList leaders;
    for (const Event &e : events) {
        if (!e.follows.isEmpty() && !replayed.contains(e.follows))
            leaders.append(e.follows);
    }
    leaders.removeDuplicates();
    const auto arrivals = store.arrivals(leaders);
    for (auto it = arrivals.cbegin(); it != arrivals.cend(); ++it) {
        Event leader;
        leader.id = it.key();
        leader.event = it->event;
        leader.occurred = it->occurred;
        leader.received = it->received;
        leader.resource.set(QStringLiteral("prefect.resource.id"), QString());
        timeline.push_back({it->received.value_or(it->occurred), it->occurred, it->received, qsizetype(events.size())});
        events.push_back(std::move(leader));
    }

    // The whole scope's newest event bounds the horizon, whatever the filter selected.
    if (!asOf) {
        EventFilter all;
        all.order = EventFilter::Order::Desc;
        if (const auto page = store.page(all, 1); page && !page->isEmpty())
            newest = std::max(newest, page->constFirst().event.occurred);
    }
    for (const Item &item : timeline)
        newest = std::max(newest, item.occurred);
    std::stable_sort(timeline.begin(), timeline.end(), [](const Item &a, const Item &b) { return a.wall < b.wall; });
    for (size_t i = 0; i < timeline.size(); ++i) {
        if (cancelled && (i & 0xffff) == 0 && cancelled()) {
            if (error)
                *error = QStringLiteral("cancelled");
            return std::nullopt;
        }
        const Item &item = timeline[i];
        if (asOf && item.occurred > *asOf)
            continue; // after the moment the dry run stands at
        if (item.event >= 0)
            evaluator.add(events[size_t(item.event)]);
        else
            evaluator.observe(item.occurred, item.received);
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
