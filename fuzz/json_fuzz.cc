// libFuzzer target: the JSON bodies of the write endpoints — parsed, then validated as a public submission and
// as a staff registration. A rejected body must name at least one field.
#include <cstdint>
#include <string_view>

#include "cases/cases.h"
#include "common/json_input.h"
#include "common/status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto obj = qf::ParseObject(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!obj.ok()) return 0;
  for (bool staff : {false, true}) {
    auto c = qf::cases::ParseNewCase(*obj, staff);
    if (!c.ok() && qf::FieldErrors(c.status()).empty()) __builtin_trap();
  }
  return 0;
}
