#include "common/table_file.h"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace qf {
namespace {

std::string MakeXlsx(const std::function<void(lxw_worksheet*)>& fill) {
  auto path = (std::filesystem::temp_directory_path() / ("qf_" + std::to_string(::getpid()) + ".xlsx")).string();
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  fill(ws);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  return ss.str();
}

TEST(TableFile, CsvWithBomQuotesAndCrLf) {
  auto t = ReadTable("\xEF\xBB\xBF工单编号,内容\r\nZM-1,\"含逗号, 和 \"\"引号\"\"\n第二行\"\r\nZM-2,普通\r\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header[0], "工单编号");
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "含逗号, 和 \"引号\"\n第二行");
  EXPECT_EQ(t->row_numbers[1], 4);  // the quoted newline makes row 2 span two lines
}

TEST(TableFile, GbkAsExcelSavesItIsReadAndNamed) {
  // "工单编号\n一\n" in GBK, as Excel saves CSV in a Chinese locale.
  auto t = ReadTable("\xb9\xa4\xb5\xa5\xb1\xe0\xba\xc5\n\xd2\xbb\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->encoding, "GB18030");
  EXPECT_EQ(t->header[0], "工单编号");
  EXPECT_EQ(t->rows[0][0], "一");
  // Bytes that are neither UTF-8 nor GB18030 are refused, naming the line.
  auto bad = ReadTable("a\n\x80\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StableCode(bad.status()), "import.encoding");
  EXPECT_EQ(FieldErrors(bad.status())[0].field, "第2行");
}

TEST(TableFile, Utf16UnicodeTextFromExcelIsTabSeparated) {
  // "编号\t内容\r\nA\t甲\r\n" in UTF-16LE with its BOM.
  std::u16string text = u"编号\t内容\r\nA\t甲\r\n";
  std::string bytes = "\xFF\xFE";
  for (char16_t c : text) bytes += static_cast<char>(c & 0xFF), bytes += static_cast<char>(c >> 8);
  auto t = ReadTable(bytes);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->encoding, "UTF-16LE");
  EXPECT_EQ(t->header, (std::vector<std::string>{"编号", "内容"}));
  EXPECT_EQ(t->rows[0][1], "甲");
}

TEST(TableFile, TitleRowsAboveAndNotesUnderTheTableAreSetAside) {
  auto t = ReadTable("2026年11月 12345 工单导出,,,\n,,,\n工单编号,诉求标题,诉求内容,涉及单位\n"
                   "GD-1,收费,资料费,瑶海区实验中学\nGD-2,,,\n备注：本表由平台导出,,,\n制表人：张三,,,\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header_row, 3);
  EXPECT_EQ(t->header[0], "工单编号");
  ASSERT_EQ(t->rows.size(), 2u);  // GD-2 with only its number is a row (of bad data), not a note
  EXPECT_EQ(t->row_numbers[1], 5);
  ASSERT_EQ(t->warnings.size(), 3u);
  EXPECT_EQ(t->warnings[0].field, "第1行");
  EXPECT_EQ(t->warnings[1].field, "第6行");
  EXPECT_EQ(t->warnings[2].field, "第7行");
}

TEST(TableFile, FormulaCellsAreRefusedWithTheirPlace) {
  auto t = ReadTable("a,b\n1,=SUM(A1)\n-5,@cmd\n");
  ASSERT_FALSE(t.ok());
  auto f = FieldErrors(t.status());
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].field, "第2行 第2列（b）");
  EXPECT_EQ(f[1].field, "第3行 第2列（b）");
}

TEST(TableFile, RaggedRowsAndQuotes) {
  EXPECT_EQ(StableCode(ReadTable("a,b\n1,2,3\n").status()), "import.ragged");
  EXPECT_TRUE(ReadTable("a,b\n1,2,\n").ok());  // a trailing empty column is tolerated
  EXPECT_EQ(StableCode(ReadTable("a,b\n\"1,2\n").status()), "import.csv_quote");
  EXPECT_EQ(StableCode(ReadTable("").status()), "import.empty");
}

TEST(TableFile, OversizeIsRefusedBeforeParsing) {
  std::string big(kMaxImportBytes + 1, 'a');
  auto t = ReadTable(big);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(StableCode(t.status()), "import.too_large");
}

TEST(TableFile, XlsxSharedAndInlineStrings) {
  std::string x = MakeXlsx([](lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "工单编号", nullptr);
    worksheet_write_string(ws, 0, 1, "受理时间", nullptr);
    worksheet_write_string(ws, 0, 2, "在校生数", nullptr);
    worksheet_write_string(ws, 1, 0, "ZM-1", nullptr);
    worksheet_write_string(ws, 1, 1, "2026-03-02 09:30", nullptr);
    worksheet_write_number(ws, 1, 2, 1200, nullptr);
    worksheet_write_string(ws, 3, 0, "ZM-3", nullptr);  // row 3 empty, skipped
  });
  auto t = ReadTable(x);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header, (std::vector<std::string>{"工单编号", "受理时间", "在校生数"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "2026-03-02 09:30");
  EXPECT_EQ(t->rows[0][2], "1200");
  EXPECT_EQ(t->row_numbers[1], 4);
  EXPECT_EQ(t->rows[1][1], "");
}

TEST(TableFile, XlsxFormulaCellGivesItsCachedValueWithAWarning) {
  std::string x = MakeXlsx([](lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "金额", nullptr);
    worksheet_write_formula_num(ws, 1, 0, "=1+1", nullptr, 2);
  });
  auto t = ReadTable(x);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->rows[0][0], "2");
  ASSERT_EQ(t->warnings.size(), 1u);
  EXPECT_EQ(t->warnings[0].field, "第2行 单元格A2");
  EXPECT_NE(t->warnings[0].message.find("1+1"), std::string::npos);
}

TEST(TableFile, BrokenZipIsAClearError) {
  auto t = ReadTable(std::string("PK\x03\x04garbage", 11));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(StableCode(t.status()), "import.xlsx");
}

}  // namespace
}  // namespace qf
