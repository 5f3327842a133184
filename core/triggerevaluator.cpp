#include "core/triggerevaluator.h"
#include "core/triggerevaluator_p.h"

namespace ed {

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

bool TriggerEvaluator::mayCover(const QString &eventName) const
{
    return std::any_of(d->leaves.begin(), d->leaves.end(), [&](const Leaf &l) {
        return std::any_of(l.candidates.begin(), l.candidates.end(),
                           [&](const NamePattern &p) { return p.rawGlob.matches(eventName); });
    });
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

void TriggerEvaluator::Private::load(qint64 wallTime, qint64 occurred)
{
    // The automation is loaded as the first event arrives; proactive triggers are due at once.
    loaded = true;
    eventsClock = std::min(occurred, wallTime);
    lastWall = wallTime;
    wall = wallTime;
    for (Leaf &leaf : leaves) {
        if (!leaf.reactive)
            leaf.nextRun = *eventsClock;
    }
}

void TriggerEvaluator::Private::arrive(qint64 wallTime, qint64 occurred)
{
    if (!loaded)
        load(wallTime, occurred);
    wallTime = std::max(wallTime, wall);
    advance(wallTime);
    wall = wallTime;
    // update_events_clock: the newest occurred, clamped to now, never going back
    const qint64 stampTime = std::min(occurred, wall);
    if (!eventsClock || stampTime >= *eventsClock)
        eventsClock = stampTime;
    lastWall = wall;
}

void TriggerEvaluator::add(const Event &event)
{
    if (event.event == u"prefect.log.write" || d->seen.contains(event.id) || d->waitingOn.contains(event.id))
        return;
    d->arrive(wallOf(event), event.occurred);
    d->receive(event, 0);
}

void TriggerEvaluator::observe(qint64 occurred, std::optional<qint64> received)
{
    d->arrive(received.value_or(occurred), occurred);
}

void TriggerEvaluator::finish(qint64 horizon)
{
    if (!d->loaded)
        return;
    const qint64 target = d->wallFor(horizon);
    if (target <= d->wall)
        return;
    d->advance(target);
    // a last look at the horizon itself, which need not fall on the server's 5-second grid
    d->tick(target, false);
}

qint64 TriggerEvaluator::Private::nextTick(qint64 after) const
{
    return plus((after / tickMicros + 1) * tickMicros, 0);
}

void TriggerEvaluator::Private::advance(qint64 wallTarget)
{
    // The server's periodic work runs on a 5-second wall-clock tick: proactive triggers whose
    // next run (a time on the events clock, compared with the wall clock as the server does) has
    // come, followers whose leader is 15 minutes overdue, and sweeping closed buckets. Only the
    // ticks where something is due are visited.
    for (;;) {
        qint64 due = std::numeric_limits<qint64>::max();
        for (const Leaf &leaf : leaves) {
            if (leaf.nextRun)
                due = std::min(due, *leaf.nextRun);
        }
        if (!waitlist.empty())
            due = std::min(due, plus(waitlist.begin()->first, precedingEventLookback));
        if (due == std::numeric_limits<qint64>::max())
            break;
        const qint64 at = nextTick(std::max(due - 1, wall));
        if (at > wallTarget)
            break;
        tick(at, true);
    }
    // the sweep of the last tick before the target
    const qint64 last = (wallTarget / tickMicros) * tickMicros;
    if (last > wall)
        sweepAsOf = std::max(sweepAsOf, asOf(last));
}

void TriggerEvaluator::Private::tick(qint64 at, bool onGrid)
{
    wall = std::max(wall, at);
    const qint64 runAsOf = asOf(at);
    if (onGrid)
        sweepAsOf = std::max(sweepAsOf, runAsOf);
    while (!waitlist.empty() && plus(waitlist.begin()->first, precedingEventLookback) <= at) {
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
    }
    for (Leaf &leaf : leaves) {
        if (leaf.nextRun && *leaf.nextRun <= at) {
            proactiveRun(leaf, runAsOf);
            if (*leaf.nextRun <= runAsOf)
                leaf.nextRun = runAsOf + 1; // never stand still
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

} // namespace ed
