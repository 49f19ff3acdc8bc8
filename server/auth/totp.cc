#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstring>

#include "fmt/format.h"

namespace qf::auth {

std::string TotpCode(std::string_view secret, int64_t unix_time, int digits, TotpHash hash) {
  uint64_t counter = static_cast<uint64_t>(unix_time / 30);
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  const EVP_MD* md = hash == TotpHash::kSha1 ? EVP_sha1() : hash == TotpHash::kSha256 ? EVP_sha256() : EVP_sha512();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), msg, sizeof msg, mac, &len);
  int offset = mac[len - 1] & 0x0f;
  uint32_t bin = (uint32_t(mac[offset] & 0x7f) << 24) | (uint32_t(mac[offset + 1]) << 16) |
                 (uint32_t(mac[offset + 2]) << 8) | uint32_t(mac[offset + 3]);
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  return fmt::format("{:0{}d}", bin % mod, digits);
}

std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, int64_t unix_time,
                                  int64_t last_used_step, int window) {
  if (code.size() != 6) return std::nullopt;
  int64_t step = unix_time / 30;
  for (int d = -window; d <= window; ++d) {
    int64_t s = step + d;
    if (s <= last_used_step) continue;
    std::string want = TotpCode(secret, s * 30);
    if (sodium_memcmp(want.data(), code.data(), 6) == 0) return s;
  }
  return std::nullopt;
}

namespace {
constexpr char kB32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kB32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kB32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const char* p = std::strchr(kB32, c);
    if (!p || c == '\0') return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(p - kB32);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30", issuer, account,
                     Base32Encode(secret), issuer);
}

}  // namespace qf::auth
