// Declarations stored, listed in the caller's scope and published; flags computed when read from the declaration
// and the term's fee complaints about the school (a complaint's flag only for the office: a school never learns from
// its declaration that it was complained about).
#include <algorithm>
#include <map>
#include <set>

#include "common/crypto_util.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fees/fees.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::fees {
namespace json = boost::json;
namespace {

bool SeesAll(const Principal& who) { return who.Has(kSupervisor) || who.Has(kLeader); }

json::object ChargeJson(const Charge& c) {
  json::object o{{"kind", c.kind}, {"item", c.item}, {"amount", c.amount}, {"basis", c.basis},
                 {"voluntary", c.voluntary}, {"subject", c.subject}};
  o["list_price"] = c.list_price ? json::value(*c.list_price) : json::value(nullptr);
  return o;
}

// The charges as the views show them: each with its kind's label, and the approved cap where `caps` asks for it.
json::array ChargesShown(const Policy& policy, const std::vector<Charge>& charges, bool caps) {
  json::array list;
  for (const auto& c : charges) {
    json::object o = ChargeJson(c);
    if (const Kind* k = policy.KindOf(c.kind)) o["kind_label"] = k->label;
    if (const Item* i = caps ? policy.ItemOf(c.kind, c.item) : nullptr) o["cap"] = i->cap;
    list.push_back(std::move(o));
  }
  return list;
}

absl::StatusOr<std::vector<Charge>> ChargesFrom(const std::string& text) {
  QF_ASSIGN_OR_RETURN(json::array a, StoredArray(text, "fee_declarations.charges"));
  std::vector<Charge> out;
  for (const auto& v : a) {
    if (!v.is_object()) continue;
    const json::object& o = v.as_object();
    Charge c;
    c.kind = std::string(o.at("kind").as_string());
    c.item = std::string(o.at("item").as_string());
    c.amount = o.at("amount").to_number<double>();
    c.basis = std::string(o.at("basis").as_string());
    c.voluntary = o.at("voluntary").as_bool();
    c.subject = std::string(o.at("subject").as_string());
    if (const json::value* lp = o.if_contains("list_price"); lp && !lp->is_null()) c.list_price = lp->to_number<double>();
    out.push_back(std::move(c));
  }
  return out;
}

// The term's fee complaints about `school` (or every school, 0), by school: through the index on the concerned unit
// and the received time (or the category's, for all).
absl::StatusOr<std::map<int64_t, std::vector<Complaint>>> ComplaintsOf(Db& db, const Term& term, int64_t school) {
  auto [from, to] = term.Days();
  auto lo = ParseDay(from), hi = ParseDay(to);
  if (!lo || !hi) return absl::InternalError("学期日期有误");
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string(
      "SELECT concerned_unit_id, receipt, title, content FROM cases WHERE category = 'fees' AND received_at >= ?1 AND "
      "received_at < ?2 AND concerned_unit_id IS NOT NULL AND merged_into IS NULL") + (school ? " AND concerned_unit_id = ?3" : "")));
  st.Bind(1, FormatUtc(CstStart(*lo))).Bind(2, FormatUtc(CstStart(*hi + 1)));
  if (school) st.Bind(3, school);
  std::map<int64_t, std::vector<Complaint>> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Int(0)].push_back({DisplayReceiptCode(st.Text(1)), st.Text(2) + "\n" + st.Text(3)});
  }
  return out;
}

json::array FlagsJson(const Policy& policy, const std::vector<Flag>& flags, const std::vector<Charge>& charges,
                      bool office) {
  json::array out;
  for (const auto& f : flags) {
    if (f.rule == "undeclared" && !office) continue;
    json::object o{{"rule", f.rule}, {"summary", f.summary}, {"clause", f.clause}};
    if (f.charge >= 0) {
      o["charge"] = f.charge;
      if (const Kind* k = policy.KindOf(charges[f.charge].kind)) o["kind_label"] = k->label;
    }
    if (!f.receipts.empty()) o["receipts"] = json::array(f.receipts.begin(), f.receipts.end());
    out.push_back(std::move(o));
  }
  return out;
}

struct Row {
  int64_t id = 0, school_id = 0;
  std::string school, district, term, declared_at;
  std::vector<Charge> charges;
};

// Current declarations of the term (all, or one school's), with the school's name and district.
absl::StatusOr<std::vector<Row>> Current(Db& db, const Term& term, int64_t school, const Principal* scope) {
  // Only the parameters used, numbered in order (PostgreSQL must see every parameter it is sent).
  int next = 2;
  const int school_at = school ? next++ : 0, all_at = scope ? next++ : 0, unit_at = scope ? next++ : 0;
  std::string where = "d.term = ?1 AND d.is_current = 1";
  if (school) where += fmt::format(" AND d.school_id = ?{}", school_at);
  if (scope)
    where += fmt::format(" AND (?{} = 1 OR {})", all_at, org::InSubtreeSql("d.school_id", fmt::format("?{}", unit_at)));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT d.id, d.school_id, u.name, COALESCE(u.district, ''), d.term, d.declared_at, d.charges "
      "FROM fee_declarations d JOIN org_units u ON u.id = d.school_id WHERE " + where + " ORDER BY u.district, u.name"));
  st.Bind(1, term.Code());
  if (school) st.Bind(school_at, school);
  if (scope) st.Bind(all_at, int64_t{SeesAll(*scope)}).Bind(unit_at, scope->unit_id);
  std::vector<Row> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row r{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)};
    QF_ASSIGN_OR_RETURN(r.charges, ChargesFrom(st.Text(6)));
    out.push_back(std::move(r));
  }
  return out;
}

double Total(const std::vector<Charge>& charges) {
  double t = 0;
  for (const auto& c : charges) t += c.amount;
  return t;
}

}  // namespace

absl::StatusOr<json::object> Declare(Tx& tx, const Policy& policy, const Declaration& d, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto unit, org::GetUnit(db, d.school_id));
  if (!unit || unit->kind != "school") return Invalid("fees.school", "学校不存在", {{"school_id", "不是学校"}});
  QF_ASSIGN_OR_RETURN(bool within, org::IsWithin(db, d.school_id, who.unit_id));
  if (!within && !who.Has(kSupervisor)) return Forbidden("fees.scope", "只能公示本校（或所辖学校）的收费");
  const std::string term = d.term.Code();
  QF_ASSIGN_OR_RETURN(auto prev, db.Prepare(
      "UPDATE fee_declarations SET is_current = 0 WHERE term = ? AND school_id = ? AND is_current = 1 RETURNING id"));
  prev.Bind(1, term).Bind(2, d.school_id);
  QF_ASSIGN_OR_RETURN(auto replaced, prev.Ints());
  json::array charges;
  for (const auto& c : d.charges) charges.push_back(ChargeJson(c));
  const std::string text = json::serialize(charges);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO fee_declarations(school_id, term, is_current, charges, declared_by, declared_at) VALUES(?,?,1,?,?,?) "
      "RETURNING id"));
  ins.Bind(1, d.school_id).Bind(2, term).Bind(3, text);
  if (who.account_id) ins.Bind(4, who.account_id); else ins.BindNull(4);
  ins.Bind(5, FormatUtc(tx.now()));
  QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
  const int64_t id = ids.at(0);
  json::object ev{{"school_id", d.school_id}, {"term", term}, {"charges", static_cast<int64_t>(d.charges.size())},
                  {"total", Total(d.charges)}, {"charges_sha256", Sha256Hex(text)}};
  if (!replaced.empty()) ev["replaces"] = replaced.front();
  QF_RETURN_IF_ERROR(tx.Append("fees.declared", "fee_declaration:" + std::to_string(id), ev).status());
  QF_ASSIGN_OR_RETURN(auto complaints, ComplaintsOf(db, d.term, d.school_id));
  std::vector<Flag> flags = Check(policy, d.charges, complaints[d.school_id]);
  return json::object{{"id", id}, {"term", term}, {"charges", static_cast<int64_t>(d.charges.size())},
                      {"flags", FlagsJson(policy, flags, d.charges, SeesAll(who))},
                      {"replaces", replaced.empty() ? json::value(nullptr) : json::value(replaced.front())}};
}

absl::StatusOr<json::object> Declarations(Db& db, const Policy& policy, const Term& term, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto rows, Current(db, term, 0, &who));
  QF_ASSIGN_OR_RETURN(auto complaints, ComplaintsOf(db, term, 0));
  const bool office = SeesAll(who);
  json::array items;
  for (const Row& r : rows) {
    json::array flags = FlagsJson(policy, Check(policy, r.charges, complaints[r.school_id]), r.charges, office);
    items.push_back(json::object{{"id", r.id}, {"school_id", r.school_id}, {"school", r.school}, {"district", r.district},
                                 {"declared_at", r.declared_at}, {"charges", static_cast<int64_t>(r.charges.size())},
                                 {"total", Total(r.charges)}, {"flags", static_cast<int64_t>(flags.size())}});
  }
  QF_ASSIGN_OR_RETURN(auto ms, db.Prepare(
      "SELECT u.id, u.name, COALESCE(u.district, '') FROM org_units u WHERE u.kind = 'school' AND u.active = 1 AND (?2 = 1 OR " +
      org::InSubtreeSql("u.id", "?3") + ") AND NOT EXISTS (SELECT 1 FROM fee_declarations d WHERE d.school_id = u.id AND "
      "d.term = ?1 AND d.is_current = 1) ORDER BY u.district, u.name"));
  ms.Bind(1, term.Code()).Bind(2, int64_t{office}).Bind(3, who.unit_id);
  json::array missing;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, ms.Step());
    if (!row) break;
    missing.push_back(json::object{{"school_id", ms.Int(0)}, {"school", ms.Text(1)}, {"district", ms.Text(2)}});
  }
  json::array kinds;
  for (const auto& k : policy.kinds) kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"clause", k.clause}});
  return json::object{{"term", term.Code()}, {"term_label", term.Label()}, {"items", items}, {"missing", missing},
                      {"kinds", kinds}};
}

absl::StatusOr<json::object> DeclarationView(Db& db, const Policy& policy, int64_t id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT d.id, d.school_id, u.name, COALESCE(u.district, ''), d.term, d.declared_at, d.charges, d.is_current "
      "FROM fee_declarations d JOIN org_units u ON u.id = d.school_id WHERE d.id = ?1 AND (?2 = 1 OR " +
      org::InSubtreeSql("d.school_id", "?3") + ")"));
  st.Bind(1, id).Bind(2, int64_t{SeesAll(who)}).Bind(3, who.unit_id);
  QF_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("fees.not_found", "收费公示不存在");
  auto term = Term::Parse(st.Text(4));
  if (!term) return absl::InternalError("收费公示的学期有误：" + st.Text(4));
  QF_ASSIGN_OR_RETURN(auto charges, ChargesFrom(st.Text(6)));
  const int64_t school = st.Int(1);
  QF_ASSIGN_OR_RETURN(auto complaints, ComplaintsOf(db, *term, school));
  return json::object{{"id", st.Int(0)}, {"school_id", school}, {"school", st.Text(2)}, {"district", st.Text(3)},
                      {"term", term->Code()}, {"term_label", term->Label()}, {"declared_at", st.Text(5)},
                      {"current", st.Int(7) != 0}, {"total", Total(charges)},
                      {"charges", ChargesShown(policy, charges, false)},
                      {"flags", FlagsJson(policy, Check(policy, charges, complaints[school]), charges, SeesAll(who))}};
}

absl::StatusOr<json::object> PublicSchools(Db& db, const Term& term) {
  QF_ASSIGN_OR_RETURN(auto rows, Current(db, term, 0, nullptr));
  json::array items;
  for (const Row& r : rows)
    items.push_back(json::object{{"school_id", r.school_id}, {"school", r.school}, {"district", r.district},
                                 {"declared_at", r.declared_at}, {"charges", static_cast<int64_t>(r.charges.size())},
                                 {"total", Total(r.charges)}});
  return json::object{{"term", term.Code()}, {"term_label", term.Label()}, {"items", items}};
}

absl::StatusOr<json::object> PublicDeclaration(Db& db, const Policy& policy, const Term& term, int64_t school_id) {
  QF_ASSIGN_OR_RETURN(auto rows, Current(db, term, school_id, nullptr));
  if (rows.empty()) return NotFound("fees.not_found", "该校本学期没有收费公示");
  const Row& r = rows.front();
  return json::object{{"school_id", r.school_id}, {"school", r.school}, {"district", r.district}, {"term", term.Code()},
                      {"term_label", term.Label()}, {"declared_at", r.declared_at}, {"total", Total(r.charges)},
                      {"charges", ChargesShown(policy, r.charges, true)}};
}

absl::StatusOr<Figures> FiguresBetween(Db& db, const Policy& policy, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT DISTINCT term FROM fee_declarations WHERE is_current = 1 AND declared_at >= ? AND declared_at < ?"));
  const std::string lo = FormatUtc(CstStart(from)), hi = FormatUtc(CstStart(to + 1));
  st.Bind(1, lo).Bind(2, hi);
  std::vector<Term> terms;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (auto t = Term::Parse(st.Text(0))) terms.push_back(*t);
  }
  Figures f;
  std::map<std::string, int> by_rule;
  for (const Term& term : terms) {
    QF_ASSIGN_OR_RETURN(auto rows, Current(db, term, 0, nullptr));
    QF_ASSIGN_OR_RETURN(auto complaints, ComplaintsOf(db, term, 0));
    for (const Row& r : rows) {
      if (r.declared_at < lo || r.declared_at >= hi) continue;
      ++f.schools;
      f.charges += static_cast<int>(r.charges.size());
      std::vector<Flag> flags = Check(policy, r.charges, complaints[r.school_id]);
      if (!flags.empty()) ++f.flagged;
      for (const auto& fl : flags) ++by_rule[fl.rule];
    }
  }
  for (const char* rule : {"not_approved", "over_cap", "compulsory", "one_per_subject", "profit", "undeclared"})
    if (by_rule.contains(rule)) f.by_rule.push_back({rule, by_rule[rule]});
  return f;
}

absl::StatusOr<std::map<int64_t, std::string>> FlaggedSchools(Db& db, const Policy& policy, const Term& term) {
  QF_ASSIGN_OR_RETURN(auto rows, Current(db, term, 0, nullptr));
  QF_ASSIGN_OR_RETURN(auto complaints, ComplaintsOf(db, term, 0));
  std::map<int64_t, std::string> out;
  for (const Row& r : rows) {
    std::vector<Flag> flags = Check(policy, r.charges, complaints[r.school_id]);
    if (flags.empty()) continue;
    std::string why = flags.front().summary;
    if (flags.size() > 1) why += fmt::format(" 等 {} 项", flags.size());
    out[r.school_id] = why;
  }
  return out;
}

}  // namespace qf::fees
