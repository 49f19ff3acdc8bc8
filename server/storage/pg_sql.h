// The one rewrite a statement written for both backends needs before PostgreSQL prepares it: SQLite's
// parameters `?N` and `?` become `$N` (a bare `?` takes the number after the largest one before it, as SQLite
// numbers them). Quoted strings, quoted identifiers and comments are copied unchanged. Everything else in the
// shared dialect is SQL both accept (docs/architecture.md, "Storage backends").
#pragma once

#include <string>
#include <string_view>

namespace qf {

struct PgStatement {
  std::string text;
  int params = 0;  // the largest parameter number
};

PgStatement ToPostgres(std::string_view sql);

}  // namespace qf
