// A small writer of Word documents (DOCX, Office Open XML) in the layout of Chinese official documents
// (GB/T 9704-2012): A4 with the standard margins, the title in a 小标宋 face at 二号, body text in 仿宋 三号
// with a two-character first-line indent and a fixed 28.95-point line, first-level headings 一、 in 黑体,
// second-level （一） in 楷体, page numbers "— 1 —" in 宋体 四号 at the outer edge (right on odd pages, left on
// even). Fonts are named as the bureau's machines have them, each with its Debian stand-in in the font table
// (data/fonts/qingfeng-fonts.conf gives LibreOffice the same pairs).
// Built with pugixml and packed with libzip in memory.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qf::reports {

enum class Para { kTitle, kHeading1, kHeading2, kBody, kNote, kSignature, kPageBreak };

struct DocTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> widths;  // relative column widths (optional)
};

class Docx {
 public:
  Docx& Add(Para style, std::string text);
  Docx& AddTable(DocTable table);
  // The next block starts a new page (one letter per page, say).
  Docx& PageBreak() { return Add(Para::kPageBreak, ""); }
  // The document's properties (title and subject appear in File › Properties).
  Docx& Properties(std::string title, std::string subject);
  absl::StatusOr<std::string> Bytes() const;

 private:
  struct Block {
    bool table = false;
    Para style = Para::kBody;
    std::string text;
    DocTable t;
  };
  std::vector<Block> blocks_;
  std::string title_, subject_;
};

}  // namespace qf::reports
