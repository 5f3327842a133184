#include "core/prefectrequest.h"

#include <QUrl>

namespace ed {

QNetworkRequest prefectRequest(const QString &url, const QString &apiKey, const QString &authString,
                               int transferTimeoutMs)
{
    QNetworkRequest r{QUrl(url)};
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setRawHeader("Accept", "application/json");
    r.setTransferTimeout(transferTimeoutMs);
    if (!authString.isEmpty())
        r.setRawHeader("Authorization", "Basic " + authString.toUtf8().toBase64());
    else if (!apiKey.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    return r;
}

} // namespace ed
