// Reads an import one row at a time — from a file (the command line's import of a platform's year of work orders)
// or from bytes in memory (an upload) — in memory bounded by a constant: CSV in 64 KiB chunks through the encoding
// converter (UTF-8 with or without BOM, GB18030/GBK, UTF-16 with BOM), XLSX's first worksheet unzipped and parsed
// (expat) as it is read; only an XLSX's shared-strings table, which the sheet indexes, is held whole. The header is
// found as people lay sheets out (title rows above it and notes under the table set aside, each a warning), and a row
// that cannot be data (ragged, text that would be read as a formula, a formula without a value) carries its problems
// instead of failing the file. ReadTable (table_file.h) is this stream read to the end. One reader at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/table_file.h"

namespace qf {

// A data row: trimmed cells as wide as the header, the file's row number, and why it cannot be read if it cannot
// (ragged {n, header n}, formula_text, formula_no_value).
struct TableRow {
  int number = 0;
  std::vector<std::string> cells;
  std::vector<FieldError> problems;
};
// A row as read, before the header is known: its cells as the file has them, and problems found reading it.
using RawRow = TableRow;

// Where a stream's rows come from: a CSV or XLSX reader (table_stream.cc).
class RawRows {
 public:
  virtual ~RawRows() = default;
  // The next row with a filled cell; false at the end; an error when the file cannot be read further.
  virtual absl::StatusOr<bool> Read(RawRow& row) = 0;
  virtual std::string encoding() const = 0;
  // Warnings met so far (formulas read by their cached value), moved out.
  virtual std::vector<FieldError> TakeWarnings() = 0;
  // How much of the input is read, of how much (bytes; for progress).
  virtual uint64_t done() const = 0;
  virtual uint64_t total() const = 0;
};

class TableStream {
 public:
  // The file at `path` (a ZIP signature means XLSX); NotFound when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<TableStream>> OpenFile(const std::string& path);
  // `content`, which must outlive the stream.
  static absl::StatusOr<std::unique_ptr<TableStream>> OpenBytes(std::string_view content);

  // The header as taken (trimmed), its row and the encoding; head().rows is empty. Mutable so that a mapping profile
  // can rename the headers before the rows are read (import_profiles.h).
  Table& head() { return head_; }
  const Table& head() const { return head_; }
  // The next data row; false at the end (once the notes under the table, if any, are set aside as warnings).
  absl::StatusOr<bool> Next(TableRow& row);
  // Warnings met so far (title rows, notes under the table, formulas read by value), moved out.
  std::vector<FieldError> TakeWarnings();
  // The encoding as far as read (a CSV's first non-ASCII byte decides between UTF-8 and GB18030).
  std::string encoding() const { return raw_->encoding(); }
  uint64_t done() const { return raw_->done(); }
  uint64_t total() const { return raw_->total(); }

 private:
  explicit TableStream(std::unique_ptr<RawRows> raw) : raw_(std::move(raw)) {}
  absl::Status FindHeader();
  absl::StatusOr<bool> Fetch(RawRow& row);
  TableRow Finish(RawRow raw) const;

  std::unique_ptr<RawRows> raw_;
  Table head_;
  std::vector<std::string> written_;  // the header as written: problems name columns by it, mapped or not
  std::deque<RawRow> ahead_;  // rows read while looking for the header, not yet returned
  std::deque<RawRow> notes_;  // note-like rows at the end so far: data if a row follows, notes if none does
  std::deque<RawRow> ready_;
  std::vector<FieldError> warnings_;
  bool notes_allowed_ = false;
  bool eof_ = false;
};

}  // namespace qf
