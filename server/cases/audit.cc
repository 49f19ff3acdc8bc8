#include "cases/audit.h"

#include <boost/json.hpp>
#include <unordered_map>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "fmt/format.h"

namespace qf::cases {

absl::Status AuditProjections(Db& db) {
  struct FromEvents {
    int64_t registered_seq = 0;
    bool erased = false;
    std::string content_sha256, receipt_sha256, last_state = "registered";
  };
  std::unordered_map<int64_t, FromEvents> byid;
  QF_ASSIGN_OR_RETURN(auto ev, db.Prepare(
      "SELECT seq, kind, subject, payload, erased_at IS NOT NULL FROM events WHERE subject LIKE 'case:%' AND kind LIKE 'case.%' ORDER BY seq"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ev.Step());
    if (!row) break;
    auto id = ParseInt<int64_t>(std::string_view(ev.Text(2)).substr(5));
    if (!id) continue;
    auto& f = byid[*id];
    std::string kind = ev.Text(1);
    if (ev.Int(4)) {
      if (kind == "case.registered") {
        f.registered_seq = ev.Int(0);
        f.erased = true;
      }
      continue;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(ev.Text(3), ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    if (kind == "case.registered") {
      f.registered_seq = ev.Int(0);
      if (auto* c = o.if_contains("content_sha256"); c && c->is_string()) f.content_sha256 = std::string(c->as_string());
      if (auto* r = o.if_contains("receipt_sha256"); r && r->is_string()) f.receipt_sha256 = std::string(r->as_string());
    } else if (auto* to = o.if_contains("to"); to && to->is_string()) {
      f.last_state = std::string(to->as_string());
    }
  }
  QF_ASSIGN_OR_RETURN(auto cs, db.Prepare("SELECT id, receipt, content, state FROM cases ORDER BY id"));
  size_t rows = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, cs.Step());
    if (!row) break;
    ++rows;
    int64_t id = cs.Int(0);
    auto it = byid.find(id);
    if (it == byid.end() || it->second.registered_seq == 0)
      return absl::DataLossError(fmt::format("案件 {} 没有登记事件：该案件记录不是经系统登记的", id));
    const auto& f = it->second;
    if (!f.erased && f.content_sha256 != Sha256Hex(cs.Text(2)))
      return absl::DataLossError(fmt::format("案件 {} 的内容与登记事件 seq {} 记录的哈希不符：案件内容被改动", id, f.registered_seq));
    if (!f.erased && f.receipt_sha256 != Sha256Hex(cs.Text(1)))
      return absl::DataLossError(fmt::format("案件 {} 的回执码与登记事件 seq {} 不符", id, f.registered_seq));
    if (cs.Text(3) != f.last_state)
      return absl::DataLossError(fmt::format("案件 {} 的状态为 {}，但事件记录的状态为 {}：案件状态被改动", id, cs.Text(3), f.last_state));
  }
  for (const auto& [id, f] : byid) {
    if (f.registered_seq == 0) continue;
    QF_ASSIGN_OR_RETURN(auto one, db.Prepare("SELECT 1 FROM cases WHERE id=?"));
    one.Bind(1, id);
    QF_ASSIGN_OR_RETURN(bool exists, one.Step());
    if (!exists) return absl::DataLossError(fmt::format("登记事件 seq {} 所登记的案件 {} 已不存在：案件被删除", f.registered_seq, id));
  }
  return absl::OkStatus();
}

}  // namespace qf::cases
