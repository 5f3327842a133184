#include "core/triggerevaluator.h"

#include "core/glob.h"

namespace ed::triggermatch {

bool labelMatches(QStringView pattern, QStringView value)
{
    const bool negated = pattern.startsWith(u'!');
    if (negated)
        pattern = pattern.mid(1);
    return Glob(pattern).matches(value) != negated;
}

bool eventPatternMatches(QStringView pattern, QStringView name)
{
    return eventPatternMatches(pattern.toString().split(u'*'), name);
}

bool eventPatternMatches(const QStringList &pieces, QStringView name)
{
    // Prefect builds `re.escape(p).replace("\\*", ".+")` and calls `match()`: the literal
    // pieces in order, each `*` standing for at least one character, anchored at the start
    // only. Taking every piece at its leftmost possible place is optimal for such patterns.
    qsizetype at = 0;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const QStringView piece = pieces[i];
        if (i == 0) {
            if (!name.startsWith(piece))
                return false;
            at = piece.size();
            continue;
        }
        // the `.+` before this piece takes at least one character
        if (at + 1 > name.size())
            return false;
        if (piece.isEmpty()) {
            at += 1;
            continue;
        }
        const qsizetype found = name.indexOf(piece, at + 1);
        if (found < 0)
            return false;
        at = found + piece.size();
    }
    return true;
}

QString findResourceLabel(const Event &event, const QString &label)
{
    // Python: directive, _, related_label = label.rpartition(":");
    //         directive, _, role = directive.partition(":")
    const qsizetype last = label.lastIndexOf(u':');
    if (last >= 0) {
        const QStringView directiveFull = QStringView(label).left(last);
        const QString relatedLabel = label.mid(last + 1);
        const qsizetype first = directiveFull.indexOf(u':');
        const QStringView directive = first < 0 ? directiveFull : directiveFull.left(first);
        const QStringView role = first < 0 ? QStringView() : directiveFull.mid(first + 1);
        if (directive == u"related") {
            for (const Resource &related : event.related) {
                if (related.role() == role) {
                    const QString *value = related.value(relatedLabel);
                    return value ? *value : QString();
                }
            }
        }
    }
    const QString *value = event.resource.value(label);
    return value ? *value : QString();
}

} // namespace ed::triggermatch
