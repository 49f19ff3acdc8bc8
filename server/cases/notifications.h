// The console's bell: cards, orders and escalation documents on the cases a person can see, and the cases sent
// back to them, from the last 30 days, newest first, each kind to the roles that act on it. Reads on the caller's
// connection.
#pragma once

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "auth/roles.h"
#include "storage/db.h"

namespace qf::cases {

absl::StatusOr<boost::json::object> Notifications(Db& db, const Principal& who, absl::Time now, size_t limit);

// The two statements it runs (for the plan test): supervision items issued since ?1, newest first; the case events
// that send a case back, newest first (the partial index events_case_returns).
extern const char* const kBellCardsSql;
extern const char* const kBellReturnsSql;

}  // namespace qf::cases
