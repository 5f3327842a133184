#pragma once

#include "core/eventstore.h"
#include "ui/timeticks.h"

#include <QList>
#include <QWidget>

#include <optional>

namespace ed::ui {

/// A strip of bars: events per time bucket for the feed's filter (EventStore::countBy with
/// Countable::Time, sized by chooseBuckets), with local-time ticks and optional markers (e.g.
/// when a trigger fired). Dragging across bars selects their time range; a double-click asks
/// for the range to be reset. Colours come from the palette, so light and dark themes both work.
class HistogramWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistogramWidget)

public:
    explicit HistogramWidget(QWidget *parent = nullptr);
    ~HistogramWidget() override;

    /// Contiguous buckets in time order, as count-by returns them.
    void setBuckets(const QList<ed::CountBucket> &buckets);
    QList<ed::CountBucket> buckets() const { return m_buckets; }
    /// Times (µs UTC) drawn as markers over the bars; those outside the buckets are not shown.
    void setMarkers(const QList<qint64> &timesMicros);
    QList<qint64> markers() const { return m_markers; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    /// Where the bars are drawn, in widget coordinates.
    QRect plotRect() const;
    /// The column of bucket `index` (full plot height); empty when out of range.
    QRect barRect(int index) const;
    /// The bucket whose column holds `x`, or -1 (also when `x` is outside the bars).
    int bucketAt(int x) const;

signals:
    /// The user dragged across bars: from the start of the first bar touched to the end of the
    /// last (µs UTC, both inclusive, as EventFilter's `occurred`).
    void rangeSelected(qint64 sinceMicros, qint64 untilMicros);
    void resetRequested();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void invalidateLayout();
    QRect computePlotRect() const;
    QFont axisFont() const;
    qint64 niceMaximum() const;
    QString countLabel(qint64 count) const;
    double xFor(qint64 micros) const;
    int clampedBucketAt(int x) const;
    QString toolTipFor(int index, int x) const;
    void paintTicks(QPainter &painter, const QRect &plot);
    void paintMarkers(QPainter &painter, const QRect &plot);
    void cancelDrag();

    QList<ed::CountBucket> m_buckets;
    QList<qint64> m_markers; ///< sorted
    qint64 m_start = 0;      ///< first bucket's start
    qint64 m_end = 0;        ///< last bucket's end + 1 µs
    qint64 m_maxCount = 0;
    mutable std::optional<QRect> m_plotCache;
    mutable std::optional<QList<TimeTick>> m_tickCache;
    int m_hover = -1;
    bool m_pressed = false;
    bool m_dragging = false; ///< pressed and moved past the drag distance
    int m_anchorX = 0;
    int m_currentX = 0;
};

} // namespace ed::ui
