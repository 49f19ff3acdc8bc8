// HTTP handlers for reports: hotspots, the half-year summary and the quarterly bulletin as documents.
#include "app/app.h"
#include "common/status.h"
#include "fmt/format.h"
#include "reports/documents.h"
#include "reports/hotspots.h"

namespace qf::reports {
namespace {

constexpr const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/api/v1/hotspots", kSupervisor | kLeader,
              [&app](Request& req, Respond respond) {
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto r = Hotspots(**db, req.Query("from").value_or(""), req.Query("to").value_or(""));
                if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
                respond(Response::Json(200, *r));
              },
              0, "Schools and districts where complaints concentrate (rate per 1,000 students, Poisson test, FDR) and monthly spikes"});
  router.Add({"GET", "/api/v1/reports/summary", kSupervisor | kLeader,
              [&app](Request& req, Respond respond) {
                auto p = ParseHalf(req.Query("half").value_or(""));
                if (!p.ok()) return respond(Response::Problem(p.status(), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto doc = SummaryDocx(**db, app.data_dir, *p, app.clock->Now());
                if (!doc.ok()) return respond(Response::Problem(doc.status(), req.path));
                respond(Response::Attachment(std::move(*doc), kDocx, "summary-" + req.Query("half").value_or("") + ".docx",
                             std::to_string(p->year) + "年" + p->name + "工作总结.docx"));
              },
              0, "The half-year summary (工作总结) as DOCX, its figures from the data, its narrative from the bureau's template"});
  router.Add({"GET", "/api/v1/reports/bulletin", kSupervisor | kLeader,
              [&app](Request& req, Respond respond) {
                std::string q = req.Query("quarter").value_or("");
                auto p = ParseQuarter(q);
                if (!p.ok()) return respond(Response::Problem(p.status(), req.path));
                std::string format = req.Query("format").value_or("docx");
                if (format != "docx" && format != "xlsx")
                  return respond(Response::Problem(Invalid("report.format", "格式应为 docx 或 xlsx", {{"format", "docx 或 xlsx"}}), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto doc = format == "docx" ? BulletinDocx(**db, *p, app.clock->Now()) : BulletinXlsx(**db, *p, app.clock->Now());
                if (!doc.ok()) return respond(Response::Problem(doc.status(), req.path));
                respond(Response::Attachment(std::move(*doc), format == "docx" ? kDocx : kXlsx, "bulletin-" + q + "." + format,
                             std::to_string(p->year) + "年" + p->name + "投诉举报办理情况通报." + format));
              },
              0, "The quarterly bulletin (季度通报) by district and school, as DOCX or XLSX"});
}

}  // namespace qf::reports
