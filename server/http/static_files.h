// Serves the built web app (web/dist) from memory: hashed assets cached for a year, index.html never cached,
// history-mode routes (/console/cases/12) answered with index.html, gzip when the client accepts it.
// Loaded once at start; Serve is thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "http/http.h"

namespace qf {

class StaticFiles {
 public:
  // Reads every file under `root` (which must hold index.html).
  static absl::StatusOr<StaticFiles> Load(const std::string& root);
  void Serve(const Request& req, const Respond& respond) const;
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string body, gzip, type, etag;
    // Content-hashed assets under /assets/ are kept for a year; the site's icon for a day (the browser asks for it
    // again at every page of the app, a round trip each); anything else, index.html first, is asked again each time.
    std::string_view cache_control;
  };
  std::unordered_map<std::string, File> files_;  // by URL path ("/assets/index-3f2a.js")
};

}  // namespace qf
