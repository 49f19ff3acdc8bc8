// The pure half of inspections: the sampling frame, the draw, its verification, and the groups.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/crypto_util.h"
#include "draws/assign.h"
#include "fmt/format.h"
#include "inspect/inspect.h"

namespace qf::inspect {
namespace json = boost::json;

std::string StageGroup(std::string_view stage) {
  if (stage == "小学" || stage == "初中" || stage == "九年一贯制") return "义务教育";
  if (stage == "高中" || stage == "完全中学") return "普通高中";
  if (stage == "职业学校") return "职业学校";
  if (stage == "幼儿园") return "学前";
  return std::string(stage);
}

namespace {

int Quota(double rate, int n, const std::map<std::string, int>& minimums, const std::string& label) {
  int q = std::max(1, static_cast<int>(std::ceil(rate * n - 1e-9)));
  std::string group = label.substr(label.find('/') + 1);
  if (auto it = minimums.find(group); it != minimums.end()) q = std::max(q, std::min(it->second, n));
  return std::min(q, n);
}

}  // namespace

SampleFrame BuildFrame(const std::vector<SchoolFact>& schools, double rate, const std::map<std::string, int>& minimums) {
  SampleFrame f;
  std::map<std::string, int> population;
  for (const auto& s : schools) {
    Candidate c;
    c.code = s.code;
    c.id = s.id;
    c.stratum = s.district + "/" + StageGroup(s.stage);
    ++population[c.stratum];
    if (s.hotspot || !s.fee_flag.empty()) {
      c.included = true;
      if (s.hotspot) c.reason = "投诉集中，重点检查：" + s.hotspot_reason;
      if (!s.fee_flag.empty()) c.reason += (c.reason.empty() ? "" : "；") + std::string("收费公示存在问题，重点检查：") + s.fee_flag;
    } else if (s.expected > 0 && s.complaints > s.expected) {
      // Shrunk towards 1 so that one complaint at a small school does not triple its chance: (k + 1) / (E + 1).
      c.weight = std::min(3.0, (s.complaints + 1.0) / (s.expected + 1.0));
      c.reason = fmt::format("近一年投诉 {} 件，高于按在校生数预期的 {:.1f} 件，抽中机会提高到 {:.2f} 倍", s.complaints,
                             s.expected, c.weight);
    }
    f.candidates.push_back(std::move(c));
  }
  std::sort(f.candidates.begin(), f.candidates.end(), [](auto& a, auto& b) { return a.code < b.code; });
  for (auto& [label, n] : population) f.strata.push_back({label, n, Quota(rate, n, minimums, label)});
  return f;
}

std::vector<Picked> DrawSample(const SampleFrame& frame, const draws::Seed& seed) {
  std::vector<Picked> out;
  for (const auto& st : frame.strata) {
    std::vector<draws::Weighted> pool;
    int included = 0;
    for (const auto& c : frame.candidates) {
      if (c.stratum != st.label) continue;
      if (c.included) {
        out.push_back({c.code, st.label, c.reason, "hotspot", c.weight});
        ++included;
      } else {
        pool.push_back({c.code, c.weight});
      }
    }
    int k = std::max(0, st.quota - included);
    auto drawn = draws::WeightedSample(pool, static_cast<size_t>(k), draws::Derive(seed, st.label));
    for (const auto& code : drawn) {
      auto it = std::find_if(frame.candidates.begin(), frame.candidates.end(), [&](auto& c) { return c.code == code; });
      bool weighted = it->weight > 1;
      out.push_back({code, st.label, weighted ? "随机抽中（" + it->reason + "）" : "随机抽中", weighted ? "weighted" : "drawn",
                     it->weight});
    }
  }
  return out;
}

namespace {

std::string Str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace

SampleCheck VerifySample(const json::object& rec) {
  SampleCheck v;
  auto check = [&v](bool ok, std::string code, int64_t n, std::string what) {
    (ok ? v.passed : v.failed).push_back(std::move(what));
    v.items.push_back({std::move(code), ok, n});
  };
  std::string secret = Str(rec, "secret"), commitment = Str(rec, "commitment");
  if (secret.empty()) {
    check(false, "not_drawn", 0, "抽样尚未进行，暂不能验证");
    return v;
  }
  check(draws::Commitment(secret) == commitment, "commitment", 0, "公布的密钥与抽样前公布的承诺值一致");
  SampleFrame f;
  const json::value* cands = rec.if_contains("candidates");
  const json::value* strata = rec.if_contains("strata");
  if (!cands || !cands->is_array() || !strata || !strata->is_array()) {
    check(false, "missing_record", 0, "公开记录缺少候选学校或分层");
    return v;
  }
  for (const auto& x : cands->as_array()) {
    const auto& o = x.as_object();
    Candidate c;
    c.code = Str(o, "code");
    c.stratum = Str(o, "stratum");
    c.weight = o.at("weight").to_number<double>();
    c.included = o.at("included").as_bool();
    f.candidates.push_back(c);
  }
  bool canonical = std::is_sorted(f.candidates.begin(), f.candidates.end(), [](auto& a, auto& b) { return a.code < b.code; });
  check(canonical, "candidates", static_cast<int64_t>(f.candidates.size()), fmt::format("候选学校 {} 所，按代码排序", f.candidates.size()));
  bool quotas_ok = true;
  std::map<std::string, int> minimums;
  if (auto* m = rec.if_contains("minimums"); m && m->is_object())
    for (auto& [k, n] : m->as_object())
      if (n.is_int64()) minimums[std::string(k)] = static_cast<int>(n.as_int64());
  for (const auto& x : strata->as_array()) {
    const auto& o = x.as_object();
    Stratum s{Str(o, "label"), static_cast<int>(o.at("population").to_number<int64_t>()), static_cast<int>(o.at("quota").to_number<int64_t>())};
    int n = static_cast<int>(std::count_if(f.candidates.begin(), f.candidates.end(), [&](auto& c) { return c.stratum == s.label; }));
    double rate = rec.at("rate").to_number<double>();
    if (n != s.population || s.quota != Quota(rate, n, minimums, s.label)) quotas_ok = false;
    f.strata.push_back(s);
  }
  check(quotas_ok, "quotas", 0, "每层抽取数 = ⌈抽样比例 × 该层学校数⌉（不低于该学段的最少抽取数）");
  draws::Seed seed = draws::MakeSeed(secret, Str(rec, "public_value"));
  auto picked = DrawSample(f, seed);
  std::vector<std::string> want, got;
  for (auto& p : picked) want.push_back(p.code);
  if (auto* s = rec.if_contains("sample"); s && s->is_array())
    for (auto& x : s->as_array()) got.push_back(Str(x.as_object(), "code"));
  check(want == got, "sample", static_cast<int64_t>(want.size()), fmt::format("按种子逐层加权抽取，得到与公布结果相同的 {} 所学校", want.size()));
  v.ok = v.failed.empty();
  return v;
}

bool Conflicted(const Inspector& i, int64_t school_id) {
  return i.unit_id == school_id ||
         std::count(i.interest_unit_ids.begin(), i.interest_unit_ids.end(), school_id) > 0;
}

GroupPlan FormGroups(const std::vector<Inspector>& inspectors, const std::vector<GroupSchool>& schools, int groups,
                     int people, const draws::Seed& seed) {
  GroupPlan plan;
  if (groups < 1 || people < 2 * groups) {
    plan.problems.push_back("每组至少 2 名检查人员");
    return plan;
  }
  // Who may inspect at least a group's smallest load of the sampled schools (floor(n / groups), at least one): the
  // others — a district's staff when the sample is mostly their own district's — are passed over in the drawn order,
  // since a group holding them could never take its share.
  const size_t least = schools.empty() ? 0 : std::max<size_t>(1, schools.size() / static_cast<size_t>(groups));
  auto eligible = [&](const Inspector& i) {
    return static_cast<size_t>(std::count_if(schools.begin(), schools.end(), [&](auto& s) { return !Conflicted(i, s.id); })) >= least;
  };
  size_t available = static_cast<size_t>(std::count_if(inspectors.begin(), inspectors.end(), eligible));
  if (available < static_cast<size_t>(people)) {
    plan.problems.push_back(fmt::format("检查人员库中可检查抽中学校的只有 {} 人，组成 {} 个组需要 {} 人", available, groups, people));
    return plan;
  }
  std::vector<std::string> codes;
  for (auto& i : inspectors) codes.push_back(i.code);
  std::sort(codes.begin(), codes.end());
  auto order = draws::Shuffle(codes, draws::Derive(seed, "groups"));
  auto index_of = [&](const std::string& code) {
    return static_cast<size_t>(std::find_if(inspectors.begin(), inspectors.end(), [&](auto& i) { return i.code == code; }) -
                               inspectors.begin());
  };
  plan.members.assign(groups, {});
  int dealt = 0;
  for (size_t k = 0; k < order.size() && dealt < people; ++k) {
    size_t i = index_of(order[k]);
    if (eligible(inspectors[i])) plan.members[dealt++ % groups].push_back(i);
  }

  // Centres: k-means from the farthest-point start (deterministic), ten rounds.
  size_t n = schools.size();
  plan.centers.clear();
  if (n == 0) return plan;
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return schools[a].code < schools[b].code; });
  plan.centers.push_back({schools[idx[0]].lat, schools[idx[0]].lon});
  while (plan.centers.size() < static_cast<size_t>(groups)) {
    size_t best = idx[0];
    int64_t far = -1;
    for (size_t i : idx) {
      int64_t d = INT64_MAX;
      for (auto& c : plan.centers) d = std::min(d, draws::DistanceMetres(schools[i].lat, schools[i].lon, c.first, c.second));
      if (d > far) far = d, best = i;
    }
    plan.centers.push_back({schools[best].lat, schools[best].lon});
  }
  for (int round = 0; round < 10; ++round) {
    std::vector<double> sl(groups, 0), so(groups, 0);
    std::vector<int> cnt(groups, 0);
    for (size_t i = 0; i < n; ++i) {
      int g = 0;
      int64_t d = INT64_MAX;
      for (int c = 0; c < groups; ++c) {
        int64_t dd = draws::DistanceMetres(schools[i].lat, schools[i].lon, plan.centers[c].first, plan.centers[c].second);
        if (dd < d) d = dd, g = c;
      }
      sl[g] += schools[i].lat, so[g] += schools[i].lon, ++cnt[g];
    }
    for (int c = 0; c < groups; ++c)
      if (cnt[c]) plan.centers[c] = {sl[c] / cnt[c], so[c] / cnt[c]};
  }

  // Schools to groups: loads between floor and ceil of n/g, recusal arcs left out, least distance to the centres.
  using namespace lemon;
  SmartDigraph g;
  auto source = g.addNode(), sink = g.addNode();
  std::vector<SmartDigraph::Node> sn, gn;
  for (size_t i = 0; i < n; ++i) sn.push_back(g.addNode());
  for (int c = 0; c < groups; ++c) gn.push_back(g.addNode());
  SmartDigraph::ArcMap<int64_t> lower(g, 0), upper(g), cost(g);
  std::vector<std::tuple<SmartDigraph::Arc, size_t, int>> arcs;
  for (size_t i = 0; i < n; ++i) {
    auto a = g.addArc(source, sn[i]);
    upper[a] = 1, cost[a] = 0;
    for (int c = 0; c < groups; ++c) {
      bool conflict = false;
      for (size_t m : plan.members[c]) conflict |= Conflicted(inspectors[m], schools[i].id);
      if (conflict) continue;
      auto e = g.addArc(sn[i], gn[c]);
      upper[e] = 1;
      cost[e] = draws::DistanceMetres(schools[i].lat, schools[i].lon, plan.centers[c].first, plan.centers[c].second);
      arcs.push_back({e, i, c});
    }
  }
  for (int c = 0; c < groups; ++c) {
    auto a = g.addArc(gn[c], sink);
    lower[a] = static_cast<int64_t>(n / groups);
    upper[a] = static_cast<int64_t>((n + groups - 1) / groups);
    cost[a] = 0;
  }
  NetworkSimplex<SmartDigraph, int64_t, int64_t> ns(g);
  ns.lowerMap(lower).upperMap(upper).costMap(cost).stSupply(source, sink, static_cast<int64_t>(n));
  if (ns.run() != NetworkSimplex<SmartDigraph, int64_t, int64_t>::OPTIMAL) {
    plan.problems.push_back("在回避和均衡负荷的要求下无法分配全部学校：请增加检查组或检查人员");
    return plan;
  }
  plan.school_group.assign(n, -1);
  for (auto& [arc, i, c] : arcs)
    if (ns.flow(arc) > 0) plan.school_group[i] = c;
  return plan;
}

}  // namespace qf::inspect
