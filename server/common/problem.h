// RFC 9457 problem+json from a Status: the one table that maps error codes to HTTP statuses.
// Pure; thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace qf {

struct Problem {
  int http_status;
  std::string body;  // application/problem+json
};

// Maps `status` (not OK) to an HTTP status and a problem document with type, title (Chinese), status,
// detail, code and errors[]. `instance` is the request path.
Problem ToProblem(const absl::Status& status, const std::string& instance);

// As ToProblem, with an explicit HTTP status (413 for oversize bodies, which no absl code names).
Problem ToProblemWithHttpStatus(const absl::Status& status, const std::string& instance, int http_status);

// The HTTP status for an absl code. Add the mapping here when a new code is used.
int HttpStatusFor(absl::StatusCode code);

}  // namespace qf
