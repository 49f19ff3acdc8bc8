// The public's rating (政风行风评议): creating a survey with invitation codes per school, the respondent's
// questionnaire and answers by code, the results by question, district and school with their margins of error.
#include <algorithm>
#include <cmath>
#include <map>

#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

constexpr int kMaxCodes = 50000;

std::string SurveySubject(int64_t id) { return fmt::format("duty_survey/{}", id); }
std::string CodeHash(const std::string& canonical) { return Sha256Hex("duty-survey:" + canonical); }

struct SurveyRow {
  int64_t id = 0;
  std::string title;
  absl::Time opens_at, closes_at;
  Questionnaire questionnaire;
};

absl::StatusOr<SurveyRow> MustSurvey(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, title, opens_at, closes_at, questionnaire FROM duty_surveys WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.survey_not_found", "评议问卷不存在");
  SurveyRow s{st.Int(0), st.Text(1), {}, {}, {}};
  auto opens = ParseUtc(st.Text(2)), closes = ParseUtc(st.Text(3));
  auto q = Questionnaire::Parse(st.Text(4), "duty_surveys.questionnaire");
  if (!opens || !closes || !q.ok()) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_survey", "无法读取存储的问卷");
  s.opens_at = *opens, s.closes_at = *closes, s.questionnaire = std::move(*q);
  return s;
}

// The code's survey and school, if the code is one; NotFound otherwise (typed wrong, or made up).
struct Invitation {
  std::string hash;
  int64_t survey_id = 0, school_id = 0;
  bool answered = false;
};
absl::StatusOr<Invitation> ByCode(Db& db, const std::string& code) {
  absl::Status none = NotFound("duty.survey_code_not_found", "邀请码不正确");
  auto canonical = ParseReceiptCode(code);
  if (!canonical) return none;
  Invitation inv{CodeHash(*canonical)};
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT survey_id, school_id, answered FROM duty_survey_codes WHERE code_hash = ?"));
  st.Bind(1, inv.hash);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return none;
  inv.survey_id = st.Int(0), inv.school_id = st.Int(1), inv.answered = st.Int(2) != 0;
  return inv;
}

absl::Status MayAnswer(const SurveyRow& s, const Invitation& inv, absl::Time now) {
  if (now < s.opens_at) return Conflict("duty.survey_not_open", "评议尚未开始");
  if (now >= s.closes_at) return Conflict("duty.survey_closed", "评议已经结束");
  if (inv.answered) return Conflict("duty.survey_answered", "该邀请码已经使用，每个邀请码只能评议一次");
  return absl::OkStatus();
}

// A stored answer sheet's level codes, one per question; none when it cannot be read as the questionnaire's.
std::optional<std::vector<std::string>> AnswerCodes(const Questionnaire& q, const std::string& stored) {
  boost::system::error_code ec;
  json::value a = json::parse(stored, ec);
  if (ec || !a.is_array() || a.as_array().size() != q.questions.size()) return std::nullopt;
  std::vector<std::string> codes;
  for (const auto& v : a.as_array()) codes.push_back(v.is_string() ? std::string(v.as_string()) : "");
  return codes;
}
bool IsSatisfied(const Questionnaire& q, const std::string& code) {
  const SurveyLevel* level = q.Level(code);
  return level && level->satisfied;
}
// A respondent's satisfaction: the share of their answers at a satisfied level.
double SatisfiedShare(const Questionnaire& q, const std::vector<std::string>& codes) {
  int satisfied = 0;
  for (const auto& c : codes) satisfied += IsSatisfied(q, c);
  return codes.empty() ? 0 : static_cast<double>(satisfied) / static_cast<double>(codes.size());
}

// A rate as shown: percentages with one decimal, the margin, the sample and whether it is too small to compare.
json::object RateJson(const Rate& r, int min_sample) {
  auto pct = [](double x) { return std::round(x * 1000) / 10; };
  return json::object{{"n", r.n}, {"rate", r.n ? json::value(pct(r.mean)) : json::value(nullptr)},
                      {"margin", r.n > 1 ? json::value(pct(r.margin)) : json::value(nullptr)},
                      {"small", r.n < min_sample}};
}

}  // namespace

absl::StatusOr<SurveyRequest> ParseSurvey(const json::object& body) {
  JsonInput in(body);
  SurveyRequest r;
  r.title = in.Str("title", true, 100).value_or("");
  for (auto [field, out] : {std::pair{"opens_at", &r.opens_at}, {"closes_at", &r.closes_at}}) {
    std::string text = in.Str(field, true, 40).value_or("");
    if (auto t = ParseUtc(text)) *out = *t;
    else if (!text.empty()) in.Fail(field, "应为 RFC 3339 时间");
  }
  if (in.ok() && r.closes_at <= r.opens_at) in.Fail("closes_at", "结束时间应晚于开始时间");
  r.per_school = static_cast<int>(in.Int("per_school", false, 1, 500).value_or(30));
  const json::value* v = in.Raw("unit_ids");
  if (!v || !v->is_array() || v->as_array().empty() || v->as_array().size() > 2000) {
    in.Fail("unit_ids", "应为 1 至 2000 个学校或县区教育主管部门的编号");
  } else {
    for (const auto& u : v->as_array())
      if (u.is_int64() && u.as_int64() > 0) r.unit_ids.push_back(u.as_int64());
      else in.Fail("unit_ids", "应为单位编号");
  }
  QF_RETURN_IF_ERROR(in.Finish("duty.survey"));
  return r;
}

absl::StatusOr<json::object> CreateSurvey(Tx& tx, const std::string& questionnaire_text, const SurveyRequest& r,
                                          const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.survey_scope", "政风行风评议由纪检监察室组织");
  QF_RETURN_IF_ERROR(Questionnaire::Parse(questionnaire_text, "survey.toml").status());
  // The schools: each school named, and every active school of a named district bureau's district.
  QF_ASSIGN_OR_RETURN(auto unit, db.Prepare("SELECT kind, COALESCE(district, '') FROM org_units WHERE id = ? AND active = 1"));
  QF_ASSIGN_OR_RETURN(auto district, db.Prepare(
      "SELECT id FROM org_units WHERE district = ? AND kind = 'school' AND active = 1 ORDER BY id"));
  std::vector<int64_t> schools;
  for (int64_t id : r.unit_ids) {
    unit.Reset();
    unit.Bind(1, id);
    QF_ASSIGN_OR_RETURN(bool row, unit.Step());
    if (row && unit.Text(0) == "school") {
      schools.push_back(id);
    } else if (row && unit.Text(0) == "district_bureau" && !unit.Text(1).empty()) {
      district.Reset();
      district.Bind(1, unit.Text(1));
      QF_ASSIGN_OR_RETURN(auto ids, district.Ints());
      schools.insert(schools.end(), ids.begin(), ids.end());
    } else {
      return Invalid("duty.survey", "评议对象应为学校或县区教育主管部门", {{"unit_ids", fmt::format("单位 {} 不是学校或县区教育主管部门", id)}});
    }
  }
  std::sort(schools.begin(), schools.end());
  schools.erase(std::unique(schools.begin(), schools.end()), schools.end());
  if (static_cast<int64_t>(schools.size()) * r.per_school > kMaxCodes)
    return Invalid("duty.survey", "邀请码过多", {{"per_school", fmt::format("每次至多 {} 个邀请码", kMaxCodes)}});
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_surveys(title, opens_at, closes_at, questionnaire, created_by, created_at) VALUES(?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, r.title).Bind(2, FormatUtc(r.opens_at)).Bind(3, FormatUtc(r.closes_at)).Bind(4, questionnaire_text)
      .Bind(5, who.account_id).Bind(6, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  int64_t id = ids.at(0);
  QF_ASSIGN_OR_RETURN(auto add, db.Prepare("INSERT INTO duty_survey_codes(code_hash, survey_id, school_id) VALUES(?,?,?)"));
  QF_ASSIGN_OR_RETURN(auto name, db.Prepare("SELECT name FROM org_units WHERE id = ?"));
  json::array codes;
  for (int64_t school : schools) {
    name.Reset();
    name.Bind(1, school);
    QF_ASSIGN_OR_RETURN(bool row, name.Step());
    std::string school_name = row ? name.Text(0) : "";
    for (int i = 0; i < r.per_school; ++i) {
      std::string code = NewReceiptCode();
      add.Reset();
      add.Bind(1, CodeHash(code)).Bind(2, id).Bind(3, school);
      QF_RETURN_IF_ERROR(add.Run());
      codes.push_back(json::object{{"school", school_name}, {"code", DisplayReceiptCode(code)}});
    }
  }
  QF_RETURN_IF_ERROR(tx.Append("duty.survey_created", SurveySubject(id),
                               {{"title", r.title}, {"schools", static_cast<int64_t>(schools.size())},
                                {"codes", static_cast<int64_t>(codes.size())},
                                {"questionnaire_sha256", Sha256Hex(questionnaire_text)}})
                         .status());
  return json::object{{"id", id}, {"schools", static_cast<int64_t>(schools.size())}, {"codes", std::move(codes)}};
}

absl::StatusOr<json::object> OpenSurvey(Db& db, const std::string& code, absl::Time now) {
  QF_ASSIGN_OR_RETURN(Invitation inv, ByCode(db, code));
  QF_ASSIGN_OR_RETURN(SurveyRow s, MustSurvey(db, inv.survey_id));
  QF_RETURN_IF_ERROR(MayAnswer(s, inv, now));
  QF_ASSIGN_OR_RETURN(auto name, db.Prepare("SELECT name FROM org_units WHERE id = ?"));
  name.Bind(1, inv.school_id);
  QF_ASSIGN_OR_RETURN(bool row, name.Step());
  json::array questions, scale;
  for (const auto& q : s.questionnaire.questions) questions.push_back(json::object{{"id", q.id}, {"text", q.text}});
  for (const auto& l : s.questionnaire.scale) scale.push_back(json::object{{"code", l.code}, {"label", l.label}});
  return json::object{{"title", s.title}, {"school", row ? name.Text(0) : ""}, {"closes_at", FormatUtc(s.closes_at)},
                      {"questions", std::move(questions)}, {"scale", std::move(scale)}};
}

absl::StatusOr<json::object> Answer(Tx& tx, const std::string& code, const std::vector<std::string>& answers,
                                    const std::string& comment) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Invitation inv, ByCode(db, code));
  QF_ASSIGN_OR_RETURN(SurveyRow s, MustSurvey(db, inv.survey_id));
  QF_RETURN_IF_ERROR(MayAnswer(s, inv, tx.now()));
  std::vector<FieldError> errors;
  if (answers.size() != s.questionnaire.questions.size())
    errors.push_back({"answers", fmt::format("应回答全部 {} 个问题", s.questionnaire.questions.size())});
  for (size_t i = 0; i < answers.size(); ++i)
    if (!s.questionnaire.Level(answers[i])) errors.push_back({fmt::format("answers[{}]", i), "请选择一个满意程度"});
  if (!errors.empty()) return Invalid("duty.survey_answer", "评议未完成", std::move(errors));
  QF_ASSIGN_OR_RETURN(auto use, db.Prepare("UPDATE duty_survey_codes SET answered = 1 WHERE code_hash = ? AND answered = 0"));
  use.Bind(1, inv.hash);
  QF_RETURN_IF_ERROR(use.Run());
  if (db.Changes() != 1) return Conflict("duty.survey_answered", "该邀请码已经使用，每个邀请码只能评议一次");
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_survey_answers(survey_id, school_id, answers, comment, at) VALUES(?,?,?,?,?)"));
  ins.Bind(1, s.id).Bind(2, inv.school_id).Bind(3, json::serialize(json::array(answers.begin(), answers.end())))
      .Bind(4, comment).Bind(5, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(ins.Run());
  QF_RETURN_IF_ERROR(tx.Append("duty.survey_answered", SurveySubject(s.id), {{"school_id", inv.school_id}}).status());
  return json::object{{"survey_id", s.id}, {"answered", true}};
}

void LowestFirst(json::array& rows, std::string_view key) {
  std::stable_sort(rows.begin(), rows.end(), [key](const json::value& a, const json::value& b) {
    const bool ha = a.at(key).is_double(), hb = b.at(key).is_double();
    if (ha != hb) return ha;
    return ha && a.at(key).as_double() < b.at(key).as_double();
  });
}

absl::StatusOr<std::map<int64_t, std::vector<double>>> RatingsBySchool(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto surveys, db.Prepare("SELECT id FROM duty_surveys WHERE opens_at >= ? AND opens_at < ? ORDER BY id"));
  surveys.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  QF_ASSIGN_OR_RETURN(auto ids, surveys.Ints());
  QF_ASSIGN_OR_RETURN(auto answers, db.Prepare("SELECT school_id, answers FROM duty_survey_answers WHERE survey_id = ?"));
  std::map<int64_t, std::vector<double>> out;
  for (int64_t id : ids) {
    QF_ASSIGN_OR_RETURN(SurveyRow s, MustSurvey(db, id));
    answers.Reset();
    answers.Bind(1, id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, answers.Step());
      if (!row) break;
      if (auto codes = AnswerCodes(s.questionnaire, answers.Text(1)))
        out[answers.Int(0)].push_back(SatisfiedShare(s.questionnaire, *codes));
    }
  }
  return out;
}

absl::StatusOr<json::object> Surveys(Db& db, const Principal& who) {
  if (!Office(who) && !who.Has(kLeader)) return NotFound("duty.survey_not_found", "评议问卷不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id, s.title, s.opens_at, s.closes_at, (SELECT COUNT(*) FROM duty_survey_codes c WHERE c.survey_id = s.id), "
      "(SELECT COUNT(*) FROM duty_survey_answers a WHERE a.survey_id = s.id) FROM duty_surveys s ORDER BY s.opens_at DESC, s.id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"opens_at", st.Text(2)}, {"closes_at", st.Text(3)},
                                 {"codes", st.Int(4)}, {"answered", st.Int(5)}});
  }
  return json::object{{"items", std::move(items)}};
}

absl::StatusOr<json::object> SurveyResults(Db& db, int64_t id, const Principal& who) {
  if (!Office(who) && !who.Has(kLeader)) return NotFound("duty.survey_not_found", "评议问卷不存在");
  QF_ASSIGN_OR_RETURN(SurveyRow s, MustSurvey(db, id));
  const Questionnaire& q = s.questionnaire;
  struct School {
    std::string name, district;
    int64_t codes = 0;
    std::vector<double> shares;
  };
  std::map<int64_t, School> schools;
  QF_ASSIGN_OR_RETURN(auto given, db.Prepare(
      "SELECT c.school_id, u.name, COALESCE(u.district, ''), COUNT(*) FROM duty_survey_codes c JOIN org_units u "
      "ON u.id = c.school_id WHERE c.survey_id = ? GROUP BY c.school_id, u.name, u.district"));
  given.Bind(1, id);
  int64_t codes = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, given.Step());
    if (!row) break;
    schools[given.Int(0)] = {given.Text(1), given.Text(2), given.Int(3), {}};
    codes += given.Int(3);
  }
  QF_ASSIGN_OR_RETURN(auto answers, db.Prepare("SELECT school_id, answers FROM duty_survey_answers WHERE survey_id = ?"));
  answers.Bind(1, id);
  std::vector<double> all;
  std::vector<std::vector<double>> by_question(q.questions.size());
  std::vector<std::map<std::string, int64_t>> levels(q.questions.size());
  std::map<std::string, std::vector<double>> by_district;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, answers.Step());
    if (!row) break;
    auto codes = AnswerCodes(q, answers.Text(1));
    if (!codes) continue;
    for (size_t i = 0; i < q.questions.size(); ++i) {
      by_question[i].push_back(IsSatisfied(q, (*codes)[i]) ? 1.0 : 0.0);
      ++levels[i][(*codes)[i]];
    }
    const double share = SatisfiedShare(q, *codes);
    all.push_back(share);
    School& sc = schools[answers.Int(0)];
    sc.shares.push_back(share);
    by_district[sc.district].push_back(share);
  }
  json::array questions;
  for (size_t i = 0; i < q.questions.size(); ++i) {
    json::object o = RateJson(RateOf(by_question[i]), q.min_sample);
    o["id"] = q.questions[i].id, o["text"] = q.questions[i].text;
    json::array counts;
    for (const auto& l : q.scale) counts.push_back(json::object{{"code", l.code}, {"label", l.label}, {"count", levels[i][l.code]}});
    o["levels"] = std::move(counts);
    questions.push_back(std::move(o));
  }
  json::array districts;
  for (const auto& [name, shares] : by_district) {
    json::object o = RateJson(RateOf(shares), q.min_sample);
    o["district"] = name;
    districts.push_back(std::move(o));
  }
  json::array rows;
  for (const auto& [school_id, sc] : schools) {
    json::object o = RateJson(RateOf(sc.shares), q.min_sample);
    o["unit_id"] = school_id, o["school"] = sc.name, o["district"] = sc.district, o["codes"] = sc.codes;
    rows.push_back(std::move(o));
  }
  LowestFirst(rows, "rate");  // schools without answers last
  // What parents wrote beside their ratings, newest first (the latest 50), with the school only.
  QF_ASSIGN_OR_RETURN(auto said, db.Prepare(
      "SELECT u.name, a.comment, a.at FROM duty_survey_answers a JOIN org_units u ON u.id = a.school_id "
      "WHERE a.survey_id = ? AND a.comment <> '' ORDER BY a.at DESC, a.id DESC LIMIT 50"));
  said.Bind(1, id);
  json::array comments;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, said.Step());
    if (!row) break;
    comments.push_back(json::object{{"school", said.Text(0)}, {"comment", said.Text(1)}, {"at", said.Text(2)}});
  }
  json::object out{{"id", s.id}, {"title", s.title}, {"opens_at", FormatUtc(s.opens_at)}, {"closes_at", FormatUtc(s.closes_at)},
                   {"basis", q.basis}, {"min_sample", q.min_sample}, {"codes", codes},
                   {"answered", static_cast<int64_t>(all.size())}, {"overall", RateJson(RateOf(all), q.min_sample)},
                   {"by_question", std::move(questions)}, {"by_district", std::move(districts)},
                   {"by_school", std::move(rows)}, {"comments", std::move(comments)}};
  return out;
}

}  // namespace qf::duty
