// Staff accounts and sessions: argon2id password hashes (libsodium, interactive limits) checked on a small
// bounded pool off the I/O threads, in-memory sessions with idle and absolute expiry, a CSRF token per
// session, and a per-username failure backoff. Sessions and the pool are thread-safe.
#pragma once

#include <functional>
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

// A session as stored (auth/session_store.h), read back after a restart: the account as it is now (its roles and
// unit today, not at sign-in) with the session's CSRF token, and the session's times.
struct StoredSession {
  Principal principal;
  absl::Time created, last_seen;
};

// Live sessions keyed by the SHA-256 of the cookie token (the token itself is never stored), held in memory and,
// once backed (SetBacking), in the database too, so that a restart signs nobody out.
class Sessions {
 public:
  Sessions(const Clock& clock, SessionOptions options = {}) : clock_(clock), options_(options) {}

  // Where sessions outlive the process (the runtime wires in auth/session_store.h): `load` finds a stored session
  // by key (nullopt when there is none or its account is inactive); `touch` records a session's last use (a queued
  // write, at most once a minute per session). Unset (unit tests), sessions live in memory only.
  struct Backing {
    std::function<std::optional<StoredSession>(const std::string& key)> load;
    std::function<void(const std::string& key, absl::Time last_seen)> touch;
  };
  void SetBacking(Backing b) { backing_ = std::move(b); }  // before serving
  const SessionOptions& options() const { return options_; }
  // The key a token is stored under (its SHA-256, hex).
  static std::string Key(std::string_view token);

  // A new session for `p` (fills p.csrf): the cookie token and its key. The caller stores it (StoreSession, in the
  // command that completes sign-in) and then Adopts it.
  struct Issued {
    std::string token, key;
    absl::Time created;
  };
  Issued Issue(Principal& p);
  void Adopt(const Issued& s, const Principal& p);
  // Issue and Adopt, in memory only.
  std::string Create(Principal& p);
  // Drops a session from memory (after its stored row is deleted: sign-out).
  void Forget(std::string_view token);
  // Drops every session of `account` but the one stored under `keep` (a key, or ""), after their rows are deleted:
  // a password or second factor reset, a disabled account.
  void ForgetAccount(int64_t account, std::string_view keep = "");
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
    absl::Time stored_last_seen;  // as the backing last recorded it
  };
  struct Failures {
    int count = 0;
    absl::Time locked_until = absl::InfinitePast();
  };
  bool Expired(const Entry& e, absl::Time now) const {
    return now - e.last_seen > options_.idle || now - e.created > options_.absolute;
  }
  const Clock& clock_;
  SessionOptions options_;
  Backing backing_;
  std::mutex mu_;
  uint64_t forgotten_ = 0;  // guarded by mu_; counts Forget calls (a load racing a sign-out reads again)
  std::unordered_map<std::string, Entry> sessions_;       // guarded by mu_
  std::unordered_map<std::string, Failures> failures_;    // guarded by mu_
  std::unordered_map<std::string, PendingMfa> pending_;   // guarded by mu_; keyed by SHA-256 of the token
};

// Builds the Set-Cookie header value for a session token (HttpOnly, SameSite=Strict, Path=/).
std::string SessionCookie(const std::string& token, bool secure);

}  // namespace qf::auth
