// Reads tabular imports as the bureau's platforms and Excel write them — CSV (RFC 4180; UTF-8 with or without BOM,
// GB18030/GBK, or UTF-16 with BOM as Excel's "Unicode text", comma- or tab-separated) and XLSX (first worksheet) —
// into rows of strings, whole (an upload; table_stream.h reads a file row by row): title rows above the header and
// notes under the table are set aside (the header row taken is reported), a formula cell gives its cached value with
// a warning. Refused: a formula without a value, CSV text that would be read as a formula, files over the size limit,
// ragged rows, text in no known encoding. Also what every import shares: its columns and how its problems are named.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status.h"

namespace qf {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as header
  std::vector<int> row_numbers;                // the file's row number of each row
  int header_row = 1;                          // the file's row the header was taken from
  std::string encoding = "UTF-8";              // UTF-8, UTF-8 (BOM), GB18030, UTF-16LE, UTF-16BE; XLSX
  std::vector<FieldError> warnings;            // rows set aside, formulas read by their cached value
};

inline constexpr size_t kMaxImportBytes = 16 * 1024 * 1024;

// Detects the format from the content (a ZIP signature means XLSX) and parses it. InvalidArgument with
// field errors such as {"第3行 第2列", "…"} on bad content.
absl::StatusOr<Table> ReadTable(std::string_view content);

// Index of a column by any of its names (English code or Chinese header), or -1.
int ColumnIndex(const Table& t, std::initializer_list<std::string_view> names);

// One column of an import, in the one table per import (data/imports/columns.toml, common/import_columns.h) that both
// reading a file and its template use: the field (its English code, always taken as a header too), the headers
// people write for it (the first is the template's and the one errors name), whether a file must have it, and an
// example value for the template's row.
struct ImportColumn {
  std::string field;
  std::vector<std::string> names;
  bool required = false;
  std::string example = {};
};
using ImportColumns = std::vector<ImportColumn>;
// Index of `columns`' column `field` in `t` (by its code or any of its names), or -1; `field` must be one of them
// (ImportColumnSets::Check holds the data to the importers' fields at start).
int ColumnOf(const Table& t, const ImportColumns& columns, std::string_view field);
// The required columns `t` lacks, by the header the template gives them (their first name).
std::vector<std::string_view> MissingColumns(const Table& t, const ImportColumns& columns);
// The problem of a required column `name` missing from `t`'s header (column_missing, at the header's row).
FieldError ColumnMissing(const Table& t, std::string_view name);
// "第3行 第2列（电话）"
std::string CellRef(int row_number, int col, const std::string& header_name);

// An import problem at a file's row (and column, when there is one): `field` and `message` in Chinese as before
// ("第3行", "第3行 第2列（电话）"), the row and column apart, and the rule with its values for a UI to word in its own
// language. The rules of a file's shape: header_missing, title_row, note_row, ragged {n, header n}, formula_text,
// formula_no_value, formula_value {formula, value}, bad_bytes, quote_open, column_missing {name}; of a row's content:
// the common rules (json_input.h), unknown_value {value}, datetime {value}, unit_unknown {name, nearest units},
// code {a problem's stable code} for a check that has its own, and the domains' own (notices, rosters, the duty
// plan and question bank, pools, units: each named where it is checked). Every rule is worded in the web's English
// locale (error.rule) and listed in api/openapi.yaml's FieldProblem.
FieldError AtRow(int row, std::string rule, std::vector<std::string> args, std::string message, std::string column = {});
FieldError AtCell(int row, int col, const std::string& header, std::string rule, std::vector<std::string> args,
                  std::string message);

}  // namespace qf
