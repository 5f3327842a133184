#pragma once

#include "core/eventstore.h"

#include <QWidget>

class QLabel;
class QMenu;
class QModelIndex;
class QPlainTextEdit;
class QStackedWidget;
class QStandardItemModel;
class QTabWidget;
class QTimer;
class QTreeView;

namespace ed::ui {

/// One event in detail: its fields, resource and related resources (a tree of selectable rows),
/// the payload as a tree, and the raw JSON. Rows offer filter-bar terms from their context menu;
/// the `follows` event, the followers and the resources are links.
class EventPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventPane)

public:
    explicit EventPane(QWidget *parent = nullptr);
    ~EventPane() override;

    /// The cache that names the event this one follows and finds its followers; not owned,
    /// may be null (then only the `follows` id is shown). Used from the GUI thread.
    void setStore(EventStore *store);
    void setEvent(const StoredEvent &event);
    void clear();

    bool hasEvent() const { return m_hasEvent; }
    const StoredEvent &event() const { return m_event; }

    /// A context menu for a row of the details or payload tree: "Filter on this", "Exclude
    /// this", and what else the row offers, each emitting filterTermRequested(); then copying
    /// and, on a link, following it. The caller owns the menu.
    QMenu *createContextMenu(const QModelIndex &index, QWidget *parent = nullptr);
    /// What clicking a link cell does: eventRequested() or resourceRequested().
    void followLink(const QModelIndex &index);

    static constexpr int followersShown = 50;

signals:
    void eventRequested(const QString &id);
    void resourceRequested(const QString &resourceId);
    /// A term in the filter bar's syntax, such as `label:prefect.resource.name="my flow"`.
    void filterTermRequested(const QString &term);

private:
    QTreeView *makeTree(const QString &name, QStandardItemModel *model);
    void showContextMenu(QTreeView *view, const QPoint &pos);
    void copyIndex(const QModelIndex &index);
    void refreshRelativeTimes();
    void expandDetails();
    void updateHeader();

    EventStore *m_store = nullptr;
    StoredEvent m_event;
    bool m_hasEvent = false;

    QStackedWidget *m_stack = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QTabWidget *m_tabs = nullptr;
    QStandardItemModel *m_detailsModel = nullptr;
    QStandardItemModel *m_payloadModel = nullptr;
    QTreeView *m_details = nullptr;
    QTreeView *m_payload = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    QTimer *m_clock = nullptr;
};

} // namespace ed::ui
