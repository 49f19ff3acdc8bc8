#include "auth/session_store.h"

#include <spdlog/spdlog.h>

#include "auth/auth_store.h"
#include "common/status.h"

namespace qf::auth {

absl::Status StoreSession(Tx& tx, const Sessions::Issued& s, const Principal& p, const SessionOptions& options) {
  int64_t now = absl::ToUnixSeconds(tx.now());
  QF_ASSIGN_OR_RETURN(auto idle, tx.db().Prepare("DELETE FROM staff_sessions WHERE last_seen < ?"));
  idle.Bind(1, now - absl::ToInt64Seconds(options.idle));
  QF_RETURN_IF_ERROR(idle.Run());
  QF_ASSIGN_OR_RETURN(auto old, tx.db().Prepare("DELETE FROM staff_sessions WHERE created_at < ?"));
  old.Bind(1, now - absl::ToInt64Seconds(options.absolute));
  QF_RETURN_IF_ERROR(old.Run());
  QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
      "INSERT INTO staff_sessions(token_hash, account_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)"));
  int64_t created = absl::ToUnixSeconds(s.created);
  ins.Bind(1, s.key).Bind(2, p.account_id).Bind(3, p.csrf).Bind(4, created).Bind(5, created);
  return ins.Run();
}

absl::StatusOr<std::optional<StoredSession>> LoadSession(Db& db, const std::string& key) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT account_id, csrf, created_at, last_seen FROM staff_sessions WHERE token_hash = ?"));
  st.Bind(1, key);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::nullopt;
  QF_ASSIGN_OR_RETURN(auto account, GetAccount(db, st.Int(0)));
  if (!account || !account->active) return std::nullopt;
  StoredSession s{PrincipalOf(*account), absl::FromUnixSeconds(st.Int(2)), absl::FromUnixSeconds(st.Int(3))};
  s.principal.csrf = st.Text(1);
  return s;
}

absl::Status TouchSession(Tx& tx, const std::string& key, absl::Time last_seen) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "UPDATE staff_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?"));
  int64_t t = absl::ToUnixSeconds(last_seen);
  st.Bind(1, t).Bind(2, key).Bind(3, t);
  return st.Run();
}

absl::Status EndSession(Tx& tx, const std::string& key, int64_t account_id) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("DELETE FROM staff_sessions WHERE token_hash = ?"));
  st.Bind(1, key);
  QF_RETURN_IF_ERROR(st.Run());
  return tx.Append("auth.signed_out", "account:" + std::to_string(account_id), boost::json::object{}).status();
}

void BackSessions(Sessions& sessions, ReadConnections& readers, Writer& writer) {
  sessions.SetBacking({
      [&readers](const std::string& key) -> std::optional<StoredSession> {
        auto db = readers.Get();  // the primary: a session stored a moment ago may not have reached a standby
        if (!db.ok()) return std::nullopt;
        auto s = LoadSession(**db, key);
        if (!s.ok()) {
          spdlog::warn("reading a stored session failed: {}", s.status().ToString());
          return std::nullopt;
        }
        return *s;
      },
      [&writer](const std::string& key, absl::Time last_seen) {
        writer.Submit(Actor::System(),
                      [key, last_seen](Tx& tx) -> absl::StatusOr<boost::json::value> {
                        QF_RETURN_IF_ERROR(TouchSession(tx, key, last_seen));
                        return boost::json::value();
                      },
                      [](absl::StatusOr<boost::json::value>) {});
      },
  });
}

}  // namespace qf::auth
