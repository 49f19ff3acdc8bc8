#include "ledger/http_source.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>

#include "common/status.h"
#include "fmt/format.h"
#include "ledger/tiles.h"

namespace qf::ledger {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class HttpSource : public LogSource {
 public:
  HttpSource(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  absl::StatusOr<std::string> Get(const std::string& target) {
    beast::error_code ec;
    if (!stream_) {
      asio::ip::tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(host_, port_, ec);
      if (ec) return absl::UnavailableError(fmt::format("无法解析 {}:{}：{}", host_, port_, ec.message()));
      stream_ = std::make_unique<beast::tcp_stream>(ioc_);
      stream_->expires_after(std::chrono::seconds(30));
      stream_->connect(results, ec);
      if (ec) {
        stream_.reset();
        return absl::UnavailableError(fmt::format("无法连接 {}:{}：{}", host_, port_, ec.message()));
      }
    }
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "qingfeng-ledger-verify");
    stream_->expires_after(std::chrono::seconds(30));
    http::write(*stream_, req, ec);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(*stream_, buf, parser, ec);
    if (ec) {
      stream_.reset();
      return absl::UnavailableError(fmt::format("读取 {} 失败：{}", target, ec.message()));
    }
    auto res = parser.release();
    if (!res.keep_alive()) stream_.reset();
    if (res.result_int() == 404) return absl::NotFoundError(fmt::format("服务器没有 {}", target));
    if (res.result_int() != 200) return absl::UnavailableError(fmt::format("{} 返回 {}", target, res.result_int()));
    return std::move(res.body());
  }

  absl::StatusOr<std::string> LatestCheckpoint() override { return Get("/ledger/checkpoint"); }

  absl::StatusOr<std::string> Tile(int level, uint64_t index, int width) override {
    auto r = Get("/ledger/" + TilePath({level, index, width}));
    if (!r.ok() && r.status().code() == absl::StatusCode::kNotFound)
      return absl::DataLossError(fmt::format("服务器没有瓦片 {}（瓦片被删除或截断）", TilePath({level, index, width})));
    if (r.ok() && r->size() != static_cast<size_t>(width) * 32)
      return absl::DataLossError(fmt::format("瓦片 {} 长度为 {} 字节，应为 {}", TilePath({level, index, width}), r->size(), width * 32));
    return r;
  }

  absl::StatusOr<std::vector<std::string>> Entries(uint64_t index, int width) override {
    auto r = Get("/ledger/" + TilePath({-1, index, width}));
    if (!r.ok()) {
      if (r.status().code() == absl::StatusCode::kNotFound)
        return absl::DataLossError(fmt::format("服务器没有记录包 {}", TilePath({-1, index, width})));
      return r.status();
    }
    std::vector<std::string> out;
    size_t p = 0;
    while (p + 2 <= r->size()) {
      size_t n = (static_cast<uint8_t>((*r)[p]) << 8) | static_cast<uint8_t>((*r)[p + 1]);
      p += 2;
      if (p + n > r->size()) return absl::DataLossError("记录包被截断");
      out.push_back(r->substr(p, n));
      p += n;
    }
    return out;
  }

 private:
  std::string host_, port_;
  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LogSource>> HttpLogSource(const std::string& base) {
  auto u = boost::urls::parse_absolute_uri(base);
  if (!u || u->scheme() != "http" || u->host().empty())
    return Invalid("ledger.url", "--url 应为 http://主机:端口", {{"url", base}});
  std::string port = u->has_port() ? std::string(u->port()) : "80";
  return std::unique_ptr<LogSource>(new HttpSource(std::string(u->host()), port));
}

absl::StatusOr<std::string> HttpGet(const std::string& base, const std::string& target) {
  QF_ASSIGN_OR_RETURN(auto src, HttpLogSource(base));
  return static_cast<HttpSource*>(src.get())->Get(target);
}

}  // namespace qf::ledger
