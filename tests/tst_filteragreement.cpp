// Property test: the SQL compilation of an EventFilter and the in-memory evaluation agree on
// every (event, filter) pair, over random events and filters built from the fixtures' shapes.

#include "core/event.h"
#include "core/eventfilter.h"
#include "core/eventstore.h"
#include "core/json.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace ed;

namespace {

// Values chosen to exercise the corners: case, SQL LIKE metacharacters, glob metacharacters,
// backslashes, quotes, non-ASCII and non-BMP text, prefixes of one another.
const QStringList kValues = {
    QStringLiteral("prod"), QStringLiteral("Prod"), QStringLiteral("production"),
    QStringLiteral("dev"), QStringLiteral("dev-automations"), QStringLiteral("dev-1"),
    QStringLiteral("100%"), QStringLiteral("a_b"), QStringLiteral("a%b"), QStringLiteral("a\\b"),
    QStringLiteral("star*"), QStringLiteral("q?"), QStringLiteral("[x]"), QStringLiteral("^x"),
    QStringLiteral("it's"), QStringLiteral("say \"hi\""), QStringLiteral("café"),
    QStringLiteral("CAFÉ"), QStringLiteral("😀 emoji"), QStringLiteral(""), QStringLiteral("x"),
    QStringLiteral("world"), QStringLiteral("wORLD"), QStringLiteral("worldly"),
    QStringLiteral("prefect.flow-run.1"), QStringLiteral("prefect.flow-run.22"),
    QStringLiteral("prefect.task-run.1"), QStringLiteral("prefect.deployment.9"),
};
const QStringList kKeys = {QStringLiteral("hello"), QStringLiteral("env"),
                           QStringLiteral("prefect.resource.name"), QStringLiteral("a-label"),
                           QStringLiteral("prefect.state-type")};
const QStringList kRoles = {QStringLiteral("flow"), QStringLiteral("deployment"), QStringLiteral("tag"),
                            QStringLiteral("work-pool"), QStringLiteral("Flow"), QStringLiteral("thing")};
const QStringList kEventNames = {
    QStringLiteral("prefect.flow-run.Completed"), QStringLiteral("prefect.flow-run.Failed"),
    QStringLiteral("prefect.flow-run.completed"), QStringLiteral("prefect.task-run.Running"),
    QStringLiteral("prefect.log.write"), QStringLiteral("animal.walked"), QStringLiteral("animal_walked"),
    QStringLiteral("things.happened"), QStringLiteral("a%b.event"), QStringLiteral("hello")};
const QStringList kIds = {QStringLiteral("prefect.flow-run.1"), QStringLiteral("prefect.flow-run.22"),
                          QStringLiteral("prefect.task-run.1"), QStringLiteral("foo.1"),
                          QStringLiteral("foo.2"), QStringLiteral("foo_3"), QStringLiteral("woodchonk"),
                          QStringLiteral("prefect.flow.Abc"), QStringLiteral("prefect.flow.abc")};

class Gen
{
public:
    explicit Gen(quint32 seed)
        : m_rng(seed)
    {}

    int below(int n) { return int(m_rng.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
    template<typename T>
    const T &pick(const QList<T> &list) { return list[below(int(list.size()))]; }

    QString uuid()
    {
        QString s;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20)
                s += u'-';
            s += QLatin1Char("0123456789abcdef"[below(16)]);
        }
        return s;
    }

    // A cut position that never splits a surrogate pair (the text must stay valid Unicode).
    static qsizetype safeCut(const QString &s, qsizetype pos)
    {
        if (pos > 0 && pos < s.size() && s[pos].isLowSurrogate())
            --pos;
        return pos;
    }
    QString left(const QString &s, int n) { return s.left(safeCut(s, n)); }
    QString mid(const QString &s, int n) { return s.mid(safeCut(s, n)); }

    // A pattern that matches `value` or a near miss: globs, negation, brackets, case changes.
    QString pattern()
    {
        QString v = pick(kValues);
        switch (below(12)) {
        case 0: v = left(v, below(int(v.size()) + 1)) + u'*'; break;
        case 1: v = u'*' + mid(v, below(int(v.size()) + 1)); break;
        case 2:
            if (!v.isEmpty()) {
                const qsizetype at = safeCut(v, below(int(v.size())));
                v = v.left(at) + u'?' + v.mid(at + (v[at].isHighSurrogate() ? 2 : 1));
            }
            break;
        case 3: v = u'!' + v; break;
        case 4: v = QStringLiteral("!") + v.left(2) + u'*'; break;
        case 5: v = QStringLiteral("[pP]rod*"); break;
        case 6: v = QStringLiteral("[^x]"); break;
        case 7: v = QStringLiteral("[x"); break;
        case 8: v = v.toUpper(); break;
        case 9: v = QStringLiteral("*"); break;
        case 10: v = QStringLiteral("[!a-c]*"); break;
        default: break;
        }
        return v;
    }

    QStringList patterns()
    {
        QStringList out;
        const int n = below(10) == 0 ? 0 : 1 + below(3); // sometimes an explicitly empty list
        for (int i = 0; i < n; ++i)
            out += pattern();
        return out;
    }

    ResourceSpec spec(bool withIdAndRole)
    {
        ResourceSpec s;
        const int n = 1 + below(2);
        for (int i = 0; i < n; ++i) {
            QString key = pick(kKeys);
            if (withIdAndRole && chance(25))
                key = QStringLiteral("prefect.resource.id");
            if (withIdAndRole && chance(15))
                key = QStringLiteral("prefect.resource.role");
            QStringList p = patterns();
            if (key == u"prefect.resource.id" && chance(60))
                p = {chance(50) ? pick(kIds) : pick(kIds).left(8) + u'*'};
            if (key == u"prefect.resource.role" && chance(60))
                p = {pick(kRoles)};
            s.set(key, p);
        }
        return s;
    }

    Resource resource(bool related)
    {
        Resource r;
        r.set(QStringLiteral("prefect.resource.id"), pick(kIds));
        if (related || chance(10))
            r.set(QStringLiteral("prefect.resource.role"), pick(kRoles));
        const int n = below(4);
        for (int i = 0; i < n; ++i)
            r.set(pick(kKeys), pick(kValues));
        return r;
    }

    Event event(const QList<Event> &templates)
    {
        Event e = chance(30) ? pick(templates) : Event();
        e.id = uuid();
        e.occurred = kBase + qint64(below(1000)) * 1000000 * 60;
        if (chance(70) || e.event.isEmpty())
            e.event = pick(kEventNames);
        if (chance(70) || e.resource.labels.isEmpty())
            e.resource = resource(false);
        if (chance(70)) {
            e.related.clear();
            const int n = below(4);
            for (int i = 0; i < n; ++i)
                e.related += resource(true);
        }
        if (chance(50)) {
            QByteArray p = "{\"";
            json::Value unused;
            p += pick(kValues).toUtf8().replace('\\', "\\\\").replace('"', "\\\"");
            p += "\":";
            p += chance(50) ? QByteArray::number(below(100000)) : QByteArray("\"") + pick(kValues).toUtf8().replace('\\', "\\\\").replace('"', "\\\"") + '"';
            p += '}';
            e.payload = p;
        }
        e.received.reset();
        return e;
    }

    EventFilter filter(const QList<Event> &events)
    {
        EventFilter f;
        if (chance(30)) {
            OccurredFilter o;
            if (chance(70))
                o.since = kBase + qint64(below(1000)) * 1000000 * 60;
            if (chance(70))
                o.until = kBase + qint64(below(1000)) * 1000000 * 60;
            f.occurred = o;
        }
        if (chance(30)) {
            NameFilter n;
            auto some = [&](bool prefix) {
                QStringList l;
                const int k = below(3);
                for (int i = 0; i < k; ++i) {
                    const QString name = pick(kEventNames);
                    l += prefix ? name.left(below(int(name.size()) + 1)) : name;
                }
                return l;
            };
            if (chance(40))
                n.prefix = some(true);
            if (chance(30))
                n.excludePrefix = some(true);
            if (chance(40))
                n.name = some(false);
            if (chance(30))
                n.excludeName = some(false);
            f.event = n;
        }
        if (chance(50)) {
            ResourceFilter r;
            if (chance(20))
                r.id = QStringList{pick(kIds), pick(kIds)};
            if (chance(20))
                r.idPrefix = QStringList{pick(kIds).left(below(12))};
            if (chance(70))
                r.labels = spec(true);
            f.resource = r;
        }
        if (chance(40)) {
            QList<RelatedFilter> list;
            const int n = 1 + below(2);
            for (int i = 0; i < n; ++i) {
                RelatedFilter r;
                if (chance(30))
                    r.id = QStringList{pick(kIds)};
                if (chance(40))
                    r.role = QStringList{pick(kRoles), pick(kRoles)};
                if (chance(20))
                    r.resourcesInRoles = QList<QPair<QString, QString>>{{pick(kIds), pick(kRoles)}};
                if (chance(60))
                    r.labels = spec(true);
                list += r;
            }
            f.related = list;
            f.relatedIsList = list.size() > 1;
        }
        if (chance(30)) {
            QList<AnyResourceFilter> list;
            const int n = 1 + below(2);
            for (int i = 0; i < n; ++i) {
                AnyResourceFilter a;
                if (chance(30))
                    a.id = QStringList{pick(kIds)};
                if (chance(30))
                    a.idPrefix = QStringList{pick(kIds).left(below(10))};
                if (chance(60))
                    a.labels = spec(true);
                list += a;
            }
            f.anyResource = list;
            f.anyResourceIsList = list.size() > 1;
        }
        if (chance(10) && !events.isEmpty())
            f.ids = QStringList{pick(events).id, uuid()};
        if (chance(15)) {
            QStringList terms;
            const int n = 1 + below(3);
            for (int i = 0; i < n; ++i) {
                QString t = pick(kValues);
                if (t.isEmpty())
                    t = QStringLiteral("wor");
                t = left(mid(t, below(int(t.size()))), 1 + below(5));
                if (t.contains(u' ') || chance(20))
                    t = u'"' + t.replace(u'"', QStringLiteral("\\\"")) + u'"';
                const int prefix = below(4);
                terms += (prefix == 0 ? QStringLiteral("-") : prefix == 1 ? QStringLiteral("+") : QString()) + t;
            }
            f.text = terms.join(u' ');
        }
        f.order = chance(50) ? EventFilter::Order::Asc : EventFilter::Order::Desc;
        return f;
    }

    static constexpr qint64 kBase = 1774980000LL * 1000000;

private:
    QRandomGenerator m_rng;
};

QList<Event> fixtureEvents()
{
    QFile f(QStringLiteral(EVENTDECK_FIXTURES "/prefect-sample-events.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = f.readAll();
    json::Value all;
    if (!json::parse(text, all))
        return {};
    QList<Event> out;
    for (const json::Value &v : all.items) {
        Event e;
        EventError why;
        if (parseEvent(v, text, e, why))
            out += e;
    }
    return out;
}

} // namespace

class TestFilterAgreement : public QObject
{
    Q_OBJECT

private slots:
    void sqlAgreesWithMemory();
};

void TestFilterAgreement::sqlAgreesWithMemory()
{
    const quint32 seed = qEnvironmentVariableIsSet("EVENTDECK_SEED")
                             ? quint32(qEnvironmentVariableIntValue("EVENTDECK_SEED"))
                             : 20261123u;
    Gen gen(seed);
    const QList<Event> templates = fixtureEvents();
    QVERIFY(templates.size() >= 25);

    QTemporaryDir dir;
    EventStore store;
    QVERIFY2(store.open(dir.filePath(QStringLiteral("cache.sqlite"))), qPrintable(store.lastError()));

    QList<Event> events;
    for (int i = 0; i < 400; ++i) {
        Event e = gen.event(templates);
        EventError why;
        QVERIFY2(validateEvent(e, why), qPrintable(why.message()));
        events += e;
    }
    // A few events sharing `occurred`, so ordering ties are broken by id.
    for (int i = 0; i < 20; ++i)
        events[i].occurred = events[0].occurred;
    const IngestStats stats = store.ingest(events, QStringLiteral("test"));
    QCOMPARE(stats.stored, qint64(events.size()));

    qint64 pairs = 0;
    qint64 matchedPairs = 0;
    for (int i = 0; i < 60; ++i) {
        const EventFilter filter = gen.filter(events);
        // The JSON form must describe the same filter.
        QString why;
        const auto reparsed = EventFilter::fromJson(filter.toJson(), &why);
        QVERIFY2(reparsed, qPrintable(why));
        QVERIFY2(*reparsed == filter,
                 QByteArray(filter.toJson() + " reads back as " + reparsed->toJson()).constData());

        QList<Event> expected;
        for (const Event &e : events) {
            if (filter.matches(e))
                expected += e;
        }
        std::sort(expected.begin(), expected.end(), [&](const Event &a, const Event &b) {
            if (a.occurred != b.occurred)
                return filter.order == EventFilter::Order::Asc ? a.occurred < b.occurred
                                                              : a.occurred > b.occurred;
            return filter.order == EventFilter::Order::Asc ? a.id < b.id : a.id > b.id;
        });
        pairs += events.size();
        matchedPairs += expected.size();

        // The same primary-label condition alone takes the index-only counting path.
        if (filter.resource && filter.resource->labels && !filter.resource->labels->isEmpty()) {
            EventFilter alone;
            alone.resource = ResourceFilter{};
            alone.resource->labels = ResourceSpec{};
            alone.resource->labels->entries = {filter.resource->labels->entries.front()};
            const auto n = std::count_if(events.begin(), events.end(),
                                         [&](const Event &e) { return alone.matches(e); });
            QCOMPARE(store.count(alone).value_or(-1), qint64(n));
        }
        // So does one any_resource or related label condition.
        for (int scope = 0; scope < 2; ++scope) {
            EventFilter alone;
            ResourceSpec spec;
            spec.entries = {ResourceSpec::Entry{gen.pick(kKeys), {gen.pattern()}, false}};
            if (scope == 0) {
                AnyResourceFilter a;
                a.labels = spec;
                alone.anyResource = QList<AnyResourceFilter>{a};
            } else {
                RelatedFilter r;
                r.labels = spec;
                alone.related = QList<RelatedFilter>{r};
            }
            const auto n = std::count_if(events.begin(), events.end(),
                                         [&](const Event &e) { return alone.matches(e); });
            QCOMPARE(store.count(alone).value_or(-1), qint64(n));
        }
        const auto count = store.count(filter);
        QVERIFY2(count, qPrintable(store.lastError()));
        // Page through in small keyset pages and compare ids in order.
        QStringList got;
        std::optional<Cursor> cursor;
        for (;;) {
            const auto page = store.page(filter, 37, cursor);
            QVERIFY2(page, qPrintable(store.lastError()));
            for (const StoredEvent &se : *page)
                got += se.event.id;
            if (page->size() < 37)
                break;
            cursor = Cursor{page->last().event.occurred, page->last().event.id};
        }
        QStringList want;
        for (const Event &e : expected)
            want += e.id;
        if (got != want || *count != expected.size()) {
            QSet<QString> g(got.begin(), got.end()), w(want.begin(), want.end());
            QString detail;
            for (const Event &e : events) {
                if (g.contains(e.id) != w.contains(e.id)) {
                    detail = QStringLiteral("first disagreement: in-memory=%1 sql=%2 event=%3")
                                 .arg(w.contains(e.id))
                                 .arg(g.contains(e.id))
                                 .arg(QString::fromUtf8(serializeEvent(e)));
                    break;
                }
            }
            QFAIL(qPrintable(QStringLiteral("seed %1, filter %2: %3 (count %4, expected %5)")
                                 .arg(seed)
                                 .arg(QString::fromUtf8(filter.toJson()), detail)
                                 .arg(*count)
                                 .arg(expected.size())));
        }
    }
    qInfo("compared %lld (event, filter) pairs, %lld matching", pairs, matchedPairs);
    QVERIFY(pairs >= 10000);
    // The generator must produce filters that select something and filters that reject.
    QVERIFY(matchedPairs > pairs / 50);
    QVERIFY(matchedPairs < pairs / 2);
}

QTEST_GUILESS_MAIN(TestFilterAgreement)
#include "tst_filteragreement.moc"
