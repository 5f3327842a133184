#pragma once

#include <QString>

#include <string>
#include <vector>

namespace ed {

/// A glob with exactly the semantics of Python's `fnmatch.fnmatchcase` (Prefect's in-memory
/// label matching): `*`, `?`, `[seq]`, `[!seq]`, ranges as `fnmatch.translate` builds them,
/// an unmatched `[` is literal, `[^x]` is the set {^, x}; case-sensitive, whole string.
class Glob
{
public:
    Glob() = default;
    explicit Glob(QStringView pattern);

    bool matches(QStringView value) const;
    bool matches(const std::u32string &value) const;
    bool matchesUtf8(const char *data, qsizetype size) const;

    /// True when the pattern has no wildcard: it matches only itself.
    bool isLiteral() const { return m_literal; }
    /// True when the pattern is literal text followed by one `*`: it matches exactly the
    /// strings that start with literalPrefix().
    bool isPrefixOnly() const;
    /// The literal text every match starts with.
    const QString &literalPrefix() const { return m_prefix; }

private:
    struct Range
    {
        char32_t lo;
        char32_t hi;
    };
    enum class Kind { Literal, Any, Star, Set, Never };
    struct Token
    {
        Kind kind;
        char32_t ch = 0;
        bool negated = false;
        std::vector<Range> ranges;
    };
    bool tokenMatches(const Token &t, char32_t c) const;
    void compile(const std::u32string &p);

    std::vector<Token> m_tokens;
    bool m_literal = true;
    bool m_prefixOnly = false;
    QString m_prefix;
};

/// One label pattern as Prefect reads it: a leading `!` negates the whole glob, and a missing
/// value never matches, negated or not.
class LabelPattern
{
public:
    LabelPattern() = default;
    explicit LabelPattern(const QString &pattern);
    bool matches(const QString *value) const;
    bool matches(QStringView value) const { return m_negated != m_glob.matches(value); }
    bool negated() const { return m_negated; }
    const Glob &glob() const { return m_glob; }

private:
    bool m_negated = false;
    Glob m_glob;
};

std::u32string toU32(QStringView s);

} // namespace ed
