#pragma once

#include <QList>
#include <QString>

#include <algorithm>
#include <cmath>

namespace ed::demo {

/// xoshiro256**, seeded by splitmix64. The corpus draws every number from here rather than from
/// std:: distributions, whose output differs between standard libraries, so that a seed names
/// one corpus.
class Rng final
{
public:
    explicit Rng(quint64 seed)
    {
        for (quint64 &s : m_s) {
            seed += 0x9e3779b97f4a7c15ULL;
            quint64 z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// [0, 1)
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// [0, n)
    qint64 below(qint64 n) { return std::min(n - 1, qint64(uniform() * double(n))); }
    /// [lo, hi]
    qint64 between(qint64 lo, qint64 hi) { return lo + below(hi - lo + 1); }
    bool chance(double p) { return uniform() < p; }
    double exponential(double mean) { return -mean * std::log1p(-uniform()); }
    /// Log-normal around `median`: durations with a long tail.
    double logNormal(double median, double sigma)
    {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        return median * std::exp(sigma * normal);
    }

    template<typename T>
    const T &pick(const QList<T> &list)
    {
        return list[below(list.size())];
    }

    /// A version-4 UUID in canonical form.
    QString uuid()
    {
        const quint64 a = (next() & ~0xf000ULL) | 0x4000ULL;
        const quint64 b = (next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
        static const char hex[] = "0123456789abcdef";
        char buf[36];
        int o = 0;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20)
                buf[o++] = '-';
            const quint64 word = i < 16 ? a : b;
            buf[o++] = hex[(word >> (60 - 4 * (i % 16))) & 0xf];
        }
        return QString::fromLatin1(buf, 36);
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_s[4];
};

} // namespace ed::demo
