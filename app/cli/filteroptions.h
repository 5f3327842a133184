#pragma once

#include "core/eventfilter.h"

#include <optional>

class QCommandLineParser;

namespace ed::cli {

/// Adds the filter flags shared by export, sync and tail (each maps onto one EventFilter field)
/// plus --limit and --print-filter.
void addFilterOptions(QCommandLineParser &parser);

struct FilterRequest
{
    EventFilter filter;
    qint64 limit = -1;
};

/// Builds the EventFilter from the flags; prints the error and returns nullopt on bad input.
std::optional<FilterRequest> filterFromOptions(const QCommandLineParser &parser);
/// Handles --print-filter: prints the filter JSON and returns true when set.
bool printFilterIfAsked(const QCommandLineParser &parser, const FilterRequest &request);

} // namespace ed::cli
