// The main window's Automations menu: the trigger builder with its dry run, "Automate" from
// the selected event, and the automations on the connected server.
#include "ui/mainwindow.h"

#include "ui/automateladder.h"
#include "ui/automationsdialog.h"
#include "ui/createautomationdialog.h"
#include "ui/feedmodel.h"
#include "ui/histogramwidget.h"
#include "ui/triggerpreview.h"
#include "ui/triggerwindow.h"

#include "core/automationclient.h"
#include "core/eventstore.h"

#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>

namespace ed::ui {

void MainWindow::createAutomationMenu()
{
    QMenu *menu = menuBar()->addMenu(tr("&Automations"));
    menu->addAction(tr("&New trigger…"), QKeySequence(Qt::CTRL | Qt::Key_T), this, [this] {
        TriggerWindow *window = triggerWindow();
        window->show();
        window->raise();
        window->activateWindow();
    });
    menu->addAction(tr("&Automate the selected event…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), this,
                    &MainWindow::automateSelectedEvent);
    menu->addSeparator();
    menu->addAction(tr("Automations on the &server…"), this, &MainWindow::showAutomations);
}

TriggerWindow *MainWindow::triggerWindow()
{
    if (!m_triggerWindow) {
        m_triggerWindow = new TriggerWindow(this);
        m_triggerWindow->setAttribute(Qt::WA_DeleteOnClose, false);
        connect(m_triggerWindow, &TriggerWindow::firingTimesChanged, this, [this](const QList<qint64> &times) {
            m_histogram->setMarkers(times);
        });
        connect(m_triggerWindow, &TriggerWindow::eventActivated, this, &MainWindow::showEventById);
        connect(m_triggerWindow, &TriggerWindow::createAutomationRequested, this, &MainWindow::createAutomation);
        connect(m_triggerWindow, &TriggerWindow::automationsRequested, this, &MainWindow::showAutomations);
        m_triggerWindow->setStore(m_store.get());
        updateTriggerWindow();
    }
    return m_triggerWindow;
}

void MainWindow::updateTriggerWindow()
{
    if (!m_triggerWindow)
        return;
    m_triggerWindow->setCache(m_cachePath, m_model ? m_model->scope() : QString());
    m_triggerWindow->setFilter(m_filter);
    m_triggerWindow->setServerAvailable(m_server.has_value(),
                                        tr("Connect to a Prefect server to create automations."));
}

void MainWindow::automateSelectedEvent()
{
    const QModelIndex current = m_feed->currentIndex();
    const auto stored = current.isValid() ? m_model->eventAt(current.row()) : std::nullopt;
    if (!stored) {
        QMessageBox::information(this, tr("Automate"), tr("Select an event in the feed first."));
        return;
    }
    AutomateDialog dialog(stored->event, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    TriggerWindow *window = triggerWindow();
    window->setTrigger(dialog.trigger());
    window->show();
    window->raise();
    window->activateWindow();
}

AutomationClient *MainWindow::automationClient()
{
    if (!m_server)
        return nullptr;
    const AutomationClient::Options options{m_server->apiUrl, m_server->apiKey, m_server->authString};
    if (!m_automationClient || m_automationServer != m_server->apiUrl) {
        delete m_automationClient;
        m_automationClient = new AutomationClient(options, this);
        m_automationServer = m_server->apiUrl;
    }
    return m_automationClient;
}

void MainWindow::createAutomation(const Trigger &trigger)
{
    AutomationClient *client = automationClient();
    if (!client) {
        QMessageBox::information(this, tr("Create automation"), tr("Connect to a Prefect server to create automations."));
        return;
    }
    CreateAutomationDialog dialog(trigger, client, m_triggerWindow ? static_cast<QWidget *>(m_triggerWindow) : this);
    connect(&dialog, &CreateAutomationDialog::created, this, [this](const AutomationInfo &created) {
        statusBar()->showMessage(tr("Created automation “%1” on %2").arg(created.name, m_automationServer), 8000);
    });
    dialog.exec();
}

void MainWindow::showAutomations()
{
    AutomationClient *client = automationClient();
    if (!client) {
        QMessageBox::information(this, tr("Automations"), tr("Connect to a Prefect server to see its automations."));
        return;
    }
    AutomationsDialog dialog(client, this);
    dialog.refresh();
    dialog.exec();
}

} // namespace ed::ui
