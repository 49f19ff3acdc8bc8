#include "common/receipt.h"

#include <gtest/gtest.h>

#include <set>

#include "common/crypto_util.h"

namespace qf {
namespace {

TEST(Receipt, FormatAndRoundTrip) {
  ASSERT_TRUE(SodiumInit());
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string c = NewReceiptCode();
    ASSERT_EQ(c.size(), 17u);
    EXPECT_TRUE(seen.insert(c).second);
    auto parsed = ParseReceiptCode(DisplayReceiptCode(c));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c);
  }
}

TEST(Receipt, AcceptsWhatPeopleType) {
  unsigned char b[10] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x20};
  std::string c = ReceiptFromBytes(b);
  std::string lower;
  for (char ch : DisplayReceiptCode(c)) lower.push_back(static_cast<char>(std::tolower(ch)));
  EXPECT_EQ(ParseReceiptCode(lower), c);
  EXPECT_EQ(ParseReceiptCode(" " + c.substr(0, 8) + " " + c.substr(8)), c);
  std::string with_o = c;
  for (auto& ch : with_o)
    if (ch == '0') ch = 'O';
  EXPECT_EQ(ParseReceiptCode(with_o), c);
}

TEST(Receipt, EveryBits80AreUsed) {
  unsigned char zero[10] = {};
  unsigned char ones[10];
  std::fill(std::begin(ones), std::end(ones), 0xff);
  EXPECT_EQ(ReceiptFromBytes(zero).substr(0, 16), std::string(16, '0'));
  EXPECT_EQ(ReceiptFromBytes(ones).substr(0, 16), std::string(16, 'Z'));
}

TEST(Receipt, CatchesEverySingleSubstitution) {
  const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (int t = 0; t < 200; ++t) {
    std::string c = NewReceiptCode();
    for (size_t i = 0; i < c.size(); ++i) {
      for (char a : alphabet) {
        if (a == c[i]) continue;
        std::string bad = c;
        bad[i] = a;
        EXPECT_FALSE(ParseReceiptCode(bad).has_value()) << c << " -> " << bad;
      }
    }
  }
}

TEST(Receipt, CatchesAlmostEveryAdjacentSwap) {
  int swaps = 0, caught = 0;
  for (int t = 0; t < 2000; ++t) {
    std::string c = NewReceiptCode();
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      if (c[i] == c[i + 1]) continue;
      std::string bad = c;
      std::swap(bad[i], bad[i + 1]);
      ++swaps;
      if (!ParseReceiptCode(bad)) ++caught;
    }
  }
  // Luhn mod 32 misses only swaps of the pairs whose values differ by 31 ("0"<->"Z"): about 1 in 500.
  EXPECT_GT(static_cast<double>(caught) / swaps, 0.995);
}

TEST(Receipt, RejectsWrongLengthAndSymbols) {
  EXPECT_FALSE(ParseReceiptCode(""));
  EXPECT_FALSE(ParseReceiptCode("ABC"));
  EXPECT_FALSE(ParseReceiptCode(std::string(18, '1')));
  EXPECT_FALSE(ParseReceiptCode("UUUU-UUUU-UUUU-UUUUU"));
  EXPECT_FALSE(ParseReceiptCode("你好"));
}

}  // namespace
}  // namespace qf
