#include "ui/eventnametree.h"

#include "ui/eventnamemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace ed::ui {

/// Counts on its own connection in the tree's worker thread.
class EventNameCounter final : public QObject
{
    Q_OBJECT

public:
    void count(quint64 generation, const QString &path, const QString &scope, const ed::EventFilter &filter,
               const std::shared_ptr<std::atomic<quint64>> &latest)
    {
        if (latest->load() != generation)
            return; // a newer request is queued behind this one
        if (!m_store || m_store->path() != path) {
            m_store = std::make_unique<EventStore>();
            QString error;
            if (!m_store->open(path, &error)) {
                m_store.reset();
                emit countsReady(generation, {}, error);
                return;
            }
        }
        m_store->setScope(scope);
        const auto counts = m_store->countBy(Countable::Event, filter);
        if (latest->load() != generation)
            return;
        emit countsReady(generation, counts.value_or(QList<CountBucket>{}),
                         counts ? QString() : m_store->lastError());
    }

signals:
    void countsReady(quint64 generation, const QList<ed::CountBucket> &counts, const QString &error);

private:
    std::unique_ptr<EventStore> m_store;
};

namespace {

using Mark = EventNameModel::Mark;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                            a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

QPixmap markPixmap(Mark mark, bool dark, int size, const QColor &neutral)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const double s = size;
    switch (mark) {
    case Mark::Included: {
        QPen pen(dark ? QColor(0x5c, 0xd0, 0x7a) : QColor(0x1f, 0x9d, 0x4a), s * 0.15);
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        p.setPen(pen);
        QPainterPath path;
        path.moveTo(s * 0.2, s * 0.53);
        path.lineTo(s * 0.42, s * 0.75);
        path.lineTo(s * 0.82, s * 0.27);
        p.drawPath(path);
        break;
    }
    case Mark::Excluded: {
        QPen pen(dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd0, 0x31, 0x31), s * 0.12);
        pen.setCapStyle(Qt::RoundCap);
        p.setPen(pen);
        const QRectF circle(s * 0.16, s * 0.16, s * 0.68, s * 0.68);
        p.drawEllipse(circle);
        p.drawLine(QPointF(s * 0.27, s * 0.73), QPointF(s * 0.73, s * 0.27));
        break;
    }
    case Mark::Mixed: {
        // Half a disc: some names below are hidden (a box would read as a fold control).
        p.setPen(QPen(neutral, s * 0.09));
        const QRectF disc(s * 0.2, s * 0.2, s * 0.6, s * 0.6);
        p.drawEllipse(disc);
        QPainterPath half;
        half.moveTo(disc.center());
        half.arcTo(disc, 90, 180);
        half.closeSubpath();
        p.fillPath(half, neutral);
        break;
    }
    case Mark::None:
    case Mark::FilteredOut: break; // an empty icon keeps every name in a column at the same place
    }
    return pixmap;
}

QIcon markIcon(Mark mark, const QPalette &palette)
{
    const bool dark = isDark(palette);
    const QColor neutral = blend(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.4);
    static QHash<QString, QIcon> cache;
    const QString key = QString::number(int(mark)) + u':' + neutral.name();
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    QIcon icon;
    for (const int size : {16, 32})
        icon.addPixmap(markPixmap(mark, dark, size, neutral));
    cache.insert(key, icon);
    return icon;
}

/// Marks, strike-out and dimming, and the share as a bar behind its percentage.
class EventNameDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto mark = index.data(EventNameModel::MarkRole).value<Mark>();
        if (index.column() == EventNameModel::NameColumn) {
            option->features |= QStyleOptionViewItem::HasDecoration;
            option->icon = markIcon(mark, option->palette);
            if (mark == Mark::Excluded)
                option->font.setStrikeOut(true);
        } else if (index.column() == EventNameModel::CountColumn) {
            // Item views drop digit grouping; counts up to millions read better with it.
            QLocale locale = option->locale;
            locale.setNumberOptions(QLocale::DefaultNumberOptions);
            option->text = locale.toString(index.data(EventNameModel::CountRole).toLongLong());
        }
        if (mark == Mark::Excluded || mark == Mark::FilteredOut) {
            const QColor dim = blend(option->palette.color(QPalette::Text),
                                     option->palette.color(QPalette::Base), 0.5);
            option->palette.setColor(QPalette::Text, dim);
        }
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        if (index.column() != EventNameModel::ShareColumn) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

        const bool selected = opt.state & QStyle::State_Selected;
        const auto mark = index.data(EventNameModel::MarkRole).value<Mark>();
        const bool hidden = mark == Mark::Excluded || mark == Mark::FilteredOut;
        const QRect area = opt.rect.adjusted(4, 3, -4, -3);
        const double share = std::clamp(index.data(EventNameModel::ShareRole).toDouble(), 0.0, 1.0);
        QColor fill = selected ? opt.palette.color(QPalette::HighlightedText)
                      : hidden ? opt.palette.color(QPalette::Text)
                               : opt.palette.color(QPalette::Highlight);
        const bool dark = isDark(opt.palette);
        fill.setAlphaF(selected ? 0.3f : hidden ? 0.18f : dark ? 0.55f : 0.35f);
        painter->save();
        if (share > 0) {
            // At least a sliver, so that a rare name still shows it has events.
            const int width = std::max(2, int(std::lround(area.width() * share)));
            painter->fillRect(QRect(area.left(), area.top(), width, area.height()), fill);
        }
        painter->setFont(opt.font);
        painter->setPen(opt.palette.color(opt.palette.currentColorGroup(),
                                          selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(area.adjusted(0, 0, -2, 0), Qt::AlignRight | Qt::AlignVCenter, text);
        painter->restore();
    }
};

} // namespace

EventNameTree::EventNameTree(QWidget *parent)
    : QWidget(parent)
{
    qRegisterMetaType<QList<ed::CountBucket>>();

    m_model = new EventNameModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(EventNameModel::EventNameRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setRecursiveFilteringEnabled(true); // a prefix stays while a name below matches

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("eventNameSearch"));
    m_search->setPlaceholderText(tr("Search event names"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("eventNameView"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new EventNameDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setExpandsOnDoubleClick(false); // double-click filters
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->installEventFilter(this);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(EventNameModel::NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(EventNameModel::CountColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(EventNameModel::ShareColumn, QHeaderView::Fixed);
    header->resizeSection(EventNameModel::ShareColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("100.0 %")) + 24);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("eventNameStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setContentsMargins(4, 0, 4, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    // Requests made together (a new store and a new filter) cost one count.
    m_kick = new QTimer(this);
    m_kick->setSingleShot(true);
    m_kick->setInterval(0);
    connect(m_kick, &QTimer::timeout, this, &EventNameTree::startCount);

    connect(m_search, &QLineEdit::textChanged, this, &EventNameTree::onSearch);
    connect(m_view, &QTreeView::doubleClicked, this,
            [this](const QModelIndex &index) { requestTerm(index, false); });
    connect(m_view, &QTreeView::customContextMenuRequested, this, &EventNameTree::showContextMenu);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &EventNameTree::expandNew);

    m_counter = new EventNameCounter;
    m_counter->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_counter, &QObject::deleteLater);
    connect(m_counter, &EventNameCounter::countsReady, this, &EventNameTree::onCounts);
    m_thread.setObjectName(QStringLiteral("event names"));
    m_thread.start();
    updateStatus();
}

EventNameTree::~EventNameTree()
{
    m_latest->store(++m_generation);
    m_thread.quit();
    m_thread.wait();
}

void EventNameTree::setStore(EventStore *store)
{
    m_store = store;
    m_counted = false;
    scheduleCount();
}

void EventNameTree::setFilter(const EventFilter &filterWithoutEventNames)
{
    m_filter = filterWithoutEventNames;
    m_filter.event.reset();
    scheduleCount();
}

void EventNameTree::refresh()
{
    scheduleCount();
}

void EventNameTree::setActiveTerms(const QList<FilterTerm> &eventTerms)
{
    m_model->setActiveTerms(eventTerms);
}

void EventNameTree::scheduleCount()
{
    m_pending = true;
    m_kick->start();
}

void EventNameTree::startCount()
{
    m_pending = false;
    const quint64 generation = ++m_generation;
    m_latest->store(generation); // a count still waiting for the worker is skipped
    if (!m_store || !m_store->isOpen()) {
        m_counting = false;
        m_counted = false;
        m_error.clear();
        m_model->setCounts({});
        updateStatus();
        return;
    }
    const QString path = m_store->path();
    if (path.isEmpty() || path.startsWith(u":memory:") || path.contains(u"mode=memory")) {
        // No file another connection could open: count here, on the caller's connection.
        const auto counts = m_store->countBy(Countable::Event, m_filter);
        onCounts(generation, counts.value_or(QList<CountBucket>{}),
                 counts ? QString() : m_store->lastError());
        return;
    }
    m_counting = true;
    updateStatus();
    QMetaObject::invokeMethod(
        m_counter,
        [counter = m_counter, generation, path, scope = m_scope, filter = m_filter, latest = m_latest] {
            counter->count(generation, path, scope, filter, latest);
        },
        Qt::QueuedConnection);
}

void EventNameTree::onCounts(quint64 generation, const QList<CountBucket> &counts,
                             const QString &error)
{
    if (generation != m_generation)
        return;
    m_counting = false;
    if (!error.isEmpty()) {
        m_error = error;
        updateStatus();
        emit failed(error);
        return;
    }
    m_error.clear();
    m_model->setCounts(counts);
    m_counted = true;
    updateStatus();
    emit counted(m_model->total());
}

void EventNameTree::onSearch(const QString &text)
{
    const bool wasSearching = !m_proxy->filterRegularExpression().pattern().isEmpty();
    if (!wasSearching && !text.isEmpty())
        m_expandedBeforeSearch = expandedKeys();
    m_proxy->setFilterFixedString(text);
    if (!text.isEmpty()) {
        m_view->expandAll();
    } else if (wasSearching) {
        m_view->collapseAll();
        restoreExpanded(m_expandedBeforeSearch);
        if (m_view->currentIndex().isValid())
            m_view->scrollTo(m_view->currentIndex());
    }
    updateStatus();
}

void EventNameTree::expandNew(const QModelIndex &parent, int first, int last)
{
    // A name found while searching is shown at once; otherwise new top-level prefixes open
    // one level (`prefect` shows `flow-run`, `task-run`, …) and the rest stays as it was.
    const bool searching = !m_search->text().isEmpty();
    if (!searching && parent.isValid())
        return;
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = m_proxy->index(row, 0, parent);
        if (searching)
            m_view->expandRecursively(index);
        else
            m_view->expand(index);
    }
}

QSet<QString> EventNameTree::expandedKeys() const
{
    QSet<QString> keys;
    QList<QModelIndex> pending = {QModelIndex()};
    while (!pending.isEmpty()) {
        const QModelIndex parent = pending.takeLast();
        for (int row = 0; row < m_proxy->rowCount(parent); ++row) {
            const QModelIndex index = m_proxy->index(row, 0, parent);
            if (m_view->isExpanded(index)) {
                keys.insert(index.data(EventNameModel::EventNameRole).toString());
                pending += index;
            }
        }
    }
    return keys;
}

void EventNameTree::restoreExpanded(const QSet<QString> &keys)
{
    QList<QModelIndex> pending = {QModelIndex()};
    while (!pending.isEmpty()) {
        const QModelIndex parent = pending.takeLast();
        for (int row = 0; row < m_proxy->rowCount(parent); ++row) {
            const QModelIndex index = m_proxy->index(row, 0, parent);
            if (index.data(EventNameModel::IsPrefixRole).toBool()
                && keys.contains(index.data(EventNameModel::EventNameRole).toString())) {
                m_view->expand(index);
                pending += index;
            }
        }
    }
}

void EventNameTree::requestTerm(const QModelIndex &index, bool exclude)
{
    if (!index.isValid())
        return;
    const QString term =
        index.data(exclude ? EventNameModel::ExcludeTermRole : EventNameModel::TermRole).toString();
    if (!term.isEmpty())
        emit termRequested(term);
}

void EventNameTree::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos).siblingAtColumn(EventNameModel::NameColumn);
    if (!index.isValid())
        return;
    const QString key = index.data(EventNameModel::EventNameRole).toString();
    const bool prefix = index.data(EventNameModel::IsPrefixRole).toBool();
    const auto mark = index.data(EventNameModel::MarkRole).value<Mark>();
    const QPersistentModelIndex persistent(index);

    QMenu menu(this);
    menu.setToolTipsVisible(true);
    QAction *only = menu.addAction(tr("Show only this"), this,
                                   [this, persistent] { requestTerm(persistent, false); });
    only->setToolTip(index.data(EventNameModel::TermRole).toString());
    QAction *hide = menu.addAction(tr("Hide this"), this,
                                   [this, persistent] { requestTerm(persistent, true); });
    hide->setToolTip(index.data(EventNameModel::ExcludeTermRole).toString());
    hide->setEnabled(mark != Mark::Excluded);
    menu.addSeparator();
    menu.addAction(prefix ? tr("Copy prefix") : tr("Copy name"), this, [key, prefix] {
        QApplication::clipboard()->setText(prefix ? key + u'*' : key);
    });
    if (prefix) {
        menu.addAction(tr("Expand all below"), this, [this, persistent] {
            if (persistent.isValid())
                m_view->expandRecursively(persistent);
        });
    }
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

bool EventNameTree::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (watched == m_view && (key == Qt::Key_Return || key == Qt::Key_Enter)) {
            requestTerm(m_view->currentIndex().siblingAtColumn(EventNameModel::NameColumn), false);
            return true;
        }
        if (watched == m_search && key == Qt::Key_Down && m_proxy->rowCount() > 0) {
            m_view->setFocus();
            if (!m_view->currentIndex().isValid())
                m_view->setCurrentIndex(m_proxy->index(0, 0));
            return true;
        }
        if (watched == m_search && key == Qt::Key_Escape && !m_search->text().isEmpty()) {
            m_search->clear();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void EventNameTree::updateStatus()
{
    QString text;
    if (!m_store) {
        text = tr("No cache");
    } else if (!m_error.isEmpty()) {
        text = tr("Could not count: %1").arg(m_error);
    } else if (!m_counted) {
        text = tr("Counting…");
    } else {
        const QString events = tr("%L1 events").arg(m_model->total());
        if (m_search->text().isEmpty()) {
            text = tr("%L1 names · %2").arg(m_model->nameCount()).arg(events);
        } else {
            int shown = 0;
            QList<QModelIndex> pending = {QModelIndex()};
            while (!pending.isEmpty()) {
                const QModelIndex parent = pending.takeLast();
                for (int row = 0; row < m_proxy->rowCount(parent); ++row) {
                    const QModelIndex index = m_proxy->index(row, 0, parent);
                    if (index.data(EventNameModel::IsPrefixRole).toBool())
                        pending += index;
                    else
                        ++shown;
                }
            }
            text =
                tr("%L1 of %L2 names match · %3").arg(shown).arg(m_model->nameCount()).arg(events);
        }
        if (m_counting)
            text += tr(" · counting…");
    }
    m_status->setText(text);
}

} // namespace ed::ui

#include "eventnametree.moc"
