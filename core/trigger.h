#pragma once

#include "core/eventfilter.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>
#include <vector>

/// Prefect automation triggers (spec §6.1): the model, its JSON round trip, the server's
/// validation and a one-sentence summary.
namespace ed {

/// A JSON member kept as received (minified), so fields we do not model survive an edit.
struct JsonMember
{
    QString key;
    QByteArray json;
    bool operator==(const JsonMember &) const = default;
};

/// Seconds as Prefect writes a timedelta, plus the number's original text so an unedited value
/// is written back byte for byte (`0` stays `0`, `0.0` stays `0.0`).
struct Seconds
{
    double value = 0;
    QByteArray text; ///< original JSON number text; ignored when it no longer parses to `value`
    bool operator==(const Seconds &o) const { return value == o.value; }
};

enum class Posture { Reactive, Proactive };

struct Trigger;

/// `type: "event"`.
struct EventTrigger
{
    ResourceSpec match;
    /// One spec, or a list of specs (`matchRelatedIsList`); every spec must match some related
    /// resource.
    QList<ResourceSpec> matchRelated{ResourceSpec{}};
    bool matchRelatedIsList = false;
    QStringList after;   ///< a set on the server: written without duplicates
    QStringList expect;  ///< empty = any event
    QStringList forEach; ///< labels, or `related:<role>:<label>`
    std::optional<Posture> posture; ///< required by the server
    qint64 threshold = 1;
    Seconds within;

    /// The window the server uses: a Proactive trigger with `within` 0 gets 10 s.
    double effectiveWithin() const;
    bool operator==(const EventTrigger &) const = default;
};

/// `require` of a compound trigger: "any", "all", or a count.
struct Require
{
    enum class Kind { Any, All, Count };
    Kind kind = Kind::Any;
    qint64 count = 1;
    bool operator==(const Require &) const = default;
};

/// `type: "compound"`: `require` of the children must fire within `within` seconds.
struct CompoundTrigger
{
    std::vector<Trigger> triggers;
    Require require;
    std::optional<Seconds> within; ///< null = unlimited (the key itself is required)
};

/// `type: "sequence"`: the children must fire in order within `within` seconds.
struct SequenceTrigger
{
    std::vector<Trigger> triggers;
    std::optional<Seconds> within;
};

/// One trigger of the tree; `kind` holds the type-specific fields.
struct Trigger
{
    std::variant<EventTrigger, CompoundTrigger, SequenceTrigger> kind;
    QString id;                    ///< empty when absent (the server assigns one)
    QList<JsonMember> unknown;     ///< members we do not model, in their original order

    bool isEvent() const { return std::holds_alternative<EventTrigger>(kind); }
    const EventTrigger *event() const { return std::get_if<EventTrigger>(&kind); }
    EventTrigger *event() { return std::get_if<EventTrigger>(&kind); }
    /// The children of a compound or sequence trigger; null for an event trigger.
    const std::vector<Trigger> *children() const;
    QString typeName() const;
};

bool operator==(const CompoundTrigger &a, const CompoundTrigger &b);
bool operator==(const SequenceTrigger &a, const SequenceTrigger &b);
bool operator==(const Trigger &a, const Trigger &b);

/// An automation body: the trigger, and every other member kept as received, in order.
struct Automation
{
    Trigger trigger;
    QList<JsonMember> members; ///< all members; the `trigger` one is replaced on output
};

/// Reads a trigger object, or the trigger of a whole automation body (an object with a
/// `trigger` member and no `type`). Applies the server's validation; errors name the field
/// path, e.g. `trigger.triggers[1].within: …`.
std::optional<Trigger> parseTrigger(QByteArrayView json, QString *error = nullptr);
/// Reads an automation body (`name`, `trigger`, `actions` required), keeping its other members.
std::optional<Automation> parseAutomation(QByteArrayView json, QString *error = nullptr);

/// The server's semantic checks on a trigger built in code (the parsers apply them too).
/// Returns the first error as `path: reason`, or an empty string.
QString validateTrigger(const Trigger &trigger, const QString &path = QStringLiteral("trigger"));

/// Compact JSON: known fields in the order Prefect returns them, then the unknown members.
/// Fields absent from the input are written with their defaults.
QByteArray serializeTrigger(const Trigger &trigger);
/// The automation's members in their original order, with the trigger re-serialized.
QByteArray serializeAutomation(const Automation &automation);

/// One sentence, e.g. "When 3 prefect.flow-run.Failed events happen for the same flow run
/// within 10 minutes".
QString summarize(const Trigger &trigger);
/// `600` → "10 minutes", `5400` → "1 hour 30 minutes".
QString describeDuration(double seconds);

} // namespace ed
