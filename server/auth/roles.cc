#include "auth/roles.h"

namespace qf {

namespace {
constexpr std::pair<Role, const char*> kRoleNames[] = {
    {kClerk, "clerk"},         {kHandler, "handler"}, {kSupervisor, "supervisor"},
    {kInspector, "inspector"}, {kLeader, "leader"},   {kAdmin, "admin"},
};
}  // namespace

std::string RoleName(Role r) {
  for (auto& [role, name] : kRoleNames)
    if (role == r) return name;
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (auto& [role, n] : kRoleNames)
    if (name == n) return role;
  return std::nullopt;
}

std::vector<std::string> RoleNames(RoleSet set) {
  std::vector<std::string> out;
  for (auto& [role, name] : kRoleNames)
    if (set & role) out.push_back(name);
  return out;
}

}  // namespace qf
