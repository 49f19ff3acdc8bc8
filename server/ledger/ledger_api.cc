// Public ledger endpoints (no account needed): the checkpoint, the key, tiles and entry bundles in the C2SP
// tlog-tiles layout, inclusion and consistency proofs, a case's receipt, witness cosignatures; and the staff
// endpoints for an on-demand checkpoint and legal erasure.
#include "app/app.h"
#include "common/json_input.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "ledger/ledger.h"
#include "ledger/tiles.h"

namespace qf::ledger {
namespace {

namespace json = boost::json;

Response Text(int status, std::string body, std::string type = "text/plain; charset=utf-8") {
  Response r;
  r.status = status;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return r;
}

absl::Status Off(AppContext& app) {
  if (app.ledger) return absl::OkStatus();
  return MakeError(absl::StatusCode::kUnavailable, "ledger.off", "本实例未启用账本");
}

json::array B64s(const std::vector<Hash>& v) {
  json::array a;
  for (auto& h : v) a.push_back(json::string(ToBase64(h)));
  return a;
}

absl::StatusOr<uint64_t> U64(const Request& req, const char* name, const char* what) {
  auto v = ParseInt<uint64_t>(req.Query(name).value_or(""));
  if (!v) return Invalid("ledger.params", std::string("参数有误：") + what, {{name, "应为非负整数"}});
  return *v;
}

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/ledger/checkpoint", kPublic,
              FileRoute(app, [&app](const Request&, Db&) -> absl::StatusOr<Response> {
                QF_RETURN_IF_ERROR(Off(app));
                std::string note = app.ledger->LatestNote();
                if (note.empty()) return NotFound("ledger.no_checkpoint", "尚无签名检查点");
                auto r = Text(200, note);
                r.headers.emplace_back("Cache-Control", "no-cache");
                return r;
              }),
              0, "The latest signed checkpoint (C2SP signed note)"});
  router.Add({"GET", "/ledger/key", kPublic,
              FileRoute(app, [&app](const Request&, Db&) -> absl::StatusOr<Response> {
                QF_RETURN_IF_ERROR(Off(app));
                return Text(200, app.ledger->verifier().Encode() + "\n");
              }),
              0, "The bureau's ledger verifier key (Ed25519, Go note encoding)"});
  router.Add({"GET", "/ledger/tile/{*path}", kPublic,
              FileRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<Response> {
                QF_RETURN_IF_ERROR(Off(app));
                auto t = ParseTilePath("tile/" + req.params[0]);
                if (!t) return NotFound("ledger.bad_tile_path", "瓦片路径无效");
                auto bytes = t->level < 0 ? app.ledger->EntryBundle(db, *t) : app.ledger->TileBytes(db, *t);
                if (!bytes.ok()) return NotFound("ledger.no_tile", "瓦片不存在");
                auto r = Text(200, std::move(*bytes), "application/octet-stream");
                // A full tile never changes; a partial one grows.
                r.headers.emplace_back("Cache-Control", t->width == kTileWidth ? "public, max-age=31536000, immutable" : "no-cache");
                return r;
              }),
              0, "Tiles and entry bundles in the C2SP tlog-tiles layout"});
  router.Add({"GET", "/api/v1/ledger/proof/inclusion", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_RETURN_IF_ERROR(Off(app));
                QF_ASSIGN_OR_RETURN(uint64_t index, U64(req, "index", "叶子序号"));
                QF_ASSIGN_OR_RETURN(uint64_t size, U64(req, "size", "树的大小"));
                QF_ASSIGN_OR_RETURN(auto proof, app.ledger->Inclusion(db, index, size));
                return json::object{{"index", index}, {"size", size}, {"proof", B64s(proof)}};
              }),
              0, "Inclusion proof of leaf index in the tree of size (RFC 9162)"});
  router.Add({"GET", "/api/v1/ledger/proof/consistency", kPublic,
              ReadRoute(app, [&app](const Request& req, Db& db) -> absl::StatusOr<json::value> {
                QF_RETURN_IF_ERROR(Off(app));
                QF_ASSIGN_OR_RETURN(uint64_t from, U64(req, "from", "起始大小"));
                QF_ASSIGN_OR_RETURN(uint64_t to, U64(req, "to", "目标大小"));
                QF_ASSIGN_OR_RETURN(auto proof, app.ledger->Consistency(db, from, to));
                return json::object{{"from", from}, {"to", to}, {"proof", B64s(proof)}};
              }),
              0, "Consistency proof between two tree sizes (RFC 9162)"});
  router.Add({"POST", "/ledger/cosignature", kPublic,
              WriteThenRoute(app, [&app](const Request& req) -> absl::StatusOr<Write> {
                QF_RETURN_IF_ERROR(Off(app));
                QF_ASSIGN_OR_RETURN(uint64_t size, U64(req, "size", "检查点大小"));
                QF_ASSIGN_OR_RETURN(Command cmd, app.ledger->CosignatureCommand(size, req.body));
                return Write{std::move(cmd), [ledger = app.ledger, size, line = req.body, path = req.path](
                                                 absl::StatusOr<json::value> r, Respond respond) {
                               if (!r.ok()) return respond(Response::Problem(r.status(), path));
                               ledger->CosignatureCommitted(size, line);
                               respond(Response::Json(200, json::object{{"accepted", true}}));
                             }};
              }),
              1024, "A configured witness adds its cosignature (C2SP tlog-cosignature) to a checkpoint"});
  router.Add({"POST", "/api/v1/ledger/checkpoints", kSupervisor,
              WriteThenRoute(app, [&app](const Request& req) -> absl::StatusOr<Write> {
                QF_RETURN_IF_ERROR(Off(app));
                return Write{app.ledger->CheckpointCommand(),
                             [ledger = app.ledger, path = req.path](absl::StatusOr<json::value> r, Respond respond) {
                               if (!r.ok()) return respond(Response::Problem(r.status(), path));
                               respond(Response::Json(201, json::object{{"checkpoint", ledger->CheckpointCommitted(*r)}}));
                             }};
              }),
              1024, "Sign a checkpoint now"});
  router.Add({"POST", "/api/v1/ledger/erasures", kSupervisor,
              WriteRoute(app, [&app](const Request& req) -> absl::StatusOr<Command> {
                QF_RETURN_IF_ERROR(Off(app));
                QF_ASSIGN_OR_RETURN(auto body, ParseObject(req.body));
                JsonInput in(body);
                auto seq = in.Int("seq", true, 1, INT64_MAX);
                auto reason = in.Str("reason", true, 500);
                QF_RETURN_IF_ERROR(in.Finish());
                return Command([seq = *seq, reason = *reason](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t ev, Ledger::Erase(tx, seq, reason));
                  return json::object{{"erased", seq}, {"event", ev}};
                });
              }, 201),
              4096, "Erase an event's payload as the law requires (the leaf stays verifiable; the erasure is an event)"});
}

}  // namespace qf::ledger
