// The city-wide 人籍一致 check at a province's scale: 1,000 schools' current rosters of 200 pupils each (200,000
// roster rows, one pupil in a hundred also on another school's roster), bulk-loaded once into
// /tmp/qf-bench-admissions.db. Timed: the check itself over the 200,000 enrolments in memory, and what a school's
// upload costs through the store as the console sends it — its sheet read and checked, 200 pupils sealed and stored,
// its own rules, every current roster of the year read back, the city-wide check and the findings kept in step.
//   BM_AdmissionsCrossCheck/<0 the check in memory | 1 one school's upload through the store>
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <random>

#include "admissions/admissions.h"
#include "common/clock.h"
#include "common/crypto_util.h"
#include "common/mask.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "runtime/runtime.h"

namespace qf::admissions {
namespace {

constexpr int kSchools = 1000, kPupils = 200;

struct City {
  ManualClock clock{absl::FromCivil(absl::CivilSecond(2026, 9, 30, 10, 0, 0), Cst())};
  std::unique_ptr<Runtime> rt;
  Rules rules;
  std::vector<Enrolment> enrolments;
  int64_t school = 0;
  Table sheet;
};

std::string Id(int n) {
  std::string s = fmt::format("340102{:04d}{:02d}{:02d}{:03d}", 2010 + n % 3, 1 + n / 1000 % 12, 1 + n / 12000 % 28, n % 1000);
  return s + IdCheckCharacter(s);
}

City& TheCity() {
  static std::unique_ptr<City> city;
  if (city) return *city;
  city = std::make_unique<City>();
  SodiumInit();
  std::string path = "/tmp/qf-bench-admissions.db";
  bool fresh = !std::filesystem::exists(path);
  auto rt = Runtime::Open({path, std::string(QF_SOURCE_DIR) + "/data", {}}, city->clock);
  if (!rt.ok()) throw std::runtime_error(std::string(rt.status().message()));
  city->rt = std::move(*rt);
  city->rules = *Rules::Load(std::string(QF_SOURCE_DIR) + "/data");
  const vault::Vault* vault = city->rt->app().vault;
  if (fresh) {
    auto r = city->rt->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
      QF_ASSIGN_OR_RETURN(int64_t bureau, org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"}));
      QF_ASSIGN_OR_RETURN(auto roster, tx.db().Prepare(
          "INSERT INTO admission_rosters(year, school_id, is_current, file_sha256, students, uploaded_at) "
          "VALUES(2026, ?, 1, 'bulk', ?, '2026-09-01T00:00:00Z') RETURNING id"));
      QF_ASSIGN_OR_RETURN(auto pupil, tx.db().Prepare(
          "INSERT INTO admission_students(roster_id, row_number, name_masked, id_masked, id_key, sealed, grade, "
          "class_name, route) VALUES(?,?,?,?,?,?,7,?,'zone')"));
      std::mt19937 rng(2026);
      int n = 0;
      for (int s = 0; s < kSchools; ++s) {
        org::Unit u{0, fmt::format("S{:04d}", s), fmt::format("第{}中学", s + 1), "school", bureau};
        u.district = "瑶海区";
        u.stage = "初中";
        u.ownership = "public";
        QF_ASSIGN_OR_RETURN(int64_t id, org::InsertUnit(tx, u));
        roster.Reset();
        roster.Bind(1, id).Bind(2, int64_t{kPupils});
        QF_ASSIGN_OR_RETURN(auto rid, roster.Ints());
        for (int p = 0; p < kPupils; ++p) {
          // One pupil in a hundred is also on the roster of a school before this one.
          std::string id_number = Id(p % 100 == 0 && s > 0 ? static_cast<int>(rng() % (s * kPupils)) : n);
          ++n;
          pupil.Reset();
          pupil.Bind(1, rid.at(0)).Bind(2, int64_t{p + 2}).Bind(3, "张*").Bind(4, MaskIdNumber(id_number))
              .Bind(5, vault->Tag("admission-id-number", id_number)).BindBlob(6, std::string("sealed"))
              .Bind(7, fmt::format("{}班", p / 50 + 1));
          QF_RETURN_IF_ERROR(pupil.Run());
        }
      }
      return boost::json::value();
    });
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
  }
  auto db = city->rt->app().readers->Get();
  auto st = (*db)->Prepare(
      "SELECT s.id_key, r.school_id, s.row_number, u.name, s.name_masked FROM admission_rosters r "
      "JOIN admission_students s ON s.roster_id = r.id JOIN org_units u ON u.id = r.school_id "
      "WHERE r.year = 2026 AND r.is_current = 1");
  while (*st->Step())
    city->enrolments.push_back({st->Text(0), st->Int(1), static_cast<int>(st->Int(2)), st->Text(3), st->Text(4)});
  city->school = *org::UnitIdByCode(**db, "S0500");
  // The school's own sheet: its 200 pupils as the console uploads them.
  city->sheet.header = {"姓名", "身份证号", "年级", "班级", "录取方式"};
  for (int p = 0; p < kPupils; ++p) {
    city->sheet.rows.push_back({"张三", Id(900000 + p), "七年级", fmt::format("{}班", p / 50 + 1), "划片入学"});
    city->sheet.row_numbers.push_back(p + 2);
  }
  return *city;
}

void BM_AdmissionsCrossCheck(benchmark::State& state) {
  City& city = TheCity();
  size_t findings = 0;
  AdmissionsEnv env{city.rt->app().calendar, city.rt->app().vault,
                    cases::CaseEnv{city.rt->app().calendar, city.rt->app().policies, city.rt->app().vault},
                    &city.rt->app().imports->Of(kRosterImport)};
  Principal office;
  office.roles = kSupervisor;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      findings = CheckEnrolments(city.rules, 2026, city.enrolments).size();
    } else {
      auto r = city.rt->writer().Run(Actor::System(), [&](Tx& tx) -> absl::StatusOr<boost::json::value> {
        QF_ASSIGN_OR_RETURN(auto o, UploadRoster(tx, env, city.rules, {2026, city.school, std::nullopt, std::nullopt, {}, "bench"},
                                                 city.sheet, office));
        return boost::json::value(std::move(o));
      });
      if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    }
  }
  state.counters["roster_rows"] = static_cast<double>(city.enrolments.size());
  if (state.range(0) == 0) state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_AdmissionsCrossCheck)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace qf::admissions
