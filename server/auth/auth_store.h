// Account rows: creation (inside a writer command, with its event) and lookup (on a reading connection).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "http/http.h"
#include "storage/writer.h"

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
};

struct NewAccount {
  std::string username;
  std::string display_name;
  int64_t person_id = 0;
  int64_t unit_id = 0;
  std::string password_hash;  // already hashed: hashing never runs on the writer thread
  RoleSet roles = 0;
};

// Inserts the account and its event "account.created" (no hash in the payload). AlreadyExists on a taken name.
absl::StatusOr<int64_t> CreateAccount(Tx& tx, const NewAccount& a);
absl::StatusOr<std::optional<AccountRow>> FindAccount(Db& db, const std::string& username);

}  // namespace qf::auth
