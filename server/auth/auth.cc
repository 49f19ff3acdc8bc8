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

std::string Sessions::Key(std::string_view token) { return Sha256Hex(token); }

Sessions::Issued Sessions::Issue(Principal& p) {
  Issued s;
  s.token = RandomToken(32);
  s.key = Key(s.token);
  s.created = clock_.Now();
  p.csrf = RandomToken(24);
  return s;
}

void Sessions::Adopt(const Issued& s, const Principal& p) {
  std::lock_guard lock(mu_);
  sessions_[s.key] = {p, s.created, s.created, s.created};
}

std::string Sessions::Create(Principal& p) {
  Issued s = Issue(p);
  Adopt(s, p);
  return s.token;
}

void Sessions::Forget(std::string_view token) {
  std::lock_guard lock(mu_);
  sessions_.erase(Key(token));
  ++forgotten_;
}

void Sessions::ForgetAccount(int64_t account, std::string_view keep) {
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.principal.account_id == account && kv.first != keep; });
  ++forgotten_;
}

std::optional<Principal> Sessions::Resolve(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  std::string key = Key(token);
  absl::Time now = clock_.Now();
  std::unique_lock lock(mu_);
  auto it = sessions_.find(key);
  while (it == sessions_.end()) {
    // Not in memory: a session from before a restart, or none. Read outside the lock; should a sign-out happen
    // meanwhile, the row read may since be gone: read again.
    if (!backing_.load) return std::nullopt;
    uint64_t before = forgotten_;
    lock.unlock();
    auto stored = backing_.load(key);
    lock.lock();
    if (forgotten_ != before) continue;
    if (!stored) return std::nullopt;
    it = sessions_.try_emplace(key, Entry{stored->principal, stored->created, stored->last_seen, stored->last_seen}).first;
  }
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  // Never backwards: a wall clock set back and then corrected signs nobody out (idle time counts from the latest use).
  it->second.last_seen = std::max(it->second.last_seen, now);
  bool touch = backing_.touch && now - it->second.stored_last_seen >= absl::Minutes(1);
  if (touch) it->second.stored_last_seen = now;
  Principal p = it->second.principal;
  lock.unlock();
  if (touch) backing_.touch(key, now);
  return p;
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
