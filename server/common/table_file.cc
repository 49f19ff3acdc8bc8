#include "common/table_file.h"

#include <iconv.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>

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
        errors.push_back(AtCell(t.row_numbers[r], static_cast<int>(c), t.header[c], "formula_text", {},
                                "单元格以 = + - @ 开头，可能是公式，已拒绝（请去掉开头的符号或加上文字说明）"));
  if (!errors.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个疑似公式的单元格", errors.size()), errors);
  return absl::OkStatus();
}

// A row as read, before the header is known: the file's row number and its cells.
struct RawRow {
  int number = 0;
  std::vector<std::string> cells;
};

int Filled(const std::vector<std::string>& cells) {
  return static_cast<int>(std::count_if(cells.begin(), cells.end(), [](const std::string& c) { return !Trim(c).empty(); }));
}

// A row under the table that is a note, not data: one cell, saying what notes say (备注, 制表人, 合计 …) or long
// enough to be a sentence.
bool IsNote(const std::vector<std::string>& cells) {
  if (Filled(cells) != 1) return false;
  std::string_view text;
  for (const auto& c : cells)
    if (!Trim(c).empty()) text = Trim(c);
  static constexpr std::string_view kOpeners[] = {"备注", "注：", "注:", "说明", "制表", "填表", "审核", "负责人",
                                                  "合计", "总计", "数据来源", "导出", "打印", "联系人", "单位（盖章）"};
  for (auto o : kOpeners)
    if (text.starts_with(o)) return true;
  return Utf8Length(text) >= 20;
}

// The header is the first row (of the first 20) filled at least three fifths as wide as the widest: a title row
// above it (one merged cell, a date line) is set aside. Under the table, trailing note rows (IsNote) are set aside
// when the table has three columns or more. Every row set aside is a warning naming it.
absl::Status Shape(std::vector<RawRow> raw, Table& t) {
  if (raw.empty()) return Invalid("import.empty", "文件没有表头行", {AtRow(1, "header_missing", {}, "缺少表头")});
  size_t look = std::min<size_t>(20, raw.size());
  int widest = 0;
  for (size_t i = 0; i < look; ++i) widest = std::max(widest, Filled(raw[i].cells));
  int want = widest <= 1 ? 1 : std::max(2, (widest * 3 + 4) / 5);
  size_t h = 0;
  while (h < look && Filled(raw[h].cells) < want) ++h;
  if (h == look) h = 0;
  for (size_t i = 0; i < h; ++i)
    t.warnings.push_back(AtRow(raw[i].number, "title_row", {}, "表头上方的标题行，未导入"));
  t.header = std::move(raw[h].cells);
  t.header_row = raw[h].number;
  size_t end = raw.size();
  if (Filled(t.header) >= 3)
    while (end > h + 1 && IsNote(raw[end - 1].cells)) --end;
  for (size_t i = h + 1; i < end; ++i) {
    t.rows.push_back(std::move(raw[i].cells));
    t.row_numbers.push_back(raw[i].number);
  }
  for (size_t i = end; i < raw.size(); ++i)
    t.warnings.push_back(AtRow(raw[i].number, "note_row", {}, "表格下方的说明，未导入"));
  return absl::OkStatus();
}

absl::Status Finish(Table& t) {
  if (t.header.empty()) return Invalid("import.empty", "文件没有表头行", {AtRow(1, "header_missing", {}, "缺少表头")});
  std::vector<FieldError> errors;
  for (auto& h : t.header) h = std::string(Trim(h));
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r].size() > t.header.size()) {
      bool extra_empty = true;
      for (size_t c = t.header.size(); c < t.rows[r].size(); ++c) extra_empty &= Trim(t.rows[r][c]).empty();
      if (!extra_empty)
        errors.push_back(AtRow(t.row_numbers[r], "ragged", {std::to_string(t.rows[r].size()), std::to_string(t.header.size())},
                               fmt::format("有 {} 列，表头只有 {} 列", t.rows[r].size(), t.header.size())));
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

FieldError AtRow(int row, std::string rule, std::vector<std::string> args, std::string message, std::string column) {
  std::string field = column.empty() ? fmt::format("第{}行", row) : fmt::format("第{}行 {}", row, column);
  return {std::move(field), std::move(message), std::move(rule), std::move(args), row, std::move(column)};
}

FieldError AtCell(int row, int col, const std::string& header, std::string rule, std::vector<std::string> args,
                  std::string message) {
  return {CellRef(row, col, header), std::move(message), std::move(rule), std::move(args), row, header};
}

int ColumnIndex(const Table& t, std::initializer_list<std::string_view> names) {
  for (size_t i = 0; i < t.header.size(); ++i)
    for (auto n : names)
      if (t.header[i] == n) return static_cast<int>(i);
  return -1;
}

namespace {
const ImportColumn& Find(const ImportColumns& columns, std::string_view field) {
  for (const auto& c : columns)
    if (c.field == field) return c;
  std::abort();  // a programming error: the importer names a column its table does not have
}
}  // namespace

int ColumnOf(const Table& t, const ImportColumns& columns, std::string_view field) {
  const ImportColumn& c = Find(columns, field);
  for (size_t i = 0; i < t.header.size(); ++i) {
    if (t.header[i] == c.field) return static_cast<int>(i);
    for (auto n : c.names)
      if (t.header[i] == n) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string_view> MissingColumns(const Table& t, const ImportColumns& columns) {
  std::vector<std::string_view> out;
  for (const auto& c : columns)
    if (c.required && ColumnOf(t, columns, c.field) < 0) out.push_back(c.names.empty() ? c.field : c.names.front());
  return out;
}

FieldError ColumnMissing(const Table& t, std::string_view name) {
  return AtRow(t.header_row, "column_missing", {std::string(name)}, "缺少列：" + std::string(name));
}

absl::StatusOr<Table> ReadTable(std::string_view content) {
  if (content.size() > kMaxImportBytes)
    return MakeError(absl::StatusCode::kResourceExhausted, "import.too_large",
                     fmt::format("文件过大（{} 字节），上限为 {} MiB", content.size(), kMaxImportBytes >> 20),
                     {{"file", "超过大小上限"}});
  if (content.size() >= 4 && content.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return ReadXlsx(content);
  return ReadCsv(content);
}

namespace {

// `in` converted to UTF-8 from `from` (iconv), or nothing when it is not valid in that encoding.
std::optional<std::string> ToUtf8(std::string_view in, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(in.size() * 2 + 16, '\0');  // UTF-8 of GB18030 or UTF-16 is at most twice as long
  char* ip = const_cast<char*>(in.data());
  size_t il = in.size(), ol = out.size();
  char* op = out.data();
  size_t r = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || il != 0) return std::nullopt;
  out.resize(out.size() - ol);
  return out;
}

// Tab-separated when the first line has tabs and no more commas (Excel's "Unicode text" and many platform exports).
char Delimiter(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  auto tabs = std::count(first.begin(), first.end(), '\t'), commas = std::count(first.begin(), first.end(), ',');
  return tabs > 0 && tabs >= commas ? '\t' : ',';
}

}  // namespace

absl::StatusOr<Table> ReadCsv(std::string_view content) {
  if (content.size() > kMaxImportBytes)
    return MakeError(absl::StatusCode::kResourceExhausted, "import.too_large", "文件过大", {{"file", "超过大小上限"}});
  Table t;
  std::string decoded;
  if (content.starts_with("\xEF\xBB\xBF")) {
    content.remove_prefix(3);
    t.encoding = "UTF-8 (BOM)";
  } else if (content.starts_with("\xFF\xFE") || content.starts_with("\xFE\xFF")) {
    bool le = content[0] == '\xFF';
    auto text = ToUtf8(content.substr(2), le ? "UTF-16LE" : "UTF-16BE");
    if (!text) return Invalid("import.encoding", "文件标明为 UTF-16 编码，但内容无法按 UTF-16 读取", {{"file", "编码错误"}});
    decoded = std::move(*text);
    content = decoded;
    t.encoding = le ? "UTF-16LE" : "UTF-16BE";
  } else if (Utf8Length(content) < 0) {
    // Excel's CSV in a Chinese locale is GBK (GB18030 covers it).
    if (auto text = ToUtf8(content, "GB18030")) {
      decoded = std::move(*text);
      content = decoded;
      t.encoding = "GB18030";
    }
  }
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
                   "文件编码无法识别（不是 UTF-8、GBK/GB18030 或带标记的 UTF-16）。请在 Excel 中“另存为 CSV UTF-8”后重新导入",
                   {AtRow(line, "bad_bytes", {}, "含有无法识别的字节")});
  }
  const char delimiter = Delimiter(content);
  std::vector<RawRow> raw;
  std::vector<std::string> row;
  std::string cell;
  bool in_quotes = false;
  int line = 1, row_start_line = 1;
  auto end_row = [&] {
    row.push_back(std::move(cell));
    cell.clear();
    if (Filled(row) > 0) raw.push_back({row_start_line, std::move(row)});
    row.clear();
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
    } else if (c == delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
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
    return Invalid("import.csv_quote", "CSV 引号不配对", {AtRow(row_start_line, "quote_open", {}, "引号未闭合")});
  if (!cell.empty() || !row.empty()) end_row();
  QF_RETURN_IF_ERROR(Shape(std::move(raw), t));
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

// A formula cell's problem, named by its cell reference ("第5行 单元格C5"; the header is not known yet).
FieldError Formula(int row, const std::string& ref, std::string rule, std::vector<std::string> args, std::string message) {
  return {fmt::format("第{}行 单元格{}", row, ref), std::move(message), std::move(rule), std::move(args), row, ref};
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
  t.encoding = "XLSX";
  std::vector<FieldError> formulas;
  std::vector<RawRow> raw;
  for (auto row : doc.child("worksheet").child("sheetData").children("row")) {
    int rnum = row.attribute("r").as_int();
    std::vector<std::string> cells;
    for (auto c : row.children("c")) {
      std::string ref = c.attribute("r").value();
      int col = ref.empty() ? static_cast<int>(cells.size()) : ColumnOf(ref);
      if (col < 0 || col > 200) continue;
      if (static_cast<int>(cells.size()) <= col) cells.resize(col + 1);
      std::string type = c.attribute("t").value();
      std::string v = c.child("v").text().get();
      if (c.child("f")) {
        // A formula: its value as Excel last computed it, with a warning; without one (or an error), refused.
        std::string f = c.child("f").text().get();
        if (!c.child("v") || type == "e") {
          formulas.push_back(Formula(rnum, ref, "formula_no_value", {}, "公式没有计算结果，已拒绝（请粘贴为数值后重新导入）"));
          continue;
        }
        t.warnings.push_back(Formula(rnum, ref, "formula_value", {f, v}, fmt::format("公式 ={}，已取其计算结果 {}", f, v)));
      }
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
    if (Filled(cells) > 0) raw.push_back({rnum, std::move(cells)});
  }
  if (!formulas.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个没有计算结果的公式单元格", formulas.size()), formulas);
  QF_RETURN_IF_ERROR(Shape(std::move(raw), t));
  QF_RETURN_IF_ERROR(Finish(t));
  return t;
}

}  // namespace qf
