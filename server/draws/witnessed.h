// The witnessed commit–reveal every random draw follows (pool draws here, inspection samples in inspect): when a
// draw is requested the server picks a secret, seals it to the office's key and publishes its commitment; a
// witness — another person, an active account of the discipline office or a bureau leader — is named; only the
// witness enters the public value, which fixes the seed together with the secret; the secret is released so that
// anyone recomputes the result. `kind` ("draw", "campaign") prefixes the stable error codes.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "draws/draw.h"
#include "storage/db.h"

namespace qf::vault {
class Vault;
}

namespace qf::draws {

// Who may witness: the discipline office and bureau leaders.
inline constexpr RoleSet kWitnessRoles = kSupervisor | kLeader;

// OK if `witness` may witness a draw requested by `requester` (field witness_account_id otherwise).
absl::Status CheckWitness(Db& db, std::string_view kind, int64_t witness, const Principal& requester);

// The secret chosen now: its published commitment and the sealed secret kept until release.
struct Committed {
  std::string commitment;
  std::string sealed_secret;
};
absl::StatusOr<Committed> Commit(const vault::Vault* vault, std::string_view kind);

// What the witness's public value reveals: the public value as recorded (trimmed), the secret and the seed.
struct Reveal {
  std::string public_value;
  std::string secret;
  Seed seed;
};
// Only the named witness may enter the public value (1–64 characters).
absl::StatusOr<Reveal> RevealSeed(const vault::Vault* vault, std::string_view kind, const std::string& sealed_secret,
                                  int64_t witness, const std::string& public_value, const Principal& who);

}  // namespace qf::draws
