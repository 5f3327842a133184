#include "ui/createautomationdialog.h"

#include "ui/eventformat.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

using Type = AutomationAction::Type;
using Source = AutomationAction::Source;

QString typeTitle(Type type)
{
    switch (type) {
    case Type::DoNothing: return CreateAutomationDialog::tr("Do nothing");
    case Type::RunDeployment: return CreateAutomationDialog::tr("Run a deployment");
    case Type::PauseAutomation: return CreateAutomationDialog::tr("Pause an automation");
    case Type::ResumeAutomation: return CreateAutomationDialog::tr("Resume an automation");
    case Type::SendNotification: return CreateAutomationDialog::tr("Send a notification");
    }
    return {};
}

QPlainTextEdit *jsonEdit(QWidget *parent, const QString &placeholder)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 4);
    return edit;
}

} // namespace

CreateAutomationDialog::CreateAutomationDialog(const Trigger &trigger, AutomationClient *client,
                                               QWidget *parent)
    : QDialog(parent)
    , m_trigger(trigger)
    , m_client(client)
{
    setWindowTitle(tr("Create automation"));
    buildUi();
    showAction(-1);
    updatePreview();
}

CreateAutomationDialog::~CreateAutomationDialog() = default;

void CreateAutomationDialog::buildUi()
{
    const int charWidth = fontMetrics().averageCharWidth();
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("Required: how the automation is listed"));
    m_name->setMinimumWidth(charWidth * 50);
    m_description = new QLineEdit(this);
    m_enabled = new QCheckBox(tr("Enabled: the server starts evaluating it at once"), this);
    m_enabled->setChecked(true);
    m_triggerSummary = new QLabel(summarize(m_trigger), this);
    m_triggerSummary->setWordWrap(true);
    m_triggerSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *top = new QFormLayout;
    top->addRow(tr("&Name:"), m_name);
    top->addRow(tr("&Description:"), m_description);
    top->addRow(QString(), m_enabled);
    top->addRow(tr("Trigger:"), m_triggerSummary);

    auto *actionsBox = new QGroupBox(tr("Actions"), this);
    m_actionsBox = actionsBox;
    m_actionList = new QListWidget(actionsBox);
    m_actionList->setMaximumWidth(charWidth * 36);
    m_addAction = new QPushButton(tr("Add"), actionsBox);
    m_removeAction = new QPushButton(tr("Remove"), actionsBox);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_addAction);
    listButtons->addWidget(m_removeAction);
    auto *left = new QVBoxLayout;
    left->addWidget(m_actionList, 1);
    left->addLayout(listButtons);

    m_actionEditor = new QWidget(actionsBox);
    m_type = new QComboBox(m_actionEditor);
    for (Type t : {Type::DoNothing, Type::RunDeployment, Type::PauseAutomation,
                   Type::ResumeAutomation, Type::SendNotification})
        m_type->addItem(typeTitle(t), int(t));
    m_source = new QComboBox(m_actionEditor);
    m_source->addItem(tr("Selected: the one named below"), int(Source::Selected));
    m_source->addItem(tr("Inferred from the triggering event"), int(Source::Inferred));
    m_targetId = new QLineEdit(m_actionEditor);
    m_targetId->setPlaceholderText(tr("UUID"));
    m_parameters = jsonEdit(m_actionEditor, tr("JSON object; empty: the deployment's defaults"));
    m_jobVariables = jsonEdit(m_actionEditor, tr("JSON object; empty: none"));
    m_blockDocument = new QLineEdit(m_actionEditor);
    m_blockDocument->setPlaceholderText(tr("UUID of the notification block"));
    m_subject = new QLineEdit(m_actionEditor);
    m_body = jsonEdit(m_actionEditor,
                      tr("Jinja template, e.g. {{ event.event }} on {{ event.resource.id }}"));
    m_actionForm = new QFormLayout(m_actionEditor);
    m_actionForm->setContentsMargins(0, 0, 0, 0);
    m_actionForm->addRow(tr("&Type:"), m_type);
    m_actionForm->addRow(tr("&Source:"), m_source);
    m_actionForm->addRow(tr("Deployment id:"), m_targetId);
    m_actionForm->addRow(tr("&Parameters:"), m_parameters);
    m_actionForm->addRow(tr("&Job variables:"), m_jobVariables);
    m_actionForm->addRow(tr("&Block document id:"), m_blockDocument);
    m_actionForm->addRow(tr("S&ubject:"), m_subject);
    m_actionForm->addRow(tr("&Body:"), m_body);
    auto *actionsLayout = new QHBoxLayout(actionsBox);
    actionsLayout->addLayout(left);
    actionsLayout->addWidget(m_actionEditor, 1);

    auto *previewBox = new QGroupBox(tr("Request body (POST /automations/)"), this);
    m_preview = new QPlainTextEdit(previewBox);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_preview);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("Create"), QDialogButtonBox::ActionRole);
    m_create->setDefault(true);

    m_name->setObjectName(u"nameEdit"_s);
    m_description->setObjectName(u"descriptionEdit"_s);
    m_enabled->setObjectName(u"enabledCheck"_s);
    m_triggerSummary->setObjectName(u"triggerSummaryLabel"_s);
    m_actionList->setObjectName(u"actionsList"_s);
    m_addAction->setObjectName(u"addActionButton"_s);
    m_removeAction->setObjectName(u"removeActionButton"_s);
    m_type->setObjectName(u"actionTypeCombo"_s);
    m_source->setObjectName(u"sourceCombo"_s);
    m_targetId->setObjectName(u"targetIdEdit"_s);
    m_parameters->setObjectName(u"parametersEdit"_s);
    m_jobVariables->setObjectName(u"jobVariablesEdit"_s);
    m_blockDocument->setObjectName(u"blockDocumentEdit"_s);
    m_subject->setObjectName(u"subjectEdit"_s);
    m_body->setObjectName(u"bodyEdit"_s);
    m_preview->setObjectName(u"previewEdit"_s);
    m_error->setObjectName(u"errorLabel"_s);
    m_create->setObjectName(u"createButton"_s);
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(u"cancelButton"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(actionsBox, 1);
    layout->addWidget(previewBox, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &CreateAutomationDialog::onEdited);
    connect(m_description, &QLineEdit::textChanged, this, &CreateAutomationDialog::onEdited);
    connect(m_enabled, &QCheckBox::toggled, this, &CreateAutomationDialog::onEdited);
    connect(m_addAction, &QPushButton::clicked, this, &CreateAutomationDialog::addAction);
    connect(m_removeAction, &QPushButton::clicked, this, &CreateAutomationDialog::removeAction);
    connect(m_actionList, &QListWidget::currentRowChanged, this,
            &CreateAutomationDialog::showAction);
    for (QComboBox *combo : {m_type, m_source})
        connect(combo, &QComboBox::currentIndexChanged, this, &CreateAutomationDialog::readAction);
    for (QLineEdit *edit : {m_targetId, m_blockDocument, m_subject})
        connect(edit, &QLineEdit::textChanged, this, &CreateAutomationDialog::readAction);
    for (QPlainTextEdit *edit : {m_parameters, m_jobVariables, m_body})
        connect(edit, &QPlainTextEdit::textChanged, this, &CreateAutomationDialog::readAction);
    connect(m_create, &QPushButton::clicked, this, &CreateAutomationDialog::create);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QList<AutomationAction> CreateAutomationDialog::actions() const
{
    QList<AutomationAction> out = m_actions;
    for (AutomationAction &a : out) {
        // The id field keeps its text while the source is switched back and forth; an inferred
        // action sends none.
        if (!a.hasSource() || a.source == Source::Inferred)
            a.targetId.clear();
    }
    return out;
}

QByteArray CreateAutomationDialog::body() const
{
    return automationBody(m_name->text().trimmed(), m_description->text(), m_enabled->isChecked(),
                          m_trigger, actions());
}

QString CreateAutomationDialog::validationError() const
{
    return validateAutomation(m_name->text(), m_enabled->isChecked(), m_trigger, actions());
}

QString CreateAutomationDialog::errorText() const
{
    return m_error->text();
}

void CreateAutomationDialog::addAction()
{
    m_actions.append(AutomationAction::doNothing());
    m_actionList->addItem(actionTitle(int(m_actions.size()) - 1));
    m_actionList->setCurrentRow(int(m_actions.size()) - 1);
    onEdited();
}

void CreateAutomationDialog::removeAction()
{
    const int row = m_actionList->currentRow();
    if (row < 0 || row >= m_actions.size())
        return;
    m_actions.removeAt(row);
    delete m_actionList->takeItem(row);
    for (int i = row; i < m_actionList->count(); ++i)
        m_actionList->item(i)->setText(actionTitle(i));
    showAction(m_actionList->currentRow());
    onEdited();
}

void CreateAutomationDialog::showAction(int row)
{
    const bool valid = row >= 0 && row < m_actions.size();
    m_actionEditor->setEnabled(valid);
    m_removeAction->setEnabled(valid);
    const AutomationAction a = valid ? m_actions[row] : AutomationAction();
    m_showing = true;
    m_type->setCurrentIndex(m_type->findData(int(a.type)));
    m_source->setCurrentIndex(m_source->findData(int(a.source)));
    m_targetId->setText(a.targetId);
    m_parameters->setPlainText(QString::fromUtf8(a.parameters));
    m_jobVariables->setPlainText(QString::fromUtf8(a.jobVariables));
    m_blockDocument->setText(a.blockDocumentId);
    m_subject->setText(a.subject);
    m_body->setPlainText(a.body);
    m_showing = false;
    updateActionFields();
}

void CreateAutomationDialog::readAction()
{
    const int row = m_actionList->currentRow();
    if (m_showing || row < 0 || row >= m_actions.size())
        return;
    AutomationAction &a = m_actions[row];
    a.type = Type(m_type->currentData().toInt());
    a.source = Source(m_source->currentData().toInt());
    a.targetId = m_targetId->text();
    a.parameters = m_parameters->toPlainText().toUtf8();
    a.jobVariables = m_jobVariables->toPlainText().toUtf8();
    a.blockDocumentId = m_blockDocument->text();
    a.subject = m_subject->text();
    a.body = m_body->toPlainText();
    m_actionList->item(row)->setText(actionTitle(row));
    updateActionFields();
    onEdited();
}

void CreateAutomationDialog::updateActionFields()
{
    AutomationAction a;
    a.type = Type(m_type->currentData().toInt());
    const bool selected = Source(m_source->currentData().toInt()) == Source::Selected;
    m_actionForm->setRowVisible(m_source, a.hasSource());
    m_actionForm->setRowVisible(m_targetId, a.hasSource());
    m_targetId->setEnabled(selected);
    if (auto *label = qobject_cast<QLabel *>(m_actionForm->labelForField(m_targetId)))
        label->setText(a.type == Type::RunDeployment ? tr("Deployment id:") : tr("Automation id:"));
    for (QWidget *w : {static_cast<QWidget *>(m_parameters), static_cast<QWidget *>(m_jobVariables)})
        m_actionForm->setRowVisible(w, a.type == Type::RunDeployment);
    for (QWidget *w : {static_cast<QWidget *>(m_blockDocument), static_cast<QWidget *>(m_subject),
                       static_cast<QWidget *>(m_body)})
        m_actionForm->setRowVisible(w, a.type == Type::SendNotification);
}

QString CreateAutomationDialog::actionTitle(int row) const
{
    const AutomationAction &a = m_actions[row];
    QString title = u"%1. "_s.arg(row + 1) + typeTitle(a.type);
    if (a.hasSource() && a.source == Source::Inferred)
        title += tr(" (inferred)");
    return title;
}

void CreateAutomationDialog::onEdited()
{
    m_serverError.clear(); // it was about the body as it was
    updatePreview();
}

void CreateAutomationDialog::updatePreview()
{
    const QByteArray json = body();
    m_preview->setPlainText(QString::fromUtf8(prettyJson(json)));
    const QString problem = validationError();
    m_error->setText(!m_serverError.isEmpty() ? m_serverError : problem);
    m_create->setEnabled(problem.isEmpty() && !isBusy());
}

void CreateAutomationDialog::setBusy(bool busy)
{
    for (QWidget *w : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_description),
                       static_cast<QWidget *>(m_enabled), m_actionsBox})
        w->setEnabled(!busy);
    m_create->setText(busy ? tr("Creating…") : tr("Create"));
    if (busy)
        m_create->setEnabled(false);
    else
        updatePreview();
}

void CreateAutomationDialog::create()
{
    if (isBusy() || !validationError().isEmpty())
        return;
    m_serverError.clear();
    m_reply = m_client->create(body());
    connect(m_reply, &AutomationReply::finished, this, [this](const AutomationResult &r) {
        m_reply = nullptr;
        if (r.ok() && !r.automations.isEmpty()) {
            setBusy(false);
            emit created(r.automations.first());
            accept();
            return;
        }
        m_serverError =
            r.ok() ? tr("The server created the automation but sent nothing back.") : r.error;
        setBusy(false);
    });
    setBusy(true);
}

} // namespace ed::ui
