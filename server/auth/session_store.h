// Staff sessions in the database (the staff_sessions table), so that a restart signs nobody out and a signed-out
// session stays refused: stored by the command that completes sign-in, touched at most once a minute, deleted at
// sign-out; expired rows are deleted whenever a session is stored. Only the token's SHA-256 is kept.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "auth/auth.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::auth {

// In the sign-in command: stores the session just issued for `p` and deletes the expired ones.
absl::Status StoreSession(Tx& tx, const Sessions::Issued& s, const Principal& p, const SessionOptions& options);
// The stored session `key` with its account as it is now; nullopt when there is none or the account is inactive.
absl::StatusOr<std::optional<StoredSession>> LoadSession(Db& db, const std::string& key);
absl::Status TouchSession(Tx& tx, const std::string& key, absl::Time last_seen);
// Sign-out: deletes the session and records "auth.signed_out" for its account.
absl::Status EndSession(Tx& tx, const std::string& key, int64_t account_id);
// Backs `sessions` by the table: loads on the primary (`readers`), touches through `writer`.
void BackSessions(Sessions& sessions, ReadConnections& readers, Writer& writer);

}  // namespace qf::auth
