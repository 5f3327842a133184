#pragma once

#include "core/trigger.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QSpinBox;

namespace ed::ui {

class DurationEdit;

/// The fields of a compound trigger (`require` any / all / N, `within` or no limit) or of a
/// sequence trigger (`within` only). The children are edited in the tree, not here.
///
/// Object names: requireKind (any, all, count), requireCount, compositeWithin… (see
/// DurationEdit, nullable), compositeError.
class CompositeTriggerForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompositeTriggerForm)

public:
    enum RequireIndex { RequireAny, RequireAll, RequireCount };

    explicit CompositeTriggerForm(QWidget *parent = nullptr);
    ~CompositeTriggerForm() override;

    /// Shows `trigger`, which must be a compound or a sequence trigger; its children, id and
    /// unknown members are kept for trigger().
    void setTrigger(const Trigger &trigger);
    Trigger trigger() const { return m_trigger; }

signals:
    /// The user changed a field; trigger() has the result.
    void edited();

private:
    void commit();
    void showState();

    Trigger m_trigger{CompoundTrigger{}, {}, {}};
    bool m_updating = false;
    QLabel *m_heading = nullptr;
    QWidget *m_requireRow = nullptr;
    QLabel *m_requireLabel = nullptr;
    QComboBox *m_requireKind = nullptr;
    QSpinBox *m_requireCount = nullptr;
    QLabel *m_requireSuffix = nullptr;
    DurationEdit *m_within = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace ed::ui
