// Account rows: creation (inside a writer command, with its event) and lookup (on a reading connection).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "storage/writer.h"
#include "vault/vault.h"

namespace qf::auth {

struct AccountRow {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  int64_t person_id = 0;
  int64_t unit_id = 0;
  std::string password_hash;
  RoleSet roles = 0;
  bool active = true;
  std::string totp_secret;  // raw bytes; empty until enrolled
  int64_t totp_last_step = 0;
};

struct NewAccount {
  std::string username;
  std::string display_name;
  int64_t person_id = 0;
  int64_t unit_id = 0;
  std::string password_hash;  // already hashed: hashing never runs on the writer thread
  RoleSet roles = 0;
  std::string totp_secret;  // demo accounts are created enrolled; others enrol at first sign-in
};

// Inserts the account and its event "account.created" (no hash in the payload). AlreadyExists on a taken name.
absl::StatusOr<int64_t> CreateAccount(Tx& tx, const NewAccount& a);
absl::StatusOr<std::optional<AccountRow>> FindAccount(Db& db, const std::string& username);
absl::StatusOr<std::optional<AccountRow>> GetAccount(Db& db, int64_t id);
// The account's columns (unqualified, from `accounts` alone) and their reader, columns 0–9 of a statement: for a
// query that lists accounts with more beside them in one statement.
extern const char* const kAccountColumns;
AccountRow ReadAccount(const Stmt& st);
// Active accounts holding any of `any_of` (secrets left out), by id.
absl::StatusOr<std::vector<AccountRow>> ActiveAccountsWithRoles(Db& db, RoleSet any_of);
// The principal an account signs in as (no CSRF token yet).
Principal PrincipalOf(const AccountRow& a);
// The display name of an account by id ("" if there is none): for views that name who did what.
std::string DisplayName(Db& db, int64_t account_id);

// Second factor, inside writer commands. Each appends its event. TOTP secrets are stored sealed by the vault (a
// database thief gets no second factor); `vault` is null only for a database without key files (in memory).
// The length of a TOTP secret (raw bytes): what a stored secret not yet sealed measures.
inline constexpr size_t kTotpSecretBytes = 20;
// Seals the secrets still stored raw (a database from before sealing, the demo's accounts); returns how many.
absl::StatusOr<int> SealTotpSecrets(Tx& tx, const vault::Vault& vault);
// Accepts a TOTP code for `account` at `now` (never one used before); Unauthenticated otherwise.
absl::Status UseTotp(Tx& tx, const vault::Vault* vault, int64_t account, const std::string& code);
// Uses one recovery code (each works once); Unauthenticated otherwise.
absl::Status UseRecoveryCode(Tx& tx, int64_t account, const std::string& code);
// Stores a confirmed TOTP secret and fresh recovery codes; returns the codes (shown once).
absl::StatusOr<std::vector<std::string>> EnrolTotp(Tx& tx, const vault::Vault* vault, int64_t account,
                                                   const std::string& secret, const std::string& code);

}  // namespace qf::auth
