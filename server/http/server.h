// The HTTP/1.1 server: Beast and Asio coroutines on a pool of I/O threads, one coroutine per connection,
// keep-alive, header and body limits, idle and request timeouts, and a time-bounded graceful stop on SIGTERM
// or SIGINT (stop accepting, let requests in flight finish, then return). Beast stays inside server.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/router.h"
#include "http/client_address.h"

namespace qf {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  int workers = 2;
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration request_timeout = absl::Seconds(30);
  size_t header_limit = 16 * 1024;
  absl::Duration shutdown_grace = absl::Seconds(10);
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For names the client (http/client_address.h)
};

class HttpServer {
 public:
  HttpServer(const Router& router, ServerOptions options);
  ~HttpServer();

  // Binds and listens; returns the bound port. Unavailable when the address cannot be bound.
  absl::StatusOr<uint16_t> Listen();
  // Serves until SIGTERM/SIGINT or Stop(), then drains requests in flight (bounded by shutdown_grace).
  void Run();
  // Asks Run to stop as a signal would. Thread-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qf
