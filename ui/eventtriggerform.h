#pragma once

#include "core/trigger.h"

#include <QWidget>

class QButtonGroup;
class QLabel;
class QRadioButton;
class QSpinBox;

namespace ed {
class EventStore;
}

namespace ed::ui {

class ChipEditor;
class DurationEdit;
class RelatedSpecsEditor;
class ResourceSpecEditor;

/// Every field of an event trigger: posture, `expect` and `after` patterns, `match` and
/// `match_related` label chips, `for_each`, threshold and `within`. An edit changes only its
/// own field of the trigger given to setTrigger(), so fields the form does not touch (and how
/// they were written) stay as they came. The server's complaints about a field show under it.
///
/// Object names: postureReactive, postureProactive, expect…, after…, match…, matchRelated…,
/// forEach… (see ChipEditor and RelatedSpecsEditor for their parts), threshold, within…
/// (see DurationEdit), and NAMEError for the errors of posture, threshold and within.
class EventTriggerForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventTriggerForm)

public:
    explicit EventTriggerForm(QWidget *parent = nullptr);
    ~EventTriggerForm() override;

    void setTrigger(const EventTrigger &trigger);
    EventTrigger trigger() const { return m_trigger; }
    void setStore(EventStore *store);

signals:
    /// The user changed a field; trigger() has the result.
    void edited();

private:
    void commit();
    void showPosture();
    void showErrors();

    EventTrigger m_trigger;
    bool m_updating = false;
    QButtonGroup *m_posture = nullptr;
    QRadioButton *m_reactive = nullptr;
    QRadioButton *m_proactive = nullptr;
    ChipEditor *m_expect = nullptr;
    ChipEditor *m_after = nullptr;
    ResourceSpecEditor *m_match = nullptr;
    RelatedSpecsEditor *m_related = nullptr;
    ChipEditor *m_forEach = nullptr;
    QSpinBox *m_threshold = nullptr;
    QLabel *m_thresholdHint = nullptr;
    DurationEdit *m_within = nullptr;
    QLabel *m_postureError = nullptr;
    QLabel *m_thresholdError = nullptr;
    QLabel *m_withinError = nullptr;
};

} // namespace ed::ui
