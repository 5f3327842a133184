#include "app/cli/filteroptions.h"

#include "app/cli/command.h"
#include "core/filterflags.h"
#include "core/timeutil.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ed::cli {

namespace {
QCommandLineOption option(const char *name, const char *help, const char *value = nullptr)
{
    return value ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                      QString::fromLatin1(value))
                 : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help));
}
QStringList values(const QCommandLineParser &p, const char *name)
{
    return p.values(QString::fromLatin1(name));
}
} // namespace

void addFilterOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        option("since", "Events that occurred at or after TIME: ISO-8601 (naive = UTC) or relative (-30s, -15m, -24h, -7d).", "TIME"),
        option("until", "Events that occurred at or before TIME.", "TIME"),
        option("event", "Event name; P* is a prefix. Repeatable (OR).", "P"),
        option("exclude-event", "Exclude an event name; P* excludes a prefix. Repeatable.", "P"),
        option("resource", "Primary resource id pattern (glob, ! negates). Repeatable (OR).", "PATTERN"),
        option("label", "Primary resource label KEY=PATTERN (glob, ! negates). Values of one key OR'ed, keys AND'ed.", "KEY=PATTERN"),
        option("related-role", "A related resource in ROLE. With --related-label: the same related resource. Repeatable (OR).", "ROLE"),
        option("related-label", "A related resource label KEY=PATTERN.", "KEY=PATTERN"),
        option("any-label", "A label KEY=PATTERN of any resource, primary or related (one resource matches all).", "KEY=PATTERN"),
        option("text", "Text search (Prefect's grammar: terms OR'ed, -term excludes, +term requires, \"phrases\").", "QUERY"),
        option("order", "asc or desc (default desc): by occurred, then id.", "ORDER"),
        option("limit", "At most N events.", "N"),
        option("filter-json", "A Prefect EventFilter JSON object; flags replace the fields they map to.", "FILE"),
        option("print-filter", "Print the resulting EventFilter JSON and exit."),
    });
}

std::optional<FilterRequest> filterFromOptions(const QCommandLineParser &p)
{
    FilterFlags flags;
    flags.filterJsonPath = p.value(QStringLiteral("filter-json"));
    flags.since = values(p, "since");
    flags.until = values(p, "until");
    flags.event = values(p, "event");
    flags.excludeEvent = values(p, "exclude-event");
    flags.resource = values(p, "resource");
    flags.label = values(p, "label");
    flags.relatedRole = values(p, "related-role");
    flags.relatedLabel = values(p, "related-label");
    flags.anyLabel = values(p, "any-label");
    flags.text = values(p, "text");
    flags.order = p.value(QStringLiteral("order"));
    QString error;
    auto filter = buildFilter(flags, timeutil::nowMicros(), &error);
    if (!filter) {
        err() << "eventdeck: " << error << "\n";
        err().flush();
        return std::nullopt;
    }
    FilterRequest request{*filter, -1};
    if (p.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        request.limit = p.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || request.limit < 0) {
            err() << "eventdeck: --limit expects a non-negative number\n";
            err().flush();
            return std::nullopt;
        }
    }
    return request;
}

bool printFilterIfAsked(const QCommandLineParser &p, const FilterRequest &request)
{
    if (!p.isSet(QStringLiteral("print-filter")))
        return false;
    out() << QString::fromUtf8(request.filter.toJson()) << "\n";
    out().flush();
    return true;
}

} // namespace ed::cli
