#include "ui/eventpane.h"

#include "core/timeutil.h"
#include "ui/eventformat.h"
#include "ui/eventnames.h"
#include "ui/eventtree.h"
#include "ui/linkdelegate.h"

#include <QAction>
#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

constexpr int kClockIntervalMs = 30 * 1000;
// Expanding everything is pleasant for the usual small payloads and slow for huge ones.
constexpr int kExpandAllRows = 300;

int countRows(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    int n = model->rowCount(parent);
    for (int row = 0, rows = n; row < rows; ++row)
        n += countRows(model, model->index(row, 0, parent));
    return n;
}

QString actionName(TermAction::Type type)
{
    switch (type) {
    case TermAction::Type::FilterOn: return QStringLiteral("filterOn");
    case TermAction::Type::Exclude: return QStringLiteral("exclude");
    case TermAction::Type::AnyResource: return QStringLiteral("filterAnyResource");
    case TermAction::Type::AnyLabel: return QStringLiteral("filterAnyLabel");
    case TermAction::Type::RelatedRole: return QStringLiteral("filterRelatedRole");
    }
    return {};
}

} // namespace

EventPane::EventPane(QWidget *parent)
    : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);

    auto *placeholder = new QLabel(tr("Select an event to see its details."), m_stack);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setEnabled(false);
    m_stack->addWidget(placeholder);

    auto *content = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("eventTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(content);
    m_subtitle->setObjectName(QStringLiteral("eventSubtitle"));
    for (QLabel *label : {m_title, m_subtitle}) {
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        // Long names wrap instead of widening the pane.
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        layout->addWidget(label);
    }

    m_tabs = new QTabWidget(content);
    layout->addWidget(m_tabs, 1);

    m_detailsModel = new QStandardItemModel(this);
    m_details = makeTree(QStringLiteral("eventDetails"), m_detailsModel);
    m_tabs->addTab(m_details, tr("Details"));

    m_payloadModel = new QStandardItemModel(this);
    m_payload = makeTree(QStringLiteral("eventPayload"), m_payloadModel);
    m_tabs->addTab(m_payload, tr("Payload"));

    auto *rawPage = new QWidget(m_tabs);
    auto *rawLayout = new QVBoxLayout(rawPage);
    rawLayout->setContentsMargins(0, 0, 0, 0);
    m_raw = new QPlainTextEdit(rawPage);
    m_raw->setObjectName(QStringLiteral("eventRawJson"));
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    rawLayout->addWidget(m_raw);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 4, 4);
    buttons->addStretch();
    auto *copy = new QPushButton(tr("&Copy"), rawPage);
    copy->setObjectName(QStringLiteral("copyRawJson"));
    copy->setToolTip(tr("Copy the event's JSON to the clipboard"));
    connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_raw->toPlainText()); });
    buttons->addWidget(copy);
    rawLayout->addLayout(buttons);
    m_tabs->addTab(rawPage, tr("Raw JSON"));

    m_stack->addWidget(content);

    m_clock = new QTimer(this);
    m_clock->setInterval(kClockIntervalMs);
    connect(m_clock, &QTimer::timeout, this, &EventPane::refreshRelativeTimes);
}

EventPane::~EventPane() = default;

QTreeView *EventPane::makeTree(const QString &name, QStandardItemModel *model)
{
    auto *view = new QTreeView(this);
    view->setObjectName(name);
    view->setModel(model);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    view->setTextElideMode(Qt::ElideRight);
    connect(view, &QWidget::customContextMenuRequested, this,
            [this, view](const QPoint &pos) { showContextMenu(view, pos); });
    auto *links = new LinkDelegate(view);
    connect(links, &LinkDelegate::linkActivated, this, &EventPane::followLink);

    auto *copy = new QAction(tr("Copy"), view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [this, view] { copyIndex(view->currentIndex()); });
    view->addAction(copy);
    return view;
}

void EventPane::setStore(EventStore *store)
{
    m_store = store;
}

void EventPane::setEvent(const StoredEvent &event)
{
    m_event = event;
    m_hasEvent = true;
    const Event &e = m_event.event;

    EventDetails details;
    if (m_store) {
        if (!e.follows.isEmpty())
            details.leader = m_store->findById(e.follows);
        if (auto followers = m_store->followers(e.id, followersShown + 1)) {
            details.followersKnown = true;
            details.followersTruncated = followers->size() > followersShown;
            details.followers = followers->mid(0, followersShown);
        }
    }
    fillEventDetails(m_detailsModel, m_event, details, timeutil::nowMicros());
    expandDetails();

    fillPayloadTree(m_payloadModel, e.payload);
    if (countRows(m_payloadModel) <= kExpandAllRows)
        m_payload->expandAll();
    else
        m_payload->expandToDepth(0);
    m_payload->header()->setStretchLastSection(false);
    m_payload->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_payload->resizeColumnToContents(0);
    m_payload->resizeColumnToContents(2);

    m_raw->setPlainText(QString::fromUtf8(prettyJson(m_event.json)));

    updateHeader();
    m_stack->setCurrentIndex(1);
    m_clock->start();
}

void EventPane::clear()
{
    m_event = {};
    m_hasEvent = false;
    m_detailsModel->clear();
    m_payloadModel->clear();
    m_raw->clear();
    m_title->clear();
    m_subtitle->clear();
    m_clock->stop();
    m_stack->setCurrentIndex(0);
}

void EventPane::expandDetails()
{
    // Resource, Related and Followed by open; each related resource stays one line until asked.
    for (int row = 0; row < m_detailsModel->rowCount(); ++row) {
        const QModelIndex index = m_detailsModel->index(row, 0);
        if (m_detailsModel->hasChildren(index))
            m_details->expand(index);
    }
    m_details->resizeColumnToContents(0);
    // A deep label key must not push the values out of sight.
    m_details->setColumnWidth(0, qMin(m_details->columnWidth(0), qMax(160, width() * 2 / 5)));
}

void EventPane::updateHeader()
{
    const Event &e = m_event.event;
    m_title->setText(humanizeEventName(e.event));
    const QString name = e.resource.name();
    const QString who = name.isEmpty() ? e.resource.id() : name;
    m_subtitle->setText(who + QStringLiteral(" · ")
                        + formatRelativeTime(e.occurred, timeutil::nowMicros()));
    m_subtitle->setToolTip(e.resource.id());
}

void EventPane::refreshRelativeTimes()
{
    if (!m_hasEvent)
        return;
    const qint64 now = timeutil::nowMicros();
    for (int row = 0; row < m_detailsModel->rowCount(); ++row) {
        QStandardItem *item = m_detailsModel->item(row, 1);
        if (item && item->data(TimeRole).isValid())
            item->setText(occurredText(item->data(TimeRole).toLongLong(), now));
    }
    updateHeader();
}

QMenu *EventPane::createContextMenu(const QModelIndex &index, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    if (!index.isValid())
        return menu;
    for (const TermAction &t : termActions(index)) {
        QAction *action = menu->addAction(t.text);
        action->setObjectName(actionName(t.type));
        action->setEnabled(!t.term.isEmpty());
        action->setToolTip(t.term);
        action->setStatusTip(t.term);
        const QString term = t.term;
        connect(action, &QAction::triggered, this, [this, term] { emit filterTermRequested(term); });
    }
    if (!menu->isEmpty())
        menu->addSeparator();
    QAction *copy = menu->addAction(tr("Copy"));
    copy->setObjectName(QStringLiteral("copy"));
    const QPersistentModelIndex persistent(index);
    connect(copy, &QAction::triggered, this, [this, persistent] { copyIndex(persistent); });
    if (LinkDelegate::isLink(index)) {
        const bool toEvent = LinkKind(index.data(LinkKindRole).toInt()) == LinkKind::Event;
        QAction *open = menu->addAction(toEvent ? tr("Show this event") : tr("Show this resource"));
        open->setObjectName(QStringLiteral("followLink"));
        connect(open, &QAction::triggered, this, [this, persistent] { followLink(persistent); });
    }
    return menu;
}

void EventPane::showContextMenu(QTreeView *view, const QPoint &pos)
{
    const QModelIndex index = view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu *menu = createContextMenu(index, this);
    menu->setToolTipsVisible(true);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(view->viewport()->mapToGlobal(pos));
}

void EventPane::followLink(const QModelIndex &index)
{
    const QString target = index.data(LinkTargetRole).toString();
    switch (LinkKind(index.data(LinkKindRole).toInt())) {
    case LinkKind::None: break;
    case LinkKind::Event: emit eventRequested(target); break;
    case LinkKind::Resource: emit resourceRequested(target); break;
    }
}

void EventPane::copyIndex(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    // The cell's full value: the link target, the label or payload value, else its text.
    QVariant value = index.data(LinkTargetRole);
    if (!value.isValid() && index.column() > 0)
        value = index.data(ValueRole);
    if (!value.isValid())
        value = index.data(Qt::DisplayRole);
    QGuiApplication::clipboard()->setText(value.toString());
}

} // namespace ed::ui
