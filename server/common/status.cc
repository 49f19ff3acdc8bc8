#include "common/status.h"

#include <boost/json.hpp>

#include "absl/strings/cord.h"
#include "common/strings.h"

namespace qf {
namespace {
constexpr absl::string_view kCodeUrl = "qingfeng/code";
constexpr absl::string_view kFieldsUrl = "qingfeng/fields";
}  // namespace

boost::json::object FieldJson(const FieldError& f) {
  boost::json::object o{{"field", f.field}, {"message", f.message}};
  if (!f.rule.empty()) {
    o["rule"] = f.rule;
    o["args"] = boost::json::array(f.args.begin(), f.args.end());
  }
  if (f.row > 0) o["row"] = f.row;
  if (!f.column.empty()) o["column"] = f.column;
  return o;
}

absl::Status MakeError(absl::StatusCode code, std::string_view stable_code, std::string_view message,
                       std::vector<FieldError> fields) {
  absl::Status status(code, absl::string_view(message.data(), message.size()));
  status.SetPayload(Str(kCodeUrl), absl::Cord(std::string(stable_code)));
  if (!fields.empty()) {
    boost::json::array arr;
    for (auto& f : fields) arr.push_back(FieldJson(f));
    status.SetPayload(Str(kFieldsUrl), absl::Cord(boost::json::serialize(arr)));
  }
  return status;
}

absl::Status Invalid(std::string_view stable_code, std::string_view message,
                     std::vector<FieldError> fields) {
  return MakeError(absl::StatusCode::kInvalidArgument, stable_code, message, std::move(fields));
}
absl::Status NotFound(std::string_view stable_code, std::string_view message) {
  return MakeError(absl::StatusCode::kNotFound, stable_code, message);
}
absl::Status Conflict(std::string_view stable_code, std::string_view message) {
  return MakeError(absl::StatusCode::kFailedPrecondition, stable_code, message);
}
absl::Status Forbidden(std::string_view stable_code, std::string_view message) {
  return MakeError(absl::StatusCode::kPermissionDenied, stable_code, message);
}

std::string StableCode(const absl::Status& status) {
  if (auto p = status.GetPayload(Str(kCodeUrl))) return std::string(*p);
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return "invalid_argument";
    case absl::StatusCode::kNotFound: return "not_found";
    case absl::StatusCode::kAlreadyExists: return "already_exists";
    case absl::StatusCode::kFailedPrecondition: return "wrong_state";
    case absl::StatusCode::kAborted: return "concurrent_change";
    case absl::StatusCode::kPermissionDenied: return "forbidden";
    case absl::StatusCode::kUnauthenticated: return "unauthenticated";
    case absl::StatusCode::kResourceExhausted: return "too_many";
    case absl::StatusCode::kUnavailable: return "unavailable";
    default: return "internal";
  }
}

std::vector<FieldError> FieldErrors(const absl::Status& status) {
  std::vector<FieldError> out;
  auto p = status.GetPayload(Str(kFieldsUrl));
  if (!p) return out;
  boost::system::error_code ec;
  auto v = boost::json::parse(std::string(*p), ec);
  if (ec || !v.is_array()) return out;
  for (auto& e : v.as_array()) {
    const auto& o = e.as_object();
    FieldError f{std::string(o.at("field").as_string()), std::string(o.at("message").as_string())};
    if (const auto* rule = o.if_contains("rule")) {
      f.rule = std::string(rule->as_string());
      for (const auto& a : o.at("args").as_array()) f.args.emplace_back(a.as_string());
    }
    if (const auto* row = o.if_contains("row")) f.row = static_cast<int>(row->as_int64());
    if (const auto* column = o.if_contains("column")) f.column = std::string(column->as_string());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace qf
