#pragma once

#include <QList>
#include <QCoreApplication>
#include <QMetaType>
#include <QString>

class QSettings;

namespace ed::ui {

/// Where the app reads events from. Secrets (a server's auth string, a Cloud API key) are not
/// part of a profile: they live in SecretStore under the account `apiUrl`, never in QSettings.
struct ConnectionProfile
{
    Q_DECLARE_TR_FUNCTIONS(ConnectionProfile)

public:
    QString name;
    enum Kind { Server, Cloud, Demo, File } kind = Server;
    QString apiUrl; ///< Server and Cloud: the API base, e.g. http://127.0.0.1:4200/api
    QString accountId, workspaceId; ///< Cloud
    QString file;                   ///< File
    double demoRate = 5;            ///< Demo: events per second
    quint64 seed = 1;               ///< Demo

    /// Server and Cloud profiles talk to a Prefect API and may have a secret.
    bool isRemote() const { return kind == Server || kind == Cloud; }
    /// What keeps the profile from working (no URL, no file…), for the user; empty when none.
    QString problem() const;

    static QString defaultCloudBase();
    /// `{base}/accounts/{accountId}/workspaces/{workspaceId}`, Prefect Cloud's workspace API.
    static QString cloudApiUrl(const QString &accountId, const QString &workspaceId,
                               const QString &base = defaultCloudBase());
    /// The base a Cloud API URL was built on, or defaultCloudBase() when it has another shape.
    static QString cloudBaseOf(const ConnectionProfile &profile);

    static QString kindKey(Kind kind);
    static Kind kindFromKey(const QString &key, bool *ok = nullptr);

    /// The profiles under the settings group "connections"; `current` receives the name of the
    /// one last chosen (empty when none).
    static QList<ConnectionProfile> loadProfiles(QSettings &settings, QString *current = nullptr);
    /// Replaces every profile under "connections"; writes no secret.
    static void saveProfiles(QSettings &settings, const QList<ConnectionProfile> &profiles,
                             const QString &current = {});

    bool operator==(const ConnectionProfile &) const = default;
};

} // namespace ed::ui

Q_DECLARE_METATYPE(ed::ui::ConnectionProfile)
