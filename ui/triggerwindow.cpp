#include "ui/triggerwindow.h"

#include "ui/triggerbuilder.h"
#include "ui/triggerpreview.h"

#include "core/json.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QKeySequence>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

QString settingsKey(const char *name)
{
    return QStringLiteral("triggerWindow/") + QLatin1String(name);
}

QPushButton *button(const QString &text, const QString &name, const QKeySequence &keys, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    if (!keys.isEmpty()) {
        b->setShortcut(keys);
        b->setToolTip(text + QStringLiteral(" (") + keys.toString(QKeySequence::NativeText) + u')');
    }
    b->setAutoDefault(false);
    return b;
}

} // namespace

TriggerWindow::TriggerWindow(QWidget *parent)
    : QWidget(parent, Qt::Window)
{
    setWindowTitle(tr("Automation trigger — Eventdeck"));
    setObjectName(QStringLiteral("triggerWindow"));

    m_builder = new TriggerBuilder(this);
    m_preview = new TriggerPreview(this);
    m_preview->setObjectName(QStringLiteral("triggerPreview"));

    auto *previewBox = new QWidget(this);
    auto *previewLayout = new QVBoxLayout(previewBox);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    auto *previewTitle = new QLabel(tr("<b>Dry run on the cache</b> — when it would have fired"), previewBox);
    previewLayout->addWidget(previewTitle);
    previewLayout->addWidget(m_preview, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(m_builder);
    m_splitter->addWidget(previewBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *open = button(tr("Open…"), QStringLiteral("openTrigger"), QKeySequence(Qt::CTRL | Qt::Key_O), this);
    auto *save = button(tr("Save…"), QStringLiteral("saveTrigger"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this);
    auto *copy = button(tr("Copy JSON"), QStringLiteral("copyTrigger"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this);
    auto *replay = button(tr("Dry run now"), QStringLiteral("replayNow"), QKeySequence(Qt::Key_F5), this);
    auto *automations = button(tr("Automations on the server…"), QStringLiteral("showAutomations"), {}, this);
    m_create = button(tr("Create automation…"), QStringLiteral("createAutomation"), QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    m_serverNote = new QLabel(this);
    m_serverNote->setObjectName(QStringLiteral("serverNote"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(save);
    buttons->addWidget(copy);
    buttons->addWidget(replay);
    buttons->addStretch(1);
    buttons->addWidget(m_serverNote);
    buttons->addWidget(automations);
    buttons->addWidget(m_create);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(buttons);

    connect(m_builder, &TriggerBuilder::triggerChanged, this, [this] {
        m_preview->setTrigger(m_builder->trigger()); // an invalid one says why it waits
        updateButtons();
    });
    connect(m_preview, &TriggerPreview::firingTimesChanged, this, &TriggerWindow::firingTimesChanged);
    connect(m_preview, &TriggerPreview::eventActivated, this, &TriggerWindow::eventActivated);
    connect(replay, &QPushButton::clicked, m_preview, &TriggerPreview::runNow);
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(QString::fromUtf8(QJsonDocument::fromJson(json()).toJson(QJsonDocument::Indented)));
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a trigger or automation"), {}, tr("JSON (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !openFile(path, &error))
            QMessageBox::warning(this, tr("Open trigger"), error);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the trigger"), QStringLiteral("trigger.json"), tr("JSON (*.json)"));
        QString error;
        if (!path.isEmpty() && !saveFile(path, &error))
            QMessageBox::warning(this, tr("Save trigger"), error);
    });
    connect(automations, &QPushButton::clicked, this, &TriggerWindow::automationsRequested);
    connect(m_create, &QPushButton::clicked, this, [this] {
        if (m_builder->isValid() && m_serverAvailable)
            emit createAutomationRequested(m_builder->trigger());
    });
    auto *close = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(close, &QShortcut::activated, this, &QWidget::close);

    QSettings settings;
    if (!restoreGeometry(settings.value(settingsKey("geometry")).toByteArray()))
        resize(1400, 820);
    if (!m_splitter->restoreState(settings.value(settingsKey("splitter")).toByteArray()))
        m_splitter->setSizes({width() * 3 / 5, width() * 2 / 5});
    setServerAvailable(false);
}

TriggerWindow::~TriggerWindow()
{
    QSettings settings;
    settings.setValue(settingsKey("geometry"), saveGeometry());
    settings.setValue(settingsKey("splitter"), m_splitter->saveState());
}

void TriggerWindow::setStore(EventStore *store) { m_builder->setStore(store); }
void TriggerWindow::setCache(const QString &path, const QString &scope) { m_preview->setCache(path, scope); }
void TriggerWindow::setFilter(const EventFilter &filter) { m_preview->setFilter(filter); }

void TriggerWindow::setServerAvailable(bool available, const QString &reason)
{
    m_serverAvailable = available;
    m_serverNote->setText(available ? QString() : reason);
    updateButtons();
}

void TriggerWindow::setTrigger(const Trigger &trigger)
{
    m_builder->setTrigger(trigger);
    m_preview->setTrigger(trigger);
    updateButtons();
}

Trigger TriggerWindow::trigger() const { return m_builder->trigger(); }
QByteArray TriggerWindow::json() const { return m_builder->json(); }

bool TriggerWindow::openFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    QString why;
    const auto trigger = parseTrigger(file.readAll(), &why);
    if (!trigger) {
        if (error)
            *error = path + QStringLiteral(": ") + why;
        return false;
    }
    setTrigger(*trigger);
    return true;
}

bool TriggerWindow::saveFile(const QString &path, QString *error) const
{
    QSaveFile file(path);
    const QByteArray text = QJsonDocument::fromJson(json()).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        if (error)
            *error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    return true;
}

void TriggerWindow::updateButtons()
{
    m_create->setEnabled(m_serverAvailable && m_builder->isValid());
    m_create->setToolTip(!m_serverAvailable ? m_serverNote->text()
                         : m_builder->isValid() ? tr("Create this automation on the server (Ctrl+Return)")
                                                : m_builder->errorText());
}

} // namespace ed::ui
