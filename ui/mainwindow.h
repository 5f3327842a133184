#pragma once

#include <QMainWindow>
#include <QString>

#include <memory>

class QLabel;
class QTimer;

namespace ed {
class EventStore;
}

namespace ed::ui {

/// The main window. For now it only reports on the cache: where it is, how many events it holds
/// and how large it is, refreshed every two seconds.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /// `store` is the open cache, or null when it could not be opened; `openError` then says why.
    MainWindow(const QString &cachePath, std::unique_ptr<EventStore> store,
               const QString &openError = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    static constexpr int refreshIntervalMs = 2000;

    /// Reads the counts from the cache now rather than at the next tick.
    void refresh();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void restoreWindowState();
    void saveWindowState() const;
    void showError(const QString &message);

    std::unique_ptr<EventStore> m_store;
    QLabel *m_pathLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_sizeLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QTimer *m_refreshTimer = nullptr;
};

} // namespace ed::ui
