#include "app/app.h"

#include "common/status.h"
#include "common/strings.h"

namespace qf {

Actor ActorOf(const Request& req) {
  return req.principal ? Actor::Account(req.principal->account_id) : Actor::Public();
}

Response Reply(const absl::StatusOr<boost::json::value>& r, const Request& req, int ok_status) {
  if (!r.ok()) return Response::Problem(r.status(), req.path);
  return Response::Json(ok_status, *r);
}

void SubmitWrite(AppContext& app, const Request& req, Command cmd, Respond respond, int ok_status) {
  std::string path = req.path;
  app.writer->Submit(ActorOf(req), std::move(cmd),
                     [respond = std::move(respond), path, ok_status](absl::StatusOr<boost::json::value> r) {
                       if (!r.ok()) {
                         respond(Response::Problem(r.status(), path));
                       } else {
                         respond(Response::Json(ok_status, *r));
                       }
                     });
}

absl::StatusOr<Db*> Reader(AppContext& app) { return app.readers->Get(); }

void ReadJson(AppContext& app, const Request& req, const Respond& respond,
              const std::function<absl::StatusOr<boost::json::object>(Db&)>& read) {
  auto db = Reader(app);
  if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
  auto r = read(**db);
  if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
  respond(Response::Json(200, std::move(*r)));
}

absl::StatusOr<int64_t> PathId(const Request& req, size_t index, std::string_view code, std::string_view what) {
  std::optional<int64_t> v = index < req.params.size() ? ParseInt<int64_t>(req.params[index]) : std::nullopt;
  if (!v || *v <= 0) return NotFound(code, std::string(what) + "不存在");
  return *v;
}

Handler ReadRoute(AppContext& app, ReadFn read) {
  return [&app, read = std::move(read)](Request& req, Respond respond) {
    auto db = Reader(app);
    if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
    auto r = read(req, **db);
    if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
    respond(Response::Json(200, std::move(*r)));
  };
}

Handler WriteRoute(AppContext& app, PrepareFn prepare, int ok_status) {
  return [&app, prepare = std::move(prepare), ok_status](Request& req, Respond respond) {
    auto cmd = prepare(req);
    if (!cmd.ok()) return respond(Response::Problem(cmd.status(), req.path));
    SubmitWrite(app, req, std::move(*cmd), std::move(respond), ok_status);
  };
}

Handler WriteThenRoute(AppContext& app, PrepareWriteFn prepare) {
  return [&app, prepare = std::move(prepare)](Request& req, Respond respond) {
    auto write = prepare(req);
    if (!write.ok()) return respond(Response::Problem(write.status(), req.path));
    app.writer->Submit(ActorOf(req), std::move(write->command),
                       [answer = std::move(write->answer), respond = std::move(respond)](
                           absl::StatusOr<boost::json::value> r) { answer(std::move(r), respond); });
  };
}

Handler FileRoute(AppContext& app, FileFn make) {
  return [&app, make = std::move(make)](Request& req, Respond respond) {
    auto db = Reader(app);
    if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
    auto r = make(req, **db);
    if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
    respond(std::move(*r));
  };
}

void RegisterHealthRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/healthz", kPublic,
              [&app](Request& req, Respond respond) {
                // Healthy when a read works and the writer commits a no-op transaction.
                if (auto refusal = app.writer->refusal(); !refusal.empty()) {
                  respond(Response::Problem(MakeError(absl::StatusCode::kUnavailable, "ledger.integrity",
                                                      "账本校验未通过，已暂停写入：" + refusal), req.path));
                  return;
                }
                auto db = Reader(app);
                if (!db.ok()) {
                  respond(Response::Problem(db.status(), req.path));
                  return;
                }
                auto st = (*db)->Prepare("SELECT COUNT(*) FROM schema_migrations");
                if (!st.ok() || !st->Step().ok()) {
                  respond(Response::Problem(absl::UnavailableError("数据库不可读"), req.path));
                  return;
                }
                app.writer->Submit(Actor::System(),
                                   [](Tx&) -> absl::StatusOr<boost::json::value> { return boost::json::value(); },
                                   [respond, path = req.path](absl::StatusOr<boost::json::value> r) {
                                     if (!r.ok()) {
                                       respond(Response::Problem(r.status(), path));
                                       return;
                                     }
                                     respond(Response::Json(200, boost::json::object{{"status", "ok"}}));
                                   });
              },
              0, "Health: answers 200 when the database can be read and written"});
}

}  // namespace qf
