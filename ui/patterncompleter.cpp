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
    : CompletionPopup(line, store, parent)
    , m_mode(mode)
{
    m_completer->setCaseSensitivity(Qt::CaseSensitive); // patterns match case-sensitively
    connect(line, &QLineEdit::textEdited, this, [this] {
        if (!m_inserting)
            m_debounce->start();
    });
}

PatternCompleter::~PatternCompleter() = default;

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

void PatternCompleter::openOnRequest()
{
    if (m_line)
        show(rowsFor(m_line->text()), true);
}

bool PatternCompleter::lineKey(QKeyEvent *key)
{
    if (key->key() != Qt::Key_Down || key->modifiers() != Qt::NoModifier)
        return false;
    m_debounce->stop();
    openOnRequest();
    return true;
}

} // namespace ed::ui
