// Campaigns in the database: the plan, the committed frame, the witnessed sample with its groups and forms, the
// views (staff and public), and field work up to the confirmed form whose findings become rectification orders.
#include <algorithm>
#include <map>
#include <set>

#include "auth/auth_store.h"
#include "cases/cards.h"
#include "cases/deadlines.h"
#include "common/mask.h"
#include "common/stored_json.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mime.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "inspect/store_util.h"
#include "org/org.h"
#include "projects/projects.h"
#include "cases/hotspots.h"
#include "fees/fees.h"
#include "vault/vault.h"

namespace qf::inspect {
namespace json = boost::json;
namespace {


std::string Subject(int64_t id) { return "campaign:" + std::to_string(id); }

struct CampaignRow {
  int64_t id = 0, lead_unit_id = 0, witness = 0, created_by = 0, groups = 0, group_size = 0, people = 0;
  CampaignState state = CampaignState::kPlanned;
  std::string title, period_from, period_to, commitment, sealed_secret, public_value, secret, created_at, sampled_at;
  double rate = 0;
  json::object scope, minimums;
  json::array checklist, coop;
  json::value candidates, sample;
  std::string results_due_on, results_published_at;
};

// How many inspectors the groups take: the number planned, or groups × group size.
int64_t Inspectors(const CampaignRow& c) { return c.people ? c.people : c.groups * c.group_size; }

CampaignFacts FactsFor(const CampaignRow& c, const Principal& who) {
  return {c.state, c.witness != 0 && c.witness == who.account_id, !c.results_published_at.empty()};
}

absl::StatusOr<CampaignRow> LoadCampaign(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,title,scope,period_from,period_to,lead_unit_id,coop_unit_ids,rate,groups,group_size,checklist,state,"
      "COALESCE(candidates,'null'),COALESCE(commitment,''),COALESCE(sealed_secret,''),COALESCE(witness_account,0),"
      "COALESCE(public_value,''),COALESCE(secret,''),COALESCE(sample,'null'),COALESCE(created_by,0),created_at,"
      "COALESCE(sampled_at,''),minimums,COALESCE(results_due_on,''),COALESCE(results_published_at,''),people "
      "FROM campaigns WHERE id=?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("campaign.not_found", "检查项目不存在");
  CampaignRow c;
  c.id = st.Int(0);
  c.title = st.Text(1);
  QF_ASSIGN_OR_RETURN(c.scope, StoredObject(st.Text(2), "campaigns.scope"));
  c.period_from = st.Text(3);
  c.period_to = st.Text(4);
  c.lead_unit_id = st.Int(5);
  QF_ASSIGN_OR_RETURN(c.coop, StoredArray(st.Text(6), "campaigns.coop_unit_ids"));
  c.rate = st.Double(7);
  c.groups = st.Int(8);
  c.group_size = st.Int(9);
  QF_ASSIGN_OR_RETURN(c.checklist, StoredArray(st.Text(10), "campaigns.checklist"));
  QF_ASSIGN_OR_RETURN(c.state, StoredCampaignState(st.Text(11)));
  QF_ASSIGN_OR_RETURN(c.candidates, StoredJson(st.Text(12), "campaigns.candidates"));
  c.commitment = st.Text(13);
  c.sealed_secret = st.Text(14);
  c.witness = st.Int(15);
  c.public_value = st.Text(16);
  c.secret = st.Text(17);
  QF_ASSIGN_OR_RETURN(c.sample, StoredJson(st.Text(18), "campaigns.sample"));
  c.created_by = st.Int(19);
  c.created_at = st.Text(20);
  c.sampled_at = st.Text(21);
  QF_ASSIGN_OR_RETURN(c.minimums, StoredObject(st.Text(22), "campaigns.minimums"));
  c.results_due_on = st.Text(23);
  c.results_published_at = st.Text(24);
  c.people = st.Int(25);
  return c;
}

// The projects a campaign inspects (scope.projects), none for a campaign on schools.
std::vector<int64_t> ProjectIds(const json::object& scope) {
  std::vector<int64_t> out;
  if (auto* v = scope.if_contains("projects"); v && v->is_array())
    for (auto& x : v->as_array())
      if (x.is_int64()) out.push_back(x.as_int64());
  return out;
}

std::vector<std::string> StrList(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (auto& x : v->as_array())
      if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

// Schools in scope with their complaints of the year before the campaign and the hotspot flags of that year, and for
// a fee campaign the flags of the schools' fee declarations for its term.
absl::StatusOr<std::vector<SchoolFact>> Facts(Db& db, const InspectEnv& env, const CampaignRow& c) {
  auto districts = StrList(c.scope.if_contains("districts"));
  auto stages = StrList(c.scope.if_contains("stages"));
  auto from_day = ParseDay(c.period_from);
  if (!from_day) return absl::InternalError("bad period");
  std::string year_from = FormatDay(*from_day - 365), year_to = FormatDay(*from_day - 1);
  // A campaign on livelihood projects inspects their sites (schools or other places), stratified by district and
  // project instead of district and stage.
  std::map<int64_t, std::string> site_project;
  std::vector<int64_t> project_ids = ProjectIds(c.scope);
  if (!project_ids.empty()) {
    QF_ASSIGN_OR_RETURN(auto sites, projects::SitesOf(db, project_ids));
    for (auto& s : sites) site_project.emplace(s.unit_id, s.project);
    stages.clear();
  }
  json::array site_ids;
  for (auto& [unit, project] : site_project) site_ids.push_back(unit);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT u.id,u.code,u.name,COALESCE(u.district,''),COALESCE(u.stage,''),COALESCE(u.enrolment,0),COALESCE(u.lat,0),"
      "COALESCE(u.lon,0),COALESCE(k.n,0),COALESCE(p.kind,'') FROM org_units u LEFT JOIN org_units p ON p.id=u.parent_id "
      // One pass over the year's cases (by the received-at index), not one per school.
      "LEFT JOIN (SELECT concerned_unit_id AS unit, COUNT(*) AS n FROM cases WHERE received_at >= ?1 AND received_at < ?2 "
      "GROUP BY concerned_unit_id) k ON k.unit=u.id WHERE u.active=1 AND " +
      std::string(project_ids.empty() ? "u.kind='school'" : "u.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?3))") +
      " ORDER BY u.code"));
  st.Bind(1, FormatUtc(CstStart(*from_day - 365))).Bind(2, FormatUtc(CstStart(*from_day)));
  if (!project_ids.empty()) st.Bind(3, json::serialize(site_ids));
  std::vector<SchoolFact> all;
  int64_t pupils = 0, complaints = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SchoolFact f;
    f.id = st.Int(0);
    f.code = st.Text(1);
    f.name = st.Text(2);
    f.district = st.Text(3);
    f.stage = st.Text(4);
    f.enrolment = st.Int(5);
    f.lat = st.Double(6);
    f.lon = st.Double(7);
    f.complaints = static_cast<int>(st.Int(8));
    f.city_run = st.Text(9) == "bureau";
    if (auto it = site_project.find(f.id); it != site_project.end()) f.stage = it->second;
    pupils += f.enrolment;
    complaints += f.complaints;
    all.push_back(std::move(f));
  }
  QF_ASSIGN_OR_RETURN(auto hot, cases::Hotspots(db, year_from, year_to));
  std::map<int64_t, std::string> flagged;
  for (auto& h : hot.at("schools").as_array()) {
    auto& o = h.as_object();
    if (o.at("kind").as_string() == "rate") flagged[o.at("unit_id").as_int64()] = std::string(o.at("explanation").as_string());
  }
  std::map<int64_t, std::string> fee_flags;
  if (auto* t = c.scope.if_contains("fees_term"); t && t->is_string()) {
    QF_ASSIGN_OR_RETURN(fees::Policy policy, fees::Policy::Load(env.data_dir));
    QF_ASSIGN_OR_RETURN(fee_flags, fees::FlaggedSchools(db, policy, *fees::Term::Parse(t->as_string())));
  }
  std::vector<SchoolFact> out;
  for (auto& f : all) {
    if (!districts.empty() && std::find(districts.begin(), districts.end(), f.district) == districts.end()) continue;
    if (!stages.empty() && std::find(stages.begin(), stages.end(), f.stage) == stages.end()) continue;
    f.expected = pupils > 0 ? static_cast<double>(complaints) * f.enrolment / pupils : 0;
    if (f.city_run) f.district = "市直";  // the city's own schools form their own strata
    if (auto it = flagged.find(f.id); it != flagged.end()) f.hotspot = true, f.hotspot_reason = it->second;
    if (auto it = fee_flags.find(f.id); it != fee_flags.end()) f.fee_flag = it->second;
    out.push_back(std::move(f));
  }
  return out;
}

json::object FrameJson(const SampleFrame& f, const std::vector<SchoolFact>& facts) {
  std::map<std::string, const SchoolFact*> by_code;
  for (auto& s : facts) by_code[s.code] = &s;
  json::array strata, cands;
  for (auto& s : f.strata) strata.push_back(json::object{{"label", s.label}, {"population", s.population}, {"quota", s.quota}});
  for (auto& c : f.candidates) {
    json::object o{{"code", c.code}, {"id", c.id}, {"name", by_code[c.code]->name}, {"stratum", c.stratum},
                   {"weight", c.weight}, {"included", c.included}};
    if (!c.reason.empty()) o["reason"] = c.reason;
    cands.push_back(std::move(o));
  }
  return json::object{{"strata", strata}, {"candidates", cands}};
}

SampleFrame FrameFrom(const json::value& v) {
  SampleFrame f;
  for (auto& s : v.at("strata").as_array()) {
    auto& o = s.as_object();
    f.strata.push_back({std::string(o.at("label").as_string()), static_cast<int>(o.at("population").as_int64()),
                        static_cast<int>(o.at("quota").as_int64())});
  }
  for (auto& x : v.at("candidates").as_array()) {
    auto& o = x.as_object();
    Candidate c;
    c.code = std::string(o.at("code").as_string());
    c.id = o.at("id").as_int64();
    c.stratum = std::string(o.at("stratum").as_string());
    c.weight = o.at("weight").to_number<double>();
    c.included = o.at("included").as_bool();
    if (auto* r = o.if_contains("reason")) c.reason = std::string(r->as_string());
    f.candidates.push_back(std::move(c));
  }
  return f;
}

// Inspectors with their interests: former employers, schools where a relative sits an exam, and the units of
// their declared relatives.
absl::StatusOr<std::vector<Inspector>> Inspectors(Db& db) {
  QF_ASSIGN_OR_RETURN(auto members, draws::LoadPool(db, draws::Pool::kInspector, true));
  std::vector<Inspector> out;
  for (auto& m : members) {
    Inspector i{m.code, m.person_id, m.name, m.unit_id, m.former_unit_ids};
    i.interest_unit_ids.insert(i.interest_unit_ids.end(), m.relative_exam_unit_ids.begin(), m.relative_exam_unit_ids.end());
    // A district bureau's staff never inspect their own district (its schools and project sites).
    QF_ASSIGN_OR_RETURN(auto home, org::GetUnit(db, m.unit_id));
    if (home && home->kind == "district_bureau") {
      QF_ASSIGN_OR_RETURN(auto below, org::Subtree(db, m.unit_id));
      i.interest_unit_ids.insert(i.interest_unit_ids.end(), below.begin(), below.end());
    }
    QF_ASSIGN_OR_RETURN(auto rel, org::Relatives(db, m.person_id));
    for (int64_t p : rel) {
      QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT unit_id FROM org_people WHERE id=?"));
      st.Bind(1, p);
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) i.interest_unit_ids.push_back(st.Int(0));
    }
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

absl::StatusOr<CampaignRequest> ParseCampaign(const json::object& body, const Principal& who) {
  JsonInput in(body);
  auto title = in.Str("title", true, 100);
  auto from = in.Day("period_from", true);
  auto to = in.Day("period_to", true);
  double rate = 0.05;
  if (auto* r = body.if_contains("rate"); r && !r->is_null()) {
    if (!r->is_number() || r->to_number<double>() < 0.05 || r->to_number<double>() > 1) in.Fail("rate", "抽样比例应在 5% 到 100% 之间");
    else rate = r->to_number<double>();
  }
  auto groups = in.Int("groups", true, 1, 50);
  json::object minimums;
  if (auto* m = body.if_contains("minimums"); m && !m->is_null()) {
    if (!m->is_object()) in.Fail("minimums", "应为“学段组: 最少所数”");
    else
      for (auto& [k, v] : m->as_object()) {
        if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > 1000) in.Fail("minimums." + std::string(k), "应为正整数");
        else if (StageGroup(std::string(k)) != std::string(k)) in.Fail("minimums." + std::string(k), "学段组应为 义务教育、普通高中、职业学校 或 学前");
        else minimums[k] = v;
      }
  }
  auto size = in.Int("group_size", false, 2, 20).value_or(2);
  if (auto* gs = body.if_contains("group_size"); gs && gs->is_int64() && gs->as_int64() < 2) in.Fail("group_size", "每组至少 2 人");
  // The number of inspectors when the groups differ in size (20 people in 6 groups: two of 4, four of 3).
  auto people = in.Int("people", false, 2, 500).value_or(0);
  if (people && groups && people < 2 * *groups) in.Fail("people", "人数不足：每组至少 2 人");
  int64_t lead = in.Int("lead_unit_id", false, 1, INT64_MAX).value_or(who.unit_id);
  json::object scope{{"districts", json::array()}, {"stages", json::array()}};
  if (auto* s = body.if_contains("scope"); s && s->is_object()) {
    for (const char* k : {"districts", "stages"})
      if (auto* v = s->as_object().if_contains(k)) {
        if (!v->is_array()) in.Fail(std::string("scope.") + k, "应为数组");
        else scope[k] = *v;
      }
    // A fee inspection samples the schools whose fee declaration for the term was flagged first.
    // An inspection of livelihood projects: their sites are the frame.
    if (auto* v = s->as_object().if_contains("projects"); v && !v->is_null()) {
      bool ok = v->is_array() && !v->as_array().empty() && v->as_array().size() <= 20;
      for (size_t i = 0; ok && i < v->as_array().size(); ++i)
        ok = v->as_array()[i].is_int64() && v->as_array()[i].as_int64() > 0;
      if (!ok) in.Fail("scope.projects", "应为 1–20 个民生工程项目编号");
      else scope["projects"] = *v;
    }
    if (auto* v = s->as_object().if_contains("fees_term"); v && !v->is_null()) {
      if (!v->is_string() || !fees::Term::Parse(v->as_string())) in.Fail("scope.fees_term", "学期应为“2026-autumn”或“2026-spring”");
      else scope["fees_term"] = *v;
    }
  }
  json::array checklist;
  const json::value* cl = body.if_contains("checklist");
  if (!cl || !cl->is_array() || cl->as_array().empty() || cl->as_array().size() > 100) {
    in.Fail("checklist", "请填写检查项目（1–100 项）");
  } else {
    std::set<std::string> keys;
    int k = 0;
    for (auto& x : cl->as_array()) {
      std::string prefix = fmt::format("checklist[{}]", k++);
      if (!x.is_object()) { in.Fail(prefix, "应为对象"); continue; }
      JsonInput ci(x.as_object(), prefix);
      auto key = ci.Str("key", true, 32);
      auto label = ci.Str("label", true, 200);
      auto basis = ci.Str("basis", true, 300);
      auto answer = ci.Enum("answer", true, {kAnswerTypes[0], kAnswerTypes[1], kAnswerTypes[2], kAnswerTypes[3], kAnswerTypes[4]});
      // The term a finding on this item gets to be rectified ("10wd" by default, "30d" …).
      auto term = ci.Str("term", false, 8);
      // What a finding on this item is about, in a few words for reports (收费公示, 违规收费 …).
      auto topic = ci.Str("topic", false, 16);
      for (auto& e : ci.errors()) in.Fail(e.field, e.message);
      if (term) {
        auto t = Term::Parse(*term);
        if (!t.ok() || t->count < 1 || t->count > 365) in.Fail(prefix + ".term", "整改期限应如 10wd（工作日）或 30d（日）");
      }
      if (key && !keys.insert(*key).second) in.Fail(prefix + ".key", "检查项目代码重复");
      if (key && label && basis && answer) {
        json::object item{{"key", *key}, {"label", *label}, {"basis", *basis}, {"answer", *answer}};
        if (term) item["term"] = *term;
        if (topic && !topic->empty()) item["topic"] = *topic;
        checklist.push_back(std::move(item));
      }
    }
  }
  if (from && to && *to < *from) in.Fail("period_to", "结束日期不能早于开始日期");
  QF_RETURN_IF_ERROR(in.Finish());
  CampaignRequest r;
  r.title = *title;
  r.from = *from;
  r.to = *to;
  r.rate = rate;
  r.groups = *groups;
  r.group_size = size;
  r.people = people;
  r.lead_unit_id = lead;
  r.minimums = std::move(minimums);
  r.scope = std::move(scope);
  r.checklist = std::move(checklist);
  if (auto* c = body.if_contains("coop_unit_ids"); c && c->is_array())
    for (auto& u : c->as_array())
      if (u.is_int64()) r.coop_unit_ids.push_back(u.as_int64());
  return r;
}

absl::StatusOr<json::object> CreateCampaign(Tx& tx, const InspectEnv& env, const CampaignRequest& r, const Principal& who) {
  Db& db = tx.db();
  const int64_t lead = r.lead_unit_id;
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, lead));
  if (!unit) return Invalid("campaign.unit", "牵头单位不存在", {{"lead_unit_id", "单位不存在"}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO campaigns(title,scope,period_from,period_to,lead_unit_id,coop_unit_ids,rate,groups,group_size,checklist,"
      "state,created_by,created_at,minimums,results_due_on,people) VALUES(?,?,?,?,?,?,?,?,?,?,'" +
      std::string(Code(CampaignState::kPlanned)) + "',?,?,?,?,?)"));
  json::array coop(r.coop_unit_ids.begin(), r.coop_unit_ids.end());
  st.Bind(1, r.title).Bind(2, json::serialize(r.scope)).Bind(3, FormatDay(r.from)).Bind(4, FormatDay(r.to)).Bind(5, lead)
      .Bind(6, json::serialize(coop)).Bind(7, r.rate).Bind(8, r.groups).Bind(9, r.group_size)
      .Bind(10, json::serialize(r.checklist)).Bind(11, who.account_id).Bind(12, FormatUtc(tx.now()))
      .Bind(13, json::serialize(r.minimums));
  // 谁抽查、谁公示: the results are owed within the policy's term of the inspection's end.
  QF_ASSIGN_OR_RETURN(auto results_policy, env.policies->DeadlineFor("inspection_results", "", "", "", false));
  std::string results_due = FormatDay(cases::ComputeDue(*env.calendar, r.to, results_policy.term).due);
  st.Bind(14, results_due).Bind(15, r.people);
  QF_RETURN_IF_ERROR(st.Run());
  int64_t id = db.LastInsertId();
  QF_RETURN_IF_ERROR(tx.Append("campaign.planned", Subject(id),
                               {{"title", r.title}, {"scope", r.scope}, {"rate", r.rate}, {"minimums", r.minimums},
                                {"groups", r.groups}, {"group_size", r.group_size}, {"people", r.people},
                                {"checklist_sha256", Sha256Hex(json::serialize(r.checklist))},
                                {"results_due_on", results_due}})
                         .status());
  return json::object{{"id", id}};
}

absl::StatusOr<json::object> CommitSample(Tx& tx, const InspectEnv& env, int64_t id, int64_t witness,
                                          const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(CampaignRow c, LoadCampaign(db, id));
  QF_RETURN_IF_ERROR(MayTake(CampaignAction::kCommit, FactsFor(c, who), who));
  QF_RETURN_IF_ERROR(draws::CheckWitness(db, "campaign", witness, who));
  QF_ASSIGN_OR_RETURN(auto facts, Facts(db, env, c));
  if (facts.empty())
    return ProjectIds(c.scope).empty() ? Invalid("campaign.scope", "范围内没有学校", {{"scope", "没有学校"}})
                                       : Invalid("campaign.scope", "所选项目还没有登记项目点", {{"scope.projects", "没有项目点"}});
  std::map<std::string, int> minimums;
  for (auto& [k, v] : c.minimums) minimums[std::string(k)] = static_cast<int>(v.as_int64());
  SampleFrame frame = BuildFrame(facts, c.rate, minimums);
  json::object fj = FrameJson(frame, facts);
  QF_ASSIGN_OR_RETURN(draws::Committed commit, draws::Commit(env.vault, "campaign"));
  const std::string& commitment = commit.commitment;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE campaigns SET state='" + std::string(Code(CampaignState::kCommitted)) + "', candidates=?, commitment=?, sealed_secret=?, witness_account=? WHERE id=?"));
  st.Bind(1, json::serialize(fj)).Bind(2, commitment).BindBlob(3, commit.sealed_secret).Bind(4, witness).Bind(5, id);
  QF_RETURN_IF_ERROR(st.Run());
  int included = static_cast<int>(std::count_if(frame.candidates.begin(), frame.candidates.end(), [](auto& x) { return x.included; }));
  int quota = 0;
  for (auto& s : frame.strata) quota += s.quota;
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("campaign.committed", Subject(id),
      {{"commitment", commitment}, {"frame_sha256", Sha256Hex(json::serialize(fj))}, {"schools", frame.candidates.size()},
       {"strata", frame.strata.size()}, {"included", included}, {"witness_account_id", witness}}));
  return json::object{{"id", id}, {"commitment", commitment}, {"schools", frame.candidates.size()},
                      {"strata", frame.strata.size()}, {"quota", quota}, {"included", included}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> DrawCampaign(Tx& tx, const InspectEnv& env, int64_t id, const std::string& public_value,
                                          const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(CampaignRow c, LoadCampaign(db, id));
  QF_RETURN_IF_ERROR(MayTake(CampaignAction::kDraw, FactsFor(c, who), who));
  QF_ASSIGN_OR_RETURN(draws::Reveal rv, draws::RevealSeed(env.vault, "campaign", c.sealed_secret, c.witness, public_value, who));
  const std::string& pv = rv.public_value;
  const std::string& secret = rv.secret;
  const draws::Seed& seed = rv.seed;
  SampleFrame frame = FrameFrom(c.candidates);
  auto picked = DrawSample(frame, seed);
  std::map<std::string, const json::object*> cand;
  for (auto& x : c.candidates.at("candidates").as_array()) cand[std::string(x.at("code").as_string())] = &x.as_object();
  std::vector<GroupSchool> schools;
  for (auto& p : picked) {
    QF_ASSIGN_OR_RETURN(auto u, org::GetUnit(db, cand[p.code]->at("id").as_int64()));
    schools.push_back({u->id, u->code, u->lat.value_or(0), u->lon.value_or(0)});
  }
  QF_ASSIGN_OR_RETURN(auto inspectors, Inspectors(db));
  GroupPlan plan = FormGroups(inspectors, schools, static_cast<int>(c.groups), static_cast<int>(Inspectors(c)), seed);
  if (!plan.problems.empty()) return MakeError(absl::StatusCode::kFailedPrecondition, "campaign.groups", plan.problems[0]);
  std::vector<int64_t> group_ids;
  json::array groups_ev;
  for (size_t g = 0; g < plan.members.size(); ++g) {
    json::array members;
    json::array codes;
    for (size_t m : plan.members[g]) {
      members.push_back(inspectors[m].person_id);
      codes.push_back(json::string(inspectors[m].code));
    }
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "INSERT INTO inspection_groups(campaign_id,name,leader_person_id,members,lat,lon) VALUES(?,?,?,?,?,?)"));
    st.Bind(1, id).Bind(2, fmt::format("第{}检查组", g + 1)).Bind(3, inspectors[plan.members[g][0]].person_id)
        .Bind(4, json::serialize(members)).Bind(5, plan.centers[g].first).Bind(6, plan.centers[g].second);
    QF_RETURN_IF_ERROR(st.Run());
    group_ids.push_back(db.LastInsertId());
    groups_ev.push_back(codes);
  }
  json::array sample;
  for (size_t i = 0; i < picked.size(); ++i) {
    int64_t gid = group_ids[plan.school_group[i]];
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO inspection_forms(campaign_id,group_id,school_id) VALUES(?,?,?)"));
    st.Bind(1, id).Bind(2, gid).Bind(3, schools[i].id);
    QF_RETURN_IF_ERROR(st.Run());
    sample.push_back(json::object{{"code", picked[i].code}, {"id", schools[i].id}, {"name", cand[picked[i].code]->at("name")},
                                  {"stratum", picked[i].stratum}, {"reason", picked[i].reason}, {"why", picked[i].why},
                                  {"weight", picked[i].weight}, {"group_id", gid}});
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "UPDATE campaigns SET state='" + std::string(Code(CampaignState::kSampled)) + "', public_value=?, secret=?, sample=?, sampled_at=? WHERE id=?"));
  st.Bind(1, pv).Bind(2, secret).Bind(3, json::serialize(sample)).Bind(4, FormatUtc(tx.now())).Bind(5, id);
  QF_RETURN_IF_ERROR(st.Run());
  json::array codes;
  for (auto& p : picked) codes.push_back(json::string(p.code));
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("campaign.sampled", Subject(id),
      {{"public_value", pv}, {"secret", secret}, {"sample", codes}, {"groups", groups_ev}}));
  return json::object{{"id", id}, {"sample", sample}, {"groups", group_ids.size()}, {"ledger_seq", seq}};
}

namespace {

// The results deadline as the views show it, coloured by the one card rule.
absl::StatusOr<json::value> ResultsDeadline(const InspectEnv& env, const CampaignRow& c, absl::Time now) {
  if (c.results_due_on.empty()) return json::value(nullptr);
  auto due = ParseDay(c.results_due_on);
  if (!due)
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date",
                     fmt::format("检查项目 {} 的结果公开期限无法读取：{}", c.id, c.results_due_on));
  QF_ASSIGN_OR_RETURN(auto policy, env.policies->DeadlineFor("inspection_results", "", "", "", false));
  bool published = !c.results_published_at.empty();
  cases::DeadlineStatus status = cases::DeadlineStatus::kOpen;
  if (published) {
    auto at = ParseUtc(c.results_published_at);
    status = at && CstDay(*at) > *due ? cases::DeadlineStatus::kMissed : cases::DeadlineStatus::kMet;
  }
  cases::Signal sig = cases::Assess(cases::Watch::kOverall, status, *due, CstDay(now), *env.calendar,
                                    env.policies->supervision());
  json::object o{{"due_on", c.results_due_on}, {"term", policy.term.ToString()}, {"clause", policy.clause},
                 {"status", cases::StatusName(status)}, {"colour", cases::ColourName(sig.colour)}};
  if (!published) o["working_days_left"] = sig.working_days_left;
  else o["published_at"] = c.results_published_at;
  return json::value(std::move(o));
}

}  // namespace

absl::StatusOr<json::object> PublishResults(Tx& tx, int64_t id, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(CampaignRow c, LoadCampaign(db, id));
  QF_RETURN_IF_ERROR(MayTake(CampaignAction::kPublishResults, FactsFor(c, who), who));
  QF_ASSIGN_OR_RETURN(auto forms, FormsSummary(db, id));
  json::array results;
  int confirmed = 0;
  for (auto& f : forms) {
    auto& fo = f.as_object();
    if (fo.at("state").as_string() == Code(FormState::kConfirmed)) ++confirmed;
    results.push_back(json::object{{"school", fo.at("school")}, {"state", fo.at("state")}, {"findings", fo.at("findings")}});
  }
  if (confirmed == 0) return Conflict("campaign.no_results", "还没有经组长确认的检查结果，不能公开");
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE campaigns SET results_published_at=? WHERE id=?"));
  up.Bind(1, FormatUtc(tx.now())).Bind(2, id);
  QF_RETURN_IF_ERROR(up.Run());
  bool late = !c.results_due_on.empty() && FormatDay(CstDay(tx.now())) > c.results_due_on;
  std::string hash = Sha256Hex(json::serialize(results));
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("campaign.results_published", Subject(id),
                                             {{"results_sha256", hash}, {"schools", results.size()},
                                              {"confirmed", confirmed}, {"due_on", c.results_due_on}, {"late", late},
                                              {"by", who.account_id}}));
  return json::object{{"id", id}, {"results_sha256", hash}, {"schools", results.size()}, {"confirmed", confirmed},
                      {"late", late}, {"ledger_seq", seq}};
}

absl::StatusOr<int> SweepCampaignResults(Tx& tx, const InspectEnv& env) {
  std::vector<cases::OpenDue> open;
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare(
      "SELECT id, results_due_on FROM campaigns WHERE results_due_on IS NOT NULL AND results_published_at IS NULL "
      "AND state IN " + Sql({CampaignState::kSampled, CampaignState::kClosed})));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    open.push_back({{st.Int(0)}, fmt::format("campaign:{}", st.Int(0)), st.Text(1)});
  }
  return cases::IssueCards(tx, *env.calendar, env.policies->supervision(), open,
                           {"campaign_cards", "campaign_id", "campaign.card", "检查项目的结果公开",
                            {{"deadline", "inspection_results"}}});
}

absl::StatusOr<json::object> CampaignList(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.id,c.title,c.period_from,c.period_to,c.state,u.name,json_array_length(COALESCE(c.sample,'[]')),"
      "(SELECT COUNT(*) FROM rectifications r WHERE r.campaign_id=c.id),"
      "(SELECT COUNT(*) FROM rectifications r WHERE r.campaign_id=c.id AND r.state NOT IN " +
      Sql({RectificationState::kAccepted}) + ") "
      "FROM campaigns c JOIN org_units u ON u.id=c.lead_unit_id ORDER BY c.id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    QF_ASSIGN_OR_RETURN(CampaignState state, StoredCampaignState(st.Text(4)));
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"period_from", st.Text(2)},
                                 {"period_to", st.Text(3)}, {"state", Code(state)}, {"state_label", Label(state)},
                                 {"lead_unit", st.Text(5)},
                                 {"schools", st.Int(6)}, {"rectifications", st.Int(7)}, {"open_rectifications", st.Int(8)}});
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> CampaignView(Db& db, const InspectEnv& env, int64_t id, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(CampaignRow c, LoadCampaign(db, id));
  QF_ASSIGN_OR_RETURN(auto lead, org::GetUnit(db, c.lead_unit_id));
  json::object o{{"id", c.id}, {"title", c.title}, {"scope", c.scope}, {"period_from", c.period_from},
                 {"period_to", c.period_to}, {"lead_unit", lead ? lead->name : ""}, {"rate", c.rate}, {"minimums", c.minimums},
                 {"groups_planned", c.groups}, {"group_size", c.group_size}, {"people", Inspectors(c)}, {"checklist", c.checklist}, {"state", Code(c.state)},
                 {"state_label", Label(c.state)}, {"commitment", c.commitment}, {"is_witness", c.witness == who.account_id},
                 {"created_at", c.created_at}};
  o["actions"] = ActionsJson(Actions(FactsFor(c, who), who));
  QF_ASSIGN_OR_RETURN(o["results_deadline"], ResultsDeadline(env, c, now));
  if (!c.candidates.is_null()) {
    o["strata"] = c.candidates.at("strata");
    o["frame"] = c.candidates.at("candidates");
    o["witness"] = auth::DisplayName(db, c.witness);
  }
  if (c.state == CampaignState::kPlanned || c.state == CampaignState::kCommitted) return o;
  o["public_value"] = c.public_value;
  o["secret"] = c.secret;
  o["sample"] = c.sample;
  o["sampled_at"] = c.sampled_at;
  QF_ASSIGN_OR_RETURN(auto groups, GroupsJson(db, id));
  o["groups"] = groups;
  QF_ASSIGN_OR_RETURN(auto forms, FormsSummary(db, id));
  o["forms"] = forms;
  return o;
}

absl::StatusOr<json::object> PublicCampaigns(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,title,period_from,period_to,state,COALESCE(commitment,'') FROM campaigns WHERE state NOT IN " +
      Sql({CampaignState::kPlanned}) + " ORDER BY id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(json::object{{"id", st.Int(0)}, {"title", st.Text(1)}, {"period_from", st.Text(2)},
                                 {"period_to", st.Text(3)}, {"state", st.Text(4)}, {"commitment", st.Text(5)}});
    QF_RETURN_IF_ERROR(StoredCampaignState(st.Text(4)).status());
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> PublicCampaign(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(CampaignRow c, LoadCampaign(db, id));
  if (c.state == CampaignState::kPlanned) return NotFound("campaign.not_found", "检查项目不存在");
  json::array cands;
  for (auto& x : c.candidates.at("candidates").as_array()) {
    auto o = x.as_object();
    o.erase("id");
    cands.push_back(std::move(o));
  }
  json::object o{{"id", c.id}, {"title", c.title}, {"scope", c.scope}, {"period_from", c.period_from},
                 {"period_to", c.period_to}, {"rate", c.rate}, {"minimums", c.minimums}, {"state", Code(c.state)}, {"commitment", c.commitment},
                 {"strata", c.candidates.at("strata")}, {"candidates", cands}};
  if (c.state == CampaignState::kCommitted) return o;
  o["public_value"] = c.public_value;
  o["secret"] = c.secret;
  json::array sample;
  for (auto& x : c.sample.as_array()) {
    auto s = x.as_object();
    s.erase("id");
    sample.push_back(std::move(s));
  }
  o["sample"] = sample;
  // 谁抽查、谁公示: each group (names masked as for draws), and the result per school once confirmed.
  QF_ASSIGN_OR_RETURN(auto groups, GroupsJson(db, id));
  for (auto& g : groups) {
    auto& go = g.as_object();
    go["leader"] = MaskName(go.at("leader").as_string());
    for (auto& m : go["members"].as_array()) m = json::string(MaskName(m.as_string()));
  }
  o["groups"] = groups;
  QF_ASSIGN_OR_RETURN(auto forms, FormsSummary(db, id));
  json::array results;
  for (auto& f : forms) {
    auto& fo = f.as_object();
    results.push_back(json::object{{"school", fo.at("school")}, {"state", fo.at("state")}, {"findings", fo.at("findings")},
                                   {"rectifications_open", fo.at("rectifications_open")}});
  }
  o["results"] = results;
  o["results_due_on"] = c.results_due_on;
  if (!c.results_published_at.empty()) o["results_published_at"] = c.results_published_at;
  SampleCheck v = VerifySample(o);
  json::array items;
  for (const auto& i : v.items) items.push_back(json::object{{"code", i.code}, {"ok", i.ok}, {"n", i.n}});
  o["server_check"] = json::object{{"ok", v.ok}, {"passed", json::array(v.passed.begin(), v.passed.end())},
                                   {"failed", json::array(v.failed.begin(), v.failed.end())}, {"items", std::move(items)}};
  return o;
}

}  // namespace qf::inspect
