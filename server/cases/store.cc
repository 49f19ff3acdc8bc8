#include "cases/store.h"

#include <cmath>

#include "cases/model.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

std::string Subject(int64_t id) { return "case:" + std::to_string(id); }

State Row::state() const {
  // The state column only ever holds names written from StateName; anything else is a corrupt row, which the
  // projection audit reports at start.
  return ParseState(state_name).value_or(State::kRegistered);
}

std::optional<Row::Extension> Row::PendingExtension() const {
  if (!pending || pending->empty()) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*pending, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto* d = v.as_object().if_contains("extension");
  auto* r = v.as_object().if_contains("reason");
  if (!d || !d->is_int64() || !r || !r->is_string()) return std::nullopt;
  return Extension{d->as_int64(), std::string(r->as_string())};
}

bool Row::ChecklistComplete() const {
  boost::system::error_code ec;
  auto v = json::parse(checklist, ec);
  if (ec || !v.is_object()) return false;
  for (const auto& item : kChecklist) {
    auto* f = v.as_object().if_contains(item.code);
    if (!f || !f->is_bool() || !f->as_bool()) return false;
  }
  return true;
}

const char* const kRowColumns =
    "c.id,c.receipt,c.channel,c.category,c.kind,c.state,c.title,c.content,c.received_at,COALESCE(c.concerned_unit_id,0),"
    "COALESCE(c.handling_unit_id,0),COALESCE(c.owner_account,0),c.restricted,c.leadership_accused,c.anonymous,"
    "c.suspended_since,c.pending_request,c.accepted_at,c.dispatched_at,c.signed_at,c.replied_at,c.closed_at,c.outcome,"
    "c.findings,c.proposal,c.reply,c.satisfaction,c.merged_into,c.checklist,COALESCE(c.district,''),"
    "COALESCE(c.occurred_on,''),COALESCE(c.external_ref,''),COALESCE(c.reporter_handle,''),c.extension_days,c.version,"
    "c.redactions,c.created_at,COALESCE(c.registered_by,0),c.first_dispatched_at,c.received_reason,"
    "c.revisit_satisfaction,c.redo_count,c.prior_case_id,COALESCE(c.replied_by_unit_id,0),c.concerned_unit_recognised";

Row ReadRow(const Stmt& s) {
  Row r;
  r.id = s.Int(0); r.receipt = s.Text(1); r.channel = s.Text(2); r.category = s.Text(3); r.kind = s.Text(4);
  r.state_name = s.Text(5); r.title = s.Text(6); r.content = s.Text(7); r.received_at = s.Text(8);
  r.concerned_unit_id = s.Int(9); r.handling_unit_id = s.Int(10); r.owner = s.Int(11);
  r.restricted = s.Int(12); r.leadership = s.Int(13); r.anonymous = s.Int(14);
  r.suspended_since = s.OptText(15); r.pending = s.OptText(16); r.accepted_at = s.OptText(17);
  r.dispatched_at = s.OptText(18); r.signed_at = s.OptText(19); r.replied_at = s.OptText(20);
  r.closed_at = s.OptText(21); r.outcome = s.OptText(22); r.findings = s.OptText(23); r.proposal = s.OptText(24);
  r.reply = s.OptText(25); r.satisfaction = s.OptInt(26); r.merged_into = s.OptInt(27); r.checklist = s.Text(28);
  r.district = s.Text(29); r.occurred_on = s.Text(30); r.external_ref = s.Text(31); r.reporter_handle = s.Text(32);
  r.extension_days = s.Int(33); r.version = s.Int(34); r.redactions = s.Text(35); r.created_at = s.Text(36);
  r.registered_by = s.Int(37); r.first_dispatched_at = s.OptText(38); r.received_reason = s.OptText(39);
  r.revisit_satisfaction = s.OptInt(40); r.redo_count = s.Int(41); r.prior_case_id = s.OptInt(42);
  r.replied_by_unit_id = s.Int(43); r.concerned_unit_recognised = s.Int(44) != 0;
  return r;
}

namespace {
absl::StatusOr<std::optional<Row>> LoadWhere(Db& db, std::string_view where, auto bind) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM cases c WHERE {}", kRowColumns, where)));
  bind(st);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(ReadRow(st));
}
}  // namespace

absl::StatusOr<std::optional<Row>> LoadByReceipt(Db& db, const std::string& receipt) {
  return LoadWhere(db, "c.receipt=?", [&](Stmt& s) { s.Bind(1, receipt); });
}

absl::StatusOr<Row> LoadById(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto r, LoadWhere(db, "c.id=?", [&](Stmt& s) { s.Bind(1, id); }));
  if (!r) return NotFound("case.not_found", "案件不存在");
  return *r;
}

absl::StatusOr<std::vector<int64_t>> ConcernedPeople(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT person_id FROM case_people WHERE case_id=?"));
  st.Bind(1, case_id);
  return st.Ints();
}

namespace {

constexpr const char* kDeadlineColumns =
    "kind,start_day,term,due_on,policy_id,clause,calendar_version,provisional,status,COALESCE(met_at,''),"
    "extension_days,suspended_days";
constexpr int kDeadlineColumnCount = 12;  // ReadDeadline reads columns 0 … 11

absl::StatusOr<Deadline> ReadDeadline(const Stmt& st, int64_t case_id) {
  Deadline d;
  auto kind = ParseDeadlineKind(st.Text(0));
  auto start = ParseDay(st.Text(1)), due = ParseDay(st.Text(3));
  auto term = Term::Parse(st.Text(2));
  auto status = ParseDeadlineStatus(st.Text(8));
  if (!kind || !start || !due || !term.ok() || !status)
    return MakeError(absl::StatusCode::kDataLoss, "case.deadline_corrupt",
                     fmt::format("案件 {} 的期限记录无法读取（{} {} {}）", case_id, st.Text(0), st.Text(1), st.Text(3)));
  d.kind = *kind;
  d.start = *start;
  d.due = *due;
  d.term = *term;
  d.policy_id = st.Text(4);
  d.clause = st.Text(5);
  d.calendar_version = st.Text(6);
  d.provisional = st.Int(7) != 0;
  d.status = *status;
  d.met_at = st.Text(9);
  d.extension_days = static_cast<int>(st.Int(10));
  d.suspended_days = static_cast<int>(st.Int(11));
  return d;
}

}  // namespace

absl::StatusOr<std::vector<Deadline>> LoadDeadlines(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM case_deadlines WHERE case_id=? ORDER BY start_day, kind", kDeadlineColumns)));
  st.Bind(1, case_id);
  std::vector<Deadline> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(auto d, ReadDeadline(st, case_id));
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::optional<Deadline>> LoadDeadline(Db& db, int64_t case_id, DeadlineKind kind) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM case_deadlines WHERE case_id=? AND kind=?", kDeadlineColumns)));
  st.Bind(1, case_id).Bind(2, DeadlineKindName(kind));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Deadline>();
  QF_ASSIGN_OR_RETURN(auto d, ReadDeadline(st, case_id));
  return std::optional<Deadline>(std::move(d));
}

namespace {
absl::Status WriteDeadline(Tx& tx, int64_t case_id, const Deadline& d) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO case_deadlines(case_id,kind,start_day,term,due_on,policy_id,clause,calendar_version,provisional,"
      "status,extension_days,suspended_days) VALUES(?,?,?,?,?,?,?,?,?,'open',?,?) ON CONFLICT(case_id,kind) DO UPDATE "
      "SET start_day=excluded.start_day, term=excluded.term, due_on=excluded.due_on, policy_id=excluded.policy_id, "
      "clause=excluded.clause, calendar_version=excluded.calendar_version, provisional=excluded.provisional, "
      "status='open', met_at=NULL, extension_days=excluded.extension_days, suspended_days=excluded.suspended_days"));
  st.Bind(1, case_id).Bind(2, DeadlineKindName(d.kind)).Bind(3, FormatDay(d.start)).Bind(4, d.term.ToString())
      .Bind(5, FormatDay(d.due)).Bind(6, d.policy_id).Bind(7, d.clause).Bind(8, d.calendar_version)
      .Bind(9, int64_t{d.provisional}).Bind(10, d.extension_days).Bind(11, d.suspended_days);
  return st.Send();
}
}  // namespace

absl::StatusOr<Deadline> SetDeadline(Tx& tx, const CaseEnv& env, const Row& c, DeadlineKind kind,
                                        absl::CivilDay start) {
  QF_ASSIGN_OR_RETURN(auto policy, env.policies->DeadlineFor(std::string(DeadlineKindName(kind)), c.channel,
                                                             c.category, c.kind, !c.anonymous));
  Deadline d;
  d.kind = kind;
  d.start = start;
  d.term = policy.term;
  d.policy_id = policy.id;
  d.clause = policy.clause;
  auto res = ComputeDue(*env.calendar, start, d.term);
  d.due = res.due;
  d.provisional = res.provisional;
  d.calendar_version = res.calendar_version;
  QF_RETURN_IF_ERROR(WriteDeadline(tx, c.id, d));
  return d;
}

absl::StatusOr<Deadline> SetFixedDeadline(Tx& tx, const CaseEnv& env, int64_t case_id, DeadlineKind kind,
                                             absl::CivilDay start, const NewCase::DueBy& due) {
  Deadline d;
  d.kind = kind;
  d.start = start;
  d.term = Term{static_cast<int>(due.day - start), TermUnit::kCalendarDays};
  d.due = due.day;
  d.policy_id = due.policy_id;
  d.clause = due.clause;
  d.calendar_version = env.calendar->VersionFor(start, due.day);
  QF_RETURN_IF_ERROR(WriteDeadline(tx, case_id, d));
  return d;
}

absl::Status UpdateDeadline(Tx& tx, int64_t case_id, const Deadline& d) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE case_deadlines SET due_on=?, provisional=?, calendar_version=?, extension_days=?, suspended_days=? "
      "WHERE case_id=? AND kind=?"));
  st.Bind(1, FormatDay(d.due)).Bind(2, int64_t{d.provisional}).Bind(3, d.calendar_version).Bind(4, d.extension_days)
      .Bind(5, d.suspended_days).Bind(6, case_id).Bind(7, DeadlineKindName(d.kind));
  return st.Run();
}

absl::Status CloseDeadline(Tx& tx, int64_t case_id, DeadlineKind kind) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE case_deadlines SET status=CASE WHEN due_on < ?3 THEN 'missed' ELSE 'met' END, met_at=?4 "
      "WHERE case_id=?1 AND kind=?2 AND status='open'"));
  st.Bind(1, case_id).Bind(2, DeadlineKindName(kind)).Bind(3, FormatDay(CstDay(tx.now()))).Bind(4, FormatUtc(tx.now()));
  return st.Run();
}

absl::Status CancelDeadline(Tx& tx, int64_t case_id, DeadlineKind kind) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE case_deadlines SET status='cancelled' WHERE case_id=? AND kind=? AND status='open'"));
  st.Bind(1, case_id).Bind(2, DeadlineKindName(kind));
  return st.Run();
}

json::object DeadlineJson(const Deadline& d, const CaseEnv& env, absl::CivilDay today, bool staff) {
  const DeadlineKindInfo& info = InfoOf(d.kind);
  Signal s = Assess(info.watch, d.status, d.due, today, *env.calendar, env.policies->supervision());
  json::object o{{"kind", info.name}, {"label", info.label}, {"start", FormatDay(d.start)},
                 {"term", d.term.ToString()}, {"due_on", FormatDay(d.due)}, {"clause", d.clause},
                 {"status", StatusName(d.status)}, {"provisional", d.provisional}, {"colour", ColourName(s.colour)}};
  if (d.status == DeadlineStatus::kOpen) o["working_days_left"] = s.working_days_left;
  if (d.extension_days) o["extension_days"] = d.extension_days;
  if (d.suspended_days) o["suspended_days"] = d.suspended_days;
  if (staff) {
    o["policy"] = d.policy_id;
    o["calendar_version"] = d.calendar_version;
    o["met_at"] = d.met_at;
  }
  return o;
}

absl::Status AddMessage(Tx& tx, int64_t case_id, const std::string& kind, const std::string& body, bool is_public) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO case_messages(case_id,at,kind,author,body,public) VALUES(?,?,?,?,?,?)"));
  st.Bind(1, case_id).Bind(2, FormatUtc(tx.now())).Bind(3, kind).Bind(4, tx.actor().id).Bind(5, body)
      .Bind(6, int64_t{is_public});
  return st.Run();
}

std::string OutcomeLabel(const std::string& o) {
  if (o == "support") return "予以支持";
  if (o == "explain") return "解释说明";
  if (o == "reject") return "不予支持";
  return o;
}

absl::StatusOr<Figures> LoadFigures(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.received_at, c.channel, c.category, COALESCE(c.district,''), c.state, c.anonymous, "
      "c.replied_at, c.received_at, c.accepted_at IS NOT NULL, c.closed_at IS NOT NULL, "
      "COALESCE(c.satisfaction, c.revisit_satisfaction), "
      "(SELECT status FROM case_deadlines WHERE case_id=c.id AND kind='handling'), "
      "(SELECT status FROM case_deadlines WHERE case_id=c.id AND kind='acceptance') FROM cases c WHERE c.id=?"));
  st.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  Figures f;
  if (!row) return f;
  // The rollups count by the day of receipt in China Standard Time.
  if (auto received = ParseUtc(st.Text(0))) f.day = FormatDay(CstDay(*received));
  f.channel = st.Text(1);
  f.category = st.Text(2);
  f.district = st.Text(3);
  f.state = st.Text(4);
  f.named = st.Int(5) == 0;
  if (auto replied = st.OptText(6)) {
    f.replied = true;
    auto a = ParseUtc(*replied), b = ParseUtc(st.Text(7));
    if (a && b) f.handling_days = absl::ToDoubleHours(*a - *b) / 24.0;
  }
  f.accepted = st.Int(8) != 0;
  f.concluded = st.Int(9) != 0;
  f.rating = st.OptInt(10);
  f.handling = ParseDeadlineStatus(st.OptText(11).value_or("cancelled")).value_or(DeadlineStatus::kCancelled);
  f.acceptance = ParseDeadlineStatus(st.OptText(12).value_or("cancelled")).value_or(DeadlineStatus::kCancelled);
  return f;
}

namespace {

struct Measures {
  int64_t received = 0, named = 0, replied = 0, rated = 0, satisfied = 0, handling_met = 0, handling_missed = 0,
          accepted = 0, concluded = 0, acceptance_met = 0, acceptance_missed = 0;
  double handling_days = 0;
};

Measures Of(const Figures& f, int sign) {
  Measures m;
  if (f.day.empty()) return m;
  m.received = sign;
  m.named = sign * f.named;
  m.replied = sign * f.replied;
  m.handling_days = sign * f.handling_days;
  m.rated = sign * f.rating.has_value();
  m.satisfied = sign * (f.rating && Satisfied(*f.rating));
  m.handling_met = sign * (f.handling == DeadlineStatus::kMet);
  m.handling_missed = sign * (f.handling == DeadlineStatus::kMissed);
  m.accepted = sign * f.accepted;
  m.concluded = sign * f.concluded;
  m.acceptance_met = sign * (f.acceptance == DeadlineStatus::kMet);
  m.acceptance_missed = sign * (f.acceptance == DeadlineStatus::kMissed);
  return m;
}

// The rollups are counters summed per batch and written when it commits (Totals): a batch of submissions on one
// day writes the day's row once.
void AddMeasures(Tx& tx, const std::string& day, const Measures& m) {
  static constexpr const char* kUpsert =
      "INSERT INTO rollup_day(day,received,named,replied,handling_days,rated,satisfied,handling_met,handling_missed,"
      "accepted,concluded,acceptance_met,acceptance_missed) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(day) DO UPDATE "
      "SET received=rollup_day.received+excluded.received, named=rollup_day.named+excluded.named, replied=rollup_day.replied+excluded.replied, "
      "handling_days=rollup_day.handling_days+excluded.handling_days, rated=rollup_day.rated+excluded.rated, "
      "satisfied=rollup_day.satisfied+excluded.satisfied, handling_met=rollup_day.handling_met+excluded.handling_met, "
      "handling_missed=rollup_day.handling_missed+excluded.handling_missed, accepted=rollup_day.accepted+excluded.accepted, "
      "concluded=rollup_day.concluded+excluded.concluded, acceptance_met=rollup_day.acceptance_met+excluded.acceptance_met, "
      "acceptance_missed=rollup_day.acceptance_missed+excluded.acceptance_missed";
  tx.Add(kUpsert, {day}, {m.received, m.named, m.replied, m.handling_days, m.rated, m.satisfied, m.handling_met,
                          m.handling_missed, m.accepted, m.concluded, m.acceptance_met, m.acceptance_missed});
}

void AddDim(Tx& tx, const char* dim, const std::string& day, const std::string& code, int64_t n) {
  static constexpr const char* kUpsert =
      "INSERT INTO rollup_dim(dim,day,code,n) VALUES(?,?,?,?) ON CONFLICT(dim,day,code) DO UPDATE SET n=rollup_dim.n+excluded.n";
  tx.Add(kUpsert, {dim, day, code}, {n});
}

}  // namespace

absl::Status ApplyFigures(Tx& tx, const Figures& before, const Figures& after) {
  for (auto [f, sign] : {std::pair{&before, -1}, std::pair{&after, 1}}) {
    if (f->day.empty()) continue;
    AddMeasures(tx, f->day, Of(*f, sign));
    for (auto [dim, code] : {std::pair{"channel", &f->channel}, std::pair{"category", &f->category},
                             std::pair{"district", &f->district}, std::pair{"state", &f->state}})
      AddDim(tx, dim, f->day, *code, sign);
  }
  return absl::OkStatus();
}

}  // namespace qf::cases
