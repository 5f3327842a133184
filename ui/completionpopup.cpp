#include "ui/completionpopup.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLineEdit>
#include <QStringListModel>
#include <QTimer>

namespace ed::ui {

CompletionPopup::CompletionPopup(QLineEdit *line, EventStore *store, QObject *parent)
    : QObject(parent)
    , m_line(line)
    , m_store(store)
    , m_completer(new QCompleter(this))
    , m_model(new QStringListModel(this))
    , m_debounce(new QTimer(this))
{
    m_completer->setModel(m_model);
    m_completer->setWidget(line);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setModelSorting(QCompleter::UnsortedModel); // values come most used first
    m_completer->setMaxVisibleItems(12);
    // Our filter must see keys before QCompleter's, which sends Enter to the line edit first
    // (and the line would take the uncompleted text): filters installed last run first.
    m_completer->popup()->installEventFilter(this);
    line->installEventFilter(this);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] { refresh(); });
    // Enter applied the line: nothing pending may pop up over the result.
    connect(line, &QLineEdit::returnPressed, this, [this] {
        m_debounce->stop();
        hide();
    });
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this,
            [this](const QModelIndex &index) { accept(index.data(Qt::EditRole).toString()); });
}

CompletionPopup::~CompletionPopup()
{
    // A widget being destroyed clears the focus when it "has" it, and the popup has it through
    // its focus proxy, the line edit: the user would lose the caret.
    m_completer->popup()->setFocusProxy(nullptr);
}

void CompletionPopup::setStore(EventStore *store)
{
    m_store = store;
    hide();
}

void CompletionPopup::hide()
{
    if (m_completer->popup()->isVisible())
        m_completer->popup()->hide();
}

bool CompletionPopup::popupVisible() const
{
    return m_completer->popup()->isVisible();
}

bool CompletionPopup::lineKey(QKeyEvent *)
{
    return false;
}

bool CompletionPopup::eventFilter(QObject *watched, QEvent *event)
{
    QAbstractItemView *popup = m_completer->popup();
    if (event->type() != QEvent::KeyPress || (watched != popup && watched != m_line))
        return QObject::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (popup->isVisible()) {
        // Reached here on the popup (it has the keyboard while open) or, when something sends
        // keys to the line edit directly, on the line edit: the same rules either way.
        const QModelIndex current = popup->currentIndex();
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (!current.isValid())
                return false; // no row chosen: the line edit gets Enter, QCompleter closes
            accept(current.data(Qt::EditRole).toString());
            return true;
        case Qt::Key_Tab: {
            const QModelIndex row =
                current.isValid() ? current : m_completer->completionModel()->index(0, 0);
            accept(row.data(Qt::EditRole).toString());
            return true;
        }
        case Qt::Key_Escape:
            m_debounce->stop();
            hide();
            return true;
        default: return QObject::eventFilter(watched, event);
        }
    }
    if (watched != m_line)
        return QObject::eventFilter(watched, event);
    if (key->key() == Qt::Key_Space && key->modifiers() == Qt::ControlModifier) {
        m_debounce->stop();
        openOnRequest();
        return true;
    }
    if (lineKey(key))
        return true;
    return QObject::eventFilter(watched, event);
}

} // namespace ed::ui
