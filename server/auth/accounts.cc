#include "auth/accounts.h"

#include <map>

#include "auth/auth_store.h"
#include "auth/signin.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "org/org.h"

namespace qf::auth {
namespace {

namespace json = boost::json;

std::string Subject(int64_t account) { return "account:" + std::to_string(account); }

// Deletes the account's stored sessions but `keep` (a key, or ""); returns how many.
absl::StatusOr<int> EndSessionsOf(Tx& tx, int64_t account, const std::string& keep) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("DELETE FROM staff_sessions WHERE account_id = ? AND token_hash <> ?"));
  st.Bind(1, account).Bind(2, keep);
  QF_RETURN_IF_ERROR(st.Run());
  return static_cast<int>(tx.db().Changes());
}

// The account a change is made to, as it is now; NotFound when there is none.
absl::StatusOr<AccountRow> Existing(Tx& tx, int64_t account) {
  QF_ASSIGN_OR_RETURN(auto a, GetAccount(tx.db(), account));
  if (!a) return NotFound("account.not_found", "账号不存在");
  return *a;
}

}  // namespace

absl::StatusOr<json::object> ListAccounts(Db& db, const AccountQuery& q) {
  // One statement for the page, each filter from its index: the username's (unique) or the display name's for a
  // prefix, the unit's, the key's; the recovery codes and the session count beside each account.
  std::string sql = std::string("SELECT ") + kAccountColumns +
                    ", recovery_codes, (SELECT count(*) FROM staff_sessions s WHERE s.account_id = accounts.id) "
                    "FROM accounts WHERE id > ?1";
  if (!q.q.empty()) {
    sql += " AND id IN (SELECT id FROM accounts WHERE username >= ?2 AND username < ?3"
           " UNION SELECT id FROM accounts WHERE display_name >= ?2 AND display_name < ?3)";
  }
  if (q.unit_id) sql += q.q.empty() ? " AND unit_id = ?2" : " AND unit_id = ?4";
  sql += " ORDER BY id LIMIT " + std::to_string(q.limit + 1);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(1, q.after);
  int next = 2;
  if (!q.q.empty()) {
    st.Bind(2, q.q).Bind(3, q.q + "\xF4\x8F\xBF\xBF");  // every string that starts with q sorts below q + U+10FFFF
    next = 4;
  }
  if (q.unit_id) st.Bind(next, q.unit_id);
  json::array items;
  std::map<int64_t, std::string> units;  // a unit's name once per page
  int64_t last = 0;
  bool more = false;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (items.size() == static_cast<size_t>(q.limit)) {
      more = true;  // the one row past the page (LIMIT is one more): there is a next page
      continue;
    }
    AccountRow a = ReadAccount(st);
    QF_ASSIGN_OR_RETURN(auto codes, StoredArray(st.Text(10), "accounts.recovery_codes"));
    auto unit = units.find(a.unit_id);
    if (unit == units.end()) unit = units.emplace(a.unit_id, org::UnitName(db, a.unit_id)).first;
    json::array roles;
    for (auto& r : RoleNames(a.roles)) roles.push_back(json::string(r));
    items.push_back(json::object{{"id", a.id}, {"username", a.username}, {"display_name", a.display_name},
                                 {"unit_id", a.unit_id}, {"unit", unit->second},
                                 {"roles", std::move(roles)}, {"active", a.active},
                                 {"second_factor", !a.totp_secret.empty()}, {"recovery_codes_left", codes.size()},
                                 {"sessions", st.Int(11)}});
    last = a.id;
  }
  return json::object{{"items", std::move(items)}, {"next_after", more ? json::value(last) : json::value(nullptr)}};
}

absl::StatusOr<AccountChange> ParseAccountChange(const json::object& body, std::string_view kind, int64_t account,
                                                 int64_t actor) {
  JsonInput in(body);
  AccountChange c;
  c.account = account;
  c.reason = in.Str("reason", true, 200).value_or("");
  if (kind == "password") {
    auto password = in.Str("password", true, 256);
    if (password) {
      RequireStrongPassword(in, "password", *password);
    }
    c.password = password.value_or("");
  } else if (kind == "active") {
    c.active = in.Bool("active", true);
  }
  QF_RETURN_IF_ERROR(in.Finish("account.change_invalid"));
  if (account == actor)
    return Conflict("account.own", kind == "password" ? "请在“修改密码”中修改自己的密码"
                                                      : "不能对自己的账号执行此操作，请由另一位管理员办理");
  return c;
}

absl::StatusOr<PasswordChange> ParsePasswordChange(const json::object& body) {
  JsonInput in(body);
  PasswordChange c;
  c.current = in.Str("current_password", true, 256).value_or("");
  auto next = in.Str("new_password", true, 256);
  if (next) {
    if (RequireStrongPassword(in, "new_password", *next) && *next == c.current)
      in.Fail("new_password", "新密码不能与当前密码相同");
  }
  c.next = next.value_or("");
  QF_RETURN_IF_ERROR(in.Finish("account.password_invalid"));
  return c;
}

absl::StatusOr<int> ResetPassword(Tx& tx, const AccountChange& c, const std::string& hash) {
  QF_RETURN_IF_ERROR(Existing(tx, c.account).status());
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET password_hash = ? WHERE id = ?"));
  up.Bind(1, hash).Bind(2, c.account);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(int ended, EndSessionsOf(tx, c.account, ""));
  QF_RETURN_IF_ERROR(tx.Append("account.password_reset", Subject(c.account),
                               {{"reason", c.reason}, {"sessions_ended", ended}}).status());
  return ended;
}

absl::StatusOr<int> ChangeOwnPassword(Tx& tx, int64_t account, const std::string& expected_hash,
                                      const std::string& hash, const std::string& keep) {
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ? AND active = 1"));
  up.Bind(1, hash).Bind(2, account).Bind(3, expected_hash);
  QF_RETURN_IF_ERROR(up.Run());
  if (tx.db().Changes() != 1) return Conflict("account.password_moved", "密码已被更改，请重新输入当前密码");
  QF_ASSIGN_OR_RETURN(int ended, EndSessionsOf(tx, account, keep));
  QF_RETURN_IF_ERROR(tx.Append("account.password_changed", Subject(account), {{"sessions_ended", ended}}).status());
  return ended;
}

absl::StatusOr<int> ResetSecondFactor(Tx& tx, const AccountChange& c) {
  QF_RETURN_IF_ERROR(Existing(tx, c.account).status());
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "UPDATE accounts SET totp_secret = NULL, totp_last_step = 0, recovery_codes = '[]' WHERE id = ?"));
  up.Bind(1, c.account);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(int ended, EndSessionsOf(tx, c.account, ""));
  QF_RETURN_IF_ERROR(tx.Append("account.second_factor_reset", Subject(c.account),
                               {{"reason", c.reason}, {"sessions_ended", ended}}).status());
  return ended;
}

absl::StatusOr<int> SetAccountActive(Tx& tx, const AccountChange& c) {
  QF_ASSIGN_OR_RETURN(AccountRow a, Existing(tx, c.account));
  bool active = c.active.value_or(true);
  if (a.active == active) return Conflict("account.already", active ? "该账号已是启用状态" : "该账号已停用");
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET active = ? WHERE id = ?"));
  up.Bind(1, int64_t{active ? 1 : 0}).Bind(2, c.account);
  QF_RETURN_IF_ERROR(up.Run());
  int ended = 0;
  if (!active) {
    QF_ASSIGN_OR_RETURN(ended, EndSessionsOf(tx, c.account, ""));
  }
  QF_RETURN_IF_ERROR(tx.Append(active ? "account.enabled" : "account.disabled", Subject(c.account),
                               {{"reason", c.reason}, {"sessions_ended", ended}}).status());
  return ended;
}

}  // namespace qf::auth
