// RFC 6238 time-based one-time passwords (HMAC-SHA-1/256/512 through OpenSSL) and RFC 4648 base32 for the
// secrets authenticator apps take. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qf::auth {

enum class TotpHash { kSha1, kSha256, kSha512 };

// The code for `unix_time` (T0 = 0, step 30 s), `digits` long with leading zeros.
std::string TotpCode(std::string_view secret, int64_t unix_time, int digits = 6, TotpHash hash = TotpHash::kSha1);
// The 30-second step a code valid now belongs to, if `code` matches any step within ±`window` steps of
// `unix_time` and is later than `last_used_step` (a code is never accepted twice). nullopt otherwise.
std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, int64_t unix_time,
                                  int64_t last_used_step, int window = 1);

std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);
// otpauth://totp/… URI for enrolment in an authenticator app.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace qf::auth
