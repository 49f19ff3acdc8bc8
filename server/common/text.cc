#include "common/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <boost/json.hpp>

#include "common/json_input.h"

namespace qf {
namespace {

const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(err);
    return U_FAILURE(err) ? nullptr : p;
  }();
  return n;
}

enum class Kind { kCjk, kWord, kOther };

Kind KindOf(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? Kind::kWord : Kind::kOther;
  if (c >= 0x4E00 && c <= 0x9FFF) return Kind::kCjk;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(c, &err);
  if (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA || s == USCRIPT_HANGUL) return Kind::kCjk;
  return u_isalnum(c) ? Kind::kWord : Kind::kOther;
}

struct Unit {
  UChar32 c;
  int start, end;  // original byte range
};

void Append(std::string& out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  UBool err = false;
  U8_APPEND(buf, n, 4, c, err);
  if (!err) out.append(buf, static_cast<size_t>(n));
}

// Normalised code points, each with the original bytes it came from. Normalising one code point at a time keeps
// the mapping exact; ASCII and the common CJK block (already normal) skip ICU.
std::vector<Unit> Units(std::string_view text) {
  std::vector<Unit> out;
  out.reserve(text.size() / 2 + 1);
  const icu::Normalizer2* n = Nfkc();
  int32_t i = 0, len = static_cast<int32_t>(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, len, c);
    if (c < 0) continue;  // invalid UTF-8: skipped
    if (c < 0x80) {
      out.push_back({c >= 'A' && c <= 'Z' ? c + 32 : c, start, i});
    } else if ((c >= 0x4E00 && c <= 0x9FFF) || !n) {
      out.push_back({c, start, i});
    } else if (c >= 0xFF01 && c <= 0xFF5E) {
      // Full-width ASCII (Ａ１，) is what NFKC folds most often in Chinese text: done here without ICU.
      UChar32 a = c - 0xFEE0;
      out.push_back({a >= 'A' && a <= 'Z' ? a + 32 : a, start, i});
    } else if (c == 0x3000) {
      out.push_back({' ', start, i});
    } else if (n->isInert(c)) {
      out.push_back({c, start, i});  // CJK punctuation and most symbols: unchanged by NFKC case folding
    } else {
      UErrorCode err = U_ZERO_ERROR;
      icu::UnicodeString folded = n->normalize(icu::UnicodeString(c), err);
      if (U_FAILURE(err)) continue;
      for (int32_t k = 0; k < folded.length();) {
        UChar32 d = folded.char32At(k);
        out.push_back({d, start, i});
        k += U16_LENGTH(d);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<TextToken> Tokenize(std::string_view text, bool query) {
  std::vector<Unit> u = Units(text);
  std::vector<TextToken> out;
  size_t i = 0;
  while (i < u.size()) {
    Kind k = KindOf(u[i].c);
    size_t j = i;
    while (j < u.size() && KindOf(u[j].c) == k) ++j;
    if (k == Kind::kWord) {
      TextToken t;
      for (size_t x = i; x < j; ++x) Append(t.text, u[x].c);
      t.start = u[i].start;
      t.end = u[j - 1].end;
      out.push_back(std::move(t));
    } else if (k == Kind::kCjk) {
      if (j - i == 1) {
        TextToken t;
        Append(t.text, u[i].c);
        t.start = u[i].start;
        t.end = u[i].end;
        out.push_back(std::move(t));
      } else {
        for (size_t x = i; x + 1 < j; ++x) {
          TextToken t;
          Append(t.text, u[x].c);
          Append(t.text, u[x + 1].c);
          t.start = u[x].start;
          t.end = u[x + 1].end;
          out.push_back(std::move(t));
        }
        if (!query) {
          TextToken t;
          Append(t.text, u[j - 1].c);
          t.start = u[j - 1].start;
          t.end = u[j - 1].end;
          t.colocated = true;
          out.push_back(std::move(t));
        }
      }
    }
    i = j;
  }
  return out;
}

std::string NormalizeText(std::string_view text) {
  std::string out;
  for (const Unit& u : Units(text)) Append(out, u.c);
  return out;
}

namespace {

// The value of a Chinese digit (零〇一二两三四五六七八九), or -1.
int DigitOf(UChar32 c) {
  switch (c) {
    case 0x96F6: case 0x3007: return 0;                      // 零 〇
    case 0x4E00: return 1;                                    // 一
    case 0x4E8C: case 0x4E24: return 2;                       // 二 两
    case 0x4E09: return 3; case 0x56DB: return 4; case 0x4E94: return 5; case 0x516D: return 6;
    case 0x4E03: return 7; case 0x516B: return 8; case 0x4E5D: return 9;
    default: return -1;
  }
}

// The power of ten of a Chinese unit (十百千万亿), or 0.
int64_t UnitOf(UChar32 c) {
  switch (c) {
    case 0x5341: return 10; case 0x767E: return 100; case 0x5343: return 1000;
    case 0x4E07: return 10000; case 0x4EBF: return 100000000;
    default: return 0;
  }
}

// The number a run of Chinese numerals writes: digit by digit when it has no unit (二〇二六), else by units.
int64_t RunValue(const std::vector<UChar32>& run) {
  bool units = false;
  for (UChar32 c : run) units = units || UnitOf(c) != 0;
  int64_t v = 0;
  if (!units) {
    for (UChar32 c : run) v = v * 10 + DigitOf(c);
    return v;
  }
  int64_t total = 0, section = 0, digit = -1;
  for (UChar32 c : run) {
    if (int d = DigitOf(c); d >= 0) {
      digit = d;
      continue;
    }
    int64_t u = UnitOf(c);
    if (u >= 10000) {
      section += digit > 0 ? digit : 0;
      total = (total + section) * u;
      section = 0;
    } else {
      section += (digit < 0 ? 1 : digit) * u;  // 十五: a unit without a digit counts one
    }
    digit = -1;
  }
  return total + section + (digit > 0 ? digit : 0);
}

}  // namespace

std::string NormalizeNumerals(std::string_view text) {
  std::vector<Unit> u = Units(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < u.size();) {
    size_t j = i;
    while (j < u.size() && (DigitOf(u[j].c) >= 0 || UnitOf(u[j].c) != 0)) ++j;
    bool starts_with_digit = j > i && (DigitOf(u[i].c) >= 0 || u[i].c == 0x5341);  // a run may begin with 十
    if (j > i && starts_with_digit) {
      std::vector<UChar32> run;
      for (size_t x = i; x < j; ++x) run.push_back(u[x].c);
      out += std::to_string(RunValue(run));
      i = j;
    } else {
      Append(out, u[i].c);
      ++i;
    }
  }
  return out;
}

bool IsSingleCjk(std::string_view normalized) {
  std::vector<Unit> u = Units(normalized);
  return u.size() == 1 && KindOf(u[0].c) == Kind::kCjk;
}

std::string Redact(std::string text, std::string_view redactions_json) {
  if (redactions_json.empty() || redactions_json == "[]") return text;
  boost::system::error_code ec;
  auto marks = boost::json::parse(redactions_json, ec);
  if (ec || !marks.is_array()) return text;
  for (auto& m : marks.as_array()) {
    if (!m.is_string() || m.as_string().empty()) continue;
    std::string phrase(m.as_string());
    std::string block;
    for (long i = 0; i < Utf8Length(phrase); ++i) block += "\xE2\x96\xA0";
    for (size_t pos = text.find(phrase); pos != std::string::npos; pos = text.find(phrase, pos + block.size()))
      text.replace(pos, phrase.size(), block);
  }
  return text;
}

}  // namespace qf
