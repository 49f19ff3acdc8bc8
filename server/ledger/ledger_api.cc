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

bool Off(AppContext& app, Request& req, Respond& respond) {
  if (app.ledger) return false;
  respond(Response::Problem(MakeError(absl::StatusCode::kUnavailable, "ledger.off", "本实例未启用账本"), req.path));
  return true;
}

json::array B64s(const std::vector<Hash>& v) {
  json::array a;
  for (auto& h : v) a.push_back(json::string(ToBase64(h)));
  return a;
}

std::optional<uint64_t> U64(Request& req, const char* name) { return ParseInt<uint64_t>(req.Query(name).value_or("")); }

}  // namespace

void RegisterRoutes(Router& router, AppContext& app) {
  router.Add({"GET", "/ledger/checkpoint", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                std::string note = app.ledger->LatestNote();
                if (note.empty()) return respond(Response::Problem(NotFound("ledger.no_checkpoint", "尚无签名检查点"), req.path));
                auto r = Text(200, note);
                r.headers.emplace_back("Cache-Control", "no-cache");
                respond(r);
              },
              0, "The latest signed checkpoint (C2SP signed note)"});
  router.Add({"GET", "/ledger/key", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                respond(Text(200, app.ledger->verifier().Encode() + "\n"));
              },
              0, "The bureau's ledger verifier key (Ed25519, Go note encoding)"});
  router.Add({"GET", "/ledger/tile/{*path}", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto t = ParseTilePath("tile/" + req.params[0]);
                if (!t) return respond(Response::Problem(NotFound("ledger.bad_tile_path", "瓦片路径无效"), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto bytes = t->level < 0 ? app.ledger->EntryBundle(**db, *t) : app.ledger->TileBytes(**db, *t);
                if (!bytes.ok()) return respond(Response::Problem(NotFound("ledger.no_tile", "瓦片不存在"), req.path));
                auto r = Text(200, std::move(*bytes), "application/octet-stream");
                // A full tile never changes; a partial one grows.
                r.headers.emplace_back("Cache-Control", t->width == kTileWidth ? "public, max-age=31536000, immutable" : "no-cache");
                respond(r);
              },
              0, "Tiles and entry bundles in the C2SP tlog-tiles layout"});
  router.Add({"GET", "/api/v1/ledger/proof/inclusion", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto index = U64(req, "index"), size = U64(req, "size");
                if (!index || !size)
                  return respond(Response::Problem(Invalid("ledger.params", "参数有误", {{"index", "整数"}, {"size", "整数"}}), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto proof = app.ledger->Inclusion(**db, *index, *size);
                if (!proof.ok()) return respond(Response::Problem(proof.status(), req.path));
                respond(Response::Json(200, json::object{{"index", *index}, {"size", *size}, {"proof", B64s(*proof)}}));
              },
              0, "Inclusion proof of leaf index in the tree of size (RFC 9162)"});
  router.Add({"GET", "/api/v1/ledger/proof/consistency", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto from = U64(req, "from"), to = U64(req, "to");
                if (!from || !to)
                  return respond(Response::Problem(Invalid("ledger.params", "参数有误", {{"from", "整数"}, {"to", "整数"}}), req.path));
                auto db = Reader(app);
                if (!db.ok()) return respond(Response::Problem(db.status(), req.path));
                auto proof = app.ledger->Consistency(**db, *from, *to);
                if (!proof.ok()) return respond(Response::Problem(proof.status(), req.path));
                respond(Response::Json(200, json::object{{"from", *from}, {"to", *to}, {"proof", B64s(*proof)}}));
              },
              0, "Consistency proof between two tree sizes (RFC 9162)"});
  router.Add({"POST", "/ledger/cosignature", kPublic,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto size = U64(req, "size");
                if (!size) return respond(Response::Problem(Invalid("ledger.params", "缺少检查点大小", {{"size", "整数"}}), req.path));
                auto s = app.ledger->AddCosignature(*app.writer, *size, req.body);
                if (!s.ok()) return respond(Response::Problem(s, req.path));
                respond(Response::Json(200, json::object{{"accepted", true}}));
              },
              1024, "A configured witness adds its cosignature (C2SP tlog-cosignature) to a checkpoint"});
  router.Add({"POST", "/api/v1/ledger/checkpoints", kSupervisor,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto note = app.ledger->CheckpointNow(*app.writer);
                if (!note.ok()) return respond(Response::Problem(note.status(), req.path));
                respond(Response::Json(201, json::object{{"checkpoint", *note}}));
              },
              1024, "Sign a checkpoint now"});
  router.Add({"POST", "/api/v1/ledger/erasures", kSupervisor,
              [&app](Request& req, Respond respond) {
                if (Off(app, req, respond)) return;
                auto body = ParseObject(req.body);
                if (!body.ok()) return respond(Response::Problem(body.status(), req.path));
                JsonInput in(*body);
                auto seq = in.Int("seq", true, 1, INT64_MAX);
                auto reason = in.Str("reason", true, 500);
                if (auto s = in.Finish(); !s.ok()) return respond(Response::Problem(s, req.path));
                SubmitWrite(app, req, [seq = *seq, reason = *reason](Tx& tx) -> absl::StatusOr<json::value> {
                  QF_ASSIGN_OR_RETURN(int64_t ev, Ledger::Erase(tx, seq, reason));
                  return json::object{{"erased", seq}, {"event", ev}};
                }, std::move(respond), 201);
              },
              4096, "Erase an event's payload as the law requires (the leaf stays verifiable; the erasure is an event)"});
}

}  // namespace qf::ledger
