// The watch for retaliation against reporters: matching a person acted on against the keyed name tags of named
// reporters of substantiated cases, the alerts, their review, and the tagging of reporters sealed before the watch.
#include "cases/watch.h"

#include <fmt/format.h>

#include "cases/access.h"
#include "cases/policy.h"
#include "cases/store.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "org/org.h"
#include "vault/vault.h"

namespace qf::cases {

namespace json = boost::json;

namespace {

constexpr std::string_view kTagPurpose = "reporter-name";

std::string_view ActionLabel(std::string_view code) {
  if (code == "sanction") return "处分/处理";
  if (code == "decision") return "问责决定";
  if (code == "talk") return "提醒/诫勉谈话";
  return "被反映（新案件）";
}

}  // namespace

std::string NameTag(const vault::Vault& vault, std::string_view name) {
  std::string trimmed(Trim(name)), plain;
  for (std::string_view part : Split(trimmed, ' ')) plain += part;
  for (std::string_view dot : {"·", "•", "・", "\u3000"}) {
    for (size_t at; (at = plain.find(dot)) != std::string::npos;) plain.erase(at, dot.size());
  }
  return vault.Tag(kTagPurpose, plain);
}

std::string_view Code(WatchedAction a) {
  switch (a) {
    case WatchedAction::kSanction: return "sanction";
    case WatchedAction::kDecision: return "decision";
    case WatchedAction::kTalk: return "talk";
    case WatchedAction::kCase: return "case";
  }
  return "case";
}

absl::StatusOr<int> WatchForRetaliation(Tx& tx, const CaseEnv& env, const Watched& w) {
  if (!env.vault || !env.policies || w.person_id <= 0) return 0;
  Db& db = tx.db();
  std::string name = org::PersonName(db, w.person_id);
  if (name.empty()) return 0;
  QF_ASSIGN_OR_RETURN(int64_t person_unit, org::PersonUnit(db, w.person_id));
  int years = env.policies->intake().retaliation_watch_years;
  std::string since = FormatUtc(tx.now() - absl::Hours(24 * 366 * years));
  struct Hit {
    int64_t case_id, concerned_unit;
  };
  std::vector<Hit> hits;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT c.id, COALESCE(c.concerned_unit_id, 0) FROM reporters r JOIN cases c ON c.id = r.case_id "
        "WHERE r.name_tag = ? AND c.outcome = 'support' AND c.merged_into IS NULL AND c.received_at >= ? AND c.id <> ?"));
    st.Bind(1, NameTag(*env.vault, name)).Bind(2, since).Bind(3, w.action == WatchedAction::kCase ? w.action_id : 0);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      hits.push_back({st.Int(0), st.Int(1)});
    }
  }
  int raised = 0;
  for (const Hit& h : hits) {
    bool unit_matches = false;
    if (person_unit && h.concerned_unit) {
      QF_ASSIGN_OR_RETURN(bool below, org::IsWithin(db, person_unit, h.concerned_unit));
      QF_ASSIGN_OR_RETURN(bool above, org::IsWithin(db, h.concerned_unit, person_unit));
      unit_matches = below || above;
    }
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO retaliation_alerts(reporter_case_id, person_id, action, action_id, action_summary, unit_matches, "
        "raised_at) VALUES(?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id"));
    ins.Bind(1, h.case_id).Bind(2, w.person_id).Bind(3, Code(w.action)).Bind(4, w.action_id).Bind(5, w.summary)
        .Bind(6, int64_t{unit_matches}).Bind(7, FormatUtc(tx.now()));
    QF_ASSIGN_OR_RETURN(bool row, ins.Step());
    if (!row) continue;
    int64_t id = ins.Int(0);
    QF_RETURN_IF_ERROR(ins.Run());
    // The event names the alert alone: who reported what stays in the table only the office reads.
    QF_RETURN_IF_ERROR(tx.Append("retaliation.alert", fmt::format("retaliation:{}", id),
                                 {{"action", Code(w.action)}, {"unit_matches", unit_matches}}).status());
    ++raised;
  }
  return raised;
}

absl::StatusOr<json::object> RetaliationAlerts(Db& db, const CaseEnv& env, bool open_only, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string(
      "SELECT a.id, a.reporter_case_id, a.person_id, a.action, a.action_id, a.action_summary, a.unit_matches, "
      "a.raised_at, COALESCE(a.reviewed_at, ''), COALESCE(a.review_note, ''), COALESCE(a.reviewed_by, 0) "
      "FROM retaliation_alerts a ") + (open_only ? "WHERE a.reviewed_at IS NULL " : "") +
      "ORDER BY a.reviewed_at IS NOT NULL, a.id DESC LIMIT 500"));
  json::array items;
  int open = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(Row reported, LoadById(db, st.Int(1)));
    QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, reported, who));
    std::string action = st.Text(3);
    if (visible && action == "case") {
      QF_ASSIGN_OR_RETURN(Row accused, LoadById(db, st.Int(4)));
      QF_ASSIGN_OR_RETURN(visible, CanSee(db, accused, who));
    }
    if (!visible) continue;  // behind the caller's wall: neither listed nor counted
    int64_t person = st.Int(2);
    QF_ASSIGN_OR_RETURN(int64_t person_unit, org::PersonUnit(db, person));
    bool reviewed = !st.Text(8).empty();
    open += !reviewed;
    json::object item{
        {"id", st.Int(0)},
        {"raised_at", st.Text(7)},
        {"person", json::object{{"id", person}, {"name", org::PersonName(db, person)},
                                {"unit", org::UnitName(db, person_unit)}}},
        {"action", json::object{{"code", action}, {"label", ActionLabel(action)}, {"id", st.Int(4)},
                                {"summary", st.Text(5)}}},
        {"report", json::object{{"case_id", reported.id}, {"receipt", DisplayReceiptCode(reported.receipt)},
                                {"title", reported.title},
                                {"received_at", reported.received_at},
                                {"outcome", OutcomeLabel(reported.outcome.value_or(""))},
                                {"outcome_code", reported.outcome.value_or("")},
                                {"concerned_unit", org::UnitName(db, reported.concerned_unit_id)}}},
        {"unit_matches", st.Int(6) != 0},
        {"match", st.Int(6) ? "姓名相同，且所在单位即被反映单位" : "姓名相同（单位不同，可能重名）"},
    };
    if (reviewed)
      item["review"] = json::object{{"at", st.Text(8)}, {"note", st.Text(9)}, {"by", st.Int(10)}};
    items.push_back(std::move(item));
  }
  return json::object{{"items", std::move(items)}, {"open", open},
                      {"watch_years", env.policies ? env.policies->intake().retaliation_watch_years : 0},
                      {"basis", "《中华人民共和国刑法》第二百五十四条：国家机关工作人员滥用职权、假公济私，对控告人、申诉人、"
                                "批评人、举报人实行报复陷害的，处二年以下有期徒刑或者拘役"}};
}

absl::StatusOr<json::object> ReviewAlert(Tx& tx, int64_t id, std::string_view note, const Principal& who) {
  std::string text(Trim(note));
  if (Utf8Length(text) < 4) return Invalid("retaliation.note", "请写明核查情况（至少4个字）", {{"note", "至少4个字"}});
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "SELECT reporter_case_id, action, action_id, COALESCE(reviewed_at, '') FROM retaliation_alerts WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("retaliation.not_found", "预警不存在");
  int64_t reported_id = st.Int(0), action_id = st.Int(2);
  std::string action = st.Text(1), reviewed_at = st.Text(3);
  for (int64_t case_id : {reported_id, action == "case" ? action_id : int64_t{0}}) {
    if (!case_id) continue;
    QF_ASSIGN_OR_RETURN(Row c, LoadById(tx.db(), case_id));
    QF_ASSIGN_OR_RETURN(bool visible, CanSee(tx.db(), c, who));
    if (!visible) return NotFound("retaliation.not_found", "预警不存在");
  }
  if (!reviewed_at.empty()) return Conflict("retaliation.reviewed", "该预警已核查");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE retaliation_alerts SET reviewed_at=?, reviewed_by=?, review_note=? WHERE id=?"));
  std::string now = FormatUtc(tx.now());
  up.Bind(1, now).Bind(2, who.account_id).Bind(3, text).Bind(4, id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_RETURN_IF_ERROR(tx.Append("retaliation.reviewed", fmt::format("retaliation:{}", id), {{"note", text}}).status());
  return json::object{{"id", id}, {"reviewed_at", now}};
}

absl::StatusOr<int> TagReporterNames(Tx& tx, const vault::Vault& vault) {
  std::vector<std::pair<int64_t, std::string>> rows;
  {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
        "SELECT case_id, sealed FROM reporters WHERE name_tag IS NULL AND sealed IS NOT NULL"));
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      rows.push_back({st.Int(0), st.Text(1)});
    }
  }
  for (auto& [case_id, sealed] : rows) {
    std::string tag;
    if (auto plain = vault.Unseal(sealed); plain.ok()) {
      json::error_code ec;
      auto v = json::parse(*plain, ec);
      if (!ec && v.is_object()) {
        if (auto* n = v.as_object().if_contains("name"); n && n->is_string() && !n->as_string().empty())
          tag = NameTag(vault, std::string_view(n->as_string()));
      }
    }
    QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE reporters SET name_tag=? WHERE case_id=?"));
    up.Bind(1, tag).Bind(2, case_id);
    QF_RETURN_IF_ERROR(up.Run());
  }
  if (!rows.empty()) QF_RETURN_IF_ERROR(tx.Append("reporter.names_tagged", "vault", {{"rows", rows.size()}}).status());
  return static_cast<int>(rows.size());
}

}  // namespace qf::cases
