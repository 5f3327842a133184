#pragma once

#include "core/trigger.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTimer;

namespace ed {
class EventStore;
}

namespace ed::ui {

class TriggerForm;

/// Builds a Prefect automation trigger: the trigger tree and its forms (TriggerForm) side by
/// side with its JSON, the two kept in step both ways. A form edit rewrites the JSON
/// (serializeTrigger(), indented); an edit of the JSON is parsed ~300 ms after the last key
/// with parseTrigger() and, when it parses, updates the form and leaves the text as typed.
/// When it does not, the error (with its field path, or line and column) shows under the
/// editor and the form keeps the last trigger that parsed. Members the model does not know
/// survive both ways. A whole automation body pasted in the editor is accepted: its other
/// members are kept, and form edits rewrite only its `trigger`.
///
/// Above both: the trigger in one sentence (summarize()) and whether the server would accept
/// it (validateTrigger(), or the JSON's error).
///
/// Object names: summary, validation, jsonEditor, jsonError, plus TriggerForm's.
class TriggerBuilder final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerBuilder)

public:
    explicit TriggerBuilder(QWidget *parent = nullptr);
    ~TriggerBuilder() override;

    /// Shows `trigger` in the form and the editor; forgets an automation body. Emits nothing.
    void setTrigger(const Trigger &trigger);
    /// The trigger of the form: the last one that parsed, with the form's edits since.
    Trigger trigger() const { return m_trigger; }
    /// The automation body around the trigger, when the editor holds one.
    std::optional<Automation> automation() const;
    /// Compact JSON of what the editor stands for: the automation body, or the trigger.
    QByteArray json() const;
    /// The JSON parses and the server's checks pass.
    bool isValid() const { return errorText().isEmpty(); }
    /// The JSON's error, else the first server check that fails (`trigger.within: …`), else
    /// empty.
    QString errorText() const;
    /// Completion source for the forms; not owned, may be null.
    void setStore(EventStore *store);

    TriggerForm *form() const { return m_form; }
    QPlainTextEdit *jsonEditor() const { return m_editor; }

    static constexpr int debounceMs = 300;

signals:
    /// The user changed the trigger, in the form or (once it parses) in the JSON.
    void triggerChanged();

private:
    void onFormEdited();
    void onTextChanged();
    void parseText();
    void writeText();
    void updateStatus();

    Trigger m_trigger;
    std::optional<QList<JsonMember>> m_automationMembers;
    QString m_jsonError;
    bool m_writing = false;
    TriggerForm *m_form = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_validation = nullptr;
    QLabel *m_jsonErrorLabel = nullptr;
    QTimer *m_debounce = nullptr;
};

} // namespace ed::ui
