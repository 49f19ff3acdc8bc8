// The authorisation vocabulary: staff roles, sets of them, and the signed-in person behind a request (their
// account, unit, person record and roles). Plain values with no dependencies, used by every domain's checks and by
// the router's role guard. Thread-safe (immutable tables).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qf {

// Staff roles. A route names the roles that may call it; kPublic routes need no account.
enum Role : uint32_t {
  kClerk = 1u << 0,       // 受理员
  kHandler = 1u << 1,     // 承办人
  kSupervisor = 1u << 2,  // 督办（纪委监察室）
  kInspector = 1u << 3,   // 检查组成员
  kLeader = 1u << 4,      // 局领导
  kAdmin = 1u << 5,       // 系统管理员
};
using RoleSet = uint32_t;
constexpr RoleSet kPublic = 0;
constexpr RoleSet kAnyStaff = kClerk | kHandler | kSupervisor | kInspector | kLeader | kAdmin;

std::string RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
std::vector<std::string> RoleNames(RoleSet set);

// The signed-in staff member behind a request.
struct Principal {
  int64_t account_id = 0;
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  int64_t person_id = 0;  // 0 when the account has no person record
  RoleSet roles = 0;
  std::string csrf;
  bool Has(Role r) const { return (roles & r) != 0; }
};

}  // namespace qf
