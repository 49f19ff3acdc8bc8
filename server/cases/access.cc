#include "cases/access.h"

#include <algorithm>

#include "common/strings.h"
#include "common/text.h"
#include "org/org.h"

namespace qf::cases {

absl::StatusOr<bool> UnitWithin(Db& db, int64_t unit, int64_t ancestor) {
  if (!unit || !ancestor) return false;
  return org::IsWithin(db, unit, ancestor);
}

absl::StatusOr<bool> InHandlingUnit(Db& db, const Row& c, const Principal& who) {
  return UnitWithin(db, c.handling_unit_id, who.unit_id);
}

absl::StatusOr<bool> CanSee(Db& db, const Row& c, const Principal& who) {
  bool scope = false;
  if (who.Has(kSupervisor)) scope = true;
  else if ((who.Has(kClerk) || who.Has(kLeader)) && !c.restricted) scope = true;
  if (!scope && who.Has(kHandler)) {
    QF_ASSIGN_OR_RETURN(scope, InHandlingUnit(db, c, who));
  }
  if (!scope) return false;
  QF_ASSIGN_OR_RETURN(auto people, ConcernedPeople(db, c.id));
  if (who.person_id) {
    QF_ASSIGN_OR_RETURN(auto relatives, org::Relatives(db, who.person_id));
    for (int64_t p : people) {
      if (p == who.person_id) return false;
      if (std::find(relatives.begin(), relatives.end(), p) != relatives.end()) return false;
    }
  }
  if ((c.leadership || c.restricted) && c.concerned_unit_id && who.unit_id) {
    QF_ASSIGN_OR_RETURN(bool inside, org::IsWithin(db, who.unit_id, c.concerned_unit_id));
    if (inside) return false;
  }
  return true;
}

absl::StatusOr<SqlCondition> VisibleSql(Db& db, const Principal& who) {
  SqlCondition out;
  std::vector<std::string> scope;
  if (who.Has(kSupervisor)) scope.push_back("TRUE");
  if (who.Has(kClerk) || who.Has(kLeader)) scope.push_back("c.restricted = 0");
  if (who.Has(kHandler) && who.unit_id) {
    scope.push_back(org::InSubtreeSql("c.handling_unit_id", "?"));
    out.args.push_back(who.unit_id);
  }
  if (scope.size() == 1 && who.Has(kHandler) && who.unit_id) out.subtree = who.unit_id;
  out.sql = scope.empty() ? "FALSE" : "(" + Join(scope, " OR ") + ")";
  if (who.person_id) {
    QF_ASSIGN_OR_RETURN(auto relatives, org::Relatives(db, who.person_id));
    relatives.push_back(who.person_id);
    out.sql += " AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.case_id = c.id AND cp.person_id IN (" +
               Join(std::vector<std::string>(relatives.size(), "?"), ",") + "))";
    for (int64_t p : relatives) out.args.push_back(p);
  }
  if (who.unit_id) {
    // The caller's own unit and every unit above it (the tree's table: no unit read per request).
    out.sql += " AND NOT ((c.restricted = 1 OR c.leadership_accused = 1) AND " +
               org::InAncestrySql("c.concerned_unit_id", "?") + ")";
    out.args.push_back(who.unit_id);
  }
  return out;
}

absl::StatusOr<std::set<int64_t>> WalledUnits(Db& db, int64_t concerned_unit, const std::vector<int64_t>& people) {
  std::set<int64_t> out;
  if (concerned_unit) out.insert(concerned_unit);
  for (int64_t p : people) {
    QF_ASSIGN_OR_RETURN(int64_t unit, org::PersonUnit(db, p));
    if (unit) out.insert(unit);
  }
  return out;
}

absl::StatusOr<bool> Breaches(Db& db, int64_t unit, const std::set<int64_t>& walled) {
  for (int64_t w : walled) {
    QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, unit, w));
    if (within) return true;
  }
  return false;
}

void BlackOut(Row& c, const Principal& who) {
  if (who.roles & (kClerk | kSupervisor | kLeader)) return;
  c.content = Redact(std::move(c.content), c.redactions);
  c.title = Redact(std::move(c.title), c.redactions);
}

}  // namespace qf::cases
