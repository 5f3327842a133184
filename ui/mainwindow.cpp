#include "ui/mainwindow.h"

#include "core/eventstore.h"

#include <QAction>
#include <QCloseEvent>
#include <QColor>
#include <QDir>
#include <QFormLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QPalette>
#include <QSettings>
#include <QStatusBar>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

constexpr QStringView geometryKey = u"mainWindow/geometry";
constexpr QStringView stateKey = u"mainWindow/state";

QLabel *makeValueLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

MainWindow::MainWindow(const QString &cachePath, std::unique_ptr<EventStore> store,
                       const QString &openError, QWidget *parent)
    : QMainWindow(parent)
    , m_store(std::move(store))
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_pathLabel = makeValueLabel(central);
    m_pathLabel->setText(QDir::toNativeSeparators(cachePath));
    m_pathLabel->setWordWrap(true);
    m_countLabel = makeValueLabel(central);
    m_sizeLabel = makeValueLabel(central);
    form->addRow(tr("Cache:"), m_pathLabel);
    form->addRow(tr("Events:"), m_countLabel);
    form->addRow(tr("Size:"), m_sizeLabel);

    m_errorLabel = makeValueLabel(central);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setFrameShape(QFrame::StyledPanel);
    m_errorLabel->setMargin(6);
    QPalette errorPalette = m_errorLabel->palette();
    // A red that stays readable on light and dark window backgrounds.
    errorPalette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_errorLabel->setPalette(errorPalette);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);
    layout->addStretch();
    setCentralWidget(central);

    createMenus();
    restoreWindowState();

    if (!m_store) {
        m_countLabel->setText(tr("unavailable"));
        m_sizeLabel->setText(tr("unavailable"));
        showError(tr("The cache could not be opened: %1")
                      .arg(openError.isEmpty() ? tr("unknown error") : openError));
        return;
    }

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(refreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::refresh);
    m_refreshTimer->start();
    refresh();
}

MainWindow::~MainWindow() = default;

void MainWindow::refresh()
{
    if (!m_store)
        return;

    // A plain COUNT(*) stays cheap at the sizes this placeholder window meets; the real feed
    // counts off the GUI thread.
    const qint64 count = m_store->totalCount();
    const qint64 bytes = m_store->fileBytes();
    if (count < 0 || bytes < 0) {
        showError(tr("Reading the cache failed: %1").arg(m_store->lastError()));
        return;
    }

    const QLocale locale;
    m_countLabel->setText(locale.toString(count));
    m_sizeLabel->setText(locale.formattedDataSize(bytes));
    m_errorLabel->hide();
    statusBar()->showMessage(
        tr("Updated at %1").arg(locale.toString(QTime::currentTime(), QLocale::ShortFormat)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quitAction = fileMenu->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction->setMenuRole(QAction::QuitRole);
    // Closing the window (rather than QApplication::quit) goes through closeEvent, which saves
    // the geometry; the application quits when its last window closes.
    connect(quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::restoreWindowState()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(geometryKey).toByteArray()))
        resize(640, 240);
    restoreState(settings.value(stateKey).toByteArray());
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState());
}

void MainWindow::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->show();
    statusBar()->showMessage(tr("Cache unavailable"));
}

} // namespace ed::ui
