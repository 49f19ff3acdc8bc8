// Generated cities for placement: districts round a centre (the urban ones close, the counties farther out),
// designated schools in them offering grade 1 or grade 7 with seats in proportion to the children, residential
// compounds where the children live, tiers and ranked choices as families give them, and a committed seed with its
// witness value from which the lottery numbers are drawn. Used by the tests, the benchmark and the demo city.
// Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "placement/match.h"

namespace qf::placement {

struct CityDistrict {
  std::string name;
  bool county = false;
  double lat = 0, lon = 0;  // the district's centre
  double weight = 1;        // its share of schools and children
};

// A designated school the city must have (the demo takes its org's designated schools): its name, district and
// the grades it takes; its point is generated round its district's centre.
struct GivenSchool {
  std::string name, district;
  std::vector<int> grades;
};

struct CityOptions {
  int schools = 100;
  int children = 43000;
  double seat_ratio = 1.05;  // seats per child in each grade over the city
  uint32_t seed = 2026;
  std::vector<CityDistrict> districts;  // empty: the demo city's 4 urban districts, 3 development zones, 3 counties
  int county_schools = -1;              // how many of the schools are in counties (-1: by weight)
  // When given: these are the schools (in this order, codes DS0001 …), and the children live in their districts.
  std::vector<GivenSchool> given;
};

struct GeneratedCity {
  Instance in;
  std::string secret, commitment, public_value;
};

GeneratedCity GenerateCity(const CityOptions& options);

}  // namespace qf::placement
