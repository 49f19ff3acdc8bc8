// Plain HTTP request and response values that handlers see. Nothing here depends on Beast, so domain
// handlers compile quickly and can be tested without a socket. The roles and the principal a request carries are
// auth's vocabulary (auth/roles.h). Not thread-safe (one per request).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "auth/roles.h"

namespace qf {

struct Request {
  std::string method;
  std::string path;    // decoded path without the query
  std::string target;  // as received
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::vector<std::string> params;  // path parameters in pattern order
  std::string client;               // the peer's address: for rate limiting in memory only, never logged or stored
  std::optional<Principal> principal;
  uint64_t id = 0;

  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A JSON body not yet serialised: the server serialises it on its I/O thread (keeps the writer lean).
  std::optional<boost::json::value> json;

  static Response Json(int status, const boost::json::value& v);
  static Response Json(int status, boost::json::value&& v);
  static Response Problem(const absl::Status& status, const std::string& instance);
  static Response Problem(const absl::Status& status, const std::string& instance, int http_status);
  // A file to save, with its Chinese name for the browser's dialog (RFC 6266 filename*).
  static Response Attachment(std::string bytes, std::string type, const std::string& ascii_name,
                             const std::string& utf8_name);
};

// An application/x-www-form-urlencoded body as name-value pairs in order ('+' is a space, %XX a byte); nullopt for
// a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&, Respond)>;

}  // namespace qf
