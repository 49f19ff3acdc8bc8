// Small string helpers over std::string_view (Debian's Abseil is built with its own string_view type, so its
// string utilities do not accept std::string_view). Pure; thread-safe.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace qf {

std::vector<std::string_view> Split(std::string_view s, char sep);
// Splits into at most `max_parts` parts; the last part keeps the rest.
std::vector<std::string_view> SplitN(std::string_view s, char sep, size_t max_parts);
std::string_view Trim(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

template <typename Int>
std::optional<Int> ParseInt(std::string_view s) {
  Int v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// absl::string_view (Status messages, payloads) to std::string.
inline std::string Str(absl::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace qf

#include "fmt/format.h"

// Lets fmt and spdlog print absl::string_view (Status messages).
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  auto format(absl::string_view s, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};
