#include "auth/auth.h"

#include <sodium.h>

#include "common/crypto_util.h"
#include "common/status.h"

namespace qf::auth {

absl::StatusOr<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return absl::ResourceExhaustedError("密码哈希内存不足");
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string Sessions::Create(Principal& p) {
  std::string token = RandomToken(32);
  p.csrf = RandomToken(24);
  absl::Time now = clock_.Now();
  std::lock_guard lock(mu_);
  sessions_[Sha256Hex(token)] = {p, now, now};
  return token;
}

void Sessions::Destroy(const std::string& token) {
  std::lock_guard lock(mu_);
  sessions_.erase(Sha256Hex(token));
}

std::optional<Principal> Sessions::Resolve(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  std::string key = Sha256Hex(token);
  absl::Time now = clock_.Now();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_seen > options_.idle || now - it->second.created > options_.absolute) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second.principal;
}

std::string Sessions::BeginMfa(const Principal& p, bool setup, std::string secret) {
  std::string token = RandomToken(32);
  absl::Time now = clock_.Now();
  std::lock_guard lock(mu_);
  for (auto it = pending_.begin(); it != pending_.end();) it = it->second.expires < now ? pending_.erase(it) : std::next(it);
  pending_[Sha256Hex(token)] = {p, setup, std::move(secret), now + absl::Minutes(5), 0};
  return token;
}

std::optional<Sessions::PendingMfa> Sessions::UseMfa(const std::string& token) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(Sha256Hex(token));
  if (it == pending_.end()) return std::nullopt;
  if (it->second.expires < clock_.Now() || ++it->second.attempts > 5) {
    pending_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Sessions::EndMfa(const std::string& token) {
  std::lock_guard lock(mu_);
  pending_.erase(Sha256Hex(token));
}

bool Sessions::LockedOut(const std::string& username, absl::Duration* retry_after) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(username);
  if (it == failures_.end()) return false;
  absl::Time now = clock_.Now();
  if (it->second.locked_until > now) {
    *retry_after = it->second.locked_until - now;
    return true;
  }
  return false;
}

void Sessions::RecordFailure(const std::string& username) {
  std::lock_guard lock(mu_);
  auto& f = failures_[username];
  ++f.count;
  // After 5 failures, lock for 1 minute, doubling with each further failure up to 1 hour.
  if (f.count >= 5) {
    int64_t minutes = std::min<int64_t>(60, int64_t{1} << std::min(f.count - 5, 6));
    f.locked_until = clock_.Now() + absl::Minutes(minutes);
  }
}

void Sessions::RecordSuccess(const std::string& username) {
  std::lock_guard lock(mu_);
  failures_.erase(username);
}

std::string SessionCookie(const std::string& token, bool secure) {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  if (token.empty()) c += "; Max-Age=0";
  return c;
}

}  // namespace qf::auth
