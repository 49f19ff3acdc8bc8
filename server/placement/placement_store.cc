#include <algorithm>
#include <set>
#include <tuple>

#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/mask.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "draws/witnessed.h"
#include "fmt/format.h"
#include "org/org.h"
#include "placement/placement.h"
#include "placement/record.h"
#include "vault/vault.h"

namespace qf::placement {

namespace json = boost::json;

namespace {

std::string Subject(std::string_view kind, int64_t id) { return fmt::format("placement_{}/{}", kind, id); }
std::string CodeHash(std::string_view code) { return Sha256Hex(std::string("placement:") + std::string(code)); }

const char* kHousing[] = {"own_home", "filed_tenancy", "other"};

// The district a staff member acts for: a district bureau's; "" for the discipline office and leaders (every
// district). A school acts only for itself (its own seats), never for its district.
absl::StatusOr<std::string> DistrictOf(Db& db, const Principal& who) {
  if (who.Has(kSupervisor) || who.Has(kLeader)) return std::string();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, who.unit_id));
  if (!unit || unit->kind != "district_bureau" || unit->district.empty())
    return Forbidden("placement.scope", "随迁子女入学由区教育局和纪检监察室办理");
  return unit->district;
}

absl::Status MayActIn(Db& db, const Principal& who, const std::string& district) {
  QF_ASSIGN_OR_RETURN(std::string mine, DistrictOf(db, who));
  if (!mine.empty() && mine != district) return Forbidden("placement.scope", "只能办理本区的随迁子女入学事项");
  return absl::OkStatus();
}

struct SchoolRow {
  School school;
  int64_t unit_id = 0;
};

// The designated schools of the year with their approved seats (entered ones too, when `entered`).
absl::StatusOr<std::vector<SchoolRow>> LoadSchools(Db& db, int year, bool entered) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT s.code, s.name, s.district, s.lat_e6, s.lon_e6, COALESCE(s.unit_id, 0), t.grade, t.seats, t.approved "
      "FROM placement_schools s LEFT JOIN placement_seats t ON t.year = s.year AND t.code = s.code "
      "WHERE s.year = ? ORDER BY s.code, t.grade"));
  st.Bind(1, int64_t{year});
  std::vector<SchoolRow> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (out.empty() || out.back().school.code != st.Text(0)) {
      SchoolRow r;
      r.school.code = st.Text(0), r.school.name = st.Text(1), r.school.district = st.Text(2);
      r.school.lat_e6 = static_cast<int32_t>(st.Int(3)), r.school.lon_e6 = static_cast<int32_t>(st.Int(4));
      r.unit_id = st.Int(5);
      out.push_back(std::move(r));
    }
    if (!st.IsNull(6) && (entered || st.Int(8))) out.back().school.seats[static_cast<int>(st.Int(6))] = static_cast<int>(st.Int(7));
  }
  return out;
}

struct AppRow {
  int64_t id = 0;
  std::string ref, child_masked, district, state, reasons;
  int grade = 1, tier = -1;
  int32_t lat_e6 = 0, lon_e6 = 0;
  std::vector<std::string> choices;
  Facts facts;
};

constexpr const char* kAppColumns =
    "id, ref, child_masked, district, state, reasons, grade, COALESCE(tier, -1), lat_e6, lon_e6, choices, "
    "residence_since, work_proof, housing, special, tenancy_months, insurance_months";

// An application's ranked choices as stored (a JSON array of school codes).
std::vector<std::string> ChoicesOf(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (auto& c : v.as_array())
      if (c.is_string()) out.emplace_back(c.as_string());
  return out;
}

AppRow ReadApp(Stmt& st) {
  AppRow a;
  a.id = st.Int(0), a.ref = st.Text(1), a.child_masked = st.Text(2), a.district = st.Text(3), a.state = st.Text(4);
  a.reasons = st.Text(5), a.grade = static_cast<int>(st.Int(6)), a.tier = static_cast<int>(st.Int(7));
  a.lat_e6 = static_cast<int32_t>(st.Int(8)), a.lon_e6 = static_cast<int32_t>(st.Int(9));
  a.choices = ChoicesOf(st.Text(10));
  a.facts = {a.district, a.grade, ParseDay(st.Text(11)).value_or(absl::CivilDay()), st.Text(12), st.Text(13),
             st.Text(14), static_cast<int>(st.Int(15)), static_cast<int>(st.Int(16))};
  return a;
}

absl::StatusOr<std::optional<AppRow>> AppWhere(Db& db, const std::string& where, const std::string& value) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM placement_applications WHERE {} = ?", kAppColumns, where)));
  st.Bind(1, value);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AppRow>();
  return std::optional<AppRow>(ReadApp(st));
}

json::array Strings(const std::vector<std::string>& v) { return json::array(v.begin(), v.end()); }

struct RunRow {
  int64_t id = 0, requested_by = 0, witness = 0;
  int year = 0;
  std::string state, commitment, sealed_secret, public_value, secret, summary, record_sha256, published_at;
  std::string schools;  // the schools and seats the run placed into (record JSON); "" for runs before 0031
};

absl::StatusOr<RunRow> MustRun(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, year, state, commitment, sealed_secret, requested_by, witness_account, COALESCE(public_value,''), "
      "COALESCE(secret,''), COALESCE(summary,'{}'), COALESCE(record_sha256,''), COALESCE(published_at,''), "
      "COALESCE(schools,'') FROM placement_runs WHERE id = ?"));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("placement.run_not_found", "录取批次不存在");
  RunRow r;
  r.id = st.Int(0), r.year = static_cast<int>(st.Int(1)), r.state = st.Text(2), r.commitment = st.Text(3);
  r.sealed_secret = st.Text(4), r.requested_by = st.Int(5), r.witness = st.Int(6), r.public_value = st.Text(7);
  r.secret = st.Text(8), r.summary = st.Text(9), r.record_sha256 = st.Text(10), r.published_at = st.Text(11);
  r.schools = st.Text(12);
  return r;
}

// The latest published run, if any.
absl::StatusOr<std::optional<RunRow>> LatestPublished(Db& db, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id FROM placement_runs WHERE year = ? AND state = 'published' ORDER BY id DESC LIMIT 1"));
  st.Bind(1, int64_t{year});
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<RunRow>();
  QF_ASSIGN_OR_RETURN(RunRow r, MustRun(db, st.Int(0)));
  return std::optional<RunRow>(std::move(r));
}

std::string Km(int64_t m) { return fmt::format("{:.1f} 公里", m / 1000.0); }
std::string Lottery(int64_t l) { return fmt::format("{:.4f}", LotteryShown(l)); }

json::object PriorityJson(int tier, int64_t metres, int64_t lottery) {
  return json::object{{"tier", tier}, {"km", std::round(metres / 100.0) / 10}, {"lottery", Lottery(lottery)}};
}

// The frame of a district's map: the box round its designated schools and listed compounds, a kilometre spare on
// each side. A point picked on the map must fall inside it.
struct Frame {
  int32_t south = 0, west = 0, north = 0, east = 0;
  bool Holds(MapPoint p) const { return p.lat_e6 >= south && p.lat_e6 <= north && p.lon_e6 >= west && p.lon_e6 <= east; }
};
constexpr int32_t kFrameSpareLat = 9000, kFrameSpareLon = 10600;  // about 1 km

absl::StatusOr<std::map<std::string, Frame>> Frames(Db& db, int year) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT district, MIN(lat_e6), MIN(lon_e6), MAX(lat_e6), MAX(lon_e6) FROM ("
      "SELECT district, lat_e6, lon_e6 FROM placement_schools WHERE year = ? UNION ALL "
      "SELECT district, lat_e6, lon_e6 FROM placement_compounds WHERE kind = 'compound') p GROUP BY district"));
  st.Bind(1, int64_t{year});
  std::map<std::string, Frame> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = Frame{static_cast<int32_t>(st.Int(1) - kFrameSpareLat), static_cast<int32_t>(st.Int(2) - kFrameSpareLon),
                            static_cast<int32_t>(st.Int(3) + kFrameSpareLat), static_cast<int32_t>(st.Int(4) + kFrameSpareLon)};
  }
  return out;
}

// The state an application's assessment and reviews give it: ineligible by its facts; otherwise any item returned
// returns it, every item of its grade passed makes it eligible, and until then it waits for review.
absl::StatusOr<std::string> StateOf(Db& db, const Policy& p, int64_t id, int grade, bool eligible) {
  if (!eligible) return std::string("ineligible");
  QF_ASSIGN_OR_RETURN(auto all, db.Prepare("SELECT item, result FROM placement_reviews WHERE application_id = ?"));
  all.Bind(1, id);
  std::map<std::string, std::string> done;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, all.Step());
    if (!row) break;
    done[all.Text(0)] = all.Text(1);
  }
  bool returned = false, complete = true;
  for (const auto& i : p.ItemsFor(grade)) {
    auto it = done.find(i.code);
    if (it == done.end()) complete = false;
    else if (it->second == "returned") returned = true;
  }
  return std::string(returned ? "returned" : complete ? "eligible" : "submitted");
}

// Stores an application's facts and their assessment under the policy, with the state that follows (a child who is
// no longer eligible is ineligible; one who is eligible again waits for, or has, its reviews); a change of
// eligibility or tier goes to the ledger with its cause. Answers the new state and tier, and whether they changed.
struct Stored {
  std::string state;
  int tier = -1;
  bool changed = false;
};
absl::StatusOr<Stored> StoreAssessment(Tx& tx, const Policy& p, const AppRow& app, const Facts& facts,
                                       json::object cause) {
  Db& db = tx.db();
  Assessment a = Assess(p, facts);
  // Eligibility unchanged keeps the state the review gave; lost, the application is ineligible; regained, its
  // reviews decide again.
  bool was_eligible = app.state != "ineligible";
  std::string state = app.state;
  if (was_eligible != a.eligible) {
    QF_ASSIGN_OR_RETURN(state, StateOf(db, p, app.id, app.grade, a.eligible));
  }
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE placement_applications SET residence_since = ?, work_proof = ?, housing = ?, special = ?, "
      "tenancy_months = ?, insurance_months = ?, tier = ?, reasons = ?, state = ?, assessed_under = ?, updated_at = ? "
      "WHERE id = ?"));
  up.Bind(1, FormatDay(facts.residence_since)).Bind(2, facts.work_proof).Bind(3, facts.housing).Bind(4, facts.special)
      .Bind(5, int64_t{facts.tenancy_months}).Bind(6, int64_t{facts.insurance_months});
  if (a.tier >= 0) up.Bind(7, int64_t{a.tier}); else up.BindNull(7);
  up.Bind(8, json::serialize(Strings(a.reasons))).Bind(9, state).Bind(10, p.digest).Bind(11, FormatUtc(tx.now()))
      .Bind(12, app.id);
  QF_RETURN_IF_ERROR(up.Run());
  bool changed = was_eligible != a.eligible || app.tier != a.tier;
  if (changed) {
    cause["ref"] = app.ref;
    cause["from"] = json::object{{"eligible", was_eligible}, {"tier", app.tier}};
    cause["to"] = json::object{{"eligible", a.eligible}, {"tier", a.tier}};
    cause["state"] = state;
    cause["policy_sha256"] = p.digest;
    QF_RETURN_IF_ERROR(tx.Append("placement.reassessed", Subject("application", app.id), std::move(cause)).status());
  }
  return Stored{state, a.tier, changed};
}

}  // namespace

FactsInput ReadFacts(JsonInput& in, const Policy& policy, bool required) {
  FactsInput f;
  f.residence_since = in.Day("residence_since", required);
  f.work_proof = in.Str("work_proof", required, 30);
  if (f.work_proof && std::find(policy.work_proofs.begin(), policy.work_proofs.end(), *f.work_proof) == policy.work_proofs.end())
    in.Fail("work_proof", "应为营业执照、劳动合同或其他证明");
  f.housing = in.Str("housing", required, 20);
  if (f.housing && std::find(std::begin(kHousing), std::end(kHousing), *f.housing) == std::end(kHousing))
    in.Fail("housing", "应为自有住房、租房备案或其他");
  if (auto n = in.Int("tenancy_months", false, 0, 600)) f.tenancy_months = static_cast<int>(*n);
  if (auto n = in.Int("insurance_months", false, 0, 600)) f.insurance_months = static_cast<int>(*n);
  f.special = in.Str("special", false, 30);
  return f;
}

Facts Corrected(Facts f, const FactsInput& c) {
  if (c.residence_since) f.residence_since = *c.residence_since;
  if (c.work_proof) f.work_proof = *c.work_proof;
  if (c.housing) f.housing = *c.housing;
  if (c.special) f.special = *c.special;
  if (c.tenancy_months) f.tenancy_months = *c.tenancy_months;
  if (c.insurance_months) f.insurance_months = *c.insurance_months;
  return f;
}

MapCell CellOf(MapPoint p) {
  constexpr int32_t kLat = 2250, kLon = 2650;  // about 250 m at the city's latitude
  auto floor_div = [](int32_t v, int32_t d) { return v >= 0 ? v / d : -((-v + d - 1) / d); };
  int32_t i = floor_div(p.lat_e6, kLat), j = floor_div(p.lon_e6, kLon);
  return MapCell{i * kLat + kLat / 2, j * kLon + kLon / 2, fmt::format("地图网格 N{}-E{}", i, j)};
}

absl::StatusOr<ApplicationRequest> ParseApplication(const Policy& policy, const json::object& body) {
  JsonInput in(body);
  ApplicationRequest r;
  r.child_name = in.Str("child_name", true, 30).value_or("");
  r.guardian_name = in.Str("guardian_name", true, 30).value_or("");
  r.guardian_phone = in.Str("guardian_phone", true, 20).value_or("");
  r.notify = in.Bool("notify", false).value_or(false);
  r.district = in.Str("district", true, 20).value_or("");
  if (const json::value* pt = in.Raw("point"); pt && !pt->is_null()) {
    if (in.Raw("compound_id")) in.Fail("point", "住址请在小区列表和地图选点中选择一种");
    if (!pt->is_object()) {
      in.Fail("point", "应为地图上的一点（lat_e6、lon_e6）");
    } else {
      JsonInput at(pt->as_object(), "point");
      auto lat = at.Int("lat_e6", true, -90000000, 90000000), lon = at.Int("lon_e6", true, -180000000, 180000000);
      in.Absorb(at);
      if (lat && lon) r.point = MapPoint{static_cast<int32_t>(*lat), static_cast<int32_t>(*lon)};
    }
  } else {
    r.compound_id = in.Int("compound_id", true, 1, INT64_MAX).value_or(0);
  }
  r.grade = static_cast<int>(in.Int("grade", true, 1, 12).value_or(0));
  if (r.grade && std::find(policy.grades.begin(), policy.grades.end(), r.grade) == policy.grades.end())
    in.Fail("grade", "随迁子女入学不接受这一年级的申请");
  FactsInput f = ReadFacts(in, policy, true);
  r.residence_since = f.residence_since.value_or(absl::CivilDay());
  r.work_proof = f.work_proof.value_or(""), r.housing = f.housing.value_or(""), r.special = f.special.value_or("");
  r.tenancy_months = f.tenancy_months.value_or(0), r.insurance_months = f.insurance_months.value_or(0);
  if (auto* c = in.Raw("choices")) {
    if (!c->is_array()) {
      in.Fail("choices", "应为学校代码的列表");
    } else {
      for (auto& v : c->as_array())
        if (v.is_string()) r.choices.emplace_back(v.as_string());
        else in.Fail("choices", "应为学校代码的列表");
      if (static_cast<int>(r.choices.size()) > policy.max_choices)
        in.Fail("choices", fmt::format("最多填报 {} 所学校", policy.max_choices));
      std::set<std::string> once(r.choices.begin(), r.choices.end());
      if (once.size() != r.choices.size()) in.Fail("choices", "同一所学校只能填报一次");
    }
  }
  if (auto phone = std::string(Trim(r.guardian_phone)); !phone.empty() &&
      (phone.size() != 11 || phone[0] != '1' || phone.find_first_not_of("0123456789") != std::string::npos))
    in.Fail("guardian_phone", "请填写11位手机号码");
  QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
  return r;
}

absl::StatusOr<json::object> PublicSchools(Db& db, const PlacementEnv& env) {
  const Policy& p = *env.policy;
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, p.year, false));
  json::array ss, compounds, tiers, items, forbidden;
  for (const auto& r : schools) {
    json::object seats;
    for (auto [g, n] : r.school.seats) seats[std::to_string(g)] = n;
    ss.push_back(json::object{{"code", r.school.code}, {"name", r.school.name}, {"district", r.school.district},
                              {"lat_e6", r.school.lat_e6}, {"lon_e6", r.school.lon_e6}, {"seats", seats}});
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, district, name, lat_e6, lon_e6 FROM placement_compounds WHERE kind = 'compound' ORDER BY district, name"));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    compounds.push_back(json::object{{"id", st.Int(0)}, {"district", st.Text(1)}, {"name", st.Text(2)},
                                     {"lat_e6", st.Int(3)}, {"lon_e6", st.Int(4)}});
  }
  json::object maps;
  QF_ASSIGN_OR_RETURN(auto frames, Frames(db, p.year));
  for (const auto& [district, f] : frames)
    maps[district] = json::object{{"south", f.south}, {"west", f.west}, {"north", f.north}, {"east", f.east}};
  for (const auto& t : p.tiers)
    tiers.push_back(json::object{{"tier", t.tier}, {"label", t.label}, {"clause", t.clause}});
  for (const auto& i : p.review_items)
    items.push_back(json::object{{"code", i.code}, {"label", i.label}, {"grades", json::array(i.grades.begin(), i.grades.end())}});
  return json::object{{"year", p.year}, {"max_choices", p.max_choices}, {"grades", json::array(p.grades.begin(), p.grades.end())},
                      {"schools", ss}, {"compounds", compounds}, {"maps", maps}, {"tiers", tiers}, {"review_items", items},
                      {"residence_clause", p.residence_clause}, {"work_clause", p.work_clause},
                      {"not_required", Strings(p.forbidden)}, {"not_required_clause", p.forbidden_clause}};
}

absl::StatusOr<json::object> Apply(Tx& tx, const PlacementEnv& env, const ApplicationRequest& r) {
  Db& db = tx.db();
  const Policy& p = *env.policy;
  int64_t compound_id = r.compound_id, lat = 0, lon = 0;
  if (r.point) {
    // A point on the map: inside the district's frame, kept as its grid cell (one compound row per cell).
    QF_ASSIGN_OR_RETURN(auto frames, Frames(db, p.year));
    auto fr = frames.find(r.district);
    if (fr == frames.end() || !fr->second.Holds(*r.point))
      return Invalid("placement.invalid", "所选位置不在该区地图范围内", {{"point", "不在该区范围内"}});
    MapCell cell = CellOf(*r.point);
    QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
        "INSERT INTO placement_compounds(district, name, lat_e6, lon_e6, kind) VALUES(?,?,?,?,'cell') "
        "ON CONFLICT(district, name) DO NOTHING"));
    ins.Bind(1, r.district).Bind(2, cell.name).Bind(3, int64_t{cell.lat_e6}).Bind(4, int64_t{cell.lon_e6});
    QF_RETURN_IF_ERROR(ins.Run());
    QF_ASSIGN_OR_RETURN(auto id, db.Prepare("SELECT id FROM placement_compounds WHERE district = ? AND name = ?"));
    id.Bind(1, r.district).Bind(2, cell.name);
    QF_RETURN_IF_ERROR(id.Step().status());
    compound_id = id.Int(0), lat = cell.lat_e6, lon = cell.lon_e6;
  } else {
    QF_ASSIGN_OR_RETURN(auto cst, db.Prepare("SELECT district, lat_e6, lon_e6 FROM placement_compounds WHERE id = ? AND kind = 'compound'"));
    cst.Bind(1, r.compound_id);
    QF_ASSIGN_OR_RETURN(bool found, cst.Step());
    if (!found || cst.Text(0) != r.district)
      return Invalid("placement.invalid", "请从所在区的小区列表中选择住址", {{"compound_id", "不是该区的小区"}});
    lat = cst.Int(1), lon = cst.Int(2);
  }
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, p.year, true));
  for (const auto& code : r.choices) {
    auto it = std::find_if(schools.begin(), schools.end(), [&](const SchoolRow& s) { return s.school.code == code; });
    if (it == schools.end() || !it->school.seats.contains(r.grade))
      return Invalid("placement.invalid", "志愿学校不是本年度招收该年级的定点学校", {{"choices", code + " 不可填报"}});
  }
  Facts facts{r.district, r.grade, r.residence_since, r.work_proof, r.housing, r.special, r.tenancy_months, r.insurance_months};
  Assessment a = Assess(p, facts);
  QF_ASSIGN_OR_RETURN(auto next, db.Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM placement_applications"));
  QF_RETURN_IF_ERROR(next.Step().status());
  std::string ref = fmt::format("SQ{}-{:06d}", p.year, next.Int(0));
  std::string code = NewReceiptCode();
  if (!env.vault) return absl::InternalError("保险库未配置，不能保存申请人信息");
  std::string sealed = env.vault->Seal(json::serialize(json::object{
      {"child_name", r.child_name}, {"guardian_name", r.guardian_name}, {"guardian_phone", r.guardian_phone}}));
  json::array reasons = Strings(a.reasons);
  std::string state = a.eligible ? "submitted" : "ineligible";
  std::string now = FormatUtc(tx.now());
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO placement_applications(year, ref, code_hash, child_masked, sealed, district, compound_id, lat_e6, "
      "lon_e6, grade, residence_since, work_proof, housing, tenancy_months, insurance_months, special, choices, state, "
      "tier, reasons, created_at, updated_at, assessed_under, notify) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "RETURNING id"));
  st.Bind(1, int64_t{p.year}).Bind(2, ref).Bind(3, CodeHash(code)).Bind(4, MaskName(r.child_name)).BindBlob(5, sealed)
      .Bind(6, r.district).Bind(7, compound_id).Bind(8, lat).Bind(9, lon).Bind(10, int64_t{r.grade})
      .Bind(11, FormatDay(r.residence_since)).Bind(12, r.work_proof).Bind(13, r.housing)
      .Bind(14, int64_t{r.tenancy_months}).Bind(15, int64_t{r.insurance_months}).Bind(16, r.special)
      .Bind(17, json::serialize(Strings(r.choices))).Bind(18, state);
  if (a.tier >= 0) st.Bind(19, int64_t{a.tier}); else st.BindNull(19);
  st.Bind(20, json::serialize(reasons)).Bind(21, now).Bind(22, now).Bind(23, p.digest).Bind(24, int64_t{r.notify});
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  QF_RETURN_IF_ERROR(tx.Append("placement.applied", Subject("application", ids.at(0)),
                               {{"ref", ref}, {"district", r.district}, {"grade", r.grade}, {"tier", a.tier},
                                {"state", state}, {"choices", r.choices.size()},
                                {"home", r.point ? "map" : "compound"}}).status());
  json::array to_bring;
  for (const auto& i : p.ItemsFor(r.grade)) to_bring.push_back(json::value(i.label));
  return json::object{{"ref", ref}, {"code", DisplayReceiptCode(code)}, {"state", state},
                      {"tier_label", a.tier_label}, {"reasons", reasons}, {"bring", to_bring},
                      {"not_required", Strings(p.forbidden)},
                      {"message", a.eligible ? "申请已提交。请凭查询码查看审核进度，并按要求到定点审核学校现场审核。"
                                             : "按所填信息暂不符合条件，原因见下；如信息有误可重新申请。"}};
}

absl::StatusOr<json::object> Follow(Db& db, const PlacementEnv& env, const std::string& typed) {
  auto code = ParseReceiptCode(typed);
  if (!code) return NotFound("placement.not_found", "查询码无效或申请不存在");
  QF_ASSIGN_OR_RETURN(auto app, AppWhere(db, "code_hash", CodeHash(*code)));
  if (!app) return NotFound("placement.not_found", "查询码无效或申请不存在");
  const Policy& p = *env.policy;
  boost::system::error_code ec;
  json::value reasons = json::parse(app->reasons, ec);
  json::array reviews;
  QF_ASSIGN_OR_RETURN(auto rv, db.Prepare(
      "SELECT item, result, COALESCE(reason,''), COALESCE(due_on,''), reviewed_at FROM placement_reviews WHERE application_id = ?"));
  rv.Bind(1, app->id);
  std::map<std::string, json::object> by_item;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, rv.Step());
    if (!row) break;
    by_item[rv.Text(0)] = json::object{{"result", rv.Text(1)}, {"reason", rv.Text(2)}, {"due_on", rv.Text(3)}, {"at", rv.Text(4)}};
  }
  for (const auto& i : p.ItemsFor(app->grade)) {
    json::object o{{"item", i.code}, {"label", i.label}};
    if (auto it = by_item.find(i.code); it != by_item.end())
      for (auto& [k, v] : it->second) o[k] = v;
    else o["result"] = "pending";
    reviews.push_back(std::move(o));
  }
  const TierRule* tier = p.Tier(app->tier);
  json::object out{{"ref", app->ref}, {"child", app->child_masked}, {"district", app->district}, {"grade", app->grade},
                   {"state", app->state}, {"tier", app->tier}, {"tier_label", tier ? tier->label : ""},
                   {"reasons", ec ? json::value(json::array()) : reasons}, {"reviews", reviews},
                   {"choices", Strings(app->choices)}};
  QF_ASSIGN_OR_RETURN(auto run, LatestPublished(db, p.year));
  if (!run) return out;
  QF_ASSIGN_OR_RETURN(auto res, db.Prepare(
      "SELECT lottery, COALESCE(school,''), rank, chosen, metres, COALESCE(tier, -1) FROM placement_results "
      "WHERE run_id = ? AND application_id = ?"));
  res.Bind(1, run->id).Bind(2, app->id);
  QF_ASSIGN_OR_RETURN(bool placed_row, res.Step());
  if (!placed_row) return out;
  int64_t lottery = res.Int(0);
  std::string school = res.Text(1);
  int rank = static_cast<int>(res.Int(2));
  // A decision since the run changes the seat shown.
  QF_ASSIGN_OR_RETURN(auto dec, db.Prepare(
      "SELECT COALESCE(to_school,''), reason FROM placement_decisions WHERE run_id = ? AND application_id = ? ORDER BY id DESC LIMIT 1"));
  dec.Bind(1, run->id).Bind(2, app->id);
  QF_ASSIGN_OR_RETURN(bool decided, dec.Step());
  // Why: the schools the child ranked above its seat, each with the last child admitted there.
  QF_ASSIGN_OR_RETURN(auto rows, LoadSchools(db, p.year, false));
  Instance in;
  for (auto& r : rows) in.schools.push_back(r.school);
  // The tier the run placed the child by (a later re-assessment does not change a published result).
  int run_tier = res.Int(5) >= 0 ? static_cast<int>(res.Int(5)) : app->tier;
  Child c{app->ref, app->district, app->grade, run_tier, app->lat_e6, app->lon_e6, app->choices, lottery};
  json::value summary = json::parse(run->summary, ec);
  std::map<std::pair<std::string, int>, json::object> cutoffs;
  if (!ec && summary.is_object())
    if (auto* cs = summary.as_object().if_contains("cutoffs"); cs && cs->is_array())
      for (auto& v : cs->as_array()) {
        auto& o = v.as_object();
        cutoffs[{std::string(o.at("code").as_string()), static_cast<int>(o.at("grade").as_int64())}] = o;
      }
  std::vector<int> list = PreferenceList(in, c);
  json::array above;
  for (int k = 0; k < rank - 1 && k < static_cast<int>(list.size()); ++k) {
    const School& s = in.schools[list[k]];
    json::object a{{"code", s.code}, {"name", s.name}, {"yours", PriorityJson(c.tier, Metres(c, s), lottery)}};
    if (auto it = cutoffs.find({s.code, c.grade}); it != cutoffs.end())
      a["last_admitted"] = PriorityJson(static_cast<int>(it->second.at("tier").as_int64()),
                                        it->second.at("metres").as_int64(), it->second.at("lottery").as_int64());
    above.push_back(std::move(a));
  }
  json::object result{{"run_id", run->id}, {"lottery", Lottery(lottery)}, {"above", above}};
  auto name_of = [&](const std::string& code) {
    for (auto& s : in.schools)
      if (s.code == code) return s.name;
    return code;
  };
  if (!school.empty()) {
    result["school"] = json::object{{"code", school}, {"name", name_of(school)}};
    result["rank"] = rank;
    result["chosen"] = res.Int(3) != 0;
    result["km"] = std::round(res.Int(4) / 100.0) / 10;
    // explained_as: which of the sentences below, as a code for the UI's language.
    result["explained_as"] = res.Int(3) != 0 ? "chosen" : app->choices.empty() ? "nearest" : "full";
    result["explanation"] =
        res.Int(3) != 0 ? fmt::format("已安排到{}，您填报的第 {} 志愿。", name_of(school), rank)
        : app->choices.empty()
            ? fmt::format("已安排到{}（未填报志愿学校，按距离由区统筹安排，距住址 {}）。", name_of(school), Km(res.Int(4)))
            : fmt::format("已安排到{}（您填报的学校学位已满，由区统筹安排，距住址 {}）。", name_of(school), Km(res.Int(4)));
  } else {
    result["explained_as"] = "none";
    result["explanation"] = "学位不足，暂未安排；区教育主管部门将增加学位后另行安排。";
  }
  if (decided) {
    result["decision"] = json::object{{"school", dec.Text(0).empty() ? json::value(nullptr) : json::value(name_of(dec.Text(0)))},
                                      {"reason", dec.Text(1)}};
  }
  out["result"] = std::move(result);
  return out;
}

absl::StatusOr<json::object> Object(Tx& tx, const PlacementEnv& env, const std::string& typed, const std::string& content) {
  Db& db = tx.db();
  std::string text(Trim(content));
  if (text.empty() || Utf8Length(text) > 2000)
    return Invalid("placement.objection", "请填写异议内容（2000字以内）", {{"content", "必填"}});
  QF_ASSIGN_OR_RETURN(auto view, Follow(db, env, typed));
  if (!view.contains("result")) return Invalid("placement.objection", "录取结果公布后才能提出异议", {{"code", "结果尚未公布"}});
  auto code = ParseReceiptCode(typed);
  QF_ASSIGN_OR_RETURN(auto app, AppWhere(db, "code_hash", CodeHash(*code)));
  // The district's bureau answers (still behind the wall of whoever the objection accuses).
  QF_ASSIGN_OR_RETURN(auto bureaus, org::ListUnits(db, {.kind = "district_bureau", .district = app->district}));
  cases::NewCase nc;
  nc.channel = "web";
  nc.category = "admission";
  nc.kind = "complaint";
  nc.title = "对随迁子女入学安排结果的异议";
  const auto& result = view.at("result").as_object();
  nc.content = fmt::format("申请编号：{}\n安排结果及说明：{}\n异议内容：{}", app->ref,
                           result.at("explanation").as_string().c_str(), text);
  nc.anonymous = true;
  if (!bureaus.empty()) nc.route_to_unit_id = bureaus.front().id;
  QF_ASSIGN_OR_RETURN(auto reg, cases::Register(tx, env.case_env, nc));
  QF_ASSIGN_OR_RETURN(auto rec, db.Prepare(
      "INSERT INTO placement_objections(case_id, application_id, run_id, created_at) VALUES(?,?,?,?)"));
  rec.Bind(1, reg.id).Bind(2, app->id).Bind(3, result.at("run_id").as_int64()).Bind(4, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(rec.Run());
  QF_RETURN_IF_ERROR(tx.Append("placement.objection", Subject("application", app->id), {{"case_id", reg.id}}).status());
  return json::object{{"receipt", DisplayReceiptCode(reg.receipt)},
                      {"message", "异议已受理，已转区教育主管部门办理；请凭回执码跟踪进展。"}};
}

std::string ApplicationsSql(bool by_district, bool by_state) {
  std::string sql = fmt::format("SELECT {} FROM placement_applications WHERE year = ?", kAppColumns);
  if (by_district) sql += " AND district = ?";
  if (by_state) sql += " AND state = ?";
  return sql + " ORDER BY id DESC LIMIT 200";
}

absl::StatusOr<json::object> Applications(Db& db, const PlacementEnv& env, const std::string& district,
                                          const std::string& state, const Principal& who) {
  QF_ASSIGN_OR_RETURN(std::string mine, DistrictOf(db, who));
  std::string d = mine.empty() ? district : mine;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(ApplicationsSql(!d.empty(), !state.empty())));
  int k = 1;
  st.Bind(k++, int64_t{env.policy->year});
  if (!d.empty()) st.Bind(k++, d);
  if (!state.empty()) st.Bind(k++, state);
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AppRow a = ReadApp(st);
    const TierRule* t = env.policy->Tier(a.tier);
    items.push_back(json::object{{"id", a.id}, {"ref", a.ref}, {"child", a.child_masked}, {"district", a.district},
                                 {"grade", a.grade}, {"state", a.state}, {"tier", a.tier},
                                 {"tier_label", t ? t->label : ""}, {"choices", Strings(a.choices)}});
  }
  json::array items_to_review;
  for (const auto& i : env.policy->review_items)
    items_to_review.push_back(json::object{{"code", i.code}, {"label", i.label}, {"grades", json::array(i.grades.begin(), i.grades.end())}});
  return json::object{{"items", items}, {"district", d}, {"review_items", items_to_review}};
}

absl::StatusOr<ReviewRequest> ParseReview(const Policy& policy, const json::object& body) {
  JsonInput in(body);
  ReviewRequest r;
  r.item = in.Str("item", true, 40).value_or("");
  r.result = in.Str("result", true, 10).value_or("");
  r.reason = in.Str("reason", false, 200).value_or("");
  r.due_on = in.Day("due_on", false);
  if (const json::value* c = in.Raw("corrected"); c && !c->is_null()) {
    if (!c->is_object()) {
      in.Fail("corrected", "应为按材料更正的申请信息");
    } else {
      JsonInput fix(c->as_object(), "corrected");
      r.corrected = ReadFacts(fix, policy, false);
      for (const auto& [k, v] : c->as_object())
        if (k != "residence_since" && k != "work_proof" && k != "housing" && k != "special" && k != "tenancy_months" &&
            k != "insurance_months")
          fix.Fail(k, "不能更正这一项");
      in.Absorb(fix);
    }
  }
  if (!r.result.empty() && r.result != "ok" && r.result != "returned") in.Fail("result", "应为 ok 或 returned");
  if (r.result == "returned" && Trim(r.reason).empty()) in.Fail("reason", "退回须写明原因");
  if (r.result == "returned" && !r.due_on) in.Fail("due_on", "退回须写明补交期限");
  QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
  return r;
}

absl::StatusOr<json::object> Review(Tx& tx, const PlacementEnv& env, int64_t id, const ReviewRequest& r,
                                    const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto app, AppWhere(db, "id", std::to_string(id)));
  if (!app) return NotFound("placement.not_found", "申请不存在");
  QF_RETURN_IF_ERROR(MayActIn(db, who, app->district));
  auto items = env.policy->ItemsFor(app->grade);
  if (std::none_of(items.begin(), items.end(), [&](const ReviewItem& i) { return i.code == r.item; }))
    return Invalid("placement.invalid", "这一项不在该年级的审核材料中", {{"item", "不是审核项目"}});
  // Facts corrected from the documents are stored and assessed again before the item counts.
  json::object changes;
  if (!r.corrected.empty()) {
    Facts after = Corrected(app->facts, r.corrected);
    auto differs = [&](const char* key, const auto& before, const auto& now) {
      if (before != now) changes[key] = json::array{json::value_from(before), json::value_from(now)};
    };
    differs("residence_since", FormatDay(app->facts.residence_since), FormatDay(after.residence_since));
    differs("work_proof", app->facts.work_proof, after.work_proof);
    differs("housing", app->facts.housing, after.housing);
    differs("special", app->facts.special, after.special);
    differs("tenancy_months", app->facts.tenancy_months, after.tenancy_months);
    differs("insurance_months", app->facts.insurance_months, after.insurance_months);
    if (!changes.empty()) {
      QF_ASSIGN_OR_RETURN(Stored stored, StoreAssessment(tx, *env.policy, *app, after,
                                                         {{"cause", "review"}, {"item", r.item}, {"changes", changes},
                                                          {"reviewer_account_id", who.account_id}}));
      app->state = stored.state;
      app->tier = stored.tier;
    }
  }
  if (app->state == "ineligible" && r.result == "ok")
    return Invalid("placement.state", "该申请按所填信息不符合条件", {{"item", "申请不符合条件"}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO placement_reviews(application_id, item, result, reason, due_on, reviewer_account, reviewed_at) "
      "VALUES(?,?,?,?,?,?,?) ON CONFLICT(application_id, item) DO UPDATE SET result = excluded.result, "
      "reason = excluded.reason, due_on = excluded.due_on, reviewer_account = excluded.reviewer_account, "
      "reviewed_at = excluded.reviewed_at"));
  st.Bind(1, id).Bind(2, r.item).Bind(3, r.result);
  if (r.result == "returned") st.Bind(4, std::string(Trim(r.reason))).Bind(5, FormatDay(*r.due_on));
  else st.BindNull(4).BindNull(5);
  st.Bind(6, who.account_id).Bind(7, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  // The application's state from all its items: any returned returns it; all ok makes it eligible.
  QF_ASSIGN_OR_RETURN(std::string state, StateOf(db, *env.policy, id, app->grade, app->state != "ineligible"));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE placement_applications SET state = ?, updated_at = ? WHERE id = ?"));
  up.Bind(1, state).Bind(2, FormatUtc(tx.now())).Bind(3, id);
  QF_RETURN_IF_ERROR(up.Run());
  json::object ev{{"item", r.item}, {"result", r.result}, {"reviewer_account_id", who.account_id}, {"state", state}};
  if (r.result == "returned") ev["reason"] = std::string(Trim(r.reason)), ev["due_on"] = FormatDay(*r.due_on);
  if (!changes.empty()) ev["corrected"] = changes;
  QF_RETURN_IF_ERROR(tx.Append("placement.reviewed", Subject("application", id), ev).status());
  const TierRule* t = env.policy->Tier(app->tier);
  return json::object{{"id", id}, {"ref", app->ref}, {"state", state}, {"item", r.item}, {"result", r.result},
                      {"tier", app->tier}, {"tier_label", t ? t->label : ""}, {"corrected", changes}};
}

absl::StatusOr<int64_t> ReassessUnderPolicy(Tx& tx, const PlacementEnv& env) {
  Db& db = tx.db();
  const Policy& p = *env.policy;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM placement_applications WHERE year = ? AND assessed_under <> ? ORDER BY id", kAppColumns)));
  st.Bind(1, int64_t{p.year}).Bind(2, p.digest);
  std::vector<AppRow> stale;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    stale.push_back(ReadApp(st));
  }
  if (stale.empty()) return 0;
  int64_t changed = 0;
  for (const AppRow& app : stale) {
    QF_ASSIGN_OR_RETURN(Stored stored, StoreAssessment(tx, p, app, app.facts, {{"cause", "policy"}}));
    changed += stored.changed;
  }
  QF_RETURN_IF_ERROR(tx.Append("placement.policy_applied", fmt::format("placement/{}", p.year),
                               {{"policy_sha256", p.digest}, {"applications", stale.size()}, {"changed", changed}})
                         .status());
  return changed;
}

absl::StatusOr<json::object> SetSeats(Tx& tx, const PlacementEnv& env, const std::string& code, int grade, int seats,
                                      const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, env.policy->year, true));
  auto it = std::find_if(schools.begin(), schools.end(), [&](const SchoolRow& s) { return s.school.code == code; });
  if (it == schools.end()) return NotFound("placement.school", "不是本年度的定点学校");
  bool own_school = it->unit_id && it->unit_id == who.unit_id;
  if (!own_school) QF_RETURN_IF_ERROR(MayActIn(db, who, it->school.district));
  if (seats < 0 || seats > 5000) return Invalid("placement.invalid", "学位数不合理", {{"seats", "应在 0–5000 之间"}});
  if (std::find(env.policy->grades.begin(), env.policy->grades.end(), grade) == env.policy->grades.end())
    return Invalid("placement.invalid", "年级无效", {{"grade", "不是招收的年级"}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO placement_seats(year, code, grade, seats, approved, entered_by) VALUES(?,?,?,?,0,?) "
      "ON CONFLICT(year, code, grade) DO UPDATE SET seats = excluded.seats, approved = 0, "
      "entered_by = excluded.entered_by, approved_by = NULL"));
  st.Bind(1, int64_t{env.policy->year}).Bind(2, code).Bind(3, int64_t{grade}).Bind(4, int64_t{seats}).Bind(5, who.account_id);
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("placement.seats_entered", "placement_school/" + code,
                               {{"grade", grade}, {"seats", seats}}).status());
  return json::object{{"code", code}, {"grade", grade}, {"seats", seats}, {"approved", false}};
}

absl::StatusOr<json::object> ApproveSeats(Tx& tx, const PlacementEnv& env, const std::string& code, int grade,
                                          const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, env.policy->year, true));
  auto it = std::find_if(schools.begin(), schools.end(), [&](const SchoolRow& s) { return s.school.code == code; });
  if (it == schools.end() || !it->school.seats.contains(grade)) return NotFound("placement.school", "该校该年级尚未填报学位");
  if (it->unit_id && it->unit_id == who.unit_id && !who.Has(kSupervisor))
    return Forbidden("placement.scope", "学校不能审批自己填报的学位，应由区教育局审批");
  QF_RETURN_IF_ERROR(MayActIn(db, who, it->school.district));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("UPDATE placement_seats SET approved = 1, approved_by = ? WHERE year = ? AND code = ? AND grade = ?"));
  st.Bind(1, who.account_id).Bind(2, int64_t{env.policy->year}).Bind(3, code).Bind(4, int64_t{grade});
  QF_RETURN_IF_ERROR(st.Run());
  QF_RETURN_IF_ERROR(tx.Append("placement.seats_approved", "placement_school/" + code,
                               {{"grade", grade}, {"seats", it->school.seats.at(grade)}}).status());
  return json::object{{"code", code}, {"grade", grade}, {"seats", it->school.seats.at(grade)}, {"approved", true}};
}

absl::StatusOr<json::object> Board(Db& db, const PlacementEnv& env) {
  int year = env.policy->year;
  struct Cell {
    int64_t seats = 0, entered = 0, pending = 0, eligible = 0;
    std::map<int, int64_t> by_tier;
  };
  std::map<std::pair<std::string, int>, Cell> cells;
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, year, true));
  QF_ASSIGN_OR_RETURN(auto approved, LoadSchools(db, year, false));
  for (size_t i = 0; i < schools.size(); ++i) {
    for (auto [g, n] : schools[i].school.seats) cells[{schools[i].school.district, g}].entered += n;
    for (auto [g, n] : approved[i].school.seats) cells[{approved[i].school.district, g}].seats += n;
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT district, grade, state, COALESCE(tier, -1), COUNT(*) FROM placement_applications WHERE year = ? "
      "AND state IN ('submitted','returned','eligible') GROUP BY district, grade, state, tier"));
  st.Bind(1, int64_t{year});
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Cell& c = cells[{st.Text(0), static_cast<int>(st.Int(1))}];
    if (st.Text(2) == "eligible") {
      c.eligible += st.Int(4);
      c.by_tier[static_cast<int>(st.Int(3))] += st.Int(4);
    } else {
      c.pending += st.Int(4);
    }
  }
  json::array rows;
  std::map<int, Cell> city;
  for (auto& [k, c] : cells) {
    json::object tiers;
    for (auto [t, n] : c.by_tier) tiers[std::to_string(t)] = n;
    bool short_now = c.eligible > c.seats, short_later = c.eligible + c.pending > c.seats;
    rows.push_back(json::object{{"district", k.first}, {"grade", k.second}, {"seats", c.seats}, {"entered", c.entered},
                                {"eligible", c.eligible}, {"pending", c.pending}, {"by_tier", tiers},
                                {"warning", short_now ? "学位不足" : short_later ? "学位预警" : ""}});
    Cell& t = city[k.second];
    t.seats += c.seats, t.entered += c.entered, t.eligible += c.eligible, t.pending += c.pending;
  }
  json::array totals;
  for (auto& [g, c] : city)
    totals.push_back(json::object{{"grade", g}, {"seats", c.seats}, {"eligible", c.eligible}, {"pending", c.pending},
                                  {"warning", c.eligible > c.seats ? "全市学位不足：运行后将有儿童无法安排" : ""}});
  return json::object{{"year", year}, {"districts", rows}, {"city", totals}};
}

absl::StatusOr<json::object> RequestRun(Tx& tx, const PlacementEnv& env, int64_t witness, const Principal& who) {
  Db& db = tx.db();
  if (!who.Has(kSupervisor) && !who.Has(kLeader)) return Forbidden("placement.scope", "录取运行由市教育局发起");
  QF_RETURN_IF_ERROR(draws::CheckWitness(db, "placement", witness, who));
  QF_ASSIGN_OR_RETURN(auto open, db.Prepare("SELECT id FROM placement_runs WHERE year = ? AND state <> 'published'"));
  open.Bind(1, int64_t{env.policy->year});
  QF_ASSIGN_OR_RETURN(bool busy, open.Step());
  if (busy) return MakeError(absl::StatusCode::kFailedPrecondition, "placement.run_open", "已有一个未公布的录取批次");
  QF_ASSIGN_OR_RETURN(draws::Committed commit, draws::Commit(env.vault, "placement"));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO placement_runs(year, state, commitment, sealed_secret, requested_by, witness_account, requested_at) "
      "VALUES(?, 'committed', ?, ?, ?, ?, ?) RETURNING id"));
  st.Bind(1, int64_t{env.policy->year}).Bind(2, commit.commitment).BindBlob(3, commit.sealed_secret)
      .Bind(4, who.account_id).Bind(5, witness).Bind(6, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("placement.run_requested", Subject("run", ids.at(0)),
                                             {{"year", env.policy->year}, {"commitment", commit.commitment},
                                              {"witness_account_id", witness}}));
  return json::object{{"id", ids.at(0)}, {"state", "committed"}, {"commitment", commit.commitment}, {"ledger_seq", seq}};
}

namespace {

// A run's inputs as the database holds them: approved seats and the eligible children, in canonical order (no
// lottery numbers yet), with the children's application ids.
absl::StatusOr<DrawComputed> LoadDrawInputs(Db& db, int year) {
  DrawComputed d;
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, year, false));
  for (auto& s : schools) d.in.schools.push_back(s.school);
  // Only what placement reads of each child (the writer reads them again to store a draw).
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, ref, district, grade, COALESCE(tier, -1), lat_e6, lon_e6, choices FROM placement_applications "
      "WHERE year = ? AND state = 'eligible' ORDER BY ref"));
  st.Bind(1, int64_t{year});
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    d.app_ids.push_back(st.Int(0));
    d.in.children.push_back({st.Text(1), st.Text(2), static_cast<int>(st.Int(3)), static_cast<int>(st.Int(4)),
                             static_cast<int32_t>(st.Int(5)), static_cast<int32_t>(st.Int(6)), ChoicesOf(st.Text(7)), 0});
  }
  return d;
}

// The run checked drawable by `who` with `public_value` (and with children to place): its seed, and its inputs as
// `db` holds them.
absl::StatusOr<DrawComputed> Drawable(Db& db, const PlacementEnv& env, int64_t run_id, const std::string& public_value,
                                      const Principal& who) {
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "committed") return MakeError(absl::StatusCode::kFailedPrecondition, "placement.state", "该批次已运行");
  QF_ASSIGN_OR_RETURN(draws::Reveal rv, draws::RevealSeed(env.vault, "placement", run.sealed_secret, run.witness,
                                                          public_value, who));
  QF_ASSIGN_OR_RETURN(DrawComputed d, LoadDrawInputs(db, run.year));
  if (d.in.children.empty()) return MakeError(absl::StatusCode::kFailedPrecondition, "placement.empty", "没有审核通过的申请");
  d.run_id = run_id, d.commitment = run.commitment, d.public_value = rv.public_value, d.seed = rv.seed;
  return d;
}

// The draw itself: the lottery numbers, deferred acceptance, the flow comparison; the run's summary (with the
// shortfalls and each school's cut-off) and its record without the secret (added at publication), whose seats'
// digest goes to the ledger with the draw.
void Decide(DrawComputed& d) {
  const Instance& in = d.in;
  for (Child& c : d.in.children) c.lottery = LotteryNumber(d.seed, c.ref);
  d.result = DeferredAcceptance(in);
  const Result& r = d.result;
  const Comparison cmp = CompareWithFlow(in, r);
  int chosen = 0;
  json::array cutoffs, short_json, unplaced;
  for (size_t i = 0; i < in.children.size(); ++i) {
    chosen += r.seats[i].chosen;
    if (r.seats[i].school < 0) unplaced.push_back(json::value(in.children[i].ref));
  }
  for (auto& [k, pr] : Cutoffs(in, r))
    cutoffs.push_back(json::object{{"code", in.schools[k.first].code}, {"grade", k.second}, {"tier", pr.tier},
                                   {"metres", pr.metres}, {"lottery", pr.lottery}});
  for (const Shortfall& s : Shortfalls(in))
    short_json.push_back(json::object{{"district", s.district}, {"grade", s.grade}, {"children", s.children}, {"seats", s.seats}});
  d.summary = json::object{
      {"eligible", in.children.size()}, {"placed", r.placed}, {"chosen", chosen}, {"unplaced", unplaced},
      {"shortfalls", short_json}, {"cutoffs", cutoffs},
      {"comparison", json::object{{"da_mean_km", std::round(cmp.da_mean_km * 100) / 100},
                                  {"flow_mean_km", std::round(cmp.flow_mean_km * 100) / 100},
                                  {"da_total_km", cmp.da_metres / 1000}, {"flow_total_km", cmp.flow_metres / 1000},
                                  {"flow_placed", cmp.flow_placed}, {"flow_wronged", cmp.flow_envious},
                                  {"flow_moved", cmp.flow_moved}}}};
  json::object record = RecordJson(RecordOf(in, r, d.commitment, d.public_value, ""));
  d.seats_sha256 = Sha256Hex(json::serialize(record.at("children")));
  d.schools_json = json::serialize(record.at("schools"));
}

// Whether a draw computed before holds for the run as read now: the same seed, seats and children (the lottery numbers
// follow from the seed and the children's numbers).
bool StillHolds(const DrawComputed& before, const DrawComputed& now) {
  auto same = [](const Child& a, const Child& b) {
    return std::tie(a.ref, a.district, a.grade, a.tier, a.lat_e6, a.lon_e6, a.choices) ==
           std::tie(b.ref, b.district, b.grade, b.tier, b.lat_e6, b.lon_e6, b.choices);
  };
  return before.run_id == now.run_id && before.commitment == now.commitment && before.seed == now.seed &&
         before.public_value == now.public_value &&
         before.app_ids == now.app_ids && before.in.schools == now.in.schools &&
         std::equal(before.in.children.begin(), before.in.children.end(), now.in.children.begin(), now.in.children.end(), same);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const DrawComputed>> ComputeDraw(Db& db, const PlacementEnv& env, int64_t run_id,
                                                                const std::string& public_value, const Principal& who) {
  QF_ASSIGN_OR_RETURN(DrawComputed d, Drawable(db, env, run_id, public_value, who));
  Decide(d);
  return std::make_shared<const DrawComputed>(std::move(d));
}

absl::StatusOr<json::object> DrawRun(Tx& tx, const PlacementEnv& env, int64_t run_id, const std::string& public_value,
                                     const Principal& who, std::shared_ptr<const DrawComputed> computed) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(DrawComputed now, Drawable(db, env, run_id, public_value, who));
  // The outcome computed before this command stands only for the very inputs and seed read now.
  bool same = computed && StillHolds(*computed, now);
  if (!same) Decide(now);
  const DrawComputed& d = same ? *computed : now;
  const Instance& in = d.in;
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO placement_results(run_id, application_id, lottery, school, rank, chosen, metres, tier) VALUES(?,?,?,?,?,?,?,?)"));
  for (size_t i = 0; i < in.children.size(); ++i) {
    const Seat& s = d.result.seats[i];
    ins.Reset().Bind(1, run_id).Bind(2, d.app_ids[i]).Bind(3, in.children[i].lottery);
    if (s.school >= 0) ins.Bind(4, in.schools[s.school].code); else ins.BindNull(4);
    ins.Bind(5, int64_t{s.rank}).Bind(6, int64_t{s.chosen}).Bind(7, s.metres).Bind(8, int64_t{in.children[i].tier});
    QF_RETURN_IF_ERROR(ins.Send());
  }
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE placement_runs SET state = 'run', public_value = ?, run_at = ?, summary = ?, schools = ? WHERE id = ?"));
  up.Bind(1, d.public_value).Bind(2, FormatUtc(tx.now())).Bind(3, json::serialize(d.summary))
      .Bind(4, d.schools_json).Bind(5, run_id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("placement.run", Subject("run", run_id),
                                             {{"public_value", d.public_value}, {"children_sha256", d.seats_sha256},
                                              {"eligible", in.children.size()}, {"placed", d.result.placed}}));
  json::object summary = d.summary;
  summary.erase("cutoffs");
  return json::object{{"id", run_id}, {"state", "run"}, {"summary", summary}, {"ledger_seq", seq}};
}

namespace {

// The record as published: inputs and seats of the run, the secret, and decisions since.
absl::StatusOr<Recorded> LoadRecord(Db& db, const RunRow& run) {
  Recorded rec;
  rec.commitment = run.commitment, rec.public_value = run.public_value, rec.secret = run.secret;
  if (!run.schools.empty()) {
    // The schools and seats as the run had them (seats entered since do not change its record).
    boost::system::error_code ec;
    json::value v = json::parse(run.schools, ec);
    if (ec || !v.is_array()) return absl::DataLossError(fmt::format("录取批次 {} 的学校记录无法读取", run.id));
    QF_ASSIGN_OR_RETURN(Recorded at_run, ParseRecord(json::object{{"commitment", ""}, {"public_value", ""}, {"secret", ""},
                                                                  {"schools", v}, {"children", json::array()}}));
    rec.in.schools = std::move(at_run.in.schools);
  } else {
    QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, run.year, false));
    for (auto& s : schools) rec.in.schools.push_back(s.school);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {}, r.lottery, r.school, "
      "(SELECT d.to_school FROM placement_decisions d WHERE d.run_id = r.run_id AND d.application_id = a.id ORDER BY d.id DESC LIMIT 1), "
      "(SELECT d.reason FROM placement_decisions d WHERE d.run_id = r.run_id AND d.application_id = a.id ORDER BY d.id DESC LIMIT 1) "
      "FROM placement_results r JOIN placement_applications a ON a.id = r.application_id WHERE r.run_id = ? ORDER BY a.ref",
      "a.id, a.ref, a.child_masked, a.district, a.state, a.reasons, a.grade, COALESCE(r.tier, a.tier, -1), a.lat_e6, a.lon_e6, "
      "a.choices, a.residence_since, a.work_proof, a.housing, a.special, a.tenancy_months, a.insurance_months")));
  st.Bind(1, run.id);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AppRow a = ReadApp(st);
    rec.in.children.push_back({a.ref, a.district, a.grade, a.tier, a.lat_e6, a.lon_e6, a.choices, st.Int(17)});
    std::optional<std::string> seat = st.OptText(18);
    if (std::optional<std::string> reason = st.OptText(20)) {
      rec.decisions[a.ref] = {seat, *reason};
      seat = st.OptText(19);
    }
    rec.school_of.push_back(seat);
  }
  return rec;
}

}  // namespace

namespace {

// A child's seat as it stands: the latest decision's school where a decision was made since the run ('' for a
// decision that took the seat away), else the run's. Over placement_results r and placement_applications a.
constexpr const char* kSeatNow =
    "COALESCE((SELECT d.to_school FROM placement_decisions d WHERE d.run_id = r.run_id AND d.application_id = a.id "
    "ORDER BY d.id DESC LIMIT 1), CASE WHEN EXISTS (SELECT 1 FROM placement_decisions d WHERE d.run_id = r.run_id "
    "AND d.application_id = a.id) THEN '' ELSE r.school END)";
// The run's rows that may stand at a school (?2): seated there by the run, or moved by a decision.
// (Both read by index: the run's seats at the school, and the decisions.)
constexpr const char* kMayStandAt =
    "r.run_id = ?1 AND r.application_id IN (SELECT application_id FROM placement_results WHERE run_id = ?1 AND "
    "school = ?2 UNION SELECT application_id FROM placement_decisions WHERE run_id = ?1)";

// The application number as a public list shows it: the year's prefix and the last three digits.
std::string ShownRef(std::string_view ref) {
  auto dash = ref.find('-');
  if (dash == std::string_view::npos || ref.size() < dash + 4) return std::string(ref);
  return std::string(ref.substr(0, dash + 1)) + std::string(ref.size() - dash - 4, '*') + std::string(ref.substr(ref.size() - 3));
}

}  // namespace

absl::StatusOr<json::object> PublishRun(Tx& tx, const PlacementEnv& env, int64_t run_id, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "run") return MakeError(absl::StatusCode::kFailedPrecondition, "placement.state", "只有已运行的批次可以公布");
  if (who.account_id != run.requested_by && !who.Has(kSupervisor)) return Forbidden("placement.scope", "由发起人或纪检监察室公布");
  if (!env.vault) return absl::InternalError("保险库未配置");
  QF_ASSIGN_OR_RETURN(std::string secret, env.vault->Unseal(run.sealed_secret));
  run.secret = secret;
  QF_ASSIGN_OR_RETURN(Recorded rec, LoadRecord(db, run));
  std::string sha = Sha256Hex(json::serialize(RecordJson(rec)));
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE placement_runs SET state = 'published', secret = ?, record_sha256 = ?, published_at = ? WHERE id = ?"));
  up.Bind(1, secret).Bind(2, sha).Bind(3, FormatUtc(tx.now())).Bind(4, run_id);
  QF_RETURN_IF_ERROR(up.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("placement.published", Subject("run", run_id),
                                             {{"secret", secret}, {"record_sha256", sha}}));
  return json::object{{"id", run_id}, {"state", "published"}, {"record_sha256", sha}, {"ledger_seq", seq}};
}

absl::StatusOr<json::object> RunView(Db& db, const PlacementEnv&, int64_t run_id) {
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  boost::system::error_code ec;
  json::value summary = json::parse(run.summary, ec);
  if (!ec && summary.is_object()) summary.as_object().erase("cutoffs");
  return json::object{{"id", run.id}, {"year", run.year}, {"state", run.state}, {"commitment", run.commitment},
                      {"witness_account_id", run.witness}, {"public_value", run.public_value},
                      {"summary", ec ? json::value(json::object()) : summary}, {"record_sha256", run.record_sha256},
                      {"published_at", run.published_at}};
}

absl::StatusOr<json::object> Runs(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id, year, state, requested_at, COALESCE(published_at, ''), COALESCE(summary, '{}'), witness_account "
      "FROM placement_runs ORDER BY id DESC"));
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value summary = json::parse(st.Text(5), ec);
    json::object o{{"id", st.Int(0)}, {"year", st.Int(1)}, {"state", st.Text(2)}, {"requested_at", st.Text(3)},
                   {"published_at", st.Text(4)}, {"witness_account_id", st.Int(6)}};
    if (!ec && summary.is_object())
      for (const char* k : {"eligible", "placed", "chosen"})
        if (auto* v = summary.as_object().if_contains(k)) o[k] = *v;
    items.push_back(std::move(o));
  }
  return json::object{{"items", items}};
}

absl::StatusOr<json::object> PublicRecord(Db& db, int64_t run_id, bool with_children) {
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "published") return NotFound("placement.run_not_found", "录取批次不存在或尚未公布");
  QF_ASSIGN_OR_RETURN(Recorded rec, LoadRecord(db, run));
  // Without the children: their count and how many hold a seat, read off the record before its tens of thousands
  // of children are left out (building their JSON to drop it was most of the record page's time).
  size_t children_count = 0, placed = 0;
  if (!with_children) {
    children_count = rec.in.children.size();
    placed = std::count_if(rec.school_of.begin(), rec.school_of.end(), [](const auto& s) { return s.has_value(); });
    rec.in.children.clear();
    rec.school_of.clear();
  }
  json::object o = RecordJson(rec);
  o["run_id"] = run.id;
  o["year"] = run.year;
  o["record_sha256_at_publication"] = run.record_sha256;
  if (!with_children) {
    o.erase("children");
    o["children_count"] = children_count;
    o["placed"] = placed;
  }
  return o;
}

absl::StatusOr<json::object> PublicNotice(Db& db, int64_t run_id, const std::string& school) {
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "published") return NotFound("placement.run_not_found", "录取批次不存在或尚未公布");
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, run.year, false));
  QF_ASSIGN_OR_RETURN(auto ev, db.Prepare("SELECT seq FROM events WHERE subject = ? AND kind = 'placement.published'"));
  ev.Bind(1, Subject("run", run_id));
  QF_ASSIGN_OR_RETURN(bool has_seq, ev.Step());
  json::object out{{"run_id", run.id}, {"year", run.year}, {"published_at", run.published_at},
                   {"record_sha256", run.record_sha256}, {"ledger_seq", has_seq ? json::value(ev.Int(0)) : json::value(nullptr)}};
  if (school.empty()) {
    // Seats per school: the run's, then each decision since moves one.
    std::map<std::string, int64_t> count;
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT COALESCE(school, ''), COUNT(*) FROM placement_results WHERE run_id = ? GROUP BY school"));
    st.Bind(1, run_id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      count[st.Text(0)] += st.Int(1);
    }
    QF_ASSIGN_OR_RETURN(auto dec, db.Prepare(fmt::format(
        "SELECT COALESCE(r.school, ''), {} FROM placement_results r JOIN placement_applications a ON a.id = r.application_id "
        "WHERE r.run_id = ? AND r.application_id IN (SELECT application_id FROM placement_decisions WHERE run_id = ?)",
        kSeatNow)));
    dec.Bind(1, run_id).Bind(2, run_id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, dec.Step());
      if (!row) break;
      --count[dec.Text(0)];
      ++count[dec.OptText(1).value_or("")];
    }
    json::array list;
    for (const auto& r : schools)
      if (auto it = count.find(r.school.code); it != count.end() && it->second > 0)
        list.push_back(json::object{{"code", r.school.code}, {"name", r.school.name}, {"district", r.school.district},
                                    {"children", it->second}});
    out["schools"] = std::move(list);
    out["unplaced"] = count[""];
    return out;
  }
  auto it = std::find_if(schools.begin(), schools.end(), [&](const SchoolRow& r) { return r.school.code == school; });
  if (it == schools.end()) return NotFound("placement.school", "不是本年度的定点学校");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT a.ref, a.child_masked, a.grade, r.rank, r.chosen, {}, COALESCE(r.school, '') "
      "FROM placement_results r JOIN placement_applications a ON a.id = r.application_id WHERE {} ORDER BY a.grade, a.ref",
      kSeatNow, kMayStandAt)));
  st.Bind(1, run_id).Bind(2, school);
  json::array children;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (st.OptText(5).value_or("") != school) continue;
    bool decided = st.Text(6) != school;
    json::object c{{"ref", ShownRef(st.Text(0))}, {"child", st.Text(1)}, {"grade", st.Int(2)},
                   {"how", decided ? "decision" : st.Int(4) ? "choice" : "district"}};
    if (!decided && st.Int(4)) c["rank"] = st.Int(3);
    children.push_back(std::move(c));
  }
  out["school"] = json::object{{"code", it->school.code}, {"name", it->school.name}, {"district", it->school.district},
                               {"children", std::move(children)}};
  return out;
}

absl::StatusOr<json::object> Objections(Db& db, const PlacementEnv& env, const Principal& who) {
  QF_ASSIGN_OR_RETURN(std::string mine, DistrictOf(db, who));
  std::string sql = fmt::format(
      "SELECT o.case_id, c.receipt, c.state, o.created_at, o.run_id, a.ref, a.child_masked, a.district, a.grade, "
      "COALESCE(r.school, ''), {}, "
      "(SELECT d.reason FROM placement_decisions d WHERE d.run_id = r.run_id AND d.application_id = a.id ORDER BY d.id DESC LIMIT 1) "
      "FROM placement_objections o JOIN placement_applications a ON a.id = o.application_id "
      "JOIN cases c ON c.id = o.case_id "
      "JOIN placement_results r ON r.run_id = o.run_id AND r.application_id = o.application_id WHERE a.year = ?",
      kSeatNow);
  if (!mine.empty()) sql += " AND a.district = ?";
  sql += " ORDER BY o.case_id DESC LIMIT 200";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  st.Bind(1, int64_t{env.policy->year});
  if (!mine.empty()) st.Bind(2, mine);
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, env.policy->year, false));
  auto name_of = [&](const std::string& code) -> json::value {
    if (code.empty()) return nullptr;
    for (auto& r : schools)
      if (r.school.code == code) return json::value(r.school.name);
    return json::value(code);
  };
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json::object o{{"case_id", st.Int(0)}, {"receipt", DisplayReceiptCode(st.Text(1))}, {"case_state", st.Text(2)},
                   {"filed_at", st.Text(3)}, {"run_id", st.Int(4)}, {"ref", st.Text(5)}, {"child", st.Text(6)},
                   {"district", st.Text(7)}, {"grade", st.Int(8)},
                   {"run_school", json::object{{"code", st.Text(9)}, {"name", name_of(st.Text(9))}}},
                   {"seat", json::object{{"code", st.OptText(10).value_or("")}, {"name", name_of(st.OptText(10).value_or(""))}}}};
    if (auto reason = st.OptText(11)) o["decision_reason"] = *reason;
    items.push_back(std::move(o));
  }
  // The schools a seat may be moved to: every designated school with approved seats, by district.
  json::array to;
  for (const auto& r : schools)
    if (!r.school.seats.empty() && (mine.empty() || r.school.district == mine))
      to.push_back(json::object{{"code", r.school.code}, {"name", r.school.name}, {"district", r.school.district},
                                {"grades", [&] {
                                   json::array g;
                                   for (auto [grade, n] : r.school.seats) g.push_back(grade);
                                   return g;
                                 }()}});
  return json::object{{"items", items}, {"district", mine}, {"schools", to}};
}

absl::StatusOr<json::object> Decide(Tx& tx, const PlacementEnv& env, int64_t run_id, const std::string& ref,
                                    const std::optional<std::string>& to_school, const std::string& reason,
                                    const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "published") return MakeError(absl::StatusCode::kFailedPrecondition, "placement.state", "结果公布后才能作出调整决定");
  QF_ASSIGN_OR_RETURN(auto app, AppWhere(db, "ref", ref));
  if (!app) return Invalid("placement.invalid", "申请编号不存在", {{"ref", "不存在"}});
  QF_RETURN_IF_ERROR(MayActIn(db, who, app->district));
  std::string why(Trim(reason));
  if (why.empty() || Utf8Length(why) > 200) return Invalid("placement.invalid", "请写明调整的理由和决定文号", {{"reason", "必填"}});
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, run.year, false));
  if (to_school && std::none_of(schools.begin(), schools.end(), [&](const SchoolRow& s) {
        return s.school.code == *to_school && s.school.seats.contains(app->grade);
      }))
    return Invalid("placement.invalid", "调入学校不是招收该年级的定点学校", {{"to_school", "无效"}});
  QF_ASSIGN_OR_RETURN(auto cur, db.Prepare("SELECT school FROM placement_results WHERE run_id = ? AND application_id = ?"));
  cur.Bind(1, run_id).Bind(2, app->id);
  QF_ASSIGN_OR_RETURN(bool had, cur.Step());
  if (!had) return Invalid("placement.invalid", "该儿童不在本批次中", {{"ref", "不在本批次"}});
  std::optional<std::string> from = cur.OptText(0);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "INSERT INTO placement_decisions(run_id, application_id, from_school, to_school, reason, decided_by, decided_at) "
      "VALUES(?,?,?,?,?,?,?)"));
  st.Bind(1, run_id).Bind(2, app->id);
  if (from) st.Bind(3, *from); else st.BindNull(3);
  if (to_school) st.Bind(4, *to_school); else st.BindNull(4);
  st.Bind(5, why).Bind(6, who.account_id).Bind(7, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(st.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("placement.decided", Subject("run", run_id),
      {{"ref", ref}, {"from", from ? json::value(*from) : json::value(nullptr)},
       {"to", to_school ? json::value(*to_school) : json::value(nullptr)}, {"reason", why}}));
  return json::object{{"run_id", run_id}, {"ref", ref}, {"to_school", to_school ? json::value(*to_school) : json::value(nullptr)},
                      {"ledger_seq", seq}};
}

absl::Status SeedDemo(Tx& tx, const PlacementEnv& env, const GeneratedCity& city, int64_t account_id,
                      const std::map<std::string, int64_t>& units) {
  Db& db = tx.db();
  int year = env.policy->year;
  QF_ASSIGN_OR_RETURN(auto sch, db.Prepare(
      "INSERT INTO placement_schools(year, code, name, district, lat_e6, lon_e6, unit_id) VALUES(?,?,?,?,?,?,?)"));
  QF_ASSIGN_OR_RETURN(auto seat, db.Prepare(
      "INSERT INTO placement_seats(year, code, grade, seats, approved, entered_by, approved_by) VALUES(?,?,?,?,1,?,?)"));
  for (const School& s : city.in.schools) {
    sch.Reset().Bind(1, int64_t{year}).Bind(2, s.code).Bind(3, s.name).Bind(4, s.district)
        .Bind(5, int64_t{s.lat_e6}).Bind(6, int64_t{s.lon_e6});
    if (auto u = units.find(s.code); u != units.end()) sch.Bind(7, u->second); else sch.BindNull(7);
    QF_RETURN_IF_ERROR(sch.Run());
    for (auto [g, n] : s.seats)
      QF_RETURN_IF_ERROR(seat.Reset().Bind(1, int64_t{year}).Bind(2, s.code).Bind(3, int64_t{g}).Bind(4, int64_t{n})
                             .Bind(5, account_id).Bind(6, account_id).Run());
  }
  // Compounds: one per home point of the generated city, named by district and number.
  std::map<std::tuple<std::string, int32_t, int32_t>, int64_t> compound;
  QF_ASSIGN_OR_RETURN(auto cp, db.Prepare(
      "INSERT INTO placement_compounds(district, name, lat_e6, lon_e6) VALUES(?,?,?,?) RETURNING id"));
  for (const Child& c : city.in.children) {
    auto key = std::tuple(c.district, c.lat_e6, c.lon_e6);
    if (compound.contains(key)) continue;
    int n = static_cast<int>(compound.size()) + 1;
    cp.Reset().Bind(1, c.district).Bind(2, fmt::format("{}第{}小区", c.district.substr(0, c.district.size() - 3), n))
        .Bind(3, int64_t{c.lat_e6}).Bind(4, int64_t{c.lon_e6});
    QF_ASSIGN_OR_RETURN(auto ids, cp.Ints());
    compound[key] = ids.at(0);
  }
  QF_ASSIGN_OR_RETURN(auto app, db.Prepare(
      "INSERT INTO placement_applications(year, ref, code_hash, child_masked, sealed, district, compound_id, lat_e6, "
      "lon_e6, grade, residence_since, work_proof, housing, tenancy_months, insurance_months, special, choices, state, "
      "tier, reasons, created_at, updated_at, assessed_under) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'eligible',?,?,?,?,?)"));
  std::string now = FormatUtc(tx.now());
  static const char* kHousingOf[] = {"other", "own_home", "filed_tenancy", "other"};
  // Names for the class lists and letters, sealed as the portal seals them (only the masked name in clear).
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"};
  static const char* kGiven[] = {"子涵", "欣怡", "梓轩", "雨桐", "浩然", "思远", "一诺", "佳怡", "宇航", "诗琪", "俊杰", "梦瑶"};
  static const char* kParent[] = {"建国", "海燕", "志强", "秀英", "军", "静", "磊", "丽"};
  if (!env.vault) return absl::InternalError("保险库未配置");
  size_t k = 0;
  for (const Child& c : city.in.children) {
    ++k;
    std::string surname = kSurnames[k % 16];
    std::string child = surname + kGiven[(k / 16) % 12], guardian = surname + kParent[(k / 7) % 8];
    std::string sealed = env.vault->Seal(json::serialize(json::object{
        {"child_name", child}, {"guardian_name", guardian}, {"guardian_phone", fmt::format("139{:08d}", k)}}));
    Facts facts{c.district, c.grade, absl::CivilDay(2024, 9, 1), "labour_contract", kHousingOf[c.tier],
                c.tier == kSpecial ? "军人子女" : "", c.tier == kRelativelyNear ? 40 : 0, c.tier == kRelativelyNear ? 40 : 0};
    Assessment a = Assess(*env.policy, facts);
    if (!a.eligible || a.tier != c.tier)
      return absl::InternalError(fmt::format("demo: {} would be assessed tier {}, not {}", c.ref, a.tier, c.tier));
    app.Reset().Bind(1, int64_t{year}).Bind(2, c.ref).Bind(3, CodeHash("demo:" + c.ref)).Bind(4, MaskName(child))
        .BindBlob(5, sealed).Bind(6, c.district).Bind(7, compound[std::tuple(c.district, c.lat_e6, c.lon_e6)])
        .Bind(8, int64_t{c.lat_e6}).Bind(9, int64_t{c.lon_e6}).Bind(10, int64_t{c.grade})
        .Bind(11, FormatDay(facts.residence_since)).Bind(12, facts.work_proof).Bind(13, facts.housing)
        .Bind(14, int64_t{facts.tenancy_months}).Bind(15, int64_t{facts.insurance_months}).Bind(16, facts.special)
        .Bind(17, json::serialize(Strings(c.choices))).Bind(18, int64_t{c.tier}).Bind(19, json::serialize(Strings(a.reasons)))
        .Bind(20, now).Bind(21, now).Bind(22, env.policy->digest);
    QF_RETURN_IF_ERROR(app.Send());
  }
  return tx.Append("placement.seeded", "placement/demo", {{"schools", city.in.schools.size()},
                                                          {"applications", city.in.children.size()}}).status();
}

}  // namespace qf::placement

namespace qf::placement {

absl::StatusOr<SeatedSchool> OpenSeated(Tx& tx, int64_t run_id, const std::string& school, const std::string& purpose,
                                        const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, run_id));
  if (run.state != "published") return MakeError(absl::StatusCode::kFailedPrecondition, "placement.state", "录取结果公布后才能导出");
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, run.year, false));
  auto it = std::find_if(schools.begin(), schools.end(), [&](const SchoolRow& s) { return s.school.code == school; });
  if (it == schools.end()) return Invalid("placement.invalid", "不是本年度的定点学校", {{"school", "无效"}});
  bool own_school = it->unit_id && it->unit_id == who.unit_id;
  if (!own_school) QF_RETURN_IF_ERROR(MayActIn(db, who, it->school.district));
  SeatedSchool out{run_id, run.year, school, it->school.name, it->school.district, {}};
  // The seat as it stands: a decision's where one was made since the run.
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT a.ref, a.sealed, COALESCE(c.name, ''), a.grade, r.rank, r.chosen, r.metres, {} AS seat "
      "FROM placement_results r JOIN placement_applications a ON a.id = r.application_id "
      "LEFT JOIN placement_compounds c ON c.id = a.compound_id WHERE {} ORDER BY a.grade, a.ref", kSeatNow, kMayStandAt)));
  st.Bind(1, run_id).Bind(2, school);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (st.OptText(7).value_or("") != school) continue;
    out.children.push_back({st.Text(0), st.Text(1), st.Text(2), static_cast<int>(st.Int(3)), static_cast<int>(st.Int(4)),
                            st.Int(5) != 0, st.Int(6)});
  }
  std::string why(Trim(purpose));
  QF_RETURN_IF_ERROR(tx.Append("placement.names_opened", Subject("run", run_id),
                               {{"school", school}, {"purpose", why}, {"children", out.children.size()},
                                {"account_id", who.account_id}}).status());
  return out;
}

json::value SeatedJson(const SeatedSchool& s) {
  json::array kids;
  for (const auto& c : s.children)
    kids.push_back(json::object{{"ref", c.ref}, {"sealed", c.sealed}, {"compound", c.compound}, {"grade", c.grade},
                                {"rank", c.rank}, {"chosen", c.chosen}, {"metres", c.metres}});
  return json::object{{"run_id", s.run_id}, {"year", s.year}, {"code", s.code}, {"name", s.name},
                      {"district", s.district}, {"children", kids}};
}

SeatedSchool SeatedFromJson(const json::value& v) {
  const auto& o = v.as_object();
  SeatedSchool s{o.at("run_id").as_int64(), static_cast<int>(o.at("year").as_int64()), std::string(o.at("code").as_string()),
                 std::string(o.at("name").as_string()), std::string(o.at("district").as_string()), {}};
  for (const auto& k : o.at("children").as_array()) {
    const auto& c = k.as_object();
    s.children.push_back({std::string(c.at("ref").as_string()), std::string(c.at("sealed").as_string()),
                          std::string(c.at("compound").as_string()), static_cast<int>(c.at("grade").as_int64()),
                          static_cast<int>(c.at("rank").as_int64()), c.at("chosen").as_bool(), c.at("metres").as_int64()});
  }
  return s;
}

absl::StatusOr<Names> OpenNames(const vault::Vault& vault, const SeatedChild& c) {
  QF_ASSIGN_OR_RETURN(std::string plain, vault.Unseal(c.sealed));
  boost::system::error_code ec;
  json::value v = json::parse(plain, ec);
  if (ec || !v.is_object()) return absl::DataLossError("申请人信息无法读取：" + c.ref);
  auto text = [&](const char* k) {
    auto* x = v.as_object().if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  return Names{text("child_name"), text("guardian_name"), text("guardian_phone")};
}

absl::StatusOr<std::string> ClassListXlsx(const SeatedSchool& s, const vault::Vault& vault) {
  XlsxSheet sheet{"录取名单", {"申请编号", "年级", "儿童姓名", "监护人", "联系电话", "居住小区", "志愿", "距离（公里）"}, {}, {16, 6, 10, 10, 14, 18, 10, 12}};
  for (const auto& c : s.children) {
    QF_ASSIGN_OR_RETURN(Names n, OpenNames(vault, c));
    sheet.rows.push_back({c.ref, static_cast<long long>(c.grade), n.child, n.guardian, n.phone, c.compound,
                          c.chosen ? fmt::format("第{}志愿", c.rank) : std::string("统筹"),
                          std::round(c.metres / 100.0) / 10});
  }
  return WriteXlsx({sheet});
}

absl::StatusOr<std::optional<PublishedFigures>> PublishedBetween(Db& db, absl::Time from, absl::Time to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id FROM placement_runs WHERE state = 'published' AND published_at >= ? AND published_at < ? "
      "ORDER BY published_at DESC LIMIT 1"));
  st.Bind(1, FormatUtc(from)).Bind(2, FormatUtc(to));
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return std::optional<PublishedFigures>();
  QF_ASSIGN_OR_RETURN(RunRow run, MustRun(db, st.Int(0)));
  PublishedFigures f;
  f.run_id = run.id, f.year = run.year;
  QF_ASSIGN_OR_RETURN(auto schools, LoadSchools(db, run.year, false));
  for (const auto& s : schools) {
    if (s.school.seats.empty()) continue;
    ++f.schools;
    f.county_schools += s.school.district.ends_with("县");
  }
  boost::system::error_code ec;
  json::value summary = json::parse(run.summary, ec);
  if (!ec && summary.is_object()) {
    const auto& o = summary.as_object();
    for (auto [key, out] : {std::pair{"eligible", &f.eligible}, {"placed", &f.placed}, {"chosen", &f.chosen}})
      if (auto* v = o.if_contains(key)) *out = v->to_number<int64_t>();
  }
  return std::optional<PublishedFigures>(f);
}

}  // namespace qf::placement
