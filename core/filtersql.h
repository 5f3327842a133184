#pragma once

#include "core/eventfilter.h"

#include <QByteArray>
#include <QList>
#include <QVariant>

#include <memory>
#include <unordered_set>
#include <vector>

struct sqlite3;

/// Compiles an EventFilter to SQL over the cache (alias `e` for the events table).
///
/// Labels are dictionary-coded: every distinct (key, value) has an id in `label_values`, and
/// each event row carries `res`, its resources as lists of those ids. A label condition is
/// compiled by testing the dictionary's values with the same Glob code the in-memory filter
/// uses, giving a set of ids; `ed_res(e.res, handle)` then checks per row that one resource in
/// the right scope holds an id from every condition's set. The SQL side therefore applies
/// exactly the in-memory rules, however SQLite's own GLOB or LIKE would read the pattern.
namespace ed::sql {

struct Condition
{
    std::unordered_set<qint64> ids;                 ///< the resource holds one of these
    std::vector<std::pair<qint64, qint64>> pairs;   ///< or, when set, both ids of one pair
    bool usesPairs = false;
};

struct Requirement
{
    enum class Scope { Primary, Related, Any };
    Scope scope = Scope::Any;
    std::vector<Condition> conditions; ///< one resource in scope must satisfy all
};

/// What the registered SQL functions evaluate per row.
struct RowProgram
{
    std::vector<Requirement> requirements;
    std::optional<TextQuery> text;
    bool matchesResources(QByteArrayView res) const;
    /// A cheap test on the stored JSON: false only when the text search cannot match.
    bool textMayMatch(QByteArrayView json) const;
    void prepareText();

private:
    QStringList foldedInclude;
    QStringList foldedRequired;
    bool includeAllVerbatim = false;
    bool asciiTerms = false;
    QList<QByteArray> asciiInclude;
    QList<QByteArray> asciiRequired;
};

/// `labels` keys whose entries (distinct events, when `distinct`) are the count.
struct IndexOnlyCount
{
    std::vector<qint64> keys;
    bool distinct = false;
};

/// A compiled filter. Keeps its RowProgram registered for as long as it lives.
class CompiledFilter
{
public:
    CompiledFilter() = default;
    ~CompiledFilter();
    CompiledFilter(const CompiledFilter &) = delete;
    CompiledFilter &operator=(const CompiledFilter &) = delete;

    QByteArray where = "1";   ///< boolean SQL expression over `e`
    QList<QVariant> binds;    ///< positional `?` values: qint64, QString, or QByteArray (blob)
    bool never = false;       ///< provably matches nothing
    qint64 handle = 0;
    std::shared_ptr<RowProgram> program;
    /// Set when the whole filter is one label condition: its count comes from the `labels`
    /// index alone.
    std::optional<IndexOnlyCount> indexOnlyCount;
};

/// The `labels.lv` key of dictionary id `lv`: scoped to the primary resource or not.
inline qint64 labelKey(qint64 lv, bool primary)
{
    return lv * 2 + (primary ? 1 : 0);
}

qint64 countFromIndex(sqlite3 *db, const IndexOnlyCount &count);

/// Registers `ed_res` and `ed_text` on the connection.
void registerFunctions(sqlite3 *db);

/// What the query will do with the rows: the access path that is cheapest differs.
enum class Purpose { Page, All };

/// Builds the SQL for `filter`; resolves label patterns against the dictionary of `db`.
std::unique_ptr<CompiledFilter> compileFilter(sqlite3 *db, const EventFilter &filter,
                                              Purpose purpose, QString *error);

/// Packs resources' label ids as stored in `events.res`.
QByteArray packResources(const std::vector<std::vector<qint64>> &resources);
/// The same from flat ids, `ends[i]` being one past resource i's last id; written into `out`.
void packResources(const std::vector<qint64> &ids, const std::vector<size_t> &ends, QByteArray &out);
std::vector<std::vector<qint64>> unpackResources(QByteArrayView res);

/// Text given as raw bytes (may hold 0xFF, which sorts after every UTF-8 sequence).
struct RawText
{
    QByteArray bytes;
};

/// Binds `values` to `?` placeholders starting at `first`.
class Statement;
void bindAll(Statement &stmt, const QList<QVariant> &values, int first = 1);

} // namespace ed::sql

Q_DECLARE_METATYPE(ed::sql::RawText)
