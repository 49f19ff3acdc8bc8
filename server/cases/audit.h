// Holds the case tables to the event log: every case row has its registration event and every registration
// event its case row (no complaint buried by deleting a row), each row's content and receipt match the hashes
// its registration committed to, and its state is the state its last transition event recorded. Run at
// start (a failure stops writes, like a ledger failure) and by `qingfeng ledger verify --db`. Pure reads.
#pragma once

#include "absl/status/status.h"
#include "storage/db.h"

namespace qf::cases {

// OK, or DataLoss naming the case and what disagrees.
absl::Status AuditProjections(Db& db);

}  // namespace qf::cases
