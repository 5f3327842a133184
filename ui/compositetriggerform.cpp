#include "ui/compositetriggerform.h"

#include "ui/chipeditor.h"
#include "ui/durationedit.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

std::optional<Seconds> *withinOf(Trigger &t)
{
    if (auto *c = std::get_if<CompoundTrigger>(&t.kind))
        return &c->within;
    if (auto *s = std::get_if<SequenceTrigger>(&t.kind))
        return &s->within;
    return nullptr;
}

} // namespace

CompositeTriggerForm::CompositeTriggerForm(QWidget *parent)
    : QWidget(parent)
{
    m_heading = new QLabel(this);
    m_heading->setWordWrap(true);

    m_requireKind = new QComboBox(this);
    m_requireKind->setObjectName(u"requireKind"_s);
    m_requireKind->addItems({tr("any"), tr("all"), tr("at least")});
    m_requireCount = new QSpinBox(this);
    m_requireCount->setObjectName(u"requireCount"_s);
    m_requireCount->setRange(1, std::numeric_limits<int>::max());
    m_requireSuffix = new QLabel(this);
    m_requireRow = new QWidget(this);
    auto *requireLayout = new QHBoxLayout(m_requireRow);
    requireLayout->setContentsMargins(0, 0, 0, 0);
    requireLayout->addWidget(m_requireKind);
    requireLayout->addWidget(m_requireCount);
    requireLayout->addWidget(m_requireSuffix);
    requireLayout->addStretch(1);

    m_within = new DurationEdit(u"compositeWithin"_s, true, this);
    m_within->setZeroText(tr("0 seconds"));
    m_error = makeErrorLabel(u"compositeError"_s, this);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Require:"), m_requireRow);
    m_requireLabel = qobject_cast<QLabel *>(form->labelForField(m_requireRow));
    form->addRow(tr("Within:"), m_within);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_heading);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);

    connect(m_requireKind, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_updating)
            return;
        if (auto *c = std::get_if<CompoundTrigger>(&m_trigger.kind)) {
            c->require.kind = index == RequireAny   ? Require::Kind::Any
                              : index == RequireAll ? Require::Kind::All
                                                    : Require::Kind::Count;
            c->require.count = m_requireCount->value();
        }
        commit();
    });
    connect(m_requireCount, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_updating)
            return;
        if (auto *c = std::get_if<CompoundTrigger>(&m_trigger.kind)) {
            c->require.kind = Require::Kind::Count;
            c->require.count = value;
        }
        commit();
    });
    connect(m_within, &DurationEdit::edited, this, [this] {
        if (auto *within = withinOf(m_trigger)) {
            const auto seconds = m_within->seconds();
            *within = seconds ? std::optional(Seconds{*seconds, {}}) : std::nullopt;
        }
        commit();
    });
}

CompositeTriggerForm::~CompositeTriggerForm() = default;

void CompositeTriggerForm::setTrigger(const Trigger &trigger)
{
    m_updating = true;
    m_trigger = trigger;
    const auto *compound = std::get_if<CompoundTrigger>(&trigger.kind);
    m_requireRow->setVisible(compound);
    if (m_requireLabel)
        m_requireLabel->setVisible(compound);
    if (compound) {
        const Require &r = compound->require;
        m_requireKind->setCurrentIndex(r.kind == Require::Kind::Any   ? RequireAny
                                       : r.kind == Require::Kind::All ? RequireAll
                                                                      : RequireCount);
        m_requireCount->setValue(
            int(qBound(qint64(1), r.kind == Require::Kind::Count ? r.count : qint64(2),
                       qint64(m_requireCount->maximum()))));
    }
    if (auto *within = withinOf(m_trigger))
        m_within->setSeconds(*within ? std::optional(within->value().value) : std::nullopt);
    showState();
    m_updating = false;
}

void CompositeTriggerForm::commit()
{
    showState();
    emit edited();
}

void CompositeTriggerForm::showState()
{
    const qsizetype children = m_trigger.children() ? qsizetype(m_trigger.children()->size()) : 0;
    if (std::holds_alternative<CompoundTrigger>(m_trigger.kind)) {
        m_heading->setText(children == 1 ? tr("A compound trigger fires when enough of its "
                                              "1 trigger fires within the time limit.")
                                         : tr("A compound trigger fires when enough of its %1 "
                                              "triggers fire within the time limit, in any "
                                              "order.")
                                               .arg(children));
        const bool count = m_requireKind->currentIndex() == RequireCount;
        m_requireCount->setVisible(count);
        m_requireSuffix->setText(!count          ? tr("of the triggers")
                                 : children == 1 ? tr("of 1 trigger")
                                                 : tr("of %1 triggers").arg(children));
    } else {
        m_heading->setText(children == 1 ? tr("A sequence trigger fires when its 1 trigger "
                                              "fires, within the time limit.")
                                         : tr("A sequence trigger fires when its %1 triggers "
                                              "fire in the order listed, within the time "
                                              "limit.")
                                               .arg(children));
    }
    // The children's own errors show on their forms: judge require and within over valid
    // stand-ins of them.
    Trigger shallow = m_trigger;
    EventTrigger standIn;
    standIn.posture = Posture::Reactive;
    if (auto *c = std::get_if<CompoundTrigger>(&shallow.kind))
        c->triggers.assign(c->triggers.size(), Trigger{standIn, {}, {}});
    else if (auto *s = std::get_if<SequenceTrigger>(&shallow.kind))
        s->triggers.clear();
    const QString error = validateTrigger(shallow);
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

} // namespace ed::ui
