#include "common/files.h"

#include <fstream>
#include <sstream>

#include "common/status.h"

namespace qf {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, std::string_view code, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(code, "无法读取" + std::string(what) + "：" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace qf
