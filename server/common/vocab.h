// Closed vocabularies: an enum's values with the code they are stored and sent as and their Chinese label, in one
// table per enum. Parsing, codes, labels and the SQL `IN (…)` lists of a set of values all come from that table,
// so a state or a pool name is spelled once. Pure; the tables are constexpr.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace qf {

template <typename E>
struct Word {
  E value;
  const char* code;   // stored in the database and sent on the wire: [a-z_]+
  const char* label;  // shown to people
};

template <typename E, size_t N>
std::optional<E> ParseWord(const Word<E> (&words)[N], std::string_view code) {
  for (const auto& w : words)
    if (code == w.code) return w.value;
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view WordCode(const Word<E> (&words)[N], E value) {
  for (const auto& w : words)
    if (w.value == value) return w.code;
  return "";
}

template <typename E, size_t N>
std::string_view WordLabel(const Word<E> (&words)[N], E value) {
  for (const auto& w : words)
    if (w.value == value) return w.label;
  return "";
}

// "('a','b')": the codes of the values for which `keep` holds, for `col IN …` (the codes need no escaping).
template <typename E, size_t N>
std::string SqlList(const Word<E> (&words)[N], const std::function<bool(E)>& keep) {
  std::string out = "(";
  for (const auto& w : words) {
    if (!keep(w.value)) continue;
    if (out.size() > 1) out += ',';
    out += '\'';
    out += w.code;
    out += '\'';
  }
  // An empty list holds no code: ('') (no code is empty), since PostgreSQL has no empty IN list.
  return out.size() > 1 ? out + ")" : "('')";
}

template <typename E, size_t N>
std::string SqlList(const Word<E> (&words)[N], std::initializer_list<E> values) {
  return SqlList<E, N>(words, [values](E e) {
    for (E v : values)
      if (v == e) return true;
    return false;
  });
}

}  // namespace qf
