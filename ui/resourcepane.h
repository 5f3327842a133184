#pragma once

#include "core/eventstore.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QTreeView;

namespace ed::ui {

class ResourceTimelineModel;

/// One resource: its labels (from its newest cached event where it is the primary resource,
/// else where it is a related one), the resources around it there, and its timeline: every
/// cached event that names it, newest first, a page at a time.
class ResourcePane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourcePane)

public:
    explicit ResourcePane(QWidget *parent = nullptr);
    ~ResourcePane() override;

    /// Not owned; may be null. Used from the GUI thread.
    void setStore(EventStore *store);
    void showResource(const QString &resourceId);
    void clear();
    QString resourceId() const { return m_resourceId; }

    ResourceTimelineModel *timelineModel() const { return m_timelineModel; }

signals:
    /// A timeline row was selected.
    void eventRequested(const QString &id);
    /// A related resource's link was followed.
    void resourceRequested(const QString &resourceId);
    /// `any-resource:ID`, from the "Filter the feed to this resource" button.
    void filterTermRequested(const QString &term);

private:
    void fillDetails();
    void loadMore();
    void updateTimelineStatus();

    EventStore *m_store = nullptr;
    QString m_resourceId;
    std::optional<qint64> m_total;

    QLabel *m_title = nullptr;
    QLabel *m_id = nullptr;
    QPushButton *m_filterButton = nullptr;
    QStandardItemModel *m_detailsModel = nullptr;
    QTreeView *m_details = nullptr;
    ResourceTimelineModel *m_timelineModel = nullptr;
    QTableView *m_timeline = nullptr;
    QLabel *m_timelineStatus = nullptr;
    QPushButton *m_loadMore = nullptr;
};

} // namespace ed::ui
