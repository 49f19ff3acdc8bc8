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

TEST(RateLimiter, DisabledAllowsEverything) {
  RateLimits off;
  off.enabled = false;
  RateLimiter rl(off);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(rl.Allow("c", RateClass::kSubmit, absl::UnixEpoch(), nullptr));
}

}  // namespace
}  // namespace qf
