// The filter bar's expression language: parsing, quoting, errors, and the filters it builds
// (the same as the command line's flags).

#include "core/filterexpression.h"
#include "core/filterflags.h"
#include "core/timeutil.h"

#include <QTest>

using namespace ed;

class TestFilterExpression : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void errors_data();
    void errors();
    void roundTrips();
    void sameFilterAsFlags();
    void anyResourceAndIds();
};

void TestFilterExpression::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("terms"); // key|value|negated; joined by " ; "
    QTest::newRow("label") << "label:prefect.resource.name=etl*" << "label|prefect.resource.name=etl*|0";
    QTest::newRow("negated event") << "-event:prefect.log.write" << "event|prefect.log.write|1";
    QTest::newRow("quoted") << R"(label:prefect.resource.name="my \"big\" flow")" << R"(label|prefect.resource.name=my "big" flow|0)";
    QTest::newRow("bare words") << "  timeout  error " << "text|timeout|0 ; text|error|0";
    QTest::newRow("quoted phrase") << R"("out of memory")" << "text|out of memory|0";
    QTest::newRow("mixed") << "since:-1h event:prefect.flow-run.* related-role:deployment"
                           << "since|-1h|0 ; event|prefect.flow-run.*|0 ; related-role|deployment|0";
    QTest::newRow("colon in value") << "any-resource:prefect.flow-run.1:2" << "any-resource|prefect.flow-run.1:2|0";
    QTest::newRow("url-like word is text") << "s3://lake/raw" << "text|s3://lake/raw|0";
    QTest::newRow("case of key") << "EVENT:x" << "event|x|0";
}

void TestFilterExpression::parses()
{
    QFETCH(QString, text);
    QFETCH(QString, terms);
    ExpressionError error;
    const auto parsed = parseFilterExpression(text, &error);
    QVERIFY2(parsed, qPrintable(error.message));
    QStringList got;
    for (const FilterTerm &t : *parsed)
        got += t.key + u'|' + t.value + u'|' + (t.negated ? u'1' : u'0');
    QCOMPARE(got.join(QStringLiteral(" ; ")), terms);
}

void TestFilterExpression::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("unknown key") << "event:a lable:x=y" << 8 << "unknown filter 'lable'";
    QTest::newRow("unterminated") << R"(label:a="b)" << 8 << "unterminated quote";
    QTest::newRow("empty value") << "event: x" << 0 << "needs a value";
    QTest::newRow("negated since") << "-since:-1h" << 0 << "cannot be negated";
}

void TestFilterExpression::errors()
{
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(QString, fragment);
    ExpressionError error;
    QVERIFY(!parseFilterExpression(text, &error));
    QVERIFY2(error.message.contains(fragment), qPrintable(error.message));
    QCOMPARE(error.position, position);
}

void TestFilterExpression::roundTrips()
{
    const QString text = QStringLiteral(R"(since:-24h event:prefect.flow-run.* -event:prefect.log.write label:prefect.resource.name="a b" -label:env=prod "two words" single)");
    const auto terms = parseFilterExpression(text);
    QVERIFY(terms);
    QCOMPARE(formatFilterExpression(*terms), text);
    QCOMPARE(formatFilterTerm(QStringLiteral("label"), QStringLiteral(R"(k=a"b)")), QStringLiteral(R"(label:k="a\"b")"));
    QCOMPARE(formatFilterTerm(QStringLiteral("event"), QStringLiteral("a b")), QStringLiteral(R"(event:"a b")"));
    QCOMPARE(formatFilterTerm(QStringLiteral("label"), QStringLiteral("k=")), QStringLiteral(R"(label:k="")"));
    QCOMPARE(parseFilterExpression(formatFilterExpression(*terms)), terms);
}

void TestFilterExpression::sameFilterAsFlags()
{
    const qint64 now = timeutil::nowMicros();
    const auto terms = parseFilterExpression(QStringLiteral(
        "since:-1h event:prefect.flow-run.* -event:prefect.flow-run.Pending label:env=prod -label:team=data "
        "related-role:deployment related-label:prefect.resource.name=etl* any-label:k=v resource:prefect.flow-run.* timeout"));
    QVERIFY(terms);
    QString error;
    const auto fromBar = filterFromTerms(*terms, now, &error);
    QVERIFY2(fromBar, qPrintable(error));
    FilterFlags flags;
    flags.since = {QStringLiteral("-1h")};
    flags.event = {QStringLiteral("prefect.flow-run.*")};
    flags.excludeEvent = {QStringLiteral("prefect.flow-run.Pending")};
    flags.label = {QStringLiteral("env=prod"), QStringLiteral("team=!data")};
    flags.relatedRole = {QStringLiteral("deployment")};
    flags.relatedLabel = {QStringLiteral("prefect.resource.name=etl*")};
    flags.anyLabel = {QStringLiteral("k=v")};
    flags.resource = {QStringLiteral("prefect.flow-run.*")};
    flags.text = {QStringLiteral("timeout")};
    const auto fromFlags = buildFilter(flags, now, &error);
    QVERIFY(fromFlags);
    QCOMPARE(fromBar->toJson(), fromFlags->toJson());
    // A bad value is reported as the flags report it.
    QVERIFY(!filterFromTerms(*parseFilterExpression(QStringLiteral("since:yesterday")), now, &error));
    QVERIFY2(error.contains(QStringLiteral("since")), qPrintable(error));
}

void TestFilterExpression::anyResourceAndIds()
{
    const auto terms = parseFilterExpression(QStringLiteral(
        "any-resource:prefect.flow-run.abc any-resource:prefect.deployment.* id:{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}"));
    QVERIFY(terms);
    const auto f = filterFromTerms(*terms, 0);
    QVERIFY(f);
    QCOMPARE(f->toJson(), QByteArray(R"({"any_resource":{"id":["prefect.flow-run.abc"],"id_prefix":["prefect.deployment."]},"id":{"id":["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]},"order":"DESC"})"));
    QVERIFY(!filterFromTerms(*parseFilterExpression(QStringLiteral("id:nope")), 0));
}

QTEST_GUILESS_MAIN(TestFilterExpression)
#include "tst_filterexpression.moc"
