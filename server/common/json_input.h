// Reads and validates a JSON request body field by field, collecting every problem with its field name so
// that one answer lists them all. Not thread-safe (one per request).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/status.h"

namespace qf {

// Parses `body` as a JSON object; InvalidArgument (code "json.malformed") otherwise.
absl::StatusOr<boost::json::object> ParseObject(std::string_view body);

class JsonInput {
 public:
  explicit JsonInput(const boost::json::object& obj, std::string prefix = "") : obj_(obj), prefix_(std::move(prefix)) {}

  // A string field. Required fields that are missing or empty are errors; text is trimmed and checked for
  // valid UTF-8 and length in characters.
  std::optional<std::string> Str(std::string_view name, bool required, size_t max_chars = 200);
  // A string that must be one of `allowed`.
  std::optional<std::string> Enum(std::string_view name, bool required,
                                  const std::vector<std::string_view>& allowed);
  std::optional<int64_t> Int(std::string_view name, bool required, int64_t min, int64_t max);
  std::optional<bool> Bool(std::string_view name, bool required);
  std::optional<absl::CivilDay> Day(std::string_view name, bool required);
  const boost::json::value* Raw(std::string_view name) const;

  void Fail(std::string_view name, std::string message);
  // A failure of one of the common rules (see FieldError): its stable name and values beside the message.
  void Fail(std::string_view name, std::string message, std::string rule, std::vector<std::string> args = {});
  // Takes the errors of a nested object's input (made with this one's path as its prefix), so that one answer lists all.
  void Absorb(const JsonInput& nested);
  bool ok() const { return errors_.empty(); }
  // InvalidArgument with every collected field error, or OK.
  absl::Status Finish(std::string_view code = "validation_failed") const;
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  std::string Path(std::string_view name) const { return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name); }
  const boost::json::object& obj_;
  std::string prefix_;
  std::vector<FieldError> errors_;
};

// Number of Unicode code points in valid UTF-8, or -1 if `s` is not valid UTF-8.
long Utf8Length(std::string_view s);

}  // namespace qf
