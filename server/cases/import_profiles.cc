#include "cases/import_profiles.h"

#include <set>

#include "common/status.h"
#include "common/timefmt.h"

namespace qf::cases {
namespace {

namespace json = boost::json;

}  // namespace

absl::StatusOr<ColumnMapping> ParseMapping(const json::value& v, const ImportColumns& columns, std::string_view field) {
  auto bad = [&](std::string message) { return Invalid("import.mapping", "列对照有误", {{std::string(field), std::move(message)}}); };
  if (!v.is_object()) return bad("应为 {\"表头\": \"字段\"}");
  ColumnMapping m;
  std::set<std::string> used;
  for (const auto& [header, target] : v.as_object()) {
    if (!target.is_string()) return bad(std::string(header) + "：应为字段代码");
    std::string code(target.as_string());
    if (!code.empty()) {
      bool known = false;
      for (const auto& c : columns) known = known || c.field == code;
      if (!known) return bad(std::string(header) + "：没有这个字段 " + code);
      if (!used.insert(code).second) return bad("字段 " + code + " 只能对应一列");
    }
    m[std::string(header)] = code;
  }
  return m;
}

void ApplyMapping(Table& t, const ColumnMapping& m) {
  for (auto& h : t.header)
    if (auto it = m.find(h); it != m.end()) h = it->second;
}

std::optional<ImportProfile> Recognise(const std::vector<ImportProfile>& profiles, const std::vector<std::string>& header) {
  std::set<std::string> has(header.begin(), header.end());
  const ImportProfile* best = nullptr;
  for (const auto& p : profiles) {
    bool fits = !p.mapping.empty();
    for (const auto& [h, field] : p.mapping) fits = fits && has.contains(h);
    if (fits && (!best || p.mapping.size() > best->mapping.size())) best = &p;
  }
  if (!best) return std::nullopt;
  return *best;
}

json::object ColumnsJson(const std::vector<std::string>& header_as_written, const Table& mapped, const ImportColumns& columns) {
  json::array file;
  for (size_t i = 0; i < header_as_written.size(); ++i) {
    json::value field = nullptr;
    for (const auto& c : columns)
      if (ColumnOf(mapped, columns, c.field) == static_cast<int>(i)) field = json::string(c.field);
    file.push_back(json::object{{"header", header_as_written[i]}, {"field", field}});
  }
  json::array fields;
  for (const auto& c : columns)
    fields.push_back(json::object{{"field", c.field}, {"name", c.names.empty() ? c.field : c.names.front()}, {"required", c.required}});
  return json::object{{"columns", file}, {"fields", fields}};
}

absl::StatusOr<std::optional<std::string>> MapColumns(Db& db, std::string_view kind, Table& t,
                                                      const std::optional<ColumnMapping>& mapping,
                                                      const std::string& profile) {
  if (mapping) {
    ApplyMapping(t, *mapping);
    return std::optional<std::string>();
  }
  std::optional<ImportProfile> p;
  if (!profile.empty()) {
    QF_ASSIGN_OR_RETURN(p, ImportProfileNamed(db, kind, profile));
    if (!p) return Invalid("import.profile", "没有这个对照方案", {{"profile", profile}});
  } else {
    QF_ASSIGN_OR_RETURN(auto all, ImportProfiles(db, kind));
    p = Recognise(all, t.header);
  }
  if (!p) return std::optional<std::string>();
  ApplyMapping(t, p->mapping);
  return std::optional<std::string>(p->name);
}

json::object MappingJson(const ColumnMapping& m) {
  json::object out;
  for (const auto& [h, f] : m) out[h] = f;
  return out;
}

namespace {

// The profiles a statement selects as (name, mapping), in its order.
absl::StatusOr<std::vector<ImportProfile>> ReadProfiles(Stmt& st) {
  std::vector<ImportProfile> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value v = json::parse(st.Text(1), ec);
    ImportProfile p{st.Text(0), {}};
    if (!ec && v.is_object())
      for (const auto& [h, f] : v.as_object())
        if (f.is_string()) p.mapping[std::string(h)] = std::string(f.as_string());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ImportProfile>> ImportProfiles(Db& db, std::string_view kind) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name, mapping FROM import_profiles WHERE kind = ? ORDER BY name"));
  st.Bind(1, kind);
  return ReadProfiles(st);
}

absl::StatusOr<std::optional<ImportProfile>> ImportProfileNamed(Db& db, std::string_view kind, std::string_view name) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name, mapping FROM import_profiles WHERE kind = ? AND name = ?"));
  st.Bind(1, kind).Bind(2, name);
  QF_ASSIGN_OR_RETURN(auto found, ReadProfiles(st));
  if (found.empty()) return std::optional<ImportProfile>();
  return std::optional<ImportProfile>(std::move(found.front()));
}

absl::Status SaveImportProfile(Tx& tx, std::string_view kind, const ImportProfile& p) {
  json::object mapping = MappingJson(p.mapping);
  QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare(
      "INSERT INTO import_profiles(kind, name, mapping, saved_at, saved_by) VALUES(?,?,?,?,?) "
      "ON CONFLICT(kind, name) DO UPDATE SET mapping = excluded.mapping, saved_at = excluded.saved_at, saved_by = excluded.saved_by"));
  up.Bind(1, kind).Bind(2, p.name).Bind(3, json::serialize(mapping)).Bind(4, FormatUtc(tx.now()));
  if (int64_t by = tx.actor().AccountId()) up.Bind(5, by);
  else up.BindNull(5);
  QF_RETURN_IF_ERROR(up.Run());
  return tx.Append("import.profile_saved", "import_profile:" + std::string(kind) + ":" + p.name, {{"mapping", mapping}}).status();
}

}  // namespace qf::cases
