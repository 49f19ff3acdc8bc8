// HTTP handlers for reports: hotspots, the half-year summary and the quarterly bulletin as documents.
#include "app/app.h"
#include "common/status.h"
#include "fmt/format.h"
#include "common/json_input.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "reports/bulletin.h"
#include "reports/dashboard.h"
#include "reports/documents.h"
#include "reports/narrative.h"
#include "projects/projects.h"
#include "reports/duty_letters.h"
#include "reports/placement_letters.h"
#include "cases/hotspots.h"
#include "duty/duty.h"

namespace qf::reports {
namespace json = boost::json;
namespace {

constexpr const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace

// Placement letters for one school of a published run: the opening of the names is recorded first (the command),
// then the letters are written with them (the answer).
absl::StatusOr<Write> PrepareLetters(AppContext& app, const Request& req) {
  QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "placement.run_not_found", "录取批次"));
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  std::string school = in.Str("school", true, 20).value_or("");
  QF_RETURN_IF_ERROR(in.Finish("placement.invalid"));
  return Write{[id, school, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                 QF_ASSIGN_OR_RETURN(auto seated, placement::OpenSeated(tx, id, school, "入学通知书", who));
                 return placement::SeatedJson(seated);
               },
               [path = req.path, vault = app.vault, clock = app.clock](absl::StatusOr<json::value> r, Respond respond) {
                 if (!r.ok()) return respond(Response::Problem(r.status(), path));
                 auto seated = placement::SeatedFromJson(*r);
                 auto doc = PlacementLettersDocx(seated, *vault, clock->Now());
                 if (!doc.ok()) return respond(Response::Problem(doc.status(), path));
                 respond(Response::Attachment(std::move(*doc), kDocx, "letters-" + seated.code + ".docx",
                                              seated.name + "入学通知书.docx"));
               }};
}

namespace {
// ?version=N of a summary narrative (absent: the latest).
absl::StatusOr<std::optional<int>> VersionQuery(const Request& req) {
  auto text = req.Query("version");
  if (!text || text->empty()) return std::optional<int>();
  auto v = ParseInt<int>(*text);
  if (!v || *v < 0 || *v > 100000) return Invalid("summary.version", "版本号应为非负整数", {{"version", "应为非负整数"}});
  return std::optional<int>(*v);
}
}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"POST", "/api/v1/placement/runs/{id}/letters", kHandler | kSupervisor,
              WriteThenRoute(app, [&app](const Request& req) { return PrepareLetters(app, req); }), 1024,
              "Placement letters (入学通知书) for one school of a published run, one DOCX; opening the names is recorded"});
  router.Add({"GET", "/api/v1/stats", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Dashboard(db, req.Query("from").value_or(""), req.Query("to").value_or(""), app.clock->Now());
              }),
              0, "Items by channel, category and state received in a date range"});
  router.Add({"GET", "/api/v1/hotspots", kSupervisor | kLeader,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(auto r, cases::Hotspots(db, req.Query("from").value_or(""), req.Query("to").value_or("")));
                return r;
              }),
              0, "Schools and districts where complaints concentrate (rate per 1,000 students, Poisson test, FDR) and monthly spikes"});
  router.Add({"GET", "/api/v1/reports/summary", kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                std::string half = req.Query("half").value_or("");
                QF_ASSIGN_OR_RETURN(auto p, ParseHalf(half));
                QF_ASSIGN_OR_RETURN(auto version, VersionQuery(req));
                QF_ASSIGN_OR_RETURN(auto doc, SummaryDocx(db, app.data_dir, p, app.clock->Now(), version));
                return Response::Attachment(std::move(doc), kDocx, "summary-" + half + ".docx",
                                            std::to_string(p.year) + "年" + p.name + "工作总结.docx");
              }),
              0, "The half-year summary (工作总结) as DOCX, its figures from the data, its narrative the half's latest saved version (or ?version=N, or the bureau's template)"});
  router.Add({"GET", "/api/v1/reports/summary/narrative", kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(auto p, ParseHalf(req.Query("half").value_or("")));
                QF_ASSIGN_OR_RETURN(auto version, VersionQuery(req));
                return NarrativeView(db, app.data_dir, p.code, version);
              }),
              0, "The half-year summary's narrative for a half (its latest saved version, ?version=N, or the template), every version, the placeholders"});
  router.Add({"POST", "/api/v1/reports/summary/narrative", kSupervisor | kLeader,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto p, ParseHalf(req.Query("half").value_or("")));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(Narrative n, ParseNarrative(body));
                JsonInput in(body);
                auto note = in.Str("note", false, 200);
                QF_RETURN_IF_ERROR(in.Finish("summary.narrative"));
                return Command([half = p.code, n = std::move(n), note = note.value_or(""), who = *req.principal](Tx& tx)
                                   -> absl::StatusOr<json::value> { return SaveNarrative(tx, half, n, note, who); });
              }, 201),
              256 * 1024, "Save the office's edit of a half's summary narrative as its next version (a ledger event)"});
  router.Add({"GET", "/api/v1/reports/bulletin", kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                std::string q = req.Query("quarter").value_or("");
                QF_ASSIGN_OR_RETURN(auto p, ParseQuarter(q));
                std::string format = req.Query("format").value_or("docx");
                if (format != "docx" && format != "xlsx")
                  return Invalid("report.format", "格式应为 docx 或 xlsx", {{"format", "docx 或 xlsx"}});
                QF_ASSIGN_OR_RETURN(auto doc, format == "docx" ? BulletinDocx(db, app.data_dir, q, app.clock->Now())
                                                                    : BulletinXlsx(db, app.data_dir, q, app.clock->Now()));
                return Response::Attachment(std::move(doc), format == "docx" ? kDocx : kXlsx, "bulletin-" + q + "." + format,
                                            std::to_string(p.year) + "年" + p.name + "投诉举报办理情况通报." + format);
              }),
              0, "The quarterly bulletin (季度通报) as DOCX or XLSX: from the approved snapshot once there is one, else a marked draft"});

  // The livelihood projects' monthly notice, from the board every staff role reads.
  router.Add({"GET", "/api/v1/projects/bulletin", kClerk | kHandler | kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                QF_ASSIGN_OR_RETURN(int year, YearQuery(req, app, "projects.year"));
                QF_ASSIGN_OR_RETURN(absl::CivilMonth month,
                                    projects::BoardMonth(req.Query("month").value_or(""), year, CstDay(app.clock->Now())));
                QF_ASSIGN_OR_RETURN(auto doc, ProjectsBulletinDocx(db, app.data_dir, year, month, app.clock->Now()));
                return Response::Attachment(std::move(doc), kDocx, fmt::format("projects-{}-{:02d}.docx", year, month.month()),
                                            fmt::format("{}年{}月教育民生工程进展情况通报.docx", year, month.month()));
              }),
              0, "The livelihood projects' monthly notice (民生工程进展情况通报) as DOCX: 序时进度, districts ranked, each project, the laggards named"});

  // Responsibility letters as documents, in the reader's scope (the letter and the list are the duty views).
  router.Add({"GET", "/api/v1/duty/letters/{id}/document", kClerk | kHandler | kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "duty.letter_not_found", "责任书"));
                QF_ASSIGN_OR_RETURN(auto letter, duty::LetterView(db, id, *req.principal, app.clock->Now()));
                QF_ASSIGN_OR_RETURN(auto doc, LetterDocx(letter));
                return Response::Attachment(std::move(doc), kDocx, fmt::format("letter-{}.docx", id),
                                            std::string(letter.at("unit").as_string()) + "党风廉政建设责任书.docx");
              }),
              0, "One responsibility letter as DOCX (official layout), with the signature and the content hash"});
  router.Add({"GET", "/api/v1/duty/letters/export", kClerk | kHandler | kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                duty::LetterFilter f;
                QF_ASSIGN_OR_RETURN(f.year, YearQuery(req, app, "duty.year"));
                f.limit = 1000000;
                QF_ASSIGN_OR_RETURN(auto letters, duty::Letters(db, f, *req.principal, app.clock->Now()));
                QF_ASSIGN_OR_RETURN(auto xlsx, SignaturesXlsx(letters));
                return Response::Attachment(std::move(xlsx), kXlsx, fmt::format("letters-{}.xlsx", f.year),
                                            fmt::format("{}年责任书签订情况.xlsx", f.year));
              }),
              0, "The year's letters in the caller's scope as XLSX: who has signed, when, and each content hash"});

  // The frozen bulletin itself: drafted, edited, approved by a leader, published, read by the public.
  constexpr RoleSet kPlanners = kSupervisor | kLeader;
  auto id_of = [](const Request& req) { return PathId(req, 0, "bulletin.not_found", "通报"); };
  auto xlsx = [id_of](bool public_only) {
    return [id_of, public_only](const Request& req, Db& db) -> absl::StatusOr<Response> {
      QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
      QF_ASSIGN_OR_RETURN(auto v, BulletinView(db, id, public_only));
      QF_ASSIGN_OR_RETURN(auto bytes, BulletinTablesXlsx(v));
      std::string q(v.at("quarter").as_string());
      return Response::Attachment(std::move(bytes), kXlsx, "bulletin-" + q + ".xlsx", q + "季度通报.xlsx");
    };
  };
  router.Add({"GET", "/api/v1/bulletins", kPlanners,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return BulletinList(db, false); }),
              0, "Quarterly bulletins in every state"});
  router.Add({"POST", "/api/v1/bulletins", kPlanners,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto q = in.Str("quarter", true, 8);
                QF_RETURN_IF_ERROR(in.Finish("bulletin.params"));
                QF_RETURN_IF_ERROR(ParseQuarter(*q).status());
                return Command([&app, quarter = *q](Tx& tx) -> absl::StatusOr<json::value> {
                  return DraftBulletin(tx, app.data_dir, quarter, tx.now());
                });
              }, 201),
              1024, "Draft (or redraft) a quarter's bulletin as a snapshot of the data"});
  router.Add({"GET", "/api/v1/bulletins/{id}", kPlanners,
              ReadRoute(app, [id_of](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
                return BulletinStaffView(db, id, *req.principal);
              }),
              0, "One bulletin: the snapshot, the narrative, the hash and checkpoint once approved"});
  router.Add({"POST", "/api/v1/bulletins/{id}/narrative", kPlanners,
              WriteRoute(app, [id_of](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto text = in.Str("narrative", false, 10000);
                QF_RETURN_IF_ERROR(in.Finish("bulletin.params"));
                return Command([id, t = text.value_or(""), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return EditBulletin(tx, id, t, who);
                });
              }),
              64 * 1024, "Edit a draft bulletin's narrative"});
  router.Add({"POST", "/api/v1/bulletins/{id}/approve", kLeader,
              WriteRoute(app, [id_of](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
                Principal who = *req.principal;
                return Command([id, who](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(tx.db(), tx.now()));
                  return ApproveBulletin(tx, id, note, who);
                });
              }),
              1024, "A leader approves: the hash and the ledger checkpoint are recorded and the bulletin is frozen"});
  router.Add({"POST", "/api/v1/bulletins/{id}/publish", kPlanners,
              WriteRoute(app, [id_of](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
                return Command([id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> { return PublishBulletin(tx, id, who); });
              }),
              1024, "Publish an approved bulletin on the portal"});
  router.Add({"GET", "/api/v1/bulletins/{id}/xlsx", kPlanners, FileRoute(app, xlsx(false)), 0,
              "A bulletin's tables as XLSX, from its snapshot"});
  router.Add({"GET", "/api/v1/public/bulletins", kPublic,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return BulletinList(db, true); }),
              0, "Published quarterly bulletins"});
  router.Add({"GET", "/api/v1/public/bulletins/{id}", kPublic,
              ReadRoute(app, [id_of](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, id_of(req));
                return BulletinView(db, id, true);
              }),
              0, "A published bulletin with its hash, checkpoint and whether it still hashes to what was approved"});
  router.Add({"GET", "/api/v1/public/bulletins/{id}/xlsx", kPublic, FileRoute(app, xlsx(true)), 0,
              "A published bulletin's tables as XLSX"});
}

}  // namespace qf::reports
