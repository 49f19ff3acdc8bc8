// libFuzzer target: HTTP request parsing as the server does it — Beast's parser with the server's limits, the
// origin-form target through Boost.URL, headers lowered — then the router's matching (with a wildcard route)
// and the parameter parsers the handlers apply. The router must answer every request exactly once.
#include <boost/beast/http.hpp>
#include <boost/url.hpp>
#include <cstdint>
#include <string_view>

#include "common/json_input.h"
#include "common/receipt.h"
#include "common/strings.h"
#include "http/router.h"
#include "ledger/tiles.h"

namespace {

qf::Router& TestRouter() {
  static qf::Router* r = [] {
    auto* router = new qf::Router();
    auto ok = [](qf::Request&, qf::Respond respond) { respond(qf::Response::Json(200, boost::json::object{})); };
    router->Add({"GET", "/api/v1/public/cases/{receipt}", qf::kPublic,
                 [](qf::Request& req, qf::Respond respond) {
                   (void)qf::ParseReceiptCode(req.params[0]);
                   respond(qf::Response::Json(200, boost::json::object{}));
                 }});
    router->Add({"POST", "/api/v1/public/cases/{receipt}/{action}", qf::kPublic,
                 [](qf::Request& req, qf::Respond respond) {
                   (void)qf::ParseObject(req.body);
                   respond(qf::Response::Json(200, boost::json::object{}));
                 }});
    router->Add({"GET", "/ledger/tile/{*path}", qf::kPublic,
                 [](qf::Request& req, qf::Respond respond) {
                   (void)qf::ledger::ParseTilePath("tile/" + req.params[0]);
                   respond(qf::Response::Json(200, boost::json::object{}));
                 }});
    router->Add({"GET", "/api/v1/cases", qf::kAnyStaff, ok});
    return router;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  auto& msg = parser.get();
  std::string target(msg.target());
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return 0;
  qf::Request req;
  req.method = std::string(msg.method_string());
  req.target = target;
  req.path = url->path();
  for (auto p : url->params()) req.query.emplace_back(p.key, p.value);
  for (auto const& f : msg) req.headers.emplace_back(qf::ToLower(f.name_string()), std::string(f.value()));
  req.body = msg.body();
  int answers = 0;
  TestRouter().Dispatch(req, [&answers](qf::Response) { ++answers; });
  if (answers != 1) __builtin_trap();
  return 0;
}
