#pragma once

#include <QString>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace ed::ui {

/// A number of seconds as a count and a unit (seconds, minutes, hours, days), optionally with
/// a "No time limit" box for the composite triggers' nullable `within`. Object names:
/// NAMEValue (the spin box), NAMEUnit (the combo) and NAMEUnlimited (the check box).
///
/// A value is shown in the largest unit that divides it (600 → 10 minutes). Changing the unit
/// keeps the count (10 seconds → 10 minutes). 0 shows zeroText() instead of a number.
class DurationEdit final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DurationEdit)

public:
    DurationEdit(const QString &name, bool nullable, QWidget *parent = nullptr);
    ~DurationEdit() override;

    /// nullopt: unlimited (only when nullable). Fractions of a second are rounded for display.
    void setSeconds(std::optional<double> seconds);
    std::optional<double> seconds() const;
    /// What 0 reads as, e.g. "immediately".
    void setZeroText(const QString &text);

    /// Unit sizes in seconds, in the order of the combo box.
    static constexpr int unitSeconds[] = {1, 60, 3600, 86400};

signals:
    /// The user changed the duration.
    void edited();

private:
    void updateEnabled();

    QSpinBox *m_value = nullptr;
    QComboBox *m_unit = nullptr;
    QCheckBox *m_unlimited = nullptr;
    bool m_updating = false;
};

} // namespace ed::ui
