#include "ui/triggerbuilder.h"

#include "core/json.h"
#include "ui/chipeditor.h"
#include "ui/eventformat.h"
#include "ui/triggerform.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

/// Where the text stops being JSON, as "line L, column C: reason"; empty when it is JSON.
QString syntaxError(QByteArrayView text)
{
    json::Value value;
    QString why;
    if (json::parse(text, value, &why))
        return {};
    json::Reader reader(text);
    const json::Status status = reader.next(value);
    qsizetype offset = text.size();
    if (status == json::Status::Error)
        offset = reader.errorOffset();
    else if (status == json::Status::Ok)
        offset = reader.position();
    if (status == json::Status::Incomplete)
        why = TriggerBuilder::tr("the text ends inside a value");
    const QByteArrayView before = text.first(qMin(offset, text.size()));
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return TriggerBuilder::tr("JSON, line %1, column %2: %3").arg(line).arg(column).arg(why);
}

/// The members of an automation body (an object with `trigger` and no `type`), each once at
/// its first place with its last value, as Python's json reads them; nullopt for anything else.
std::optional<QList<JsonMember>> automationMembers(QByteArrayView text)
{
    json::Value root;
    if (!json::parse(text, root) || !root.isObject() || root.find(u"type") || !root.find(u"trigger"))
        return std::nullopt;
    QList<JsonMember> members;
    for (const QString &key : root.keys) {
        if (std::any_of(members.cbegin(), members.cend(),
                        [&key](const JsonMember &m) { return m.key == key; }))
            continue;
        const json::Value *last = root.find(key);
        members.append({key, json::minify(text.sliced(last->begin, last->end - last->begin))});
    }
    return members;
}

} // namespace

TriggerBuilder::TriggerBuilder(QWidget *parent)
    : QWidget(parent)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_validation = makeErrorLabel(u"validation"_s, this);
    m_validation->show();

    m_form = new TriggerForm(this);

    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(u"jsonEditor"_s);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabStopDistance(m_editor->fontMetrics().horizontalAdvance(u"  "_s));
    m_jsonErrorLabel = makeErrorLabel(u"jsonError"_s, this);
    auto *jsonPane = new QWidget(this);
    auto *jsonLayout = new QVBoxLayout(jsonPane);
    jsonLayout->setContentsMargins(0, 0, 0, 0);
    jsonLayout->addWidget(new QLabel(tr("JSON (a trigger, or a whole automation):"), jsonPane));
    jsonLayout->addWidget(m_editor, 1);
    jsonLayout->addWidget(m_jsonErrorLabel);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_form);
    splitter->addWidget(jsonPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({600, 400}); // in proportion: the splitter scales them to its width

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_validation);
    layout->addWidget(splitter, 1);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_debounce, &QTimer::timeout, this, &TriggerBuilder::parseText);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &TriggerBuilder::onTextChanged);
    connect(m_form, &TriggerForm::edited, this, &TriggerBuilder::onFormEdited);

    setTrigger(m_form->trigger());
}

TriggerBuilder::~TriggerBuilder() = default;

void TriggerBuilder::setTrigger(const Trigger &trigger)
{
    m_debounce->stop();
    m_trigger = trigger;
    m_automationMembers.reset();
    m_jsonError.clear();
    m_form->setTrigger(trigger);
    writeText();
    updateStatus();
}

std::optional<Automation> TriggerBuilder::automation() const
{
    if (!m_automationMembers)
        return std::nullopt;
    return Automation{m_trigger, *m_automationMembers};
}

QByteArray TriggerBuilder::json() const
{
    if (const auto a = automation())
        return serializeAutomation(*a);
    return serializeTrigger(m_trigger);
}

QString TriggerBuilder::errorText() const
{
    return m_jsonError.isEmpty() ? validateTrigger(m_trigger) : m_jsonError;
}

void TriggerBuilder::setStore(EventStore *store)
{
    m_form->setStore(store);
}

void TriggerBuilder::onFormEdited()
{
    // The form wins over JSON typed but not yet parsed.
    m_debounce->stop();
    m_trigger = m_form->trigger();
    m_jsonError.clear();
    writeText();
    updateStatus();
    emit triggerChanged();
}

void TriggerBuilder::onTextChanged()
{
    if (!m_writing)
        m_debounce->start();
}

void TriggerBuilder::parseText()
{
    const QByteArray text = m_editor->toPlainText().toUtf8();
    QString error = syntaxError(text);
    std::optional<Trigger> parsed;
    if (error.isEmpty())
        parsed = parseTrigger(text, &error);
    if (!parsed) {
        m_jsonError = error;
        updateStatus();
        return;
    }
    m_jsonError.clear();
    auto members = automationMembers(text);
    const bool changed = !(*parsed == m_trigger) || members != m_automationMembers;
    m_automationMembers = std::move(members);
    m_trigger = *parsed;
    if (changed)
        m_form->setTrigger(m_trigger);
    updateStatus();
    if (changed)
        emit triggerChanged();
}

void TriggerBuilder::writeText()
{
    const QString text = QString::fromUtf8(prettyJson(json()));
    if (text == m_editor->toPlainText())
        return;
    m_writing = true;
    const int scroll = m_editor->verticalScrollBar()->value();
    // Through a cursor, not setPlainText(), so Ctrl+Z in the editor can undo a form edit.
    QTextCursor cursor(m_editor->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
    cursor.endEditBlock();
    m_editor->verticalScrollBar()->setValue(scroll);
    m_writing = false;
}

void TriggerBuilder::updateStatus()
{
    m_summary->setText(summarize(m_trigger));
    m_jsonErrorLabel->setText(m_jsonError);
    m_jsonErrorLabel->setVisible(!m_jsonError.isEmpty());
    const QString problem = errorText();
    if (problem.isEmpty()) {
        m_validation->setText(tr("✔ Valid: the server would accept this trigger."));
        m_validation->setForegroundRole(QPalette::Text);
    } else {
        const QString stale =
            m_jsonError.isEmpty() ? QString() : tr(" The form shows the last trigger that parsed.");
        m_validation->setText(tr("✖ %1").arg(problem) + stale);
        m_validation->setForegroundRole(QPalette::WindowText); // red
    }
}

} // namespace ed::ui
