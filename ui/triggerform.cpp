#include "ui/triggerform.h"

#include "ui/compositetriggerform.h"
#include "ui/eventtriggerform.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

std::vector<Trigger> *childrenOf(Trigger &t)
{
    if (auto *c = std::get_if<CompoundTrigger>(&t.kind))
        return &c->triggers;
    if (auto *s = std::get_if<SequenceTrigger>(&t.kind))
        return &s->triggers;
    return nullptr;
}

Trigger newTrigger(TriggerForm::NodeKind kind)
{
    switch (kind) {
    case TriggerForm::NodeKind::Compound: {
        CompoundTrigger c;
        c.require.kind = Require::Kind::All;
        return Trigger{std::move(c), {}, {}};
    }
    case TriggerForm::NodeKind::Sequence: return Trigger{SequenceTrigger{}, {}, {}};
    case TriggerForm::NodeKind::Event: break;
    }
    EventTrigger e;
    e.posture = Posture::Reactive;
    return Trigger{std::move(e), {}, {}};
}

QString eventTitle(const EventTrigger &e)
{
    const QString names =
        e.expect.isEmpty() ? TriggerForm::tr("any event") : e.expect.join(u", "_s);
    QString title;
    if (e.posture == Posture::Proactive)
        title = e.threshold == 1
                    ? TriggerForm::tr("no %1").arg(names)
                    : TriggerForm::tr("fewer than %1 × %2").arg(e.threshold).arg(names);
    else
        title = e.threshold == 1 ? names : TriggerForm::tr("%1 × %2").arg(e.threshold).arg(names);
    if (const double w = e.effectiveWithin(); w > 0)
        title += TriggerForm::tr(" within %1").arg(describeDuration(w));
    if (!e.after.isEmpty())
        title += TriggerForm::tr(" after %1").arg(e.after.join(u", "_s));
    return title;
}

} // namespace

Trigger *triggerAt(Trigger &root, const QList<int> &path)
{
    Trigger *node = &root;
    for (int index : path) {
        std::vector<Trigger> *children = childrenOf(*node);
        if (!children || index < 0 || size_t(index) >= children->size())
            return nullptr;
        node = &(*children)[size_t(index)];
    }
    return node;
}

QString triggerTitle(const Trigger &t)
{
    if (const EventTrigger *e = t.event())
        return eventTitle(*e);
    const int n = int(t.children()->size());
    QString title;
    std::optional<Seconds> within;
    if (const auto *c = std::get_if<CompoundTrigger>(&t.kind)) {
        within = c->within;
        switch (c->require.kind) {
        case Require::Kind::Any: title = TriggerForm::tr("Compound: any of %1").arg(n); break;
        case Require::Kind::All: title = TriggerForm::tr("Compound: all of %1").arg(n); break;
        case Require::Kind::Count:
            title = TriggerForm::tr("Compound: %1 of %2").arg(c->require.count).arg(n);
            break;
        }
    } else {
        within = std::get<SequenceTrigger>(t.kind).within;
        title = TriggerForm::tr("Sequence of %1").arg(n);
    }
    if (within)
        title += TriggerForm::tr(" within %1").arg(describeDuration(within->value));
    return title;
}

TriggerForm::TriggerForm(QWidget *parent)
    : QWidget(parent)
{
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(u"triggerTree"_s);
    m_tree->setHeaderHidden(true);
    m_tree->setColumnCount(1);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->header()->setStretchLastSection(true);

    const auto button = [this](const QString &name, const QString &text, const QString &tip) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(tip);
        b->setProperty("baseToolTip", tip);
        b->setAutoDefault(false);
        return b;
    };
    m_addEvent = button(u"addEvent"_s, tr("+ Event"), tr("Add an event trigger"));
    m_addCompound = button(u"addCompound"_s, tr("+ Compound"), tr("Add a compound trigger"));
    m_addSequence = button(u"addSequence"_s, tr("+ Sequence"), tr("Add a sequence trigger"));
    m_up = button(u"moveUp"_s, tr("Move up"), tr("Move the trigger before its previous sibling"));
    m_down = button(u"moveDown"_s, tr("Move down"), tr("Move the trigger after its next sibling"));
    m_remove = button(u"removeTrigger"_s, tr("Remove"), tr("Remove the selected trigger"));
    m_wrapCompound = button(u"wrapCompound"_s, tr("Wrap in compound"),
                            tr("Put the selected trigger inside a new compound trigger"));
    m_wrapSequence = button(u"wrapSequence"_s, tr("Wrap in sequence"),
                            tr("Put the selected trigger inside a new sequence trigger"));
    auto *buttons = new QGridLayout;
    buttons->setSpacing(4);
    buttons->addWidget(m_addEvent, 0, 0);
    buttons->addWidget(m_addCompound, 0, 1);
    buttons->addWidget(m_addSequence, 0, 2);
    buttons->addWidget(m_up, 1, 0);
    buttons->addWidget(m_down, 1, 1);
    buttons->addWidget(m_remove, 1, 2);
    buttons->addWidget(m_wrapCompound, 2, 0, 1, 2);
    buttons->addWidget(m_wrapSequence, 2, 2);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tree, 1);
    leftLayout->addLayout(buttons);

    m_eventForm = new EventTriggerForm(this);
    auto *eventScroll = new QScrollArea(this);
    eventScroll->setWidgetResizable(true);
    eventScroll->setFrameShape(QFrame::NoFrame);
    eventScroll->setWidget(m_eventForm);
    m_compositeForm = new CompositeTriggerForm(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(eventScroll);
    m_stack->addWidget(m_compositeForm);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(left);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 560});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        if (!m_updating)
            showCurrent();
    });
    connect(m_eventForm, &EventTriggerForm::edited, this, &TriggerForm::onEventEdited);
    connect(m_compositeForm, &CompositeTriggerForm::edited, this, &TriggerForm::onCompositeEdited);
    connect(m_addEvent, &QPushButton::clicked, this, [this] { addTrigger(NodeKind::Event); });
    connect(m_addCompound, &QPushButton::clicked, this, [this] { addTrigger(NodeKind::Compound); });
    connect(m_addSequence, &QPushButton::clicked, this, [this] { addTrigger(NodeKind::Sequence); });
    connect(m_remove, &QPushButton::clicked, this, &TriggerForm::removeCurrent);
    connect(m_up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_wrapCompound, &QPushButton::clicked, this,
            [this] { wrapCurrent(NodeKind::Compound); });
    connect(m_wrapSequence, &QPushButton::clicked, this,
            [this] { wrapCurrent(NodeKind::Sequence); });

    setTrigger(newTrigger(NodeKind::Event));
}

TriggerForm::~TriggerForm() = default;

void TriggerForm::setTrigger(const Trigger &trigger)
{
    const QList<int> path = currentPath();
    m_root = trigger;
    rebuildTree();
    selectPath(path);
}

void TriggerForm::setStore(EventStore *store)
{
    m_eventForm->setStore(store);
}

QList<int> TriggerForm::currentPath() const
{
    QList<int> path;
    for (QTreeWidgetItem *item = m_tree->currentItem(); item && item->parent();
         item = item->parent())
        path.prepend(item->parent()->indexOfChild(item));
    return path;
}

QTreeWidgetItem *TriggerForm::itemAt(const QList<int> &path) const
{
    QTreeWidgetItem *item = m_tree->topLevelItem(0);
    for (int index : path) {
        if (!item || index < 0 || index >= item->childCount())
            return nullptr;
        item = item->child(index);
    }
    return item;
}

void TriggerForm::selectPath(const QList<int> &path)
{
    // The deepest node of `path` that still exists.
    QList<int> existing = path;
    while (!existing.isEmpty() && !itemAt(existing))
        existing.removeLast();
    m_updating = true;
    m_tree->setCurrentItem(itemAt(existing));
    m_updating = false;
    showCurrent();
}

void TriggerForm::rebuildTree()
{
    m_updating = true;
    m_tree->clear();
    const auto add = [](auto &self, const Trigger &t, QTreeWidgetItem *item) -> void {
        if (const auto *children = t.children()) {
            for (const Trigger &child : *children)
                self(self, child, new QTreeWidgetItem(item));
        }
    };
    auto *root = new QTreeWidgetItem(m_tree);
    add(add, m_root, root);
    m_tree->expandAll();
    m_updating = false;
    refreshTitles();
}

void TriggerForm::refreshTitles()
{
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    const auto walk = [&warning](auto &self, const Trigger &t, QTreeWidgetItem *item) -> void {
        item->setText(0, triggerTitle(t));
        item->setToolTip(0, summarize(t));
        const QString error = validateTrigger(t);
        item->setIcon(0, error.isEmpty() ? QIcon() : warning);
        if (!error.isEmpty())
            item->setToolTip(0, summarize(t) + u'\n' + error);
        if (const auto *children = t.children()) {
            for (size_t i = 0; i < children->size() && int(i) < item->childCount(); ++i)
                self(self, (*children)[i], item->child(int(i)));
        }
    };
    if (QTreeWidgetItem *root = m_tree->topLevelItem(0))
        walk(walk, m_root, root);
}

void TriggerForm::showCurrent()
{
    Trigger *node = triggerAt(m_root, currentPath());
    if (!node)
        node = &m_root;
    m_updating = true;
    if (const EventTrigger *e = node->event()) {
        m_eventForm->setTrigger(*e);
        m_stack->setCurrentIndex(0);
    } else {
        m_compositeForm->setTrigger(*node);
        m_stack->setCurrentIndex(1);
    }
    m_updating = false;
    updateButtons();
}

void TriggerForm::updateButtons()
{
    const QList<int> path = currentPath();
    const Trigger *node = triggerAt(m_root, path);
    const bool composite = node && !node->isEvent();
    const bool canAdd = composite || !path.isEmpty();
    for (QPushButton *b : {m_addEvent, m_addCompound, m_addSequence}) {
        b->setEnabled(canAdd);
        const QString tip = b->property("baseToolTip").toString();
        b->setToolTip(canAdd ? tip
                             : tip + u'\n'
                                   + tr("Wrap the event trigger in a compound or sequence "
                                        "trigger first"));
    }
    m_remove->setEnabled(!path.isEmpty());
    int siblings = 0;
    if (!path.isEmpty()) {
        const Trigger *parent = triggerAt(m_root, path.first(path.size() - 1));
        siblings = parent && parent->children() ? int(parent->children()->size()) : 0;
    }
    m_up->setEnabled(!path.isEmpty() && path.back() > 0);
    m_down->setEnabled(!path.isEmpty() && path.back() + 1 < siblings);
}

void TriggerForm::onEventEdited()
{
    if (m_updating)
        return;
    Trigger *node = triggerAt(m_root, currentPath());
    if (!node || !node->isEvent())
        return;
    node->kind = m_eventForm->trigger();
    refreshTitles();
    emit edited();
}

void TriggerForm::onCompositeEdited()
{
    if (m_updating)
        return;
    Trigger *node = triggerAt(m_root, currentPath());
    const Trigger fromForm = m_compositeForm->trigger();
    if (!node || node->kind.index() != fromForm.kind.index())
        return;
    // Only the node's own fields: its children may have changed in the tree since.
    if (auto *c = std::get_if<CompoundTrigger>(&node->kind)) {
        c->require = std::get<CompoundTrigger>(fromForm.kind).require;
        c->within = std::get<CompoundTrigger>(fromForm.kind).within;
    } else if (auto *s = std::get_if<SequenceTrigger>(&node->kind)) {
        s->within = std::get<SequenceTrigger>(fromForm.kind).within;
    }
    refreshTitles();
    emit edited();
}

void TriggerForm::treeEdited(const QList<int> &select)
{
    rebuildTree();
    selectPath(select);
    emit edited();
}

void TriggerForm::addTrigger(NodeKind kind)
{
    QList<int> path = currentPath();
    Trigger *node = triggerAt(m_root, path);
    if (!node)
        return;
    if (std::vector<Trigger> *children = childrenOf(*node)) {
        children->push_back(newTrigger(kind));
        path.append(int(children->size()) - 1);
    } else if (!path.isEmpty()) {
        const int at = path.takeLast() + 1;
        std::vector<Trigger> *siblings = childrenOf(*triggerAt(m_root, path));
        siblings->insert(siblings->begin() + at, newTrigger(kind));
        path.append(at);
    } else {
        return; // a lone event trigger: wrap it first
    }
    treeEdited(path);
}

void TriggerForm::removeCurrent()
{
    QList<int> path = currentPath();
    if (path.isEmpty())
        return;
    const int at = path.takeLast();
    std::vector<Trigger> *siblings = childrenOf(*triggerAt(m_root, path));
    siblings->erase(siblings->begin() + at);
    if (!siblings->empty())
        path.append(qMin(at, int(siblings->size()) - 1));
    treeEdited(path);
}

void TriggerForm::moveCurrent(int delta)
{
    QList<int> path = currentPath();
    if (path.isEmpty())
        return;
    const int at = path.takeLast();
    std::vector<Trigger> *siblings = childrenOf(*triggerAt(m_root, path));
    const int to = at + delta;
    if (to < 0 || size_t(to) >= siblings->size())
        return;
    std::swap((*siblings)[size_t(at)], (*siblings)[size_t(to)]);
    path.append(to);
    treeEdited(path);
}

void TriggerForm::wrapCurrent(NodeKind kind)
{
    const QList<int> path = currentPath();
    Trigger *node = triggerAt(m_root, path);
    if (!node || kind == NodeKind::Event)
        return;
    Trigger wrapper = newTrigger(kind);
    childrenOf(wrapper)->push_back(std::move(*node));
    *node = std::move(wrapper);
    treeEdited(path);
}

} // namespace ed::ui
