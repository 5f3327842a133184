// The one-sentence summaries of triggers (see summarize() in core/trigger.h).

#include "core/trigger.h"

#include "core/event.h"

#include <QLocale>

#include <cmath>

namespace ed {

namespace {

/// `prefect.flow-run.*` or `prefect.flow-run.<id>` → "flow run"; empty for other ids.
QString kindOf(const QString &idOrEvent)
{
    if (!idOrEvent.startsWith(u"prefect."))
        return {};
    const qsizetype dot = idOrEvent.indexOf(u'.', 8);
    if (dot < 0)
        return {};
    return idOrEvent.mid(8, dot - 8).replace(u'-', u' ');
}

/// The one kind every string names, or empty.
QString commonKind(const QStringList &list)
{
    QString kind;
    for (const QString &s : list) {
        const QString k = kindOf(s);
        if (k.isEmpty() || (!kind.isEmpty() && k != kind))
            return {};
        kind = k;
    }
    return kind;
}

QString article(const QString &word)
{
    const QChar c = word.isEmpty() ? QChar() : word.front().toLower();
    return QStringLiteral("aeiou").contains(c) ? QStringLiteral("an") : QStringLiteral("a");
}

bool isKindWildcard(const ResourceSpec::Entry &e)
{
    if (e.key != u"prefect.resource.id" || e.patterns.size() != 1)
        return false;
    const QString &p = e.patterns.front();
    return p.endsWith(u".*") && p.count(u'.') == 2 && !kindOf(p).isEmpty();
}

/// "desktop-client.test.1" or "resources with prefect.resource.name = a or b and …".
QString describeSpec(const ResourceSpec &spec, bool skipKindWildcard)
{
    QStringList clauses;
    for (const auto &e : spec.entries) {
        if (skipKindWildcard && isKindWildcard(e))
            continue;
        clauses.append(e.key + QStringLiteral(" = ") + e.patterns.join(QStringLiteral(" or ")));
    }
    if (clauses.isEmpty())
        return {};
    if (spec.entries.size() == 1 && spec.entries.front().key == u"prefect.resource.id"
        && spec.entries.front().patterns.size() == 1
        && !spec.entries.front().patterns.front().contains(u'*'))
        return spec.entries.front().patterns.front();
    return QStringLiteral("resources with ") + clauses.join(QStringLiteral(" and "));
}

QString forEachPhrase(const EventTrigger &e)
{
    QStringList parts;
    for (const QString &label : e.forEach) {
        if (label == u"prefect.resource.id") {
            QString kind;
            if (const auto *id = e.match.find(u"prefect.resource.id"))
                kind = commonKind(id->patterns);
            if (kind.isEmpty())
                kind = commonKind(e.expect);
            parts.append(QStringLiteral("the same ")
                         + (kind.isEmpty() ? QStringLiteral("resource") : kind));
        } else if (label.startsWith(u"related:")) {
            const QStringList bits = label.split(u':');
            const QString role = bits.value(1).replace(u'-', u' ');
            const QString l = bits.mid(2).join(u':');
            parts.append(l == u"prefect.resource.id"
                             ? QStringLiteral("the same related ") + role
                             : QStringLiteral("each %1 of the related %2").arg(l, role));
        } else {
            parts.append(QStringLiteral("each ") + label);
        }
    }
    return parts.isEmpty() ? QString() : QStringLiteral(" for ") + parts.join(QStringLiteral(" and "));
}

QString eventClause(const EventTrigger &e)
{
    const bool proactive = e.posture == Posture::Proactive;
    const QString names = e.expect.join(QStringLiteral(" or "));
    const bool one = e.threshold == 1;
    QString s;
    if (proactive && one)
        s = QStringLiteral("no ");
    else if (proactive)
        s = QStringLiteral("fewer than %1 ").arg(e.threshold);
    else if (one)
        s = names.isEmpty() ? QStringLiteral("an ") : article(names) + u' ';
    else
        s = QStringLiteral("%1 ").arg(e.threshold);
    if (!names.isEmpty())
        s += names + u' ';
    s += one ? QStringLiteral("event happens") : QStringLiteral("events happen");
    if (const QString m = describeSpec(e.match, true); !m.isEmpty())
        s += QStringLiteral(" on ") + m;
    for (const ResourceSpec &r : e.matchRelated) {
        if (const QString m = describeSpec(r, false); !m.isEmpty())
            s += QStringLiteral(" related to ") + m;
    }
    s += forEachPhrase(e);
    if (const double w = e.effectiveWithin(); w > 0)
        s += QStringLiteral(" within ") + describeDuration(w);
    if (!e.after.isEmpty())
        s += QStringLiteral(" after ") + e.after.join(QStringLiteral(" or "));
    return s;
}

QString clause(const Trigger &t)
{
    if (const EventTrigger *e = t.event())
        return eventClause(*e);
    QStringList parts;
    for (const Trigger &child : *t.children()) {
        const QString c = clause(child);
        parts.append(child.isEvent() ? c : u'(' + c + u')');
    }
    QString head;
    std::optional<Seconds> within;
    if (const auto *c = std::get_if<CompoundTrigger>(&t.kind)) {
        within = c->within;
        switch (c->require.kind) {
        case Require::Kind::Any: head = QStringLiteral("any of: "); break;
        case Require::Kind::All: head = QStringLiteral("all of: "); break;
        case Require::Kind::Count: head = QStringLiteral("%1 of: ").arg(c->require.count); break;
        }
    } else {
        within = std::get<SequenceTrigger>(t.kind).within;
        head = QStringLiteral("all of: ");
    }
    QString s = head + parts.join(QStringLiteral("; "));
    if (std::holds_alternative<SequenceTrigger>(t.kind))
        s += QStringLiteral(", in order");
    if (within && within->value > 0)
        s += QStringLiteral(", within ") + describeDuration(within->value);
    return s;
}

} // namespace

QString describeDuration(double seconds)
{
    if (seconds != std::floor(seconds) || seconds < 0)
        return QStringLiteral("%1 seconds").arg(QString::number(seconds, 'g', 6));
    static constexpr std::pair<qint64, const char *> units[] = {
        {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    qint64 rest = qint64(seconds);
    QStringList parts;
    for (const auto &[size, name] : units) {
        if (const qint64 n = rest / size; n > 0) {
            parts.append(QStringLiteral("%1 %2%3")
                             .arg(n)
                             .arg(QLatin1StringView(name), n == 1 ? QString() : QStringLiteral("s")));
            rest %= size;
        }
    }
    return parts.isEmpty() ? QStringLiteral("0 seconds") : parts.join(u' ');
}

QString summarize(const Trigger &trigger)
{
    return QStringLiteral("When ") + clause(trigger);
}

} // namespace ed
