#include "draws/assign.h"

#include <lemon/network_simplex.h>
#include <lemon/preflow.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace qf::draws {

int64_t DistanceMetres(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kR = 6371008.8, kRad = M_PI / 180;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return static_cast<int64_t>(std::llround(2 * kR * std::asin(std::min(1.0, std::sqrt(a)))));
}

std::string RecusalReason(const Supervisor& s, const Site& site) {
  if (s.unit_id && s.unit_id == site.host_unit_id) return "考点设在本人学校";
  if (s.unit_id && std::count(site.examinee_unit_ids.begin(), site.examinee_unit_ids.end(), s.unit_id))
    return "本校学生在此考点考试";
  for (int64_t u : s.relative_exam_unit_ids)
    if (u == site.host_unit_id || std::count(site.examinee_unit_ids.begin(), site.examinee_unit_ids.end(), u))
      return "近亲属在此考点考试";
  return "";
}

namespace {

std::string Km(int64_t m) { return fmt::format("{:.1f} 公里", m / 1000.0); }

}  // namespace

AssignmentResult Assign(const std::vector<Site>& sites, const std::vector<Supervisor>& sups) {
  using namespace lemon;
  AssignmentResult out;
  SmartDigraph g;
  SmartDigraph::Node source = g.addNode(), sink = g.addNode();
  std::vector<SmartDigraph::Node> sn, tn;
  for (size_t i = 0; i < sups.size(); ++i) sn.push_back(g.addNode());
  for (size_t j = 0; j < sites.size(); ++j) tn.push_back(g.addNode());
  SmartDigraph::ArcMap<int64_t> cap(g), cost(g);
  struct Edge {
    SmartDigraph::Arc arc;
    size_t sup, site;
    int64_t metres;
  };
  std::vector<Edge> edges;
  std::vector<int> eligible(sites.size(), 0);
  int64_t total = 0;
  for (size_t i = 0; i < sups.size(); ++i) {
    auto a = g.addArc(source, sn[i]);
    cap[a] = 1;
    cost[a] = 0;
    for (size_t j = 0; j < sites.size(); ++j) {
      if (!RecusalReason(sups[i], sites[j]).empty()) continue;
      int64_t m = DistanceMetres(sups[i].lat, sups[i].lon, sites[j].lat, sites[j].lon);
      auto e = g.addArc(sn[i], tn[j]);
      cap[e] = 1;
      cost[e] = m;
      edges.push_back({e, i, j, m});
      ++eligible[j];
    }
  }
  std::vector<SmartDigraph::Arc> site_arcs;
  for (size_t j = 0; j < sites.size(); ++j) {
    auto a = g.addArc(tn[j], sink);
    cap[a] = sites[j].quota;
    cost[a] = 0;
    site_arcs.push_back(a);
    total += sites[j].quota;
  }
  // Feasibility first: the most that can be placed, and if short, which sites cannot be filled.
  Preflow<SmartDigraph, SmartDigraph::ArcMap<int64_t>> pf(g, cap, source, sink);
  pf.run();
  if (pf.flowValue() < total) {
    if (static_cast<int64_t>(sups.size()) < total)
      out.problems.push_back(fmt::format("名额共 {} 个，监考人员只有 {} 人", total, sups.size()));
    for (size_t j = 0; j < sites.size(); ++j)
      if (eligible[j] < sites[j].quota)
        out.problems.push_back(fmt::format("{}需要 {} 人，无需回避的只有 {} 人", sites[j].name, sites[j].quota, eligible[j]));
    // The sink side of a minimum cut: these sites together need more than all who may serve any of them.
    std::vector<std::string> names;
    int64_t need = 0;
    std::vector<bool> can(sups.size(), false);
    for (size_t j = 0; j < sites.size(); ++j) {
      if (pf.minCut(tn[j])) continue;
      names.push_back(sites[j].name);
      need += sites[j].quota;
      for (auto& e : edges)
        if (e.site == j) can[e.sup] = true;
    }
    int64_t avail = std::count(can.begin(), can.end(), true);
    if (!names.empty() && avail < need)
      out.problems.push_back(fmt::format("{}合计需要 {} 人，能去其中任一考点的只有 {} 人", fmt::join(names, "、"), need, avail));
    out.problems.push_back(fmt::format("最多只能安排 {} 人，缺 {} 人：请增加监考人员（另行抽取）或调整名额", pf.flowValue(),
                                       total - pf.flowValue()));
    return out;
  }
  NetworkSimplex<SmartDigraph, int64_t, int64_t> ns(g);
  ns.upperMap(cap).costMap(cost).stSupply(source, sink, total);
  if (ns.run() != NetworkSimplex<SmartDigraph, int64_t, int64_t>::OPTIMAL) {
    out.problems.push_back("求解失败");
    return out;
  }
  out.feasible = true;
  std::vector<int> placed(sups.size(), -1);
  std::vector<int64_t> metres(sups.size(), 0);
  for (auto& e : edges)
    if (ns.flow(e.arc) > 0) {
      placed[e.sup] = static_cast<int>(e.site);
      metres[e.sup] = e.metres;
    }
  for (size_t i = 0; i < sups.size(); ++i) {
    if (placed[i] < 0) {
      out.unused.push_back(sups[i].code);
      continue;
    }
    // The explanation: the nearest site this person may serve, and why they went elsewhere if they did.
    int64_t best = INT64_MAX;
    size_t best_site = 0;
    std::vector<std::string> recused;
    for (size_t j = 0; j < sites.size(); ++j) {
      std::string r = RecusalReason(sups[i], sites[j]);
      if (!r.empty()) {
        recused.push_back(sites[j].name + "（" + r + "）");
        continue;
      }
      int64_t m = DistanceMetres(sups[i].lat, sups[i].lon, sites[j].lat, sites[j].lon);
      if (m < best) best = m, best_site = j;
    }
    const Site& s = sites[placed[i]];
    std::string why = static_cast<size_t>(placed[i]) == best_site
                          ? fmt::format("离本人最近的可去考点（{}）", Km(metres[i]))
                          : fmt::format("{}；最近的可去考点{}（{}）名额已满，按全体总路程最短安排到此", Km(metres[i]),
                                        sites[best_site].name, Km(best));
    if (!recused.empty()) why += "；回避：" + fmt::format("{}", fmt::join(recused, "、"));
    out.placements.push_back({sups[i].code, s.code, metres[i], why});
    out.total_metres += metres[i];
  }
  return out;
}

}  // namespace qf::draws
