#include "core/histogrambuckets.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ed {

namespace {

constexpr qint64 kPivot = 1711929600LL * 1000000; // count-by's origin, 2024-04-01T00:00:00Z
constexpr int kCountByMaxBuckets = 1000;

struct Step
{
    TimeUnit unit;
    double interval;
};

// Finest first. Count-by rejects intervals under 0.01, so 10 ms is the floor.
constexpr std::array kLadder{
    Step{TimeUnit::Second, 0.01}, Step{TimeUnit::Second, 0.02}, Step{TimeUnit::Second, 0.05},
    Step{TimeUnit::Second, 0.1},  Step{TimeUnit::Second, 0.2},  Step{TimeUnit::Second, 0.5},
    Step{TimeUnit::Second, 1},    Step{TimeUnit::Second, 2},    Step{TimeUnit::Second, 5},
    Step{TimeUnit::Second, 10},   Step{TimeUnit::Second, 15},   Step{TimeUnit::Second, 30},
    Step{TimeUnit::Minute, 1},    Step{TimeUnit::Minute, 2},    Step{TimeUnit::Minute, 5},
    Step{TimeUnit::Minute, 10},   Step{TimeUnit::Minute, 15},   Step{TimeUnit::Minute, 30},
    Step{TimeUnit::Hour, 1},      Step{TimeUnit::Hour, 2},      Step{TimeUnit::Hour, 3},
    Step{TimeUnit::Hour, 6},      Step{TimeUnit::Hour, 12},     Step{TimeUnit::Day, 1},
    Step{TimeUnit::Day, 2},       Step{TimeUnit::Week, 1},      Step{TimeUnit::Week, 2},
    Step{TimeUnit::Week, 4},      Step{TimeUnit::Week, 13},     Step{TimeUnit::Week, 26},
    Step{TimeUnit::Week, 52},
};

qint64 unitSeconds(TimeUnit unit)
{
    switch (unit) {
    case TimeUnit::Week: return 7 * 86400;
    case TimeUnit::Day: return 86400;
    case TimeUnit::Hour: return 3600;
    case TimeUnit::Minute: return 60;
    case TimeUnit::Second: return 1;
    }
    return 86400;
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

BucketChoice make(TimeUnit unit, double interval, qint64 since, qint64 until)
{
    BucketChoice c;
    c.unit = unit;
    c.interval = interval;
    c.widthMicros = bucketWidthMicros(unit, interval);
    c.bars = bucketCount(since, until, c.widthMicros);
    return c;
}

} // namespace

qint64 bucketWidthMicros(TimeUnit unit, double interval)
{
    // EventStore::countBy uses this too, so the histogram and count-by agree on every boundary.
    return qint64(std::llround(interval * double(unitSeconds(unit)) * 1e6));
}

qint64 bucketCount(qint64 sinceMicros, qint64 untilMicros, qint64 widthMicros)
{
    if (widthMicros <= 0)
        return 0;
    untilMicros = std::max(untilMicros, sinceMicros);
    return floorDiv(untilMicros - kPivot, widthMicros) - floorDiv(sinceMicros - kPivot, widthMicros)
           + 1;
}

BucketChoice chooseBuckets(qint64 sinceMicros, qint64 untilMicros, int maxBars)
{
    const qint64 limit = std::clamp(maxBars, 1, kCountByMaxBuckets);
    for (const Step &step : kLadder) {
        const BucketChoice c = make(step.unit, step.interval, sinceMicros, untilMicros);
        if (c.bars <= limit)
            return c;
    }
    // Longer than the ladder reaches: whole years of weeks in 1-2-5 steps, up to 50,000 years
    // (a span straddling count-by's origin never fits in one bucket, hence the bound).
    BucketChoice c;
    for (double years = 2; years < 1e5; years *= 10) {
        for (const double m : {1.0, 2.5, 5.0}) {
            c = make(TimeUnit::Week, 52 * years * m, sinceMicros, untilMicros);
            if (c.bars <= limit)
                return c;
        }
    }
    return c;
}

} // namespace ed
