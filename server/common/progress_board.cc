#include "common/progress_board.h"

#include <algorithm>

namespace qf {

bool ProgressBoard::ValidToken(std::string_view token) {
  return token.size() >= 8 && token.size() <= 64 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
         });
}

void ProgressBoard::Start(const std::string& token, int64_t account, std::string phase, int total) {
  absl::Time now = absl::Now();
  std::lock_guard lock(mu_);
  Prune(now);
  Entry& e = entries_[token];
  if (e.account && e.account != account) return;  // another's token: left as it is
  e = {account, std::move(phase), 0, total, false, now};
}

void ProgressBoard::Step(const std::string& token, int done) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  it->second.done = done;
  it->second.updated = absl::Now();
}

void ProgressBoard::Finish(const std::string& token) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  it->second.finished = true;
  it->second.done = it->second.total;
  it->second.updated = absl::Now();
}

std::optional<ProgressBoard::Entry> ProgressBoard::Get(const std::string& token, int64_t account) {
  std::lock_guard lock(mu_);
  Prune(absl::Now());
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.account != account) return std::nullopt;
  return it->second;
}

void ProgressBoard::Prune(absl::Time now) {
  std::erase_if(entries_, [now](const auto& kv) {
    return now - kv.second.updated > (kv.second.finished ? absl::Minutes(1) : absl::Minutes(10));
  });
}

}  // namespace qf
