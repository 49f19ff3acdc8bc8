// The year-end evaluation: opening it with the scheme frozen, the computed items measured from the records (the
// measures live with the records they count: cases/record.h, inspect/record.h; the plan's, letters' and tests' here),
// the office's scores, finalisation with totals and bands, the year's list and one unit's sheet.
#include <algorithm>
#include <map>

#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "inspect/record.h"

namespace qf::duty {

namespace json = boost::json;

absl::StatusOr<UnitRow> MustUnit(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, name, kind, COALESCE(district, '') FROM org_units WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.unit_not_found", "单位不存在");
  return UnitRow{st.Int(0), st.Text(1), st.Text(2), st.Text(3)};
}

absl::StatusOr<std::vector<int64_t>> ScopeOf(Db& db, const UnitRow& u) {
  std::vector<int64_t> scope{u.id};
  if (u.kind != "district_bureau" || u.district.empty()) return scope;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id FROM org_units WHERE district = ? AND kind = 'school' AND active = 1 ORDER BY id"));
  st.Bind(1, u.district);
  QF_ASSIGN_OR_RETURN(auto schools, st.Ints());
  scope.insert(scope.end(), schools.begin(), schools.end());
  return scope;
}

namespace {

std::string EvaluationSubject(int64_t id) { return fmt::format("duty_evaluation/{}", id); }

struct EvalRow {
  int64_t id = 0;
  int year = 0;
  std::string title, state, scheme_text;
  absl::CivilDay as_of;
  EvalScheme scheme;
};

absl::StatusOr<EvalRow> MustEvaluation(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, year, title, state, scheme, as_of FROM duty_evaluations WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.evaluation_not_found", "考核不存在");
  EvalRow e{st.Int(0), static_cast<int>(st.Int(1)), st.Text(2), st.Text(3), st.Text(4), {}, {}};
  QF_ASSIGN_OR_RETURN(e.as_of, StoredDay(st.Text(5)));
  auto scheme = EvalScheme::Parse(e.scheme_text, "duty_evaluations.scheme");
  if (!scheme.ok()) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_scheme", "无法读取存储的考核表");
  e.scheme = std::move(*scheme);
  return e;
}

// The plan's deadlines `unit` leads that fell due by `to`, done late or overdue as of `to`.
absl::StatusOr<std::vector<cases::RecordRef>> LateTasks(Db& db, int64_t unit, int year, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT t.id, t.title, d.period, d.due_on, d.status, COALESCE(d.reported_on, '') FROM duty_tasks t "
      "JOIN duty_deadlines d ON d.task_id = t.id JOIN duty_areas a ON a.id = t.area_id "
      "JOIN duty_plans p ON p.id = a.plan_id WHERE t.lead_unit_id = ? AND p.year = ? AND d.due_on <= ? "
      "ORDER BY d.due_on, t.id"));
  st.Bind(1, unit).Bind(2, int64_t{year}).Bind(3, FormatDay(to));
  std::vector<cases::RecordRef> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(absl::CivilDay due, StoredDay(st.Text(3)));
    QF_ASSIGN_OR_RETURN(DeadlineState state, ParseDeadlineState(st.Text(4)));
    std::optional<absl::CivilDay> reported = ParseDay(st.Text(5));
    if (reported && *reported > to) state = DeadlineState::kOpen, reported.reset();
    Progress p = ProgressOf(state, due, reported, to + 1);
    if (p != Progress::kDoneLate && p != Progress::kOverdue) continue;
    std::string period = st.Text(2).empty() ? "" : "（" + st.Text(2) + "）";
    out.push_back({"task", std::to_string(st.Int(0)), fmt::format("{}{}：{}", st.Text(1), period, Label(p)), st.Text(3)});
  }
  return out;
}

// The year's letters of the scope's units not signed by their day (as of `to`).
absl::StatusOr<std::vector<cases::RecordRef>> UnsignedLetters(Db& db, const std::vector<int64_t>& scope, int year,
                                                              absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT l.id, u.name, l.due_on, COALESCE(l.signed_at, '') FROM duty_letters l JOIN org_units u ON u.id = l.unit_id "
      "WHERE l.year = ? AND l.unit_id = ?"));
  std::vector<cases::RecordRef> out;
  for (int64_t unit : scope) {
    st.Reset();
    st.Bind(1, int64_t{year}).Bind(2, unit);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) continue;
    QF_ASSIGN_OR_RETURN(absl::CivilDay due, StoredDay(st.Text(2)));
    auto signed_at = ParseUtc(st.Text(3));
    bool late = signed_at && CstDay(*signed_at) <= to ? CstDay(*signed_at) > due : due < to;
    if (late)
      out.push_back({"letter", std::to_string(st.Int(0)),
                     fmt::format("{}：{}", st.Text(1), signed_at ? "逾期签订" : "未签订"), st.Text(2)});
  }
  return out;
}

// Of the scope's people enrolled in the year's tests (closed by `to`), how many passed, test by test.
absl::StatusOr<Measured> PassRate(Db& db, const std::vector<int64_t>& scope, int year, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.id, e.title, COUNT(*), SUM(CASE WHEN EXISTS(SELECT 1 FROM duty_attempts a WHERE a.taker_id = k.id "
      "AND a.passed = 1) THEN 1 ELSE 0 END) FROM duty_takers k JOIN duty_exams e ON e.id = k.exam_id "
      "WHERE k.unit_id = ? AND e.closes_at >= ? AND e.closes_at < ? GROUP BY e.id, e.title"));
  std::string from = FormatUtc(CstStart(absl::CivilDay(year, 1, 1)));
  std::string until = FormatUtc(CstStart(std::min(to, absl::CivilDay(year, 12, 31)) + 1));
  Measured m;
  std::map<int64_t, std::pair<std::string, std::pair<int, int>>> by_exam;
  for (int64_t unit : scope) {
    st.Reset();
    st.Bind(1, unit).Bind(2, from).Bind(3, until);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto& e = by_exam[st.Int(0)];
      e.first = st.Text(1);
      e.second.first += static_cast<int>(st.Int(2));
      e.second.second += static_cast<int>(st.Int(3));
    }
  }
  for (const auto& [id, e] : by_exam) {
    m.of += e.second.first, m.count += e.second.second;
    m.refs.push_back({"exam", std::to_string(id), fmt::format("{}：应考 {} 人，合格 {} 人", e.first, e.second.first,
                                                             e.second.second), ""});
  }
  return m;
}

absl::StatusOr<Measured> MeasureOf(Db& db, Measure measure, const UnitRow& u, const std::vector<int64_t>& scope,
                                   int year, absl::CivilDay to) {
  absl::CivilDay from(year, 1, 1);
  Measured m;
  switch (measure) {
    case Measure::kSubstantiatedComplaints: {
      QF_ASSIGN_OR_RETURN(m.refs, cases::Substantiated(db, scope, from, to));
      break;
    }
    case Measure::kOverdueCases: {
      QF_ASSIGN_OR_RETURN(m.refs, cases::Overdue(db, u.id, from, to));
      break;
    }
    case Measure::kLateRectifications: {
      QF_ASSIGN_OR_RETURN(m.refs, inspect::LateRectifications(db, scope, from, to));
      break;
    }
    case Measure::kVetoes: {
      QF_ASSIGN_OR_RETURN(m.refs, inspect::Vetoes(db, scope, year));
      break;
    }
    case Measure::kLateTasks: {
      QF_ASSIGN_OR_RETURN(m.refs, LateTasks(db, u.id, year, to));
      break;
    }
    case Measure::kUnsignedLetters: {
      QF_ASSIGN_OR_RETURN(m.refs, UnsignedLetters(db, scope, year, to));
      break;
    }
    case Measure::kTestPassRate: return PassRate(db, scope, year, to);
  }
  m.count = static_cast<int>(m.refs.size());
  return m;
}

json::array RefsJson(const std::vector<cases::RecordRef>& refs) {
  json::array out;
  for (const auto& r : refs)
    out.push_back(json::object{{"kind", r.kind}, {"ref", r.ref}, {"label", r.label}, {"day", r.day}});
  return out;
}

// Computes every computed item of every unit of the evaluation as of `to`; returns how many scores changed.
absl::StatusOr<int> ComputeAll(Tx& tx, const EvalRow& e, absl::CivilDay to) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto units, db.Prepare("SELECT unit_id FROM duty_evaluation_units WHERE evaluation_id = ? ORDER BY unit_id"));
  units.Bind(1, e.id);
  QF_ASSIGN_OR_RETURN(auto ids, units.Ints());
  QF_ASSIGN_OR_RETURN(auto old, db.Prepare(
      "SELECT COALESCE(score, -1) FROM duty_evaluation_scores WHERE evaluation_id = ? AND unit_id = ? AND item = ?"));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_evaluation_scores SET score = ?, computation = ?, refs = ?, scored_at = ? "
      "WHERE evaluation_id = ? AND unit_id = ? AND item = ?"));
  int changed = 0;
  for (int64_t id : ids) {
    QF_ASSIGN_OR_RETURN(UnitRow u, MustUnit(db, id));
    const EvalTable* table = e.scheme.For(u.kind);
    if (!table) continue;
    QF_ASSIGN_OR_RETURN(auto scope, ScopeOf(db, u));
    for (const EvalItem& item : table->items) {
      if (!item.measure) continue;
      QF_ASSIGN_OR_RETURN(Measured m, MeasureOf(db, *item.measure, u, scope, e.year, to));
      Scored s = Score(item, m);
      old.Reset();
      old.Bind(1, e.id).Bind(2, id).Bind(3, item.id);
      QF_ASSIGN_OR_RETURN(auto before, old.Ints());
      if (before.empty() || before[0] != s.score) ++changed;
      up.Reset();
      up.Bind(1, int64_t{s.score}).Bind(2, s.computation).Bind(3, json::serialize(RefsJson(m.refs)))
          .Bind(4, FormatUtc(tx.now())).Bind(5, e.id).Bind(6, id).Bind(7, item.id);
      QF_RETURN_IF_ERROR(up.Run());
    }
  }
  QF_ASSIGN_OR_RETURN(auto as_of, db.Prepare("UPDATE duty_evaluations SET as_of = ? WHERE id = ?"));
  as_of.Bind(1, FormatDay(to)).Bind(2, e.id);
  QF_RETURN_IF_ERROR(as_of.Run());
  return changed;
}

// The day computed items are measured through: today, or the year's last day once it is past.
absl::CivilDay AsOf(int year, absl::Time now) { return std::min(CstDay(now), absl::CivilDay(year, 12, 31)); }

absl::Status MustBeDraft(const EvalRow& e) {
  if (e.state != "draft") return Conflict("duty.evaluation_final", "考核已经定档，不能再修改");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EvaluationRequest> ParseEvaluation(const json::object& body) {
  JsonInput in(body);
  EvaluationRequest r;
  r.year = static_cast<int>(in.Int("year", true, 2000, 2100).value_or(0));
  const json::value* kinds = in.Raw("kinds");
  if (!kinds || kinds->is_null()) {
    r.kinds = {"division", "district_bureau"};
  } else if (!kinds->is_array() || kinds->as_array().empty()) {
    in.Fail("kinds", "应为 division、district_bureau、school 中的一个或几个");
  } else {
    for (const auto& k : kinds->as_array()) {
      std::string kind = k.is_string() ? std::string(k.as_string()) : "";
      if (kind != "division" && kind != "district_bureau" && kind != "school")
        in.Fail("kinds", "应为 division、district_bureau、school 中的一个或几个");
      else if (std::find(r.kinds.begin(), r.kinds.end(), kind) == r.kinds.end())
        r.kinds.push_back(kind);
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("duty.evaluation"));
  return r;
}

absl::StatusOr<json::object> CreateEvaluation(Tx& tx, const DutyEnv&, const std::string& scheme_text,
                                              const EvaluationRequest& r, const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.evaluation_scope", "考核由纪检监察室组织");
  QF_ASSIGN_OR_RETURN(EvalScheme scheme, EvalScheme::Parse(scheme_text, "evaluation.toml"));
  if (absl::CivilDay(r.year, 1, 1) > CstDay(tx.now()))
    return Invalid("duty.evaluation", "该年度尚未开始", {{"year", "不能考核尚未开始的年度"}});
  for (const auto& kind : r.kinds)
    if (!scheme.For(kind)) return Invalid("duty.evaluation", "考核表没有这类单位", {{"kinds", kind}});
  QF_ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT id FROM duty_evaluations WHERE year = ?"));
  exists.Bind(1, int64_t{r.year});
  QF_ASSIGN_OR_RETURN(auto found, exists.Ints());
  if (!found.empty()) return Conflict("duty.evaluation_exists", fmt::format("{}年度的考核已经开始", r.year));
  absl::CivilDay to = AsOf(r.year, tx.now());
  std::string title = fmt::format("{}年度{}", r.year, scheme.title), hash = Sha256Hex(scheme_text);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_evaluations(year, title, scheme, scheme_sha256, state, as_of, created_by, created_at) "
      "VALUES(?,?,?,?,'draft',?,?,?) RETURNING id"));
  ins.Bind(1, int64_t{r.year}).Bind(2, title).Bind(3, scheme_text).Bind(4, hash).Bind(5, FormatDay(to))
      .Bind(6, who.account_id).Bind(7, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  int64_t id = ids.at(0);
  QF_ASSIGN_OR_RETURN(auto units, db.Prepare("SELECT id, kind FROM org_units WHERE active = 1 AND kind = ? ORDER BY id"));
  QF_ASSIGN_OR_RETURN(auto add_unit, db.Prepare("INSERT INTO duty_evaluation_units(evaluation_id, unit_id, kind) VALUES(?,?,?)"));
  QF_ASSIGN_OR_RETURN(auto add_item, db.Prepare(
      "INSERT INTO duty_evaluation_scores(evaluation_id, unit_id, item) VALUES(?,?,?)"));
  int count = 0;
  for (const auto& kind : r.kinds) {
    units.Reset();
    units.Bind(1, kind);
    QF_ASSIGN_OR_RETURN(auto unit_ids, units.Ints());
    for (int64_t unit : unit_ids) {
      ++count;
      add_unit.Reset();
      add_unit.Bind(1, id).Bind(2, unit).Bind(3, kind);
      QF_RETURN_IF_ERROR(add_unit.Run());
      for (const EvalItem& item : scheme.For(kind)->items) {
        add_item.Reset();
        add_item.Bind(1, id).Bind(2, unit).Bind(3, item.id);
        QF_RETURN_IF_ERROR(add_item.Run());
      }
    }
  }
  if (count == 0) return Invalid("duty.evaluation", "没有可考核的单位", {{"kinds", "这些类型下没有在用的单位"}});
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(db, id));
  QF_RETURN_IF_ERROR(ComputeAll(tx, e, to).status());
  QF_RETURN_IF_ERROR(tx.Append("duty.evaluation_opened", EvaluationSubject(id),
                               {{"year", r.year}, {"scheme_sha256", hash}, {"units", count}, {"as_of", FormatDay(to)}})
                         .status());
  return json::object{{"id", id}, {"year", r.year}, {"units", count}, {"as_of", FormatDay(to)}};
}

absl::StatusOr<json::object> Recompute(Tx& tx, const DutyEnv&, int64_t evaluation_id, const Principal& who) {
  if (!Office(who)) return Forbidden("duty.evaluation_scope", "考核由纪检监察室组织");
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(tx.db(), evaluation_id));
  QF_RETURN_IF_ERROR(MustBeDraft(e));
  absl::CivilDay to = AsOf(e.year, tx.now());
  QF_ASSIGN_OR_RETURN(int changed, ComputeAll(tx, e, to));
  QF_RETURN_IF_ERROR(tx.Append("duty.evaluation_recomputed", EvaluationSubject(e.id), {{"as_of", FormatDay(to)}, {"changed", changed}})
                         .status());
  return json::object{{"id", e.id}, {"as_of", FormatDay(to)}, {"changed", changed}};
}

absl::StatusOr<ItemScore> ParseItemScore(const json::object& body) {
  JsonInput in(body);
  ItemScore s;
  s.score = static_cast<int>(in.Int("score", true, 0, 100).value_or(0));
  s.note = in.Str("note", false, 2000).value_or("");
  s.links = ParseLinks(in, "links", {"case", "campaign", "notice", "rectification"}, 20);
  QF_RETURN_IF_ERROR(in.Finish("duty.score"));
  return s;
}

absl::StatusOr<json::object> ScoreItem(Tx& tx, int64_t evaluation_id, int64_t unit_id, const std::string& item_id,
                                       const ItemScore& s, const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.evaluation_scope", "考核由纪检监察室评分");
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(db, evaluation_id));
  QF_ASSIGN_OR_RETURN(auto kind_st, db.Prepare("SELECT kind FROM duty_evaluation_units WHERE evaluation_id = ? AND unit_id = ?"));
  kind_st.Bind(1, e.id).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool in_eval, kind_st.Step());
  if (!in_eval) return NotFound("duty.unit_not_found", "该单位不在本次考核中");
  const EvalItem* item = e.scheme.Item(kind_st.Text(0), item_id);
  if (!item) return NotFound("duty.item_not_found", "考核项目不存在");
  QF_RETURN_IF_ERROR(MustBeDraft(e));
  if (item->measure)
    return MakeError(absl::StatusCode::kFailedPrecondition, "duty.item_computed", "该项由系统根据记录计算，不能人工评分",
                     {{"item", item->id}});
  if (s.score > item->points)
    return Invalid("duty.score", "得分超过该项分值", {{"score", fmt::format("应为 0 至 {} 分", item->points)}});
  if (s.score < item->points && Trim(s.note).empty())
    return Invalid("duty.score", "扣分须写明理由和依据", {{"note", "不能为空"}});
  QF_ASSIGN_OR_RETURN(json::array links, LabelledLinks(db, s.links, "links"));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_evaluation_scores SET score = ?, note = ?, links = ?, scored_by = ?, scored_at = ? "
      "WHERE evaluation_id = ? AND unit_id = ? AND item = ?"));
  up.Bind(1, int64_t{s.score}).Bind(2, s.note).Bind(3, json::serialize(links)).Bind(4, who.account_id)
      .Bind(5, FormatUtc(tx.now())).Bind(6, e.id).Bind(7, unit_id).Bind(8, item->id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_RETURN_IF_ERROR(tx.Append("duty.evaluation_scored", EvaluationSubject(e.id),
                               {{"unit_id", unit_id}, {"item", item->id}, {"score", s.score},
                                {"note_sha256", Sha256Hex(s.note)}, {"links", links}})
                         .status());
  return json::object{{"evaluation_id", e.id}, {"unit_id", unit_id}, {"item", item->id}, {"score", s.score}};
}

absl::StatusOr<json::object> Finalise(Tx& tx, const DutyEnv&, int64_t evaluation_id, const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.evaluation_scope", "考核由纪检监察室定档");
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(db, evaluation_id));
  QF_RETURN_IF_ERROR(MustBeDraft(e));
  absl::CivilDay to = AsOf(e.year, tx.now());
  QF_RETURN_IF_ERROR(ComputeAll(tx, e, to).status());
  QF_ASSIGN_OR_RETURN(auto unscored, db.Prepare(
      "SELECT u.name, s.item FROM duty_evaluation_scores s JOIN org_units u ON u.id = s.unit_id "
      "WHERE s.evaluation_id = ? AND s.score IS NULL ORDER BY s.unit_id, s.item"));
  unscored.Bind(1, e.id);
  std::vector<FieldError> missing;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, unscored.Step());
    if (!row) break;
    if (missing.size() < 20) missing.push_back({unscored.Text(1), unscored.Text(0) + "：尚未评分"});
    else break;
  }
  if (!missing.empty()) return MakeError(absl::StatusCode::kFailedPrecondition, "duty.evaluation_unscored", "还有项目尚未评分，不能定档",
                     std::move(missing));
  QF_ASSIGN_OR_RETURN(auto scores, db.Prepare(
      "SELECT s.unit_id, s.item, s.score, s.computation, s.note FROM duty_evaluation_scores s "
      "WHERE s.evaluation_id = ? ORDER BY s.unit_id, s.item"));
  scores.Bind(1, e.id);
  struct Total {
    int total = 0;
    bool zero = false;
  };
  std::map<int64_t, Total> totals;
  json::array sheets;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, scores.Step());
    if (!row) break;
    Total& t = totals[scores.Int(0)];
    t.total += static_cast<int>(scores.Int(2));
    t.zero = t.zero || scores.Int(2) == 0;
    sheets.push_back(json::array{scores.Int(0), scores.Text(1), scores.Int(2), scores.Text(3), scores.Text(4)});
  }
  QF_ASSIGN_OR_RETURN(auto set_unit, db.Prepare(
      "UPDATE duty_evaluation_units SET total = ?, band = ? WHERE evaluation_id = ? AND unit_id = ?"));
  std::map<std::string, int> bands;
  for (const auto& [unit, t] : totals) {
    const Band& b = BandOf(e.scheme, t.total, t.zero);
    ++bands[b.code];
    set_unit.Reset();
    set_unit.Bind(1, int64_t{t.total}).Bind(2, b.code).Bind(3, e.id).Bind(4, unit);
    QF_RETURN_IF_ERROR(set_unit.Run());
  }
  std::string hash = Sha256Hex(json::serialize(sheets));
  QF_ASSIGN_OR_RETURN(auto fin, db.Prepare(
      "UPDATE duty_evaluations SET state = 'final', finalised_at = ?, sheets_sha256 = ? WHERE id = ?"));
  fin.Bind(1, FormatUtc(tx.now())).Bind(2, hash).Bind(3, e.id);
  QF_RETURN_IF_ERROR(fin.Run());
  json::object by_band;
  for (const auto& [code, n] : bands) by_band[code] = n;
  QF_RETURN_IF_ERROR(tx.Append("duty.evaluation_finalised", EvaluationSubject(e.id),
                               {{"as_of", FormatDay(to)}, {"sheets_sha256", hash}, {"bands", by_band}})
                         .status());
  return json::object{{"id", e.id}, {"state", "final"}, {"sheets_sha256", hash}, {"bands", std::move(by_band)}};
}

absl::StatusOr<json::object> EvaluationView(Db& db, int year, const Principal& who) {
  if (!Office(who) && !who.Has(kLeader)) return NotFound("duty.evaluation_not_found", "考核不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM duty_evaluations WHERE year = ?"));
  st.Bind(1, int64_t{year});
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  if (ids.empty()) return json::object{{"year", year}, {"evaluation", nullptr}};
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(db, ids[0]));
  QF_ASSIGN_OR_RETURN(auto units, db.Prepare(
      "SELECT eu.unit_id, u.name, eu.kind, COALESCE(u.district, ''), eu.total, COALESCE(eu.band, ''), "
      "SUM(CASE WHEN s.score IS NULL THEN 1 ELSE 0 END), COALESCE(SUM(s.score), 0) FROM duty_evaluation_units eu "
      "JOIN org_units u ON u.id = eu.unit_id JOIN duty_evaluation_scores s ON s.evaluation_id = eu.evaluation_id "
      "AND s.unit_id = eu.unit_id WHERE eu.evaluation_id = ? "
      "GROUP BY eu.unit_id, u.name, eu.kind, u.district, eu.total, eu.band, u.code ORDER BY eu.kind, u.code"));
  units.Bind(1, e.id);
  std::map<std::string, int> by_band;
  json::array rows;
  int unscored_total = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, units.Step());
    if (!row) break;
    std::string band = units.Text(5);
    json::object o{{"unit_id", units.Int(0)}, {"unit", units.Text(1)}, {"kind", units.Text(2)},
                   {"district", units.Text(3)}, {"unscored", units.Int(6)}, {"score_so_far", units.Int(7)}};
    o["total"] = units.IsNull(4) ? json::value(nullptr) : json::value(units.Int(4));
    if (!band.empty()) {
      ++by_band[band];
      for (const Band& b : e.scheme.bands)
        if (b.code == band) o["band"] = b.code, o["band_label"] = b.label;
    }
    unscored_total += static_cast<int>(units.Int(6));
    rows.push_back(std::move(o));
  }
  json::array bands;
  for (const Band& b : e.scheme.bands)
    bands.push_back(json::object{{"code", b.code}, {"label", b.label}, {"min", b.min},
                                 {"no_item_at_zero", b.no_item_at_zero}, {"count", by_band[b.code]}});
  json::object eval{{"id", e.id}, {"year", e.year}, {"title", e.title}, {"state", e.state}, {"as_of", FormatDay(e.as_of)},
                    {"basis", e.scheme.basis}, {"bands", std::move(bands)}, {"unscored", unscored_total},
                    {"units", std::move(rows)}};
  return json::object{{"year", year}, {"evaluation", std::move(eval)}};
}

absl::StatusOr<json::object> UnitSheet(Db& db, int64_t evaluation_id, int64_t unit_id, const Principal& who) {
  absl::Status hidden = NotFound("duty.evaluation_not_found", "考核不存在");
  QF_ASSIGN_OR_RETURN(EvalRow e, MustEvaluation(db, evaluation_id));
  if (!Office(who) && !who.Has(kLeader) && !(who.unit_id == unit_id && e.state == "final")) return hidden;
  QF_ASSIGN_OR_RETURN(auto eu, db.Prepare(
      "SELECT eu.kind, eu.total, COALESCE(eu.band, ''), u.name FROM duty_evaluation_units eu "
      "JOIN org_units u ON u.id = eu.unit_id WHERE eu.evaluation_id = ? AND eu.unit_id = ?"));
  eu.Bind(1, e.id).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool row, eu.Step());
  if (!row) return hidden;
  std::string kind = eu.Text(0), band = eu.Text(2);
  const EvalTable* table = e.scheme.For(kind);
  if (!table) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_scheme", "考核表缺少该类单位");
  json::object sheet{{"evaluation_id", e.id}, {"year", e.year}, {"title", e.title}, {"state", e.state},
                     {"as_of", FormatDay(e.as_of)}, {"unit_id", unit_id}, {"unit", eu.Text(3)}, {"kind", kind},
                     {"table", table->title}, {"basis", e.scheme.basis}};
  sheet["total"] = eu.IsNull(1) ? json::value(nullptr) : json::value(eu.Int(1));
  for (const Band& b : e.scheme.bands)
    if (b.code == band) sheet["band"] = b.code, sheet["band_label"] = b.label;
  // The letter items the sheet checks, from the unit's letter of the year as it was issued.
  QF_ASSIGN_OR_RETURN(auto letter, db.Prepare("SELECT id, content FROM duty_letters WHERE year = ? AND unit_id = ?"));
  letter.Bind(1, int64_t{e.year}).Bind(2, unit_id);
  QF_ASSIGN_OR_RETURN(bool have_letter, letter.Step());
  json::array letter_items;
  int64_t letter_id = 0;
  if (have_letter) {
    letter_id = letter.Int(0);
    boost::system::error_code ec;
    json::value content = json::parse(letter.Text(1), ec);
    if (!ec && content.is_object() && content.as_object().contains("items") && content.at("items").is_array())
      letter_items = content.at("items").as_array();
  }
  sheet["letter_id"] = letter_id ? json::value(letter_id) : json::value(nullptr);
  QF_ASSIGN_OR_RETURN(auto scores, db.Prepare(
      "SELECT s.item, s.score, s.computation, s.refs, s.note, s.links, COALESCE(a.display_name, ''), "
      "COALESCE(s.scored_at, '') FROM duty_evaluation_scores s LEFT JOIN accounts a ON a.id = s.scored_by "
      "WHERE s.evaluation_id = ? AND s.unit_id = ?"));
  scores.Bind(1, e.id).Bind(2, unit_id);
  std::map<std::string, json::object> by_item;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool r, scores.Step());
    if (!r) break;
    boost::system::error_code ec1, ec2;
    json::value refs = json::parse(scores.Text(3), ec1), links = json::parse(scores.Text(5), ec2);
    json::object o{{"computation", scores.Text(2)}, {"refs", ec1 ? json::value(json::array()) : refs},
                   {"note", scores.Text(4)}, {"links", ec2 ? json::value(json::array()) : links},
                   {"scored_by", scores.Text(6)}, {"scored_at", scores.Text(7)}};
    o["score"] = scores.IsNull(1) ? json::value(nullptr) : json::value(scores.Int(1));
    by_item[scores.Text(0)] = std::move(o);
  }
  json::array items;
  int so_far = 0;
  for (const EvalItem& item : table->items) {
    json::object o = by_item[item.id];
    o["id"] = item.id, o["section"] = item.section, o["text"] = item.text, o["points"] = item.points;
    o["computed"] = item.measure.has_value();
    if (item.measure) o["measure"] = Code(*item.measure);
    else o["evidence"] = item.evidence;
    if (item.letter > 0 && static_cast<size_t>(item.letter) <= letter_items.size() &&
        letter_items[item.letter - 1].is_object())
      o["letter_item"] = json::object{{"seq", item.letter}, {"text", letter_items[item.letter - 1].at("text")}};
    if (o["score"].is_int64()) so_far += static_cast<int>(o["score"].as_int64());
    items.push_back(std::move(o));
  }
  sheet["score_so_far"] = so_far;
  sheet["items"] = std::move(items);
  return sheet;
}

absl::StatusOr<json::object> OwnSheet(Db& db, int year, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM duty_evaluations WHERE year = ? AND state = 'final'"));
  st.Bind(1, int64_t{year});
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  json::object out{{"year", year}, {"sheet", nullptr}};
  if (ids.empty() || who.unit_id == 0) return out;
  auto sheet = UnitSheet(db, ids[0], who.unit_id, who);
  if (sheet.ok()) out["sheet"] = std::move(*sheet);
  else if (!absl::IsNotFound(sheet.status())) return sheet.status();
  return out;
}

}  // namespace qf::duty
