// Links from the responsibility system to Qingfeng's records: a progress report's evidence, an evaluation score's
// backing, an accountability decision's facts. One reader of the request's array and one check that each record
// exists (with the label the views show).
#include "common/receipt.h"
#include "common/strings.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"

namespace qf::duty {

namespace json = boost::json;

std::vector<Link> ParseLinks(JsonInput& in, std::string_view field, const std::vector<std::string_view>& kinds, size_t max) {
  std::vector<Link> out;
  const json::value* v = in.Raw(field);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > max) {
    in.Fail(field, fmt::format("应为至多 {} 个链接的数组", max));
    return out;
  }
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    const json::value& l = v->as_array()[i];
    std::string at = fmt::format("{}[{}]", field, i);
    if (!l.is_object()) {
      in.Fail(at, "应为对象");
      continue;
    }
    JsonInput li(l.as_object(), at);
    Link link{li.Enum("kind", true, kinds).value_or(""), ""};
    // A record's number may come as a number or as text.
    if (const json::value* ref = l.as_object().if_contains("ref"); ref && ref->is_int64()) link.ref = std::to_string(ref->as_int64());
    else link.ref = li.Str("ref", true, 40).value_or("");
    if (li.ok() && link.kind != "case" && !ParseInt<int64_t>(link.ref)) li.Fail("ref", "应为编号");
    if (li.ok() && link.kind == "case") {
      // A case by its number as staff see it (the receipt code, in any typed form), kept in display form.
      if (auto canonical = ParseReceiptCode(link.ref)) link.ref = DisplayReceiptCode(*canonical);
      else li.Fail("ref", "案件编号格式不正确");
    }
    for (const auto& e : li.errors()) in.Fail(e.field, e.message);
    out.push_back(std::move(link));
  }
  return out;
}

absl::StatusOr<std::string> LinkLabel(Db& db, const Link& l, std::string_view field) {
  std::string sql;
  if (l.kind == "case") sql = "SELECT receipt || ' ' || title FROM cases WHERE receipt = ?";
  else if (l.kind == "campaign") sql = "SELECT title FROM campaigns WHERE id = ?";
  else if (l.kind == "notice") sql = "SELECT title FROM notices WHERE id = ?";
  else if (l.kind == "rectification")
    sql = "SELECT u.name || '：' || r.finding FROM rectifications r JOIN org_units u ON u.id = r.school_id WHERE r.id = ?";
  else if (l.kind == "veto") sql = "SELECT '一票否决：' || reason FROM vetoes WHERE id = ?";
  else if (l.kind == "talk") sql = "SELECT held_on || ' ' || person_name FROM duty_talks WHERE id = ?";
  else if (l.kind == "evaluation") sql = "SELECT title FROM duty_evaluations WHERE id = ?";
  else return Invalid("duty.link", "链接类型不正确", {{std::string(field) + ".kind", l.kind}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  if (l.kind == "case") st.Bind(1, ParseReceiptCode(l.ref).value_or(""));
  else st.Bind(1, ParseInt<int64_t>(l.ref).value_or(0));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return Invalid("duty.link", "链接指向的记录不存在",
                   {{std::string(field) + ".ref", fmt::format("找不到 {} {}", l.kind, l.ref)}});
  return st.Text(0);
}

absl::StatusOr<json::array> LabelledLinks(Db& db, const std::vector<Link>& links, std::string_view field) {
  json::array out;
  for (size_t i = 0; i < links.size(); ++i) {
    QF_ASSIGN_OR_RETURN(std::string label, LinkLabel(db, links[i], fmt::format("{}[{}]", field, i)));
    out.push_back(json::object{{"kind", links[i].kind}, {"ref", links[i].ref}, {"label", label}});
  }
  return out;
}

}  // namespace qf::duty
