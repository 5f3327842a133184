#include "ui/eventtree.h"

#include "core/json.h"
#include "core/timeutil.h"
#include "ui/eventformat.h"
#include "ui/eventnames.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QStandardItem>
#include <QStandardItemModel>

namespace ed::ui {

namespace {

const QString kIdKey = QStringLiteral("prefect.resource.id");
const QString kRoleKey = QStringLiteral("prefect.resource.role");
constexpr qsizetype kMaxDisplay = 300;
constexpr qsizetype kMaxTooltip = 2000;
constexpr int kFollowersShown = 50;

QString tr(const char *text)
{
    return QCoreApplication::translate("ed::ui::EventTree", text);
}

/// One line, short enough to lay out fast; the full text stays in ValueRole and the tooltip.
QString displayText(const QString &value)
{
    QString line = value.left(kMaxDisplay);
    line.replace(u'\n', QStringLiteral(" ↵ "));
    line.remove(u'\r');
    if (value.size() > kMaxDisplay)
        line += u'…';
    return line;
}

QStandardItem *cell(const QString &text, const QString &tooltip = {})
{
    auto *item = new QStandardItem(displayText(text));
    item->setEditable(false);
    if (!tooltip.isEmpty())
        item->setToolTip(tooltip.left(kMaxTooltip));
    else if (text.size() > 60 || text.contains(u'\n'))
        item->setToolTip(text.left(kMaxTooltip));
    return item;
}

QStandardItem *mutedCell(const QString &text)
{
    QStandardItem *item = cell(text);
    item->setData(true, MutedRole);
    return item;
}

void setLink(QStandardItem *item, LinkKind kind, const QString &target)
{
    item->setData(int(kind), LinkKindRole);
    item->setData(target, LinkTargetRole);
}

/// Gives every cell of a row the row's data, so any column answers termActions().
QList<QStandardItem *> tagged(QList<QStandardItem *> row, ItemKind kind, const QString &key,
                              const QString &value, const QString &role = {})
{
    for (QStandardItem *item : row) {
        item->setData(int(kind), KindRole);
        if (!key.isNull())
            item->setData(key, KeyRole);
        if (!value.isNull())
            item->setData(value, ValueRole);
        if (!role.isNull())
            item->setData(role, ResourceRoleRole);
    }
    return row;
}

QString resourceTitle(const Resource &r)
{
    const QString name = r.name();
    return name.isEmpty() ? r.id() : name;
}

/// A link to `e`; `withName` false where the row already names the event.
QStandardItem *eventLink(const Event &e, bool withName = true)
{
    const QString when = formatLocalTime(e.occurred) + QStringLiteral(" · ") + e.id;
    QStandardItem *item =
        cell(withName ? humanizeEventName(e.event) + QStringLiteral(" · ") + when : when,
             e.event + u'\n' + formatUtcTime(e.occurred) + u'\n' + e.id);
    setLink(item, LinkKind::Event, e.id);
    return item;
}

void addJsonRow(QStandardItem *parent, const QString &key, bool objectMember, const json::Value &v,
                QByteArrayView src)
{
    QString type;
    QString value;
    switch (v.type) {
    case json::Type::Object: type = QStringLiteral("object"); break;
    case json::Type::Array: type = QStringLiteral("array"); break;
    case json::Type::String:
        type = QStringLiteral("string");
        value = v.string;
        break;
    case json::Type::Number: type = QStringLiteral("number"); break;
    case json::Type::Bool: type = QStringLiteral("boolean"); break;
    case json::Type::Null: type = QStringLiteral("null"); break;
    }
    const bool container = v.isObject() || v.isArray();
    if (!container && !v.isString()) // as text search sees it: the JSON text
        value = QString::fromUtf8(src.sliced(v.begin, v.end - v.begin));

    QStandardItem *keyItem = cell(key);
    QStandardItem *valueItem = nullptr;
    if (container) {
        const qsizetype n = qsizetype(v.items.size());
        const QString summary = v.isObject() ? (n == 1 ? tr("1 key") : tr("%1 keys").arg(n))
                                             : (n == 1 ? tr("1 item") : tr("%1 items").arg(n));
        valueItem = mutedCell(summary);
    } else if (v.isString() && value.isEmpty()) {
        valueItem = mutedCell(QStringLiteral("\"\""));
    } else {
        valueItem = cell(value);
    }
    QList<QStandardItem *> row{keyItem, valueItem, mutedCell(type)};
    if (container)
        tagged(row, objectMember ? ItemKind::PayloadKey : ItemKind::Plain, key, QString());
    else
        tagged(row, ItemKind::PayloadValue, objectMember ? key : QString(), value);
    parent->appendRow(row);

    if (v.isObject()) {
        for (size_t i = 0; i < v.keys.size(); ++i)
            addJsonRow(keyItem, v.keys[i], true, v.items[i], src);
    } else if (v.isArray()) {
        for (size_t i = 0; i < v.items.size(); ++i)
            addJsonRow(keyItem, QStringLiteral("[%1]").arg(i), false, v.items[i], src);
    }
}

} // namespace

QString occurredText(qint64 occurredMicros, qint64 nowMicros)
{
    // The relative time first: it is what one reads this row for, and it never elides.
    return formatRelativeTime(occurredMicros, nowMicros) + QStringLiteral(" · ")
           + formatLocalAndUtc(occurredMicros);
}

void appendLabelRows(QStandardItem *parent, const Resource &resource, ItemKind kind)
{
    const QString role = resource.role();
    for (const Label &l : resource.labels) {
        QStandardItem *value = l.value.isEmpty() ? mutedCell(tr("(empty)")) : cell(l.value);
        parent->appendRow(tagged({cell(l.key), value}, kind, l.key, l.value,
                                 kind == ItemKind::RelatedLabel ? role : QString()));
    }
}

QList<QStandardItem *> relatedResourceRow(const Resource &resource, bool withLabels,
                                          const QString &role)
{
    const QString id = resource.id();
    QStandardItem *roleItem = cell(role.isEmpty() ? resource.role() : role);
    QStandardItem *link =
        cell(resourceTitle(resource), id + QStringLiteral("\n") + resourceKind(id));
    setLink(link, LinkKind::Resource, id);
    QList<QStandardItem *> row = tagged({roleItem, link}, ItemKind::RelatedResource, QString(), id,
                                        role.isEmpty() ? resource.role() : role);
    if (withLabels)
        appendLabelRows(roleItem, resource, ItemKind::RelatedLabel);
    return row;
}

void fillEventDetails(QStandardItemModel *model, const StoredEvent &stored,
                      const EventDetails &details, qint64 nowMicros)
{
    const Event &e = stored.event;
    model->clear();
    model->setHorizontalHeaderLabels({tr("Field"), tr("Value")});
    QStandardItem *root = model->invisibleRootItem();
    auto plain = [&](const QString &field, QStandardItem *value) {
        QList<QStandardItem *> row{cell(field), value};
        root->appendRow(row);
        return row;
    };

    tagged(plain(tr("Event"), cell(humanizeEventName(e.event))), ItemKind::EventName, QString(),
           e.event);
    tagged(plain(tr("Event name"), cell(e.event)), ItemKind::EventName, QString(), e.event);

    QStandardItem *occurred = cell(occurredText(e.occurred, nowMicros),
                                   QString::fromLatin1(timeutil::format(e.occurred)));
    occurred->setData(e.occurred, TimeRole);
    plain(tr("Occurred"), occurred);
    if (e.received) {
        const QString delay = formatDuration(*e.received - e.occurred);
        // Usually the same day as Occurred just above: the time alone then.
        const bool sameDay = QDateTime::fromMSecsSinceEpoch(*e.received / 1000).date()
                             == QDateTime::fromMSecsSinceEpoch(e.occurred / 1000).date();
        plain(tr("Received"), cell(tr("%1 after it occurred").arg(delay) + QStringLiteral(" · ")
                                       + formatLocalAndUtc(*e.received, !sameDay),
                                   QString::fromLatin1(timeutil::format(*e.received))));
    } else {
        plain(tr("Received"), mutedCell(tr("not recorded")));
    }
    plain(tr("ID"), cell(e.id));
    plain(tr("Source"), stored.source.isEmpty() ? mutedCell(tr("unknown")) : cell(stored.source));

    if (e.follows.isEmpty()) {
        plain(tr("Follows"), mutedCell(tr("nothing")));
    } else if (details.leader) {
        plain(tr("Follows"), eventLink(details.leader->event));
    } else {
        QStandardItem *link = cell(e.follows + QStringLiteral(" · ") + tr("not in the cache"));
        setLink(link, LinkKind::Event, e.follows);
        plain(tr("Follows"), link);
    }

    if (details.followersKnown) {
        const qsizetype n = details.followers.size();
        QString count = n == 0 ? tr("nothing") : n == 1 ? tr("1 event") : tr("%1 events").arg(n);
        if (details.followersTruncated)
            count = tr("the first %1 events").arg(n);
        QStandardItem *field = cell(tr("Followed by"));
        root->appendRow({field, mutedCell(count)});
        for (const StoredEvent &f : details.followers)
            field->appendRow({cell(humanizeEventName(f.event.event)), eventLink(f.event, false)});
    }

    const QString rid = e.resource.id();
    const QString kind = resourceKind(rid);
    QStandardItem *resourceField = cell(tr("Resource"));
    QStandardItem *resourceLink =
        cell(kind == u"other" ? resourceTitle(e.resource)
                              : kind + QStringLiteral(" · ") + resourceTitle(e.resource),
             rid);
    setLink(resourceLink, LinkKind::Resource, rid);
    root->appendRow(
        tagged({resourceField, resourceLink}, ItemKind::PrimaryResource, QString(), rid));
    appendLabelRows(resourceField, e.resource, ItemKind::PrimaryLabel);

    QStandardItem *relatedField = cell(tr("Related"));
    const qsizetype n = e.related.size();
    root->appendRow({relatedField, mutedCell(n == 0   ? tr("none")
                                             : n == 1 ? tr("1 resource")
                                                      : tr("%1 resources").arg(n))});
    for (const Resource &r : e.related)
        relatedField->appendRow(relatedResourceRow(r));
}

void fillPayloadTree(QStandardItemModel *model, QByteArrayView payloadJson)
{
    model->clear();
    model->setHorizontalHeaderLabels({tr("Key"), tr("Value"), tr("Type")});
    json::Value v;
    QString error;
    if (!json::parse(payloadJson, v, &error)) {
        model->invisibleRootItem()->appendRow({mutedCell(tr("(not valid JSON: %1)").arg(error)),
                                               cell(QString::fromUtf8(payloadJson))});
        return;
    }
    if (!v.isObject()) {
        addJsonRow(model->invisibleRootItem(), tr("(payload)"), false, v, payloadJson);
        return;
    }
    for (size_t i = 0; i < v.keys.size(); ++i)
        addJsonRow(model->invisibleRootItem(), v.keys[i], true, v.items[i], payloadJson);
}

QList<TermAction> termActions(const QModelIndex &index)
{
    using T = TermAction::Type;
    const QModelIndex first = index.siblingAtColumn(0);
    const auto kind = ItemKind(first.data(KindRole).toInt());
    const QString key = first.data(KeyRole).toString();
    const QString value = first.data(ValueRole).toString();
    const QString role = first.data(ResourceRoleRole).toString();
    const QString filterOn = tr("Filter on this");
    const QString exclude = tr("Exclude this");
    auto labelTerms = [&](const QString &scope, const QString &k) {
        const QString prefix = scope + k + u'=';
        return QList<TermAction>{
            {T::FilterOn, filterOn, filterTerm(prefix, globLiteral(value))},
            {T::Exclude, exclude, filterTerm(prefix, u'!' + globLiteral(value))},
            {T::AnyLabel, tr("Filter on this label in any resource"),
             filterTerm(QStringLiteral("any-label:") + k + u'=', globLiteral(value))},
        };
    };
    auto resourceExtras = [&](const QString &id) {
        return TermAction{T::AnyResource, tr("Filter on events about this resource"),
                          filterTerm(QStringLiteral("any-resource:"), id)};
    };

    switch (kind) {
    case ItemKind::Plain: return {};
    case ItemKind::EventName:
        return {{T::FilterOn, filterOn, filterTerm(QStringLiteral("event:"), value)},
                {T::Exclude, exclude, filterTerm(QStringLiteral("-event:"), value)}};
    case ItemKind::PrimaryResource:
        return {{T::FilterOn, filterOn, filterTerm(QStringLiteral("resource:"), globLiteral(value))},
                {T::Exclude, exclude,
                 filterTerm(QStringLiteral("label:") + kIdKey + u'=', u'!' + globLiteral(value))},
                resourceExtras(value)};
    case ItemKind::PrimaryLabel:
        if (key == kIdKey) {
            QList<TermAction> actions = labelTerms(QStringLiteral("label:"), key);
            actions.first().term = filterTerm(QStringLiteral("resource:"), globLiteral(value));
            actions.last() = resourceExtras(value);
            return actions;
        }
        return labelTerms(QStringLiteral("label:"), key);
    case ItemKind::RelatedResource:
        return {{T::FilterOn, filterOn,
                 filterTerm(QStringLiteral("related-label:") + kIdKey + u'=', globLiteral(value))},
                {T::Exclude, exclude,
                 filterTerm(QStringLiteral("related-label:") + kIdKey + u'=',
                            u'!' + globLiteral(value))},
                {T::RelatedRole, tr("Filter on the related role “%1”").arg(role),
                 role.isEmpty() ? QString() : filterTerm(QStringLiteral("related-role:"), role)},
                resourceExtras(value)};
    case ItemKind::RelatedLabel:
        if (key == kRoleKey) // roles are exact names, and the syntax has no negated role
            return {{T::FilterOn, filterOn, filterTerm(QStringLiteral("related-role:"), value)},
                    {T::Exclude, exclude, QString()}};
        return labelTerms(QStringLiteral("related-label:"), key);
    case ItemKind::PayloadKey:
        return {{T::FilterOn, filterOn, filterTerm(QStringLiteral("text:"), key)},
                {T::Exclude, exclude, filterTerm(QStringLiteral("-text:"), key)}};
    case ItemKind::PayloadValue:
        if (value.isEmpty()) // text search cannot look for nothing
            return {{T::FilterOn, filterOn, QString()}, {T::Exclude, exclude, QString()}};
        return {{T::FilterOn, filterOn, filterTerm(QStringLiteral("text:"), value)},
                {T::Exclude, exclude, filterTerm(QStringLiteral("-text:"), value)}};
    }
    return {};
}

} // namespace ed::ui
