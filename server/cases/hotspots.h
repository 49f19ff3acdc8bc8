// Hotspots: schools and districts where complaints concentrate. For each unit and category, the count in a
// period against what the city's rate per 1,000 students predicts for the unit's enrolment, with a one-sided
// Poisson test and the Benjamini–Hochberg correction over all the tests made (so that 5,000 schools × categories
// do not flag fifty by chance); and a month-over-month spike check (the last month against the three before).
// Each flag carries the sentence that explains it. The inspection sampler weights these units up.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf::cases {

// P(X >= k) for X ~ Poisson(lambda), accurate in the far tail.
double PoissonUpperTail(int64_t k, double lambda);

struct UnitCounts {
  int64_t unit_id = 0;
  std::string name, district, category;
  int64_t enrolment = 0;
  int64_t count = 0;                 // in the period
  std::vector<int64_t> months;       // counts in the last four months of the period, oldest first
};

struct Hotspot {
  int64_t unit_id = 0;
  std::string name, district, category, kind;  // kind: "rate" or "spike"
  int64_t count = 0;
  double expected = 0, p = 0;
  std::string explanation;
};

struct HotspotOptions {
  double fdr = 0.05;           // Benjamini–Hochberg level for rate flags
  double spike_alpha = 0.01;   // per-unit level for spikes
  int64_t min_count = 3;       // never flag fewer items than this
};

// Pure: flags from counts. The city's rate per category is its items in `rows` over `city_students` (every
// school's enrolment, those without items too).
std::vector<Hotspot> FindHotspots(const std::vector<UnitCounts>& rows, double city_students, const HotspotOptions& opt = {});

// Reads the counts of schools (and of districts, summed) for received days [from, to] and finds the hotspots.
absl::StatusOr<boost::json::object> Hotspots(Db& db, const std::string& from, const std::string& to,
                                              const HotspotOptions& opt = {});

}  // namespace qf::cases
