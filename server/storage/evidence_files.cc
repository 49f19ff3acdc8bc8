// The evidence-file rule and its store (storage/evidence_files.h).
#include "storage/evidence_files.h"

#include "common/crypto_util.h"
#include "common/mime.h"
#include "common/status.h"

namespace qf {

absl::Status CheckEvidenceFile(const std::string& data) {
  if (data.empty() || data.size() > kMaxEvidenceBytes)
    return Invalid("evidence.size", "证据文件应为 1 字节到 5 MB", {{"file", "大小不符"}});
  std::string type = MimeOf(data);
  if (type != "image/jpeg" && type != "image/png" && type != "application/pdf")
    return Invalid("evidence.type", "证据文件只接受 JPEG、PNG 照片或 PDF", {{"file", "类型不符：" + type}});
  return absl::OkStatus();
}

absl::StatusOr<KeptFile> KeepEvidenceFile(Tx& tx, const std::string& data) {
  QF_RETURN_IF_ERROR(CheckEvidenceFile(data));
  KeptFile f{Sha256Hex(data), MimeOf(data)};
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("INSERT INTO blobs(hash,size,mime,data) VALUES(?,?,?,?) ON CONFLICT DO NOTHING"));
  st.Bind(1, f.sha256).Bind(2, static_cast<int64_t>(data.size())).Bind(3, f.mime).BindBlob(4, data);
  QF_RETURN_IF_ERROR(st.Run());
  return f;
}

}  // namespace qf
