#include "placement/match.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <queue>
#include <set>
#include <unordered_map>

#include "common/crypto_util.h"
#include "draws/assign.h"
#include "fmt/format.h"

namespace qf::placement {

int64_t LotteryNumber(const draws::Seed& seed, std::string_view ref) {
  draws::Stream s(draws::Derive(seed, std::string("lottery:") + std::string(ref)));
  return static_cast<int64_t>(s.Next() >> 11);
}

double LotteryShown(int64_t lottery) { return static_cast<double>(lottery) / 9007199254740992.0; }

int64_t Metres(const Child& c, const School& s) {
  return draws::DistanceMetres(c.lat_e6 / 1e6, c.lon_e6 / 1e6, s.lat_e6 / 1e6, s.lon_e6 / 1e6);
}

Priority PriorityAt(const Child& c, const School& s) { return {c.tier, Metres(c, s), c.lottery, c.ref}; }

namespace {

int SeatsOf(const School& s, int grade) {
  auto it = s.seats.find(grade);
  return it == s.seats.end() ? 0 : it->second;
}

// School indexes by code.
std::unordered_map<std::string_view, int> ByCode(const Instance& in) {
  std::unordered_map<std::string_view, int> out;
  for (size_t i = 0; i < in.schools.size(); ++i) out.emplace(in.schools[i].code, static_cast<int>(i));
  return out;
}

// The family's own choices that offer the child's grade, in their order, once each.
std::vector<int> Choices(const Instance& in, const std::unordered_map<std::string_view, int>& by_code, const Child& c) {
  std::vector<int> out;
  for (const auto& code : c.choices) {
    auto it = by_code.find(code);
    if (it == by_code.end() || SeatsOf(in.schools[it->second], c.grade) == 0) continue;
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
  return out;
}

// The order of the fallback after the family's choices (统筹兜底): the district's own schools first, then the
// other districts', each by distance, ties by canonical position. The one statement of that rule: deferred
// acceptance sorts by it, the verifier compares with it.
using FallbackKey = std::tuple<bool, int64_t, int>;
FallbackKey FallbackOrder(const Instance& in, const Child& c, int s) {
  return {in.schools[s].district != c.district, Metres(c, in.schools[s]), s};
}

// After the choices: every other school offering the child's grade, in fallback order.
void AppendFallback(const Instance& in, const Child& c, std::vector<int>& list) {
  std::vector<bool> listed(in.schools.size(), false);
  for (int s : list) listed[s] = true;
  std::vector<FallbackKey> rest;
  for (size_t s = 0; s < in.schools.size(); ++s)
    if (!listed[s] && SeatsOf(in.schools[s], c.grade) > 0) rest.push_back(FallbackOrder(in, c, static_cast<int>(s)));
  std::sort(rest.begin(), rest.end());
  for (const FallbackKey& k : rest) list.push_back(std::get<2>(k));
}

// The schools a child ranks above `seat` (-1: every school on its list), in no particular order: its choices before
// the seat, then, when the seat is not one of them, the fallback schools that sort before it — found without
// sorting the whole list, which is what checking 200,000 children against 500 schools would otherwise cost.
std::vector<int> SchoolsAbove(const Instance& in, const std::unordered_map<std::string_view, int>& by_code,
                              const Child& c, int seat) {
  std::vector<int> out = Choices(in, by_code, c);
  if (auto it = std::find(out.begin(), out.end(), seat); it != out.end()) {
    out.erase(it, out.end());
    return out;
  }
  std::vector<bool> chosen(in.schools.size(), false);
  for (int s : out) chosen[s] = true;
  std::optional<FallbackKey> limit;
  if (seat >= 0) limit = FallbackOrder(in, c, seat);
  for (size_t s = 0; s < in.schools.size(); ++s) {
    if (chosen[s] || static_cast<int>(s) == seat || SeatsOf(in.schools[s], c.grade) == 0) continue;
    if (!limit || FallbackOrder(in, c, static_cast<int>(s)) < *limit) out.push_back(static_cast<int>(s));
  }
  return out;
}

// A program is a school's seats in one grade.
struct Programs {
  static constexpr int kGrades = 13;
  std::vector<int> id;  // school * kGrades + grade → program, or -1
  std::vector<int> seats, school, grade;
  explicit Programs(const Instance& in) : id(in.schools.size() * kGrades, -1) {
    for (size_t s = 0; s < in.schools.size(); ++s)
      for (auto [g, n] : in.schools[s].seats)
        if (g > 0 && g < kGrades && n > 0) {
          id[s * kGrades + g] = static_cast<int>(seats.size());
          seats.push_back(n);
          school.push_back(static_cast<int>(s));
          grade.push_back(g);
        }
  }
  int Of(int s, int g) const { return g > 0 && g < kGrades ? id[static_cast<size_t>(s) * kGrades + g] : -1; }
};

}  // namespace

std::vector<int> PreferenceList(const Instance& in, const Child& c) {
  std::vector<int> list = Choices(in, ByCode(in), c);
  AppendFallback(in, c, list);
  return list;
}

std::vector<Shortfall> Shortfalls(const Instance& in) {
  std::map<std::pair<std::string, int>, Shortfall> by;
  for (const auto& c : in.children) {
    auto& d = by[{c.district, c.grade}];
    d.district = c.district, d.grade = c.grade, ++d.children;
    auto& city = by[{"", c.grade}];
    city.grade = c.grade, ++city.children;
  }
  for (const auto& s : in.schools)
    for (auto [g, n] : s.seats) {
      if (auto it = by.find({s.district, g}); it != by.end()) it->second.seats += n;
      if (auto it = by.find({"", g}); it != by.end()) it->second.seats += n;
    }
  std::vector<Shortfall> out;
  for (auto& [k, v] : by)
    if (v.children > v.seats) out.push_back(v);
  return out;
}

Result DeferredAcceptance(const Instance& in) {
  Programs prog(in);
  auto by_code = ByCode(in);
  size_t n = in.children.size();
  std::vector<std::vector<int>> list(n);
  std::vector<int> next(n, 0), chosen(n, 0);
  std::vector<bool> extended(n, false);
  for (size_t i = 0; i < n; ++i) {
    list[i] = Choices(in, by_code, in.children[i]);
    chosen[i] = static_cast<int>(list[i].size());
  }
  // Each program holds its tentatively admitted children, the lowest priority on top.
  using Held = std::pair<Priority, int>;
  std::vector<std::priority_queue<Held>> held(prog.seats.size());
  std::vector<int> free;
  for (size_t i = n; i-- > 0;) free.push_back(static_cast<int>(i));
  while (!free.empty()) {
    int c = free.back();
    free.pop_back();
    const Child& child = in.children[c];
    while (true) {
      if (next[c] == static_cast<int>(list[c].size())) {
        if (extended[c]) break;  // every school offering the grade refused: unplaced
        extended[c] = true;
        AppendFallback(in, child, list[c]);
        continue;
      }
      int s = list[c][next[c]++];
      int p = prog.Of(s, child.grade);
      if (p < 0) continue;
      Priority mine = PriorityAt(child, in.schools[s]);
      auto& h = held[p];
      if (static_cast<int>(h.size()) < prog.seats[p]) {
        h.push({mine, c});
        break;
      }
      if (mine < h.top().first) {
        free.push_back(h.top().second);
        h.pop();
        h.push({mine, c});
        break;
      }
    }
  }
  Result r;
  r.seats.resize(n);
  for (size_t p = 0; p < held.size(); ++p) {
    auto& h = held[p];
    while (!h.empty()) {
      auto [pri, c] = h.top();
      h.pop();
      Seat& seat = r.seats[c];
      seat.school = prog.school[p];
      seat.rank = next[c];
      seat.metres = pri.metres;
      seat.chosen = next[c] <= chosen[c];
      ++r.placed;
      r.total_metres += pri.metres;
    }
  }
  return r;
}

std::map<std::pair<int, int>, Priority> Cutoffs(const Instance& in, const Result& r) {
  std::map<std::pair<int, int>, Priority> out;
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Seat& seat = r.seats[i];
    if (seat.school < 0) continue;
    Priority p = PriorityAt(in.children[i], in.schools[seat.school]);
    auto [it, inserted] = out.try_emplace({seat.school, in.children[i].grade}, p);
    if (!inserted && it->second < p) it->second = p;
  }
  return out;
}

std::vector<Above> Explain(const Instance& in, const Result& r, int child) {
  const Child& c = in.children[child];
  auto cut = Cutoffs(in, r);
  std::map<std::pair<int, int>, int> count;
  for (size_t i = 0; i < in.children.size(); ++i)
    if (r.seats[i].school >= 0) ++count[{r.seats[i].school, in.children[i].grade}];
  std::vector<int> list = PreferenceList(in, c);
  size_t above = r.seats[child].school >= 0 ? static_cast<size_t>(r.seats[child].rank - 1) : list.size();
  std::vector<Above> out;
  for (size_t k = 0; k < above && k < list.size(); ++k) {
    int s = list[k];
    Above a{s, count[{s, c.grade}] >= SeatsOf(in.schools[s], c.grade), std::nullopt, PriorityAt(c, in.schools[s])};
    if (auto it = cut.find({s, c.grade}); it != cut.end()) a.last = it->second;
    out.push_back(a);
  }
  return out;
}

Check Verify(const Recorded& rec) {
  Check out;
  auto fail = [&](std::string s) {
    out.ok = false;
    out.failed.push_back(std::move(s));
  };
  const Instance& in = rec.in;
  // The seed, and every lottery number from it.
  if (draws::Commitment(rec.secret) != rec.commitment) {
    fail("随机种子的承诺值与公布的密钥不符：SHA-256(密钥) ≠ 承诺值");
  } else {
    out.passed.push_back("承诺值 = SHA-256(密钥)：密钥在报名截止前已固定");
    draws::Seed seed = draws::MakeSeed(rec.secret, rec.public_value);
    std::vector<std::string> wrong;
    for (const auto& c : in.children)
      if (LotteryNumber(seed, c.ref) != c.lottery) wrong.push_back(c.ref);
    if (wrong.empty())
      out.passed.push_back(fmt::format("{} 名儿童的随机号均可由种子重算", in.children.size()));
    else
      fail(fmt::format("{} 名儿童的随机号与种子重算不符（如 {}）", wrong.size(), wrong.front()));
  }
  auto by_code = ByCode(in);
  Programs prog(in);
  // The run's seats (a decided child's seat as the run gave it) and today's.
  std::vector<int> at(in.children.size(), -1), now(in.children.size(), -1);
  std::vector<int> count(prog.seats.size(), 0), now_count(prog.seats.size(), 0);
  std::vector<std::string> bad_school;
  auto resolve = [&](size_t i, const std::optional<std::string>& code, std::vector<int>& where, std::vector<int>& n) {
    if (!code) return;
    auto it = by_code.find(*code);
    int p = it == by_code.end() ? -1 : prog.Of(it->second, in.children[i].grade);
    if (p < 0) {
      bad_school.push_back(in.children[i].ref);
      return;
    }
    where[i] = it->second;
    ++n[p];
  };
  for (size_t i = 0; i < in.children.size(); ++i) {
    std::optional<std::string> published = i < rec.school_of.size() ? rec.school_of[i] : std::nullopt;
    auto d = rec.decisions.find(in.children[i].ref);
    resolve(i, d == rec.decisions.end() ? published : d->second.from, at, count);
    resolve(i, published, now, now_count);
  }
  if (!bad_school.empty())
    fail(fmt::format("{} 名儿童被安排到不在名单上或不招该年级的学校（如 {}）", bad_school.size(), bad_school.front()));
  // Capacity of the run.
  int over = 0;
  for (size_t p = 0; p < count.size(); ++p)
    if (count[p] > prog.seats[p] && ++over <= 3)
      fail(fmt::format("{} {} 年级安排 {} 人，超出学位 {} 个", in.schools[prog.school[p]].name, prog.grade[p],
                       count[p], prog.seats[p]));
  if (over == 0) out.passed.push_back("各校各年级安排人数均未超过学位数");
  // Stability: no child listed a school above its seat where a seat was free or a child of lower priority sits.
  std::vector<std::optional<Priority>> worst(prog.seats.size());
  for (size_t i = 0; i < in.children.size(); ++i) {
    if (at[i] < 0) continue;
    int p = prog.Of(at[i], in.children[i].grade);
    Priority pr = PriorityAt(in.children[i], in.schools[at[i]]);
    if (!worst[p] || *worst[p] < pr) worst[p] = pr;
  }
  int envy = 0;
  std::string example;
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Child& c = in.children[i];
    for (int s : SchoolsAbove(in, by_code, c, at[i])) {
      int p = prog.Of(s, c.grade);
      bool free_seat = count[p] < prog.seats[p];
      if (free_seat || (worst[p] && PriorityAt(c, in.schools[s]) < *worst[p])) {
        if (++envy == 1)
          example = fmt::format("{}：排在{}之前的{}{}", c.ref, at[i] < 0 ? "（未安排）" : in.schools[at[i]].name,
                                in.schools[s].name, free_seat ? "尚有空余学位" : "录取了优先级更低的儿童");
        break;
      }
    }
  }
  if (envy == 0)
    out.passed.push_back("结果稳定：没有儿童在其更靠前的学校被空余学位或优先级更低的儿童挤掉");
  else
    fail(fmt::format("结果不稳定：{} 名儿童受到不公（如 {}）", envy, example));
  // The same seats as deferred acceptance recomputed on the same inputs.
  Result again = DeferredAcceptance(in);
  int differ = 0;
  std::string first;
  for (size_t i = 0; i < in.children.size(); ++i)
    if (again.seats[i].school != at[i] && ++differ == 1) first = in.children[i].ref;
  if (differ == 0)
    out.passed.push_back(fmt::format("按公布的规则重算录取，{} 人结果完全一致", in.children.size()));
  else
    fail(fmt::format("重算结果与公布结果有 {} 人不同（如 {}）", differ, first));
  // Seats changed since by recorded decisions: each shown; a school may exceed its seats only by those moved in.
  std::vector<int> moved_in(prog.seats.size(), 0);
  for (size_t i = 0; i < in.children.size(); ++i) {
    auto d = rec.decisions.find(in.children[i].ref);
    if (now[i] != at[i] && d == rec.decisions.end())
      fail(fmt::format("{} 的学校与录取结果不同，却没有记录在案的决定", in.children[i].ref));
    if (d == rec.decisions.end()) continue;
    auto name = [&](int s) { return s < 0 ? std::string("未安排") : in.schools[s].name; };
    out.passed.push_back(fmt::format("例外：{} 经决定由{}调整到{}（{}）", in.children[i].ref, name(at[i]), name(now[i]),
                                     d->second.reason));
    if (now[i] >= 0) ++moved_in[prog.Of(now[i], in.children[i].grade)];
  }
  for (size_t p = 0; p < now_count.size(); ++p)
    if (now_count[p] > prog.seats[p] && now_count[p] - prog.seats[p] > moved_in[p])
      fail(fmt::format("{} {} 年级现有 {} 人，超出学位 {} 个，且多出的不都是经决定调入的", in.schools[prog.school[p]].name,
                       prog.grade[p], now_count[p], prog.seats[p]));
  int placed = static_cast<int>(std::count_if(now.begin(), now.end(), [](int s) { return s >= 0; }));
  out.passed.push_back(fmt::format("共 {} 名儿童，已安排 {} 名", in.children.size(), placed));
  return out;
}

Comparison CompareWithFlow(const Instance& in, const Result& da) {
  using namespace lemon;
  Programs prog(in);
  Comparison out;
  out.da_placed = da.placed;
  out.da_metres = da.total_metres;
  // Children at the same point in the same grade are one supply node.
  std::map<std::tuple<int, int32_t, int32_t>, std::vector<int>> groups;
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Child& c = in.children[i];
    groups[{c.grade, c.lat_e6, c.lon_e6}].push_back(static_cast<int>(i));
  }
  SmartDigraph g;
  SmartDigraph::Node source = g.addNode(), sink = g.addNode();
  std::vector<SmartDigraph::Node> pn;
  for (size_t p = 0; p < prog.seats.size(); ++p) pn.push_back(g.addNode());
  SmartDigraph::ArcMap<int64_t> cap(g), cost(g);
  struct Edge {
    SmartDigraph::Arc arc;
    int program;
    int64_t metres;
  };
  std::vector<std::vector<Edge>> edges;
  std::vector<const std::vector<int>*> members;
  for (auto& [key, kids] : groups) {
    auto node = g.addNode();
    auto a = g.addArc(source, node);
    cap[a] = static_cast<int64_t>(kids.size()), cost[a] = 0;
    std::vector<Edge> es;
    const Child& c = in.children[kids[0]];
    for (size_t p = 0; p < prog.seats.size(); ++p) {
      if (prog.grade[p] != c.grade) continue;
      int64_t m = Metres(c, in.schools[prog.school[p]]);
      auto e = g.addArc(node, pn[p]);
      cap[e] = static_cast<int64_t>(kids.size()), cost[e] = m;
      es.push_back({e, static_cast<int>(p), m});
    }
    edges.push_back(std::move(es));
    members.push_back(&kids);
  }
  for (size_t p = 0; p < prog.seats.size(); ++p) {
    auto a = g.addArc(pn[p], sink);
    cap[a] = prog.seats[p], cost[a] = 0;
  }
  // Children without a seat go straight to the sink at a cost above any journey: the most are placed first.
  auto bypass = g.addArc(source, sink);
  cap[bypass] = static_cast<int64_t>(in.children.size()), cost[bypass] = int64_t{1} << 40;
  NetworkSimplex<SmartDigraph, int64_t, int64_t> ns(g);
  ns.upperMap(cap).costMap(cost).stSupply(source, sink, static_cast<int64_t>(in.children.size()));
  std::vector<int> flow_at(in.children.size(), -1);  // program
  if (ns.run() == NetworkSimplex<SmartDigraph, int64_t, int64_t>::OPTIMAL) {
    // Within a point the flow is indifferent: the children of higher priority take the nearer seats.
    for (size_t k = 0; k < edges.size(); ++k) {
      std::vector<int> kids = *members[k];
      std::sort(kids.begin(), kids.end(), [&](int a, int b) {
        return std::tie(in.children[a].tier, in.children[a].lottery, in.children[a].ref) <
               std::tie(in.children[b].tier, in.children[b].lottery, in.children[b].ref);
      });
      std::vector<Edge> es = edges[k];
      std::sort(es.begin(), es.end(), [](const Edge& a, const Edge& b) { return a.metres < b.metres; });
      size_t next = 0;
      for (const Edge& e : es)
        for (int64_t f = ns.flow(e.arc); f > 0 && next < kids.size(); --f) {
          flow_at[kids[next++]] = e.program;
          ++out.flow_placed;
          out.flow_metres += e.metres;
        }
    }
  }
  // The children the flow wrongs: a nearer school has a free seat or seats a child of lower priority there.
  std::vector<std::optional<Priority>> worst(prog.seats.size());
  std::vector<int> count(prog.seats.size(), 0);
  for (size_t i = 0; i < in.children.size(); ++i) {
    int p = flow_at[i];
    if (p < 0) continue;
    ++count[p];
    Priority pr = PriorityAt(in.children[i], in.schools[prog.school[p]]);
    if (!worst[p] || *worst[p] < pr) worst[p] = pr;
  }
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Child& c = in.children[i];
    int64_t mine = flow_at[i] < 0 ? INT64_MAX : Metres(c, in.schools[prog.school[flow_at[i]]]);
    for (size_t p = 0; p < prog.seats.size(); ++p) {
      if (prog.grade[p] != c.grade || static_cast<int>(p) == flow_at[i]) continue;
      Priority there = PriorityAt(c, in.schools[prog.school[p]]);
      if (there.metres >= mine) continue;
      if (count[p] < prog.seats[p] || (worst[p] && there < *worst[p])) {
        ++out.flow_envious;
        break;
      }
    }
    int da_school = da.seats[i].school;
    int flow_school = flow_at[i] < 0 ? -1 : prog.school[flow_at[i]];
    if (da_school != flow_school) ++out.flow_moved;
  }
  out.da_mean_km = out.da_placed ? out.da_metres / 1000.0 / out.da_placed : 0;
  out.flow_mean_km = out.flow_placed ? out.flow_metres / 1000.0 / out.flow_placed : 0;
  return out;
}

}  // namespace qf::placement
