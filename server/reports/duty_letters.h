// Responsibility letters as documents: one letter (党风廉政建设责任书) as DOCX in the GB/T 9704 layout of the
// bureau's other documents, with the parties' signature block and the content hash the ledger holds; and the year's
// list of who has signed as XLSX. Both from the duty domain's views, so they show what the caller may read.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace qf::reports {

// `letter` is duty::LetterView's object.
absl::StatusOr<std::string> LetterDocx(const boost::json::object& letter);
// `letters` is duty::Letters' object (every letter of the year in the caller's scope).
absl::StatusOr<std::string> SignaturesXlsx(const boost::json::object& letters);

}  // namespace qf::reports
