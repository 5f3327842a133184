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

} // namespace ed
