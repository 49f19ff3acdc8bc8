// Accountability decisions (问责): recording one with the clause it enforces and the facts it rests on, the year's
// list and the chain from clause to decision, behind the same wall as confidential talks.
#include <algorithm>

#include "cases/watch.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

std::string Subject(int64_t id) { return fmt::format("duty_decision/{}", id); }

constexpr DecisionKind kKinds[] = {DecisionKind::kCriticism, DecisionKind::kAdmonition, DecisionKind::kOrganisational,
                                   DecisionKind::kDisciplinary};

absl::StatusOr<DecisionKind> ParseDecisionKind(std::string_view code) {
  for (DecisionKind k : kKinds)
    if (Code(k) == code) return k;
  return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_kind", "无法读取存储的问责方式");
}

constexpr const char* kColumns =
    "d.id, d.year, d.kind, d.unit_id, u.name, COALESCE(d.person_id, 0), d.person_name, d.person_post, d.clause, "
    "d.facts, d.decided_on, d.decided_by, d.text, d.recorded_at";

absl::StatusOr<json::object> DecisionJson(const Stmt& st, bool full) {
  QF_ASSIGN_OR_RETURN(DecisionKind kind, ParseDecisionKind(st.Text(2)));
  boost::system::error_code ec;
  json::value clause = json::parse(st.Text(8), ec);
  if (ec) clause = json::object{};
  json::object o{{"id", st.Int(0)}, {"year", st.Int(1)}, {"kind", Code(kind)}, {"kind_label", Label(kind)},
                 {"unit_id", st.Int(3)}, {"unit", st.Text(4)}, {"person_name", st.Text(6)},
                 {"person_post", st.Text(7)}, {"clause", clause}, {"decided_on", st.Text(10)},
                 {"decided_by", st.Text(11)}};
  if (full) {
    json::value facts = json::parse(st.Text(9), ec);
    o["facts"] = ec ? json::value(json::array()) : facts;
    o["text"] = st.Text(12);
    o["recorded_at"] = st.Text(13);
  }
  return o;
}

}  // namespace

absl::StatusOr<DecisionRequest> ParseDecision(const json::object& body) {
  JsonInput in(body);
  DecisionRequest r;
  r.year = static_cast<int>(in.Int("year", true, 2000, 2100).value_or(0));
  std::vector<std::string_view> codes;
  for (DecisionKind k : kKinds) codes.push_back(Code(k));
  auto kind = in.Enum("kind", true, codes);
  for (DecisionKind k : kKinds)
    if (kind && Code(k) == *kind) r.kind = k;
  r.unit_id = in.Int("unit_id", true, 1, INT64_MAX).value_or(0);
  r.person_id = in.Int("person_id", false, 1, INT64_MAX).value_or(0);
  r.person_name = in.Str("person_name", true, 40).value_or("");
  r.person_post = in.Str("person_post", false, 60).value_or("");
  r.letter_item = static_cast<int>(in.Int("letter_item", false, 1, 50).value_or(0));
  r.rule = in.Str("rule", false, 500).value_or("");
  if ((r.letter_item == 0) == r.rule.empty())
    in.Fail("letter_item", "应写明所依据的条款：责任书的一项（letter_item），或规定的条文（rule），二者取一");
  r.facts = ParseLinks(in, "facts", {"case", "rectification", "veto", "evaluation", "talk"}, 20);
  if (in.ok() && r.facts.empty()) in.Fail("facts", "问责应有事实依据：至少关联一项案件、整改、否决、考核或谈话记录");
  r.decided_on = in.Day("decided_on", true).value_or(absl::CivilDay());
  r.decided_by = in.Str("decided_by", true, 80).value_or("");
  r.text = in.Str("text", true, 4000).value_or("");
  QF_RETURN_IF_ERROR(in.Finish("duty.decision"));
  return r;
}

absl::StatusOr<json::object> RecordDecision(Tx& tx, const DutyEnv& env, const DecisionRequest& r,
                                             const Principal& who) {
  Db& db = tx.db();
  if (!Office(who)) return Forbidden("duty.decision_scope", "问责决定由纪检监察室登记");
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, r.unit_id));
  if (!unit) return Invalid("duty.decision", "单位不存在", {{"unit_id", "找不到该单位"}});
  if (r.person_id) {
    QF_ASSIGN_OR_RETURN(int64_t at, org::PersonUnit(db, r.person_id));
    if (!at) return Invalid("duty.decision", "人员不存在", {{"person_id", "找不到该人员"}});
  }
  // The clause: the item of the unit's letter of the year, in the words it was issued with; or the rule cited.
  json::object clause;
  if (r.letter_item) {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT id, content FROM duty_letters WHERE year = ? AND unit_id = ?"));
    st.Bind(1, int64_t{r.year}).Bind(2, r.unit_id);
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Invalid("duty.decision", "该单位本年度没有责任书", {{"letter_item", "找不到该单位的责任书"}});
    boost::system::error_code ec;
    json::value content = json::parse(st.Text(1), ec);
    const json::array* items = !ec && content.is_object() && content.as_object().contains("items") &&
                                       content.at("items").is_array()
                                   ? &content.at("items").as_array()
                                   : nullptr;
    if (!items || static_cast<size_t>(r.letter_item) > items->size())
      return Invalid("duty.decision", "责任书没有这一项", {{"letter_item", fmt::format("该责任书共 {} 项", items ? items->size() : 0)}});
    const json::object& item = (*items)[r.letter_item - 1].as_object();
    clause = json::object{{"source", "letter"}, {"letter_id", st.Int(0)}, {"item", r.letter_item},
                          {"title", content.at("title")}, {"text", item.at("text")}};
  } else {
    clause = json::object{{"source", "rule"}, {"text", r.rule}};
  }
  QF_ASSIGN_OR_RETURN(json::array facts, LabelledLinks(db, r.facts, "facts"));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_decisions(year, kind, unit_id, person_id, person_name, person_post, clause, facts, decided_on, "
      "decided_by, text, recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
  ins.Bind(1, int64_t{r.year}).Bind(2, Code(r.kind)).Bind(3, r.unit_id);
  if (r.person_id) ins.Bind(4, r.person_id); else ins.BindNull(4);
  ins.Bind(5, r.person_name).Bind(6, r.person_post).Bind(7, json::serialize(clause)).Bind(8, json::serialize(facts))
      .Bind(9, FormatDay(r.decided_on)).Bind(10, r.decided_by).Bind(11, r.text).Bind(12, who.account_id)
      .Bind(13, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  // The ledger holds the decision's hash and its chain (clause and facts by reference), not the person's name.
  json::array refs;
  for (const auto& f : r.facts) refs.push_back(json::object{{"kind", f.kind}, {"ref", f.ref}});
  std::string record = json::serialize(json::object{{"kind", Code(r.kind)}, {"person_name", r.person_name},
                                                    {"clause", clause}, {"facts", refs}, {"text", r.text},
                                                    {"decided_on", FormatDay(r.decided_on)}});
  QF_RETURN_IF_ERROR(tx.Append("duty.accountability_decided", Subject(ids.at(0)),
                               {{"kind", Code(r.kind)}, {"unit_id", r.unit_id}, {"year", r.year}, {"facts", refs},
                                {"record_sha256", Sha256Hex(record)}})
                         .status());
  if (r.person_id)
    QF_RETURN_IF_ERROR(cases::WatchForRetaliation(
        tx, env.Cases(), {r.person_id, cases::WatchedAction::kDecision, ids.at(0), std::string(Label(r.kind))}).status());
  return json::object{{"id", ids.at(0)}, {"kind", Code(r.kind)}, {"decided_on", FormatDay(r.decided_on)}};
}

absl::StatusOr<json::object> Decisions(Db& db, int year, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Reader reader, ReaderOf(db, who));
  if (!reader.office && !reader.leader) return NotFound("duty.decision_not_found", "问责决定不存在");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM duty_decisions d JOIN org_units u ON u.id = d.unit_id WHERE d.year = ? "
      "ORDER BY d.decided_on DESC, d.id DESC", kColumns)));
  st.Bind(1, int64_t{year});
  json::array items;
  json::object by_kind;
  for (DecisionKind k : kKinds) by_kind[Code(k)] = 0;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    by_kind[st.Text(2)] = by_kind[st.Text(2)].as_int64() + 1;
    if (reader.Walled(st.Int(5))) continue;
    QF_ASSIGN_OR_RETURN(auto o, DecisionJson(st, false));
    items.push_back(std::move(o));
  }
  return json::object{{"year", year}, {"by_kind", std::move(by_kind)}, {"items", std::move(items)}};
}

absl::StatusOr<json::object> DecisionView(Db& db, int64_t id, const Principal& who) {
  absl::Status hidden = NotFound("duty.decision_not_found", "问责决定不存在");
  QF_ASSIGN_OR_RETURN(Reader reader, ReaderOf(db, who));
  if (!reader.office && !reader.leader) return hidden;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {} FROM duty_decisions d JOIN org_units u ON u.id = d.unit_id WHERE d.id = ?", kColumns)));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || reader.Walled(st.Int(5))) return hidden;
  return DecisionJson(st, true);
}

}  // namespace qf::duty
