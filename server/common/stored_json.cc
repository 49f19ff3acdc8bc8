#include "common/stored_json.h"

#include "common/status.h"
#include "fmt/format.h"

namespace qf {

namespace json = boost::json;

absl::StatusOr<json::value> StoredJson(std::string_view text, std::string_view where) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec)
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json",
                     fmt::format("数据库中的 {} 无法解析（{}），请联系系统管理员检查数据", where, ec.message()));
  return v;
}

absl::StatusOr<json::object> StoredObject(std::string_view text, std::string_view where) {
  auto v = StoredJson(text, where);
  if (!v.ok()) return v.status();
  if (!v->is_object())
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", fmt::format("数据库中的 {} 不是对象", where));
  return std::move(v->as_object());
}

absl::StatusOr<json::array> StoredArray(std::string_view text, std::string_view where) {
  auto v = StoredJson(text, where);
  if (!v.ok()) return v.status();
  if (!v->is_array())
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", fmt::format("数据库中的 {} 不是数组", where));
  return std::move(v->as_array());
}

}  // namespace qf
