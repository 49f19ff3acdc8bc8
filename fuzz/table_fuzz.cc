// libFuzzer target: CSV and XLSX import reading. Whatever is accepted has rows exactly as wide as the header,
// with a row number for each.
#include <cstdint>
#include <string_view>

#include "common/table_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto t = qf::ReadTable(std::string_view(reinterpret_cast<const char*>(data), size));
  if (t.ok()) {
    if (t->rows.size() != t->row_numbers.size()) __builtin_trap();
    for (const auto& r : t->rows)
      if (r.size() != t->header.size()) __builtin_trap();
  }
  return 0;
}
