// Intake: a submission parsed at the edge, then registered in the writer — the received time held to the
// intake policy, routing by the rules in data and the wall, the reporter sealed apart, attachments stored by
// hash, the first deadlines set, and a matter already closed for good answered 不再受理.
#include <sodium.h>

#include <map>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/model.h"
#include "cases/store.h"
#include "cases/watch.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mime.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "search/index.h"
#include "org/org.h"
#include "vault/vault.h"

namespace qf::cases {

namespace json = boost::json;

bool IsTransferChannel(std::string_view ch) {
  return ch == "zmztc" || ch == "mayor_hotline" || ch == "province_platform" || ch == "province_fee";
}

namespace {

constexpr size_t kMaxAttachments = 5;
constexpr size_t kMaxAttachmentBytes = 5 * 1024 * 1024;

// The content type of an attachment judged by libmagic from its content; empty when the type is not accepted.
std::string SniffType(std::string_view d) {
  std::string type = MimeOf(d);
  if (type == "image/jpeg" || type == "image/png" || type == "application/pdf") return type;
  return "";
}

// The clause that closes a matter for good after 复核.
constexpr const char* kFinalClause = "信访工作条例第三十六条：信访人对复核意见不服，仍以同一事实和理由提出信访事项的，不再受理";

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
      c.reporter_notify = r.Bool("notify", false).value_or(false);
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
    c.received_reason = in.Str("received_reason", false, 200).value_or("");
    c.prior_case_id = in.Int("prior_case_id", false, 1, INT64_MAX).value_or(0);
    if (auto r = in.Str("received_at", false, 40)) {
      auto t = ParseUtc(*r);
      if (!t) in.Fail("received_at", "时间格式应为 RFC 3339，如 2026-03-02T09:30:00+08:00");
      else c.received_at = t;
    }
  } else {
    c.channel = "web";
  }
  if (auto prior = in.Str("prior_receipt", false, 40)) {
    if (auto canon = ParseReceiptCode(*prior)) c.prior_receipt = *canon;
    else in.Fail("prior_receipt", "回执码格式不正确或校验位不符");
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

absl::StatusOr<Routed> RouteCase(Tx& tx, const CaseEnv& env, const std::string& category,
                                  const std::optional<org::Unit>& unit, const std::vector<int64_t>& people,
                                  bool leadership_accused, int64_t route_to_unit_id) {
  Db& db = tx.db();
  std::optional<UnitFacts> facts;
  if (unit) {
    UnitFacts f{unit->id, unit->kind, unit->stage, unit->role, unit->parent_id, ""};
    if (unit->parent_id) {
      QF_ASSIGN_OR_RETURN(auto parent, org::GetUnit(db, unit->parent_id));
      if (parent) f.parent_kind = parent->kind;
    }
    facts = f;
  }
  // The rules may ask for several divisions, and the wall for the discipline office: all read at once.
  QF_ASSIGN_OR_RETURN(const org::RoleUnits* roles, org::DivisionsByRole(tx));
  auto by_role = [roles](const std::string& role) {
    auto it = roles->find(role);
    return it != roles->end() ? it->second : int64_t{0};
  };
  auto decision = env.policies->Route(category, facts, leadership_accused, by_role);
  Routed out;
  out.handling_unit_id = decision.ok() ? decision->handling_unit_id : 0;
  out.restricted = decision.ok() && decision->restricted;
  out.rule = decision.ok() ? decision->rule_id : "none";
  out.basis = decision.ok() ? decision->basis : Str(decision.status().message());
  if (route_to_unit_id) {
    out.handling_unit_id = route_to_unit_id;
    out.restricted = false;
    out.rule = "notice_objection";
    out.basis = "公示异议由发布公示的单位核查处理";
  }
  QF_ASSIGN_OR_RETURN(auto walled, WalledUnits(db, unit ? unit->id : 0, people));
  if (out.handling_unit_id) {
    QF_ASSIGN_OR_RETURN(bool breach, Breaches(db, out.handling_unit_id, walled));
    if (breach) {
      out.handling_unit_id = by_role("discipline");
      out.restricted = true;
      out.rule = "wall";
      out.basis = "按规则应交办的单位与被反映对象有关，改由纪委监察室办理（信访工作条例第三十条）";
    }
  }
  return out;
}

absl::StatusOr<Registered> Register(Tx& tx, const CaseEnv& env, const NewCase& nc) {
  Db& db = tx.db();
  // The received time: in the past at most, and far back only with a reason (back-dated batch entry).
  absl::Time received = nc.received_at.value_or(tx.now());
  if (received > tx.now() + absl::Minutes(5))
    return Invalid("case.received_future", "受理时间不能晚于当前时间", {{"received_at", "不能是将来的时间"}});
  int backdate = env.policies->intake().backdate_days_without_reason;
  if (received < tx.now() - absl::Hours(24 * backdate) && Trim(nc.received_reason).empty())
    return Invalid("case.backdated", fmt::format("受理时间早于{}天前，须说明补录原因", backdate),
                   {{"received_reason", fmt::format("受理时间早于{}天前，请说明原因", backdate)}});
  // The concerned unit: as chosen, or else the one school the text names without doubt (a public submission
  // names its school only in the text), marked as recognised until staff confirm or change it — so that routing
  // and the wall hold for it as for a unit chosen by a person.
  int64_t concerned = nc.concerned_unit_id;
  bool recognised = false;
  if (!concerned && !nc.route_to_unit_id) {
    QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(db));
    concerned = names->Find(nc.title + "\n" + nc.content).school;
    recognised = concerned != 0;
  }
  std::optional<org::Unit> unit;
  if (concerned) {
    QF_ASSIGN_OR_RETURN(unit, org::GetUnit(db, concerned));
    if (!unit) return Invalid("case.unit_missing", "所反映的单位不存在", {{"concerned_unit_id", "单位不存在"}});
  }
  for (int64_t p : nc.concerned_person_ids) {
    QF_ASSIGN_OR_RETURN(int64_t person_unit, org::PersonUnit(db, p));
    if (!person_unit)
      return Invalid("case.person_missing", "所反映的人员不存在", {{"concerned_person_ids", fmt::format("人员 {} 不存在", p)}});
  }
  // An earlier case of the same matter, named by its receipt (the reporter's) or by staff with its id.
  std::optional<Row> prior;
  if (!nc.prior_receipt.empty()) {
    QF_ASSIGN_OR_RETURN(prior, LoadByReceipt(db, nc.prior_receipt));
    if (!prior) return Invalid("case.prior_missing", "所填回执码对应的事项不存在", {{"prior_receipt", "找不到该事项"}});
  } else if (nc.prior_case_id) {
    auto p = LoadById(db, nc.prior_case_id);
    if (!p.ok() && p.status().code() != absl::StatusCode::kNotFound) return p.status();
    if (!p.ok()) return Invalid("case.prior_missing", "所填的原案件不存在", {{"prior_case_id", "找不到该案件"}});
    prior = *p;
  }
  bool final_repeat = prior && prior->state() == State::kFinal;
  // Routing: rules in data, then the wall.
  QF_ASSIGN_OR_RETURN(Routed routed, RouteCase(tx, env, nc.category, unit, nc.concerned_person_ids,
                                                nc.leadership_accused, nc.route_to_unit_id));
  Registered out;
  out.handling_unit_id = routed.handling_unit_id;
  out.restricted = routed.restricted;
  out.rule = routed.rule;
  out.basis = routed.basis;
  std::string receipt = NewReceiptCode();
  // A pseudonymous handle: staff can tell reporters apart without learning who they are.
  std::string handle = nc.anonymous ? "匿名反映人" : "实名反映人-" + Sha256Hex("handle:" + receipt).substr(0, 6);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO cases(receipt,channel,category,kind,state,title,content,occurred_on,received_at,created_at,"
      "registered_by,owner_account,concerned_unit_id,district,handling_unit_id,restricted,leadership_accused,anonymous,"
      "reporter_handle,external_ref,received_reason,prior_case_id,concerned_unit_recognised) "
      "VALUES(?,?,?,?,'registered',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
  st.Bind(1, receipt).Bind(2, nc.channel).Bind(3, nc.category).Bind(4, nc.kind).Bind(5, nc.title).Bind(6, nc.content)
      .Bind(7, nc.occurred_on).Bind(8, FormatUtc(received)).Bind(9, FormatUtc(tx.now()));
  if (nc.registered_by) st.Bind(10, nc.registered_by).Bind(11, nc.registered_by); else st.BindNull(10).BindNull(11);
  if (unit) st.Bind(12, unit->id).Bind(13, unit->district); else st.BindNull(12).BindNull(13);
  if (out.handling_unit_id) st.Bind(14, out.handling_unit_id); else st.BindNull(14);
  st.Bind(15, int64_t{out.restricted}).Bind(16, int64_t{nc.leadership_accused}).Bind(17, int64_t{nc.anonymous})
      .Bind(18, handle);
  if (nc.external_ref.empty()) st.BindNull(19); else st.Bind(19, nc.external_ref);
  std::string reason(Trim(nc.received_reason));
  if (reason.empty()) st.BindNull(20); else st.Bind(20, reason);
  if (prior) st.Bind(21, prior->id); else st.BindNull(21);
  st.Bind(22, int64_t{recognised});
  auto ins = st.Step();
  if (ins.status().code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "case.duplicate_ref",
                     "该来源的工单编号已登记过：" + nc.external_ref, {{"external_ref", "重复"}});
  QF_RETURN_IF_ERROR(ins.status());
  if (!*ins) return absl::InternalError("登记案件未返回编号");
  int64_t id = st.Int(0);
  QF_RETURN_IF_ERROR(st.Run());  // to the end of the statement (SQLite finishes the insert there)
  QF_RETURN_IF_ERROR(search::IndexCase(db, id, nc.title, nc.content, ""));
  out.id = id;
  out.prior_case_id = prior ? prior->id : 0;
  for (int64_t p : nc.concerned_person_ids) {
    QF_ASSIGN_OR_RETURN(auto cp, db.Prepare("INSERT INTO case_people(case_id, person_id) VALUES(?,?) ON CONFLICT DO NOTHING"));
    cp.Bind(1, id).Bind(2, p);
    QF_RETURN_IF_ERROR(cp.Run());
  }
  if (!nc.anonymous) {
    // Stored apart from the case and sealed to the discipline office's key: never in plain text.
    if (!env.vault) return absl::InternalError("身份保险库未配置，不能保存实名反映人信息");
    std::string sealed = env.vault->Seal(json::serialize(json::object{
        {"name", nc.reporter_name}, {"phone", nc.reporter_phone}, {"address", nc.reporter_address}}));
    QF_ASSIGN_OR_RETURN(auto rp, db.Prepare("INSERT INTO reporters(case_id, sealed, name_tag, notify) VALUES(?,?,?,?)"));
    rp.Bind(1, id).BindBlob(2, sealed).Bind(3, NameTag(*env.vault, nc.reporter_name)).Bind(4, int64_t{nc.reporter_notify});
    QF_RETURN_IF_ERROR(rp.Run());
  }
  json::array atts;
  for (const auto& a : nc.attachments) {
    std::string hash = Sha256Hex(a.data);
    QF_ASSIGN_OR_RETURN(auto b, db.Prepare("INSERT INTO blobs(hash,size,mime,data) VALUES(?,?,?,?) ON CONFLICT DO NOTHING"));
    b.Bind(1, hash).Bind(2, static_cast<int64_t>(a.data.size())).Bind(3, SniffType(a.data)).BindBlob(4, a.data);
    QF_RETURN_IF_ERROR(b.Run());
    QF_ASSIGN_OR_RETURN(auto ca, db.Prepare("INSERT INTO case_attachments(case_id,hash,name) VALUES(?,?,?) ON CONFLICT DO NOTHING"));
    ca.Bind(1, id).Bind(2, hash).Bind(3, a.name);
    QF_RETURN_IF_ERROR(ca.Run());
    atts.push_back(json::object{{"name", a.name}, {"sha256", hash}, {"size", a.data.size()}});
  }
  Row row;  // what SetDeadline reads of the case, without reading back the row just written
  row.id = id;
  row.channel = nc.channel;
  row.category = nc.category;
  row.kind = nc.kind;
  row.anonymous = nc.anonymous;
  absl::CivilDay day = CstDay(received);
  QF_ASSIGN_OR_RETURN(auto acc, SetDeadline(tx, env, row, DeadlineKind::kAcceptance, day));
  out.deadlines.push_back(acc);
  if (IsTransferChannel(nc.channel)) {
    QF_ASSIGN_OR_RETURN(auto obj, SetDeadline(tx, env, row, DeadlineKind::kObjection, day));
    out.deadlines.push_back(obj);
  }
  if (nc.due_by) {
    QF_ASSIGN_OR_RETURN(auto d, SetFixedDeadline(tx, env, id, DeadlineKind::kNoticeFinal, day, *nc.due_by));
    out.deadlines.push_back(d);
  }
  json::object payload{{"receipt_sha256", Sha256Hex(receipt)}, {"channel", nc.channel}, {"category", nc.category},
                       {"kind", nc.kind}, {"title", nc.title}, {"content_sha256", Sha256Hex(nc.content)},
                       {"received_at", FormatUtc(received)}, {"concerned_unit_id", concerned},
                       {"handling_unit_id", out.handling_unit_id}, {"routing_rule", out.rule},
                       {"restricted", out.restricted}, {"anonymous", nc.anonymous}, {"attachments", atts}};
  if (!nc.external_ref.empty()) payload["external_ref"] = nc.external_ref;
  if (!reason.empty()) payload["received_reason"] = reason;
  if (prior) payload["prior_case_id"] = prior->id;
  if (recognised) payload["concerned_unit_recognised"] = true;
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("case.registered", Subject(id), payload));
  out.leaf_index = seq - 1;
  for (int64_t p : nc.concerned_person_ids)  // a new case against an earlier reporter (cases/watch.h)
    QF_RETURN_IF_ERROR(WatchForRetaliation(tx, env, {p, WatchedAction::kCase, id, nc.title}).status());
  out.receipt = DisplayReceiptCode(receipt);
  Figures figures;
  figures.day = FormatDay(day);
  figures.channel = nc.channel;
  figures.category = nc.category;
  figures.district = unit ? unit->district : "";
  figures.state = "registered";
  figures.named = !nc.anonymous;
  figures.acceptance = DeadlineStatus::kOpen;
  if (final_repeat) {
    // The same matter was closed for good after 复核: registered, and answered that it is not accepted again.
    QF_RETURN_IF_ERROR(CloseDeadline(tx, id, DeadlineKind::kAcceptance));
    QF_RETURN_IF_ERROR(CancelDeadline(tx, id, DeadlineKind::kObjection));
    std::string text = fmt::format("您反映的事项已于原事项（回执码 {}）复核终结，不再受理。依据：{}。",
                                   DisplayReceiptCode(prior->receipt), kFinalClause);
    QF_RETURN_IF_ERROR(AddMessage(tx, id, "notice", text, true));
    QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE cases SET state=?, version=version+1 WHERE id=?"));
    up.Bind(1, StateName(State::kDeclined)).Bind(2, id);
    QF_RETURN_IF_ERROR(up.Run());
    QF_RETURN_IF_ERROR(tx.Append("case.decline", Subject(id),
                                 {{"from", "registered"}, {"to", "declined"}, {"reason", text},
                                  {"final_case_id", prior->id}, {"clause", kFinalClause}}).status());
    out.state = State::kDeclined;
    figures.state = "declined";
    QF_ASSIGN_OR_RETURN(auto acc2, LoadDeadline(db, id, DeadlineKind::kAcceptance));
    if (acc2) {
      out.deadlines[0] = *acc2;
      figures.acceptance = acc2->status;
    }
  }
  QF_RETURN_IF_ERROR(ApplyFigures(tx, Figures{}, figures));
  return out;
}

}  // namespace qf::cases
