#include "ui/histogramwidget.h"

#include "ui/timeticks.h"

#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr int kTopMargin = 6;
constexpr int kRightMargin = 6;
constexpr int kTickLength = 3;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor withAlpha(QColor color, qreal alpha)
{
    color.setAlphaF(float(alpha));
    return color;
}

} // namespace

HistogramWidget::HistogramWidget(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Events over time"));
}

HistogramWidget::~HistogramWidget() = default;

void HistogramWidget::setBuckets(const QList<CountBucket> &buckets)
{
    m_buckets = buckets;
    m_maxCount = 0;
    for (const CountBucket &b : m_buckets)
        m_maxCount = std::max(m_maxCount, b.count);
    m_start = m_buckets.isEmpty() ? 0 : m_buckets.constFirst().startTime;
    m_end = m_buckets.isEmpty() ? 0 : std::max(m_start + 1, m_buckets.constLast().endTime + 1);
    m_hover = -1;
    invalidateLayout(); // the scale's label, and so the plot's left edge, may have changed
    cancelDrag();
    update();
}

void HistogramWidget::setMarkers(const QList<qint64> &timesMicros)
{
    m_markers = timesMicros;
    std::sort(m_markers.begin(), m_markers.end());
    update();
}

QSize HistogramWidget::sizeHint() const
{
    return {480, 90};
}

QSize HistogramWidget::minimumSizeHint() const
{
    return {120, 90};
}

QFont HistogramWidget::axisFont() const
{
    QFont f = font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 0.85);
    else
        f.setPixelSize(std::max(8, f.pixelSize() * 85 / 100));
    return f;
}

qint64 HistogramWidget::niceMaximum() const
{
    // The top of the scale: the next 1, 2 or 5 × 10^k at or above the tallest bar.
    qint64 nice = 1;
    while (nice < m_maxCount) {
        if (nice * 2 >= m_maxCount)
            return nice * 2;
        if (nice * 5 >= m_maxCount)
            return nice * 5;
        nice *= 10;
    }
    return nice;
}

QString HistogramWidget::countLabel(qint64 count) const
{
    const QLocale locale = this->locale();
    if (count < 1000)
        return locale.toString(count);
    if (count < 1000000)
        return locale.toString(double(count) / 1e3, 'g', 3) + u'k';
    return locale.toString(double(count) / 1e6, 'g', 3) + u'M';
}

void HistogramWidget::invalidateLayout()
{
    m_plotCache.reset();
    m_tickCache.reset();
}

QRect HistogramWidget::plotRect() const
{
    if (!m_plotCache)
        m_plotCache = computePlotRect();
    return *m_plotCache;
}

QRect HistogramWidget::computePlotRect() const
{
    const QFontMetrics fm(axisFont());
    const int left = std::max(20, fm.horizontalAdvance(countLabel(niceMaximum())) + 8);
    const int bottom = fm.height() + kTickLength + 2;
    return {left, kTopMargin, std::max(1, width() - left - kRightMargin),
            std::max(1, height() - kTopMargin - bottom)};
}

double HistogramWidget::xFor(qint64 micros) const
{
    const QRect plot = plotRect();
    return plot.left() + double(micros - m_start) * plot.width() / double(m_end - m_start);
}

QRect HistogramWidget::barRect(int index) const
{
    if (index < 0 || index >= m_buckets.size())
        return {};
    const QRect plot = plotRect();
    const CountBucket &b = m_buckets.at(index);
    const int x0 = int(std::lround(xFor(b.startTime)));
    const int x1 = int(std::lround(xFor(b.endTime + 1)));
    return {x0, plot.top(), std::max(1, x1 - x0), plot.height()};
}

int HistogramWidget::bucketAt(int x) const
{
    const QRect plot = plotRect();
    if (m_buckets.isEmpty() || x < plot.left() || x > plot.right())
        return -1;
    const int i = clampedBucketAt(x);
    return barRect(i).contains(x, plot.top()) ? i : -1;
}

int HistogramWidget::clampedBucketAt(int x) const
{
    // The last bar starting at or before x: with more bars than pixels, the one drawn on top.
    int lo = 0, hi = int(m_buckets.size());
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (barRect(mid).left() <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return std::max(0, lo - 1);
}

QString HistogramWidget::toolTipFor(int index, int x) const
{
    const CountBucket &b = m_buckets.at(index);
    const QLocale locale = this->locale();
    const qint64 width = b.endTime + 1 - b.startTime;
    const QDateTime start = localDateTime(b.startTime);
    const QDateTime end = localDateTime(b.endTime + 1);
    const QString time = width < kSecond                                     ? u"HH:mm:ss.zzz"_s
                         : width < kMinute || start.time().second() != 0 ? u"HH:mm:ss"_s
                                                                          : u"HH:mm"_s;
    const QString date = u"ddd d MMM yyyy"_s;
    QString range = locale.toString(start, date + u", "_s + time) + u" – "_s;
    range += locale.toString(end, start.date() == end.date() ? time : date + u", "_s + time);
    QString text = range + u'\n'
                   + (b.count == 1 ? tr("1 event") : tr("%1 events").arg(locale.toString(b.count)));
    // Markers within the bar, or within a few pixels of the pointer when the bar is narrow.
    const double slack = 3 * double(m_end - m_start) / std::max(1, plotRect().width());
    const double at = m_start + (x - plotRect().left()) * double(m_end - m_start) / plotRect().width();
    qsizetype marks = 0;
    for (const qint64 m : m_markers) {
        if ((m >= b.startTime && m <= b.endTime) || std::abs(double(m) - at) <= slack)
            ++marks;
    }
    if (marks == 1)
        text += u'\n' + tr("1 marker");
    else if (marks > 1)
        text += u'\n' + tr("%1 markers").arg(marks);
    return text;
}

bool HistogramWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int i = plotRect().contains(help->pos()) ? bucketAt(help->pos().x()) : -1;
        if (i < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), toolTipFor(i, help->pos().x()), this, barRect(i));
        }
        return true;
    }
    return QWidget::event(event);
}

void HistogramWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette pal = palette();
    const QRect plot = plotRect();
    const QColor text = pal.color(QPalette::WindowText);
    painter.fillRect(plot, pal.color(QPalette::Base));
    painter.setFont(axisFont());

    if (m_buckets.isEmpty()) {
        painter.setPen(withAlpha(pal.color(QPalette::Text), 0.55));
        painter.drawText(plot, Qt::AlignCenter, tr("No events"));
    } else {
        paintTicks(painter, plot);
        const QColor bar = pal.color(QPalette::Highlight);
        const QColor hover = isDark(pal) ? bar.lighter(140) : bar.darker(130);
        int selFirst = -1, selLast = -1;
        if (m_dragging) {
            selFirst = clampedBucketAt(std::min(m_anchorX, m_currentX));
            selLast = clampedBucketAt(std::max(m_anchorX, m_currentX));
        }
        const double scale = double(plot.height()) / double(niceMaximum());
        for (int i = 0; i < m_buckets.size(); ++i) {
            const qint64 count = m_buckets.at(i).count;
            if (count <= 0)
                continue;
            QRect r = barRect(i);
            const int h = std::clamp(int(std::lround(double(count) * scale)), 1, plot.height());
            r.setTop(plot.bottom() - h + 1);
            if (r.width() >= 4)
                r.setWidth(r.width() - 1); // a gap between wide bars
            QColor c = i == m_hover && !m_dragging ? hover : bar;
            if (m_dragging && (i < selFirst || i > selLast))
                c = withAlpha(bar, 0.35);
            painter.fillRect(r, c);
        }
        if (m_dragging) {
            const QRect a = barRect(selFirst), b = barRect(selLast);
            const QRect band(QPoint(a.left(), plot.top()), QPoint(b.right(), plot.bottom()));
            painter.fillRect(band, withAlpha(bar, 0.18));
            painter.setPen(bar);
            painter.drawRect(band.adjusted(0, 0, -1, -1));
        }
        paintMarkers(painter, plot);
        // The scale: the plot's top edge is this count.
        painter.setPen(withAlpha(text, 0.7));
        const QFontMetrics fm(axisFont());
        painter.drawText(QRect(0, plot.top() - 2, plot.left() - 4, fm.height()),
                         Qt::AlignRight | Qt::AlignTop, countLabel(niceMaximum()));
    }
    painter.setPen(withAlpha(text, 0.3));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(plot.adjusted(0, 0, -1, -1));
}

void HistogramWidget::paintTicks(QPainter &painter, const QRect &plot)
{
    const QColor text = palette().color(QPalette::WindowText);
    const QFontMetrics fm(axisFont());
    int lastRight = std::numeric_limits<int>::min();
    if (!m_tickCache)
        m_tickCache = timeTicks(m_start, m_end, plot.width(), fm, locale());
    for (const TimeTick &tick : std::as_const(*m_tickCache)) {
        const int x = int(std::lround(xFor(tick.time)));
        painter.setPen(withAlpha(text, 0.08));
        painter.drawLine(x, plot.top() + 1, x, plot.bottom());
        painter.setPen(withAlpha(text, 0.45));
        painter.drawLine(x, plot.bottom() + 1, x, plot.bottom() + kTickLength);
        const int w = fm.horizontalAdvance(tick.label);
        const int left = std::clamp(x - w / 2, 0, std::max(0, width() - w));
        if (left < lastRight + 6)
            continue;
        painter.setPen(withAlpha(text, 0.75));
        painter.drawText(QRect(left, plot.bottom() + kTickLength + 1, w, fm.height()),
                         Qt::AlignCenter, tick.label);
        lastRight = left + w;
    }
}

void HistogramWidget::paintMarkers(QPainter &painter, const QRect &plot)
{
    const QColor marker = isDark(palette()) ? QColor(0xf5, 0xa6, 0x23) : QColor(0xd3, 0x54, 0x00);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    // Many markers (a trigger firing hundreds of times) would hide the bars: their lines fade,
    // the heads along the top still show where they fall.
    const auto visible = std::count_if(m_markers.cbegin(), m_markers.cend(),
                                       [this](qint64 t) { return t >= m_start && t < m_end; });
    const double lineAlpha = visible > plot.width() / 8 ? 0.22 : 0.85;
    for (const qint64 t : m_markers) {
        if (t < m_start || t >= m_end)
            continue;
        const double x = std::floor(xFor(t)) + 0.5;
        painter.setPen(QPen(withAlpha(marker, lineAlpha), 1));
        painter.drawLine(QPointF(x, plot.top() + 4), QPointF(x, plot.bottom()));
        QPainterPath head;
        head.moveTo(x - 3.5, plot.top());
        head.lineTo(x + 3.5, plot.top());
        head.lineTo(x, plot.top() + 5);
        head.closeSubpath();
        painter.fillPath(head, marker);
    }
    painter.restore();
}

void HistogramWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_buckets.isEmpty())
        return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_anchorX = m_currentX = event->position().toPoint().x();
}

void HistogramWidget::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_pressed) {
        m_currentX = pos.x();
        if (!m_dragging && std::abs(m_currentX - m_anchorX) >= QApplication::startDragDistance())
            m_dragging = true;
        if (m_dragging)
            update();
    }
    const int hover = plotRect().contains(pos) ? bucketAt(pos.x()) : -1;
    if (hover != m_hover) {
        m_hover = hover;
        update();
    }
}

void HistogramWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return QWidget::mouseReleaseEvent(event);
    m_currentX = event->position().toPoint().x();
    const bool dragged = m_dragging;
    cancelDrag();
    if (!dragged)
        return;
    const int first = clampedBucketAt(std::min(m_anchorX, m_currentX));
    const int last = clampedBucketAt(std::max(m_anchorX, m_currentX));
    emit rangeSelected(m_buckets.at(first).startTime, m_buckets.at(last).endTime);
}

void HistogramWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseDoubleClickEvent(event);
    cancelDrag();
    emit resetRequested();
}

void HistogramWidget::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape && m_pressed) {
        cancelDrag();
        return;
    }
    QWidget::keyPressEvent(event);
}

void HistogramWidget::leaveEvent(QEvent *event)
{
    if (m_hover != -1) {
        m_hover = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

void HistogramWidget::resizeEvent(QResizeEvent *event)
{
    invalidateLayout();
    QWidget::resizeEvent(event);
}

void HistogramWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::LocaleChange)
        invalidateLayout();
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange
        || event->type() == QEvent::LocaleChange)
        update();
    QWidget::changeEvent(event);
}

void HistogramWidget::cancelDrag()
{
    if (m_dragging)
        update();
    m_pressed = false;
    m_dragging = false;
}

} // namespace ed::ui
