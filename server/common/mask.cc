#include "common/mask.h"

#include <algorithm>

#include "common/strings.h"

namespace qf {

std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.emplace_back(s.substr(i, std::min(n, s.size() - i)));
    i += n;
  }
  return out;
}

std::string MaskName(std::string_view name) {
  auto c = Utf8Chars(Trim(name));
  if (c.size() <= 1) return c.empty() ? "" : "*";
  if (c.size() == 2) return c[0] + "*";
  std::string out = c[0];
  for (size_t i = 1; i + 1 < c.size(); ++i) out += "*";
  return out + c.back();
}

std::string MaskIdNumber(std::string_view id) {
  id = Trim(id);
  if (id.size() != 18) return "（不公开）";
  return std::string(id.substr(0, 6)) + "********" + std::string(id.substr(14));
}

char IdCheckCharacter(std::string_view first17) {
  if (first17.size() != 17) return 0;
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return 0;
    sum += (first17[i] - '0') * kWeights[i];
  }
  return "10X98765432"[sum % 11];
}

bool ValidIdNumber(std::string_view id) {
  if (id.size() != 18) return false;
  char c = IdCheckCharacter(id.substr(0, 17));
  return c && (id[17] == 'x' ? 'X' : id[17]) == c;
}

}  // namespace qf
