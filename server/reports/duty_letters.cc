// Responsibility letters as documents (duty_letters.h).
#include "reports/duty_letters.h"

#include <map>

#include "common/status.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "fmt/format.h"
#include "reports/docx.h"

namespace qf::reports {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "2026年1月29日" from an instant as stored.
std::string DayOf(const std::string& utc) {
  auto t = ParseUtc(utc);
  if (!t) return "";
  absl::CivilDay d = CstDay(*t);
  return fmt::format("{}年{}月{}日", d.year(), d.month(), d.day());
}

}  // namespace

absl::StatusOr<std::string> LetterDocx(const json::object& letter) {
  const json::value* cv = letter.if_contains("content");
  if (!cv || !cv->is_object()) return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", "责任书内容无法读取");
  const json::object& c = cv->as_object();
  std::string title = Str(c, "title");
  Docx doc;
  doc.Properties(title, "党风廉政建设责任书");
  doc.Add(Para::kTitle, title);
  doc.Add(Para::kBody, fmt::format("甲方：{}", Str(c, "issuer")));
  doc.Add(Para::kBody, fmt::format("乙方：{}", Str(c, "unit")));
  doc.Add(Para::kBody, fmt::format("依据：{}", Str(c, "basis")));
  if (auto* clauses = c.if_contains("clauses"); clauses && clauses->is_array())
    for (const auto& cl : clauses->as_array())
      if (cl.is_string()) doc.Add(Para::kBody, std::string(cl.as_string()));
  doc.Add(Para::kHeading1, "一、责任内容");
  DocTable t{{"序号", "责任内容", "分值"}, {}, {1, 8, 1}};
  int64_t total = 0;
  if (auto* items = c.if_contains("items"); items && items->is_array())
    for (const auto& iv : items->as_array()) {
      const json::object& i = iv.as_object();
      int64_t points = i.at("points").to_number<int64_t>();
      total += points;
      t.rows.push_back({std::to_string(i.at("seq").to_number<int64_t>()), Str(i, "text"), std::to_string(points)});
    }
  t.rows.push_back({"", "合计", std::to_string(total)});
  doc.AddTable(t);
  doc.Add(Para::kHeading1, "二、检查考核");
  doc.Add(Para::kBody, "本责任书各项内容年终逐项检查，对照佐证评分，结果纳入年度考核；责任人对检查发现的问题一个月内整改并报告。");
  doc.Add(Para::kSignature, fmt::format("甲方：{}", Str(c, "issuer")));
  bool is_signed = letter.if_contains("signed") && letter.at("signed").as_bool();
  doc.Add(Para::kSignature, fmt::format("乙方：{}", Str(c, "unit")));
  doc.Add(Para::kSignature, is_signed ? fmt::format("主要负责人：{}（{}在线签订）", Str(letter, "signer_name"), DayOf(Str(letter, "signed_at")))
                                      : std::string("主要负责人（签字）：　　　　　　"));
  doc.Add(Para::kNote, fmt::format("内容摘要（SHA-256）：{}。下发时记入审计账本，签订记录含同一摘要；内容{}。", Str(letter, "content_sha256"),
                                   letter.at("content_matches").as_bool() ? "与摘要一致" : "与摘要不一致，请核查"));
  return doc.Bytes();
}

absl::StatusOr<std::string> SignaturesXlsx(const json::object& letters) {
  static const std::map<std::string, std::string> kKinds{
      {"division", "机关处室"}, {"district_bureau", "县区教育主管部门"}, {"school", "学校"}};
  XlsxSheet sheet{"责任书签订情况", {"单位", "类型", "县区", "甲方", "签订期限", "签订情况", "签订人", "签订时间", "内容摘要"}, {},
                  {28, 14, 10, 20, 12, 10, 10, 18, 66}};
  for (const auto& v : letters.at("items").as_array()) {
    const json::object& l = v.as_object();
    bool is_signed = l.at("signed").as_bool();
    auto kind = kKinds.find(Str(l, "unit_kind"));
    auto t = ParseUtc(Str(l, "signed_at"));
    auto due = ParseDay(Str(l, "due_on"));
    sheet.rows.push_back({Str(l, "unit"), kind == kKinds.end() ? Str(l, "unit_kind") : kind->second, Str(l, "district"),
                          Str(l, "issuer"), due ? XlsxCell(XlsxDay{*due}) : XlsxCell(Str(l, "due_on")),
                          std::string(is_signed ? "已签订" : l.at("overdue").as_bool() ? "逾期未签" : "未签订"),
                          Str(l, "signer_name"),
                          t ? XlsxCell(XlsxMinute{absl::ToCivilMinute(*t, Cst())}) : XlsxCell(std::string()),
                          Str(l, "content_sha256")});
  }
  return WriteXlsx({sheet});
}

}  // namespace qf::reports
