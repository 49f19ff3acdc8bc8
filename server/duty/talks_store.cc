// Integrity talks (廉政谈话): recording a talk, the register a reader may see, one talk, and the summary's figures.
#include <algorithm>
#include <map>

#include "cases/watch.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

std::string TalkSubject(int64_t id) { return fmt::format("duty_talk/{}", id); }

TalkReader For(const Reader& r, int64_t talk_person) { return {r.office, r.leader, r.Walled(talk_person)}; }

constexpr const char* kTalkColumns =
    "t.id, t.kind, t.held_on, t.unit_id, COALESCE(u.name, ''), COALESCE(t.person_id, 0), t.person_name, t.person_post, "
    "t.talker, t.points, t.commitments, COALESCE(t.follow_up_on, ''), COALESCE(t.notice_id, 0), t.recorded_at";

absl::StatusOr<json::object> TalkJson(Stmt& st, bool full) {
  QF_ASSIGN_OR_RETURN(TalkKind kind, ParseTalkKind(st.Text(1)));
  json::object o{{"id", st.Int(0)}, {"kind", Code(kind)}, {"kind_label", Label(kind)}, {"confidential", Confidential(kind)},
                 {"held_on", st.Text(2)}, {"unit_id", st.Int(3)}, {"unit", st.Text(4)},
                 {"person_name", st.Text(6)}, {"person_post", st.Text(7)}, {"talker", st.Text(8)},
                 {"follow_up_on", st.Text(11).empty() ? json::value(nullptr) : json::value(st.Text(11))},
                 {"notice_id", st.Int(12) ? json::value(st.Int(12)) : json::value(nullptr)}};
  if (full) {
    o["points"] = st.Text(9);
    o["commitments"] = st.Text(10);
    o["recorded_at"] = st.Text(13);
  }
  return o;
}

}  // namespace

bool Reader::Walled(int64_t person) const {
  return person && std::find(walled_people.begin(), walled_people.end(), person) != walled_people.end();
}

absl::StatusOr<Reader> ReaderOf(Db& db, const Principal& who) {
  Reader r{Office(who), who.Has(kLeader), {}};
  if (who.person_id) {
    QF_ASSIGN_OR_RETURN(r.walled_people, org::Relatives(db, who.person_id));
    r.walled_people.push_back(who.person_id);
  }
  return r;
}

absl::StatusOr<TalkRequest> ParseTalk(const json::object& body) {
  JsonInput in(body);
  TalkRequest r;
  auto kind = in.Enum("kind", true, {"routine", "pre_appointment", "reminder", "admonition"});
  r.kind = ParseTalkKind(kind.value_or("routine")).value_or(TalkKind::kRoutine);
  auto held = in.Day("held_on", true);
  r.held_on = held.value_or(absl::CivilDay());
  r.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  r.person_id = in.Int("person_id", false, 1, INT64_MAX).value_or(0);
  r.person_name = in.Str("person_name", true, 40).value_or("");
  r.person_post = in.Str("person_post", false, 60).value_or("");
  r.talker = in.Str("talker", true, 80).value_or("");
  r.points = in.Str("points", true, 4000).value_or("");
  r.commitments = in.Str("commitments", false, 4000).value_or("");
  r.follow_up_on = in.Day("follow_up_on", false);
  r.notice_id = in.Int("notice_id", false, 1, INT64_MAX);
  if (held && r.follow_up_on && *r.follow_up_on < *held) in.Fail("follow_up_on", "回访日期不能早于谈话日期");
  if (kind && r.notice_id && r.kind != TalkKind::kPreAppointment) in.Fail("notice_id", "只有任前谈话关联干部任前公示");
  QF_RETURN_IF_ERROR(in.Finish("duty.talk"));
  return r;
}

absl::StatusOr<json::object> RecordTalk(Tx& tx, const DutyEnv& env, const TalkRequest& r, const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.talk_scope", "谈话记录由纪检监察室登记");
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, r.unit_id));
  if (!unit) return Invalid("duty.talk", "单位不存在", {{"unit_id", "找不到该单位"}});
  if (r.person_id) {
    QF_ASSIGN_OR_RETURN(int64_t at, org::PersonUnit(db, r.person_id));
    if (!at) return Invalid("duty.talk", "人员不存在", {{"person_id", "找不到该人员"}});
  }
  if (r.notice_id) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM notices WHERE id = ?"));
    st.Bind(1, *r.notice_id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Invalid("duty.talk", "公示不存在", {{"notice_id", "找不到该公示"}});
  }
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_talks(kind, held_on, unit_id, person_id, person_name, person_post, talker, points, commitments, "
      "follow_up_on, notice_id, recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, Code(r.kind)).Bind(2, FormatDay(r.held_on)).Bind(3, r.unit_id);
  if (r.person_id) ins.Bind(4, r.person_id); else ins.BindNull(4);
  ins.Bind(5, r.person_name).Bind(6, r.person_post).Bind(7, r.talker).Bind(8, r.points).Bind(9, r.commitments);
  if (r.follow_up_on) ins.Bind(10, FormatDay(*r.follow_up_on)); else ins.BindNull(10);
  if (r.notice_id) ins.Bind(11, *r.notice_id); else ins.BindNull(11);
  ins.Bind(12, who.account_id).Bind(13, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  // The ledger holds the record's hash, not its words: a confidential talk's points stay in the register.
  std::string record = json::serialize(json::object{{"kind", Code(r.kind)}, {"held_on", FormatDay(r.held_on)},
                                                    {"person_name", r.person_name}, {"talker", r.talker},
                                                    {"points", r.points}, {"commitments", r.commitments}});
  QF_RETURN_IF_ERROR(tx.Append("duty.talk_recorded", TalkSubject(ids.at(0)),
                               {{"kind", Code(r.kind)}, {"held_on", FormatDay(r.held_on)}, {"unit_id", r.unit_id},
                                {"record_sha256", Sha256Hex(record)}})
                         .status());
  if (r.person_id && (r.kind == TalkKind::kReminder || r.kind == TalkKind::kAdmonition))
    QF_RETURN_IF_ERROR(cases::WatchForRetaliation(
        tx, env.Cases(), {r.person_id, cases::WatchedAction::kTalk, ids.at(0), std::string(Label(r.kind))}).status());
  return json::object{{"id", ids.at(0)}, {"kind", Code(r.kind)}, {"held_on", FormatDay(r.held_on)}};
}

absl::StatusOr<json::object> Talks(Db& db, int year, const Principal& who) {
  std::string from = fmt::format("{:04d}-01-01", year), to = fmt::format("{:04d}-12-31", year);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM duty_talks t LEFT JOIN org_units u ON u.id = t.unit_id WHERE t.held_on BETWEEN ? AND ? "
      "ORDER BY t.held_on DESC, t.id DESC", kTalkColumns)));
  st.Bind(1, from).Bind(2, to);
  QF_ASSIGN_OR_RETURN(Reader reader, ReaderOf(db, who));
  json::array items;
  std::map<std::string, int> by_kind;
  std::map<std::string, int> by_unit;
  int total = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++total;
    ++by_kind[st.Text(1)];
    ++by_unit[st.Text(4)];
    QF_ASSIGN_OR_RETURN(TalkKind kind, ParseTalkKind(st.Text(1)));
    if (!MayRead(kind, For(reader, st.Int(5))).ok()) continue;
    QF_ASSIGN_OR_RETURN(auto o, TalkJson(st, false));
    items.push_back(std::move(o));
  }
  json::array kinds;
  for (TalkKind k : {TalkKind::kRoutine, TalkKind::kPreAppointment, TalkKind::kReminder, TalkKind::kAdmonition})
    kinds.push_back(json::object{{"kind", Code(k)}, {"label", Label(k)}, {"count", by_kind[std::string(Code(k))]}});
  json::array units;
  for (const auto& [name, n] : by_unit) units.push_back(json::object{{"unit", name}, {"count", n}});
  return json::object{{"year", year}, {"total", total}, {"by_kind", std::move(kinds)}, {"by_unit", std::move(units)},
                      {"items", std::move(items)}};
}

absl::StatusOr<json::object> TalkView(Db& db, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM duty_talks t LEFT JOIN org_units u ON u.id = t.unit_id WHERE t.id = ?", kTalkColumns)));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.talk_not_found", "谈话记录不存在");
  QF_ASSIGN_OR_RETURN(TalkKind kind, ParseTalkKind(st.Text(1)));
  QF_ASSIGN_OR_RETURN(Reader reader, ReaderOf(db, who));
  QF_RETURN_IF_ERROR(MayRead(kind, For(reader, st.Int(5))));
  return TalkJson(st, true);
}

absl::StatusOr<Figures> FiguresBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  Figures f;
  int year = static_cast<int>(to.year());
  std::string end = FormatDay(to);
  QF_ASSIGN_OR_RETURN(auto tasks, db.Prepare(
      "SELECT (SELECT COUNT(*) FROM duty_areas a WHERE a.plan_id = p.id), "
      "(SELECT COUNT(*) FROM duty_tasks t JOIN duty_areas a ON a.id = t.area_id WHERE a.plan_id = p.id), p.id, p.title "
      "FROM duty_plans p WHERE p.year = ?"));
  tasks.Bind(1, int64_t{year});
  QF_ASSIGN_OR_RETURN(bool have, tasks.Step());
  if (have) {
    f.areas = static_cast<int>(tasks.Int(0)), f.tasks = static_cast<int>(tasks.Int(1));
    f.plan_title = tasks.Text(3);
    QF_ASSIGN_OR_RETURN(auto ds, db.Prepare(
        "SELECT d.due_on, d.status, COALESCE(d.reported_on, '') FROM duty_deadlines d JOIN duty_tasks t ON t.id = d.task_id "
        "JOIN duty_areas a ON a.id = t.area_id WHERE a.plan_id = ? AND d.due_on <= ?"));
    ds.Bind(1, tasks.Int(2)).Bind(2, end);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, ds.Step());
      if (!row) break;
      QF_ASSIGN_OR_RETURN(absl::CivilDay due, StoredDay(ds.Text(0)));
      QF_ASSIGN_OR_RETURN(DeadlineState state, ParseDeadlineState(ds.Text(1)));
      std::optional<absl::CivilDay> reported = ParseDay(ds.Text(2));
      // As of the period's end: a report made after it does not count yet.
      if (reported && *reported > to) state = DeadlineState::kOpen, reported.reset();
      ++f.deadlines_due;
      switch (ProgressOf(state, due, reported, to + 1)) {
        case Progress::kDoneOnTime: ++f.done_on_time; break;
        case Progress::kDoneLate: ++f.done_late; break;
        case Progress::kOverdue: ++f.overdue; break;
        default: break;
      }
    }
  }
  QF_ASSIGN_OR_RETURN(auto ls, db.Prepare(
      "SELECT COUNT(*), SUM(CASE WHEN signed_at IS NOT NULL AND signed_at < ? THEN 1 ELSE 0 END) FROM duty_letters "
      "WHERE year = ?"));
  ls.Bind(1, FormatUtc(CstStart(to + 1))).Bind(2, int64_t{year});
  QF_ASSIGN_OR_RETURN(bool lrow, ls.Step());
  if (lrow) f.letters = static_cast<int>(ls.Int(0)), f.letters_signed = static_cast<int>(ls.Int(1));
  QF_ASSIGN_OR_RETURN(auto ts, db.Prepare("SELECT kind, COUNT(*) FROM duty_talks WHERE held_on BETWEEN ? AND ? GROUP BY kind"));
  ts.Bind(1, FormatDay(from)).Bind(2, end);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ts.Step());
    if (!row) break;
    f.talks_by_kind[ts.Text(0)] = static_cast<int>(ts.Int(1));
    f.talks += static_cast<int>(ts.Int(1));
  }
  // People tested: a submitted attempt in the period; passed: any of theirs passed.
  QF_ASSIGN_OR_RETURN(auto tested, db.Prepare(
      "SELECT COUNT(*), SUM(p) FROM (SELECT k.person_id, MAX(t.passed) AS p FROM duty_attempts t "
      "JOIN duty_takers k ON k.id = t.taker_id WHERE t.submitted_at >= ? AND t.submitted_at < ? GROUP BY k.person_id) x"));
  tested.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  QF_ASSIGN_OR_RETURN(bool trow, tested.Step());
  if (trow) f.tested = static_cast<int>(tested.Int(0)), f.passed = static_cast<int>(tested.IsNull(1) ? 0 : tested.Int(1));
  QF_ASSIGN_OR_RETURN(auto ss, db.Prepare(
      "SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM duty_attendance a WHERE a.session_id = s.id)), 0) "
      "FROM duty_sessions s WHERE s.held_at >= ? AND s.held_at < ?"));
  ss.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  QF_ASSIGN_OR_RETURN(bool srow, ss.Step());
  if (srow) f.sessions = static_cast<int>(ss.Int(0)), f.attendees = static_cast<int>(ss.Int(1));
  QF_ASSIGN_OR_RETURN(auto ev, db.Prepare(
      "SELECT e.scheme, u.band, COUNT(*) FROM duty_evaluations e JOIN duty_evaluation_units u ON u.evaluation_id = e.id "
      "WHERE e.state = 'final' AND e.finalised_at >= ? AND e.finalised_at < ? GROUP BY e.id, e.scheme, u.band"));
  ev.Bind(1, FormatUtc(CstStart(from))).Bind(2, FormatUtc(CstStart(to + 1)));
  std::map<std::string, int> by_band;
  std::optional<EvalScheme> scheme;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ev.Step());
    if (!row) break;
    if (!scheme) {
      auto parsed = EvalScheme::Parse(ev.Text(0), "duty_evaluations.scheme");
      if (parsed.ok()) scheme = std::move(*parsed);
    }
    by_band[ev.Text(1)] += static_cast<int>(ev.Int(2));
    f.evaluated += static_cast<int>(ev.Int(2));
  }
  if (scheme)
    for (const Band& b : scheme->bands) f.bands.emplace_back(b.label, by_band[b.code]);
  QF_ASSIGN_OR_RETURN(auto ds, db.Prepare("SELECT kind, COUNT(*) FROM duty_decisions WHERE decided_on BETWEEN ? AND ? GROUP BY kind"));
  ds.Bind(1, FormatDay(from)).Bind(2, end);
  std::map<std::string, int> by_kind;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ds.Step());
    if (!row) break;
    by_kind[ds.Text(0)] = static_cast<int>(ds.Int(1));
  }
  for (DecisionKind k : {DecisionKind::kCriticism, DecisionKind::kAdmonition, DecisionKind::kOrganisational,
                         DecisionKind::kDisciplinary})
    if (int n = by_kind[std::string(Code(k))]) f.decisions.emplace_back(Label(k), n);
  return f;
}

}  // namespace qf::duty
