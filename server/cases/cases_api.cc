// HTTP handlers for cases: public submission and follow-up by receipt code; staff registration, lists,
// detail, transitions, supervision, import and statistics. Each parses and validates, calls the domain,
// maps the Status.
#include <map>

#include "absl/strings/numbers.h"
#include "app/app.h"
#include "cases/cases.h"
#include "cases/import_profiles.h"
#include "cases/model.h"
#include "cases/notifications.h"
#include "cases/store.h"
#include "cases/watch.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "ledger/ledger.h"
#include "vault/vault.h"

namespace qf::cases {
namespace {

namespace json = boost::json;

CaseEnv Env(AppContext& app) { return {app.calendar, app.policies, app.vault}; }

// The access log's query parameters (kind, account_id, from, to, before, limit), each error naming its parameter.
absl::StatusOr<AccessQuery> ParseAccessQuery(const Request& req) {
  AccessQuery q;
  std::vector<FieldError> errors;
  if (auto kind = req.Query("kind"); kind && !kind->empty()) {
    if (auto k = ReadEventKind(*kind)) q.kind = *k;
    else errors.push_back({"kind", "可选 case、file、identity"});
  }
  for (auto [name, target] : {std::pair{"account_id", &q.account_id}, std::pair{"before", &q.before}}) {
    auto v = ParseInt<int64_t>(req.Query(name).value_or("0"));
    if (!v || *v < 0) errors.push_back({name, "应为非负整数"});
    else *target = *v;
  }
  for (auto [name, target] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto v = req.Query(name); v && !v->empty()) {
      if (!(*target = ParseDay(*v))) errors.push_back({name, "日期格式应为 YYYY-MM-DD"});
    }
  }
  if (q.from && q.to && *q.from > *q.to) errors.push_back({"to", "不早于开始日期"});
  q.limit = static_cast<int>(std::clamp<int64_t>(ParseInt<int64_t>(req.Query("limit").value_or("50")).value_or(50), 1, 200));
  if (!errors.empty()) return Invalid("access_log.filter", "筛选条件有误", errors);
  return q;
}

// The case list's query parameters (shared by the list and its export), each error naming its parameter.
absl::Status ParseListFilter(const Request& req, ListFilter& f) {
  std::vector<FieldError> errors;
  f.state = req.Query("state").value_or("");
  f.channel = req.Query("channel").value_or("");
  f.category = req.Query("category").value_or("");
  f.district = req.Query("district").value_or("");
  f.q = req.Query("q").value_or("");
  f.unit_id = ParseInt<int64_t>(req.Query("unit_id").value_or("0")).value_or(0);
  f.overdue = req.Query("overdue").value_or("") == "true";
  f.mine = req.Query("mine").value_or("") == "true";
  f.sort = req.Query("sort").value_or("received_at");
  f.ascending = req.Query("order").value_or("desc") == "asc";
  auto offset = ParseInt<int64_t>(req.Query("offset").value_or("0"));
  if (!offset || *offset < 0) errors.push_back({"offset", "应为非负整数"});
  else f.offset = *offset;
  f.limit = std::clamp<int64_t>(ParseInt<int64_t>(req.Query("limit").value_or("50")).value_or(50), 1, 500);
  if (Utf8Length(f.q) > 100) errors.push_back({"q", "不超过100字"});
  for (auto [name, target] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
    if (auto v = req.Query(name)) {
      if (!ParseDay(*v)) errors.push_back({name, "日期格式应为 YYYY-MM-DD"});
      else *target = *v;
    }
  }
  if (!f.state.empty() && !ParseState(f.state)) errors.push_back({"state", "未知状态"});
  if (!IsListSortKey(f.sort)) errors.push_back({"sort", "可选 received_at、due_on、state、id、relevance"});
  if (!f.channel.empty() && !LabelOf(kChannels, f.channel)) errors.push_back({"channel", "未知来源"});
  if (!f.category.empty() && !LabelOf(kCategories, f.category)) errors.push_back({"category", "未知分类"});
  if (!errors.empty()) return Invalid("cases.filter", "筛选条件有误", errors);
  return absl::OkStatus();
}

constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// One sheet of the case list as the console shows it, times in China Standard Time.
XlsxSheet ExportSheet(const json::object& list) {
  XlsxSheet sheet{"案件清单", {"回执码", "来源渠道", "分类", "标题", "状态", "区县", "被反映单位", "承办单位",
                              "受理时间", "最近期限", "剩余工作日", "期限提示"}, {}, {20, 14, 12, 40, 12, 10, 24, 24, 18, 12, 10, 10}};
  auto text = [](const json::value* v) { return v && v->is_string() ? std::string(v->as_string()) : std::string(); };
  for (const auto& item : list.at("items").as_array()) {
    const auto& o = item.as_object();
    XlsxCell received = std::string();
    if (auto t = ParseUtc(text(o.if_contains("received_at")))) received = XlsxMinute{absl::ToCivilMinute(*t, Cst())};
    XlsxCell due = std::string();
    if (auto d = ParseDay(text(o.if_contains("due_on")))) due = XlsxDay{*d};
    std::string colour = text(o.if_contains("deadline_colour"));
    std::string hint = colour == "red" ? "红牌（逾期）" : colour == "yellow" ? "黄牌（临期）" : colour == "green" ? "正常" : "";
    std::vector<XlsxCell> row{text(o.if_contains("receipt")), text(o.if_contains("channel_label")),
                              text(o.if_contains("category_label")), text(o.if_contains("title")),
                              text(o.if_contains("state_label")), text(o.if_contains("district")),
                              text(o.if_contains("concerned_unit")), text(o.if_contains("handling_unit")), received, due};
    if (auto* w = o.if_contains("working_days_left")) row.emplace_back(static_cast<long long>(w->as_int64()));
    else row.emplace_back(std::string());
    row.emplace_back(hint);
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

// The board as the supervisor narrowed it (a kind, a handling unit), for its export.
struct BoardView {
  std::string kind;  // red, yellow, order (orders and escalation documents); empty for all
  int64_t unit_id = 0;
};
absl::Status ParseBoardView(const Request& req, BoardView& v) {
  v.kind = req.Query("kind").value_or("");
  if (!v.kind.empty() && v.kind != "red" && v.kind != "yellow" && v.kind != "order")
    return Invalid("supervision.param", "看板筛选无效", {{"kind", "应为 red、yellow 或 order"}});
  if (auto u = req.Query("unit_id"); u && !u->empty() && !absl::SimpleAtoi(*u, &v.unit_id))
    return Invalid("supervision.param", "看板筛选无效", {{"unit_id", "应为单位编号"}});
  return absl::OkStatus();
}

XlsxSheet BoardSheet(const json::object& board, const BoardView& view) {
  static const std::map<std::string, std::string> kLabels{
      {"red", "红牌"}, {"yellow", "黄牌"}, {"order", "督办单"}, {"reminder", "催办函"}, {"criticism", "通报批评"}};
  XlsxSheet sheet{"督办看板", {"类别", "次数", "案件编号", "标题", "承办单位", "期限", "逾期工作日", "下达时间", "依据", "答复"},
                  {}, {10, 6, 10, 40, 24, 12, 10, 18, 30, 30}};
  for (const auto& item : board.at("items").as_array()) {
    const auto& o = item.as_object();
    std::string kind(o.at("kind").as_string());
    if ((!view.kind.empty() && view.kind != o.at("group").as_string()) ||
        (view.unit_id && o.at("unit_id").as_int64() != view.unit_id))
      continue;
    XlsxCell due = std::string(), issued = std::string(), overdue = std::string();
    if (auto d = ParseDay(std::string(o.at("due_on").as_string()))) due = XlsxDay{*d};
    if (auto t = ParseUtc(std::string(o.at("issued_at").as_string()))) issued = XlsxMinute{absl::ToCivilMinute(*t, Cst())};
    if (auto* n = o.if_contains("overdue_working_days")) overdue = static_cast<long long>(n->as_int64());
    auto label = kLabels.find(kind);
    sheet.rows.push_back({label == kLabels.end() ? kind : label->second, static_cast<long long>(o.at("level").as_int64()),
                          static_cast<long long>(o.at("case_id").as_int64()), std::string(o.at("title").as_string()),
                          std::string(o.at("unit_name").as_string()), due, overdue, issued,
                          std::string(o.at("rule").as_string()), std::string(o.at("answer").as_string())});
  }
  return sheet;
}

json::array DeadlinesJson(const std::vector<Deadline>& ds, const CaseEnv& env, absl::CivilDay today) {
  json::array out;
  for (const auto& d : ds) out.push_back(DeadlineJson(d, env, today, true));
  return out;
}

json::object RegisteredJson(const Registered& r, const CaseEnv& env, absl::CivilDay today) {
  json::object o{{"id", r.id},
                 {"ledger", json::object{{"leaf_index", r.leaf_index}}},
                 {"receipt", r.receipt},
                 {"state", StateName(r.state)},
                 {"state_label", StateLabel(r.state)},
                 {"handling_unit_id", r.handling_unit_id},
                 {"routing", json::object{{"rule", r.rule}, {"basis", r.basis}}},
                 {"restricted", r.restricted},
                 {"deadlines", DeadlinesJson(r.deadlines, env, today)}};
  if (r.prior_case_id) o["prior_case_id"] = r.prior_case_id;
  return o;
}

absl::StatusOr<int64_t> CaseId(const Request& req) { return PathId(req, 0, "case.not_found", "案件"); }

absl::StatusOr<std::string> Receipt(const Request& req) {
  auto r = ParseReceiptCode(req.params[0]);
  if (!r) return Invalid("receipt.invalid", "回执码格式不正确或校验位不符，请核对", {{"receipt", "无效"}});
  return *r;
}

// Registration, by the public or by staff. The answer carries the ledger receipt (inclusion proof and signed
// checkpoint), which takes up to the checkpoint interval; ?ledger_receipt=deferred answers at commit and leaves
// the receipt to GET /api/v1/public/cases/{receipt}/ledger.
PrepareWriteFn Submit(AppContext& app, bool staff) {
  return [&app, staff](const Request& req) -> absl::StatusOr<Write> {
    QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
    QF_ASSIGN_OR_RETURN(NewCase nc, ParseNewCase(body, staff));
    if (staff) nc.registered_by = req.principal->account_id;
    CaseEnv env = Env(app);
    bool wait = app.ledger && req.Query("ledger_receipt").value_or("") != "deferred";
    ledger::Ledger* ledger = app.ledger;
    return Write{[env, c = std::move(nc)](Tx& tx) -> absl::StatusOr<json::value> {
                   QF_ASSIGN_OR_RETURN(auto out, Register(tx, env, c));
                   return RegisteredJson(out, env, CstDay(tx.now()));
                 },
                 [path = req.path, wait, ledger](absl::StatusOr<json::value> r, Respond respond) {
                   if (!r.ok()) return respond(Response::Problem(r.status(), path));
                   if (!wait) return respond(Response::Json(201, std::move(*r)));
                   uint64_t index = r->as_object().at("ledger").at("leaf_index").to_number<uint64_t>();
                   ledger->WhenCovered(index, [respond, out = *r](absl::StatusOr<std::string> receipt) mutable {
                     auto& led = out.as_object()["ledger"].as_object();
                     if (receipt.ok()) led["receipt"] = *receipt;
                     else led["receipt_error"] = Str(receipt.status().message());
                     respond(Response::Json(201, out));
                   });
                 }};
  };
}

// A case import, or its check (a dry run): the rows imported and then undone, so that the report is exactly what
// the real import would do and nothing changes. A check is taken a part of kCheckPart at a time, each part a writer
// command of its own rolled back at its end, what the rows so far found kept in the ImportCheck (CaseImport): a
// sign-in or a citizen's submission that comes meanwhile is written between two parts instead of after the whole
// file (12,000 rows held the writer 3–5 s). An import of the correct rows only (accept_valid) is taken in parts too,
// each committed: stopped half-way (the server stopping), what came in stays, and the same file imported again
// brings in the rest (a ticket already registered is refused as such). An import of all or nothing stays one command.
struct ImportCheck {
  std::vector<std::string> header;  // as the file has it
  Table table;                      // with its columns mapped to the fields once the first part has read them
  NextRow next;                     // the table's rows, from where the last part stopped
  std::unique_ptr<CaseImport> import;
  bool ended = false;               // the last row has been read
  Command part;                     // one part (a failure undoes it, a check's too; success commits it, with more to
                                    // come unless `ended`); holds a plain pointer to this check, kept by whoever
                                    // submits it
  std::function<void(absl::StatusOr<json::value>, const ImportCheck&, Respond)> answer;
};
constexpr absl::Duration kCheckPart = absl::Milliseconds(25);

// After a part: the next part, at the back of the writer's queue and in a batch of its own (what came meanwhile
// commits first), or the answer.
void AfterPart(AppContext& app, const Actor& actor, std::shared_ptr<ImportCheck> check, absl::StatusOr<json::value> r,
               Respond respond) {
  if (!check->ended && (r.ok() || StableCode(r.status()) == "import.preview"))
    return app.writer->SubmitAlone(actor, check->part, [&app, actor, check, respond](absl::StatusOr<json::value> next) {
      AfterPart(app, actor, check, std::move(next), respond);
    });
  check->answer(std::move(r), *check, std::move(respond));
}

absl::StatusOr<Write> PrepareImport(AppContext& app, const Request& req) {
  std::string channel = req.Query("channel").value_or("");
  auto code = CodeOf(kChannels, channel);
  if (!code) return Invalid("import.channel", "请指定来源渠道", {{"channel", "取值无效"}});
  bool accept_valid = req.Query("accept_valid").value_or("") == "true";
  bool dry_run = req.Query("dry_run").value_or("") == "true";
  CaseImportOptions options{*code, accept_valid || dry_run, req.principal->account_id,
                            req.Query("backdate_reason").value_or(""), {}, false};
  // The clerk's picks for unit names the file uses (a JSON object, name → unit id), kept as aliases on request.
  if (auto map = req.Query("unit_map"); map && !map->empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(*map, ec);
    if (ec || !v.is_object()) return Invalid("import.unit_map", "单位对照格式不对", {{"unit_map", "应为 {\"名称\": 单位编号}"}});
    for (const auto& [name, id] : v.as_object()) {
      if (!id.is_int64() || id.as_int64() <= 0) return Invalid("import.unit_map", "单位对照格式不对", {{"unit_map", std::string(name) + "：应为单位编号"}});
      options.unit_map[std::string(name)] = id.as_int64();
    }
  }
  options.remember_units = !dry_run && req.Query("remember_units").value_or("") == "true";
  // Which header is which field: the clerk's mapping from the preview, else a saved profile by name, else the saved
  // profile the file's header fits (import_profiles.h).
  std::optional<ColumnMapping> mapping;
  if (auto m = req.Query("mapping"); m && !m->empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(*m, ec);
    if (ec) return Invalid("import.mapping", "列对照格式不对", {{"mapping", "应为 {\"表头\": \"字段\"}"}});
    QF_ASSIGN_OR_RETURN(mapping, ParseMapping(v, app.imports->Of(kCaseImport), "mapping"));
  }
  std::string profile = req.Query("profile").value_or("");
  // The console follows a long check or import under a token of its choosing (GET /api/v1/progress/{token}).
  std::string token = req.Query("progress").value_or("");
  if (!token.empty() && !ProgressBoard::ValidToken(token))
    return Invalid("import.progress", "进度标识格式不对", {{"progress", "应为 8–64 位字母、数字或连字符"}});
  ProgressBoard* board = token.empty() ? nullptr : app.progress;
  int64_t account = req.principal->account_id;
  if (board) board->Start(token, account, "reading", 0);
  auto read = ReadTable(req.body);
  if (!read.ok()) {
    if (board) board->Finish(token);
    return read.status();
  }
  Table table = std::move(*read);
  if (board) {
    board->Start(token, account, dry_run ? "checking" : "importing", static_cast<int>(table.rows.size()));
    options.progress = [board, token](int rows) { board->Step(token, rows); };
  }
  // What was read (the encoding, the header row, rows set aside and formulas read by value) with what was done.
  json::array warnings;
  for (auto& f : table.warnings) warnings.push_back(FieldJson(f));
  // What the command found of the columns (the profile used, each header's field), kept for the answer even when
  // the import fails (a required column missing: the preview shows the columns to map).
  struct Columns {
    json::object columns;
    json::value profile = nullptr;
  };
  auto found = std::make_shared<Columns>();
  auto report_json = [read = json::object{{"encoding", table.encoding}, {"header_row", table.header_row},
                                          {"warnings", warnings}}, found](const CaseImportReport& rep, bool preview) {
    json::array rejected;
    for (auto& f : rep.rejected) rejected.push_back(FieldJson(f));
    json::object out = read;
    for (const auto& [k, v] : found->columns) out[k] = v;
    out["profile"] = found->profile;
    out[preview ? "would_apply" : "applied"] = rep.applied;
    out["rejected"] = rejected;
    out["dry_run"] = preview;
    out["unknown_columns"] = json::array(rep.unknown_columns.begin(), rep.unknown_columns.end());
    json::array units;
    for (const auto& u : rep.unmatched_units) {
      json::array near;
      for (const auto& [id, name] : u.candidates) near.push_back(json::object{{"id", id}, {"name", name}});
      units.push_back(json::object{{"name", u.name}, {"candidates", near}});
    }
    out["unmatched_units"] = units;
    out["aliases_added"] = rep.aliases_added;
    return out;
  };
  bool in_parts = dry_run || accept_valid;
  auto check = std::make_shared<ImportCheck>();
  check->header = table.header;
  check->table = std::move(table);
  check->part = [env = Env(app), &columns = app.imports->Of(kCaseImport), c = check.get(), options, dry_run, in_parts,
                 mapping, profile, found, report_json](Tx& tx) -> absl::StatusOr<json::value> {
    if (!c->import) {
      QF_ASSIGN_OR_RETURN(auto used, MapColumns(tx.db(), kCaseImport, c->table, mapping, profile));
      if (used) found->profile = json::string(*used);
      found->columns = ColumnsJson(c->header, c->table, columns);
      QF_ASSIGN_OR_RETURN(c->import, CaseImport::Begin(columns, c->table, options));
      c->next = RowsOf(c->table);
    }
    QF_ASSIGN_OR_RETURN(c->ended, c->import->Rows(tx, env, c->next,
                                                  in_parts ? absl::Now() + kCheckPart : absl::InfiniteFuture()));
    if (dry_run) return MakeError(absl::StatusCode::kAborted, "import.preview", "预检完成，未写入");
    if (!c->ended) return json::value(nullptr);  // a part of the correct rows, committed; the next follows
    QF_ASSIGN_OR_RETURN(auto rep, c->import->Finish(tx));
    return report_json(rep, false);
  };
  check->answer = [path = req.path, dry_run, report_json, found, board, token](
                      absl::StatusOr<json::value> r, const ImportCheck& c, Respond respond) {
    if (board) board->Finish(token);
    if (dry_run && !r.ok() && StableCode(r.status()) == "import.preview")
      return respond(Response::Json(200, report_json(c.import->report(), true)));
    // A preview of a file refused whole (a required column missing): its problems with the columns as found, so
    // that the clerk can map them.
    if (dry_run && !r.ok() && !found->columns.empty() && !FieldErrors(r.status()).empty()) {
      CaseImportReport refused;
      refused.rejected = FieldErrors(r.status());
      return respond(Response::Json(200, report_json(refused, true)));
    }
    if (!r.ok()) return respond(Response::Problem(r.status(), path));
    respond(Response::Json(200, std::move(*r)));
  };
  return Write{check->part, [&app, actor = ActorOf(req), check](absl::StatusOr<json::value> r, Respond respond) {
                 AfterPart(app, actor, check, std::move(r), std::move(respond));
               }};
}

// The discipline office opens a named reporter's identity: only after the opening is committed to the log is
// anything revealed.
absl::StatusOr<Write> PrepareOpenIdentity(AppContext& app, const Request& req) {
  QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
  QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
  JsonInput in(body);
  auto reason = in.Str("reason", true, 500);
  QF_RETURN_IF_ERROR(in.Finish());
  return Write{[id, reason = *reason, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                 QF_ASSIGN_OR_RETURN(std::string sealed, OpenReporterIdentity(tx, id, reason, who));
                 return json::value(json::string(sealed));
               },
               [path = req.path, vault = app.vault](absl::StatusOr<json::value> r, Respond respond) {
                 if (!r.ok()) return respond(Response::Problem(r.status(), path));
                 auto plain = vault->Unseal(std::string_view(r->as_string()));
                 if (!plain.ok()) return respond(Response::Problem(plain.status(), path));
                 respond(Response::Json(200, json::parse(*plain)));
               }};
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  constexpr RoleSet kStaff = kClerk | kHandler | kSupervisor | kLeader;
  router.Add({"GET", "/api/v1/public/categories", kPublic,
              [](Request&, Respond respond) {
                json::array cats, chans;
                for (auto& c : kCategories) cats.push_back(json::object{{"code", c.code}, {"label", c.label}});
                for (auto& c : kChannels) chans.push_back(json::object{{"code", c.code}, {"label", c.label}});
                respond(Response::Json(200, json::object{{"categories", cats}, {"channels", chans}}));
              },
              0, "Categories and channels with their labels"});
  router.Add({"GET", "/api/v1/public/hotlines", kPublic,
              ReadRoute(app, [&app](const Request&, Db&) -> absl::StatusOr<json::value> {
                json::array items;
                for (const auto& h : app.policies->intake().hotlines)
                  items.push_back(json::object{{"name", h.name}, {"number", h.number}, {"hours", h.hours}});
                return json::object{{"items", std::move(items)}};
              }),
              0, "The reporting lines the bureau publishes (data/policies/intake.toml)"});
  router.Add({"POST", "/api/v1/public/cases", kPublic, WriteThenRoute(app, Submit(app, false)), 8 * 1024 * 1024,
              "Submit a complaint or report (named or anonymous); answers with the receipt code", RateClass::kSubmit});
  router.Add({"GET", "/api/v1/public/cases/{receipt}", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(std::string receipt, Receipt(req));
                return PublicView(db, Env(app), receipt, app.clock->Now());
              }),
              0, "Follow a case by its receipt code", RateClass::kLookup});
  router.Add({"GET", "/api/v1/public/cases/{receipt}/ledger", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                if (!app.ledger) return MakeError(absl::StatusCode::kUnavailable, "ledger.off", "本实例未启用账本");
                QF_ASSIGN_OR_RETURN(std::string code, Receipt(req));
                QF_ASSIGN_OR_RETURN(uint64_t index, RegistrationLeaf(db, code));
                QF_ASSIGN_OR_RETURN(std::string receipt, app.ledger->ReceiptFor(db, index));
                return json::object{{"leaf_index", index}, {"receipt", receipt}, {"checkpoint_size", app.ledger->CheckpointSize()}};
              }),
              0, "The ledger receipt of a case's registration against the latest checkpoint", RateClass::kLookup});
  router.Add({"POST", "/api/v1/public/cases/{receipt}/{action}", kPublic,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(std::string receipt, Receipt(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto action, ParsePublicAction(req.params[1], body));
                return Command([env = Env(app), receipt, action](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(PublicAction(tx, env, receipt, action));
                  return json::object{{"ok", true}};
                });
              }),
              16 * 1024, "The reporter's actions: add_info, answer, rate, request_review, request_rereview", RateClass::kLookup});

  router.Add({"POST", "/api/v1/cases", kClerk | kSupervisor, WriteThenRoute(app, Submit(app, true)), 8 * 1024 * 1024,
              "Register a call, letter, visit or transfer (首问负责: the clerk owns it until routed)"});
  router.Add({"GET", "/api/v1/cases", kStaff,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                ListFilter f;
                QF_RETURN_IF_ERROR(ParseListFilter(req, f));
                return List(db, Env(app), f, *req.principal, app.clock->Now());
              }),
              0, "Cases in the caller's scope with filters, sorting and paging (total included)"});
  router.Add({"GET", "/api/v1/cases/alerts", kClerk | kHandler | kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return MyAlerts(db, Env(app), *req.principal, app.clock->Now());
              }),
              0, "My work's cards: how many of the caller's waiting cases show red and yellow today, over all of them"});
  router.Add({"GET", "/api/v1/cases/export", kStaff,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                ListFilter f;
                QF_RETURN_IF_ERROR(ParseListFilter(req, f));
                f.offset = 0;
                f.limit = kMaxExportRows;
                QF_ASSIGN_OR_RETURN(auto list, List(db, Env(app), f, *req.principal, app.clock->Now()));
                QF_ASSIGN_OR_RETURN(auto bytes, WriteXlsx({ExportSheet(list)}));
                Response r = Response::Attachment(std::move(bytes), kXlsx, "cases.xlsx", "案件清单.xlsx");
                r.headers.emplace_back("X-Total-Count", std::to_string(list.at("total").as_int64()));
                return r;
              }),
              0, "The current view of the case list as an XLSX workbook (same filters and sort, at most 10,000 rows)"});
  router.Add({"GET", "/api/v1/cases/{id}", kStaff,
              RecordedReadRoute(app,
                  [](const Request& req) -> absl::StatusOr<Command> {
                    QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                    return Command([id, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                      QF_RETURN_IF_ERROR(RecordCaseRead(tx, id, who));
                      return json::value();
                    });
                  },
                  [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                    QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                    return StaffView(db, Env(app), id, *req.principal, app.clock->Now());
                  }),
              0, "A case with its deadlines, messages, supervision, checklist and the actions the caller may take; "
                 "the read is recorded first (访问留痕)"});
  router.Add({"GET", "/api/v1/cases/{id}/access-log", kSupervisor,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                return AccessLogJson(db, id, *req.principal, 200);
              }),
              0, "Who read the case, opened its attachments or its reporter's identity, newest first (the discipline office)"});
  router.Add({"GET", "/api/v1/access-log", kSupervisor,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(AccessQuery q, ParseAccessQuery(req));
                return AccessLogAcross(db, q, *req.principal);
              }),
              0, "Reads of cases, their files and reporters' identities across cases, newest first, by kind, person and "
                 "days (the discipline office)"});
  router.Add({"GET", "/api/v1/cases/{id}/repeats", kStaff,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                return RepeatsView(db, Env(app), id, *req.principal);
              }),
              0, "The case's likely repeats, offered to intake staff while a merge is still possible, with why"});
  router.Add({"POST", "/api/v1/cases/{id}/transitions", kStaff,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto request, ParseTransition(body));
                return Command([env = Env(app), id, r = std::move(request), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto out, Transition(tx, env, id, r, who));
                  return json::object{{"id", out.id}, {"state", StateName(out.state)},
                                      {"state_label", StateLabel(out.state)}, {"version", out.version},
                                      {"deadlines", DeadlinesJson(out.deadlines, env, CstDay(tx.now()))}};
                });
              }),
              64 * 1024, "Take an action on a case (accept, dispatch, sign, verify, propose, reply, close, …)"});
  router.Add({"POST", "/api/v1/cases/batch-transitions", kStaff,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto batch, ParseBatch(body));
                return Command([env = Env(app), b = std::move(batch), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto outcomes, BatchTransition(tx, env, b.first, b.second, who));
                  json::array items;
                  int64_t done = 0;
                  for (const auto& o : outcomes) {
                    json::object item{{"id", o.case_id}, {"ok", o.result.ok()}};
                    if (o.result.ok()) {
                      ++done;
                      item["state"] = StateName(o.result->state);
                      item["state_label"] = StateLabel(o.result->state);
                    } else {
                      item["code"] = StableCode(o.result.status());
                      item["detail"] = std::string(o.result.status().message());
                    }
                    items.push_back(std::move(item));
                  }
                  return json::object{{"done", done}, {"failed", static_cast<int64_t>(outcomes.size()) - done}, {"items", items}};
                });
              }),
              64 * 1024, "Take one action (accept, dispatch to the routed unit, sign) on up to 100 cases; each case goes ahead or is reported with its reason"});
  router.Add({"POST", "/api/v1/cases/{id}/reporter-identity", kSupervisor,
              WriteThenRoute(app, [&app](const Request& req) { return PrepareOpenIdentity(app, req); }),
              4096, "The discipline office opens a named reporter's identity, with a reason; the act is a ledger event"});
  router.Add({"GET", "/api/v1/retaliation-alerts", kSupervisor,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return RetaliationAlerts(db, Env(app), req.Query("state").value_or("open") != "all", *req.principal);
              }),
              0, "The watch for retaliation (刑法第二百五十四条): actions against a person named like an earlier reporter "
                 "of a substantiated case, open ones first (the discipline office)"});
  router.Add({"POST", "/api/v1/retaliation-alerts/{id}/review", kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "retaliation.not_found", "预警"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto note = in.Str("note", true, 2000);
                QF_RETURN_IF_ERROR(in.Finish("retaliation.invalid"));
                return Command([id, note = *note, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  return ReviewAlert(tx, id, note, who);
                });
              }),
              8 * 1024, "The discipline office records what it found on a retaliation alert (once)"});
  router.Add({"POST", "/api/v1/cases/{id}/attachments/{sha256}", kStaff,
              WriteThenRoute(app, [&app](const Request& req) -> absl::StatusOr<Write> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                std::string hash = req.params[1];
                bool hex = hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string::npos;
                if (!hex) return NotFound("case.attachment_not_found", "附件不存在");
                auto copy = std::make_shared<Request>(req);
                return Write{[id, hash, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                               QF_ASSIGN_OR_RETURN(AttachmentRef a, OpenAttachment(tx, id, hash, who));
                               return json::object{{"name", a.name}, {"mime", a.mime}, {"sha256", a.sha256}};
                             },
                             // The opening is recorded; the bytes are read after the commit, on the downloads' pool.
                             [&app, copy](absl::StatusOr<json::value> r, Respond respond) {
                               if (!r.ok()) return respond(Response::Problem(r.status(), copy->path));
                               auto ref = std::make_shared<json::object>(r->as_object());
                               OffThread(app, *copy, std::move(respond), [&app, ref](const Request& req, const Respond& respond) {
                                 auto db = app.readers->Get();
                                 if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                                 std::string hash(ref->at("sha256").as_string()), mime(ref->at("mime").as_string());
                                 auto bytes = AttachmentBytes(**db, hash);
                                 if (!bytes.ok()) return respond(Response::Problem(bytes.status(), req.path));
                                 std::string ext = mime == "image/jpeg" ? ".jpg" : mime == "image/png" ? ".png"
                                                   : mime == "application/pdf" ? ".pdf" : ".bin";
                                 Response out = Response::Attachment(std::move(*bytes), mime, "attachment-" + hash.substr(0, 12) + ext,
                                                                     std::string(ref->at("name").as_string()));
                                 out.headers.emplace_back("Cache-Control", "private, no-store");
                                 respond(std::move(out));
                               }, app.files);
                             }};
              }),
              1024, "A file the reporter attached, for staff who may see the case; the opening is a ledger event"});
  router.Add({"POST", "/api/v1/cases/{id}/supervision-orders", kSupervisor | kLeader,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                QF_ASSIGN_OR_RETURN(auto order, ParseOrder(body, *app.policies));
                return Command([env = Env(app), id, o = std::move(order), who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto out, IssueOrder(tx, env, id, o, who));
                  return json::object{{"id", out.id}, {"level", out.level}, {"due_on", out.due_on}, {"rule", out.rule}};
                });
              }, 201),
              16 * 1024, "Issue a supervision order (督办单); repeated orders escalate"});
  router.Add({"POST", "/api/v1/supervision-orders/{id}/answer", kHandler | kSupervisor,
              WriteRoute(app, [](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, PathId(req, 0, "supervision.not_found", "督办单"));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto answer = in.Str("answer", true, 2000);
                QF_RETURN_IF_ERROR(in.Finish("supervision.param"));
                return Command([id, a = *answer, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(AnswerOrder(tx, id, a, who));
                  return json::object{{"id", id}, {"answered", true}};
                });
              }),
              16 * 1024, "Answer a supervision order"});
  router.Add({"GET", "/api/v1/supervision", kHandler | kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return SupervisionBoard(db, Env(app), *req.principal, app.clock->Now());
              }),
              0, "Yellow and red cards, supervision orders and escalation documents on open cases, and the documents due"});
  router.Add({"GET", "/api/v1/notifications", kClerk | kHandler | kSupervisor | kLeader,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                return Notifications(db, *req.principal, app.clock->Now(), 30);
              }),
              0, "The bell: cards, orders and escalation documents on the caller's cases, and cases sent back to them, last 30 days"});
  router.Add({"GET", "/api/v1/supervision/export", kHandler | kSupervisor | kLeader,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                BoardView view;
                QF_RETURN_IF_ERROR(ParseBoardView(req, view));
                QF_ASSIGN_OR_RETURN(auto board, SupervisionBoard(db, Env(app), *req.principal, app.clock->Now()));
                QF_ASSIGN_OR_RETURN(auto bytes, WriteXlsx({BoardSheet(board, view)}));
                return Response::Attachment(std::move(bytes), kXlsx, "supervision.xlsx", "督办看板.xlsx");
              }),
              0, "The supervision board as an XLSX workbook, of one kind or one handling unit as the board shows it"});
  router.Add({"POST", "/api/v1/cases/{id}/escalations", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(int64_t id, CaseId(req));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto kind = in.Enum("kind", true, {"reminder", "criticism"});
                QF_RETURN_IF_ERROR(in.Finish("supervision.param"));
                return Command([env = Env(app), id, k = *kind, who = *req.principal](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(auto e, IssueEscalation(tx, env, id, k, who));
                  return json::object{{"id", e.id}, {"kind", e.kind}, {"label", e.label}, {"deadline_kind", e.deadline_kind},
                                      {"due_on", e.due_on}, {"overdue_working_days", e.overdue_working_days}, {"text", e.text}};
                });
              }, 201),
              4096, "Issue an escalation document for an overdue case: 催办函 (reminder) or 通报批评 (criticism), once each"});
  router.Add({"POST", "/api/v1/supervision/sweep", kSupervisor,
              WriteRoute(app, [&app](const Request&) -> absl::StatusOr<Command> {
                return Command([env = Env(app)](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int n, SweepSupervision(tx, env));
                  return json::object{{"issued", n}};
                });
              }),
              1024, "Issue due yellow and red cards now (also runs every minute)"});
  router.Add({"GET", "/api/v1/import-profiles", kClerk | kSupervisor,
              ReadRoute(app, [](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                std::string kind = req.Query("kind").value_or("cases");
                if (kind != "cases") return Invalid("import.kind", "对照方案的导入类型有误", {{"kind", "目前只有 cases"}});
                QF_ASSIGN_OR_RETURN(auto all, ImportProfiles(db, kind));
                json::array items;
                for (const auto& p : all) items.push_back(json::object{{"name", p.name}, {"mapping", MappingJson(p.mapping)}});
                return json::object{{"items", items}};
              }),
              0, "The saved column mappings of an import, one per source platform"});
  router.Add({"POST", "/api/v1/import-profiles", kClerk | kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto kind = in.Enum("kind", true, {kCaseImport});
                auto name = in.Str("name", true, 50);
                const json::value* raw = in.Raw("mapping");
                if (!raw) in.Fail("mapping", "必填", "required");
                QF_RETURN_IF_ERROR(in.Finish("import.profile"));
                QF_ASSIGN_OR_RETURN(ColumnMapping m, ParseMapping(*raw, app.imports->Of(*kind), "mapping"));
                if (m.empty()) return Invalid("import.profile", "对照方案为空", {{"mapping", "至少对照一列"}});
                return Command([kind = *kind, p = ImportProfile{*name, m}](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_RETURN_IF_ERROR(SaveImportProfile(tx, kind, p));
                  return json::object{{"name", p.name}};
                });
              }),
              16 * 1024, "Save a column mapping of an import as a source platform's profile (replaces one of the same name)"});
  router.Add({"POST", "/api/v1/cases/import", kClerk | kSupervisor,
              WriteThenRoute(app, [&app](const Request& req) { return PrepareImport(app, req); }),
              kMaxImportBytes, "Import a hotline or platform export (CSV or XLSX): all or nothing unless accept_valid; dry_run reports without writing"});
}

}  // namespace qf::cases
