#include "core/serverfilter.h"

#include "core/glob.h"

namespace ed {

namespace {

const QString kRole = QStringLiteral("prefect.resource.role");

// A pattern both Prefect code paths read the same way up to case: literal, or literal + `*`.
bool plain(const QString &pattern, bool literalOnly)
{
    if (pattern.startsWith(u'!'))
        return false;
    const Glob g(pattern);
    if (g.isLiteral())
        return true;
    return !literalOnly && g.isPrefixOnly();
}

std::optional<ResourceSpec> safeSpec(const std::optional<ResourceSpec> &spec, bool primary)
{
    if (!spec)
        return std::nullopt;
    ResourceSpec out;
    for (const ResourceSpec::Entry &e : spec->entries) {
        // A primary resource's role is invisible to the REST path; a related role is compared
        // exactly there, so only a literal role is safe.
        if (e.key == kRole && primary)
            continue;
        const bool literalOnly = e.key == kRole;
        if (std::all_of(e.patterns.begin(), e.patterns.end(),
                        [&](const QString &p) { return plain(p, literalOnly); }))
            out.entries.append(e);
    }
    if (out.entries.isEmpty())
        return std::nullopt;
    return out;
}

} // namespace

EventFilter serverFilter(const EventFilter &f)
{
    EventFilter out;
    out.occurred = f.occurred;
    out.order = f.order;
    out.ids = f.ids;
    if (f.event) {
        NameFilter n;
        n.prefix = f.event->prefix;
        n.name = f.event->name;
        n.excludeName = f.event->excludeName;
        if (n.prefix || n.name || n.excludeName)
            out.event = n;
    }
    if (f.resource) {
        ResourceFilter r;
        r.id = f.resource->id;
        r.idPrefix = f.resource->idPrefix;
        r.labels = safeSpec(f.resource->labels, true);
        if (r.id || r.idPrefix || r.labels)
            out.resource = r;
    }
    if (f.related) {
        QList<RelatedFilter> list;
        for (const RelatedFilter &r : *f.related) {
            RelatedFilter s;
            s.id = r.id;
            s.role = r.role;
            s.resourcesInRoles = r.resourcesInRoles;
            s.labels = safeSpec(r.labels, false);
            if (!s.isEmpty())
                list.append(s);
        }
        if (!list.isEmpty()) {
            out.related = list;
            out.relatedIsList = list.size() > 1;
        }
    }
    if (f.anyResource) {
        QList<AnyResourceFilter> list;
        for (const AnyResourceFilter &a : *f.anyResource) {
            AnyResourceFilter s;
            s.id = a.id;
            s.idPrefix = a.idPrefix;
            // One resource may be the primary, whose role the REST path cannot see.
            s.labels = safeSpec(a.labels, true);
            if (!s.isEmpty())
                list.append(s);
        }
        if (!list.isEmpty()) {
            out.anyResource = list;
            out.anyResourceIsList = list.size() > 1;
        }
    }
    return out;
}

} // namespace ed
