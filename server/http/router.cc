#include "http/router.h"

#include "common/strings.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace qf {
namespace {

// A segment with parameters inside it ("services.{format}", "{id}.{format}"): its literals match exactly and a
// parameter takes the text up to the next literal (the rest of the segment when it is last), never empty.
bool MatchSegment(std::string_view pattern, std::string_view segment, std::vector<std::string>& out) {
  while (!pattern.empty()) {
    if (pattern.front() != '{') {
      size_t brace = pattern.find('{');
      std::string_view literal = pattern.substr(0, brace);
      if (!segment.starts_with(literal)) return false;
      segment.remove_prefix(literal.size());
      pattern.remove_prefix(literal.size());
      continue;
    }
    size_t close = pattern.find('}');
    if (close == std::string_view::npos) return false;
    pattern.remove_prefix(close + 1);
    std::string_view next = pattern.substr(0, pattern.find('{'));
    size_t end = next.empty() ? segment.size() : segment.find(next);
    if (end == 0 || end == std::string_view::npos) return false;
    out.emplace_back(segment.substr(0, end));
    segment.remove_prefix(end);
  }
  return segment.empty();
}

bool MatchPattern(std::string_view pattern, std::string_view path, std::vector<std::string>* params) {
  std::vector<std::string_view> p = Split(pattern, '/');
  std::vector<std::string_view> s = Split(path, '/');
  // A last segment "{*name}" takes the rest of the path (one segment or more, slashes included).
  bool wildcard = !p.empty() && p.back().starts_with("{*");
  // (A path shorter than a wildcard pattern once read past its segments: found by fuzz/http_fuzz.)
  if (wildcard ? s.size() < p.size() : s.size() != p.size()) return false;
  size_t fixed = wildcard ? p.size() - 1 : p.size();
  std::vector<std::string> out;
  for (size_t i = 0; i < fixed; ++i) {
    bool whole = p[i].size() > 2 && p[i].front() == '{' && p[i].find('}') == p[i].size() - 1;
    if (whole) {
      if (s[i].empty()) return false;
      out.emplace_back(s[i]);
    } else if (p[i].find('{') != std::string_view::npos) {
      if (!MatchSegment(p[i], s[i], out)) return false;
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  if (wildcard) {
    std::string rest;
    for (size_t i = fixed; i < s.size(); ++i) rest += (i > fixed ? "/" : "") + std::string(s[i]);
    if (rest.empty()) return false;
    out.push_back(std::move(rest));
  }
  if (params) *params = std::move(out);
  return true;
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

const Route* Router::Match(std::string_view method, std::string_view path, std::vector<std::string>* params,
                           bool* path_matched) const {
  *path_matched = false;
  for (const auto& r : routes_) {
    std::vector<std::string> ps;
    if (!MatchPattern(r.pattern, path, &ps)) continue;
    *path_matched = true;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (params) *params = std::move(ps);
      return &r;
    }
  }
  return nullptr;
}

size_t Router::BodyLimit(std::string_view method, std::string_view path) const {
  bool pm;
  const Route* r = Match(method, path, nullptr, &pm);
  return r ? r->max_body : 16 * 1024;
}

void Router::Dispatch(Request& req, Respond respond) const {
  if (after_write_ && req.method != "GET" && req.method != "HEAD") {
    respond = [respond = std::move(respond), &mark = after_write_](Response r) {
      mark(r);
      respond(std::move(r));
    };
  }
  bool path_matched = false;
  const Route* route = Match(req.method, req.path, &req.params, &path_matched);
  if (!route) {
    bool api = req.path.starts_with("/api/") || req.path.starts_with("/ledger/") ||
               req.path.starts_with("/open311/") || req.path == "/healthz";
    if (!api && fallback_ && (req.method == "GET" || req.method == "HEAD")) {
      fallback_(req, std::move(respond));
      return;
    }
    if (path_matched) {
      respond(Response::Problem(MakeError(absl::StatusCode::kUnimplemented, "http.method_not_allowed",
                                          "该地址不支持 " + req.method + " 方法"),
                                req.path));
    } else {
      respond(Response::Problem(NotFound("http.not_found", "没有这个接口：" + req.path), req.path));
    }
    return;
  }
  if (route->rate != RateClass::kNone && limiter_) {
    absl::Duration wait;
    if (!limiter_->Allow(req.client, route->rate, clock_->Now(), &wait)) {
      auto r = Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "http.rate_limited",
                                           route->rate == RateClass::kSubmit ? "提交过于频繁，请稍后再试"
                                                                             : "查询过于频繁或回执码错误次数过多，请稍后再试"),
                                 req.path);
      r.headers.emplace_back("Retry-After", std::to_string(absl::ToInt64Seconds(wait) + 1));
      respond(r);
      return;
    }
    if (route->rate == RateClass::kLookup) {
      // A lookup that finds nothing (wrong or guessed code) also spends from the client's miss bucket.
      respond = [respond = std::move(respond), limiter = limiter_, clock = clock_, client = req.client](Response r) {
        if (r.status == 404 || r.status == 400) limiter->ChargeMiss(client, clock->Now());
        respond(std::move(r));
      };
    }
  }
  if (route->roles != kPublic) {
    if (auto token = req.Cookie(cookie_); auth_ && token) req.principal = auth_(*token);
    if (!req.principal) {
      respond(Response::Problem(MakeError(absl::StatusCode::kUnauthenticated, "auth.required",
                                          "请先登录"), req.path));
      return;
    }
    if ((req.principal->roles & route->roles) == 0) {
      respond(Response::Problem(Forbidden("auth.role", "您的角色无权调用此接口"), req.path));
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      auto token = req.Header("x-csrf-token");
      if (!token || *token != req.principal->csrf) {
        respond(Response::Problem(Forbidden("auth.csrf", "缺少或错误的 CSRF 令牌（X-CSRF-Token）"), req.path));
        return;
      }
    }
  } else if (auto token = req.Cookie(cookie_); auth_ && token) {
    req.principal = auth_(*token);  // public routes may still adapt to a signed-in caller
  }
  try {
    route->handler(req, std::move(respond));
  } catch (const std::exception& e) {
    // Handlers report expected failures as Status values; reaching here is a bug. `respond` may have been
    // moved into the handler, so the server's own guard answers 500 (see server.cc).
    spdlog::error("request {} {} {} threw: {}", req.id, req.method, req.path, e.what());
    throw;
  }
}

}  // namespace qf
