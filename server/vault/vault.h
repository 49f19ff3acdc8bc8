// The reporter identity vault: a named reporter's name, phone and address are sealed (libsodium sealed box,
// X25519) to the discipline office's key as soon as they arrive, and stored apart from the case; the database
// alone never reveals them. The private key lives in its own file (0600), not in the database. Opening an
// identity is a separate, logged act (see cases_api). Thread-safe after construction.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace qf::vault {

class Vault {
 public:
  // Loads the key pair from `key_path`, creating it (0600) on first use.
  static absl::StatusOr<std::unique_ptr<Vault>> Open(const std::string& key_path);
  // Sealed box of `plaintext` to the office's public key (anyone may seal; only the key file opens).
  std::string Seal(std::string_view plaintext) const;
  // Opens a sealed box; DataLoss if it was not sealed to this key or was altered.
  absl::StatusOr<std::string> Unseal(std::string_view sealed) const;
  std::string PublicKeyBase64() const;
  // A keyed hash (BLAKE2b under the private key, 32 hex digits) of `value` for `purpose`: the same value always
  // gives the same tag, so sealed records can be matched (an ID number across schools' rosters), while the
  // database alone cannot test guesses against it.
  std::string Tag(std::string_view purpose, std::string_view value) const;

 private:
  std::array<unsigned char, 32> pk_{};
  std::array<unsigned char, 32> sk_{};
};

}  // namespace qf::vault
