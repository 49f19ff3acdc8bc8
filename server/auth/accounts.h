// Account administration: the administrator's list of staff accounts, a temporary password or a fresh second factor
// for a member of staff who lost theirs, disabling and enabling an account, and a member of staff changing their own
// password. Each change is a writer command with its ledger event (never a hash or a secret in it) and ends the
// account's stored sessions, so that a reset or disabled account is signed out everywhere at once (the caller drops
// them from memory too: Sessions::ForgetAccount).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "auth/auth.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::auth {

// The administrator's list: accounts whose username or display name starts with `q`, of one unit, by id after
// `after` (a page at a time).
struct AccountQuery {
  std::string q;
  int64_t unit_id = 0;
  int64_t after = 0;
  int limit = 50;
};
// {items: [{id, username, display_name, unit_id, unit, roles, active, second_factor, recovery_codes_left,
// sessions}], next_after}: no hash, no secret.
absl::StatusOr<boost::json::object> ListAccounts(Db& db, const AccountQuery& q);

// What an administrator gives with a change to someone's account: why (kept in the event), and for a password
// reset the temporary password (still in clear: hash it on the hash pool).
struct AccountChange {
  int64_t account = 0;
  std::string reason;
  std::string password;         // a password reset
  std::optional<bool> active;   // disabling or enabling
};
// `kind` is "password", "second_factor" or "active": the body each needs (reason always; password ≥ 12 characters;
// active true/false). `actor` is the administrator: none of these is done to one's own account (an administrator
// changes their own password like anyone, and another administrator resets or disables them).
absl::StatusOr<AccountChange> ParseAccountChange(const boost::json::object& body, std::string_view kind,
                                                 int64_t account, int64_t actor);

// A member of staff changing their own password: the current one (checked on the hash pool) and the new one.
struct PasswordChange {
  std::string current, next;
};
absl::StatusOr<PasswordChange> ParsePasswordChange(const boost::json::object& body);

// Writer commands. Each returns how many stored sessions it ended (all of the account's, but `keep`: the session
// changing its own password stays signed in).
// The new password hash; "account.password_reset" (by an administrator, with the reason) or
// "account.password_changed" (by the account, when `expected_hash` still matches: a concurrent change refuses).
absl::StatusOr<int> ResetPassword(Tx& tx, const AccountChange& c, const std::string& hash);
absl::StatusOr<int> ChangeOwnPassword(Tx& tx, int64_t account, const std::string& expected_hash,
                                      const std::string& hash, const std::string& keep);
// Forgets the TOTP secret and the recovery codes: the next sign-in enrols a new authenticator.
absl::StatusOr<int> ResetSecondFactor(Tx& tx, const AccountChange& c);
// Disables (sign-in refused, sessions ended) or enables an account; Conflict when it already is so.
absl::StatusOr<int> SetAccountActive(Tx& tx, const AccountChange& c);

}  // namespace qf::auth
