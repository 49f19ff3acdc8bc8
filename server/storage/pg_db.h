// The PostgreSQL backend of Db (libpq): a connection per Db, statements prepared once per connection and cached
// (rewritten by storage/pg_sql.h), parameters sent as text and typed by the server from their context, blobs as
// bytea. The writer's connection commits with synchronous_commit as the server sets it (on, by default); readers
// are read-only sessions; a read's time budget becomes statement_timeout. Errors map as SQLite's do: integrity
// violations → AlreadyExists "db.constraint", serialization failures → Unavailable "db.busy", a cancelled
// statement → Unavailable "db.timeout".
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf {

absl::StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url, DbMode mode);

}  // namespace qf
