#include "auth/auth_store.h"

#include "common/stored_json.h"
#include "common/status.h"
#include "common/strings.h"
#include "auth/totp.h"
#include "common/crypto_util.h"

namespace qf::auth {

absl::StatusOr<int64_t> CreateAccount(Tx& tx, const NewAccount& a) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO accounts(username, display_name, person_id, unit_id, password_hash, roles, totp_secret) VALUES(?,?,?,?,?,?,?)"));
  std::vector<std::string> roles = RoleNames(a.roles);
  st.Bind(1, a.username).Bind(2, a.display_name);
  if (a.person_id) st.Bind(3, a.person_id); else st.BindNull(3);
  st.Bind(4, a.unit_id).Bind(5, a.password_hash).Bind(6, Join(roles, ","));
  if (a.totp_secret.empty()) st.BindNull(7); else st.BindBlob(7, a.totp_secret);
  auto r = st.Run();
  if (r.code() == absl::StatusCode::kAlreadyExists)
    return MakeError(absl::StatusCode::kAlreadyExists, "account.exists", "用户名已存在：" + a.username,
                     {{"username", "已被使用"}});
  QF_RETURN_IF_ERROR(r);
  int64_t id = tx.db().LastInsertId();
  boost::json::array role_arr;
  for (auto& n : roles) role_arr.push_back(boost::json::string(n));
  QF_RETURN_IF_ERROR(tx.Append("account.created", "account:" + std::to_string(id),
                               {{"username", a.username}, {"display_name", a.display_name},
                                {"unit_id", a.unit_id}, {"person_id", a.person_id}, {"roles", role_arr}})
                         .status());
  return id;
}

std::string DisplayName(Db& db, int64_t account_id) {
  auto st = db.Prepare("SELECT display_name FROM accounts WHERE id=?");
  if (!st.ok()) return "";
  st->Bind(1, account_id);
  auto row = st->Step();
  return row.ok() && *row ? st->Text(0) : "";
}

const char* const kAccountColumns =
    "id, username, display_name, COALESCE(person_id,0), unit_id, password_hash, roles, active, "
    "totp_secret, totp_last_step";

AccountRow ReadAccount(const Stmt& st) {
  AccountRow a;
  a.id = st.Int(0);
  a.username = st.Text(1);
  a.display_name = st.Text(2);
  a.person_id = st.Int(3);
  a.unit_id = st.Int(4);
  a.password_hash = st.Text(5);
  std::string roles = st.Text(6);  // kept: Split's views point into it (a temporary would be gone in the loop)
  for (auto r : Split(roles, ','))
    if (auto role = ParseRole(r)) a.roles |= *role;
  a.active = st.Int(7) != 0;
  a.totp_secret = st.Text(8);
  a.totp_last_step = st.Int(9);
  return a;
}

absl::StatusOr<std::optional<AccountRow>> FindAccount(Db& db, const std::string& username) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE username=?"));
  st.Bind(1, username);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccountRow>();
  return std::optional<AccountRow>(ReadAccount(st));
}

absl::StatusOr<std::optional<AccountRow>> GetAccount(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccountRow>();
  return std::optional<AccountRow>(ReadAccount(st));
}

Principal PrincipalOf(const AccountRow& a) {
  Principal p;
  p.account_id = a.id;
  p.username = a.username;
  p.display_name = a.display_name;
  p.unit_id = a.unit_id;
  p.person_id = a.person_id;
  p.roles = a.roles;
  return p;
}

absl::StatusOr<std::vector<AccountRow>> ActiveAccountsWithRoles(Db& db, RoleSet any_of) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE active=1 ORDER BY id"));
  std::vector<AccountRow> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AccountRow a = ReadAccount(st);
    if (a.roles & any_of) {
      a.password_hash.clear();
      a.totp_secret.clear();
      out.push_back(std::move(a));
    }
  }
  return out;
}

namespace {

// A stored TOTP secret as it goes into the accounts table: sealed by the vault when there is one (every server;
// only a database without key files, in memory, keeps the raw bytes).
std::string StoredSecret(const vault::Vault* vault, const std::string& secret) {
  return vault ? vault->Seal(secret) : secret;
}

// The secret back from what is stored: raw secrets (kTotpSecretBytes long) are those stored before sealing, until
// SealTotpSecrets runs at the next start.
absl::StatusOr<std::string> SecretOf(const vault::Vault* vault, const std::string& stored) {
  if (stored.size() == kTotpSecretBytes || !vault) return stored;
  auto secret = vault->Unseal(stored);
  if (!secret.ok()) return MakeError(absl::StatusCode::kInternal, "auth.totp_key", "动态口令密钥无法解密（密钥文件与数据库不匹配）");
  return secret;
}

}  // namespace

absl::StatusOr<int> SealTotpSecrets(Tx& tx, const vault::Vault& vault) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "SELECT id, totp_secret FROM accounts WHERE totp_secret IS NOT NULL AND length(totp_secret) = ?"));
  st.Bind(1, static_cast<int64_t>(kTotpSecretBytes));
  std::vector<std::pair<int64_t, std::string>> raw;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    raw.emplace_back(st.Int(0), st.Text(1));
  }
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET totp_secret=? WHERE id=?"));
  for (const auto& [id, secret] : raw) {
    up.Reset();
    up.BindBlob(1, vault.Seal(secret)).Bind(2, id);
    QF_RETURN_IF_ERROR(up.Run());
  }
  return static_cast<int>(raw.size());
}

absl::Status UseTotp(Tx& tx, const vault::Vault* vault, int64_t account, const std::string& code) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT totp_secret, totp_last_step FROM accounts WHERE id=?"));
  st.Bind(1, account);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.Text(0).empty()) return MakeError(absl::StatusCode::kUnauthenticated, "auth.no_totp", "该账号尚未启用动态口令");
  QF_ASSIGN_OR_RETURN(std::string secret, SecretOf(vault, st.Text(0)));
  auto step = VerifyTotp(secret, code, absl::ToUnixSeconds(tx.now()), st.Int(1));
  if (!step) return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_totp", "动态口令错误或已使用过");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET totp_last_step=? WHERE id=? AND totp_last_step < ?"));
  up.Bind(1, *step).Bind(2, account).Bind(3, *step);
  QF_RETURN_IF_ERROR(up.Run());
  if (tx.db().Changes() != 1) return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_totp", "动态口令已使用过");
  return absl::OkStatus();
}

absl::Status UseRecoveryCode(Tx& tx, int64_t account, const std::string& code) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT recovery_codes FROM accounts WHERE id=?"));
  st.Bind(1, account);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_recovery", "恢复码错误或已使用过");
  QF_ASSIGN_OR_RETURN(auto codes, StoredArray(st.Text(0), "accounts.recovery_codes"));
  std::string want = Sha256Hex(ToLower(code));
  boost::json::array left;
  bool found = false;
  for (auto& c : codes) {
    if (!found && c.is_string() && c.as_string() == want) found = true;
    else left.push_back(c);
  }
  if (!found) return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_recovery", "恢复码错误或已使用过");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET recovery_codes=? WHERE id=?"));
  up.Bind(1, boost::json::serialize(left)).Bind(2, account);
  QF_RETURN_IF_ERROR(up.Run());
  return tx.Append("auth.recovery_code_used", "account:" + std::to_string(account), {{"left", left.size()}}).status();
}

absl::StatusOr<std::vector<std::string>> EnrolTotp(Tx& tx, const vault::Vault* vault, int64_t account,
                                                   const std::string& secret, const std::string& code) {
  auto step = VerifyTotp(secret, code, absl::ToUnixSeconds(tx.now()), 0);
  if (!step) return MakeError(absl::StatusCode::kUnauthenticated, "auth.bad_totp", "动态口令错误，请核对手机上的验证器");
  std::vector<std::string> codes;
  boost::json::array hashes;
  for (int i = 0; i < 10; ++i) {
    uint8_t raw[7];
    RandomBytes(raw, sizeof raw);
    std::string c = ToLower(Base32Encode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw)).substr(0, 10));
    codes.push_back(c.substr(0, 5) + "-" + c.substr(5));
    hashes.push_back(boost::json::string(Sha256Hex(codes.back())));
  }
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE accounts SET totp_secret=?, totp_last_step=?, recovery_codes=? WHERE id=? AND totp_secret IS NULL"));
  up.BindBlob(1, StoredSecret(vault, secret)).Bind(2, *step).Bind(3, boost::json::serialize(hashes)).Bind(4, account);
  QF_RETURN_IF_ERROR(up.Run());
  if (tx.db().Changes() != 1) return Conflict("auth.totp_enrolled", "该账号已启用动态口令");
  QF_RETURN_IF_ERROR(tx.Append("auth.totp_enrolled", "account:" + std::to_string(account), {{"recovery_codes", 10}}).status());
  return codes;
}

}  // namespace qf::auth
