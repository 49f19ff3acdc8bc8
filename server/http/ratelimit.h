// Per-client token buckets for the public endpoints (submission, lookup by receipt code, and failed lookups,
// which guessing produces). Clients are keyed by a salted hash of their address held in memory only: no
// address is ever logged or stored. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/time/time.h"

namespace qf {

enum class RateClass { kNone, kSubmit, kLookup };

struct RateLimits {
  bool enabled = true;
  // Submissions: a burst of 10, then one every 30 s (≈120 a hour).
  double submit_burst = 10, submit_per_minute = 2;
  // Lookups and the reporter's own actions: a burst of 60, then 60 a minute.
  double lookup_burst = 60, lookup_per_minute = 60;
  // Lookups that find nothing (a wrong or guessed code): a burst of 20, then 20 an hour.
  double miss_burst = 20, miss_per_minute = 20.0 / 60;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits);
  // True if `client` may make a request of `cls` at `now` (and takes a token); false with the wait otherwise.
  bool Allow(const std::string& client, RateClass cls, absl::Time now, absl::Duration* retry_after);
  // Charges a failed lookup; later lookups are refused while the client's miss bucket is empty.
  void ChargeMiss(const std::string& client, absl::Time now);
  const RateLimits& limits() const { return limits_; }

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  struct Client {
    Bucket submit, lookup, miss;
  };
  // The bucket's tokens at `now` (a wall clock set back refills nothing rather than taking tokens away).
  static double Refilled(const Bucket& b, double burst, double per_minute, absl::Time now);
  bool Take(Bucket& b, double burst, double per_minute, absl::Time now, absl::Duration* retry_after);
  uint64_t Key(const std::string& client) const;

  RateLimits limits_;
  uint64_t salt_[2];
  std::mutex mu_;
  std::unordered_map<uint64_t, Client> clients_;  // guarded by mu_
};

}  // namespace qf
