#include "core/json.h"

namespace ed::json {

namespace {
constexpr int kMaxDepth = 512;

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

const Value *Value::find(QStringView key) const
{
    for (auto i = keys.size(); i > 0; --i) {
        if (keys[i - 1] == key)
            return &items[i - 1];
    }
    return nullptr;
}

const char *typeName(Type type)
{
    switch (type) {
    case Type::Null: return "null";
    case Type::Bool: return "a boolean";
    case Type::Number: return "a number";
    case Type::String: return "a string";
    case Type::Array: return "an array";
    case Type::Object: return "an object";
    }
    return "?";
}

Reader::Reader(QByteArrayView buffer, qsizetype position)
    : m_buf(buffer)
    , m_pos(position)
{}

void Reader::skipSpace()
{
    while (m_pos < m_buf.size() && isSpace(m_buf[m_pos]))
        ++m_pos;
}

bool Reader::atEnd()
{
    skipSpace();
    return m_pos >= m_buf.size();
}

char Reader::peek()
{
    skipSpace();
    return m_pos < m_buf.size() ? m_buf[m_pos] : '\0';
}

bool Reader::fail(const char *message)
{
    if (m_error.isEmpty()) {
        m_error = QString::fromLatin1(message);
        m_errorOffset = m_pos;
    }
    return false;
}

bool Reader::incomplete()
{
    m_incomplete = true;
    return fail("unexpected end of input");
}

Status Reader::next(Value &out)
{
    m_error.clear();
    m_incomplete = false;
    skipSpace();
    if (m_pos >= m_buf.size())
        return Status::End;
    const qsizetype start = m_pos;
    if (parseValue(out, 0))
        return Status::Ok;
    if (m_incomplete) {
        m_pos = start;
        return Status::Incomplete;
    }
    return Status::Error;
}

Status Reader::enterArray()
{
    m_error.clear();
    m_incomplete = false;
    skipSpace();
    if (m_pos >= m_buf.size())
        return Status::Incomplete;
    if (m_buf[m_pos] != '[') {
        fail("expected '['");
        return Status::Error;
    }
    ++m_pos;
    return Status::Ok;
}

Status Reader::nextElement(Value &out)
{
    m_error.clear();
    m_incomplete = false;
    const qsizetype start = m_pos;
    skipSpace();
    if (m_pos >= m_buf.size()) {
        m_pos = start;
        return Status::Incomplete;
    }
    if (m_buf[m_pos] == ']') {
        ++m_pos;
        return Status::End;
    }
    if (m_buf[m_pos] == ',') {
        // Readers are re-created between calls, so look back: a comma straight after the
        // opening '[' separates nothing.
        qsizetype back = m_pos;
        while (back > 0 && isSpace(m_buf[back - 1]))
            --back;
        if (back > 0 && m_buf[back - 1] == '[') {
            fail("expected a value or ']'");
            return Status::Error;
        }
        ++m_pos;
        skipSpace();
        if (m_pos >= m_buf.size()) {
            m_pos = start;
            return Status::Incomplete;
        }
    }
    if (parseValue(out, 0)) {
        // Leave the separator for the next call, but check it is one.
        skipSpace();
        if (m_pos >= m_buf.size())
            return Status::Ok;
        if (m_buf[m_pos] != ',' && m_buf[m_pos] != ']') {
            fail("expected ',' or ']' after array element");
            return Status::Error;
        }
        return Status::Ok;
    }
    if (m_incomplete) {
        m_pos = start;
        return Status::Incomplete;
    }
    return Status::Error;
}

bool Reader::parseNumber()
{
    const qsizetype n = m_buf.size();
    if (m_pos < n && m_buf[m_pos] == '-')
        ++m_pos;
    if (m_pos >= n)
        return incomplete();
    if (m_buf[m_pos] == '0') {
        ++m_pos;
    } else if (m_buf[m_pos] >= '1' && m_buf[m_pos] <= '9') {
        while (m_pos < n && m_buf[m_pos] >= '0' && m_buf[m_pos] <= '9')
            ++m_pos;
    } else {
        return fail("invalid number");
    }
    if (m_pos < n && m_buf[m_pos] == '.') {
        ++m_pos;
        const qsizetype digits = m_pos;
        while (m_pos < n && m_buf[m_pos] >= '0' && m_buf[m_pos] <= '9')
            ++m_pos;
        if (m_pos >= n)
            return incomplete();
        if (m_pos == digits)
            return fail("invalid number");
    }
    if (m_pos < n && (m_buf[m_pos] == 'e' || m_buf[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < n && (m_buf[m_pos] == '+' || m_buf[m_pos] == '-'))
            ++m_pos;
        const qsizetype digits = m_pos;
        while (m_pos < n && m_buf[m_pos] >= '0' && m_buf[m_pos] <= '9')
            ++m_pos;
        if (m_pos >= n)
            return incomplete();
        if (m_pos == digits)
            return fail("invalid number");
    }
    // A number that touches the end of the buffer may continue in the next chunk.
    if (m_pos >= n)
        return incomplete();
    return true;
}

bool Reader::parseString(QString &out)
{
    // m_buf[m_pos] == '"'
    const qsizetype n = m_buf.size();
    const qsizetype start = ++m_pos;
    bool plain = true;
    while (m_pos < n) {
        const char c = m_buf[m_pos];
        if (c == '"')
            break;
        if (c == '\\') {
            plain = false;
            m_pos += 2;
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return fail("control character in string");
        ++m_pos;
    }
    if (m_pos >= n)
        return incomplete();
    const qsizetype stop = m_pos;
    ++m_pos;
    if (plain) {
        out = QString::fromUtf8(m_buf.sliced(start, stop - start));
        return true;
    }
    QByteArray utf8;
    utf8.reserve(stop - start);
    QString result;
    auto flush = [&] {
        if (!utf8.isEmpty()) {
            result += QString::fromUtf8(utf8);
            utf8.clear();
        }
    };
    for (qsizetype i = start; i < stop; ++i) {
        const char c = m_buf[i];
        if (c != '\\') {
            utf8.append(c);
            continue;
        }
        const char e = m_buf[++i];
        switch (e) {
        case '"': utf8.append('"'); break;
        case '\\': utf8.append('\\'); break;
        case '/': utf8.append('/'); break;
        case 'b': utf8.append('\b'); break;
        case 'f': utf8.append('\f'); break;
        case 'n': utf8.append('\n'); break;
        case 'r': utf8.append('\r'); break;
        case 't': utf8.append('\t'); break;
        case 'u': {
            if (i + 4 >= stop) {
                m_pos = i;
                return fail("invalid \\u escape");
            }
            int code = 0;
            for (int k = 1; k <= 4; ++k) {
                const int d = hexDigit(m_buf[i + k]);
                if (d < 0) {
                    m_pos = i;
                    return fail("invalid \\u escape");
                }
                code = code * 16 + d;
            }
            i += 4;
            flush();
            result.append(QChar(char16_t(code)));
            break;
        }
        default:
            m_pos = i;
            return fail("invalid escape in string");
        }
    }
    flush();
    out = std::move(result);
    return true;
}

bool Reader::parseValue(Value &out, int depth)
{
    if (depth > kMaxDepth)
        return fail("nesting too deep");
    skipSpace();
    const qsizetype n = m_buf.size();
    if (m_pos >= n)
        return incomplete();
    out.begin = m_pos;
    out.keys.clear();
    out.items.clear();
    const char c = m_buf[m_pos];
    auto literal = [&](const char *word, Type type, bool b) {
        const qsizetype len = qsizetype(strlen(word));
        for (qsizetype k = 0; k < len; ++k) {
            if (m_pos + k >= n)
                return incomplete();
            if (m_buf[m_pos + k] != word[k])
                return fail("invalid literal");
        }
        m_pos += len;
        out.type = type;
        out.boolean = b;
        out.end = m_pos;
        return true;
    };
    switch (c) {
    case '{': {
        out.type = Type::Object;
        ++m_pos;
        skipSpace();
        if (m_pos >= n)
            return incomplete();
        if (m_buf[m_pos] == '}') {
            ++m_pos;
            out.end = m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_pos >= n)
                return incomplete();
            if (m_buf[m_pos] != '"')
                return fail("expected a string key");
            QString key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (m_pos >= n)
                return incomplete();
            if (m_buf[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            out.keys.push_back(std::move(key));
            out.items.emplace_back();
            if (!parseValue(out.items.back(), depth + 1))
                return false;
            skipSpace();
            if (m_pos >= n)
                return incomplete();
            if (m_buf[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_buf[m_pos] == '}') {
                ++m_pos;
                out.end = m_pos;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }
    case '[': {
        out.type = Type::Array;
        ++m_pos;
        skipSpace();
        if (m_pos >= n)
            return incomplete();
        if (m_buf[m_pos] == ']') {
            ++m_pos;
            out.end = m_pos;
            return true;
        }
        for (;;) {
            out.items.emplace_back();
            if (!parseValue(out.items.back(), depth + 1))
                return false;
            skipSpace();
            if (m_pos >= n)
                return incomplete();
            if (m_buf[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_buf[m_pos] == ']') {
                ++m_pos;
                out.end = m_pos;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }
    case '"':
        out.type = Type::String;
        if (!parseString(out.string))
            return false;
        out.end = m_pos;
        return true;
    case 't': return literal("true", Type::Bool, true);
    case 'f': return literal("false", Type::Bool, false);
    case 'n': return literal("null", Type::Null, false);
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            out.type = Type::Number;
            if (!parseNumber())
                return false;
            out.end = m_pos;
            return true;
        }
        return fail("unexpected character");
    }
}

bool parse(QByteArrayView text, Value &out, QString *error)
{
    // A trailing space guarantees a number at the very end is not mistaken for a partial one.
    QByteArray padded;
    QByteArrayView view = text;
    if (!text.isEmpty() && !isSpace(text.back())) {
        padded = text.toByteArray();
        padded.append(' ');
        view = padded;
    }
    Reader reader(view);
    const Status status = reader.next(out);
    if (status == Status::Ok && reader.atEnd())
        return true;
    if (error) {
        if (status == Status::Ok)
            *error = QStringLiteral("unexpected data after the JSON value");
        else if (status == Status::End)
            *error = QStringLiteral("empty input");
        else
            *error = reader.error();
    }
    return false;
}

QByteArray minify(QByteArrayView json)
{
    QByteArray out;
    out.reserve(json.size());
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out.append(c);
            if (c == '\\' && i + 1 < json.size()) {
                out.append(json[++i]);
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (isSpace(c))
            continue;
        if (c == '"')
            inString = true;
        out.append(c);
    }
    return out;
}

void appendQuoted(QByteArray &out, QStringView s)
{
    static const char hex[] = "0123456789abcdef";
    // One pass into a buffer sized for the worst case (6 bytes per UTF-16 unit when escaped).
    const qsizetype start = out.size();
    out.resize(start + 2 + s.size() * 6);
    char *p = out.data() + start;
    *p++ = '"';
    const char16_t *c = s.utf16();
    const char16_t *const stop = c + s.size();
    while (c < stop) {
        const char16_t u = *c++;
        if (u < 0x80) {
            switch (u) {
            case '"': *p++ = '\\'; *p++ = '"'; break;
            case '\\': *p++ = '\\'; *p++ = '\\'; break;
            case '\n': *p++ = '\\'; *p++ = 'n'; break;
            case '\r': *p++ = '\\'; *p++ = 'r'; break;
            case '\t': *p++ = '\\'; *p++ = 't'; break;
            case '\b': *p++ = '\\'; *p++ = 'b'; break;
            case '\f': *p++ = '\\'; *p++ = 'f'; break;
            default:
                if (u < 0x20) {
                    *p++ = '\\'; *p++ = 'u'; *p++ = '0'; *p++ = '0';
                    *p++ = hex[u >> 4];
                    *p++ = hex[u & 0xf];
                } else {
                    *p++ = char(u);
                }
            }
            continue;
        }
        char32_t cp = u;
        if (QChar::isHighSurrogate(u) && c < stop && QChar::isLowSurrogate(*c))
            cp = QChar::surrogateToUcs4(u, *c++);
        else if (QChar::isSurrogate(u))
            cp = 0xfffd; // a lone surrogate has no UTF-8 form
        if (cp < 0x800) {
            *p++ = char(0xc0 | (cp >> 6));
            *p++ = char(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            *p++ = char(0xe0 | (cp >> 12));
            *p++ = char(0x80 | ((cp >> 6) & 0x3f));
            *p++ = char(0x80 | (cp & 0x3f));
        } else {
            *p++ = char(0xf0 | (cp >> 18));
            *p++ = char(0x80 | ((cp >> 12) & 0x3f));
            *p++ = char(0x80 | ((cp >> 6) & 0x3f));
            *p++ = char(0x80 | (cp & 0x3f));
        }
    }
    *p++ = '"';
    out.resize(p - out.constData());
}

void appendStringList(QByteArray &out, const QStringList &list)
{
    out.append('[');
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out.append(',');
        appendQuoted(out, list[i]);
    }
    out.append(']');
}

} // namespace ed::json
