#pragma once

#include "core/trigger.h"

#include <QList>
#include <QWidget>

class QPushButton;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace ed {
class EventStore;
}

namespace ed::ui {

class CompositeTriggerForm;
class EventTriggerForm;

/// The node at `path` (child indices from `root`); null when the path leads nowhere.
Trigger *triggerAt(Trigger &root, const QList<int> &path);
/// A short title for a tree node: "prefect.flow-run.Failed ×3 within 10 minutes", "Compound:
/// 2 of 3", "Sequence of 2 within 1 hour".
QString triggerTitle(const Trigger &trigger);

/// A trigger tree on the left (the root, and the children of compound and sequence triggers),
/// the form of the selected node on the right, and buttons to add a child, remove, move up or
/// down (the order matters for a sequence) and wrap the selected node in a compound or a
/// sequence trigger.
///
/// Object names: triggerTree, addEvent, addCompound, addSequence, removeTrigger, moveUp,
/// moveDown, wrapCompound, wrapSequence, plus those of EventTriggerForm and
/// CompositeTriggerForm.
class TriggerForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerForm)

public:
    enum class NodeKind { Event, Compound, Sequence };

    explicit TriggerForm(QWidget *parent = nullptr);
    ~TriggerForm() override;

    /// Shows `trigger`; the selected node stays selected when its path still exists.
    void setTrigger(const Trigger &trigger);
    Trigger trigger() const { return m_root; }
    void setStore(EventStore *store);

    QTreeWidget *tree() const { return m_tree; }
    /// The selected node's path from the root (empty: the root).
    QList<int> currentPath() const;
    void selectPath(const QList<int> &path);

    /// Adds a new trigger of `kind` as the last child of the selected compound or sequence
    /// trigger, or after the selected event trigger in its parent, and selects it.
    void addTrigger(NodeKind kind);
    void removeCurrent();
    /// Moves the selected node `delta` places among its siblings.
    void moveCurrent(int delta);
    /// Replaces the selected node with a new compound or sequence trigger holding it.
    void wrapCurrent(NodeKind kind);

signals:
    /// The user changed a field or the tree; trigger() has the result.
    void edited();

private:
    void rebuildTree();
    void refreshTitles();
    void showCurrent();
    void updateButtons();
    void onEventEdited();
    void onCompositeEdited();
    void treeEdited(const QList<int> &select);
    QTreeWidgetItem *itemAt(const QList<int> &path) const;

    Trigger m_root;
    bool m_updating = false;
    QTreeWidget *m_tree = nullptr;
    QStackedWidget *m_stack = nullptr;
    EventTriggerForm *m_eventForm = nullptr;
    CompositeTriggerForm *m_compositeForm = nullptr;
    QPushButton *m_addEvent = nullptr;
    QPushButton *m_addCompound = nullptr;
    QPushButton *m_addSequence = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_down = nullptr;
    QPushButton *m_wrapCompound = nullptr;
    QPushButton *m_wrapSequence = nullptr;
};

} // namespace ed::ui
