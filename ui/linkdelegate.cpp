#include "ui/linkdelegate.h"

#include "ui/eventtree.h"

#include <QAbstractItemView>
#include <QApplication>

#include <cmath>

namespace ed::ui {

namespace {

double luminance(const QColor &c)
{
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

LinkDelegate::LinkDelegate(QAbstractItemView *view)
    : QStyledItemDelegate(view)
    , m_view(view)
{
    view->setItemDelegate(this);
    view->setMouseTracking(true);
    connect(view, &QAbstractItemView::clicked, this, &LinkDelegate::activate);
    connect(view, &QAbstractItemView::activated, this, &LinkDelegate::activate);
    connect(view, &QAbstractItemView::entered, this, [this](const QModelIndex &index) {
        if (isLink(index))
            m_view->viewport()->setCursor(Qt::PointingHandCursor);
        else
            m_view->viewport()->unsetCursor();
    });
    connect(view, &QAbstractItemView::viewportEntered, this,
            [this] { m_view->viewport()->unsetCursor(); });
}

bool LinkDelegate::isLink(const QModelIndex &index)
{
    return index.isValid() && LinkKind(index.data(LinkKindRole).toInt()) != LinkKind::None;
}

QColor LinkDelegate::linkColor(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor link = palette.color(QPalette::Link);
    if (contrast(link, base) >= 4.5)
        return link;
    return luminance(base) < 0.2 ? QColor(0x7c, 0xb9, 0xff) : QColor(0x15, 0x5c, 0xb0);
}

void LinkDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (isLink(index)) {
        option->palette.setColor(QPalette::Text, linkColor(option->palette));
        option->font.setUnderline(true);
    } else if (index.data(MutedRole).toBool()) {
        const QPalette &p = option->palette;
        // A third of the way to the background: dimmer than text, still well readable on light
        // and dark palettes.
        option->palette.setColor(QPalette::Text,
                                 mix(p.color(QPalette::Text), p.color(QPalette::Base), 0.35));
    }
}

void LinkDelegate::activate(const QModelIndex &index)
{
    if (!isLink(index))
        return;
    if (m_lastActivation.isValid()
        && m_lastActivation.elapsed() < QApplication::doubleClickInterval())
        return;
    m_lastActivation.start();
    emit linkActivated(index);
}

} // namespace ed::ui
