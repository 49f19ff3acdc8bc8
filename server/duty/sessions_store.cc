// Warning-education sessions (警示教育): creating one for the invited units, the register with attendance against
// the units' people, one session (with the venue's current code for the office), the public check-in page and the
// sign-in itself.
#include <algorithm>
#include <map>

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

std::string Subject(int64_t id) { return fmt::format("duty_session/{}", id); }

struct SessionRow {
  int64_t id = 0;
  std::string title, place, secret;
  absl::Time held_at, opens_at, closes_at;
};

absl::StatusOr<SessionRow> MustSession(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, title, place, held_at, opens_at, closes_at, secret FROM duty_sessions WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.session_not_found", "警示教育活动不存在");
  SessionRow s{st.Int(0), st.Text(1), st.Text(2), st.Text(6), {}, {}, {}};
  auto held = ParseUtc(st.Text(3)), opens = ParseUtc(st.Text(4)), closes = ParseUtc(st.Text(5));
  if (!held || !opens || !closes) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date", "无法读取存储的时间");
  s.held_at = *held, s.opens_at = *opens, s.closes_at = *closes;
  return s;
}

// Attendance by invited unit: people signed in against the people the unit's roster holds.
absl::StatusOr<json::array> ByUnit(Db& db, int64_t session) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT su.unit_id, u.name, (SELECT COUNT(*) FROM org_people p WHERE p.unit_id = su.unit_id), "
      "(SELECT COUNT(*) FROM duty_attendance a WHERE a.session_id = su.session_id AND a.unit_id = su.unit_id) "
      "FROM duty_session_units su JOIN org_units u ON u.id = su.unit_id WHERE su.session_id = ? ORDER BY u.code"));
  st.Bind(1, session);
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(json::object{{"unit_id", st.Int(0)}, {"unit", st.Text(1)}, {"people", st.Int(2)}, {"attended", st.Int(3)}});
  }
  return out;
}

json::object SessionJson(const SessionRow& s) {
  return json::object{{"id", s.id}, {"title", s.title}, {"place", s.place}, {"held_at", FormatUtc(s.held_at)},
                      {"opens_at", FormatUtc(s.opens_at)}, {"closes_at", FormatUtc(s.closes_at)}};
}

}  // namespace

absl::StatusOr<SessionRequest> ParseSession(const json::object& body) {
  JsonInput in(body);
  SessionRequest r;
  r.title = in.Str("title", true, 100).value_or("");
  r.place = in.Str("place", true, 100).value_or("");
  std::string held = in.Str("held_at", true, 40).value_or("");
  if (auto t = ParseUtc(held)) r.held_at = *t;
  else if (!held.empty()) in.Fail("held_at", "应为 RFC 3339 时间，如 2026-06-10T14:30:00+08:00");
  r.minutes = static_cast<int>(in.Int("minutes", false, 30, 480).value_or(120));
  const json::value* v = in.Raw("unit_ids");
  if (!v || !v->is_array() || v->as_array().empty() || v->as_array().size() > 2000) {
    in.Fail("unit_ids", "应为 1 至 2000 个单位编号");
  } else {
    for (const auto& u : v->as_array())
      if (u.is_int64() && u.as_int64() > 0) r.unit_ids.push_back(u.as_int64());
      else in.Fail("unit_ids", "应为单位编号");
  }
  QF_RETURN_IF_ERROR(in.Finish("duty.session"));
  std::sort(r.unit_ids.begin(), r.unit_ids.end());
  r.unit_ids.erase(std::unique(r.unit_ids.begin(), r.unit_ids.end()), r.unit_ids.end());
  return r;
}

absl::StatusOr<json::object> CreateSession(Tx& tx, const SessionRequest& r, const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.session_scope", "警示教育活动由纪检监察室组织");
  for (int64_t unit : r.unit_ids) {
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, unit));
    if (!u) return Invalid("duty.session", "单位不存在", {{"unit_ids", fmt::format("找不到单位 {}", unit)}});
  }
  absl::Time opens = r.held_at - absl::Minutes(30), closes = r.held_at + absl::Minutes(r.minutes);
  if (closes <= tx.now()) return Invalid("duty.session", "活动时间已过", {{"held_at", "签到结束时间早于现在"}});
  std::string secret = RandomToken(32);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_sessions(title, place, held_at, opens_at, closes_at, secret, created_by, created_at) "
      "VALUES(?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, r.title).Bind(2, r.place).Bind(3, FormatUtc(r.held_at)).Bind(4, FormatUtc(opens)).Bind(5, FormatUtc(closes))
      .Bind(6, secret).Bind(7, who.account_id).Bind(8, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  QF_ASSIGN_OR_RETURN(auto add, db.Prepare("INSERT INTO duty_session_units(session_id, unit_id) VALUES(?,?)"));
  for (int64_t unit : r.unit_ids) {
    add.Reset();
    add.Bind(1, ids.at(0)).Bind(2, unit);
    QF_RETURN_IF_ERROR(add.Run());
  }
  json::array units(r.unit_ids.begin(), r.unit_ids.end());
  QF_RETURN_IF_ERROR(tx.Append("duty.session_created", Subject(ids.at(0)),
                               {{"title", r.title}, {"held_at", FormatUtc(r.held_at)}, {"units", units}})
                         .status());
  return json::object{{"id", ids.at(0)}, {"opens_at", FormatUtc(opens)}, {"closes_at", FormatUtc(closes)}};
}

absl::StatusOr<json::object> Sessions(Db& db, int year, const Principal& who) {
  if (!Office(who) && !who.Has(kLeader)) return NotFound("duty.session_not_found", "警示教育活动不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id, s.title, s.place, s.held_at, "
      "(SELECT COUNT(*) FROM duty_session_units su WHERE su.session_id = s.id), "
      "(SELECT COUNT(*) FROM duty_attendance a WHERE a.session_id = s.id), "
      "(SELECT COUNT(*) FROM org_people p JOIN duty_session_units su ON su.unit_id = p.unit_id WHERE su.session_id = s.id) "
      "FROM duty_sessions s WHERE s.held_at >= ? AND s.held_at < ? ORDER BY s.held_at DESC, s.id DESC"));
  st.Bind(1, FormatUtc(CstStart(absl::CivilDay(year, 1, 1)))).Bind(2, FormatUtc(CstStart(absl::CivilDay(year + 1, 1, 1))));
  json::array items;
  int64_t attended = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    attended += st.Int(5);
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"place", st.Text(2)}, {"held_at", st.Text(3)},
                                 {"units", st.Int(4)}, {"attended", st.Int(5)}, {"people", st.Int(6)}});
  }
  return json::object{{"year", year}, {"sessions", static_cast<int64_t>(items.size())}, {"attended", attended},
                      {"items", std::move(items)}};
}

absl::StatusOr<json::object> SessionView(Db& db, int64_t id, const Principal& who, absl::Time now) {
  if (!Office(who) && !who.Has(kLeader)) return NotFound("duty.session_not_found", "警示教育活动不存在");
  QF_ASSIGN_OR_RETURN(SessionRow s, MustSession(db, id));
  json::object o = SessionJson(s);
  QF_ASSIGN_OR_RETURN(o["by_unit"], ByUnit(db, id));
  bool open = now >= s.opens_at && now < s.closes_at;
  o["open"] = open;
  if (open && Office(who)) {
    int64_t into = absl::ToUnixSeconds(now) % kSessionCodeSeconds;
    o["code"] = SessionCode(s.secret, now);
    o["code_seconds_left"] = kSessionCodeSeconds - into;
  }
  return o;
}

absl::StatusOr<json::object> PublicSession(Db& db, int64_t id, absl::Time now) {
  QF_ASSIGN_OR_RETURN(SessionRow s, MustSession(db, id));
  json::object o = SessionJson(s);
  o["open"] = now >= s.opens_at && now < s.closes_at;
  QF_ASSIGN_OR_RETURN(json::array units, ByUnit(db, id));
  json::array names;
  for (const auto& u : units) names.push_back(json::object{{"unit_id", u.at("unit_id")}, {"unit", u.at("unit")}});
  o["units"] = std::move(names);
  return o;
}

absl::StatusOr<CheckIn> ParseCheckIn(const json::object& body) {
  JsonInput in(body);
  CheckIn c;
  c.code = in.Str("code", true, 12).value_or("");
  c.name = in.Str("name", true, 40).value_or("");
  c.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  QF_RETURN_IF_ERROR(in.Finish("duty.checkin"));
  return c;
}

absl::StatusOr<json::object> SignIn(Tx& tx, int64_t session_id, const CheckIn& c) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(SessionRow s, MustSession(db, session_id));
  if (tx.now() < s.opens_at) return Conflict("duty.session_not_open", "签到尚未开始（活动开始前 30 分钟开放）");
  if (tx.now() >= s.closes_at) return Conflict("duty.session_closed", "签到已经结束");
  // The code first: without the venue's code nothing is said about units or names.
  if (!SessionCodeValid(s.secret, c.code, tx.now()))
    return Invalid("duty.checkin", "签到码不正确或已过期，请以现场屏幕显示的为准", {{"code", "签到码不正确或已过期"}});
  QF_ASSIGN_OR_RETURN(auto invited, db.Prepare("SELECT 1 FROM duty_session_units WHERE session_id = ? AND unit_id = ?"));
  invited.Bind(1, s.id).Bind(2, c.unit_id);
  QF_ASSIGN_OR_RETURN(bool in_session, invited.Step());
  if (!in_session) return Invalid("duty.checkin", "本次活动未邀请该单位", {{"unit_id", "请选择参加本次活动的单位"}});
  QF_ASSIGN_OR_RETURN(auto people, db.Prepare("SELECT id FROM org_people WHERE unit_id = ? AND name = ?"));
  people.Bind(1, c.unit_id).Bind(2, c.name);
  QF_ASSIGN_OR_RETURN(auto ids, people.Ints());
  if (ids.empty()) return Invalid("duty.checkin", "单位名册中没有这个姓名", {{"name", "请填写与单位名册一致的姓名"}});
  if (ids.size() > 1) return Invalid("duty.checkin", "单位名册中有同名人员，请到会务处签到", {{"name", "同名人员请到会务处签到"}});
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_attendance(session_id, person_id, unit_id, at) VALUES(?,?,?,?) ON CONFLICT DO NOTHING"));
  ins.Bind(1, s.id).Bind(2, ids[0]).Bind(3, c.unit_id).Bind(4, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(ins.Run());
  if (db.Changes() == 0) return Conflict("duty.signed_in", "已经签到，无需重复签到");
  QF_RETURN_IF_ERROR(tx.Append("duty.session_attended", Subject(s.id), {{"person_id", ids[0]}, {"unit_id", c.unit_id}})
                         .status());
  return json::object{{"session_id", s.id}, {"title", s.title}, {"signed_in_at", FormatUtc(tx.now())}};
}

}  // namespace qf::duty
