// Responsibility letters (责任书): issue per year from the templates, the head's signature with the content hash in
// the ledger, the chase of unsigned letters, the list and one letter.
#include "cases/cards.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "duty/duty.h"
#include "duty/store_util.h"
#include "fmt/format.h"
#include "org/org.h"

namespace qf::duty {

namespace json = boost::json;

namespace {

std::string LetterSubject(int64_t id) { return fmt::format("duty_letter/{}", id); }

// Whether `who` is the head of `unit`: the account's person is a leader of that unit.
absl::StatusOr<bool> HeadOf(Db& db, const Principal& who, int64_t unit) {
  if (!who.person_id) return false;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT 1 FROM org_people WHERE id = ? AND unit_id = ? AND leader = 1"));
  st.Bind(1, who.person_id).Bind(2, unit);
  return st.Step();
}

// The office and the bureau's leaders read every letter; a unit its own and those it issued; a head their unit's.
bool ReadsAll(const Principal& who) { return Office(who) || who.Has(kLeader); }
struct LetterRow;
bool MaySee(const LetterRow& r, const Principal& who, bool head);

struct LetterRow {
  int64_t id = 0, unit_id = 0, issuer_unit_id = 0, signed_by = 0;
  int year = 0;
  std::string unit, issuer, unit_kind, district, template_kind, content, content_sha256, issued_at, due_on,
      signer_name, signed_at;
};

constexpr const char* kLetterColumns =
    "l.id, l.year, l.unit_id, COALESCE(u.name, ''), COALESCE(u.kind, ''), COALESCE(u.district, ''), l.issuer_unit_id, "
    "COALESCE(i.name, ''), l.template, l.content, l.content_sha256, l.issued_at, l.due_on, COALESCE(l.signed_by, 0), "
    "COALESCE(l.signer_name, ''), COALESCE(l.signed_at, '')";
constexpr const char* kLetterFrom =
    "duty_letters l LEFT JOIN org_units u ON u.id = l.unit_id LEFT JOIN org_units i ON i.id = l.issuer_unit_id";

LetterRow ReadLetter(Stmt& st) {
  LetterRow r;
  r.id = st.Int(0), r.year = static_cast<int>(st.Int(1)), r.unit_id = st.Int(2), r.unit = st.Text(3);
  r.unit_kind = st.Text(4), r.district = st.Text(5), r.issuer_unit_id = st.Int(6), r.issuer = st.Text(7);
  r.template_kind = st.Text(8), r.content = st.Text(9), r.content_sha256 = st.Text(10), r.issued_at = st.Text(11);
  r.due_on = st.Text(12), r.signed_by = st.Int(13), r.signer_name = st.Text(14), r.signed_at = st.Text(15);
  return r;
}

bool MaySee(const LetterRow& r, const Principal& who, bool head) {
  return head || ReadsAll(who) || who.unit_id == r.unit_id || who.unit_id == r.issuer_unit_id;
}

absl::StatusOr<LetterRow> MustLetter(Db& db, int64_t id) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM {} WHERE l.id = ?", kLetterColumns, kLetterFrom)));
  st.Bind(1, id);
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("duty.letter_not_found", "责任书不存在");
  return ReadLetter(st);
}

json::object Summary(const LetterRow& r, absl::CivilDay today) {
  bool overdue = r.signed_at.empty() && ParseDay(r.due_on).value_or(today) < today;
  return json::object{{"id", r.id}, {"year", r.year}, {"unit_id", r.unit_id}, {"unit", r.unit},
                      {"unit_kind", r.unit_kind}, {"district", r.district}, {"issuer", r.issuer},
                      {"content_sha256", r.content_sha256}, {"issued_at", r.issued_at}, {"due_on", r.due_on},
                      {"signed", !r.signed_at.empty()}, {"overdue", overdue},
                      {"signer_name", r.signed_at.empty() ? json::value(nullptr) : json::value(r.signer_name)},
                      {"signed_at", r.signed_at.empty() ? json::value(nullptr) : json::value(r.signed_at)}};
}

}  // namespace

absl::StatusOr<json::object> IssueLetters(Tx& tx, const DutyEnv& env, const LetterTemplates& templates, int year) {
  Db& db = tx.db();
  if (year < 2000 || year > 2100) return Invalid("duty.year", "年度不正确", {{"year", "应为 2000 至 2100"}});
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT u.id, u.name, u.kind, COALESCE(u.parent_id, 0), COALESCE(p.name, '') FROM org_units u "
      "LEFT JOIN org_units p ON p.id = u.parent_id "
      "WHERE u.active = 1 AND u.kind IN ('division', 'district_bureau', 'school') "
      "AND NOT EXISTS (SELECT 1 FROM duty_letters l WHERE l.year = ? AND l.unit_id = u.id) ORDER BY u.id"));
  st.Bind(1, int64_t{year});
  struct Pending {
    int64_t id, parent;
    std::string name, kind, parent_name;
  };
  std::vector<Pending> units;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    units.push_back({st.Int(0), st.Int(3), st.Text(1), st.Text(2), st.Text(4)});
  }
  absl::CivilDay today = CstDay(tx.now());
  std::string due = FormatDay(env.calendar->Add(today, templates.sign_within).due);
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO duty_letters(year, unit_id, issuer_unit_id, template, content, content_sha256, issued_at, due_on) "
      "VALUES(?,?,?,?,?,?,?,?) RETURNING id"));
  int issued = 0;
  for (const Pending& u : units) {
    const LetterTemplate* t = templates.For(u.kind);
    if (!t || !u.parent) continue;
    json::object content = LetterContent(*t, templates, year, u.parent_name, u.name);
    std::string hash = ContentHash(content);
    ins.Reset();
    ins.Bind(1, int64_t{year}).Bind(2, u.id).Bind(3, u.parent).Bind(4, t->kind).Bind(5, json::serialize(content))
        .Bind(6, hash).Bind(7, FormatUtc(tx.now())).Bind(8, due);
    QF_ASSIGN_OR_RETURN(auto ids, ins.Ints());
    QF_RETURN_IF_ERROR(tx.Append("duty.letter_issued", LetterSubject(ids.at(0)),
                                 {{"year", year}, {"unit_id", u.id}, {"issuer_unit_id", u.parent},
                                  {"content_sha256", hash}, {"due_on", due}})
                           .status());
    ++issued;
  }
  return json::object{{"year", year}, {"issued", issued}, {"due_on", due}};
}

absl::StatusOr<json::object> Sign(Tx& tx, int64_t letter_id, const std::string& content_sha256, const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(LetterRow r, MustLetter(db, letter_id));
  QF_ASSIGN_OR_RETURN(bool head, HeadOf(db, who, r.unit_id));
  // Someone who may not see the letter is not told it exists.
  if (!MaySee(r, who, head)) return NotFound("duty.letter_not_found", "责任书不存在");
  QF_RETURN_IF_ERROR(MayTake(LetterAction::kSign, {!r.signed_at.empty(), head}));
  boost::system::error_code ec;
  json::value stored = json::parse(r.content, ec);
  if (ec || !stored.is_object() || ContentHash(stored.as_object()) != r.content_sha256)
    return MakeError(absl::StatusCode::kDataLoss, "duty.letter_altered", "责任书内容与签发时的摘要不一致，不能签订");
  if (content_sha256 != r.content_sha256)
    return Conflict("duty.letter_changed", "所签内容与当前责任书不一致，请重新打开责任书核对后签订");
  std::string signer = org::PersonName(db, who.person_id);
  QF_ASSIGN_OR_RETURN(auto up, db.Prepare(
      "UPDATE duty_letters SET signed_by = ?, signer_name = ?, signed_at = ? WHERE id = ? AND signed_at IS NULL"));
  up.Bind(1, who.account_id).Bind(2, signer).Bind(3, FormatUtc(tx.now())).Bind(4, letter_id);
  QF_RETURN_IF_ERROR(up.Run());
  if (db.Changes() != 1) return Conflict("duty.signed", "该责任书已签订");
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("duty.letter_signed", LetterSubject(letter_id),
                                             {{"content_sha256", r.content_sha256}, {"unit_id", r.unit_id},
                                              {"person_id", who.person_id}, {"signer", signer},
                                              {"account_id", who.account_id}}));
  return json::object{{"id", letter_id}, {"signed", true}, {"signer_name", signer}, {"signed_at", FormatUtc(tx.now())},
                      {"content_sha256", r.content_sha256}, {"ledger_seq", seq}};
}

absl::StatusOr<int> SweepLetterCards(Tx& tx, const DutyEnv& env) {
  QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT id, due_on FROM duty_letters WHERE signed_at IS NULL"));
  std::vector<cases::OpenDue> open;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    open.push_back({{st.Int(0)}, LetterSubject(st.Int(0)), st.Text(1)});
  }
  return cases::IssueCards(tx, *env.calendar, env.policies->supervision(), open,
                           {"duty_letter_cards", "letter_id", "duty.letter_card", "责任书", {}});
}

absl::StatusOr<json::object> Letters(Db& db, const LetterFilter& f, const Principal& who, absl::Time now) {
  absl::CivilDay today = CstDay(now);
  std::string where = "l.year = ?";
  std::vector<std::variant<int64_t, std::string>> args{int64_t{f.year}};
  if (!ReadsAll(who)) {
    where += " AND (l.unit_id = ? OR l.issuer_unit_id = ?)";
    args.push_back(who.unit_id);
    args.push_back(who.unit_id);
  }
  if (!f.kind.empty()) {
    where += " AND u.kind = ?";
    args.push_back(f.kind);
  }
  if (!f.district.empty()) {
    where += " AND u.district = ?";
    args.push_back(f.district);
  }
  // The counts are of the letters in scope and filter, signed or not.
  QF_ASSIGN_OR_RETURN(auto cs, db.Prepare(fmt::format(
      "SELECT COUNT(*), COUNT(l.signed_at), SUM(CASE WHEN l.signed_at IS NULL AND l.due_on < ? THEN 1 ELSE 0 END) "
      "FROM {} WHERE {}", kLetterFrom, where)));
  cs.Bind(1, FormatDay(today)).BindAll(args, 2);
  QF_ASSIGN_OR_RETURN(bool crow, cs.Step());
  int64_t total = crow ? cs.Int(0) : 0, signed_count = crow ? cs.Int(1) : 0, overdue = crow ? cs.Int(2) : 0;
  if (f.signed_ == "yes") where += " AND l.signed_at IS NOT NULL";
  if (f.signed_ == "no") where += " AND l.signed_at IS NULL";
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format("SELECT {} FROM {} WHERE {} ORDER BY u.kind, u.district, u.name, l.id "
                                                      "LIMIT ? OFFSET ?", kLetterColumns, kLetterFrom, where)));
  st.BindAll(args);
  st.Bind(static_cast<int>(args.size()) + 1, f.limit).Bind(static_cast<int>(args.size()) + 2, f.offset);
  json::array items;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    items.push_back(Summary(ReadLetter(st), today));
  }
  return json::object{{"year", f.year}, {"total", total}, {"signed", signed_count}, {"unsigned", total - signed_count},
                      {"overdue", overdue}, {"items", std::move(items)}};
}

absl::StatusOr<json::object> LetterView(Db& db, int64_t id, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(LetterRow r, MustLetter(db, id));
  QF_ASSIGN_OR_RETURN(bool head, HeadOf(db, who, r.unit_id));
  if (!MaySee(r, who, head)) return NotFound("duty.letter_not_found", "责任书不存在");
  json::object out = Summary(r, CstDay(now));
  boost::system::error_code ec;
  json::value content = json::parse(r.content, ec);
  if (ec || !content.is_object())
    return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_json", "责任书内容无法读取");
  // The stored content is checked against the hash the ledger recorded at issue: an altered letter shows as such.
  out["content_matches"] = ContentHash(content.as_object()) == r.content_sha256;
  out["content"] = std::move(content);
  json::array actions;
  if (MayTake(LetterAction::kSign, {!r.signed_at.empty(), head}).ok()) actions.push_back("sign");
  out["actions"] = std::move(actions);
  QF_ASSIGN_OR_RETURN(auto cards, db.Prepare("SELECT kind, due_on, issued_at FROM duty_letter_cards WHERE letter_id = ? "
                                             "ORDER BY issued_at"));
  cards.Bind(1, id);
  json::array cs;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, cards.Step());
    if (!row) break;
    cs.push_back(json::object{{"kind", cards.Text(0)}, {"due_on", cards.Text(1)}, {"issued_at", cards.Text(2)}});
  }
  out["cards"] = std::move(cs);
  return out;
}

}  // namespace qf::duty
