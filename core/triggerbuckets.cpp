#include "core/triggerevaluator_p.h"

namespace ed {

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
            bucket.opener = last->id;
    }
    return &setBucket(leaf, std::move(bucket));
}

void TriggerEvaluator::Private::sweepIfClosed(Leaf &leaf, const QStringList &key)
{
    // sweep_closed_buckets runs every few seconds: a bucket that ended more than the buffer
    // before the events clock is gone.
    const auto it = leaf.buckets.constFind(key);
    if (it != leaf.buckets.constEnd() && it->end <= plus(sweepAsOf, -expiredBucketBuffer))
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
        bucket = ensure(leaf, key, e.occurred, plus(e.occurred, leaf.within), &e, expected ? -1 : 0, true);
    }
    if (!bucket && leaf.after.isEmpty() && expected) {
        // A first window reaches PRECEDING_EVENT_LOOKBACK back, for events arriving out of order.
        bucket = ensure(leaf, key, e.occurred - precedingEventLookback, plus(e.occurred, leaf.within), &e, 0, false);
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
        if (event->id != bucket.opener) // an opener that is also expected only cancels its -1
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
        QStringList events = bucket.events;
        if (!leaf.reactive && !bucket.opener.isEmpty())
            events.prepend(bucket.opener); // a proactive firing names the event that opened it
        firing.events = withLast(events, event ? event->id : bucket.lastEvent);
        firing.fired = stamp(wall);
        removeBucket(leaf, key);
        fire(leaf.node, std::move(firing));
    } else if (now < bucket.end) {
        if (event && !leaf.reactive && !meets && leaf.startsAfter(event->event) && leaf.expects(event->event)) {
            // heartbeat: a beat once the window is satisfied starts the next window
            Bucket next;
            next.key = key;
            next.start = event->occurred;
            next.end = plus(event->occurred, leaf.within);
            next.lastEvent = event->id;
            next.opener = event->id;
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
    next.end = plus(next.start, leaf.within);
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
        ensure(leaf, {}, runAsOf, plus(runAsOf, leaf.within), nullptr, 0, false);
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
        // (the sweep of closed buckets races with this run on the server; a window that ended
        // short of its threshold is taken to fire first)
        evaluate(leaf, key, runAsOf, nullptr);
    }
    qint64 runAgain = plus(runAsOf, leaf.within);
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
        const qint64 cutoff = plus(firing.fired, -*node.within);
        for (auto it = node.childFirings.begin(); it != node.childFirings.end();) {
            if (it->second.fired < cutoff)
                it = node.childFirings.erase(it);
            else
                ++it;
        }
    }
    if (node.sequence && !firing.events.isEmpty()) {
        for (const auto &[index, other] : node.childFirings) {
            if (index != childIndex && !other.events.isEmpty() && other.events.constLast() == firing.events.constLast()) {
                notices.append(QStringLiteral(
                    "One event fired two triggers of a sequence: the server evaluates them in no set "
                    "order, so whether the sequence fires there is a matter of chance."));
                notices.removeDuplicates();
                break;
            }
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

