#include "reports/placement_letters.h"

#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "reports/docx.h"

namespace qf::reports {

absl::StatusOr<std::string> PlacementLettersDocx(const placement::SeatedSchool& s, const vault::Vault& vault,
                                                 absl::Time now) {
  if (s.children.empty()) return NotFound("placement.no_children", "该校在本批次没有录取的儿童");
  absl::CivilDay today = CstDay(now);
  std::string date = fmt::format("{}年{}月{}日", today.year(), today.month(), today.day());
  Docx doc;
  doc.Properties(fmt::format("{}入学通知书", s.name), fmt::format("{}年随迁子女入学录取 第{}批", s.year, s.run_id));
  bool first = true;
  for (const auto& c : s.children) {
    QF_ASSIGN_OR_RETURN(placement::Names n, placement::OpenNames(vault, c));
    if (!first) doc.PageBreak();
    first = false;
    doc.Add(Para::kTitle, "入学通知书");
    doc.Add(Para::kNote, fmt::format("申请编号：{}", c.ref));
    doc.Add(Para::kBody, fmt::format("{}家长：", n.guardian));
    doc.Add(Para::kBody, fmt::format(
        "您的孩子{}经审核符合进城务工人员随迁子女入学条件，按{}年随迁子女入学录取结果（第{}批，已向社会公开），"
        "安排到我校{}年级就读。",
        n.child, s.year, s.run_id, c.grade));
    doc.Add(Para::kBody, fmt::format(
        "请于{}年8月31日前，持本通知书、户口簿和居住证到校办理入学手续。学校不收取择校费、赞助费等任何费用，"
        "不要求提供学前教育经历、计划生育证明等材料。对录取结果有异议的，可凭查询码在教育局网站提出，或拨打12345反映。",
        s.year));
    doc.Add(Para::kSignature, s.name);
    doc.Add(Para::kSignature, date);
  }
  return doc.Bytes();
}

}  // namespace qf::reports
