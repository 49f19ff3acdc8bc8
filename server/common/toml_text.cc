#include "common/toml_text.h"

#include "common/status.h"
#include "fmt/format.h"

namespace qf {

absl::StatusOr<toml::table> ParseTomlText(std::string_view text, std::string_view source, std::string_view code) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Invalid(code, fmt::format("{}：{}", source, e.description()));
  }
}

}  // namespace qf
