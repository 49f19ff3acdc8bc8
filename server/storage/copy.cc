#include "storage/copy.h"

#include <vector>

#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"
#include "storage/migrations.h"

namespace qf {
namespace {

enum class ColumnKind { kInteger, kReal, kText, kBlob };

struct Column {
  std::string name;
  ColumnKind kind;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  bool identity = false;  // an `id` key the backend numbers
};

ColumnKind KindOf(std::string type) {
  type = ToLower(type);
  if (type.find("int") != std::string::npos) return ColumnKind::kInteger;
  if (type.find("real") != std::string::npos || type.find("double") != std::string::npos) return ColumnKind::kReal;
  if (type.find("blob") != std::string::npos || type.find("bytea") != std::string::npos) return ColumnKind::kBlob;
  return ColumnKind::kText;
}

bool Skipped(const std::string& table, const std::set<std::string>& skip) {
  for (const auto& s : skip)
    if (table.starts_with(s)) return true;
  return table == "schema_migrations";
}

// The tables of a SQLite database in the order the migrations created them, with their columns.
absl::StatusOr<std::vector<Table>> SqliteTables(Db& db, const std::set<std::string>& skip) {
  std::vector<Table> out;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (!Skipped(st.Text(0), skip)) out.push_back({st.Text(0), {}});
  }
  for (Table& t : out) {
    QF_ASSIGN_OR_RETURN(auto cols, db.Prepare(fmt::format("SELECT name, type, pk FROM pragma_table_info('{}')", t.name)));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, cols.Step());
      if (!row) break;
      t.columns.push_back({cols.Text(0), KindOf(cols.Text(1))});
      if (cols.Text(0) == "id" && cols.Int(2) == 1) t.identity = true;
    }
  }
  return out;
}

absl::StatusOr<int64_t> Count(Db& db, const char* table) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT COUNT(*) FROM {}", table)));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// A row that could not be written, after `rows` rows of the table: the open batch is rolled back.
absl::Status Failed(Db& to, const Table& t, int64_t rows, const absl::Status& s) {
  (void)to.Exec("ROLLBACK");
  return absl::Status(s.code(), fmt::format("复制 {} 第 {} 行前后失败：{}", t.name, rows + 1, Str(s.message())));
}

absl::Status CopyTable(Db& from, Db& to, const Table& t, const CopyOptions& opts) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  std::string list = Join(names, ",");
  std::vector<std::string> marks(names.size(), "?");
  // Rows in key order: a table that refers to itself (units.parent_id, cases.merged_into) mostly refers back.
  QF_ASSIGN_OR_RETURN(auto read, from.Prepare(fmt::format("SELECT {} FROM {} ORDER BY 1", list, t.name)));
  QF_ASSIGN_OR_RETURN(auto write, to.Prepare(fmt::format("INSERT INTO {}({}) VALUES({})", t.name, list, Join(marks, ","))));
  int64_t rows = 0;
  bool open = false;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    if (!open) {
      QF_RETURN_IF_ERROR(to.Exec("BEGIN IMMEDIATE"));
      open = true;
    }
    write.Reset();
    for (size_t i = 0; i < t.columns.size(); ++i) {
      int col = static_cast<int>(i), param = col + 1;
      if (read.IsNull(col)) {
        write.BindNull(param);
        continue;
      }
      switch (t.columns[i].kind) {
        case ColumnKind::kInteger: write.Bind(param, read.Int(col)); break;
        case ColumnKind::kReal: write.Bind(param, read.Double(col)); break;
        case ColumnKind::kBlob: write.BindBlob(param, read.Text(col)); break;
        case ColumnKind::kText: write.Bind(param, read.Text(col)); break;
      }
    }
    // Sent without waiting where the target pipelines (PostgreSQL): a failing row is then reported by the
    // commit of its batch, with the database's message naming the row's key.
    if (auto s = write.Send(); !s.ok()) return Failed(to, t, rows, s);
    if (++rows % opts.batch == 0) {
      if (auto s = to.Exec("COMMIT"); !s.ok()) return Failed(to, t, rows, s);
      open = false;
      if (opts.progress) opts.progress(t.name, rows);
    }
  }
  if (open)
    if (auto s = to.Exec("COMMIT"); !s.ok()) return Failed(to, t, rows, s);
  if (opts.progress) opts.progress(t.name, rows);
  if (t.identity && to.backend() == Backend::kPostgres) {
    QF_RETURN_IF_ERROR(to.Exec(fmt::format(
        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
        t.name)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CopyDatabase(Db& from, Db& to, const CopyOptions& opts) {
  QF_RETURN_IF_ERROR(Migrate(to));
  QF_ASSIGN_OR_RETURN(int64_t events, Count(to, "events"));
  QF_ASSIGN_OR_RETURN(int64_t units, Count(to, "units"));
  if (events || units)
    return MakeError(absl::StatusCode::kFailedPrecondition, "copy.not_empty",
                     fmt::format("目标数据库不是空库（{} 条事件、{} 个单位）：请换一个新库", events, units));
  QF_ASSIGN_OR_RETURN(int vf, CurrentVersion(from));
  QF_ASSIGN_OR_RETURN(int vt, CurrentVersion(to));
  if (vf != vt)
    return MakeError(absl::StatusCode::kFailedPrecondition, "copy.versions",
                     fmt::format("源库结构版本 {} 与目标 {} 不同：先用本程序打开源库以完成迁移", vf, vt));
  // The table order and column kinds come from the SQLite side, whose schema the other was translated from.
  Db& lite = from.backend() == Backend::kSqlite ? from : to;
  QF_ASSIGN_OR_RETURN(auto tables, SqliteTables(lite, opts.skip));
  // References are checked when the copy is whole: every row exists then, whatever order rows of one table came in.
  if (to.backend() == Backend::kSqlite) QF_RETURN_IF_ERROR(to.Exec("PRAGMA foreign_keys=OFF"));
  else QF_RETURN_IF_ERROR(to.Exec("SET session_replication_role = replica"));
  for (const Table& t : tables) QF_RETURN_IF_ERROR(CopyTable(from, to, t, opts));
  if (to.backend() == Backend::kSqlite) {
    QF_RETURN_IF_ERROR(to.Exec("PRAGMA foreign_keys=ON"));
    QF_ASSIGN_OR_RETURN(auto fk, to.Prepare("SELECT COUNT(*) FROM pragma_foreign_key_check"));
    QF_ASSIGN_OR_RETURN(bool row, fk.Step());
    if (row && fk.Int(0) > 0) return absl::DataLossError(fmt::format("复制后有 {} 处引用找不到所指的行", fk.Int(0)));
  } else {
    QF_RETURN_IF_ERROR(to.Exec("SET session_replication_role = DEFAULT"));
  }
  return absl::OkStatus();
}

}  // namespace qf
