// A validation problem as clients read it: each field with its Chinese message and, for the common rules, the rule's
// stable name and values (what the console words in English); a failure particular to a domain carries no rule.
#include "common/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_input.h"
#include "common/status.h"

namespace qf {
namespace {

TEST(ProblemTest, CommonRulesCarryTheirNameAndValues) {
  auto body = boost::json::parse(R"({"title": "一二三四五六", "kind": "x", "n": 99, "ok": "yes"})").as_object();
  JsonInput in(body);
  in.Str("title", true, 5);
  in.Enum("kind", true, {"letter", "visit"});
  in.Int("n", true, 1, 10);
  in.Bool("ok", true);
  in.Day("on", true);
  in.Fail("unit", "单位不在本市");
  Problem p = ToProblem(in.Finish("case.invalid"), "/api/v1/cases");
  EXPECT_EQ(p.http_status, 400);
  auto doc = boost::json::parse(p.body).as_object();
  EXPECT_EQ(doc.at("code").as_string(), "case.invalid");
  std::map<std::string, boost::json::object> by_field;
  for (auto& e : doc.at("errors").as_array()) by_field[std::string(e.at("field").as_string())] = e.as_object();
  ASSERT_EQ(by_field.size(), 6u);
  auto rule = [&](const std::string& f) { return std::string(by_field[f].at("rule").as_string()); };
  auto args = [&](const std::string& f) { return boost::json::serialize(by_field[f].at("args")); };
  EXPECT_EQ(rule("title"), "max_chars");
  EXPECT_EQ(args("title"), R"(["5"])");
  EXPECT_EQ(by_field["title"].at("message").as_string(), "不能超过 5 个字符") << "the Chinese message stays";
  EXPECT_EQ(rule("kind"), "one_of");
  EXPECT_EQ(args("kind"), R"(["letter","visit"])");
  EXPECT_EQ(rule("n"), "range");
  EXPECT_EQ(args("n"), R"(["1","10"])");
  EXPECT_EQ(rule("ok"), "boolean");
  EXPECT_EQ(rule("on"), "required");
  EXPECT_FALSE(by_field["unit"].contains("rule")) << "a domain's own message has no rule";
}

}  // namespace
}  // namespace qf
