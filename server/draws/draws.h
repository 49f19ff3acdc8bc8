// Pools (experts, inspectors, exam supervisors) and auditable draws from them: a request freezes the eligible
// candidates in canonical order with every exclusion and its reason and publishes the commitment; the witness
// enters the public value and the shuffled call order follows (draws/draw.h); declines are recorded and the
// next down the list is called; release reveals the secret so anyone recomputes the result (Verify, and the
// portal). Eligibility, the call-down and verification are pure; store functions run in writer commands (Tx)
// or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/table_file.h"
#include "auth/roles.h"
#include "draws/assign.h"
#include "draws/witnessed.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::draws {

// The pools members are drawn from.
enum class Pool { kExpert, kInspector, kSupervisor };
std::optional<Pool> ParsePool(std::string_view code);  // "expert" …
std::string_view PoolCode(Pool pool);
std::string_view PoolLabel(Pool pool);                 // "评审专家库" …
std::vector<std::string_view> PoolCodes();

// A draw's life: committed at the request (candidates frozen, commitment published), drawn by the witness
// (order sealed), released (the secret and the result public).
enum class DrawState { kCommitted, kDrawn, kReleased };
std::optional<DrawState> ParseDrawState(std::string_view code);
std::string_view DrawStateCode(DrawState state);
std::string_view DrawStateLabel(DrawState state);

// What may be done to a draw, by whom and when: one rule per action, checked by the command and listed in the
// staff view (`actions`). The witness draws; the requester and the witness record declines and release; after
// release the requester records conclusions and either records a recusal.
enum class DrawAction { kDraw, kDecline, kRelease, kConclude, kRecuse };
struct DrawFacts {
  DrawState state = DrawState::kCommitted;
  bool requester = false, witness = false;
};
absl::Status MayTake(DrawAction action, const DrawFacts& facts);
std::vector<std::string> Actions(const DrawFacts& facts);

// A pool member with the facts recusal needs.
struct Member {
  std::string code;
  int64_t person_id = 0;
  std::string name;
  int64_t unit_id = 0;
  std::string unit_name;
  std::string specialty, title, region;
  std::optional<double> lat, lon;
  std::vector<int64_t> former_unit_ids;
  std::vector<int64_t> relative_exam_unit_ids;  // schools where a relative sits an exam (supervisors)
  bool active = true;
  std::optional<absl::Time> last_selected;  // last time chosen in a draw (for the cool-down)
};

struct Conditions {
  std::string specialty, title, region;  // empty: any
};

// Recusal rules of a request (DOMAIN.md section 5).
struct Recusal {
  int64_t applicant_unit_id = 0;           // members of (or formerly of) the applicant's unit
  std::vector<int64_t> party_person_ids;   // the parties themselves and their declared relatives
  int64_t supervising_unit_id = 0;         // staff of the supervising unit and units below it
  std::vector<int64_t> prior_person_ids;   // anyone involved before in the matter
  int cooldown_days = 0;                   // chosen within this many days before
};

struct Exclusion {
  std::string code;
  std::string reason;
};

// What eligibility needs to know about the organisation (so that the rule is pure). Either may fail (a
// database error): recusal then fails closed — the draw stops with the error, nobody is counted unrelated.
struct OrgFacts {
  std::function<absl::StatusOr<bool>(int64_t unit, int64_t ancestor)> within;
  std::function<absl::StatusOr<std::vector<int64_t>>(int64_t person)> relatives;
};

// The candidates (codes in canonical order) and the exclusions with their reasons.
struct Eligibility {
  std::vector<std::string> candidates;
  std::vector<Exclusion> excluded;
};
absl::StatusOr<Eligibility> Eligible(const std::vector<Member>& pool, const Conditions& c, const Recusal& r,
                                     const OrgFacts& org, absl::Time now);

// The state of the call-down: each called member's status in call order.
struct Call {
  std::string code;
  std::string status;  // selected, backup, declined
  std::string reason;  // for declined
};
// The first `count` of the order are selected and the next `backups` are backups; each decline in turn
// (by code, in the order recorded) of a selected person promotes the first backup, or calls the next one down
// when no backup waits; then the backups are topped up to their number from the order.
absl::StatusOr<std::vector<Call>> CallDown(const std::vector<std::string>& order, int count, int backups,
                                           const std::vector<Exclusion>& declines);

// Recomputes a released draw from its public record (as served by GET /api/v1/public/draws/{id}) and returns
// the checks passed and failed, in Chinese.
struct Verification {
  bool ok = false;
  std::vector<std::string> passed, failed;
};
Verification Verify(const boost::json::object& public_record);

// Store.
struct DrawEnv {
  const vault::Vault* vault;
};

// A pool member as staff enter it: the person by code, their specialty, title and region, former employers and
// schools where a relative sits an exam (unit codes, comma-separated), and whether they are in the pool.
struct MemberInput {
  std::string code, person_code, specialty, title, region, former_units, relative_units;
  std::optional<double> lat, lon;
  bool active = true;
};
absl::StatusOr<MemberInput> ParseMember(const boost::json::object& body);
absl::StatusOr<boost::json::object> SaveMember(Tx& tx, Pool pool, const MemberInput& m);
// The member import's kind in data/imports/columns.toml and the fields ImportMembers reads from its columns there.
inline constexpr std::string_view kMemberImport = "pool-members";
std::vector<std::string_view> MemberImportFields();
absl::StatusOr<boost::json::object> ImportMembers(Tx& tx, Pool pool, const ImportColumns& columns, const Table& t,
                                                  bool accept_valid);
absl::StatusOr<boost::json::object> ListMembers(Db& db, Pool pool);
absl::StatusOr<std::vector<Member>> LoadPool(Db& db, Pool pool, bool active_only);

// The accounts that may witness (draws/witnessed.h kWitnessRoles), for the request forms.
absl::StatusOr<boost::json::object> Witnesses(Db& db);

// A draw request: purpose, pool, how many and how many backups, the witness, the conditions on the members and
// the recusal rules.
struct DrawRequest {
  std::string purpose;
  Pool pool = Pool::kExpert;
  int64_t count = 0, backups = 0, witness_account_id = 0;
  Conditions conditions;
  Recusal recusal;
};
absl::StatusOr<DrawRequest> ParseDrawRequest(const boost::json::object& body, const Principal& who);
absl::StatusOr<boost::json::object> RequestDraw(Tx& tx, const DrawEnv& env, const DrawRequest& r, const Principal& who);
absl::StatusOr<boost::json::object> PerformDraw(Tx& tx, const DrawEnv& env, int64_t id, const std::string& public_value,
                                                const Principal& who);
absl::StatusOr<boost::json::object> Decline(Tx& tx, int64_t id, const std::string& code, const std::string& reason,
                                            const Principal& who);
absl::StatusOr<boost::json::object> Release(Tx& tx, const DrawEnv& env, int64_t id, const Principal& who);
// An expert's conclusion on one item of the review (a short result), recorded by the requester after release for a
// member who is selected.
absl::Status RecordConclusion(Tx& tx, int64_t id, const std::string& code, const std::string& item,
                              const std::string& result, const Principal& who);
// A recusal found after release: the member is taken off (the next in the drawn order is called, as for a decline)
// and every conclusion they gave is void, with the reason, on the draw's record.
absl::StatusOr<boost::json::object> RecuseAfterRelease(Tx& tx, int64_t id, const std::string& code,
                                                       const std::string& reason, const Principal& who);

// Staff view: the sealed parts only for the requester and the witness until release.
absl::StatusOr<boost::json::object> StaffView(Db& db, int64_t id, const Principal& who);
absl::StatusOr<boost::json::object> StaffList(Db& db, const Principal& who);
// The public record: the commitment from the request on; everything needed to recompute once released.
absl::StatusOr<boost::json::object> PublicRecord(Db& db, int64_t id);
absl::StatusOr<boost::json::object> PublicList(Db& db);

// Assigns supervisors to sites (draws/assign.h): sites {code, host_unit_id, examinee_unit_ids, quota} located at
// their host school; supervisors from a released supervisor draw (draw_id) or the whole active pool. Stored with
// each placement's explanation, or the reasons the quotas cannot be met; an event records it.
struct AssignmentRequest {
  std::string title;
  int64_t draw_id = 0;
  std::vector<Site> sites;  // code, quota, host unit, optional name, examinee units
};
absl::StatusOr<AssignmentRequest> ParseAssignment(const boost::json::object& body);
absl::StatusOr<boost::json::object> MakeAssignment(Tx& tx, const AssignmentRequest& r);
absl::StatusOr<boost::json::object> ListAssignments(Db& db);
absl::StatusOr<boost::json::object> LoadAssignment(Db& db, int64_t id);

// ---- Figures for the half-year summary ----
struct DrawFigures {
  std::string purpose;
  Pool pool = Pool::kExpert;
  int selected = 0, declined = 0;  // people drawn who serve; those called who declined or recused
  int sites = 0;                   // exam sites they were placed at (the latest assignment from the draw)
  std::string witness;             // who witnessed the draw
};
// The draws released in [from, to] (Beijing days), oldest first.
absl::StatusOr<std::vector<DrawFigures>> ReleasedBetween(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::draws
