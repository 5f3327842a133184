#include "core/filterexpression.h"

#include "core/filterflags.h"

namespace ed {

namespace {

const QStringList &knownKeys()
{
    static const QStringList keys = {
        QStringLiteral("since"), QStringLiteral("until"), QStringLiteral("event"),
        QStringLiteral("resource"), QStringLiteral("label"), QStringLiteral("related-role"),
        QStringLiteral("related-label"), QStringLiteral("any-label"), QStringLiteral("any-resource"),
        QStringLiteral("id"), QStringLiteral("text"),
    };
    return keys;
}

bool needsQuotes(const QString &value)
{
    if (value.isEmpty())
        return true;
    for (const QChar c : value) {
        if (c.isSpace() || c == u'"' || c == u'\\')
            return true;
    }
    return false;
}

QString quoted(const QString &value)
{
    if (!needsQuotes(value))
        return value;
    QString out = QStringLiteral("\"");
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return out + u'"';
}

// Negation of a KEY=PATTERN condition: Prefect's `!` on the pattern.
QString negatePattern(const QString &keyValue)
{
    const qsizetype eq = keyValue.indexOf(u'=');
    if (eq < 0)
        return keyValue;
    const QString pattern = keyValue.mid(eq + 1);
    return keyValue.left(eq + 1) + (pattern.startsWith(u'!') ? pattern.mid(1) : u'!' + pattern);
}

} // namespace

QString formatFilterTerm(const QString &key, const QString &value)
{
    // KEY=PATTERN values quote the pattern alone, as people write it.
    const qsizetype eq = value.indexOf(u'=');
    const bool pair = key.endsWith(u"label") && eq > 0 && !needsQuotes(value.left(eq));
    if (pair && needsQuotes(value.mid(eq + 1)))
        return key + u':' + value.left(eq + 1) + quoted(value.mid(eq + 1));
    return key + u':' + quoted(value);
}

QString FilterTerm::toString() const
{
    if (key == u"text" && !negated && !value.contains(u':'))
        return quoted(value); // bare words read back as text
    return (negated ? QStringLiteral("-") : QString()) + formatFilterTerm(key, value);
}

QString formatFilterExpression(const QList<FilterTerm> &terms)
{
    QStringList parts;
    for (const FilterTerm &t : terms)
        parts += t.toString();
    return parts.join(u' ');
}

QStringList filterTermKeys()
{
    return knownKeys();
}

std::optional<QList<FilterTerm>> parseFilterExpression(const QString &text, ExpressionError *error)
{
    auto fail = [&](const QString &message, qsizetype at) -> std::optional<QList<FilterTerm>> {
        if (error)
            *error = {message, at};
        return std::nullopt;
    };
    QList<FilterTerm> terms;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        if (text[i].isSpace()) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        FilterTerm term;
        // A key: letters and dashes up to a colon, before any quote or space.
        qsizetype j = i;
        if (j < n && text[j] == u'-')
            ++j;
        qsizetype k = j;
        while (k < n && (text[k].isLetter() || text[k] == u'-'))
            ++k;
        const bool hasKey = k < n && k > j && text[k] == u':';
        if (hasKey) {
            term.negated = j > i;
            term.key = text.mid(j, k - j).toLower();
            if (!knownKeys().contains(term.key))
                return fail(QStringLiteral("unknown filter '%1' (known: %2)").arg(term.key, knownKeys().join(QStringLiteral(", "))), j);
            i = k + 1;
        } else {
            term.key = QStringLiteral("text");
        }
        // The value, up to the next space outside quotes; quotes may open anywhere in it
        // (`label:name="my flow"`), and a backslash escapes the next character inside them.
        bool inQuotes = false;
        bool quotedAny = false;
        qsizetype quoteStart = i;
        while (i < n && (inQuotes || !text[i].isSpace())) {
            const QChar c = text[i++];
            if (c == u'"') {
                inQuotes = !inQuotes;
                quotedAny = true;
                quoteStart = i - 1;
            } else if (inQuotes && c == u'\\' && i < n) {
                term.value += text[i++];
            } else {
                term.value += c;
            }
        }
        if (inQuotes)
            return fail(QStringLiteral("unterminated quote"), quoteStart);
        if (hasKey && term.value.isEmpty() && !quotedAny)
            return fail(QStringLiteral("'%1:' needs a value").arg(term.key), start);
        if (!hasKey && term.value.isEmpty() && !quotedAny)
            continue;
        if (term.negated && (term.key == u"since" || term.key == u"until" || term.key == u"id"
                             || term.key == u"related-role" || term.key == u"resource" || term.key == u"any-resource"))
            return fail(QStringLiteral("'-%1:' cannot be negated").arg(term.key), start);
        terms.append(term);
    }
    return terms;
}

std::optional<EventFilter> filterFromTerms(const QList<FilterTerm> &terms, qint64 nowMicros, QString *error)
{
    FilterFlags flags;
    QStringList anyResource, ids;
    for (const FilterTerm &t : terms) {
        const QString &v = t.value;
        if (t.key == u"since")
            flags.since += v;
        else if (t.key == u"until")
            flags.until += v;
        else if (t.key == u"event")
            (t.negated ? flags.excludeEvent : flags.event) += v;
        else if (t.key == u"resource")
            flags.resource += v;
        else if (t.key == u"label")
            flags.label += t.negated ? negatePattern(v) : v;
        else if (t.key == u"related-role")
            flags.relatedRole += v;
        else if (t.key == u"related-label")
            flags.relatedLabel += t.negated ? negatePattern(v) : v;
        else if (t.key == u"any-label")
            flags.anyLabel += t.negated ? negatePattern(v) : v;
        else if (t.key == u"any-resource")
            anyResource += v;
        else if (t.key == u"id")
            ids += v;
        else if (t.key == u"text")
            flags.text += (t.negated ? QStringLiteral("-") : QString()) + (v.contains(u' ') ? u'"' + v + u'"' : v);
    }
    std::optional<EventFilter> filter = buildFilter(flags, nowMicros, error);
    if (!filter)
        return std::nullopt;
    if (!anyResource.isEmpty()) {
        AnyResourceFilter any;
        for (const QString &id : std::as_const(anyResource)) {
            if (id.endsWith(u'*')) {
                if (!any.idPrefix)
                    any.idPrefix = QStringList{};
                any.idPrefix->append(id.chopped(1));
            } else {
                if (!any.id)
                    any.id = QStringList{};
                any.id->append(id);
            }
        }
        QList<AnyResourceFilter> list = filter->anyResource.value_or(QList<AnyResourceFilter>{});
        list.append(any);
        filter->anyResource = list;
        filter->anyResourceIsList = list.size() > 1;
    }
    if (!ids.isEmpty()) {
        QStringList canonical;
        for (const QString &id : std::as_const(ids)) {
            const QString c = canonicalUuid(id);
            if (c.isEmpty()) {
                if (error)
                    *error = QStringLiteral("id: '%1' is not a UUID").arg(id);
                return std::nullopt;
            }
            canonical += c;
        }
        filter->ids = canonical;
    }
    return filter;
}

} // namespace ed
