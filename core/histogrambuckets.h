#pragma once

#include "core/eventstore.h"

namespace ed {

/// A bucket size for `EventStore::countBy(Countable::Time, …)`.
struct BucketChoice
{
    TimeUnit unit = TimeUnit::Hour;
    double interval = 1.0;
    qint64 widthMicros = 0; ///< `interval × unit`, as count-by rounds it
    qint64 bars = 0;        ///< buckets count-by gives for [since, until] (fewer if until is ahead)
};

/// Count-by's bucket width for `interval × unit`, rounded to the microsecond as it does.
qint64 bucketWidthMicros(TimeUnit unit, double interval);

/// How many buckets count-by back-fills between `since` and `until` (both inclusive) when its
/// buckets are `widthMicros` wide: they are aligned to 2024-04-01T00:00:00Z, not to `since`.
qint64 bucketCount(qint64 sinceMicros, qint64 untilMicros, qint64 widthMicros);

/// The finest "nice" bucket size (10 ms … 30 s, 1 … 30 min, 1 … 12 h, 1 or 2 days, then weeks)
/// that covers [since, until] in at most `maxBars` buckets. `maxBars` is clamped to 1…1000, the
/// most count-by accepts; an empty or inverted span gives one bucket.
BucketChoice chooseBuckets(qint64 sinceMicros, qint64 untilMicros, int maxBars = 300);

} // namespace ed
