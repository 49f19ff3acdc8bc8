// Columns that hold JSON this program wrote, read back: a value that does not parse, or is not of the shape
// expected, is a DataLoss error naming where it was read (code "db.corrupt_json") — never an exception and never
// a crash. Pure; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "absl/status/statusor.h"

namespace qf {

absl::StatusOr<boost::json::value> StoredJson(std::string_view text, std::string_view where);
absl::StatusOr<boost::json::object> StoredObject(std::string_view text, std::string_view where);
absl::StatusOr<boost::json::array> StoredArray(std::string_view text, std::string_view where);

}  // namespace qf
