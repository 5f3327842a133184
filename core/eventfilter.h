#pragma once

#include "core/event.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace ed {

/// `{label: pattern | [patterns]}`: every label must match one of its patterns (spec §4.2).
struct ResourceSpec
{
    struct Entry
    {
        QString key;
        QStringList patterns;
        bool single = false; ///< written as one string rather than a list
        bool operator==(const Entry &) const = default;
    };
    QList<Entry> entries;

    bool isEmpty() const { return entries.isEmpty(); }
    /// Prefect's in-memory `ResourceSpecification.matches`.
    bool matches(const Resource &resource) const;
    const Entry *find(QStringView key) const;
    void set(const QString &key, const QStringList &patterns);
    /// Adds `entry`, or replaces the entry of its key in place (a repeated key in JSON replaces
    /// the earlier one, as in a Python dict).
    void set(const Entry &entry);
    bool operator==(const ResourceSpec &) const = default;
};

struct OccurredFilter
{
    std::optional<qint64> since; ///< inclusive, µs UTC
    std::optional<qint64> until; ///< inclusive
    bool operator==(const OccurredFilter &) const = default;
};

struct NameFilter
{
    std::optional<QStringList> prefix;
    std::optional<QStringList> excludePrefix;
    std::optional<QStringList> name;
    std::optional<QStringList> excludeName;
    bool operator==(const NameFilter &) const = default;
};

struct ResourceFilter
{
    std::optional<QStringList> id;
    std::optional<QStringList> idPrefix;
    std::optional<ResourceSpec> labels;
    bool distinct = false;
    bool operator==(const ResourceFilter &) const = default;
};

struct RelatedFilter
{
    std::optional<QStringList> id;
    std::optional<QStringList> role;
    std::optional<QList<QPair<QString, QString>>> resourcesInRoles; ///< (id, role)
    std::optional<ResourceSpec> labels;
    bool isEmpty() const;
    bool operator==(const RelatedFilter &) const = default;
};

struct AnyResourceFilter
{
    std::optional<QStringList> id;
    std::optional<QStringList> idPrefix;
    std::optional<ResourceSpec> labels;
    bool isEmpty() const;
    bool operator==(const AnyResourceFilter &) const = default;
};

/// Prefect's text search query (§4.3): terms OR'ed, `-`/`!` exclude, `+` require, quoted phrases.
struct TextQuery
{
    QStringList include;
    QStringList exclude;
    QStringList required;
    static TextQuery parse(const QString &query);
    bool isEmpty() const { return include.isEmpty() && exclude.isEmpty() && required.isEmpty(); }
};

/// Prefect's EventFilter (spec §4.1), the one description of "which events" everywhere.
class EventFilter
{
public:
    enum class Order { Desc, Asc };

    std::optional<OccurredFilter> occurred;
    std::optional<NameFilter> event;
    std::optional<ResourceFilter> resource;
    std::optional<QList<RelatedFilter>> related;
    bool relatedIsList = false;
    std::optional<QList<AnyResourceFilter>> anyResource;
    bool anyResourceIsList = false;
    std::optional<QStringList> ids; ///< canonical UUIDs
    std::optional<QString> text;
    Order order = Order::Desc;

    /// Reads Prefect's JSON; unknown keys and wrong types are errors, as the server's 422.
    static std::optional<EventFilter> fromJson(QByteArrayView json, QString *error);
    static std::optional<EventFilter> fromJsonValue(const json::Value &value, QString *error);
    QByteArray toJson() const;

    /// Prefect's in-memory rules (the automation and live-stream semantics); `related` is judged
    /// by the same rules over related resources. `resource.distinct` has no per-event meaning
    /// and is ignored here.
    bool matches(const Event &event) const;

    bool operator==(const EventFilter &) const = default;
};

/// Text search over one event: the name, every label value, and the payload's keys and values,
/// each matched on its own, case-insensitively (Unicode case folding).
bool textMatches(const TextQuery &query, const Event &event);
/// The searchable fields of an event, already case-folded.
QStringList textFields(const Event &event);
bool textMatchesFields(const TextQuery &query, const QStringList &foldedFields);

} // namespace ed
