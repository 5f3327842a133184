#include "core/demosource.h"

#include "core/demo/corpus.h"
#include "core/timeutil.h"

#include <algorithm>
#include <cmath>

namespace ed {

namespace {
constexpr qint64 kSecond = 1000000;
// The corpus starts from an empty workspace: its rate builds up over the first few minutes as
// flow runs get under way. Simulating this much before the history hides that.
constexpr qint64 kWarmUp = 10 * 60 * kSecond;
// Far enough ahead that no session reaches the end (the corpus leaves its last 45 min empty).
constexpr qint64 kFuture = qint64(365) * 86400 * kSecond;
constexpr qsizetype kPull = 256;      // events taken from the corpus at a time
constexpr qsizetype kMaxBatch = 2000; // events per eventsReceived
constexpr qsizetype kMaxWork = 20000; // events generated per tick, so that the thread stays live
} // namespace

DemoSource::DemoSource(Options options, QObject *parent)
    : EventSource(parent)
    , m_options(options)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DemoSource::tick);
}

DemoSource::~DemoSource() = default;

qint64 DemoSource::nowMicros() const
{
    return m_elapsed.isValid() ? m_origin + m_elapsed.nsecsElapsed() / 1000 : 0;
}

void DemoSource::start()
{
    if (state() == State::Live)
        return;
    if (!m_corpus) {
        m_origin = m_options.startMicros ? m_options.startMicros : timeutil::nowMicros();
        m_elapsed.start();
        const qint64 history = std::max<qint64>(0, m_options.historyMicros);
        demo::CorpusOptions corpus;
        corpus.seed = m_options.seed;
        corpus.endMicros = m_origin + kFuture;
        corpus.spanMicros = kWarmUp + history + kFuture;
        corpus.events = std::llround(std::max(0.0, m_options.rate) * double(corpus.spanMicros)
                                     / double(kSecond));
        m_corpus = std::make_unique<demo::Corpus>(corpus);
    }
    m_notBefore = nowMicros() - std::max<qint64>(0, m_options.historyMicros);
    setState(State::Live, QStringLiteral("demo workspace, seed %1, %2 events/s")
                              .arg(m_options.seed)
                              .arg(m_options.rate));
    m_timer.start(0);
}

void DemoSource::stop()
{
    m_timer.stop();
    if (state() != State::Idle)
        setState(State::Idle, QStringLiteral("stopped"));
}

bool DemoSource::later(const Pending &a, const Pending &b)
{
    return a.due != b.due ? a.due > b.due : a.order > b.order;
}

// Reads the corpus until its stream has passed `now`. Apart from the late ones, events leave the
// corpus in `occurred` order, so what is still unread arrives after `now`: the due events are
// all in the heap, and which they are does not depend on when the timer fires.
bool DemoSource::pull(qint64 now, qsizetype &work)
{
    while (m_streamTime <= now && !m_corpus->atEnd()) {
        if (work >= kMaxWork)
            return false;
        QList<Event> pulled = m_corpus->next(kPull);
        work += pulled.size();
        for (Event &e : pulled) {
            m_streamTime = std::max(m_streamTime, e.occurred);
            // A late event reaches the server once the stream has got that far.
            const qint64 due = std::max(e.received.value_or(e.occurred), m_streamTime);
            m_ahead.push_back({due, m_order++, std::move(e)});
            std::push_heap(m_ahead.begin(), m_ahead.end(), later);
        }
    }
    return true;
}

// Hands on every event that is due by now, in (due, order) order. Each tick does a bounded
// amount of work, and comes back at once if there is more.
// Event ids are salted with the session's start, so a second session of the same seed brings
// new events to a cache that kept the first (the same seed and start still give the same ids).
QString DemoSource::sessionId(const QString &id) const
{
    QByteArray bytes = uuidToBytes(id);
    if (bytes.size() != 16)
        return id;
    quint64 salt = quint64(m_origin) * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; ++i) {
        if (i == 6 || i == 8)
            continue; // keep the version and variant nibbles of the original
        bytes[i] = char(bytes[i] ^ char(salt >> ((i % 8) * 8)));
        salt = salt * 6364136223846793005ull + 1442695040888963407ull;
    }
    return uuidFromBytes(bytes);
}

void DemoSource::tick()
{
    const qint64 now = nowMicros();
    qsizetype work = 0;
    bool more = !pull(now, work);
    // Cut short, the corpus has been read up to m_streamTime only: nothing unread is due before.
    const qint64 limit = more ? std::min(now, m_streamTime) : now;
    QList<Event> batch;
    while (!m_ahead.empty() && m_ahead.front().due <= limit) {
        std::pop_heap(m_ahead.begin(), m_ahead.end(), later);
        Event e = std::move(m_ahead.back().event);
        m_ahead.pop_back();
        if (e.occurred >= m_notBefore) {
            e.id = sessionId(e.id);
            if (!e.follows.isEmpty())
                e.follows = sessionId(e.follows);
            batch.append(std::move(e));
        }
        if (batch.size() == kMaxBatch) {
            more = true;
            break;
        }
    }
    m_produced += batch.size();
    if (!batch.isEmpty())
        emit eventsReceived(batch);
    if (state() != State::Live) // stopped from a slot
        return;
    if (!more && m_ahead.empty() && m_corpus->atEnd()) {
        setState(State::Idle, QStringLiteral("the demo stream has ended"));
        return;
    }
    m_timer.start(more ? 0 : std::max(1, m_options.batchIntervalMs));
}

} // namespace ed
