#include "http/router.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace qf
