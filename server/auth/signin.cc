#include "auth/signin.h"

#include "auth/totp.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace qf::auth {

WorkPool& HashPool() {
  // One thread: argon2id at interactive limits takes 64 MiB and ~150 ms of a core here (more under load; machines
  // differ); never on the I/O threads. At the reads' nice value: a sign-in is one more request among the reads, so
  // a morning's sign-ins, or someone trying passwords, take no more than their share of a busy server's cores from
  // those at work (bench/reads/beside_signins.py; at the I/O threads' nice 0 it took a whole core ahead of every
  // read); and above the downloads (nice 15), so that signing in does not wait behind exports.
  static WorkPool pool(1, 32, kReadsNice);
  return pool;
}

absl::StatusOr<Credentials> ParseCredentials(const boost::json::object& body) {
  JsonInput in(body);
  Credentials c{in.Str("username", true, 64).value_or(""), in.Str("password", true, 256).value_or("")};
  QF_RETURN_IF_ERROR(in.Finish());
  return c;
}

absl::Status CheckNotLockedOut(Sessions& sessions, const std::string& username, absl::Duration* retry_after) {
  if (!sessions.LockedOut(username, retry_after)) return absl::OkStatus();
  spdlog::warn("sign-in refused for {}: locked out", username);
  return MakeError(absl::StatusCode::kResourceExhausted, "auth.locked", "登录失败次数过多，请稍后再试");
}

absl::StatusOr<PasswordPassed> CheckPassword(Sessions& sessions, const std::optional<AccountRow>& account,
                                             const Credentials& c) {
  // Verify against a dummy hash when the account does not exist, so timing does not reveal names.
  static const std::string kDummy = *HashPassword("qingfeng-dummy-password");
  bool ok = VerifyPassword(account ? account->password_hash : kDummy, c.password) && account && account->active;
  if (!ok) {
    sessions.RecordFailure(c.username);
    spdlog::warn("sign-in failed for {}", c.username);
    return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_credentials", "用户名或密码错误");
  }
  // The password is right; the second factor decides. Accounts without one enrol now.
  Principal p = PrincipalOf(*account);
  PasswordPassed out;
  if (!account->totp_secret.empty()) {
    out.mfa_token = sessions.BeginMfa(p, false, "");
    return out;
  }
  std::string secret(20, '\0');
  RandomBytes(reinterpret_cast<uint8_t*>(secret.data()), secret.size());
  out.mfa_token = sessions.BeginMfa(p, true, secret);
  out.setup = true;
  out.secret_base32 = Base32Encode(secret);
  out.otpauth = OtpauthUri("清风", p.username, secret);
  return out;
}

absl::StatusOr<SecondFactorRequest> ParseSecondFactor(const boost::json::object& body) {
  JsonInput in(body);
  SecondFactorRequest r;
  r.mfa_token = in.Str("mfa_token", true, 100).value_or("");
  r.code = in.Str("code", false, 6);
  r.recovery_code = in.Str("recovery_code", false, 20);
  if (!r.code && !r.recovery_code) in.Fail("code", "请输入动态口令或恢复码");
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

absl::StatusOr<std::vector<std::string>> VerifySecondFactor(Tx& tx, const vault::Vault* vault,
                                                            const Sessions::PendingMfa& pending,
                                                            const SecondFactorRequest& r) {
  int64_t id = pending.principal.account_id;
  // Disabled between the password and the second factor: refused like a wrong password.
  QF_ASSIGN_OR_RETURN(auto now, GetAccount(tx.db(), id));
  if (!now || !now->active)
    return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_credentials", "用户名或密码错误");
  std::vector<std::string> codes;
  std::string method = "totp";
  if (pending.setup) {
    if (!r.code) return Invalid("auth.code_required", "请输入验证器显示的动态口令", {{"code", "必填"}});
    QF_ASSIGN_OR_RETURN(codes, EnrolTotp(tx, vault, id, pending.secret, *r.code));
    method = "totp_enrolled";
  } else if (r.code) {
    QF_RETURN_IF_ERROR(UseTotp(tx, vault, id, *r.code));
  } else {
    QF_RETURN_IF_ERROR(UseRecoveryCode(tx, id, *r.recovery_code));
    method = "recovery_code";
  }
  QF_RETURN_IF_ERROR(tx.Append("auth.signed_in", "account:" + std::to_string(id),
                               {{"username", pending.principal.username}, {"method", method}}).status());
  return codes;
}

bool RequireStrongPassword(JsonInput& in, std::string_view field, std::string_view password) {
  constexpr int kMinChars = 12;
  if (Utf8Length(password) >= kMinChars) return true;
  in.Fail(field, fmt::format("密码至少{}个字符", kMinChars), "min_chars", {std::to_string(kMinChars)});
  return false;
}

absl::StatusOr<AccountRequest> ParseAccount(const boost::json::object& body) {
  JsonInput in(body);
  AccountRequest r;
  NewAccount& a = r.account;
  a.username = in.Str("username", true, 64).value_or("");
  a.display_name = in.Str("display_name", true, 100).value_or("");
  a.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  a.person_id = in.Int("person_id", false, 1, INT64_MAX).value_or(0);
  auto password = in.Str("password", true, 256);
  if (password) {
    RequireStrongPassword(in, "password", *password);
  }
  r.password = password.value_or("");
  if (const auto* roles = in.Raw("roles"); !roles || !roles->is_array() || roles->as_array().empty()) {
    in.Fail("roles", "至少一个角色");
  } else {
    for (auto& role_name : roles->as_array()) {
      auto role = role_name.is_string() ? ParseRole(std::string_view(role_name.as_string())) : std::nullopt;
      if (!role) in.Fail("roles", "角色应为 clerk/handler/supervisor/inspector/leader/admin");
      else a.roles |= *role;
    }
  }
  QF_RETURN_IF_ERROR(in.Finish());
  return r;
}

}  // namespace qf::auth
