#pragma once

#include "core/eventfilter.h"
#include "core/eventstore.h"
#include "core/filterexpression.h"

#include <QAbstractItemModel>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace ed::ui {

struct EventNameNode;

/// Event names grouped by their dotted prefixes, as Wireshark's protocol hierarchy groups
/// protocols: `prefect` › `flow-run` › `Completed`. A prefix node (`prefect.flow-run.`) counts
/// the events of every name below it; siblings are ordered by count, largest first, then by
/// name. A name that is also the start of longer names (`a.b` beside `a.b.c`) appears twice
/// under `a`: as the leaf `b` and as the prefix `b` holding `c`, since `event:a.b.*` does not
/// match `a.b` itself.
///
/// New counts are merged into the tree (rows inserted, removed and moved, counts changed in
/// place), so a view keeps its expansion, selection and scroll position across recounts.
class EventNameModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventNameModel)

public:
    enum Column { NameColumn, CountColumn, ShareColumn, ColumnCount };
    enum Role {
        EventNameRole = Qt::UserRole, ///< the event name, or the prefix ending in a dot
        IsPrefixRole,                 ///< bool
        CountRole,                    ///< qint64: the events of the name, or of all names below
        ShareRole,                    ///< double in [0, 1]: the count over all events counted
        MarkRole,                     ///< Mark: what the filter bar's event terms do to it
        TermRole,                     ///< `event:NAME` or `event:PREFIX*`
        ExcludeTermRole,              ///< `-event:NAME` or `-event:PREFIX*`
    };

    /// What the filter bar's `event:`/`-event:` terms do to a name; a prefix takes its names'
    /// mark when they all share one, else Mixed.
    enum class Mark {
        None,        ///< no event term concerns it: shown
        Included,    ///< shown, because an `event:` term asks for it
        Excluded,    ///< hidden by a `-event:` term
        FilteredOut, ///< hidden because no `event:` term asks for it
        Mixed,       ///< a prefix whose names are marked differently
    };
    Q_ENUM(Mark)

    explicit EventNameModel(QObject *parent = nullptr);
    ~EventNameModel() override;

    /// Replaces the counts (EventStore::countBy with Countable::Event: value = event name).
    void setCounts(const QList<CountBucket> &counts);
    /// The bar's event terms (other keys are ignored); marks every node by them.
    void setActiveTerms(const QList<FilterTerm> &terms);
    QList<FilterTerm> activeTerms() const { return m_terms; }

    /// Events counted, over every name.
    qint64 total() const { return m_total; }
    /// Distinct event names (leaves).
    int nameCount() const { return m_names; }
    /// The node of an event name, or of a prefix when `key` ends with a dot; invalid if absent.
    QModelIndex indexOf(const QString &key, int column = NameColumn) const;

    /// The filter-bar term for a node: `event:NAME`, `event:PREFIX*`, with a `-` when `exclude`.
    static QString termFor(const QString &key, bool isPrefix, bool exclude = false);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    using Node = EventNameNode;

    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOfNode(const Node *node, int column = NameColumn) const;
    void merge(Node *target, Node &fresh);
    void remark(Node *node);
    void emitChanged(Node *parent);
    Mark leafMark(const QString &name) const;

    std::unique_ptr<Node> m_root;
    qint64 m_total = 0;
    int m_names = 0;
    QList<FilterTerm> m_terms;
    std::optional<NameFilter> m_nameFilter; ///< the terms as Prefect's filter
    QList<FilterTerm> m_excludes;           ///< the negated terms, to tell why a name is hidden
    bool m_hasIncludes = false;
};

} // namespace ed::ui
