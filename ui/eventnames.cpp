#include "ui/eventnames.h"

#include <algorithm>

#include <QStringList>

namespace ed::ui {

namespace {

QStringView withoutNamespace(QStringView name)
{
    for (QStringView ns : {QStringView(u"prefect."), QStringView(u"prefect-cloud.")}) {
        if (name.startsWith(ns) && name.size() > ns.size())
            return name.sliced(ns.size());
    }
    return name;
}

QString spaced(QStringView segment)
{
    QString out = segment.toString();
    out.replace(u'-', u' ');
    out.replace(u'_', u' ');
    return out;
}

bool needsQuotes(const QString &value)
{
    if (value.isEmpty())
        return true;
    for (const QChar c : value) {
        if (c.isSpace() || c == u'"' || c == u'\'' || c == u'\\')
            return true;
    }
    return false;
}

} // namespace

QString humanizeEventName(const QString &name)
{
    QStringList words;
    for (QStringView segment : withoutNamespace(name).split(u'.', Qt::SkipEmptyParts))
        words.append(spaced(segment));
    if (words.isEmpty())
        return name;
    QString &first = words.first();
    first[0] = first.at(0).toUpper();
    return words.join(u' ');
}

QString resourceKind(const QString &resourceId)
{
    if (resourceId.contains(u"://"))
        return QStringLiteral("asset");
    const QStringView rest = withoutNamespace(resourceId);
    if (rest.size() == resourceId.size())
        return QStringLiteral("other");
    const qsizetype dot = rest.indexOf(u'.');
    if (dot <= 0 || dot == rest.size() - 1)
        return QStringLiteral("other");
    const QStringView type = rest.first(dot);
    static const QStringView same[] = {u"flow-run", u"task-run",         u"deployment",
                                       u"flow",     u"work-pool",        u"work-queue",
                                       u"worker",   u"automation",       u"artifact",
                                       u"asset",    u"concurrency-limit"};
    for (QStringView kind : same) {
        if (type == kind)
            return kind.toString();
    }
    if (type == u"block-document" || type == u"block-type" || type == u"block-schema"
        || type == u"block")
        return QStringLiteral("block");
    if (type == u"artifact-collection")
        return QStringLiteral("artifact");
    return QStringLiteral("other");
}

QString filterTerm(const QString &key, const QString &value)
{
    if (!needsQuotes(value))
        return key + value;
    QString out = key + u'"';
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return out + u'"';
}

QString globLiteral(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if (i == 0 && c == u'!')
            out += u'?';
        else if (c == u'*' || c == u'?' || c == u'[')
            out += u'[' + QString(c) + u']';
        else
            out += c;
    }
    return out;
}

QStringList withDottedPrefixes(const QStringList &names, const QString &typed)
{
    QStringList rows = names;
    for (const QString &name : names) {
        for (qsizetype dot = name.indexOf(u'.', qMax<qsizetype>(0, typed.size() - 1)); dot >= 0;
             dot = name.indexOf(u'.', dot + 1)) {
            const QString pattern = name.left(dot + 1) + u'*';
            if (pattern.startsWith(typed))
                rows.append(pattern);
        }
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

} // namespace ed::ui
