// Small cryptographic helpers: SHA-256 through OpenSSL EVP and random bytes through libsodium.
// Thread-safe (SodiumInit must have run once, which Init() in main does).
#pragma once

#include <array>
#include <cstdint>
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
// Initialises libsodium; returns false if it cannot (then nothing cryptographic may run).
bool SodiumInit();

}  // namespace qf
