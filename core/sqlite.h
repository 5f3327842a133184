#pragma once

#include <QByteArray>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

/// Thin RAII access to the SQLite handle under our QSqlDatabase connection, for the hot paths
/// (batch ingest, paging, export) where QSqlQuery's per-row overhead would dominate. Every
/// SQLite-specific statement of the cache lives in core/ files named sqlite* or filtersql*.
namespace ed::sql {

class Statement
{
public:
    Statement() = default;
    Statement(sqlite3 *db, const QByteArray &sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;

    bool isValid() const { return m_stmt != nullptr; }
    QString error() const { return m_error; }

    Statement &bind(int index, qint64 value);
    Statement &bind(int index, const QString &text);
    Statement &bindText(int index, const QByteArray &utf8);
    Statement &bindBlob(int index, const QByteArray &blob);
    Statement &bindNull(int index);

    /// True while a row is available; false at the end or on error (see error()).
    bool step();
    bool exec(); ///< step to completion; true on success
    void reset();

    qint64 int64(int column) const;
    bool isNull(int column) const;
    QString text(int column) const;
    QByteArrayView textView(int column) const;
    QByteArrayView blob(int column) const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
};

bool exec(sqlite3 *db, const char *sql, QString *error = nullptr);
qint64 changes(sqlite3 *db);
QString errorMessage(sqlite3 *db);

} // namespace ed::sql
