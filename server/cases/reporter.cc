// Reporter identities: sealed to the discipline office's key at intake, opened only by that office with a
// reason recorded in the ledger before anything is revealed; rows stored in plain text by early versions are
// sealed at start.
#include "cases/access.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "vault/vault.h"

namespace qf::cases {

namespace json = boost::json;

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

absl::StatusOr<uint64_t> RegistrationLeaf(Db& db, const std::string& receipt) {
  QF_ASSIGN_OR_RETURN(auto c, LoadByReceipt(db, receipt));
  if (!c) return NotFound("case.not_found", "回执码对应的事项不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq FROM events WHERE subject=? AND kind='case.registered'"));
  st.Bind(1, Subject(c->id));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return MakeError(absl::StatusCode::kDataLoss, "case.no_event", "该事项没有登记事件");
  return static_cast<uint64_t>(st.Int(0) - 1);
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

}  // namespace qf::cases
