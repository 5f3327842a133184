// SecretStore: the session-only fallback, the real QtKeychain path (which in CI and in the
// sandbox has no Secret Service and must fall back quickly), a keychain that never answers, and
// that no secret reaches QSettings, a log line or the reason text.

#include "core/secretstore.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMutex>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ed;
using namespace std::chrono_literals;

namespace {

QMutex logMutex;
QString logText;
QtMessageHandler previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        logText += message + u'\n';
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

QString randomSecret()
{
    return QStringLiteral("sk-test-%1%2")
        .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'))
        .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
}

// A distinct account per run, so that a developer's real keychain never mixes runs.
QString uniqueAccount(const char *what)
{
    return QStringLiteral("http://127.0.0.1:4200/api#tst_secretstore-%1-%2")
        .arg(QString::fromLatin1(what))
        .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

// Waits for the store's answer to the last call: one more emission of `spy`.
bool answered(QSignalSpy &spy, qsizetype before, int ms = 10000)
{
    return spy.size() > before || spy.wait(ms);
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sessionOnlyKeepsSecretsForTheSession();
    void answersComeInCallOrder();
    void systemKeychainFallsBackWithoutHanging();
    // Last: the job it leaves pending blocks QtKeychain's queue for the rest of the process.
    void unansweredKeychainTimesOut();
    // After all the others: no secret they used went anywhere but memory or the keychain.
    void cleanupTestCase();

private:
    QStringList m_secrets; ///< every secret the tests used
};

void TestSecretStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("eventdeck-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_secretstore"));
    previousHandler = qInstallMessageHandler(captureMessages);
}

void TestSecretStore::sessionOnlyKeepsSecretsForTheSession()
{
    const QString account = uniqueAccount("session");
    const QString secret = randomSecret();
    m_secrets << secret;

    SecretStore store(SecretStore::Backend::SessionOnly);
    QSignalSpy unavailable(&store, &SecretStore::keychainUnavailable);
    QSignalSpy saved(&store, &SecretStore::saved);
    QSignalSpy loaded(&store, &SecretStore::loaded);
    QSignalSpy removed(&store, &SecretStore::removed);

    store.save(account, secret);
    QCOMPARE(saved.size(), 0); // answers come from the event loop, never from the call
    QVERIFY(saved.wait(5000));
    QCOMPARE(saved.first().at(0).toString(), account);
    QCOMPARE(saved.first().at(1).toBool(), false);
    QCOMPARE(unavailable.size(), 1);
    const QString reason = unavailable.first().first().toString();
    QVERIFY2(reason.contains(u"session"), qPrintable(reason));
    QVERIFY(!reason.contains(secret));
    QVERIFY(!store.isPersistent());

    store.load(account);
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.first().at(0).toString(), account);
    QCOMPARE(loaded.first().at(1).toString(), secret);
    store.load(uniqueAccount("other"));
    QVERIFY(answered(loaded, 1));
    QVERIFY(loaded.at(1).at(1).toString().isEmpty());

    { // a new session does not have it
        SecretStore fresh(SecretStore::Backend::SessionOnly);
        QSignalSpy freshLoaded(&fresh, &SecretStore::loaded);
        fresh.load(account);
        QVERIFY(freshLoaded.wait(5000));
        QVERIFY(freshLoaded.first().at(1).toString().isEmpty());
    }

    store.remove(account);
    QVERIFY(removed.wait(5000));
    QCOMPARE(removed.first().first().toString(), account);
    store.load(account);
    QVERIFY(answered(loaded, 2));
    QVERIFY(loaded.at(2).at(1).toString().isEmpty());
    QCOMPARE(unavailable.size(), 1); // said once per store
}

void TestSecretStore::answersComeInCallOrder()
{
    const QString a = uniqueAccount("a"), b = uniqueAccount("b");
    const QString secretA = randomSecret(), secretB = randomSecret();
    m_secrets << secretA << secretB;
    SecretStore store(SecretStore::Backend::SessionOnly);
    QStringList answers;
    connect(&store, &SecretStore::keychainUnavailable, this,
            [&](const QString &) { answers << QStringLiteral("unavailable"); });
    connect(&store, &SecretStore::saved, this,
            [&](const QString &account, bool) { answers << QStringLiteral("saved ") + account; });
    connect(&store, &SecretStore::loaded, this, [&](const QString &account, const QString &s) {
        answers << QStringLiteral("loaded ") + account + u' ' + s;
    });
    connect(&store, &SecretStore::removed, this,
            [&](const QString &account) { answers << QStringLiteral("removed ") + account; });
    store.save(a, secretA);
    store.save(b, secretB);
    store.load(a);
    store.remove(a);
    store.load(a);
    store.load(b);
    QTRY_COMPARE(answers.size(), 7);
    const QStringList expected = {
        QStringLiteral("unavailable"),
        QStringLiteral("saved ") + a,
        QStringLiteral("saved ") + b,
        QStringLiteral("loaded ") + a + u' ' + secretA,
        QStringLiteral("removed ") + a,
        QStringLiteral("loaded ") + a + u' ',
        QStringLiteral("loaded ") + b + u' ' + secretB,
    };
    QCOMPARE(answers, expected);
}

// The real QtKeychain path. Without a Secret Service (CI, containers) every call must end in
// keychainUnavailable and the session fallback within moments; on a desktop with an unlocked
// keyring the secret really persists, and the test cleans up after itself.
void TestSecretStore::systemKeychainFallsBackWithoutHanging()
{
    const QString account = uniqueAccount("system");
    const QString secret = randomSecret();
    m_secrets << secret;

    QElapsedTimer clock;
    clock.start();
    SecretStore store;
    store.setTimeout(5s);
    QSignalSpy unavailable(&store, &SecretStore::keychainUnavailable);
    QSignalSpy saved(&store, &SecretStore::saved);
    QSignalSpy loaded(&store, &SecretStore::loaded);
    QSignalSpy removed(&store, &SecretStore::removed);

    store.save(account, secret);
    QVERIFY(saved.wait(15000));
    const qint64 saveMs = clock.elapsed();
    const bool persistent = saved.first().at(1).toBool();
    QCOMPARE(persistent, unavailable.isEmpty());
    QCOMPARE(store.isPersistent(), persistent);
    if (!persistent) {
        const QString reason = unavailable.first().first().toString();
        qInfo("keychain unavailable after %lld ms: %s", saveMs, qPrintable(reason));
        QVERIFY2(reason.contains(u"session"), qPrintable(reason));
        QVERIFY(!reason.contains(secret));
    }

    store.load(account);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(loaded.first().at(1).toString(), secret);

    { // a new session has it only if the keychain kept it
        SecretStore fresh;
        fresh.setTimeout(5s);
        QSignalSpy freshLoaded(&fresh, &SecretStore::loaded);
        fresh.load(account);
        QVERIFY(freshLoaded.wait(15000));
        QCOMPARE(freshLoaded.first().at(1).toString(), persistent ? secret : QString());
    }

    store.remove(account);
    QVERIFY(removed.wait(15000));
    store.load(account);
    QVERIFY(answered(loaded, 1, 15000));
    QVERIFY(loaded.at(1).at(1).toString().isEmpty());
    QVERIFY(unavailable.size() <= 1);
    QVERIFY2(clock.elapsed() < 20000, "the keychain path took too long");
}

// A session bus that accepts the connection and never says a word: D-Bus has no timeout for
// that, so QtKeychain's job never finishes. The store must give up on its own.
void TestSecretStore::unansweredKeychainTimesOut()
{
    if (qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("a session bus is configured, and GLib keeps the connection it made to it");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QLocalServer silentBus;
    QVERIFY(silentBus.listen(dir.filePath(QStringLiteral("bus"))));
    QList<QLocalSocket *> clients;
    connect(&silentBus, &QLocalServer::newConnection, this, [&] {
        while (QLocalSocket *s = silentBus.nextPendingConnection())
            clients << s;
    });
    // GLib connects the session bus lazily and does not remember a failed attempt, so this
    // takes effect although earlier tests already tried (and failed) without a bus.
    qputenv("DBUS_SESSION_BUS_ADDRESS",
            "unix:path=" + QFile::encodeName(silentBus.fullServerName()));
    auto restore = qScopeGuard([] { qunsetenv("DBUS_SESSION_BUS_ADDRESS"); });

    const QString account = uniqueAccount("silent");
    const QString secret = randomSecret();
    m_secrets << secret;
    SecretStore store;
    store.setTimeout(500ms);
    QSignalSpy unavailable(&store, &SecretStore::keychainUnavailable);
    QSignalSpy saved(&store, &SecretStore::saved);
    QSignalSpy loaded(&store, &SecretStore::loaded);
    QElapsedTimer clock;
    clock.start();
    store.save(account, secret);
    store.load(account);
    QVERIFY(loaded.wait(10000));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().at(1).toBool(), false);
    QVERIFY2(!clients.isEmpty(), "QtKeychain did not reach the silent bus");
    QCOMPARE(unavailable.size(), 1);
    const QString reason = unavailable.first().first().toString();
    QVERIFY2(reason.contains(u"did not answer") && reason.contains(u"session"), qPrintable(reason));
    QVERIFY(!reason.contains(secret));
    QVERIFY2(elapsed >= 400 && elapsed < 3000, qPrintable(QString::number(elapsed)));
    // The load queued behind the hung save never reached the keychain: memory answered it.
    QCOMPARE(loaded.first().at(1).toString(), secret);

    // While that job is pending, QtKeychain's one queue is blocked: another store does not wait.
    SecretStore other;
    QSignalSpy otherUnavailable(&other, &SecretStore::keychainUnavailable);
    QSignalSpy otherSaved(&other, &SecretStore::saved);
    clock.restart();
    other.save(account, secret);
    QVERIFY(otherSaved.wait(5000));
    QVERIFY2(clock.elapsed() < 400, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(otherSaved.first().at(1).toBool(), false);
    QCOMPARE(otherUnavailable.size(), 1);
    QVERIFY2(otherUnavailable.first().first().toString().contains(u"still unanswered"),
             qPrintable(otherUnavailable.first().first().toString()));
}

void TestSecretStore::cleanupTestCase()
{
    QVERIFY(!m_secrets.isEmpty());
    // QtKeychain's plaintext fallback would write QSettings(service); the app's own settings
    // live in the default QSettings. Both, and everything else under the (test-mode) config and
    // data directories, must be free of secrets.
    QStringList files = {QSettings(SecretStore::serviceName()).fileName(), QSettings().fileName()};
    for (const auto location :
         {QStandardPaths::GenericConfigLocation, QStandardPaths::AppConfigLocation,
          QStandardPaths::AppDataLocation}) {
        const QString dir = QStandardPaths::writableLocation(location);
        QVERIFY2(dir.contains(u".qttest"), qPrintable(dir)); // test mode: never the user's files
        QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
    }
    for (const QString &path : std::as_const(files)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray content = file.readAll();
        for (const QString &secret : std::as_const(m_secrets))
            QVERIFY2(!content.contains(secret.toUtf8()), qPrintable(path));
    }
    QSettings keychainFallback(SecretStore::serviceName());
    for (const QString &key : keychainFallback.allKeys())
        QVERIFY2(!key.contains(u"tst_secretstore"), qPrintable(key));

    QMutexLocker lock(&logMutex);
    for (const QString &secret : std::as_const(m_secrets))
        QVERIFY(!logText.contains(secret));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
