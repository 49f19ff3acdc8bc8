// Reads tabular imports — CSV (RFC 4180, UTF-8 with or without BOM) and XLSX (first worksheet, via libzip and
// pugixml) — into rows of strings, refusing what must not be imported: text that is not UTF-8 (GBK exports
// are named as such), formula cells (in XLSX, or CSV cells that would be read as formulas), files over the
// size limit, ragged rows. Pure; thread-safe.
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
  std::vector<int> row_numbers;                // the file's row number of each row (header is row 1)
};

inline constexpr size_t kMaxImportBytes = 16 * 1024 * 1024;

// Detects the format from the content (a ZIP signature means XLSX) and parses it. InvalidArgument with
// field errors such as {"第3行 第2列", "…"} on bad content.
absl::StatusOr<Table> ReadTable(std::string_view content);
absl::StatusOr<Table> ReadCsv(std::string_view content);
absl::StatusOr<Table> ReadXlsx(std::string_view content);

// Index of a column by any of its names (English code or Chinese header), or -1.
int ColumnIndex(const Table& t, std::initializer_list<std::string_view> names);
// "第3行 第2列（电话）"
std::string CellRef(int row_number, int col, const std::string& header_name);

}  // namespace qf
