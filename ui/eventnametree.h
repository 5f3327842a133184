#pragma once

#include "core/eventfilter.h"
#include "core/eventstore.h"
#include "core/filterexpression.h"

#include <QSet>
#include <QThread>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTimer;
class QTreeView;

namespace ed::ui {

class EventNameCounter;
class EventNameModel;

/// The filter bar's event-name tree, like Wireshark's protocol hierarchy: every event name in
/// the cache that the current filter (without its event-name conditions) lets through,
/// grouped by dotted prefix with counts and shares, largest first, with a search box. Names
/// the bar's `event:`/`-event:` terms show or hide are marked (a check, a struck-out name,
/// a dimmed one). Double-click or Enter on a name asks for `event:NAME`, on a prefix for
/// `event:PREFIX*`; the context menu also offers "Hide this" (`-event:…`).
///
/// Counting runs in SQL over the whole cache on a worker thread with its own connection to the
/// store's file (a million events take a fraction of a second); a newer request supersedes
/// one still waiting, and a result for an older one is dropped.
class EventNameTree final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventNameTree)

public:
    explicit EventNameTree(QWidget *parent = nullptr);
    ~EventNameTree() override;

    /// The cache to count in (not owned: it must stay open until replaced). The worker opens
    /// its own connection on `store->path()`; a store with no file (in memory) is counted on
    /// its own connection, on the GUI thread. Null empties the tree.
    void setStore(ed::EventStore *store);
    /// Recounts for `filter`; its `event` conditions are ignored, so that every name the rest
    /// of the filter lets through is shown (asynchronously: `counted` follows).
    void setFilter(const ed::EventFilter &filterWithoutEventNames);
    /// Recounts with the same filter, e.g. after new events were stored.
    void refresh();
    /// The bar's `event:`/`-event:` terms (others are ignored), to mark what they show or hide.
    /// Counts only one source's events (see EventStore::setScope), as the feed shows them;
    /// applies at the next count.
    void setScope(const QString &source) { m_scope = source; }
    void setActiveTerms(const QList<ed::FilterTerm> &eventTerms);

    EventNameModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    bool isCounting() const { return m_counting || m_pending; }

signals:
    /// `event:NAME`, `event:PREFIX*` or `-event:…`, for the filter bar to add.
    void termRequested(const QString &term);
    /// A count is in the tree: `events` over every name shown.
    void counted(qint64 events);
    void failed(const QString &error);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void scheduleCount();
    void startCount();
    void onCounts(quint64 generation, const QList<ed::CountBucket> &counts, const QString &error);
    void onSearch(const QString &text);
    void showContextMenu(const QPoint &pos);
    void requestTerm(const QModelIndex &index, bool exclude);
    void expandNew(const QModelIndex &parent, int first, int last);
    void updateStatus();
    QSet<QString> expandedKeys() const;
    void restoreExpanded(const QSet<QString> &keys);

    EventNameModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTreeView *m_view = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_kick = nullptr;

    EventStore *m_store = nullptr;
    EventFilter m_filter;
    QString m_error;
    QSet<QString> m_expandedBeforeSearch;
    bool m_counted = false;
    bool m_counting = false;
    bool m_pending = false;

    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    QThread m_thread;
    EventNameCounter *m_counter = nullptr;
    QString m_scope;
};

} // namespace ed::ui
