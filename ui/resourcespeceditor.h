#pragma once

#include "core/eventfilter.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QPushButton;
class QVBoxLayout;

namespace ed {
class EventStore;
}

namespace ed::ui {

class ChipEditor;

/// The chips of a ResourceSpec: one `label=pattern` chip per pattern, so a label with several
/// patterns (`["a", "b"]`, any of them) shows as several chips with the same label. A label
/// whose list is empty (it matches nothing) shows as `label ∅`.
QStringList specToChips(const ResourceSpec &spec);
/// The spec the chips describe, labels in the order they first appear. A label whose patterns
/// are those of `previous` keeps how it was written (one string or a list); a changed one is
/// written as a string when it has one pattern.
ResourceSpec chipsToSpec(const QStringList &chips, const ResourceSpec &previous = {});

/// Edits one ResourceSpec as chips (see ChipEditor; object names NAMEInput, NAMEChip, …), with
/// completion of label keys and then values from the cache.
class ResourceSpecEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceSpecEditor)

public:
    explicit ResourceSpecEditor(const QString &name, QWidget *parent = nullptr);
    ~ResourceSpecEditor() override;

    void setSpec(const ResourceSpec &spec);
    ResourceSpec spec() const { return m_spec; }
    void setStore(EventStore *store);
    ChipEditor *chips() const { return m_chips; }

signals:
    /// The user changed the spec.
    void edited();

private:
    ResourceSpec m_spec;
    ChipEditor *m_chips = nullptr;
};

/// `match_related`: a list of specs, each matched by some related resource, each in its own
/// box with a Remove button (NAMERemove), and an Add button (NAMEAdd) that starts a new one with
/// `prefect.resource.role=` in its line. The editors are named NAME0, NAME1, …
///
/// A lone empty spec `{}` (the default, "any related resources") shows no box, so the usual
/// trigger shows only the Add button; an untouched value is given back as it came, one object
/// or a list.
class RelatedSpecsEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelatedSpecsEditor)

public:
    explicit RelatedSpecsEditor(const QString &name, QWidget *parent = nullptr);
    ~RelatedSpecsEditor() override;

    void setSpecs(const QList<ResourceSpec> &specs, bool isList);
    QList<ResourceSpec> specs() const { return m_specs; }
    bool isList() const { return m_isList; }
    void setStore(EventStore *store);

    /// The boxes shown.
    int count() const { return int(m_editors.size()); }
    ResourceSpecEditor *editorAt(int index) const { return m_editors.value(index); }
    /// What Add does: a new empty box, its line focused.
    void addSpec();
    /// What a box's Remove does.
    void removeSpec(int index);

signals:
    /// The user changed the specs.
    void edited();

private:
    void rebuild(qsizetype shown);

    QString m_name;
    QList<ResourceSpec> m_specs{ResourceSpec{}};
    bool m_isList = false;
    EventStore *m_store = nullptr;
    QList<ResourceSpecEditor *> m_editors;
    QList<QWidget *> m_boxes;
    QVBoxLayout *m_boxLayout = nullptr;
    QPushButton *m_add = nullptr;
};

} // namespace ed::ui
