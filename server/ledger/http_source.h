// A LogSource that fetches the checkpoint, tiles and entry bundles from a Qingfeng server over HTTP/1.1
// (blocking; for the offline verifier). Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/verify.h"

namespace qf::ledger {

// `base` like "http://127.0.0.1:8080". InvalidArgument for other schemes.
absl::StatusOr<std::unique_ptr<LogSource>> HttpLogSource(const std::string& base);

// One GET of `target` (a path) from `base`; the body on 200. For the offline verifiers (ledger, draws).
absl::StatusOr<std::string> HttpGet(const std::string& base, const std::string& target);

}  // namespace qf::ledger
