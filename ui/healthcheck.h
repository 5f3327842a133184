#pragma once

#include "ui/connectionprofile.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

class QNetworkAccessManager;
class QNetworkReply;

namespace ed::ui {

/// Asks a Prefect API whether it is up: `GET {apiUrl}/health`, which answers `true`. One check
/// at a time; starting another abandons the one in flight. Messages are for the user and never
/// quote the secret.
class HealthCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HealthCheck)

public:
    explicit HealthCheck(QObject *parent = nullptr);
    ~HealthCheck() override;

    /// `secret` as Prefect's client sends it: a server's auth string as Basic, a Cloud key as
    /// Bearer; none when empty. `finished` always follows, never from within this call.
    void start(const ConnectionProfile &profile, const QString &secret);
    bool isRunning() const { return !m_reply.isNull(); }

signals:
    void finished(bool ok, const QString &message);

private:
    void onReply(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_elapsed;
};

} // namespace ed::ui
