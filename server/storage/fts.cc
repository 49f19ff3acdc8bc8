#include "storage/fts.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/strings.h"
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

// What qf_rank needs once per statement (FTS5 keeps it with the query): the column weights, each phrase's IDF and
// the average row length, and room for a row's phrase frequencies.
struct RankData {
  std::vector<double> weight, idf, freq;
  double average = 1.0;
};

// The statement's RankData, computed on its first row; null after an error (reported through `rc`).
RankData* RankDataOf(const Fts5ExtensionApi* api, Fts5Context* fts, int argc, sqlite3_value** argv, int& rc) {
  if (auto* data = static_cast<RankData*>(api->xGetAuxdata(fts, 0))) return data;
  auto data = std::make_unique<RankData>();
  int columns = api->xColumnCount(fts), phrases = api->xPhraseCount(fts);
  data->weight.assign(columns, 1.0);
  for (int c = 0; c < columns && c < argc; ++c)
    if (sqlite3_value_type(argv[c]) != SQLITE_NULL) data->weight[c] = sqlite3_value_double(argv[c]);
  std::vector<int64_t> df(phrases, 0);
  if (argc > columns && sqlite3_value_type(argv[columns]) == SQLITE_TEXT) {
    std::string_view list(reinterpret_cast<const char*>(sqlite3_value_text(argv[columns])),
                          sqlite3_value_bytes(argv[columns]));
    int i = 0;
    for (std::string_view part : Split(list, ',')) {
      if (i >= phrases) break;
      df[i++] = ParseInt<int64_t>(part).value_or(0);
    }
  }
  sqlite3_int64 rows = 0, total = 0;
  rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &total);
  if (rc != SQLITE_OK) return nullptr;
  data->average = rows > 0 && total > 0 ? static_cast<double>(total) / static_cast<double>(rows) : 1.0;
  for (int p = 0; p < phrases; ++p) {
    double n = static_cast<double>(df[p] > 0 ? std::min<int64_t>(df[p], rows) : 1);
    double idf = std::log((static_cast<double>(rows) - n + 0.5) / (n + 0.5));
    data->idf.push_back(idf <= 0 ? 1e-6 : idf);
  }
  data->freq.assign(phrases, 0.0);
  RankData* kept = data.get();
  rc = api->xSetAuxdata(fts, data.release(), [](void* p) { delete static_cast<RankData*>(p); });
  return rc == SQLITE_OK ? kept : nullptr;
}

// qf_rank(fts, title weight, content weight, 'df1,df2,…'): BM25 as FTS5's bm25() computes it (k1 = 1.2, b = 0.75,
// negated so that the best sorts first), except that each phrase's document frequency comes from the caller
// (search::RankedMatches estimates it) instead of being counted over the whole index on the first row — which, for
// a common word at 10^6 cases, is most of what bm25() costs. A phrase without a frequency counts as rare. Within one
// phrase the frequency only scales the score, so the order of a one-word query is bm25()'s.
void RankFn(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  constexpr double k1 = 1.2, b = 0.75;
  int rc = SQLITE_OK;
  RankData* data = RankDataOf(api, fts, argc, argv, rc);
  if (!data) return sqlite3_result_error_code(ctx, rc);
  int length = 0, hits = 0;
  rc = api->xColumnSize(fts, -1, &length);
  if (rc == SQLITE_OK) rc = api->xInstCount(fts, &hits);
  std::fill(data->freq.begin(), data->freq.end(), 0.0);
  const int phrases = static_cast<int>(data->freq.size()), columns = static_cast<int>(data->weight.size());
  for (int i = 0; rc == SQLITE_OK && i < hits; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK && phrase < phrases && column < columns) data->freq[phrase] += data->weight[column];
  }
  if (rc != SQLITE_OK) return sqlite3_result_error_code(ctx, rc);
  double norm = k1 * (1 - b + b * length / data->average);
  double score = 0;
  for (int p = 0; p < phrases; ++p) score += data->idf[p] * (data->freq[p] * (k1 + 1)) / (data->freq[p] + norm);
  sqlite3_result_double(ctx, -score);
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
  if (api->xCreateFunction(api, "qf_rank", nullptr, RankFn, nullptr) != SQLITE_OK)
    return absl::InternalError("cannot register qf_rank");
  if (sqlite3_create_function_v2(db, "qf_redact", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, RedactFn, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return absl::InternalError("cannot register qf_redact");

  return absl::OkStatus();
}

}  // namespace qf
