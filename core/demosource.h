#pragma once

#include "core/event.h"
#include "core/eventsource.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

namespace ed {

namespace demo {
class Corpus;
}

/// A live feed from the simulated demo workspace (demo::Corpus): on start, the last
/// `historyMicros` of activity at once, then every `batchIntervalMs` the events the workspace
/// has produced meanwhile, stamped with wall-clock times. As from a server's websocket, events
/// come in `received` order, each once its `received` time has come, so neither `occurred` nor
/// `received` is ever in the future; the corpus's few late events come up to two minutes late.
///
/// The same seed gives the same event names and resource ids whenever it starts, in the same
/// order however the timer ticks (and, with the same startMicros, the same events byte for
/// byte). Event ids are salted with the session's start, so a later session of the same seed
/// is new to a cache that kept an earlier one; resource ids (flow runs included) do repeat.
class DemoSource final : public EventSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoSource)

public:
    struct Options
    {
        quint64 seed = 1;
        double rate = 5.0;        ///< events per second, on average
        qint64 historyMicros = 0; ///< simulated past delivered at once on start, ending now
        int batchIntervalMs = 100;
        qint64 startMicros = 0; ///< the simulated "now" at the first start; 0 = the wall clock
    };

    explicit DemoSource(Options options, QObject *parent = nullptr);
    ~DemoSource() override;

    /// Begins the feed (state Live). After stop(), picks up where it left off, as a
    /// reconnecting source would: of what happened in between, only the last `historyMicros`
    /// is delivered.
    void start() override;
    void stop() override;
    /// Events delivered through eventsReceived so far.
    qint64 produced() const { return m_produced; }
    /// The simulated clock: startMicros (or the wall clock at the first start) plus the time
    /// since then; 0 before the first start.
    qint64 nowMicros() const;

private:
    struct Pending
    {
        qint64 due; ///< when a server would have it: `received`, or later for a late event
        quint64 order;
        Event event;
    };
    static bool later(const Pending &a, const Pending &b);

    void tick();
    QString sessionId(const QString &id) const;
    bool pull(qint64 now, qsizetype &work);

    Options m_options;
    std::unique_ptr<demo::Corpus> m_corpus;
    std::vector<Pending> m_ahead; ///< a min-heap on (due, order): taken from the corpus, not due
    qint64 m_streamTime = 0;      ///< the newest `occurred` taken from the corpus
    quint64 m_order = 0;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    qint64 m_origin = 0;
    qint64 m_notBefore = 0; ///< events that occurred earlier are skipped
    qint64 m_produced = 0;
};

} // namespace ed
