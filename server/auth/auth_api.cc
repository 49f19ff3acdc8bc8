// HTTP handlers for staff sign-in: POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me.
#include <memory>

#include "app/app.h"
#include "auth/auth.h"
#include "auth/auth_store.h"
#include "common/json_input.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace qf::auth {
namespace {

boost::json::object PrincipalJson(const Principal& p) {
  boost::json::array roles;
  for (auto& r : RoleNames(p.roles)) roles.push_back(boost::json::string(r));
  return {{"account_id", p.account_id}, {"username", p.username}, {"display_name", p.display_name},
          {"unit_id", p.unit_id},       {"person_id", p.person_id}, {"roles", roles}, {"csrf_token", p.csrf}};
}

WorkPool& HashPool() {
  // One thread: argon2id at interactive limits takes ~80 ms and 64 MiB; never on the I/O threads.
  static WorkPool pool(1, 32);
  return pool;
}

void Login(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  JsonInput in(*body);
  auto username = in.Str("username", true, 64);
  auto password = in.Str("password", true, 256);
  if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
  absl::Duration retry;
  if (app.sessions->LockedOut(*username, &retry)) {
    spdlog::warn("sign-in refused for {}: locked out", *username);
    auto r = Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "auth.locked",
                                         "登录失败次数过多，请稍后再试"), req.path);
    r.headers.emplace_back("Retry-After", std::to_string(absl::ToInt64Seconds(retry) + 1));
    return respond(r);
  }
  auto db = Reader(app);
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  auto account = FindAccount(**db, *username);
  if (!account.ok()) return respond(Response::Problem(account.status(), req.path));
  std::string path = req.path;
  auto acc = std::make_shared<std::optional<AccountRow>>(*account);
  auto user = *username, pass = *password;
  bool queued = HashPool().Submit([&app, acc, user, pass, path, respond] {
    // Verify against a dummy hash when the account does not exist, so timing does not reveal names.
    static const std::string kDummy = *HashPassword("qingfeng-dummy-password");
    bool ok = VerifyPassword(*acc ? (*acc)->password_hash : kDummy, pass) && *acc && (*acc)->active;
    if (!ok) {
      app.sessions->RecordFailure(user);
      spdlog::warn("sign-in failed for {}", user);
      return respond(Response::Problem(MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_credentials",
                                                 "用户名或密码错误"), path));
    }
    app.sessions->RecordSuccess(user);
    Principal p;
    p.account_id = (*acc)->id;
    p.username = (*acc)->username;
    p.display_name = (*acc)->display_name;
    p.unit_id = (*acc)->unit_id;
    p.person_id = (*acc)->person_id;
    p.roles = (*acc)->roles;
    std::string token = app.sessions->Create(p);
    app.writer->Submit(Actor::Account(p.account_id),
                       [p](Tx& tx) -> absl::StatusOr<boost::json::value> {
                         QF_RETURN_IF_ERROR(tx.Append("auth.signed_in", "account:" + std::to_string(p.account_id),
                                                      {{"username", p.username}}).status());
                         return boost::json::value();
                       },
                       [respond, p, token, path](absl::StatusOr<boost::json::value> r) {
                         if (!r.ok()) return respond(Response::Problem(r.status(), path));
                         spdlog::info("signed in: {}", p.username);
                         auto resp = Response::Json(200, PrincipalJson(p));
                         resp.headers.emplace_back("Set-Cookie", SessionCookie(token, false));
                         respond(resp);
                       });
  });
  if (!queued)
    respond(Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "auth.busy",
                                        "登录请求过多，请稍后再试"), req.path));
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"POST", "/api/v1/auth/login", kPublic,
              [&app](Request& req, Respond respond) { Login(app, req, std::move(respond)); }, 4096,
              "Sign in with username and password; sets the session cookie and returns the CSRF token"});
  router.Add({"POST", "/api/v1/auth/logout", kAnyStaff,
              [&app](Request& req, Respond respond) {
                if (auto token = req.Cookie("qf_session")) app.sessions->Destroy(*token);
                auto r = Response::Json(200, boost::json::object{{"signed_out", true}});
                r.headers.emplace_back("Set-Cookie", SessionCookie("", false));
                respond(r);
              },
              1024, "Sign out"});
  router.Add({"GET", "/api/v1/auth/me", kAnyStaff,
              [](Request& req, Respond respond) { respond(Response::Json(200, PrincipalJson(*req.principal))); },
              0, "The signed-in account"});
}

}  // namespace qf::auth
