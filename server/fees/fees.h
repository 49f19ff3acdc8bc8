// School fee declarations (收费公示): each school declares its charges for a term — 服务性收费, 代收费 and 教辅材料 —
// with the item, the amount a pupil pays, the basis and whether it is voluntary; the rules of data/fees/policy.toml
// flag items not on the approved list, amounts above their caps, charges that are not voluntary, a second book for
// one subject or a book sold above its list price, and charges the term's fee complaints about the school name but
// the declaration does not. Declarations are public per school; the flagged schools are the autumn fee inspection's
// first picks (inspect/ reads FlaggedSchools). Checking is pure; store functions run in writer commands (Tx) or on a
// reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::fees {

// ---- Policy and checks (pure) ----

struct Kind {
  std::string code, label, clause;
  bool one_per_subject = false;
};
struct Item {
  std::string kind, name;
  std::vector<std::string> aliases;
  double cap = 0;  // yuan a pupil a term
};
struct Policy {
  std::vector<Kind> kinds;
  std::vector<Item> items;
  std::vector<std::string> charge_words;
  std::string complaint_clause;
  static absl::StatusOr<Policy> Load(const std::string& data_dir);
  static absl::StatusOr<Policy> Parse(std::string_view toml_text, std::string_view source);
  const Kind* KindOf(std::string_view code) const;
  // The approved item `name` stands for (by its name or an alias, within `kind`), or nullptr.
  const Item* ItemOf(std::string_view kind, std::string_view name) const;
};

// A term: "2026-autumn" or "2026-spring".
struct Term {
  int year = 0;
  bool autumn = true;
  static std::optional<Term> Parse(std::string_view code);
  std::string Code() const;
  std::string Label() const;  // "2026年秋季学期"
  // The days the term's complaints are counted in: autumn 1 August – 31 January, spring 1 February – 31 July.
  std::pair<std::string, std::string> Days() const;
};

// One declared charge.
struct Charge {
  std::string kind, item, basis, subject;
  double amount = 0;
  std::optional<double> list_price;  // 教辅材料: the publisher's price
  bool voluntary = true;
};
// A fee complaint about the school in the term (its receipt and text), for the undeclared-charge check.
struct Complaint {
  std::string receipt, text;
};
// What the rules found: the rule, the charge's position (or -1 for the declaration), a sentence, the document.
struct Flag {
  std::string rule, summary, clause;
  int charge = -1;
  std::vector<std::string> receipts;
};
// A flag's rule in the bureau's words ("超过标准"), for documents.
std::string_view RuleLabel(std::string_view rule);
std::vector<Flag> Check(const Policy& policy, const std::vector<Charge>& charges, const std::vector<Complaint>& complaints);

// The body of a declaration: {school_id, term, charges: [{kind, item, amount, basis, voluntary, subject, list_price}]}.
struct Declaration {
  int64_t school_id = 0;
  Term term;
  std::vector<Charge> charges;
};
absl::StatusOr<Declaration> ParseDeclaration(const boost::json::object& body, const Policy& policy);

// ---- Store ----

// A school (or its district bureau, or the office) declares its charges for the term: stored as the school's current
// declaration (the previous one kept, not current), checked against the policy and the term's fee complaints about
// the school so far, flags recorded; an event in the ledger.
absl::StatusOr<boost::json::object> Declare(Tx& tx, const Policy& policy, const Declaration& d, const Principal& who);
// The term's current declarations in the caller's scope with their flags counted, and the schools without one.
absl::StatusOr<boost::json::object> Declarations(Db& db, const Policy& policy, const Term& term, const Principal& who);
// One declaration with its charges and flags; NotFound outside the caller's scope.
absl::StatusOr<boost::json::object> DeclarationView(Db& db, const Policy& policy, int64_t id, const Principal& who);
// The public: the schools that declared for the term, and one school's charges (no flags, no people).
absl::StatusOr<boost::json::object> PublicSchools(Db& db, const Term& term);
absl::StatusOr<boost::json::object> PublicDeclaration(Db& db, const Policy& policy, const Term& term, int64_t school_id);
// The declarations made in [from, to] (China Standard Time days) that are still current, for the half-year summary:
// schools, charges, and the schools flagged with their flags by rule (in the rules' order).
struct Figures {
  int schools = 0, charges = 0, flagged = 0;
  std::vector<std::pair<std::string, int>> by_rule;
};
absl::StatusOr<Figures> FiguresBetween(Db& db, const Policy& policy, absl::CivilDay from, absl::CivilDay to);
// The schools whose current declaration for the term has flags, with a sentence saying why.
absl::StatusOr<std::map<int64_t, std::string>> FlaggedSchools(Db& db, const Policy& policy, const Term& term);

}  // namespace qf::fees
