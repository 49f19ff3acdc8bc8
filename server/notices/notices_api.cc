// HTTP handlers for public notices: the portal's list, view and objections; the console's drafts, publication,
// corrections and finality. Writes check that the caller belongs to the issuing unit (or supervises).
#include "app/app.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "notices/notices.h"
#include "org/org.h"

namespace qf::notices {
namespace json = boost::json;
namespace {

NoticeEnv Env(AppContext& app) {
  return {app.notice_types, app.calendar, cases::CaseEnv{app.calendar, app.policies, app.vault}};
}

std::optional<int64_t> Id(const Request& req, const Respond& respond, size_t i = 0) {
  auto id = ParseInt<int64_t>(req.params[i]);
  if (!id) respond(Response::Problem(NotFound("notice.not_found", "公示不存在"), req.path));
  return id;
}

// The caller may act for the notice: a supervisor, or staff of the issuing unit or a unit above it.
absl::Status MayManage(Db& db, int64_t notice_id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT issuing_unit_id FROM notices WHERE id=?"));
  st.Bind(1, notice_id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("notice.not_found", "公示不存在");
  if (who.Has(kSupervisor)) return absl::OkStatus();
  QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, st.Int(0), who.unit_id));
  if (!within) return Forbidden("notice.scope", "只有发布公示的单位可以办理此公示");
  return absl::OkStatus();
}

// Runs a write on a notice after the scope check, inside the same transaction.
void ManageWrite(AppContext& app, Request& req, Respond respond, int64_t id,
                 std::function<absl::StatusOr<json::object>(Tx&)> fn) {
  Principal who = *req.principal;
  SubmitWrite(app, req, [id, who, fn = std::move(fn)](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(MayManage(tx.db(), id, who));
    QF_ASSIGN_OR_RETURN(auto o, fn(tx));
    return o;
  }, std::move(respond));
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  constexpr RoleSet kReaders = kClerk | kHandler | kSupervisor | kLeader;
  constexpr RoleSet kIssuers = kHandler | kSupervisor;
  router.Add({"GET", "/api/v1/public/notices", kPublic,
              [&app](Request& req, Respond respond) {
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                respond(Reply(PublicList(**db, Env(app), app.clock->Now()), req));
              },
              0, "Published notices (公示), newest first"});
  router.Add({"GET", "/api/v1/public/notices/{id}", kPublic,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                respond(Reply(PublicView(**db, Env(app), *id, app.clock->Now()), req));
              },
              0, "One published notice: masked entries, window, the list hash and whether it matches the ledger",
              RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/notices/{id}/objections", kPublic,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                NoticeEnv env = Env(app);
                SubmitWrite(app, req, [env, id = *id, b = std::move(*body)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, Object(tx, env, id, b));
                  return o;
                }, std::move(respond), 201);
              },
              16 * 1024, "Object to a notice during its window (named, with a phone): becomes a case for the issuing unit",
              RateClass::kSubmit});
  router.Add({"GET", "/api/v1/notices", kReaders,
              [&app](Request& req, Respond respond) {
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                respond(Reply(StaffList(**db, Env(app), app.clock->Now()), req));
              },
              0, "Every notice with its status, entries and objections; the notice types"});
  router.Add({"GET", "/api/v1/notices/{id}", kReaders,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                respond(Reply(StaffView(**db, Env(app), *id, app.clock->Now()), req));
              },
              0, "One notice in full: rows, import warnings, the public preview, objections"});
  router.Add({"POST", "/api/v1/notices", kIssuers,
              [&app](Request& req, Respond respond) {
                std::string type = std::string(Trim(req.Query("type").value_or("")));
                std::string title = std::string(Trim(req.Query("title").value_or("")));
                std::vector<FieldError> errs;
                if (type.empty()) errs.push_back({"type", "请选择公示类型"});
                if (title.empty() || Utf8Length(title) > 100) errs.push_back({"title", "请填写标题（不超过100字）"});
                if (!errs.empty()) return respond(Response::Problem(Invalid("notice.invalid", "请补全公示信息", errs), req.path));
                auto table = ReadTable(req.body);
                if (!table.ok()) return respond(Response::Problem(table.status(), req.path));
                NoticeEnv env = Env(app);
                int64_t unit = req.principal->unit_id;
                SubmitWrite(app, req, [env, type, title, unit, t = std::move(*table)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto o, CreateDraft(tx, env, type, title, unit, t));
                  return o;
                }, std::move(respond), 201);
              },
              kMaxImportBytes, "Create a notice draft from a CSV or XLSX list (checked whole; nothing saved on any error)"});
  router.Add({"POST", "/api/v1/notices/{id}/publish", kIssuers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto body = ParseObject(req.body.empty() ? "{}" : req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                std::optional<absl::Time> at;
                if (auto* v = body->if_contains("publish_at"); v && !v->is_null()) {
                  if (v->is_string()) at = ParseUtc(v->as_string());
                  if (!at) return respond(Response::Problem(
                      Invalid("notice.publish_at", "发布时间格式不正确", {{"publish_at", "应为 ISO 8601 时间"}}), req.path));
                }
                NoticeEnv env = Env(app);
                absl::Time when = at.value_or(app.clock->Now());
                ManageWrite(app, req, std::move(respond), *id,
                            [env, id = *id, when](Tx& tx) { return Publish(tx, env, id, when); });
              },
              1024, "Publish a draft now or at a time; the window follows the type and the calendar"});
  router.Add({"POST", "/api/v1/notices/{id}/entries/{seq}/correct", kIssuers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                auto seq = ParseInt<int>(req.params[1]);
                if (!seq) return respond(Response::Problem(NotFound("notice.entry", "名单中没有这一序号"), req.path));
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                NoticeEnv env = Env(app);
                ManageWrite(app, req, std::move(respond), *id,
                            [env, id = *id, seq = *seq, b = std::move(*body)](Tx& tx) { return Correct(tx, env, id, seq, b); });
              },
              8 * 1024, "Correct or remove an entry after an upheld objection, with a visible note"});
  router.Add({"POST", "/api/v1/notices/{id}/finalize", kIssuers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                NoticeEnv env = Env(app);
                ManageWrite(app, req, std::move(respond), *id, [env, id = *id](Tx& tx) { return Finalize(tx, env, id); });
              },
              1024, "Make the list final after the window, once every objection is answered"});
  router.Add({"POST", "/api/v1/notices/{id}/archive", kIssuers,
              [&app](Request& req, Respond respond) {
                auto id = Id(req, respond);
                if (!id) return;
                ManageWrite(app, req, std::move(respond), *id, [id = *id](Tx& tx) { return Archive(tx, id); });
              },
              1024, "Archive a final notice (off the portal's list, still readable by its address)"});
}

}  // namespace qf::notices
