// The source of "now", injected so that tests are exact. Server-taken timestamps only: nothing a client
// sends ever sets the time of a record. SystemClock is thread-safe; ManualClock is for tests.
#pragma once

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace qf {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that stands still until told to move. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time t) : nanos_(absl::ToUnixNanos(t)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Set(absl::Time t) { nanos_ = absl::ToUnixNanos(t); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace qf
