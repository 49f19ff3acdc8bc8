#include "http/ratelimit.h"

#include <gtest/gtest.h>

#include "common/crypto_util.h"

namespace qf {
namespace {

TEST(RateLimiter, SubmissionBurstThenRefill) {
  ASSERT_TRUE(SodiumInit());
  RateLimiter rl(RateLimits{});
  absl::Time t = absl::FromUnixSeconds(1700000000);
  absl::Duration wait;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(rl.Allow("10.0.0.1", RateClass::kSubmit, t, &wait)) << i;
  EXPECT_FALSE(rl.Allow("10.0.0.1", RateClass::kSubmit, t, &wait));
  EXPECT_EQ(absl::ToInt64Seconds(wait), 30);
  EXPECT_TRUE(rl.Allow("10.0.0.2", RateClass::kSubmit, t, &wait));  // another client is unaffected
  EXPECT_TRUE(rl.Allow("10.0.0.1", RateClass::kSubmit, t + absl::Seconds(30), &wait));
  EXPECT_FALSE(rl.Allow("10.0.0.1", RateClass::kSubmit, t + absl::Seconds(31), &wait));
}

TEST(RateLimiter, MissesStopLookups) {
  RateLimiter rl(RateLimits{});
  absl::Time t = absl::FromUnixSeconds(1700000000);
  absl::Duration wait;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(rl.Allow("c", RateClass::kLookup, t, &wait));
    rl.ChargeMiss("c", t);
  }
  EXPECT_FALSE(rl.Allow("c", RateClass::kLookup, t, &wait));  // even a right code must wait now
  EXPECT_EQ(absl::ToInt64Seconds(wait), 180);                   // one miss token per 3 minutes
  EXPECT_TRUE(rl.Allow("c", RateClass::kLookup, t + absl::Minutes(3), &wait));
}

// The wall clock set back an hour (or forward): no client is locked out for the hour, none gets more than a burst.
TEST(RateLimiter, ClockJumpsNeitherLockOutNorOpenUp) {
  RateLimiter rl(RateLimits{});
  absl::Time t = absl::FromUnixSeconds(1700000000);
  absl::Duration wait;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(rl.Allow("c", RateClass::kLookup, t, &wait));
    rl.ChargeMiss("c", t);
  }
  absl::Time back = t - absl::Hours(1);
  EXPECT_TRUE(rl.Allow("c", RateClass::kLookup, back, &wait)) << "15 misses are left: lookups go on";
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(rl.Allow("s", RateClass::kSubmit, t, &wait));
  EXPECT_FALSE(rl.Allow("s", RateClass::kSubmit, back, &wait)) << "no refill from a clock set back";
  EXPECT_TRUE(rl.Allow("s", RateClass::kSubmit, back + absl::Seconds(30), &wait)) << "refills from the new time on";
  absl::Time ahead = t + absl::Hours(1);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(rl.Allow("s", RateClass::kSubmit, ahead, &wait)) << i;
  EXPECT_FALSE(rl.Allow("s", RateClass::kSubmit, ahead, &wait)) << "a jump forward refills one burst, no more";
}

TEST(RateLimiter, DisabledAllowsEverything) {
  RateLimits off;
  off.enabled = false;
  RateLimiter rl(off);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(rl.Allow("c", RateClass::kSubmit, absl::UnixEpoch(), nullptr));
}

}  // namespace
}  // namespace qf
