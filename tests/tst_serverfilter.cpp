// What a source may send to a Prefect server: only parts whose server answer is a superset.

#include "core/serverfilter.h"

#include <QTest>

using namespace ed;

class TestServerFilter : public QObject
{
    Q_OBJECT

private slots:
    void keepsOnlySafeParts_data();
    void keepsOnlySafeParts();
};

void TestServerFilter::keepsOnlySafeParts_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("sent");
    QTest::addRow("time, names, ids, order kept")
        << QByteArray(R"({"occurred":{"since":"2026-03-31T00:00:00Z","until":"2027-01-01T00:00:00Z"},"event":{"prefix":["prefect.flow-run."],"name":["a.b"],"exclude_name":["prefect.log.write"]},"id":{"id":["00000000-0000-4000-8000-000000000001"]},"order":"ASC"})")
        << QByteArray(R"({"occurred":{"since":"2026-03-31T00:00:00Z","until":"2027-01-01T00:00:00Z"},"event":{"prefix":["prefect.flow-run."],"name":["a.b"],"exclude_name":["prefect.log.write"]},"id":{"id":["00000000-0000-4000-8000-000000000001"]},"order":"ASC"})");
    QTest::addRow("exclude_prefix dropped (LIKE excludes more)")
        << QByteArray(R"({"event":{"exclude_prefix":["prefect.Flow"]}})")
        << QByteArray(R"({"order":"DESC"})");
    QTest::addRow("plain labels kept, globs and negation dropped")
        << QByteArray(R"({"resource":{"labels":{"env":["prod","dev*"],"team":"!ml","zone":"eu-?","tier":"[ab]"}}})")
        << QByteArray(R"({"resource":{"labels":{"env":["prod","dev*"]}},"order":"DESC"})");
    QTest::addRow("primary role invisible to REST")
        << QByteArray(R"({"resource":{"id":["x"],"labels":{"prefect.resource.role":"flow"}}})")
        << QByteArray(R"({"resource":{"id":["x"]},"order":"DESC"})");
    QTest::addRow("related: exact role kept, role pattern dropped")
        << QByteArray(R"({"related":[{"role":["flow"],"labels":{"prefect.resource.name":"etl*"}},{"labels":{"prefect.resource.role":"dep*"}}]})")
        << QByteArray(R"({"related":{"role":["flow"],"labels":{"prefect.resource.name":"etl*"}},"order":"DESC"})");
    QTest::addRow("text and distinct dropped")
        << QByteArray(R"({"resource":{"distinct":true},"text":{"query":"error"}})")
        << QByteArray(R"({"order":"DESC"})");
    QTest::addRow("any_resource role dropped, id prefix kept")
        << QByteArray(R"({"any_resource":{"id_prefix":["prefect.flow-run."],"labels":{"prefect.resource.role":"tag"}}})")
        << QByteArray(R"({"any_resource":{"id_prefix":["prefect.flow-run."]},"order":"DESC"})");
}

void TestServerFilter::keepsOnlySafeParts()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, sent);
    QString error;
    const auto filter = EventFilter::fromJson(input, &error);
    QVERIFY2(filter, qPrintable(error));
    QCOMPARE(serverFilter(*filter).toJson(), sent);
}

QTEST_GUILESS_MAIN(TestServerFilter)
#include "tst_serverfilter.moc"
