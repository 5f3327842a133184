#pragma once

// The evaluator's state, shared by triggerevaluator.cpp (the clock, events, the tree) and
// triggerbuckets.cpp (windows and firings). Not part of core's API.

#include "core/glob.h"
#include "core/triggerevaluator.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace ed {

namespace triggereval {

inline constexpr qint64 second = 1000000;
inline constexpr qint64 precedingEventLookback = 15 * 60 * second; ///< PRECEDING_EVENT_LOOKBACK
inline constexpr qint64 seenExpiration = 30 * 60 * second;         ///< SEEN_EXPIRATION
inline constexpr qint64 expiredBucketBuffer = 60 * second;         ///< EXPIRED_BUCKET_BUFFER
inline constexpr qint64 tickMicros = 5 * second;                   ///< the services' granularity
inline constexpr int maxFollowerDepth = 20;                        ///< MAX_DEPTH_OF_PRECEDING_EVENT

/// a + b, saturating: a `within` of a billion days must not wrap around.
inline qint64 plus(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
    return r;
}

inline qint64 wallOf(const Event &e)
{
    return e.received.value_or(e.occurred);
}

inline void appendUnique(QStringList &list, const QString &id)
{
    if (!id.isEmpty() && !list.contains(id))
        list.append(id);
}

/// The ids with `last` moved (or added) to the end.
inline QStringList withLast(QStringList ids, const QString &last)
{
    if (!last.isEmpty()) {
        ids.removeAll(last);
        ids.append(last);
    }
    return ids;
}

struct NamePattern
{
    QString raw;
    Glob glob;    ///< the pattern without a leading `!`
    Glob rawGlob; ///< fnmatch of the whole text, as the candidate index uses it
    QStringList pieces; ///< the literal parts of `event_pattern` between its `*`s
    bool negated = false;

    explicit NamePattern(const QString &p)
        : raw(p), glob(p.startsWith(u'!') ? QStringView(p).mid(1) : QStringView(p)),
          rawGlob(p), pieces(p.split(u'*')), negated(p.startsWith(u'!'))
    {}
    bool matches(const QString &name) const { return glob.matches(name) != negated; }
};

struct Bucket
{
    QStringList key;
    qint64 start = 0;
    qint64 end = 0;
    qint64 count = 0;
    QString opener;       ///< the `after` event that opened the window
    QStringList events;   ///< the events counted
    QString lastEvent;    ///< the server's `last_event`
};

/// One event trigger of the tree and its buckets.
struct Leaf
{
    const EventTrigger *trigger = nullptr;
    int node = -1;
    QList<NamePattern> expect, after;
    QList<NamePattern> candidates; ///< the `find_interested_triggers` index keys
    QStringList forEach;           ///< sorted, as the bucketing key uses them
    qint64 within = 0;
    bool reactive = true;

    QHash<QStringList, Bucket> buckets;
    std::set<std::pair<qint64, QStringList>> byEnd; ///< proactive: (end, key)
    QSet<QStringList> satisfied;                    ///< proactive: count ≥ threshold
    std::optional<qint64> nextRun;                  ///< proactive: on the events clock

    bool immediate() const { return reactive && within == 0; }
    bool expects(const QString &name) const
    {
        return expect.isEmpty()
               || std::any_of(expect.begin(), expect.end(), [&](const NamePattern &p) { return p.matches(name); });
    }
    bool startsAfter(const QString &name) const
    {
        return std::any_of(after.begin(), after.end(), [&](const NamePattern &p) { return p.matches(name); });
    }
    bool covers(const Event &e) const
    {
        const bool candidate = std::any_of(candidates.begin(), candidates.end(), [&](const NamePattern &p) {
            return p.rawGlob.matches(e.event);
        });
        if (!candidate)
            return false;
        if (!expect.isEmpty()) {
            bool pattern = false;
            for (const auto *list : {&expect, &after}) {
                for (const NamePattern &p : *list)
                    pattern = pattern || triggermatch::eventPatternMatches(p.pieces, e.event);
            }
            if (!pattern)
                return false;
        } else if (e.event.isEmpty()) {
            return false;
        }
        if (!trigger->match.isEmpty() && !trigger->match.matches(e.resource))
            return false;
        for (const ResourceSpec &spec : trigger->matchRelated) {
            if (spec.isEmpty())
                continue;
            if (std::none_of(e.related.begin(), e.related.end(), [&](const Resource &r) { return spec.matches(r); }))
                return false;
        }
        return true;
    }
    QStringList bucketingKey(const Event &e) const
    {
        QStringList key;
        for (const QString &label : forEach)
            key.append(triggermatch::findResourceLabel(e, label));
        return key;
    }
};

/// A compound or sequence trigger (or the root event trigger) in the tree.
struct Node
{
    const Trigger *trigger = nullptr;
    int parent = -1;
    int indexInParent = 0;
    QList<int> path;
    int leaf = -1;
    bool sequence = false;
    qint64 childCount = 0;
    qint64 expected = 1;
    std::optional<qint64> within;
    std::map<int, TriggerFiring> childFirings; ///< child index → its latest firing
};

inline qint64 toMicros(double seconds)
{
    const double micros = seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5);
    if (!(micros < 4e18)) // also NaN
        return qint64(4e18);
    if (micros < -4e18)
        return qint64(-4e18);
    return qint64(micros);
}

} // namespace triggereval

using namespace triggereval;

struct TriggerEvaluator::Private
{
    std::vector<Node> nodes;
    std::vector<Leaf> leaves;
    QList<TriggerFiring> firings, all;
    QStringList notices;

    // The server's clocks.
    std::optional<qint64> eventsClock; ///< the newest `occurred`, never past its receive time
    qint64 lastWall = 0;               ///< receive time of the last event processed
    qint64 wall = 0;                   ///< the receive-time clock now
    qint64 lastStamp = 0;              ///< the last firing time handed out
    bool loaded = false;
    qint64 sweepAsOf = std::numeric_limits<qint64>::min(); ///< the events clock at the last sweep

    QHash<QString, qint64> seen; ///< id → when it was processed (wall)
    QHash<QString, QList<Event>> followers; ///< leader id → events waiting for it
    std::multimap<qint64, QString> waitlist; ///< receive time → follower id
    QHash<QString, QString> waitingOn; ///< follower id → leader id

    void build(const Trigger &t, int parent, int indexInParent, QList<int> path);

    qint64 asOf(qint64 wallTime) const { return eventsClock ? *eventsClock + (wallTime - lastWall) : wallTime; }
    qint64 wallFor(qint64 asOfTime) const { return eventsClock ? asOfTime - *eventsClock + lastWall : asOfTime; }
    qint64 stamp(qint64 wallTime)
    {
        lastStamp = std::max(wallTime, lastStamp + 1);
        return lastStamp;
    }

    void load(qint64 wallTime, qint64 occurred);
    void arrive(qint64 wallTime, qint64 occurred);
    void advance(qint64 wallTarget);
    void tick(qint64 at, bool onGrid);
    qint64 nextTick(qint64 after) const;
    void receive(const Event &e, int depth);
    void process(const Event &e);
    void leafEvent(Leaf &leaf, const Event &e);
    void proactiveRun(Leaf &leaf, qint64 runAsOf);

    Bucket &setBucket(Leaf &leaf, Bucket bucket);
    void touched(Leaf &leaf, const Bucket &bucket);
    void removeBucket(Leaf &leaf, const QStringList &key);
    Bucket *ensure(Leaf &leaf, const QStringList &key, qint64 start, qint64 end, const Event *last,
                   qint64 initialCount, bool listOpener);
    void sweepIfClosed(Leaf &leaf, const QStringList &key);
    void evaluate(Leaf &leaf, const QStringList &key, qint64 now, const Event *event);

    void fire(int node, TriggerFiring firing);
    void evaluateComposite(int node, int childIndex, const TriggerFiring &firing);
};


} // namespace ed
