// The placement domain's records (schema 0018): designated schools and their seats, applications from the portal
// with their on-site review, and placement runs — the seed committed before the run, the witness's value, deferred
// acceptance over the eligible, the min-cost-flow comparison, publication with the record's hash in the ledger,
// each family's result with its explanation, objections that become cases, and decisions that change a seat.
// The rules live in eligibility.h (who and which tier) and match.h (the mechanism); this file stores and reads.
// Store functions run inside writer commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "cases/cases.h"
#include "common/json_input.h"
#include "placement/city.h"
#include "placement/eligibility.h"
#include "placement/match.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::placement {

struct PlacementEnv {
  std::shared_ptr<const Policy> policy;
  const vault::Vault* vault = nullptr;
  cases::CaseEnv case_env;
};

// The facts of an application that decide eligibility and tier, as read from a request: all on the portal's form
// (居住证 date, proof of work and housing required there), each optional in a reviewer's corrections. One home for
// what each fact may be.
struct FactsInput {
  std::optional<absl::CivilDay> residence_since;
  std::optional<std::string> work_proof, housing, special;
  std::optional<int> tenancy_months, insurance_months;
  bool empty() const {
    return !residence_since && !work_proof && !housing && !special && !tenancy_months && !insurance_months;
  }
};
FactsInput ReadFacts(JsonInput& in, const Policy& policy, bool required);
// The facts with the corrections applied.
Facts Corrected(Facts facts, const FactsInput& c);

// A point picked on the district's map, in micro-degrees. It is kept as the centre of its grid cell (MapCell), so
// that neither the record nor the class list carries the family's door.
struct MapPoint {
  int32_t lat_e6 = 0, lon_e6 = 0;
};
// The grid cell of a point (about 250 m a side): its centre and its name ("网格 E123-N456"), stable for a point.
struct MapCell {
  int32_t lat_e6 = 0, lon_e6 = 0;
  std::string name;
};
MapCell CellOf(MapPoint p);

// What a family submits on the portal. Names and the phone are sealed; the child's masked name is kept in clear.
// The home is a compound from the district's list or a point on its map (exactly one).
struct ApplicationRequest {
  std::string child_name, guardian_name, guardian_phone;
  std::string district;
  int64_t compound_id = 0;
  std::optional<MapPoint> point;
  int grade = 1;
  absl::CivilDay residence_since;
  std::string work_proof, housing, special;
  int tenancy_months = 0, insurance_months = 0;
  std::vector<std::string> choices;  // designated school codes, ranked
  bool notify = false;               // the guardian asks to be told by text message when the placement is published
};
absl::StatusOr<ApplicationRequest> ParseApplication(const Policy& policy, const boost::json::object& body);

// Designated schools of the year with their approved seats, the residential compounds by district, the review
// items and the tiers with their rules: what the portal's form needs.
absl::StatusOr<boost::json::object> PublicSchools(Db& db, const PlacementEnv& env);
// Registers an application and assesses it; answers its public number and the code to follow it (shown once).
absl::StatusOr<boost::json::object> Apply(Tx& tx, const PlacementEnv& env, const ApplicationRequest& r);
// What a family sees by its code: state, assessment with reasons, items sent back, and once published the seat
// and why (the last child admitted at each school it ranked higher).
absl::StatusOr<boost::json::object> Follow(Db& db, const PlacementEnv& env, const std::string& code);
// An objection to the published result: a case (招生入学) for the district's bureau with the explanation attached.
absl::StatusOr<boost::json::object> Object(Tx& tx, const PlacementEnv& env, const std::string& code,
                                           const std::string& content);

// Staff: a district bureau's handler sees its district's applications; the discipline office every district.
absl::StatusOr<boost::json::object> Applications(Db& db, const PlacementEnv& env, const std::string& district,
                                                 const std::string& state, const Principal& who);
// Its statement, newest 200 first: year, then the district and the state when given, bound in that order (the
// indexes of migration 0046 serve each shape without a sort).
std::string ApplicationsSql(bool by_district, bool by_state);
// One reviewed item (谁审核、谁签字): ok, or returned with a reason and a date to bring it by. When every item is
// ok the application is eligible or not by the policy; any returned item returns it.
// The reviewer may correct the facts from the documents seen (`corrected`): the application is then re-assessed
// under the policy, and the change with the tier before and after goes to the ledger with the review.
struct ReviewRequest {
  std::string item, result, reason;
  std::optional<absl::CivilDay> due_on;
  FactsInput corrected;
};
absl::StatusOr<ReviewRequest> ParseReview(const Policy& policy, const boost::json::object& body);
absl::StatusOr<boost::json::object> Review(Tx& tx, const PlacementEnv& env, int64_t application_id,
                                           const ReviewRequest& r, const Principal& who);
// At start-up: every application of the policy's year assessed under another policy (data/placement/policy.toml
// changed) is assessed again; a change of eligibility or tier goes to the ledger (placement.reassessed), and the
// count under placement.policy_applied. A run keeps the tiers it ran with. Answers how many changed.
absl::StatusOr<int64_t> ReassessUnderPolicy(Tx& tx, const PlacementEnv& env);

// Seats: a school's handler enters its seats per grade; the district approves (only approved seats are run).
absl::StatusOr<boost::json::object> SetSeats(Tx& tx, const PlacementEnv& env, const std::string& code, int grade,
                                             int seats, const Principal& who);
absl::StatusOr<boost::json::object> ApproveSeats(Tx& tx, const PlacementEnv& env, const std::string& code, int grade,
                                                 const Principal& who);
// Per district and grade: approved seats against eligible children by tier, with a warning (学位预警) where short.
absl::StatusOr<boost::json::object> Board(Db& db, const PlacementEnv& env);

// A run: requested with its witness (the secret committed now), run by the witness's public value, published.
absl::StatusOr<boost::json::object> RequestRun(Tx& tx, const PlacementEnv& env, int64_t witness_account_id,
                                               const Principal& who);
// A run's draw computed on a reading connection, nothing written (ComputeDraw): the witness's public value checked,
// the inputs read (approved seats, eligible children in canonical order), the lottery, deferred acceptance, the flow
// comparison, the summary and the record's digest. Over the seed's 43,000 children this is most of a draw's time;
// DrawRun then holds the writer, which every other write waits on, only to read the inputs again and store it.
struct DrawComputed {
  int64_t run_id = 0;
  std::string commitment, public_value;
  draws::Seed seed{};
  Instance in;  // with the lottery numbers
  std::vector<int64_t> app_ids;
  Result result;
  boost::json::object summary;
  std::string schools_json;  // the record's schools and seats, as the run keeps them
  std::string seats_sha256;  // the digest of the record's children (their seats), for the ledger
};
absl::StatusOr<std::shared_ptr<const DrawComputed>> ComputeDraw(Db& db, const PlacementEnv& env, int64_t run_id,
                                                                const std::string& public_value, const Principal& who);
// Draws a run: its state and the witness checked, the inputs read, the outcome stored and its digest in the ledger.
// With `computed` (ComputeDraw's, made before this command), its outcome is stored when the seed and inputs read now
// are the same; otherwise (they changed meanwhile, or none was given) the draw is computed here.
absl::StatusOr<boost::json::object> DrawRun(Tx& tx, const PlacementEnv& env, int64_t run_id,
                                            const std::string& public_value, const Principal& who,
                                            std::shared_ptr<const DrawComputed> computed = nullptr);
absl::StatusOr<boost::json::object> PublishRun(Tx& tx, const PlacementEnv& env, int64_t run_id, const Principal& who);
absl::StatusOr<boost::json::object> RunView(Db& db, const PlacementEnv& env, int64_t run_id);
// Every run, newest first, with its state and counts.
absl::StatusOr<boost::json::object> Runs(Db& db);
// The published record (RecordJson) anyone checks with `qingfeng placement verify`; without the children (a page
// that shows the commitment and the counts), their number and how many were placed instead.
absl::StatusOr<boost::json::object> PublicRecord(Db& db, int64_t run_id, bool with_children = true);
// The public notice of a published run (公示): per school, the children seated there as the seat stands, each by
// masked name and the application number shown in part, with the record's hash and the ledger entry that published
// it. Without a school: the schools with their counts.
absl::StatusOr<boost::json::object> PublicNotice(Db& db, int64_t run_id, const std::string& school);
// Objections to the latest published run that the staff member may act on (their district's; every district for the
// office), with each one's case, the seat as it stands and any decision since.
absl::StatusOr<boost::json::object> Objections(Db& db, const PlacementEnv& env, const Principal& who);
// A recorded decision moving a child's seat (an appeal upheld): shown by the verifier as an exception.
absl::StatusOr<boost::json::object> Decide(Tx& tx, const PlacementEnv& env, int64_t run_id, const std::string& ref,
                                           const std::optional<std::string>& to_school, const std::string& reason,
                                           const Principal& who);

// The children a published run seats at one school (a decision's seat where one was made since), with their names
// still sealed: the school's class list and the letters' addressees. Recorded before anything is opened
// (placement.names_opened, with the purpose and the count) in the same command; the caller opens the names with the
// vault afterwards. A school's own handler (the school's unit), the district's bureau, or the discipline office.
struct SeatedChild {
  std::string ref, sealed, compound;
  int grade = 0, rank = 0;
  bool chosen = false;
  int64_t metres = 0;
};
struct SeatedSchool {
  int64_t run_id = 0;
  int year = 0;
  std::string code, name, district;
  std::vector<SeatedChild> children;
};
absl::StatusOr<SeatedSchool> OpenSeated(Tx& tx, int64_t run_id, const std::string& school, const std::string& purpose,
                                        const Principal& who);
boost::json::value SeatedJson(const SeatedSchool& s);
SeatedSchool SeatedFromJson(const boost::json::value& v);
// A seated child's names as sealed at application: child_name, guardian_name, guardian_phone.
struct Names {
  std::string child, guardian, phone;
};
absl::StatusOr<Names> OpenNames(const vault::Vault& vault, const SeatedChild& c);
// The school's class list as a workbook (one row per child, by grade then application number).
absl::StatusOr<std::string> ClassListXlsx(const SeatedSchool& s, const vault::Vault& vault);

// The year's placement in figures, for the half-year summary: the latest run published between two instants.
struct PublishedFigures {
  int64_t run_id = 0;
  int year = 0;
  int schools = 0, county_schools = 0;  // designated schools with approved seats; those in counties (…县)
  int64_t eligible = 0, placed = 0, chosen = 0;
};
absl::StatusOr<std::optional<PublishedFigures>> PublishedBetween(Db& db, absl::Time from, absl::Time to);

// The demo's designated schools, compounds and applications from a generated city, eligible and ready to run;
// `units` links a school (by code) to its org unit, whose handler then enters that school's seats.
absl::Status SeedDemo(Tx& tx, const PlacementEnv& env, const GeneratedCity& city, int64_t account_id,
                      const std::map<std::string, int64_t>& units);

}  // namespace qf::placement
