#pragma once

#include "core/demo/corpus.h"

#include <QList>
#include <QPair>
#include <QString>

/// What the benchmark measures around the cache: the process's memory and I/O, an import of
/// the corpus, the file on disk.
namespace ed::bench {

using namespace ed::demo;

/// `n` with thousands separators: 1,000,000.
QString num(qint64 n);

/// A field of /proc/self/status in kB (VmHWM, VmRSS); -1 when unavailable.
qint64 statusKb(const char *field);
/// A counter of /proc/self/io (wchar: bytes passed to write()); -1 when unavailable.
qint64 ioCounter(const char *field);
/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so that each import reports its own peak.
bool resetPeakRss();
QString loadAverage();
/// Removes a cache file with its WAL and shared-memory files.
void removeCache(const QString &path);

struct ImportFigures
{
    qint64 stored = 0;
    double ingestSeconds = 0;  ///< inside EventStore::ingest (and endBulkLoad when bulk)
    double prepareSeconds = 0; ///< of which serializing and compressing (EventStore::prepare)
    double endBulkSeconds = 0;
    qint64 writtenBytes = -1; ///< bytes the process wrote to files meanwhile (/proc/self/io)
    double generateSeconds = 0;
    qint64 peakRssKb = -1;
    qint64 peakBeforeEndBulkKb = -1;
    bool peakIsOwn = false; ///< VmHWM could be reset before the import
    qint64 mainBytes = 0, walBytes = 0;
    qint64 fileBytes = 0; ///< EventStore::fileBytes() as the import left it
    // Filled when `inspect`:
    qint64 jsonBytes = 0;
    qint64 invalid = 0;
    qint64 roundTripFailures = 0;
    QString firstProblem;
};

/// Imports the corpus into a fresh cache at `path` in batches of `batchSize`, generating as it
/// goes; only the time inside the store's calls counts. `inspect` also validates every event
/// and measures the export form (outside the timed part). Progress goes to stderr.
ImportFigures runImport(const CorpusOptions &options, const QString &path, qsizetype batchSize,
                        bool bulk, bool inspect, const QString &label);

struct DiskFigures
{
    qint64 mainBytes = 0, walBytes = 0;
    QString sqliteVersion;
    QList<QPair<QString, qint64>> objects; ///< bytes per table and index (dbstat), when built in
};

/// Folds the WAL into the main file on a second connection, then measures.
DiskFigures checkpointAndMeasure(const QString &path);

} // namespace ed::bench
