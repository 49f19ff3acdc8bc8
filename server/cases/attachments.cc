// Opening a reporter's attached file (cases.h OpenAttachment): the case's scope and walls, the record of the
// opening, and the bytes.
#include "cases/access.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/status.h"

namespace qf::cases {

absl::StatusOr<AttachmentRef> OpenAttachment(Tx& tx, int64_t case_id, const std::string& sha256, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT a.name, b.mime, b.size FROM case_attachments a JOIN blobs b ON b.hash = a.hash WHERE a.case_id = ? AND a.hash = ?"));
  st.Bind(1, case_id).Bind(2, sha256);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("case.attachment_not_found", "附件不存在");
  AttachmentRef a{st.Text(0), st.Text(1), sha256, st.Int(2)};
  st.Reset();
  if (a.mime != "image/jpeg" && a.mime != "image/png" && a.mime != "application/pdf") a.mime = "application/octet-stream";
  QF_RETURN_IF_ERROR(tx.Append("case.attachment_opened", Subject(case_id),
                               {{"sha256", sha256}, {"account_id", who.account_id}}).status());
  return a;
}

absl::StatusOr<std::string> AttachmentBytes(Db& db, const std::string& sha256) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT data FROM blobs WHERE hash = ?"));
  st.Bind(1, sha256);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("case.attachment_not_found", "附件不存在");
  return st.Text(0);
}

}  // namespace qf::cases
