#include "http/static_files.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"

namespace qf {
namespace {

std::string TypeOf(const std::string& ext) {
  static const std::unordered_map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff", "font/woff"}, {".woff2", "font/woff2"},
      {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"}, {".webmanifest", "application/manifest+json"}};
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

// gzip at the best level (done once at start, so the cost does not matter).
std::string Gzip(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

bool Compressible(const std::string& type) {
  return type.starts_with("text/") || type.starts_with("application/json") || type == "image/svg+xml" ||
         type.starts_with("application/manifest");
}

// The page may load only its own scripts, styles and data; Element Plus sets inline style attributes.
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(root) / "index.html", ec))
    return NotFound("web.missing", "找不到网页文件：" + root + "/index.html（先运行 make web）");
  StaticFiles out;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    File f;
    f.body = buf.str();
    f.type = TypeOf(it->path().extension().string());
    f.etag = "\"" + Sha256Hex(f.body).substr(0, 32) + "\"";
    if (Compressible(f.type) && f.body.size() > 512) {
      f.gzip = Gzip(f.body);
      if (f.gzip.size() >= f.body.size()) f.gzip.clear();
    }
    std::string url = "/" + fs::relative(it->path(), root).generic_string();
    f.cache_control = url.starts_with("/assets/")   ? "public, max-age=31536000, immutable"
                      : url.starts_with("/favicon.") ? "public, max-age=86400"
                                                     : "no-cache";
    out.files_.emplace(url, std::move(f));
  }
  if (ec) return absl::InternalError("web: cannot read " + root + ": " + ec.message());
  return out;
}

void StaticFiles::Serve(const Request& req, const Respond& respond) const {
  auto it = files_.find(req.path);
  if (it == files_.end()) {
    // A path with a file extension that is not there is a missing file; anything else is a page of the app.
    // A view of the request's own path (std::string::substr would make a temporary, and the view would dangle:
    // a page's address then answered 404 at random once the freed bytes held a '.').
    std::string_view path = req.path;
    std::string_view last = path.substr(path.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos || req.path.starts_with("/assets/")) {
      Response r;
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "not found\n";
      return respond(std::move(r));
    }
    it = files_.find("/index.html");
  }
  const File& f = it->second;
  Response r;
  r.content_type = f.type;
  r.headers.emplace_back("Cache-Control", std::string(f.cache_control));
  r.headers.emplace_back("ETag", f.etag);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (f.type.starts_with("text/html")) {
    r.headers.emplace_back("Content-Security-Policy", kCsp);
    r.headers.emplace_back("X-Frame-Options", "DENY");
  }
  if (req.Header("if-none-match").value_or("") == f.etag) {
    r.status = 304;
    return respond(std::move(r));
  }
  bool gzip = !f.gzip.empty() && ToLower(req.Header("accept-encoding").value_or("")).find("gzip") != std::string::npos;
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  r.body = gzip ? f.gzip : f.body;
  respond(std::move(r));
}

}  // namespace qf
