#include "common/table_stream.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>

#include "fmt/format.h"

namespace qf {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / fmt::format("qf_stream_{}_{}", ::getpid(), name)).string();
}

std::vector<TableRow> All(TableStream& s) {
  std::vector<TableRow> out;
  TableRow r;
  while (true) {
    auto got = s.Next(r);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !*got) break;
    out.push_back(r);
  }
  return out;
}

std::string Gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* ip = const_cast<char*>(utf8.data());
  char* op = out.data();
  size_t il = utf8.size(), ol = out.size();
  iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

// Many more rows than a 64 KiB chunk holds, with characters, quotes and doubled quotes falling on every offset of a
// chunk's end: read from a file or from memory, in UTF-8 or GBK, every row comes back as written.
TEST(TableStream, RowsCrossingChunksReadAsWritten) {
  std::string csv = "工单编号,诉求内容,备注\n";
  for (int i = 0; i < 3000; ++i)
    csv += fmt::format("ZM-{},\"反映学校收取资料费{}元，\"\"未开收据\"\"\n第二行\",{}\n", i, i, std::string(i % 7, 'x'));
  for (const std::string& bytes : {csv, "\xEF\xBB\xBF" + csv, Gbk(csv)}) {
    std::string path = TempPath("chunks.csv");
    std::ofstream(path, std::ios::binary) << bytes;
    for (int from_file = 0; from_file < 2; ++from_file) {
      SCOPED_TRACE(fmt::format("{} bytes, from {}", bytes.size(), from_file ? "a file" : "memory"));
      auto s = from_file ? TableStream::OpenFile(path) : TableStream::OpenBytes(bytes);
      ASSERT_TRUE(s.ok()) << s.status();
      EXPECT_EQ((*s)->head().header, (std::vector<std::string>{"工单编号", "诉求内容", "备注"}));
      auto rows = All(**s);
      ASSERT_EQ(rows.size(), 3000u);
      EXPECT_EQ(rows[2999].cells[0], "ZM-2999");
      EXPECT_EQ(rows[1234].cells[1], "反映学校收取资料费1234元，\"未开收据\"\n第二行");
      EXPECT_EQ(rows[1234].number, 2 + 2 * 1234);  // each row spans two lines
      EXPECT_TRUE(rows[1234].problems.empty());
      EXPECT_EQ((*s)->done(), (*s)->total());
    }
    std::filesystem::remove(path);
  }
  std::string gbk_bytes = Gbk(csv);  // the stream reads the caller's bytes: they must outlive it
  auto gbk = TableStream::OpenBytes(gbk_bytes);
  ASSERT_TRUE(gbk.ok());
  All(**gbk);
  EXPECT_EQ((*gbk)->encoding(), "GB18030");
}

// A non-ASCII byte first met deep in the file still decides the encoding; one that fits none names its line.
TEST(TableStream, TheEncodingIsDecidedWhereTheFirstCharacterIs) {
  std::string csv = "a,b,c\n";
  for (int i = 0; i < 5000; ++i) csv += fmt::format("{},x,y\n", i);
  std::string late_bytes = csv + Gbk("5000,资料费,y\n");
  auto late = TableStream::OpenBytes(late_bytes);
  ASSERT_TRUE(late.ok());
  auto rows = All(**late);
  ASSERT_EQ(rows.size(), 5001u);
  EXPECT_EQ(rows.back().cells[1], "资料费");
  EXPECT_EQ((*late)->encoding(), "GB18030");

  // Past the first chunk (the rows before it are read), and within it (the file cannot be opened).
  for (std::string bad : {csv + csv + "5000,\x80\x80,y\n", csv + "5000,\x80\x80,y\n"}) {
    auto s = TableStream::OpenBytes(bad);
    absl::StatusOr<bool> got = s.ok() ? absl::StatusOr<bool>(true) : absl::StatusOr<bool>(s.status());
    TableRow r;
    if (s.ok())
      while (got.ok() && *got) got = (*s)->Next(r);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(StableCode(got.status()), "import.encoding");
    EXPECT_EQ(FieldErrors(got.status())[0].field, fmt::format("第{}行", bad.size() > 70000 ? 10003 : 5002));
  }
}

// A row's problems travel with it (the import rejects that row), not the file; note-like rows are data until the
// file ends after them.
TEST(TableStream, ProblemsStayWithTheirRowAndNotesWaitForTheEnd) {
  auto s = TableStream::OpenBytes(
      "工单编号,诉求标题,诉求内容\n1,a,b\n备注：这一行在表格中间，是数据\n2,=HYPERLINK(\"x\"),c\n3,a,b,多余\n4,a,b\n"
      "备注：以上数据截至11月30日\n制表人：张三\n");
  ASSERT_TRUE(s.ok()) << s.status();
  auto rows = All(**s);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].cells[0], "备注：这一行在表格中间，是数据");
  ASSERT_EQ(rows[2].problems.size(), 1u);
  EXPECT_EQ(rows[2].problems[0].rule, "formula_text");
  EXPECT_EQ(rows[2].problems[0].field, "第4行 第2列（诉求标题）");
  ASSERT_EQ(rows[3].problems.size(), 1u);
  EXPECT_EQ(rows[3].problems[0].rule, "ragged");
  EXPECT_TRUE(rows[4].problems.empty());
  auto warnings = (*s)->TakeWarnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].rule, "note_row");
  EXPECT_EQ(warnings[1].field, "第8行");
}

// An XLSX of 20,000 rows read from disk as it unzips: shared and inline strings, numbers, a formula by its value.
TEST(TableStream, AnXlsxIsReadAsItUnzips) {
  std::string path = TempPath("big.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  worksheet_write_string(ws, 0, 0, "2026年 12345 工单导出", nullptr);
  worksheet_write_string(ws, 1, 0, "工单编号", nullptr);
  worksheet_write_string(ws, 1, 1, "诉求内容", nullptr);
  worksheet_write_string(ws, 1, 2, "金额", nullptr);
  for (int i = 0; i < 20000; ++i) {
    worksheet_write_string(ws, i + 2, 0, fmt::format("ZM-{}", i).c_str(), nullptr);
    worksheet_write_string(ws, i + 2, 1, fmt::format("收取资料费{}元", i).c_str(), nullptr);
    worksheet_write_number(ws, i + 2, 2, i, nullptr);
  }
  worksheet_write_formula_num(ws, 20002, 2, "=SUM(C3:C20002)", nullptr, 199990000);
  worksheet_write_string(ws, 20002, 0, "ZM-合计", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto s = TableStream::OpenFile(path);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->head().header_row, 2);
  EXPECT_EQ((*s)->encoding(), "XLSX");
  auto rows = All(**s);
  ASSERT_EQ(rows.size(), 20001u);
  EXPECT_EQ(rows[19999].cells, (std::vector<std::string>{"ZM-19999", "收取资料费19999元", "19999"}));
  EXPECT_EQ(rows[20000].cells[2], "199990000");
  auto warnings = (*s)->TakeWarnings();
  bool formula = false, title = false;
  for (const auto& w : warnings) {
    formula |= w.rule == "formula_value" && w.args.size() == 2 && w.args[0] == "SUM(C3:C20002)";
    title |= w.rule == "title_row";
  }
  EXPECT_TRUE(formula && title);
  std::filesystem::remove(path);
}

TEST(TableStream, AMissingFileOrAnEmptyOneIsAClearError) {
  EXPECT_EQ(StableCode(TableStream::OpenFile(TempPath("none.csv")).status()), "import.file");
  EXPECT_EQ(StableCode(TableStream::OpenBytes("\n\n,,\n").status()), "import.empty");
  EXPECT_EQ(StableCode(TableStream::OpenBytes("a,b\n\"" + std::string(2 << 20, 'x')).status()), "import.too_large");
}

}  // namespace
}  // namespace qf
