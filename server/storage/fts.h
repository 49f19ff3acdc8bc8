// Registers Qingfeng's text functions on a SQLite connection: the FTS5 tokenizer `qf_cjk` (common/text.h), the
// FTS5 ranking function qf_rank (BM25 with the caller's document frequencies), and the SQL function
// qf_redact(text, redactions_json) that the older migrations' index backfill uses (the index is
// now written by search::IndexCase). Every connection gets them when it opens (Db::Open).
#pragma once

#include <sqlite3.h>

#include "absl/status/status.h"

namespace qf {

absl::Status RegisterTextFunctions(sqlite3* db);

}  // namespace qf
