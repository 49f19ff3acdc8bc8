// C2SP signed notes with Ed25519 keys (libsodium), in the Go sumdb/note key encoding, and C2SP
// tlog-checkpoint bodies. Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/merkle.h"

namespace qf::ledger {

// A verifier key: "name+hex8+base64(0x01 || 32-byte public key)".
struct NoteVerifier {
  std::string name;
  uint32_t id = 0;
  std::array<uint8_t, 32> pub{};
  std::string Encode() const;
  static absl::StatusOr<NoteVerifier> Parse(std::string_view vkey);
};

// A signer key: "PRIVATE+KEY+name+hex8+base64(0x01 || 32-byte seed)".
struct NoteSigner {
  std::string name;
  uint32_t id = 0;
  std::array<uint8_t, 32> seed{};
  std::array<uint8_t, 32> pub{};
  std::array<uint8_t, 64> secret{};
  std::string Encode() const;
  NoteVerifier Verifier() const;
  static absl::StatusOr<NoteSigner> Parse(std::string_view skey);
  static NoteSigner Generate(std::string_view name);
  static NoteSigner FromSeed(std::string_view name, const std::array<uint8_t, 32>& seed);
};

// SHA-256(name || "\n" || 0x01 || pub)[:4] as a big-endian integer.
uint32_t KeyId(std::string_view name, const std::array<uint8_t, 32>& pub);

// Signs `text` (which must end in a newline): text + "\n" + "— name base64(id || sig)\n".
absl::StatusOr<std::string> SignNote(std::string_view text, const NoteSigner& signer);
// A signature line over `text` alone (for adding a cosignature to an existing note).
std::string SignatureLine(std::string_view text, const NoteSigner& signer);

struct OpenedNote {
  std::string text;                     // the signed body, ending in "\n"
  std::vector<std::string> signatures;  // every signature line, verified or not
  std::vector<std::string> verified_by; // names of the keys that verified
};
// Splits and verifies a note; Unauthenticated when no signature by one of `keys` verifies.
absl::StatusOr<OpenedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& keys);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;
  std::string Body() const;  // "origin\nsize\nbase64(root)\n" + extension lines
  static absl::StatusOr<Checkpoint> Parse(std::string_view body);
};

}  // namespace qf::ledger
