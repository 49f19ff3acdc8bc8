// The progress of a long request a console follows while it waits (an import checking 20,000 rows): each under a
// token the browser chose, readable only by the account that started it, forgotten a minute after it ends (or ten
// minutes after its last step). Thread-safe: the writer steps it, the I/O threads read it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace qf {

class ProgressBoard {
 public:
  struct Entry {
    int64_t account = 0;
    std::string phase;  // what the request is doing: reading, checking, importing
    int done = 0, total = 0;
    bool finished = false;
    absl::Time updated;
  };

  // Whether `token` is one a browser may choose (8–64 letters, digits and hyphens).
  static bool ValidToken(std::string_view token);
  void Start(const std::string& token, int64_t account, std::string phase, int total);
  void Step(const std::string& token, int done);
  void Finish(const std::string& token);
  // The entry of `token` if `account` started it.
  std::optional<Entry> Get(const std::string& token, int64_t account);

 private:
  void Prune(absl::Time now);
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace qf
