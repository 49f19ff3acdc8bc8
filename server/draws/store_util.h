// JSON helpers shared by the draws store files (not part of the module's interface).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status.h"
#include "common/stored_json.h"

namespace qf::draws {

inline boost::json::array IdsJson(const std::vector<int64_t>& v) { return boost::json::array(v.begin(), v.end()); }
inline absl::StatusOr<std::vector<int64_t>> IdsFrom(const std::string& text, std::string_view where) {
  QF_ASSIGN_OR_RETURN(auto v, StoredArray(text, where));
  std::vector<int64_t> out;
  for (auto& x : v)
    if (x.is_int64()) out.push_back(x.as_int64());
  return out;
}
inline boost::json::array Strs(const std::vector<std::string>& v) {
  boost::json::array a;
  for (auto& s : v) a.push_back(boost::json::string(s));
  return a;
}
inline std::vector<std::string> StrsFrom(const boost::json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (auto& x : v.as_array())
      if (x.is_string()) out.emplace_back(x.as_string());
  return out;
}

}  // namespace qf::draws
