#include "common/import_columns.h"

#include <set>
#include <toml++/toml.h>

#include "common/status.h"
#include "fmt/format.h"

namespace qf {

absl::StatusOr<ImportColumnSets> ImportColumnSets::Load(const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {  // toml++ reports a malformed file by throwing
    return absl::FailedPreconditionError(fmt::format("{}: {}", path, e.description()));
  }
  ImportColumnSets sets;
  sets.path_ = path;
  for (const auto& [key, node] : doc) {
    const toml::array* entries = node.as_array();
    std::string kind(key.str());
    if (!entries || entries->empty())
      return absl::FailedPreconditionError(fmt::format("{}: [[{}]] 应为列的数组", path, kind));
    ImportColumns columns;
    std::set<std::string> seen;
    for (const toml::node& n : *entries) {
      const toml::table* t = n.as_table();
      auto field = t ? (*t)["field"].value<std::string>() : std::nullopt;
      if (!field || field->empty() || !seen.insert(*field).second)
        return absl::FailedPreconditionError(fmt::format("{}: [[{}]] 的列缺少 field 或重复", path, kind));
      ImportColumn c{*field, {}, (*t)["required"].value_or(false), (*t)["example"].value_or(std::string())};
      if (const toml::array* names = (*t)["names"].as_array())
        for (const toml::node& name : *names)
          if (auto s = name.value<std::string>(); s && !s->empty()) c.names.push_back(*s);
      if (c.names.empty())
        return absl::FailedPreconditionError(fmt::format("{}: [[{}]] 的列 {} 至少要有一个表头名", path, kind, *field));
      columns.push_back(std::move(c));
    }
    sets.kinds_[kind] = std::move(columns);
  }
  return sets;
}

absl::StatusOr<ImportColumnSets> ImportColumnSets::LoadDir(const std::string& data_dir) {
  return Load(data_dir + "/imports/columns.toml");
}

absl::Status ImportColumnSets::Check(std::string_view kind, const std::vector<std::string_view>& fields) const {
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return absl::FailedPreconditionError(fmt::format("{}: 缺少导入 [[{}]] 的列", path_, kind));
  std::set<std::string_view> want(fields.begin(), fields.end()), have;
  for (const ImportColumn& c : it->second) have.insert(c.field);
  for (auto f : want)
    if (!have.contains(f)) return absl::FailedPreconditionError(fmt::format("{}: [[{}]] 缺少列 {}", path_, kind, f));
  for (auto f : have)
    if (!want.contains(f))
      return absl::FailedPreconditionError(fmt::format("{}: [[{}]] 的列 {} 不是导入读取的字段", path_, kind, f));
  return absl::OkStatus();
}

const ImportColumns& ImportColumnSets::Of(std::string_view kind) const {
  static const ImportColumns kNone;
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? kNone : it->second;
}

}  // namespace qf
