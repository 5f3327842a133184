#include "ui/connectionprofile.h"

#include <QLocale>
#include <QSettings>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {
const auto kGroup = u"connections"_s;
const auto kArray = u"profiles"_s;
const auto kCurrent = u"current"_s;

QString trimmedBase(QString base)
{
    base = base.trimmed();
    while (base.endsWith(u'/'))
        base.chop(1);
    return base;
}
} // namespace

QString ConnectionProfile::problem() const
{
    auto isHttpUrl = [](const QString &text) {
        const QUrl url(text, QUrl::StrictMode);
        return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https")
               && !url.host().isEmpty();
    };
    switch (kind) {
    case Server:
        if (!isHttpUrl(apiUrl))
            return tr("“%1” needs the server's API URL, such as http://127.0.0.1:4200/api.")
                .arg(name);
        break;
    case Cloud:
        if (accountId.isEmpty() || workspaceId.isEmpty())
            return tr("“%1” needs the Cloud account and workspace IDs.").arg(name);
        if (!isHttpUrl(apiUrl))
            return tr("“%1” has an invalid API base URL.").arg(name);
        break;
    case Demo:
        if (!(demoRate > 0))
            return tr("“%1” needs a rate above zero.").arg(name);
        break;
    case File:
        if (file.isEmpty())
            return tr("“%1” needs a file.").arg(name);
        break;
    }
    return {};
}

QString ConnectionProfile::defaultCloudBase()
{
    return u"https://api.prefect.cloud/api"_s;
}

QString ConnectionProfile::cloudApiUrl(const QString &accountId, const QString &workspaceId,
                                       const QString &base)
{
    return trimmedBase(base) + u"/accounts/"_s + accountId.trimmed() + u"/workspaces/"_s
           + workspaceId.trimmed();
}

QString ConnectionProfile::cloudBaseOf(const ConnectionProfile &profile)
{
    const QString tail = u"/accounts/"_s + profile.accountId.trimmed() + u"/workspaces/"_s
                         + profile.workspaceId.trimmed();
    if (!profile.accountId.isEmpty() && profile.apiUrl.endsWith(tail))
        return profile.apiUrl.left(profile.apiUrl.size() - tail.size());
    return defaultCloudBase();
}

QString ConnectionProfile::kindKey(Kind kind)
{
    switch (kind) {
    case Server: return u"server"_s;
    case Cloud: return u"cloud"_s;
    case Demo: return u"demo"_s;
    case File: return u"file"_s;
    }
    return u"server"_s;
}

ConnectionProfile::Kind ConnectionProfile::kindFromKey(const QString &key, bool *ok)
{
    for (const Kind kind : {Server, Cloud, Demo, File}) {
        if (kindKey(kind) == key) {
            if (ok)
                *ok = true;
            return kind;
        }
    }
    if (ok)
        *ok = false;
    return Server;
}

QList<ConnectionProfile> ConnectionProfile::loadProfiles(QSettings &settings, QString *current)
{
    QList<ConnectionProfile> out;
    settings.beginGroup(kGroup);
    const int n = settings.beginReadArray(kArray);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        ConnectionProfile p;
        bool known = false;
        p.kind = kindFromKey(settings.value(u"kind"_s).toString(), &known);
        p.name = settings.value(u"name"_s).toString();
        if (!known || p.name.isEmpty())
            continue; // written by a newer version, or damaged
        p.apiUrl = settings.value(u"apiUrl"_s).toString();
        p.accountId = settings.value(u"accountId"_s).toString();
        p.workspaceId = settings.value(u"workspaceId"_s).toString();
        p.file = settings.value(u"file"_s).toString();
        bool ok = false;
        const double rate = settings.value(u"demoRate"_s).toString().toDouble(&ok);
        if (ok && rate > 0)
            p.demoRate = rate;
        const quint64 seed = settings.value(u"seed"_s).toString().toULongLong(&ok);
        if (ok)
            p.seed = seed;
        out.append(p);
    }
    settings.endArray();
    if (current)
        *current = settings.value(kCurrent).toString();
    settings.endGroup();
    return out;
}

void ConnectionProfile::saveProfiles(QSettings &settings, const QList<ConnectionProfile> &profiles,
                                     const QString &current)
{
    settings.beginGroup(kGroup);
    settings.remove(QString()); // the whole group: profiles removed in the dialog go too
    settings.beginWriteArray(kArray, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const ConnectionProfile &p = profiles.at(i);
        settings.setArrayIndex(i);
        settings.setValue(u"name"_s, p.name);
        settings.setValue(u"kind"_s, kindKey(p.kind));
        switch (p.kind) {
        case Cloud:
            settings.setValue(u"accountId"_s, p.accountId);
            settings.setValue(u"workspaceId"_s, p.workspaceId);
            [[fallthrough]];
        case Server: settings.setValue(u"apiUrl"_s, p.apiUrl); break;
        case Demo:
            // As text: QSettings would write a double or a quint64 as an opaque @Variant.
            settings.setValue(u"demoRate"_s, QString::number(p.demoRate, 'g', QLocale::FloatingPointShortest));
            settings.setValue(u"seed"_s, QString::number(p.seed));
            break;
        case File: settings.setValue(u"file"_s, p.file); break;
        }
    }
    settings.endArray();
    if (!current.isEmpty())
        settings.setValue(kCurrent, current);
    settings.endGroup();
}

} // namespace ed::ui
