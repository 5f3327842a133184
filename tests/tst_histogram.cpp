// The histogram: chooseBuckets against count-by's limits on a real cache, and the widget's drag,
// click, double-click and tooltip on known geometry, in light and dark palettes.

#include "core/eventstore.h"
#include "core/histogrambuckets.h"
#include "core/importer.h"
#include "core/timeutil.h"
#include "ui/histogramwidget.h"
#include "ui/timeticks.h"
#include "ui/palette.h"
#include "tests/fixtureevents.h"

#include <QApplication>
#include <QFile>
#include <QHelpEvent>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QRandomGenerator>
#include <QTest>
#include <QToolTip>
#include <QUuid>

#include <cmath>

using namespace ed;
using namespace ed::ui;

namespace {

constexpr qint64 kSecond = 1000000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

qint64 at(const char *iso)
{
    qint64 t = 0;
    timeutil::parse(QString::fromLatin1(iso), t);
    return t;
}

// Demo-like activity: the fixtures' events again and again with fresh ids, busier in waves
// and in a few bursts, over [start, start + span).
QList<Event> busyEvents(const QList<Event> &fixtures, int n, qint64 start, qint64 span)
{
    QRandomGenerator rng(7);
    const QUuid ns = QUuid::fromString(QStringLiteral("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"));
    QList<Event> out;
    while (out.size() < n) {
        const double u = rng.generateDouble();
        const double wave = 0.5 + 0.5 * std::sin(u * 6 * 3.14159265) * std::sin(u * 17.0);
        const bool burst = std::fmod(u * 9, 1.0) < 0.02;
        if (!burst && rng.generateDouble() > wave * wave)
            continue;
        Event e = fixtures.at(out.size() % fixtures.size());
        e.id = QUuid::createUuidV5(ns, QString::number(out.size())).toString(QUuid::WithoutBraces);
        e.occurred = start + qint64(u * double(span));
        e.received = e.occurred + 1000;
        out.append(e);
    }
    return out;
}

EventFilter between(qint64 since, qint64 until)
{
    EventFilter f;
    f.occurred = OccurredFilter{since, until};
    return f;
}

} // namespace

class TestHistogram : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void chooseBuckets_data();
    void chooseBuckets();
    void chooseBucketsLimits_data();
    void chooseBucketsLimits();
    void timeTicks_data();
    void timeTicks();
    void dragSelectsBars_data();
    void dragSelectsBars();
    void clickAndDoubleClick();
    void tooltip();
    void paintsInBothPalettes();

private:
    QTemporaryDir m_dir;
    EventStore m_store;
    QList<CountBucket> m_fixtureBuckets;
};

void TestHistogram::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("cache.sqlite"))));
    const QList<Event> events = testsupport::fixtureEvents();
    QCOMPARE(events.size(), 30);
    const IngestStats stats = m_store.ingest(events, QStringLiteral("file:fixtures"));
    QCOMPARE(stats.stored + stats.duplicates, 30); // the fixtures repeat a few ids
    // The fixtures' last hours, as the app would ask for them.
    const qint64 until = at("2026-03-31T19:00:00Z");
    const BucketChoice c = ed::chooseBuckets(until - 2 * kHour, until);
    const auto buckets =
        m_store.countBy(Countable::Time, between(until - 2 * kHour, until), c.unit, c.interval);
    QVERIFY2(buckets, qPrintable(m_store.lastError()));
    m_fixtureBuckets = *buckets;
}

void TestHistogram::chooseBuckets_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<TimeUnit>("unit");
    QTest::addColumn<double>("interval");
    QTest::addColumn<qint64>("bars");
    // `until` is a whole day, so the spans end on a boundary; count-by counts both ends.
    QTest::addRow("15 min") << 15 * kMinute << TimeUnit::Second << 5.0 << qint64(181);
    QTest::addRow("1 h") << kHour << TimeUnit::Second << 15.0 << qint64(241);
    QTest::addRow("24 h") << kDay << TimeUnit::Minute << 5.0 << qint64(289);
    QTest::addRow("7 d") << 7 * kDay << TimeUnit::Hour << 1.0 << qint64(169);
    QTest::addRow("30 d") << 30 * kDay << TimeUnit::Hour << 3.0 << qint64(241);
    QTest::addRow("1 y") << 365 * kDay << TimeUnit::Day << 2.0 << qint64(183);
    QTest::addRow("3 s") << 3 * kSecond << TimeUnit::Second << 0.02 << qint64(151);
}

void TestHistogram::chooseBuckets()
{
    QFETCH(qint64, span);
    QFETCH(TimeUnit, unit);
    QFETCH(double, interval);
    QFETCH(qint64, bars);
    const qint64 until = at("2026-03-31T00:00:00Z");
    const qint64 since = until - span;
    const BucketChoice c = ed::chooseBuckets(since, until);
    QCOMPARE(c.unit, unit);
    QCOMPARE(c.interval, interval);
    QCOMPARE(c.bars, bars);
    QVERIFY(c.bars <= 300);
    // Count-by takes it and returns exactly that many buckets, holding every event in range.
    const EventFilter filter = between(since, until);
    const auto buckets = m_store.countBy(Countable::Time, filter, c.unit, c.interval);
    QVERIFY2(buckets, qPrintable(m_store.lastError()));
    QCOMPARE(buckets->size(), c.bars);
    qint64 total = 0;
    for (const CountBucket &b : *buckets) {
        QCOMPARE(b.endTime - b.startTime + 1, c.widthMicros);
        total += b.count;
    }
    QCOMPARE(total, m_store.count(filter).value_or(-1));
}

void TestHistogram::chooseBucketsLimits_data()
{
    QTest::addColumn<qint64>("until");
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("maxBars");
    const qint64 odd = at("2025-07-13T05:17:23.456789Z");
    for (const int maxBars : {1, 7, 300, 1000, 5000}) {
        for (const qint64 span : {qint64(0), qint64(1), 999 * qint64(1000), 61 * kSecond,
                                  3 * kHour + 17, 40 * kDay, 3 * 365 * kDay, 80 * 365 * kDay})
            QTest::addRow("%d bars, %lld us", maxBars, span) << odd << span << maxBars;
    }
    // A span across count-by's origin (2024-04-01) can never fit in one bucket.
    QTest::addRow("across the origin") << at("2024-04-01T00:00:01Z") << 2 * kSecond << 1;
}

void TestHistogram::chooseBucketsLimits()
{
    QFETCH(qint64, until); // in the past: count-by stops at the current period
    QFETCH(qint64, span);
    QFETCH(int, maxBars);
    const qint64 since = until - span;
    const BucketChoice c = ed::chooseBuckets(since, until, maxBars);
    QVERIFY(c.bars >= 1);
    QVERIFY(c.interval >= 0.01);
    QCOMPARE(c.bars, ed::bucketCount(since, until, c.widthMicros));
    // Buckets are aligned to count-by's origin (2024-04-01): a span across it needs two.
    const bool straddles = since < at("2024-04-01T00:00:00Z") && until >= at("2024-04-01T00:00:00Z");
    QVERIFY2(c.bars <= std::max(std::clamp(maxBars, 1, 1000), straddles ? 2 : 1),
             qPrintable(QString::number(c.bars)));
    const auto buckets =
        m_store.countBy(Countable::Time, between(since, until), c.unit, c.interval);
    QVERIFY2(buckets, qPrintable(m_store.lastError()));
    QCOMPARE(buckets->size(), c.bars);
}

void TestHistogram::timeTicks_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("pixels");
    QTest::addColumn<QString>("format"); ///< what every label looks like (Qt date format)
    QTest::addRow("3 s") << 3 * kSecond << 600 << QStringLiteral("HH:mm:ss.zzz");
    QTest::addRow("15 min") << 15 * kMinute << 600 << QStringLiteral("HH:mm");
    QTest::addRow("24 h") << kDay << 600 << QStringLiteral("HH:mm|d MMM");
    QTest::addRow("7 d") << 7 * kDay << 600 << QStringLiteral("d MMM");
    QTest::addRow("1 y") << 365 * kDay << 600 << QStringLiteral("MMM|yyyy");
    QTest::addRow("30 y") << 30 * 365 * kDay << 600 << QStringLiteral("yyyy");
}

void TestHistogram::timeTicks()
{
    QFETCH(qint64, span);
    QFETCH(int, pixels);
    QFETCH(QString, format);
    const qint64 to = at("2026-03-31T18:00:00Z");
    const qint64 from = to - span;
    const QFontMetrics fm(QApplication::font());
    const QList<TimeTick> ticks = ui::timeTicks(from, to, pixels, fm);
    QVERIFY2(ticks.size() >= 2, qPrintable(QString::number(ticks.size())));
    const QLocale locale;
    const QStringList formats = format.split(u'|');
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const TimeTick &t = ticks.at(i);
        QVERIFY(t.time >= from && t.time <= to);
        const QDateTime local = ui::localDateTime(t.time);
        bool matches = false;
        for (const QString &f : formats)
            matches = matches || locale.toString(local, f) == t.label;
        QVERIFY2(matches, qPrintable(t.label));
        if (i == 0)
            continue;
        // Evenly spaced (a month or a DST change aside) and never crowded.
        const double gap = double(t.time - ticks.at(i - 1).time) * pixels / double(span);
        QVERIFY2(gap >= fm.horizontalAdvance(t.label) + 4, qPrintable(t.label));
    }
}

void TestHistogram::dragSelectsBars_data()
{
    QTest::addColumn<QList<CountBucket>>("buckets");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QList<CountBucket> twelve;
    const qint64 start = at("2026-03-31T18:00:00Z");
    for (int i = 0; i < 12; ++i)
        twelve.append({QString::number(i), {}, i % 4, start + i * kMinute, start + (i + 1) * kMinute - 1});
    QTest::addRow("12 wide bars, left to right") << twelve << 2 << 5;
    QTest::addRow("12 wide bars, right to left") << twelve << 9 << 3;
    QTest::addRow("fixtures, 241 narrow bars") << m_fixtureBuckets << 40 << 200;
    QTest::addRow("fixtures, backwards") << m_fixtureBuckets << 230 << 1;
}

void TestHistogram::dragSelectsBars()
{
    QFETCH(QList<CountBucket>, buckets);
    QFETCH(int, from);
    QFETCH(int, to);
    HistogramWidget w;
    w.resize(640, w.sizeHint().height());
    w.setBuckets(buckets);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.height(), 90);
    QSignalSpy selected(&w, &HistogramWidget::rangeSelected);

    const int y = w.plotRect().center().y();
    const QPoint press(w.barRect(from).center().x(), y);
    const QPoint release(w.barRect(to).center().x(), y);
    QCOMPARE(w.bucketAt(press.x()), from);
    QCOMPARE(w.bucketAt(release.x()), to);
    QTest::mousePress(&w, Qt::LeftButton, {}, press);
    QTest::mouseMove(&w, (press + release) / 2);
    QTest::mouseMove(&w, release);
    QTest::mouseRelease(&w, Qt::LeftButton, {}, release);

    QCOMPARE(selected.size(), 1);
    const int first = std::min(from, to), last = std::max(from, to);
    QCOMPARE(selected.at(0).at(0).toLongLong(), buckets.at(first).startTime);
    QCOMPARE(selected.at(0).at(1).toLongLong(), buckets.at(last).endTime);

    // Past the plot's edges the selection stops at the first and last bars.
    QTest::mousePress(&w, Qt::LeftButton, {}, QPoint(w.plotRect().center().x(), y));
    QTest::mouseMove(&w, QPoint(2, y));
    QTest::mouseRelease(&w, Qt::LeftButton, {}, QPoint(2, y));
    QCOMPARE(selected.size(), 2);
    QCOMPARE(selected.at(1).at(0).toLongLong(), buckets.constFirst().startTime);
}

void TestHistogram::clickAndDoubleClick()
{
    HistogramWidget w;
    w.resize(500, 90);
    w.setBuckets(m_fixtureBuckets);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy selected(&w, &HistogramWidget::rangeSelected);
    QSignalSpy reset(&w, &HistogramWidget::resetRequested);
    const QPoint p = w.plotRect().center();
    QTest::mouseClick(&w, Qt::LeftButton, {}, p);
    QCOMPARE(selected.size(), 0);
    QTest::mouseDClick(&w, Qt::LeftButton, {}, p);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(selected.size(), 0);
    // Escape abandons a drag.
    QTest::mousePress(&w, Qt::LeftButton, {}, p);
    QTest::mouseMove(&w, p + QPoint(60, 0));
    QTest::keyClick(&w, Qt::Key_Escape);
    QTest::mouseRelease(&w, Qt::LeftButton, {}, p + QPoint(60, 0));
    QCOMPARE(selected.size(), 0);
    // Without buckets there is nothing to select.
    w.setBuckets({});
    QTest::mousePress(&w, Qt::LeftButton, {}, p);
    QTest::mouseMove(&w, p + QPoint(60, 0));
    QTest::mouseRelease(&w, Qt::LeftButton, {}, p + QPoint(60, 0));
    QCOMPARE(selected.size(), 0);
    QCOMPARE(w.bucketAt(p.x()), -1);
}

void TestHistogram::tooltip()
{
    QList<CountBucket> buckets;
    const qint64 start = at("2026-03-31T18:00:00Z");
    for (int i = 0; i < 6; ++i)
        buckets.append({QString::number(i), {}, 1000 + i, start + i * 5 * kMinute,
                        start + (i + 1) * 5 * kMinute - 1});
    HistogramWidget w;
    w.resize(400, 90);
    w.setBuckets(buckets);
    w.setMarkers({start + 11 * kMinute});
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QPoint pos(w.barRect(2).center().x(), w.plotRect().center().y());
    QHelpEvent help(QEvent::ToolTip, pos, w.mapToGlobal(pos));
    QApplication::sendEvent(&w, &help);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QToolTip::text();
    const QLocale locale;
    const QDateTime s = QDateTime::fromMSecsSinceEpoch((start + 10 * kMinute) / 1000);
    const QDateTime e = QDateTime::fromMSecsSinceEpoch((start + 15 * kMinute) / 1000);
    QVERIFY2(text.contains(locale.toString(s, QStringLiteral("HH:mm"))), qPrintable(text));
    QVERIFY2(text.contains(locale.toString(e, QStringLiteral("HH:mm"))), qPrintable(text));
    QVERIFY2(text.contains(locale.toString(qint64(1002)) + QStringLiteral(" events")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("1 marker")), qPrintable(text));
    QToolTip::hideText();
}

// Renders demo-like data (six busy hours) in a light and a dark
// palette; the bars take the palette's highlight. Set EVENTDECK_SCREENSHOTS to a folder to keep
// the images.
void TestHistogram::paintsInBothPalettes()
{
    QTemporaryDir dir;
    EventStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("demo.sqlite"))));
    const qint64 end = at("2026-03-31T18:00:00Z");
    QCOMPARE(store.ingest(busyEvents(testsupport::fixtureEvents(), 30000, end - 6 * kHour, 6 * kHour),
                          QStringLiteral("demo"))
                 .stored,
             30000);
    const BucketChoice c = ed::chooseBuckets(end - 6 * kHour, end);
    const auto buckets = store.countBy(Countable::Time, between(end - 6 * kHour, end), c.unit, c.interval);
    QVERIFY(buckets && !buckets->isEmpty());
    EventFilter failed = between(end - 6 * kHour, end);
    failed.event = NameFilter{};
    failed.event->name = QStringList{QStringLiteral("prefect.automation.triggered")};
    QList<qint64> markers; // a few automation firings
    const auto page = store.page(failed, 1000);
    QVERIFY(page && page->size() > 100);
    for (qsizetype i = 0; i < page->size(); i += 97)
        markers.append(page->at(i).event.occurred);

    const QString keep = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[name, palette] : {std::pair{"light", light}, std::pair{"dark", darkPalette()}}) {
        HistogramWidget w;
        w.setPalette(palette);
        w.resize(900, w.sizeHint().height());
        w.setBuckets(*buckets);
        QImage image = w.grab().toImage();
        // The tallest bar's foot is the highlight colour.
        int tallest = 0;
        for (int i = 0; i < buckets->size(); ++i) {
            if (buckets->at(i).count > buckets->at(tallest).count)
                tallest = i;
        }
        const QRect bar = w.barRect(tallest);
        const QColor foot = image.pixelColor(bar.left(), w.plotRect().bottom() - 1);
        QCOMPARE(foot.rgb(), palette.color(QPalette::Highlight).rgb());
        w.setMarkers(markers);
        image = w.grab().toImage();
        if (!keep.isEmpty()) {
            QVERIFY(image.save(keep + QStringLiteral("/histogram-%1.png").arg(QLatin1String(name))));
            // The same with a drag in progress.
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            const int y = w.plotRect().center().y();
            QTest::mousePress(&w, Qt::LeftButton, {}, QPoint(300, y));
            QTest::mouseMove(&w, QPoint(520, y));
            w.grab().save(keep + QStringLiteral("/histogram-%1-drag.png").arg(QLatin1String(name)));
            QTest::mouseRelease(&w, Qt::LeftButton, {}, QPoint(520, y));
        }
    }
    HistogramWidget empty;
    empty.resize(400, 90);
    if (!keep.isEmpty())
        empty.grab().save(keep + QStringLiteral("/histogram-empty.png"));

    // Other spans, for the time axis: sub-second, days, months.
    for (const auto &[name, span] : {std::pair{"3s", 3 * kSecond}, std::pair{"7d", 7 * kDay},
                                     std::pair{"1y", 365 * kDay}}) {
        const BucketChoice choice = ed::chooseBuckets(end - span, end);
        const auto spanBuckets = store.countBy(Countable::Time, between(end - span, end),
                                               choice.unit, choice.interval);
        QVERIFY(spanBuckets);
        QList<CountBucket> filled = *spanBuckets;
        for (qsizetype i = 0; i < filled.size(); ++i)
            filled[i].count = 20 + qint64(15 * std::sin(double(i) / 9.0)) + (i % 7);
        HistogramWidget w;
        w.resize(700, 90);
        w.setBuckets(filled);
        const QImage image = w.grab().toImage();
        QVERIFY(!image.isNull());
        if (!keep.isEmpty())
            image.save(keep + QStringLiteral("/histogram-%1.png").arg(QLatin1String(name)));
    }
}

QTEST_MAIN(TestHistogram)
#include "tst_histogram.moc"
