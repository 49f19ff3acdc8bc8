// Expected failures as absl::Status values, with the extras an HTTP problem needs: a stable machine code
// ("case.transition_not_allowed") and the offending fields. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace qf {

// One field that failed validation: its JSON path (or "第3行 电话" for imports) and a Chinese message; for the common
// rules (common/json_input.cc) and the import rules (common/table_file.h) also the rule's stable name and its values
// ("max_chars", {"100"}), so that a UI can say it in its own language. In an import, the file's row and the column
// (as the file or the template heads it) are also given apart.
struct FieldError {
  std::string field;
  std::string message;
  std::string rule = {};
  std::vector<std::string> args = {};
  int row = 0;              // the file's row number, in an import
  std::string column = {};  // the column's header, in an import
};

// Builds a status carrying a stable code and field errors. `message` is the Chinese detail shown to users.
absl::Status MakeError(absl::StatusCode code, std::string_view stable_code, std::string_view message,
                       std::vector<FieldError> fields = {});

absl::Status Invalid(std::string_view stable_code, std::string_view message,
                     std::vector<FieldError> fields = {});
absl::Status NotFound(std::string_view stable_code, std::string_view message);
absl::Status Conflict(std::string_view stable_code, std::string_view message);  // wrong state: 409
absl::Status Forbidden(std::string_view stable_code, std::string_view message);

// The stable code attached by MakeError, or a default derived from the absl code.
std::string StableCode(const absl::Status& status);
// The field errors attached by MakeError (empty if none).
std::vector<FieldError> FieldErrors(const absl::Status& status);
// A field error as a problem's `errors` item: {field, message}, for a rule {rule, args}, in an import {row, column}.
boost::json::object FieldJson(const FieldError& f);

}  // namespace qf

// Propagates a non-OK status from an expression (like absl's internal macro, which is not public).
#define QF_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::absl::Status qf_status_ = (expr);          \
    if (!qf_status_.ok()) return qf_status_;     \
  } while (0)

#define QF_CONCAT_INNER(a, b) a##b
#define QF_CONCAT(a, b) QF_CONCAT_INNER(a, b)
#define QF_ASSIGN_OR_RETURN(lhs, expr) QF_ASSIGN_OR_RETURN_IMPL(QF_CONCAT(qf_or_, __LINE__), lhs, expr)
#define QF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
