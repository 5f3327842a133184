#pragma once

#include "core/automationaction.h"
#include "core/automationclient.h"
#include "core/trigger.h"

#include <QDialog>
#include <QList>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace ed::ui {

/// Turns a trigger into an automation on the server: name, description, enabled, and a list of
/// actions (do nothing, run a deployment, pause or resume an automation, send a notification),
/// each with the fields its type needs. The body to be sent is previewed as it is edited, and
/// checked as the server would check it; Create posts it. The server's refusal is shown as it
/// wrote it; on success `created` is emitted and the dialog closes.
class CreateAutomationDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateAutomationDialog)

public:
    /// `client` must outlive the dialog.
    CreateAutomationDialog(const ed::Trigger &trigger, ed::AutomationClient *client,
                           QWidget *parent = nullptr);
    ~CreateAutomationDialog() override;

    /// The actions as edited (an inferred action's target left out).
    QList<ed::AutomationAction> actions() const;
    /// The body Create sends.
    QByteArray body() const;
    /// What the server would refuse, or empty.
    QString validationError() const;
    /// The text of the message line: a validation problem or the server's error.
    QString errorText() const;
    bool isBusy() const { return !m_reply.isNull(); }

    /// Posts the body (the Create button); does nothing while invalid or busy.
    void create();

signals:
    void created(const ed::AutomationInfo &automation);

private:
    void buildUi();
    void addAction();
    void removeAction();
    void showAction(int row);
    void readAction();
    void updateActionFields();
    void onEdited();
    void updatePreview();
    void setBusy(bool busy);
    QString actionTitle(int row) const;

    ed::Trigger m_trigger;
    ed::AutomationClient *m_client;
    QList<ed::AutomationAction> m_actions;
    QPointer<ed::AutomationReply> m_reply;
    bool m_showing = false; ///< filling the action editor: its signals are ours
    QString m_serverError;

    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QCheckBox *m_enabled = nullptr;
    QLabel *m_triggerSummary = nullptr;
    QWidget *m_actionsBox = nullptr;
    QListWidget *m_actionList = nullptr;
    QPushButton *m_addAction = nullptr;
    QPushButton *m_removeAction = nullptr;
    QWidget *m_actionEditor = nullptr;
    QFormLayout *m_actionForm = nullptr;
    QComboBox *m_type = nullptr;
    QComboBox *m_source = nullptr;
    QLineEdit *m_targetId = nullptr;
    QPlainTextEdit *m_parameters = nullptr;
    QPlainTextEdit *m_jobVariables = nullptr;
    QLineEdit *m_blockDocument = nullptr;
    QLineEdit *m_subject = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_create = nullptr;
};

} // namespace ed::ui
