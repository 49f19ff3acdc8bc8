// Where the ledger's unit tests find the transparency-log test vectors: tests/vectors/tlog in the repository
// (copied with their licences; see its README), or QF_VECTORS when set.
#pragma once

#include <cstdlib>
#include <string>

namespace qf::ledger {

inline std::string VectorDir() {
  if (const char* env = std::getenv("QF_VECTORS")) return env;
  return std::string(QF_SOURCE_DIR) + "/tests/vectors/tlog";
}

}  // namespace qf::ledger
