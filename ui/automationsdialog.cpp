#include "ui/automationsdialog.h"

#include "core/timeutil.h"
#include "ui/eventformat.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

constexpr int kIdRole = Qt::UserRole;

QTableWidgetItem *readOnlyItem(const QString &text, const QString &toolTip = {})
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return item;
}

} // namespace

AutomationsDialog::AutomationsDialog(AutomationClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
{
    setWindowTitle(tr("Automations on the server"));

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels(
        {tr("Enabled"), tr("Name"), tr("Trigger"), tr("Actions"), tr("Created")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(EnabledColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(TriggerColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ActionsColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(CreatedColumn, QHeaderView::ResizeToContents);
    const int charWidth = fontMetrics().averageCharWidth();
    m_table->setColumnWidth(NameColumn, charWidth * 28);
    m_table->setColumnWidth(ActionsColumn, charWidth * 22);
    m_table->setMinimumWidth(charWidth * 110);

    m_refresh = new QPushButton(tr("Refresh"), this);
    m_toggle = new QPushButton(tr("Disable"), this);
    m_delete = new QPushButton(tr("Delete…"), this);
    m_status = new QLabel(this);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);

    m_table->setObjectName(u"automationsTable"_s);
    m_refresh->setObjectName(u"refreshButton"_s);
    m_toggle->setObjectName(u"toggleButton"_s);
    m_delete->setObjectName(u"deleteButton"_s);
    m_status->setObjectName(u"statusLabel"_s);
    m_error->setObjectName(u"errorLabel"_s);
    close->setObjectName(u"closeButtons"_s);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_refresh);
    buttons->addWidget(m_toggle);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    buttons->addWidget(m_status);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addWidget(close);

    connect(m_refresh, &QPushButton::clicked, this, &AutomationsDialog::refresh);
    connect(m_toggle, &QPushButton::clicked, this, &AutomationsDialog::toggleSelected);
    connect(m_delete, &QPushButton::clicked, this, &AutomationsDialog::deleteSelected);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemChanged, this, &AutomationsDialog::onItemChanged);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &AutomationsDialog::updateButtons);
    updateButtons();
}

AutomationsDialog::~AutomationsDialog() = default;

void AutomationsDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (!m_loadedOnce)
        refresh();
}

QString AutomationsDialog::errorText() const
{
    return m_error->text();
}

void AutomationsDialog::refresh()
{
    m_loadedOnce = true;
    AutomationReply *reply = m_client->list();
    connect(reply, &AutomationReply::finished, this, [this](const AutomationResult &r) {
        if (r.ok()) {
            m_automations = r.automations;
            showError({});
            fill();
        } else {
            showError(r.error);
        }
        emit refreshed();
    });
    track(reply);
}

void AutomationsDialog::track(AutomationReply *reply)
{
    // Connected after the caller's handler, so that a refresh it starts keeps us busy.
    if (m_busy++ == 0)
        emit busyChanged(true);
    updateButtons();
    connect(reply, &AutomationReply::finished, this, [this] {
        if (--m_busy == 0)
            emit busyChanged(false);
        updateButtons();
    });
}

void AutomationsDialog::fill()
{
    const QString keep = selectedId();
    m_filling = true;
    m_table->setRowCount(0);
    m_table->setRowCount(int(m_automations.size()));
    for (int row = 0; row < m_automations.size(); ++row) {
        const AutomationInfo &a = m_automations[row];
        auto *enabled = new QTableWidgetItem;
        enabled->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        enabled->setCheckState(a.enabled ? Qt::Checked : Qt::Unchecked);
        enabled->setToolTip(a.enabled ? tr("Enabled: the server evaluates it") : tr("Disabled"));
        enabled->setData(kIdRole, a.id);
        m_table->setItem(row, EnabledColumn, enabled);
        QString nameTip = a.name;
        if (!a.description.isEmpty())
            nameTip += u"\n\n"_s + a.description;
        m_table->setItem(row, NameColumn, readOnlyItem(a.name, nameTip));
        m_table->setItem(row, TriggerColumn,
                         readOnlyItem(a.triggerSummary(),
                                      a.triggerSummary() + u"\n\n"_s
                                          + QString::fromUtf8(prettyJson(a.triggerJson))));
        m_table->setItem(row, ActionsColumn,
                         readOnlyItem(a.actionTypes().join(u", "),
                                      QString::fromUtf8(prettyJson(a.actionsJson))));
        qint64 created = 0;
        m_table->setItem(row, CreatedColumn,
                         readOnlyItem(timeutil::parse(a.created, created)
                                          ? formatLocalTimeShort(created)
                                          : a.created,
                                      a.created));
    }
    m_filling = false;
    if (!keep.isEmpty())
        selectAutomation(keep);
    updateButtons();
}

bool AutomationsDialog::selectAutomation(const QString &id)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, EnabledColumn)->data(kIdRole).toString() == id) {
            m_table->selectRow(row);
            return true;
        }
    }
    return false;
}

const AutomationInfo *AutomationsDialog::selected() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    if (items.isEmpty())
        return nullptr;
    const int row = items.first()->row();
    return row >= 0 && row < m_automations.size() ? &m_automations[row] : nullptr;
}

QString AutomationsDialog::selectedId() const
{
    const AutomationInfo *a = selected();
    return a ? a->id : QString();
}

void AutomationsDialog::onItemChanged(QTableWidgetItem *item)
{
    if (m_filling || item->column() != EnabledColumn)
        return;
    const int row = item->row();
    if (row < 0 || row >= m_automations.size())
        return;
    const bool wanted = item->checkState() == Qt::Checked;
    if (isBusy() || wanted == m_automations[row].enabled) {
        // One change at a time: the box shows the server's state until the answer comes.
        m_filling = true;
        item->setCheckState(m_automations[row].enabled ? Qt::Checked : Qt::Unchecked);
        m_filling = false;
        return;
    }
    setEnabledOnServer(m_automations[row].id, wanted);
}

void AutomationsDialog::toggleSelected()
{
    if (const AutomationInfo *a = selected(); a && !isBusy())
        setEnabledOnServer(a->id, !a->enabled);
}

void AutomationsDialog::setEnabledOnServer(const QString &id, bool enabled)
{
    AutomationReply *reply = m_client->setEnabled(id, enabled);
    connect(reply, &AutomationReply::finished, this, [this](const AutomationResult &r) {
        if (r.ok()) {
            refresh();
        } else {
            showError(r.error);
            fill(); // the boxes go back to what the server last said
        }
    });
    track(reply);
}

void AutomationsDialog::deleteSelected()
{
    const AutomationInfo *a = selected();
    if (!a || isBusy())
        return;
    const QString id = a->id;
    if (m_confirmDeletes
        && QMessageBox::question(
               this, tr("Delete automation"),
               tr("Delete the automation “%1” from the server? This cannot be undone.").arg(a->name),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               != QMessageBox::Yes)
        return;
    AutomationReply *reply = m_client->remove(id);
    connect(reply, &AutomationReply::finished, this, [this](const AutomationResult &r) {
        if (r.ok())
            refresh();
        else
            showError(r.error);
    });
    track(reply);
}

void AutomationsDialog::showError(const QString &error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

void AutomationsDialog::updateButtons()
{
    const AutomationInfo *a = selected();
    const bool idle = !isBusy();
    m_refresh->setEnabled(idle);
    m_toggle->setEnabled(idle && a);
    m_toggle->setText(a && !a->enabled ? tr("Enable") : tr("Disable"));
    m_delete->setEnabled(idle && a);
    m_status->setText(idle ? tr("%n automation(s)", nullptr, int(m_automations.size()))
                           : tr("Working…"));
}

} // namespace ed::ui
