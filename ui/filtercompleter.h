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

/// Completion for the filter bar (see core/filterexpression.h): completes the term under the
/// cursor as the user types. A term's key first (`la` → `label:`, `-ev` → `-event:`); then, from
/// the cache, label keys after `label:`, `related-label:` and `any-label:`, followed by `=` and
/// that key's values (the most used first); event names and their dotted prefixes (`prefect.*`)
/// after `event:`; roles after `related-role:`; resource ids after `resource:` and
/// `any-resource:`. Values are quoted as formatFilterTerm() quotes them. Accepting replaces the
/// part of the current term being completed and leaves the rest of the line alone.
///
/// Keys: Tab accepts the highlighted row (the first when none is), Enter the highlighted row,
/// Esc closes the popup. Enter with no row highlighted, or with the popup closed, reaches the
/// line edit as usual (returnPressed). Ctrl+Space opens the popup on demand.
///
/// Lookups run on the GUI thread, ~80 ms after the last keystroke; they are dictionary and
/// index seeks (EventStore::labelKeys() and friends) that take well under a millisecond.
class FilterCompleter final : public CompletionPopup
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterCompleter)

public:
    /// Attaches to `line`. `store` is not owned and may be null (then only term keys are
    /// offered); it must outlive this object or be replaced with setStore().
    FilterCompleter(QLineEdit *line, EventStore *store, QObject *parent = nullptr);
    ~FilterCompleter() override;


    /// Looks up the completions for the cursor's position now, as the debounce timer does, and
    /// shows or hides the popup.
    void refresh() override;
    /// Replaces the part of the current term being completed with `row` (a row of the popup).
    void accept(const QString &row) override;

protected:
    void openOnRequest() override;
    bool lineKey(QKeyEvent *key) override;

private:
    enum class Kind { None, TermKey, LabelKey, LabelValue, EventName, Role, ResourceId };
    /// What the cursor is on: the term, the part a completion replaces, and what it completes.
    struct Context
    {
        Kind kind = Kind::None;
        qsizetype termStart = 0;
        qsizetype termEnd = 0;
        qsizetype segmentStart = 0;
        qsizetype segmentEnd = 0;
        QString termKey; ///< `label`, `event`… (lower case, no `-`)
        bool negated = false;
        QString labelKey;  ///< LabelValue: the KEY of KEY=PATTERN
        bool bang = false; ///< LabelValue: the pattern starts with `!`
        QString prefix;    ///< the typed part of the segment, unquoted
        bool sameLookup(const Context &other) const;
    };
    static Context contextAt(const QString &text, qsizetype cursor);

    QStringList lookup(const Context &context, bool explicitRequest) const;
    void onTextEdited();
    void onCursorMoved();
    void show(const Context &context, const QStringList &rows);

    Context m_shown; ///< the context of the rows in the model
};

} // namespace ed::ui
