#pragma once

#include <QNetworkRequest>
#include <QString>

namespace ed {

/// A JSON request to Prefect's REST API, authenticated as Prefect's client does it: HTTP Basic
/// with the auth string when there is one (OSS), else a Bearer API key (Cloud).
QNetworkRequest prefectRequest(const QString &url, const QString &apiKey, const QString &authString,
                               int transferTimeoutMs);

} // namespace ed
