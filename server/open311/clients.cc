#include "open311/clients.h"

#include "cases/model.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/timefmt.h"

namespace qf::open311 {
namespace {

namespace json = boost::json;

std::string Subject(int64_t id) { return "open311_client:" + std::to_string(id); }

}  // namespace

absl::StatusOr<NewClient> ParseNewClient(const json::object& body) {
  JsonInput in(body);
  NewClient c;
  c.name = in.Str("name", true, 50).value_or("");
  c.channel = in.Enum("channel", true, cases::Codes(cases::kChannels)).value_or("");
  QF_RETURN_IF_ERROR(in.Finish("open311.client"));
  return c;
}

absl::StatusOr<json::object> IssueClient(Tx& tx, const NewClient& c) {
  QF_ASSIGN_OR_RETURN(auto taken, tx.db().Prepare("SELECT 1 FROM open311_clients WHERE name = ?"));
  taken.Bind(1, c.name);
  QF_ASSIGN_OR_RETURN(bool exists, taken.Step());
  if (exists) return Conflict("open311.client_name", "已有同名的接口客户端：" + c.name);
  // 32 random bytes: guessing one is out of the question, so a wrong key needs no lock-out of its own.
  std::string key = "o311_" + RandomToken(32);
  QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
      "INSERT INTO open311_clients(name, channel, key_hash, key_hint, issued_at, issued_by) VALUES(?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, c.name).Bind(2, c.channel).Bind(3, Sha256Hex(key)).Bind(4, key.substr(key.size() - 4));
  ins.Bind(5, FormatUtc(tx.now()));
  if (int64_t by = tx.actor().AccountId()) ins.Bind(6, by);
  else ins.BindNull(6);
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  int64_t id = ids.at(0);
  QF_RETURN_IF_ERROR(tx.Append("open311.client_issued", Subject(id), {{"name", c.name}, {"channel", c.channel}}).status());
  return json::object{{"id", id}, {"name", c.name}, {"channel", c.channel}, {"api_key", key}};
}

absl::Status RevokeClient(Tx& tx, int64_t id, const std::string& reason) {
  QF_ASSIGN_OR_RETURN(auto find, tx.db().Prepare("SELECT revoked_at FROM open311_clients WHERE id = ?"));
  find.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return NotFound("open311.client", "接口客户端不存在");
  if (!find.IsNull(0)) return Conflict("open311.client_revoked", "该客户端的密钥已吊销");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE open311_clients SET revoked_at = ?, revoke_reason = ? WHERE id = ?"));
  QF_RETURN_IF_ERROR(up.Bind(1, FormatUtc(tx.now())).Bind(2, reason).Bind(3, id).Run());
  return tx.Append("open311.client_revoked", Subject(id), {{"reason", reason}}).status();
}

absl::StatusOr<Client> ClientByKey(Db& db, std::string_view api_key) {
  auto denied = [] { return Forbidden("open311.api_key", "api_key 无效或已吊销"); };
  if (api_key.empty() || api_key.size() > 200) return denied();
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, name, channel FROM open311_clients WHERE key_hash = ? AND revoked_at IS NULL"));
  st.Bind(1, Sha256Hex(api_key));
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return denied();
  return Client{st.Int(0), st.Text(1), st.Text(2)};
}

absl::StatusOr<json::object> ListClients(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.id, c.name, c.channel, c.key_hint, c.issued_at, c.revoked_at, c.revoke_reason, "
      "(SELECT COUNT(*) FROM open311_submissions s WHERE s.client_id = c.id) "
      "FROM open311_clients c ORDER BY c.revoked_at IS NOT NULL, c.id"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string channel = st.Text(2);
    json::object o{{"id", st.Int(0)},
                   {"name", st.Text(1)},
                   {"channel", channel},
                   {"channel_label", cases::LabelOf(cases::kChannels, channel).value_or(channel)},
                   {"key_hint", st.Text(3)},
                   {"issued_at", st.Text(4)},
                   {"requests", st.Int(7)}};
    o["revoked_at"] = st.IsNull(5) ? json::value(nullptr) : json::value(st.Text(5));
    o["revoke_reason"] = st.IsNull(6) ? json::value(nullptr) : json::value(st.Text(6));
    items.push_back(std::move(o));
  }
  return json::object{{"items", std::move(items)}};
}

}  // namespace qf::open311
