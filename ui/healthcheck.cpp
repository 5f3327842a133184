#include "ui/healthcheck.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {
constexpr int kTimeoutMs = 10000;
}

HealthCheck::HealthCheck(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{ }

HealthCheck::~HealthCheck() = default;

void HealthCheck::start(const ConnectionProfile &profile, const QString &secret)
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    QString base = profile.apiUrl.trimmed();
    while (base.endsWith(u'/'))
        base.chop(1);
    const QUrl url(base + u"/health"_s, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        QMetaObject::invokeMethod(this, [this] {
            emit finished(false, tr("Enter an http:// or https:// API URL first."));
        }, Qt::QueuedConnection);
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    if (!secret.isEmpty()) {
        const QByteArray credentials = profile.kind == ConnectionProfile::Cloud
                                           ? QByteArray("Bearer " + secret.toUtf8())
                                           : QByteArray("Basic " + secret.toUtf8().toBase64());
        request.setRawHeader("Authorization", credentials);
    }
    m_elapsed.start();
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
}

void HealthCheck::onReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply)
        return;
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll().trimmed();
    bool ok = false;
    QString message;
    if (reply->error() == QNetworkReply::NoError && status == 200 && body == "true") {
        ok = true;
        message = tr("Connected: the server is healthy (%1 ms).").arg(m_elapsed.elapsed());
    } else if (status == 401 || status == 403) {
        message = tr("The server refused the credentials (HTTP %1).").arg(status);
    } else if (status == 200) {
        message = tr("The server answered, but not as Prefect's health check does.");
    } else if (status != 0) {
        message = tr("The server answered HTTP %1 %2.")
                      .arg(status)
                      .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
    } else {
        // Qt's text may quote the URL; never with the user info a URL might carry.
        const QUrl url = reply->url();
        message = tr("Failed: %1").arg(reply->errorString().replace(
            url.toString(), url.toDisplayString(QUrl::RemoveUserInfo)));
    }
    emit finished(ok, message);
}

} // namespace ed::ui
