// Rules tests: the bank, tests with their frozen bank and seed, enrolment with personal codes, attempts (started,
// each answer stamped, submitted and scored with its flags), the organiser's view.
#include <algorithm>
#include <cmath>
#include <map>

#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mask.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

std::string CodeHash(const std::string& canonical) { return Sha256Hex("duty-exam:" + canonical); }

absl::StatusOr<QuestionKind> KindOf(std::string_view code) {
  for (QuestionKind k : {QuestionKind::kSingle, QuestionKind::kMultiple, QuestionKind::kJudge})
    if (Code(k) == code) return k;
  return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_state", fmt::format("题型无法识别：{}", code));
}

json::object QuestionJson(const Question& q, bool with_answer) {
  json::object o{{"id", q.id}, {"kind", Code(q.kind)}, {"stem", q.stem},
                 {"options", json::array(q.options.begin(), q.options.end())}};
  if (with_answer) {
    o["answer"] = q.answer;
    o["rule"] = q.rule;
  }
  return o;
}

Question QuestionFrom(const json::object& o) {
  Question q;
  q.id = o.at("id").as_int64();
  q.kind = KindOf(o.at("kind").as_string()).value_or(QuestionKind::kSingle);
  q.stem = std::string(o.at("stem").as_string());
  for (const auto& v : o.at("options").as_array()) q.options.emplace_back(v.as_string());
  q.answer = std::string(o.at("answer").as_string());
  q.rule = std::string(o.at("rule").as_string());
  return q;
}

struct Exam {
  int64_t id = 0;
  std::string title, seed;
  absl::Time opens_at, closes_at;
  int minutes = 0, questions = 0, pass_percent = 0, attempts = 0;
  std::map<int64_t, Question> bank;
  std::vector<int64_t> BankIds() const {
    std::vector<int64_t> ids;
    for (const auto& [id, q] : bank) ids.push_back(id);
    return ids;
  }
};

absl::StatusOr<Exam> MustExam(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, title, opens_at, closes_at, minutes, questions, pass_percent, attempts, seed, bank FROM duty_exams WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.exam_not_found", "测试不存在");
  Exam e;
  e.id = st.Int(0), e.title = st.Text(1);
  e.opens_at = ParseUtc(st.Text(2)).value_or(absl::InfinitePast());
  e.closes_at = ParseUtc(st.Text(3)).value_or(absl::InfinitePast());
  e.minutes = static_cast<int>(st.Int(4)), e.questions = static_cast<int>(st.Int(5));
  e.pass_percent = static_cast<int>(st.Int(6)), e.attempts = static_cast<int>(st.Int(7)), e.seed = st.Text(8);
  boost::system::error_code ec;
  json::value bank = json::parse(st.Text(9), ec);
  if (ec || !bank.is_array()) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", "测试题库无法读取");
  for (const auto& q : bank.as_array()) {
    Question parsed = QuestionFrom(q.as_object());
    e.bank[parsed.id] = std::move(parsed);
  }
  return e;
}

struct Taker {
  int64_t id = 0, exam_id = 0, person_id = 0, unit_id = 0;
  std::string name_masked;
};

// The taker a code names; NotFound for any code that is not one (typed wrong, or another test's).
absl::StatusOr<Taker> TakerByCode(Db& db, const std::string& code) {
  absl::Status none = NotFound("duty.code_not_found", "测试码不正确");
  auto canonical = ParseReceiptCode(code);
  if (!canonical) return none;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, exam_id, person_id, unit_id, name_masked FROM duty_takers WHERE code_hash = ?"));
  st.Bind(1, CodeHash(*canonical));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return none;
  return Taker{st.Int(0), st.Int(1), st.Int(2), st.Int(3), st.Text(4)};
}

struct Attempt {
  int64_t id = 0;
  int seq = 0;
  std::string seed;
  std::vector<int64_t> paper;
  absl::Time started_at, deadline_at;
  bool submitted = false;
  int correct = 0, score = 0;
  bool passed = false;
  json::value flags;
};

constexpr const char* kAttemptColumns =
    "id, seq, seed, paper, started_at, deadline_at, COALESCE(submitted_at, ''), COALESCE(correct, 0), COALESCE(score, 0), "
    "COALESCE(passed, 0), flags";

Attempt ReadAttempt(Stmt& st) {
  Attempt a;
  a.id = st.Int(0), a.seq = static_cast<int>(st.Int(1)), a.seed = st.Text(2);
  boost::system::error_code ec;
  json::value paper = json::parse(st.Text(3), ec);
  if (!ec && paper.is_array())
    for (const auto& v : paper.as_array()) a.paper.push_back(v.to_number<int64_t>());
  a.started_at = ParseUtc(st.Text(4)).value_or(absl::InfinitePast());
  a.deadline_at = ParseUtc(st.Text(5)).value_or(absl::InfinitePast());
  a.submitted = !st.Text(6).empty();
  a.correct = static_cast<int>(st.Int(7)), a.score = static_cast<int>(st.Int(8)), a.passed = st.Int(9) != 0;
  a.flags = json::parse(st.Text(10), ec);
  if (ec) a.flags = json::array();
  return a;
}

absl::StatusOr<std::vector<Attempt>> AttemptsOf(Db& db, int64_t taker) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM duty_attempts WHERE taker_id = ? ORDER BY seq", kAttemptColumns)));
  st.Bind(1, taker);
  std::vector<Attempt> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadAttempt(st));
  }
  return out;
}

struct Saved {
  std::string choice;
  bool correct = false;
  absl::Time at;
};
absl::StatusOr<std::map<int, Saved>> AnswersOf(Db& db, int64_t attempt) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT position, choice, correct, answered_at FROM duty_answers WHERE attempt_id = ?"));
  st.Bind(1, attempt);
  std::map<int, Saved> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[static_cast<int>(st.Int(0))] = {st.Text(1), st.Int(2) != 0, ParseUtc(st.Text(3)).value_or(absl::InfinitePast())};
  }
  return out;
}

// Scores an attempt whose time may be over: the answers saved before its deadline count.
absl::StatusOr<json::object> Finish(Tx& tx, const Exam& exam, const Taker& taker, Attempt& a) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto saved, AnswersOf(db, a.id));
  int correct = 0, wrong = 0;
  std::vector<absl::Time> times;
  std::string record;
  json::array review;
  for (size_t i = 0; i < a.paper.size(); ++i) {
    const Question& q = exam.bank.at(a.paper[i]);
    auto it = saved.find(static_cast<int>(i) + 1);
    bool right = it != saved.end() && it->second.correct;
    correct += right;
    if (it != saved.end()) {
      wrong += !right;
      times.push_back(it->second.at);
      record += fmt::format("{}:{}:{};", i + 1, it->second.choice, FormatUtc(it->second.at));
    }
    review.push_back(json::object{{"position", static_cast<int64_t>(i + 1)}, {"stem", q.stem}, {"kind", Code(q.kind)},
                                  {"options", json::array(q.options.begin(), q.options.end())},
                                  {"yours", it == saved.end() ? json::value(nullptr) : json::value(it->second.choice)},
                                  {"answer", q.answer}, {"correct", right}, {"rule", q.rule}});
  }
  absl::Time end = std::min(tx.now(), a.deadline_at);
  std::vector<std::string> flags = SpeedFlags(a.started_at, times, end, static_cast<int>(a.paper.size()));
  // The same wrong answers as another taker of this test: three or more, and most of this attempt's wrong answers.
  if (wrong >= 3) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT k2.name_masked, k2.unit_id, COUNT(*) FROM duty_answers a1 "
        "JOIN duty_answers a2 ON a2.question_id = a1.question_id AND a2.choice = a1.choice AND a2.correct = 0 "
        "AND a2.attempt_id <> a1.attempt_id "
        "JOIN duty_attempts t2 ON t2.id = a2.attempt_id JOIN duty_takers k2 ON k2.id = t2.taker_id "
        "WHERE a1.attempt_id = ? AND a1.correct = 0 AND k2.exam_id = ? AND k2.id <> ? "
        "GROUP BY a2.attempt_id, k2.name_masked, k2.unit_id HAVING COUNT(*) >= 3 ORDER BY COUNT(*) DESC LIMIT 3"));
    st.Bind(1, a.id).Bind(2, exam.id).Bind(3, taker.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      int same = static_cast<int>(st.Int(2));
      if (same * 5 >= wrong * 4)
        flags.push_back(fmt::format("{}道错题的答案与{}（{}）相同", same, st.Text(0), org::UnitName(db, st.Int(1))));
    }
  }
  int total = static_cast<int>(a.paper.size());
  int score = total ? static_cast<int>(std::lround(100.0 * correct / total)) : 0;
  bool passed = score >= exam.pass_percent;
  json::array flag_json(flags.begin(), flags.end());
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_attempts SET submitted_at = ?, correct = ?, score = ?, passed = ?, flags = ? WHERE id = ? AND submitted_at IS NULL"));
  up.Bind(1, FormatUtc(tx.now())).Bind(2, int64_t{correct}).Bind(3, int64_t{score}).Bind(4, int64_t{passed})
      .Bind(5, json::serialize(flag_json)).Bind(6, a.id);
  QF_RETURN_IF_ERROR(up.Run());
  if (db.Changes() != 1) return Conflict("duty.attempt_submitted", "本次作答已经交卷");
  QF_RETURN_IF_ERROR(tx.Append("duty.attempt_submitted", fmt::format("duty_exam/{}", exam.id),
                               {{"taker_id", taker.id}, {"attempt", a.seq}, {"correct", correct}, {"score", score},
                                {"passed", passed}, {"answers_sha256", Sha256Hex(record)}, {"flags", flag_json.size()}})
                         .status());
  a.submitted = true, a.correct = correct, a.score = score, a.passed = passed, a.flags = flag_json;
  return json::object{{"state", "submitted"}, {"attempt", a.seq}, {"correct", correct}, {"total", total}, {"score", score},
                      {"pass_percent", exam.pass_percent}, {"passed", passed}, {"review", std::move(review)}};
}

json::object PaperJson(const Exam& exam, const Attempt& a, const std::map<int, Saved>& saved, absl::Time now) {
  json::array questions;
  for (size_t i = 0; i < a.paper.size(); ++i) {
    json::object q = QuestionJson(exam.bank.at(a.paper[i]), false);
    q.erase("id");
    q["position"] = static_cast<int64_t>(i + 1);
    auto it = saved.find(static_cast<int>(i) + 1);
    q["yours"] = it == saved.end() ? json::value(nullptr) : json::value(it->second.choice);
    questions.push_back(std::move(q));
  }
  return json::object{{"state", "open"}, {"title", exam.title}, {"attempt", a.seq}, {"attempts", exam.attempts},
                      {"started_at", FormatUtc(a.started_at)}, {"deadline_at", FormatUtc(a.deadline_at)},
                      {"seconds_left", std::max<int64_t>(0, absl::ToInt64Seconds(a.deadline_at - now))},
                      {"questions", std::move(questions)}};
}

absl::StatusOr<std::optional<Attempt>> OpenAttempt(Db& db, int64_t taker) {
  QF_ASSIGN_OR_RETURN(auto all, AttemptsOf(db, taker));
  for (auto& a : all)
    if (!a.submitted) return std::optional<Attempt>(a);
  return std::optional<Attempt>();
}

}  // namespace

// ---- The bank ----

absl::StatusOr<json::object> ImportQuestions(Tx& tx, const std::vector<Question>& questions) {
  Db& db = tx.db();
  int added = 0, updated = 0;
  for (const Question& q : questions) {
    QF_ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT id FROM duty_questions WHERE stem = ?"));
    find.Bind(1, q.stem);
    QF_ASSIGN_OR_RETURN(auto ids, find.Ints());
    std::string options = json::serialize(json::array(q.options.begin(), q.options.end()));
    if (ids.empty()) {
      QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
          "INSERT INTO duty_questions(kind, stem, options, answer, rule, updated_at) VALUES(?,?,?,?,?,?)"));
      ins.Bind(1, Code(q.kind)).Bind(2, q.stem).Bind(3, options).Bind(4, q.answer).Bind(5, q.rule).Bind(6, FormatUtc(tx.now()));
      QF_RETURN_IF_ERROR(ins.Run());
      ++added;
    } else {
      QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
          "UPDATE duty_questions SET kind = ?, options = ?, answer = ?, rule = ?, active = 1, updated_at = ? WHERE id = ?"));
      up.Bind(1, Code(q.kind)).Bind(2, options).Bind(3, q.answer).Bind(4, q.rule).Bind(5, FormatUtc(tx.now())).Bind(6, ids[0]);
      QF_RETURN_IF_ERROR(up.Run());
      ++updated;
    }
  }
  QF_RETURN_IF_ERROR(tx.Append("duty.questions_imported", "duty_questions", {{"added", added}, {"updated", updated}}).status());
  return json::object{{"added", added}, {"updated", updated}};
}

absl::StatusOr<QuestionInput> ParseQuestion(const json::object& body) {
  JsonInput in(body);
  QuestionInput q;
  q.kind = in.Enum("kind", true, {"single", "multiple", "judge"}).value_or("");
  q.stem = in.Str("stem", true, 500).value_or("");
  q.answer = in.Str("answer", true, 12).value_or("");
  q.rule = in.Str("rule", true, 200).value_or("");
  q.active = in.Bool("active", false).value_or(true);
  if (const json::value* v = in.Raw("options"); v && v->is_array()) {
    for (const auto& o : v->as_array())
      if (o.is_string() && !Trim(o.as_string()).empty()) q.options.emplace_back(Trim(o.as_string()));
  }
  if (q.kind != "judge" && (q.options.size() < 2 || q.options.size() > 6)) in.Fail("options", "选择题应有 2 至 6 个选项");
  if (in.ok()) {
    Question probe;
    probe.kind = KindOf(q.kind).value_or(QuestionKind::kSingle);
    probe.options = q.options;
    auto a = NormaliseChoice(probe, q.answer);
    if (!a) in.Fail("answer", "答案与题型和选项不符");
    else q.answer = *a;
  }
  QF_RETURN_IF_ERROR(in.Finish("duty.question"));
  return q;
}

absl::StatusOr<json::object> SaveQuestion(Tx& tx, int64_t id, const QuestionInput& q) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_questions SET kind = ?, stem = ?, options = ?, answer = ?, rule = ?, active = ?, updated_at = ? WHERE id = ?"));
  up.Bind(1, q.kind).Bind(2, q.stem).Bind(3, json::serialize(json::array(q.options.begin(), q.options.end())))
      .Bind(4, q.answer).Bind(5, q.rule).Bind(6, int64_t{q.active}).Bind(7, FormatUtc(tx.now())).Bind(8, id);
  QF_RETURN_IF_ERROR(up.Run());
  if (db.Changes() != 1) return NotFound("duty.question_not_found", "题目不存在");
  QF_RETURN_IF_ERROR(tx.Append("duty.question_saved", fmt::format("duty_question/{}", id),
                               {{"stem_sha256", Sha256Hex(q.stem)}, {"answer", q.answer}, {"active", q.active}})
                         .status());
  return json::object{{"id", id}, {"active", q.active}};
}

absl::StatusOr<json::object> Questions(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, kind, stem, options, answer, rule, active FROM duty_questions ORDER BY id"));
  json::array items;
  int64_t active = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value options = json::parse(st.Text(3), ec);
    if (ec) options = json::array();
    active += st.Int(6);
    items.push_back(json::object{{"id", st.Int(0)}, {"kind", st.Text(1)}, {"stem", st.Text(2)}, {"options", options},
                                 {"answer", st.Text(4)}, {"rule", st.Text(5)}, {"active", st.Int(6) != 0}});
  }
  return json::object{{"active", active}, {"items", std::move(items)}};
}

// ---- Tests ----

absl::StatusOr<ExamRequest> ParseExam(const json::object& body) {
  JsonInput in(body);
  ExamRequest r;
  r.title = in.Str("title", true, 100).value_or("");
  for (auto [key, field] : {std::pair{"opens_at", &r.opens_at}, {"closes_at", &r.closes_at}}) {
    auto text = in.Str(key, true, 40);
    if (text && !text->empty()) {
      if (auto t = ParseUtc(*text)) *field = *t;
      else in.Fail(key, "应为 ISO 8601 时间");
    }
  }
  r.minutes = static_cast<int>(in.Int("minutes", true, 5, 240).value_or(30));
  r.questions = static_cast<int>(in.Int("questions", true, 5, 100).value_or(10));
  r.pass_percent = static_cast<int>(in.Int("pass_percent", true, 1, 100).value_or(60));
  r.attempts = static_cast<int>(in.Int("attempts", false, 1, 5).value_or(1));
  if (in.ok() && r.closes_at <= r.opens_at) in.Fail("closes_at", "结束时间应晚于开始时间");
  QF_RETURN_IF_ERROR(in.Finish("duty.exam"));
  return r;
}

absl::StatusOr<json::object> CreateExam(Tx& tx, const ExamRequest& r, const Principal& who) {
  if (!Office(who)) return Forbidden("duty.exam_scope", "测试由纪检监察室组织");
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, kind, stem, options, answer, rule FROM duty_questions WHERE active = 1 ORDER BY id"));
  json::array bank;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value options = json::parse(st.Text(3), ec);
    if (ec) options = json::array();
    bank.push_back(json::object{{"id", st.Int(0)}, {"kind", st.Text(1)}, {"stem", st.Text(2)}, {"options", options},
                                {"answer", st.Text(4)}, {"rule", st.Text(5)}});
  }
  if (static_cast<int>(bank.size()) < r.questions)
    return Invalid("duty.exam", "题库中的有效题目不足", {{"questions", fmt::format("题库只有 {} 道有效题目", bank.size())}});
  uint8_t raw[32];
  RandomBytes(raw, sizeof raw);
  std::string seed = Hex(raw, sizeof raw);
  std::string bank_text = json::serialize(bank), bank_hash = Sha256Hex(bank_text);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_exams(title, opens_at, closes_at, minutes, questions, pass_percent, attempts, seed, bank, bank_sha256, "
      "created_by, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, r.title).Bind(2, FormatUtc(r.opens_at)).Bind(3, FormatUtc(r.closes_at)).Bind(4, int64_t{r.minutes})
      .Bind(5, int64_t{r.questions}).Bind(6, int64_t{r.pass_percent}).Bind(7, int64_t{r.attempts}).Bind(8, seed)
      .Bind(9, bank_text).Bind(10, bank_hash).Bind(11, who.account_id).Bind(12, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  QF_RETURN_IF_ERROR(tx.Append("duty.exam_created", fmt::format("duty_exam/{}", ids.at(0)),
                               {{"title", r.title}, {"bank_sha256", bank_hash}, {"bank", bank.size()},
                                {"seed_sha256", Sha256Hex(seed)}, {"questions", r.questions}, {"minutes", r.minutes}})
                         .status());
  return json::object{{"id", ids.at(0)}, {"bank", static_cast<int64_t>(bank.size())}, {"bank_sha256", bank_hash}};
}

absl::StatusOr<json::object> Enrol(Tx& tx, int64_t exam_id, const std::vector<int64_t>& unit_ids, const Principal& who) {
  if (!Office(who)) return Forbidden("duty.exam_scope", "测试由纪检监察室组织");
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, exam_id));
  if (unit_ids.empty()) return Invalid("duty.enrol", "请选择参加测试的单位", {{"unit_ids", "至少一个单位"}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT p.id, p.name, p.unit_id, COALESCE(u.name, '') FROM org_people p LEFT JOIN org_units u ON u.id = p.unit_id "
      "WHERE p.unit_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) "
      "AND NOT EXISTS (SELECT 1 FROM duty_takers k WHERE k.exam_id = ? AND k.person_id = p.id) ORDER BY p.unit_id, p.id"));
  st.Bind(1, json::serialize(json::array(unit_ids.begin(), unit_ids.end()))).Bind(2, exam_id);
  struct Person {
    int64_t id, unit;
    std::string name, unit_name;
  };
  std::vector<Person> people;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    people.push_back({st.Int(0), st.Int(2), st.Text(1), st.Text(3)});
  }
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_takers(exam_id, code_hash, person_id, name_masked, unit_id) VALUES(?,?,?,?,?)"));
  json::array codes;
  for (const Person& p : people) {
    std::string code = NewReceiptCode();
    ins.Reset();
    ins.Bind(1, exam_id).Bind(2, CodeHash(code)).Bind(3, p.id).Bind(4, MaskName(p.name)).Bind(5, p.unit);
    QF_RETURN_IF_ERROR(ins.Run());
    codes.push_back(json::object{{"name", p.name}, {"unit", p.unit_name}, {"code", DisplayReceiptCode(code)}});
  }
  QF_RETURN_IF_ERROR(tx.Append("duty.exam_enrolled", fmt::format("duty_exam/{}", exam_id),
                               {{"units", json::array(unit_ids.begin(), unit_ids.end())}, {"people", people.size()}})
                         .status());
  return json::object{{"exam_id", exam_id}, {"title", exam.title}, {"enrolled", static_cast<int64_t>(people.size())},
                      {"codes", std::move(codes)}};
}

absl::StatusOr<json::object> StartAttempt(Tx& tx, const std::string& code) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Taker taker, TakerByCode(db, code));
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, taker.exam_id));
  absl::Time now = tx.now();
  QF_ASSIGN_OR_RETURN(auto all, AttemptsOf(db, taker.id));
  for (auto& a : all) {
    if (a.submitted) continue;
    if (now <= a.deadline_at) {
      QF_ASSIGN_OR_RETURN(auto saved, AnswersOf(db, a.id));
      return PaperJson(exam, a, saved, now);
    }
    QF_RETURN_IF_ERROR(Finish(tx, exam, taker, a).status());  // its time ran out while away: scored as it stood
  }
  if (now < exam.opens_at) return Conflict("duty.exam_not_open", fmt::format("测试将于 {} 开始", FormatUtc(exam.opens_at)));
  if (now >= exam.closes_at) return Conflict("duty.exam_closed", "测试已经结束");
  if (static_cast<int>(all.size()) >= exam.attempts) return Conflict("duty.no_attempts", "已用完本次测试的作答次数");
  Attempt a;
  a.seq = static_cast<int>(all.size()) + 1;
  a.seed = AttemptSeedHex(exam.seed, taker.id, a.seq);
  a.paper = DrawPaper(exam.BankIds(), a.seed, exam.questions);
  a.started_at = now;
  a.deadline_at = std::min(now + absl::Minutes(exam.minutes), exam.closes_at);
  std::string paper = json::serialize(json::array(a.paper.begin(), a.paper.end()));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_attempts(taker_id, seq, seed, paper, started_at, deadline_at) VALUES(?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, taker.id).Bind(2, int64_t{a.seq}).Bind(3, a.seed).Bind(4, paper).Bind(5, FormatUtc(a.started_at))
      .Bind(6, FormatUtc(a.deadline_at));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  a.id = ids.at(0);
  QF_RETURN_IF_ERROR(tx.Append("duty.attempt_started", fmt::format("duty_exam/{}", exam.id),
                               {{"taker_id", taker.id}, {"attempt", a.seq}, {"paper_sha256", Sha256Hex(paper)},
                                {"deadline_at", FormatUtc(a.deadline_at)}})
                         .status());
  return PaperJson(exam, a, {}, now);
}

absl::StatusOr<json::object> SaveAnswer(Tx& tx, const std::string& code, int position, const std::string& choice) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Taker taker, TakerByCode(db, code));
  QF_ASSIGN_OR_RETURN(auto open, OpenAttempt(db, taker.id));
  if (!open) return Conflict("duty.no_attempt", "没有正在进行的作答，请先开始测试");
  // The server's clock decides: an answer after the time is refused and nothing is saved.
  if (tx.now() > open->deadline_at) return Conflict("duty.time_up", "作答时间已到，本题答案未保存，请交卷");
  if (position < 1 || position > static_cast<int>(open->paper.size()))
    return Invalid("duty.answer", "题号不正确", {{"position", fmt::format("应为 1 至 {}", open->paper.size())}});
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, taker.exam_id));
  const Question& q = exam.bank.at(open->paper[position - 1]);
  auto normal = NormaliseChoice(q, choice);
  if (!normal) return Invalid("duty.answer", "答案格式不正确", {{"choice", q.kind == QuestionKind::kJudge ? "应为对或错" : "应为选项字母"}});
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "INSERT INTO duty_answers(attempt_id, position, question_id, choice, correct, answered_at) VALUES(?,?,?,?,?,?) "
      "ON CONFLICT(attempt_id, position) DO UPDATE SET choice = excluded.choice, correct = excluded.correct, "
      "answered_at = excluded.answered_at"));
  up.Bind(1, open->id).Bind(2, int64_t{position}).Bind(3, q.id).Bind(4, *normal).Bind(5, int64_t{*normal == q.answer})
      .Bind(6, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(up.Run());
  return json::object{{"position", position}, {"choice", *normal}, {"answered_at", FormatUtc(tx.now())},
                      {"seconds_left", std::max<int64_t>(0, absl::ToInt64Seconds(open->deadline_at - tx.now()))}};
}

absl::StatusOr<json::object> Submit(Tx& tx, const std::string& code) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Taker taker, TakerByCode(db, code));
  QF_ASSIGN_OR_RETURN(auto open, OpenAttempt(db, taker.id));
  if (!open) return Conflict("duty.no_attempt", "没有正在进行的作答");
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, taker.exam_id));
  return Finish(tx, exam, taker, *open);
}

absl::StatusOr<json::object> ExamView(Db& db, int64_t exam_id) {
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, exam_id));
  json::object out{{"id", exam.id}, {"title", exam.title}, {"opens_at", FormatUtc(exam.opens_at)},
                   {"closes_at", FormatUtc(exam.closes_at)}, {"minutes", exam.minutes}, {"questions", exam.questions},
                   {"pass_percent", exam.pass_percent}, {"attempts", exam.attempts},
                   {"bank", static_cast<int64_t>(exam.bank.size())}, {"seed", exam.seed}};
  // Each taker's best submitted attempt.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT k.id, k.unit_id, COALESCE(u.name, ''), COALESCE(p.name, ''), MAX(t.score), MAX(t.passed), COUNT(t.id) "
      "FROM duty_takers k LEFT JOIN duty_attempts t ON t.taker_id = k.id AND t.submitted_at IS NOT NULL "
      "LEFT JOIN org_units u ON u.id = k.unit_id LEFT JOIN org_people p ON p.id = k.person_id "
      "WHERE k.exam_id = ? GROUP BY k.id, k.unit_id, u.name, p.name ORDER BY k.id"));
  st.Bind(1, exam_id);
  int64_t enrolled = 0, tested = 0, passed = 0, sum = 0;
  int buckets[5] = {0, 0, 0, 0, 0};
  struct UnitCount {
    int64_t enrolled = 0, tested = 0, passed = 0;
  };
  std::map<std::string, UnitCount> units;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++enrolled;
    UnitCount& u = units[st.Text(2)];
    ++u.enrolled;
    if (st.Int(6) == 0) continue;
    ++tested, ++u.tested;
    int64_t score = st.Int(4);
    sum += score;
    if (st.Int(5)) ++passed, ++u.passed;
    buckets[score < 60 ? 0 : score < 70 ? 1 : score < 80 ? 2 : score < 90 ? 3 : 4]++;
  }
  out["enrolled"] = enrolled;
  out["tested"] = tested;
  out["passed"] = passed;
  out["pass_rate"] = tested ? std::round(1000.0 * passed / tested) / 10 : 0.0;
  out["average"] = tested ? std::round(10.0 * sum / tested) / 10 : 0.0;
  out["distribution"] = json::array{json::object{{"band", "<60"}, {"count", buckets[0]}}, json::object{{"band", "60-69"}, {"count", buckets[1]}},
                                    json::object{{"band", "70-79"}, {"count", buckets[2]}}, json::object{{"band", "80-89"}, {"count", buckets[3]}},
                                    json::object{{"band", "90-100"}, {"count", buckets[4]}}};
  json::array by_unit;
  for (const auto& [name, u] : units)
    by_unit.push_back(json::object{{"unit", name}, {"enrolled", u.enrolled}, {"tested", u.tested}, {"passed", u.passed}});
  out["by_unit"] = std::move(by_unit);
  // The questions most often missed in submitted attempts.
  QF_ASSIGN_OR_RETURN(auto mq, db.Prepare(
      "SELECT a.question_id, COUNT(*), SUM(a.correct) FROM duty_answers a JOIN duty_attempts t ON t.id = a.attempt_id "
      "JOIN duty_takers k ON k.id = t.taker_id WHERE k.exam_id = ? AND t.submitted_at IS NOT NULL GROUP BY a.question_id"));
  mq.Bind(1, exam_id);
  struct Missed {
    int64_t id, answered, right;
  };
  std::vector<Missed> missed;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, mq.Step());
    if (!row) break;
    missed.push_back({mq.Int(0), mq.Int(1), mq.Int(2)});
  }
  std::sort(missed.begin(), missed.end(), [](const Missed& a, const Missed& b) {
    return (a.answered - a.right) * b.answered > (b.answered - b.right) * a.answered;
  });
  json::array most;
  for (size_t i = 0; i < missed.size() && i < 5; ++i) {
    auto it = exam.bank.find(missed[i].id);
    if (it == exam.bank.end()) continue;
    most.push_back(json::object{{"stem", it->second.stem}, {"rule", it->second.rule}, {"answer", it->second.answer},
                                {"answered", missed[i].answered}, {"missed", missed[i].answered - missed[i].right}});
  }
  out["most_missed"] = std::move(most);
  // Flagged attempts, for review.
  QF_ASSIGN_OR_RETURN(auto fl, db.Prepare(
      "SELECT t.id, t.seq, t.score, t.flags, t.submitted_at, COALESCE(p.name, ''), COALESCE(u.name, '') FROM duty_attempts t "
      "JOIN duty_takers k ON k.id = t.taker_id LEFT JOIN org_people p ON p.id = k.person_id "
      "LEFT JOIN org_units u ON u.id = k.unit_id WHERE k.exam_id = ? AND t.flags <> '[]' ORDER BY t.id"));
  fl.Bind(1, exam_id);
  json::array flagged;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, fl.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value flags = json::parse(fl.Text(3), ec);
    flagged.push_back(json::object{{"attempt_id", fl.Int(0)}, {"attempt", fl.Int(1)}, {"score", fl.Int(2)},
                                   {"flags", ec ? json::value(json::array()) : flags}, {"submitted_at", fl.Text(4)},
                                   {"person", fl.Text(5)}, {"unit", fl.Text(6)}});
  }
  out["flagged"] = std::move(flagged);
  return out;
}

absl::StatusOr<json::object> Exams(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.id, e.title, e.opens_at, e.closes_at, e.questions, e.pass_percent, "
      "(SELECT COUNT(*) FROM duty_takers k WHERE k.exam_id = e.id), "
      "(SELECT COUNT(DISTINCT k.id) FROM duty_takers k JOIN duty_attempts t ON t.taker_id = k.id "
      " WHERE k.exam_id = e.id AND t.submitted_at IS NOT NULL) FROM duty_exams e ORDER BY e.id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"opens_at", st.Text(2)}, {"closes_at", st.Text(3)},
                                 {"questions", st.Int(4)}, {"pass_percent", st.Int(5)}, {"enrolled", st.Int(6)},
                                 {"tested", st.Int(7)}});
  }
  return json::object{{"items", std::move(items)}};
}

absl::StatusOr<bool> PaperReproduces(Db& db, int64_t attempt_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT k.id, k.exam_id, t.seq, t.seed, t.paper FROM duty_attempts t JOIN duty_takers k ON k.id = t.taker_id WHERE t.id = ?"));
  st.Bind(1, attempt_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.attempt_not_found", "作答记录不存在");
  int64_t taker = st.Int(0), exam_id = st.Int(1);
  int seq = static_cast<int>(st.Int(2));
  std::string seed = st.Text(3), paper = st.Text(4);
  st.Reset();
  QF_ASSIGN_OR_RETURN(Exam exam, MustExam(db, exam_id));
  std::vector<int64_t> again = DrawPaper(exam.BankIds(), AttemptSeedHex(exam.seed, taker, seq), exam.questions);
  return seed == AttemptSeedHex(exam.seed, taker, seq) && json::serialize(json::array(again.begin(), again.end())) == paper;
}

}  // namespace qf::duty
