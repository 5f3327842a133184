#pragma once

#include <QElapsedTimer>
#include <QStyledItemDelegate>

class QAbstractItemView;

namespace ed::ui {

/// Draws the cells that carry a link (LinkKindRole, see eventtree.h) in a link colour that stays
/// readable on the view's palette, dims MutedRole cells, and turns clicks and Return on a link
/// into linkActivated(). A second activation within the double-click interval is dropped: the
/// first one usually replaced the rows, and the second click would land on another link.
class LinkDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkDelegate)

public:
    /// Installs itself as `view`'s delegate (the view becomes its parent).
    explicit LinkDelegate(QAbstractItemView *view);

    static bool isLink(const QModelIndex &index);
    /// The palette's link colour, or a blue that contrasts with its base where that one does not
    /// (Qt's default link blue on a dark base is hard to read).
    static QColor linkColor(const QPalette &palette);

signals:
    void linkActivated(const QModelIndex &index);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    void activate(const QModelIndex &index);

    QAbstractItemView *m_view;
    QElapsedTimer m_lastActivation;
};

} // namespace ed::ui
