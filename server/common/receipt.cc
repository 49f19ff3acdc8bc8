#include "common/receipt.h"

#include "common/crypto_util.h"

namespace qf {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kDataSymbols = 16;

int ValueOf(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  for (int i = 0; i < 32; ++i)
    if (kAlphabet[i] == c) return i;
  return -1;
}

// Luhn mod N (N = 32) over the symbol values, computed from the right as the algorithm specifies.
int CheckValue(const std::string& data) {
  int factor = 2, sum = 0;
  for (int i = static_cast<int>(data.size()) - 1; i >= 0; --i) {
    int addend = factor * ValueOf(data[i]);
    factor = factor == 2 ? 1 : 2;
    addend = addend / 32 + addend % 32;
    sum += addend;
  }
  return (32 - sum % 32) % 32;
}

}  // namespace

std::string ReceiptFromBytes(const unsigned char bytes[10]) {
  std::string out;
  // 80 bits -> 16 groups of 5 bits, most significant first.
  unsigned __int128 v = 0;
  for (int i = 0; i < 10; ++i) v = (v << 8) | bytes[i];
  for (int i = kDataSymbols - 1; i >= 0; --i) out.push_back(kAlphabet[(v >> (5 * i)) & 31]);
  out.push_back(kAlphabet[CheckValue(out)]);
  return out;
}

std::string NewReceiptCode() {
  unsigned char bytes[10];
  RandomBytes(bytes, sizeof bytes);
  return ReceiptFromBytes(bytes);
}

std::optional<std::string> ParseReceiptCode(std::string_view typed) {
  std::string s;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    int v = ValueOf(c);
    if (v < 0) return std::nullopt;
    s.push_back(kAlphabet[v]);
    if (s.size() > kDataSymbols + 1) return std::nullopt;
  }
  if (s.size() != kDataSymbols + 1) return std::nullopt;
  std::string data = s.substr(0, kDataSymbols);
  if (kAlphabet[CheckValue(data)] != s.back()) return std::nullopt;
  return s;
}

std::string DisplayReceiptCode(std::string_view c) {
  if (c.size() != kDataSymbols + 1) return std::string(c);
  return std::string(c.substr(0, 4)) + "-" + std::string(c.substr(4, 4)) + "-" +
         std::string(c.substr(8, 4)) + "-" + std::string(c.substr(12, 5));
}

}  // namespace qf
