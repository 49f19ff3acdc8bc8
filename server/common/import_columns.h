// The columns of every import as data (data/imports/columns.toml): for each import kind (cases, roster, units …) the
// fields its importer reads, each with the headers people and platforms write for it, whether a file must have it,
// and the template's example. Loaded once at start and held to the fields each importer declares (a field the data
// lacks or one no importer reads refuses the start); immutable afterwards, so shared freely between threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/table_file.h"

namespace qf {

class ImportColumnSets {
 public:
  // Reads the file; FailedPrecondition naming the file and the entry on a malformed one.
  static absl::StatusOr<ImportColumnSets> Load(const std::string& path);
  // Reads `data_dir`/imports/columns.toml.
  static absl::StatusOr<ImportColumnSets> LoadDir(const std::string& data_dir);

  // FailedPrecondition unless `kind` is in the file with exactly `fields` (in any order).
  absl::Status Check(std::string_view kind, const std::vector<std::string_view>& fields) const;
  // `kind`'s columns, in the file's order; an empty table for a kind the file lacks (Check refuses that at start).
  const ImportColumns& Of(std::string_view kind) const;

 private:
  std::string path_;
  std::map<std::string, ImportColumns, std::less<>> kinds_;
};

}  // namespace qf
