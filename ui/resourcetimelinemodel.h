#pragma once

#include "core/eventstore.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include <optional>

namespace ed::ui {

/// Every cached event where one resource is the primary or a related resource, newest first,
/// read from the cache a page at a time (keyset, see EventStore::page): the first page when the
/// resource is set, the next one on loadMore().
class ResourceTimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceTimelineModel)

public:
    enum Column { OccurredColumn, EventColumn, RoleColumn, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole, ///< the event id
        OccurredRole,          ///< µs since the epoch, UTC
        EventNameRole,         ///< the raw event name
        ResourceRolesRole,     ///< QStringList: `primary` and/or the related roles
    };

    static constexpr int defaultPageSize = 500;

    explicit ResourceTimelineModel(QObject *parent = nullptr);
    ~ResourceTimelineModel() override;

    /// Not owned; used from the GUI thread.
    void setStore(EventStore *store);
    void setPageSize(int size);
    int pageSize() const { return m_pageSize; }

    /// Shows `resourceId`'s events, reading the first page; false on a cache error (see
    /// lastError()), the model then being empty.
    bool setResource(const QString &resourceId);
    QString resourceId() const { return m_resourceId; }
    /// Whether the last page read was full, so the cache may hold more.
    bool canLoadMore() const { return m_more; }
    /// Appends the next page; false on a cache error.
    bool loadMore();
    QString lastError() const { return m_error; }

    /// The filter the timeline reads: any resource, primary or related, with this id.
    static EventFilter filterFor(const QString &resourceId);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString id;
        qint64 occurred = 0;
        QString event;
        QStringList roles;
    };
    bool readPage();

    EventStore *m_store = nullptr;
    int m_pageSize = defaultPageSize;
    QString m_resourceId;
    QList<Row> m_rows;
    std::optional<Cursor> m_cursor;
    bool m_more = false;
    QString m_error;
};

} // namespace ed::ui
