// Connection settings resolved as Prefect's CLI does: flags, environment, active profile.

#include "core/prefectsettings.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ed;

namespace {
// Plain literals rather than a raw string: moc's tokenizer trips over quotes inside raw strings.
const QByteArray kProfiles =
    "# written by `prefect profile`\n"
    "active = \"cloud\"\n"
    "\n"
    "[profiles.default]\n"
    "PREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n"
    "\n"
    "[profiles.cloud]\n"
    "PREFECT_API_URL = \"https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/22222222-2222-2222-2222-222222222222\"\n"
    "PREFECT_API_KEY = \x27pnu_secret\x27\n"
    "\n"
    "[profiles.\"local auth\"]\n"
    "PREFECT_API_URL = \"http://localhost:4200/api/\"\n"
    "PREFECT_API_AUTH_STRING = \"admin:pa\\\"ss\"\n";
} // namespace

class TestPrefectSettings : public QObject
{
    Q_OBJECT

private slots:
    void parsesProfiles();
    void rejectsMalformed();
    void precedence_data();
    void precedence();
};

void TestPrefectSettings::parsesProfiles()
{
    QString error;
    const auto p = PrefectProfiles::parse(kProfiles, &error);
    QVERIFY2(p, qPrintable(error));
    QCOMPARE(p->active, QStringLiteral("cloud"));
    QCOMPARE(p->profiles.size(), 3);
    QCOMPARE(p->profiles[QStringLiteral("cloud")][QStringLiteral("PREFECT_API_KEY")], QStringLiteral("pnu_secret"));
    QCOMPARE(p->profiles[QStringLiteral("local auth")][QStringLiteral("PREFECT_API_AUTH_STRING")], QStringLiteral("admin:pa\"ss"));
}

void TestPrefectSettings::rejectsMalformed()
{
    QString error;
    QVERIFY(!PrefectProfiles::parse("[profiles.x\nA = 1\n", &error));
    QVERIFY(error.contains(QStringLiteral("line 1")));
    QVERIFY(!PrefectProfiles::parse("[profiles.x]\nA = \"unterminated\n", &error));
    QVERIFY(error.contains(QStringLiteral("line 2")));
}

void TestPrefectSettings::precedence_data()
{
    QTest::addColumn<QString>("flagUrl");
    QTest::addColumn<QString>("envUrl");
    QTest::addColumn<QString>("envProfile");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("cloud");
    const QString cloud = QStringLiteral("https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/22222222-2222-2222-2222-222222222222");
    QTest::addRow("active profile") << QString() << QString() << QString() << cloud << QStringLiteral("profile cloud") << true;
    QTest::addRow("PREFECT_PROFILE") << QString() << QString() << QStringLiteral("local auth") << QStringLiteral("http://localhost:4200/api") << QStringLiteral("profile local auth") << false;
    QTest::addRow("environment") << QString() << QStringLiteral("http://10.0.0.1:4200/api") << QString() << QStringLiteral("http://10.0.0.1:4200/api") << QStringLiteral("environment") << false;
    QTest::addRow("flag wins") << QStringLiteral("http://127.0.0.1:9/api") << QStringLiteral("http://10.0.0.1:4200/api") << QString() << QStringLiteral("http://127.0.0.1:9/api") << QStringLiteral("flag") << false;
}

void TestPrefectSettings::precedence()
{
    QFETCH(QString, flagUrl);
    QFETCH(QString, envUrl);
    QFETCH(QString, envProfile);
    QFETCH(QString, url);
    QFETCH(QString, origin);
    QFETCH(bool, cloud);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("profiles.toml")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(kProfiles);
    f.close();
    QHash<QString, QString> env{{QStringLiteral("PREFECT_PROFILES_PATH"), f.fileName()}};
    if (!envUrl.isEmpty())
        env.insert(QStringLiteral("PREFECT_API_URL"), envUrl);
    if (!envProfile.isEmpty())
        env.insert(QStringLiteral("PREFECT_PROFILE"), envProfile);
    const ConnectionSettings s = resolveConnection(flagUrl, {}, {}, env);
    QCOMPARE(s.apiUrl, url);
    QCOMPARE(s.origin, origin);
    QCOMPARE(s.isCloud(), cloud);
    if (envProfile == u"local auth")
        QCOMPARE(s.authString, QStringLiteral("admin:pa\"ss"));
    // No profile file and no environment: nothing configured.
    const ConnectionSettings none = resolveConnection({}, {}, {}, {{QStringLiteral("PREFECT_PROFILES_PATH"), dir.filePath(QStringLiteral("missing.toml"))}});
    QVERIFY(none.apiUrl.isEmpty());
}

QTEST_GUILESS_MAIN(TestPrefectSettings)
#include "tst_prefectsettings.moc"
