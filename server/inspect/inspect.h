// Special inspections (专项检查): campaigns with a checklist, the audited stratified sample of schools (hotspots
// included with their reason, the rest weighted by complaints), inspection groups drawn from the inspector pool
// with recusal and balanced, near loads, checklists filled per school and confirmed by the group leader, findings
// as rectification orders with deadlines and cards, sanctions, one-vote vetoes with their evaluation export,
// and refunds. Sampling, grouping and verification are pure; store functions run
// in writer commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cases/policy.h"
#include "common/calendar.h"
#include "draws/draw.h"
#include "auth/roles.h"
#include "inspect/states.h"
#include "storage/evidence_files.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::inspect {

// ---- Sampling (pure) ----

struct SchoolFact {
  int64_t id = 0;
  std::string code, name, district, stage;  // district: "市直" for schools the city runs
  int64_t enrolment = 0;
  double lat = 0, lon = 0;
  int complaints = 0;     // in the year before the campaign
  double expected = 0;    // what the city's rate per 1,000 pupils predicts
  bool hotspot = false;   // significant after the FDR correction (reports/hotspots.h)
  bool city_run = false;
  std::string hotspot_reason;
  std::string fee_flag;   // a fee campaign: what the school's fee declaration for the term was flagged for
};

struct Candidate {
  std::string code;
  int64_t id = 0;
  std::string stratum;  // "district/stage"
  double weight = 1;
  bool included = false;  // a hotspot: in the sample whatever the draw
  std::string reason;     // why included or weighted up
};

struct Stratum {
  std::string label;
  int population = 0;
  int quota = 0;  // ceil(rate × population)
};

struct SampleFrame {
  std::vector<Stratum> strata;        // by label
  std::vector<Candidate> candidates;  // canonical order (by code)
};
// The stage group a stage is sampled in: 义务教育, 普通高中, 职业学校, 学前.
std::string StageGroup(std::string_view stage);
// Strata by district and stage group; quota per stratum max(ceil(rate × N), min(minimum of its group, N));
// hotspots included; schools with more complaints than expected weighted (k + 1) / (E + 1), at most 3.
SampleFrame BuildFrame(const std::vector<SchoolFact>& schools, double rate,
                       const std::map<std::string, int>& minimums = {});

struct Picked {
  std::string code;
  std::string stratum;
  std::string reason;  // in words (Chinese), kept in the campaign's record
  std::string why;     // the reason as a code: hotspot, weighted or drawn
  double weight = 1;
};
// Per stratum in label order: the included first, then a weighted sample (draws::WeightedSample) of the rest with
// the seed derived for the stratum's label.
std::vector<Picked> DrawSample(const SampleFrame& frame, const draws::Seed& seed);

// Recomputes a campaign's sample from its public record (GET /api/v1/public/campaigns/{id}).
struct SampleCheck {
  bool ok = false;
  std::vector<std::string> passed, failed;  // each check in words (Chinese)
  // Each check as a code with its count, for the UI to word in its language: commitment, candidates (n), quotas,
  // sample (n); missing_record and not_drawn when there is nothing to check.
  struct Item {
    std::string code;
    bool ok = false;
    int64_t n = 0;
  };
  std::vector<Item> items;
};
SampleCheck VerifySample(const boost::json::object& record);

// ---- Groups (pure) ----

struct Inspector {
  std::string code;
  int64_t person_id = 0;
  std::string name;
  int64_t unit_id = 0;
  std::vector<int64_t> interest_unit_ids;  // former employers and schools of declared relatives
};
struct GroupSchool {
  int64_t id = 0;
  std::string code;
  double lat = 0, lon = 0;
};
struct GroupPlan {
  std::vector<std::vector<size_t>> members;  // indexes into the inspectors; the first is the leader
  std::vector<std::pair<double, double>> centers;
  std::vector<int> school_group;             // per school, its group
  std::vector<std::string> problems;         // empty when the plan holds
};
// `people` inspectors drawn in the order Shuffle(codes, Derive(seed, "groups")) — passing over any who may inspect
// fewer of the schools than a group's smallest load (most of them their own district's, say) — and dealt into `groups`
// groups in turn (sizes differ by at most one, each at least 2; the first drawn of each group leads it); the schools
// split among them around k-means centres by a min-cost flow with loads between floor(n/g) and ceil(n/g), and no
// school given to a group with a member from it or with an interest in it.
GroupPlan FormGroups(const std::vector<Inspector>& inspectors, const std::vector<GroupSchool>& schools, int groups,
                     int people, const draws::Seed& seed);
bool Conflicted(const Inspector& i, int64_t school_id);

// ---- Store ----

struct InspectEnv {
  const Calendar* calendar;
  const vault::Vault* vault;
  const cases::Policies* policies;  // the one card rule (cases/deadlines.h) and its thresholds
  std::string data_dir;              // for a fee campaign's policy (data/fees/policy.toml), read when it is sampled
};

// How a checklist item is answered: yes/no, a count, an amount in yuan, text, or evidence files.
inline constexpr std::string_view kAnswerTypes[] = {"yesno", "number", "amount", "text", "evidence"};

// A campaign as planned: title, period, sampling rate and per-group minimums, groups and their size, the lead
// unit (the planner's by default) and the cooperating ones, the scope (districts, stages) and the checklist (each
// item with its key, label, legal basis, answer type and optional rectification term).
struct CampaignRequest {
  std::string title;
  absl::CivilDay from, to;
  double rate = 0.05;
  int64_t groups = 0, group_size = 2, lead_unit_id = 0;
  int64_t people = 0;  // inspectors in all when the groups differ in size; 0: groups × group_size
  std::vector<int64_t> coop_unit_ids;
  boost::json::object minimums, scope;
  boost::json::array checklist;
};
absl::StatusOr<CampaignRequest> ParseCampaign(const boost::json::object& body, const Principal& who);
// Plans a campaign; the results are owed by the policy's term after the period ends (inspection_results).
absl::StatusOr<boost::json::object> CreateCampaign(Tx& tx, const InspectEnv& env, const CampaignRequest& r,
                                                   const Principal& who);
// 谁抽查、谁公示: the lead unit makes the results public (what each sampled school's checklist found); the ledger
// records their digest, and whether it was late.
absl::StatusOr<boost::json::object> PublishResults(Tx& tx, int64_t id, const Principal& who);
// Yellow and red cards for results not made public near or past their day (the one card rule), each once.
absl::StatusOr<int> SweepCampaignResults(Tx& tx, const InspectEnv& env);
// Freezes the frame (schools in scope, strata, weights and reasons) and publishes the commitment to the secret.
absl::StatusOr<boost::json::object> CommitSample(Tx& tx, const InspectEnv& env, int64_t id, int64_t witness_account,
                                                 const Principal& who);
// The witness's public value: the sample, the groups and a form per sampled school; the secret is released.
absl::StatusOr<boost::json::object> DrawCampaign(Tx& tx, const InspectEnv& env, int64_t id, const std::string& public_value,
                                                 const Principal& who);
absl::StatusOr<boost::json::object> CampaignView(Db& db, const InspectEnv& env, int64_t id, const Principal& who,
                                                 absl::Time now);
absl::StatusOr<boost::json::object> CampaignList(Db& db);
absl::StatusOr<boost::json::object> PublicCampaign(Db& db, int64_t id);
absl::StatusOr<boost::json::object> PublicCampaigns(Db& db);

// Field work: the forms of the signed-in inspector's groups; save a draft or submit; the group leader confirms.
absl::StatusOr<boost::json::object> MyForms(Db& db, const Principal& who);
absl::StatusOr<boost::json::object> FormView(Db& db, int64_t form_id, const Principal& who);
// A save of a checklist: the version it was read at, whether it is submitted, the answers by item key (checked
// against the checklist's answer types when saved) and the findings (item key, description).
struct FormSave {
  int64_t version = 0;
  bool submit = false;
  boost::json::object answers;
  std::vector<std::pair<std::string, std::string>> findings;
};
absl::StatusOr<FormSave> ParseFormSave(const boost::json::object& body);
absl::StatusOr<boost::json::object> SaveForm(Tx& tx, int64_t form_id, const FormSave& req, const Principal& who);
absl::StatusOr<boost::json::object> ConfirmForm(Tx& tx, const InspectEnv& env, int64_t form_id, const Principal& who);
// A photo or PDF as evidence of a checklist (its group's members only); answers may cite only their own files.
absl::StatusOr<std::string> AddEvidence(Tx& tx, int64_t form_id, const std::string& name, const std::string& data,
                                        const Principal& who);
struct EvidenceFile {
  std::string mime, data;
};
// An evidence file by its SHA-256, for those who may see what it is evidence of.
absl::StatusOr<EvidenceFile> GetEvidence(Db& db, const std::string& hash, const Principal& who);

// Rectification orders: the school answers with evidence, the lead unit accepts or sends back (a new term).
absl::StatusOr<boost::json::object> Rectifications(Db& db, const InspectEnv& env, const Principal& who, absl::Time now);
// Evidence of rectification, uploaded by the school the order is addressed to (or a unit above it).
absl::StatusOr<std::string> AddRectificationEvidence(Tx& tx, int64_t id, const std::string& name, const std::string& data,
                                                     const Principal& who);
// The school's report: what it did and the evidence files uploaded for this order.
struct RectificationAnswer {
  std::string answer;
  std::vector<std::string> evidence;
};
absl::StatusOr<RectificationAnswer> ParseRectificationAnswer(const boost::json::object& body);
absl::StatusOr<boost::json::object> AnswerRectification(Tx& tx, int64_t id, const RectificationAnswer& req,
                                                        const Principal& who);
// The re-check: accept, or send back (with the reason) for a new term counted from today.
struct RectificationCheck {
  bool accept = false;
  std::string note;
};
absl::StatusOr<RectificationCheck> ParseRectificationCheck(const boost::json::object& body);
absl::StatusOr<boost::json::object> CheckRectification(Tx& tx, const InspectEnv& env, int64_t id,
                                                       const RectificationCheck& req, const Principal& who);
// Cards by the one card rule for deadlines (cases::Assess): yellow near the due day, red after it; each once per
// order and due day.
absl::StatusOr<int> SweepRectifications(Tx& tx, const InspectEnv& env);

// Sanctions, vetoes and refunds.
// A sanction on a unit or a person: its kind (the kinds table fixes who it applies to, its basis and how long
// it lasts), reason and day, and optionally a one-vote veto for a year (the decision's year by default).
struct SanctionRequest {
  std::string target, kind, reason;
  absl::CivilDay decided_on;
  bool self_criticism = false, veto = false;
  int veto_year = 0;
  int64_t unit_id = 0, person_id = 0;
  std::optional<int64_t> campaign_id, case_id;
};
absl::StatusOr<SanctionRequest> ParseSanction(const boost::json::object& body);
// A sanction on a person is watched for retaliation against reporters (cases/watch.h).
absl::StatusOr<boost::json::object> RecordSanction(Tx& tx, const InspectEnv& env, const SanctionRequest& req);
// Unlawful fees a school paid back: amount (in fen), pupils, day, the campaign that found them.
struct RefundRequest {
  int64_t school_id = 0, pupils = 0, amount_cents = 0;
  absl::CivilDay refunded_on;
  std::optional<int64_t> campaign_id;
  std::string note;
};
absl::StatusOr<RefundRequest> ParseRefund(const boost::json::object& body);
absl::StatusOr<boost::json::object> RecordRefund(Tx& tx, const RefundRequest& req);
absl::StatusOr<boost::json::object> SanctionsList(Db& db);
// Who is barred from awards and promotion in `year`, and why.
absl::StatusOr<std::vector<std::vector<std::string>>> VetoRows(Db& db, int year);

// ---- Figures for the half-year summary ----
struct CampaignFigures {
  std::string title, lead;
  absl::CivilDay from, to;
  std::vector<std::string> joined;  // the cooperating units, as named
  int groups = 0, inspectors = 0;
  std::vector<std::pair<std::string, int>> schools;  // sampled schools by kind (中小学, 职业学校, 幼儿园), largest first
  int sites = 0;  // an inspection of livelihood projects: the sites visited (and no schools by kind)
  int findings = 0, ordered = 0, rectified = 0, on_time = 0;
  std::vector<std::pair<std::string, int>> by_topic;  // findings by checklist topic (or label), most first
  int64_t refund_cents = 0;
  int refund_pupils = 0, refund_schools = 0;
  int yellow_cards = 0, red_cards = 0, sanctions = 0, vetoes = 0;
};
// The campaigns whose inspection began in [from, to], oldest first: who led and joined, the groups, the schools
// by kind, what was found, refunded and rectified (on time: accepted on an answer made by the order's due day),
// the cards, sanctions and vetoes that came of them.
absl::StatusOr<std::vector<CampaignFigures>> CampaignsBetween(Db& db, absl::CivilDay from, absl::CivilDay to);
// The campaigns that inspected `school` and began on or after `since`, by title, oldest first (what became of a
// hotspot the summary names).
absl::StatusOr<std::vector<std::string>> CampaignsInspecting(Db& db, int64_t school, absl::CivilDay since);


}  // namespace qf::inspect
