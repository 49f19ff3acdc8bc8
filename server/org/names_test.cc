// The unit matcher on names written as people write them: short forms of numbered schools, district prefixes with
// and without 区, shared names settled by the district, aliases, and the phrases it must not fire on.
#include "org/names.h"

#include <gtest/gtest.h>

#include "common/text.h"

namespace qf::org {
namespace {

TEST(Numerals, ChineseNumeralsBecomeDigits) {
  EXPECT_EQ(NormalizeNumerals("收取三百五十元"), "收取350元");
  EXPECT_EQ(NormalizeNumerals("两千多元"), "2000多元");
  EXPECT_EQ(NormalizeNumerals("第四十五中学"), "第45中学");
  EXPECT_EQ(NormalizeNumerals("十五人、一万二千元、二〇二六年"), "15人、12000元、2026年");
  EXPECT_EQ(NormalizeNumerals("ＡＢ１２３"), "ab123");
  EXPECT_EQ(NormalizeNumerals("百姓"), "百姓");  // 百 without a digit before it is a word
}

class UnitNamesTest : public ::testing::Test {
 protected:
  UnitNamesTest()
      : names_({{1, "合肥市第四十五中学", "school", "蜀山区", true},
                {2, "合肥市第一中学", "school", "庐阳区", true},
                {3, "瑶海区新华中学", "school", "瑶海区"},
                {4, "包河区新华中学", "school", "包河区"},
                {5, "瑶海区实验3小学", "school", "瑶海区"},
                {6, "瑶海区教育体育局", "district_bureau", "瑶海区"},
                {7, "长丰县双墩中学", "school", "长丰县", false, {"双墩镇中学"}}},
               "合肥市") {}
  std::vector<int64_t> Units(std::string_view text) { return names_.Find(text).units; }
  UnitNames names_;
};

TEST_F(UnitNamesTest, ShortFormsOfNumberedSchools) {
  for (std::string_view t : {"四十五中初二年级收资料费", "45中初二年级收资料费", "合肥45中", "合肥市第四十五中学",
                             "市四十五中", "第四十五中学"})
    EXPECT_EQ(names_.Find(t).school, 1) << t;
  EXPECT_EQ(names_.Find("合肥一中高三补课").school, 2);
  EXPECT_EQ(names_.Find("市一中高三补课").school, 2);
}

TEST_F(UnitNamesTest, TooShortFormsDoNotFireInsideWords) {
  EXPECT_TRUE(Units("统一中考报名费").empty());
  EXPECT_TRUE(Units("一中的老师").empty());  // 一中 alone could be any city's; 合肥一中 or 市一中 names it
}

TEST_F(UnitNamesTest, DistrictPrefixesWithAndWithoutTheirKind) {
  EXPECT_EQ(names_.Find("瑶海区新华中学乱收费").school, 3);
  EXPECT_EQ(names_.Find("瑶海新华中学乱收费").school, 3);
  EXPECT_EQ(names_.Find("包河区的新华中学乱收费").school, 4);  // the district named apart settles the shared name
  EXPECT_EQ(names_.Find("瑶海实验三小门口").school, 5);
  EXPECT_EQ(names_.Find("关于新华中学校服费：包河新华中学让初一买校服").school, 4);  // named in full elsewhere
  EXPECT_EQ(names_.Find("瑶海区实验3小的老师").school, 5);
}

TEST_F(UnitNamesTest, ASharedNameWithoutADistrictStaysOpen) {
  Named n = names_.Find("新华中学老师有偿补课");
  EXPECT_EQ(n.school, 0);
  ASSERT_EQ(n.mentions.size(), 1u);
  EXPECT_EQ(n.mentions[0].units, (std::vector<int64_t>{3, 4}));
}

TEST_F(UnitNamesTest, BureausAliasesAndSeveralSchools) {
  EXPECT_EQ(Units("向瑶海区教体局反映过"), (std::vector<int64_t>{6}));
  EXPECT_EQ(Units("瑶海教育局"), (std::vector<int64_t>{6}));
  EXPECT_TRUE(Units("教体局").empty());
  EXPECT_EQ(names_.Find("双墩镇中学食堂").school, 7);  // a former name added by staff
  Named two = names_.Find("45中和合肥一中都要求订资料");
  EXPECT_EQ(two.school, 0);
  EXPECT_EQ(two.units, (std::vector<int64_t>{1, 2}));
}

TEST_F(UnitNamesTest, ThePickerFindsShortNames) {
  EXPECT_EQ(names_.Matching("45中", 10), (std::vector<int64_t>{1}));
  EXPECT_EQ(names_.Matching("四十五中", 10), (std::vector<int64_t>{1}));
  auto xinhua = names_.Matching("新华", 10);
  std::sort(xinhua.begin(), xinhua.end());
  EXPECT_EQ(xinhua, (std::vector<int64_t>{3, 4}));
}

}  // namespace
}  // namespace qf::org
