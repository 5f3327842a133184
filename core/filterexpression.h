#pragma once

#include "core/eventfilter.h"

#include <QList>
#include <QString>

#include <optional>

namespace ed {

/// One condition of a filter as the filter bar shows it: `key:value`, e.g.
/// `label:prefect.resource.name=etl*`. The keys are the command line's filter flags:
///
///   since:TIME  until:TIME            ISO-8601 (naive = UTC) or relative (-15m, -24h, -7d)
///   event:NAME  -event:NAME           an event name; NAME* is a prefix; `-` excludes
///   resource:ID                       the primary resource's id (glob)
///   label:KEY=PATTERN                 a primary resource label (glob; `!` negates);
///                                     -label:KEY=PATTERN is label:KEY=!PATTERN
///   related-role:ROLE  related-label:KEY=PATTERN
///                                     together: one related resource has the role and labels
///   any-label:KEY=PATTERN             one resource, primary or related, has the label
///   any-resource:ID                   the event's primary or a related resource has this id
///                                     (ID* is a prefix)
///   id:UUID                           the event's id
///   text:WORDS  or bare words         Prefect's text search (`-word` excludes)
///
/// A value with spaces or quotes is written in double quotes with backslash escapes.
struct FilterTerm
{
    QString key;   ///< without a leading `-`; see `negated`
    QString value;
    bool negated = false;

    QString toString() const;
    bool operator==(const FilterTerm &) const = default;
};

struct ExpressionError
{
    QString message;
    qsizetype position = 0; ///< character offset in the expression
};

/// Splits an expression into terms; nullopt with the reason and where on a syntax error or an
/// unknown key.
std::optional<QList<FilterTerm>> parseFilterExpression(const QString &text, ExpressionError *error = nullptr);
QString formatFilterExpression(const QList<FilterTerm> &terms);
/// `key:value` with the value quoted when it needs to be.
QString formatFilterTerm(const QString &key, const QString &value);

/// The EventFilter the terms describe (relative times against `nowMicros`), with the same
/// meaning as the same flags on the command line; nullopt with the reason on a bad value.
std::optional<EventFilter> filterFromTerms(const QList<FilterTerm> &terms, qint64 nowMicros, QString *error = nullptr);

/// The keys the bar knows, for completion.
QStringList filterTermKeys();

} // namespace ed
