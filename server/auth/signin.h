// The staff sign-in workflow, kept out of the handlers: the password step (per-username lockout, a dummy hash for
// unknown names so that timing reveals nothing, then the second factor to give — or to enrol, with a fresh TOTP
// secret), the second step (a TOTP code once, enrolment answering the new secret and handing out recovery codes,
// or a recovery code), and account creation with its password hash. Password checks block for about 80 ms and run
// on the hash pool, never on an I/O thread; the second step runs in a writer command.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/auth.h"
#include "auth/auth_store.h"
#include "common/json_input.h"
#include "common/work_pool.h"
#include "storage/writer.h"

namespace qf::auth {

// The pool that checks and hashes passwords (one thread, 32 waiting, at the reads' nice value; full: refused as busy).
WorkPool& HashPool();

struct Credentials {
  std::string username, password;
};
absl::StatusOr<Credentials> ParseCredentials(const boost::json::object& body);
// ResourceExhausted (auth.locked) with the time to wait while the username is locked out.
absl::Status CheckNotLockedOut(Sessions& sessions, const std::string& username, absl::Duration* retry_after);

// What the password step answers: the pending second factor, and for an account without one the secret to enrol.
struct PasswordPassed {
  std::string mfa_token;
  bool setup = false;
  std::string secret_base32, otpauth;  // when setting up
};
// Checks the password (blocking: call on the hash pool). Unauthenticated (auth.bad_credentials) for a wrong
// password, an unknown name or an inactive account, recording the failure.
absl::StatusOr<PasswordPassed> CheckPassword(Sessions& sessions, const std::optional<AccountRow>& account,
                                             const Credentials& c);

struct SecondFactorRequest {
  std::string mfa_token;
  std::optional<std::string> code, recovery_code;
};
absl::StatusOr<SecondFactorRequest> ParseSecondFactor(const boost::json::object& body);
// In a writer command: verifies the pending sign-in's second factor (enrolling it when pending.setup) and records
// "auth.signed_in". Returns the recovery codes handed out at enrolment (empty otherwise).
absl::StatusOr<std::vector<std::string>> VerifySecondFactor(Tx& tx, const vault::Vault* vault,
                                                            const Sessions::PendingMfa& pending,
                                                            const SecondFactorRequest& r);

// The one rule for a password chosen for an account (new accounts, resets and changes): at least 12 characters.
// Returns whether `password` passes; a failure is recorded on `field` (rule min_chars).
bool RequireStrongPassword(JsonInput& in, std::string_view field, std::string_view password);

// A new staff account as the administrator asks for it (the password still in clear: hash it on the pool).
struct AccountRequest {
  NewAccount account;
  std::string password;
};
absl::StatusOr<AccountRequest> ParseAccount(const boost::json::object& body);

}  // namespace qf::auth
