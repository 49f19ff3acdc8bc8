// HTTP handlers for staff sign-in: POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me.
#include <memory>

#include "app/app.h"
#include "auth/auth.h"
#include "auth/auth_store.h"
#include "auth/totp.h"
#include "common/crypto_util.h"
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
    // The password is right; the second factor decides. Accounts without one enrol now.
    Principal p;
    p.account_id = (*acc)->id;
    p.username = (*acc)->username;
    p.display_name = (*acc)->display_name;
    p.unit_id = (*acc)->unit_id;
    p.person_id = (*acc)->person_id;
    p.roles = (*acc)->roles;
    if (!(*acc)->totp_secret.empty()) {
      std::string token = app.sessions->BeginMfa(p, false, "");
      return respond(Response::Json(200, boost::json::object{{"mfa", "totp"}, {"mfa_token", token}}));
    }
    std::string secret(20, '\0');
    RandomBytes(reinterpret_cast<uint8_t*>(secret.data()), secret.size());
    std::string token = app.sessions->BeginMfa(p, true, secret);
    respond(Response::Json(200, boost::json::object{{"mfa", "setup"}, {"mfa_token", token},
                                                    {"secret", Base32Encode(secret)},
                                                    {"otpauth", OtpauthUri("清风", p.username, secret)}}));
  });
  if (!queued)
    respond(Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "auth.busy",
                                        "登录请求过多，请稍后再试"), req.path));
}

void SecondFactor(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  JsonInput in(*body);
  auto token = in.Str("mfa_token", true, 100);
  auto code = in.Str("code", false, 6);
  auto recovery = in.Str("recovery_code", false, 20);
  if (!code && !recovery) in.Fail("code", "请输入动态口令或恢复码");
  if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
  auto pending = app.sessions->UseMfa(*token);
  if (!pending)
    return respond(Response::Problem(MakeError(absl::StatusCode::kUnauthenticated, "auth.mfa_expired",
                                               "登录已超时或尝试次数过多，请重新输入密码"), req.path));
  std::string path = req.path, tok = *token;
  Principal p = pending->principal;
  app.writer->Submit(Actor::Account(p.account_id),
      [pending = *pending, code, recovery](Tx& tx) -> absl::StatusOr<boost::json::value> {
        int64_t id = pending.principal.account_id;
        boost::json::object out;
        std::string method = "totp";
        if (pending.setup) {
          if (!code) return Invalid("auth.code_required", "请输入验证器显示的动态口令", {{"code", "必填"}});
          QF_ASSIGN_OR_RETURN(auto codes, EnrolTotp(tx, id, pending.secret, *code));
          boost::json::array arr;
          for (auto& c : codes) arr.push_back(boost::json::string(c));
          out["recovery_codes"] = arr;
          method = "totp_enrolled";
        } else if (code) {
          QF_RETURN_IF_ERROR(UseTotp(tx, id, *code));
        } else {
          QF_RETURN_IF_ERROR(UseRecoveryCode(tx, id, *recovery));
          method = "recovery_code";
        }
        QF_RETURN_IF_ERROR(tx.Append("auth.signed_in", "account:" + std::to_string(id),
                                     {{"username", pending.principal.username}, {"method", method}}).status());
        return out;
      },
      [&app, respond, p, path, tok](absl::StatusOr<boost::json::value> r) mutable {
        if (!r.ok()) {
          app.sessions->RecordFailure(p.username);
          spdlog::warn("second factor failed for {}", p.username);
          return respond(Response::Problem(r.status(), path));
        }
        app.sessions->EndMfa(tok);
        app.sessions->RecordSuccess(p.username);
        std::string session = app.sessions->Create(p);
        spdlog::info("signed in: {}", p.username);
        auto out = PrincipalJson(p);
        for (auto& [k, v] : r->as_object()) out[k] = v;
        auto resp = Response::Json(200, out);
        resp.headers.emplace_back("Set-Cookie", SessionCookie(session, app.secure_cookies));
        respond(resp);
      });
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"POST", "/api/v1/auth/login", kPublic,
              [&app](Request& req, Respond respond) { Login(app, req, std::move(respond)); }, 4096,
              "Sign in, first step: the password; answers with the second factor to give (totp, or setup to enrol)"});
  router.Add({"POST", "/api/v1/auth/mfa", kPublic,
              [&app](Request& req, Respond respond) { SecondFactor(app, req, std::move(respond)); }, 4096,
              "Sign in, second step: a TOTP code or a recovery code; sets the session cookie, returns the CSRF token"});
  router.Add({"POST", "/api/v1/accounts", kAdmin,
              [&app](Request& req, Respond respond) {
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                NewAccount a;
                a.username = in.Str("username", true, 64).value_or("");
                a.display_name = in.Str("display_name", true, 100).value_or("");
                a.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
                a.person_id = in.Int("person_id", false, 1, INT64_MAX).value_or(0);
                auto password = in.Str("password", true, 256);
                if (password && Utf8Length(*password) < 12) in.Fail("password", "密码至少12个字符");
                if (const auto* roles = in.Raw("roles"); !roles || !roles->is_array() || roles->as_array().empty()) {
                  in.Fail("roles", "至少一个角色");
                } else {
                  for (auto& r : roles->as_array()) {
                    auto role = r.is_string() ? ParseRole(std::string_view(r.as_string())) : std::nullopt;
                    if (!role) in.Fail("roles", "角色应为 clerk/handler/supervisor/inspector/leader/admin");
                    else a.roles |= *role;
                  }
                }
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                std::string path = req.path;
                Actor actor = ActorOf(req);
                bool queued = HashPool().Submit([&app, a, pw = *password, path, respond, actor]() mutable {
                  auto hash = HashPassword(pw);
                  if (!hash.ok()) return respond(Response::Problem(hash.status(), path));
                  a.password_hash = *hash;
                  app.writer->Submit(actor, [a](Tx& tx) -> absl::StatusOr<boost::json::value> {
                    QF_ASSIGN_OR_RETURN(int64_t id, CreateAccount(tx, a));
                    return boost::json::object{{"id", id}, {"username", a.username}};
                  }, [respond, path](absl::StatusOr<boost::json::value> r) {
                    if (!r.ok()) return respond(Response::Problem(r.status(), path));
                    respond(Response::Json(201, std::move(*r)));
                  });
                });
                if (!queued)
                  respond(Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "auth.busy", "请求过多，请稍后再试"), req.path));
              },
              4096, "Create a staff account (it enrols its second factor at first sign-in)"});
  router.Add({"POST", "/api/v1/auth/logout", kAnyStaff,
              [&app](Request& req, Respond respond) {
                if (auto token = req.Cookie(kSessionCookie)) app.sessions->Destroy(*token);
                auto r = Response::Json(200, boost::json::object{{"signed_out", true}});
                r.headers.emplace_back("Set-Cookie", SessionCookie("", app.secure_cookies));
                respond(r);
              },
              1024, "Sign out"});
  router.Add({"GET", "/api/v1/auth/me", kAnyStaff,
              [](Request& req, Respond respond) { respond(Response::Json(200, PrincipalJson(*req.principal))); },
              0, "The signed-in account"});
}

}  // namespace qf::auth
