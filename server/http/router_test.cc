#include "http/router.h"

#include <gtest/gtest.h>

#include "boost/json.hpp"

namespace qf {
namespace {

Router MakeRouter(std::vector<std::string>* seen) {
  Router r;
  r.Add({"GET", "/ledger/tile/{*path}", kPublic, [seen](Request& req, Respond respond) {
           seen->push_back(req.params[0]);
           respond(Response::Json(200, boost::json::object{}));
         }});
  r.Add({"GET", "/api/v1/cases/{id}", kPublic, [seen](Request& req, Respond respond) {
           seen->push_back(req.params[0]);
           respond(Response::Json(200, boost::json::object{}));
         }});
  return r;
}

int Status(Router& r, std::string method, std::string path) {
  Request req;
  req.method = method;
  req.path = path;
  int status = 0, answers = 0;
  r.Dispatch(req, [&](Response resp) {
    status = resp.status;
    ++answers;
  });
  EXPECT_EQ(answers, 1) << path;
  return status;
}

TEST(Router, WildcardTakesTheRest) {
  std::vector<std::string> seen;
  Router r = MakeRouter(&seen);
  EXPECT_EQ(Status(r, "GET", "/ledger/tile/0/x001/234.p/5"), 200);
  EXPECT_EQ(seen.back(), "0/x001/234.p/5");
  EXPECT_EQ(Status(r, "GET", "/ledger/tile/entries/000"), 200);
  EXPECT_EQ(seen.back(), "entries/000");
}

// Regression (fuzz/regressions/http-crash-48d1…): a path one segment short of a wildcard pattern read past
// the end of its segments.
TEST(Router, ShortPathsDoNotMatchAWildcard) {
  std::vector<std::string> seen;
  Router r = MakeRouter(&seen);
  EXPECT_EQ(Status(r, "GET", "/ledger/tile"), 404);
  EXPECT_EQ(Status(r, "GET", "/ledger/tile/"), 404);
  EXPECT_EQ(Status(r, "GET", "/ledger"), 404);
  EXPECT_EQ(Status(r, "GET", "/api/v1/cases/"), 404);
  EXPECT_EQ(Status(r, "GET", "/api/v1/cases/7/x"), 404);
  EXPECT_EQ(Status(r, "POST", "/api/v1/cases/7"), 405);
  EXPECT_TRUE(seen.empty());
}

// Open311's resources carry their format in the last segment (services.json, requests/7.xml).
TEST(Router, ParametersInsideASegment) {
  std::vector<std::string> seen;
  Router r;
  Handler keep = [&seen](Request& req, Respond respond) {
    for (auto& p : req.params) seen.push_back(p);
    respond(Response::Json(200, boost::json::object{}));
  };
  r.Add({"GET", "/open311/v2/services.{format}", kPublic, keep});
  r.Add({"GET", "/open311/v2/requests/{id}.{format}", kPublic, keep});
  EXPECT_EQ(Status(r, "GET", "/open311/v2/services.xml"), 200);
  EXPECT_EQ(Status(r, "GET", "/open311/v2/requests/638.json"), 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"xml", "638", "json"}));
  EXPECT_EQ(Status(r, "GET", "/open311/v2/services."), 404);
  EXPECT_EQ(Status(r, "GET", "/open311/v2/services"), 404);
  EXPECT_EQ(Status(r, "GET", "/open311/v2/requests/.json"), 404);
  EXPECT_EQ(Status(r, "GET", "/open311/v2/requests/638"), 404);
  EXPECT_EQ(Status(r, "GET", "/open311/v2/servicesx.json"), 404);
  EXPECT_EQ(seen.size(), 3u);
}

// The after-write hook (read-your-writes with standbys) marks the answers of requests that may have written,
// refusals included, and never a GET's.
TEST(Router, AfterWriteHookMarksEveryAnswerButReads) {
  std::vector<std::string> seen;
  Router r = MakeRouter(&seen);
  r.Add({"POST", "/api/v1/cases", kPublic,
         [](Request&, Respond respond) { respond(Response::Json(201, boost::json::object{})); }});
  r.SetAfterWrite([](Response& resp) { resp.headers.emplace_back("Set-Cookie", "qf_seen=1f"); });
  auto marked = [&](std::string method, std::string path) {
    Request req;
    req.method = method;
    req.path = path;
    bool found = false;
    r.Dispatch(req, [&](Response resp) {
      for (auto& [k, v] : resp.headers) found = found || (k == "Set-Cookie" && v == "qf_seen=1f");
    });
    return found;
  };
  EXPECT_TRUE(marked("POST", "/api/v1/cases"));
  EXPECT_TRUE(marked("POST", "/api/v1/cases/7"));  // 405: the hook does not guess what did not write
  EXPECT_FALSE(marked("GET", "/api/v1/cases/7"));
  EXPECT_FALSE(marked("HEAD", "/api/v1/cases/7"));
}

// The guard in front of every handler: who is signed in, with which role, with the CSRF token for a change, and
// how often a public client may call. Each refusal has its stable code and never reaches the handler.
class RouterGuard : public ::testing::Test {
 protected:
  RouterGuard() : clock_(absl::FromUnixSeconds(1'800'000'000)), limiter_(Limits()) {
    auto ok = [this](Request& req, Respond respond) {
      ++handled_;
      respond(Response::Json(200, boost::json::object{}));
    };
    r_.Add({"GET", "/api/v1/board", kSupervisor | kLeader, ok});
    r_.Add({"POST", "/api/v1/board", kSupervisor, ok});
    r_.Add({"POST", "/api/v1/public/cases", kPublic, ok, 64 * 1024, "", RateClass::kSubmit});
    r_.Add({"GET", "/api/v1/public/cases/{code}", kPublic,
            [this](Request& req, Respond respond) {
              ++handled_;
              respond(Response::Json(req.params[0] == "known" ? 200 : 404, boost::json::object{}));
            },
            64 * 1024, "", RateClass::kLookup});
    r_.SetAuthenticator(
        [](std::string_view token) -> std::optional<Principal> {
          if (token == "sup") return Principal{.account_id = 1, .roles = kSupervisor, .csrf = "c-sup"};
          if (token == "clerk") return Principal{.account_id = 2, .roles = kClerk, .csrf = "c-clerk"};
          return std::nullopt;
        },
        "qf_session");
    r_.SetRateLimiter(&limiter_, &clock_);
  }
  static RateLimits Limits() {
    RateLimits l;
    l.submit_burst = 2;
    l.submit_per_minute = 1;
    l.lookup_burst = 100;
    l.miss_burst = 3;
    l.miss_per_minute = 1;
    return l;
  }
  // The status and the problem's code ("" for a success).
  std::pair<int, std::string> Call(std::string method, std::string path, std::string session = "",
                                   std::string csrf = "", std::string client = "10.0.0.1") {
    Request req;
    req.method = method;
    req.path = path;
    req.client = client;
    if (!session.empty()) req.headers.emplace_back("cookie", "qf_session=" + session);
    if (!csrf.empty()) req.headers.emplace_back("x-csrf-token", csrf);
    std::pair<int, std::string> out{0, ""};
    int answers = 0;
    r_.Dispatch(req, [&](Response resp) {
      ++answers;
      out.first = resp.status;
      if (resp.content_type.starts_with("application/problem+json"))
        out.second = std::string(boost::json::parse(resp.body).as_object().at("code").as_string());
    });
    EXPECT_EQ(answers, 1) << method << " " << path;
    return out;
  }
  ManualClock clock_;
  RateLimiter limiter_;
  Router r_;
  int handled_ = 0;
};

TEST_F(RouterGuard, StaffRoutesNeedASession) {
  EXPECT_EQ(Call("GET", "/api/v1/board"), std::make_pair(401, std::string("auth.required")));
  EXPECT_EQ(Call("GET", "/api/v1/board", "forged"), std::make_pair(401, std::string("auth.required")));
  EXPECT_EQ(handled_, 0);
  EXPECT_EQ(Call("GET", "/api/v1/board", "sup").first, 200);
  EXPECT_EQ(handled_, 1);
}

TEST_F(RouterGuard, OtherRolesAreForbidden) {
  EXPECT_EQ(Call("GET", "/api/v1/board", "clerk"), std::make_pair(403, std::string("auth.role")));
  EXPECT_EQ(Call("POST", "/api/v1/board", "clerk", "c-clerk"), std::make_pair(403, std::string("auth.role")));
  EXPECT_EQ(handled_, 0);
}

TEST_F(RouterGuard, ChangesNeedTheSessionsCsrfToken) {
  EXPECT_EQ(Call("POST", "/api/v1/board", "sup"), std::make_pair(403, std::string("auth.csrf")));
  EXPECT_EQ(Call("POST", "/api/v1/board", "sup", "c-clerk"), std::make_pair(403, std::string("auth.csrf")));
  EXPECT_EQ(handled_, 0);
  EXPECT_EQ(Call("POST", "/api/v1/board", "sup", "c-sup").first, 200);
  EXPECT_EQ(handled_, 1);
}

TEST_F(RouterGuard, PublicSubmissionsAreRateLimitedPerClient) {
  EXPECT_EQ(Call("POST", "/api/v1/public/cases").first, 200);
  EXPECT_EQ(Call("POST", "/api/v1/public/cases").first, 200);
  EXPECT_EQ(Call("POST", "/api/v1/public/cases"), std::make_pair(429, std::string("http.rate_limited")));
  EXPECT_EQ(Call("POST", "/api/v1/public/cases", "", "", "10.0.0.2").first, 200);  // another client
  clock_.Advance(absl::Seconds(61));
  EXPECT_EQ(Call("POST", "/api/v1/public/cases").first, 200);  // a token refilled
  EXPECT_EQ(handled_, 4);
}

TEST_F(RouterGuard, GuessedLookupsSpendTheMissBucket) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/api/v1/public/cases/guess" + std::to_string(i)).first, 404);
  EXPECT_EQ(Call("GET", "/api/v1/public/cases/known"), std::make_pair(429, std::string("http.rate_limited")));
  EXPECT_EQ(handled_, 3);
}

}  // namespace
}  // namespace qf
