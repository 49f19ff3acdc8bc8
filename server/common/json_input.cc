#include "common/json_input.h"

#include "common/strings.h"
#include "fmt/format.h"
#include "common/timefmt.h"

namespace qf {

absl::StatusOr<boost::json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return Invalid("json.malformed", "请求体不是有效的 JSON：" + ec.message(), {{"body", "JSON 格式错误"}});
  if (!v.is_object()) return Invalid("json.malformed", "请求体应为 JSON 对象", {{"body", "应为对象"}});
  return std::move(v.as_object());
}

long Utf8Length(std::string_view s) {
  long n = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return -1;
    if (len == 2 && c < 0xC2) return -1;  // overlong
    i += len;
    ++n;
  }
  return n;
}

const boost::json::value* JsonInput::Raw(std::string_view name) const {
  auto it = obj_.find(name);
  if (it == obj_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

void JsonInput::Fail(std::string_view name, std::string message) {
  errors_.push_back({Path(name), std::move(message)});
}

void JsonInput::Fail(std::string_view name, std::string message, std::string rule, std::vector<std::string> args) {
  errors_.push_back({Path(name), std::move(message), std::move(rule), std::move(args)});
}

void JsonInput::Absorb(const JsonInput& nested) { errors_.insert(errors_.end(), nested.errors_.begin(), nested.errors_.end()); }

std::optional<std::string> JsonInput::Str(std::string_view name, bool required, size_t max_chars) {
  const auto* v = Raw(name);
  if (!v) {
    if (required) Fail(name, "必填", "required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    Fail(name, "应为字符串", "text");
    return std::nullopt;
  }
  std::string s(Trim(std::string_view(v->as_string())));
  long len = Utf8Length(s);
  if (len < 0) {
    Fail(name, "含有无效字符（须为 UTF-8 编码）", "utf8");
    return std::nullopt;
  }
  if (s.empty()) {
    if (required) Fail(name, "不能为空", "required");
    return std::nullopt;
  }
  if (static_cast<size_t>(len) > max_chars) {
    Fail(name, fmt::format("不能超过 {} 个字符", max_chars), "max_chars", {std::to_string(max_chars)});
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> JsonInput::Enum(std::string_view name, bool required,
                                           const std::vector<std::string_view>& allowed) {
  auto s = Str(name, required, 64);
  if (!s) return std::nullopt;
  std::vector<std::string> names;
  for (auto a : allowed) {
    if (a == *s) return s;
    names.emplace_back(a);
  }
  Fail(name, "取值应为：" + Join(names, "、"), "one_of", names);
  return std::nullopt;
}

std::optional<int64_t> JsonInput::Int(std::string_view name, bool required, int64_t min, int64_t max) {
  const auto* v = Raw(name);
  if (!v) {
    if (required) Fail(name, "必填", "required");
    return std::nullopt;
  }
  int64_t out;
  if (v->is_int64()) out = v->as_int64();
  else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) out = static_cast<int64_t>(v->as_uint64());
  else {
    Fail(name, "应为整数", "integer");
    return std::nullopt;
  }
  if (out < min || out > max) {
    Fail(name, fmt::format("应在 {} 到 {} 之间", min, max), "range", {std::to_string(min), std::to_string(max)});
    return std::nullopt;
  }
  return out;
}

std::optional<bool> JsonInput::Bool(std::string_view name, bool required) {
  const auto* v = Raw(name);
  if (!v) {
    if (required) Fail(name, "必填", "required");
    return std::nullopt;
  }
  if (!v->is_bool()) {
    Fail(name, "应为 true 或 false", "boolean");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<absl::CivilDay> JsonInput::Day(std::string_view name, bool required) {
  auto s = Str(name, required, 10);
  if (!s) return std::nullopt;
  auto d = ParseDay(*s);
  if (!d) Fail(name, "日期格式应为 YYYY-MM-DD", "date");
  return d;
}

absl::Status JsonInput::Finish(std::string_view code) const {
  if (errors_.empty()) return absl::OkStatus();
  return Invalid(code, fmt::format("有 {} 处输入需要修改", errors_.size()), errors_);
}

}  // namespace qf
