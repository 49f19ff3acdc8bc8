#include "reports/docx.h"

#include <zip.h>

#include <memory>
#include <sstream>

#include "pugixml.hpp"

namespace qf::reports {
namespace {

constexpr const char* kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Xml(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  return out.str();
}

pugi::xml_node Child(pugi::xml_node n, const char* name) { return n.append_child(name); }
void Attr(pugi::xml_node n, const char* name, const std::string& v) { n.append_attribute(name) = v.c_str(); }

// Run properties: East Asian and Latin font, size in half-points, bold.
void RunProps(pugi::xml_node rpr, const char* east, const char* latin, int half_points, bool bold = false) {
  auto f = Child(rpr, "w:rFonts");
  Attr(f, "w:ascii", latin);
  Attr(f, "w:hAnsi", latin);
  Attr(f, "w:eastAsia", east);
  Attr(f, "w:hint", "eastAsia");
  if (bold) Child(rpr, "w:b");
  Attr(Child(rpr, "w:sz"), "w:val", std::to_string(half_points));
  Attr(Child(rpr, "w:szCs"), "w:val", std::to_string(half_points));
}

void Style(pugi::xml_node styles, const char* id, const char* name, const char* east, const char* latin, int size,
           const char* align, bool indent, bool bold = false, int before = 0, int after = 0) {
  auto s = Child(styles, "w:style");
  Attr(s, "w:type", "paragraph");
  Attr(s, "w:styleId", id);
  Attr(Child(s, "w:name"), "w:val", name);
  Attr(Child(s, "w:basedOn"), "w:val", "Normal");
  Attr(Child(s, "w:qFormat"), "w:val", "1");
  auto ppr = Child(s, "w:pPr");
  auto sp = Child(ppr, "w:spacing");
  Attr(sp, "w:before", std::to_string(before));
  Attr(sp, "w:after", std::to_string(after));
  Attr(sp, "w:line", "579");  // 28.95 pt: 22 lines of 28 characters on an A4 page
  Attr(sp, "w:lineRule", "exact");
  if (indent) {
    auto ind = Child(ppr, "w:ind");
    Attr(ind, "w:firstLineChars", "200");
    Attr(ind, "w:firstLine", "640");
  }
  Attr(Child(ppr, "w:jc"), "w:val", align);
  RunProps(Child(s, "w:rPr"), east, latin, size, bold);
}

std::string Styles() {
  pugi::xml_document doc;
  auto root = doc.append_child("w:styles");
  Attr(root, "xmlns:w", kW);
  auto defaults = Child(Child(root, "w:docDefaults"), "w:rPrDefault");
  RunProps(Child(defaults, "w:rPr"), "仿宋_GB2312", "Times New Roman", 32);
  auto normal = Child(root, "w:style");
  Attr(normal, "w:type", "paragraph");
  Attr(normal, "w:default", "1");
  Attr(normal, "w:styleId", "Normal");
  Attr(Child(normal, "w:name"), "w:val", "Normal");
  RunProps(Child(normal, "w:rPr"), "仿宋_GB2312", "Times New Roman", 32);
  Style(root, "QfTitle", "公文标题", "方正小标宋简体", "Times New Roman", 44, "center", false, false, 0, 579);
  Style(root, "QfHeading1", "一级标题", "黑体", "Times New Roman", 32, "both", true);
  Style(root, "QfHeading2", "二级标题", "楷体_GB2312", "Times New Roman", 32, "both", true);
  Style(root, "QfBody", "正文", "仿宋_GB2312", "Times New Roman", 32, "both", true);
  Style(root, "QfNote", "附注", "仿宋_GB2312", "Times New Roman", 24, "left", false);
  Style(root, "QfSignature", "落款", "仿宋_GB2312", "Times New Roman", 32, "right", false);
  Style(root, "QfTableText", "表格文字", "仿宋_GB2312", "Times New Roman", 24, "center", false);
  return Xml(doc);
}

const char* StyleId(Para p) {
  switch (p) {
    case Para::kTitle: return "QfTitle";
    case Para::kHeading1: return "QfHeading1";
    case Para::kHeading2: return "QfHeading2";
    case Para::kNote: return "QfNote";
    case Para::kSignature: return "QfSignature";
    case Para::kPageBreak: break;
    case Para::kBody: break;
  }
  return "QfBody";
}

void Paragraph(pugi::xml_node body, const char* style, const std::string& text) {
  auto p = Child(body, "w:p");
  Attr(Child(Child(p, "w:pPr"), "w:pStyle"), "w:val", style);
  auto r = Child(p, "w:r");
  auto t = Child(r, "w:t");
  Attr(t, "xml:space", "preserve");
  t.text().set(text.c_str());
}

void Table(pugi::xml_node body, const DocTable& t) {
  auto tbl = Child(body, "w:tbl");
  auto pr = Child(tbl, "w:tblPr");
  auto w = Child(pr, "w:tblW");
  Attr(w, "w:w", "5000");
  Attr(w, "w:type", "pct");
  Attr(Child(pr, "w:jc"), "w:val", "center");
  auto borders = Child(pr, "w:tblBorders");
  for (const char* side : {"w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"}) {
    auto b = Child(borders, side);
    Attr(b, "w:val", "single");
    Attr(b, "w:sz", "4");
    Attr(b, "w:color", "000000");
  }
  size_t cols = t.header.size();
  int total = 0;
  for (size_t c = 0; c < cols; ++c) total += c < t.widths.size() ? t.widths[c] : 1;
  auto grid = Child(tbl, "w:tblGrid");
  for (size_t c = 0; c < cols; ++c)
    Attr(Child(grid, "w:gridCol"), "w:w", std::to_string(8845 * (c < t.widths.size() ? t.widths[c] : 1) / std::max(total, 1)));
  auto row = [&](const std::vector<std::string>& cells, bool header) {
    auto tr = Child(tbl, "w:tr");
    if (header) Child(Child(tr, "w:trPr"), "w:tblHeader");
    for (size_t c = 0; c < cols; ++c) {
      auto tc = Child(tr, "w:tc");
      auto tcpr = Child(tc, "w:tcPr");
      Attr(Child(tcpr, "w:vAlign"), "w:val", "center");
      auto p = Child(tc, "w:p");
      Attr(Child(Child(p, "w:pPr"), "w:pStyle"), "w:val", "QfTableText");
      auto r = Child(p, "w:r");
      if (header) RunProps(Child(r, "w:rPr"), "黑体", "Times New Roman", 24);
      auto text = Child(r, "w:t");
      Attr(text, "xml:space", "preserve");
      text.text().set(c < cells.size() ? cells[c].c_str() : "");
    }
  };
  row(t.header, true);
  for (const auto& r : t.rows) row(r, false);
  Child(body, "w:p");  // a table must not end the body; also spaces it from what follows
}

// The fonts the styles name, each with the Debian face that stands in for it where it is missing (w:altName; the same
// pairs as data/fonts/qingfeng-fonts.conf for LibreOffice): a bureau PC with the official fonts uses those.
std::string FontTable() {
  static const struct { const char* name; const char* alt; const char* family; } kFonts[] = {
      {"方正小标宋简体", "AR PL UMing CN", "roman"}, {"仿宋_GB2312", "AR PL UMing CN", "modern"},
      {"楷体_GB2312", "AR PL UKai CN", "modern"},   {"黑体", "WenQuanYi Micro Hei", "modern"},
      {"宋体", "AR PL UMing CN", "roman"},           {"Times New Roman", "DejaVu Serif", "roman"}};
  pugi::xml_document doc;
  auto root = doc.append_child("w:fonts");
  Attr(root, "xmlns:w", kW);
  for (const auto& f : kFonts) {
    auto font = Child(root, "w:font");
    Attr(font, "w:name", f.name);
    Attr(Child(font, "w:altName"), "w:val", f.alt);
    Attr(Child(font, "w:charset"), "w:val", std::string(f.name) == "Times New Roman" ? "00" : "86");  // GB2312
    Attr(Child(font, "w:family"), "w:val", f.family);
    Attr(Child(font, "w:pitch"), "w:val", "variable");
  }
  return Xml(doc);
}

// "— 1 —" in 宋体 四号 (14 pt), at the outer edge.
std::string Footer(const char* align) {
  pugi::xml_document doc;
  auto ftr = doc.append_child("w:ftr");
  Attr(ftr, "xmlns:w", kW);
  auto p = Child(ftr, "w:p");
  auto ppr = Child(p, "w:pPr");
  Attr(Child(ppr, "w:jc"), "w:val", align);
  auto ind = Child(ppr, "w:ind");
  Attr(ind, align == std::string("right") ? "w:right" : "w:left", "280");
  auto run = [&](const char* text, const char* field_char = nullptr, bool instr = false) {
    auto r = Child(p, "w:r");
    RunProps(Child(r, "w:rPr"), "宋体", "宋体", 28);
    if (field_char) {
      Attr(Child(r, "w:fldChar"), "w:fldCharType", field_char);
    } else if (instr) {
      auto t = Child(r, "w:instrText");
      Attr(t, "xml:space", "preserve");
      t.text().set(text);
    } else {
      auto t = Child(r, "w:t");
      Attr(t, "xml:space", "preserve");
      t.text().set(text);
    }
  };
  run("— ");
  run(nullptr, "begin");
  run(" PAGE ", nullptr, true);
  run(nullptr, "separate");
  run("1");
  run(nullptr, "end");
  run(" —");
  return Xml(doc);
}

}  // namespace

Docx& Docx::Add(Para style, std::string text) {
  blocks_.push_back({false, style, std::move(text), {}});
  return *this;
}

Docx& Docx::AddTable(DocTable table) {
  blocks_.push_back({true, Para::kBody, "", std::move(table)});
  return *this;
}

Docx& Docx::Properties(std::string title, std::string subject) {
  title_ = std::move(title);
  subject_ = std::move(subject);
  return *this;
}

absl::StatusOr<std::string> Docx::Bytes() const {
  pugi::xml_document doc;
  auto root = doc.append_child("w:document");
  Attr(root, "xmlns:w", kW);
  Attr(root, "xmlns:r", kR);
  auto body = Child(root, "w:body");
  for (const auto& b : blocks_) {
    if (b.table) {
      Table(body, b.t);
    } else if (b.style == Para::kPageBreak) {
      Attr(Child(Child(Child(body, "w:p"), "w:r"), "w:br"), "w:type", "page");
    } else {
      Paragraph(body, StyleId(b.style), b.text);
    }
  }
  auto sect = Child(body, "w:sectPr");
  auto odd = Child(sect, "w:footerReference");
  Attr(odd, "w:type", "default");
  Attr(odd, "r:id", "rIdFooterOdd");
  auto even = Child(sect, "w:footerReference");
  Attr(even, "w:type", "even");
  Attr(even, "r:id", "rIdFooterEven");
  auto size = Child(sect, "w:pgSz");
  Attr(size, "w:w", "11906");
  Attr(size, "w:h", "16838");
  auto mar = Child(sect, "w:pgMar");  // 37 mm top, 35 mm bottom, 28 mm left, 26 mm right
  Attr(mar, "w:top", "2098");
  Attr(mar, "w:bottom", "1984");
  Attr(mar, "w:left", "1587");
  Attr(mar, "w:right", "1474");
  Attr(mar, "w:header", "851");
  Attr(mar, "w:footer", "1417");
  Attr(mar, "w:gutter", "0");
  auto grid = Child(sect, "w:docGrid");
  Attr(grid, "w:type", "linesAndChars");
  Attr(grid, "w:linePitch", "579");
  Attr(grid, "w:charSpace", "0");

  std::vector<std::pair<std::string, std::string>> files = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>)"},
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>)"},
      {"word/_rels/document.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>)"},
      {"word/settings.xml",
       std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w=")") + kW +
           R"("><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>)"},
      {"word/styles.xml", Styles()},
      {"word/fontTable.xml", FontTable()},
      {"word/footer1.xml", Footer("right")},
      {"word/footer2.xml", Footer("left")},
      {"word/document.xml", Xml(doc)},
  };
  {
    pugi::xml_document core;
    auto cp = core.append_child("cp:coreProperties");
    Attr(cp, "xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
    Attr(cp, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    cp.append_child("dc:title").text().set(title_.c_str());
    cp.append_child("dc:subject").text().set(subject_.c_str());
    cp.append_child("dc:creator").text().set("清风 Qingfeng");
    files.push_back({"docProps/core.xml", Xml(core)});
  }

  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) return absl::InternalError("docx: cannot create a buffer");
  zip_source_keep(src);
  std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> keep(src, zip_source_free);
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) return absl::InternalError("docx: cannot open the archive");
  // The buffers must outlive zip_close, which reads them.
  for (const auto& [name, data] : files) {
    zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!s || zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s) zip_source_free(s);
      zip_discard(za);
      return absl::InternalError("docx: cannot add " + name);
    }
  }
  if (zip_close(za) < 0) {
    zip_discard(za);
    return absl::InternalError("docx: cannot write the archive");
  }
  zip_stat_t st;
  if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) return absl::InternalError("docx: cannot read the archive");
  std::string out(st.size, '\0');
  zip_int64_t n = zip_source_read(src, out.data(), st.size);
  zip_source_close(src);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) return absl::InternalError("docx: short read");
  return out;
}

}  // namespace qf::reports
