#include "ui/triggerpreview.h"

#include "core/eventstore.h"
#include "core/timeutil.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QThread>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

enum FiringColumn { FiresAt, Bucket, Events, FiringColumnCount };
enum PartColumn { Part, Matches, Firings, PartColumnCount };
constexpr int EventIdRole = Qt::UserRole + 1;

QString utcTime(qint64 micros)
{
    return QDateTime::fromMSecsSinceEpoch(micros / 1000, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
}

const Trigger *triggerAt(const Trigger &root, const QList<int> &path)
{
    const Trigger *t = &root;
    for (int index : path) {
        const auto *children = t->children();
        if (!children || index < 0 || size_t(index) >= children->size())
            return nullptr;
        t = &(*children)[size_t(index)];
    }
    return t;
}

} // namespace

TriggerPreview::TriggerPreview(QWidget *parent)
    : QWidget(parent)
{
    m_status = new QLabel(tr("No trigger yet."), this);
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    m_notices = new QLabel(this);
    m_notices->setObjectName(QStringLiteral("previewNotices"));
    m_notices->setWordWrap(true);
    m_notices->setVisible(false);

    m_parts = new QTreeWidget(this);
    m_parts->setObjectName(QStringLiteral("previewParts"));
    m_parts->setHeaderLabels({tr("Part"), tr("Matching events"), tr("Fired")});
    m_parts->setRootIsDecorated(false);
    m_parts->header()->setSectionResizeMode(Part, QHeaderView::Stretch);
    m_parts->header()->setStretchLastSection(false);
    m_parts->setMaximumHeight(120);

    m_firings = new QTreeWidget(this);
    m_firings->setObjectName(QStringLiteral("previewFirings"));
    m_firings->setHeaderLabels({tr("Would fire at"), tr("Bucket"), tr("Events")});
    m_firings->setRootIsDecorated(false);
    m_firings->setUniformRowHeights(true);
    m_firings->header()->setSectionResizeMode(Bucket, QHeaderView::Stretch);
    m_firings->header()->setStretchLastSection(false);
    connect(m_firings, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString id = item->data(FiresAt, EventIdRole).toString();
        if (!id.isEmpty())
            emit eventActivated(id);
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_notices);
    layout->addWidget(m_parts);
    layout->addWidget(m_firings, 1);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_debounce, &QTimer::timeout, this, &TriggerPreview::start);
}

TriggerPreview::~TriggerPreview()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

void TriggerPreview::setCache(const QString &path, const QString &scope)
{
    m_cachePath = path;
    m_scope = scope;
    if (m_trigger)
        m_debounce->start();
}

void TriggerPreview::setFilter(const EventFilter &filter)
{
    m_filter = filter;
    if (m_trigger)
        m_debounce->start();
}

void TriggerPreview::setTrigger(const Trigger &trigger)
{
    if (!validateTrigger(trigger).isEmpty()) {
        m_trigger.reset();
        m_debounce->stop();
        m_status->setText(tr("The trigger is not valid yet; the dry run waits for it."));
        return;
    }
    m_trigger = trigger;
    m_debounce->start();
}

void TriggerPreview::runNow()
{
    m_debounce->stop();
    start();
}

QString TriggerPreview::statusText() const
{
    return m_status->text();
}

void TriggerPreview::start()
{
    if (!m_trigger || m_cachePath.isEmpty())
        return;
    if (m_thread) {
        // one replay at a time: the running one stops, this one follows it
        m_cancel->store(true);
        m_again = true;
        return;
    }
    m_again = false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_outcome.reset();
    m_outcomeError.clear();
    m_status->setText(tr("Replaying the cache…"));
    const Trigger trigger = *m_trigger;
    const EventFilter filter = m_filter;
    const QString path = m_cachePath;
    const QString scope = m_scope;
    auto cancel = m_cancel;
    m_startedAt = timeutil::nowMicros();
    m_thread = QThread::create([this, trigger, filter, path, scope, cancel] {
        EventStore store;
        QString error;
        if (!store.open(path, &error)) {
            m_outcomeError = error;
            return;
        }
        store.setScope(scope);
        m_outcome = replayTrigger(store, trigger, filter, std::nullopt, &error, [cancel] { return cancel->load(); });
        if (!m_outcome)
            m_outcomeError = error;
    });
    connect(m_thread, &QThread::finished, this, &TriggerPreview::onThreadFinished);
    m_thread->start(QThread::LowPriority);
}

void TriggerPreview::onThreadFinished()
{
    m_thread->deleteLater();
    m_thread = nullptr;
    if (m_again) {
        start();
        return;
    }
    if (!m_outcome) {
        m_result.reset();
        m_status->setText(tr("The dry run failed: %1").arg(m_outcomeError));
        emit firingTimesChanged({});
        emit finished();
        return;
    }
    m_result = std::move(m_outcome);
    m_outcome.reset();
    show(*m_result);
    QList<qint64> times;
    for (const TriggerFiring &f : m_result->firings)
        times.append(f.occurred);
    emit firingTimesChanged(times);
    emit finished();
}

QString TriggerPreview::partLabel(const QList<int> &path) const
{
    if (!m_trigger)
        return {};
    const Trigger *t = triggerAt(*m_trigger, path);
    QString label = path.isEmpty() ? QString() : tr("Trigger %1: ").arg(
        [&] {
            QStringList parts;
            for (int i : path)
                parts.append(QString::number(i + 1));
            return parts.join(u'.');
        }());
    return t ? label + summarize(*t) : label;
}

void TriggerPreview::show(const TriggerReplay &replay)
{
    const double seconds = double(timeutil::nowMicros() - m_startedAt) / 1e6;
    m_status->setText(tr("Would have fired %n time(s) over %1 cached events (%2 matched a part), "
                         "as of %3 — replayed in %4 s.", nullptr, int(replay.firings.size()))
                          .arg(replay.eventsRead)
                          .arg(replay.eventsReplayed)
                          .arg(utcTime(replay.horizon))
                          .arg(seconds, 0, 'f', 2));
    m_notices->setText(replay.notices.join(u'\n'));
    m_notices->setVisible(!replay.notices.isEmpty());

    m_parts->clear();
    for (qsizetype i = 0; i < replay.leafPaths.size(); ++i) {
        const QList<int> &path = replay.leafPaths[i];
        qint64 fired = 0;
        for (const TriggerFiring &f : replay.allFirings)
            fired += f.path == path ? 1 : 0;
        auto *item = new QTreeWidgetItem(m_parts);
        item->setText(Part, partLabel(path));
        item->setToolTip(Part, item->text(Part));
        item->setText(Matches, QString::number(replay.leafMatches.value(i)));
        item->setText(Firings, QString::number(fired));
        item->setTextAlignment(Matches, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(Firings, Qt::AlignRight | Qt::AlignVCenter);
    }

    m_firings->clear();
    QList<QTreeWidgetItem *> items;
    for (const TriggerFiring &f : replay.firings) {
        auto *item = new QTreeWidgetItem;
        item->setText(FiresAt, utcTime(f.occurred));
        item->setToolTip(FiresAt, timeutil::formatString(f.occurred));
        QStringList bucket;
        for (const auto &[label, value] : f.bucket)
            bucket.append(label + u'=' + value);
        item->setText(Bucket, bucket.isEmpty() ? QStringLiteral("—") : bucket.join(QStringLiteral(", ")));
        item->setToolTip(Bucket, bucket.join(u'\n'));
        item->setText(Events, QString::number(f.events.size()));
        item->setToolTip(Events, f.events.join(u'\n'));
        item->setData(FiresAt, EventIdRole, f.events.isEmpty() ? QString() : f.events.constLast());
        items.append(item);
    }
    m_firings->addTopLevelItems(items);
    m_firings->resizeColumnToContents(FiresAt);
}

} // namespace ed::ui
