// Receipt codes for public follow-up: 80 random bits in Crockford base32 (16 symbols, no I, L, O, U) plus a
// Luhn mod 32 check symbol, shown as "7K3M-9QXD-2HRT-B8WN4". The check catches every single mistyped symbol
// and all but a few swaps of two adjacent symbols (receipt_test measures it). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qf {

// A fresh code from the system's secure random source, in canonical form (no dashes, upper case).
std::string NewReceiptCode();
// The canonical code for 10 given bytes (for tests).
std::string ReceiptFromBytes(const unsigned char bytes[10]);
// Accepts what a person types (lower case, dashes, spaces, O for 0, I/L for 1) and returns the canonical
// form, or nullopt when the length or the check symbol is wrong.
std::optional<std::string> ParseReceiptCode(std::string_view typed);
// "7K3M-9QXD-2HRT-B8WN4" from the canonical form.
std::string DisplayReceiptCode(std::string_view canonical);

}  // namespace qf
