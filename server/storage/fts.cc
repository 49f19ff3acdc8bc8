#include "storage/fts.h"

#include <string>

#include "common/status.h"
#include "common/text.h"

namespace qf {
namespace {

struct Tokenizer {};

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

int Tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  for (const TextToken& t : qf::Tokenize(std::string_view(text, static_cast<size_t>(n)), query)) {
    int rc = token(ctx, t.colocated ? FTS5_TOKEN_COLOCATED : 0, t.text.data(), static_cast<int>(t.text.size()),
                   t.start, t.end);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

void RedactFn(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string text(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])), sqlite3_value_bytes(argv[0]));
  std::string marks = argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL
                          ? std::string(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])), sqlite3_value_bytes(argv[1]))
                          : std::string();
  std::string out = Redact(std::move(text), marks);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace

absl::Status RegisterTextFunctions(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK)
    return absl::InternalError("this SQLite has no FTS5");
  sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  if (!api || api->iVersion < 2) return absl::InternalError("this SQLite's FTS5 API is too old");
  fts5_tokenizer tok{Create, Delete, Tokenize};
  if (api->xCreateTokenizer(api, "qf_cjk", nullptr, &tok, nullptr) != SQLITE_OK)
    return absl::InternalError("cannot register the qf_cjk tokenizer");
  if (sqlite3_create_function_v2(db, "qf_redact", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, RedactFn, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return absl::InternalError("cannot register qf_redact");

  return absl::OkStatus();
}

}  // namespace qf
