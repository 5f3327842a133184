#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QCompleter;
class QKeyEvent;
class QLineEdit;
class QStringListModel;
class QTimer;

namespace ed {
class EventStore;
}

namespace ed::ui {

/// The popup plumbing both completers share (FilterCompleter for the filter bar,
/// PatternCompleter for trigger fields): a QCompleter over a string list on a line edit, a
/// debounce timer that calls refresh() after typing, and the keys — Tab accepts the highlighted
/// row (the first when none is), Enter the highlighted row, Esc closes; Enter with no row
/// highlighted reaches the line edit (returnPressed), which also closes the popup; Ctrl+Space
/// asks for rows at once (openOnRequest()).
class CompletionPopup : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompletionPopup)

public:
    ~CompletionPopup() override;

    void setStore(EventStore *store);
    QCompleter *completer() const { return m_completer; }
    /// Looks up the rows for the line now and shows or hides the popup.
    virtual void refresh() = 0;
    /// Puts `row` (a row of the popup) in the line.
    virtual void accept(const QString &row) = 0;

    static constexpr int debounceMs = 80;
    static constexpr int lookupLimit = 100;

protected:
    CompletionPopup(QLineEdit *line, EventStore *store, QObject *parent);

    /// Ctrl+Space (and whatever lineKey() adds): rows now, even a single exact one.
    virtual void openOnRequest() = 0;
    /// A key on the line edit while the popup is closed; true when it was handled.
    virtual bool lineKey(QKeyEvent *key);
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hide();
    bool popupVisible() const;

    QPointer<QLineEdit> m_line;
    EventStore *m_store = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_model = nullptr;
    QTimer *m_debounce = nullptr;
    bool m_inserting = false; ///< set while accept() writes the line
};

} // namespace ed::ui
