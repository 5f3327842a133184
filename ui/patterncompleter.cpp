#include "ui/patterncompleter.h"

#include "ui/eventnames.h"

#include "core/eventstore.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLineEdit>
#include <QStringListModel>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

const QString kRelated = u"related:"_s;

void sortUnique(QStringList &rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
}


} // namespace

PatternCompleter::PatternCompleter(QLineEdit *line, Mode mode, EventStore *store, QObject *parent)
    : QObject(parent)
    , m_line(line)
    , m_mode(mode)
    , m_store(store)
    , m_completer(new QCompleter(this))
    , m_model(new QStringListModel(this))
    , m_debounce(new QTimer(this))
{
    m_completer->setModel(m_model);
    m_completer->setWidget(line);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setModelSorting(QCompleter::UnsortedModel); // values come most used first
    m_completer->setCaseSensitivity(Qt::CaseSensitive);      // patterns match case-sensitively
    m_completer->setMaxVisibleItems(12);
    // Installed after QCompleter's own filter, so it sees Enter first (QCompleter would hand
    // Enter to the line edit, which adds the uncompleted text).
    m_completer->popup()->installEventFilter(this);
    line->installEventFilter(this);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_debounce, &QTimer::timeout, this, &PatternCompleter::refresh);
    connect(line, &QLineEdit::textEdited, this, [this] {
        if (!m_inserting)
            m_debounce->start();
    });
    connect(line, &QLineEdit::returnPressed, this, [this] {
        m_debounce->stop();
        hide();
    });
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this,
            [this](const QModelIndex &index) { accept(index.data(Qt::EditRole).toString()); });
}

PatternCompleter::~PatternCompleter()
{
    // The popup has the focus through its proxy, the line edit: keep the caret there.
    m_completer->popup()->setFocusProxy(nullptr);
}

void PatternCompleter::setStore(EventStore *store)
{
    m_store = store;
    hide();
}

QStringList PatternCompleter::rowsFor(const QString &text) const
{
    if (!m_store)
        return {};
    QStringList rows;
    switch (m_mode) {
    case Mode::EventName:
        rows = withDottedPrefixes(m_store->eventNames(text, lookupLimit), text);
        break;
    case Mode::Label: {
        const qsizetype eq = text.indexOf(u'=');
        if (eq < 0) {
            for (const QString &key : m_store->labelKeys(text, lookupLimit))
                rows.append(key + u'=');
        } else if (eq > 0) {
            const QString key = text.left(eq);
            for (const QString &value : m_store->labelValues(key, text.mid(eq + 1), lookupLimit))
                rows.append(key + u'=' + value);
        }
        break;
    }
    case Mode::ForEach: {
        const qsizetype roleEnd =
            text.startsWith(kRelated) ? text.indexOf(u':', kRelated.size()) : -1;
        if (roleEnd > 0) {
            const QString head = text.left(roleEnd + 1);
            for (const QString &key : m_store->labelKeys(text.mid(roleEnd + 1), lookupLimit))
                rows.append(head + key);
            break;
        }
        if (!text.startsWith(kRelated))
            rows = m_store->labelKeys(text, lookupLimit);
        for (const QString &role : m_store->relatedRoles(lookupLimit)) {
            const QString row = kRelated + role + u":prefect.resource.id"_s;
            if (row.startsWith(text))
                rows.append(row);
            if (text.startsWith(kRelated) && QString(kRelated + role).startsWith(text))
                rows.append(kRelated + role + u':');
        }
        sortUnique(rows);
        break;
    }
    }
    return rows;
}

void PatternCompleter::refresh()
{
    m_debounce->stop();
    if (m_line)
        show(rowsFor(m_line->text()), false);
}

void PatternCompleter::show(const QStringList &rows, bool explicitRequest)
{
    if (rows.isEmpty() || !m_line || !m_line->hasFocus()
        || (!explicitRequest && rows.size() == 1 && rows.front() == m_line->text())) {
        hide();
        return;
    }
    if (m_model->stringList() != rows)
        m_model->setStringList(rows);
    m_completer->setCompletionPrefix(m_line->text());
    if (m_completer->completionCount() == 0) {
        hide();
        return;
    }
    m_completer->complete();
}

void PatternCompleter::hide()
{
    if (m_completer->popup()->isVisible())
        m_completer->popup()->hide();
}

void PatternCompleter::accept(const QString &row)
{
    hide();
    m_debounce->stop();
    if (!m_line || row.isEmpty())
        return;
    // insert() keeps the undo history and emits textEdited.
    m_inserting = true;
    m_line->selectAll();
    m_line->insert(row);
    m_inserting = false;
    if (row.endsWith(u'=') || row.endsWith(u':'))
        show(rowsFor(row), true);
}

bool PatternCompleter::eventFilter(QObject *watched, QEvent *event)
{
    QAbstractItemView *popup = m_completer->popup();
    if (event->type() != QEvent::KeyPress || (watched != popup && watched != m_line))
        return QObject::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (popup->isVisible()) {
        const QModelIndex current = popup->currentIndex();
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (!current.isValid())
                return false; // nothing chosen: the line edit gets Enter, QCompleter closes
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
    if (watched == m_line
        && ((key->key() == Qt::Key_Space && key->modifiers() == Qt::ControlModifier)
            || (key->key() == Qt::Key_Down && key->modifiers() == Qt::NoModifier))) {
        m_debounce->stop();
        if (m_line)
            show(rowsFor(m_line->text()), true);
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace ed::ui
