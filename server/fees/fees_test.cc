// The fee rules under the shipped policy (data/fees/policy.toml), each with charges that break it and charges that do
// not: items off the approved list, amounts above the cap, charges that are not voluntary, two books for one subject,
// a book above its list price, and a charge the term's complaints name but the declaration does not; terms; reading.
#include <gtest/gtest.h>

#include "common/status.h"
#include "fees/fees.h"

namespace qf::fees {
namespace {

Policy Shipped() {
  auto p = Policy::Load(std::string(QF_SOURCE_DIR) + "/data");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

Charge C(std::string kind, std::string item, double amount, bool voluntary = true, std::string subject = "") {
  Charge c;
  c.kind = std::move(kind);
  c.item = std::move(item);
  c.amount = amount;
  c.voluntary = voluntary;
  c.subject = std::move(subject);
  return c;
}

std::vector<std::string> Rules(const std::vector<Flag>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) out.push_back(f.rule);
  return out;
}

TEST(FeePolicy, TheShippedFileLoadsAndEveryKindCitesItsDocument) {
  Policy p = Shipped();
  for (const auto& k : p.kinds) EXPECT_FALSE(k.clause.empty()) << k.code;
  ASSERT_NE(p.ItemOf("service", "延时服务费"), nullptr);
  EXPECT_EQ(p.ItemOf("service", "延时服务费")->name, "课后服务费");
  EXPECT_EQ(p.ItemOf("collected", "课后服务费"), nullptr) << "an item belongs to its kind";
  EXPECT_FALSE(Policy::Parse("[[kind]]\ncode=\"service\"\nlabel=\"服务性收费\"\n", "t").ok()) << "no document";
  EXPECT_FALSE(Policy::Parse("[[kind]]\ncode=\"a\"\nlabel=\"b\"\nclause=\"c\"\n[[item]]\nkind=\"x\"\nname=\"n\"\ncap=1\n"
                             "complaint_clause=\"d\"\n", "t").ok()) << "an item of an unknown kind";
}

TEST(FeeTerms, TermsReadAndCountTheirDays) {
  auto t = Term::Parse("2026-autumn");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->Label(), "2026年秋季学期");
  EXPECT_EQ(t->Days(), std::make_pair(std::string("2026-08-01"), std::string("2027-01-31")));
  EXPECT_EQ(Term::Parse("2026-spring")->Days().second, "2026-07-31");
  EXPECT_FALSE(Term::Parse("2026-summer"));
  EXPECT_FALSE(Term::Parse("autumn"));
}

TEST(FeeChecks, ADeclarationWithinTheRulesHasNoFlags) {
  Charge book = C("materials", "教辅材料费", 28, true, "数学");
  book.list_price = 28;
  EXPECT_TRUE(Check(Shipped(), {C("service", "午餐费", 880), C("collected", "校服", 260), book}, {}).empty());
}

TEST(FeeChecks, AnItemOffTheListOrAboveItsCapIsFlagged) {
  auto flags = Check(Shipped(), {C("service", "空调费", 50), C("service", "课后服务费", 650), C("service", "课后服务费", 600)}, {});
  EXPECT_EQ(Rules(flags), (std::vector<std::string>{"not_approved", "over_cap"}));
  EXPECT_EQ(flags[0].charge, 0);
  EXPECT_EQ(flags[1].charge, 1);
  EXPECT_NE(flags[1].summary.find("超过标准 600 元"), std::string::npos) << flags[1].summary;
  EXPECT_NE(flags[1].clause.find("服务性收费"), std::string::npos);
}

TEST(FeeChecks, ACompulsoryChargeIsFlagged) {
  EXPECT_EQ(Rules(Check(Shipped(), {C("collected", "学生意外伤害保险费", 80, false)}, {})),
            (std::vector<std::string>{"compulsory"}));
  EXPECT_TRUE(Check(Shipped(), {C("collected", "学生意外伤害保险费", 80, true)}, {}).empty());
}

TEST(FeeChecks, OneBookPerSubjectAtItsListPrice) {
  Charge a = C("materials", "教辅材料费", 30, true, "数学"), b = C("materials", "教辅材料费", 25, true, "数学");
  Charge english = C("materials", "教辅材料费", 30, true, "英语");
  EXPECT_EQ(Rules(Check(Shipped(), {a, b}, {})), (std::vector<std::string>{"one_per_subject"}));
  EXPECT_TRUE(Check(Shipped(), {a, english}, {}).empty());
  Charge marked_up = english;
  marked_up.list_price = 24;
  auto flags = Check(Shipped(), {marked_up}, {});
  EXPECT_EQ(Rules(flags), (std::vector<std::string>{"profit"}));
  EXPECT_NE(flags[0].summary.find("高于定价 24 元"), std::string::npos) << flags[0].summary;
}

TEST(FeeChecks, AChargeTheComplaintsNameButTheDeclarationDoesNotIsFlagged) {
  std::vector<Complaint> complaints = {{"A1", "学校每学期收取资料费200元，还收午餐费"}, {"A2", "又收资料费"}};
  auto flags = Check(Shipped(), {C("service", "午餐费", 800)}, complaints);
  ASSERT_EQ(Rules(flags), (std::vector<std::string>{"undeclared"}));
  EXPECT_EQ(flags[0].receipts, (std::vector<std::string>{"A1", "A2"}));
  EXPECT_NE(flags[0].summary.find("资料费"), std::string::npos);
  // Declared (by an alias of the approved item, or by its own name): nothing to flag.
  EXPECT_TRUE(Check(Shipped(), {C("service", "伙食费", 800)}, {{"A3", "午餐费太贵"}}).empty());
  EXPECT_TRUE(Check(Shipped(), {C("service", "午餐费", 800), C("materials", "资料费", 20, true, "语文")}, complaints).size() == 1)
      << "资料费 is not an approved item, but it is declared: only not_approved remains";
}

TEST(FeeDeclaration, EveryBadFieldIsNamed) {
  auto body = boost::json::parse(R"({"school_id":0,"term":"2026-summer","charges":[{"kind":"x","item":"","amount":-1,"voluntary":true},
    {"kind":"service","item":"午餐费","amount":800}]})").as_object();
  auto d = ParseDeclaration(body, Shipped());
  ASSERT_FALSE(d.ok());
  std::string fields;
  for (const auto& e : FieldErrors(d.status())) fields += e.field + ";";
  for (const char* f : {"school_id;", "term;", "charges[0].kind;", "charges[0].item;", "charges[0].amount;", "charges[1].voluntary;"})
    EXPECT_NE(fields.find(f), std::string::npos) << f << " in " << fields;
}

}  // namespace
}  // namespace qf::fees
