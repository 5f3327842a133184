#pragma once

#include "ui/patterncompleter.h"

#include <QStringList>
#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace ed {
class EventStore;
}

namespace ed::ui {

class FlowLayout;

/// A hidden, word-wrapped label for a field's error, in a red that reads on a light or a dark
/// palette (its WindowText; the Text role keeps the ordinary colour).
QLabel *makeErrorLabel(const QString &objectName, QWidget *parent);

/// A list of short texts shown as chips that wrap like words, each with a × to remove it, and a
/// line (with completion from the cache) plus an Add button below them. Enter in the line adds
/// its text; clicking a chip puts its text back in the line, where Enter replaces it in place
/// (Esc gives up). A text already in the list, or one the check refuses, is not added and the
/// reason shows under the line.
///
/// Object names, for tests and style sheets: NAME (the editor), NAMEInput, NAMEAdd, NAMEError,
/// and NAMEChip for every chip (its `text` property holds its text), whose × is NAMEChipRemove.
class ChipEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChipEditor)

public:
    ChipEditor(const QString &name, PatternCompleter::Mode mode, QWidget *parent = nullptr);
    ~ChipEditor() override;

    /// Replaces the chips; the line keeps what the user was typing.
    void setItems(const QStringList &items);
    QStringList items() const { return m_items; }
    void setStore(EventStore *store);
    void setPlaceholderText(const QString &text);
    /// Judges a typed text before it is added: returns why it is refused, or an empty string.
    void setCheck(std::function<QString(const QString &)> check) { m_check = std::move(check); }
    /// Text put in the line when the user starts a new chip and the line is empty (e.g. `key=`).
    void setInputPrefill(const QString &text);

    /// Adds the line's text as a chip, or replaces the chip being edited. False when refused.
    bool commitInput();
    /// Removes chip `index`, as its × does.
    void removeAt(int index);
    /// Puts chip `index` in the line for editing.
    void editAt(int index);
    QLineEdit *input() const { return m_input; }
    PatternCompleter *completer() const { return m_completer; }

signals:
    /// The user added, replaced or removed a chip (not emitted by setItems()).
    void edited();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuildChips();
    void showError(const QString &text);
    void cancelEdit();

    QString m_name;
    QStringList m_items;
    int m_editing = -1; ///< the chip whose text is in the line, or -1
    std::function<QString(const QString &)> m_check;
    QString m_prefill;
    QWidget *m_chipArea = nullptr;
    FlowLayout *m_flow = nullptr;
    QLineEdit *m_input = nullptr;
    QPushButton *m_add = nullptr;
    QLabel *m_error = nullptr;
    PatternCompleter *m_completer = nullptr;
};

} // namespace ed::ui
