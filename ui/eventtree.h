#pragma once

#include "core/event.h"
#include "core/eventstore.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

class QModelIndex;
class QStandardItem;
class QStandardItemModel;

/// The rows of the event and resource panes' trees, built into QStandardItemModels, and what
/// a row offers: its links and its filter-bar terms.
namespace ed::ui {

/// What a row stands for; it decides the row's filter terms.
enum class ItemKind {
    Plain,
    EventName,       ///< ValueRole: the raw event name
    PrimaryResource, ///< ValueRole: the primary resource id
    PrimaryLabel,    ///< KeyRole, ValueRole: a label of the primary resource
    RelatedResource, ///< ValueRole: the related resource id; ResourceRoleRole: its role
    RelatedLabel,    ///< KeyRole, ValueRole, ResourceRoleRole
    PayloadKey,      ///< KeyRole: an object member of the payload holding an object or array
    PayloadValue,    ///< ValueRole: a scalar of the payload as text search sees it
};

/// Where a link cell leads; LinkTargetRole holds the event or resource id.
enum class LinkKind { None, Event, Resource };

/// Column 0 of a row carries the row's data; a link cell carries LinkKindRole and
/// LinkTargetRole. MutedRole marks secondary text, which the delegate dims.
enum ItemRole {
    KindRole = Qt::UserRole, ///< ItemKind
    KeyRole,
    ValueRole, ///< the full value, for terms and copying (the display may be shortened)
    ResourceRoleRole,
    LinkKindRole, ///< LinkKind
    LinkTargetRole,
    MutedRole,
    TimeRole, ///< µs since the epoch, on the row whose relative time goes stale
};

/// The event pane's "Details" rows (columns Field, Value).
struct EventDetails
{
    /// The event `follows` names, when the cache has it.
    std::optional<StoredEvent> leader;
    /// Events whose `follows` is this event.
    QList<StoredEvent> followers;
    bool followersKnown = false; ///< false without a cache to ask
    bool followersTruncated = false;
};
void fillEventDetails(QStandardItemModel *model, const StoredEvent &event,
                      const EventDetails &details, qint64 nowMicros);
/// The Occurred cell's text at `nowMicros`.
QString occurredText(qint64 occurredMicros, qint64 nowMicros);

/// The payload as a tree (columns Key, Value, Type), object keys in document order.
void fillPayloadTree(QStandardItemModel *model, QByteArrayView payloadJson);

/// A related resource's row (its role, or `role` when given, then its name or id as a link)
/// with its labels as children.
QList<QStandardItem *> relatedResourceRow(const Resource &resource, bool withLabels = true,
                                          const QString &role = {});
/// Label rows (key, value) of a resource of the given kind (PrimaryLabel or RelatedLabel).
void appendLabelRows(QStandardItem *parent, const Resource &resource, ItemKind kind);

/// A context-menu entry: `term` is the filter-bar term it emits, empty when the row has no
/// such term (the entry is then shown disabled).
struct TermAction
{
    enum class Type { FilterOn, Exclude, AnyResource, AnyLabel, RelatedRole };
    Type type;
    QString text;
    QString term;
};
/// The terms a row offers (any column of the row).
QList<TermAction> termActions(const QModelIndex &index);

} // namespace ed::ui
