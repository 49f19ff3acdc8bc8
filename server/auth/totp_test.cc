#include "auth/totp.h"

#include <gtest/gtest.h>

namespace qf::auth {
namespace {

// RFC 6238 Appendix B.
TEST(Totp, Rfc6238Vectors) {
  const std::string sha1 = "12345678901234567890";
  const std::string sha256 = "12345678901234567890123456789012";
  const std::string sha512 = "1234567890123456789012345678901234567890123456789012345678901234";
  struct V {
    int64_t t;
    const char *c1, *c256, *c512;
  } vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const auto& v : vectors) {
    EXPECT_EQ(TotpCode(sha1, v.t, 8, TotpHash::kSha1), v.c1) << v.t;
    EXPECT_EQ(TotpCode(sha256, v.t, 8, TotpHash::kSha256), v.c256) << v.t;
    EXPECT_EQ(TotpCode(sha512, v.t, 8, TotpHash::kSha512), v.c512) << v.t;
  }
}

TEST(Totp, WindowAndReplay) {
  const std::string secret = "12345678901234567890";
  int64_t now = 1700000000;
  std::string code = TotpCode(secret, now);
  auto step = VerifyTotp(secret, code, now, 0);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, now / 30);
  EXPECT_FALSE(VerifyTotp(secret, code, now, *step).has_value());        // never twice
  EXPECT_TRUE(VerifyTotp(secret, code, now + 30, 0).has_value());        // one step of clock drift
  EXPECT_FALSE(VerifyTotp(secret, code, now + 90, 0).has_value());       // too old
  EXPECT_FALSE(VerifyTotp(secret, "12345", now, 0).has_value());
  EXPECT_FALSE(VerifyTotp("another secret", code, now, 0).has_value());
}

TEST(Totp, Base32RoundTrip) {
  EXPECT_EQ(Base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(*Base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "12345678901234567890");
  EXPECT_EQ(*Base32Decode("gezd gnbv"), "12345");
  EXPECT_FALSE(Base32Decode("1!").has_value());
}

}  // namespace
}  // namespace qf::auth
