#pragma once

#include "core/trigger.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

/// Automations on the server (spec §6.2): list, read, create, enable or disable, delete.
namespace ed {

struct ConnectionSettings;

/// One automation as the server returns it. A trigger our parser refuses (a newer server, a
/// Cloud-only type) does not lose the automation: its JSON and the reason are kept instead.
struct AutomationInfo
{
    QString id;
    QString name;
    QString description;
    bool enabled = true;
    QStringList tags;
    Trigger trigger;        ///< meaningful only when triggerError is empty
    QString triggerError;   ///< why parseTrigger refused the server's trigger
    QByteArray triggerJson; ///< the `trigger` member as received (minified)
    QByteArray actionsJson; ///< the `actions` array as received (minified)
    QByteArray json;        ///< the whole object as received (minified)
    QString created;        ///< as the server wrote it
    QString updated;

    bool triggerParsed() const { return triggerError.isEmpty(); }
    /// The `type` of each action, in order.
    QStringList actionTypes() const;
    /// summarize(trigger), or the reason the trigger could not be read.
    QString triggerSummary() const;
};

/// Reads one `Automation` object.
std::optional<AutomationInfo> parseAutomationInfo(QByteArrayView json, QString *error = nullptr);
/// Reads the array `POST /automations/filter` answers.
std::optional<QList<AutomationInfo>> parseAutomationList(QByteArrayView json,
                                                         QString *error = nullptr);

/// The server's answer for the user, verbatim: `HTTP 404: Automation not found`. Uses the body's
/// `detail` or `exception_message` text, with one `loc: msg` line per validation error
/// (`exception_detail`, or FastAPI's `detail` list); else the raw body.
QString describeHttpError(int status, const QByteArray &body);

/// What one request came to.
struct AutomationResult
{
    enum class Operation { List, Get, Create, SetEnabled, Remove, Count };

    Operation operation = Operation::List;
    QString id;     ///< the automation acted on; for Create, the new one's
    int status = 0; ///< HTTP status; 0 when no answer came
    QString error;  ///< empty on success; else for the user, never quoting a secret
    QList<AutomationInfo> automations; ///< List: the page; Get and Create: the one automation
    qint64 count = 0;                  ///< Count

    bool ok() const { return error.isEmpty(); }
};

class AutomationClient;

/// One request in flight, like a QNetworkReply: `finished` is emitted once, never from within
/// the call that made the reply, and the reply deletes itself when control returns to the event
/// loop. The client owns it; deleting it earlier drops the request without a `finished`.
class AutomationReply final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutomationReply)

public:
    ~AutomationReply() override;

    const AutomationResult &result() const { return m_result; }
    bool isFinished() const { return m_finished; }

signals:
    void finished(const ed::AutomationResult &result);

private:
    friend class AutomationClient;
    AutomationReply(AutomationResult::Operation operation, const QString &id,
                    AutomationClient *client);

    AutomationResult m_result;
    bool m_finished = false;
    QPointer<QNetworkReply> m_network;
    QPointer<AutomationClient> m_client; ///< null while the client itself is being destroyed
};

/// Talks to `{apiUrl}/automations/…` with Prefect's client auth (Basic for an auth string,
/// Bearer for an API key). Each call returns at once; any number may run together.
class AutomationClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutomationClient)

public:
    struct Options
    {
        QString apiUrl;     ///< e.g. http://127.0.0.1:4200/api
        QString apiKey;     ///< Bearer (Cloud)
        QString authString; ///< Basic (OSS); wins over apiKey, as in Prefect's client
        int transferTimeoutMs = 30000;
    };
    static Options optionsFrom(const ConnectionSettings &settings);

    /// Prefect's PREFECT_SERVER_API_DEFAULT_LIMIT, the most one filter request may ask for.
    static constexpr int kDefaultLimit = 200;

    explicit AutomationClient(Options options, QObject *parent = nullptr);
    ~AutomationClient() override;

    const Options &options() const { return m_options; }

    /// `POST /automations/filter` `{"sort":"NAME_ASC","limit":…,"offset":…}`.
    AutomationReply *list(int limit = kDefaultLimit, int offset = 0);
    /// `GET /automations/{id}`.
    AutomationReply *get(const QString &id);
    /// `POST /automations/` with `body` as given (see automationBody()); 201 → the automation.
    AutomationReply *create(const QByteArray &body);
    /// `PATCH /automations/{id}` `{"enabled":…}`; 204.
    AutomationReply *setEnabled(const QString &id, bool enabled);
    /// `DELETE /automations/{id}`; 204.
    AutomationReply *remove(const QString &id);
    /// `POST /automations/count`.
    AutomationReply *count();

    /// Requests still waiting for an answer.
    int pending() const { return m_pending; }

signals:
    /// True when the first request starts, false when the last one ends.
    void busyChanged(bool busy);

private:
    friend class AutomationReply;
    AutomationReply *start(AutomationResult::Operation operation, const QString &id,
                           const QByteArray &verb, const QString &path, const QByteArray &body);
    AutomationReply *failLater(AutomationResult::Operation operation, const QString &id,
                               const QString &error);
    QNetworkRequest request(const QString &path) const;
    void onFinished(AutomationReply *reply, QNetworkReply *network);
    void finish(AutomationReply *reply);
    QString scrub(QString text) const;

    Options m_options;
    QNetworkAccessManager *m_network;
    int m_pending = 0;
};

} // namespace ed

Q_DECLARE_METATYPE(ed::AutomationInfo)
Q_DECLARE_METATYPE(ed::AutomationResult)
