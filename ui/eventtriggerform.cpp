#include "ui/eventtriggerform.h"

#include "ui/chipeditor.h"
#include "ui/durationedit.h"
#include "ui/resourcespeceditor.h"

#include <QButtonGroup>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

/// A field and the error line under it, as one form row.
QWidget *withError(QWidget *field, QLabel *error, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(error);
    return box;
}

QLabel *hint(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

EventTriggerForm::EventTriggerForm(QWidget *parent)
    : QWidget(parent)
{
    m_reactive = new QRadioButton(tr("Reactive: when events happen"), this);
    m_reactive->setObjectName(u"postureReactive"_s);
    m_proactive = new QRadioButton(tr("Proactive: when events do not happen in time"), this);
    m_proactive->setObjectName(u"postureProactive"_s);
    m_posture = new QButtonGroup(this);
    m_posture->addButton(m_reactive);
    m_posture->addButton(m_proactive);
    auto *postureBox = new QWidget(this);
    auto *postureRow = new QHBoxLayout(postureBox);
    postureRow->setContentsMargins(0, 0, 0, 0);
    postureRow->addWidget(m_reactive);
    postureRow->addWidget(m_proactive);
    postureRow->addStretch(1);
    m_postureError = makeErrorLabel(u"postureError"_s, this);

    m_expect = new ChipEditor(u"expect"_s, PatternCompleter::Mode::EventName, this);
    m_expect->setPlaceholderText(
        tr("Any event; add a name or pattern, e.g. prefect.flow-run.Failed"));
    m_after = new ChipEditor(u"after"_s, PatternCompleter::Mode::EventName, this);
    m_after->setPlaceholderText(
        tr("Optional: events that open the window, e.g. prefect.flow-run.Running"));
    m_match = new ResourceSpecEditor(u"match"_s, this);
    m_match->chips()->setPlaceholderText(
        tr("Any resource; add label=pattern, e.g. prefect.resource.id=prefect.flow-run.*"));
    m_related = new RelatedSpecsEditor(u"matchRelated"_s, this);
    m_forEach = new ChipEditor(u"forEach"_s, PatternCompleter::Mode::ForEach, this);
    m_forEach->setPlaceholderText(tr("One count for all; add a label, e.g. prefect.resource.id or "
                                     "related:deployment:prefect.resource.id"));

    m_threshold = new QSpinBox(this);
    m_threshold->setObjectName(u"threshold"_s);
    m_threshold->setRange(1, std::numeric_limits<int>::max());
    m_thresholdHint = hint(QString(), this);
    auto *thresholdBox = new QWidget(this);
    auto *thresholdRow = new QHBoxLayout(thresholdBox);
    thresholdRow->setContentsMargins(0, 0, 0, 0);
    thresholdRow->addWidget(m_threshold);
    thresholdRow->addWidget(m_thresholdHint, 1);
    m_thresholdError = makeErrorLabel(u"thresholdError"_s, this);

    m_within = new DurationEdit(u"within"_s, false, this);
    m_withinError = makeErrorLabel(u"withinError"_s, this);

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Posture:"), withError(postureBox, m_postureError, this));
    form->addRow(tr("Expect:"), m_expect);
    form->addRow(tr("After:"), m_after);
    form->addRow(tr("Resource:"), m_match);
    form->addRow(tr("Related:"), m_related);
    form->addRow(tr("For each:"), m_forEach);
    form->addRow(tr("Threshold:"), withError(thresholdBox, m_thresholdError, this));
    form->addRow(tr("Within:"), withError(m_within, m_withinError, this));

    connect(m_posture, &QButtonGroup::buttonClicked, this, [this] {
        m_trigger.posture = m_proactive->isChecked() ? Posture::Proactive : Posture::Reactive;
        commit();
    });
    connect(m_expect, &ChipEditor::edited, this, [this] {
        m_trigger.expect = m_expect->items();
        commit();
    });
    connect(m_after, &ChipEditor::edited, this, [this] {
        m_trigger.after = m_after->items();
        commit();
    });
    connect(m_forEach, &ChipEditor::edited, this, [this] {
        m_trigger.forEach = m_forEach->items();
        commit();
    });
    connect(m_match, &ResourceSpecEditor::edited, this, [this] {
        m_trigger.match = m_match->spec();
        commit();
    });
    connect(m_related, &RelatedSpecsEditor::edited, this, [this] {
        m_trigger.matchRelated = m_related->specs();
        m_trigger.matchRelatedIsList = m_related->isList();
        commit();
    });
    connect(m_threshold, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_updating)
            return;
        m_trigger.threshold = value;
        commit();
    });
    connect(m_within, &DurationEdit::edited, this, [this] {
        m_trigger.within = Seconds{m_within->seconds().value_or(0), {}};
        commit();
    });
    setTrigger(EventTrigger{});
}

EventTriggerForm::~EventTriggerForm() = default;

void EventTriggerForm::setTrigger(const EventTrigger &trigger)
{
    m_updating = true;
    m_trigger = trigger;
    // An absent posture checks neither button: the server requires one.
    m_posture->setExclusive(false);
    m_reactive->setChecked(trigger.posture == Posture::Reactive);
    m_proactive->setChecked(trigger.posture == Posture::Proactive);
    m_posture->setExclusive(true);
    m_expect->setItems(trigger.expect);
    m_after->setItems(trigger.after);
    m_match->setSpec(trigger.match);
    m_related->setSpecs(trigger.matchRelated, trigger.matchRelatedIsList);
    m_forEach->setItems(trigger.forEach);
    // A threshold beyond the spin box (or below 1) is shown clamped; the value is kept.
    m_threshold->setValue(int(qBound(qint64(1), trigger.threshold, qint64(m_threshold->maximum()))));
    m_within->setSeconds(trigger.within.value);
    showPosture();
    showErrors();
    m_updating = false;
}

void EventTriggerForm::setStore(EventStore *store)
{
    m_expect->setStore(store);
    m_after->setStore(store);
    m_match->setStore(store);
    m_related->setStore(store);
    m_forEach->setStore(store);
}

void EventTriggerForm::commit()
{
    if (m_updating)
        return;
    showPosture();
    showErrors();
    emit edited();
}

void EventTriggerForm::showPosture()
{
    const bool proactive = m_trigger.posture == Posture::Proactive;
    m_thresholdHint->setText(proactive ? tr("fire when fewer than this many events happen")
                                       : tr("fire when at least this many events happen"));
    // The server gives a Proactive trigger 10 s for `within: 0`.
    m_within->setZeroText(proactive ? tr("10 seconds (default)") : tr("immediately"));
}

void EventTriggerForm::showErrors()
{
    Trigger wrapped{m_trigger, {}, {}};
    const QString error = validateTrigger(wrapped);
    const qsizetype colon = error.indexOf(u": "_s);
    const QString field = error.left(colon);
    const QString why = error.mid(colon + 2);
    for (auto [label, name] : {std::pair{m_postureError, u"trigger.posture"},
                               std::pair{m_thresholdError, u"trigger.threshold"},
                               std::pair{m_withinError, u"trigger.within"}}) {
        const bool mine = !error.isEmpty() && field == name;
        label->setText(mine ? why : QString());
        label->setVisible(mine);
    }
}

} // namespace ed::ui
