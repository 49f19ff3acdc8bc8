#include "storage/migrations.h"

#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf {

// The migrations in order, one script each per backend (server/storage/schema/, compiled in by the build). Never
// edit a released one: add the next, in both dialects.
const std::vector<const char*>& SqliteMigrationScripts();
const std::vector<const char*>& PostgresMigrationScripts();

namespace {
const std::vector<const char*>& Migrations(Backend backend) {
  return backend == Backend::kPostgres ? PostgresMigrationScripts() : SqliteMigrationScripts();
}
}  // namespace

absl::StatusOr<int> CurrentVersion(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(MAX(version),0) FROM schema_migrations"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

absl::StatusOr<bool> HasSchema(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      db.backend() == Backend::kPostgres
          ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name = 'schema_migrations'"
          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row && st.Int(0) > 0;
}

int LatestSchemaVersion() { return static_cast<int>(SqliteMigrationScripts().size()); }

int LatestSchemaVersion(Backend backend) { return static_cast<int>(Migrations(backend).size()); }

absl::Status Migrate(Db& db) { return ApplyMigrations(db, Migrations(db.backend())); }

absl::Status ApplyMigrations(Db& db, const std::vector<const char*>& list) {
  QF_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
  QF_ASSIGN_OR_RETURN(int current, CurrentVersion(db));
  const int latest = static_cast<int>(list.size());
  if (current > latest)
    return MakeError(absl::StatusCode::kFailedPrecondition, "db.too_new",
                     fmt::format("数据库结构版本 {} 比本程序支持的 {} 新，请升级程序", current,
                                 latest));
  // Each migration is committed or rolled back whole, so its changes may go to disk before it commits: one that
  // rewrites a large table is not held in memory (docs/PERFORMANCE.md, "Migrations at scale").
  QF_RETURN_IF_ERROR(db.SpillLargeTransactions(true));
  absl::Cleanup no_spill = [&db] { (void)db.SpillLargeTransactions(false); };  // on the way out with an error
  for (int v = current + 1; v <= latest; ++v) {
    QF_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    // Another process may have migrated meanwhile (PostgreSQL: servers starting together); the lock orders them.
    absl::Status s = db.backend() == Backend::kPostgres
                         ? db.Exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                         : absl::OkStatus();
    auto now = s.ok() ? CurrentVersion(db) : absl::StatusOr<int>(s);
    if (now.ok() && *now >= v) {
      QF_RETURN_IF_ERROR(db.Exec("COMMIT"));
      continue;
    }
    if (!now.ok()) s = now.status();
    if (s.ok()) s = db.Exec(list[v - 1]);
    if (s.ok()) {
      auto st = db.Prepare("INSERT INTO schema_migrations(version, applied_at) VALUES(?1, ?2)");
      s = st.ok() ? st->Bind(1, v).Bind(2, FormatUtc(absl::Now())).Run() : st.status();
    }
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return absl::InternalError(fmt::format("迁移 {} 失败：{}", v, Str(s.message())));
    }
    QF_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  // The writer gets the connection next, and must not spill (storage/sqlite_db.cc): that failing fails the start.
  std::move(no_spill).Cancel();
  return db.SpillLargeTransactions(false);
}

}  // namespace qf
