#include "ui/eventnamemodel.h"

#include <QHash>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <climits>

namespace ed::ui {

struct EventNameNode
{
    QString segment; ///< what the tree shows: the part after the parent's prefix
    QString key;     ///< the event name, or the prefix with its trailing dot
    bool prefix = false;
    qint64 count = 0;
    EventNameModel::Mark mark = EventNameModel::Mark::None;
    EventNameNode *parent = nullptr;
    std::vector<std::unique_ptr<EventNameNode>> children;

    int row() const
    {
        const auto &siblings = parent->children;
        for (size_t i = 0; i < siblings.size(); ++i) {
            if (siblings[i].get() == this)
                return int(i);
        }
        return -1;
    }
    /// A leaf and a prefix may share a key's text (`a.` as a name and as the prefix of `a.b`).
    QString identity() const { return (prefix ? u'p' : u'n') + key; }
};

namespace {

using Node = EventNameNode;

bool before(const Node *a, const Node *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    if (a->segment != b->segment)
        return a->segment < b->segment;
    return !a->prefix && b->prefix;
}

void sortTree(Node &node)
{
    std::stable_sort(node.children.begin(), node.children.end(),
                     [](const auto &a, const auto &b) { return before(a.get(), b.get()); });
    for (auto &child : node.children)
        sortTree(*child);
}

std::unique_ptr<Node> buildTree(const QList<CountBucket> &counts)
{
    auto root = std::make_unique<Node>();
    root->prefix = true;
    QHash<QString, Node *> prefixes;
    for (const CountBucket &bucket : counts) {
        const QString &name = bucket.value;
        Node *parent = root.get();
        qsizetype start = 0;
        for (qsizetype dot = name.indexOf(u'.'); dot >= 0; dot = name.indexOf(u'.', start)) {
            const QString key = name.left(dot + 1);
            Node *next = prefixes.value(key);
            if (!next) {
                auto node = std::make_unique<Node>();
                node->segment = name.mid(start, dot - start);
                node->key = key;
                node->prefix = true;
                node->parent = parent;
                next = node.get();
                parent->children.push_back(std::move(node));
                prefixes.insert(key, next);
            }
            parent = next;
            start = dot + 1;
        }
        auto leaf = std::make_unique<Node>();
        leaf->segment = name.mid(start);
        leaf->key = name;
        leaf->count = bucket.count;
        leaf->parent = parent;
        parent->children.push_back(std::move(leaf));
        for (Node *p = parent; p; p = p->parent)
            p->count += bucket.count;
    }
    sortTree(*root);
    return root;
}

bool termMatches(const FilterTerm &term, const QString &name)
{
    return term.value.endsWith(u'*') ? name.startsWith(QStringView(term.value).chopped(1))
                                     : name == term.value;
}

} // namespace

EventNameModel::EventNameModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
    m_root->prefix = true;
}

EventNameModel::~EventNameModel() = default;

QString EventNameModel::termFor(const QString &key, bool isPrefix, bool exclude)
{
    return formatFilterTerm(exclude ? QStringLiteral("-event") : QStringLiteral("event"),
                            isPrefix ? key + u'*' : key);
}

void EventNameModel::setCounts(const QList<CountBucket> &counts)
{
    std::unique_ptr<Node> fresh = buildTree(counts);
    merge(m_root.get(), *fresh);
    m_root->count = fresh->count;
    m_total = fresh->count;
    m_names = int(counts.size());
    remark(m_root.get());
    emitChanged(m_root.get());
}

void EventNameModel::setActiveTerms(const QList<FilterTerm> &terms)
{
    m_terms.clear();
    m_excludes.clear();
    m_hasIncludes = false;
    for (const FilterTerm &term : terms) {
        if (term.key != u"event")
            continue;
        m_terms += term;
        if (term.negated)
            m_excludes += term;
        else
            m_hasIncludes = true;
    }
    m_nameFilter.reset();
    if (!m_terms.isEmpty()) {
        // The bar's own translation, so that `event:` terms combine here as they do in the feed.
        if (const auto filter = filterFromTerms(m_terms, 0))
            m_nameFilter = filter->event;
    }
    remark(m_root.get());
    emitChanged(m_root.get());
}

EventNameModel::Mark EventNameModel::leafMark(const QString &name) const
{
    if (!m_nameFilter)
        return Mark::None;
    EventFilter filter;
    filter.event = m_nameFilter;
    Event event;
    event.event = name;
    if (filter.matches(event))
        return m_hasIncludes ? Mark::Included : Mark::None;
    const bool excluded = std::any_of(m_excludes.cbegin(), m_excludes.cend(),
                                      [&](const FilterTerm &t) { return termMatches(t, name); });
    return excluded || !m_hasIncludes ? Mark::Excluded : Mark::FilteredOut;
}

void EventNameModel::remark(Node *node)
{
    if (!node->prefix) {
        node->mark = leafMark(node->key);
        return;
    }
    std::optional<Mark> common;
    bool mixed = false;
    for (const auto &child : node->children) {
        remark(child.get());
        if (!common)
            common = child->mark;
        else if (*common != child->mark)
            mixed = true;
    }
    node->mark = mixed ? Mark::Mixed : common.value_or(Mark::None);
}

// Counts, shares and marks can change anywhere; one signal per parent keeps it cheap.
void EventNameModel::emitChanged(Node *parent)
{
    if (parent->children.empty())
        return;
    const QModelIndex p = parent == m_root.get() ? QModelIndex() : indexOfNode(parent);
    emit dataChanged(index(0, 0, p), index(int(parent->children.size()) - 1, ColumnCount - 1, p));
    for (const auto &child : parent->children)
        emitChanged(child.get());
}

void EventNameModel::merge(Node *target, Node &fresh)
{
    const QModelIndex parent = target == m_root.get() ? QModelIndex() : indexOfNode(target);
    QHash<QString, Node *> wanted;
    for (const auto &child : fresh.children)
        wanted.insert(child->identity(), child.get());

    for (int i = int(target->children.size()) - 1; i >= 0; --i) {
        if (!wanted.contains(target->children[size_t(i)]->identity())) {
            beginRemoveRows(parent, i, i);
            target->children.erase(target->children.begin() + i);
            endRemoveRows();
        }
    }
    QSet<QString> kept;
    for (const auto &child : target->children) {
        Node *update = wanted.value(child->identity());
        kept.insert(child->identity());
        child->count = update->count;
        if (child->prefix)
            merge(child.get(), *update);
    }
    // New names go in whole, their subtrees already sorted, at the end until the moves below.
    for (auto &child : fresh.children) {
        if (kept.contains(child->identity()))
            continue;
        const int row = int(target->children.size());
        beginInsertRows(parent, row, row);
        child->parent = target;
        target->children.push_back(std::move(child));
        endInsertRows();
    }

    std::vector<Node *> order;
    order.reserve(target->children.size());
    for (const auto &child : target->children)
        order.push_back(child.get());
    std::stable_sort(order.begin(), order.end(), before);
    auto &children = target->children;
    for (size_t to = 0; to < order.size(); ++to) {
        size_t from = to;
        while (children[from].get() != order[to])
            ++from;
        if (from == to)
            continue;
        beginMoveRows(parent, int(from), int(from), parent, int(to));
        std::unique_ptr<Node> node = std::move(children[from]);
        children.erase(children.begin() + qsizetype(from));
        children.insert(children.begin() + qsizetype(to), std::move(node));
        endMoveRows();
    }
}

EventNameModel::Node *EventNameModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex EventNameModel::indexOfNode(const Node *node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row(), column, const_cast<Node *>(node));
}

QModelIndex EventNameModel::indexOf(const QString &key, int column) const
{
    const bool prefix = key.endsWith(u'.');
    const Node *node = m_root.get();
    qsizetype start = 0;
    // Walk down the prefixes of `key`, then look for the node itself among the last one's children.
    while (node) {
        const qsizetype dot = key.indexOf(u'.', start);
        const bool last = dot < 0 || (prefix && dot == key.size() - 1);
        const QString step = last ? key : key.left(dot + 1);
        const bool stepPrefix = last ? prefix : true;
        const Node *next = nullptr;
        for (const auto &child : node->children) {
            if (child->prefix == stepPrefix && child->key == step) {
                next = child.get();
                break;
            }
        }
        if (last || !next)
            return indexOfNode(next, column);
        node = next;
        start = dot + 1;
    }
    return {};
}

QModelIndex EventNameModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0 || parent.column() > 0)
        return {};
    const Node *p = nodeOf(parent);
    if (size_t(row) >= p->children.size())
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex EventNameModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOfNode(nodeOf(child)->parent);
}

int EventNameModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int EventNameModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

Qt::ItemFlags EventNameModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!nodeOf(index)->prefix)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant EventNameModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    const double share = m_total > 0 ? double(node->count) / double(m_total) : 0.0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return node->segment.isEmpty() ? tr("(empty)") : node->segment;
        case CountColumn: return node->count;
        case ShareColumn:
            if (share > 0 && share < 0.001)
                return tr("<0.1 %");
            return tr("%1 %").arg(QLocale().toString(share * 100, 'f', 1));
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = (node->prefix ? node->key + u'*' : node->key) + u'\n'
                      + tr("%n event(s)", nullptr, int(std::min<qint64>(node->count, INT_MAX)));
        switch (node->mark) {
        case Mark::None: break;
        case Mark::Included:
            tip += u'\n' + tr("Shown: an event: term in the filter bar asks for it");
            break;
        case Mark::Excluded: tip += u'\n' + tr("Hidden by a -event: term in the filter bar"); break;
        case Mark::FilteredOut:
            tip += u'\n' + tr("Hidden: no event: term in the filter bar asks for it");
            break;
        case Mark::Mixed: tip += u'\n' + tr("Some names below are hidden by the filter bar"); break;
        }
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() != NameColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case EventNameRole: return node->key;
    case IsPrefixRole: return node->prefix;
    case CountRole: return node->count;
    case ShareRole: return share;
    case MarkRole: return QVariant::fromValue(node->mark);
    case TermRole: return termFor(node->key, node->prefix);
    case ExcludeTermRole: return termFor(node->key, node->prefix, true);
    default: return {};
    }
}

QVariant EventNameModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section != NameColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Event name");
    case CountColumn: return tr("Events");
    case ShareColumn: return tr("Share");
    }
    return {};
}

} // namespace ed::ui
