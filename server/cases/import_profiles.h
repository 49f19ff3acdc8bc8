// Mapping profiles of an import: for one source platform, which header of its files is which of the import's fields
// (诉求事项 → title), saved from the console's preview and recognised from the next file's header, so that a clerk
// maps a platform's export once. A mapping renames the file's headers to the fields' codes before the import reads
// them; headers it does not name are read as before (by the fields' names and synonyms). Functions taking a Tx run
// inside a writer command; the others are pure or read on the caller's connection.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "common/table_file.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::cases {

using ColumnMapping = std::map<std::string, std::string>;  // the file's header → the import's field code

struct ImportProfile {
  std::string name;
  ColumnMapping mapping;
};

// A mapping as a request gives it ({"诉求事项": "title"}): every field one of `columns`', each at most once; a field
// code "" leaves the header unread. Invalid naming `field` (the request parameter) otherwise.
absl::StatusOr<ColumnMapping> ParseMapping(const boost::json::value& v, const ImportColumns& columns, std::string_view field);
// A mapping as JSON ({"诉求事项": "title"}), as requests give it and the profiles keep it.
boost::json::object MappingJson(const ColumnMapping& m);
// Renames `t`'s headers by `m` (a mapped-to-nothing header becomes empty: not read, not listed as unknown).
void ApplyMapping(Table& t, const ColumnMapping& m);
// The profile the file's header fits: every header it maps is in the file; of several, the one mapping the most.
std::optional<ImportProfile> Recognise(const std::vector<ImportProfile>& profiles, const std::vector<std::string>& header);
// What the preview shows of the columns: each of the file's headers (as written) with the field it is read as (or
// null), and the import's fields with their headers in the template and whether each is required.
boost::json::object ColumnsJson(const std::vector<std::string>& header_as_written, const Table& mapped,
                                const ImportColumns& columns);

// Maps `t`'s headers for an import of `kind`: by `mapping` when given, else by the profile named `profile`, else by
// the saved profile its header fits (Recognise). The profile's name when one was used; Invalid (import.profile) for a
// name no profile has.
absl::StatusOr<std::optional<std::string>> MapColumns(Db& db, std::string_view kind, Table& t,
                                                      const std::optional<ColumnMapping>& mapping,
                                                      const std::string& profile);

absl::StatusOr<std::vector<ImportProfile>> ImportProfiles(Db& db, std::string_view kind);
absl::StatusOr<std::optional<ImportProfile>> ImportProfileNamed(Db& db, std::string_view kind, std::string_view name);
// Saves (or replaces) a profile; event import.profile_saved.
absl::Status SaveImportProfile(Tx& tx, std::string_view kind, const ImportProfile& p);

}  // namespace qf::cases
