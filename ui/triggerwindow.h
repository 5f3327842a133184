#pragma once

#include "core/eventfilter.h"
#include "core/trigger.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QSplitter;

namespace ed {
class EventStore;
}

namespace ed::ui {

class TriggerBuilder;
class TriggerPreview;

/// The automation-trigger builder beside its dry run: TriggerBuilder (tree, forms and JSON) on
/// the left, TriggerPreview (matches per part, the times it would have fired) on the right.
/// Every valid edit replays the cache again after a short pause. A separate top-level window
/// so it can sit beside the feed.
///
/// Keys: F5 replays now, Ctrl+O opens a trigger or automation JSON file, Ctrl+Shift+S saves the
/// JSON, Ctrl+Shift+C copies it, Ctrl+Return creates the automation on the server, Esc closes.
class TriggerWindow final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerWindow)

public:
    explicit TriggerWindow(QWidget *parent = nullptr);
    ~TriggerWindow() override;

    /// Completion source for the forms (not owned, may be null).
    void setStore(ed::EventStore *store);
    /// The cache the dry run replays, scoped to a source (empty: all sources).
    void setCache(const QString &path, const QString &scope);
    /// Which cached events the dry run replays (the feed's filter).
    void setFilter(const ed::EventFilter &filter);
    /// Whether "Create automation…" can reach a server (else the button explains why not).
    void setServerAvailable(bool available, const QString &reason = {});

    void setTrigger(const ed::Trigger &trigger);
    ed::Trigger trigger() const;
    /// The JSON the editor stands for (trigger, or whole automation body), compact.
    QByteArray json() const;

    TriggerBuilder *builder() const { return m_builder; }
    TriggerPreview *preview() const { return m_preview; }

    bool openFile(const QString &path, QString *error = nullptr);
    bool saveFile(const QString &path, QString *error = nullptr) const;

signals:
    void firingTimesChanged(const QList<qint64> &timesMicros);
    void eventActivated(const QString &eventId);
    /// "Create automation…": the window's owner opens the create dialog for this trigger.
    void createAutomationRequested(const ed::Trigger &trigger);
    /// "Automations on the server…".
    void automationsRequested();

private:
    void updateButtons();

    TriggerBuilder *m_builder = nullptr;
    TriggerPreview *m_preview = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_serverNote = nullptr;
    QPushButton *m_create = nullptr;
    bool m_serverAvailable = false;
};

} // namespace ed::ui
