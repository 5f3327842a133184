#include "ui/resourcespeceditor.h"

#include "ui/chipeditor.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

const QString kNothing = u" ∅"_s; // `label ∅`: a label with an empty list of patterns

bool isEmptyDefault(const QList<ResourceSpec> &specs, bool isList)
{
    return specs.isEmpty() || (specs.size() == 1 && specs.front().isEmpty() && !isList);
}

} // namespace

QStringList specToChips(const ResourceSpec &spec)
{
    QStringList chips;
    for (const auto &entry : spec.entries) {
        if (entry.patterns.isEmpty())
            chips.append(entry.key + kNothing);
        for (const QString &pattern : entry.patterns)
            chips.append(entry.key + u'=' + pattern);
    }
    return chips;
}

ResourceSpec chipsToSpec(const QStringList &chips, const ResourceSpec &previous)
{
    QList<ResourceSpec::Entry> entries;
    for (const QString &chip : chips) {
        const qsizetype eq = chip.indexOf(u'=');
        const bool nothing = eq < 0 && chip.endsWith(kNothing);
        const QString key = nothing ? chip.chopped(kNothing.size()) : chip.left(eq);
        if (eq < 0 && !nothing)
            continue; // the chip editor's check refuses these
        auto it = std::find_if(entries.begin(), entries.end(),
                               [&key](const ResourceSpec::Entry &e) { return e.key == key; });
        if (it == entries.end()) {
            entries.append({key, {}, false});
            it = entries.end() - 1;
        }
        if (!nothing)
            it->patterns.append(chip.mid(eq + 1));
    }
    ResourceSpec spec;
    for (auto &entry : entries) {
        const ResourceSpec::Entry *before = previous.find(entry.key);
        entry.single = before && before->patterns == entry.patterns ? before->single
                                                                    : entry.patterns.size() == 1;
        spec.entries.append(entry);
    }
    return spec;
}

// --- ResourceSpecEditor ---

ResourceSpecEditor::ResourceSpecEditor(const QString &name, QWidget *parent)
    : QWidget(parent)
{
    m_chips = new ChipEditor(name, PatternCompleter::Mode::Label, this);
    m_chips->setPlaceholderText(tr("label=pattern, e.g. prefect.resource.name=etl-*"));
    m_chips->setCheck([this](const QString &text) -> QString {
        if (text.indexOf(u'=') <= 0)
            return tr("Write label=pattern, e.g. prefect.resource.id=prefect.flow-run.*");
        return {};
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_chips);
    connect(m_chips, &ChipEditor::edited, this, [this] {
        m_spec = chipsToSpec(m_chips->items(), m_spec);
        emit edited();
    });
}

ResourceSpecEditor::~ResourceSpecEditor() = default;

void ResourceSpecEditor::setSpec(const ResourceSpec &spec)
{
    m_spec = spec;
    m_chips->setItems(specToChips(spec));
}

void ResourceSpecEditor::setStore(EventStore *store)
{
    m_chips->setStore(store);
}

// --- RelatedSpecsEditor ---

RelatedSpecsEditor::RelatedSpecsEditor(const QString &name, QWidget *parent)
    : QWidget(parent)
    , m_name(name)
{
    setObjectName(name);
    m_boxLayout = new QVBoxLayout;
    m_boxLayout->setContentsMargins(0, 0, 0, 0);
    m_add = new QPushButton(tr("Add related resource…"), this);
    m_add->setObjectName(name + u"Add"_s);
    m_add->setAutoDefault(false);
    m_add->setToolTip(tr("Require a related resource (e.g. the flow run's deployment) whose "
                         "labels match"));
    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_add);
    addRow->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_boxLayout);
    layout->addLayout(addRow);
    connect(m_add, &QPushButton::clicked, this, &RelatedSpecsEditor::addSpec);
}

RelatedSpecsEditor::~RelatedSpecsEditor() = default;

void RelatedSpecsEditor::setSpecs(const QList<ResourceSpec> &specs, bool isList)
{
    if (specs == m_specs && isList == m_isList)
        return;
    m_specs = specs;
    m_isList = isList;
    const qsizetype shown = isEmptyDefault(specs, isList) ? 0 : specs.size();
    if (shown != m_editors.size()) {
        rebuild(shown);
        return;
    }
    for (qsizetype i = 0; i < shown; ++i)
        m_editors[i]->setSpec(specs[i]);
}

void RelatedSpecsEditor::setStore(EventStore *store)
{
    m_store = store;
    for (ResourceSpecEditor *editor : std::as_const(m_editors))
        editor->setStore(store);
}

void RelatedSpecsEditor::addSpec()
{
    const auto before = std::pair(m_specs, m_isList);
    // The lone default `{}` has no box: it becomes the first one.
    if (!m_editors.isEmpty() || m_specs.isEmpty())
        m_specs.append(ResourceSpec{});
    m_isList = m_isList || m_specs.size() > 1;
    rebuild(m_specs.size());
    m_editors.back()->chips()->input()->setFocus();
    if (before != std::pair(m_specs, m_isList))
        emit edited();
}

void RelatedSpecsEditor::removeSpec(int index)
{
    if (index < 0 || index >= m_editors.size())
        return;
    m_specs.removeAt(index);
    if (m_specs.isEmpty()) {
        m_specs = {ResourceSpec{}};
        m_isList = false;
    }
    rebuild(m_editors.size() == 1 ? 0 : m_specs.size());
    emit edited();
}

void RelatedSpecsEditor::rebuild(qsizetype shown)
{
    for (QWidget *box : std::as_const(m_boxes)) {
        box->hide();
        box->setParent(nullptr);
        box->deleteLater(); // a Remove button may be the sender still on the stack
    }
    m_boxes.clear();
    m_editors.clear();
    for (qsizetype i = 0; i < shown; ++i) {
        auto *box = new QFrame(this);
        box->setFrameShape(QFrame::StyledPanel);
        auto *title = new QLabel(tr("Related resource %1").arg(i + 1), box);
        auto *remove = new QPushButton(tr("Remove"), box);
        remove->setObjectName(m_name + u"Remove"_s);
        remove->setAutoDefault(false);
        auto *editor = new ResourceSpecEditor(m_name + QString::number(i), box);
        editor->setSpec(m_specs[i]);
        editor->setStore(m_store);
        editor->chips()->setInputPrefill(u"prefect.resource.role="_s);
        auto *head = new QHBoxLayout;
        head->addWidget(title, 1);
        head->addWidget(remove);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(6, 4, 6, 6);
        layout->addLayout(head);
        layout->addWidget(editor);
        connect(remove, &QPushButton::clicked, this,
                [this, editor] { removeSpec(int(m_editors.indexOf(editor))); });
        connect(editor, &ResourceSpecEditor::edited, this, [this, editor] {
            const qsizetype at = m_editors.indexOf(editor);
            if (at >= 0 && at < m_specs.size()) {
                m_specs[at] = editor->spec();
                emit edited();
            }
        });
        m_boxLayout->addWidget(box);
        m_boxes.append(box);
        m_editors.append(editor);
    }
}

} // namespace ed::ui
