// PollingSource against a small Prefect-shaped HTTP server on 127.0.0.1: paging through our own
// base URL, dedup, local re-filtering, retries on 500 and 429, restart on a refused token.

#include "core/event.h"
#include "core/json.h"
#include "core/pollingsource.h"
#include "core/timeutil.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

using namespace ed;

namespace {

// Answers POST /api/events/filter and GET /api/events/filter/next like Prefect: offset pages,
// `next_page` on another host name (clients must use their own base URL), 403 on a bad token.
class MiniPrefect : public QObject
{
public:
    QList<QByteArray> events; // JSON objects, in occurred order
    int failNext = 0;         // answer 500
    int rateLimitNext = 0;    // answer 429 Retry-After: 0
    int refuseNextToken = 0;  // answer 403 to page-token requests
    QString authString;
    QStringList paths;
    QList<QByteArray> bodies;

    MiniPrefect()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { serve(s); });
        });
    }
    QString apiUrl() const { return QStringLiteral("http://127.0.0.1:%1/api").arg(m_server.serverPort()); }

private:
    void serve(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype headEnd = buf.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buf.left(headEnd);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buf.size() < headEnd + 4 + length)
            return;
        const QByteArray body = buf.mid(headEnd + 4, length);
        buf.remove(0, headEnd + 4 + length);
        const QList<QByteArray> requestLine = head.split('\r').first().split(' ');
        const QUrl url(QString::fromLatin1(requestLine.value(1)));
        paths.append(url.path());
        bodies.append(body);
        if (!authString.isEmpty() && !head.contains(QByteArray("Authorization: Basic " + authString.toUtf8().toBase64())))
            return reply(s, 401, R"({"exception_message":"Unauthorized"})");
        if (failNext > 0 && failNext--)
            return reply(s, 500, "Internal Server Error");
        if (rateLimitNext > 0 && rateLimitNext--)
            return reply(s, 429, R"({"detail":"slow down"})", "Retry-After: 0\r\n");
        int offset = 0;
        if (url.path() == u"/api/events/filter/next") {
            if (refuseNextToken > 0 && refuseNextToken--)
                return reply(s, 403, R"({"detail":"Forbidden"})");
            offset = QByteArray::fromBase64(QUrlQuery(url).queryItemValue(QStringLiteral("page-token")).toLatin1()).toInt();
        } else if (url.path() != u"/api/events/filter") {
            return reply(s, 404, R"({"detail":"Not Found"})");
        }
        const int limit = 50;
        QByteArray page = "{\"events\":[";
        for (int i = offset; i < std::min<int>(offset + limit, int(events.size())); ++i)
            page += (i > offset ? "," : "") + events[i];
        page += "],\"total\":" + QByteArray::number(events.size()) + ",\"next_page\":";
        if (offset + limit < events.size())
            page += "\"http://prefect.internal:4200/api/events/filter/next?page-token="
                    + QByteArray::number(offset + limit).toBase64() + '"';
        else
            page += "null";
        reply(s, 200, page + '}');
    }
    void reply(QTcpSocket *s, int status, const QByteArray &body, const QByteArray &extra = {})
    {
        s->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body);
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QByteArray makeEvent(int i, qint64 occurred, const char *env)
{
    return "{\"occurred\":\"" + timeutil::format(occurred) + "\",\"event\":\"test.e\",\"resource\":{\"prefect.resource.id\":\"r."
           + QByteArray::number(i) + "\",\"env\":\"" + env + "\"},\"id\":\"00000000-0000-4000-8000-"
           + QByteArray::number(i).rightJustified(12, '0') + "\"}";
}

} // namespace

class TestPollingSource : public QObject
{
    Q_OBJECT

private slots:
    void pagesDedupsAndFilters();
    void retriesAndRestarts();
    void authFailureIsFinal();
};

void TestPollingSource::pagesDedupsAndFilters()
{
    MiniPrefect server;
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 120; ++i)
        server.events += makeEvent(i, now - qint64(3600 - i) * 1000000, i % 3 == 0 ? "prod" : "dev");
    server.events += makeEvent(5, now - 1000000, "prod"); // the same id again: delivered once
    server.events += "{\"occurred\":\"2026-01-01T00:00:00Z\",\"event\":\"bad\"}"; // no resource, no id

    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    o.filter.resource = ResourceFilter{};
    o.filter.resource->labels = ResourceSpec{};
    o.filter.resource->labels->set(QStringLiteral("env"), {QStringLiteral("prod")});
    PollingSource source(o);
    QSet<QString> ids;
    int deliveries = 0;
    connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) {
        for (const Event &e : events) {
            ids.insert(e.id);
            ++deliveries;
            QCOMPARE(*e.resource.value(u"env"), QStringLiteral("prod"));
        }
    });
    QSignalSpy rejected(&source, &PollingSource::eventRejected);
    QSignalSpy finished(&source, &PollingSource::passFinished);
    source.runOnce();
    QVERIFY(finished.wait(10000));
    const auto stats = finished.first().first().value<PollingSource::PassStats>();
    QCOMPARE(stats.pages, 3);
    QCOMPARE(stats.fetched, 122);
    QCOMPARE(stats.rejected, 1);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(ids.size(), 40);
    QCOMPARE(deliveries, 40);
    // Pages 2 and 3 went to our own base URL, not the host in next_page.
    QCOMPARE(server.paths, (QStringList{QStringLiteral("/api/events/filter"), QStringLiteral("/api/events/filter/next"), QStringLiteral("/api/events/filter/next")}));
    // The server got an ascending, time-bounded filter; the label (safe) is sent too.
    QVERIFY2(server.bodies.first().contains("\"order\":\"ASC\""), server.bodies.first().constData());
    QVERIFY(server.bodies.first().contains("\"occurred\":{\"since\""));
    QVERIFY(server.bodies.first().contains("\"limit\":50"));
    QVERIFY(source.watermark().has_value());

    // A second pass resumes from the watermark minus the overlap and delivers nothing twice.
    finished.clear();
    deliveries = 0;
    server.paths.clear();
    source.runOnce();
    QVERIFY(finished.wait(10000));
    QCOMPARE(deliveries, 0);
}

void TestPollingSource::retriesAndRestarts()
{
    MiniPrefect server;
    const qint64 now = timeutil::nowMicros();
    for (int i = 0; i < 75; ++i)
        server.events += makeEvent(i, now - qint64(600 - i) * 1000000, "x");
    server.failNext = 1;
    server.rateLimitNext = 1;
    server.refuseNextToken = 1;
    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    PollingSource source(o);
    QSet<QString> ids;
    int deliveries = 0;
    connect(&source, &PollingSource::eventsReceived, this, [&](const QList<Event> &events) {
        for (const Event &e : events) {
            ids.insert(e.id);
            ++deliveries;
        }
    });
    QSignalSpy states(&source, &PollingSource::stateChanged);
    QSignalSpy finished(&source, &PollingSource::passFinished);
    source.runOnce();
    QVERIFY(finished.wait(15000));
    QCOMPARE(ids.size(), 75);
    QCOMPARE(deliveries, 75); // the restarted window's repeats were deduplicated
    bool backedOff = false;
    for (const auto &args : states)
        backedOff = backedOff || args.first().value<PollingSource::State>() == PollingSource::State::BackingOff;
    QVERIFY(backedOff);
}

void TestPollingSource::authFailureIsFinal()
{
    MiniPrefect server;
    server.authString = QStringLiteral("admin:secret");
    PollingSource::Options o;
    o.apiUrl = server.apiUrl();
    o.authString = QStringLiteral("admin:wrong");
    PollingSource source(o);
    QSignalSpy failed(&source, &PollingSource::failed);
    source.runOnce();
    QVERIFY(failed.wait(5000));
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("401")));
    QCOMPARE(source.state(), PollingSource::State::Error);
    QCOMPARE(server.paths.size(), 1); // not retried

    // With the right string, Basic auth passes.
    PollingSource::Options good = o;
    good.authString = QStringLiteral("admin:secret");
    PollingSource ok(good);
    QSignalSpy finished(&ok, &PollingSource::passFinished);
    ok.runOnce();
    QVERIFY(finished.wait(5000));
}

QTEST_GUILESS_MAIN(TestPollingSource)
#include "tst_pollingsource.moc"
