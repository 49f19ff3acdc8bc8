#include "http/server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>
#include <pthread.h>

#include <thread>

#include "common/strings.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace qf {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct HttpServer::Impl {
  const Router& router;
  ServerOptions opts;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::atomic<uint64_t> next_id{1};

  Impl(const Router& r, ServerOptions o) : router(r), opts(std::move(o)) {}

  asio::awaitable<void> Accept() {
    while (!stopping) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
    }
  }

  static Response SimpleProblem(absl::StatusCode code, std::string_view stable, std::string_view msg,
                                const std::string& path) {
    return Response::Problem(MakeError(code, stable, msg), path);
  }

  asio::awaitable<void> Write(beast::tcp_stream& stream, const Response& resp, unsigned version, bool keep_alive,
                              bool head) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), version};
    res.set(bhttp::field::server, "qingfeng");
    res.set(bhttp::field::content_type, resp.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    bool has_cache = false;
    for (auto& [k, v] : resp.headers) {
      res.insert(k, v);
      if (EqualsIgnoreCase(k, "cache-control")) has_cache = true;
    }
    if (!has_cache) res.set(bhttp::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    std::string body = resp.json ? boost::json::serialize(*resp.json) : resp.body;
    size_t length = body.size();
    res.body() = head ? std::string() : std::move(body);
    res.prepare_payload();
    if (head) res.content_length(length);
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
    (void)n;
    if (ec) spdlog::debug("write failed: {}", ec.message());
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    const auto idle = std::chrono::milliseconds(absl::ToInt64Milliseconds(opts.idle_timeout));
    const auto req_to = std::chrono::milliseconds(absl::ToInt64Milliseconds(opts.request_timeout));
    while (!stopping) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
      // No body limit while the header is read: Beast refuses a Content-Length over its default (1 MiB) as soon as
      // the header is complete, which read as an unreadable request for every upload over 1 MiB to a route that
      // takes 16. The route's own limit is applied below, once the route is known.
      parser.body_limit(boost::none);
      stream.expires_after(idle);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
      if (ec) {
        if (ec == bhttp::error::header_limit) {
          co_await Write(stream, Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "http.header_too_large",
                                                             "请求头过大"), "/", 431), 11, false, false);
        } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                   ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                   ec != asio::error::eof) {
          co_await Write(stream, SimpleProblem(absl::StatusCode::kInvalidArgument, "http.bad_request",
                                               "无法解析的 HTTP 请求", "/"), 11, false, false);
        }
        break;
      }
      auto& hdr = parser.get();
      std::string target(hdr.target());
      auto url = boost::urls::parse_origin_form(target);
      if (!url) {
        co_await Write(stream, SimpleProblem(absl::StatusCode::kInvalidArgument, "http.bad_target",
                                             "请求地址格式错误", "/"), hdr.version(), false, false);
        break;
      }
      Request req;
      req.id = next_id++;
      {
        beast::error_code pe;
        auto peer = stream.socket().remote_endpoint(pe);
        if (!pe) req.client = peer.address().to_string();
        std::string forwarded;
        for (auto [it, end] = hdr.equal_range("X-Forwarded-For"); it != end; ++it) {
          if (!forwarded.empty()) forwarded += ',';
          forwarded += std::string(it->value());
        }
        req.client = ClientAddress(req.client, forwarded, opts.trusted_proxies);
      }
      req.method = std::string(hdr.method_string());
      req.target = target;
      req.path = url->path();
      for (auto p : url->params()) req.query.emplace_back(p.key, p.value);
      size_t limit = router.BodyLimit(req.method, req.path);
      // The declared length against the route's limit; chunked bodies are held to it while they are read.
      if (auto len = parser.content_length(); len && *len > limit) {
        co_await Write(stream, Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "http.body_too_large",
                                                           "请求内容超过大小限制"), req.path, 413),
                       hdr.version(), false, false);
        break;
      }
      parser.body_limit(limit);
      stream.expires_after(req_to);
      auto [ec2, n2] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (ec2) {
        if (ec2 == bhttp::error::body_limit) {
          co_await Write(stream, Response::Problem(MakeError(absl::StatusCode::kResourceExhausted, "http.body_too_large",
                                                             "请求内容超过大小限制"), req.path, 413),
                         hdr.version(), false, false);
        }
        break;
      }
      auto msg = parser.release();
      for (auto const& f : msg) req.headers.emplace_back(ToLower(f.name_string()), std::string(f.value()));
      req.body = std::move(msg.body());
      bool keep_alive = msg.keep_alive();
      bool head = msg.method() == bhttp::verb::head;
      unsigned version = msg.version();

      ++in_flight;
      auto start = std::chrono::steady_clock::now();
      Response resp = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
          [&](auto handler) {
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            auto once = std::make_shared<std::atomic<bool>>(false);
            auto ex = stream.get_executor();
            Respond respond = [h, once, ex](Response r) {
              if (once->exchange(true)) return;
              asio::post(ex, [h, r = std::move(r)]() mutable { std::move(*h)(std::move(r)); });
            };
            try {
              router.Dispatch(req, respond);
            } catch (const std::exception& e) {
              spdlog::error("request {} failed: {}", req.id, e.what());
              respond(Response::Problem(absl::InternalError(e.what()), req.path));
            }
          },
          asio::use_awaitable);
      keep_alive = keep_alive && !stopping;
      co_await Write(stream, resp, version, keep_alive, head);
      --in_flight;
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
      // No client address is logged: anonymous reporters must leave no trace (DESIGN.md security model).
      spdlog::debug("req={} {} {} {} {}us", req.id, req.method, req.path, resp.status, us);
      if (!keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  void BeginStop() {
    if (stopping.exchange(true)) return;
    spdlog::info("stopping: no new connections; waiting for {} requests in flight", in_flight.load());
    beast::error_code ec;
    acceptor.close(ec);
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(opts.shutdown_grace));
    auto timer = std::make_shared<asio::steady_timer>(ioc);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, timer, deadline, poll] {
      if (in_flight == 0 || std::chrono::steady_clock::now() > deadline) {
        if (in_flight != 0) spdlog::warn("shutdown grace over with {} requests in flight", in_flight.load());
        ioc.stop();
        *poll = nullptr;  // break the self-reference
        return;
      }
      timer->expires_after(std::chrono::milliseconds(20));
      timer->async_wait([poll](beast::error_code) { if (*poll) (*poll)(); });
    };
    (*poll)();
  }
};

HttpServer::HttpServer(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}
HttpServer::~HttpServer() = default;

absl::StatusOr<uint16_t> HttpServer::Listen() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) return Invalid("server.bad_host", "监听地址无效：" + impl_->opts.host);
  tcp::endpoint ep(addr, impl_->opts.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return MakeError(absl::StatusCode::kUnavailable, "server.listen",
                     "无法监听 " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) + "：" + ec.message());
  return a.local_endpoint().port();
}

void HttpServer::Run() {
  auto& im = *impl_;
  im.signals.async_wait([&im](beast::error_code ec, int sig) {
    if (!ec) spdlog::info("signal {} received", sig);
    if (!ec) im.BeginStop();
  });
  asio::co_spawn(im.ioc, im.Accept(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, im.opts.workers); ++i)
    threads.emplace_back([&im, i] {
      pthread_setname_np(pthread_self(), ("qf-io-" + std::to_string(i)).c_str());
      im.ioc.run();
    });
  im.ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  asio::post(impl_->ioc, [this] { impl_->BeginStop(); });
}

}  // namespace qf
