#include "common/table_file.h"

#include "common/status.h"
#include "common/table_stream.h"
#include "fmt/format.h"

namespace qf {

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

namespace {

// A stream read to its end as one table: every row's problems gathered, the file refused with all of them (formulas
// without a value first, then ragged rows, then text read as formulas).
absl::StatusOr<Table> Collect(absl::StatusOr<std::unique_ptr<TableStream>> opened) {
  if (!opened.ok()) return opened.status();
  TableStream& s = **opened;
  Table t = s.head();
  std::vector<FieldError> no_value, ragged, formula_text;
  TableRow row;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool got, s.Next(row));
    if (!got) break;
    for (auto& p : row.problems)
      (p.rule == "formula_no_value" ? no_value : p.rule == "ragged" ? ragged : formula_text).push_back(std::move(p));
    t.rows.push_back(std::move(row.cells));
    t.row_numbers.push_back(row.number);
  }
  t.encoding = s.encoding();
  t.warnings = s.TakeWarnings();
  if (!no_value.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个没有计算结果的公式单元格", no_value.size()), no_value);
  if (!ragged.empty()) return Invalid("import.ragged", "有的行列数与表头不符", ragged);
  if (!formula_text.empty())
    return Invalid("import.formula", fmt::format("文件中有 {} 个疑似公式的单元格", formula_text.size()), formula_text);
  return t;
}

}  // namespace

absl::StatusOr<Table> ReadTable(std::string_view content) {
  if (content.size() > kMaxImportBytes)
    return MakeError(absl::StatusCode::kResourceExhausted, "import.too_large",
                     fmt::format("文件过大（{} 字节），上限为 {} MiB", content.size(), kMaxImportBytes >> 20),
                     {{"file", "超过大小上限"}});
  return Collect(TableStream::OpenBytes(content));
}

}  // namespace qf
