#include "storage/migrations.h"

#include <vector>

#include "common/strings.h"
#include "fmt/format.h"
#include "common/status.h"

namespace qf {

// The migrations in order, one script each (server/storage/schema/*.sql, compiled in by the build). Never edit a
// released one: add the next.
const std::vector<const char*>& MigrationScripts();

namespace {
const std::vector<const char*>& Migrations() { return MigrationScripts(); }
}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::Status Migrate(Db& db) {
  QF_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
  int current = 0;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(MAX(version),0) FROM schema_migrations"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) current = static_cast<int>(st.Int(0));
  }
  if (current > LatestSchemaVersion())
    return MakeError(absl::StatusCode::kFailedPrecondition, "db.too_new",
                     fmt::format("数据库结构版本 {} 比本程序支持的 {} 新，请升级程序", current,
                                 LatestSchemaVersion()));
  const auto& list = Migrations();
  for (int v = current + 1; v <= LatestSchemaVersion(); ++v) {
    QF_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    absl::Status s = db.Exec(list[v - 1]);
    if (s.ok())
      s = db.Exec(fmt::format("INSERT INTO schema_migrations VALUES({}, strftime('%Y-%m-%dT%H:%M:%fZ','now'))", v));
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return absl::InternalError(fmt::format("迁移 {} 失败：{}", v, Str(s.message())));
    }
    QF_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return absl::OkStatus();
}

}  // namespace qf
