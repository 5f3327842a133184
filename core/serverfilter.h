#pragma once

#include "core/eventfilter.h"

namespace ed {

/// The part of `filter` that is safe to send to a Prefect server: every condition kept is one
/// whose server answer is a superset of ours (spec §6.4: the REST path matches with
/// case-insensitive, partly unescaped LIKE, compares roles exactly, cannot see a primary
/// resource's role; the live stream ignores `related`). Sources send this and re-apply the
/// whole filter locally, so results never depend on the server's code path.
///
/// Kept: time bounds, order, event names and prefixes, excluded names, ids, resource ids and
/// id prefixes, and label conditions whose patterns are all literal or `text*` (no `!`, no
/// `?` or `[`), except role labels that are not literal. Dropped: excluded prefixes (LIKE
/// would exclude more), text search, `resource.distinct`, every other label condition.
EventFilter serverFilter(const EventFilter &filter);

} // namespace ed
