#include "ui/feedmodel.h"

#include "core/histogrambuckets.h"
#include "core/timeutil.h"
#include "ui/eventformat.h"
#include "ui/eventnames.h"

#include <QColor>
#include <QDateTime>
#include <QTimeZone>
#include <QFont>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace ed::ui {

/// Runs key queries on its own connection in the model's worker thread.
class KeyLoader final : public QObject
{
    Q_OBJECT

public:
    explicit KeyLoader(QString path)
        : m_path(std::move(path))
    {}

    void load(quint64 generation, const ed::EventFilter &filter, const QString &scope, qint64 afterSeq,
              bool fresh, std::shared_ptr<std::atomic<quint64>> latest)
    {
        if (!m_store) {
            m_store = std::make_unique<EventStore>();
            QString error;
            if (!m_store->open(m_path, &error)) {
                m_store.reset();
                emit keysReady(generation, fresh, {}, 0, error);
                return;
            }
        }
        m_store->setScope(scope);
        // Read the high-water mark first: anything stored meanwhile comes again next time and
        // is recognised as already shown.
        const qint64 seen = m_store->maxSeq();
        const auto keys = m_store->keys(filter, afterSeq, [&] { return latest->load() != generation; });
        if (!keys) {
            if (latest->load() == generation)
                emit keysReady(generation, fresh, {}, seen, m_store->lastError());
            return;
        }
        emit keysReady(generation, fresh, *keys, seen, {});
    }

    void counts(const ed::EventFilter &filter, const QString &scope, qint64 since, qint64 until)
    {
        if (!m_store)
            return;
        m_store->setScope(scope);
        EventFilter f = filter;
        OccurredFilter o = f.occurred.value_or(OccurredFilter{});
        o.since = since;
        o.until = until;
        f.occurred = o;
        const BucketChoice choice = chooseBuckets(since, until, 300);
        if (const auto buckets = m_store->countBy(Countable::Time, f, choice.unit, choice.interval))
            emit countsReady(*buckets);
    }

signals:
    void countsReady(const QList<ed::CountBucket> &buckets);
    void keysReady(quint64 generation, bool fresh, const QList<ed::RowKey> &keys, qint64 seen, const QString &error);

private:
    QString m_path;
    std::unique_ptr<EventStore> m_store;
};

namespace {

constexpr int kBlock = 128;

QString tagsOf(const Event &e)
{
    QStringList tags;
    for (const Resource &r : e.related) {
        if (r.role() == u"tag") {
            QString id = r.id();
            tags += id.startsWith(u"prefect.tag.") ? id.mid(12) : id;
        }
    }
    return tags.join(QStringLiteral(", "));
}

QString relatedSummary(const Event &e)
{
    QStringList parts;
    int tags = 0;
    for (const Resource &r : e.related) {
        const QString role = r.role();
        if (role == u"tag") {
            ++tags;
            continue;
        }
        const QString name = r.name();
        parts += role + QStringLiteral(": ") + (name.isEmpty() ? r.id() : name);
    }
    if (tags)
        parts += tags == 1 ? QObject::tr("1 tag") : QObject::tr("%1 tags").arg(tags);
    return parts.join(QStringLiteral(" · "));
}

QColor kindColor(const QString &kind)
{
    static const QHash<QString, QColor> colors = {
        {QStringLiteral("flow-run"), QColor(0x3b, 0x82, 0xf6)},
        {QStringLiteral("task-run"), QColor(0x06, 0xb6, 0xd4)},
        {QStringLiteral("deployment"), QColor(0x8b, 0x5c, 0xf6)},
        {QStringLiteral("flow"), QColor(0x63, 0x66, 0xf1)},
        {QStringLiteral("work-pool"), QColor(0xf5, 0x9e, 0x0b)},
        {QStringLiteral("work-queue"), QColor(0xea, 0x58, 0x0c)},
        {QStringLiteral("worker"), QColor(0x84, 0xcc, 0x16)},
        {QStringLiteral("automation"), QColor(0xec, 0x48, 0x99)},
        {QStringLiteral("block"), QColor(0x64, 0x74, 0x8b)},
        {QStringLiteral("artifact"), QColor(0x14, 0xb8, 0xa6)},
        {QStringLiteral("asset"), QColor(0x22, 0xc5, 0x5e)},
        {QStringLiteral("concurrency-limit"), QColor(0xef, 0x44, 0x44)},
    };
    return colors.value(kind, QColor(0x9c, 0xa3, 0xaf));
}

} // namespace

QIcon FeedModel::kindIcon(const QString &kind)
{
    static QHash<QString, QIcon> icons;
    if (const auto it = icons.constFind(kind); it != icons.cend())
        return *it;
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(kindColor(kind));
        p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size / 4.0, size / 4.0);
        QFont font = p.font();
        font.setPixelSize(size * 5 / 8);
        font.setBold(true);
        p.setFont(font);
        p.setPen(Qt::white);
        // flow-run → F, task-run → T, work-pool → WP, concurrency-limit → CL, …
        QString letters;
        for (const QString &part : kind.split(u'-'))
            letters += part.left(1).toUpper();
        if (kind == u"flow-run" || kind == u"task-run")
            letters = letters.left(1);
        p.drawText(QRect(0, 0, size, size), Qt::AlignCenter, letters.left(2));
        p.end();
        icon.addPixmap(pixmap);
    }
    icons.insert(kind, icon);
    return icon;
}

FeedModel::FeedModel(const QString &cachePath, QObject *parent)
    : QAbstractTableModel(parent)
    , m_cachePath(cachePath)
{
    qRegisterMetaType<QList<ed::RowKey>>();
    qRegisterMetaType<QList<ed::CountBucket>>();
    m_rows.setMaxCost(6000);
    m_loader = new KeyLoader(cachePath);
    m_loader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
    connect(m_loader, &KeyLoader::keysReady, this, &FeedModel::onKeys);
    connect(m_loader, &KeyLoader::countsReady, this, &FeedModel::histogramReady);
    m_thread.setObjectName(QStringLiteral("feed keys"));
    m_thread.start();
    m_filter.order = EventFilter::Order::Asc;
}

FeedModel::~FeedModel()
{
    m_latest->store(++m_generation);
    m_thread.quit();
    m_thread.wait();
}

int FeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int FeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Occurred: return m_utc ? tr("Occurred (UTC)") : tr("Occurred");
    case EventName: return tr("Event");
    case Resource: return tr("Resource");
    case Related: return tr("Related");
    case Tags: return tr("Tags");
    default: return {};
    }
}

const StoredEvent *FeedModel::cached(int row) const
{
    const qint64 seq = m_keys[row].seq;
    if (const StoredEvent *hit = m_rows.object(seq))
        return hit;
    if (!m_reader) {
        m_reader = std::make_unique<EventStore>();
        if (!m_reader->open(m_cachePath)) {
            m_reader.reset();
            return nullptr;
        }
    }
    // A block around the row: views ask for neighbours next.
    QList<qint64> want;
    const int from = std::max(0, row - kBlock / 4);
    const int to = std::min(int(m_keys.size()), from + kBlock);
    for (int r = from; r < to; ++r) {
        if (!m_rows.contains(m_keys[r].seq))
            want.append(m_keys[r].seq);
    }
    if (const auto events = m_reader->fetch(want)) {
        for (const StoredEvent &e : *events)
            m_rows.insert(e.seq, new StoredEvent(e));
    }
    return m_rows.object(seq);
}

QVariant FeedModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_keys.size())
        return {};
    if (role == SeqRole)
        return m_keys[index.row()].seq;
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != Qt::DecorationRole && role != IdRole
        && role != ResourceIdRole && role != RawEventRole && role != FilterTermRole && role != Qt::ForegroundRole)
        return {};
    const StoredEvent *se = cached(index.row());
    if (!se)
        return role == Qt::DisplayRole ? QVariant(tr("(unavailable)")) : QVariant();
    const Event &e = se->event;
    switch (role) {
    case IdRole: return e.id;
    case ResourceIdRole: return e.resource.id();
    case RawEventRole: return e.event;
    default: break;
    }
    switch (index.column()) {
    case Occurred:
        if (role == Qt::DisplayRole) {
            // Milliseconds in the table; the pane and the tooltip give the full time.
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(e.occurred / 1000, m_utc ? QTimeZone::utc() : QTimeZone::systemTimeZone());
            return t.toString(m_utc ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz'Z'") : QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        }
        if (role == Qt::ToolTipRole)
            return QString(formatRelativeTime(e.occurred, timeutil::nowMicros()) + u'\n' + formatLocalAndUtc(e.occurred));
        if (role == FilterTermRole)
            return QString();
        break;
    case EventName:
        if (role == Qt::DisplayRole)
            return humanizeEventName(e.event);
        if (role == Qt::ToolTipRole)
            return e.event;
        if (role == FilterTermRole)
            return filterTerm(QStringLiteral("event:"), e.event);
        if (role == Qt::ForegroundRole && (e.event.endsWith(u".Failed") || e.event.endsWith(u".Crashed")
                                           || e.event.endsWith(u".TimedOut") || e.event.endsWith(u".failed")))
            return QColor(0xdc, 0x26, 0x26);
        break;
    case Resource: {
        const QString id = e.resource.id();
        const QString name = e.resource.name();
        if (role == Qt::DisplayRole)
            return name.isEmpty() ? id : name + QStringLiteral("  ") + id;
        if (role == Qt::ToolTipRole)
            return id;
        if (role == Qt::DecorationRole)
            return kindIcon(resourceKind(id));
        if (role == FilterTermRole)
            return filterTerm(QStringLiteral("resource:"), globLiteral(id));
        break;
    }
    case Related:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return relatedSummary(e);
        break;
    case Tags:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return tagsOf(e);
        if (role == FilterTermRole) {
            for (const ed::Resource &r : e.related) {
                if (r.role() == u"tag")
                    return filterTerm(QStringLiteral("any-resource:"), r.id());
            }
        }
        break;
    default: break;
    }
    return {};
}

void FeedModel::setFilter(const EventFilter &filter)
{
    m_filter = filter;
    m_filter.order = EventFilter::Order::Asc;
    m_loading = true;
    m_refreshPending = false;
    const quint64 generation = ++m_generation;
    m_latest->store(generation); // a query still running for an older filter stops
    QMetaObject::invokeMethod(m_loader, [loader = m_loader, generation, f = m_filter, scope = m_scope, after = m_clearedSeq, latest = m_latest] {
        loader->load(generation, f, scope, after, true, latest);
    }, Qt::QueuedConnection);
}

void FeedModel::refreshNew()
{
    if (m_loading || m_refreshPending) {
        m_refreshAgain = m_refreshPending;
        return;
    }
    m_refreshPending = true;
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(m_loader, [loader = m_loader, generation, f = m_filter, scope = m_scope,
                                         after = std::max(m_seenSeq, m_clearedSeq), latest = m_latest] {
        loader->load(generation, f, scope, after, false, latest);
    }, Qt::QueuedConnection);
}

void FeedModel::clearView()
{
    beginResetModel();
    m_keys.clear();
    m_rows.clear();
    endResetModel();
    m_clearedSeq = std::max(m_seenSeq, m_clearedSeq);
}

void FeedModel::setUtc(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    emit headerDataChanged(Qt::Horizontal, Occurred, Occurred);
    if (!m_keys.isEmpty())
        emit dataChanged(index(0, Occurred), index(int(m_keys.size()) - 1, Occurred), {Qt::DisplayRole});
}

void FeedModel::onKeys(quint64 generation, bool fresh, const QList<RowKey> &keys, qint64 seen, const QString &error)
{
    if (generation != m_generation)
        return;
    if (!error.isEmpty()) {
        m_loading = false;
        m_refreshPending = false;
        emit failed(error);
        return;
    }
    if (fresh) {
        beginResetModel();
        m_keys = keys;
        m_rows.clear();
        endResetModel();
        m_seenSeq = seen;
        // Rows stored while the query ran are shown already; the next refresh returns them again.
        m_shownAfterSeen.clear();
        for (const RowKey &k : keys) {
            if (k.seq > seen)
                m_shownAfterSeen.insert(k.seq);
        }
        m_loading = false;
        emit loaded(m_keys.size());
        return;
    }
    m_refreshPending = false;
    m_seenSeq = std::max(m_seenSeq, seen);
    // Drop what is shown already (stored while the previous query ran), then remember what this
    // answer shows beyond its own high-water mark for the next one.
    QList<RowKey> unseen;
    unseen.reserve(keys.size());
    QSet<qint64> shown;
    for (const RowKey &k : keys) {
        if (!m_shownAfterSeen.contains(k.seq))
            unseen.append(k);
        if (k.seq > seen)
            shown.insert(k.seq);
    }
    m_shownAfterSeen = std::move(shown);
    const QList<RowKey> &keysToAdd = unseen;
    auto less = [](const RowKey &a, const RowKey &b) { return a.occurred < b.occurred; };
    int inserted = 0;
    qsizetype i = 0;
    while (i < keysToAdd.size()) {
        const RowKey &k = keysToAdd[i];
        auto pos = std::upper_bound(m_keys.begin(), m_keys.end(), k, less);
        // A run of keys that all land at this position.
        const int at = int(pos - m_keys.begin());
        qsizetype end = i + 1;
        while (end < keysToAdd.size() && (at == m_keys.size() || keysToAdd[end].occurred < m_keys[at].occurred)
               && keysToAdd[end].occurred >= keysToAdd[end - 1].occurred)
            ++end;
        beginInsertRows({}, at, at + int(end - i) - 1);
        m_keys.insert(at, end - i, RowKey{});
        std::copy(keysToAdd.begin() + i, keysToAdd.begin() + end, m_keys.begin() + at);
        endInsertRows();
        inserted += int(end - i);
        i = end;
    }
    if (inserted)
        emit rowsArrived(inserted);
    if (std::exchange(m_refreshAgain, false))
        refreshNew();
}

void FeedModel::requestHistogram(qint64 sinceMicros, qint64 untilMicros)
{
    QMetaObject::invokeMethod(m_loader, [loader = m_loader, f = m_filter, scope = m_scope, sinceMicros, untilMicros] {
        loader->counts(f, scope, sinceMicros, untilMicros);
    }, Qt::QueuedConnection);
}

std::optional<QPair<qint64, qint64>> FeedModel::span() const
{
    if (m_keys.isEmpty())
        return std::nullopt;
    return qMakePair(m_keys.first().occurred, m_keys.last().occurred);
}

qint64 FeedModel::seqAt(int row) const
{
    return row >= 0 && row < m_keys.size() ? m_keys[row].seq : -1;
}

std::optional<StoredEvent> FeedModel::eventAt(int row) const
{
    if (row < 0 || row >= m_keys.size())
        return std::nullopt;
    if (const StoredEvent *e = cached(row))
        return *e;
    return std::nullopt;
}

int FeedModel::rowOfSeq(qint64 seq) const
{
    for (int r = 0; r < m_keys.size(); ++r) {
        if (m_keys[r].seq == seq)
            return r;
    }
    return -1;
}

QList<qint64> FeedModel::seqs(const QModelIndexList &rows) const
{
    QList<int> sorted;
    for (const QModelIndex &i : rows)
        sorted += i.row();
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    QList<qint64> out;
    for (const int r : sorted)
        out += seqAt(r);
    return out;
}

} // namespace ed::ui

#include "feedmodel.moc"
