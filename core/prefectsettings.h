#pragma once

#include <QHash>
#include <QString>

#include <optional>

/// Where Prefect's own CLI finds its server: `--api-url` style flags, then the environment
/// (`PREFECT_API_URL`, `PREFECT_API_KEY`, `PREFECT_API_AUTH_STRING`), then the active profile of
/// `profiles.toml` (`PREFECT_PROFILES_PATH`, else `~/.prefect/profiles.toml`; `PREFECT_PROFILE`
/// chooses the profile, else the file's `active`).
namespace ed {

struct PrefectProfiles
{
    QString active;                                 ///< the file's `active = "…"`
    QHash<QString, QHash<QString, QString>> profiles; ///< name → setting → value

    /// Reads the TOML that Prefect writes (tables `[profiles.NAME]`, `KEY = "value"`).
    static std::optional<PrefectProfiles> parse(const QByteArray &toml, QString *error);
    static std::optional<PrefectProfiles> load(const QString &path, QString *error);
};

struct ConnectionSettings
{
    QString apiUrl;     ///< e.g. http://127.0.0.1:4200/api
    QString apiKey;     ///< Cloud: sent as a Bearer token
    QString authString; ///< OSS basic auth "user:pass"; wins over the key, as in Prefect's client
    QString origin;     ///< where apiUrl came from: "flag", "environment", "profile NAME"

    bool isCloud() const;
};

/// Resolves the settings as Prefect's CLI does. Flags win over the environment, which wins over
/// the profile. `environment` is usually QProcessEnvironment::systemEnvironment() as a hash.
ConnectionSettings resolveConnection(const QString &flagApiUrl, const QString &flagApiKey,
                                     const QString &flagAuthString,
                                     const QHash<QString, QString> &environment,
                                     QString *warning = nullptr);

QString defaultProfilesPath(const QHash<QString, QString> &environment);

} // namespace ed
