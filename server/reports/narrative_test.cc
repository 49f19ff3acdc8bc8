#include "reports/narrative.h"

#include <gtest/gtest.h>

#include "common/status.h"

namespace qf::reports {
namespace {

namespace json = boost::json;

// The shipped template reads as a narrative an editor could save: every placeholder it uses is one the summary fills.
TEST(NarrativeTest, TemplateUsesOnlyKnownPlaceholders) {
  auto tpl = TemplateNarrative(QF_SOURCE_DIR "/data");
  ASSERT_TRUE(tpl.ok()) << tpl.status();
  ASSERT_EQ(tpl->sections.size(), 5u);
  auto again = ParseNarrative(NarrativeJson(*tpl));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(json::serialize(NarrativeJson(*again)), json::serialize(NarrativeJson(*tpl)));
}

TEST(NarrativeTest, NamesEveryBadField) {
  json::object body{{"title", "{{bureau}}总结"},
                    {"sections", json::array{json::object{{"heading", "一、"}, {"paragraphs", json::array{"{{inspections}}", "{{nope}}", "{{half", 3}}},
                                             json::object{{"paragraphs", json::array{}}}}}};
  auto n = ParseNarrative(body);
  ASSERT_FALSE(n.ok());
  std::vector<std::string> fields;
  for (const auto& e : FieldErrors(n.status())) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"sections[0].paragraphs[1]", "sections[0].paragraphs[2]", "sections[0].paragraphs[3]",
                                              "sections[1].heading"}));
  body["sections"] = json::array{json::object{{"heading", "一、"}, {"paragraphs", json::array{"{{inspections}}，另写一句。"}}}};
  EXPECT_TRUE(ParseNarrative(body).ok());
  body["sections"] = json::array{};
  EXPECT_FALSE(ParseNarrative(body).ok());
}

}  // namespace
}  // namespace qf::reports
