// For tests: the shipped import columns (data/imports/columns.toml in the source tree), loaded once.
#pragma once

#include <string>

#include "common/import_columns.h"

namespace qf {

inline const ImportColumns& ShippedColumns(std::string_view kind) {
  static const ImportColumnSets sets = *ImportColumnSets::LoadDir(std::string(QF_SOURCE_DIR) + "/data");
  return sets.Of(kind);
}

}  // namespace qf
