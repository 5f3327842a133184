#include "ui/chipeditor.h"

#include "ui/flowlayout.h"

#include <QEvent>
#include <QFocusEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

/// A pill around a chip's text and its ×, drawn from the current palette (a style sheet would
/// keep the colours of the palette it was polished with).
class Chip final : public QFrame
{
public:
    using QFrame::QFrame;
    bool editing = false;

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QPalette &p = palette();
        painter.setPen(
            QPen(editing ? p.color(QPalette::Highlight) : p.color(QPalette::Mid), editing ? 2 : 1));
        painter.setBrush(p.color(QPalette::AlternateBase));
        const QRectF r = QRectF(rect()).adjusted(1, 1, -1, -1);
        painter.drawRoundedRect(r, r.height() / 2, r.height() / 2);
    }
};

/// Red text that follows the palette: the main window can switch to a dark one at any time.
class ErrorLabel final : public QLabel
{
public:
    using QLabel::QLabel;

    void recolour()
    {
        QPalette p = palette();
        const bool dark = p.color(QPalette::Base).lightness() < 128;
        const QColor red = dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc6, 0x28, 0x28);
        if (p.color(QPalette::WindowText) != red) { // setPalette() comes back here
            p.setColor(QPalette::WindowText, red);
            setPalette(p);
        }
    }

protected:
    void changeEvent(QEvent *event) override
    {
        QLabel::changeEvent(event);
        if (event->type() == QEvent::PaletteChange)
            recolour();
    }
};

} // namespace

QLabel *makeErrorLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new ErrorLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->recolour();
    label->hide();
    return label;
}

ChipEditor::ChipEditor(const QString &name, PatternCompleter::Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_name(name)
{
    setObjectName(name);
    m_chipArea = new QWidget(this);
    m_flow = new FlowLayout(m_chipArea);
    m_chipArea->hide();

    m_input = new QLineEdit(this);
    m_input->setObjectName(name + u"Input"_s);
    m_input->setClearButtonEnabled(true);
    m_input->installEventFilter(this);
    m_add = new QPushButton(tr("Add"), this);
    m_add->setObjectName(name + u"Add"_s);
    m_add->setAutoDefault(false);
    m_error = makeErrorLabel(name + u"Error"_s, this);
    m_completer = new PatternCompleter(m_input, mode, nullptr, this);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_input, 1);
    row->addWidget(m_add);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    layout->addWidget(m_chipArea);
    layout->addLayout(row);
    layout->addWidget(m_error);

    connect(m_input, &QLineEdit::returnPressed, this, &ChipEditor::commitInput);
    connect(m_add, &QPushButton::clicked, this, &ChipEditor::commitInput);
    connect(m_input, &QLineEdit::textEdited, this, [this] { m_error->hide(); });
}

ChipEditor::~ChipEditor() = default;

void ChipEditor::setItems(const QStringList &items)
{
    if (items == m_items)
        return;
    m_items = items;
    m_editing = -1;
    m_add->setText(tr("Add"));
    rebuildChips();
}

void ChipEditor::setStore(EventStore *store)
{
    m_completer->setStore(store);
}

void ChipEditor::setPlaceholderText(const QString &text)
{
    m_input->setPlaceholderText(text);
}

void ChipEditor::setInputPrefill(const QString &text)
{
    m_prefill = text;
}

bool ChipEditor::commitInput()
{
    const QString text = m_input->text().trimmed();
    if (text.isEmpty() || text == m_prefill) {
        cancelEdit();
        return false;
    }
    if (m_check) {
        if (const QString why = m_check(text); !why.isEmpty()) {
            showError(why);
            return false;
        }
    }
    const qsizetype existing = m_items.indexOf(text);
    if (existing >= 0 && existing != m_editing) {
        showError(tr("“%1” is already in the list.").arg(text));
        return false;
    }
    if (m_editing >= 0 && m_editing < m_items.size())
        m_items[m_editing] = text;
    else
        m_items.append(text);
    m_editing = -1;
    m_add->setText(tr("Add"));
    m_input->clear();
    m_error->hide();
    rebuildChips();
    emit edited();
    return true;
}

void ChipEditor::removeAt(int index)
{
    if (index < 0 || index >= m_items.size())
        return;
    m_items.removeAt(index);
    if (m_editing == index) {
        m_editing = -1;
        m_add->setText(tr("Add"));
    } else if (m_editing > index) {
        --m_editing;
    }
    rebuildChips();
    emit edited();
}

void ChipEditor::editAt(int index)
{
    if (index < 0 || index >= m_items.size())
        return;
    m_editing = index;
    m_input->setText(m_items[index]);
    m_input->setFocus();
    m_add->setText(tr("Update"));
    m_error->hide();
    rebuildChips();
}

void ChipEditor::cancelEdit()
{
    if (m_editing < 0)
        return;
    m_editing = -1;
    m_input->clear();
    m_add->setText(tr("Add"));
    m_error->hide();
    rebuildChips();
}

void ChipEditor::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void ChipEditor::rebuildChips()
{
    // A chip's own button may be the sender still on the stack: unparent now, delete later.
    while (QLayoutItem *item = m_flow->takeAt(0)) {
        if (QWidget *old = item->widget()) {
            old->hide();
            old->setParent(nullptr);
            old->deleteLater();
        }
        delete item;
    }
    for (int i = 0; i < m_items.size(); ++i) {
        auto *chip = new Chip(m_chipArea);
        chip->setObjectName(m_name + u"Chip"_s);
        chip->setProperty("text", m_items[i]);
        chip->editing = i == m_editing;
        auto *text = new QToolButton(chip);
        text->setAutoRaise(true);
        text->setText(m_items[i]);
        text->setToolTip(tr("Click to edit"));
        text->setCursor(Qt::PointingHandCursor);
        auto *remove = new QToolButton(chip);
        remove->setObjectName(m_name + u"ChipRemove"_s);
        remove->setText(u"×"_s);
        remove->setAutoRaise(true);
        remove->setToolTip(tr("Remove %1").arg(m_items[i]));
        auto *row = new QHBoxLayout(chip);
        row->setContentsMargins(6, 1, 4, 1);
        row->setSpacing(0);
        row->addWidget(text);
        row->addWidget(remove);
        // Chips are rebuilt on every change: find the index at click time from the widget.
        connect(text, &QToolButton::clicked, this, [this, chip] { editAt(m_flow->indexOf(chip)); });
        connect(remove, &QToolButton::clicked, this,
                [this, chip] { removeAt(m_flow->indexOf(chip)); });
        m_flow->addWidget(chip);
    }
    m_chipArea->setVisible(!m_items.isEmpty());
    updateGeometry();
}

bool ChipEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_input && event->type() == QEvent::FocusIn && m_input->text().isEmpty()
        && !m_prefill.isEmpty()) {
        m_input->setText(m_prefill);
        m_completer->refresh();
    } else if (watched == m_input && event->type() == QEvent::FocusOut
               && static_cast<QFocusEvent *>(event)->reason() != Qt::PopupFocusReason
               && m_input->text() == m_prefill && m_editing < 0) {
        m_input->clear();
    } else if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && m_editing >= 0) {
            cancelEdit();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace ed::ui
