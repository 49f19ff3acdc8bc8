// The route table: every endpoint with the roles that may call it, its body limit, and its handler.
// The role check, the CSRF check and the top-level exception guard live here and nowhere else.
// Routes are added before serving starts; Dispatch is then thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/http.h"
#include "http/ratelimit.h"
#include "common/clock.h"

namespace qf {

struct Route {
  std::string method;   // GET, POST, PATCH, DELETE
  std::string pattern;  // "/api/v1/cases/{id}/transitions"
  RoleSet roles;        // kPublic, or the staff roles allowed
  Handler handler;
  size_t max_body = 64 * 1024;
  std::string summary;  // one line, as in api/openapi.yaml
  RateClass rate = RateClass::kNone;  // per-client limit for public endpoints
};

// Resolves a session cookie's token to the signed-in principal (auth's sessions, bound by the runtime).
using Authenticator = std::function<std::optional<Principal>(std::string_view session_token)>;

class Router {
 public:
  void Add(Route route);
  // `cookie` names the session cookie whose value `auth` resolves.
  void SetAuthenticator(Authenticator auth, std::string cookie) {
    auth_ = std::move(auth);
    cookie_ = std::move(cookie);
  }
  void SetRateLimiter(RateLimiter* limiter, const Clock* clock) {
    limiter_ = limiter;
    clock_ = clock;
  }
  // Fallback for paths outside /api and /healthz (static web files); may be empty.
  void SetFallback(Handler h) { fallback_ = std::move(h); }
  // Runs on the answer of every request that may have written (any method but GET and HEAD) as it is sent: the
  // runtime marks there how far the caller's writes went (see app.h, ReadFloorCookie).
  void SetAfterWrite(std::function<void(Response&)> mark) { after_write_ = std::move(mark); }

  // The body limit of the route that `method` and `path` reach (the smallest limit if none).
  size_t BodyLimit(std::string_view method, std::string_view path) const;
  // Matches, authenticates, checks roles and CSRF, runs the handler; always calls `respond` exactly once.
  void Dispatch(Request& req, Respond respond) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* Match(std::string_view method, std::string_view path, std::vector<std::string>* params,
                     bool* path_matched) const;
  std::vector<Route> routes_;
  Authenticator auth_;
  std::string cookie_;
  RateLimiter* limiter_ = nullptr;
  const Clock* clock_ = nullptr;
  Handler fallback_;
  std::function<void(Response&)> after_write_;
};

}  // namespace qf
