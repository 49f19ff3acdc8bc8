// Applies an import's rows one by one inside the current writer command, each row in its own savepoint, so that
// every bad row is found in one pass: all of them in one command (ImportRows), or a part at a time (ApplyRows).
// Unless accept_valid, any bad row fails the whole command (and the command's savepoint rollback leaves the database
// unchanged). The rows come from a table read whole (an upload) or from a stream (a file read row by row:
// table_stream.h); memory stays bounded either way (the problems listed are capped, their count is not). Writer
// thread only.
#pragma once

#include <functional>

#include "absl/time/clock.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/table_file.h"
#include "common/table_stream.h"
#include "fmt/format.h"
#include "storage/writer.h"

namespace qf {

struct RowReport {
  int applied = 0;
  std::vector<FieldError> rejected;  // by row and column (AtRow); the first kMaxListedProblems
  int problems = 0;                  // all of them
  int rows = 0;                      // read so far
};
inline constexpr size_t kMaxListedProblems = 10000;

// The next row of an import into `row`; false at the end.
using NextRow = std::function<absl::StatusOr<bool>(TableRow& row)>;
// A table's rows, in order.
inline NextRow RowsOf(const Table& t) {
  return [&t, r = size_t{0}](TableRow& row) mutable -> absl::StatusOr<bool> {
    if (r >= t.rows.size()) return false;
    row = {t.row_numbers[r], t.rows[r], {}};
    ++r;
    return true;
  };
}
// A stream's rows, in order.
inline NextRow RowsOf(TableStream& s) {
  return [&s](TableRow& row) { return s.Next(row); };
}
// Called every 100 rows with the rows done, for a progress display.
using ImportProgress = std::function<void(int rows)>;

using RowFn = std::function<absl::Status(const std::vector<std::string>&)>;

// Rows from `next` through `fn` into `report` until `next` ends (true) or, looked at after each row, `until` has
// passed (false): an import taken a part at a time, each part a writer command of its own, so that other writes go
// between the parts (a console's check of a long file). Each row is in its own savepoint.
inline absl::StatusOr<bool> ApplyRows(Tx& tx, const NextRow& next, RowReport& report, const RowFn& fn,
                                      const ImportProgress& progress = {},
                                      absl::Time until = absl::InfiniteFuture()) {
  auto reject = [&](FieldError f) {
    ++report.problems;
    if (report.rejected.size() < kMaxListedProblems) report.rejected.push_back(std::move(f));
  };
  TableRow row;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool got, next(row));
    if (!got) return true;
    if (++report.rows % 100 == 0 && progress) progress(report.rows);
    // A row the file's reader could not read (ragged, a formula) is rejected as it is.
    if (!row.problems.empty()) {
      for (auto& f : row.problems) reject(std::move(f));  // named by the reader (AtRow, AtCell) already
    } else {
      QF_RETURN_IF_ERROR(tx.db().Exec("SAVEPOINT import_row"));
      absl::Status s = fn(row.cells);
      if (!s.ok()) {
        QF_RETURN_IF_ERROR(tx.db().Exec("ROLLBACK TO import_row"));
        // The row's problems by column; a check with a problem code of its own (a duplicate, a rule of the domain)
        // is passed on as the rule "code" with that code, for a UI to word.
        auto fields = FieldErrors(s);
        if (fields.empty()) reject(AtRow(row.number, "code", {StableCode(s)}, Str(s.message())));
        for (auto& f : fields) reject(AtRow(row.number, f.rule, f.args, f.message, f.field));
      } else {
        ++report.applied;
      }
      QF_RETURN_IF_ERROR(tx.db().Exec("RELEASE import_row"));
    }
    if (absl::Now() >= until) return false;
  }
}

// After the last row: a bad row refuses the whole import, unless accept_valid.
inline absl::Status RefuseBadRows(const RowReport& report, bool accept_valid) {
  if (report.problems > 0 && !accept_valid)
    return Invalid("import.rejected",
                   fmt::format("有 {} 处问题，未导入任何数据（修正后重试，或只导入正确的行）", report.problems),
                   report.rejected);
  return absl::OkStatus();
}

// Every row of an import in the current command.
inline absl::StatusOr<RowReport> ImportRows(Tx& tx, const NextRow& next, bool accept_valid, const RowFn& fn,
                                            const ImportProgress& progress = {}) {
  RowReport report;
  QF_RETURN_IF_ERROR(ApplyRows(tx, next, report, fn, progress).status());
  QF_RETURN_IF_ERROR(RefuseBadRows(report, accept_valid));
  return report;
}

// The import's required columns (ImportColumns) all present.
inline absl::Status RequireColumns(const Table& t, const ImportColumns& columns) {
  std::vector<FieldError> e;
  for (auto name : MissingColumns(t, columns)) e.push_back(ColumnMissing(t, name));
  if (!e.empty()) return Invalid("import.missing_columns", "表头缺少必需的列", e);
  return absl::OkStatus();
}

}  // namespace qf
