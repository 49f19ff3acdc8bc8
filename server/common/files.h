// Reading a whole file the program ships or is given (policy data, templates, imports). Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qf {

// The file's bytes; NotFound with `code` and a message naming `what` and the path when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path, std::string_view code = "file.unreadable",
                                          std::string_view what = "文件");

}  // namespace qf
