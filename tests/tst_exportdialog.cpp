// Export from the app: ExportJob writes what `eventdeck export` writes (the same core function,
// compared byte for byte), the selected rows alone, and nothing at all when cancelled; the
// dialog drives the job and its file chooser.

#include "core/eventstore.h"
#include "core/exporter.h"
#include "core/importer.h"
#include "core/timeutil.h"
#include "ui/exportdialog.h"
#include "ui/exportjob.h"
#include "ui/palette.h"
#include "tests/fixtureevents.h"

#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSemaphore>
#include <QProcess>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <atomic>
#include <optional>

using namespace ed;
using namespace ed::ui;

Q_DECLARE_METATYPE(ed::EventFilter)

namespace {

qint64 at(const char *iso)
{
    qint64 t = 0;
    timeutil::parse(QString::fromLatin1(iso), t);
    return t;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What `eventdeck export` writes for the filter: its core function, straight into memory.
std::optional<QByteArray> cliBytes(const QString &cachePath, const EventFilter &filter,
                                   ExportFormat format)
{
    EventStore store;
    if (!store.open(cachePath))
        return std::nullopt;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const ExportResult r = exportEvents(store, filter, -1, &buffer, format);
    return r.ok ? std::optional(buffer.data()) : std::nullopt;
}

bool runJob(ExportJob &job, const QString &path, ExportFormat format, ExportScope scope,
            QString *error = nullptr)
{
    QSignalSpy finished(&job, &ExportJob::finished);
    if (!job.start(path, format, scope))
        return false;
    if (!finished.wait(30000))
        return false;
    if (error)
        *error = finished.at(0).at(1).toString();
    return finished.at(0).at(0).toBool();
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matchingIsTheCliOutput_data();
    void matchingIsTheCliOutput();
    void selectedRows_data();
    void selectedRows();
    void cancelLeavesNoFile();
    void unwritablePath();
    void dialogExports();
    void dialogCancel();
    void dialogBrowse();
    void screenshots();

private:
    QString m_cache; ///< the fixtures
    QString m_big;   ///< enough events for cancelling midway
    QList<RowKey> m_keys;
    QTemporaryDir m_dir;
};

void TestExportDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QList<Event> events = testsupport::fixtureEvents();
    QCOMPARE(events.size(), 30);
    m_cache = m_dir.filePath(QStringLiteral("cache.sqlite"));
    {
        EventStore store;
        QVERIFY(store.open(m_cache));
        const IngestStats s = store.ingest(events, QStringLiteral("file:fixtures"));
        QCOMPARE(s.stored + s.duplicates, 30);
        const auto keys = store.keys(EventFilter{});
        QVERIFY(keys);
        m_keys = *keys;
        QCOMPARE(m_keys.size(), s.stored);
    }
    m_big = m_dir.filePath(QStringLiteral("big.sqlite"));
    EventStore big;
    QVERIFY(big.open(m_big));
    const QUuid ns = QUuid::fromString(QStringLiteral("{3d0c4f0e-8a7b-4f5e-9a51-0c1f2e3d4b5a}"));
    QList<Event> batch;
    for (int i = 0; i < 30000; ++i) {
        Event e = events.at(i % events.size());
        e.id = QUuid::createUuidV5(ns, QString::number(i)).toString(QUuid::WithoutBraces);
        e.occurred = at("2026-03-01T00:00:00Z") + qint64(i) * 1000000;
        batch.append(e);
    }
    QCOMPARE(big.ingest(batch, QStringLiteral("demo")).stored, 30000);
}

void TestExportDialog::matchingIsTheCliOutput_data()
{
    QTest::addColumn<EventFilter>("filter");
    QTest::addColumn<ExportFormat>("format");
    EventFilter flowRuns;
    flowRuns.event = NameFilter{};
    flowRuns.event->prefix = QStringList{QStringLiteral("prefect.flow-run.")};
    EventFilter ascending;
    ascending.order = EventFilter::Order::Asc;
    ascending.occurred = OccurredFilter{at("2024-01-01T00:00:00Z"), std::nullopt};
    EventFilter none;
    none.event = NameFilter{};
    none.event->name = QStringList{QStringLiteral("no.such.event")};
    for (const auto &[name, format] :
         {std::pair{"json", ExportFormat::Json}, std::pair{"ndjson", ExportFormat::Ndjson}}) {
        QTest::addRow("everything, %s", name) << EventFilter{} << format;
        QTest::addRow("flow runs, %s", name) << flowRuns << format;
        QTest::addRow("ascending since 2024, %s", name) << ascending << format;
        QTest::addRow("no match, %s", name) << none << format;
    }
}

void TestExportDialog::matchingIsTheCliOutput()
{
    QFETCH(EventFilter, filter);
    QFETCH(ExportFormat, format);
    const auto expected = cliBytes(m_cache, filter, format);
    QVERIFY(expected);
    ExportJob job(m_cache, filter, {});
    QSignalSpy progress(&job, &ExportJob::progress);
    const QString path = m_dir.filePath(QStringLiteral("matching.out"));
    QString error;
    QVERIFY2(runJob(job, path, format, ExportScope::Matching, &error), qPrintable(error));
    QCOMPARE(readAll(path), *expected);
    // And byte for byte what the `eventdeck export` binary writes for the same filter.
    const QString filterPath = m_dir.filePath(QStringLiteral("filter.json"));
    QFile filterFile(filterPath);
    QVERIFY(filterFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    filterFile.write(filter.toJson());
    filterFile.close();
    QProcess cli;
    cli.start(QStringLiteral(EVENTDECK_BINARY),
              {QStringLiteral("export"), QStringLiteral("--cache"), m_cache, QStringLiteral("--filter-json"), filterPath,
               QStringLiteral("--limit"), QStringLiteral("100000000"), QStringLiteral("--format"),
               format == ExportFormat::Json ? QStringLiteral("json") : QStringLiteral("ndjson")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 0);
    QCOMPARE(cli.readAllStandardOutput(), readAll(path));
    // The progress reports a total first and ends on it.
    QVERIFY(progress.size() >= 2);
    const qint64 total = progress.constFirst().at(1).toLongLong();
    QCOMPARE(progress.constFirst().at(0).toLongLong(), 0);
    QCOMPARE(progress.constLast().at(0).toLongLong(), total);
    QCOMPARE(job.written(), total);
    QVERIFY(!job.isRunning());
}

void TestExportDialog::selectedRows_data()
{
    QTest::addColumn<QList<int>>("rows");
    QTest::addColumn<ExportFormat>("format");
    QTest::addRow("three in feed order, ndjson") << QList<int>{4, 0, 9} << ExportFormat::Ndjson;
    QTest::addRow("three in feed order, json") << QList<int>{4, 0, 9} << ExportFormat::Json;
    QTest::addRow("one, json") << QList<int>{7} << ExportFormat::Json;
    QTest::addRow("duplicates and a gone seq") << QList<int>{2, 2, -1, 3} << ExportFormat::Ndjson;
    QTest::addRow("none") << QList<int>{} << ExportFormat::Json;
}

void TestExportDialog::selectedRows()
{
    QFETCH(QList<int>, rows);
    QFETCH(ExportFormat, format);
    QList<qint64> seqs;
    QList<QByteArray> expected;
    EventStore store;
    QVERIFY(store.open(m_cache));
    for (const int row : rows) {
        if (row < 0) {
            seqs.append(999999); // not in the cache: skipped
            continue;
        }
        const qint64 seq = m_keys.at(row).seq;
        const auto events = store.fetch({seq});
        QVERIFY(events && events->size() == 1);
        if (!seqs.contains(seq))
            expected.append(events->constFirst().json);
        seqs.append(seq);
    }
    QByteArray bytes;
    if (format == ExportFormat::Json) {
        bytes = '[' + expected.join(',') + "]\n";
    } else {
        for (const QByteArray &json : std::as_const(expected))
            bytes += json + '\n';
    }

    ExportJob job(m_cache, EventFilter{}, seqs);
    const QString path = m_dir.filePath(QStringLiteral("selected.out"));
    QString error;
    QVERIFY2(runJob(job, path, format, ExportScope::Selected, &error), qPrintable(error));
    QCOMPARE(readAll(path), bytes);
    QCOMPARE(job.written(), qint64(expected.size()));
    // Each line is a stored event, which `eventdeck import` reads back.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    EventReader reader(&file);
    Event e;
    int read = 0;
    while (reader.next(e) == EventReader::Result::Event)
        ++read;
    QCOMPARE(read, expected.size());
}

void TestExportDialog::cancelLeavesNoFile()
{
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("events.json"));
    ExportJob job(m_big, EventFilter{}, {});
    // Cancel from the worker thread as soon as the first events are out: deterministic.
    connect(&job, &ExportJob::progress, &job, [&job](qint64 done, qint64) {
        if (done > 0)
            job.cancel();
    }, Qt::DirectConnection);
    QSignalSpy progress(&job, &ExportJob::progress);
    QString error;
    QVERIFY(!runJob(job, path, ExportFormat::Json, ExportScope::Matching, &error));
    QVERIFY(job.wasCancelled());
    QVERIFY(!error.isEmpty());
    QVERIFY(job.written() < 30000);
    QVERIFY(progress.size() >= 2);
    QCOMPARE(progress.constFirst().at(1).toLongLong(), 30000);
    QVERIFY(!QFile::exists(path));
    QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList());

    // An existing file stays as it was.
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("old contents\n");
    old.close();
    job.cancel();
    QVERIFY(!runJob(job, path, ExportFormat::Ndjson, ExportScope::Matching));
    QCOMPARE(readAll(path), QByteArray("old contents\n"));

    // Selected rows too; and a job runs again after a cancel.
    const QList<qint64> seqs{m_keys.at(0).seq, m_keys.at(1).seq};
    ExportJob selected(m_cache, EventFilter{}, seqs);
    QSignalSpy finished(&selected, &ExportJob::finished);
    QVERIFY(selected.start(out.filePath(QStringLiteral("sel.json")), ExportFormat::Json,
                           ExportScope::Selected));
    selected.cancel();
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.at(0).at(0).toBool());
    QVERIFY(!QFile::exists(out.filePath(QStringLiteral("sel.json"))));
    QVERIFY(runJob(selected, out.filePath(QStringLiteral("sel.json")), ExportFormat::Json,
                   ExportScope::Selected));
    QVERIFY(QFile::exists(out.filePath(QStringLiteral("sel.json"))));
}

void TestExportDialog::unwritablePath()
{
    ExportJob job(m_cache, EventFilter{}, {});
    QString error;
    QVERIFY(!runJob(job, m_dir.filePath(QStringLiteral("no/such/folder/x.json")), ExportFormat::Json,
                    ExportScope::Matching, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!job.wasCancelled());
}

void TestExportDialog::dialogExports()
{
    EventFilter filter;
    filter.event = NameFilter{};
    filter.event->prefix = QStringList{QStringLiteral("prefect.")};
    ExportDialog dialog(m_cache, filter, {m_keys.at(1).seq});
    dialog.setNativeFileDialog(false);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.scope(), ExportScope::Matching); // one selected row is just the current one
    QVERIFY(dialog.fileName().endsWith(QStringLiteral(".json")));
    dialog.setFormat(ExportFormat::Ndjson);
    QVERIFY(dialog.fileName().endsWith(QStringLiteral(".ndjson")));
    const QString path = m_dir.filePath(QStringLiteral("dialog.ndjson"));
    dialog.setFileName(path);

    QSignalSpy accepted(&dialog, &QDialog::accepted);
    auto *box = dialog.findChild<QDialogButtonBox *>();
    QVERIFY(box);
    QPushButton *exportButton = nullptr;
    for (QAbstractButton *b : box->buttons()) {
        if (box->buttonRole(b) == QDialogButtonBox::AcceptRole)
            exportButton = qobject_cast<QPushButton *>(b);
    }
    QVERIFY(exportButton && exportButton->isEnabled());
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QVERIFY(accepted.wait(30000));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(readAll(path), cliBytes(m_cache, filter, ExportFormat::Ndjson).value_or("?"));

    // The selected rows, through the dialog.
    ExportDialog selection(m_cache, filter, {m_keys.at(3).seq, m_keys.at(1).seq});
    QCOMPARE(selection.scope(), ExportScope::Selected);
    selection.setFileName(m_dir.filePath(QStringLiteral("dialog-selection.json")));
    QSignalSpy selectionAccepted(&selection, &QDialog::accepted);
    selection.startExport();
    QVERIFY(selectionAccepted.wait(30000));
    EventStore store;
    QVERIFY(store.open(m_cache));
    const auto events = store.fetch({m_keys.at(3).seq, m_keys.at(1).seq});
    QVERIFY(events && events->size() == 2);
    QCOMPARE(readAll(m_dir.filePath(QStringLiteral("dialog-selection.json"))),
             '[' + events->at(0).json + ',' + events->at(1).json + "]\n");
}

void TestExportDialog::dialogCancel()
{
    const QString path = m_dir.filePath(QStringLiteral("dialog-cancelled.json"));
    ExportDialog dialog(m_big, EventFilter{}, {});
    dialog.setFileName(path);
    dialog.show();
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    QSignalSpy finished(dialog.job(), &ExportJob::finished);
    dialog.startExport();
    QVERIFY(dialog.job()->isRunning());
    auto *progress = dialog.findChild<QProgressBar *>();
    QVERIFY(progress && progress->isVisible());
    dialog.reject(); // Cancel while running: stops the job, then closes
    QVERIFY(dialog.isVisible());
    QVERIFY(rejected.wait(30000));
    QCOMPARE(finished.size(), 1);
    QVERIFY(!finished.at(0).at(0).toBool());
    QVERIFY(!dialog.isVisible());
    QVERIFY(!QFile::exists(path));
}

void TestExportDialog::dialogBrowse()
{
    ExportDialog dialog(m_cache, EventFilter{}, {});
    dialog.setNativeFileDialog(false);
    dialog.setFileName(m_dir.filePath(QStringLiteral("start.json")));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QPushButton *browse = nullptr;
    for (QPushButton *b : dialog.findChildren<QPushButton *>()) {
        if (b->text().startsWith(QStringLiteral("Browse")))
            browse = b;
    }
    QVERIFY(browse);
    QTest::mouseClick(browse, Qt::LeftButton);
    QFileDialog *chooser = nullptr;
    QTRY_VERIFY((chooser = dialog.findChild<QFileDialog *>()) && chooser->isVisible());
    QVERIFY(chooser->testOption(QFileDialog::DontUseNativeDialog));
    QCOMPARE(chooser->acceptMode(), QFileDialog::AcceptSave);
    const QString chosen = m_dir.filePath(QStringLiteral("chosen.json"));
    emit chooser->fileSelected(chosen);
    chooser->close();
    QCOMPARE(QDir::fromNativeSeparators(dialog.fileName()), chosen);
}

// Set EVENTDECK_SCREENSHOTS to a folder to keep the images.
void TestExportDialog::screenshots()
{
    const QString keep = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (keep.isEmpty())
        QSKIP("EVENTDECK_SCREENSHOTS is not set");
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const QPalette light = QApplication::style()->standardPalette();
    const QPalette dark = ed::ui::darkPalette();
    for (const auto &[name, palette] : {std::pair{"light", light}, std::pair{"dark", dark}}) {
        QApplication::setPalette(palette);
        ExportDialog dialog(m_big, EventFilter{}, {m_keys.at(0).seq, m_keys.at(2).seq});
        dialog.setFileName(QStringLiteral("/home/user/Documents/prefect-events-20260331.json"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(keep + QStringLiteral("/exportdialog-%1.png").arg(QLatin1String(name)));
        // Midway: paused by the worker's own progress report, so the bar shows a real state.
        const QString path = m_dir.filePath(QStringLiteral("shot.json"));
        dialog.setFileName(path);
        dialog.setScope(ExportScope::Matching);
        QSemaphore resume;
        std::atomic<bool> paused{false};
        connect(dialog.job(), &ExportJob::progress, dialog.job(), [&](qint64 done, qint64) {
            if (done >= 8192 && !paused.exchange(true))
                resume.acquire(); // the dialog's own (queued) report of `done` is already posted
        }, Qt::DirectConnection);
        QSignalSpy finished(dialog.job(), &ExportJob::finished);
        dialog.startExport();
        QTRY_VERIFY(paused);
        QTest::qWait(50);
        dialog.grab().save(keep + QStringLiteral("/exportdialog-%1-running.png").arg(QLatin1String(name)));
        resume.release();
        QVERIFY(finished.wait(30000));
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
