#include "ui/resourcetimelinemodel.h"

#include "ui/eventformat.h"
#include "ui/eventnames.h"

namespace ed::ui {

ResourceTimelineModel::ResourceTimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

ResourceTimelineModel::~ResourceTimelineModel() = default;

void ResourceTimelineModel::setStore(EventStore *store)
{
    m_store = store;
}

void ResourceTimelineModel::setPageSize(int size)
{
    m_pageSize = qMax(1, size);
}

EventFilter ResourceTimelineModel::filterFor(const QString &resourceId)
{
    AnyResourceFilter any;
    any.id = QStringList{resourceId};
    EventFilter filter;
    filter.anyResource = QList<AnyResourceFilter>{any};
    filter.order = EventFilter::Order::Desc;
    return filter;
}

bool ResourceTimelineModel::setResource(const QString &resourceId)
{
    beginResetModel();
    m_resourceId = resourceId;
    m_rows.clear();
    m_cursor.reset();
    m_more = false;
    m_error.clear();
    endResetModel();
    if (resourceId.isEmpty())
        return true;
    return readPage();
}

bool ResourceTimelineModel::loadMore()
{
    if (!m_more)
        return true;
    return readPage();
}

bool ResourceTimelineModel::readPage()
{
    m_more = false;
    if (!m_store) {
        m_error = tr("No cache");
        return false;
    }
    const auto page = m_store->page(filterFor(m_resourceId), m_pageSize, m_cursor);
    if (!page) {
        m_error = m_store->lastError();
        return false;
    }
    m_error.clear();
    if (page->isEmpty())
        return true;

    QList<Row> rows;
    rows.reserve(page->size());
    for (const StoredEvent &se : *page) {
        const Event &e = se.event;
        Row row{e.id, e.occurred, e.event, {}};
        if (e.resource.id() == m_resourceId)
            row.roles.append(QStringLiteral("primary"));
        for (const Resource &r : e.related) {
            if (r.id() == m_resourceId && !row.roles.contains(r.role()))
                row.roles.append(r.role());
        }
        rows.append(std::move(row));
    }
    const StoredEvent &last = page->constLast();
    m_cursor = Cursor{last.event.occurred, last.event.id};
    m_more = page->size() >= m_pageSize;

    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
    m_rows.append(std::move(rows));
    endInsertRows();
    return true;
}

int ResourceTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResourceTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case OccurredColumn: return formatLocalTimeShort(row.occurred);
        case EventColumn: return humanizeEventName(row.event);
        case RoleColumn: return row.roles.join(QStringLiteral(", "));
        case ColumnCount: break;
        }
        break;
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case OccurredColumn: return formatLocalAndUtc(row.occurred);
        case EventColumn: return row.event;
        default: break;
        }
        break;
    case IdRole: return row.id;
    case OccurredRole: return row.occurred;
    case EventNameRole: return row.event;
    case ResourceRolesRole: return row.roles;
    default: break;
    }
    return {};
}

QVariant ResourceTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case OccurredColumn: return tr("Occurred");
    case EventColumn: return tr("Event");
    case RoleColumn: return tr("Role");
    case ColumnCount: break;
    }
    return {};
}

} // namespace ed::ui
