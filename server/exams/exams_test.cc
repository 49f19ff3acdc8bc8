// Exam supervision under the shipped policy (data/exams/policy.toml): the stages each cite their document; a session
// record names the stage, the day, who watched and what was found; a score check's outcome is unchanged or corrected
// with the score after; candidate numbers are masked.
#include <gtest/gtest.h>

#include "common/status.h"
#include "exams/exams.h"

namespace qf::exams {
namespace {

Policy Shipped() {
  auto p = Policy::Load(std::string(QF_SOURCE_DIR) + "/data");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

std::string Fields(const absl::Status& s) {
  std::string out;
  for (const auto& e : FieldErrors(s)) out += e.field + ";";
  return out;
}

TEST(ExamPolicy, TheStagesCiteTheirDocuments) {
  Policy p = Shipped();
  for (const char* code : {"sitting", "marking", "transcription", "score_check"}) {
    ASSERT_NE(p.StageOf(code), nullptr) << code;
    EXPECT_FALSE(p.StageOf(code)->clause.empty());
  }
  EXPECT_FALSE(Policy::Parse("[[stage]]\ncode=\"marking\"\nlabel=\"阅卷\"\n", "t").ok()) << "no document";
}

TEST(ExamSessions, ASessionNamesItsStageDaySupervisorsAndFindings) {
  auto ok = ParseSession(boost::json::parse(R"({"stage":"marking","session":"语文阅卷第2场","held_on":"2026-06-20",
      "supervisors":["S01","S02"],"found":"阅卷场所封闭，双评一致","problem":false})").as_object(), Shipped());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->supervisors.size(), 2u);
  auto bad = ParseSession(boost::json::parse(R"({"stage":"lunch","session":"","held_on":"6月20日","supervisors":[],"found":""})").as_object(),
                          Shipped());
  ASSERT_FALSE(bad.ok());
  std::string f = Fields(bad.status());
  for (const char* want : {"stage;", "session;", "held_on;", "supervisors;", "found;", "problem;"})
    EXPECT_NE(f.find(want), std::string::npos) << want << " in " << f;
}

TEST(ExamScoreChecks, AnOutcomeIsUnchangedOrCorrectedWithTheScoreAfter) {
  auto parse = [](const char* body) { return ParseResult(boost::json::parse(body).as_object()); };
  EXPECT_TRUE(parse(R"({"outcome":"unchanged"})").ok());
  auto corrected = parse(R"({"outcome":"corrected","score_after":96.5})");
  ASSERT_TRUE(corrected.ok());
  EXPECT_DOUBLE_EQ(*corrected->score_after, 96.5);
  EXPECT_EQ(Fields(parse(R"({"outcome":"corrected"})").status()), "score_after;");
  EXPECT_EQ(Fields(parse(R"({"outcome":"unchanged","score_after":90})").status()), "score_after;");
  EXPECT_EQ(Fields(parse(R"({"outcome":"maybe"})").status()), "outcome;");
  auto request = ParseScoreCheck(boost::json::parse(R"({"candidate_no":"","name":"张三","subject":"数学","score":1200})").as_object());
  EXPECT_EQ(Fields(request.status()), "candidate_no;score;");
}

TEST(ExamScoreChecks, CandidateNumbersAreMasked) {
  EXPECT_EQ(MaskCandidate("2026340101"), "2026****01");
  EXPECT_EQ(MaskCandidate("12345"), "***45");
  EXPECT_EQ(MaskCandidate("12"), "**");
}

}  // namespace
}  // namespace qf::exams
