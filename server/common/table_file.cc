#include "common/table_file.h"

#include <zip.h>

#include <pugixml.hpp>

#include "common/json_input.h"
#include "common/strings.h"
#include "fmt/format.h"

namespace qf {
namespace {

bool LooksLikeFormula(std::string_view cell) {
  if (cell.empty()) return false;
  char c = cell[0];
  if (c == '=' || c == '+' || c == '@' || c == '\t' || c == '\r') return true;
  // "-3" is a number; "-cmd|..." is a formula.
  if (c == '-' && cell.size() > 1 && !(cell[1] >= '0' && cell[1] <= '9') && cell[1] != '.') return true;
  return false;
}

absl::Status CheckCells(const Table& t) {
  std::vector<FieldError> errors;
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < t.rows[r].size(); ++c)
      if (LooksLikeFormula(t.rows[r][c]))
        errors.push_back({CellRef(t.row_numbers[r], static_cast<int>(c), t.header[c]),
                          "单元格以 = + - @ 开头，可能是公式，已拒绝（请去掉开头的符号或加上文字说明）"});
  if (!errors.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个疑似公式的单元格", errors.size()), errors);
  return absl::OkStatus();
}

absl::Status Finish(Table& t) {
  if (t.header.empty()) return Invalid("import.empty", "文件没有表头行", {{"第1行", "缺少表头"}});
  std::vector<FieldError> errors;
  for (auto& h : t.header) h = std::string(Trim(h));
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r].size() > t.header.size()) {
      bool extra_empty = true;
      for (size_t c = t.header.size(); c < t.rows[r].size(); ++c) extra_empty &= Trim(t.rows[r][c]).empty();
      if (!extra_empty)
        errors.push_back({fmt::format("第{}行", t.row_numbers[r]),
                          fmt::format("有 {} 列，表头只有 {} 列", t.rows[r].size(), t.header.size())});
    }
    t.rows[r].resize(t.header.size());
    for (auto& cell : t.rows[r]) cell = std::string(Trim(cell));
  }
  if (!errors.empty()) return Invalid("import.ragged", "有的行列数与表头不符", errors);
  return CheckCells(t);
}

}  // namespace

std::string CellRef(int row_number, int col, const std::string& header_name) {
  return fmt::format("第{}行 第{}列（{}）", row_number, col + 1, header_name);
}

int ColumnIndex(const Table& t, std::initializer_list<std::string_view> names) {
  for (size_t i = 0; i < t.header.size(); ++i)
    for (auto n : names)
      if (t.header[i] == n) return static_cast<int>(i);
  return -1;
}

absl::StatusOr<Table> ReadTable(std::string_view content) {
  if (content.size() > kMaxImportBytes)
    return MakeError(absl::StatusCode::kResourceExhausted, "import.too_large",
                     fmt::format("文件过大（{} 字节），上限为 {} MiB", content.size(), kMaxImportBytes >> 20),
                     {{"file", "超过大小上限"}});
  if (content.size() >= 4 && content.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return ReadXlsx(content);
  return ReadCsv(content);
}

absl::StatusOr<Table> ReadCsv(std::string_view content) {
  if (content.size() > kMaxImportBytes)
    return MakeError(absl::StatusCode::kResourceExhausted, "import.too_large", "文件过大", {{"file", "超过大小上限"}});
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  if (Utf8Length(content) < 0) {
    // Find the first bad line to name it.
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i <= content.size(); ++i) {
      if (i == content.size() || content[i] == '\n') {
        if (Utf8Length(content.substr(start, i - start)) < 0) break;
        ++line;
        start = i + 1;
      }
    }
    return Invalid("import.encoding",
                   "文件不是 UTF-8 编码（多半是 Excel 默认的 GBK/GB18030）。请在 Excel 中“另存为 CSV UTF-8”后重新导入",
                   {{fmt::format("第{}行", line), "含有非 UTF-8 字节"}});
  }
  Table t;
  std::vector<std::string> row;
  std::string cell;
  bool in_quotes = false, row_has_content = false;
  int line = 1, row_start_line = 1;
  auto end_row = [&] {
    row.push_back(std::move(cell));
    cell.clear();
    if (row_has_content || row.size() > 1 || !row[0].empty()) {
      if (t.header.empty()) {
        t.header = std::move(row);
      } else {
        t.rows.push_back(std::move(row));
        t.row_numbers.push_back(row_start_line);
      }
    }
    row.clear();
    row_has_content = false;
  };
  for (size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < content.size() && content[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == '"' && cell.empty()) {
      in_quotes = true;
      row_has_content = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      row_has_content = true;
    } else if (c == '\n') {
      if (!cell.empty() && cell.back() == '\r') cell.pop_back();
      end_row();
      ++line;
      row_start_line = line;
    } else {
      cell.push_back(c);
    }
  }
  if (in_quotes)
    return Invalid("import.csv_quote", "CSV 引号不配对", {{fmt::format("第{}行", row_start_line), "引号未闭合"}});
  if (!cell.empty() || !row.empty()) end_row();
  QF_RETURN_IF_ERROR(Finish(t));
  return t;
}

namespace {

std::optional<std::string> ZipEntry(zip_t* z, const char* name) {
  zip_stat_t st;
  if (zip_stat(z, name, 0, &st) != 0) return std::nullopt;
  if (st.size > kMaxImportBytes * 4) return std::nullopt;  // a zip bomb is not a worksheet
  zip_file_t* f = zip_fopen(z, name, 0);
  if (!f) return std::nullopt;
  std::string out(st.size, '\0');
  zip_int64_t n = zip_fread(f, out.data(), st.size);
  zip_fclose(f);
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n));
  return out;
}

// "AB12" -> column index 27.
int ColumnOf(std::string_view ref) {
  int col = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
  }
  return col - 1;
}

}  // namespace

absl::StatusOr<Table> ReadXlsx(std::string_view content) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(content.data(), content.size(), 0, &err);
  if (!src) return Invalid("import.xlsx", "无法读取 XLSX 文件", {{"file", "不是有效的 XLSX"}});
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!z) {
    zip_source_free(src);
    return Invalid("import.xlsx", "无法读取 XLSX 文件（压缩包损坏）", {{"file", "不是有效的 XLSX"}});
  }
  auto shared = ZipEntry(z, "xl/sharedStrings.xml");
  auto sheet = ZipEntry(z, "xl/worksheets/sheet1.xml");
  zip_close(z);
  if (!sheet) return Invalid("import.xlsx", "XLSX 中找不到第一个工作表", {{"file", "缺少 sheet1"}});
  std::vector<std::string> strings;
  if (shared) {
    pugi::xml_document doc;
    if (!doc.load_buffer(shared->data(), shared->size()))
      return Invalid("import.xlsx", "XLSX 共享字符串表损坏", {{"file", "sharedStrings.xml 无法解析"}});
    for (auto si : doc.child("sst").children("si")) {
      std::string s;
      for (auto t : si.select_nodes(".//t")) s += t.node().text().get();
      strings.push_back(std::move(s));
    }
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(sheet->data(), sheet->size()))
    return Invalid("import.xlsx", "XLSX 工作表损坏", {{"file", "sheet1.xml 无法解析"}});
  Table t;
  std::vector<FieldError> formulas;
  for (auto row : doc.child("worksheet").child("sheetData").children("row")) {
    int rnum = row.attribute("r").as_int();
    std::vector<std::string> cells;
    for (auto c : row.children("c")) {
      std::string ref = c.attribute("r").value();
      int col = ref.empty() ? static_cast<int>(cells.size()) : ColumnOf(ref);
      if (col < 0 || col > 200) continue;
      if (static_cast<int>(cells.size()) <= col) cells.resize(col + 1);
      if (c.child("f")) {
        formulas.push_back({fmt::format("第{}行 单元格{}", rnum, ref), "含有公式，已拒绝（请粘贴为数值后重新导入）"});
        continue;
      }
      std::string type = c.attribute("t").value();
      std::string v = c.child("v").text().get();
      if (type == "s") {
        size_t idx = static_cast<size_t>(std::atoll(v.c_str()));
        cells[col] = idx < strings.size() ? strings[idx] : "";
      } else if (type == "inlineStr") {
        std::string s;
        for (auto tn : c.child("is").select_nodes(".//t")) s += tn.node().text().get();
        cells[col] = s;
      } else {
        cells[col] = v;
      }
    }
    bool empty = true;
    for (auto& s : cells) empty &= Trim(s).empty();
    if (empty) continue;
    if (t.header.empty()) {
      t.header = std::move(cells);
    } else {
      t.rows.push_back(std::move(cells));
      t.row_numbers.push_back(rnum);
    }
  }
  if (!formulas.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个公式单元格", formulas.size()), formulas);
  QF_RETURN_IF_ERROR(Finish(t));
  return t;
}

}  // namespace qf
