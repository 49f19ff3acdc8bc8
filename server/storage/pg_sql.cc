#include "storage/pg_sql.h"

#include <algorithm>

namespace qf {

PgStatement ToPostgres(std::string_view sql) {
  PgStatement out;
  out.text.reserve(sql.size() + 8);
  size_t i = 0;
  auto copy_quoted = [&](char q) {
    out.text += sql[i++];
    while (i < sql.size()) {
      char c = sql[i++];
      out.text += c;
      if (c == q) {
        if (i < sql.size() && sql[i] == q) {  // a doubled quote stays inside
          out.text += sql[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_quoted(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      ++i;
      int n = 0;
      bool numbered = false;
      while (i < sql.size() && sql[i] >= '0' && sql[i] <= '9') {
        n = n * 10 + (sql[i++] - '0');
        numbered = true;
      }
      if (!numbered) n = out.params + 1;
      out.params = std::max(out.params, n);
      out.text += '$';
      out.text += std::to_string(n);
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

}  // namespace qf
