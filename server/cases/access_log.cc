// Who read a case (访问留痕): each staff read of its content is recorded before it is answered, and the discipline
// office reads the case's access log — reads, attachments opened, reporter identities opened.
#include "cases/access.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/status.h"
#include "common/stored_json.h"

namespace qf::cases {

namespace json = boost::json;

absl::Status RecordCaseRead(Tx& tx, int64_t case_id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(tx.db(), case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(tx.db(), c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  return tx.Append("case.viewed", Subject(case_id), {{"account_id", who.account_id}}).status();
}

absl::StatusOr<json::object> AccessLogJson(Db& db, int64_t case_id, const Principal& who, int limit) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  // Newest first, by the case's own events (events_subject); the payloads named here hold no reporter data.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT e.seq, e.time, e.kind, e.payload, COALESCE(a.display_name, e.actor), COALESCE(a.unit_id, 0) "
      "FROM events e LEFT JOIN accounts a ON a.id = " + Actor::AccountIdSql("e.actor") + " "
      "WHERE e.subject = ? AND e.kind IN ('case.viewed', 'case.attachment_opened', 'reporter.identity_opened') "
      "AND e.erased_at IS NULL ORDER BY e.seq DESC LIMIT ?"));
  st.Bind(1, Subject(case_id)).Bind(2, static_cast<int64_t>(limit) + 1);
  json::array items;
  bool more = false;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (static_cast<int>(items.size()) == limit) {
      more = true;
      break;
    }
    std::string kind = st.Text(2);
    json::object o{{"seq", st.Int(0)}, {"at", st.Text(1)}, {"kind", kind}, {"by", st.Text(4)}};
    if (int64_t unit = st.Int(5)) o["unit"] = UnitName(db, unit);
    QF_ASSIGN_OR_RETURN(json::object payload, StoredObject(st.Text(3), "events.payload"));
    if (kind == "case.viewed") {
      o["label"] = "查看案件";
    } else if (kind == "case.attachment_opened") {
      o["label"] = "查看附件";
      if (auto* h = payload.if_contains("sha256"); h && h->is_string()) {
        QF_ASSIGN_OR_RETURN(auto name, db.Prepare("SELECT name FROM case_attachments WHERE case_id = ? AND hash = ?"));
        name.Bind(1, case_id).Bind(2, std::string(h->as_string()));
        QF_ASSIGN_OR_RETURN(bool found, name.Step());
        if (found) o["detail"] = name.Text(0);
      }
    } else {
      o["label"] = "查看实名信息";
      if (auto* r = payload.if_contains("reason"); r && r->is_string()) o["detail"] = "理由：" + std::string(r->as_string());
    }
    items.push_back(std::move(o));
  }
  return json::object{{"case_id", case_id}, {"items", std::move(items)}, {"more", more}};
}

}  // namespace qf::cases
