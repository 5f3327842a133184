#include "ui/durationedit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QSpinBox>

#include <cmath>

using namespace Qt::StringLiterals;

namespace ed::ui {

DurationEdit::DurationEdit(const QString &name, bool nullable, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(name);
    m_value = new QSpinBox(this);
    m_value->setObjectName(name + u"Value"_s);
    m_value->setRange(0, 999999);
    m_value->setAccelerated(true);
    m_unit = new QComboBox(this);
    m_unit->setObjectName(name + u"Unit"_s);
    m_unit->addItems({tr("seconds"), tr("minutes"), tr("hours"), tr("days")});
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_value);
    layout->addWidget(m_unit);
    if (nullable) {
        m_unlimited = new QCheckBox(tr("No time limit"), this);
        m_unlimited->setObjectName(name + u"Unlimited"_s);
        layout->addWidget(m_unlimited);
        connect(m_unlimited, &QCheckBox::toggled, this, [this] {
            updateEnabled();
            if (!m_updating)
                emit edited();
        });
    }
    layout->addStretch(1);
    connect(m_value, &QSpinBox::valueChanged, this, [this] {
        updateEnabled();
        if (!m_updating)
            emit edited();
    });
    connect(m_unit, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            emit edited();
    });
}

DurationEdit::~DurationEdit() = default;

void DurationEdit::setSeconds(std::optional<double> seconds)
{
    m_updating = true;
    if (m_unlimited)
        m_unlimited->setChecked(!seconds);
    if (seconds) {
        const qint64 whole = std::llround(std::max(0.0, *seconds));
        int unit = 0;
        for (int i = 3; i > 0; --i) {
            if (whole > 0 && whole % unitSeconds[i] == 0) {
                unit = i;
                break;
            }
        }
        m_unit->setCurrentIndex(unit);
        m_value->setValue(int(qMin<qint64>(whole / unitSeconds[unit], m_value->maximum())));
    }
    updateEnabled();
    m_updating = false;
}

std::optional<double> DurationEdit::seconds() const
{
    if (m_unlimited && m_unlimited->isChecked())
        return std::nullopt;
    return double(m_value->value()) * unitSeconds[qMax(0, m_unit->currentIndex())];
}

void DurationEdit::setZeroText(const QString &text)
{
    m_value->setSpecialValueText(text);
    updateEnabled();
}

void DurationEdit::updateEnabled()
{
    const bool limited = !m_unlimited || !m_unlimited->isChecked();
    m_value->setEnabled(limited);
    m_unit->setEnabled(limited);
    // "immediately seconds" would read oddly: the unit shows once there is a count.
    m_unit->setVisible(m_value->value() > 0 || m_value->specialValueText().isEmpty());
}

} // namespace ed::ui
