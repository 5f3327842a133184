#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <chrono>

namespace QKeychain {
class Job;
}

namespace ed {

/// Keeps API keys and auth strings in the system keychain (Secret Service or KWallet, macOS
/// Keychain, Windows Credential Manager) through QtKeychain: service "dev.eventdeck.Eventdeck",
/// key the account the caller names (e.g. the API URL).
///
/// Every call is answered later by a signal, in call order; nothing blocks and no event loop is
/// nested. When the keychain fails or stops answering (no Secret Service on D-Bus, a keyring
/// that never unlocks), the store says so once through keychainUnavailable and from then on
/// keeps secrets in memory, for the life of this store only. Secrets never reach QSettings
/// (QtKeychain's plaintext fallback stays off), a log line or an error text.
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    enum class Backend {
        SystemKeychain, ///< QtKeychain; memory for the session once it fails
        SessionOnly,    ///< memory only, as if the keychain had failed (tests, no-keychain runs)
    };
    Q_ENUM(Backend)

    explicit SecretStore(QObject *parent = nullptr);
    explicit SecretStore(Backend backend, QObject *parent = nullptr);
    ~SecretStore() override;

    static QString serviceName();

    /// How long one keychain call may go unanswered before the store gives up on the keychain.
    /// The default leaves a user time to type a password at a keyring's unlock prompt.
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const;

    /// False with SessionOnly and once the keychain has failed: secrets then last as long as
    /// this store.
    bool isPersistent() const { return !m_unavailable; }

    void save(const QString &account, const QString &secret);
    void load(const QString &account);
    void remove(const QString &account);

signals:
    /// `persistent`: in the keychain; false: in memory until this store is destroyed.
    void saved(const QString &account, bool persistent);
    /// `secret` is empty when nothing is stored for the account.
    void loaded(const QString &account, const QString &secret);
    void removed(const QString &account);
    /// Once per store, just before the answer to the call that found the keychain unusable.
    /// The reason is meant for the user and never contains a secret.
    void keychainUnavailable(const QString &reason);

private:
    enum class Kind { Save, Load, Remove };
    struct Request
    {
        Kind kind;
        QString account;
        QString secret; ///< Save only
    };

    void enqueue(Request request);
    void pump();
    void startJob(const Request &request);
    void onJobFinished(QKeychain::Job *job);
    void onTimeout();
    void giveUp(const QString &reason);
    void answerFromMemory(const Request &request);
    QString scrub(QString text) const;

    Backend m_backend;
    bool m_unavailable = false;
    bool m_pumpQueued = false;
    QList<Request> m_requests;      ///< the first one is in flight while m_job is set
    QPointer<QKeychain::Job> m_job; ///< never deleted by us: QtKeychain deletes it when done
    QTimer m_watchdog;
    QHash<QString, QString> m_session; ///< secrets held for this session only
};

} // namespace ed
