#include "bench/measure.h"

#include "core/eventstore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTextStream>

namespace ed::bench {

namespace {

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

} // namespace

QString num(qint64 n)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(n);
}

qint64 statusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

qint64 ioCounter(const char *field)
{
    QFile f(QStringLiteral("/proc/self/io"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().toLongLong();
    }
    return -1;
}

bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    const QList<QByteArray> parts = f.readAll().split(' ');
    return QString::fromLatin1(parts.mid(0, 3).join(' '));
}

void removeCache(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1StringView(suffix));
}

ImportFigures runImport(const CorpusOptions &options, const QString &path, qsizetype batchSize,
                        bool bulk, bool inspect, const QString &label)
{
    ImportFigures f;
    removeCache(path);
    f.peakIsOwn = resetPeakRss();
    EventStore store;
    QString error;
    if (!store.open(path, &error)) {
        err() << "eventdeck-bench: " << error << "\n";
        return f;
    }
    Corpus corpus(options);
    QElapsedTimer gen, ingest;
    qint64 genNs = 0, ingestNs = 0, prepareNs = 0, nextReport = 100000;
    const qint64 writtenBefore = ioCounter("wchar");
    if (bulk) {
        ingest.start();
        store.beginBulkLoad();
        ingestNs += ingest.nsecsElapsed();
    }
    while (!corpus.atEnd()) {
        gen.start();
        const QList<Event> batch = corpus.next(batchSize);
        genNs += gen.nsecsElapsed();
        if (inspect) {
            for (qsizetype i = 0; i < batch.size(); ++i) {
                const Event &e = batch[i];
                EventError why;
                if (!validateEvent(e, why)) {
                    if (!f.invalid++)
                        f.firstProblem = e.id + QStringLiteral(": ") + why.message();
                }
                const QByteArray json = serializeEvent(e);
                f.jsonBytes += json.size();
                // Every 50th event must read back as itself: the payload is valid JSON, etc.
                Event back;
                if ((f.stored + i) % 50 == 0 && (!parseEvent(json, back, why) || !(back == e))) {
                    if (!f.roundTripFailures++ && f.firstProblem.isEmpty())
                        f.firstProblem =
                            e.id + QStringLiteral(": does not read back: ") + why.message();
                }
            }
        }
        // ingest(QList<Event>) is prepare() then ingest(PreparedBatch); timing the halves
        // apart shows what a second thread preparing batches (as `eventdeck import` does) buys.
        ingest.start();
        const PreparedBatch prepared = EventStore::prepare(batch);
        prepareNs += ingest.nsecsElapsed();
        const IngestStats s = store.ingest(prepared, QStringLiteral("bench"));
        ingestNs += ingest.nsecsElapsed();
        if (s.stored + s.duplicates != batch.size())
            err() << "eventdeck-bench: ingest failed: " << store.lastError() << "\n";
        f.stored += s.stored;
        if (f.stored >= nextReport) {
            err() << "  " << label << ": " << num(f.stored) << " events, "
                  << num(qint64(double(f.stored) / (double(ingestNs) / 1e9))) << " events/s, RSS "
                  << statusKb("VmRSS") / 1024 << " MiB, load " << loadAverage() << "\n";
            err().flush();
            nextReport += 100000;
        }
    }
    if (bulk) {
        f.peakBeforeEndBulkKb = statusKb("VmHWM");
        ingest.start();
        store.endBulkLoad();
        f.endBulkSeconds = double(ingest.nsecsElapsed()) / 1e9;
        ingestNs += ingest.nsecsElapsed();
    }
    f.ingestSeconds = double(ingestNs) / 1e9;
    f.prepareSeconds = double(prepareNs) / 1e9;
    if (writtenBefore >= 0)
        f.writtenBytes = ioCounter("wchar") - writtenBefore;
    f.generateSeconds = double(genNs) / 1e9;
    f.peakRssKb = statusKb("VmHWM");
    f.fileBytes = store.fileBytes();
    f.mainBytes = QFileInfo(path).size();
    f.walBytes = QFileInfo(path + QStringLiteral("-wal")).size();
    return f;
}

DiskFigures checkpointAndMeasure(const QString &path)
{
    DiskFigures d;
    const QString name = QStringLiteral("eventdeck-bench-inspect");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
            if (q.exec(QStringLiteral("SELECT sqlite_version()")) && q.next())
                d.sqliteVersion = q.value(0).toString();
            if (q.exec(QStringLiteral(
                    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"))) {
                while (q.next())
                    d.objects.append({q.value(0).toString(), q.value(1).toLongLong()});
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    d.mainBytes = QFileInfo(path).size();
    d.walBytes = QFileInfo(path + QStringLiteral("-wal")).size();
    return d;
}

} // namespace ed::bench
