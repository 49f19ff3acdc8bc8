#include "auth/auth_store.h"

#include "common/status.h"
#include "common/strings.h"

namespace qf::auth {

absl::StatusOr<int64_t> CreateAccount(Tx& tx, const NewAccount& a) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "INSERT INTO accounts(username, display_name, person_id, unit_id, password_hash, roles) VALUES(?,?,?,?,?,?)"));
  std::vector<std::string> roles = RoleNames(a.roles);
  st.Bind(1, a.username).Bind(2, a.display_name);
  if (a.person_id) st.Bind(3, a.person_id); else st.BindNull(3);
  st.Bind(4, a.unit_id).Bind(5, a.password_hash).Bind(6, Join(roles, ","));
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

absl::StatusOr<std::optional<AccountRow>> FindAccount(Db& db, const std::string& username) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, username, display_name, COALESCE(person_id,0), unit_id, password_hash, roles, active "
      "FROM accounts WHERE username=?"));
  st.Bind(1, username);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccountRow>();
  AccountRow a;
  a.id = st.Int(0);
  a.username = st.Text(1);
  a.display_name = st.Text(2);
  a.person_id = st.Int(3);
  a.unit_id = st.Int(4);
  a.password_hash = st.Text(5);
  for (auto r : Split(st.Text(6), ','))
    if (auto role = ParseRole(r)) a.roles |= *role;
  a.active = st.Int(7) != 0;
  return std::optional<AccountRow>(a);
}

}  // namespace qf::auth
