#pragma once

#include "core/eventfilter.h"
#include "core/trigger.h"
#include "core/triggerreplay.h"

#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QLabel;
class QThread;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace ed::ui {

/// The dry run of the trigger being built: how many cached events each part of the trigger
/// covers, and every time the whole trigger would have fired (replayTrigger() on a worker
/// thread with its own connection to the cache). A new trigger cancels the run in progress;
/// edits are debounced.
class TriggerPreview final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerPreview)

public:
    explicit TriggerPreview(QWidget *parent = nullptr);
    ~TriggerPreview() override;

    /// The cache to replay and the source it is scoped to (empty: all sources).
    void setCache(const QString &path, const QString &scope = {});
    /// Which cached events are replayed (the feed's filter); order and limit are ignored.
    void setFilter(const ed::EventFilter &filter);
    /// Replays `trigger` after a short pause (invalid triggers clear the preview).
    void setTrigger(const ed::Trigger &trigger);
    /// Starts the replay at once.
    void runNow();

    bool isRunning() const { return m_thread != nullptr; }
    /// The last replay that finished, if any.
    const std::optional<ed::TriggerReplay> &result() const { return m_result; }
    QString statusText() const;

    static constexpr int debounceMs = 300;

signals:
    /// A replay finished (or failed: result() is then empty and statusText() says why).
    void finished();
    /// When the trigger would have fired, for markers on the histogram.
    void firingTimesChanged(const QList<qint64> &timesMicros);
    /// A firing or a part was activated: its triggering event.
    void eventActivated(const QString &eventId);

private:
    void start();
    void onThreadFinished();
    void show(const ed::TriggerReplay &replay);
    QString partLabel(const QList<int> &path) const;

    QString m_cachePath;
    QString m_scope;
    ed::EventFilter m_filter;
    std::optional<ed::Trigger> m_trigger;
    std::optional<ed::TriggerReplay> m_result;

    QTimer *m_debounce = nullptr;
    QThread *m_thread = nullptr;
    bool m_again = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::optional<ed::TriggerReplay> m_outcome; ///< written by the worker, read once it ended
    QString m_outcomeError;
    qint64 m_startedAt = 0;

    QLabel *m_status = nullptr;
    QLabel *m_notices = nullptr;
    QTreeWidget *m_parts = nullptr;
    QTreeWidget *m_firings = nullptr;
};

} // namespace ed::ui
