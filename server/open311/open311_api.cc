// HTTP handlers of Open311 GeoReport v2 under /open311/v2/ (discovery, services, a service's definition, requests:
// submit, list, one) in JSON or XML as the path's suffix asks, with the spec's error documents; and the
// administrator's routes that issue and revoke the platforms' api_keys.
#include <memory>

#include "app/app.h"
#include "app/modules.h"
#include "cases/store.h"
#include "common/json_input.h"
#include "common/problem.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "http/ratelimit.h"
#include "open311/clients.h"
#include "open311/open311.h"
#include "spdlog/spdlog.h"

namespace qf::open311 {
namespace {

namespace json = boost::json;

// A document in the format the path asks for.
Response Document(std::string_view format, std::string_view root, const json::value& doc, int status = 200) {
  if (format == "xml") {
    Response r;
    r.status = status;
    r.content_type = "text/xml; charset=utf-8";
    r.body = ToXml(root, doc);
    return r;
  }
  return Response::Json(status, doc);
}

// A failure as the spec writes errors (JSON unless XML was asked for).
Response Error(std::string_view format, const absl::Status& s) {
  int http = HttpStatusFor(s.code());
  return Document(format == "xml" ? "xml" : "json", "errors", Errors(s, http), http);
}

// The query's format and jurisdiction, checked first on every route.
absl::Status CheckRequest(const Request& req, const Settings& settings, std::string_view format) {
  QF_RETURN_IF_ERROR(CheckFormat(format));
  if (auto j = req.Query("jurisdiction_id"); j && !j->empty() && *j != settings.jurisdiction_id)
    return Invalid("open311.jurisdiction", "jurisdiction_id 有误",
                   {{"jurisdiction_id", "本系统只服务 " + settings.jurisdiction_id}});
  return absl::OkStatus();
}

// A read answered in the document format: `read` runs on the work pool within the read budget.
using DocFn = std::function<absl::StatusOr<json::value>(const Request&, Db&)>;
Handler ReadDocument(AppContext& app, std::shared_ptr<const Settings> settings, std::string root, DocFn read) {
  return [&app, settings, root, read](Request& req, Respond respond) {
    std::string format = req.params.back();
    if (auto s = CheckRequest(req, *settings, format); !s.ok()) return respond(Error(format, s));
    OffThread(app, req, std::move(respond), [&app, root, read, format](const Request& r, const Respond& answer) {
      auto doc = BudgetedRead<json::value>(app, r, [&](Db& db) { return read(r, db); });
      answer(doc.ok() ? Document(format, root, *doc) : Error(format, doc.status()));
    });
  };
}

// The submission's command: the key checked in the same transaction (a key revoked a moment ago submits nothing),
// a work order the platform already sent answered with the case it made, else a new case on the platform's
// channel, remembered as the platform's.
Command SubmitCommand(cases::CaseEnv env, Submission sub) {
  return [env, sub = std::move(sub)](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(Client client, ClientByKey(tx.db(), sub.api_key));
    cases::NewCase c = sub.new_case;
    c.channel = client.channel;
    if (!c.external_ref.empty()) {
      QF_ASSIGN_OR_RETURN(auto dup, tx.db().Prepare("SELECT id, receipt FROM cases WHERE channel = ? AND external_ref = ?"));
      dup.Bind(1, c.channel).Bind(2, c.external_ref);
      QF_ASSIGN_OR_RETURN(bool found, dup.Step());
      if (found)
        return json::object{{"id", dup.Int(0)}, {"receipt", dup.Text(1)}, {"repeat", true}, {"due_on", nullptr}};
    }
    // The unit as the platform wrote it goes with the text, where registration recognises a school it names.
    if (!sub.unit_text.empty()) c.content += "\n被反映单位：" + sub.unit_text;
    QF_ASSIGN_OR_RETURN(cases::Registered r, cases::Register(tx, env, c));
    QF_ASSIGN_OR_RETURN(auto link, tx.db().Prepare("INSERT INTO open311_submissions(case_id, client_id) VALUES(?,?)"));
    QF_RETURN_IF_ERROR(link.Bind(1, r.id).Bind(2, client.id).Run());
    QF_RETURN_IF_ERROR(tx.Append("open311.submitted", cases::Subject(r.id), {{"client", client.id}, {"platform", client.name}}).status());
    json::value due = nullptr;
    for (const auto& d : r.deadlines)
      if (due.is_null() && cases::InfoOf(d.kind).watch == cases::Watch::kOverall) due = FormatDay(d.due);
    return json::object{{"id", r.id}, {"receipt", r.receipt}, {"repeat", false}, {"due_on", due}};
  };
}

Handler SubmitRoute(AppContext& app, std::shared_ptr<const Settings> settings, std::shared_ptr<RateLimiter> limiter) {
  return [&app, settings, limiter](Request& req, Respond respond) {
    std::string format = req.params.back();
    if (auto s = CheckRequest(req, *settings, format); !s.ok()) return respond(Error(format, s));
    auto type = req.Header("content-type").value_or("");
    if (!req.body.empty() && !type.starts_with("application/x-www-form-urlencoded"))
      return respond(Error(format, Invalid("open311.content_type", "请以 application/x-www-form-urlencoded 提交",
                                           {{"Content-Type", "应为 application/x-www-form-urlencoded"}})));
    auto form = ParseForm(req.body);
    if (!form) return respond(Error(format, Invalid("open311.form", "表单编码有误（%XX 转义不完整）")));
    // The api_key may also come in the query, as some clients send it.
    for (const auto& [k, v] : req.query)
      if (k == "api_key") form->emplace_back(k, v);
    auto parsed = ParseSubmission(*form);
    if (!parsed.ok()) return respond(Error(format, parsed.status()));
    // The key is looked up first (a wrong or revoked key is refused as such, never counted), then the platform's
    // limit is taken, and only then does the writer see the submission.
    auto sub = std::make_shared<Submission>(std::move(*parsed));
    OffThread(app, req, std::move(respond), [&app, limiter, sub, format](const Request& r, const Respond& respond) {
      auto client = BudgetedRead<Client>(app, r, [&](Db& db) { return ClientByKey(db, sub->api_key); });
      if (!client.ok()) return respond(Error(format, client.status()));
      absl::Duration wait;
      if (!limiter->Allow("client:" + std::to_string(client->id), RateClass::kSubmit, app.clock->Now(), &wait)) {
        Response out = Error(format, MakeError(absl::StatusCode::kResourceExhausted, "open311.rate_limited",
                                               "该平台提交过于频繁，请稍后再试"));
        out.headers.emplace_back("Retry-After", std::to_string(absl::ToInt64Seconds(wait) + 1));
        return respond(std::move(out));
      }
      std::string account_id = sub->account_id;
      cases::CaseEnv env{app.calendar, app.policies, app.vault};
      app.writer->Submit(ActorOf(r), SubmitCommand(env, std::move(*sub)),
                       [respond, format, account_id](absl::StatusOr<json::value> r) {
                         if (!r.ok()) return respond(Error(format, r.status()));
                         const auto& o = r->as_object();
                         std::string notice =
                             o.at("repeat").as_bool()
                                 ? "该工单此前已登记，回执码 " + std::string(o.at("receipt").as_string()) + "，未重复登记。"
                                 : "已登记，回执码 " + std::string(o.at("receipt").as_string()) +
                                       "，反映人可凭回执码查询办理进度和答复。" +
                                       (o.at("due_on").is_string()
                                            ? "答复期限：" + std::string(o.at("due_on").as_string()) + "。"
                                            : std::string());
                         json::object item{{"service_request_id", std::to_string(o.at("id").as_int64())},
                                           {"service_notice", notice}};
                         item["account_id"] = account_id.empty() ? json::value(nullptr) : json::value(account_id);
                         respond(Document(format, "service_requests", json::array{item}, o.at("repeat").as_bool() ? 200 : 201));
                       });
    });
  };
}

std::string BaseUrl(const AppContext& app, const Request& req) {
  return std::string(app.secure_cookies ? "https://" : "http://") + req.Header("host").value_or("localhost") + "/open311/v2";
}

void RegisterRoutes(Router& router, AppContext& app) {
  auto loaded = LoadSettings(app.data_dir + "/policies");
  if (!loaded.ok()) {
    // The server still serves everything else; Open311 answers why it cannot.
    spdlog::error("open311: {}", loaded.status().message());
    Handler off = [status = loaded.status()](Request& req, Respond respond) {
      respond(Error(req.params.empty() ? "json" : req.params.back(),
                    MakeError(absl::StatusCode::kUnavailable, "open311.config", Str(status.message()))));
    };
    for (const char* p : {"/open311/v2/discovery.{format}", "/open311/v2/services.{format}",
                          "/open311/v2/services/{service_code}.{format}", "/open311/v2/requests.{format}",
                          "/open311/v2/requests/{service_request_id}.{format}"})
      router.Add({"GET", p, kPublic, off, 0, "Open311 (not configured)"});
    router.Add({"POST", "/open311/v2/requests.{format}", kPublic, off, 64 * 1024, "Open311 (not configured)"});
  } else {
    auto settings = std::make_shared<const Settings>(std::move(*loaded));
    RateLimits limits;
    limits.submit_burst = settings->submit_burst;
    limits.submit_per_minute = settings->submit_per_minute;
    auto limiter = std::make_shared<RateLimiter>(limits);
    router.Add({"GET", "/open311/v2/discovery.{format}", kPublic,
                ReadDocument(app, settings, "discovery", [&app, settings](const Request& req, Db&) -> absl::StatusOr<json::value> {
                  return Discovery(*settings, BaseUrl(app, req));
                }),
                0, "Open311: the service discovery document", RateClass::kLookup});
    router.Add({"GET", "/open311/v2/services.{format}", kPublic,
                ReadDocument(app, settings, "services", [settings](const Request&, Db&) -> absl::StatusOr<json::value> {
                  return Services(*settings);
                }),
                0, "Open311: the services (the case categories)", RateClass::kLookup});
    router.Add({"GET", "/open311/v2/services/{service_code}.{format}", kPublic,
                ReadDocument(app, settings, "service_definition", [](const Request& req, Db&) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto def, ServiceDefinition(req.params[0]));
                  return def;
                }),
                0, "Open311: a service's attributes", RateClass::kLookup});
    router.Add({"POST", "/open311/v2/requests.{format}", kPublic, SubmitRoute(app, settings, limiter), 64 * 1024,
                "Open311: a platform submits a request (api_key; creates a case on the platform's channel)"});
    router.Add({"GET", "/open311/v2/requests.{format}", kPublic,
                ReadDocument(app, settings, "service_requests", [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto q, ParseRequestQuery(req.query, app.clock->Now()));
                  QF_ASSIGN_OR_RETURN(auto items, FindRequests(db, q));
                  return items;
                }),
                0, "Open311: the requests the public may see (90 days, 1,000 at most)", RateClass::kLookup});
    router.Add({"GET", "/open311/v2/requests/{service_request_id}.{format}", kPublic,
                ReadDocument(app, settings, "service_requests", [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                  int64_t id = 0;
                  RequestQuery q;
                  if (!absl::SimpleAtoi(req.params[0], &id) || id <= 0)
                    return NotFound("open311.request", "没有这个请求：" + req.params[0]);
                  q.ids = {id};
                  QF_ASSIGN_OR_RETURN(auto items, FindRequests(db, q));
                  if (items.empty()) return NotFound("open311.request", "没有这个请求：" + req.params[0]);
                  return items;
                }),
                0, "Open311: one request as the public may see it", RateClass::kLookup});
  }

  router.Add({"GET", "/api/v1/open311/clients", kAdmin,
              ReadRoute(app, [](const Request&, Db& db) -> absl::StatusOr<json::value> { return ListClients(db); }), 0,
              "The Open311 client platforms with their key hints and how many requests each sent"});
  router.Add({"POST", "/api/v1/open311/clients", kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(NewClient c, ParseNewClient(body));
                return Command([c](Tx& tx) -> absl::StatusOr<json::value> { return IssueClient(tx, c); });
              }, 201),
              4 * 1024, "Issue an api_key to a client platform (shown once)"});
  router.Add({"POST", "/api/v1/open311/clients/{id}/revoke", kAdmin,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "open311.client", "接口客户端"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto reason = in.Str("reason", true, 200);
                QF_RETURN_IF_ERROR(in.Finish("open311.revoke"));
                return Command([id, reason = *reason](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(RevokeClient(tx, id, reason));
                  return json::object{{"ok", true}};
                });
              }),
              4 * 1024, "Revoke a client platform's api_key"});
}

}  // namespace

void Register(Modules& m) { m.AddRoutes(RegisterRoutes); }

}  // namespace qf::open311
