#include "http/http.h"

#include <cctype>

#include "common/strings.h"
#include "common/problem.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace qf {

std::optional<std::string> Request::Query(std::string_view name) const {
  for (auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (auto& [k, v] : headers) {
    if (k != "cookie") continue;
    for (std::string_view part : Split(v, ';')) {
      part = Trim(part);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> FormDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view part : Split(body, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto name = FormDecode(part.substr(0, eq));
    auto value = FormDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

Response Response::Json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Response Response::Attachment(std::string bytes, std::string type, const std::string& ascii_name,
                              const std::string& utf8_name) {
  Response r;
  r.content_type = std::move(type);
  r.body = std::move(bytes);
  std::string encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : utf8_name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii_name + "\"; filename*=UTF-8''" + encoded);
  return r;
}

Response Response::Json(int status, boost::json::value&& v) {
  Response r;
  r.status = status;
  r.json = std::move(v);
  return r;
}

Response Response::Problem(const absl::Status& status, const std::string& instance) {
  return Problem(status, instance, HttpStatusFor(status.code()));
}

Response Response::Problem(const absl::Status& status, const std::string& instance, int http_status) {
  // The client is told only that the error was recorded: record it here.
  if (http_status >= 500 && status.code() != absl::StatusCode::kUnavailable)
    spdlog::error("{} failed: {}", instance, status.ToString());
  auto p = ToProblemWithHttpStatus(status, instance, http_status);
  Response r;
  r.status = p.http_status;
  r.content_type = "application/problem+json; charset=utf-8";
  r.body = std::move(p.body);
  // The storage refused the write (the disk full, read-only): worth trying again in a while, not at once.
  if (StableCode(status).starts_with("storage.")) r.headers.emplace_back("Retry-After", "30");
  return r;
}

}  // namespace qf
