#include "core/filterflags.h"

#include "core/timeutil.h"

#include <QFile>

namespace ed {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// KEY=PATTERN pairs grouped by key in first-seen order: values of one key are OR'ed.
bool collectLabels(const QStringList &items, const char *flag, ResourceSpec &spec, QString *error)
{
    QList<QPair<QString, QStringList>> grouped;
    for (const QString &item : items) {
        const qsizetype eq = item.indexOf(u'=');
        if (eq <= 0)
            return fail(error, QStringLiteral("--%1 expects KEY=PATTERN, got \"%2\"")
                                   .arg(QLatin1StringView(flag), item));
        const QString key = item.left(eq);
        const QString pattern = item.mid(eq + 1);
        auto it = std::find_if(grouped.begin(), grouped.end(),
                               [&](const auto &g) { return g.first == key; });
        if (it == grouped.end())
            grouped.append({key, {pattern}});
        else
            it->second.append(pattern);
    }
    for (const auto &[key, patterns] : grouped)
        spec.set(key, patterns);
    return true;
}

} // namespace

std::optional<EventFilter> buildFilter(const FilterFlags &flags, qint64 now, QString *error)
{
    EventFilter f;
    if (!flags.filterJsonPath.isEmpty()) {
        QFile file(flags.filterJsonPath);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(error, QStringLiteral("cannot read %1: %2").arg(flags.filterJsonPath, file.errorString()));
            return std::nullopt;
        }
        QString why;
        auto parsed = EventFilter::fromJson(file.readAll(), &why);
        if (!parsed) {
            fail(error, QStringLiteral("%1: invalid EventFilter: %2").arg(flags.filterJsonPath, why));
            return std::nullopt;
        }
        f = *parsed;
    }
    auto time = [&](const QStringList &values, const char *flag,
                    std::optional<qint64> OccurredFilter::*field) {
        if (values.isEmpty())
            return true;
        qint64 t = 0;
        QString why;
        if (!timeutil::parseRelativeOrAbsolute(values.last(), now, t, &why))
            return fail(error, QStringLiteral("--%1: %2").arg(QLatin1StringView(flag), why));
        if (!f.occurred)
            f.occurred = OccurredFilter{};
        (*f.occurred).*field = t;
        return true;
    };
    if (!time(flags.since, "since", &OccurredFilter::since)
        || !time(flags.until, "until", &OccurredFilter::until))
        return std::nullopt;

    auto names = [&](const QStringList &values, std::optional<QStringList> NameFilter::*prefixField,
                     std::optional<QStringList> NameFilter::*nameField) {
        QStringList prefixes, exact;
        for (const QString &v : values) {
            if (v.endsWith(u'*'))
                prefixes.append(v.chopped(1));
            else
                exact.append(v);
        }
        if (prefixes.isEmpty() && exact.isEmpty())
            return;
        if (!f.event)
            f.event = NameFilter{};
        if (!prefixes.isEmpty())
            (*f.event).*prefixField = prefixes;
        if (!exact.isEmpty())
            (*f.event).*nameField = exact;
    };
    names(flags.event, &NameFilter::prefix, &NameFilter::name);
    names(flags.excludeEvent, &NameFilter::excludePrefix, &NameFilter::excludeName);

    if (!flags.resource.isEmpty() || !flags.label.isEmpty()) {
        if (!f.resource)
            f.resource = ResourceFilter{};
        if (!f.resource->labels)
            f.resource->labels = ResourceSpec{};
        if (!flags.resource.isEmpty())
            f.resource->labels->set(QStringLiteral("prefect.resource.id"), flags.resource);
        if (!collectLabels(flags.label, "label", *f.resource->labels, error))
            return std::nullopt;
    }
    if (!flags.relatedRole.isEmpty() || !flags.relatedLabel.isEmpty()) {
        RelatedFilter r;
        if (!flags.relatedRole.isEmpty())
            r.role = flags.relatedRole;
        if (!flags.relatedLabel.isEmpty()) {
            ResourceSpec spec;
            if (!collectLabels(flags.relatedLabel, "related-label", spec, error))
                return std::nullopt;
            r.labels = spec;
        }
        f.related = QList<RelatedFilter>{r};
        f.relatedIsList = false;
    }
    if (!flags.anyLabel.isEmpty()) {
        AnyResourceFilter a;
        ResourceSpec spec;
        if (!collectLabels(flags.anyLabel, "any-label", spec, error))
            return std::nullopt;
        a.labels = spec;
        f.anyResource = QList<AnyResourceFilter>{a};
        f.anyResourceIsList = false;
    }
    if (!flags.text.isEmpty()) {
        const QString q = flags.text.join(u' ');
        if (q.size() > 200) {
            fail(error, QStringLiteral("--text: at most 200 characters"));
            return std::nullopt;
        }
        f.text = q;
    }
    if (!flags.order.isEmpty()) {
        const QString o = flags.order.toLower();
        if (o == u"asc")
            f.order = EventFilter::Order::Asc;
        else if (o == u"desc")
            f.order = EventFilter::Order::Desc;
        else {
            fail(error, QStringLiteral("--order must be asc or desc, got \"%1\"").arg(flags.order));
            return std::nullopt;
        }
    }
    return f;
}

} // namespace ed
