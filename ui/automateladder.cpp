#include "ui/automateladder.h"

#include "ui/eventnames.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

const QString kId = u"prefect.resource.id"_s;
const QString kRole = u"prefect.resource.role"_s;

qsizetype namespaceLength(const QString &name)
{
    for (const QString &ns : {u"prefect."_s, u"prefect-cloud."_s}) {
        if (name.startsWith(ns))
            return ns.size();
    }
    return 0;
}

/// `prefect.flow-run.<id>` → {"prefect.flow-run.*", "flow run"}; empty for ids without a
/// Prefect kind.
std::pair<QString, QString> kindOf(const QString &resourceId)
{
    const qsizetype ns = namespaceLength(resourceId);
    const qsizetype dot = ns > 0 ? resourceId.indexOf(u'.', ns) : -1;
    if (dot <= ns || dot + 1 >= resourceId.size())
        return {};
    QString kind = resourceId.mid(ns, dot - ns);
    const QString pattern = globLiteral(resourceId.left(dot + 1)) + u'*';
    return {pattern, kind.replace(u'-', u' ')};
}

ResourceSpec spec(std::initializer_list<std::pair<QString, QString>> labels)
{
    ResourceSpec s;
    for (const auto &[key, pattern] : labels)
        s.set(ResourceSpec::Entry{key, {pattern}, true});
    return s;
}

QString described(const Resource &r)
{
    const QString name = r.name();
    return name.isEmpty() ? r.id() : name;
}

} // namespace

QList<AutomateRung> automateLadder(const Event &event)
{
    using Scope = AutomateRung::Scope;
    QList<AutomateRung> rungs;
    const QString id = event.resource.id();
    const auto [kindPattern, kind] = kindOf(id);
    if (!id.isEmpty()) {
        const QString what =
            kind.isEmpty() ? QObject::tr("this resource") : QObject::tr("this %1").arg(kind);
        QString label = what.at(0).toUpper() + what.mid(1);
        if (const QString name = event.resource.name(); !name.isEmpty())
            label += QObject::tr(" (%1)").arg(name);
        rungs.append({Scope::Resource, label, spec({{kId, globLiteral(id)}}), {}, {}});
    }
    if (!kindPattern.isEmpty()) {
        static const std::pair<const char *, const char *> roles[] =
            {{"deployment", "of deployment"},
             {"flow", "of flow"},
             {"work-queue", "in work queue"},
             {"work-pool", "in work pool"}};
        for (const auto &[role, phrase] : roles) {
            const QString roleName = QString::fromLatin1(role);
            const auto related = std::find_if(event.related.cbegin(), event.related.cend(),
                                              [&roleName](const Resource &r) {
                                                  return r.role() == roleName && !r.id().isEmpty();
                                              });
            if (related == event.related.cend())
                continue;
            rungs.append({Scope::Resource,
                          QObject::tr("Any %1 %2 %3")
                              .arg(kind, QLatin1StringView(phrase), described(*related)),
                          spec({{kId, kindPattern}}),
                          {spec({{kRole, roleName}, {kId, globLiteral(related->id())}})},
                          {}});
        }
        rungs.append(
            {Scope::Resource, QObject::tr("Any %1").arg(kind), spec({{kId, kindPattern}}), {}, {}});
    }

    const QString &name = event.event;
    rungs.append({Scope::Event, QObject::tr("This event: %1").arg(name), {}, {}, globLiteral(name)});
    // Each dotted family, the nearest first, down to but not including the bare namespace.
    const qsizetype ns = namespaceLength(name);
    for (qsizetype dot = name.lastIndexOf(u'.'); dot > 0; dot = name.lastIndexOf(u'.', dot - 1)) {
        if (dot < ns)
            break;
        const QString family = globLiteral(name.left(dot + 1)) + u'*';
        rungs.append({Scope::Event,
                      QObject::tr("Any %1 event (%2)")
                          .arg(humanizeEventName(name.left(dot)).toLower(), family),
                      {},
                      {},
                      family});
    }
    return rungs;
}

Trigger automateTrigger(const AutomateRung &resource, const AutomateRung &event)
{
    EventTrigger e;
    e.posture = Posture::Reactive;
    e.threshold = 1;
    e.within = Seconds{};
    e.forEach = {kId};
    e.match = resource.match;
    if (!resource.matchRelated.isEmpty()) {
        e.matchRelated = resource.matchRelated;
        e.matchRelatedIsList = resource.matchRelated.size() > 1;
    }
    if (!event.expect.isEmpty())
        e.expect = {event.expect};
    return Trigger{std::move(e), {}, {}};
}

AutomateDialog::AutomateDialog(const Event &event, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Automate"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    for (const AutomateRung &rung : automateLadder(event))
        (rung.scope == AutomateRung::Scope::Resource ? m_resourceRungs : m_eventRungs).append(rung);

    auto *intro = new QLabel(tr("Create a trigger that fires on events like <b>%1</b>. How "
                                "general should it be?")
                                 .arg(event.event.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"automateSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    m_resourceGroup = addGroup(tr("Which resources"), AutomateRung::Scope::Resource, layout);
    m_eventGroup = addGroup(tr("Which events"), AutomateRung::Scope::Event, layout);
    layout->addWidget(m_summary);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    select(0, 0);
}

AutomateDialog::~AutomateDialog() = default;

QButtonGroup *AutomateDialog::addGroup(const QString &title, AutomateRung::Scope scope,
                                       QVBoxLayout *layout)
{
    const bool resources = scope == AutomateRung::Scope::Resource;
    auto *box = new QGroupBox(title, this);
    auto *boxLayout = new QVBoxLayout(box);
    auto *group = new QButtonGroup(this);
    const QList<AutomateRung> &rungs = resources ? m_resourceRungs : m_eventRungs;
    for (int i = 0; i < rungs.size(); ++i) {
        auto *radio = new QRadioButton(rungs[i].label, box);
        radio->setObjectName((resources ? u"resourceRung"_s : u"eventRung"_s) + QString::number(i));
        group->addButton(radio, i);
        boxLayout->addWidget(radio);
    }
    layout->addWidget(box);
    connect(group, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            updateSummary();
    });
    return group;
}

QList<AutomateRung> AutomateDialog::rungs(AutomateRung::Scope scope) const
{
    return scope == AutomateRung::Scope::Resource ? m_resourceRungs : m_eventRungs;
}

void AutomateDialog::select(int resource, int event)
{
    if (QAbstractButton *b = m_resourceGroup->button(resource))
        b->setChecked(true);
    if (QAbstractButton *b = m_eventGroup->button(event))
        b->setChecked(true);
    updateSummary();
}

Trigger AutomateDialog::trigger() const
{
    const int r = m_resourceGroup->checkedId();
    const int e = m_eventGroup->checkedId();
    return automateTrigger(m_resourceRungs.value(r), m_eventRungs.value(e));
}

void AutomateDialog::updateSummary()
{
    m_summary->setText(summarize(trigger()));
}

} // namespace ed::ui
