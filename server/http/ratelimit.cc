#include "http/ratelimit.h"

#include <sodium.h>

#include <algorithm>

namespace qf {

RateLimiter::RateLimiter(RateLimits limits) : limits_(limits) { randombytes_buf(salt_, sizeof salt_); }

uint64_t RateLimiter::Key(const std::string& client) const {
  // SipHash with a per-process random key: the map never holds an address.
  uint64_t out;
  crypto_shorthash(reinterpret_cast<unsigned char*>(&out), reinterpret_cast<const unsigned char*>(client.data()),
                   client.size(), reinterpret_cast<const unsigned char*>(salt_));
  return out;
}

double RateLimiter::Refilled(const Bucket& b, double burst, double per_minute, absl::Time now) {
  return std::min(burst, b.tokens + std::max(0.0, absl::ToDoubleMinutes(now - b.last)) * per_minute);
}

bool RateLimiter::Take(Bucket& b, double burst, double per_minute, absl::Time now, absl::Duration* retry_after) {
  b.tokens = Refilled(b, burst, per_minute, now);
  b.last = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  if (retry_after) *retry_after = absl::Minutes((1 - b.tokens) / per_minute);
  return false;
}

bool RateLimiter::Allow(const std::string& client, RateClass cls, absl::Time now, absl::Duration* retry_after) {
  if (!limits_.enabled || cls == RateClass::kNone) return true;
  std::lock_guard lock(mu_);
  if (clients_.size() > 200000) {
    // Forget idle clients (full buckets carry no information).
    for (auto it = clients_.begin(); it != clients_.end();)
      it = now - it->second.lookup.last > absl::Hours(1) && now - it->second.miss.last > absl::Hours(1) ? clients_.erase(it) : std::next(it);
  }
  auto [it, fresh] = clients_.try_emplace(Key(client));
  Client& c = it->second;
  if (fresh) c = {{limits_.submit_burst, now}, {limits_.lookup_burst, now}, {limits_.miss_burst, now}};
  if (cls == RateClass::kSubmit) return Take(c.submit, limits_.submit_burst, limits_.submit_per_minute, now, retry_after);
  // A client whose misses are used up may not look anything up until they refill.
  double refill = Refilled(c.miss, limits_.miss_burst, limits_.miss_per_minute, now);
  if (refill < 1) {
    if (retry_after) *retry_after = absl::Minutes((1 - refill) / limits_.miss_per_minute);
    return false;
  }
  return Take(c.lookup, limits_.lookup_burst, limits_.lookup_per_minute, now, retry_after);
}

void RateLimiter::ChargeMiss(const std::string& client, absl::Time now) {
  if (!limits_.enabled) return;
  std::lock_guard lock(mu_);
  auto& c = clients_[Key(client)];
  if (c.miss.last == absl::Time()) c = {{limits_.submit_burst, now}, {limits_.lookup_burst, now}, {limits_.miss_burst, now}};
  Take(c.miss, limits_.miss_burst, limits_.miss_per_minute, now, nullptr);
}

}  // namespace qf
