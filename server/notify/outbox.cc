// The outbox (notify/notify.h): kAudience is the one table of who is sent what.
#include <set>

#include "absl/strings/numbers.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "notify/notify.h"

namespace qf::notify {
namespace {

namespace json = boost::json;

// Reporters at acceptance, refusal, reply and the review answers; handlers when a case reaches them, comes back to
// them or draws a card or an order; supervisors at red cards and escalations; intake when a return is approved;
// a school's handlers when an order of rectification is addressed to it.
constexpr Rule kAudience[] = {
    {"case.accept", Audience::kReporter, ""},
    {"case.decline", Audience::kReporter, ""},
    {"case.reply", Audience::kReporter, ""},
    {"case.answer_review", Audience::kReporter, ""},
    {"case.answer_rereview", Audience::kReporter, ""},
    {"case.dispatch", Audience::kUnitHandlers, "cases"},
    {"case.send_back", Audience::kUnitHandlers, "cases"},
    {"case.redo", Audience::kUnitHandlers, "cases"},
    {"case.refuse_return", Audience::kUnitHandlers, "cases"},
    {"case.approve_return", Audience::kClerks, "cases"},
    {"supervision.card:yellow", Audience::kUnitHandlers, "cards"},
    {"supervision.card:red", Audience::kUnitHandlers, "cards"},
    {"supervision.card:red", Audience::kSupervisors, "cards"},
    {"supervision.order", Audience::kUnitHandlers, "cards"},
    {"supervision.escalation", Audience::kUnitHandlers, "escalations"},
    {"supervision.escalation", Audience::kSupervisors, "escalations"},
    {"rectification.issued", Audience::kSchoolHandlers, "rectifications"},
    {"placement.published", Audience::kGuardians, ""},
};

// The kinds above as staff read them in the outbox.
constexpr std::pair<const char*, const char*> kKindLabels[] = {
    {"case.accept", "受理"},           {"case.decline", "不予受理"},          {"case.reply", "答复"},
    {"case.answer_review", "复查答复"}, {"case.answer_rereview", "复核答复"},   {"case.dispatch", "交办"},
    {"case.send_back", "退回重办"},     {"case.redo", "不满意重办"},           {"case.refuse_return", "不同意退回"},
    {"case.approve_return", "同意退回"}, {"supervision.card", "黄牌、红牌"},    {"supervision.order", "督办单"},
    {"supervision.escalation", "升级督办"}, {"rectification.issued", "整改通知"}, {"placement.published", "入学安排公布"},
};
std::string KindLabel(std::string_view kind) {
  for (const auto& [k, label] : kKindLabels)
    if (kind == k) return label;
  return std::string(kind);
}

std::string Now(Tx& tx) { return FormatUtc(tx.now()); }


// The accounts of a role (in a unit, when given) who want this group by e-mail.
absl::StatusOr<std::vector<int64_t>> StaffWanting(Db& db, std::string_view role, int64_t unit, std::string_view group) {
  std::string sql =
      "SELECT a.id FROM notify_prefs p JOIN accounts a ON a.id = p.account_id WHERE p.email <> '' AND a.active = 1 "
      "AND (',' || p.groups || ',') LIKE ?1 AND (',' || a.roles || ',') LIKE ?2";
  if (unit) sql += " AND a.unit_id = ?3";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(1, "%," + std::string(group) + ",%").Bind(2, "%," + std::string(role) + ",%");
  if (unit) st.Bind(3, unit);
  return st.Ints();
}

absl::Status Enqueue(Db& db, const EventRecord& ev, std::string_view kind, std::string_view channel,
                     const std::string& recipient, const json::object& params) {
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO outbox(event_seq, kind, channel, recipient, params, next_at, created_at) VALUES(?,?,?,?,?,?,?)"));
  return ins.Bind(1, ev.seq).Bind(2, kind).Bind(3, channel).Bind(4, recipient).Bind(5, json::serialize(params))
      .Bind(6, ev.time).Bind(7, ev.time).Send();
}

}  // namespace

const char* const kDueSql =
    "SELECT id, kind, channel, recipient, params, attempts FROM outbox WHERE state = 'pending' AND next_at <= ? "
    "ORDER BY next_at LIMIT ?";
const char* const kOutboxSql =
    "SELECT id, kind, channel, recipient, params, attempts, next_at, last_error, created_at, sent_at "
    "FROM outbox WHERE state = ? ORDER BY id DESC LIMIT ?";

std::optional<int64_t> IdAfter(std::string_view text, std::string_view prefix) {
  int64_t id = 0;
  if (!text.starts_with(prefix) || !absl::SimpleAtoi(std::string(text.substr(prefix.size())), &id)) return std::nullopt;
  return id;
}

std::vector<Rule> RulesFor(std::string_view kind, const json::object& payload) {
  std::string key(kind);
  if (kind == "supervision.card")
    if (const auto* card = payload.if_contains("card"); card && card->is_string()) key += ":" + std::string(card->as_string());
  std::vector<Rule> out;
  for (const auto& r : kAudience)
    if (key == r.kind) out.push_back(r);
  return out;
}

absl::Status OutboxSink::OnEvent(Db& db, const EventRecord& ev) {
  if (inner_) QF_RETURN_IF_ERROR(inner_->OnEvent(db, ev));
  std::string_view kind = ev.kind;
  // Most events (a case read, a step no one is told of) match no rule: they are let through before any parsing.
  bool any = false;
  for (const auto& r : kAudience) any = any || std::string_view(r.kind).substr(0, std::string_view(r.kind).find(':')) == kind;
  if (!any) return absl::OkStatus();
  boost::system::error_code ec;
  json::value payload = json::parse(ev.payload, ec);
  if (ec || !payload.is_object()) return absl::OkStatus();
  auto rules = RulesFor(kind, payload.as_object());
  if (rules.empty()) return absl::OkStatus();

  // What every message of this event may say: the case's receipt and number, the deadline, the card.
  json::object params;
  int64_t unit = 0, case_id = 0;
  if (auto id = IdAfter(ev.subject, "case:")) {
    case_id = *id;
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT receipt, handling_unit_id FROM cases WHERE id = ?"));
    st.Bind(1, case_id);
    QF_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) return absl::OkStatus();
    params["case_id"] = case_id;
    params["receipt"] = DisplayReceiptCode(st.Text(0));  // as the reporter was given it
    unit = st.IsNull(1) ? 0 : st.Int(1);
  } else if (auto run = IdAfter(ev.subject, "placement_run/")) {
    params["run_id"] = *run;
  } else if (auto order = IdAfter(ev.subject, "rectification:")) {
    params["order_id"] = *order;
    if (const auto* school = payload.as_object().if_contains("school_id"); school && school->is_int64()) unit = school->as_int64();
  }
  for (const char* key : {"due_on", "card", "kind", "item"})
    if (const auto* v = payload.as_object().if_contains(key); v && v->is_string()) params[key] = v->as_string();

  std::set<std::string> told;
  for (const auto& rule : rules) {
    if (rule.audience == Audience::kGuardians) {
      // Every family of the run that asked, in one statement (a run places tens of thousands); each row names the
      // application, whose number and sealed phone the deliverer reads when it sends.
      if (!params.contains("run_id")) continue;
      QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
          "INSERT INTO outbox(event_seq, kind, channel, recipient, params, next_at, created_at) "
          "SELECT ?, ?, 'sms', 'guardian:' || a.id, ?, ?, ? FROM placement_results r "
          "JOIN placement_applications a ON a.id = r.application_id WHERE r.run_id = ? AND a.notify = 1"));
      QF_RETURN_IF_ERROR(ins.Bind(1, ev.seq).Bind(2, kind).Bind(3, json::serialize(params)).Bind(4, ev.time)
                             .Bind(5, ev.time).Bind(6, params.at("run_id").as_int64()).Run());
      continue;
    }
    if (rule.audience == Audience::kReporter) {
      if (!case_id) continue;
      QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT notify FROM reporters WHERE case_id = ? AND sealed IS NOT NULL"));
      st.Bind(1, case_id);
      QF_ASSIGN_OR_RETURN(bool found, st.Step());
      if (!found || st.Int(0) == 0) continue;
      std::string to = "reporter:" + std::to_string(case_id);
      if (told.insert(to).second) QF_RETURN_IF_ERROR(Enqueue(db, ev, kind, "sms", to, params));
      continue;
    }
    bool by_unit = rule.audience == Audience::kUnitHandlers || rule.audience == Audience::kSchoolHandlers;
    if (by_unit && !unit) continue;
    const char* role = by_unit ? "handler" : rule.audience == Audience::kSupervisors ? "supervisor" : "clerk";
    QF_ASSIGN_OR_RETURN(auto accounts, StaffWanting(db, role, by_unit ? unit : 0, rule.group));
    for (int64_t a : accounts) {
      std::string to = "account:" + std::to_string(a);
      if (told.insert(to).second) QF_RETURN_IF_ERROR(Enqueue(db, ev, kind, "email", to, params));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Prefs> ParsePrefs(const json::object& body) {
  JsonInput in(body);
  Prefs p;
  p.email = in.Str("email", false, 200).value_or("");
  p.locale = in.Enum("locale", false, {"zh-CN", "en"}).value_or("zh-CN");
  if (!p.email.empty()) {
    auto at = p.email.find('@');
    if (at == std::string::npos || at == 0 || p.email.find('.', at) == std::string::npos ||
        p.email.find_first_of(" \t\r\n<>,;\"") != std::string::npos)
      in.Fail("email", "电子邮箱格式不正确", "email");
  }
  if (const auto* groups = in.Raw("groups")) {
    if (!groups->is_array()) {
      in.Fail("groups", "应为数组");
    } else {
      for (const auto& g : groups->as_array()) {
        bool known = false;
        for (const char* k : kGroups) known = known || (g.is_string() && g.as_string() == k);
        if (!known) in.Fail("groups", "未知的通知类别", "one_of", {"cases, cards, escalations, rectifications"});
        else p.groups.emplace_back(g.as_string());
      }
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("notify.prefs"));
  return p;
}

absl::StatusOr<json::object> GetPrefs(Db& db, int64_t account) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT email, locale, groups FROM notify_prefs WHERE account_id = ?"));
  st.Bind(1, account);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  json::array groups, all;
  for (const char* g : kGroups) all.push_back(json::string(g));
  if (!found) return json::object{{"email", ""}, {"locale", "zh-CN"}, {"groups", groups}, {"all_groups", all}};
  std::string chosen = st.Text(2);
  for (std::string_view g : Split(chosen, ','))
    if (!g.empty()) groups.push_back(json::string(g));
  return json::object{{"email", st.Text(0)}, {"locale", st.Text(1)}, {"groups", groups}, {"all_groups", all}};
}

absl::Status SavePrefs(Tx& tx, int64_t account, const Prefs& p) {
  std::string groups;
  for (const auto& g : p.groups) groups += (groups.empty() ? "" : ",") + g;
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "INSERT INTO notify_prefs(account_id, email, locale, groups) VALUES(?,?,?,?) "
      "ON CONFLICT(account_id) DO UPDATE SET email = excluded.email, locale = excluded.locale, groups = excluded.groups"));
  QF_RETURN_IF_ERROR(up.Bind(1, account).Bind(2, p.email).Bind(3, p.locale).Bind(4, groups).Run());
  return tx.Append("notify.prefs_saved", "account:" + std::to_string(account),
                   {{"email_set", !p.email.empty()}, {"locale", p.locale}, {"groups", groups}}).status();
}

absl::StatusOr<json::object> ListOutbox(Db& db, std::string_view state, int limit) {
  json::object counts{{"pending", 0}, {"sent", 0}, {"dead", 0}};
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      counts[st.Text(0)] = st.Int(1);
    }
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(kOutboxSql));
  QF_ASSIGN_OR_RETURN(auto name, db.Prepare("SELECT display_name FROM accounts WHERE id = ?"));
  st.Bind(1, state).Bind(2, int64_t{limit});
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string recipient = st.Text(3);
    boost::system::error_code ec;
    json::value params = json::parse(st.Text(4), ec);
    json::object o{{"id", st.Int(0)}, {"kind", st.Text(1)}, {"kind_label", KindLabel(st.Text(1))}, {"channel", st.Text(2)}, {"attempts", st.Int(5)},
                   {"created_at", st.Text(8)}};
    if (auto account = IdAfter(recipient, "account:")) {
      name.Reset().Bind(1, *account);
      QF_ASSIGN_OR_RETURN(bool known, name.Step());
      o["to"] = json::object{{"account", known ? name.Text(0) : std::string()}};
    } else if (auto application = IdAfter(recipient, "guardian:")) {
      o["to"] = json::object{{"guardian_of_application", *application}};
    } else {
      o["to"] = json::object{{"reporter_of_case", IdAfter(recipient, "reporter:").value_or(0)}};
    }
    o["case_id"] = !ec && params.is_object() && params.as_object().contains("case_id") ? params.at("case_id") : json::value(nullptr);
    o["next_at"] = state == "pending" ? json::value(st.Text(6)) : json::value(nullptr);
    o["last_error"] = st.IsNull(7) ? json::value(nullptr) : json::value(st.Text(7));
    o["sent_at"] = st.IsNull(9) ? json::value(nullptr) : json::value(st.Text(9));
    items.push_back(std::move(o));
  }
  return json::object{{"counts", counts}, {"state", std::string(state)}, {"items", items}};
}

absl::Status Retry(Tx& tx, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT state FROM outbox WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("notify.not_found", "该通知不存在");
  if (st.Text(0) != "dead") return Conflict("notify.not_dead", "只有发送失败的通知可以重发");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_at = ?, last_error = NULL WHERE id = ?"));
  QF_RETURN_IF_ERROR(up.Bind(1, Now(tx)).Bind(2, id).Run());
  return tx.Append("notify.retried", "outbox:" + std::to_string(id), {}).status();
}

absl::StatusOr<std::vector<Due>> DueRows(Db& db, absl::Time now, int limit) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(kDueSql));
  st.Bind(1, FormatUtc(now)).Bind(2, int64_t{limit});
  std::vector<Due> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value params = json::parse(st.Text(4), ec);
    out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3),
                   !ec && params.is_object() ? params.as_object() : json::object{}, static_cast<int>(st.Int(5))});
  }
  return out;
}

absl::Status MarkSent(Tx& tx, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND state = 'pending'"));
  QF_RETURN_IF_ERROR(up.Bind(1, Now(tx)).Bind(2, id).Run());
  if (tx.db().Changes() == 0) return absl::OkStatus();  // sent twice (at least once): the first is recorded
  return tx.Append("notify.sent", "outbox:" + std::to_string(id), {}).status();
}

absl::Status MarkFailed(Tx& tx, int64_t id, const std::string& error, int max_attempts, absl::Duration base) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT attempts FROM outbox WHERE id = ? AND state = 'pending'"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return absl::OkStatus();
  int attempts = static_cast<int>(st.Int(0)) + 1;
  bool dead = attempts >= max_attempts;
  absl::Duration wait = std::min(base * (1 << std::min(attempts - 1, 10)), absl::Hours(1));
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE outbox SET attempts = ?, last_error = ?, next_at = ?, state = ? WHERE id = ?"));
  QF_RETURN_IF_ERROR(up.Bind(1, int64_t{attempts}).Bind(2, error.substr(0, 500)).Bind(3, FormatUtc(tx.now() + wait))
                         .Bind(4, dead ? "dead" : "pending").Bind(5, id).Run());
  if (!dead) return absl::OkStatus();
  return tx.Append("notify.dead", "outbox:" + std::to_string(id), {{"attempts", attempts}, {"error", error.substr(0, 200)}}).status();
}

}  // namespace qf::notify
