#include "ui/resourcepane.h"

#include "ui/eventnames.h"
#include "ui/eventtree.h"
#include "ui/linkdelegate.h"
#include "ui/resourcetimelinemodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace ed::ui {

namespace {

const QString kRoleKey = QStringLiteral("prefect.resource.role");

QStandardItem *sectionItem(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
    return item;
}

QStandardItem *noteItem(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(true, MutedRole);
    return item;
}

/// The newest cached event matching `filter`, if any.
std::optional<StoredEvent> newest(EventStore *store, const EventFilter &filter)
{
    const auto page = store->page(filter, 1);
    if (!page || page->isEmpty())
        return std::nullopt;
    return page->first();
}

} // namespace

ResourcePane::ResourcePane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("resourceTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_id = new QLabel(this);
    m_id->setObjectName(QStringLiteral("resourceId"));
    for (QLabel *label : {m_title, m_id}) {
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        layout->addWidget(label);
    }

    auto *actions = new QHBoxLayout;
    m_filterButton = new QPushButton(tr("&Filter the feed to this resource"), this);
    m_filterButton->setObjectName(QStringLiteral("filterToResource"));
    m_filterButton->setEnabled(false);
    connect(m_filterButton, &QPushButton::clicked, this, [this] {
        emit filterTermRequested(filterTerm(QStringLiteral("any-resource:"), m_resourceId));
    });
    actions->addWidget(m_filterButton);
    actions->addStretch();
    layout->addLayout(actions);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    m_detailsModel = new QStandardItemModel(this);
    m_details = new QTreeView(splitter);
    m_details->setObjectName(QStringLiteral("resourceDetails"));
    m_details->setModel(m_detailsModel);
    m_details->setUniformRowHeights(true);
    m_details->setAlternatingRowColors(true);
    m_details->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_details->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_details->setTextElideMode(Qt::ElideRight);
    auto *links = new LinkDelegate(m_details);
    connect(links, &LinkDelegate::linkActivated, this, [this](const QModelIndex &index) {
        emit resourceRequested(index.data(LinkTargetRole).toString());
    });

    auto *timelinePage = new QWidget(splitter);
    auto *timelineLayout = new QVBoxLayout(timelinePage);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    m_timelineStatus = new QLabel(timelinePage);
    m_timelineStatus->setObjectName(QStringLiteral("timelineStatus"));
    timelineLayout->addWidget(m_timelineStatus);

    m_timelineModel = new ResourceTimelineModel(this);
    m_timeline = new QTableView(timelinePage);
    m_timeline->setObjectName(QStringLiteral("resourceTimeline"));
    m_timeline->setModel(m_timelineModel);
    m_timeline->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_timeline->setSelectionMode(QAbstractItemView::SingleSelection);
    m_timeline->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_timeline->setAlternatingRowColors(true);
    m_timeline->setWordWrap(false);
    m_timeline->setShowGrid(false);
    m_timeline->verticalHeader()->hide();
    m_timeline->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_timeline->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_timeline->horizontalHeader();
    header->setSectionResizeMode(ResourceTimelineModel::OccurredColumn,
                                 QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ResourceTimelineModel::EventColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ResourceTimelineModel::RoleColumn, QHeaderView::ResizeToContents);
    connect(m_timeline->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    emit eventRequested(current.data(ResourceTimelineModel::IdRole).toString());
            });
    timelineLayout->addWidget(m_timeline, 1);

    auto *more = new QHBoxLayout;
    m_loadMore = new QPushButton(tr("Load &more"), timelinePage);
    m_loadMore->setObjectName(QStringLiteral("loadMore"));
    m_loadMore->setEnabled(false);
    connect(m_loadMore, &QPushButton::clicked, this, &ResourcePane::loadMore);
    more->addStretch();
    more->addWidget(m_loadMore);
    timelineLayout->addLayout(more);

    splitter->addWidget(m_details);
    splitter->addWidget(timelinePage);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    clear();
}

ResourcePane::~ResourcePane() = default;

void ResourcePane::setStore(EventStore *store)
{
    m_store = store;
    m_timelineModel->setStore(store);
}

void ResourcePane::clear()
{
    m_resourceId.clear();
    m_total.reset();
    m_title->setText(tr("No resource selected"));
    m_id->clear();
    m_filterButton->setEnabled(false);
    m_detailsModel->clear();
    m_timelineModel->setResource(QString());
    updateTimelineStatus();
}

void ResourcePane::showResource(const QString &resourceId)
{
    if (resourceId.isEmpty()) {
        clear();
        return;
    }
    m_resourceId = resourceId;
    m_filterButton->setEnabled(true);
    m_id->setText(resourceId);
    fillDetails();
    m_total.reset();
    if (m_store)
        m_total = m_store->count(ResourceTimelineModel::filterFor(resourceId));
    m_timelineModel->setResource(resourceId);
    m_timeline->scrollToTop();
    updateTimelineStatus();
}

void ResourcePane::fillDetails()
{
    m_detailsModel->clear();
    m_detailsModel->setHorizontalHeaderLabels({tr("Label"), tr("Value")});

    std::optional<StoredEvent> primary;
    std::optional<StoredEvent> related;
    if (m_store) {
        EventFilter asPrimary;
        asPrimary.resource = ResourceFilter{};
        asPrimary.resource->id = QStringList{m_resourceId};
        primary = newest(m_store, asPrimary);
        if (!primary) {
            RelatedFilter rf;
            rf.id = QStringList{m_resourceId};
            EventFilter asRelated;
            asRelated.related = QList<RelatedFilter>{rf};
            related = newest(m_store, asRelated);
        }
    }

    Resource resource;
    QList<QPair<QString, Resource>> around; // (role shown, resource)
    QString source;
    if (primary) {
        resource = primary->event.resource;
        for (const Resource &r : primary->event.related)
            around.append({r.role(), r});
        source = tr("from its newest event, where it is the primary resource");
    } else if (related) {
        const Event &e = related->event;
        for (const Resource &r : e.related) {
            if (r.id() == m_resourceId && resource.labels.isEmpty()) {
                // Its role belongs to that event, not to the resource.
                for (const Label &l : r.labels) {
                    if (l.key != kRoleKey)
                        resource.labels.append(l);
                }
            } else if (r.id() != m_resourceId) {
                around.append({r.role(), r});
            }
        }
        around.prepend({tr("primary"), e.resource});
        source = tr("from its newest event, where it is a related resource");
    }

    const QString kind = resourceKind(m_resourceId);
    const QString name = resource.name();
    QString title = name.isEmpty() ? m_resourceId : name;
    if (kind != u"other")
        title = kind + QStringLiteral(" · ") + title;
    m_title->setText(title);

    QStandardItem *root = m_detailsModel->invisibleRootItem();
    if (!primary && !related) {
        root->appendRow({noteItem(tr("No cached event names this resource.")), noteItem({})});
        return;
    }

    QStandardItem *labels = sectionItem(tr("Labels"));
    root->appendRow({labels, noteItem(source)});
    appendLabelRows(labels, resource, ItemKind::Plain);

    // The same resource can be related twice in one role (Prefect repeats a deployment as the
    // creator, for instance): one row each.
    QStandardItem *relatedSection =
        sectionItem(primary ? tr("Related resources") : tr("Seen with"));
    QSet<QString> seen;
    int count = 0;
    for (const auto &[role, r] : std::as_const(around)) {
        const QString key = role + u'\n' + r.id();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        relatedSection->appendRow(relatedResourceRow(r, false, role));
        ++count;
    }
    root->appendRow({relatedSection, noteItem(count == 0   ? tr("none")
                                              : count == 1 ? tr("1 resource")
                                                           : tr("%1 resources").arg(count))});
    m_details->expandAll();
    m_details->resizeColumnToContents(0);
}

void ResourcePane::loadMore()
{
    m_timelineModel->loadMore();
    updateTimelineStatus();
}

void ResourcePane::updateTimelineStatus()
{
    const QLocale locale;
    const int shown = m_timelineModel->rowCount();
    m_loadMore->setEnabled(m_timelineModel->canLoadMore());
    if (m_resourceId.isEmpty()) {
        m_timelineStatus->setText(tr("Timeline"));
    } else if (!m_timelineModel->lastError().isEmpty()) {
        m_timelineStatus->setText(
            tr("Timeline: reading the cache failed: %1").arg(m_timelineModel->lastError()));
    } else if (m_total && *m_total > shown) {
        m_timelineStatus->setText(tr("Timeline: the newest %1 of %2 events")
                                      .arg(locale.toString(shown), locale.toString(*m_total)));
    } else {
        m_timelineStatus->setText(shown == 1
                                      ? tr("Timeline: 1 event")
                                      : tr("Timeline: %1 events").arg(locale.toString(shown)));
    }
}

} // namespace ed::ui
