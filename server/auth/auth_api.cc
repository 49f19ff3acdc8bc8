// HTTP handlers for staff sign-in (password, then the second factor), sign-out, the signed-in account and account
// creation. The workflow is auth/signin.h; these only move it between threads (the hash pool, the writer) and
// encode the answers.
#include "app/app.h"
#include "app/modules.h"
#include "auth/accounts.h"
#include "auth/auth.h"
#include "auth/auth_store.h"
#include "auth/session_store.h"
#include "auth/signin.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "spdlog/spdlog.h"

namespace qf::auth {
namespace {

namespace json = boost::json;

json::object PrincipalJson(const Principal& p) {
  json::array roles;
  for (auto& r : RoleNames(p.roles)) roles.push_back(json::string(r));
  return {{"account_id", p.account_id}, {"username", p.username}, {"display_name", p.display_name},
          {"unit_id", p.unit_id},       {"person_id", p.person_id}, {"roles", roles}, {"csrf_token", p.csrf}};
}

const absl::Status kBusy = MakeError(absl::StatusCode::kResourceExhausted, "auth.busy", "登录请求过多，请稍后再试");

// The refusal while `username` is locked out after failed passwords, with the time to wait; nullopt otherwise.
std::optional<Response> LockedOut(AppContext& app, const std::string& username, const std::string& path) {
  absl::Duration retry;
  auto locked = CheckNotLockedOut(*app.sessions, username, &retry);
  if (locked.ok()) return std::nullopt;
  auto r = Response::Problem(locked, path);
  r.headers.emplace_back("Retry-After", std::to_string(absl::ToInt64Seconds(retry) + 1));
  return r;
}

void Login(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  auto creds = ParseCredentials(*body);
  if (!creds.ok()) return respond(Response::Problem(creds.status(), req.path));
  if (auto locked = LockedOut(app, creds->username, req.path)) return respond(*locked);
  auto db = app.readers->Get();  // who may sign in is decided on the primary, never on a standby behind it
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  auto account = FindAccount(**db, creds->username);
  if (!account.ok()) return respond(Response::Problem(account.status(), req.path));
  bool queued = HashPool().TrySubmit([&app, acc = *account, c = *creds, path = req.path, respond] {
    auto passed = CheckPassword(*app.sessions, acc, c);
    if (!passed.ok()) return respond(Response::Problem(passed.status(), path));
    json::object out{{"mfa", passed->setup ? "setup" : "totp"}, {"mfa_token", passed->mfa_token}};
    if (passed->setup) {
      out["secret"] = passed->secret_base32;
      out["otpauth"] = passed->otpauth;
    }
    respond(Response::Json(200, std::move(out)));
  });
  if (!queued) respond(Response::Problem(kBusy, req.path));
}

void SecondFactor(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  auto request = ParseSecondFactor(*body);
  if (!request.ok()) return respond(Response::Problem(request.status(), req.path));
  auto pending = app.sessions->UseMfa(request->mfa_token);
  if (!pending)
    return respond(Response::Problem(MakeError(absl::StatusCode::kUnauthenticated, "auth.mfa_expired",
                                               "登录已超时或尝试次数过多，请重新输入密码"), req.path));
  Principal p = pending->principal;
  Sessions::Issued session = app.sessions->Issue(p);
  app.writer->Submit(Actor::Account(p.account_id),
      [&app, pending = *pending, r = *request, session, p, options = app.sessions->options()](Tx& tx)
          -> absl::StatusOr<json::value> {
        QF_ASSIGN_OR_RETURN(auto codes, VerifySecondFactor(tx, app.vault, pending, r));
        QF_RETURN_IF_ERROR(StoreSession(tx, session, p, options));
        json::object out;
        if (!codes.empty()) out["recovery_codes"] = json::array(codes.begin(), codes.end());
        return out;
      },
      [&app, respond, p, session, path = req.path, token = request->mfa_token](absl::StatusOr<json::value> r) mutable {
        if (!r.ok()) {
          app.sessions->RecordFailure(p.username);
          spdlog::warn("second factor failed for {}", p.username);
          return respond(Response::Problem(r.status(), path));
        }
        app.sessions->EndMfa(token);
        app.sessions->RecordSuccess(p.username);
        app.sessions->Adopt(session, p);
        spdlog::info("signed in: {}", p.username);
        auto out = PrincipalJson(p);
        for (auto& [k, v] : r->as_object()) out[k] = v;
        auto resp = Response::Json(200, out);
        resp.headers.emplace_back("Set-Cookie", SessionCookie(session.token, app.secure_cookies));
        respond(resp);
      });
}

void CreateAccountRoute(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  auto request = ParseAccount(*body);
  if (!request.ok()) return respond(Response::Problem(request.status(), req.path));
  bool queued = HashPool().TrySubmit([&app, r = *request, path = req.path, respond, actor = ActorOf(req)]() mutable {
    auto hash = HashPassword(r.password);
    if (!hash.ok()) return respond(Response::Problem(hash.status(), path));
    r.account.password_hash = *hash;
    app.writer->Submit(actor, [a = r.account](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int64_t id, CreateAccount(tx, a));
      return json::object{{"id", id}, {"username", a.username}};
    }, [respond, path](absl::StatusOr<json::value> res) {
      if (!res.ok()) return respond(Response::Problem(res.status(), path));
      respond(Response::Json(201, std::move(*res)));
    });
  });
  if (!queued) respond(Response::Problem(kBusy, req.path));
}

// The administrator's list of accounts (?q= the start of a username or name, ?unit_id=, ?after= the last id seen).
absl::StatusOr<json::value> ListAccountsRead(const Request& req, Db& db) {
  AccountQuery q;
  q.q = std::string(Trim(req.Query("q").value_or("")));
  if (q.q.size() > 64) return Invalid("account.query_invalid", "查询条件过长", {{"q", "至多64个字符"}});
  auto number = [&](std::string_view name, int64_t fallback) -> absl::StatusOr<int64_t> {
    auto text = req.Query(name);
    if (!text || text->empty()) return fallback;
    auto v = ParseInt<int64_t>(*text);
    if (!v || *v < 0) return Invalid("account.query_invalid", "查询参数有误", {{std::string(name), "应为非负整数"}});
    return *v;
  };
  QF_ASSIGN_OR_RETURN(q.unit_id, number("unit_id", 0));
  QF_ASSIGN_OR_RETURN(q.after, number("after", 0));
  QF_ASSIGN_OR_RETURN(int64_t limit, number("limit", 50));
  q.limit = static_cast<int>(std::clamp<int64_t>(limit, 1, 200));
  return ListAccounts(db, q);
}

// An administrator's change to another account (`kind`: second_factor, active), answered once committed and the
// account's sessions dropped from memory too.
Handler AccountChangeRoute(AppContext& app, std::string kind) {
  return WriteThenRoute(app, [&app, kind](const Request& req) -> absl::StatusOr<Write> {
    QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "account.not_found", "账号"));
    QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
    QF_ASSIGN_OR_RETURN(AccountChange c, ParseAccountChange(body, kind, id, req.principal->account_id));
    Command command = [c, kind](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int ended, kind == "active" ? SetAccountActive(tx, c) : ResetSecondFactor(tx, c));
      return json::object{{"id", c.account}, {"sessions_ended", ended}};
    };
    return Write{std::move(command), [&app, id, path = req.path](absl::StatusOr<json::value> r, Respond respond) {
      if (!r.ok()) return respond(Response::Problem(r.status(), path));
      app.sessions->ForgetAccount(id);
      respond(Response::Json(200, std::move(*r)));
    }};
  });
}

// An administrator gives an account a temporary password: hashed on the hash pool, then stored by the writer.
void ResetPasswordRoute(AppContext& app, Request& req, Respond respond) {
  auto id = PathId(req, 0, "account.not_found", "账号");
  if (!id.ok()) return respond(Response::Problem(id.status(), req.path));
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  auto change = ParseAccountChange(*body, "password", *id, req.principal->account_id);
  if (!change.ok()) return respond(Response::Problem(change.status(), req.path));
  bool queued = HashPool().TrySubmit([&app, c = *change, path = req.path, respond, actor = ActorOf(req)] {
    auto hash = HashPassword(c.password);
    if (!hash.ok()) return respond(Response::Problem(hash.status(), path));
    app.writer->Submit(actor, [c, h = *hash](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int ended, ResetPassword(tx, c, h));
      return json::object{{"id", c.account}, {"sessions_ended", ended}};
    }, [&app, respond, path, id = c.account](absl::StatusOr<json::value> r) {
      if (!r.ok()) return respond(Response::Problem(r.status(), path));
      app.sessions->ForgetAccount(id);
      respond(Response::Json(200, std::move(*r)));
    });
  });
  if (!queued) respond(Response::Problem(kBusy, req.path));
}

// A member of staff changes their own password: the current one checked on the hash pool (a wrong one counts
// towards the sign-in lockout), the new one hashed there, then stored; their other sessions end, this one stays.
void ChangePasswordRoute(AppContext& app, Request& req, Respond respond) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
  auto change = ParsePasswordChange(*body);
  if (!change.ok()) return respond(Response::Problem(change.status(), req.path));
  const Principal& me = *req.principal;
  if (auto locked = LockedOut(app, me.username, req.path)) return respond(*locked);
  auto db = app.readers->Get();
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  auto account = GetAccount(**db, me.account_id);
  if (!account.ok()) return respond(Response::Problem(account.status(), req.path));
  if (!*account) return respond(Response::Problem(NotFound("account.not_found", "账号不存在"), req.path));
  std::string keep = Sessions::Key(req.Cookie(kSessionCookie).value_or(""));
  bool queued = HashPool().TrySubmit([&app, a = **account, c = *change, keep, path = req.path, respond,
                                      actor = ActorOf(req)] {
    if (!VerifyPassword(a.password_hash, c.current)) {
      app.sessions->RecordFailure(a.username);
      return respond(Response::Problem(
          Invalid("account.wrong_password", "当前密码不正确", {{"current_password", "不正确"}}), path));
    }
    auto hash = HashPassword(c.next);
    if (!hash.ok()) return respond(Response::Problem(hash.status(), path));
    app.writer->Submit(actor, [id = a.id, expected = a.password_hash, h = *hash, keep](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int ended, ChangeOwnPassword(tx, id, expected, h, keep));
      return json::object{{"changed", true}, {"sessions_ended", ended}};
    }, [&app, respond, path, id = a.id, keep](absl::StatusOr<json::value> r) {
      if (!r.ok()) return respond(Response::Problem(r.status(), path));
      app.sessions->ForgetAccount(id, keep);
      respond(Response::Json(200, std::move(*r)));
    });
  });
  if (!queued) respond(Response::Problem(kBusy, req.path));
}

// Deletes the stored session (and records the sign-out) before answering: a signed-out session stays refused
// after a restart.
void SignOut(AppContext& app, Request& req, Respond respond) {
  std::string token(req.Cookie(kSessionCookie).value_or(""));
  app.writer->Submit(ActorOf(req),
      [key = Sessions::Key(token), account = req.principal->account_id](Tx& tx) -> absl::StatusOr<json::value> {
        QF_RETURN_IF_ERROR(EndSession(tx, key, account));
        return json::value();
      },
      [&app, respond, token, path = req.path](absl::StatusOr<json::value> done) {
        if (!done.ok()) return respond(Response::Problem(done.status(), path));
        app.sessions->Forget(token);
        auto r = Response::Json(200, json::object{{"signed_out", true}});
        r.headers.emplace_back("Set-Cookie", SessionCookie("", app.secure_cookies));
        respond(r);
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
              [&app](Request& req, Respond respond) { CreateAccountRoute(app, req, std::move(respond)); }, 4096,
              "Create a staff account (it enrols its second factor at first sign-in)"});
  router.Add({"GET", "/api/v1/accounts", kAdmin, ReadRoute(app, ListAccountsRead), 0,
              "Staff accounts, by the start of a username or name and by unit, a page at a time (no hash, no secret)"});
  router.Add({"POST", "/api/v1/accounts/{id}/password", kAdmin,
              [&app](Request& req, Respond respond) { ResetPasswordRoute(app, req, std::move(respond)); }, 4096,
              "Give another account a temporary password (with a reason); its sessions end"});
  router.Add({"POST", "/api/v1/accounts/{id}/second-factor/reset", kAdmin, AccountChangeRoute(app, "second_factor"),
              4096, "Forget another account's authenticator and recovery codes (with a reason): it enrols anew at its next sign-in; its sessions end"});
  router.Add({"POST", "/api/v1/accounts/{id}/active", kAdmin, AccountChangeRoute(app, "active"), 4096,
              "Disable or enable another account (with a reason); disabling ends its sessions"});
  router.Add({"POST", "/api/v1/auth/password", kAnyStaff,
              [&app](Request& req, Respond respond) { ChangePasswordRoute(app, req, std::move(respond)); }, 4096,
              "Change one's own password (the current one and the new one); one's other sessions end"});
  router.Add({"POST", "/api/v1/auth/logout", kAnyStaff,
              [&app](Request& req, Respond respond) { SignOut(app, req, std::move(respond)); },
              1024, "Sign out"});
  router.Add({"GET", "/api/v1/auth/me", kAnyStaff,
              [](Request& req, Respond respond) { respond(Response::Json(200, PrincipalJson(*req.principal))); },
              0, "The signed-in account"});
}

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.AddStartupCommand("seal TOTP secrets", [](const AppContext& app) -> Command {
    return [vault = app.vault](Tx& tx) -> absl::StatusOr<json::value> {
      if (!vault) return json::value(0);
      QF_ASSIGN_OR_RETURN(int n, SealTotpSecrets(tx, *vault));
      return json::value(n);
    };
  });
}

}  // namespace qf::auth
