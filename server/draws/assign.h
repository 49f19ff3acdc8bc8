// Assignment of exam supervisors to sites: each site takes exactly its quota, nobody supervises where their own
// school's pupils or a relative sit the exam, and the total travel from home to site is least. Solved exactly as
// a min-cost flow (LEMON network simplex, integer metres); when the quotas cannot be met, a maximum flow and its
// minimum cut name the sites that lack eligible supervisors (Hall's condition). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qf::draws {

struct Site {
  std::string code, name;
  int64_t host_unit_id = 0;                // the school that hosts the site
  std::vector<int64_t> examinee_unit_ids;  // schools whose pupils sit the exam here
  double lat = 0, lon = 0;
  int quota = 0;
};

struct Supervisor {
  std::string code, name;
  int64_t unit_id = 0;
  std::vector<int64_t> relative_exam_unit_ids;  // schools where a relative sits the exam
  double lat = 0, lon = 0;
};

struct Placement {
  std::string supervisor, site;
  int64_t metres = 0;
  std::string why;
};

struct AssignmentResult {
  bool feasible = false;
  std::vector<Placement> placements;  // in supervisor order
  int64_t total_metres = 0;
  std::vector<std::string> unused;    // supervisors not needed
  std::vector<std::string> problems;  // why the quotas cannot be met, in Chinese
};

// Great-circle distance in metres (haversine, mean Earth radius).
int64_t DistanceMetres(double lat1, double lon1, double lat2, double lon2);
// The reason a supervisor may not serve at a site, or "" if they may.
std::string RecusalReason(const Supervisor& s, const Site& site);

AssignmentResult Assign(const std::vector<Site>& sites, const std::vector<Supervisor>& supervisors);

}  // namespace qf::draws
