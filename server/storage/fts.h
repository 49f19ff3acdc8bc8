// Registers Qingfeng's text functions on a SQLite connection: the FTS5 tokenizer `qf_cjk` (common/text.h) and
// the SQL function qf_redact(text, redactions_json) that the search index's triggers use, so the index holds
// exactly what a handler may read. Every connection gets them when it opens (Db::Open).
#pragma once

#include <sqlite3.h>

#include "absl/status/status.h"

namespace qf {

absl::Status RegisterTextFunctions(sqlite3* db);

}  // namespace qf
