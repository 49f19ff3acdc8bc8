// Exports as Excel reads them: days and moments are date cells with a date format (so that staff sort and filter
// them), numbers are numbers, text is text and nothing is a formula. Read back with the import reader.
#include "common/xlsx_out.h"

#include <gtest/gtest.h>
#include <zip.h>

#include "common/table_file.h"
#include "common/timefmt.h"

namespace qf {
namespace {

std::string Entry(const std::string& xlsx, const char* name) {
  zip_error_t err;
  zip_source_t* src = zip_source_buffer_create(xlsx.data(), xlsx.size(), 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  zip_stat_t st;
  zip_stat(z, name, 0, &st);
  std::string out(st.size, '\0');
  zip_file_t* f = zip_fopen(z, name, 0);
  zip_fread(f, out.data(), st.size);
  zip_fclose(f);
  zip_close(z);
  return out;
}

TEST(XlsxOut, DaysAndMomentsAreDateCellsNumbersAreNumbers) {
  XlsxSheet sheet{"清单", {"受理时间", "期限", "剩余工作日", "标题"}, {}, {}};
  sheet.rows.push_back({XlsxMinute{absl::CivilMinute(2026, 7, 1, 8, 30)}, XlsxDay{absl::CivilDay(2026, 7, 15)},
                        3LL, std::string("收取资料费")});
  auto x = WriteXlsx({sheet});
  ASSERT_TRUE(x.ok()) << x.status();
  auto styles = Entry(*x, "xl/styles.xml");
  EXPECT_NE(styles.find("yyyy-mm-dd hh:mm"), std::string::npos);
  EXPECT_NE(styles.find("formatCode=\"yyyy-mm-dd\""), std::string::npos);
  auto t = ReadTable(*x);
  ASSERT_TRUE(t.ok()) << t.status();
  // Excel serials, which the importer reads back as the same moments.
  EXPECT_EQ(ParseTimeText(t->rows[0][0]), absl::FromCivil(absl::CivilMinute(2026, 7, 1, 8, 30), Cst()));
  EXPECT_EQ(t->rows[0][1], "46218");
  EXPECT_EQ(t->rows[0][2], "3");
  EXPECT_EQ(t->rows[0][3], "收取资料费");
  EXPECT_EQ(Entry(*x, "xl/worksheets/sheet1.xml").find("<f>"), std::string::npos);
}

TEST(XlsxOut, AnImportsTemplateIsWhatItsImportReads) {
  ImportColumns columns = {{"title", {"标题", "诉求标题"}, true, "学校收取资料费"}, {"phone", {"联系电话"}, false, "13900001111"}};
  auto x = ImportTemplateXlsx("来件导入模板", columns);
  ASSERT_TRUE(x.ok()) << x.status();
  auto t = ReadTable(*x);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header, (std::vector<std::string>{"标题", "联系电话"}));
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][0], "学校收取资料费");
  EXPECT_EQ(t->rows[0][1], "13900001111");  // text, not a number that loses its leading digits
  EXPECT_EQ(ColumnOf(*t, columns, "phone"), 1);
  EXPECT_TRUE(MissingColumns(*t, columns).empty());
  t->header[0] = "主题";
  EXPECT_EQ(MissingColumns(*t, columns), std::vector<std::string_view>{"标题"});
  // The notes sheet names what each column takes.
  auto notes = Entry(*x, "xl/sharedStrings.xml");
  EXPECT_NE(notes.find("必填"), std::string::npos);
  EXPECT_NE(notes.find("诉求标题"), std::string::npos);
}

}  // namespace
}  // namespace qf
