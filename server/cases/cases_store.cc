#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <sodium.h>

#include "cases/cases.h"
#include "cases/model.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mime.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/text.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "search/query.h"
#include "search/repeats.h"
#include "vault/vault.h"

namespace qf::cases {

namespace json = boost::json;

bool IsTransferChannel(std::string_view ch) {
  return ch == "zmztc" || ch == "mayor_hotline" || ch == "province_platform" || ch == "province_fee";
}

namespace {

constexpr size_t kMaxAttachments = 5;
constexpr size_t kMaxAttachmentBytes = 5 * 1024 * 1024;

std::string Subject(int64_t id) { return "case:" + std::to_string(id); }

// Deadlines that bind the bureau and its units and so draw cards and colours. The public's review windows and
// a receiving unit's objection window are rights that lapse, not duties that run late.
// An objection to a public notice must be answered before the list becomes final ("notice_final").
constexpr const char* kSupervisedKinds = "('acceptance','handling','review_answer','rereview_answer','notice_final')";
bool IsSupervised(std::string_view kind) {
  return kind == "acceptance" || kind == "handling" || kind == "review_answer" || kind == "rereview_answer" ||
         kind == "notice_final";
}

// The content type of an attachment judged by libmagic from its content; empty when the type is not accepted.
std::string SniffType(std::string_view d) {
  std::string type = MimeOf(d);
  if (type == "image/jpeg" || type == "image/png" || type == "application/pdf") return type;
  return "";
}

struct Row {
  int64_t id = 0;
  std::string receipt, channel, category, kind, state_name, title, content, received_at;
  int64_t concerned_unit_id = 0, handling_unit_id = 0, owner = 0;
  bool restricted = false, leadership = false, anonymous = true;
  std::optional<std::string> suspended_since, pending, accepted_at, dispatched_at, signed_at, replied_at,
      closed_at, outcome, findings, proposal, reply;
  std::optional<int64_t> satisfaction, merged_into;
  std::string checklist, district, occurred_on, external_ref, reporter_handle;
  int64_t extension_days = 0, version = 0;
  std::string redactions = "[]";
  State state() const { return *ParseState(state_name); }
};

constexpr const char* kRowColumns =
    "id,receipt,channel,category,kind,state,title,content,received_at,COALESCE(concerned_unit_id,0),"
    "COALESCE(handling_unit_id,0),COALESCE(owner_account,0),restricted,leadership_accused,anonymous,"
    "suspended_since,pending_request,accepted_at,dispatched_at,signed_at,replied_at,closed_at,outcome,findings,"
    "proposal,reply,satisfaction,merged_into,checklist,COALESCE(district,''),COALESCE(occurred_on,''),"
    "COALESCE(external_ref,''),COALESCE(reporter_handle,''),extension_days,version,redactions";

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
  r.extension_days = s.Int(33); r.version = s.Int(34); r.redactions = s.Text(35);
  return r;
}

absl::StatusOr<std::optional<Row>> LoadRow(Db& db, std::string_view where, auto bind) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM cases WHERE {}", kRowColumns, where)));
  bind(st);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(ReadRow(st));
}

absl::StatusOr<Row> LoadById(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto r, LoadRow(db, "id=?", [&](Stmt& s) { s.Bind(1, id); }));
  if (!r) return NotFound("case.not_found", "案件不存在");
  return *r;
}

absl::StatusOr<std::vector<int64_t>> ConcernedPeople(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT person_id FROM case_people WHERE case_id=?"));
  st.Bind(1, case_id);
  return st.Ints();
}

// The wall (信访工作条例 第三十条): units a case may never reach — the concerned unit itself and the unit of
// every concerned person (and, through Breaches, any unit inside them).
absl::StatusOr<std::set<int64_t>> WalledUnits(Db& db, int64_t concerned_unit, const std::vector<int64_t>& people) {
  std::set<int64_t> out;
  if (concerned_unit) out.insert(concerned_unit);
  for (int64_t p : people) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT unit_id FROM people WHERE id=?"));
    st.Bind(1, p);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out.insert(st.Int(0));
  }
  return out;
}

// True when handling by `unit` would put the case in the hands of the accused.
absl::StatusOr<bool> Breaches(Db& db, int64_t unit, const std::set<int64_t>& walled) {
  for (int64_t w : walled) {
    // The unit itself or any unit inside it (a school's department) is walled off.
    QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, unit, w));
    if (within) return true;
  }
  return false;
}

absl::StatusOr<json::object> SetDeadline(Tx& tx, const CaseEnv& env, const Row& c, const std::string& stage,
                                         absl::CivilDay start, int extra_days = 0) {
  QF_ASSIGN_OR_RETURN(auto policy, env.policies->DeadlineFor(stage, c.channel, c.category, !c.anonymous));
  Term term = policy.term;
  auto res = env.calendar->Add(start, term);
  if (extra_days > 0) {
    auto ext = env.calendar->Add(res.due, Term{extra_days, TermUnit::kCalendarDays});
    res.due = ext.due;
    res.provisional |= ext.provisional;
    res.calendar_version = env.calendar->VersionFor(start, res.due);
  }
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO case_deadlines(case_id,kind,start_day,term,due_on,policy_id,clause,calendar_version,provisional,status) "
      "VALUES(?,?,?,?,?,?,?,?,?,'open') ON CONFLICT(case_id,kind) DO UPDATE SET start_day=excluded.start_day, "
      "term=excluded.term, due_on=excluded.due_on, policy_id=excluded.policy_id, clause=excluded.clause, "
      "calendar_version=excluded.calendar_version, provisional=excluded.provisional, status='open', met_at=NULL"));
  st.Bind(1, c.id).Bind(2, stage).Bind(3, FormatDay(start)).Bind(4, term.ToString()).Bind(5, FormatDay(res.due))
      .Bind(6, policy.id).Bind(7, policy.clause).Bind(8, res.calendar_version).Bind(9, int64_t{res.provisional});
  QF_RETURN_IF_ERROR(st.Run());
  return json::object{{"kind", stage}, {"start", FormatDay(start)}, {"term", term.ToString()},
                      {"due_on", FormatDay(res.due)}, {"policy", policy.id}, {"clause", policy.clause},
                      {"calendar_version", res.calendar_version}, {"provisional", res.provisional}};
}

// Marks a deadline met (or missed, if done after its day).
absl::Status CloseDeadline(Tx& tx, int64_t case_id, const std::string& kind) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE case_deadlines SET status=CASE WHEN due_on < ?3 THEN 'missed' ELSE 'met' END, met_at=?4 "
      "WHERE case_id=?1 AND kind=?2 AND status='open'"));
  st.Bind(1, case_id).Bind(2, kind).Bind(3, FormatDay(CstDay(tx.now()))).Bind(4, FormatUtc(tx.now()));
  return st.Run();
}

absl::Status CancelDeadline(Tx& tx, int64_t case_id, const std::string& kind) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE case_deadlines SET status='cancelled' WHERE case_id=? AND kind=? AND status='open'"));
  st.Bind(1, case_id).Bind(2, kind);
  return st.Run();
}

absl::Status AddMessage(Tx& tx, int64_t case_id, const std::string& kind, const std::string& body, bool is_public) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO case_messages(case_id,at,kind,author,body,public) VALUES(?,?,?,?,?,?)"));
  st.Bind(1, case_id).Bind(2, FormatUtc(tx.now())).Bind(3, kind).Bind(4, tx.actor().id).Bind(5, body)
      .Bind(6, int64_t{is_public});
  return st.Run();
}

bool ChecklistComplete(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return false;
  for (const auto& item : kChecklist) {
    auto* f = v.as_object().if_contains(item.code);
    if (!f || !f->is_bool() || !f->as_bool()) return false;
  }
  return true;
}

std::string OutcomeLabel(const std::string& o) {
  if (o == "support") return "予以支持";
  if (o == "explain") return "解释说明";
  if (o == "reject") return "不予支持";
  return o;
}

}  // namespace

absl::StatusOr<NewCase> ParseNewCase(const json::object& body, bool staff) {
  JsonInput in(body);
  NewCase c;
  c.category = in.Enum("category", true, Codes(kCategories)).value_or("");
  c.kind = in.Enum("kind", false, Codes(kKinds)).value_or("complaint");
  c.title = in.Str("title", true, 100).value_or("");
  c.content = in.Str("content", true, 5000).value_or("");
  if (auto d = in.Day("occurred_on", false)) c.occurred_on = FormatDay(*d);
  c.concerned_unit_id = in.Int("concerned_unit_id", false, 1, INT64_MAX).value_or(0);
  c.leadership_accused = in.Bool("leadership_accused", false).value_or(false);
  c.anonymous = in.Bool("anonymous", true).value_or(true);
  if (const auto* rep = in.Raw("reporter")) {
    if (!rep->is_object()) {
      in.Fail("reporter", "应为对象");
    } else if (!c.anonymous) {
      JsonInput r(rep->as_object(), "reporter");
      c.reporter_name = r.Str("name", true, 50).value_or("");
      c.reporter_phone = r.Str("phone", true, 20).value_or("");
      c.reporter_address = r.Str("address", false, 200).value_or("");
      if (!c.reporter_phone.empty() &&
          (c.reporter_phone.size() < 7 || c.reporter_phone.find_first_not_of("0123456789-+ ") != std::string::npos))
        r.Fail("phone", "电话号码格式不正确");
      for (auto& e : r.errors()) in.Fail(e.field, e.message);
    }
  } else if (!c.anonymous) {
    in.Fail("reporter", "实名反映须填写姓名和联系电话");
  }
  if (staff) {
    c.channel = in.Enum("channel", true, Codes(kChannels)).value_or("");
    if (const auto* people = in.Raw("concerned_person_ids")) {
      if (!people->is_array()) in.Fail("concerned_person_ids", "应为整数数组");
      else
        for (auto& p : people->as_array()) {
          if (p.is_int64() && p.as_int64() > 0) c.concerned_person_ids.push_back(p.as_int64());
          else in.Fail("concerned_person_ids", "应为正整数");
        }
    }
    c.external_ref = in.Str("external_ref", false, 64).value_or("");
    if (auto r = in.Str("received_at", false, 40)) {
      auto t = ParseUtc(*r);
      if (!t) in.Fail("received_at", "时间格式应为 RFC 3339，如 2026-03-02T09:30:00+08:00");
      else c.received_at = t;
    }
  } else {
    c.channel = "web";
  }
  if (const auto* atts = in.Raw("attachments")) {
    if (!atts->is_array()) {
      in.Fail("attachments", "应为数组");
    } else if (atts->as_array().size() > kMaxAttachments) {
      in.Fail("attachments", fmt::format("最多 {} 个附件", kMaxAttachments));
    } else {
      int i = 0;
      for (auto& a : atts->as_array()) {
        std::string path = fmt::format("attachments[{}]", i++);
        if (!a.is_object()) { in.Fail(path, "应为对象"); continue; }
        JsonInput ai(a.as_object(), path);
        auto name = ai.Str("name", true, 100);
        auto data = ai.Str("content_base64", true, kMaxAttachmentBytes * 2);
        std::string raw;
        if (data) {
          raw.resize(data->size());
          size_t len = 0;
          if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), data->data(), data->size(),
                                nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
            ai.Fail("content_base64", "不是有效的 Base64");
          raw.resize(len);
          if (raw.size() > kMaxAttachmentBytes) ai.Fail("content_base64", "单个附件不能超过 5 MiB");
          else if (SniffType(raw).empty()) ai.Fail("content_base64", "只接受 JPEG、PNG 图片和 PDF 文件");
        }
        if (name && (name->find('/') != std::string::npos || name->find('\\') != std::string::npos))
          ai.Fail("name", "文件名不能含有路径");
        for (auto& e : ai.errors()) in.Fail(e.field, e.message);
        if (ai.ok() && name) c.attachments.push_back({*name, raw});
      }
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("case.invalid"));
  return c;
}

absl::StatusOr<json::object> Register(Tx& tx, const CaseEnv& env, const NewCase& nc) {
  Db& db = tx.db();
  std::optional<org::Unit> unit;
  if (nc.concerned_unit_id) {
    QF_ASSIGN_OR_RETURN(unit, org::GetUnit(db, nc.concerned_unit_id));
    if (!unit) return Invalid("case.unit_missing", "所反映的单位不存在", {{"concerned_unit_id", "单位不存在"}});
  }
  for (int64_t p : nc.concerned_person_ids) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM people WHERE id=?"));
    st.Bind(1, p);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Invalid("case.person_missing", "所反映的人员不存在", {{"concerned_person_ids", fmt::format("人员 {} 不存在", p)}});
  }
  // Routing: rules in data, then the wall.
  std::optional<UnitFacts> facts;
  if (unit) {
    UnitFacts f{unit->id, unit->kind, unit->stage, unit->role, unit->parent_id, ""};
    if (unit->parent_id) {
      QF_ASSIGN_OR_RETURN(auto parent, org::GetUnit(db, unit->parent_id));
      if (parent) f.parent_kind = parent->kind;
    }
    facts = f;
  }
  auto by_role = [&db](const std::string& role) { return org::UnitByRole(db, role); };
  auto decision = env.policies->Route(nc.category, facts, nc.leadership_accused, by_role);
  int64_t handling = decision.ok() ? decision->handling_unit_id : 0;
  bool restricted = decision.ok() && decision->restricted;
  std::string rule = decision.ok() ? decision->rule_id : "none";
  std::string basis = decision.ok() ? decision->basis : Str(decision.status().message());
  if (nc.route_to_unit_id) {
    handling = nc.route_to_unit_id;
    restricted = false;
    rule = "notice_objection";
    basis = "公示异议由发布公示的单位核查处理";
  }
  QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(db, nc.concerned_unit_id, nc.concerned_person_ids));
  if (handling) {
    QF_ASSIGN_OR_RETURN(bool breach, Breaches(db, handling, walled));
    if (breach) {
      handling = org::UnitByRole(db, "discipline");
      restricted = true;
      rule = "wall";
      basis = "按规则应交办的单位与被反映对象有关，改由纪委监察室办理（信访工作条例第三十条）";
    }
  }
  absl::Time received = nc.received_at.value_or(tx.now());
  std::string receipt = NewReceiptCode();
  // A pseudonymous handle: staff can tell reporters apart without learning who they are.
  std::string handle = nc.anonymous ? "匿名反映人" : "实名反映人-" + Sha256Hex("handle:" + receipt).substr(0, 6);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO cases(receipt,channel,category,kind,state,title,content,occurred_on,received_at,created_at,"
      "registered_by,owner_account,concerned_unit_id,district,handling_unit_id,restricted,leadership_accused,anonymous,"
      "reporter_handle,external_ref) VALUES(?,?,?,?,'registered',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  st.Bind(1, receipt).Bind(2, nc.channel).Bind(3, nc.category).Bind(4, nc.kind).Bind(5, nc.title).Bind(6, nc.content)
      .Bind(7, nc.occurred_on).Bind(8, FormatUtc(received)).Bind(9, FormatUtc(tx.now()));
  if (nc.registered_by) st.Bind(10, nc.registered_by).Bind(11, nc.registered_by); else st.BindNull(10).BindNull(11);
  if (unit) st.Bind(12, unit->id).Bind(13, unit->district); else st.BindNull(12).BindNull(13);
  if (handling) st.Bind(14, handling); else st.BindNull(14);
  st.Bind(15, int64_t{restricted}).Bind(16, int64_t{nc.leadership_accused}).Bind(17, int64_t{nc.anonymous}).Bind(18, handle);
  if (nc.external_ref.empty()) st.BindNull(19); else st.Bind(19, nc.external_ref);
  auto ins = st.Run();
  if (ins.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "case.duplicate_ref",
                     "该来源的工单编号已登记过：" + nc.external_ref, {{"external_ref", "重复"}});
  QF_RETURN_IF_ERROR(ins);
  int64_t id = db.LastInsertId();
  for (int64_t p : nc.concerned_person_ids) {
    QF_ASSIGN_OR_RETURN(auto cp, db.Prepare("INSERT OR IGNORE INTO case_people(case_id, person_id) VALUES(?,?)"));
    cp.Bind(1, id).Bind(2, p);
    QF_RETURN_IF_ERROR(cp.Run());
  }
  if (!nc.anonymous) {
    // Stored apart from the case and sealed to the discipline office's key: never in plain text.
    if (!env.vault) return absl::InternalError("身份保险库未配置，不能保存实名反映人信息");
    std::string sealed = env.vault->Seal(json::serialize(json::object{
        {"name", nc.reporter_name}, {"phone", nc.reporter_phone}, {"address", nc.reporter_address}}));
    QF_ASSIGN_OR_RETURN(auto rp, db.Prepare("INSERT INTO reporters(case_id, sealed) VALUES(?,?)"));
    rp.Bind(1, id).BindBlob(2, sealed);
    QF_RETURN_IF_ERROR(rp.Run());
  }
  json::array atts;
  for (const auto& a : nc.attachments) {
    std::string hash = Sha256Hex(a.data);
    QF_ASSIGN_OR_RETURN(auto b, db.Prepare("INSERT OR IGNORE INTO blobs(hash,size,mime,data) VALUES(?,?,?,?)"));
    b.Bind(1, hash).Bind(2, static_cast<int64_t>(a.data.size())).Bind(3, SniffType(a.data)).BindBlob(4, a.data);
    QF_RETURN_IF_ERROR(b.Run());
    QF_ASSIGN_OR_RETURN(auto ca, db.Prepare("INSERT OR IGNORE INTO case_attachments(case_id,hash,name) VALUES(?,?,?)"));
    ca.Bind(1, id).Bind(2, hash).Bind(3, a.name);
    QF_RETURN_IF_ERROR(ca.Run());
    atts.push_back(json::object{{"name", a.name}, {"sha256", hash}, {"size", a.data.size()}});
  }
  Row row;  // what SetDeadline reads of the case, without reading back the row just written
  row.id = id;
  row.channel = nc.channel;
  row.category = nc.category;
  row.anonymous = nc.anonymous;
  json::array deadlines;
  absl::CivilDay day = CstDay(received);
  QF_ASSIGN_OR_RETURN(auto acc, SetDeadline(tx, env, row, "acceptance", day));
  deadlines.push_back(acc);
  if (IsTransferChannel(nc.channel)) {
    QF_ASSIGN_OR_RETURN(auto obj, SetDeadline(tx, env, row, "objection", day));
    deadlines.push_back(obj);
  }
  if (nc.due_by) {
    QF_ASSIGN_OR_RETURN(auto st2, db.Prepare(
        "INSERT INTO case_deadlines(case_id,kind,start_day,term,due_on,policy_id,clause,calendar_version,provisional,status) "
        "VALUES(?,'notice_final',?,?,?,?,?,?,0,'open')"));
    std::string term = fmt::format("{}d", static_cast<int>(nc.due_by->day - day));
    std::string version = env.calendar->VersionFor(day, nc.due_by->day);
    st2.Bind(1, id).Bind(2, FormatDay(day)).Bind(3, term).Bind(4, FormatDay(nc.due_by->day)).Bind(5, nc.due_by->policy_id)
        .Bind(6, nc.due_by->clause).Bind(7, version);
    QF_RETURN_IF_ERROR(st2.Run());
    deadlines.push_back(json::object{{"kind", "notice_final"}, {"start", FormatDay(day)}, {"term", term},
                                     {"due_on", FormatDay(nc.due_by->day)}, {"policy", nc.due_by->policy_id},
                                     {"clause", nc.due_by->clause}, {"calendar_version", version}, {"provisional", false}});
  }
  json::object payload{{"receipt_sha256", Sha256Hex(receipt)}, {"channel", nc.channel}, {"category", nc.category},
                       {"kind", nc.kind}, {"title", nc.title}, {"content_sha256", Sha256Hex(nc.content)},
                       {"received_at", FormatUtc(received)}, {"concerned_unit_id", nc.concerned_unit_id},
                       {"handling_unit_id", handling}, {"routing_rule", rule}, {"restricted", restricted},
                       {"anonymous", nc.anonymous}, {"attachments", atts}};
  if (!nc.external_ref.empty()) payload["external_ref"] = nc.external_ref;
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("case.registered", Subject(id), payload));
  return json::object{{"id", id},
                      {"ledger", json::object{{"leaf_index", seq - 1}}},
                      {"receipt", DisplayReceiptCode(receipt)},
                      {"state", "registered"},
                      {"state_label", std::string(StateLabel(State::kRegistered))},
                      {"handling_unit_id", handling},
                      {"routing", json::object{{"rule", rule}, {"basis", basis}}},
                      {"restricted", restricted},
                      {"deadlines", deadlines}};
}

namespace {

// For a viewer who only handles cases (no intake, supervision or leadership role), the passages marked at
// dispatch as identifying the reporter are replaced by ■, one per character, in the content and title.
void BlackOut(Row& c, const Principal& who) {
  if (who.roles & (kClerk | kSupervisor | kLeader)) return;
  c.content = Redact(std::move(c.content), c.redactions);
  c.title = Redact(std::move(c.title), c.redactions);
}

absl::StatusOr<bool> InHandlingUnit(Db& db, const Row& c, const Principal& who) {
  if (!c.handling_unit_id || !who.unit_id) return false;
  return org::IsWithin(db, c.handling_unit_id, who.unit_id);
}

// Whether `who` may see the case at all: scope by role, then the wall.
absl::StatusOr<bool> CanSee(Db& db, const Row& c, const Principal& who) {
  bool scope = false;
  if (who.Has(kSupervisor)) scope = true;
  else if ((who.Has(kClerk) || who.Has(kLeader)) && !c.restricted) scope = true;
  if (!scope && who.Has(kHandler)) {
    QF_ASSIGN_OR_RETURN(scope, InHandlingUnit(db, c, who));
  }
  if (!scope) return false;
  QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(db, c.id));
  if (who.person_id) {
    QF_ASSIGN_OR_RETURN(auto relatives, org::Relatives(db, who.person_id));
    for (int64_t p : people) {
      if (p == who.person_id) return false;
      if (std::find(relatives.begin(), relatives.end(), p) != relatives.end()) return false;
    }
  }
  if ((c.leadership || c.restricted) && c.concerned_unit_id && who.unit_id) {
    QF_ASSIGN_OR_RETURN(bool inside, org::IsWithin(db, who.unit_id, c.concerned_unit_id));
    if (inside) return false;
  }
  return true;
}

std::optional<std::string> Param(const json::object& p, const char* name) {
  auto* v = p.if_contains(name);
  if (!v || !v->is_string()) return std::nullopt;
  std::string s(Trim(std::string_view(v->as_string())));
  if (s.empty()) return std::nullopt;
  return s;
}

absl::Status Need(const std::optional<std::string>& v, const char* field, const char* what, size_t max = 5000) {
  if (!v) return Invalid("case.param_missing", std::string("请填写") + what, {{field, "必填"}});
  long n = Utf8Length(*v);
  if (n < 0 || static_cast<size_t>(n) > max)
    return Invalid("case.param_invalid", std::string(what) + "过长或含有无效字符", {{field, fmt::format("不超过 {} 字", max)}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<json::object> Transition(Tx& tx, const CaseEnv& env, int64_t case_id, Action action,
                                        const json::object& params, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  if (auto v = params.if_contains("version"); v && v->is_int64() && v->as_int64() != c.version)
    return MakeError(absl::StatusCode::kAborted, "case.stale", "案件已被他人更新，请刷新后重试");
  QF_ASSIGN_OR_RETURN(bool in_unit, InHandlingUnit(db, c, who));
  CaseFacts facts{c.state(), c.suspended_since.has_value(), c.pending.has_value() && c.pending->starts_with("{\"extension"),
                  ChecklistComplete(c.checklist)};
  QF_RETURN_IF_ERROR(Check(facts, action, ActorFacts{who.roles, in_unit}));

  State next = Next(c.state(), action);
  std::string now = FormatUtc(tx.now());
  absl::CivilDay today = CstDay(tx.now());
  json::object ev{{"from", std::string(StateName(c.state()))}, {"to", std::string(StateName(next))}};
  std::vector<std::pair<std::string, std::string>> sets;  // column = value (text)
  auto note = Param(params, "note");
  json::array deadlines;

  switch (action) {
    case Action::kAccept: {
      sets.push_back({"accepted_at", now});
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "acceptance"));
      QF_ASSIGN_OR_RETURN(auto d, SetDeadline(tx, env, c, "handling", today));
      deadlines.push_back(d);
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "notice",
          fmt::format("您反映的事项已于{}受理，将在{}前办结并答复（{}）。", FormatDay(today),
                      d["due_on"].as_string().c_str(), d["clause"].as_string().c_str()), true));
      break;
    }
    case Action::kDecline: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "不予受理的理由"));
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "acceptance"));
      QF_RETURN_IF_ERROR(CancelDeadline(tx, c.id, "objection"));
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "notice", "您反映的事项不予受理，理由：" + *reason, true));
      ev["reason"] = *reason;
      break;
    }
    case Action::kDispatch: {
      int64_t target = c.handling_unit_id;
      if (auto* u = params.if_contains("unit_id")) {
        if (!u->is_int64() || u->as_int64() <= 0) return Invalid("case.param_invalid", "承办单位无效", {{"unit_id", "应为单位编号"}});
        target = u->as_int64();
      }
      if (!target) return Invalid("case.param_missing", "请指定承办单位", {{"unit_id", "必填"}});
      QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, target));
      if (!unit) return Invalid("case.param_invalid", "承办单位不存在", {{"unit_id", "单位不存在"}});
      QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(db, c.id));
      QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(db, c.concerned_unit_id, people));
      QF_ASSIGN_OR_RETURN(bool breach, Breaches(db, target, walled));
      if (breach)
        return Forbidden("case.wall", "不能交办给被反映的单位或被反映人所在单位（信访工作条例第三十条）");
      if (c.restricted && unit->role != "discipline")
        return Forbidden("case.restricted", "违法违纪及反映领导班子的件只能由纪委监察室办理");
      if (auto* red = params.if_contains("redact")) {
        // Passages that would identify the reporter: the handling unit gets a copy with them blacked out.
        if (!red->is_array() || red->as_array().size() > 50)
          return Invalid("case.param_invalid", "遮蔽内容应为字符串数组", {{"redact", "应为数组"}});
        json::array marks;
        for (auto& m : red->as_array()) {
          if (!m.is_string() || m.as_string().empty())
            return Invalid("case.param_invalid", "遮蔽内容应为非空字符串", {{"redact", "含空项"}});
          std::string phrase(m.as_string());
          if (c.content.find(phrase) == std::string::npos && c.title.find(phrase) == std::string::npos)
            return Invalid("case.param_invalid", "要遮蔽的文字不在反映内容中：" + phrase, {{"redact", "找不到该文字"}});
          marks.push_back(json::string(phrase));
        }
        sets.push_back({"redactions", json::serialize(marks)});
        ev["redactions"] = marks.size();
      }
      sets.push_back({"dispatched_at", now});
      sets.push_back({"handling_unit_id", std::to_string(target)});
      ev["unit_id"] = target;
      break;
    }
    case Action::kSign:
      sets.push_back({"signed_at", now});
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "objection"));
      break;
    case Action::kRequestReturn: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "退回理由"));
      sets.push_back({"pending_request", json::serialize(json::object{{"return", *reason}})});
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "objection"));
      ev["reason"] = *reason;
      break;
    }
    case Action::kApproveReturn:
      sets.push_back({"pending_request", ""});
      sets.push_back({"handling_unit_id", ""});
      sets.push_back({"dispatched_at", ""});
      break;
    case Action::kRefuseReturn: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "不同意退回的理由"));
      sets.push_back({"pending_request", ""});
      ev["reason"] = *reason;
      break;
    }
    case Action::kVerify: {
      auto findings = Param(params, "findings");
      QF_RETURN_IF_ERROR(Need(findings, "findings", "核查情况"));
      sets.push_back({"findings", *findings});
      ev["findings_sha256"] = Sha256Hex(*findings);
      break;
    }
    case Action::kPropose: {
      auto outcome = Param(params, "outcome");
      auto proposal = Param(params, "proposal");
      if (!outcome || (*outcome != "support" && *outcome != "explain" && *outcome != "reject"))
        return Invalid("case.param_invalid", "处理结论应为 support（予以支持）、explain（解释说明）或 reject（不予支持）",
                       {{"outcome", "取值无效"}});
      QF_RETURN_IF_ERROR(Need(proposal, "proposal", "处理意见"));
      sets.push_back({"outcome", *outcome});
      sets.push_back({"proposal", *proposal});
      ev["outcome"] = *outcome;
      break;
    }
    case Action::kApproveProposal:
      break;
    case Action::kSendBack: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "退回重办的理由"));
      ev["reason"] = *reason;
      break;
    }
    case Action::kReply: {
      auto reply = Param(params, "reply");
      QF_RETURN_IF_ERROR(Need(reply, "reply", "答复内容"));
      sets.push_back({"reply", *reply});
      sets.push_back({"replied_at", now});
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "handling"));
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, "notice_final"));
      QF_ASSIGN_OR_RETURN(auto d, SetDeadline(tx, env, c, "review_window", today));
      deadlines.push_back(d);
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "reply",
          fmt::format("处理意见（{}）：{}\n如对处理意见不服，可在{}前申请复查。", OutcomeLabel(c.outcome.value_or("")),
                      *reply, d["due_on"].as_string().c_str()), true));
      ev["reply_sha256"] = Sha256Hex(*reply);
      break;
    }
    case Action::kRevisit: {
      if (auto* s = params.if_contains("satisfaction")) {
        if (!s->is_int64() || s->as_int64() < 1 || s->as_int64() > 5)
          return Invalid("case.param_invalid", "满意度应为 1 到 5", {{"satisfaction", "1–5"}});
        sets.push_back({"satisfaction", std::to_string(s->as_int64())});
        ev["satisfaction"] = s->as_int64();
      }
      break;
    }
    case Action::kClose:
      sets.push_back({"closed_at", now});
      break;
    case Action::kRequestExtension: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "延期理由"));
      auto* d = params.if_contains("days");
      int64_t cap = env.policies->supervision().max_extension_days - c.extension_days;
      if (!d || !d->is_int64() || d->as_int64() < 1 || d->as_int64() > cap)
        return Invalid("case.param_invalid", fmt::format("延期天数应为 1 到 {} 天（第三十四条：最长30日）", cap),
                       {{"days", "超出可延期天数"}});
      sets.push_back({"pending_request", json::serialize(json::object{{"extension", d->as_int64()}, {"reason", *reason}})});
      ev["days"] = d->as_int64();
      ev["reason"] = *reason;
      break;
    }
    case Action::kApproveExtension: {
      boost::system::error_code ec;
      auto req = json::parse(*c.pending, ec);
      int64_t days = req.as_object().at("extension").as_int64();
      std::string reason(req.as_object().at("reason").as_string());
      QF_ASSIGN_OR_RETURN(auto dst, db.Prepare("SELECT start_day FROM case_deadlines WHERE case_id=? AND kind='handling'"));
      dst.Bind(1, c.id);
      QF_ASSIGN_OR_RETURN(bool has, dst.Step());
      if (!has) return Conflict("case.no_handling_deadline", "该件没有办理期限");
      auto start = *ParseDay(dst.Text(0));
      QF_ASSIGN_OR_RETURN(auto nd, SetDeadline(tx, env, c, "handling", start, static_cast<int>(c.extension_days + days)));
      deadlines.push_back(nd);
      sets.push_back({"extension_days", std::to_string(c.extension_days + days)});
      sets.push_back({"pending_request", ""});
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "notice",
          fmt::format("因{}，办理期限延长{}日，至{}（信访工作条例第三十四条）。", reason, days, nd["due_on"].as_string().c_str()), true));
      ev["days"] = days;
      break;
    }
    case Action::kRefuseExtension:
      sets.push_back({"pending_request", ""});
      break;
    case Action::kSuspend: {
      auto reason = Param(params, "reason");
      QF_RETURN_IF_ERROR(Need(reason, "reason", "中止计时的理由"));
      sets.push_back({"suspended_since", FormatDay(today)});
      ev["reason"] = *reason;
      break;
    }
    case Action::kResume: {
      // Each open deadline moves by the calendar days the clock stood still.
      absl::CivilDay since = *ParseDay(*c.suspended_since);
      int64_t days = today - since;
      if (days > 0) {
        std::vector<std::pair<std::string, std::string>> open;  // kind, due
        {
          QF_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT kind, due_on FROM case_deadlines WHERE case_id=? AND status='open'"));
          q.Bind(1, c.id);
          while (true) {
            QF_ASSIGN_OR_RETURN(bool row, q.Step());
            if (!row) break;
            open.push_back({q.Text(0), q.Text(1)});
          }
        }
        for (auto& [kind, due] : open) {
          // The moved last day rolls forward off rest days like any term (民法典第二百零三条).
          auto moved = env.calendar->Add(*ParseDay(due), Term{static_cast<int>(days), TermUnit::kCalendarDays});
          QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
              "UPDATE case_deadlines SET due_on=?, provisional=provisional OR ?, calendar_version=? WHERE case_id=? AND kind=?"));
          up.Bind(1, FormatDay(moved.due)).Bind(2, int64_t{moved.provisional}).Bind(3, moved.calendar_version)
              .Bind(4, c.id).Bind(5, kind);
          QF_RETURN_IF_ERROR(up.Run());
        }
      }
      sets.push_back({"suspended_since", ""});
      ev["days_suspended"] = days;
      break;
    }
    case Action::kMerge: {
      auto* into = params.if_contains("into_case_id");
      if (!into || !into->is_int64()) return Invalid("case.param_missing", "请指定并入的案件", {{"into_case_id", "必填"}});
      if (into->as_int64() == c.id) return Invalid("case.param_invalid", "不能并入自身", {{"into_case_id", "不能是本件"}});
      QF_ASSIGN_OR_RETURN(Row target, LoadById(db, into->as_int64()));
      QF_ASSIGN_OR_RETURN(bool sees, CanSee(db, target, who));
      if (!sees) return NotFound("case.not_found", "并入的案件不存在");
      if (target.state() == State::kMerged || IsTerminal(target.state()))
        return Conflict("case.merge_target_closed", "并入的案件已办结或已并案");
      // The wall is checked again: this matter must not reach the accused through the surviving case.
      QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(db, c.id));
      QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(db, c.concerned_unit_id, people));
      if (target.handling_unit_id) {
        QF_ASSIGN_OR_RETURN(bool breach, Breaches(db, target.handling_unit_id, walled));
        if (breach)
          return Forbidden("case.wall", "并入的案件由被反映对象所在单位办理，不能并案（信访工作条例第三十条）");
      }
      if (c.restricted && !target.restricted)
        return Forbidden("case.restricted", "违法违纪或反映领导班子的件不能并入普通件");
      sets.push_back({"merged_into", std::to_string(target.id)});
      for (const char* k : {"acceptance", "objection", "handling", "notice_final"}) QF_RETURN_IF_ERROR(CancelDeadline(tx, c.id, k));
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "notice", "您反映的事项与已登记的同一事项合并办理。", true));
      QF_RETURN_IF_ERROR(tx.Append("case.merged_in", Subject(target.id), {{"merged_case", c.id}}).status());
      ev["into"] = target.id;
      break;
    }
    case Action::kUpdateChecklist: {
      auto* items = params.if_contains("items");
      if (!items || !items->is_object()) return Invalid("case.param_missing", "请提交五个到位清单", {{"items", "应为对象"}});
      boost::system::error_code ec;
      auto cur = json::parse(c.checklist, ec);
      json::object merged = (!ec && cur.is_object()) ? cur.as_object() : json::object{};
      for (auto& [k, v] : items->as_object()) {
        if (!LabelOf(kChecklist, std::string_view(k.data(), k.size())) || !v.is_bool())
          return Invalid("case.param_invalid", "五个到位清单项无效", {{"items." + std::string(k), "未知项目或不是布尔值"}});
        merged[k] = v;
      }
      sets.push_back({"checklist", json::serialize(merged)});
      ev["checklist"] = merged;
      break;
    }
    case Action::kAskReporter: {
      auto q = Param(params, "question");
      QF_RETURN_IF_ERROR(Need(q, "question", "问题", 1000));
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "question", *q, true));
      break;
    }
    case Action::kAnswerReview:
    case Action::kAnswerReReview: {
      auto answer = Param(params, "answer");
      QF_RETURN_IF_ERROR(Need(answer, "answer", "答复意见"));
      bool review = action == Action::kAnswerReview;
      QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, review ? "review_answer" : "rereview_answer"));
      if (review) {
        QF_ASSIGN_OR_RETURN(auto d, SetDeadline(tx, env, c, "rereview_window", today));
        deadlines.push_back(d);
      }
      QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "reply", std::string(review ? "复查意见：" : "复核意见（终结）：") + *answer, true));
      break;
    }
    case Action::kVerifyRealName: {
      // "Real name" means a name and a phone number that was verified; a failed check makes the item
      // anonymous and its sealed identity is destroyed.
      if (c.anonymous) return Conflict("case.anonymous", "匿名件无需实名核验");
      auto* v = params.if_contains("verified");
      if (!v || !v->is_bool()) return Invalid("case.param_missing", "请给出核验结果", {{"verified", "应为 true 或 false"}});
      if (v->as_bool()) {
        QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE reporters SET phone_verified=1 WHERE case_id=?"));
        up.Bind(1, c.id);
        QF_RETURN_IF_ERROR(up.Run());
      } else {
        QF_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM reporters WHERE case_id=?"));
        del.Bind(1, c.id);
        QF_RETURN_IF_ERROR(del.Run());
        QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
            "UPDATE cases SET anonymous=1, reporter_handle='匿名反映人（实名核验未通过）' WHERE id=?"));
        up.Bind(1, c.id);
        QF_RETURN_IF_ERROR(up.Run());
      }
      ev["verified"] = v->as_bool();
      break;
    }
    case Action::kRequestReview:
    case Action::kRequestReReview:
      return Forbidden("case.public_only", "复查、复核由反映人凭回执码申请");
  }
  if (note) {
    QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "note", *note, false));
  }

  // Apply the projection changes.
  std::string sql = "UPDATE cases SET state=?, version=version+1";
  for (auto& [col, _] : sets) sql += ", " + col + "=?";
  sql += " WHERE id=? AND version=?";
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(sql));
  int i = 1;
  up.Bind(i++, std::string(StateName(next)));
  for (auto& [col, val] : sets) {
    if (val.empty() && col != "redactions") up.BindNull(i++);
    else if (col == "handling_unit_id" || col == "satisfaction" || col == "extension_days" || col == "merged_into")
      up.Bind(i++, *ParseInt<int64_t>(val));
    else up.Bind(i++, val);
  }
  up.Bind(i++, c.id).Bind(i++, c.version);
  QF_RETURN_IF_ERROR(up.Run());
  if (db.Changes() != 1) return MakeError(absl::StatusCode::kAborted, "case.stale", "案件已被他人更新，请刷新后重试");
  if (!deadlines.empty()) ev["deadlines"] = deadlines;
  QF_RETURN_IF_ERROR(tx.Append(fmt::format("case.{}", ActionName(action)), Subject(c.id), ev).status());
  return json::object{{"id", c.id}, {"state", std::string(StateName(next))},
                      {"state_label", std::string(StateLabel(next))}, {"version", c.version + 1},
                      {"deadlines", deadlines}};
}

absl::StatusOr<json::object> PublicAction(Tx& tx, const CaseEnv& env, const std::string& receipt,
                                          const std::string& action, const json::object& params) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto found, LoadRow(db, "receipt=?", [&](Stmt& s) { s.Bind(1, receipt); }));
  if (!found) return NotFound("case.not_found", "回执码对应的事项不存在");
  Row c = *found;
  absl::CivilDay today = CstDay(tx.now());
  json::object ev{{"action", action}};
  if (action == "add_info" || action == "answer") {
    auto text = Param(params, "text");
    QF_RETURN_IF_ERROR(Need(text, "text", "补充内容", 2000));
    if (IsTerminal(c.state())) return Conflict("case.closed", "事项已办结，不能再补充材料");
    QF_RETURN_IF_ERROR(AddMessage(tx, c.id, action == "answer" ? "answer" : "supplement", *text, true));
    ev["text_sha256"] = Sha256Hex(*text);
  } else if (action == "rate") {
    auto* s = params.if_contains("satisfaction");
    if (!s || !s->is_int64() || s->as_int64() < 1 || s->as_int64() > 5)
      return Invalid("case.param_invalid", "满意度应为 1 到 5", {{"satisfaction", "1–5"}});
    if (!c.replied_at) return Conflict("case.not_replied", "尚未答复，暂不能评价");
    QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE cases SET satisfaction=?, version=version+1 WHERE id=?"));
    up.Bind(1, s->as_int64()).Bind(2, c.id);
    QF_RETURN_IF_ERROR(up.Run());
    if (auto comment = Param(params, "comment")) QF_RETURN_IF_ERROR(AddMessage(tx, c.id, "rating", *comment, true));
    ev["satisfaction"] = s->as_int64();
  } else if (action == "request_review" || action == "request_rereview") {
    bool review = action == "request_review";
    Action a = review ? Action::kRequestReview : Action::kRequestReReview;
    QF_RETURN_IF_ERROR(Check(CaseFacts{c.state()}, a, ActorFacts{}));
    auto reason = Param(params, "reason");
    QF_RETURN_IF_ERROR(Need(reason, "reason", review ? "申请复查的理由" : "申请复核的理由", 2000));
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT due_on FROM case_deadlines WHERE case_id=? AND kind=?"));
    st.Bind(1, c.id).Bind(2, review ? "review_window" : "rereview_window");
    QF_ASSIGN_OR_RETURN(bool has, st.Step());
    if (!has) return Conflict("case.no_window", review ? "该事项尚未答复，不能申请复查" : "该事项尚未复查，不能申请复核");
    if (*ParseDay(st.Text(0)) < today)
      return Conflict("case.window_closed", fmt::format("申请期限已于{}届满（信访工作条例第{}条）", st.Text(0),
                                                        review ? "三十五" : "三十六"));
    QF_RETURN_IF_ERROR(CloseDeadline(tx, c.id, review ? "review_window" : "rereview_window"));
    QF_ASSIGN_OR_RETURN(auto d, SetDeadline(tx, env, c, review ? "review_answer" : "rereview_answer", today));
    QF_RETURN_IF_ERROR(AddMessage(tx, c.id, review ? "review_request" : "rereview_request", *reason, true));
    State next = Next(c.state(), a);
    QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE cases SET state=?, version=version+1 WHERE id=?"));
    up.Bind(1, std::string(StateName(next))).Bind(2, c.id);
    QF_RETURN_IF_ERROR(up.Run());
    ev["from"] = std::string(StateName(c.state()));
    ev["to"] = std::string(StateName(next));
    ev["deadline"] = d;
  } else {
    return Invalid("case.public_action", "未知操作", {{"action", "应为 add_info、answer、rate、request_review 或 request_rereview"}});
  }
  QF_RETURN_IF_ERROR(tx.Append("case.public_" + action, Subject(c.id), ev).status());
  return json::object{{"ok", true}};
}

namespace {

json::array DeadlinesJson(Db& db, const CaseEnv& env, int64_t case_id, absl::Time now, bool public_only) {
  json::array out;
  auto st = db.Prepare(
      "SELECT kind,start_day,term,due_on,policy_id,clause,calendar_version,provisional,status,COALESCE(met_at,'') "
      "FROM case_deadlines WHERE case_id=? ORDER BY start_day, kind");
  if (!st.ok()) return out;
  st->Bind(1, case_id);
  absl::CivilDay today = CstDay(now);
  while (true) {
    auto row = st->Step();
    if (!row.ok() || !*row) break;
    std::string kind = st->Text(0);
    if (public_only && kind == "objection") continue;
    auto due = *ParseDay(st->Text(3));
    std::string status = st->Text(8);
    int left = env.calendar->WorkingDaysBetween(today, due);
    std::string colour = "none";
    if (!IsSupervised(kind)) {
      // no colour
    } else if (status == "open") {
      if (due < today) colour = "red";
      else if (left <= env.policies->supervision().yellow_working_days) colour = "yellow";
      else colour = "green";
    } else if (status == "missed") {
      colour = "red";
    }
    json::object o{{"kind", kind}, {"start", st->Text(1)}, {"term", st->Text(2)}, {"due_on", st->Text(3)},
                   {"clause", st->Text(5)}, {"status", status}, {"provisional", st->Int(7) != 0}, {"colour", colour}};
    if (status == "open") o["working_days_left"] = left;
    if (!public_only) {
      o["policy"] = st->Text(4);
      o["calendar_version"] = st->Text(6);
      o["met_at"] = st->Text(9);
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::array MessagesJson(Db& db, int64_t case_id, bool public_only) {
  json::array out;
  auto st = db.Prepare("SELECT at,kind,author,body,public FROM case_messages WHERE case_id=? ORDER BY id");
  if (!st.ok()) return out;
  st->Bind(1, case_id);
  while (true) {
    auto row = st->Step();
    if (!row.ok() || !*row) break;
    bool pub = st->Int(4) != 0;
    if (public_only && !pub) continue;
    json::object o{{"at", st->Text(0)}, {"kind", st->Text(1)}, {"body", st->Text(3)}};
    if (!public_only) {
      o["author"] = st->Text(2);
      o["public"] = pub;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string UnitName(Db& db, int64_t id) {
  if (!id) return "";
  auto st = db.Prepare("SELECT name FROM units WHERE id=?");
  if (!st.ok()) return "";
  st->Bind(1, id);
  auto row = st->Step();
  return row.ok() && *row ? st->Text(0) : "";
}

}  // namespace

// The case's events in order, as its timeline: kind, label, time and who (staff by display name). The payloads
// stay out: the public's identity and erased content never reach the page through the timeline.
absl::StatusOr<json::value> EventsJson(Db& db, int64_t case_id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.seq, e.time, e.actor, e.kind, a.display_name FROM events e "
      "LEFT JOIN accounts a ON e.actor = 'account:' || a.id WHERE e.subject=? ORDER BY e.seq"));
  st.Bind(1, Subject(case_id));
  json::array out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    // Named kinds first; otherwise the action's label ("反映人…" when the reporter took it with the receipt code).
    static const std::pair<const char*, const char*> kNamed[] = {
        {"case.registered", "登记"}, {"case.merged_in", "并入他件"}, {"case.deadline_recomputed", "期限按新公布的节假日重算"},
        {"supervision.card", "亮牌督办"}, {"supervision.order", "下达督办单"}, {"supervision.answered", "答复督办"},
        {"reporter.identity_opened", "查看实名信息"}, {"case.public_add_info", "反映人补充材料"},
        {"case.public_answer", "反映人回答询问"}, {"case.public_rate", "反映人评价"}};
    std::string kind = st.Text(3), label = kind;
    std::string_view name = std::string_view(kind).substr(kind.find('.') + 1);
    bool by_public = name.starts_with("public_");
    if (by_public) name.remove_prefix(7);
    if (auto a = ParseAction(name)) label = (by_public ? "反映人" : "") + std::string(ActionLabel(*a));
    for (auto& [k, l] : kNamed)
      if (kind == k) label = l;
    std::string actor = st.Text(2);
    std::string who = st.IsNull(4) ? (actor == "system" ? "系统" : actor == "public" || by_public ? "反映人" : actor) : st.Text(4);
    out.push_back(json::object{{"seq", st.Int(0)}, {"at", st.Text(1)}, {"kind", kind}, {"label", label}, {"by", who}});
  }
  return json::value(std::move(out));
}

absl::StatusOr<json::object> StaffView(Db& db, const CaseEnv& env, int64_t case_id, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));  // copied: the handler's view may black out passages
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  QF_ASSIGN_OR_RETURN(bool in_unit, InHandlingUnit(db, c, who));
  CaseFacts facts{c.state(), c.suspended_since.has_value(), c.pending.has_value() && c.pending->starts_with("{\"extension"),
                  ChecklistComplete(c.checklist)};
  json::array actions;
  for (Action a : Allowed(facts, ActorFacts{who.roles, in_unit}))
    actions.push_back(json::object{{"action", std::string(ActionName(a))}, {"label", std::string(ActionLabel(a))}});
  json::array people;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT p.id,p.name,p.unit_id,COALESCE(p.position,'') FROM case_people cp JOIN people p ON p.id=cp.person_id WHERE cp.case_id=?"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      people.push_back(json::object{{"id", st.Int(0)}, {"name", st.Text(1)}, {"unit_id", st.Int(2)}, {"position", st.Text(3)}});
    }
  }
  json::array atts;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT a.name,a.hash,b.size,b.mime FROM case_attachments a JOIN blobs b ON b.hash=a.hash WHERE a.case_id=?"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      atts.push_back(json::object{{"name", st.Text(0)}, {"sha256", st.Text(1)}, {"size", st.Int(2)}, {"mime", st.Text(3)}});
    }
  }
  json::array sup;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id,kind,level,COALESCE(deadline_kind,''),rule,issued_at,issued_by,COALESCE(due_on,''),COALESCE(note,''),"
        "COALESCE(answer,''),COALESCE(answered_at,'') FROM supervision WHERE case_id=? ORDER BY id"));
    st.Bind(1, c.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      sup.push_back(json::object{{"id", st.Int(0)}, {"kind", st.Text(1)}, {"level", st.Int(2)}, {"deadline_kind", st.Text(3)},
                                 {"rule", st.Text(4)}, {"issued_at", st.Text(5)}, {"issued_by", st.Text(6)},
                                 {"due_on", st.Text(7)}, {"note", st.Text(8)}, {"answer", st.Text(9)}, {"answered_at", st.Text(10)}});
    }
  }
  json::array checklist;
  {
    boost::system::error_code ec;
    auto cl = json::parse(c.checklist, ec);
    for (const auto& item : kChecklist) {
      bool done = false;
      if (!ec && cl.is_object())
        if (auto* v = cl.as_object().if_contains(item.code); v && v->is_bool()) done = v->as_bool();
      checklist.push_back(json::object{{"item", item.code}, {"label", item.label}, {"done", done}});
    }
  }
  // Two clocks for dispatched items: since dispatch and since sign-off (ping-pong returns cannot hide delay).
  json::object clocks;
  absl::CivilDay today = CstDay(now);
  if (c.dispatched_at) clocks["working_days_since_dispatch"] = env.calendar->WorkingDaysBetween(CstDay(*ParseUtc(*c.dispatched_at)), today);
  if (c.signed_at) clocks["working_days_since_sign"] = env.calendar->WorkingDaysBetween(CstDay(*ParseUtc(*c.signed_at)), today);
  clocks["days_since_received"] = static_cast<int64_t>(today - CstDay(*ParseUtc(c.received_at)));
  auto opt = [](const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); };
  BlackOut(c, who);
  json::object o{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"channel", c.channel},
                 {"channel_label", LabelOf(kChannels, c.channel).value_or(c.channel)}, {"category", c.category},
                 {"category_label", LabelOf(kCategories, c.category).value_or(c.category)}, {"kind", c.kind},
                 {"state", c.state_name}, {"state_label", std::string(StateLabel(c.state()))}, {"title", c.title},
                 {"content", c.content}, {"occurred_on", c.occurred_on}, {"received_at", c.received_at},
                 {"concerned_unit", json::object{{"id", c.concerned_unit_id}, {"name", UnitName(db, c.concerned_unit_id)}}},
                 {"handling_unit", json::object{{"id", c.handling_unit_id}, {"name", UnitName(db, c.handling_unit_id)}}},
                 {"district", c.district}, {"restricted", c.restricted}, {"leadership_accused", c.leadership},
                 {"anonymous", c.anonymous}, {"reporter", c.reporter_handle}, {"external_ref", c.external_ref},
                 {"owner_account", c.owner}, {"concerned_people", people}, {"attachments", atts},
                 {"accepted_at", opt(c.accepted_at)}, {"dispatched_at", opt(c.dispatched_at)},
                 {"signed_at", opt(c.signed_at)}, {"replied_at", opt(c.replied_at)}, {"closed_at", opt(c.closed_at)},
                 {"outcome", opt(c.outcome)}, {"findings", opt(c.findings)}, {"proposal", opt(c.proposal)},
                 {"reply", opt(c.reply)}, {"pending_request", opt(c.pending)}, {"suspended_since", opt(c.suspended_since)},
                 {"extension_days", c.extension_days}, {"version", c.version}, {"clocks", clocks},
                 {"deadlines", DeadlinesJson(db, env, c.id, now, false)}, {"messages", MessagesJson(db, c.id, false)},
                 {"supervision", sup}, {"checklist", checklist}, {"actions", actions}};
  o["satisfaction"] = c.satisfaction ? json::value(*c.satisfaction) : json::value(nullptr);
  o["merged_into"] = c.merged_into ? json::value(*c.merged_into) : json::value(nullptr);
  QF_ASSIGN_OR_RETURN(o["events"], EventsJson(db, c.id));
  // Likely repeats of the same matter, offered to intake staff while a merge is still possible.
  json::array repeats;
  if ((who.roles & (kClerk | kSupervisor)) && (c.state() == State::kRegistered || c.state() == State::kAccepted)) {
    QF_ASSIGN_OR_RETURN(auto found, search::FindRepeats(db, c.id));
    for (const auto& r : found) {
      QF_ASSIGN_OR_RETURN(Row other, LoadById(db, r.case_id));
      QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, other, who));
      if (!visible) continue;
      repeats.push_back(json::object{{"id", other.id}, {"receipt", DisplayReceiptCode(other.receipt)}, {"title", other.title},
                                     {"channel_label", LabelOf(kChannels, other.channel).value_or(other.channel)},
                                     {"state", other.state_name}, {"state_label", std::string(StateLabel(other.state()))},
                                     {"received_at", other.received_at}, {"similarity", std::round(r.similarity * 100) / 100}});
    }
  }
  o["repeats"] = std::move(repeats);
  return o;
}

absl::StatusOr<json::object> PublicView(Db& db, const CaseEnv& env, const std::string& receipt, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto found, LoadRow(db, "receipt=?", [&](Stmt& s) { s.Bind(1, receipt); }));
  if (!found) return NotFound("case.not_found", "回执码对应的事项不存在，请核对后重新输入");
  const Row& c = *found;
  json::array actions;
  if (!IsTerminal(c.state())) actions.push_back("add_info");
  if (c.replied_at) actions.push_back("rate");
  // Offer review only while its window is open.
  for (auto [kind, action] : {std::pair{"review_window", "request_review"}, std::pair{"rereview_window", "request_rereview"}}) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT due_on, status FROM case_deadlines WHERE case_id=? AND kind=?"));
    st.Bind(1, c.id).Bind(2, kind);
    QF_ASSIGN_OR_RETURN(bool has, st.Step());
    if (has && st.Text(1) == "open" && *ParseDay(st.Text(0)) >= CstDay(now) &&
        Check(CaseFacts{c.state()}, std::string(action) == "request_review" ? Action::kRequestReview : Action::kRequestReReview,
              ActorFacts{}).ok())
      actions.push_back(json::string(action));
  }
  return json::object{{"receipt", DisplayReceiptCode(c.receipt)},
                      {"state", c.state_name},
                      {"state_label", std::string(StateLabel(c.state()))},
                      {"channel_label", LabelOf(kChannels, c.channel).value_or(c.channel)},
                      {"category_label", LabelOf(kCategories, c.category).value_or(c.category)},
                      {"title", c.title},
                      {"received_at", c.received_at},
                      {"satisfaction", c.satisfaction ? json::value(*c.satisfaction) : json::value(nullptr)},
                      {"deadlines", DeadlinesJson(db, env, c.id, now, true)},
                      {"messages", MessagesJson(db, c.id, true)},
                      {"actions", actions}};
}

constexpr int64_t kMaxCounted = 10000;
constexpr int64_t kRankedMatches = 2000;

bool IsListSortKey(std::string_view key) {
  return key == "received_at" || key == "due_on" || key == "state" || key == "id" || key == "relevance";
}

namespace {

// States in which `roles` has an action that moves a case on: `any` for actions open to the role wherever the
// case is handled, `unit` for those that need the case to be handled in the caller's unit subtree.
struct WaitingStates {
  std::string any, unit;  // SQL lists: ('a','b') or ('')
};
WaitingStates WaitingFor(RoleSet roles) {
  std::vector<std::string> any, unit;
  for (int i = 0; i <= static_cast<int>(State::kMerged); ++i) {
    State s = static_cast<State>(i);
    bool outside = false, inside = false;
    for (Action a : AllActions()) {
      if (RolesFor(a) == kPublic || Next(s, a) == s) continue;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, false}).ok()) outside = true;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, true}).ok()) inside = true;
    }
    if (outside) any.push_back(fmt::format("'{}'", StateName(s)));
    else if (inside) unit.push_back(fmt::format("'{}'", StateName(s)));
  }
  auto list = [](const std::vector<std::string>& v) { return "(" + (v.empty() ? std::string("''") : Join(v, ",")) + ")"; };
  return {list(any), list(unit)};
}

}  // namespace

absl::StatusOr<json::object> List(Db& db, const CaseEnv& env, const ListFilter& f, const Principal& who, absl::Time now) {
  // Scope: supervisors see all; clerks and leaders all unrestricted cases; handlers their unit subtree.
  // Wall: never a case naming the viewer or a declared relative, nor a restricted or leadership case about the
  // viewer's own unit.
  WaitingStates waiting = WaitingFor(who.roles);
  std::string next_due = fmt::format(
      "(SELECT MIN(d.due_on) FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open' AND d.kind IN {})",
      kSupervisedKinds);
  std::string where = fmt::format(
      "(?4=1 OR (?5=1 AND c.restricted=0) OR (?6=1 AND c.handling_unit_id IN (SELECT id FROM sub))) "
      "AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.case_id=c.id AND cp.person_id IN (SELECT pid FROM me WHERE pid>0)) "
      "AND NOT ((c.restricted=1 OR c.leadership_accused=1) AND c.concerned_unit_id IN (SELECT id FROM anc)) "
      "AND (?7='' OR c.state=?7) AND (?8='' OR c.channel=?8) AND (?9='' OR c.category=?9) AND (?10='' OR c.district=?10) "
      "AND (?11=0 OR c.handling_unit_id=?11) AND (?12='' OR c.received_at >= ?12) AND (?13='' OR c.received_at < ?13) "
      "AND (?14=0 OR EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open' AND d.due_on < ?15 "
      "AND d.kind IN {})) "
      "AND (?16=0 OR c.state IN {} OR (c.state IN {} AND c.handling_unit_id IN (SELECT id FROM sub))) "
      "AND (?17='' OR c.receipt=?17)",
      kSupervisedKinds, waiting.any, waiting.unit);
  std::string with =
      "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id=sub.id), "
      "anc(id) AS (SELECT ?1 UNION ALL SELECT u.parent_id FROM units u JOIN anc ON u.id=anc.id WHERE u.parent_id IS NOT NULL), "
      "me(pid) AS (SELECT ?2 UNION SELECT person_b FROM relations WHERE person_a=?2 UNION SELECT person_a FROM relations WHERE person_b=?2) ";
  // Words (not a receipt code) search the full-text index: the match, its rank and highlighted passages
  // come from case_fts, which holds the text as handlers may read it.
  std::string q(Trim(f.q));
  std::optional<std::string> receipt = q.empty() ? std::nullopt : ParseReceiptCode(q);
  std::optional<std::string> match = q.empty() || receipt ? std::nullopt : search::MatchExpression(q);
  if (!q.empty() && !receipt && !match)
    return Invalid("cases.filter", "搜索词无效", {{"q", "请输入要查找的字词或回执码"}});
  // Relevance needs bm25 of every match (a join); any other order only needs membership, which SQLite answers
  // from the index's posting lists while it walks cases in the asked order and stops at the page. Highlights
  // and snippets are made afterwards for the page's rows only.
  bool ranked = match && f.sort == "relevance";
  // Ranking scores the 2,000 most recently registered matches (kRankedMatches): scoring every match of a common
  // word (tens of thousands at 10^6 cases) costs hundreds of milliseconds; docs/PERFORMANCE.md has the numbers.
  std::string from = ranked ? fmt::format(
                                  "cases c JOIN (SELECT rowid AS fid, bm25(case_fts, 4.0, 1.0) AS score FROM case_fts "
                                  "WHERE case_fts MATCH ?18 AND rowid >= COALESCE((SELECT rowid FROM case_fts WHERE "
                                  "case_fts MATCH ?18 ORDER BY rowid DESC LIMIT 1 OFFSET {}), 0)) s ON s.fid = c.id",
                                  kRankedMatches - 1)
                            : "cases c";
  if (match && !ranked) where += " AND c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?18)";
  std::string order = ranked ? "s.score"
                      : f.sort == "due_on" ? fmt::format("{} IS NULL, {}", next_due, next_due)
                      : f.sort == "state" ? "c.state"
                      : f.sort == "id"    ? "c.id"
                                          : "c.received_at";
  const char* dir = ranked ? "ASC" : f.ascending ? "ASC" : "DESC";
  auto day_start = [](const std::string& d, int add) { return FormatUtc(CstStart(*ParseDay(d) + add)); };
  auto bind = [&](Stmt& st) {
    st.Bind(1, who.unit_id).Bind(2, who.person_id).Bind(4, int64_t{who.Has(kSupervisor)})
        .Bind(5, int64_t{who.Has(kClerk) || who.Has(kLeader)}).Bind(6, int64_t{who.Has(kHandler)})
        .Bind(7, f.state).Bind(8, f.channel).Bind(9, f.category).Bind(10, f.district).Bind(11, f.unit_id)
        .Bind(12, f.from ? day_start(*f.from, 0) : "").Bind(13, f.to ? day_start(*f.to, 1) : "")
        .Bind(14, int64_t{f.overdue}).Bind(15, FormatDay(CstDay(now))).Bind(16, int64_t{f.mine})
        .Bind(17, receipt.value_or(""));
    if (match) st.Bind(18, *match);
  };
  // The total is counted up to kMaxCounted (a page never needs more, and counting a common word over millions of
  // cases would cost more than the page); above it the answer says total_capped.
  int64_t total = 0;
  {
    QF_ASSIGN_OR_RETURN(auto count, db.Prepare(fmt::format("{}SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {})",
                                                           with, from, where, kMaxCounted + 1)));
    bind(count);
    QF_RETURN_IF_ERROR(count.Step().status());
    total = count.Int(0);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "{}SELECT {}, {}, (SELECT name FROM units WHERE id=c.handling_unit_id), "
      "(SELECT name FROM units WHERE id=c.concerned_unit_id){} FROM {} WHERE {} "
      "ORDER BY {} {}, c.id {} LIMIT ?19 OFFSET ?20",
      with, kRowColumns, next_due, "", from, where, order, dir, dir)));
  bind(st);
  st.Bind(19, f.limit).Bind(20, f.offset);
  json::array items;
  absl::CivilDay today = CstDay(now);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row c = ReadRow(st);
    std::optional<std::string> due = st.OptText(36);
    std::string handling_unit = st.Text(37), concerned_unit = st.Text(38);
    BlackOut(c, who);
    json::object item{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"channel", c.channel},
                      {"channel_label", LabelOf(kChannels, c.channel).value_or("")}, {"category", c.category},
                      {"category_label", LabelOf(kCategories, c.category).value_or("")},
                      {"state", c.state_name}, {"state_label", std::string(StateLabel(c.state()))},
                      {"title", c.title}, {"received_at", c.received_at}, {"district", c.district},
                      {"handling_unit_id", c.handling_unit_id}, {"handling_unit", handling_unit},
                      {"concerned_unit", concerned_unit}, {"restricted", c.restricted}};
    item["due_on"] = due ? json::value(*due) : json::value(nullptr);
    if (due) {
      absl::CivilDay d = *ParseDay(*due);
      item["working_days_left"] = d >= today ? env.calendar->WorkingDaysBetween(today, d)
                                             : -env.calendar->WorkingDaysBetween(d, today);
    }
    items.push_back(std::move(item));
  }
  // Deadline colours for the page, read after the list statement is done with its connection.
  for (auto& item : items) {
    auto& o = item.as_object();
    auto dl = DeadlinesJson(db, env, o["id"].as_int64(), now, false);
    std::string colour = "none";
    for (auto& d : dl) {
      std::string c(d.as_object().at("colour").as_string());
      if (d.as_object().at("status").as_string() != "open") continue;
      if (c == "red") colour = "red";
      else if (c == "yellow" && colour != "red") colour = "yellow";
      else if (c == "green" && colour == "none") colour = "green";
    }
    o["deadline_colour"] = colour;
  }
  if (match && !items.empty()) {
    // Marked with U+0002 … U+0003 around each hit; the page escapes the text and marks the hits.
    std::vector<std::string> ids;
    for (auto& item : items) ids.push_back(std::to_string(item.as_object()["id"].as_int64()));
    QF_ASSIGN_OR_RETURN(auto hl, db.Prepare(
        "SELECT rowid, highlight(case_fts, 0, char(2), char(3)), snippet(case_fts, 1, char(2), char(3), '…', 24) "
        "FROM case_fts WHERE case_fts MATCH ?1 AND rowid IN (" + Join(ids, ",") + ")"));
    hl.Bind(1, *match);
    std::map<int64_t, std::pair<std::string, std::string>> marks;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, hl.Step());
      if (!row) break;
      marks[hl.Int(0)] = {hl.Text(1), hl.Text(2)};
    }
    for (auto& item : items) {
      auto& o = item.as_object();
      if (auto it = marks.find(o["id"].as_int64()); it != marks.end()) {
        o["title_highlight"] = it->second.first;
        o["snippet"] = it->second.second;
      }
    }
  }
  json::object out{{"items", items}, {"total", std::min(total, kMaxCounted)}, {"offset", f.offset}, {"limit", f.limit}};
  if (total > kMaxCounted) out["total_capped"] = true;
  return out;
}

absl::StatusOr<int> SweepSupervision(Tx& tx, const CaseEnv& env) {
  Db& db = tx.db();
  absl::CivilDay today = CstDay(tx.now());
  const auto& pol = env.policies->supervision();
  struct Due { int64_t case_id; std::string kind, due, version; };
  std::vector<Due> open;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT d.case_id, d.kind, d.due_on, d.calendar_version FROM case_deadlines d JOIN cases c ON c.id=d.case_id "
        "WHERE d.status='open' AND c.suspended_since IS NULL AND d.kind IN " + std::string(kSupervisedKinds) +
        " AND d.due_on <= ?"));
    // Only deadlines within reach of a yellow card: at most a few weeks ahead covers any working-day gap.
    st.Bind(1, FormatDay(today + 21));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      open.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3)});
    }
  }
  int issued = 0;
  for (const auto& d : open) {
    absl::CivilDay due = *ParseDay(d.due);
    std::string kind;
    std::string rule;
    if (due < today) {
      kind = "red";
      rule = pol.red_rule;
    } else if (env.calendar->WorkingDaysBetween(today, due) <= pol.yellow_working_days) {
      kind = "yellow";
      rule = pol.yellow_rule;
    } else {
      continue;
    }
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT OR IGNORE INTO supervision(case_id,kind,level,deadline_kind,rule,issued_at,issued_by,due_on,calendar_version) "
        "VALUES(?,?,1,?,?,?,'system',?,?)"));
    ins.Bind(1, d.case_id).Bind(2, kind).Bind(3, d.kind).Bind(4, rule).Bind(5, FormatUtc(tx.now())).Bind(6, d.due).Bind(7, d.version);
    QF_RETURN_IF_ERROR(ins.Run());
    if (db.Changes() == 0) continue;  // already issued for this deadline
    ++issued;
    QF_RETURN_IF_ERROR(tx.Append("supervision.card", Subject(d.case_id),
                                 {{"card", kind}, {"deadline", d.kind}, {"due_on", d.due}, {"rule", rule},
                                  {"calendar_version", d.version}}).status());
  }
  return issued;
}

absl::StatusOr<json::object> IssueOrder(Tx& tx, const CaseEnv& env, int64_t case_id, const json::object& params,
                                        const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  if (IsTerminal(c.state())) return Conflict("case.closed", "案件已办结，无需督办");
  auto note = Param(params, "note");
  QF_RETURN_IF_ERROR(Need(note, "note", "督办要求", 2000));
  auto* d = params.if_contains("due_working_days");
  if (!d || !d->is_int64() || d->as_int64() < 1 || d->as_int64() > 30)
    return Invalid("supervision.param", "限期应为 1 到 30 个工作日", {{"due_working_days", "1–30"}});
  QF_ASSIGN_OR_RETURN(auto cnt, db.Prepare("SELECT COUNT(*) FROM supervision WHERE case_id=? AND kind='order'"));
  cnt.Bind(1, c.id);
  QF_RETURN_IF_ERROR(cnt.Step().status());
  int64_t level = cnt.Int(0) + 1;  // each further order escalates
  auto due = env.calendar->Add(CstDay(tx.now()), Term{static_cast<int>(d->as_int64()), TermUnit::kWorkingDays});
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO supervision(case_id,kind,level,rule,issued_at,issued_by,due_on,note,calendar_version) VALUES(?,'order',?,?,?,?,?,?,?)"));
  std::string rule = level == 1 ? "督办单" : fmt::format("第{}次督办（升级）", level);
  ins.Bind(1, c.id).Bind(2, level).Bind(3, rule).Bind(4, FormatUtc(tx.now())).Bind(5, tx.actor().id)
      .Bind(6, FormatDay(due.due)).Bind(7, *note).Bind(8, due.calendar_version);
  QF_RETURN_IF_ERROR(ins.Run());
  int64_t id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("supervision.order", Subject(c.id),
                               {{"order_id", id}, {"level", level}, {"due_on", FormatDay(due.due)}, {"note_sha256", Sha256Hex(*note)}}).status());
  return json::object{{"id", id}, {"level", level}, {"due_on", FormatDay(due.due)}, {"rule", rule}};
}

absl::StatusOr<json::object> AnswerOrder(Tx& tx, int64_t order_id, const json::object& params, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT case_id, COALESCE(answer,'') FROM supervision WHERE id=? AND kind='order'"));
  st.Bind(1, order_id);
  QF_ASSIGN_OR_RETURN(bool has, st.Step());
  if (!has) return NotFound("supervision.not_found", "督办单不存在");
  int64_t case_id = st.Int(0);
  bool answered = !st.Text(1).empty();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("supervision.not_found", "督办单不存在");
  QF_ASSIGN_OR_RETURN(bool in_unit, InHandlingUnit(db, c, who));
  if (!in_unit && !who.Has(kSupervisor)) return Forbidden("supervision.not_yours", "只有承办单位可以回复督办单");
  if (answered) return Conflict("supervision.answered", "督办单已回复");
  auto answer = Param(params, "answer");
  QF_RETURN_IF_ERROR(Need(answer, "answer", "督办回复", 2000));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE supervision SET answer=?, answered_at=? WHERE id=?"));
  up.Bind(1, *answer).Bind(2, FormatUtc(tx.now())).Bind(3, order_id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_RETURN_IF_ERROR(tx.Append("supervision.answered", Subject(case_id), {{"order_id", order_id}}).status());
  return json::object{{"id", order_id}, {"answered", true}};
}

absl::StatusOr<json::object> SupervisionBoard(Db& db, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.id, s.case_id, s.kind, s.level, COALESCE(s.deadline_kind,''), s.rule, s.issued_at, COALESCE(s.due_on,''), "
      "COALESCE(s.answer,''), COALESCE(c.handling_unit_id,0), COALESCE(u.name,''), c.title, c.state "
      "FROM supervision s JOIN cases c ON c.id=s.case_id LEFT JOIN units u ON u.id=c.handling_unit_id "
      "WHERE c.state NOT IN ('closed','declined','final','merged') ORDER BY u.name, s.id DESC LIMIT 1000"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"case_id", st.Int(1)}, {"kind", st.Text(2)}, {"level", st.Int(3)},
                                 {"deadline_kind", st.Text(4)}, {"rule", st.Text(5)}, {"issued_at", st.Text(6)},
                                 {"due_on", st.Text(7)}, {"answer", st.Text(8)}, {"unit_id", st.Int(9)},
                                 {"unit_name", st.Text(10)}, {"title", st.Text(11)}, {"state", st.Text(12)}});
  }
  // Filter by what the viewer may see, one case at a time (the board is small: open cases only).
  json::array visible;
  for (auto& it : items) {
    auto c = LoadById(db, it.as_object().at("case_id").as_int64());
    if (!c.ok()) continue;
    auto ok = CanSee(db, *c, who);
    if (ok.ok() && *ok) visible.push_back(it);
  }
  return json::object{{"items", visible}};
}

absl::StatusOr<json::object> StatsFromCases(Db& db, const std::string& from, const std::string& to, absl::Time now) {
  auto f = ParseDay(from), t = ParseDay(to);
  if (!f || !t || *t < *f)
    return Invalid("stats.range", "统计区间无效", {{"from", "YYYY-MM-DD"}, {"to", "不早于 from"}});
  json::object out{{"from", from}, {"to", to}};
  std::string lo = FormatUtc(CstStart(*f)), hi = FormatUtc(CstStart(*t + 1));
  int64_t total = 0;
  // Months are China Standard Time months.
  for (auto [col, key] : {std::pair{"channel", "by_channel"}, std::pair{"category", "by_category"}, std::pair{"state", "by_state"},
                          std::pair{"COALESCE(district,'')", "by_district"},
                          std::pair{"substr(datetime(received_at,'+8 hours'),1,7)", "by_month"}}) {
    bool by_month = std::string_view(key) == "by_month";
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
        "SELECT {0}, COUNT(*) FROM cases WHERE received_at >= ? AND received_at < ? GROUP BY {0} ORDER BY {1}", col,
        by_month ? "1" : "COUNT(*) DESC")));
    st.Bind(1, lo).Bind(2, hi);
    json::array arr;
    int64_t sum = 0;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string code = st.Text(0);
      std::string label = std::string(col) == "channel"    ? LabelOf(kChannels, code).value_or(code)
                          : std::string(col) == "category" ? LabelOf(kCategories, code).value_or(code)
                          : std::string(col) == "state"    ? std::string(StateLabel(*ParseState(code)))
                          : code.empty()                   ? std::string("未注明")
                                                           : code;
      arr.push_back(json::object{{"code", code}, {"label", label}, {"count", st.Int(1)}});
      sum += st.Int(1);
    }
    out[key] = arr;
    total = sum;
  }
  out["total"] = total;
  // On-time handling: replied cases whose handling deadline was met.
  QF_ASSIGN_OR_RETURN(auto ot, db.Prepare(
      "SELECT SUM(d.status='met'), SUM(d.status='missed'), SUM(d.status='open' AND d.due_on < ?3) "
      "FROM case_deadlines d JOIN cases c ON c.id=d.case_id WHERE d.kind='handling' AND c.received_at >= ?1 AND c.received_at < ?2"));
  ot.Bind(1, lo).Bind(2, hi).Bind(3, FormatDay(CstDay(now)));
  QF_RETURN_IF_ERROR(ot.Step().status());
  out["handling_on_time"] = ot.Int(0);
  out["handling_late"] = ot.Int(1);
  out["overdue_now"] = ot.Int(2);
  // Handling time (received to reply, calendar days) and the reporters' ratings of replies.
  QF_ASSIGN_OR_RETURN(auto avg, db.Prepare(
      "SELECT AVG(julianday(replied_at)-julianday(received_at)), COUNT(replied_at), "
      "SUM(satisfaction IS NOT NULL), SUM(satisfaction>=4), SUM(anonymous=0) "
      "FROM cases WHERE received_at >= ?1 AND received_at < ?2"));
  avg.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(avg.Step().status());
  out["avg_handling_days"] = avg.IsNull(0) ? json::value(nullptr) : json::value(std::round(avg.Double(0) * 10) / 10);
  out["replied"] = avg.Int(1);
  out["rated"] = avg.Int(2);
  out["satisfied"] = avg.Int(3);
  out["named"] = avg.Int(4);
  QF_ASSIGN_OR_RETURN(auto contested, db.Prepare(
      "SELECT COUNT(*) FROM cases WHERE received_at >= ?1 AND received_at < ?2 "
      "AND state IN ('review_requested','reviewed','rereview_requested','final')"));
  contested.Bind(1, lo).Bind(2, hi);
  QF_RETURN_IF_ERROR(contested.Step().status());
  out["settled"] = std::max<int64_t>(0, avg.Int(1) - contested.Int(0));
  return out;
}

absl::StatusOr<std::string> OpenReporterIdentity(Tx& tx, int64_t case_id, const std::string& reason,
                                                 const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(tx.db(), case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(tx.db(), c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  if (Utf8Length(Trim(reason)) < 4) return Invalid("vault.reason", "查看实名信息须说明理由（至少4个字）", {{"reason", "请说明理由"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT sealed FROM reporters WHERE case_id=? AND sealed IS NOT NULL"));
  st.Bind(1, case_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("vault.anonymous", "该件为匿名反映，没有实名信息");
  std::string sealed = st.Text(0);
  QF_RETURN_IF_ERROR(tx.Append("reporter.identity_opened", Subject(case_id), {{"reason", reason}}).status());
  return sealed;
}

absl::StatusOr<int> SealLegacyReporters(Tx& tx, const CaseEnv& env) {
  if (!env.vault) return 0;
  std::vector<std::pair<int64_t, std::string>> rows;
  {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
        "SELECT case_id, COALESCE(name,''), COALESCE(phone,''), COALESCE(address,'') FROM reporters WHERE sealed IS NULL"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      rows.push_back({st.Int(0), json::serialize(json::object{{"name", st.Text(1)}, {"phone", st.Text(2)}, {"address", st.Text(3)}})});
    }
  }
  for (auto& [id, plain] : rows) {
    QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE reporters SET sealed=?, name=NULL, phone=NULL, address=NULL WHERE case_id=?"));
    up.BindBlob(1, env.vault->Seal(plain)).Bind(2, id);
    QF_RETURN_IF_ERROR(up.Run());
  }
  if (!rows.empty()) QF_RETURN_IF_ERROR(tx.Append("reporter.sealed", "vault", {{"rows", rows.size()}}).status());
  return static_cast<int>(rows.size());
}

absl::StatusOr<int> RecomputeProvisional(Tx& tx, const CaseEnv& env) {
  Db& db = tx.db();
  struct P { int64_t case_id; std::string kind, start, term, due; };
  std::vector<P> list;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT case_id, kind, start_day, term, due_on FROM case_deadlines WHERE provisional=1 AND status='open'"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      list.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4)});
    }
  }
  int changed = 0;
  for (auto& p : list) {
    auto term = Term::Parse(p.term);
    if (!term.ok()) continue;
    auto r = env.calendar->Add(*ParseDay(p.start), *term);
    if (r.provisional) continue;
    QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
        "UPDATE case_deadlines SET due_on=?, provisional=0, calendar_version=? WHERE case_id=? AND kind=?"));
    up.Bind(1, FormatDay(r.due)).Bind(2, r.calendar_version).Bind(3, p.case_id).Bind(4, p.kind);
    QF_RETURN_IF_ERROR(up.Run());
    QF_RETURN_IF_ERROR(tx.Append("case.deadline_recomputed", Subject(p.case_id),
                                 {{"kind", p.kind}, {"was", p.due}, {"now", FormatDay(r.due)}, {"calendar_version", r.calendar_version}}).status());
    ++changed;
  }
  return changed;
}

}  // namespace qf::cases
