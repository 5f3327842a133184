#pragma once

#include "core/json.h"
#include "core/trigger.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

/// What Prefect's FastAPI app answers with 422 for an automation request: pydantic's errors in
/// Prefect's shape, for AutomationStore. Written from `src/prefect/server/api/server.py`
/// (`validation_exception_handler`), `src/prefect/server/events/schemas/automations.py` and
/// `src/prefect/server/events/actions.py`, independently of the client's own checks.
namespace ed::testing::checks {

/// One pydantic error; `loc` is the inside of its JSON array (`"body","name"`).
struct Problem
{
    QByteArray type;
    QByteArray loc;
    QString msg;
    QByteArray input; ///< JSON; empty for null
    QByteArray ctx;   ///< JSON; empty to leave it out
};

QByteArray quoted(QStringView s);
/// The text of `v` in `src`, minified.
QByteArray text(QByteArrayView src, const json::Value &v);

/// `{"exception_message":"Invalid request received.","exception_detail":[…],
/// "request_body":…}`, each error as `{"type","loc","msg","input"[,"ctx"]}`.
QByteArray unprocessable(const QList<Problem> &problems, const QByteArray &requestBody);

/// Parses `body` into `root`; the 422 body when it is not JSON (`json_invalid`) or not an
/// object (`model_attributes_type`), else empty.
QByteArray notAnObject(const QByteArray &body, json::Value &root);

/// `AutomationCreate` on an object body: required, typed and forbidden members, the trigger
/// (through parseTrigger, with one `loc` from its path), every action against the server's
/// action union, then the `prevent_run_deployment_loops` model validator. `trigger` is set when
/// the trigger is valid.
QList<Problem> automationCreate(const QByteArray &body, const json::Value &root,
                                std::optional<Trigger> &trigger);

} // namespace ed::testing::checks
