#include "common/xlsx_out.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/cleanup/cleanup.h"
#include "common/status.h"

namespace qf {

absl::StatusOr<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets) {
  std::string path = (std::filesystem::temp_directory_path() / "qf-export-XXXXXX").string();
  int fd = mkstemp(path.data());
  if (fd < 0) return absl::InternalError("export: cannot create a temporary file");
  close(fd);
  absl::Cleanup remove = [&] { std::filesystem::remove(path); };
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return absl::InternalError("export: cannot start the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_bg_color(bold, 0xE8EEF7);
  lxw_format* day_format = workbook_add_format(wb);
  format_set_num_format(day_format, "yyyy-mm-dd");
  lxw_format* minute_format = workbook_add_format(wb);
  format_set_num_format(minute_format, "yyyy-mm-dd hh:mm");
  for (const auto& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
    if (!ws) {
      workbook_close(wb);
      return absl::InternalError("export: bad sheet name");
    }
    for (size_t c = 0; c < sheet.header.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), bold);
      double w = c < sheet.widths.size() ? sheet.widths[c] : 14;
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w, nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        auto row = static_cast<lxw_row_t>(r + 1);
        auto col = static_cast<lxw_col_t>(c);
        const XlsxCell& cell = sheet.rows[r][c];
        if (auto* s = std::get_if<std::string>(&cell)) {
          // Strings are written as strings, never as formulas, whatever they start with.
          worksheet_write_string(ws, row, col, s->c_str(), nullptr);
        } else if (auto* d = std::get_if<double>(&cell)) {
          worksheet_write_number(ws, row, col, *d, nullptr);
        } else if (auto* day = std::get_if<XlsxDay>(&cell)) {
          lxw_datetime dt{static_cast<int>(day->day.year()), day->day.month(), day->day.day(), 0, 0, 0};
          worksheet_write_datetime(ws, row, col, &dt, day_format);
        } else if (auto* m = std::get_if<XlsxMinute>(&cell)) {
          lxw_datetime dt{static_cast<int>(m->at.year()), m->at.month(), m->at.day(), m->at.hour(), m->at.minute(), 0};
          worksheet_write_datetime(ws, row, col, &dt, minute_format);
        } else {
          worksheet_write_number(ws, row, col, static_cast<double>(std::get<long long>(cell)), nullptr);
        }
      }
    }
    if (!sheet.header.empty() && !sheet.rows.empty())
      worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(sheet.rows.size()),
                           static_cast<lxw_col_t>(sheet.header.size() - 1));
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return absl::InternalError("export: cannot write the workbook");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::StatusOr<std::string> ImportTemplateXlsx(const std::string& title, const ImportColumns& columns) {
  XlsxSheet table{title, {}, {{}}, {}};
  XlsxSheet notes{"填写说明", {"列名", "是否必填", "也可写作", "示例"}, {}, {18, 10, 40, 24}};
  for (const auto& c : columns) {
    std::string header(c.names.empty() ? c.field : c.names.front());
    table.header.push_back(header);
    table.rows[0].emplace_back(std::string(c.example));
    table.widths.push_back(std::max<double>(12, static_cast<double>(header.size())));
    std::string others(c.field);
    for (size_t i = 1; i < c.names.size(); ++i) others += "、" + std::string(c.names[i]);
    notes.rows.push_back({header, std::string(c.required ? "必填" : "选填"), others, std::string(c.example)});
  }
  return WriteXlsx({table, notes});
}

}  // namespace qf
