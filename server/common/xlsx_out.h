// Writes a simple workbook (one or more sheets of a header row and typed cells) to bytes, for exports: text as
// text (never a formula), numbers as numbers, days and moments as Excel dates with a date format (Beijing time), so
// that staff sort and filter them in Excel or WPS. libxlsxwriter 1.1.4 writes only to files, so the workbook goes
// through a private temporary file.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/table_file.h"

namespace qf {

// A day (yyyy-mm-dd) and a moment to the minute (yyyy-mm-dd hh:mm), as the calendar shows them in Beijing.
struct XlsxDay {
  absl::CivilDay day;
};
struct XlsxMinute {
  absl::CivilMinute at;
};
using XlsxCell = std::variant<std::string, double, long long, XlsxDay, XlsxMinute>;

struct XlsxSheet {
  std::string name;                       // at most 31 characters
  std::vector<std::string> header;
  std::vector<std::vector<XlsxCell>> rows;
  std::vector<double> widths;             // column widths in characters (optional)
};

absl::StatusOr<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets);

// An import's template: the first sheet its header (each column's first name) over an example row, as the import
// reads it; the second, 填写说明, each column with whether it is required and the other headers taken for it.
absl::StatusOr<std::string> ImportTemplateXlsx(const std::string& title, const ImportColumns& columns);

}  // namespace qf
