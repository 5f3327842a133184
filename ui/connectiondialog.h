#pragma once

#include "ui/connectionprofile.h"

#include <QDialog>
#include <QHash>
#include <QPair>
#include <QList>
#include <QString>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QWidget;

namespace ed {
class SecretStore;
}

namespace ed::ui {

class HealthCheck;

/// Manages the connection profiles kept in QSettings (group "connections") and picks one.
/// A profile's secret (Server: optional auth string; Cloud: API key) goes only through the
/// SecretStore, under the profile's API URL; when the store finds no keychain the dialog says
/// why and the secret lasts for the session. Accepting saves every profile, then reports the
/// chosen profile's secret through secretReady.
class ConnectionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionDialog)

public:
    /// `secrets` must outlive the dialog; share the app's store so that session-only secrets
    /// survive the dialog. Profiles come from the default QSettings.
    explicit ConnectionDialog(ed::SecretStore *secrets, QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    QList<ConnectionProfile> profiles() const;
    ConnectionProfile selectedProfile() const;
    /// Selects the profile named `name`; false when there is none.
    bool selectProfile(const QString &name);
    /// Adds a profile and selects it (its name made unique); returns its index.
    int addProfile(const ConnectionProfile &profile);
    /// The secret shown for the selected profile; marks it edited.
    void setSecret(const QString &secret);
    /// For a store that gave up on the keychain before this dialog existed.
    void setKeychainUnavailable(const QString &reason);
    QString keychainMessage() const;
    /// Whether "Browse…" uses the platform's file dialog (default) or Qt's own widgets.
    void setNativeFileDialog(bool native) { m_nativeFileDialog = native; }

    /// Sends GET {apiUrl}/health for the selected profile; testFinished follows.
    void testConnection();

public slots:
    /// Validates and saves the profiles and the secrets, then closes.
    void accept() override;

signals:
    /// After accept(), once the secret is known (from the keychain or as typed): empty when the
    /// profile has none. Never emitted from within accept() itself.
    void secretReady(const ed::ui::ConnectionProfile &profile, const QString &secret);
    void testFinished(bool ok, const QString &message);

private:
    enum class SecretState { Unknown, Loading, Known };
    struct Entry
    {
        ConnectionProfile profile;
        QString storedUrl; ///< the account its secret is stored under (the URL as loaded)
        QString secret;
        SecretState state = SecretState::Unknown;
        bool edited = false;
    };

    void buildUi();
    void showEntry(int row);
    void updateRows();
    void readForm();
    void loadSecret(Entry &entry);
    void onSecretLoaded(const QString &account, const QString &secret);
    void applySecret(const QString &account, const QString &secret);
    void onKeychainUnavailable(const QString &reason);
    void onTestFinished(bool ok, const QString &message);
    void removeCurrent();
    void browseFile();
    QString validate(int *badRow) const;
    QString uniqueName(const QString &wanted, int except) const;
    bool accountInUse(const QString &account) const;
    void emitSecretLater(const ConnectionProfile &profile, const QString &secret);
    Entry *current();

    ed::SecretStore *m_secrets;
    QList<Entry> m_entries;
    QStringList m_removedAccounts;
    int m_row = -1;
    bool m_filling = false;
    bool m_nativeFileDialog = true;
    QString m_awaitedAccount; ///< accepted, waiting for this account's secret
    QHash<QString, QString> m_markers; ///< marker account → the account loaded just before it
    QPair<QString, QString> m_lastAnswer; ///< the last (account, secret) the store answered
    ConnectionProfile m_chosen;
    HealthCheck *m_health;

    QListWidget *m_list = nullptr;
    QPushButton *m_remove = nullptr;
    QFormLayout *m_form = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_serverUrl = nullptr;
    QLineEdit *m_account = nullptr;
    QLineEdit *m_workspace = nullptr;
    QLineEdit *m_cloudBase = nullptr;
    QLineEdit *m_cloudUrl = nullptr;
    QLineEdit *m_secret = nullptr;
    QWidget *m_testRow = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QLineEdit *m_seed = nullptr;
    QWidget *m_fileRow = nullptr;
    QLineEdit *m_file = nullptr;
    QWidget *m_keychainRow = nullptr;
    QLabel *m_keychainText = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace ed::ui
