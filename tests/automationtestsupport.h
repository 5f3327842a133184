#pragma once

// What the automation tests share: ids, a trigger, transcript reading, and waiting for a reply
// from the Prefect test server.

#include "core/automationclient.h"
#include "core/json.h"
#include "core/trigger.h"
#include "tests/testserver/prefecttestserver.h"

#include <QFile>
#include <QSignalSpy>
#include <QStringList>

namespace ed::testsupport {

inline const QString kAutomation = QStringLiteral("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d");
inline const QString kBlock = QStringLiteral("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");

inline const char *const kReactive = R"({"type":"event","match":{"prefect.resource.id":"x.*"},
    "expect":["x.happened"],"posture":"Reactive","threshold":1,"within":0})";

inline QByteArray readTranscript(const char *name)
{
    QFile f(QStringLiteral(EVENTDECK_FIXTURES "/prefect-transcripts/") + QLatin1StringView(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The value at `path` (object keys) in `doc`, minified.
inline QByteArray member(const QByteArray &doc, const QStringList &path)
{
    json::Value root;
    if (!json::parse(doc, root))
        return {};
    const json::Value *v = &root;
    for (const QString &step : path) {
        if (!v->isObject() || !(v = v->find(step)))
            return {};
    }
    return json::minify(QByteArrayView(doc).sliced(v->begin, v->end - v->begin));
}

inline Trigger trigger(const char *json)
{
    return parseTrigger(QByteArray(json)).value_or(Trigger{});
}

inline AutomationResult wait(AutomationReply *reply)
{
    QSignalSpy spy(reply, &AutomationReply::finished);
    if (!spy.wait(10000)) {
        AutomationResult timedOut;
        timedOut.error = QStringLiteral("test: no answer");
        return timedOut;
    }
    return spy.first().first().value<AutomationResult>();
}

inline AutomationClient::Options options(const testing::PrefectTestServer &server)
{
    AutomationClient::Options o;
    o.apiUrl = server.apiUrl();
    o.authString = server.authString;
    o.transferTimeoutMs = 5000;
    return o;
}

} // namespace ed::testsupport
