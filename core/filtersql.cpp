#include "core/filtersql.h"

#include "core/codec.h"
#include "core/glob.h"
#include "core/sqlite.h"

#include <QHash>
#include <QMutex>

#include <sqlite3.h>

#include <cmath>

namespace ed::sql {

namespace {

const QString kIdKey = QStringLiteral("prefect.resource.id");
const QString kRoleKey = QStringLiteral("prefect.resource.role");

// Programs are handed to SQL functions by number: QSqlQuery cannot bind pointers, and a number
// in the SQL text keeps statements cacheable.
QMutex g_mutex;
QHash<qint64, std::shared_ptr<RowProgram>> g_programs;
qint64 g_nextHandle = 1;

qint64 registerProgram(std::shared_ptr<RowProgram> program)
{
    QMutexLocker lock(&g_mutex);
    const qint64 h = g_nextHandle++;
    g_programs.insert(h, std::move(program));
    return h;
}

std::shared_ptr<RowProgram> findProgram(qint64 handle)
{
    QMutexLocker lock(&g_mutex);
    return g_programs.value(handle);
}

void releaseProgram(qint64 handle)
{
    QMutexLocker lock(&g_mutex);
    g_programs.remove(handle);
}

void appendVarint(QByteArray &out, quint64 v)
{
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

bool readVarint(const unsigned char *&p, const unsigned char *end, quint64 &v)
{
    v = 0;
    int shift = 0;
    while (p < end) {
        const unsigned char b = *p++;
        v |= quint64(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
        shift += 7;
        if (shift > 63)
            return false;
    }
    return false;
}

struct Span
{
    size_t first;
    quint64 count;
};

// Decodes `res` into per-resource spans of varints without allocating per row.
bool spans(QByteArrayView res, std::vector<Span> &out, std::vector<qint64> &ids)
{
    out.clear();
    ids.clear();
    const auto *p = reinterpret_cast<const unsigned char *>(res.data());
    const auto *end = p + res.size();
    while (p < end) {
        quint64 n = 0;
        if (!readVarint(p, end, n))
            return false;
        const size_t first = ids.size();
        for (quint64 i = 0; i < n; ++i) {
            quint64 v = 0;
            if (!readVarint(p, end, v))
                return false;
            ids.push_back(qint64(v));
        }
        out.push_back({first, n});
    }
    return true;
}

bool resourceSatisfies(const qint64 *ids, quint64 n, const Requirement &req)
{
    for (const Condition &c : req.conditions) {
        bool ok = false;
        if (c.usesPairs) {
            for (const auto &[a, b] : c.pairs) {
                bool hasA = false, hasB = false;
                for (quint64 i = 0; i < n; ++i) {
                    hasA = hasA || ids[i] == a;
                    hasB = hasB || ids[i] == b;
                }
                if (hasA && hasB) {
                    ok = true;
                    break;
                }
            }
        } else {
            for (quint64 i = 0; i < n && !ok; ++i)
                ok = c.ids.count(ids[i]) != 0;
        }
        if (!ok)
            return false;
    }
    return true;
}

RowProgram *programFor(sqlite3_context *ctx, sqlite3_value *handleArg)
{
    if (auto *cached = static_cast<std::shared_ptr<RowProgram> *>(sqlite3_get_auxdata(ctx, 1)))
        return cached->get();
    auto program = findProgram(sqlite3_value_int64(handleArg));
    if (!program)
        return nullptr;
    auto *holder = new std::shared_ptr<RowProgram>(program);
    RowProgram *raw = holder->get();
    sqlite3_set_auxdata(ctx, 1, holder,
                        [](void *p) { delete static_cast<std::shared_ptr<RowProgram> *>(p); });
    // set_auxdata may have destroyed `holder` already; `raw` stays alive through the registry
    // entry for as long as the statement that uses it can run.
    return raw;
}

void edRes(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    RowProgram *program = programFor(ctx, argv[1]);
    if (!program) {
        sqlite3_result_error(ctx, "ed_res: unknown filter handle", -1);
        return;
    }
    const auto *data = static_cast<const char *>(sqlite3_value_blob(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    sqlite3_result_int(ctx, program->matchesResources(QByteArrayView(data, size)) ? 1 : 0);
}

void edText(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    RowProgram *program = programFor(ctx, argv[1]);
    if (!program) {
        sqlite3_result_error(ctx, "ed_text: unknown filter handle", -1);
        return;
    }
    if (!program->text) {
        sqlite3_result_int(ctx, 1);
        return;
    }
    const auto *data = static_cast<const char *>(sqlite3_value_blob(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    QByteArray json;
    if (!codec::decompress(QByteArrayView(data, size), json)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    if (!program->textMayMatch(json)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    Event event;
    EventError why;
    if (!parseEvent(json, event, why)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    sqlite3_result_int(ctx, textMatches(*program->text, event) ? 1 : 0);
}

// A condition on the primary resource id: exact or prefix, possibly negated.
struct RidTerm
{
    QString text;
    bool prefix = false;
    bool negated = false;
};

class Compiler
{
public:
    Compiler(sqlite3 *db, CompiledFilter &out, Purpose purpose)
        : m_db(db)
        , m_out(out)
        , m_purpose(purpose)
    {}

    QString error;

    void clause(const QByteArray &sql) { m_clauses.append(sql); }
    QByteArray placeholder(const QVariant &v)
    {
        m_out.binds.append(v);
        return QByteArrayLiteral("?");
    }

    std::optional<qint64> keyId(const QString &key)
    {
        if (auto it = m_keys.constFind(key); it != m_keys.constEnd())
            return *it;
        Statement q(m_db, "SELECT id FROM label_keys WHERE key = ?");
        q.bind(1, key);
        std::optional<qint64> id;
        if (q.step())
            id = q.int64(0);
        m_keys.insert(key, id);
        return id;
    }

    Condition exact(const QString &key, const QStringList &values)
    {
        Condition c;
        const auto k = keyId(key);
        if (!k)
            return c;
        Statement q(m_db, "SELECT id FROM label_values WHERE key = ? AND value = ?");
        for (const QString &v : values) {
            q.reset();
            q.bind(1, *k).bind(2, v);
            if (q.step())
                c.ids.insert(q.int64(0));
        }
        return c;
    }

    Condition prefixed(const QString &key, const QStringList &prefixes)
    {
        Condition c;
        const auto k = keyId(key);
        if (!k)
            return c;
        for (const QString &prefix : prefixes)
            scanRange(*k, prefix, [&](qint64 id, QStringView value) {
                if (value.startsWith(prefix))
                    c.ids.insert(id);
            });
        return c;
    }

    Condition patterns(const QString &key, const QStringList &patterns)
    {
        Condition c;
        const auto k = keyId(key);
        if (!k || patterns.isEmpty())
            return c;
        std::vector<LabelPattern> compiled;
        bool fullScan = false;
        for (const QString &p : patterns) {
            compiled.emplace_back(p);
            const LabelPattern &lp = compiled.back();
            if (lp.negated() || lp.glob().literalPrefix().isEmpty())
                fullScan = true;
        }
        if (fullScan) {
            scanRange(*k, QString(), [&](qint64 id, QStringView value) {
                for (const LabelPattern &lp : compiled) {
                    if (lp.matches(value)) {
                        c.ids.insert(id);
                        break;
                    }
                }
            });
            return c;
        }
        for (const LabelPattern &lp : compiled) {
            if (lp.glob().isLiteral()) {
                const Condition one = exact(key, {lp.glob().literalPrefix()});
                c.ids.insert(one.ids.begin(), one.ids.end());
                continue;
            }
            if (lp.glob().isPrefixOnly()) {
                // Every value in the range matches: no need to decode or test them.
                scanRangeIds(*k, lp.glob().literalPrefix(), c.ids);
                continue;
            }
            scanRange(*k, lp.glob().literalPrefix(), [&](qint64 id, QStringView value) {
                if (lp.matches(value))
                    c.ids.insert(id);
            });
        }
        return c;
    }

    void scanRangeIds(qint64 key, const QString &prefix, std::unordered_set<qint64> &ids)
    {
        const QByteArray lo = prefix.toUtf8();
        Statement q(m_db, "SELECT id FROM label_values WHERE key = ? AND value >= ? AND value < ?");
        q.bind(1, key).bindText(2, lo).bindText(3, lo + '\xff');
        while (q.step())
            ids.insert(q.int64(0));
    }

    template<typename F>
    void scanRange(qint64 key, const QString &prefix, F &&visit)
    {
        if (prefix.isEmpty()) {
            Statement q(m_db, "SELECT id, value FROM label_values WHERE key = ?");
            q.bind(1, key);
            while (q.step())
                visit(q.int64(0), q.text(1));
            return;
        }
        // Every string starting with `prefix` sorts in [prefix, prefix + 0xFF) under SQLite's
        // binary collation: 0xFF never occurs in UTF-8.
        const QByteArray lo = prefix.toUtf8();
        const QByteArray hi = lo + '\xff';
        Statement q(m_db, "SELECT id, value FROM label_values WHERE key = ? AND value >= ? AND value < ?");
        q.bind(1, key).bindText(2, lo).bindText(3, hi);
        while (q.step())
            visit(q.int64(0), q.text(1));
    }

    void spec(const ResourceSpec &spec, Requirement &req)
    {
        for (const ResourceSpec::Entry &e : spec.entries)
            req.conditions.push_back(patterns(e.key, e.patterns));
    }

    void addRequirement(Requirement req)
    {
        if (req.conditions.empty())
            return;
        m_program->requirements.push_back(std::move(req));
    }

    // The event-name conditions with their own binds, over `column` (`+e.event` keeps SQLite
    // from choosing the name index when that would mean sorting most of the cache).
    QByteArray eventNameClause(const NameFilter &nf, const QByteArray &column, QList<QVariant> &binds)
    {
        QList<QByteArray> parts;
        auto bind = [&](const QVariant &v) -> QByteArray {
            binds.append(v);
            return QByteArrayLiteral("?");
        };
        auto prefixExpr = [&](const QString &p) -> QByteArray {
            // Separate statements: the order of placeholders must match the order of binds.
            QByteArray expr = "(" + column + " >= " + bind(p);
            expr += " AND " + column + " < " + bind(QVariant::fromValue(RawText{p.toUtf8() + '\xff'})) + ')';
            return expr;
        };
        auto inList = [&](const QStringList &values) -> QByteArray {
            QByteArray s = "(";
            for (qsizetype i = 0; i < values.size(); ++i) {
                if (i)
                    s += ',';
                s += bind(values[i]);
            }
            return s + ')';
        };
        if (nf.prefix && !nf.prefix->isEmpty()) {
            QByteArray any;
            for (const QString &p : *nf.prefix)
                any += (any.isEmpty() ? "" : " OR ") + prefixExpr(p);
            parts.append('(' + any + ')');
        }
        if (nf.excludePrefix && !nf.excludePrefix->isEmpty()) {
            for (const QString &p : *nf.excludePrefix)
                parts.append("NOT " + prefixExpr(p));
        }
        if (nf.name && !nf.name->isEmpty())
            parts.append(column + " IN " + inList(*nf.name));
        if (nf.excludeName && !nf.excludeName->isEmpty())
            parts.append(column + " NOT IN " + inList(*nf.excludeName));
        return parts.join(" AND ");
    }

    // Each condition is an OR of its terms; conditions are AND'ed.
    QByteArray ridClause(const QList<QList<RidTerm>> &conditions, const QByteArray &column,
                         QList<QVariant> &binds)
    {
        QList<QByteArray> all;
        for (const QList<RidTerm> &terms : conditions) {
            QList<QByteArray> any;
            for (const RidTerm &t : terms) {
                binds.append(t.text);
                QByteArray expr;
                if (t.prefix) {
                    expr = "(" + column + " >= ?";
                    binds.append(QVariant::fromValue(RawText{t.text.toUtf8() + '\xff'}));
                    expr += " AND " + column + " < ?)";
                } else {
                    expr = column + " = ?";
                }
                any.append(t.negated ? "NOT " + expr : expr);
            }
            all.append('(' + any.join(" OR ") + ')');
        }
        return all.join(" AND ");
    }

    void ridClauseFor(const QList<QList<RidTerm>> &conditions)
    {
        QList<QVariant> binds;
        QByteArray c = ridClause(conditions, "e.rid", binds);
        if (m_purpose == Purpose::Page) {
            const qint64 cap = selectiveCap();
            Statement q(m_db, "SELECT count(*) FROM (SELECT 1 FROM events e WHERE " + c + " LIMIT "
                                  + QByteArray::number(cap) + ')');
            bindAll(q, binds);
            if (!q.step() || q.int64(0) >= cap) {
                binds.clear();
                c = ridClause(conditions, "+e.rid", binds);
            }
        }
        clause(c);
        m_out.binds += binds;
        m_hasRidClause = true;
    }

    qint64 totalEvents()
    {
        if (m_total < 0) {
            Statement q(m_db, "SELECT max(seq) FROM events");
            m_total = q.step() ? q.int64(0) : 0;
        }
        return m_total;
    }

    // Beyond this many candidate rows, starting from an index other than `occurred` costs more
    // than it saves: for a page, walking by time finds 200 matches after about 200·N/M rows,
    // which equals M rows at M = sqrt(200·N); for a full scan the bound is a share of N.
    qint64 selectiveCap()
    {
        const qint64 n = totalEvents();
        // Rows reached through an index other than `occurred` cost about three sequential
        // rows each (random table access), hence the halved bound.
        if (m_purpose == Purpose::Page)
            return std::max<qint64>(1000, qint64(std::sqrt(200.0 * double(n))));
        return std::max<qint64>(2000, n / 25);
    }

    bool run(const EventFilter &f)
    {
        m_program = std::make_shared<RowProgram>();
        if (f.occurred && f.occurred->since)
            clause("e.occurred >= " + placeholder(*f.occurred->since));
        if (f.occurred && f.occurred->until)
            clause("e.occurred <= " + placeholder(*f.occurred->until));
        if (f.event) {
            QList<QVariant> binds;
            QByteArray c = eventNameClause(*f.event, "e.event", binds);
            if (!c.isEmpty() && m_purpose == Purpose::Page) {
                const qint64 cap = selectiveCap();
                Statement q(m_db, "SELECT count(*) FROM (SELECT 1 FROM events e WHERE " + c
                                      + " LIMIT " + QByteArray::number(cap) + ')');
                bindAll(q, binds);
                if (!q.step() || q.int64(0) >= cap) {
                    binds.clear();
                    c = eventNameClause(*f.event, "+e.event", binds);
                }
            }
            m_eventClauseEmpty = c.isEmpty();
            if (!c.isEmpty()) {
                clause(c);
                m_out.binds += binds;
            }
        }
        if (f.ids && !f.ids->isEmpty()) {
            QByteArray s = "e.id IN (";
            for (qsizetype i = 0; i < f.ids->size(); ++i) {
                if (i)
                    s += ',';
                s += placeholder(QVariant::fromValue(uuidToBytes((*f.ids)[i])));
            }
            clause(s + ')');
        }
        if (f.resource) {
            // Conditions on the primary resource id become ranges of the `rid` index.
            Requirement req{Requirement::Scope::Primary, {}};
            QList<QList<RidTerm>> ridConditions; // terms OR'ed, conditions AND'ed
            if (f.resource->id && !f.resource->id->isEmpty()) {
                QList<RidTerm> terms;
                for (const QString &id : *f.resource->id)
                    terms.append({id, false, false});
                ridConditions.append(terms);
            }
            if (f.resource->idPrefix && !f.resource->idPrefix->isEmpty()) {
                QList<RidTerm> terms;
                for (const QString &p : *f.resource->idPrefix)
                    terms.append({p, true, false});
                ridConditions.append(terms);
            }
            if (f.resource->labels) {
                for (const ResourceSpec::Entry &e : f.resource->labels->entries) {
                    // Literal and `prefix*` patterns, negated or not, are index ranges; the
                    // primary resource always has an id, so "missing" cannot arise.
                    QList<RidTerm> terms;
                    bool simple = e.key == kIdKey && !e.patterns.isEmpty();
                    for (const QString &p : e.patterns) {
                        const LabelPattern lp(p);
                        if (lp.glob().isLiteral() || lp.glob().isPrefixOnly())
                            terms.append({lp.glob().literalPrefix(), !lp.glob().isLiteral(), lp.negated()});
                        else
                            simple = false;
                    }
                    if (simple)
                        ridConditions.append(terms);
                    else
                        req.conditions.push_back(patterns(e.key, e.patterns));
                }
            }
            if (!ridConditions.isEmpty())
                ridClauseFor(ridConditions);
            addRequirement(std::move(req));
        }
        if (f.related) {
            for (const RelatedFilter &r : *f.related) {
                if (r.isEmpty())
                    continue;
                Requirement req{Requirement::Scope::Related, {}};
                if (r.id && !r.id->isEmpty())
                    req.conditions.push_back(exact(kIdKey, *r.id));
                if (r.role && !r.role->isEmpty())
                    req.conditions.push_back(exact(kRoleKey, *r.role));
                if (r.resourcesInRoles && !r.resourcesInRoles->isEmpty()) {
                    Condition pairs;
                    pairs.usesPairs = true;
                    for (const auto &[id, role] : *r.resourcesInRoles) {
                        const Condition a = exact(kIdKey, {id});
                        const Condition b = exact(kRoleKey, {role});
                        if (!a.ids.empty() && !b.ids.empty())
                            pairs.pairs.emplace_back(*a.ids.begin(), *b.ids.begin());
                    }
                    req.conditions.push_back(std::move(pairs));
                }
                if (r.labels)
                    spec(*r.labels, req);
                addRequirement(std::move(req));
            }
        }
        if (f.anyResource) {
            for (const AnyResourceFilter &a : *f.anyResource) {
                if (a.isEmpty())
                    continue;
                Requirement req{Requirement::Scope::Any, {}};
                if (a.id && !a.id->isEmpty())
                    req.conditions.push_back(exact(kIdKey, *a.id));
                if (a.idPrefix && !a.idPrefix->isEmpty())
                    req.conditions.push_back(prefixed(kIdKey, *a.idPrefix));
                if (a.labels)
                    spec(*a.labels, req);
                addRequirement(std::move(req));
            }
        }
        if (f.text) {
            TextQuery q = TextQuery::parse(*f.text);
            if (!q.isEmpty()) {
                m_program->text = q;
                m_program->prepareText();
            }
        }

        for (const Requirement &req : m_program->requirements) {
            for (const Condition &c : req.conditions) {
                if (c.usesPairs ? c.pairs.empty() : c.ids.empty())
                    m_out.never = true;
            }
        }
        if (!m_program->requirements.empty() || m_program->text) {
            m_out.handle = registerProgram(m_program);
            m_out.program = m_program;
            const QByteArray h = QByteArray::number(m_out.handle);
            if (!m_program->requirements.empty()) {
                if (const QByteArray driver = drivingSubquery(); !driver.isEmpty())
                    clause(driver);
                clause("ed_res(e.res, " + h + ')');
            }
            if (m_program->text)
                clause("ed_text((SELECT body FROM bodies WHERE bodies.seq = e.seq), " + h + ')');
        }
        if (m_out.never)
            clause("0");
        // One label condition on the primary resource and nothing else: countable from the index.
        const bool onlyLabels = m_clauses.size() <= 2 && !(f.occurred && (f.occurred->since || f.occurred->until))
                                && !(f.event && !m_eventClauseEmpty) && !(f.ids && !f.ids->isEmpty())
                                && !m_program->text && !(f.resource && f.resource->distinct)
                                && !m_hasRidClause;
        if (onlyLabels && !m_out.never && m_program->requirements.size() == 1) {
            const Requirement &req = m_program->requirements.front();
            const Condition &cond = req.conditions.front();
            if (req.conditions.size() == 1 && !cond.usesPairs) {
                // Primary: one value per key and resource, so entries count events. Otherwise
                // an event may hold the label on several resources: count distinct events.
                IndexOnlyCount count;
                count.distinct = req.scope != Requirement::Scope::Primary;
                for (qint64 id : cond.ids) {
                    if (req.scope != Requirement::Scope::Related)
                        count.keys.push_back(labelKey(id, true));
                    if (req.scope != Requirement::Scope::Primary)
                        count.keys.push_back(labelKey(id, false));
                }
                if (!count.distinct || count.keys.size() <= 64)
                    m_out.indexOnlyCount = std::move(count);
            }
        }
        m_out.where = m_clauses.isEmpty() ? QByteArray("1") : m_clauses.join(" AND ");
        return true;
    }

    // When one condition's label ids are rare, let SQLite start from the labels index instead
    // of scanning events: `ed_res` still makes the exact decision.
    // The `labels.lv` keys of a condition's ids in the requirement's scope.
    static QByteArray keyList(const Condition &c, Requirement::Scope scope)
    {
        QByteArray list;
        auto add = [&](qint64 key) {
            if (!list.isEmpty())
                list += ',';
            list += QByteArray::number(key);
        };
        for (qint64 id : c.ids) {
            if (scope != Requirement::Scope::Related)
                add(labelKey(id, true));
            if (scope != Requirement::Scope::Primary)
                add(labelKey(id, false));
        }
        return list;
    }

    QByteArray drivingSubquery()
    {
        QByteArray best;
        qint64 bestRows = std::numeric_limits<qint64>::max();
        const qint64 cap = selectiveCap();
        for (const Requirement &req : m_program->requirements) {
            for (const Condition &c : req.conditions) {
                if (c.usesPairs || c.ids.empty() || c.ids.size() > 4000)
                    continue;
                const QByteArray list = keyList(c, req.scope);
                Statement q(m_db, "SELECT count(*) FROM (SELECT 1 FROM labels WHERE lv IN (" + list
                                      + ") LIMIT " + QByteArray::number(cap) + ')');
                const qint64 rows = q.step() ? q.int64(0) : cap;
                if (rows < cap && rows < bestRows) {
                    bestRows = rows;
                    best = list;
                }
            }
        }
        if (best.isEmpty())
            return {};
        return "e.seq IN (SELECT seq FROM labels WHERE lv IN (" + best + "))";
    }

private:
    sqlite3 *m_db;
    CompiledFilter &m_out;
    Purpose m_purpose;
    qint64 m_total = -1;
    bool m_eventClauseEmpty = true;
    bool m_hasRidClause = false;
    std::shared_ptr<RowProgram> m_program;
    QList<QByteArray> m_clauses;
    QHash<QString, std::optional<qint64>> m_keys;
};

} // namespace

namespace {
// UTF-8 encodings of the non-ASCII characters whose case folding is ASCII (KELVIN SIGN → k,
// LONG S → s, …). Text free of them can be folded byte by byte for ASCII terms.
const std::vector<QByteArray> &foldsToAscii()
{
    static const std::vector<QByteArray> list = [] {
        std::vector<QByteArray> out;
        for (char32_t c = 0x80; c < 0x110000; ++c) {
            if (c >= 0xd800 && c < 0xe000)
                continue;
            if (QChar::toCaseFolded(c) < 0x80)
                out.push_back(QString::fromUcs4(&c, 1).toUtf8());
        }
        return out;
    }();
    return list;
}
} // namespace

namespace {
// A term whose characters JSON never escapes appears verbatim in the stored text wherever it
// appears in a field, so its absence from the whole text is proof enough.
bool verbatimInJson(const QString &folded)
{
    for (QChar c : folded) {
        if (c == u'"' || c == u'\\' || c.unicode() < 0x20)
            return false;
    }
    return true;
}
bool isAsciiText(const QString &s)
{
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c.unicode() < 0x80; });
}
} // namespace

void RowProgram::prepareText()
{
    if (!text)
        return;
    includeAllVerbatim = !text->include.isEmpty();
    for (const QString &t : text->include) {
        const QString f = t.toCaseFolded();
        includeAllVerbatim = includeAllVerbatim && verbatimInJson(f);
        foldedInclude.append(f);
    }
    for (const QString &t : text->required) {
        const QString f = t.toCaseFolded();
        if (verbatimInJson(f))
            foldedRequired.append(f);
    }
    asciiTerms = std::all_of(foldedInclude.begin(), foldedInclude.end(), isAsciiText)
                 && std::all_of(foldedRequired.begin(), foldedRequired.end(), isAsciiText);
    for (const QString &t : foldedInclude)
        asciiInclude.append(t.toLatin1());
    for (const QString &t : foldedRequired)
        asciiRequired.append(t.toLatin1());
    if (asciiTerms)
        foldsToAscii(); // build the table now, not inside the first row's evaluation
}


bool RowProgram::textMayMatch(QByteArrayView json) const
{
    if (!includeAllVerbatim && foldedRequired.isEmpty())
        return true;
    // Fast path: ASCII terms against the bytes folded as ASCII, exact unless the text holds a
    // character whose folding is ASCII.
    if (asciiTerms) {
        bool exact = true;
        for (const QByteArray &seq : foldsToAscii())
            exact = exact && !json.contains(seq);
        if (exact) {
            thread_local QByteArray lowered;
            lowered.resize(json.size());
            for (qsizetype i = 0; i < json.size(); ++i) {
                const char c = json[i];
                lowered[i] = (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
            }
            if (includeAllVerbatim
                && std::none_of(asciiInclude.begin(), asciiInclude.end(),
                                [&](const QByteArray &t) { return lowered.contains(t); }))
                return false;
            return std::all_of(asciiRequired.begin(), asciiRequired.end(),
                               [&](const QByteArray &t) { return lowered.contains(t); });
        }
    }
    // Case folding maps code point to code point, so folding the whole text folds each field.
    const QString folded = QString::fromUtf8(json).toCaseFolded();
    if (includeAllVerbatim
        && std::none_of(foldedInclude.begin(), foldedInclude.end(),
                        [&](const QString &t) { return folded.contains(t); }))
        return false;
    for (const QString &t : foldedRequired) {
        if (!folded.contains(t))
            return false;
    }
    return true;
}

bool RowProgram::matchesResources(QByteArrayView res) const
{
    thread_local std::vector<Span> resources;
    thread_local std::vector<qint64> ids;
    if (!spans(res, resources, ids))
        return false;
    for (const Requirement &req : requirements) {
        bool satisfied = false;
        for (size_t i = 0; i < resources.size() && !satisfied; ++i) {
            if (req.scope == Requirement::Scope::Primary && i != 0)
                break;
            if (req.scope == Requirement::Scope::Related && i == 0)
                continue;
            satisfied = resourceSatisfies(ids.data() + resources[i].first, resources[i].count, req);
        }
        if (!satisfied)
            return false;
    }
    return true;
}

qint64 countFromIndex(sqlite3 *db, const IndexOnlyCount &count)
{
    if (count.distinct) {
        QByteArray list;
        for (qint64 key : count.keys)
            list += (list.isEmpty() ? "" : ",") + QByteArray::number(key);
        Statement q(db, "SELECT count(*) FROM (SELECT DISTINCT seq FROM labels WHERE lv IN (" + list + "))");
        return q.step() ? q.int64(0) : 0;
    }
    Statement q(db, "SELECT count(*) FROM labels WHERE lv = ?");
    qint64 total = 0;
    for (qint64 key : count.keys) {
        q.reset();
        q.bind(1, key);
        if (q.step())
            total += q.int64(0);
    }
    return total;
}

CompiledFilter::~CompiledFilter()
{
    if (handle)
        releaseProgram(handle);
}

void registerFunctions(sqlite3 *db)
{
    sqlite3_create_function_v2(db, "ed_res", 2, SQLITE_UTF8, nullptr, edRes, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "ed_text", 2, SQLITE_UTF8, nullptr, edText, nullptr, nullptr,
                               nullptr);
}

std::unique_ptr<CompiledFilter> compileFilter(sqlite3 *db, const EventFilter &filter,
                                              Purpose purpose, QString *error)
{
    auto out = std::make_unique<CompiledFilter>();
    Compiler c(db, *out, purpose);
    if (!c.run(filter)) {
        if (error)
            *error = c.error;
        return nullptr;
    }
    return out;
}

QByteArray packResources(const std::vector<std::vector<qint64>> &resources)
{
    QByteArray out;
    for (const auto &r : resources) {
        appendVarint(out, r.size());
        for (qint64 id : r)
            appendVarint(out, quint64(id));
    }
    return out;
}

void packResources(const std::vector<qint64> &ids, const std::vector<size_t> &ends, QByteArray &out)
{
    out.resize(0);
    size_t begin = 0;
    for (size_t end : ends) {
        appendVarint(out, end - begin);
        for (size_t i = begin; i < end; ++i)
            appendVarint(out, quint64(ids[i]));
        begin = end;
    }
}

std::vector<std::vector<qint64>> unpackResources(QByteArrayView res)
{
    std::vector<std::vector<qint64>> out;
    const auto *p = reinterpret_cast<const unsigned char *>(res.data());
    const auto *end = p + res.size();
    while (p < end) {
        quint64 n = 0;
        if (!readVarint(p, end, n))
            break;
        std::vector<qint64> r;
        for (quint64 i = 0; i < n; ++i) {
            quint64 v = 0;
            if (!readVarint(p, end, v))
                return out;
            r.push_back(qint64(v));
        }
        out.push_back(std::move(r));
    }
    return out;
}

void bindAll(Statement &stmt, const QList<QVariant> &values, int first)
{
    int i = first;
    for (const QVariant &v : values) {
        switch (v.typeId()) {
        case QMetaType::LongLong: stmt.bind(i, v.toLongLong()); break;
        case QMetaType::QString: stmt.bind(i, v.toString()); break;
        case QMetaType::QByteArray: stmt.bindBlob(i, v.toByteArray()); break;
        default:
            if (v.metaType() == QMetaType::fromType<RawText>())
                stmt.bindText(i, v.value<RawText>().bytes);
            else
                stmt.bindNull(i);
            break;
        }
        ++i;
    }
}

} // namespace ed::sql
