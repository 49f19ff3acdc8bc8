// The placement of migrant workers' children in designated schools (随迁子女, DOMAIN.md section 7): student-proposing
// deferred acceptance over inputs that are published, the same computation as a verifier runs it from the
// published record alone (lottery numbers, capacity, stability, equality with a recomputation), and a min-cost
// flow on the same data as a comparison (LEMON network simplex). docs/placement.md states the rules. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "draws/draw.h"

namespace qf::placement {

// A designated school and its seats per grade (1 and 7, and transfer grades).
// Coordinates are whole micro-degrees (about 0.1 m), so that the published record carries them exactly and every
// verifier computes the same distances.
struct School {
  std::string code, name, district;
  int32_t lat_e6 = 0, lon_e6 = 0;
  std::map<int, int> seats;  // grade → seats
  bool operator==(const School&) const = default;
};

// Priority tiers (placement policy): a special category placed by rule, 房户一致 to the nearby school, long-term
// renters relatively near (相对就近), other eligible children placed by the district (统筹安排).
enum Tier { kSpecial = 0, kNearby = 1, kRelativelyNear = 2, kPlacedByDistrict = 3 };

// A child as placement sees it. The home is a reference point (the residential compound's, or the centre of the
// grid cell of a point picked on the map) so that publishing it does not publish the family's door.
struct Child {
  std::string ref;  // the public application number; the lottery number is drawn for it
  std::string district;
  int grade = 1;
  int tier = kPlacedByDistrict;
  int32_t lat_e6 = 0, lon_e6 = 0;
  std::vector<std::string> choices;  // ranked designated schools (codes); may be empty
  int64_t lottery = 0;               // 53 random bits; smaller is luckier (shown as lottery / 2^53)
};

// Schools in canonical order (by code) and children in canonical order (by ref), with their lottery numbers.
struct Instance {
  std::vector<School> schools;
  std::vector<Child> children;
};

// The child's lottery number: the top 53 bits of the first word of the draw stream seeded with
// SHA-256(seed ‖ "lottery:" ‖ ref); an integer, so that the published record carries it exactly. Shown as a
// fraction of 2^53 in [0, 1) (LotteryShown).
int64_t LotteryNumber(const draws::Seed& seed, std::string_view ref);
double LotteryShown(int64_t lottery);

// Great-circle distance between a child's home point and a school, in whole metres (the draw engine's).
int64_t Metres(const Child& c, const School& s);

// A child's place in a school's order: tier, then distance (nearer first), then lottery number, then ref.
struct Priority {
  int tier = 0;
  int64_t metres = 0;
  int64_t lottery = 0;
  std::string_view ref;
  auto operator<=>(const Priority&) const = default;
};
Priority PriorityAt(const Child& c, const School& s);

// The child's list of schools (indexes into schools): its ranked choices that offer its grade, then every other
// school of its district offering the grade by distance (统筹兜底), then the other districts' by distance (ties by
// code). Every school offering the grade is on it, so that a child stays unplaced only when seats run out.
std::vector<int> PreferenceList(const Instance& in, const Child& c);

struct Seat {
  int school = -1;  // index into schools, or -1: unplaced
  int rank = 0;     // 1-based position on the child's list; 0 unplaced
  int64_t metres = 0;
  bool chosen = false;  // one of the family's own choices
};

// Seats short before a run, per district and grade (children living there vs the district's seats) and per grade
// over the city (when the city is short, some children cannot be placed at all).
struct Shortfall {
  std::string district;  // "" for the whole city
  int grade = 0;
  int children = 0, seats = 0;
};
std::vector<Shortfall> Shortfalls(const Instance& in);

struct Result {
  std::vector<Seat> seats;  // per child
  int placed = 0;
  int64_t total_metres = 0;  // over placed children
};
// Student-proposing deferred acceptance: stable (no child loses a seat to a child of lower priority at that school,
// and no seat a child wanted is left empty) and the best stable outcome for every child.
Result DeferredAcceptance(const Instance& in);

// The last child admitted to each school and grade (the worst priority held), for explanations and checks.
std::map<std::pair<int, int>, Priority> Cutoffs(const Instance& in, const Result& r);

// Why a child got its seat: for each school the child listed above it, the last child admitted there.
struct Above {
  int school = 0;
  bool full = true;             // false: a seat was free there (a broken result)
  std::optional<Priority> last;  // the last child admitted
  Priority yours;
};
std::vector<Above> Explain(const Instance& in, const Result& r, int child);

// A published placement record checked from its inputs alone: the run's seats (lottery numbers, capacity,
// stability, equality with a recomputation), then the seats as changed since by recorded decisions (appeals),
// each shown as an exception with its reason; a decision may add a seat to a school, nothing else may exceed one.
struct Check {
  bool ok = true;
  std::vector<std::string> passed, failed;  // in Chinese
};
struct Decision {
  std::optional<std::string> from;  // the school the run gave (nullopt: none)
  std::string reason;
};
struct Recorded {
  std::string commitment, public_value, secret;
  Instance in;                                        // children's lottery numbers as published
  std::vector<std::optional<std::string>> school_of;  // per child: the school as published now
  std::map<std::string, Decision> decisions;          // ref → the run's seat and why it was changed
};
Check Verify(const Recorded& rec);

// The min-cost flow on the same children and seats: the most children placed, at the least total distance, with no
// regard to priority. Compared with deferred acceptance: total and mean distance, and how many children the flow
// sends farther while a child of lower priority at a nearer school takes a seat there.
struct Comparison {
  int da_placed = 0, flow_placed = 0;
  int64_t da_metres = 0, flow_metres = 0;
  double da_mean_km = 0, flow_mean_km = 0;
  int flow_envious = 0;  // children the flow would wrong
  int flow_moved = 0;    // children placed elsewhere than deferred acceptance placed them
};
Comparison CompareWithFlow(const Instance& in, const Result& da);

}  // namespace qf::placement
