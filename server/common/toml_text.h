// Policy data written in TOML and read from text (a file's bytes, or a copy frozen in the database). Thread-safe.
#pragma once

#include <string_view>
#include <toml++/toml.h>

#include "absl/status/statusor.h"

namespace qf {

// The parsed table, or Invalid with `code` and a message naming `source` and what the parser found wrong.
absl::StatusOr<toml::table> ParseTomlText(std::string_view text, std::string_view source, std::string_view code);

}  // namespace qf
