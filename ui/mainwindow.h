#pragma once

#include "core/eventfilter.h"
#include "core/eventsource.h"
#include "core/filterexpression.h"
#include "core/trigger.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QMap>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTabWidget;
class QTimer;
class QToolButton;
class QHBoxLayout;
class QVBoxLayout;
class QAction;

namespace ed {
class AutomationClient;
class CacheWriter;
class EventStore;
}

namespace ed::ui {

class EventNameTree;
class EventPane;
class FeedModel;
class HistogramWidget;
class ResourcePane;
class TriggerWindow;

/// What to connect to at start-up (command line or remembered).
struct LaunchOptions
{
    enum class Kind { Auto, Demo, Server, File };
    Kind kind = Kind::Auto;
    QString apiUrl;
    QString apiKey;
    QString authString;
    QString file;
    double demoRate = 5;
    quint64 seed = 1;
};

/// The main window: filter bar, histogram, the live feed, and the event and resource panes.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /// `store` is the open cache, or null when it could not be opened; `openError` then says why.
    MainWindow(const QString &cachePath, std::unique_ptr<EventStore> store,
               const QString &openError = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Connects as asked; Auto: the last connection, else PREFECT_API_URL or the active
    /// Prefect profile, else the demo workspace.
    void connectTo(const LaunchOptions &options);
    /// Feeds the window from `source` (tests use this with their own sources).
    void setSource(std::unique_ptr<EventSource> source, const QString &name, const QString &description);

    FeedModel *feedModel() const { return m_model; }
    QTableView *feedView() const { return m_feed; }
    /// The filter bar's terms as they stand (the chips).
    QList<FilterTerm> terms() const { return m_terms; }
    /// Adds a term to the filter bar and applies it (click-to-filter).
    void addTerm(const QString &term);
    void applyExpression(const QString &expression);
    bool isFollowing() const { return m_following; }
    bool isPaused() const { return m_paused; }
    qint64 pendingNewRows() const { return m_newRows; }
    /// Saves the bar's terms under `name` (Edit › Save filter; the Saved menu lists them).
    void saveFilter(const QString &name);
    static QMap<QString, QString> savedFilters();
    /// Shows every source's events instead of the current source's.
    void setAllSources(bool all);
    /// Freezes the view (the cache keeps filling); resuming shows what came meanwhile.
    void setPaused(bool paused);

    /// Reads the counts from the cache now rather than at the next tick.
    void refresh();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildFilterBar(QWidget *parent, QVBoxLayout *layout);
    void createMenus();
    void restoreWindowState();
    void saveWindowState() const;
    void showError(const QString &message);
    void rebuildChips();
    void applyFilter();
    void onRangePreset(int index);
    void onSelectionChanged();
    void onRowsArrived(int count);
    void onScrolled();
    void scrollToNewest();
    void requestHistogram();
    void showEventById(const QString &id);
    void exportEvents();
    void openConnectionDialog();
    void saveCurrentFilter();
    void rebuildSavedFiltersMenu();
    void setDarkPalette(bool dark);
    // Automations (mainwindowautomations.cpp)
    void createAutomationMenu();
    TriggerWindow *triggerWindow();
    void automateSelectedEvent();
    void createAutomation(const Trigger &trigger);
    void showAutomations();
    AutomationClient *automationClient();
    void updateTriggerWindow();
    void updateStatus();

    QString m_cachePath;
    std::unique_ptr<EventStore> m_store;
    std::unique_ptr<CacheWriter> m_writer;
    std::unique_ptr<EventSource> m_source;
    QString m_sourceName;
    QString m_sourceDescription;

    FeedModel *m_model = nullptr;
    QTableView *m_feed = nullptr;
    HistogramWidget *m_histogram = nullptr;
    EventNameTree *m_eventNames = nullptr;
    QTabWidget *m_details = nullptr;
    EventPane *m_eventPane = nullptr;
    ResourcePane *m_resourcePane = nullptr;

    QComboBox *m_range = nullptr;
    QLineEdit *m_expression = nullptr;
    QLabel *m_expressionStatus = nullptr;
    QWidget *m_chipBox = nullptr;
    QHBoxLayout *m_chipLayout = nullptr;
    QLabel *m_matchCount = nullptr;
    QToolButton *m_savedFilters = nullptr;
    QList<FilterTerm> m_terms;
    EventFilter m_filter;
    QPointer<TriggerWindow> m_triggerWindow;
    std::optional<LaunchOptions> m_server; ///< the server connected to, for automations
    AutomationClient *m_automationClient = nullptr;
    QString m_automationServer;

    QLabel *m_stateLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_cachedLabel = nullptr;
    QLabel *m_sizeLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QToolButton *m_newEventsButton = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_utcAction = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_allSourcesAction = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_liveTimer = nullptr;

    bool m_following = true;
    bool m_paused = false;
    bool m_storedSinceRefresh = false;
    /// The cached count the status bar shows: the writer's stored counts added up, recounted in
    /// full now and then (retention and file imports change it too) — `count(*)` over a
    /// million rows is too slow for the GUI thread every second.
    std::optional<qint64> m_cachedTotal;
    int m_recountIn = 0;
    qint64 m_newRows = 0;
    qint64 m_receivedThisSecond = 0;
    double m_rate = 0;
    QElapsedTimer m_rateClock;
    QElapsedTimer m_filterClock;
};

} // namespace ed::ui
