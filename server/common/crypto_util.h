// Small cryptographic helpers: SHA-256 through OpenSSL EVP and random bytes through libsodium.
// Thread-safe (SodiumInit must have run once, which Init() in main does).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qf {

std::array<uint8_t, 32> Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string Hex(const uint8_t* data, size_t n);
// Fills `out` with cryptographically secure random bytes.
void RandomBytes(uint8_t* out, size_t n);
// Base64url without padding of `n` random bytes: session tokens and salts.
std::string RandomToken(size_t n);
// Standard base64 with padding (RFC 4648 §4), and its decoding (nullopt when malformed).
std::string Base64(std::string_view raw);
std::optional<std::string> FromBase64(std::string_view text);
// Initialises libsodium; returns false if it cannot (then nothing cryptographic may run).
bool SodiumInit();

}  // namespace qf
