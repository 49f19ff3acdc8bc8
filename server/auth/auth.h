// Staff accounts and sessions: argon2id password hashes (libsodium, interactive limits) checked on a small
// bounded pool off the I/O threads, in-memory sessions with idle and absolute expiry, a CSRF token per
// session, and a per-username failure backoff. Sessions and the pool are thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "auth/roles.h"

namespace qf::auth {

// argon2id string (libsodium's crypto_pwhash_str) for `password`. InternalError if out of memory.
absl::StatusOr<std::string> HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);

struct SessionOptions {
  absl::Duration idle = absl::Minutes(30);
  absl::Duration absolute = absl::Hours(12);
};

// The name of the session cookie.
inline constexpr const char* kSessionCookie = "qf_session";

// Live sessions keyed by the SHA-256 of the cookie token (the token itself is never stored).
class Sessions {
 public:
  Sessions(const Clock& clock, SessionOptions options = {}) : clock_(clock), options_(options) {}

  // Creates a session for `p`; returns the cookie token and fills p.csrf.
  std::string Create(Principal& p);
  void Destroy(const std::string& token);
  // The principal of a live session token (touching it), or nullopt when unknown or expired.
  std::optional<Principal> Resolve(std::string_view token);

  // Between the password and the second factor: a short-lived token (5 minutes, 5 attempts) that names the
  // account and, for enrolment, the proposed TOTP secret.
  struct PendingMfa {
    Principal principal;
    bool setup = false;
    std::string secret;
    absl::Time expires;
    int attempts = 0;
  };
  std::string BeginMfa(const Principal& p, bool setup, std::string secret);
  // The pending sign-in for `token` (counting an attempt), or nullopt when unknown, expired or exhausted.
  std::optional<PendingMfa> UseMfa(const std::string& token);
  void EndMfa(const std::string& token);

  // Sign-in throttling: true while `username` is locked out after repeated failures.
  bool LockedOut(const std::string& username, absl::Duration* retry_after);
  void RecordFailure(const std::string& username);
  void RecordSuccess(const std::string& username);

 private:
  struct Entry {
    Principal principal;
    absl::Time created;
    absl::Time last_seen;
  };
  struct Failures {
    int count = 0;
    absl::Time locked_until = absl::InfinitePast();
  };
  const Clock& clock_;
  SessionOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;       // guarded by mu_
  std::unordered_map<std::string, Failures> failures_;    // guarded by mu_
  std::unordered_map<std::string, PendingMfa> pending_;   // guarded by mu_; keyed by SHA-256 of the token
};

// Builds the Set-Cookie header value for a session token (HttpOnly, SameSite=Strict, Path=/).
std::string SessionCookie(const std::string& token, bool secure);

}  // namespace qf::auth
