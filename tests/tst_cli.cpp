// The real `eventdeck` binary, end to end: import, export, filter flags, exit codes, formats,
// and sync and tail against the Prefect-compatible test server running in this process.

#include "core/event.h"
#include "core/timeutil.h"
#include "tests/testserver/prefecttestserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

const QString kFixture = QStringLiteral(EVENTDECK_FIXTURES "/prefect-sample-events.json");

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
    QString lastErrLine() const
    {
        const QList<QByteArray> lines = err.trimmed().split('\n');
        return QString::fromUtf8(lines.last());
    }
};

QByteArray makeEvent(const QString &id, const QString &occurred, const QString &resourceId,
                 const QByteArray &extraResource = {}, const QByteArray &related = "[]",
                 const QByteArray &payload = "{}", const QString &name = QStringLiteral("test.event"))
{
    return "{\"occurred\":\"" + occurred.toUtf8() + "\",\"event\":\"" + name.toUtf8()
           + "\",\"resource\":{\"prefect.resource.id\":\"" + resourceId.toUtf8() + '"'
           + extraResource + "},\"related\":" + related + ",\"payload\":" + payload
           + ",\"id\":\"" + id.toUtf8() + "\"}";
}

QString uuid(int n)
{
    return QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0'));
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void version();
    void helpOfEveryCommand_data();
    void helpOfEveryCommand();
    void importFixtures();
    void importReportsRejectsAndGoesOn();
    void importArrayIndexAndStrict();
    void importSavedPagesAndStdin();
    void importUnreadable_data();
    void importUnreadable();
    void defaultCacheLocation();
    void exportShapeAndOrder();
    void exportLabelOnFixtures();
    void filterFlags_data();
    void filterFlags();
    void printFilter();
    void badCacheLeavesNoFile();
    void syncDemoAndNoServer();
    void syncAgainstServer();
    void tailAgainstServer();
    void tailDemoText();
    void tailAuthFailure();
    void triggerValidate();
    void triggerTest();

private:
    Run run(const QStringList &args, const QByteArray &stdinData = {}, bool withCache = true);
    void startProcess(QProcess &p, const QStringList &args, bool withCache = true);
    QString write(const QString &name, const QByteArray &content);
    QStringList exportIds(const QStringList &flags);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_cache;
    bool m_keepCacheEnv = false;
    QHash<QString, QString> m_env; // extra environment for the next runs
};

void TestCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_cache = m_dir->filePath(QStringLiteral("cache.sqlite"));
    m_env.clear();
}

void TestCli::startProcess(QProcess &p, const QStringList &args, bool withCache)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("xdg")));
    env.insert(QStringLiteral("HOME"), m_dir->path());
    env.remove(QStringLiteral("PREFECT_API_URL"));
    env.remove(QStringLiteral("PREFECT_PROFILES_PATH"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    if (!m_keepCacheEnv)
        env.remove(QStringLiteral("EVENTDECK_CACHE"));
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    QStringList all = args;
    if (withCache)
        all << QStringLiteral("--cache") << m_cache;
    p.start(QStringLiteral(EVENTDECK_BINARY), all);
    p.waitForStarted();
}

Run TestCli::run(const QStringList &args, const QByteArray &stdinData, bool withCache)
{
    QProcess p;
    startProcess(p, args, withCache);
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    // Spins the event loop, so a test server in this process keeps answering.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QString TestCli::write(const QString &name, const QByteArray &content)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return path;
}

QStringList TestCli::exportIds(const QStringList &flags)
{
    const Run r = run(QStringList{QStringLiteral("export")} + flags);
    if (r.code != 0)
        return {QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))};
    QStringList ids;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array())
        ids += v.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

void TestCli::version()
{
    const Run r = run({QStringLiteral("--version")}, {}, false);
    QCOMPARE(r.code, 0);
    QVERIFY(QRegularExpression(QStringLiteral("^eventdeck \\d+\\.\\d+\\.\\d+\\n$")).match(QString::fromUtf8(r.out)).hasMatch());
}

void TestCli::helpOfEveryCommand_data()
{
    QTest::addColumn<QString>("command");
    QTest::addRow("import") << QStringLiteral("import");
    QTest::addRow("export") << QStringLiteral("export");
    QTest::addRow("sync") << QStringLiteral("sync");
    QTest::addRow("tail") << QStringLiteral("tail");
    QTest::addRow("trigger") << QStringLiteral("trigger");
}

void TestCli::helpOfEveryCommand()
{
    QFETCH(QString, command);
    const Run r = run({command, QStringLiteral("--help")}, {}, false);
    QCOMPARE(r.code, 0);
    // Every command that reads the cache says how to point it elsewhere.
    QVERIFY(r.out.contains(command == u"trigger" ? "validate TRIGGER.json" : "--cache"));
}

void TestCli::importFixtures()
{
    Run r = run({QStringLiteral("import"), kFixture});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 30, stored 27, duplicates 3, rejected 0"));
    r = run({QStringLiteral("import"), kFixture});
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 30, stored 0, duplicates 30, rejected 0"));
}

void TestCli::importReportsRejectsAndGoesOn()
{
    const QByteArray good1 = makeEvent(uuid(1), QStringLiteral("2026-03-31T18:00:00Z"), QStringLiteral("r.1"));
    const QByteArray good2 = makeEvent(uuid(2), QStringLiteral("2026-03-31T18:00:01Z"), QStringLiteral("r.2"));
    const QByteArray noId = R"({"occurred":"2026-03-31T18:00:00Z","event":"x","resource":{"prefect.resource.id":"r"}})";
    const QString path = write(QStringLiteral("e.ndjson"), good1 + "\n{not json\n" + noId + "\n" + good2 + "\n");
    Run r = run({QStringLiteral("import"), path});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains((path + QStringLiteral(":2: invalid JSON")).toUtf8()), r.err.constData());
    QVERIFY2(r.err.contains((path + QStringLiteral(":3: id: field required")).toUtf8()), r.err.constData());
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 4, stored 2, duplicates 0, rejected 2"));
    QCOMPARE(exportIds({}), (QStringList{uuid(2), uuid(1)}));
}

void TestCli::importArrayIndexAndStrict()
{
    const QByteArray bad = R"({"occurred":"2026-03-31T18:00:00Z","event":"x","resource":{"prefect.resource.id":""},"id":")" + uuid(9).toUtf8() + "\"}";
    const QString path = write(QStringLiteral("a.json"), "[\n" + makeEvent(uuid(1), QStringLiteral("2026-03-31T18:00:00Z"), QStringLiteral("r")) + ",\n" + bad + "\n]");
    Run r = run({QStringLiteral("import"), QStringLiteral("--strict"), path});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains((path + QStringLiteral(":1: resource: ")).toUtf8()), r.err.constData());
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 2, stored 1, duplicates 0, rejected 1"));
    r = run({QStringLiteral("import"), write(QStringLiteral("empty.json"), "[]")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 0, stored 0, duplicates 0, rejected 0"));
}

void TestCli::importSavedPagesAndStdin()
{
    const QByteArray page1 = "{\"events\":[" + makeEvent(uuid(1), QStringLiteral("2026-03-31T18:00:00Z"), QStringLiteral("r")) + ","
                             + makeEvent(uuid(2), QStringLiteral("2026-03-31T18:00:01Z"), QStringLiteral("r")) + "],\"total\":3,\"next_page\":\"http://127.0.0.1:4200/api/events/filter/next?page-token=x\"}";
    const QByteArray page2 = "{\"events\":[" + makeEvent(uuid(3), QStringLiteral("2026-03-31T18:00:02Z"), QStringLiteral("r")) + "],\"total\":3,\"next_page\":null}";
    Run r = run({QStringLiteral("import"), write(QStringLiteral("pages.json"), page1 + "\n" + page2 + "\n")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 3, stored 3, duplicates 0, rejected 0"));
    r = run({QStringLiteral("import"), QStringLiteral("-")}, makeEvent(uuid(4), QStringLiteral("2026-03-31T18:00:03Z"), QStringLiteral("r")));
    QCOMPARE(r.code, 0);
    QCOMPARE(r.lastErrLine(), QStringLiteral("read 1, stored 1, duplicates 0, rejected 0"));
    QCOMPARE(exportIds({}).size(), 4);
}

void TestCli::importUnreadable_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addRow("missing") << QStringLiteral("missing.json") << QByteArray();
    QTest::addRow("not json") << QStringLiteral("text.txt") << QByteArray("hello, world\n");
}

void TestCli::importUnreadable()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    const QString path = content.isEmpty() ? m_dir->filePath(name) : write(name, content);
    const Run r = run({QStringLiteral("import"), path});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.startsWith(QByteArray(path.toUtf8() + ": ")), r.err.constData());
}

void TestCli::defaultCacheLocation()
{
    const Run r = run({QStringLiteral("import"), kFixture}, {}, false);
    QCOMPARE(r.code, 0);
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral("xdg/eventdeck/cache.sqlite"))));
    // EVENTDECK_CACHE overrides the default location.
    const QString other = m_dir->filePath(QStringLiteral("other/cache.sqlite"));
    qputenv("EVENTDECK_CACHE", other.toUtf8());
    m_keepCacheEnv = true;
    const Run again = run({QStringLiteral("import"), kFixture}, {}, false);
    qunsetenv("EVENTDECK_CACHE");
    m_keepCacheEnv = false;
    QCOMPARE(again.code, 0);
    QCOMPARE(again.lastErrLine(), QStringLiteral("read 30, stored 27, duplicates 3, rejected 0"));
    QVERIFY(QFile::exists(other));
}

void TestCli::exportShapeAndOrder()
{
    const QByteArray payload = R"({"z":1,"big":123456789012345678901234567890,"a":[1.50,"x"]})";
    const QString same = QStringLiteral("2026-03-31T18:00:00.5Z");
    const QString path = write(QStringLiteral("s.ndjson"),
                               makeEvent(uuid(2), same, QStringLiteral("r.2"), {}, "[]", payload) + "\n"
                                   + makeEvent(uuid(1), same, QStringLiteral("r.1")) + "\n"
                                   + makeEvent(uuid(3), QStringLiteral("2026-03-31T17:00:00+02:00"), QStringLiteral("r.3")) + "\n");
    QCOMPARE(run({QStringLiteral("import"), path}).code, 0);
    // occurred DESC, id breaking ties; 17:00+02:00 is 15:00Z, the oldest.
    QCOMPARE(exportIds({}), (QStringList{uuid(2), uuid(1), uuid(3)}));
    QCOMPARE(exportIds({QStringLiteral("--order"), QStringLiteral("asc")}), (QStringList{uuid(3), uuid(1), uuid(2)}));
    const Run nd = run({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("ndjson")});
    const QList<QByteArray> lines = nd.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    const QByteArray expected = R"({"occurred":"2026-03-31T18:00:00.500000Z","event":"test.event","resource":{"prefect.resource.id":"r.2"},"related":[],"payload":{"z":1,"big":123456789012345678901234567890,"a":[1.50,"x"]},"id":")" + uuid(2).toUtf8() + R"(","follows":null,"received":null})";
    QCOMPARE(lines[0], expected);
    const Run json = run({QStringLiteral("export"), QStringLiteral("--out"), m_dir->filePath(QStringLiteral("out.json"))});
    QCOMPARE(json.code, 0);
    QFile out(m_dir->filePath(QStringLiteral("out.json")));
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), "[" + expected + "," + lines[1] + "," + lines[2] + "]\n");
}

void TestCli::exportLabelOnFixtures()
{
    QCOMPARE(run({QStringLiteral("import"), kFixture}).code, 0);
    // The expectation, computed independently from the fixture file.
    QFile f(kFixture);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QSet<QString> expected;
    for (const QJsonValue &v : QJsonDocument::fromJson(f.readAll()).array()) {
        const QString rid = v[QStringLiteral("resource")][QStringLiteral("prefect.resource.id")].toString();
        if (rid.startsWith(QStringLiteral("prefect.flow-run.")))
            expected.insert(v[QStringLiteral("id")].toString());
    }
    QVERIFY(expected.size() >= 5);
    const QStringList got = exportIds({QStringLiteral("--label"), QStringLiteral("prefect.resource.id=prefect.flow-run.*")});
    QCOMPARE(QSet<QString>(got.begin(), got.end()), expected);
    QCOMPARE(got.size(), expected.size());
}

void TestCli::filterFlags_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QStringList>("expected");
    const QString a = uuid(1), b = uuid(2), c = uuid(3), d = uuid(4);
    QTest::addRow("label") << QStringList{QStringLiteral("--label"), QStringLiteral("env=prod")} << QStringList{a};
    QTest::addRow("label OR") << QStringList{QStringLiteral("--label"), QStringLiteral("env=prod"), QStringLiteral("--label"), QStringLiteral("env=dev*")} << QStringList{b, a};
    QTest::addRow("negated, missing never matches") << QStringList{QStringLiteral("--label"), QStringLiteral("env=!prod")} << QStringList{b};
    QTest::addRow("case-sensitive") << QStringList{QStringLiteral("--label"), QStringLiteral("env=Prod")} << QStringList{};
    QTest::addRow("odd characters literal") << QStringList{QStringLiteral("--label"), QStringLiteral("odd=it's \"100%\" a_b \\ [*]")} << QStringList{c};
    QTest::addRow("percent is not a wildcard") << QStringList{QStringLiteral("--label"), QStringLiteral("odd=it's%")} << QStringList{};
    QTest::addRow("resource") << QStringList{QStringLiteral("--resource"), QStringLiteral("prefect.flow-run.*")} << QStringList{b, a};
    QTest::addRow("event prefix") << QStringList{QStringLiteral("--event"), QStringLiteral("prefect.flow-run.*")} << QStringList{b, a};
    QTest::addRow("exclude event") << QStringList{QStringLiteral("--exclude-event"), QStringLiteral("prefect.flow-run.Failed")} << QStringList{d, c, a};
    QTest::addRow("since/until") << QStringList{QStringLiteral("--since"), QStringLiteral("2026-03-31T18:00:01"), QStringLiteral("--until"), QStringLiteral("2026-03-31T18:00:02Z")} << QStringList{c, b};
    QTest::addRow("relative since") << QStringList{QStringLiteral("--since"), QStringLiteral("-7d")} << QStringList{};
    QTest::addRow("limit") << QStringList{QStringLiteral("--limit"), QStringLiteral("2")} << QStringList{d, c};
    QTest::addRow("related same resource") << QStringList{QStringLiteral("--related-role"), QStringLiteral("deployment"), QStringLiteral("--related-label"), QStringLiteral("prefect.resource.name=etl/*")} << QStringList{a};
    QTest::addRow("any-label") << QStringList{QStringLiteral("--any-label"), QStringLiteral("prefect.resource.name=etl/prod")} << QStringList{b, a};
    QTest::addRow("text") << QStringList{QStringLiteral("--text"), QStringLiteral("BOOM -nothing")} << QStringList{b};
}

void TestCli::filterFlags()
{
    QFETCH(QStringList, flags);
    QFETCH(QStringList, expected);
    const QByteArray etl = R"([{"prefect.resource.id":"prefect.deployment.1","prefect.resource.role":"deployment","prefect.resource.name":"etl/prod"}])";
    // b has the role and the name on different related resources: not one resource.
    const QByteArray split = R"([{"prefect.resource.id":"prefect.deployment.2","prefect.resource.role":"deployment"},{"prefect.resource.id":"prefect.flow.2","prefect.resource.role":"flow","prefect.resource.name":"etl/prod"}])";
    const QString path = write(QStringLiteral("f.ndjson"),
                               makeEvent(uuid(1), QStringLiteral("2026-03-31T18:00:00Z"), QStringLiteral("prefect.flow-run.1"), R"(,"env":"prod")", etl, "{}", QStringLiteral("prefect.flow-run.Completed")) + "\n"
                                   + makeEvent(uuid(2), QStringLiteral("2026-03-31T18:00:01Z"), QStringLiteral("prefect.flow-run.2"), R"(,"env":"dev-1")", split, R"({"error":"Boom"})", QStringLiteral("prefect.flow-run.Failed")) + "\n"
                                   + makeEvent(uuid(3), QStringLiteral("2026-03-31T18:00:02Z"), QStringLiteral("other.3"), R"(,"odd":"it's \"100%\" a_b \\ *")") + "\n"
                                   + makeEvent(uuid(4), QStringLiteral("2026-03-31T18:00:03Z"), QStringLiteral("other.4")) + "\n");
    QCOMPARE(run({QStringLiteral("import"), path}).code, 0);
    QCOMPARE(exportIds(flags), expected);
}

void TestCli::printFilter()
{
    Run r = run({QStringLiteral("export"), QStringLiteral("--since"), QStringLiteral("2026-03-31T18:00:00"),
                 QStringLiteral("--event"), QStringLiteral("prefect.flow-run.*"), QStringLiteral("--event"), QStringLiteral("x.y"),
                 QStringLiteral("--label"), QStringLiteral("a=1"), QStringLiteral("--label"), QStringLiteral("a=!2"),
                 QStringLiteral("--related-role"), QStringLiteral("flow"), QStringLiteral("--order"), QStringLiteral("asc"),
                 QStringLiteral("--print-filter")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QByteArray(R"({"occurred":{"since":"2026-03-31T18:00:00Z"},"event":{"prefix":["prefect.flow-run."],"name":["x.y"]},"resource":{"labels":{"a":["1","!2"]}},"related":{"role":["flow"]},"order":"ASC"})" "\n"));
    // --filter-json as is; a --label key replaces that key only.
    const QString json = write(QStringLiteral("filter.json"), R"({"resource":{"labels":{"a":"x","b":["y"]}},"text":{"query":"hi"}})");
    r = run({QStringLiteral("export"), QStringLiteral("--filter-json"), json, QStringLiteral("--label"), QStringLiteral("b=z"), QStringLiteral("--print-filter")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QByteArray(R"({"resource":{"labels":{"a":"x","b":["z"]}},"text":{"query":"hi"},"order":"DESC"})" "\n"));
    r = run({QStringLiteral("export"), QStringLiteral("--filter-json"), write(QStringLiteral("bad.json"), R"({"bogus":1})")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("bogus"), r.err.constData());
}

void TestCli::badCacheLeavesNoFile()
{
    const QString out = m_dir->filePath(QStringLiteral("never.json"));
    const QString badCache = write(QStringLiteral("not-a-cache"), QByteArray(8192, 'x'));
    const Run r = run({QStringLiteral("export"), QStringLiteral("--out"), out, QStringLiteral("--cache"), badCache}, {}, false);
    QCOMPARE(r.code, 1);
    QVERIFY(!QFile::exists(out));
}

void TestCli::syncDemoAndNoServer()
{
    Run r = run({QStringLiteral("sync"), QStringLiteral("--demo"), QStringLiteral("--since"), QStringLiteral("-10m")});
    QCOMPARE(r.code, 0);
    const QRegularExpression summary(QStringLiteral("^fetched (\\d+), stored (\\d+), duplicates 0, pages 0$"));
    const auto m = summary.match(r.lastErrLine());
    QVERIFY2(m.hasMatch(), qPrintable(r.lastErrLine()));
    QCOMPARE(m.captured(1), QStringLiteral("3000")); // 10 minutes at 5 events/s
    QCOMPARE(exportIds({QStringLiteral("--limit"), QStringLiteral("5000")}).size(), 3000);
    // --source: one source's events, as the app's feed shows them.
    QCOMPARE(run({QStringLiteral("import"), kFixture}).code, 0);
    QCOMPARE(exportIds({QStringLiteral("--limit"), QStringLiteral("5000")}).size(), 3027);
    QCOMPARE(exportIds({QStringLiteral("--limit"), QStringLiteral("5000"), QStringLiteral("--source"), QStringLiteral("demo")}).size(), 3000);
    QCOMPARE(exportIds({QStringLiteral("--source"), QStringLiteral("nowhere")}).size(), 0);
    // No server anywhere: a clear error, not a hang.
    r = run({QStringLiteral("sync")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("PREFECT_API_URL"), r.err.constData());
}

namespace {

ed::Event serverEvent(int i, qint64 occurred)
{
    ed::Event e;
    e.occurred = occurred;
    e.event = i % 2 ? QStringLiteral("prefect.flow-run.Completed") : QStringLiteral("prefect.flow-run.Running");
    e.resource.set(QStringLiteral("prefect.resource.id"), QStringLiteral("prefect.flow-run.%1").arg(uuid(i)));
    e.resource.set(QStringLiteral("prefect.resource.name"), QStringLiteral("run-%1").arg(i));
    e.payload = QByteArrayLiteral("{\"n\":") + QByteArray::number(i) + '}';
    e.id = uuid(i);
    return e;
}

QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> out = text.split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

} // namespace

void TestCli::syncAgainstServer()
{
    ed::testing::PrefectTestServer server;
    server.authString = QStringLiteral("admin:secret");
    QVERIFY(server.listen());
    const qint64 now = ed::timeutil::nowMicros();
    for (int i = 0; i < 120; ++i)
        server.publish(serverEvent(i, now - (7200 - i * 10) * qint64(1000000)));
    server.faults.serverErrors = 1; // retried, with a note on stderr
    // The server from the environment, as Prefect's CLI takes it.
    m_env.insert(QStringLiteral("PREFECT_API_URL"), server.apiUrl());
    m_env.insert(QStringLiteral("PREFECT_API_AUTH_STRING"), QStringLiteral("admin:secret"));
    Run r = run({QStringLiteral("sync"), QStringLiteral("--since"), QStringLiteral("-3h")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(r.lastErrLine(), QStringLiteral("fetched 120, stored 120, duplicates 0, pages 3"));
    QVERIFY(r.err.contains("retrying"));
    QVERIFY(!r.err.contains("admin:secret"));
    // Again: from the watermark minus 60 s, so only the overlap comes back.
    server.publish(serverEvent(500, now - 5 * qint64(1000000)));
    r = run({QStringLiteral("sync")});
    QCOMPARE(r.code, 0);
    // The new event, and the 6 old ones within 60 s of the newest (10 s apart) once more.
    QCOMPARE(r.lastErrLine(), QStringLiteral("fetched 8, stored 1, duplicates 7, pages 1"));
    QCOMPARE(exportIds({QStringLiteral("--limit"), QStringLiteral("1000")}).size(), 121);
    // A filter: only matching events are stored, whatever the server sends.
    const QString other = m_dir->filePath(QStringLiteral("other.sqlite"));
    r = run({QStringLiteral("sync"), QStringLiteral("--since"), QStringLiteral("-3h"), QStringLiteral("--event"),
             QStringLiteral("prefect.flow-run.Completed"), QStringLiteral("--label"), QStringLiteral("prefect.resource.name=run-1[0-9]"),
             QStringLiteral("--cache"), other}, {}, false);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.lastErrLine().contains(QStringLiteral("stored 5,")), qPrintable(r.lastErrLine()));
    // --all-history: everything the server keeps, here an event 100 days old.
    server.publish(serverEvent(900, now - qint64(100) * 86400 * 1000000));
    const QString full = m_dir->filePath(QStringLiteral("full.sqlite"));
    r = run({QStringLiteral("sync"), QStringLiteral("--all-history"), QStringLiteral("--cache"), full}, {}, false);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.lastErrLine(), QStringLiteral("fetched 122, stored 122, duplicates 0, pages 3"));
    // Wrong credentials: exit 1, the server's answer, never the secret.
    m_env.insert(QStringLiteral("PREFECT_API_AUTH_STRING"), QStringLiteral("admin:hunter2"));
    r = run({QStringLiteral("sync")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("401"));
    QVERIFY(!r.err.contains("hunter2"));
}

void TestCli::tailAgainstServer()
{
    ed::testing::PrefectTestServer server;
    QVERIFY(server.listen());
    const qint64 now = ed::timeutil::nowMicros();
    for (int i = 0; i < 30; ++i) // the last hour: beyond the websocket's 15-minute backfill
        server.publish(serverEvent(i, now - (3600 - i * 100) * qint64(1000000)));
    QProcess p;
    startProcess(p, {QStringLiteral("tail"), QStringLiteral("--api-url"), server.apiUrl(), QStringLiteral("--since"), QStringLiteral("-2h")});
    QByteArray out;
    auto readLines = [&](int n) {
        return QTest::qWaitFor([&] {
            out += p.readAllStandardOutput();
            return out.count('\n') >= n;
        }, 15000);
    };
    QVERIFY2(readLines(30), p.readAllStandardError().constData());
    QVERIFY(QTest::qWaitFor([&] { return server.liveSubscribers() == 1; }, 10000));
    for (int i = 100; i < 110; ++i)
        server.publish(serverEvent(i, ed::timeutil::nowMicros()));
    QVERIFY(readLines(40));
    p.terminate(); // SIGTERM: a clean end
    QVERIFY(QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    out += p.readAllStandardOutput();
    const QList<QByteArray> printed = lines(out);
    QCOMPARE(printed.size(), 40);
    QCOMPARE(QSet<QByteArray>(printed.cbegin(), printed.cend()).size(), 40);
    // Each line is exactly export's NDJSON line for that event, and --cache stored them all.
    const Run exported = run({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("ndjson")});
    QCOMPARE(exported.code, 0);
    const QList<QByteArray> fromCache = lines(exported.out);
    QCOMPARE(QSet<QByteArray>(fromCache.cbegin(), fromCache.cend()), QSet<QByteArray>(printed.cbegin(), printed.cend()));
    QVERIFY(printed.first().startsWith("{\"occurred\":"));
}

void TestCli::tailDemoText()
{
    Run r = run({QStringLiteral("tail"), QStringLiteral("--demo"), QStringLiteral("--format"), QStringLiteral("text"),
                 QStringLiteral("--since"), QStringLiteral("-1m"), QStringLiteral("--limit"), QStringLiteral("25")});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> printed = lines(r.out);
    QCOMPARE(printed.size(), 25);
    const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z [a-z-]+(\\.[A-Za-z0-9-]+)+ [^ ]+$"));
    for (const QByteArray &line : printed)
        QVERIFY2(shape.match(QString::fromUtf8(line)).hasMatch(), line.constData());
    // With --cache it stored what it printed.
    QCOMPARE(exportIds({}).size(), 25);

    // SIGINT ends the stream with exit 0.
    QProcess p;
    startProcess(p, {QStringLiteral("tail"), QStringLiteral("--demo"), QStringLiteral("--demo-rate"), QStringLiteral("50")});
    QVERIFY(QTest::qWaitFor([&] { return p.bytesAvailable() > 0; }, 10000));
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    for (const QByteArray &line : lines(p.readAllStandardOutput()))
        QVERIFY(QJsonDocument::fromJson(line).isObject());
}

void TestCli::tailAuthFailure()
{
    ed::testing::PrefectTestServer server;
    server.authString = QStringLiteral("admin:secret");
    QVERIFY(server.listen());
    const Run r = run({QStringLiteral("tail"), QStringLiteral("--api-url"), server.apiUrl(), QStringLiteral("--auth-string"), QStringLiteral("admin:hunter2")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("1008") && r.err.contains("Invalid token"), r.err.constData());
    QVERIFY(!r.err.contains("hunter2"));
    QCOMPARE(server.wsConnections, 1);
}

void TestCli::triggerValidate()
{
    // A whole automation body, as a real Prefect server took it (transcript 30).
    QFile transcript(QStringLiteral(EVENTDECK_FIXTURES "/prefect-transcripts/30_post_automation.json"));
    QVERIFY(transcript.open(QIODevice::ReadOnly));
    const QJsonObject body = QJsonDocument::fromJson(transcript.readAll()).object().value(QStringLiteral("request")).toObject().value(QStringLiteral("json")).toObject();
    QVERIFY(body.contains(QStringLiteral("trigger")));
    const QString automation = write(QStringLiteral("automation.json"), QJsonDocument(body).toJson());
    Run r = run({QStringLiteral("trigger"), QStringLiteral("validate"), automation}, {}, false);
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.startsWith("valid: When "), r.out.constData());
    // A bare trigger, from standard input.
    r = run({QStringLiteral("trigger"), QStringLiteral("validate"), QStringLiteral("-")},
            R"({"type":"event","posture":"Reactive","expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"threshold":3,"within":600})", false);
    QCOMPARE(r.code, 0);
    QCOMPARE(QString::fromUtf8(r.out).trimmed(), QStringLiteral("valid: When 3 prefect.flow-run.Failed events happen for the same flow run within 10 minutes"));
    // The server's rule: a proactive trigger needs within >= 10 s; the error names the field.
    const QString bad = write(QStringLiteral("bad.json"), R"({"type":"compound","require":"any","within":null,"triggers":[{"type":"event","posture":"Proactive","expect":["x"],"threshold":1,"within":5}]})");
    r = run({QStringLiteral("trigger"), QStringLiteral("validate"), bad}, {}, false);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("trigger.triggers[0].within"), r.err.constData());
    r = run({QStringLiteral("trigger"), QStringLiteral("validate")}, {}, false);
    QCOMPARE(r.code, 2);
}

void TestCli::triggerTest()
{
    // Three failures of one flow run within 10 minutes, twice; another run fails once.
    QByteArray events;
    const char *times[] = {"00:00:00", "00:01:00", "00:02:00", "00:03:00", "00:20:00", "00:21:00", "00:22:00"};
    for (int i = 0; i < 7; ++i)
        events += makeEvent(uuid(i + 1), QStringLiteral("2026-11-01T%1Z").arg(QLatin1String(times[i])),
                            QStringLiteral("prefect.flow-run.a"), {}, "[]", "{}", QStringLiteral("prefect.flow-run.Failed")) + "\n";
    events += makeEvent(uuid(8), QStringLiteral("2026-11-01T00:02:30Z"), QStringLiteral("prefect.flow-run.b"), {}, "[]", "{}",
                        QStringLiteral("prefect.flow-run.Failed")) + "\n";
    events += makeEvent(uuid(9), QStringLiteral("2026-11-01T00:05:00Z"), QStringLiteral("prefect.flow-run.b"), {}, "[]", "{}",
                        QStringLiteral("prefect.flow-run.Running")) + "\n";
    QCOMPARE(run({QStringLiteral("import"), write(QStringLiteral("e.ndjson"), events)}).code, 0);

    const QString reactive = write(QStringLiteral("reactive.json"),
        R"({"name":"three failures","enabled":true,"actions":[{"type":"do-nothing"}],"trigger":{"type":"event","posture":"Reactive","match":{"prefect.resource.id":"prefect.flow-run.*"},"expect":["prefect.flow-run.Failed"],"for_each":["prefect.resource.id"],"threshold":3,"within":600}})");
    Run r = run({QStringLiteral("trigger"), QStringLiteral("test"), reactive});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0], QByteArray(R"({"occurred":"2026-11-01T00:02:00Z","bucket":{"prefect.resource.id":"prefect.flow-run.a"},"events":[")")
                           + uuid(1).toUtf8() + "\",\"" + uuid(2).toUtf8() + "\",\"" + uuid(3).toUtf8() + "\"]}");
    QVERIFY2(lines[1].startsWith(R"({"occurred":"2026-11-01T00:22:00Z")"), lines[1].constData());
    QVERIFY2(r.err.contains("2 firing(s)"), r.err.constData());
    // A filter narrows what is replayed.
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), reactive, QStringLiteral("--until"), QStringLiteral("2026-11-01T00:10:00Z")});
    QCOMPARE(r.out.trimmed().split('\n').size(), 1);

    // Proactive: Pending must be followed by Running within 60 s. The newest cached event
    // (00:22) is the horizon; --as-of moves it before the window ends.
    events = makeEvent(uuid(20), QStringLiteral("2026-11-01T00:04:30Z"), QStringLiteral("prefect.flow-run.b"), {}, "[]", "{}",
                       QStringLiteral("prefect.flow-run.Pending")) + "\n"
             + makeEvent(uuid(21), QStringLiteral("2026-11-01T00:10:00Z"), QStringLiteral("prefect.flow-run.c"), {}, "[]", "{}",
                         QStringLiteral("prefect.flow-run.Pending")) + "\n";
    QCOMPARE(run({QStringLiteral("import"), write(QStringLiteral("p.ndjson"), events)}).code, 0);
    const QString proactive = write(QStringLiteral("proactive.json"),
        R"({"type":"event","posture":"Proactive","after":["prefect.flow-run.Pending"],"expect":["prefect.flow-run.Running"],"for_each":["prefect.resource.id"],"threshold":1,"within":60})");
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), proactive});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QByteArray(R"({"occurred":"2026-11-01T00:11:00Z","bucket":{"prefect.resource.id":"prefect.flow-run.c"},"events":[")")
                        + uuid(21).toUtf8() + "\"]}\n");
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), proactive, QStringLiteral("--as-of"), QStringLiteral("2026-11-01T00:10:59Z")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QByteArray());

    // Without for_each the dry run can only approximate the server, and says so.
    const QString global = write(QStringLiteral("global.json"),
        R"({"type":"event","posture":"Proactive","expect":["prefect.flow-run.Running"],"threshold":1,"within":600})");
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), global});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("note: Approximate"), r.err.constData());

    // Errors: an invalid trigger names its field; a bad --as-of is a usage error.
    const QString bad = write(QStringLiteral("bad.json"), R"({"type":"event","expect":["x"]})");
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), bad});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("posture"), r.err.constData());
    r = run({QStringLiteral("trigger"), QStringLiteral("test"), proactive, QStringLiteral("--as-of"), QStringLiteral("yesterday-ish")});
    QCOMPARE(r.code, 2);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
