// Applies an import table row by row inside the current writer command, each row in its own savepoint, so
// that every bad row is found in one pass. Unless accept_valid, any bad row fails the whole command (and
// the command's savepoint rollback leaves the database unchanged). Writer thread only.
#pragma once

#include <functional>

#include "common/status.h"
#include "common/strings.h"
#include "common/table_file.h"
#include "fmt/format.h"
#include "storage/writer.h"

namespace qf {

struct RowReport {
  int applied = 0;
  std::vector<FieldError> rejected;  // by row and column (AtRow)
};

inline absl::StatusOr<RowReport> ImportRows(Tx& tx, const Table& t, bool accept_valid,
                                            const std::function<absl::Status(size_t)>& fn) {
  RowReport report;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    QF_RETURN_IF_ERROR(tx.db().Exec("SAVEPOINT import_row"));
    absl::Status s = fn(r);
    if (!s.ok()) {
      QF_RETURN_IF_ERROR(tx.db().Exec("ROLLBACK TO import_row"));
      // The row's problems by column; a check with a problem code of its own (a duplicate, a rule of the domain)
      // is passed on as the rule "code" with that code, for a UI to word.
      auto fields = FieldErrors(s);
      int row = t.row_numbers[r];
      if (fields.empty()) report.rejected.push_back(AtRow(row, "code", {StableCode(s)}, Str(s.message())));
      for (auto& f : fields) report.rejected.push_back(AtRow(row, f.rule, f.args, f.message, f.field));
    } else {
      ++report.applied;
    }
    QF_RETURN_IF_ERROR(tx.db().Exec("RELEASE import_row"));
  }
  if (!report.rejected.empty() && !accept_valid)
    return Invalid("import.rejected",
                   fmt::format("有 {} 处问题，未导入任何数据（修正后重试，或只导入正确的行）", report.rejected.size()),
                   report.rejected);
  return report;
}

// The import's required columns (ImportColumns) all present.
inline absl::Status RequireColumns(const Table& t, const ImportColumns& columns) {
  std::vector<FieldError> e;
  for (auto name : MissingColumns(t, columns)) e.push_back(ColumnMissing(t, name));
  if (!e.empty()) return Invalid("import.missing_columns", "表头缺少必需的列", e);
  return absl::OkStatus();
}

inline absl::Status RequireColumns(const Table& t, const std::vector<std::pair<int, const char*>>& cols) {
  std::vector<FieldError> e;
  for (auto& [idx, name] : cols)
    if (idx < 0) e.push_back(ColumnMissing(t, name));
  if (!e.empty()) return Invalid("import.missing_columns", "表头缺少必需的列", e);
  return absl::OkStatus();
}

}  // namespace qf
