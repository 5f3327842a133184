#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <vector>

/// A small JSON reader that keeps what QJsonDocument loses: the byte span of every value (so a
/// payload can be stored exactly as received), object key order, duplicate keys, and number text.
namespace ed::json {

enum class Type { Null, Bool, Number, String, Array, Object };

struct Value
{
    Type type = Type::Null;
    qsizetype begin = 0; ///< offset of the first byte of the value in the parsed buffer
    qsizetype end = 0;   ///< offset one past the last byte
    bool boolean = false;
    QString string;              ///< decoded text of a String
    std::vector<QString> keys;   ///< Object member names, in document order
    std::vector<Value> items;    ///< Object member values (parallel to keys) or Array elements

    bool isObject() const { return type == Type::Object; }
    bool isArray() const { return type == Type::Array; }
    bool isString() const { return type == Type::String; }
    bool isNull() const { return type == Type::Null; }
    /// The member named `key`; the last one when the key repeats (as Python's json does).
    const Value *find(QStringView key) const;
};

const char *typeName(Type type);

enum class Status { Ok, Error, Incomplete, End };

/// Parses consecutive JSON values from a buffer. `Incomplete` means the buffer ended inside a
/// value: append more input and call again from the same position.
class Reader
{
public:
    explicit Reader(QByteArrayView buffer, qsizetype position = 0);

    Status next(Value &out);
    /// Skips whitespace; true when only whitespace remains.
    bool atEnd();
    /// Inside an array opened with `enterArray()`: parses the next element, or returns End at `]`.
    Status nextElement(Value &out);
    /// Expects `[` at the current position and consumes it.
    Status enterArray();

    qsizetype position() const { return m_pos; }
    void setPosition(qsizetype pos) { m_pos = pos; }
    const QString &error() const { return m_error; }
    qsizetype errorOffset() const { return m_errorOffset; }
    char peek();

private:
    bool parseValue(Value &out, int depth);
    bool parseString(QString &out);
    bool parseNumber();
    bool fail(const char *message);
    bool incomplete();
    void skipSpace();

    QByteArrayView m_buf;
    qsizetype m_pos = 0;
    bool m_incomplete = false;
    QString m_error;
    qsizetype m_errorOffset = 0;
};

/// Parses exactly one JSON value that must fill `text` (surrounding whitespace allowed).
bool parse(QByteArrayView text, Value &out, QString *error = nullptr);

/// Removes insignificant whitespace from valid JSON text, keeping everything else byte for byte.
QByteArray minify(QByteArrayView json);

/// Appends `s` as a JSON string literal (quotes included), escaping as Python's json.dumps
/// with ensure_ascii=False does.
void appendQuoted(QByteArray &out, QStringView s);
/// Appends `list` as a JSON array of strings.
void appendStringList(QByteArray &out, const QStringList &list);

} // namespace ed::json
