#pragma once

#include <QString>
#include <QStringList>

/// The words the panes use for events and resources, and the filter-bar terms they emit.
namespace ed::ui {

/// A readable form of an event name: the `prefect.`/`prefect-cloud.` namespace dropped, the
/// first segment capitalised, dots and dashes as spaces; state names keep their case
/// (`prefect.flow-run.Completed` → "Flow run Completed").
QString humanizeEventName(const QString &name);

/// What a resource id names: flow-run, task-run, deployment, flow, work-pool, work-queue,
/// worker, automation, block, artifact, asset, concurrency-limit, or other. Asset keys
/// (`s3://…`, anything with `://`) are assets.
QString resourceKind(const QString &resourceId);

/// A filter-bar term: `key` is everything before the value, ending in its `:` or `=`
/// (`event:`, `-event:`, `label:prefect.resource.name=`). The value is written in double quotes,
/// with `"` and `\` escaped by a backslash, when it is empty or holds a space, a quote or a
/// backslash: `filterTerm("label:prefect.resource.name=", "my flow")` gives
/// `label:prefect.resource.name="my flow"`.
QString filterTerm(const QString &key, const QString &value);

/// A glob pattern (Prefect's fnmatchcase rules) that matches `value` literally: `*`, `?` and
/// `[` become one-character sets. A leading `!`, which would negate the pattern and has no
/// escape, becomes `?`, so the pattern then also matches other first characters.
QString globLiteral(const QString &value);

/// Event names with each of their dotted prefixes as a `prefix.*` pattern that starts with
/// `typed`, sorted and without repeats: what completion offers for an event name or pattern.
QStringList withDottedPrefixes(const QStringList &names, const QString &typed);

} // namespace ed::ui
