// HTTP handlers for public notices: the portal's list, view and objections; the console's drafts, publication,
// corrections and finality. Writes check that the caller belongs to the issuing unit (or supervises).
#include "app/app.h"
#include "app/modules.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "notices/notices.h"

namespace qf::notices {
namespace json = boost::json;
namespace {

NoticeEnv Env(AppContext& app) {
  return {app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
}

absl::StatusOr<int64_t> NoticeId(const Request& req) { return PathId(req, 0, "notice.not_found", "公示"); }

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  constexpr RoleSet kIssuers = kHandler | kSupervisor;
  router.Add({"GET", "/api/v1/public/notices", kPublic,
              ReadRoute(app, [&app](const Request&, Db& db) -> absl::StatusOr<json::value> {
                return PublicList(db, Env(app), app.clock->Now());
              }),
              0, "Published notices (公示), newest first"});
  router.Add({"GET", "/api/v1/public/notices/{id}", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                return PublicView(db, Env(app), id, app.clock->Now());
              }),
              0, "One published notice: masked entries, window, the list hash and whether it matches the ledger",
              RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/notices/{id}/objections", kPublic,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto objection, ParseObjection(body));
                return Command([env = Env(app), id, objection](Tx& tx) -> absl::StatusOr<json::value> {
                  return Object(tx, env, id, objection);
                });
              }, 201),
              16 * 1024, "Object to a notice during its window (named, with a phone): becomes a case for the issuing unit",
              RateClass::kSubmit});
  router.Add({"GET", "/api/v1/notices", kReaders,
              ReadRoute(app, [&app](const Request&, Db& db) -> absl::StatusOr<json::value> {
                return StaffList(db, Env(app), app.clock->Now());
              }),
              0, "Every notice with its status, entries and objections; the notice types"});
  router.Add({"GET", "/api/v1/notices/{id}", kReaders,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                return StaffView(db, Env(app), id, *req.principal, app.clock->Now());
              }),
              0, "One notice in full: rows, import warnings, the public preview, objections"});
  router.Add({"POST", "/api/v1/notices", kIssuers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto draft, ParseDraft(req.Query("type").value_or(""), req.Query("title").value_or("")));
                QF_ASSIGN_OR_RETURN(auto table, ReadTable(req.body));
                return Command([env = Env(app), d = draft, unit = req.principal->unit_id,
                                t = std::move(table)](Tx& tx) -> absl::StatusOr<json::value> {
                  return CreateDraft(tx, env, d.type, d.title, unit, t);
                });
              }, 201),
              kMaxImportBytes, "Create a notice draft from a CSV or XLSX list (checked whole; nothing saved on any error)"});
  router.Add({"POST", "/api/v1/notices/{id}/publish", kIssuers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body.empty() ? "{}" : req.body));
                std::optional<absl::Time> at;
                if (auto* v = body.if_contains("publish_at"); v && !v->is_null()) {
                  if (v->is_string()) at = ParseUtc(v->as_string());
                  if (!at) return Invalid("notice.publish_at", "发布时间格式不正确", {{"publish_at", "应为 ISO 8601 时间"}});
                }
                return Command([env = Env(app), id, at, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Publish(tx, env, id, at.value_or(tx.now()), who);
                });
              }),
              1024, "Publish a draft now or at a time; the window follows the type and the calendar"});
  router.Add({"POST", "/api/v1/notices/{id}/entries/{seq}/correct", kIssuers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                auto seq = ParseInt<int>(req.params[1]);
                if (!seq) return NotFound("notice.entry", "名单中没有这一序号");
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto correction, ParseCorrection(body));
                return Command([env = Env(app), id, seq = *seq, correction,
                                who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Correct(tx, env, id, seq, correction, who);
                });
              }),
              8 * 1024, "Correct or remove an entry after an upheld objection, with a visible note"});
  router.Add({"POST", "/api/v1/notices/{id}/finalize", kIssuers,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                return Command([env = Env(app), id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Finalize(tx, env, id, who);
                });
              }),
              1024, "Make the list final after the window, once every objection is answered"});
  router.Add({"POST", "/api/v1/notices/{id}/archive", kIssuers,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, NoticeId(req));
                return Command([id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return Archive(tx, id, who);
                });
              }),
              1024, "Archive a final notice (off the portal's list, still readable by its address)"});
}

void Register(Modules& m) { m.AddRoutes(RegisterRoutes); }

}  // namespace qf::notices
