#include "core/triggerevaluator.h"

#include "core/glob.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <map>
#include <set>

namespace ed {

namespace {

constexpr qint64 second = 1000000;
constexpr qint64 precedingEventLookback = 15 * 60 * second; ///< PRECEDING_EVENT_LOOKBACK
constexpr qint64 seenExpiration = 30 * 60 * second;         ///< SEEN_EXPIRATION
constexpr qint64 expiredBucketBuffer = 60 * second;         ///< EXPIRED_BUCKET_BUFFER
constexpr int maxFollowerDepth = 20;                        ///< MAX_DEPTH_OF_PRECEDING_EVENT

qint64 wallOf(const Event &e)
{
    return e.received.value_or(e.occurred);
}

void appendUnique(QStringList &list, const QString &id)
{
    if (!id.isEmpty() && !list.contains(id))
        list.append(id);
}

/// The ids with `last` moved (or added) to the end.
QStringList withLast(QStringList ids, const QString &last)
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
    bool negated = false;

    explicit NamePattern(const QString &p)
        : raw(p), glob(p.startsWith(u'!') ? QStringView(p).mid(1) : QStringView(p)),
          rawGlob(p), negated(p.startsWith(u'!'))
    {}
    bool matches(const QString &name) const { return glob.matches(name) != negated; }
};

struct Bucket
{
    QStringList key;
    qint64 start = 0;
    qint64 end = 0;
    qint64 count = 0;
    QStringList events;   ///< opener and counted events
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
                    pattern = pattern || triggermatch::eventPatternMatches(p.raw, e.event);
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

qint64 toMicros(double seconds)
{
    return qint64(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5));
}

} // namespace

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

    void advance(qint64 wallTarget);
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

void TriggerEvaluator::Private::build(const Trigger &t, int parent, int indexInParent, QList<int> path)
{
    const int index = int(nodes.size());
    nodes.push_back(Node{});
    nodes[index].trigger = &t;
    nodes[index].parent = parent;
    nodes[index].indexInParent = indexInParent;
    nodes[index].path = path;
    if (const EventTrigger *et = t.event()) {
        Leaf leaf;
        leaf.trigger = et;
        leaf.node = index;
        for (const QString &p : et->expect)
            leaf.expect.append(NamePattern(p));
        for (const QString &p : et->after)
            leaf.after.append(NamePattern(p));
        if (et->expect.isEmpty())
            leaf.candidates.append(NamePattern(QStringLiteral("*")));
        else
            leaf.candidates = leaf.expect + leaf.after;
        leaf.forEach = et->forEach;
        leaf.forEach.removeDuplicates();
        std::sort(leaf.forEach.begin(), leaf.forEach.end());
        leaf.reactive = et->posture.value_or(Posture::Reactive) == Posture::Reactive;
        leaf.within = toMicros(et->effectiveWithin());
        nodes[index].leaf = int(leaves.size());
        leaves.push_back(std::move(leaf));
        if (!leaves.back().reactive && leaves.back().forEach.isEmpty()) {
            notices.append(QStringLiteral(
                "Approximate: a proactive trigger without for_each has one window that the server "
                "opens by itself when it loads the automation and re-arms after each expiry; this "
                "dry run opens it at the first replayed event."));
        }
        return;
    }
    const auto *children = t.children();
    Node &node = nodes[index];
    node.childCount = children ? qint64(children->size()) : 0;
    if (const auto *compound = std::get_if<CompoundTrigger>(&t.kind)) {
        switch (compound->require.kind) {
        case Require::Kind::Any: node.expected = 1; break;
        case Require::Kind::All: node.expected = node.childCount; break;
        case Require::Kind::Count: node.expected = compound->require.count; break;
        }
        if (compound->within)
            node.within = toMicros(compound->within->value);
    } else if (const auto *sequence = std::get_if<SequenceTrigger>(&t.kind)) {
        node.sequence = true;
        node.expected = node.childCount;
        if (sequence->within)
            node.within = toMicros(sequence->within->value);
    }
    if (!children)
        return;
    for (int i = 0; i < int(children->size()); ++i) {
        QList<int> childPath = path;
        childPath.append(i);
        build((*children)[size_t(i)], index, i, childPath);
    }
}

TriggerEvaluator::TriggerEvaluator(const Trigger &trigger)
    : d(std::make_unique<Private>())
{
    d->build(trigger, -1, 0, {});
    d->notices.removeDuplicates();
}

TriggerEvaluator::~TriggerEvaluator() = default;

bool TriggerEvaluator::interested(const Event &event) const
{
    return std::any_of(d->leaves.begin(), d->leaves.end(), [&](const Leaf &l) { return l.covers(event); });
}

QList<bool> TriggerEvaluator::covers(const Event &event) const
{
    QList<bool> result;
    for (const Leaf &l : d->leaves)
        result.append(l.covers(event));
    return result;
}

QList<QList<int>> TriggerEvaluator::leafPaths() const
{
    QList<QList<int>> result;
    for (const Leaf &l : d->leaves)
        result.append(d->nodes[size_t(l.node)].path);
    return result;
}

const QList<TriggerFiring> &TriggerEvaluator::firings() const { return d->firings; }
const QList<TriggerFiring> &TriggerEvaluator::allFirings() const { return d->all; }
QStringList TriggerEvaluator::notices() const { return d->notices; }

void TriggerEvaluator::add(const Event &event)
{
    if (event.event == u"prefect.log.write" || d->seen.contains(event.id) || d->waitingOn.contains(event.id))
        return;
    const qint64 wall = wallOf(event);
    if (!d->loaded) {
        // The automation is loaded as the first event arrives: proactive triggers run at once.
        d->loaded = true;
        d->eventsClock = std::min(event.occurred, wall);
        d->lastWall = wall;
        d->wall = wall;
        for (Leaf &leaf : d->leaves) {
            if (!leaf.reactive)
                leaf.nextRun = *d->eventsClock;
        }
    }
    d->advance(std::max(wall, d->wall));
    d->wall = std::max(wall, d->wall);
    // update_events_clock: the newest occurred, clamped to now, never going back
    const qint64 stampTime = std::min(event.occurred, d->wall);
    if (!d->eventsClock || stampTime >= *d->eventsClock)
        d->eventsClock = stampTime;
    d->lastWall = d->wall;
    d->receive(event, 0);
}

void TriggerEvaluator::finish(qint64 horizon)
{
    if (!d->loaded)
        return;
    const qint64 target = d->wallFor(horizon);
    if (target > d->wall)
        d->advance(target);
}

void TriggerEvaluator::Private::advance(qint64 wallTarget)
{
    for (;;) {
        // the next periodic work due: a proactive run or a follower whose leader is lost
        qint64 due = std::numeric_limits<qint64>::max();
        Leaf *runLeaf = nullptr;
        for (Leaf &leaf : leaves) {
            if (leaf.nextRun && wallFor(*leaf.nextRun) < due) {
                due = wallFor(*leaf.nextRun);
                runLeaf = &leaf;
            }
        }
        const bool lost = !waitlist.empty() && waitlist.begin()->first + precedingEventLookback <= due;
        if (lost)
            due = waitlist.begin()->first + precedingEventLookback;
        if (due > wallTarget)
            return;
        wall = std::max(wall, due);
        if (lost) {
            const QString id = waitlist.begin()->second;
            waitlist.erase(waitlist.begin());
            const QString leader = waitingOn.take(id);
            QList<Event> &waiting = followers[leader];
            for (qsizetype i = 0; i < waiting.size(); ++i) {
                if (waiting[i].id == id) {
                    const Event e = waiting.takeAt(i);
                    if (waiting.isEmpty())
                        followers.remove(leader);
                    receive(e, 1); // lost: evaluated without its leader
                    break;
                }
            }
        } else {
            proactiveRun(*runLeaf, *runLeaf->nextRun);
        }
    }
}

void TriggerEvaluator::Private::receive(const Event &e, int depth)
{
    if (!e.follows.isEmpty() && e.follows != e.id && depth == 0) {
        const auto it = seen.constFind(e.follows);
        const bool leaderSeen = it != seen.constEnd() && *it + seenExpiration >= wall;
        if (!leaderSeen && !waitingOn.contains(e.id) && wall - wallOf(e) < precedingEventLookback) {
            // it arrived before the event it follows: it waits for its leader
            followers[e.follows].append(e);
            waitingOn.insert(e.id, e.follows);
            waitlist.emplace(wallOf(e), e.id);
            return;
        }
    }
    process(e);
    seen.insert(e.id, wall);
    if (depth >= maxFollowerDepth)
        return;
    QList<Event> waiting = followers.take(e.id);
    std::stable_sort(waiting.begin(), waiting.end(), [](const Event &a, const Event &b) { return a.occurred < b.occurred; });
    for (const Event &f : waiting) {
        waitingOn.remove(f.id);
        for (auto it = waitlist.begin(); it != waitlist.end(); ++it) {
            if (it->second == f.id) {
                waitlist.erase(it);
                break;
            }
        }
        receive(f, depth + 1);
    }
}

void TriggerEvaluator::Private::process(const Event &e)
{
    for (Leaf &leaf : leaves) {
        if (leaf.covers(e))
            leafEvent(leaf, e);
    }
}

// --- buckets (the server's automation_bucket rows) ---

Bucket &TriggerEvaluator::Private::setBucket(Leaf &leaf, Bucket bucket)
{
    removeBucket(leaf, bucket.key);
    const QStringList key = bucket.key;
    Bucket &stored = leaf.buckets[key] = std::move(bucket);
    touched(leaf, stored);
    return stored;
}

void TriggerEvaluator::Private::touched(Leaf &leaf, const Bucket &bucket)
{
    if (leaf.reactive)
        return;
    if (bucket.count >= leaf.trigger->threshold)
        leaf.satisfied.insert(bucket.key);
    else
        leaf.satisfied.remove(bucket.key);
    leaf.byEnd.insert({bucket.end, bucket.key});
}

void TriggerEvaluator::Private::removeBucket(Leaf &leaf, const QStringList &key)
{
    const auto it = leaf.buckets.find(key);
    if (it == leaf.buckets.end())
        return;
    if (!leaf.reactive) {
        leaf.byEnd.erase({it->end, key});
        leaf.satisfied.remove(key);
    }
    leaf.buckets.erase(it);
}

Bucket *TriggerEvaluator::Private::ensure(Leaf &leaf, const QStringList &key, qint64 start, qint64 end,
                                          const Event *last, qint64 initialCount, bool listOpener)
{
    const auto it = leaf.buckets.find(key);
    if (it != leaf.buckets.end()) {
        // an existing bucket is left alone, but for its last_event
        if (last)
            it->lastEvent = last->id;
        return &*it;
    }
    Bucket bucket;
    bucket.key = key;
    bucket.start = start;
    bucket.end = end;
    bucket.count = initialCount;
    if (last) {
        bucket.lastEvent = last->id;
        if (listOpener)
            bucket.events.append(last->id);
    }
    return &setBucket(leaf, std::move(bucket));
}

void TriggerEvaluator::Private::sweepIfClosed(Leaf &leaf, const QStringList &key)
{
    // sweep_closed_buckets runs every few seconds: a bucket that ended more than the buffer
    // before the events clock is gone.
    const auto it = leaf.buckets.constFind(key);
    if (it != leaf.buckets.constEnd() && it->end <= asOf(wall) - expiredBucketBuffer)
        removeBucket(leaf, key);
}

void TriggerEvaluator::Private::leafEvent(Leaf &leaf, const Event &e)
{
    const QStringList key = leaf.bucketingKey(e);
    sweepIfClosed(leaf, key);
    const bool expected = leaf.expects(e.event);
    Bucket *bucket = nullptr;
    if (!leaf.after.isEmpty() && leaf.startsAfter(e.event)) {
        // When one event is both `after` and `expect`, the window starts at -1 so that the
        // opener does not count itself.
        bucket = ensure(leaf, key, e.occurred, e.occurred + leaf.within, &e, expected ? -1 : 0, true);
    }
    if (!bucket && leaf.after.isEmpty() && expected) {
        // A first window reaches PRECEDING_EVENT_LOOKBACK back, for events arriving out of order.
        bucket = ensure(leaf, key, e.occurred - precedingEventLookback, e.occurred + leaf.within, &e, 0, false);
    }
    if (!expected)
        return;
    if (!bucket && !leaf.buckets.contains(key))
        return;
    evaluate(leaf, key, e.occurred, &e);
}

void TriggerEvaluator::Private::evaluate(Leaf &leaf, const QStringList &key, qint64 now, const Event *event)
{
    const auto it = leaf.buckets.find(key);
    if (it == leaf.buckets.end())
        return;
    Bucket bucket = *it;
    qint64 count = event ? 1 : 0;
    if (now < bucket.start)
        return; // late: before the current window
    if (count && (leaf.immediate() || (bucket.start <= now && now < bucket.end))) {
        bucket.count += count;
        appendUnique(bucket.events, event->id);
        bucket.lastEvent = event->id;
        count = 0;
        setBucket(leaf, bucket);
    }
    const qint64 threshold = leaf.trigger->threshold;
    const bool ready = leaf.reactive || bucket.end <= now;
    const bool meets = leaf.reactive ? bucket.count >= threshold : bucket.count < threshold;
    if (ready && meets) {
        TriggerFiring firing;
        firing.proactive = !leaf.reactive;
        firing.occurred = leaf.reactive ? event->occurred : bucket.end;
        for (qsizetype i = 0; i < leaf.forEach.size(); ++i)
            firing.bucket.append({leaf.forEach[i], bucket.key.value(i)});
        firing.events = withLast(bucket.events, event ? event->id : bucket.lastEvent);
        firing.fired = stamp(wall);
        removeBucket(leaf, key);
        fire(leaf.node, std::move(firing));
    } else if (now < bucket.end) {
        if (event && !leaf.reactive && !meets && leaf.startsAfter(event->event) && leaf.expects(event->event)) {
            // heartbeat: a beat once the window is satisfied starts the next window
            Bucket next;
            next.key = key;
            next.start = event->occurred;
            next.end = event->occurred + leaf.within;
            next.lastEvent = event->id;
            next.events = {event->id};
            setBucket(leaf, std::move(next));
        }
        return;
    }
    // The window is over, or it fired: with `after`, wait for the next opener; else the next
    // window tumbles on from the old end.
    if (!leaf.after.isEmpty()) {
        removeBucket(leaf, key);
        return;
    }
    if (leaf.within == 0)
        return;
    Bucket next;
    next.key = key;
    next.start = std::max(bucket.end, now);
    next.end = next.start + leaf.within;
    if (leaf.reactive && count > 0) {
        setBucket(leaf, std::move(next));
        evaluate(leaf, key, now, event);
        return;
    }
    next.count = count;
    if (count > 0)
        next.events = {event->id};
    setBucket(leaf, std::move(next));
}

void TriggerEvaluator::Private::proactiveRun(Leaf &leaf, qint64 runAsOf)
{
    if (leaf.forEach.isEmpty())
        ensure(leaf, {}, runAsOf, runAsOf + leaf.within, nullptr, 0, false);
    const QList<QStringList> satisfied(leaf.satisfied.begin(), leaf.satisfied.end());
    for (const QStringList &key : satisfied)
        removeBucket(leaf, key);
    // Only windows that have ended change; the server walks them in order of their start.
    std::vector<std::pair<qint64, QStringList>> expired;
    for (auto it = leaf.byEnd.begin(); it != leaf.byEnd.end() && it->first <= runAsOf; ++it)
        expired.push_back({leaf.buckets.value(it->second).start, it->second});
    std::stable_sort(expired.begin(), expired.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[start, key] : expired) {
        Q_UNUSED(start)
        const auto it = leaf.buckets.constFind(key);
        if (it == leaf.buckets.constEnd())
            continue;
        if (it->end <= runAsOf - expiredBucketBuffer) {
            removeBucket(leaf, key); // swept before any run saw it
            continue;
        }
        evaluate(leaf, key, runAsOf, nullptr);
    }
    qint64 runAgain = runAsOf + leaf.within;
    const auto soonest = leaf.byEnd.lower_bound({runAsOf + 1, QStringList{}});
    if (soonest != leaf.byEnd.end() && soonest->first < runAgain)
        runAgain = soonest->first;
    leaf.nextRun = runAgain;
}

// --- firings, and compound and sequence triggers ---

void TriggerEvaluator::Private::fire(int nodeIndex, TriggerFiring firing)
{
    const Node &node = nodes[size_t(nodeIndex)];
    firing.path = node.path;
    all.append(firing);
    if (node.parent < 0) {
        firings.append(firing);
        return;
    }
    evaluateComposite(node.parent, node.indexInParent, firing);
}

void TriggerEvaluator::Private::evaluateComposite(int nodeIndex, int childIndex, const TriggerFiring &firing)
{
    Node &node = nodes[size_t(nodeIndex)];
    if (node.expected <= 1) {
        TriggerFiring parent;
        parent.occurred = firing.occurred;
        parent.events = firing.events;
        parent.fired = stamp(wall);
        fire(nodeIndex, std::move(parent));
        return;
    }
    if (node.within) {
        const qint64 cutoff = firing.fired - *node.within;
        for (auto it = node.childFirings.begin(); it != node.childFirings.end();) {
            if (it->second.fired < cutoff)
                it = node.childFirings.erase(it);
            else
                ++it;
        }
    }
    node.childFirings[childIndex] = firing;
    std::vector<std::pair<int, const TriggerFiring *>> byTime;
    for (const auto &[index, f] : node.childFirings)
        byTime.push_back({index, &f});
    std::stable_sort(byTime.begin(), byTime.end(),
                     [](const auto &a, const auto &b) { return a.second->fired < b.second->fired; });
    bool ready = false;
    if (node.sequence) {
        ready = qint64(byTime.size()) == node.childCount;
        for (size_t i = 0; ready && i < byTime.size(); ++i)
            ready = byTime[i].first == int(i);
    } else {
        ready = qint64(byTime.size()) >= node.expected;
    }
    if (!ready)
        return;
    TriggerFiring parent;
    parent.occurred = firing.occurred;
    for (const auto &entry : byTime) {
        for (const QString &id : entry.second->events)
            appendUnique(parent.events, id);
    }
    parent.events = withLast(parent.events, firing.events.isEmpty() ? QString() : firing.events.constLast());
    node.childFirings.clear();
    parent.fired = stamp(wall);
    fire(nodeIndex, std::move(parent));
}

} // namespace ed

