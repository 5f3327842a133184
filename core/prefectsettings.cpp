#include "core/prefectsettings.h"

#include <QDir>
#include <QFile>
#include <QStringList>

namespace ed {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// A TOML string or bare value at the start of `s`; returns false on a malformed string.
bool readValue(QStringView s, QString &out)
{
    s = s.trimmed();
    if (s.startsWith(u'"')) {
        out.clear();
        for (qsizetype i = 1; i < s.size(); ++i) {
            const QChar c = s[i];
            if (c == u'"')
                return true;
            if (c != u'\\') {
                out += c;
                continue;
            }
            if (++i >= s.size())
                return false;
            switch (s[i].unicode()) {
            case '"': out += u'"'; break;
            case '\\': out += u'\\'; break;
            case 'n': out += u'\n'; break;
            case 't': out += u'\t'; break;
            case 'r': out += u'\r'; break;
            case 'b': out += u'\b'; break;
            case 'f': out += u'\f'; break;
            case 'u':
            case 'U': {
                const int len = s[i] == u'u' ? 4 : 8;
                bool ok = false;
                const uint code = s.mid(i + 1, len).toUInt(&ok, 16);
                if (!ok)
                    return false;
                const char32_t cp = code;
                out += QString::fromUcs4(&cp, 1);
                i += len;
                break;
            }
            default: return false;
            }
        }
        return false;
    }
    if (s.startsWith(u'\'')) {
        const qsizetype end = s.indexOf(u'\'', 1);
        if (end < 0)
            return false;
        out = s.mid(1, end - 1).toString();
        return true;
    }
    const qsizetype hash = s.indexOf(u'#');
    out = (hash >= 0 ? s.left(hash) : s).trimmed().toString();
    return !out.isEmpty();
}

// `profiles.NAME` or `profiles."NAME"` → NAME.
std::optional<QString> profileTable(QStringView header)
{
    if (!header.startsWith(u"profiles."))
        return std::nullopt;
    QStringView name = header.mid(9).trimmed();
    if (name.size() >= 2 && (name.front() == u'"' || name.front() == u'\'') && name.back() == name.front())
        name = name.mid(1, name.size() - 2);
    return name.toString();
}

} // namespace

std::optional<PrefectProfiles> PrefectProfiles::parse(const QByteArray &toml, QString *error)
{
    PrefectProfiles result;
    QString table;
    const QStringList lines = QString::fromUtf8(toml).split(u'\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = lines[n].trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line.startsWith(u'[')) {
            const qsizetype close = line.lastIndexOf(u']');
            if (close < 0) {
                fail(error, QStringLiteral("line %1: unclosed table header").arg(n + 1));
                return std::nullopt;
            }
            table = line.mid(1, close - 1).trimmed();
            if (const auto name = profileTable(table))
                result.profiles[*name]; // an empty profile still exists
            continue;
        }
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0) {
            fail(error, QStringLiteral("line %1: expected KEY = VALUE").arg(n + 1));
            return std::nullopt;
        }
        QString key = line.left(eq).trimmed();
        if (key.size() >= 2 && key.front() == u'"' && key.back() == u'"')
            key = key.mid(1, key.size() - 2);
        QString value;
        if (!readValue(QStringView(line).mid(eq + 1), value)) {
            fail(error, QStringLiteral("line %1: malformed value for %2").arg(n + 1).arg(key));
            return std::nullopt;
        }
        if (table.isEmpty()) {
            if (key == u"active")
                result.active = value;
        } else if (const auto name = profileTable(table)) {
            result.profiles[*name].insert(key, value);
        }
    }
    return result;
}

std::optional<PrefectProfiles> PrefectProfiles::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.exists())
        return PrefectProfiles{};
    if (!f.open(QIODevice::ReadOnly)) {
        fail(error, QStringLiteral("%1: %2").arg(path, f.errorString()));
        return std::nullopt;
    }
    QString why;
    auto parsed = parse(f.readAll(), &why);
    if (!parsed)
        fail(error, QStringLiteral("%1: %2").arg(path, why));
    return parsed;
}

bool ConnectionSettings::isCloud() const
{
    // Prefect's client calls a URL Cloud when it starts with PREFECT_CLOUD_API_URL.
    return apiUrl.startsWith(QStringLiteral("https://api.prefect.cloud/api"));
}

QString defaultProfilesPath(const QHash<QString, QString> &env)
{
    if (const QString p = env.value(QStringLiteral("PREFECT_PROFILES_PATH")); !p.isEmpty())
        return QDir::fromNativeSeparators(p).replace(QStringLiteral("~"), QDir::homePath());
    QString home = env.value(QStringLiteral("PREFECT_HOME"));
    if (home.isEmpty())
        home = QDir::homePath() + QStringLiteral("/.prefect");
    return home.replace(QStringLiteral("~"), QDir::homePath()) + QStringLiteral("/profiles.toml");
}

ConnectionSettings resolveConnection(const QString &flagApiUrl, const QString &flagApiKey,
                                     const QString &flagAuthString,
                                     const QHash<QString, QString> &env, QString *warning)
{
    ConnectionSettings s;
    QHash<QString, QString> profile;
    QString profileName;
    QString why;
    if (const auto profiles = PrefectProfiles::load(defaultProfilesPath(env), &why)) {
        profileName = env.value(QStringLiteral("PREFECT_PROFILE"), profiles->active);
        profile = profiles->profiles.value(profileName);
    } else if (warning) {
        *warning = why;
    }
    auto pick = [&](const QString &flag, const char *key, QString *origin) {
        const QString k = QString::fromLatin1(key);
        if (!flag.isEmpty()) {
            if (origin)
                *origin = QStringLiteral("flag");
            return flag;
        }
        if (const QString e = env.value(k); !e.isEmpty()) {
            if (origin)
                *origin = QStringLiteral("environment");
            return e;
        }
        if (const QString p = profile.value(k); !p.isEmpty()) {
            if (origin)
                *origin = QStringLiteral("profile ") + profileName;
            return p;
        }
        return QString();
    };
    s.apiUrl = pick(flagApiUrl, "PREFECT_API_URL", &s.origin);
    while (s.apiUrl.endsWith(u'/'))
        s.apiUrl.chop(1);
    s.apiKey = pick(flagApiKey, "PREFECT_API_KEY", nullptr);
    s.authString = pick(flagAuthString, "PREFECT_API_AUTH_STRING", nullptr);
    return s;
}

} // namespace ed
