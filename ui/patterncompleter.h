#pragma once

#include "ui/completionpopup.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

class QCompleter;
class QLineEdit;
class QStringListModel;
class QTimer;

namespace ed {
class EventStore;
}

namespace ed::ui {

/// Completion for a line holding one trigger field value, from the cache: an event name
/// pattern, a `label=pattern` chip, or a `for_each` label. The filter bar's FilterCompleter
/// completes `key:value` terms inside a longer expression; here the whole line is the value,
/// so the rows are whole line texts and accepting one replaces the line.
///
/// - EventName: event names and each of their dotted prefixes as `prefix.*`.
/// - Label: label keys (accepting one gives `key=` and offers its values at once), then the
///   key's values, the most used first.
/// - ForEach: label keys, and `related:<role>:prefect.resource.id` for every related role;
///   after `related:<role>:` the label keys again.
///
/// Keys as in the filter bar: Tab accepts the highlighted row (the first when none is), Enter
/// the highlighted row, Esc closes; Enter with no row highlighted reaches the line edit
/// (returnPressed). Ctrl+Space or Down opens the popup on demand.
class PatternCompleter final : public CompletionPopup
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PatternCompleter)

public:
    enum class Mode { EventName, Label, ForEach };

    /// `store` is not owned and may be null (then nothing is offered).
    PatternCompleter(QLineEdit *line, Mode mode, EventStore *store, QObject *parent = nullptr);
    ~PatternCompleter() override;

    /// The rows offered for the line text `text`.
    QStringList rowsFor(const QString &text) const;
    /// Looks up the rows for the line now and shows or hides the popup.
    void refresh() override;
    /// Puts `row` in the line; a label key or a role goes on to offer what follows it.
    void accept(const QString &row) override;

protected:
    void openOnRequest() override;
    bool lineKey(QKeyEvent *key) override;

private:
    void show(const QStringList &rows, bool explicitRequest);

    Mode m_mode;
};

} // namespace ed::ui
