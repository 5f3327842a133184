#pragma once

#include "core/eventfilter.h"

#include <QStringList>

#include <optional>

namespace ed {

/// The command line's filter flags, each mapping onto one EventFilter field. Repeatable flags
/// keep their values in order.
struct FilterFlags
{
    QString filterJsonPath;   ///< --filter-json: a Prefect EventFilter JSON file taken as is
    QStringList since, until; ///< ISO-8601 (naive = UTC) or relative (-30s, -15m, -24h, -7d)
    QStringList event, excludeEvent;
    QStringList resource;     ///< patterns for resource.labels["prefect.resource.id"]
    QStringList label;        ///< KEY=PATTERN on the primary resource
    QStringList relatedRole;  ///< with relatedLabel: one related filter (the same resource)
    QStringList relatedLabel;
    QStringList anyLabel;
    QStringList text;
    QString order;            ///< asc | desc
};

/// Builds the filter: the JSON file first, then each flag replaces the field it maps to (a
/// `--label` key replaces that key's values). No time bound is added when none is given.
std::optional<EventFilter> buildFilter(const FilterFlags &flags, qint64 nowMicros, QString *error);

} // namespace ed
