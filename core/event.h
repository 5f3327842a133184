#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace ed {

namespace json {
struct Value;
}

struct Label
{
    QString key;
    QString value;
};

/// A resource: string labels in the order they were received.
class Resource
{
public:
    QList<Label> labels;

    const QString *value(QStringView key) const;
    QString id() const;
    QString role() const;
    /// Display name as Prefect's UI picks it: resource name, `prefect.name`, `prefect-cloud.name`.
    QString name() const;
    void set(const QString &key, const QString &value);
    bool operator==(const Resource &other) const;
};

/// A Prefect event (server `ReceivedEvent`).
struct Event
{
    qint64 occurred = 0; ///< microseconds since the epoch, UTC
    QString event;
    Resource resource;
    QList<Resource> related;
    QByteArray payload = QByteArrayLiteral("{}"); ///< the payload object's original JSON, minified
    QString id;                                   ///< canonical lowercase UUID
    QString follows;                              ///< canonical UUID, empty when absent
    std::optional<qint64> received;

    bool operator==(const Event &other) const;
};

/// Why an event was rejected: the field (`related[2].prefect.resource.role`) and the reason.
struct EventError
{
    QString field;
    QString reason;
    QString message() const { return field.isEmpty() ? reason : field + QStringLiteral(": ") + reason; }
};

namespace limits {
inline constexpr int maxLabels = 500;
inline constexpr int maxRelated = 100;
inline constexpr int maxEventNameLength = 1024;
} // namespace limits

/// Reads an event from a parsed JSON value whose spans refer to `source`, applying the server's
/// validation (spec §2). Unknown keys are ignored.
bool parseEvent(const json::Value &value, QByteArrayView source, Event &out, EventError &error);
bool parseEvent(QByteArrayView jsonText, Event &out, EventError &error);

/// Checks an event built in code against the same rules `parseEvent` applies.
bool validateEvent(const Event &event, EventError &error);

/// The export form: compact JSON with Prefect's key order
/// (`occurred, event, resource, related, payload, id, follows, received`), `Z` datetimes,
/// `follows` and `received` null when absent, and the payload text as received.
QByteArray serializeEvent(const Event &event);

/// A UUID in any form Python's uuid.UUID accepts (hyphens optional, braces, `urn:uuid:`),
/// as canonical lowercase text; empty when invalid.
QString canonicalUuid(QStringView text);
/// The 16 bytes of a canonical UUID.
QByteArray uuidToBytes(const QString &canonical);
QString uuidFromBytes(QByteArrayView bytes);

} // namespace ed
