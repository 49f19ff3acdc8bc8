// Versioned schema migrations, applied in order at start inside one transaction each. Not thread-safe:
// run on the writing connection before the writer thread starts.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "storage/db.h"

namespace qf {

// Applies every migration newer than the database's recorded version. Returns the error of the first
// migration that fails (nothing of that migration is kept).
absl::Status Migrate(Db& db);
// The same with the given scripts as the migrations, in order (the build's own are Migrate's; tests give theirs).
absl::Status ApplyMigrations(Db& db, const std::vector<const char*>& scripts);
// The schema version the database records (it must have been migrated once: schema_migrations exists).
absl::StatusOr<int> CurrentVersion(Db& db);
// Whether the database holds Qingfeng's schema (false for a new file or an empty PostgreSQL database).
absl::StatusOr<bool> HasSchema(Db& db);
// The newest schema version this build knows (the same for both backends: each migration has both dialects).
int LatestSchemaVersion();
int LatestSchemaVersion(Backend backend);

}  // namespace qf
