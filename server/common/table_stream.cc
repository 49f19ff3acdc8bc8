#include "common/table_stream.h"

#include <expat.h>
#include <iconv.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/json_input.h"
#include "common/strings.h"
#include "fmt/format.h"

namespace qf {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxRowBytes = 1 << 20;                  // one row of a sheet; more is not a row people wrote
constexpr uint64_t kMaxSharedStrings = 64ull << 20;       // the one part of an XLSX held whole
constexpr uint64_t kMaxSheetBytes = 4ull << 30;           // unzipped; a zip bomb is not a worksheet

absl::Status TooLong(int row) {
  return MakeError(absl::StatusCode::kInvalidArgument, "import.too_large", fmt::format("第{}行过长（超过 1 MiB）", row),
                   {AtRow(row, "code", {"import.too_large"}, "该行过长")});
}

bool LooksLikeFormula(std::string_view cell) {
  if (cell.empty()) return false;
  char c = cell[0];
  if (c == '=' || c == '+' || c == '@' || c == '\t' || c == '\r') return true;
  // "-3" is a number; "-cmd|..." is a formula.
  if (c == '-' && cell.size() > 1 && !(cell[1] >= '0' && cell[1] <= '9') && cell[1] != '.') return true;
  return false;
}

int Filled(const std::vector<std::string>& cells) {
  return static_cast<int>(std::count_if(cells.begin(), cells.end(), [](const std::string& c) { return !Trim(c).empty(); }));
}

// A row under the table that is a note, not data: one cell, saying what notes say (备注, 制表人, 合计 …) or long
// enough to be a sentence.
bool IsNote(const std::vector<std::string>& cells) {
  if (Filled(cells) != 1) return false;
  std::string_view text;
  for (const auto& c : cells)
    if (!Trim(c).empty()) text = Trim(c);
  static constexpr std::string_view kOpeners[] = {"备注", "注：", "注:", "说明", "制表", "填表", "审核", "负责人",
                                                  "合计", "总计", "数据来源", "导出", "打印", "联系人", "单位（盖章）"};
  for (auto o : kOpeners)
    if (text.starts_with(o)) return true;
  return Utf8Length(text) >= 20;
}

// A file's bytes in chunks: read from disk, or from a buffer the caller holds.
class Bytes {
 public:
  explicit Bytes(std::string_view buffer) : buffer_(buffer), total_(buffer.size()) {}
  Bytes(FILE* f, uint64_t size) : file_(f), total_(size) {}
  ~Bytes() {
    if (file_) std::fclose(file_);
  }
  // The next chunk; empty at the end; DataLoss on a read error.
  absl::StatusOr<std::string_view> Next() {
    if (!file_) {
      std::string_view out = buffer_.substr(done_, kChunk);
      done_ += out.size();
      return out;
    }
    chunk_.resize(kChunk);
    size_t n = std::fread(chunk_.data(), 1, kChunk, file_);
    if (n == 0 && std::ferror(file_)) return absl::DataLossError("读取文件出错");
    chunk_.resize(n);
    done_ += n;
    return std::string_view(chunk_);
  }
  uint64_t done() const { return done_; }
  uint64_t total() const { return total_; }

 private:
  std::string_view buffer_;
  FILE* file_ = nullptr;
  std::string chunk_;
  uint64_t done_ = 0, total_ = 0;
};

// The length of `s` without a UTF-8 sequence cut off at its end.
size_t CompleteUtf8(std::string_view s) {
  size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char b = static_cast<unsigned char>(s[n - back]);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: look further back for the lead
    size_t want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return want > back ? n - back : n;
  }
  return n;
}

// CSV (RFC 4180; comma- or tab-separated) decoded to UTF-8 a chunk at a time.
class CsvRows : public RawRows {
 public:
  explicit CsvRows(std::unique_ptr<Bytes> in) : in_(std::move(in)) {}
  ~CsvRows() override {
    if (cd_ != reinterpret_cast<iconv_t>(-1)) iconv_close(cd_);
  }

  absl::StatusOr<bool> Read(RawRow& out) override {
    if (!delimiter_) {
      // Tab-separated when the first line has tabs and no more commas (Excel's "Unicode text", platform exports).
      while (!eof_ && text_.find('\n') == std::string::npos && text_.size() < kMaxRowBytes) QF_RETURN_IF_ERROR(Decode());
      std::string_view first = std::string_view(text_).substr(0, text_.find('\n'));
      auto tabs = std::count(first.begin(), first.end(), '\t'), commas = std::count(first.begin(), first.end(), ',');
      delimiter_ = tabs > 0 && tabs >= commas ? '\t' : ',';
    }
    while (true) {
      while (pos_ < text_.size()) {
        char c = text_[pos_++];
        if (++row_bytes_ > kMaxRowBytes) return TooLong(row_start_);
        if (in_quotes_) {
          if (quote_seen_) {
            quote_seen_ = false;
            if (c == '"') {
              cell_.push_back('"');
              continue;
            }
            in_quotes_ = false;  // the quote closed the cell; this character is read as outside it
          } else if (c == '"') {
            quote_seen_ = true;
            continue;
          } else {
            if (c == '\n') ++line_;
            cell_.push_back(c);
            continue;
          }
        }
        if (c == '"' && cell_.empty()) {
          in_quotes_ = true;
        } else if (c == delimiter_) {
          row_.push_back(std::move(cell_));
          cell_.clear();
        } else if (c == '\n') {
          if (!cell_.empty() && cell_.back() == '\r') cell_.pop_back();
          bool got = EndRow(out);
          ++line_;
          row_start_ = line_;
          if (got) return true;
        } else {
          cell_.push_back(c);
        }
      }
      text_.clear();
      pos_ = 0;
      if (eof_) {
        if (quote_seen_) in_quotes_ = quote_seen_ = false;
        if (in_quotes_)
          return Invalid("import.csv_quote", "CSV 引号不配对", {AtRow(row_start_, "quote_open", {}, "引号未闭合")});
        if (cell_.empty() && row_.empty()) return false;
        return EndRow(out);
      }
      QF_RETURN_IF_ERROR(Decode());
    }
  }

  std::string encoding() const override { return encoding_; }
  std::vector<FieldError> TakeWarnings() override { return {}; }
  uint64_t done() const override { return in_->done(); }
  uint64_t total() const override { return in_->total(); }

 private:
  enum class Mode { kUndecided, kUtf8, kConvert };

  bool EndRow(RawRow& out) {
    row_.push_back(std::move(cell_));
    cell_.clear();
    row_bytes_ = 0;
    bool filled = Filled(row_) > 0;
    if (filled) out = {row_start_, std::move(row_), {}};
    row_.clear();
    return filled;
  }

  void Append(const char* p, size_t n) {
    text_.append(p, n);
    newlines_ += std::count(p, p + n, '\n');
  }

  // The bad bytes follow everything decoded so far and `lines_before` more newlines of the chunk.
  absl::Status BadBytes(uint64_t lines_before) {
    int line = static_cast<int>(newlines_ + lines_before) + 1;
    return Invalid("import.encoding",
                   "文件编码无法识别（不是 UTF-8、GBK/GB18030 或带标记的 UTF-16）。请在 Excel 中“另存为 CSV UTF-8”后重新导入",
                   {AtRow(line, "bad_bytes", {}, "含有无法识别的字节")});
  }

  absl::Status StartConverting(const char* from, std::string name) {
    cd_ = iconv_open("UTF-8", from);
    if (cd_ == reinterpret_cast<iconv_t>(-1)) return absl::InternalError(std::string("iconv: ") + from);
    mode_ = Mode::kConvert;
    encoding_ = std::move(name);
    return absl::OkStatus();
  }

  // Decodes the next chunk onto text_ (a sequence cut by the chunk's end waits for the next).
  absl::Status Decode() {
    QF_ASSIGN_OR_RETURN(std::string_view chunk, in_->Next());
    if (chunk.empty()) {
      eof_ = true;
      if (!pending_.empty()) return BadBytes(0);
      return absl::OkStatus();
    }
    std::string data = std::move(pending_);
    pending_.clear();
    data.append(chunk);
    std::string_view rest = data;
    if (first_) {
      first_ = false;
      if (rest.starts_with("\xEF\xBB\xBF")) {
        rest.remove_prefix(3);
        mode_ = Mode::kUtf8;
        encoding_ = "UTF-8 (BOM)";
      } else if (rest.starts_with("\xFF\xFE") || rest.starts_with("\xFE\xFF")) {
        bool le = rest[0] == '\xFF';
        rest.remove_prefix(2);
        QF_RETURN_IF_ERROR(StartConverting(le ? "UTF-16LE" : "UTF-16BE", le ? "UTF-16LE" : "UTF-16BE"));
      }
    }
    if (mode_ == Mode::kUndecided) {
      // ASCII reads the same in every encoding we take; the first other byte decides: UTF-8 if the chunk is, else
      // GB18030 (Excel's CSV in a Chinese locale is GBK, which GB18030 covers).
      if (std::all_of(rest.begin(), rest.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        Append(rest.data(), rest.size());
        return absl::OkStatus();
      }
      if (Utf8Length(rest.substr(0, CompleteUtf8(rest))) >= 0) mode_ = Mode::kUtf8;
      else QF_RETURN_IF_ERROR(StartConverting("GB18030", "GB18030"));
    }
    if (mode_ == Mode::kUtf8) {
      size_t n = CompleteUtf8(rest);
      if (Utf8Length(rest.substr(0, n)) < 0) {
        size_t start = 0;  // name the first line with a bad byte
        for (size_t i = 0; i <= n; ++i)
          if (i == n || rest[i] == '\n') {
            if (Utf8Length(rest.substr(start, i - start)) < 0) break;
            start = i + 1;
          }
        start = std::min(start, n);
        return BadBytes(static_cast<uint64_t>(std::count(rest.begin(), rest.begin() + static_cast<long>(start), '\n')));
      }
      Append(rest.data(), n);
      pending_ = std::string(rest.substr(n));
      return absl::OkStatus();
    }
    char* ip = const_cast<char*>(rest.data());
    size_t il = rest.size();
    char buf[kChunk];
    while (il > 0) {
      char* op = buf;
      size_t ol = sizeof buf;
      size_t r = iconv(cd_, &ip, &il, &op, &ol);
      int error = r == static_cast<size_t>(-1) ? errno : 0;  // before Append, which may allocate and set errno
      Append(buf, static_cast<size_t>(op - buf));
      if (error == 0 || error == E2BIG) continue;
      if (error == EINVAL) {  // cut off by the chunk's end
        pending_.assign(ip, il);
        break;
      }
      return BadBytes(0);  // what came before the bad bytes is decoded (and counted) already
    }
    return absl::OkStatus();
  }

  std::unique_ptr<Bytes> in_;
  Mode mode_ = Mode::kUndecided;
  iconv_t cd_ = reinterpret_cast<iconv_t>(-1);
  std::string encoding_ = "UTF-8";
  bool first_ = true, eof_ = false;
  std::string pending_;  // bytes of a character cut by a chunk's end
  std::string text_;     // decoded, not yet parsed from pos_
  size_t pos_ = 0;
  uint64_t newlines_ = 0;
  char delimiter_ = 0;
  bool in_quotes_ = false, quote_seen_ = false;
  std::string cell_;
  std::vector<std::string> row_;
  size_t row_bytes_ = 0;
  int line_ = 1, row_start_ = 1;
};

// "AB12" -> column index 27.
int ColumnOfRef(std::string_view ref) {
  int col = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
  }
  return col - 1;
}

// A formula cell's problem, named by its cell reference ("第5行 单元格C5"; the header is not known yet).
FieldError Formula(int row, const std::string& ref, std::string rule, std::vector<std::string> args, std::string message) {
  return {fmt::format("第{}行 单元格{}", row, ref), std::move(message), std::move(rule), std::move(args), row, ref};
}

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attribute(const XML_Char** attrs, std::string_view want) {
  for (size_t i = 0; attrs[i]; i += 2)
    if (LocalName(attrs[i]) == want) return attrs[i + 1];
  return nullptr;
}

// An entry of the XLSX's zip read in chunks through an expat parser whose handlers are `Handler`'s.
template <typename Handler>
class ZipXml {
 public:
  ZipXml(zip_file_t* f, Handler* h) : file_(f), parser_(XML_ParserCreate("UTF-8")) {
    XML_SetUserData(parser_, h);
    XML_SetElementHandler(
        parser_, [](void* u, const XML_Char* n, const XML_Char** a) { static_cast<Handler*>(u)->Start(LocalName(n), a); },
        [](void* u, const XML_Char* n) { static_cast<Handler*>(u)->End(LocalName(n)); });
    XML_SetCharacterDataHandler(parser_, [](void* u, const XML_Char* s, int len) {
      static_cast<Handler*>(u)->Text(std::string_view(s, static_cast<size_t>(len)));
    });
  }
  ~ZipXml() {
    XML_ParserFree(parser_);
    zip_fclose(file_);
  }
  // Parses the next chunk; false once the entry is parsed to its end.
  absl::StatusOr<bool> Feed(std::string_view what, uint64_t limit) {
    if (finished_) return false;
    char buf[kChunk];
    zip_int64_t n = zip_fread(file_, buf, sizeof buf);
    if (n < 0) return Invalid("import.xlsx", "无法读取 XLSX 文件（压缩包损坏）", {{"file", "不是有效的 XLSX"}});
    read_ += static_cast<uint64_t>(n);
    if (read_ > limit) return Invalid("import.xlsx", "XLSX 内容过大", {{"file", std::string(what) + " 解压后过大"}});
    finished_ = n == 0;
    if (XML_Parse(parser_, buf, static_cast<int>(n), finished_) == XML_STATUS_ERROR)
      return Invalid("import.xlsx", "XLSX 工作表损坏", {{"file", std::string(what) + " 无法解析"}});
    return !finished_;
  }
  uint64_t read() const { return read_; }

 private:
  zip_file_t* file_;
  XML_Parser parser_;
  uint64_t read_ = 0;
  bool finished_ = false;
};

// xl/sharedStrings.xml: the texts the sheet's cells index (rich-text runs joined; phonetic guides left out).
struct SharedStrings {
  std::vector<std::string> strings;
  bool in_si = false, in_t = false;
  int in_phonetic = 0;
  uint64_t bytes = 0;
  void Start(std::string_view n, const XML_Char**) {
    if (n == "si") {
      strings.emplace_back();
      in_si = true;
    } else if (n == "rPh") {
      ++in_phonetic;
    } else if (n == "t") {
      in_t = in_si && in_phonetic == 0;
    }
  }
  void End(std::string_view n) {
    if (n == "si") in_si = false;
    else if (n == "rPh") --in_phonetic;
    else if (n == "t") in_t = false;
  }
  void Text(std::string_view s) {
    if (in_t) strings.back().append(s);
  }
};

// The first worksheet's rows as its XML is parsed.
class XlsxRows : public RawRows {
 public:
  XlsxRows(zip_t* z, std::vector<std::string> strings, zip_file_t* sheet, uint64_t sheet_size)
      : zip_(z), strings_(std::move(strings)), size_(sheet_size) {
    xml_ = std::make_unique<ZipXml<XlsxRows>>(sheet, this);
  }
  ~XlsxRows() override {
    xml_.reset();
    zip_discard(zip_);
  }

  absl::StatusOr<bool> Read(RawRow& out) override {
    while (rows_.empty()) {
      QF_ASSIGN_OR_RETURN(bool more, xml_->Feed("sheet1.xml", kMaxSheetBytes));
      if (!error_.ok()) return error_;
      if (!more && rows_.empty()) return false;
    }
    out = std::move(rows_.front());
    rows_.pop_front();
    return true;
  }
  std::string encoding() const override { return "XLSX"; }
  std::vector<FieldError> TakeWarnings() override { return std::exchange(warnings_, {}); }
  uint64_t done() const override { return xml_->read(); }
  uint64_t total() const override { return size_; }

  void Start(std::string_view n, const XML_Char** attrs) {
    if (n == "row") {
      const char* r = Attribute(attrs, "r");
      row_number_ = r ? std::atoi(r) : row_number_ + 1;
      cells_.clear();
      problems_.clear();
      row_bytes_ = 0;
    } else if (n == "c") {
      const char* r = Attribute(attrs, "r");
      const char* t = Attribute(attrs, "t");
      ref_ = r ? r : "";
      type_ = t ? t : "";
      col_ = ref_.empty() ? static_cast<int>(cells_.size()) : ColumnOfRef(ref_);
      in_cell_ = true;
      has_f_ = has_v_ = false;
      f_.clear();
      v_.clear();
      inline_.clear();
    } else if (in_cell_ && n == "v") {
      has_v_ = true;
      capture_ = &v_;
    } else if (in_cell_ && n == "f") {
      has_f_ = true;
      capture_ = &f_;
    } else if (in_cell_ && n == "t") {
      capture_ = &inline_;
    }
  }

  void End(std::string_view n) {
    if (n == "v" || n == "f" || n == "t") {
      capture_ = nullptr;
    } else if (n == "c") {
      in_cell_ = false;
      Cell();
    } else if (n == "row") {
      if (Filled(cells_) > 0 || !problems_.empty()) rows_.push_back({row_number_, std::move(cells_), std::move(problems_)});
      cells_.clear();
      problems_.clear();
    }
  }

  void Text(std::string_view s) {
    if (!capture_) return;
    row_bytes_ += s.size();
    if (row_bytes_ > kMaxRowBytes) {
      if (error_.ok()) error_ = TooLong(row_number_);
      return;
    }
    capture_->append(s);
  }

 private:
  void Cell() {
    if (col_ < 0 || col_ > 200) return;
    if (static_cast<int>(cells_.size()) <= col_) cells_.resize(col_ + 1);
    if (has_f_) {
      // A formula: its value as Excel last computed it, with a warning; without one (or an error), refused.
      if (!has_v_ || type_ == "e") {
        problems_.push_back(Formula(row_number_, ref_, "formula_no_value", {}, "公式没有计算结果，已拒绝（请粘贴为数值后重新导入）"));
        return;
      }
      warnings_.push_back(Formula(row_number_, ref_, "formula_value", {f_, v_}, fmt::format("公式 ={}，已取其计算结果 {}", f_, v_)));
    }
    if (type_ == "s") {
      size_t idx = static_cast<size_t>(std::atoll(v_.c_str()));
      cells_[col_] = idx < strings_.size() ? strings_[idx] : "";
    } else if (type_ == "inlineStr") {
      cells_[col_] = inline_;
    } else {
      cells_[col_] = v_;
    }
  }

  zip_t* zip_;
  std::vector<std::string> strings_;
  uint64_t size_;
  std::unique_ptr<ZipXml<XlsxRows>> xml_;
  absl::Status error_;
  std::deque<RawRow> rows_;
  std::vector<FieldError> warnings_;
  int row_number_ = 0, col_ = 0;
  std::vector<std::string> cells_;
  std::vector<FieldError> problems_;
  size_t row_bytes_ = 0;
  bool in_cell_ = false, has_f_ = false, has_v_ = false;
  std::string ref_, type_, f_, v_, inline_;
  std::string* capture_ = nullptr;
};

absl::StatusOr<std::unique_ptr<RawRows>> OpenXlsx(zip_t* z) {
  auto broken = [&](std::string detail) {
    zip_discard(z);
    return Invalid("import.xlsx", "XLSX 中找不到第一个工作表", {{"file", std::move(detail)}});
  };
  std::vector<std::string> strings;
  if (zip_file_t* f = zip_fopen(z, "xl/sharedStrings.xml", 0)) {
    SharedStrings shared;
    ZipXml<SharedStrings> xml(f, &shared);
    while (true) {
      auto more = xml.Feed("sharedStrings.xml", kMaxSharedStrings);
      if (!more.ok()) {
        zip_discard(z);
        return more.status();
      }
      if (!*more) break;
    }
    strings = std::move(shared.strings);
  }
  zip_stat_t st;
  if (zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st) != 0) return broken("缺少 sheet1");
  zip_file_t* sheet = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
  if (!sheet) return broken("缺少 sheet1");
  return std::unique_ptr<RawRows>(new XlsxRows(z, std::move(strings), sheet, st.size));
}

absl::Status ZipBroken() { return Invalid("import.xlsx", "无法读取 XLSX 文件（压缩包损坏）", {{"file", "不是有效的 XLSX"}}); }

}  // namespace

absl::StatusOr<std::unique_ptr<TableStream>> TableStream::OpenBytes(std::string_view content) {
  std::unique_ptr<RawRows> raw;
  if (content.size() >= 4 && content.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(content.data(), content.size(), 0, &err);
    if (!src) return Invalid("import.xlsx", "无法读取 XLSX 文件", {{"file", "不是有效的 XLSX"}});
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (!z) {
      zip_source_free(src);
      return ZipBroken();
    }
    QF_ASSIGN_OR_RETURN(raw, OpenXlsx(z));
  } else {
    raw = std::make_unique<CsvRows>(std::make_unique<Bytes>(content));
  }
  std::unique_ptr<TableStream> s(new TableStream(std::move(raw)));
  QF_RETURN_IF_ERROR(s->FindHeader());
  return s;
}

absl::StatusOr<std::unique_ptr<TableStream>> TableStream::OpenFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return NotFound("import.file", "无法读取文件：" + path);
  char magic[4] = {};
  size_t n = std::fread(magic, 1, 4, f);
  std::fseek(f, 0, SEEK_END);
  uint64_t size = static_cast<uint64_t>(std::ftell(f));
  std::fseek(f, 0, SEEK_SET);
  std::unique_ptr<RawRows> raw;
  if (n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) {
    std::fclose(f);
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &error);
    if (!z) return ZipBroken();
    QF_ASSIGN_OR_RETURN(raw, OpenXlsx(z));
  } else {
    raw = std::make_unique<CsvRows>(std::make_unique<Bytes>(f, size));
  }
  std::unique_ptr<TableStream> s(new TableStream(std::move(raw)));
  QF_RETURN_IF_ERROR(s->FindHeader());
  return s;
}

// The header is the first row (of the first 20) filled at least three fifths as wide as the widest: a title row
// above it (one merged cell, a date line) is set aside. Under the table, trailing note rows (IsNote) are set aside
// when the table has three columns or more (Next). Every row set aside is a warning naming it.
absl::Status TableStream::FindHeader() {
  head_.encoding = raw_->encoding();
  std::vector<RawRow> look;
  while (look.size() < 20) {
    RawRow r;
    QF_ASSIGN_OR_RETURN(bool got, raw_->Read(r));
    if (!got) break;
    look.push_back(std::move(r));
  }
  head_.encoding = raw_->encoding();  // known once the first rows are decoded
  if (look.empty()) return Invalid("import.empty", "文件没有表头行", {AtRow(1, "header_missing", {}, "缺少表头")});
  int widest = 0;
  for (const auto& r : look) widest = std::max(widest, Filled(r.cells));
  int want = widest <= 1 ? 1 : std::max(2, (widest * 3 + 4) / 5);
  size_t h = 0;
  while (h < look.size() && Filled(look[h].cells) < want) ++h;
  if (h == look.size()) h = 0;
  for (size_t i = 0; i < h; ++i) warnings_.push_back(AtRow(look[i].number, "title_row", {}, "表头上方的标题行，未导入"));
  for (const auto& cell : look[h].cells) head_.header.push_back(std::string(Trim(cell)));
  head_.header_row = look[h].number;
  written_ = head_.header;
  notes_allowed_ = Filled(head_.header) >= 3;
  for (size_t i = h + 1; i < look.size(); ++i) ahead_.push_back(std::move(look[i]));
  return absl::OkStatus();
}

absl::StatusOr<bool> TableStream::Fetch(RawRow& row) {
  if (ahead_.empty()) return raw_->Read(row);
  row = std::move(ahead_.front());
  ahead_.pop_front();
  return true;
}

absl::StatusOr<bool> TableStream::Next(TableRow& row) {
  while (true) {
    if (!ready_.empty()) {
      row = Finish(std::move(ready_.front()));
      ready_.pop_front();
      return true;
    }
    if (eof_) return false;
    RawRow r;
    QF_ASSIGN_OR_RETURN(bool got, Fetch(r));
    if (!got) {
      eof_ = true;
      for (const auto& n : notes_) warnings_.push_back(AtRow(n.number, "note_row", {}, "表格下方的说明，未导入"));
      notes_.clear();
      continue;
    }
    // A note-like row is held until a row follows it (then it was data) or the file ends (then it is a note); a long
    // run of them is data.
    if (notes_allowed_ && r.problems.empty() && IsNote(r.cells) && notes_.size() < 1000) {
      notes_.push_back(std::move(r));
      continue;
    }
    for (auto& n : notes_) ready_.push_back(std::move(n));
    notes_.clear();
    ready_.push_back(std::move(r));
  }
}

TableRow TableStream::Finish(RawRow raw) const {
  TableRow out{raw.number, std::move(raw.cells), std::move(raw.problems)};
  size_t width = written_.size();
  if (out.cells.size() > width &&
      std::any_of(out.cells.begin() + static_cast<long>(width), out.cells.end(), [](const std::string& c) { return !Trim(c).empty(); }))
    out.problems.push_back(AtRow(out.number, "ragged", {std::to_string(out.cells.size()), std::to_string(width)},
                                 fmt::format("有 {} 列，表头只有 {} 列", out.cells.size(), width)));
  out.cells.resize(width);
  for (size_t c = 0; c < width; ++c) {
    out.cells[c] = std::string(Trim(out.cells[c]));
    if (LooksLikeFormula(out.cells[c]))
      out.problems.push_back(AtCell(out.number, static_cast<int>(c), written_[c], "formula_text", {},
                                    "单元格以 = + - @ 开头，可能是公式，已拒绝（请去掉开头的符号或加上文字说明）"));
  }
  return out;
}

std::vector<FieldError> TableStream::TakeWarnings() {
  std::vector<FieldError> out = raw_->TakeWarnings();
  for (auto& w : warnings_) out.push_back(std::move(w));
  warnings_.clear();
  return out;
}

}  // namespace qf
