// What the public may see of a person: a name with its middle masked (张*明, 张*, 欧**华) and an ID number with
// its middle eight digits hidden (340102********1234). One rule for every public page — notices, drawn experts,
// inspection groups. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qf {

// The characters of UTF-8 text, one string each.
std::vector<std::string> Utf8Chars(std::string_view s);
std::string MaskName(std::string_view name);
// The first 6 and last 4 of an 18-character ID number; "（不公开）" for anything else.
std::string MaskIdNumber(std::string_view id);
// GB 11643-1999: 17 digits and the ISO 7064 MOD 11-2 check character.
bool ValidIdNumber(std::string_view id);
// The check character of an ID number's first 17 digits ('0'…'9' or 'X'); 0 when they are not 17 digits.
char IdCheckCharacter(std::string_view first17);

}  // namespace qf
