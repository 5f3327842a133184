#include "core/glob.h"

namespace ed {

std::u32string toU32(QStringView s)
{
    std::u32string out;
    out.reserve(size_t(s.size()));
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (c.isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            out.push_back(QChar::surrogateToUcs4(c, s[i + 1]));
            ++i;
        } else {
            out.push_back(c.unicode());
        }
    }
    return out;
}

namespace {
std::u32string utf8ToU32(const char *data, qsizetype size)
{
    std::u32string out;
    out.reserve(size_t(size));
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    const auto *end = p + size;
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            out.push_back(c);
            ++p;
            continue;
        }
        const int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (extra == 0 || end - p <= extra)
            return toU32(QString::fromUtf8(data, size)); // malformed: let Qt decide
        char32_t cp = c & (0x3f >> extra);
        for (int k = 1; k <= extra; ++k) {
            if ((p[k] & 0xc0) != 0x80)
                return toU32(QString::fromUtf8(data, size));
            cp = (cp << 6) | (p[k] & 0x3f);
        }
        out.push_back(cp);
        p += extra + 1;
    }
    return out;
}
} // namespace

Glob::Glob(QStringView pattern)
{
    compile(toU32(pattern));
    m_prefixOnly = isPrefixOnly();
}

// Mirrors fnmatch.translate (CPython 3.11+) token by token, so every bracket corner case —
// ranges split into chunks, empty ranges removed, `[!]` and `[]` handling — behaves the same.
void Glob::compile(const std::u32string &pat)
{
    const size_t n = pat.size();
    size_t i = 0;
    bool prefixOpen = true;
    auto addLiteral = [&](char32_t c) {
        m_tokens.push_back({Kind::Literal, c, false, {}});
        if (prefixOpen) {
            if (c > 0xffff)
                m_prefix += QString::fromUcs4(&c, 1);
            else
                m_prefix += QChar(char16_t(c));
        }
    };
    while (i < n) {
        const char32_t c = pat[i++];
        if (c == U'*') {
            m_literal = false;
            prefixOpen = false;
            if (m_tokens.empty() || m_tokens.back().kind != Kind::Star)
                m_tokens.push_back({Kind::Star, 0, false, {}});
        } else if (c == U'?') {
            m_literal = false;
            prefixOpen = false;
            m_tokens.push_back({Kind::Any, 0, false, {}});
        } else if (c == U'[') {
            size_t j = i;
            if (j < n && pat[j] == U'!')
                ++j;
            if (j < n && pat[j] == U']')
                ++j;
            while (j < n && pat[j] != U']')
                ++j;
            if (j >= n) {
                addLiteral(U'[');
                continue;
            }
            m_literal = false;
            prefixOpen = false;
            // Split into chunks at range hyphens exactly as CPython does.
            std::vector<std::u32string> chunks;
            const std::u32string stuffRaw = pat.substr(i, j - i);
            if (stuffRaw.find(U'-') == std::u32string::npos) {
                chunks.push_back(stuffRaw);
            } else {
                size_t k = pat[i] == U'!' ? i + 2 : i + 1;
                for (;;) {
                    size_t found = std::u32string::npos;
                    for (size_t q = k; q < j; ++q) {
                        if (pat[q] == U'-') {
                            found = q;
                            break;
                        }
                    }
                    if (found == std::u32string::npos)
                        break;
                    chunks.push_back(pat.substr(i, found - i));
                    i = found + 1;
                    k = found + 3;
                }
                std::u32string chunk = pat.substr(i, j - i);
                if (!chunk.empty())
                    chunks.push_back(chunk);
                else
                    chunks.back() += U'-';
                for (size_t q = chunks.size() - 1; q > 0; --q) {
                    if (chunks[q - 1].back() > chunks[q].front()) {
                        chunks[q - 1] = chunks[q - 1].substr(0, chunks[q - 1].size() - 1)
                                        + chunks[q].substr(1);
                        chunks.erase(chunks.begin() + qsizetype(q));
                    }
                }
            }
            i = j + 1;
            // The set text is the chunks joined by range hyphens; read it the way Python's
            // regex parser does: an item followed by a joining hyphen and another item is a
            // range, a joining hyphen that cannot start a range is a literal '-'.
            struct Item
            {
                char32_t ch;
                bool joiner;
            };
            std::vector<Item> items;
            for (size_t q = 0; q < chunks.size(); ++q) {
                if (q > 0)
                    items.push_back({U'-', true});
                for (char32_t ch : chunks[q])
                    items.push_back({ch, false});
            }
            if (items.empty()) {
                m_tokens.push_back({Kind::Never, 0, false, {}});
                continue;
            }
            if (items.size() == 1 && items[0].ch == U'!') {
                m_tokens.push_back({Kind::Any, 0, false, {}});
                continue;
            }
            Token t{Kind::Set, 0, false, {}};
            size_t q = 0;
            if (items[0].ch == U'!' && !items[0].joiner) {
                t.negated = true;
                q = 1;
            }
            while (q < items.size()) {
                const Item &it = items[q];
                if (!it.joiner && q + 2 < items.size() + 0 && items[q + 1].joiner) {
                    t.ranges.push_back({it.ch, items[q + 2].ch});
                    q += 3;
                } else {
                    t.ranges.push_back({it.ch, it.ch});
                    ++q;
                }
            }
            m_tokens.push_back(std::move(t));
        } else {
            addLiteral(c);
        }
    }
}

bool Glob::isPrefixOnly() const
{
    if (m_tokens.empty() || m_tokens.back().kind != Kind::Star)
        return false;
    for (size_t i = 0; i + 1 < m_tokens.size(); ++i) {
        if (m_tokens[i].kind != Kind::Literal)
            return false;
    }
    return true;
}

bool Glob::tokenMatches(const Token &t, char32_t c) const
{
    switch (t.kind) {
    case Kind::Literal: return t.ch == c;
    case Kind::Any: return true;
    case Kind::Never: return false;
    case Kind::Set: {
        bool in = false;
        for (const Range &r : t.ranges) {
            if (c >= r.lo && c <= r.hi) {
                in = true;
                break;
            }
        }
        return in != t.negated;
    }
    case Kind::Star: return false;
    }
    return false;
}

bool Glob::matches(const std::u32string &s) const
{
    // Classic two-pointer wildcard matching: every non-star token consumes one character.
    size_t ti = 0, si = 0;
    size_t starTi = SIZE_MAX, starSi = 0;
    const size_t tn = m_tokens.size();
    while (si < s.size()) {
        if (ti < tn && m_tokens[ti].kind == Kind::Star) {
            starTi = ti++;
            starSi = si;
        } else if (ti < tn && tokenMatches(m_tokens[ti], s[si])) {
            ++ti;
            ++si;
        } else if (starTi != SIZE_MAX) {
            ti = starTi + 1;
            si = ++starSi;
        } else {
            return false;
        }
    }
    while (ti < tn && m_tokens[ti].kind == Kind::Star)
        ++ti;
    return ti == tn;
}

bool Glob::matches(QStringView value) const
{
    if (m_literal)
        return value == m_prefix;
    if (m_prefixOnly) // `literal*`: no need to decode the value
        return value.startsWith(m_prefix);
    return matches(toU32(value));
}

bool Glob::matchesUtf8(const char *data, qsizetype size) const
{
    return matches(utf8ToU32(data, size));
}

LabelPattern::LabelPattern(const QString &pattern)
    : m_negated(pattern.startsWith(u'!'))
    , m_glob(m_negated ? QStringView(pattern).mid(1) : QStringView(pattern))
{}

bool LabelPattern::matches(const QString *value) const
{
    if (!value)
        return false;
    return matches(QStringView(*value));
}

} // namespace ed
