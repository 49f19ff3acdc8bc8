// HTTP handlers of the fee declarations: a school's declaration for the term, the term's declarations in the caller's
// scope with their flags counted, one declaration with its flags, and the public's view per school.
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fees/fees.h"
#include "spdlog/spdlog.h"

namespace qf::fees {
namespace json = boost::json;

namespace {

// ?term=2026-autumn; by default the term today falls in (August–January autumn, February–July spring).
absl::StatusOr<Term> TermOf(const Request& req, const AppContext& app) {
  auto text = req.Query("term");
  if (!text || text->empty()) {
    absl::CivilDay today = CstDay(app.clock->Now());
    if (today.month() >= 8) return Term{static_cast<int>(today.year()), true};
    if (today.month() == 1) return Term{static_cast<int>(today.year()) - 1, true};
    return Term{static_cast<int>(today.year()), false};
  }
  if (auto t = Term::Parse(*text)) return *t;
  return Invalid("fees.term", "学期不正确", {{"term", "应为“2026-autumn”或“2026-spring”"}});
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = Policy::Load(app.data_dir);
  if (!loaded.ok()) {
    spdlog::error("fees: {}", std::string(loaded.status().message()));
    return;
  }
  auto policy = std::make_shared<const Policy>(std::move(*loaded));
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"POST", "/api/v1/fees/declarations", kHandler | kSupervisor,
              WriteRoute(app, [policy](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Declaration d, ParseDeclaration(body, *policy));
                return Command([policy, d, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Declare(tx, *policy, d, who);
                });
              }, 201),
              64 * 1024,
              "A school's charges for the term (服务性收费, 代收费, 教辅材料: item, amount, basis, voluntary): stored as its "
              "current declaration and checked against the policy"});
  router.Add({"GET", "/api/v1/fees/declarations", kReaders,
              ReadRoute(app, [&app, policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(Term term, TermOf(req, app));
                return Declarations(db, *policy, term, *req.principal);
              }),
              0, "The term's declarations in the caller's scope with their flags counted, and the schools without one"});
  router.Add({"GET", "/api/v1/fees/declarations/{id}", kReaders,
              ReadRoute(app, [policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "fees.not_found", "收费公示"));
                return DeclarationView(db, *policy, id, *req.principal);
              }),
              0, "One declaration: its charges and what the rules flag (a complaint's flag for the office only)"});
  router.Add({"GET", "/api/v1/public/fees", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(Term term, TermOf(req, app));
                return PublicSchools(db, term);
              }),
              0, "The schools that published their charges for the term, with the number and total"});
  router.Add({"GET", "/api/v1/public/fees/{school_id}", kPublic,
              ReadRoute(app, [&app, policy](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t school, PathId(req, 0, "fees.not_found", "学校"));
                QF_ASSIGN_OR_RETURN(Term term, TermOf(req, app));
                return PublicDeclaration(db, *policy, term, school);
              }),
              0, "One school's charges for the term as it published them, each with the approved cap"});
}

void Register(Modules& m) {
  m.AddRoutes(RegisterRoutes);
  m.AddVocabulary("fees", [](const AppContext& app, Db&) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(Policy p, Policy::Load(app.data_dir));
    json::array kinds, items;
    for (const auto& k : p.kinds) kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"clause", k.clause}});
    for (const auto& i : p.items) items.push_back(json::object{{"kind", i.kind}, {"name", i.name}, {"cap", i.cap}});
    return json::object{{"kinds", kinds}, {"items", items}};
  });
}

}  // namespace qf::fees
