#include "app/app.h"

#include <charconv>

#include "common/status.h"
#include "common/timefmt.h"
#include "common/strings.h"
#include "storage/migrations.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

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

void MarkReadFloor(const AppContext& app, Response& r) {
  uint64_t pos = app.writer->position();
  if (pos == 0) return;
  r.headers.emplace_back("Set-Cookie", fmt::format("{}={:x}; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict{}",
                                                   kReadFloorCookie, pos, app.secure_cookies ? "; Secure" : ""));
}

uint64_t ReadFloor(const Request& req) {
  auto v = req.Cookie(kReadFloorCookie);
  if (!v || v->empty() || v->size() > 16) return 0;
  uint64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out, 16);
  return ec == std::errc() && p == v->data() + v->size() ? out : 0;
}

bool ReadAgainOnPrimary(const absl::Status& s) {
  if (s.code() != absl::StatusCode::kInternal && s.code() != absl::StatusCode::kUnavailable) return false;
  return StableCode(s) != "db.timeout";
}

absl::StatusOr<Db*> Reader(AppContext& app, const Request& req) { return app.readers->ForRead(ReadFloor(req)); }

void OffThread(AppContext& app, const Request& req, Respond respond,
               std::function<void(const Request&, const Respond&)> work, WorkPool* pool) {
  if (!pool) pool = app.work;
  if (!pool) return work(req, respond);
  auto copy = std::make_shared<Request>(req);
  auto answer = std::make_shared<Respond>(std::move(respond));
  bool taken = pool->TrySubmit([copy, answer, work = std::move(work)] {
    try {
      work(*copy, *answer);
    } catch (const std::exception& e) {
      // Handlers report expected failures as Status values; reaching here is a bug.
      spdlog::error("request {} {} {} threw: {}", copy->id, copy->method, copy->path, e.what());
      (*answer)(Response::Problem(absl::InternalError("服务器内部错误"), copy->path));
    }
  });
  if (!taken) {
    auto busy = Response::Problem(MakeError(absl::StatusCode::kUnavailable, "server.busy",
                                            "服务器繁忙，请稍后重试"), req.path);
    busy.headers.emplace_back("Retry-After", "1");
    (*answer)(std::move(busy));
  }
}

void ReadJson(AppContext& app, const Request& req, const Respond& respond,
              const std::function<absl::StatusOr<boost::json::object>(Db&)>& read) {
  OffThread(app, req, respond, [&app, read](const Request& req, const Respond& respond) {
    auto r = BudgetedRead<boost::json::object>(app, req, read);
    if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
    respond(Response::Json(200, std::move(*r)));
  });
}

absl::StatusOr<int64_t> PathId(const Request& req, size_t index, std::string_view code, std::string_view what) {
  std::optional<int64_t> v = index < req.params.size() ? ParseInt<int64_t>(req.params[index]) : std::nullopt;
  if (!v || *v <= 0) return NotFound(code, std::string(what) + "不存在");
  return *v;
}

absl::StatusOr<int> YearQuery(const Request& req, const AppContext& app, std::string_view code) {
  auto text = req.Query("year");
  if (!text || text->empty()) return static_cast<int>(CstDay(app.clock->Now()).year());
  auto y = ParseInt<int64_t>(*text);
  if (!y || *y < 2000 || *y > 2100) return Invalid(code, "年度不正确", {{"year", "应为 2000 至 2100 的年份"}});
  return static_cast<int>(*y);
}

Handler ReadRoute(AppContext& app, ReadFn read) {
  return [&app, read = std::move(read)](Request& req, Respond respond) {
    OffThread(app, req, std::move(respond), [&app, &read](const Request& req, const Respond& respond) {
      auto r = BudgetedRead<boost::json::value>(app, req, [&](Db& db) { return read(req, db); });
      if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
      respond(Response::Json(200, std::move(*r)));
    });
  };
}

namespace {

// A write's preparation where it belongs: a body past 64 KiB (an import's table, a submission's attachments) is
// parsed on the work pool, anything smaller right here on the I/O thread.
void Prepare(AppContext& app, const Request& req, Respond respond,
             std::function<void(const Request&, const Respond&)> run) {
  constexpr size_t kParseOffThread = 64 * 1024;
  if (req.body.size() > kParseOffThread) return OffThread(app, req, std::move(respond), std::move(run));
  run(req, respond);
}

}  // namespace

Handler WriteRoute(AppContext& app, PrepareFn prepare, int ok_status) {
  return [&app, prepare = std::move(prepare), ok_status](Request& req, Respond respond) {
    Prepare(app, req, std::move(respond), [&app, &prepare, ok_status](const Request& req, const Respond& respond) {
      auto cmd = prepare(req);
      if (!cmd.ok()) return respond(Response::Problem(cmd.status(), req.path));
      SubmitWrite(app, req, std::move(*cmd), respond, ok_status);
    });
  };
}

Handler WriteThenRoute(AppContext& app, PrepareWriteFn prepare) {
  return [&app, prepare = std::move(prepare)](Request& req, Respond respond) {
    Prepare(app, req, std::move(respond), [&app, &prepare](const Request& req, const Respond& respond) {
      auto write = prepare(req);
      if (!write.ok()) return respond(Response::Problem(write.status(), req.path));
      app.writer->Submit(ActorOf(req), std::move(write->command),
                         [answer = std::move(write->answer), respond](absl::StatusOr<boost::json::value> r) {
                           answer(std::move(r), respond);
                         });
    });
  };
}

Handler RecordedReadRoute(AppContext& app, PrepareFn record, ReadFn read) {
  auto reader = std::make_shared<ReadFn>(std::move(read));
  return WriteThenRoute(app, [&app, record = std::move(record), reader](const Request& req) -> absl::StatusOr<Write> {
    QF_ASSIGN_OR_RETURN(Command command, record(req));
    auto copy = std::make_shared<Request>(req);
    return Write{std::move(command), [&app, copy, reader](absl::StatusOr<boost::json::value> r, Respond respond) {
                   if (!r.ok()) return respond(Response::Problem(r.status(), copy->path));
                   // Recorded; the read runs on the work pool, not on the writer's thread.
                   OffThread(app, *copy, std::move(respond), [&app, reader](const Request& req, const Respond& respond) {
                     auto v = BudgetedRead<boost::json::value>(app, req, [&](Db& db) { return (*reader)(req, db); });
                     if (!v.ok()) return respond(Response::Problem(v.status(), req.path));
                     respond(Response::Json(200, std::move(*v)));
                   });
                 }};
  });
}

Handler FileRoute(AppContext& app, FileFn make) {
  return [&app, make = std::move(make)](Request& req, Respond respond) {
    OffThread(
        app, req, std::move(respond),
        [&app, &make](const Request& req, const Respond& respond) {
          auto r = BudgetedRead<Response>(app, req, [&](Db& db) { return make(req, db); });
          if (!r.ok()) return respond(Response::Problem(r.status(), req.path));
          respond(std::move(*r));
        },
        app.files);
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
                auto db = app.readers->Get();
                if (!db.ok()) {
                  respond(Response::Problem(db.status(), req.path));
                  return;
                }
                auto st = (*db)->Prepare("SELECT COUNT(*) FROM schema_migrations");
                if (!st.ok() || !st->Step().ok()) {
                  respond(Response::Problem(absl::UnavailableError("数据库不可读"), req.path));
                  return;
                }
                boost::json::object body{{"status", "ok"}};
                if (app.backup_status) body["backup"] = app.backup_status();
                // After a storage failure (the disk full, the filesystem read-only) the probe writes (ProbeStorage),
                // so that the answer turns healthy only once writes get through again; that commit records the
                // recovery.
                absl::Status failure = app.writer->storage_failure();
                std::string since = failure.ok() ? "" : FormatUtc(app.writer->storage_failure_since());
                app.writer->Submit(Actor::System(),
                                   [failure, since](Tx& tx) -> absl::StatusOr<boost::json::value> {
                                     if (failure.ok()) return boost::json::value();
                                     QF_RETURN_IF_ERROR(ProbeStorage(tx));
                                     QF_RETURN_IF_ERROR(tx.Append("storage.recovered", "storage",
                                                                  {{"failure", StableCode(failure)}, {"since", since}})
                                                            .status());
                                     return boost::json::value();
                                   },
                                   [respond, path = req.path, body = std::move(body), failure,
                                    writer = app.writer](absl::StatusOr<boost::json::value> r) {
                                     if (!r.ok()) {
                                       respond(Response::Problem(r.status(), path));
                                       return;
                                     }
                                     if (!failure.ok()) writer->StorageRecovered();
                                     respond(Response::Json(200, body));
                                   });
              },
              0, "Health: answers 200 when the database can be read and written (with the scheduled backups' status)"});
  router.Add({"GET", "/api/v1/system/status", kAdmin | kSupervisor,
              ReadRoute(app, [&app](const Request&, Db& db) -> absl::StatusOr<boost::json::value> {
                // What an administrator checks: the release and the schema, the storage (a refusal since when),
                // the scheduled backups (the last good one, the last failure, the next), the writer's work.
                QF_ASSIGN_OR_RETURN(int schema, CurrentVersion(db));
                absl::Status failure = app.writer->storage_failure();
                boost::json::object storage{{"state", failure.ok() ? "ok" : StableCode(failure)}};
                if (!failure.ok()) {
                  storage["since"] = FormatUtc(app.writer->storage_failure_since());
                  storage["message"] = std::string(failure.message());
                }
                WriterStats stats = app.writer->stats();
                return boost::json::object{
                    {"version", QINGFENG_VERSION},
                    {"backend", db.backend() == Backend::kPostgres ? "postgresql" : "sqlite"},
                    {"schema", schema},
                    {"schema_latest", LatestSchemaVersion(db.backend())},
                    {"storage", std::move(storage)},
                    {"ledger_refusal", app.writer->refusal()},
                    {"backup", app.backup_status ? boost::json::value(app.backup_status()) : boost::json::value(nullptr)},
                    {"writer", boost::json::object{{"queue", app.writer->queue_depth()}, {"commands", stats.commands},
                                                   {"commits", stats.commits}}},
                    {"now", FormatUtc(app.clock->Now())}};
              }),
              0, "The system's state for its administrator: release, schema, storage, scheduled backups, the writer"});
}

}  // namespace qf
