// The SQLite backend of Db: a file opened with WAL, synchronous=FULL and foreign keys, Qingfeng's text functions
// registered (storage/fts.h), and a cache of prepared statements. Readers are query_only and read through the page
// cache (no memory map: see OpenSqlite); a read's time budget is kept by SQLite's progress handler.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf {

absl::StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path, DbMode mode);

}  // namespace qf
