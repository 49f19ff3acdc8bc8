// Writes a simple workbook (one or more sheets of a header row and typed cells) to bytes, for exports.
// libxlsxwriter 1.1.4 writes only to files, so the workbook goes through a private temporary file.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace qf {

using XlsxCell = std::variant<std::string, double, long long>;

struct XlsxSheet {
  std::string name;                       // at most 31 characters
  std::vector<std::string> header;
  std::vector<std::vector<XlsxCell>> rows;
  std::vector<double> widths;             // column widths in characters (optional)
};

absl::StatusOr<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets);

}  // namespace qf
