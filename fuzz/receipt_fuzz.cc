// libFuzzer target: the receipt-code parser. Any accepted code must round-trip through its display form.
#include <cstdint>
#include <string_view>

#include "common/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view typed(reinterpret_cast<const char*>(data), size);
  auto code = qf::ParseReceiptCode(typed);
  if (code) {
    auto again = qf::ParseReceiptCode(qf::DisplayReceiptCode(*code));
    if (!again || *again != *code) __builtin_trap();
  }
  return 0;
}
