// Chinese-aware text for search and repeat detection: NFKC normalisation with case and width folding (ICU),
// then tokens — overlapping two-character grams over runs of CJK characters (so two-character words such as
// 补课 and 收费 are found; SQLite's trigram tokenizer cannot find them), the last character of each run as a
// single token at the same position (so one-character queries can match as a prefix), and ASCII/Latin words.
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qf {

struct TextToken {
  std::string text;      // normalised
  int start = 0;         // byte range in the original text
  int end = 0;
  bool colocated = false;  // same position as the token before (the single character ending a CJK run)
};

// Document mode emits the colocated single characters; query mode emits only what a phrase must match.
std::vector<TextToken> Tokenize(std::string_view text, bool query);

// NFKC with case folding: full-width letters and digits become ASCII, upper case lower case.
std::string NormalizeText(std::string_view text);

// NormalizeText, then Chinese numerals written as digits: 三百五十 → 350, 两千 → 2000, 四十五 → 45, 二〇二六 → 2026
// (so that 三百五十元 and 350元, 第四十五中学 and 45中 compare as people mean them). A lone 一 inside a word
// (统一, 一些) becomes 1 as well: compare texts that went through the same function.
std::string NormalizeNumerals(std::string_view text);

// True when the normalised text is exactly one CJK character.
bool IsSingleCjk(std::string_view normalized);

// Replaces each phrase of `redactions` (a JSON array of strings) in `text` by ■, one per character.
std::string Redact(std::string text, std::string_view redactions_json);

}  // namespace qf
