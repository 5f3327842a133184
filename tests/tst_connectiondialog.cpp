// Connection profiles: the QSettings round trip (never a secret in it), the Cloud URL, secrets
// through SecretStore (session-only here, with its reason shown), and "Test connection" against
// a local HTTP server and a closed port.

#include "core/secretstore.h"
#include "ui/connectiondialog.h"
#include "ui/palette.h"

#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace ed;
using namespace ed::ui;

namespace {

ConnectionProfile profile(const QString &name, ConnectionProfile::Kind kind, const QString &url = {})
{
    ConnectionProfile p;
    p.name = name;
    p.kind = kind;
    p.apiUrl = url;
    return p;
}

// Answers every request with `response` once its headers are in, and keeps what was asked.
class TinyHttpServer final : public QObject
{
public:
    explicit TinyHttpServer(QByteArray response)
        : m_response(std::move(response))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    requests += socket->readAll();
                    if (requests.contains("\r\n\r\n")) {
                        socket->write(m_response);
                        socket->disconnectFromHost();
                    }
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString apiUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1/api").arg(m_server.serverPort());
    }

    QByteArray requests;

private:
    QTcpServer m_server;
    QByteArray m_response;
};

QByteArray httpResponse(const char *status, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray(status) + "\r\nContent-Type: application/json\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Every file under the test-mode config folder, where QSettings writes.
QByteArray allSettingsBytes()
{
    QByteArray out;
    QDirIterator it(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation),
                    QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            out += f.readAll();
    }
    return out;
}

} // namespace

class TestConnectionDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void profilesRoundTrip();
    void cloudUrl();
    void defaultsWhenEmpty();
    void cloudProfileThroughTheForm();
    void secretNeverInSettings();
    void secretFollowsUrlChange_data();
    void secretFollowsUrlChange();
    void removedProfileDropsItsSecret();
    void validation();
    void testConnectionSucceeds();
    void testConnectionFails_data();
    void testConnectionFails();
    void screenshots();
};

void TestConnectionDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("eventdeck-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connectiondialog"));
}

void TestConnectionDialog::init()
{
    QSettings settings;
    settings.clear();
    settings.sync();
}

void TestConnectionDialog::profilesRoundTrip()
{
    ConnectionProfile server = profile(QStringLiteral("Local"), ConnectionProfile::Server,
                                       QStringLiteral("http://127.0.0.1:4200/api"));
    ConnectionProfile cloud = profile(QStringLiteral("Cloud prod"), ConnectionProfile::Cloud);
    cloud.accountId = QStringLiteral("9b6a5d7e-0000-4000-8000-000000000001");
    cloud.workspaceId = QStringLiteral("1f0c2e3d-0000-4000-8000-000000000002");
    cloud.apiUrl = ConnectionProfile::cloudApiUrl(cloud.accountId, cloud.workspaceId);
    ConnectionProfile demo = profile(QStringLiteral("Demo, fast"), ConnectionProfile::Demo);
    demo.demoRate = 12.5;
    demo.seed = 18446744073709551615ULL;
    ConnectionProfile file = profile(QStringLiteral("Archive"), ConnectionProfile::File);
    file.file = QStringLiteral("/data/events/2026-03 ü.ndjson");
    const QList<ConnectionProfile> profiles{server, cloud, demo, file};
    {
        QSettings settings;
        ConnectionProfile::saveProfiles(settings, profiles, QStringLiteral("Cloud prod"));
    }
    QSettings settings;
    QString current;
    QCOMPARE(ConnectionProfile::loadProfiles(settings, &current), profiles);
    QCOMPARE(current, QStringLiteral("Cloud prod"));
    QVERIFY(settings.childGroups().contains(QStringLiteral("connections")));

    // Saving fewer removes the rest.
    ConnectionProfile::saveProfiles(settings, {demo});
    QCOMPARE(ConnectionProfile::loadProfiles(settings), QList<ConnectionProfile>{demo});
}

void TestConnectionDialog::cloudUrl()
{
    QCOMPARE(ConnectionProfile::cloudApiUrl(QStringLiteral("acc"), QStringLiteral("ws")),
             QStringLiteral("https://api.prefect.cloud/api/accounts/acc/workspaces/ws"));
    QCOMPARE(ConnectionProfile::cloudApiUrl(QStringLiteral(" acc "), QStringLiteral("ws\n"),
                                            QStringLiteral("https://cloud.example.com/api//")),
             QStringLiteral("https://cloud.example.com/api/accounts/acc/workspaces/ws"));
    ConnectionProfile p = profile(QStringLiteral("c"), ConnectionProfile::Cloud);
    p.accountId = QStringLiteral("acc");
    p.workspaceId = QStringLiteral("ws");
    p.apiUrl = QStringLiteral("https://cloud.example.com/api/accounts/acc/workspaces/ws");
    QCOMPARE(ConnectionProfile::cloudBaseOf(p), QStringLiteral("https://cloud.example.com/api"));
    p.apiUrl = QStringLiteral("https://elsewhere.example.com/x");
    QCOMPARE(ConnectionProfile::cloudBaseOf(p), ConnectionProfile::defaultCloudBase());
}

void TestConnectionDialog::defaultsWhenEmpty()
{
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&secrets);
    const QList<ConnectionProfile> profiles = dialog.profiles();
    QCOMPARE(profiles.size(), 2);
    QCOMPARE(profiles.at(0).kind, ConnectionProfile::Demo);
    QCOMPARE(profiles.at(1).kind, ConnectionProfile::Server);
    QCOMPARE(dialog.selectedProfile(), profiles.at(0));
}

void TestConnectionDialog::cloudProfileThroughTheForm()
{
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&secrets);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addProfile(profile(QStringLiteral("Cloud"), ConnectionProfile::Server));
    auto *kind = dialog.findChild<QComboBox *>(QStringLiteral("kind"));
    kind->setCurrentIndex(kind->findData(int(ConnectionProfile::Cloud)));
    QVERIFY(dialog.findChild<QLineEdit *>(QStringLiteral("accountId"))->isVisible());
    QVERIFY(!dialog.findChild<QLineEdit *>(QStringLiteral("serverUrl"))->isVisible());
    QTest::keyClicks(dialog.findChild<QLineEdit *>(QStringLiteral("accountId")), QStringLiteral("acc-1"));
    QTest::keyClicks(dialog.findChild<QLineEdit *>(QStringLiteral("workspaceId")), QStringLiteral("ws-2"));
    const QString url = QStringLiteral("https://api.prefect.cloud/api/accounts/acc-1/workspaces/ws-2");
    QCOMPARE(dialog.selectedProfile().apiUrl, url);
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("cloudUrl"))->text(), url);

    QTest::keyClicks(dialog.findChild<QLineEdit *>(QStringLiteral("cloudBase")),
                     QStringLiteral("https://cloud.example.com/api"));
    const QString custom = QStringLiteral("https://cloud.example.com/api/accounts/acc-1/workspaces/ws-2");
    QCOMPARE(dialog.selectedProfile().apiUrl, custom);
    dialog.setSecret(QStringLiteral("pnu_cloudkey"));
    QSignalSpy ready(&dialog, &ConnectionDialog::secretReady);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(ready.wait());
    QCOMPARE(ready.at(0).at(0).value<ConnectionProfile>().apiUrl, custom);
    QCOMPARE(ready.at(0).at(1).toString(), QStringLiteral("pnu_cloudkey"));

    // Reopened, the form shows the custom base again.
    ConnectionDialog again(&secrets);
    QCOMPARE(again.selectedProfile().name, QStringLiteral("Cloud"));
    QCOMPARE(again.selectedProfile().apiUrl, custom);
    QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("cloudBase"))->text(),
             QStringLiteral("https://cloud.example.com/api"));
    QTRY_COMPARE(again.findChild<QLineEdit *>(QStringLiteral("secret"))->text(),
                 QStringLiteral("pnu_cloudkey"));
}

void TestConnectionDialog::secretNeverInSettings()
{
    const QString secret = QStringLiteral("admin:s3cr3t-%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString url = QStringLiteral("http://127.0.0.1:4200/api");
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    {
        ConnectionDialog dialog(&secrets);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // The default server profile asked the store for its secret: the store says why it
        // keeps secrets for the session only, and the dialog shows it.
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("keychainMessage"));
        QTRY_VERIFY(message->isVisible());
        QVERIFY2(message->text().contains(QStringLiteral("session only")), qPrintable(message->text()));
        QCOMPARE(dialog.keychainMessage(), message->text());

        dialog.addProfile(profile(QStringLiteral("Prod"), ConnectionProfile::Server, url));
        QTest::keyClicks(dialog.findChild<QLineEdit *>(QStringLiteral("secret")), secret);
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("secret"))->echoMode(),
                 QLineEdit::Password);
        QSignalSpy ready(&dialog, &ConnectionDialog::secretReady);
        dialog.accept();
        QCOMPARE(ready.size(), 0); // never from within accept()
        QVERIFY(ready.wait());
        QCOMPARE(ready.at(0).at(0).value<ConnectionProfile>().name, QStringLiteral("Prod"));
        QCOMPARE(ready.at(0).at(1).toString(), secret);
    }
    const QByteArray written = allSettingsBytes();
    QVERIFY(written.contains("Prod"));
    QVERIFY(written.contains(url.toUtf8()));
    QVERIFY(!written.contains(secret.toUtf8()));
    QVERIFY(!written.contains("s3cr3t"));

    // The same store (the session) still has it: a new dialog shows and returns it.
    {
        ConnectionDialog dialog(&secrets);
        QCOMPARE(dialog.selectedProfile().name, QStringLiteral("Prod"));
        QTRY_COMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("secret"))->text(), secret);
        QSignalSpy ready(&dialog, &ConnectionDialog::secretReady);
        dialog.accept();
        QVERIFY(ready.wait());
        QCOMPARE(ready.at(0).at(1).toString(), secret);
    }
    QVERIFY(!allSettingsBytes().contains(secret.toUtf8()));
    // A new session has none.
    SecretStore fresh(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&fresh);
    QSignalSpy ready(&dialog, &ConnectionDialog::secretReady);
    dialog.accept();
    QVERIFY(ready.wait());
    QCOMPARE(ready.at(0).at(1).toString(), QString());
}

void TestConnectionDialog::secretFollowsUrlChange_data()
{
    QTest::addColumn<bool>("shared");
    QTest::addRow("alone on its URL") << false;
    QTest::addRow("URL shared with another profile") << true;
}

void TestConnectionDialog::secretFollowsUrlChange()
{
    QFETCH(bool, shared);
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    const QString a = QStringLiteral("http://127.0.0.1:4200/api"); // also the default profile's
    const QString b = QStringLiteral("http://127.0.0.1:4300/api");
    {
        ConnectionDialog dialog(&secrets);
        if (!shared) {
            QVERIFY(dialog.selectProfile(QStringLiteral("Local server")));
            dialog.findChild<QLineEdit *>(QStringLiteral("serverUrl"))->setText(QStringLiteral("http://127.0.0.1:4999/api"));
        }
        dialog.addProfile(profile(QStringLiteral("Moving"), ConnectionProfile::Server, a));
        dialog.setSecret(QStringLiteral("user:pw"));
        dialog.accept();
    }
    {
        ConnectionDialog dialog(&secrets);
        QCOMPARE(dialog.selectedProfile().apiUrl, a);
        auto *url = dialog.findChild<QLineEdit *>(QStringLiteral("serverUrl"));
        url->setText(b); // at once, before the keychain has answered
        QSignalSpy ready(&dialog, &ConnectionDialog::secretReady);
        dialog.accept();
        QVERIFY(ready.wait());
        QCOMPARE(ready.at(0).at(0).value<ConnectionProfile>().apiUrl, b);
        QCOMPARE(ready.at(0).at(1).toString(), QStringLiteral("user:pw"));
    }
    QSignalSpy loaded(&secrets, &SecretStore::loaded);
    secrets.load(a);
    secrets.load(b);
    QTRY_COMPARE(loaded.size(), 2);
    // The old account keeps the secret only while another profile still uses it.
    QCOMPARE(loaded.at(0).at(1).toString(), shared ? QStringLiteral("user:pw") : QString());
    QCOMPARE(loaded.at(1).at(1).toString(), QStringLiteral("user:pw"));

    // Moved again once its secret is known, it still goes along.
    ConnectionDialog dialog(&secrets);
    QTRY_COMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("secret"))->text(), QStringLiteral("user:pw"));
    dialog.findChild<QLineEdit *>(QStringLiteral("serverUrl"))->setText(a);
    dialog.accept();
    loaded.clear();
    secrets.load(a);
    secrets.load(b);
    QTRY_COMPARE(loaded.size(), 2);
    QCOMPARE(loaded.at(0).at(1).toString(), QStringLiteral("user:pw"));
    QCOMPARE(loaded.at(1).at(1).toString(), QString());
}

void TestConnectionDialog::removedProfileDropsItsSecret()
{
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    const QString url = QStringLiteral("http://127.0.0.1:4444/api");
    {
        ConnectionDialog dialog(&secrets);
        dialog.addProfile(profile(QStringLiteral("Gone soon"), ConnectionProfile::Server, url));
        dialog.setSecret(QStringLiteral("user:pw"));
        dialog.accept();
    }
    ConnectionDialog dialog(&secrets);
    QVERIFY(dialog.selectProfile(QStringLiteral("Gone soon")));
    const qsizetype before = dialog.profiles().size();
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("removeProfile")), Qt::LeftButton);
    QCOMPARE(dialog.profiles().size(), before - 1);
    dialog.selectProfile(QStringLiteral("Demo"));
    dialog.accept();
    QSignalSpy loaded(&secrets, &SecretStore::loaded);
    secrets.load(url);
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.at(0).at(1).toString(), QString());
    QSettings settings;
    for (const ConnectionProfile &p : ConnectionProfile::loadProfiles(settings))
        QVERIFY(p.name != QStringLiteral("Gone soon"));
}

void TestConnectionDialog::validation()
{
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&secrets);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addProfile(profile(QStringLiteral("Broken"), ConnectionProfile::Server,
                              QStringLiteral("not a url")));
    dialog.accept();
    QVERIFY(dialog.isVisible());
    auto *error = dialog.findChild<QLabel *>(QStringLiteral("error"));
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("Broken")));
    // Nothing was saved.
    QSettings settings;
    QVERIFY(ConnectionProfile::loadProfiles(settings).isEmpty());

    // A duplicate name gets a suffix when added, and is refused when typed.
    const int added = dialog.addProfile(profile(QStringLiteral("Demo"), ConnectionProfile::Demo));
    QCOMPARE(dialog.profiles().at(added).name, QStringLiteral("Demo 2"));
    auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("name"));
    name->setText(QStringLiteral("Demo"));
    dialog.accept();
    QVERIFY(dialog.isVisible());

    name->setText(QStringLiteral("Demo 2"));
    QVERIFY(dialog.selectProfile(QStringLiteral("Broken")));
    dialog.findChild<QLineEdit *>(QStringLiteral("serverUrl"))->setText(QStringLiteral("https://prefect.example.com/api"));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(ConnectionProfile::loadProfiles(settings).size(), 4);
}

void TestConnectionDialog::testConnectionSucceeds()
{
    TinyHttpServer server(httpResponse("200 OK", "true"));
    QVERIFY(server.listen());
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&secrets);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.addProfile(profile(QStringLiteral("Local"), ConnectionProfile::Server, server.apiUrl() + u'/'));
    dialog.setSecret(QStringLiteral("user:pa55"));
    QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
    auto *button = dialog.findChild<QPushButton *>(QStringLiteral("testConnection"));
    QVERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(finished.wait(15000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QVERIFY(server.requests.startsWith("GET /api/health HTTP/1.1\r\n"));
    QVERIFY(server.requests.contains(QByteArray("Authorization: Basic " + QByteArray("user:pa55").toBase64())));
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("testResult"))->text(),
             finished.at(0).at(1).toString());
    QVERIFY(button->isEnabled());
}

void TestConnectionDialog::testConnectionFails_data()
{
    QTest::addColumn<QByteArray>("response"); // empty: nobody listens on the port
    QTest::addColumn<QString>("expect");
    QTest::addRow("closed port") << QByteArray() << QStringLiteral("Failed");
    QTest::addRow("401") << httpResponse("401 Unauthorized", "{\"exception_message\":\"Unauthorized\"}")
                         << QStringLiteral("refused");
    QTest::addRow("404") << httpResponse("404 Not Found", "{\"detail\":\"Not Found\"}")
                         << QStringLiteral("404");
    QTest::addRow("not prefect") << httpResponse("200 OK", "<html></html>")
                                 << QStringLiteral("not as Prefect");
}

void TestConnectionDialog::testConnectionFails()
{
    QFETCH(QByteArray, response);
    QFETCH(QString, expect);
    TinyHttpServer server(response);
    QVERIFY(server.listen());
    QString url = server.apiUrl();
    std::unique_ptr<QTcpServer> closed;
    if (response.isEmpty()) {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        url = QStringLiteral("http://127.0.0.1:%1/api").arg(probe.serverPort());
        probe.close();
    }
    SecretStore secrets(SecretStore::Backend::SessionOnly);
    ConnectionDialog dialog(&secrets);
    dialog.addProfile(profile(QStringLiteral("Local"), ConnectionProfile::Server, url));
    QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
    dialog.testConnection();
    QVERIFY(finished.wait(15000));
    QVERIFY(!finished.at(0).at(0).toBool());
    QVERIFY2(finished.at(0).at(1).toString().contains(expect), qPrintable(finished.at(0).at(1).toString()));
}

// Set EVENTDECK_SCREENSHOTS to a folder to keep the images.
void TestConnectionDialog::screenshots()
{
    const QString keep = qEnvironmentVariable("EVENTDECK_SCREENSHOTS");
    if (keep.isEmpty())
        QSKIP("EVENTDECK_SCREENSHOTS is not set");
    TinyHttpServer server(httpResponse("200 OK", "true"));
    QVERIFY(server.listen());
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const QPalette light = QApplication::style()->standardPalette();
    const QPalette dark = ed::ui::darkPalette();
    for (const auto &[name, palette] : {std::pair{"light", light}, std::pair{"dark", dark}}) {
        QApplication::setPalette(palette);
        SecretStore secrets(SecretStore::Backend::SessionOnly);
        ConnectionDialog dialog(&secrets);
        dialog.addProfile(profile(QStringLiteral("Staging"), ConnectionProfile::Server, server.apiUrl()));
        dialog.setSecret(QStringLiteral("admin:password"));
        ConnectionProfile cloud = profile(QStringLiteral("Cloud production"), ConnectionProfile::Cloud);
        cloud.accountId = QStringLiteral("9b6a5d7e-2f0c-4d8e-a1b2-c3d4e5f60718");
        cloud.workspaceId = QStringLiteral("1f0c2e3d-4b5a-4c6d-8e9f-a0b1c2d3e4f5");
        cloud.apiUrl = ConnectionProfile::cloudApiUrl(cloud.accountId, cloud.workspaceId);
        dialog.addProfile(cloud);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTRY_VERIFY(!dialog.keychainMessage().isEmpty());
        dialog.selectProfile(QStringLiteral("Staging"));
        QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
        dialog.testConnection();
        QVERIFY(finished.wait(15000));
        dialog.grab().save(keep + QStringLiteral("/connectiondialog-server-%1.png").arg(QLatin1String(name)));
        dialog.selectProfile(QStringLiteral("Cloud production"));
        QTest::qWait(20);
        dialog.grab().save(keep + QStringLiteral("/connectiondialog-cloud-%1.png").arg(QLatin1String(name)));
        dialog.selectProfile(QStringLiteral("Demo"));
        QTest::qWait(20);
        dialog.grab().save(keep + QStringLiteral("/connectiondialog-demo-%1.png").arg(QLatin1String(name)));
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
