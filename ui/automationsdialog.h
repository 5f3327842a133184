#pragma once

#include "core/automationclient.h"

#include <QDialog>
#include <QList>
#include <QString>

class QLabel;
class QPushButton;
class QTableWidget;
class QTableWidgetItem;

namespace ed::ui {

/// The automations on the server: a table (enabled, name, what the trigger does, the actions,
/// when it was created) with Refresh, Enable/Disable and Delete. Every request runs in the
/// background; while one does, the buttons wait and the status line says so. The server's
/// errors are shown as it wrote them. After a change the list is read again, so the table
/// always shows the server's state.
class AutomationsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutomationsDialog)

public:
    enum Column {
        EnabledColumn,
        NameColumn,
        TriggerColumn,
        ActionsColumn,
        CreatedColumn,
        ColumnCount
    };

    /// `client` must outlive the dialog. The list is read once the dialog is shown.
    explicit AutomationsDialog(ed::AutomationClient *client, QWidget *parent = nullptr);
    ~AutomationsDialog() override;

    /// Reads the list again (`POST /automations/filter`, sorted by name).
    void refresh();
    /// What the last successful refresh returned, in table order.
    const QList<ed::AutomationInfo> &automations() const { return m_automations; }
    bool isBusy() const { return m_busy > 0; }
    /// The last error, verbatim; empty after a successful request.
    QString errorText() const;

    /// Selects the automation's row; false when it is not listed.
    bool selectAutomation(const QString &id);
    QString selectedId() const;
    /// Delete asks first unless this is off (for tests and scripted use).
    void setConfirmDeletes(bool confirm) { m_confirmDeletes = confirm; }

    /// Enables or disables the selected automation (the Enable/Disable button).
    void toggleSelected();
    /// Deletes the selected automation, after asking (the Delete button).
    void deleteSelected();

signals:
    /// After each list answer, good or bad.
    void refreshed();
    void busyChanged(bool busy);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void fill();
    void setEnabledOnServer(const QString &id, bool enabled);
    void onItemChanged(QTableWidgetItem *item);
    void track(ed::AutomationReply *reply);
    void showError(const QString &error);
    void updateButtons();
    const ed::AutomationInfo *selected() const;

    ed::AutomationClient *m_client;
    QList<ed::AutomationInfo> m_automations;
    int m_busy = 0;
    bool m_filling = false;
    bool m_confirmDeletes = true;
    bool m_loadedOnce = false;

    QTableWidget *m_table = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_toggle = nullptr;
    QPushButton *m_delete = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace ed::ui
