#include "ui/mainwindow.h"

#include "core/cachewriter.h"
#include "core/demosource.h"
#include "core/eventstore.h"
#include "core/importer.h"
#include "core/prefectsettings.h"
#include "core/secretstore.h"
#include "core/timeutil.h"
#include "core/websocketsource.h"
#include "ui/connectiondialog.h"
#include "ui/connectionprofile.h"
#include "ui/eventpane.h"
#include "ui/exportdialog.h"
#include "ui/feedmodel.h"
#include "ui/filtercompleter.h"
#include "ui/eventnametree.h"
#include "ui/histogramwidget.h"
#include "ui/palette.h"
#include "ui/resourcepane.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProcessEnvironment>
#include <QStyledItemDelegate>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

constexpr QStringView geometryKey = u"mainWindow/geometry";
constexpr QStringView stateKey = u"mainWindow/state";
constexpr QStringView splitterKey = u"mainWindow/splitter";
constexpr QStringView headerKey = u"mainWindow/feedHeader";
constexpr QStringView expressionKey = u"filter/expression";
constexpr QStringView rangeKey = u"filter/range";
constexpr QStringView savedKey = u"filter/saved";
constexpr QStringView utcKey = u"view/utc";
constexpr QStringView darkKey = u"view/dark";
constexpr QStringView lastConnectionKey = u"connection/last";

const QString kDefaultExpression = QStringLiteral("-event:prefect.log.write");

struct RangePreset
{
    const char *label;
    const char *since; // relative, or empty for all
};
constexpr RangePreset kPresets[] = {
    {QT_TRANSLATE_NOOP("MainWindow", "Last 15 minutes"), "-15m"},
    {QT_TRANSLATE_NOOP("MainWindow", "Last hour"), "-1h"},
    {QT_TRANSLATE_NOOP("MainWindow", "Last 24 hours"), "-24h"},
    {QT_TRANSLATE_NOOP("MainWindow", "Last 7 days"), "-7d"},
    {QT_TRANSLATE_NOOP("MainWindow", "All time"), ""},
    {QT_TRANSLATE_NOOP("MainWindow", "Custom…"), nullptr},
};
constexpr int kCustomPreset = 5;
constexpr int kAllPreset = 4;

QString humanBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// The event column: the humanised name, then the raw one, muted ("Flow run Completed
// prefect.flow-run.Completed"), so both read at a glance and the raw one can be searched by eye.
class EventNameDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString human = opt.text;
        const QString raw = index.data(FeedModel::RawEventRole).toString();
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const QRect r = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(2, 0, -2, 0);
        const bool selected = opt.state & QStyle::State_Selected;
        painter->save();
        const QColor main = selected ? opt.palette.color(QPalette::HighlightedText)
                                     : index.data(Qt::ForegroundRole).value<QColor>().isValid()
                                         ? index.data(Qt::ForegroundRole).value<QColor>()
                                         : opt.palette.color(QPalette::Text);
        painter->setPen(main);
        const QFontMetrics fm(opt.font);
        const QString shown = fm.elidedText(human, Qt::ElideRight, r.width());
        painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, shown);
        const int used = fm.horizontalAdvance(shown) + fm.horizontalAdvance(QStringLiteral("  "));
        if (used < r.width() && raw != human) {
            QColor muted = selected ? opt.palette.color(QPalette::HighlightedText) : opt.palette.color(QPalette::PlaceholderText);
            if (selected)
                muted.setAlphaF(0.75f);
            painter->setPen(muted);
            const QRect rest = r.adjusted(used, 0, 0, 0);
            painter->drawText(rest, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(raw, Qt::ElideRight, rest.width()));
        }
        painter->restore();
    }
};

} // namespace

MainWindow::MainWindow(const QString &cachePath, std::unique_ptr<EventStore> store,
                       const QString &openError, QWidget *parent)
    : QMainWindow(parent)
    , m_cachePath(cachePath)
    , m_store(std::move(store))
{
    setWindowTitle(tr("Eventdeck"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(4);

    m_errorLabel = new QLabel(central);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setFrameShape(QFrame::StyledPanel);
    m_errorLabel->setMargin(6);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_errorLabel->setPalette(errorPalette);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    buildFilterBar(central, layout);

    m_histogram = new HistogramWidget(central);
    m_histogram->setObjectName(QStringLiteral("histogram"));
    layout->addWidget(m_histogram);

    auto *splitter = new QSplitter(Qt::Horizontal, central);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_model = new FeedModel(cachePath, this);
    m_feed = new QTableView(splitter);
    m_feed->setObjectName(QStringLiteral("feed"));
    m_feed->setModel(m_model);
    m_feed->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_feed->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_feed->setShowGrid(false);
    m_feed->setAlternatingRowColors(true);
    m_feed->setWordWrap(false);
    m_feed->setTextElideMode(Qt::ElideRight);
    m_feed->verticalHeader()->hide();
    m_feed->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_feed->verticalHeader()->setDefaultSectionSize(m_feed->fontMetrics().height() + 6);
    m_feed->horizontalHeader()->setStretchLastSection(true);
    m_feed->horizontalHeader()->setSectionsMovable(true);
    m_feed->setColumnWidth(FeedModel::Occurred, m_feed->fontMetrics().horizontalAdvance(QStringLiteral("2026-12-31 23:59:59.999 CEST")) + 16);
    m_feed->setColumnWidth(FeedModel::EventName, 380);
    m_feed->setColumnWidth(FeedModel::Resource, 330);
    m_feed->setColumnWidth(FeedModel::Related, 330);
    m_feed->setContextMenuPolicy(Qt::CustomContextMenu);
    m_feed->setIconSize(QSize(16, 16));
    m_feed->setItemDelegateForColumn(FeedModel::EventName, new EventNameDelegate(m_feed));

    m_details = new QTabWidget(splitter);
    m_eventPane = new EventPane(m_details);
    m_eventPane->setStore(m_store.get());
    m_resourcePane = new ResourcePane(m_details);
    m_resourcePane->setStore(m_store.get());
    m_details->addTab(m_eventPane, tr("Event"));
    m_details->addTab(m_resourcePane, tr("Resource"));
    splitter->addWidget(m_feed);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    // Status bar: source state, live rate, cache counts; "N new events" when not following.
    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("sourceState"));
    m_rateLabel = new QLabel(this);
    m_cachedLabel = new QLabel(this);
    m_cachedLabel->setObjectName(QStringLiteral("cachedCount"));
    m_sizeLabel = new QLabel(this);
    m_newEventsButton = new QToolButton(this);
    m_newEventsButton->setObjectName(QStringLiteral("newEvents"));
    m_newEventsButton->setAutoRaise(true);
    m_newEventsButton->hide();
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_newEventsButton);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_cachedLabel);
    statusBar()->addPermanentWidget(m_sizeLabel);

    connect(m_newEventsButton, &QToolButton::clicked, this, &MainWindow::scrollToNewest);
    connect(m_model, &FeedModel::loaded, this, [this](qint64 rows) {
        m_matchCount->setText(tr("%L1 events match").arg(rows));
        m_matchCount->setToolTip(tr("The filter ran over the whole cache in %1 s").arg(m_filterClock.elapsed() / 1000.0, 0, 'f', 2));
        m_newRows = 0;
        m_newEventsButton->hide();
        if (m_following)
            m_feed->scrollToBottom();
        requestHistogram();
    });
    connect(m_model, &FeedModel::failed, this, &MainWindow::showError);
    connect(m_model, &FeedModel::rowsArrived, this, &MainWindow::onRowsArrived);
    connect(m_model, &FeedModel::histogramReady, m_histogram, &HistogramWidget::setBuckets);
    connect(m_feed->verticalScrollBar(), &QScrollBar::valueChanged, this, &MainWindow::onScrolled);
    connect(m_feed->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onSelectionChanged);
    connect(m_feed, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_feed->indexAt(pos);
        if (!index.isValid())
            return;
        QMenu menu(this);
        const QString term = index.data(FeedModel::FilterTermRole).toString();
        if (!term.isEmpty()) {
            menu.addAction(tr("Filter on this: %1").arg(term), this, [this, term] { addTerm(term); });
            QString exclude = term;
            if (exclude.startsWith(u"event:"))
                exclude.prepend(u'-');
            else if (exclude.startsWith(u"resource:"))
                exclude.clear(); // ids cannot be excluded by a filter Prefect knows
            if (!exclude.isEmpty())
                menu.addAction(tr("Exclude this: %1").arg(exclude), this, [this, exclude] { addTerm(exclude); });
        }
        const QString rid = index.data(FeedModel::ResourceIdRole).toString();
        menu.addAction(tr("Show resource %1").arg(rid), this, [this, rid] {
            m_resourcePane->showResource(rid);
            m_details->setCurrentWidget(m_resourcePane);
        });
        menu.addAction(tr("Automate this event…"), this, [this, index] {
            m_feed->setCurrentIndex(index);
            automateSelectedEvent();
        });
        menu.addSeparator();
        menu.addAction(tr("Copy"), this, [index] { QApplication::clipboard()->setText(index.data().toString()); });
        menu.exec(m_feed->viewport()->mapToGlobal(pos));
    });
    connect(m_histogram, &HistogramWidget::rangeSelected, this, [this](qint64 since, qint64 until) {
        QList<FilterTerm> kept;
        for (const FilterTerm &t : std::as_const(m_terms)) {
            if (t.key != u"since" && t.key != u"until")
                kept += t;
        }
        kept.prepend({QStringLiteral("until"), timeutil::formatString(until)});
        kept.prepend({QStringLiteral("since"), timeutil::formatString(since)});
        m_range->blockSignals(true);
        m_range->setCurrentIndex(kCustomPreset);
        m_range->blockSignals(false);
        applyExpression(formatFilterExpression(kept));
    });
    connect(m_histogram, &HistogramWidget::resetRequested, this, [this] { m_range->setCurrentIndex(kAllPreset); });
    connect(m_eventPane, &EventPane::filterTermRequested, this, &MainWindow::addTerm);
    connect(m_resourcePane, &ResourcePane::filterTermRequested, this, &MainWindow::addTerm);
    connect(m_eventPane, &EventPane::eventRequested, this, &MainWindow::showEventById);
    connect(m_resourcePane, &ResourcePane::eventRequested, this, &MainWindow::showEventById);
    auto showResource = [this](const QString &id) {
        m_resourcePane->showResource(id);
        m_details->setCurrentWidget(m_resourcePane);
    };
    connect(m_eventPane, &EventPane::resourceRequested, this, showResource);
    connect(m_resourcePane, &ResourcePane::resourceRequested, this, showResource);

    // The event-name tree, docked on the left: counts per name and prefix for the filter
    // without its event conditions; activating a node filters the feed.
    auto *namesDock = new QDockWidget(tr("Event names"), this);
    namesDock->setObjectName(QStringLiteral("eventNamesDock"));
    m_eventNames = new EventNameTree(namesDock);
    m_eventNames->setStore(m_store.get());
    namesDock->setWidget(m_eventNames);
    addDockWidget(Qt::LeftDockWidgetArea, namesDock);
    connect(m_eventNames, &EventNameTree::termRequested, this, &MainWindow::addTerm);
    // Completion of term keys, label keys and values, event names and roles from the cache.
    new FilterCompleter(m_expression, m_store.get(), this);

    createMenus();
    restoreWindowState();

    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(100);
    connect(m_liveTimer, &QTimer::timeout, this, [this] {
        if (m_storedSinceRefresh && !m_paused) {
            m_storedSinceRefresh = false;
            m_model->refreshNew();
        }
    });
    m_liveTimer->start();
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(1000);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::refresh);
    m_refreshTimer->start();
    m_rateClock.start();

    if (!m_store) {
        showError(tr("The cache could not be opened: %1").arg(openError.isEmpty() ? tr("unknown error") : openError));
        return;
    }
    m_writer = std::make_unique<CacheWriter>(cachePath);
    connect(m_writer.get(), &CacheWriter::stored, this, [this](qint64 stored, qint64) {
        if (stored > 0)
            m_storedSinceRefresh = true;
        if (m_cachedTotal)
            *m_cachedTotal += stored;
    });
    connect(m_writer.get(), &CacheWriter::failed, this, &MainWindow::showError);
    applyFilter();
    refresh();
}

MainWindow::~MainWindow()
{
    if (m_source)
        m_source->stop();
    m_source.reset();
    m_writer.reset(); // writes what is queued
}

void MainWindow::buildFilterBar(QWidget *parent, QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    row->setSpacing(6);
    m_range = new QComboBox(parent);
    m_range->setObjectName(QStringLiteral("timeRange"));
    for (const RangePreset &p : kPresets)
        m_range->addItem(tr(p.label));
    m_range->setCurrentIndex(2);
    m_range->setToolTip(tr("Time range"));
    row->addWidget(m_range);

    m_expression = new QLineEdit(parent);
    m_expression->setObjectName(QStringLiteral("filterExpression"));
    m_expression->setClearButtonEnabled(true);
    m_expression->setPlaceholderText(tr("Filter: event:prefect.flow-run.* label:prefect.resource.name=etl* "
                                        "related-role:deployment -event:prefect.log.write words…"));
    m_expression->setToolTip(tr("<p>Terms, all of which must hold:</p><table>"
                                "<tr><td><tt>event:NAME</tt>, <tt>event:PREFIX*</tt>, <tt>-event:…</tt></td><td>event name</td></tr>"
                                "<tr><td><tt>resource:ID</tt></td><td>primary resource id (glob)</td></tr>"
                                "<tr><td><tt>label:KEY=PATTERN</tt>, <tt>-label:…</tt></td><td>primary resource label (glob, ! negates)</td></tr>"
                                "<tr><td><tt>related-role:ROLE related-label:KEY=PATTERN</tt></td><td>one related resource</td></tr>"
                                "<tr><td><tt>any-label:KEY=PATTERN</tt>, <tt>any-resource:ID</tt></td><td>primary or related</td></tr>"
                                "<tr><td><tt>since:-1h until:2026-01-01T00:00:00</tt></td><td>time bounds</td></tr>"
                                "<tr><td><tt>id:UUID</tt>, words, <tt>\"a phrase\"</tt>, <tt>-word</tt></td><td>event id, text search</td></tr></table>"));
    row->addWidget(m_expression, 1);

    m_savedFilters = new QToolButton(parent);
    m_savedFilters->setText(tr("Saved"));
    m_savedFilters->setPopupMode(QToolButton::InstantPopup);
    m_savedFilters->setMenu(new QMenu(m_savedFilters));
    row->addWidget(m_savedFilters);

    m_matchCount = new QLabel(parent);
    m_matchCount->setObjectName(QStringLiteral("matchCount"));
    m_matchCount->setMinimumWidth(140);
    m_matchCount->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    row->addWidget(m_matchCount);
    layout->addLayout(row);

    auto *chipsRow = new QHBoxLayout;
    m_chipBox = new QWidget(parent);
    m_chipLayout = new QHBoxLayout(m_chipBox);
    m_chipLayout->setContentsMargins(0, 0, 0, 0);
    m_chipLayout->setSpacing(4);
    chipsRow->addWidget(m_chipBox);
    m_expressionStatus = new QLabel(parent);
    m_expressionStatus->setObjectName(QStringLiteral("filterStatus"));
    chipsRow->addWidget(m_expressionStatus, 1);
    layout->addLayout(chipsRow);

    connect(m_expression, &QLineEdit::returnPressed, this, [this] { applyExpression(m_expression->text()); });
    connect(m_expression, &QLineEdit::textEdited, this, [this](const QString &text) {
        // Colours itself valid or invalid as the user types; applies on Enter.
        ExpressionError error;
        QPalette p = m_expression->palette();
        const auto terms = parseFilterExpression(text, &error);
        QString why;
        if (terms && !filterFromTerms(*terms, timeutil::nowMicros(), &why))
            error.message = why;
        const bool ok = terms && why.isEmpty();
        p.setColor(QPalette::Base, ok ? QApplication::palette().color(QPalette::Base)
                                      : (QApplication::palette().color(QPalette::Base).lightness() < 128 ? QColor(0x5a, 0x1e, 0x22) : QColor(0xff, 0xe4, 0xe4)));
        m_expression->setPalette(p);
        m_expressionStatus->setText(ok ? tr("Press Enter to apply") : (terms ? error.message : tr("%1 (at %2)").arg(error.message).arg(error.position + 1)));
    });
    connect(m_range, &QComboBox::activated, this, &MainWindow::onRangePreset);
    rebuildSavedFiltersMenu();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Connect…"), QKeySequence(Qt::CTRL | Qt::Key_O), this, &MainWindow::openConnectionDialog);
    file->addAction(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportEvents);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Copy"), QKeySequence::Copy, this, [this] {
        QStringList lines;
        for (const qint64 seq : m_model->seqs(m_feed->selectionModel()->selectedRows())) {
            const int row = m_model->rowOfSeq(seq);
            if (const auto e = m_model->eventAt(row))
                lines += QString::fromUtf8(e->json);
        }
        QApplication::clipboard()->setText(lines.join(u'\n'));
    });
    edit->addAction(tr("Focus the &filter"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        m_expression->setFocus();
        m_expression->selectAll();
    });
    edit->addAction(tr("&Save filter…"), QKeySequence(Qt::CTRL | Qt::Key_S), this, &MainWindow::saveCurrentFilter);

    createAutomationMenu();
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_pauseAction = view->addAction(tr("&Pause live feed"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    view->addAction(tr("&Go to newest"), QKeySequence(Qt::CTRL | Qt::Key_End), this, &MainWindow::scrollToNewest);
    view->addAction(tr("C&lear view"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K), this, [this] {
        m_model->clearView();
        m_matchCount->setText(tr("view cleared"));
    });
    if (auto *dock = findChild<QDockWidget *>(QStringLiteral("eventNamesDock")))
        view->addAction(dock->toggleViewAction());
    m_allSourcesAction = view->addAction(tr("&All sources"));
    m_allSourcesAction->setCheckable(true);
    m_allSourcesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_allSourcesAction->setToolTip(tr("Show the events of every source in the cache, not only the current one"));
    connect(m_allSourcesAction, &QAction::toggled, this, &MainWindow::setAllSources);
    view->addSeparator();
    m_utcAction = view->addAction(tr("Times in &UTC"));
    m_utcAction->setCheckable(true);
    connect(m_utcAction, &QAction::toggled, m_model, &FeedModel::setUtc);
    m_darkAction = view->addAction(tr("&Dark palette"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkPalette);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(tr("Connect…"), this, &MainWindow::openConnectionDialog);
    bar->addAction(m_pauseAction);
    bar->addAction(m_allSourcesAction);
    bar->addAction(tr("Newest"), this, &MainWindow::scrollToNewest);
    bar->addAction(tr("Export…"), this, &MainWindow::exportEvents);
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(geometryKey).toByteArray()))
        resize(1400, 860);
    if (!restoreState(settings.value(stateKey).toByteArray())) {
        if (auto *dock = findChild<QDockWidget *>(QStringLiteral("eventNamesDock")))
            resizeDocks({dock}, {320}, Qt::Horizontal);
    }
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        splitter->restoreState(settings.value(splitterKey).toByteArray());
    m_feed->horizontalHeader()->restoreState(settings.value(headerKey).toByteArray());
    m_range->setCurrentIndex(std::clamp(settings.value(rangeKey, 2).toInt(), 0, kAllPreset));
    const QString expression = settings.value(expressionKey, kDefaultExpression).toString();
    m_expression->setText(expression);
    if (const auto terms = parseFilterExpression(expression))
        m_terms = *terms;
    m_utcAction->setChecked(settings.value(utcKey, false).toBool());
    m_darkAction->setChecked(settings.value(darkKey, false).toBool());
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(splitterKey, splitter->saveState());
    settings.setValue(headerKey, m_feed->horizontalHeader()->saveState());
    settings.setValue(expressionKey, formatFilterExpression(m_terms));
    settings.setValue(rangeKey, m_range->currentIndex() == kCustomPreset ? kAllPreset : m_range->currentIndex());
    settings.setValue(utcKey, m_utcAction->isChecked());
    settings.setValue(darkKey, m_darkAction->isChecked());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    event->accept();
}

void MainWindow::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

// --- filter bar ---

void MainWindow::addTerm(const QString &term)
{
    QString text = formatFilterExpression(m_terms);
    applyExpression(text.isEmpty() ? term : text + u' ' + term);
}

void MainWindow::applyExpression(const QString &expression)
{
    ExpressionError error;
    const auto terms = parseFilterExpression(expression, &error);
    if (!terms) {
        m_expressionStatus->setText(tr("%1 (at %2)").arg(error.message).arg(error.position + 1));
        return;
    }
    QString why;
    if (!filterFromTerms(*terms, timeutil::nowMicros(), &why)) {
        m_expressionStatus->setText(why);
        return;
    }
    m_terms = *terms;
    applyFilter();
}

void MainWindow::onRangePreset(int index)
{
    if (index == kCustomPreset) {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Custom time range"));
        auto *form = new QFormLayout(&dialog);
        auto *since = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-1), &dialog);
        auto *until = new QDateTimeEdit(QDateTime::currentDateTime(), &dialog);
        for (QDateTimeEdit *edit : {since, until}) {
            edit->setCalendarPopup(true);
            edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        }
        form->addRow(tr("From (local time):"), since);
        form->addRow(tr("To:"), until);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        form->addRow(buttons);
        if (dialog.exec() != QDialog::Accepted)
            return;
        QList<FilterTerm> kept;
        for (const FilterTerm &t : std::as_const(m_terms)) {
            if (t.key != u"since" && t.key != u"until")
                kept += t;
        }
        kept.prepend({QStringLiteral("until"), timeutil::formatString(until->dateTime().toMSecsSinceEpoch() * 1000)});
        kept.prepend({QStringLiteral("since"), timeutil::formatString(since->dateTime().toMSecsSinceEpoch() * 1000)});
        m_terms = kept;
        applyFilter();
        return;
    }
    // A preset replaces the time terms (the expression's since/until).
    QList<FilterTerm> kept;
    for (const FilterTerm &t : std::as_const(m_terms)) {
        if (t.key != u"since" && t.key != u"until")
            kept += t;
    }
    m_terms = kept;
    applyFilter();
}

void MainWindow::applyFilter()
{
    QList<FilterTerm> effective = m_terms;
    const bool hasTime = std::any_of(m_terms.cbegin(), m_terms.cend(), [](const FilterTerm &t) { return t.key == u"since" || t.key == u"until"; });
    if (hasTime && m_range->currentIndex() != kCustomPreset) {
        // The expression's own bounds rule; the combo says so.
        QSignalBlocker block(m_range);
        m_range->setCurrentIndex(kCustomPreset);
    }
    const int preset = m_range->currentIndex();
    if (!hasTime && preset >= 0 && preset < kCustomPreset && kPresets[preset].since && *kPresets[preset].since)
        effective.prepend({QStringLiteral("since"), QString::fromLatin1(kPresets[preset].since)});
    QString why;
    const auto filter = filterFromTerms(effective, timeutil::nowMicros(), &why);
    if (!filter) {
        m_expressionStatus->setText(why);
        return;
    }
    m_filter = *filter;
    m_model->setScope(m_allSourcesAction->isChecked() ? QString() : m_sourceName);
    m_expression->setText(formatFilterExpression(m_terms));
    m_expression->setPalette(QApplication::palette());
    m_expressionStatus->clear();
    m_matchCount->setText(tr("counting…"));
    m_filterClock.start();
    rebuildChips();
    m_model->setFilter(m_filter);
    m_eventNames->setScope(m_model->scope());
    m_eventNames->setFilter(m_filter);
    updateTriggerWindow();
    QList<FilterTerm> eventTerms;
    for (const FilterTerm &t : std::as_const(m_terms)) {
        if (t.key == u"event")
            eventTerms += t;
    }
    m_eventNames->setActiveTerms(eventTerms);
}

void MainWindow::setAllSources(bool all)
{
    if (m_allSourcesAction->isChecked() != all)
        m_allSourcesAction->setChecked(all); // toggled() calls back here
    else
        applyFilter();
}

void MainWindow::rebuildChips()
{
    while (QLayoutItem *item = m_chipLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (qsizetype i = 0; i < m_terms.size(); ++i) {
        auto *chip = new QToolButton(m_chipBox);
        chip->setObjectName(QStringLiteral("filterChip"));
        chip->setText(m_terms[i].toString() + QStringLiteral("  ✕"));
        chip->setToolTip(tr("Remove this condition"));
        chip->setAutoRaise(false);
        const FilterTerm term = m_terms[i];
        connect(chip, &QToolButton::clicked, this, [this, term] {
            m_terms.removeOne(term);
            applyFilter();
        });
        m_chipLayout->addWidget(chip);
    }
}

void MainWindow::saveCurrentFilter()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save filter"), tr("Name:"), QLineEdit::Normal, {}, &ok);
    if (ok && !name.trimmed().isEmpty())
        saveFilter(name.trimmed());
}

void MainWindow::saveFilter(const QString &name)
{
    QSettings settings;
    QVariantMap saved = settings.value(savedKey).toMap();
    saved.insert(name, formatFilterExpression(m_terms));
    settings.setValue(savedKey, saved);
    rebuildSavedFiltersMenu();
}

QMap<QString, QString> MainWindow::savedFilters()
{
    QMap<QString, QString> out;
    const QVariantMap saved = QSettings().value(savedKey).toMap();
    for (auto it = saved.cbegin(); it != saved.cend(); ++it)
        out.insert(it.key(), it.value().toString());
    return out;
}

void MainWindow::rebuildSavedFiltersMenu()
{
    QMenu *menu = m_savedFilters->menu();
    menu->clear();
    menu->addAction(tr("Save current filter…"), this, &MainWindow::saveCurrentFilter);
    const QVariantMap saved = QSettings().value(savedKey).toMap();
    if (!saved.isEmpty())
        menu->addSeparator();
    for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
        const QString expression = it.value().toString();
        QAction *a = menu->addAction(it.key(), this, [this, expression] { applyExpression(expression); });
        a->setToolTip(expression);
    }
    if (!saved.isEmpty()) {
        QMenu *remove = menu->addMenu(tr("Delete"));
        for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
            const QString name = it.key();
            remove->addAction(name, this, [this, name] {
                QSettings settings;
                QVariantMap map = settings.value(savedKey).toMap();
                map.remove(name);
                settings.setValue(savedKey, map);
                rebuildSavedFiltersMenu();
            });
        }
    }
}

void MainWindow::requestHistogram()
{
    const qint64 now = timeutil::nowMicros();
    qint64 since = 0, until = now;
    if (m_filter.occurred && m_filter.occurred->since)
        since = *m_filter.occurred->since;
    else if (const auto span = m_model->span())
        since = span->first;
    else
        since = now - qint64(3600) * 1000000;
    if (m_filter.occurred && m_filter.occurred->until)
        until = *m_filter.occurred->until;
    else if (const auto span = m_model->span())
        until = std::max(now, span->second);
    if (until <= since)
        until = since + 1000000;
    m_model->requestHistogram(since, until);
}

// --- feed ---

void MainWindow::onSelectionChanged()
{
    const QModelIndex current = m_feed->currentIndex();
    if (!current.isValid())
        return;
    if (const auto e = m_model->eventAt(current.row())) {
        m_eventPane->setEvent(*e);
        m_details->setCurrentWidget(m_eventPane);
    }
}

void MainWindow::showEventById(const QString &id)
{
    if (!m_store)
        return;
    if (const auto e = m_store->findById(id)) {
        m_eventPane->setEvent(*e);
        m_details->setCurrentWidget(m_eventPane);
    }
}

void MainWindow::onRowsArrived(int count)
{
    m_matchCount->setText(tr("%L1 events match").arg(m_model->rowCount()));
    if (m_following) {
        m_feed->scrollToBottom();
    } else {
        m_newRows += count;
        m_newEventsButton->setText(tr("%L1 new events ↓").arg(m_newRows));
        m_newEventsButton->show();
    }
    static QElapsedTimer histogramClock;
    if (!histogramClock.isValid() || histogramClock.elapsed() > 2000) {
        histogramClock.restart();
        requestHistogram();
    }
    static QElapsedTimer namesClock;
    if (!namesClock.isValid() || namesClock.elapsed() > 5000) {
        namesClock.restart();
        m_eventNames->refresh();
    }
}

void MainWindow::onScrolled()
{
    const QScrollBar *bar = m_feed->verticalScrollBar();
    // At the newest end (the bottom): follow; anywhere else: stay put.
    m_following = bar->value() >= bar->maximum() - 1;
    if (m_following) {
        m_newRows = 0;
        m_newEventsButton->hide();
    }
}

void MainWindow::scrollToNewest()
{
    m_following = true;
    m_newRows = 0;
    m_newEventsButton->hide();
    m_feed->scrollToBottom();
}

void MainWindow::setPaused(bool paused)
{
    m_paused = paused;
    if (m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    m_pauseAction->setText(paused ? tr("Resume live feed") : tr("Pause live feed"));
    if (!paused) {
        m_storedSinceRefresh = false;
        m_model->refreshNew();
    }
    updateStatus();
}

// --- sources ---

void MainWindow::setSource(std::unique_ptr<EventSource> source, const QString &name, const QString &description)
{
    if (m_source)
        m_source->stop();
    m_source = std::move(source);
    m_sourceName = name;
    m_sourceDescription = description;
    setWindowTitle(tr("Eventdeck — %1").arg(description));
    if (m_model->scope() != (m_allSourcesAction->isChecked() ? QString() : name))
        applyFilter();
    connect(m_source.get(), &EventSource::eventsReceived, this, [this](const QList<Event> &events) {
        m_receivedThisSecond += events.size();
        if (m_writer)
            m_writer->write(events, m_sourceName);
    });
    connect(m_source.get(), &EventSource::stateChanged, this, &MainWindow::updateStatus);
    connect(m_source.get(), &EventSource::failed, this, [this](const QString &error) {
        showError(tr("%1: %2").arg(m_sourceDescription, error));
    });
    connect(m_source.get(), &EventSource::eventRejected, this, [this](const QString &reason) {
        statusBar()->showMessage(tr("Skipped an invalid event: %1").arg(reason), 5000);
    });
    if (auto *ws = qobject_cast<WebSocketSource *>(m_source.get())) {
        // Where a restart resumes: kept in the cache per server.
        auto *saver = new QTimer(ws);
        connect(saver, &QTimer::timeout, this, [this, ws] {
            if (m_writer)
                m_writer->setMeta(QString(QStringLiteral("live resume ") + m_sourceName), QString::number(ws->resumePoint()));
        });
        saver->start(5000);
    }
    m_source->start();
    updateStatus();
}

void MainWindow::connectTo(const LaunchOptions &options)
{
    LaunchOptions o = options;
    QSettings settings;
    if (o.kind == LaunchOptions::Kind::Auto) {
        // The last connection, else Prefect's own settings, else the demo workspace.
        const QString last = settings.value(lastConnectionKey).toString();
        if (last.startsWith(u"server ")) {
            o.kind = LaunchOptions::Kind::Server;
            o.apiUrl = last.mid(7);
        } else if (last.startsWith(u"file ")) {
            o.kind = LaunchOptions::Kind::File;
            o.file = last.mid(5);
        } else if (last == u"demo") {
            o.kind = LaunchOptions::Kind::Demo;
        }
        QHash<QString, QString> env;
        const QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &key : e.keys())
            env.insert(key, e.value(key));
        const ConnectionSettings prefect = resolveConnection({}, {}, {}, env);
        if (o.kind == LaunchOptions::Kind::Auto)
            o.kind = prefect.apiUrl.isEmpty() ? LaunchOptions::Kind::Demo : LaunchOptions::Kind::Server;
        if (o.kind == LaunchOptions::Kind::Server && o.apiUrl.isEmpty())
            o.apiUrl = prefect.apiUrl;
        if (o.kind == LaunchOptions::Kind::Server && o.apiUrl == prefect.apiUrl && o.apiKey.isEmpty() && o.authString.isEmpty()) {
            o.apiKey = prefect.apiKey;
            o.authString = prefect.authString;
        }
    }
    switch (o.kind) {
    case LaunchOptions::Kind::Auto:
    case LaunchOptions::Kind::Demo: {
        DemoSource::Options demo;
        demo.rate = o.demoRate;
        demo.seed = o.seed;
        // A first start gets an hour of history, so the feed is not empty.
        if (m_store && m_store->meta(QStringLiteral("demo started")).isEmpty()) {
            demo.historyMicros = qint64(3600) * 1000000;
            m_store->setMeta(QStringLiteral("demo started"), QString::number(timeutil::nowMicros()));
        }
        setSource(std::make_unique<DemoSource>(demo), QStringLiteral("demo"), tr("demo workspace"));
        m_server.reset();
        updateTriggerWindow();
        settings.setValue(lastConnectionKey, QStringLiteral("demo"));
        break;
    }
    case LaunchOptions::Kind::Server: {
        WebSocketSource::Options ws;
        ws.apiUrl = o.apiUrl;
        ws.apiKey = o.apiKey;
        ws.authString = o.authString;
        ws.cloud = o.apiUrl.contains(u"/accounts/");
        bool ok = false;
        const qint64 resume = m_store ? m_store->meta(QStringLiteral("live resume ") + o.apiUrl).toLongLong(&ok) : 0;
        ws.since = ok ? resume : timeutil::nowMicros() - qint64(24) * 3600 * 1000000;
        setSource(std::make_unique<WebSocketSource>(ws), o.apiUrl, o.apiUrl);
        m_server = o;
        updateTriggerWindow();
        settings.setValue(lastConnectionKey, QString(QStringLiteral("server ") + o.apiUrl));
        break;
    }
    case LaunchOptions::Kind::File: {
        // A file is read into the cache on a worker thread, then shown.
        const QString path = QFileInfo(o.file).absoluteFilePath();
        const QString name = QStringLiteral("file:") + QFileInfo(path).fileName();
        if (m_source)
            m_source->stop();
        m_source.reset();
        m_sourceName = name;
        m_sourceDescription = path;
        m_server.reset();
        setWindowTitle(tr("Eventdeck — %1").arg(path));
        applyFilter();
        m_stateLabel->setText(tr("reading %1…").arg(path));
        auto *thread = QThread::create([this, path, name] {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                QMetaObject::invokeMethod(this, [this, path, error = file.errorString()] { showError(tr("%1: %2").arg(path, error)); });
                return;
            }
            EventReader reader(&file);
            QList<Event> batch;
            qint64 rejected = 0, read = 0;
            Event e;
            for (;;) {
                const auto r = reader.next(e);
                if (r == EventReader::Result::Event) {
                    batch.append(e);
                    ++read;
                } else if (r == EventReader::Result::Rejected) {
                    ++rejected;
                } else {
                    if (r == EventReader::Result::Fatal)
                        QMetaObject::invokeMethod(this, [this, path, why = reader.reason()] { showError(tr("%1: %2").arg(path, why)); });
                    break;
                }
                if (batch.size() == 1000) {
                    QMetaObject::invokeMethod(this, [this, batch, name] { if (m_writer) m_writer->write(batch, name); });
                    batch.clear();
                }
            }
            QMetaObject::invokeMethod(this, [this, batch, name, read, rejected, path] {
                if (m_writer)
                    m_writer->write(batch, name);
                m_stateLabel->setText(tr("%1: read %L2 events, %L3 rejected").arg(QFileInfo(path).fileName()).arg(read).arg(rejected));
            });
        });
        connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        thread->setParent(this);
        thread->start();
        settings.setValue(lastConnectionKey, QString(QStringLiteral("file ") + path));
        break;
    }
    }
}

void MainWindow::openConnectionDialog()
{
    static SecretStore secrets; // session-only secrets live as long as the app
    auto *dialog = new ConnectionDialog(&secrets, this);
    connect(dialog, &QDialog::rejected, dialog, &QObject::deleteLater);
    connect(dialog, &ConnectionDialog::secretReady, this, [this, dialog](const ConnectionProfile &profile, const QString &secret) {
        dialog->deleteLater();
        LaunchOptions o;
        switch (profile.kind) {
        case ConnectionProfile::Server:
            o.kind = LaunchOptions::Kind::Server;
            o.apiUrl = profile.apiUrl;
            o.authString = secret;
            break;
        case ConnectionProfile::Cloud:
            o.kind = LaunchOptions::Kind::Server;
            o.apiUrl = profile.apiUrl;
            o.apiKey = secret;
            break;
        case ConnectionProfile::Demo:
            o.kind = LaunchOptions::Kind::Demo;
            o.demoRate = profile.demoRate;
            o.seed = profile.seed;
            break;
        case ConnectionProfile::File:
            o.kind = LaunchOptions::Kind::File;
            o.file = profile.file;
            break;
        }
        connectTo(o);
    });
    dialog->open();
}

void MainWindow::exportEvents()
{
    const QList<qint64> selected = m_model->seqs(m_feed->selectionModel()->selectedRows());
    ExportDialog dialog(m_cachePath, m_filter, selected, this);
    dialog.job()->setSourceScope(m_model->scope());
    dialog.exec();
}

void MainWindow::setDarkPalette(bool dark)
{
    static const QPalette system = QApplication::palette();
    QApplication::setPalette(dark ? darkPalette() : system);
}

// --- status ---

void MainWindow::updateStatus()
{
    if (!m_source) {
        if (m_sourceName.startsWith(u"file:"))
            return;
        m_stateLabel->setText(tr("not connected"));
        return;
    }
    QString text = m_sourceDescription + QStringLiteral(" — ") + EventSource::describe(m_source->state(), m_source->stateDetail());
    if (m_paused)
        text += tr(" (view paused)");
    m_stateLabel->setText(text);
}

void MainWindow::refresh()
{
    const double seconds = std::max<qint64>(1, m_rateClock.restart()) / 1000.0;
    m_rate = m_receivedThisSecond / seconds;
    m_receivedThisSecond = 0;
    m_rateLabel->setText(tr("%1 events/s").arg(m_rate, 0, 'f', m_rate < 10 ? 1 : 0));
    if (!m_store)
        return;
    if (!m_cachedTotal || --m_recountIn <= 0) {
        m_cachedTotal = m_store->totalCount();
        m_recountIn = 15; // seconds
    }
    m_cachedLabel->setText(tr("%L1 cached").arg(*m_cachedTotal));
    m_sizeLabel->setText(humanBytes(m_store->fileBytes()));
}

} // namespace ed::ui
