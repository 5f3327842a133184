#include "ui/filtercompleter.h"

#include "ui/eventnames.h"

#include "core/eventstore.h"
#include "core/filterexpression.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLineEdit>
#include <QScrollBar>
#include <QStringListModel>
#include <QTimer>

#include <algorithm>

namespace ed::ui {

namespace {

const QString kResourceId = QStringLiteral("prefect.resource.id");

bool isLabelKey(const QString &termKey)
{
    return termKey == u"label" || termKey == u"related-label" || termKey == u"any-label";
}

// The keys the parser accepts with a leading `-`.
bool isNegatable(const QString &termKey)
{
    return termKey == u"event" || termKey == u"text" || isLabelKey(termKey);
}

// A value as formatFilterTerm() writes it: in quotes when it needs them.
QString quotedValue(const QString &value)
{
    return formatFilterTerm(QString(), value).mid(1);
}

// What the parser reads from typed text: quotes dropped, backslash escapes inside them applied.
// An unterminated quote (the user is typing in it) is fine.
QString unquoted(QStringView typed)
{
    QString out;
    bool inQuotes = false;
    for (qsizetype i = 0; i < typed.size(); ++i) {
        const QChar c = typed[i];
        if (c == u'"')
            inQuotes = !inQuotes;
        else if (inQuotes && c == u'\\' && i + 1 < typed.size())
            out += typed[++i];
        else
            out += c;
    }
    return out;
}

} // namespace

bool FilterCompleter::Context::sameLookup(const Context &other) const
{
    return kind == other.kind && termStart == other.termStart && segmentStart == other.segmentStart
           && termKey == other.termKey && negated == other.negated && labelKey == other.labelKey;
}

FilterCompleter::FilterCompleter(QLineEdit *line, EventStore *store, QObject *parent)
    : CompletionPopup(line, store, parent)
{
    connect(line, &QLineEdit::textEdited, this, &FilterCompleter::onTextEdited);
    connect(line, &QLineEdit::cursorPositionChanged, this, &FilterCompleter::onCursorMoved);
}

FilterCompleter::~FilterCompleter() = default;

FilterCompleter::Context FilterCompleter::contextAt(const QString &text, qsizetype cursor)
{
    Context c;
    cursor = qBound<qsizetype>(0, cursor, text.size());
    // The term under the cursor: up to the next space outside quotes, as the parser reads it.
    c.termStart = c.termEnd = cursor;
    for (qsizetype i = 0; i < text.size();) {
        if (text[i].isSpace()) {
            if (i >= cursor)
                break;
            ++i;
            continue;
        }
        const qsizetype start = i;
        bool inQuotes = false;
        for (; i < text.size() && (inQuotes || !text[i].isSpace()); ++i) {
            if (text[i] == u'"')
                inQuotes = !inQuotes;
            else if (inQuotes && text[i] == u'\\' && i + 1 < text.size())
                ++i;
        }
        if (cursor >= start && cursor <= i) {
            c.termStart = start;
            c.termEnd = i;
            break;
        }
    }
    const QStringView term = QStringView(text).mid(c.termStart, c.termEnd - c.termStart);
    const qsizetype typed = cursor - c.termStart;
    qsizetype keyStart = term.startsWith(u'-') ? 1 : 0;
    qsizetype keyEnd = keyStart;
    while (keyEnd < term.size() && (term[keyEnd].isLetter() || term[keyEnd] == u'-'))
        ++keyEnd;
    const bool hasColon = keyEnd > keyStart && keyEnd < term.size() && term[keyEnd] == u':';
    if (typed <= keyEnd) {
        c.kind = Kind::TermKey;
        c.segmentStart = c.termStart;
        c.segmentEnd = c.termStart + keyEnd + (hasColon ? 1 : 0);
        c.prefix = term.left(typed).toString();
        return c;
    }
    if (!hasColon)
        return c;
    c.termKey = term.mid(keyStart, keyEnd - keyStart).toString().toLower();
    c.negated = keyStart > 0;
    const qsizetype valueStart = c.termStart + keyEnd + 1;
    c.segmentStart = valueStart;
    c.segmentEnd = c.termEnd;
    c.prefix = unquoted(QStringView(text).mid(valueStart, cursor - valueStart));
    if (isLabelKey(c.termKey)) {
        const qsizetype eq = c.prefix.indexOf(u'=');
        const qsizetype rawEq = text.indexOf(u'=', valueStart);
        if (eq < 0) {
            c.kind = Kind::LabelKey;
            if (rawEq >= 0 && rawEq < c.termEnd)
                c.segmentEnd = rawEq;
            return c;
        }
        if (eq == 0)
            return Context{};
        c.kind = Kind::LabelValue;
        c.labelKey = c.prefix.left(eq);
        c.prefix = c.prefix.mid(eq + 1);
        if (c.prefix.startsWith(u'!')) {
            c.bang = true;
            c.prefix.remove(0, 1);
        }
        if (rawEq >= 0 && rawEq < cursor)
            c.segmentStart = rawEq + 1;
    } else if (c.termKey == u"event") {
        c.kind = Kind::EventName;
    } else if (c.termKey == u"related-role") {
        c.kind = Kind::Role;
    } else if (c.termKey == u"resource" || c.termKey == u"any-resource") {
        c.kind = Kind::ResourceId;
    }
    return c;
}

QStringList FilterCompleter::lookup(const Context &context, bool explicitRequest) const
{
    QStringList rows;
    const QString &prefix = context.prefix;
    switch (context.kind) {
    case Kind::None: break;
    case Kind::TermKey: {
        if (prefix.isEmpty() && !explicitRequest)
            break; // a blank: every space would pop up every key
        const bool negated = prefix.startsWith(u'-');
        for (const QString &key : filterTermKeys()) {
            if (negated && !isNegatable(key))
                continue;
            const QString row = (negated ? QStringLiteral("-") : QString()) + key + u':';
            if (row.startsWith(prefix, Qt::CaseInsensitive)) // the parser lowercases keys
                rows.append(row);
        }
        break;
    }
    case Kind::LabelKey:
        if (m_store)
            rows = m_store->labelKeys(prefix, lookupLimit);
        break;
    case Kind::LabelValue:
        if (m_store)
            rows = m_store->labelValues(context.labelKey, prefix, lookupLimit);
        break;
    case Kind::EventName:
        if (m_store)
            rows = withDottedPrefixes(m_store->eventNames(prefix, lookupLimit), prefix);
        break;
    case Kind::Role:
        if (m_store) {
            for (const QString &role : m_store->relatedRoles(lookupLimit)) {
                if (role.startsWith(prefix))
                    rows.append(role);
            }
        }
        break;
    case Kind::ResourceId:
        if (m_store)
            rows = m_store->labelValues(kResourceId, prefix, lookupLimit);
        break;
    }
    return rows;
}

void FilterCompleter::refresh()
{
    m_debounce->stop();
    if (!m_line)
        return;
    const Context context = contextAt(m_line->text(), m_line->cursorPosition());
    show(context, lookup(context, false));
}

void FilterCompleter::show(const Context &context, const QStringList &rows)
{
    if (rows.isEmpty() || !m_line || !m_line->hasFocus()) {
        hide();
        return;
    }
    m_shown = context;
    if (m_model->stringList() != rows)
        m_model->setStringList(rows);
    // The rows already match; the completer's own filter narrows them between two lookups.
    m_completer->setCaseSensitivity(context.kind == Kind::TermKey ? Qt::CaseInsensitive
                                                                  : Qt::CaseSensitive);
    m_completer->setCompletionPrefix(context.prefix);
    const int count = m_completer->completionCount();
    // A complete value has nothing to add (a complete label key still gains its `=`).
    const bool value = context.kind != Kind::TermKey && context.kind != Kind::LabelKey;
    if (count == 0
        || (value && count == 1
            && m_completer->completionModel()->index(0, 0).data().toString() == context.prefix)) {
        hide();
        return;
    }
    QAbstractItemView *popup = m_completer->popup();
    QRect rect = m_line->inputMethodQuery(Qt::ImCursorRectangle).toRect();
    const QString typed =
        m_line->text().mid(context.segmentStart, m_line->cursorPosition() - context.segmentStart);
    rect.moveLeft(qMax(0, rect.left() - m_line->fontMetrics().horizontalAdvance(typed)));
    rect.setWidth(qMax(160, popup->sizeHintForColumn(0)
                                + popup->verticalScrollBar()->sizeHint().width()
                                + 2 * popup->frameWidth()));
    m_completer->complete(rect);
}


void FilterCompleter::onTextEdited()
{
    if (m_inserting || !m_line)
        return;
    // Narrow the rows shown at once when they still apply; look up again after a pause.
    if (m_completer->popup()->isVisible()) {
        const Context context = contextAt(m_line->text(), m_line->cursorPosition());
        if (context.sameLookup(m_shown))
            show(context, m_model->stringList());
        else
            hide();
    }
    m_debounce->start();
}

void FilterCompleter::onCursorMoved()
{
    if (m_inserting || !m_line || !m_completer->popup()->isVisible())
        return;
    if (!contextAt(m_line->text(), m_line->cursorPosition()).sameLookup(m_shown))
        hide();
}

void FilterCompleter::accept(const QString &row)
{
    hide();
    m_debounce->stop();
    if (!m_line || row.isEmpty())
        return;
    const QString text = m_line->text();
    const Context c = contextAt(text, m_line->cursorPosition());
    qsizetype from = c.termStart;
    qsizetype to = c.termEnd;
    QString replacement;
    bool more = false;       // the term goes on: look up its next part at once
    bool stepOverEq = false; // a label key completed before an `=` already there
    const QString minus = c.negated ? QStringLiteral("-") : QString();
    switch (c.kind) {
    case Kind::None: return;
    case Kind::TermKey:
        from = c.segmentStart;
        to = c.segmentEnd;
        replacement = row;
        more = true;
        break;
    case Kind::LabelKey:
        from = c.segmentStart;
        to = c.segmentEnd;
        stepOverEq = to < c.termEnd && text[to] == u'=';
        replacement = quotedValue(row) + (stepOverEq ? QString() : QStringLiteral("="));
        more = true;
        break;
    case Kind::LabelValue:
        replacement =
            minus
            + formatFilterTerm(c.termKey, c.labelKey + u'='
                                              + (c.bang ? QStringView(u"!") : QStringView()) + row);
        break;
    case Kind::EventName:
    case Kind::Role:
    case Kind::ResourceId: replacement = minus + formatFilterTerm(c.termKey, row); break;
    }
    // insert() keeps the undo history and emits textEdited, so the main window re-validates.
    m_inserting = true;
    if (to > from)
        m_line->setSelection(int(from), int(to - from));
    else
        m_line->setCursorPosition(int(from));
    m_line->insert(replacement);
    if (stepOverEq)
        m_line->setCursorPosition(m_line->cursorPosition() + 1);
    m_inserting = false;
    if (more) {
        const Context next = contextAt(m_line->text(), m_line->cursorPosition());
        show(next, lookup(next, true));
    }
}

void FilterCompleter::openOnRequest()
{
    if (!m_line)
        return;
    const Context context = contextAt(m_line->text(), m_line->cursorPosition());
    show(context, lookup(context, true));
}

bool FilterCompleter::lineKey(QKeyEvent *key)
{
    // Tab typed before the pause that would have opened the popup: complete all the same.
    if (key->key() == Qt::Key_Tab && key->modifiers() == Qt::NoModifier && m_debounce->isActive()) {
        refresh();
        if (popupVisible()) {
            accept(m_completer->completionModel()->index(0, 0).data(Qt::EditRole).toString());
            return true;
        }
    }
    return false;
}

} // namespace ed::ui
