#include "placement/city.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "fmt/format.h"

namespace qf::placement {

namespace {

std::vector<CityDistrict> DemoDistricts() {
  return {{"瑶海区", false, 31.87, 117.31, 1.2}, {"庐阳区", false, 31.88, 117.26, 1.0},
          {"蜀山区", false, 31.85, 117.22, 1.2}, {"包河区", false, 31.79, 117.30, 1.3},
          {"高新区", false, 31.83, 117.13, 0.6}, {"经开区", false, 31.78, 117.20, 0.9},
          {"新站区", false, 31.91, 117.34, 0.7}, {"长丰县", true, 32.05, 117.17, 0.5},
          {"肥东县", true, 31.88, 117.47, 0.6}, {"肥西县", true, 31.71, 117.16, 0.6}};
}

// n items spread over the districts in proportion to their weights (largest remainders), given a subset.
std::vector<int> Spread(int n, const std::vector<CityDistrict>& ds, const std::vector<size_t>& which) {
  double total = 0;
  for (size_t d : which) total += ds[d].weight;
  std::vector<int> out(ds.size(), 0);
  std::vector<std::pair<double, size_t>> rem;
  int given = 0;
  for (size_t d : which) {
    double exact = n * ds[d].weight / total;
    out[d] = static_cast<int>(exact);
    given += out[d];
    rem.push_back({exact - out[d], d});
  }
  std::sort(rem.rbegin(), rem.rend());
  for (size_t k = 0; given < n; ++k, ++given) ++out[rem[k % rem.size()].second];
  return out;
}

}  // namespace

GeneratedCity GenerateCity(const CityOptions& o) {
  std::mt19937_64 rng(o.seed);
  auto unit = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  auto around = [&](double centre, double spread) {
    return static_cast<int32_t>(std::lround((centre + std::normal_distribution<double>(0, spread)(rng)) * 1e6));
  };
  std::vector<CityDistrict> ds = o.districts.empty() ? DemoDistricts() : o.districts;
  if (!o.given.empty())
    std::erase_if(ds, [&](const CityDistrict& d) {
      return std::none_of(o.given.begin(), o.given.end(), [&](const GivenSchool& g) { return g.district == d.name; });
    });
  std::vector<size_t> all, urban, county;
  for (size_t d = 0; d < ds.size(); ++d) {
    all.push_back(d);
    (ds[d].county ? county : urban).push_back(d);
  }
  std::vector<int> schools_in;
  if (!o.given.empty()) {
    for (const CityDistrict& d : ds)
      schools_in.push_back(static_cast<int>(std::count_if(o.given.begin(), o.given.end(), [&](const GivenSchool& g) { return g.district == d.name; })));
  } else if (o.county_schools >= 0 && !county.empty() && !urban.empty()) {
    std::vector<int> u = Spread(o.schools - o.county_schools, ds, urban), c = Spread(o.county_schools, ds, county);
    for (size_t d = 0; d < ds.size(); ++d) schools_in.push_back(u[d] + c[d]);
  } else {
    schools_in = Spread(o.schools, ds, all);
  }
  GeneratedCity city;
  Instance& in = city.in;
  // Schools: about three primary (grade 1) for two junior middle (grade 7) in each district, or those given.
  for (size_t d = 0; d < ds.size(); ++d) {
    double spread = ds[d].county ? 0.06 : 0.025;
    std::vector<const GivenSchool*> here;
    for (const GivenSchool& g : o.given)
      if (g.district == ds[d].name) here.push_back(&g);
    for (int k = 0; k < schools_in[d]; ++k) {
      School s;
      s.code = fmt::format("DS{:04d}", static_cast<int>(in.schools.size()) + 1);
      bool primary = in.schools.size() % 5 < 3;
      s.name = fmt::format("{}{}{}", ds[d].name.substr(0, ds[d].name.size() - 3), k + 1, primary ? "号小学" : "号初中");
      s.district = ds[d].name;
      s.lat_e6 = around(ds[d].lat, spread);
      s.lon_e6 = around(ds[d].lon, spread);
      if (here.empty()) {
        s.seats[primary ? 1 : 7] = 0;
      } else {
        s.name = here[static_cast<size_t>(k)]->name;
        for (int g : here[static_cast<size_t>(k)]->grades) s.seats[g] = 0;
      }
      in.schools.push_back(s);
    }
  }
  // Children live in compounds near their district's centre; grade 1 three in five, grade 7 the rest.
  std::vector<int> children_in = Spread(o.children, ds, all);
  std::map<int, std::vector<int>> offering;  // grade → schools
  for (size_t s = 0; s < in.schools.size(); ++s)
    for (auto [grade, none] : in.schools[s].seats) offering[grade].push_back(static_cast<int>(s));
  int serial = 0;
  for (size_t d = 0; d < ds.size(); ++d) {
    double spread = ds[d].county ? 0.06 : 0.025;
    int compounds = std::max(1, children_in[d] / 20);
    std::vector<std::pair<int32_t, int32_t>> points;
    for (int k = 0; k < compounds; ++k) points.push_back({around(ds[d].lat, spread), around(ds[d].lon, spread)});
    std::vector<int> near_schools;  // the district's schools
    for (size_t s = 0; s < in.schools.size(); ++s)
      if (in.schools[s].district == ds[d].name) near_schools.push_back(static_cast<int>(s));
    for (int k = 0; k < children_in[d]; ++k) {
      Child c;
      c.ref = fmt::format("SQ2026-{:06d}", ++serial);
      c.district = ds[d].name;
      c.grade = unit() < 0.6 ? 1 : 7;
      auto [lat, lon] = points[static_cast<size_t>(unit() * points.size()) % points.size()];
      c.lat_e6 = lat, c.lon_e6 = lon;
      double t = unit();
      c.tier = t < 0.03 ? kSpecial : t < 0.38 ? kNearby : t < 0.68 ? kRelativelyNear : kPlacedByDistrict;
      // Up to three choices among the nearest schools of the grade in the district; one family in five lists none.
      std::vector<std::pair<int64_t, int>> by_distance;
      for (int s : near_schools)
        if (in.schools[s].seats.contains(c.grade)) by_distance.push_back({Metres(c, in.schools[s]), s});
      std::sort(by_distance.begin(), by_distance.end());
      int want = unit() < 0.2 ? 0 : 1 + static_cast<int>(unit() * 3);
      for (size_t j = 0; j < by_distance.size() && static_cast<int>(c.choices.size()) < want; ++j)
        if (unit() < 0.6) c.choices.push_back(in.schools[by_distance[j].second].code);
      in.children.push_back(std::move(c));
    }
  }
  // Seats: each district plans seat_ratio × its children of each grade over its schools of that grade (with some
  // spread between schools); the children of a district without such a school are planned for over the city.
  std::map<std::pair<std::string, int>, int> demand;
  for (const Child& c : in.children) ++demand[{c.district, c.grade}];
  auto share = [&](const std::vector<int>& list, int grade, int total) {
    std::vector<double> w;
    double sum = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      w.push_back(0.6 + unit() * 0.8);
      sum += w.back();
    }
    int given = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      int n = static_cast<int>(total * w[k] / sum);
      in.schools[list[k]].seats[grade] += n;
      given += n;
    }
    for (size_t k = 0; given < total; ++given, k = (k + 1) % list.size()) ++in.schools[list[k]].seats[grade];
  };
  for (auto& [grade, list] : offering) {
    int orphans = 0;
    for (const CityDistrict& d : ds) {
      std::vector<int> mine;
      for (int s : list)
        if (in.schools[s].district == d.name) mine.push_back(s);
      int want = static_cast<int>(std::ceil(demand[{d.name, grade}] * o.seat_ratio));
      if (mine.empty()) orphans += demand[{d.name, grade}];
      else share(mine, grade, want);
    }
    if (orphans > 0) share(list, grade, static_cast<int>(std::ceil(orphans * o.seat_ratio)));
  }
  // The committed seed (the witness's value entered at draw time) and every child's lottery number.
  city.secret = fmt::format("{:016x}{:016x}", rng(), rng());
  city.commitment = draws::Commitment(city.secret);
  city.public_value = fmt::format("见证人输入 {}", o.seed);
  draws::Seed seed = draws::MakeSeed(city.secret, city.public_value);
  for (Child& c : in.children) c.lottery = LotteryNumber(seed, c.ref);
  return city;
}

}  // namespace qf::placement
