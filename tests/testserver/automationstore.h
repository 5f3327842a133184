#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace ed::testing {

/// The `/api/automations` routes of PrefectTestServer, in memory, answering as Prefect 3.8.3
/// does (transcripts 30–34, 50, 51; `src/prefect/server/api/automations.py`):
/// `POST /api/automations/` → 201 with the stored automation (trigger ids replaced, `within` as
/// a float, `tags`, `id`, `created`, `updated`); `GET|PATCH|DELETE /api/automations/{id}` →
/// 200/204, or 404 `{"exception_message":"Automation not found"}` (an id that is no UUID matches
/// no route: 404 `{"detail":"Not Found"}`); `POST /api/automations/filter` (`sort`, `limit` ≤ 200,
/// `offset`) and `POST /api/automations/count`; `GET /api/automations/related-to/{resource}`.
///
/// A body the server would refuse answers 422 in Prefect's shape,
/// `{"exception_message":"Invalid request received.","exception_detail":[{"type","loc","msg",
/// "input"}…],"request_body":…}` (checks::automationCreate: required and unknown members, member
/// types, the trigger, each action's type and required fields, the run-deployment loop guard;
/// `limit`, `offset` and `sort` of the filter; PATCH's `enabled`). Simplifications: a trigger error
/// has one `loc` built from our parser's path; an action of a known type reports only its own
/// model's errors (pydantic also lists a `literal_error` for every other member of the action
/// union); actions are stored as sent, without the defaults the server would add.
class AutomationStore
{
public:
    struct Response
    {
        int status = 200;
        QByteArray body;
        QByteArray extraHeaders;
    };

    /// Answers a request for a path under `/api/automations`.
    Response handle(const QByteArray &method, const QString &path, const QByteArray &body,
                    const QString &baseUrl);

    /// Stores an automation object as given (e.g. one whose trigger the client cannot read);
    /// `id`, `name` and the rest are taken from it. Returns its id.
    QString insertRaw(const QByteArray &json);
    qsizetype size() const { return m_entries.size(); }
    /// The automation as GET returns it.
    std::optional<QByteArray> find(const QString &id) const;
    void clear() { m_entries.clear(); }

private:
    struct Entry
    {
        QString id;
        QString name;
        QString description;
        bool enabled = true;
        QByteArray tags = "[]";
        QByteArray trigger;
        QByteArray actions = "[]";
        QByteArray actionsOnTrigger = "[]";
        QByteArray actionsOnResolve = "[]";
        QString owner;
        qint64 created = 0;
        qint64 updated = 0;
    };

    Response create(const QByteArray &body);
    Response list(const QByteArray &body);
    Response patch(const QString &id, const QByteArray &body);
    static QByteArray render(const Entry &entry);
    Entry *entry(const QString &id);

    QList<Entry> m_entries;
    qint64 m_lastStamp = 0;
};

} // namespace ed::testing
