#include "common/import_columns.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace qf {
namespace {

// ctest runs each test as its own process, two at a time: each writes its own file.
std::string Write(const std::string& text) {
  const auto* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string path = (std::filesystem::temp_directory_path() /
                      (std::string("qf_columns_") + test->name() + "_" + std::to_string(::getpid()) + ".toml"))
                         .string();
  std::ofstream(path) << text;
  return path;
}

TEST(ImportColumnSets, TheShippedFileReadsWithEveryKind) {
  auto sets = ImportColumnSets::LoadDir(std::string(QF_SOURCE_DIR) + "/data");
  ASSERT_TRUE(sets.ok()) << sets.status();
  const ImportColumns& cases = sets->Of("cases");
  ASSERT_FALSE(cases.empty());
  EXPECT_EQ(cases.front().field, "external_ref");
  EXPECT_EQ(cases.front().names.front(), "工单编号");  // the template's header comes first
  EXPECT_TRUE(cases.front().required);
  for (std::string_view kind : {"cases", "pool-members", "duty-plan", "questions", "roster", "units", "people", "relations"})
    EXPECT_FALSE(sets->Of(kind).empty()) << kind;
  EXPECT_TRUE(sets->Of("nothing").empty());
}

TEST(ImportColumnSets, AFileIsHeldToTheFieldsItsImporterReads) {
  auto sets = ImportColumnSets::Load(Write(R"([[things]]
field = "a"
names = ["甲", "甲列"]
required = true
example = "1"
[[things]]
field = "b"
names = ["乙"]
)"));
  ASSERT_TRUE(sets.ok()) << sets.status();
  EXPECT_TRUE(sets->Check("things", {"b", "a"}).ok());
  auto missing = sets->Check("things", {"a", "b", "c"});
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("缺少列 c"), std::string_view::npos) << missing;
  auto extra = sets->Check("things", {"a"});
  EXPECT_FALSE(extra.ok());
  EXPECT_NE(extra.message().find("b"), std::string_view::npos) << extra;
  EXPECT_FALSE(sets->Check("others", {"a"}).ok());
  // What a table reads by: the field's code or any of its names.
  Table t;
  t.header = {"乙", "甲列"};
  EXPECT_EQ(ColumnOf(t, sets->Of("things"), "a"), 1);
  EXPECT_EQ(ColumnOf(t, sets->Of("things"), "b"), 0);
}

TEST(ImportColumnSets, AMalformedFileIsRefusedNamingTheEntry) {
  for (const char* text : {"[[things]]\nnames = [\"甲\"]\n",                          // no field
                           "[[things]]\nfield = \"a\"\n",                               // no header name
                           "[[things]]\nfield = \"a\"\nnames = [\"甲\"]\n[[things]]\nfield = \"a\"\nnames = [\"乙\"]\n",
                           "things = 3\n", "[[things]\n"}) {
    auto sets = ImportColumnSets::Load(Write(text));
    EXPECT_FALSE(sets.ok()) << text;
    EXPECT_EQ(sets.status().code(), absl::StatusCode::kFailedPrecondition) << text;
  }
}

}  // namespace
}  // namespace qf
