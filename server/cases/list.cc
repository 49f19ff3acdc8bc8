// The case list: the caller's scope and wall, filters, words from the search index, sorting and paging, with
// each row's most urgent deadline and colour.
#include <map>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/model.h"
#include "cases/store.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/org.h"
#include "search/query.h"

namespace qf::cases {

namespace json = boost::json;

constexpr int64_t kMaxCounted = 10000;
constexpr int64_t kRankedMatches = 2000;

bool IsListSortKey(std::string_view key) {
  return key == "received_at" || key == "due_on" || key == "state" || key == "id" || key == "relevance";
}

namespace {

// States in which `roles` has an action that moves a case on: `any` for actions open to the role wherever the
// case is handled, `unit` for those that need the case to be handled in the caller's unit subtree.
struct WaitingStates {
  std::string any, unit;  // SQL lists: ('a','b') or ('')
};
WaitingStates WaitingFor(RoleSet roles) {
  std::vector<std::string> any, unit;
  for (int i = 0; i <= static_cast<int>(State::kMerged); ++i) {
    State s = static_cast<State>(i);
    bool outside = false, inside = false;
    for (Action a : AllActions()) {
      if (RolesFor(a) == kPublic || Next(s, a) == s) continue;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, false}).ok()) outside = true;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, true}).ok()) inside = true;
    }
    if (outside) any.push_back(fmt::format("'{}'", StateName(s)));
    else if (inside) unit.push_back(fmt::format("'{}'", StateName(s)));
  }
  auto list = [](const std::vector<std::string>& v) { return "(" + (v.empty() ? std::string("''") : Join(v, ",")) + ")"; };
  return {list(any), list(unit)};
}

}  // namespace

absl::StatusOr<json::object> List(Db& db, const CaseEnv& env, const ListFilter& f, const Principal& who, absl::Time now) {
  // Scope: supervisors see all; clerks and leaders all unrestricted cases; handlers their unit subtree.
  // Wall: never a case naming the viewer or a declared relative, nor a restricted or leadership case about the
  // viewer's own unit.
  WaitingStates waiting = WaitingFor(who.roles);
  std::string next_due = fmt::format(
      "(SELECT MIN(d.due_on) FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open' AND d.kind IN {})",
      SqlWatchedKinds());
  std::string where = fmt::format(
      "(?4=1 OR (?5=1 AND c.restricted=0) OR (?6=1 AND {sub})) "
      "AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.case_id=c.id AND {me}) "
      "AND NOT ((c.restricted=1 OR c.leadership_accused=1) AND {anc}) "
      "AND (?7='' OR c.state=?7) AND (?8='' OR c.channel=?8) AND (?9='' OR c.category=?9) AND (?10='' OR c.district=?10) "
      "AND (?11=0 OR c.handling_unit_id=?11) AND (?12='' OR c.received_at >= ?12) AND (?13='' OR c.received_at < ?13) "
      "AND (?14=0 OR EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open' AND d.due_on < ?15 "
      "AND d.kind IN {})) "
      "AND (?16=0 OR c.state IN {waiting_any} OR (c.state IN {waiting_unit} AND {sub})) "
      "AND (?17='' OR c.receipt=?17)",
      SqlWatchedKinds(), fmt::arg("sub", org::InSubtreeSql("c.handling_unit_id", "?1")),
      fmt::arg("anc", org::InAncestrySql("c.concerned_unit_id", "?1")),
      fmt::arg("me", org::SelfOrRelativeSql("cp.person_id", "?2")), fmt::arg("waiting_any", waiting.any),
      fmt::arg("waiting_unit", waiting.unit));
  // Words (not a receipt code) search the full-text index: the match, its rank and highlighted passages
  // come from case_fts, which holds the text as handlers may read it.
  std::string q(Trim(f.q));
  std::optional<std::string> receipt = q.empty() ? std::nullopt : ParseReceiptCode(q);
  std::optional<std::string> match = q.empty() || receipt ? std::nullopt : search::MatchExpression(q);
  if (!q.empty() && !receipt && !match)
    return Invalid("cases.filter", "搜索词无效", {{"q", "请输入要查找的字词或回执码"}});
  // Relevance needs bm25 of every match (a join); any other order only needs membership, which SQLite answers
  // from the index's posting lists while it walks cases in the asked order and stops at the page. Highlights
  // and snippets are made afterwards for the page's rows only.
  bool ranked = match && f.sort == "relevance";
  // Ranking scores the 2,000 most recently registered matches (kRankedMatches): scoring every match of a common
  // word (tens of thousands at 10^6 cases) costs hundreds of milliseconds; docs/PERFORMANCE.md has the numbers.
  std::string from = ranked ? fmt::format(
                                  "cases c JOIN (SELECT rowid AS fid, bm25(case_fts, 4.0, 1.0) AS score FROM case_fts "
                                  "WHERE case_fts MATCH ?18 AND rowid >= COALESCE((SELECT rowid FROM case_fts WHERE "
                                  "case_fts MATCH ?18 ORDER BY rowid DESC LIMIT 1 OFFSET {}), 0)) s ON s.fid = c.id",
                                  kRankedMatches - 1)
                            : "cases c";
  if (match && !ranked) where += " AND c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?18)";
  std::string order = ranked ? "s.score"
                      : f.sort == "due_on" ? fmt::format("{} IS NULL, {}", next_due, next_due)
                      : f.sort == "state" ? "c.state"
                      : f.sort == "id"    ? "c.id"
                                          : "c.received_at";
  const char* dir = ranked ? "ASC" : f.ascending ? "ASC" : "DESC";
  auto day_start = [](const std::string& d, int add) { return FormatUtc(CstStart(*ParseDay(d) + add)); };
  auto bind = [&](Stmt& st) {
    st.Bind(1, who.unit_id).Bind(2, who.person_id).Bind(4, int64_t{who.Has(kSupervisor)})
        .Bind(5, int64_t{who.Has(kClerk) || who.Has(kLeader)}).Bind(6, int64_t{who.Has(kHandler)})
        .Bind(7, f.state).Bind(8, f.channel).Bind(9, f.category).Bind(10, f.district).Bind(11, f.unit_id)
        .Bind(12, f.from ? day_start(*f.from, 0) : "").Bind(13, f.to ? day_start(*f.to, 1) : "")
        .Bind(14, int64_t{f.overdue}).Bind(15, FormatDay(CstDay(now))).Bind(16, int64_t{f.mine})
        .Bind(17, receipt.value_or(""));
    if (match) st.Bind(18, *match);
  };
  // The total is counted up to kMaxCounted (a page never needs more, and counting a common word over millions of
  // cases would cost more than the page); above it the answer says total_capped.
  int64_t total = 0;
  {
    QF_ASSIGN_OR_RETURN(auto count, db.Prepare(fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {})",
                                                           from, where, kMaxCounted + 1)));
    bind(count);
    QF_RETURN_IF_ERROR(count.Step().status());
    total = count.Int(0);
  }
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(fmt::format(
      "SELECT {}, {}, (SELECT name FROM org_units WHERE id=c.handling_unit_id), "
      "(SELECT name FROM org_units WHERE id=c.concerned_unit_id){} FROM {} WHERE {} "
      "ORDER BY {} {}, c.id {} LIMIT ?19 OFFSET ?20",
      kRowColumns, next_due, "", from, where, order, dir, dir)));
  bind(st);
  st.Bind(19, f.limit).Bind(20, f.offset);
  json::array items;
  absl::CivilDay today = CstDay(now);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row c = ReadRow(st);
    std::optional<std::string> due = st.OptText(kRowColumnCount);
    std::string handling_unit = st.Text(kRowColumnCount + 1), concerned_unit = st.Text(kRowColumnCount + 2);
    BlackOut(c, who);
    json::object item{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"channel", c.channel},
                      {"channel_label", LabelOf(kChannels, c.channel).value_or("")}, {"category", c.category},
                      {"category_label", LabelOf(kCategories, c.category).value_or("")},
                      {"state", c.state_name}, {"state_label", std::string(StateLabel(c.state()))},
                      {"title", c.title}, {"received_at", c.received_at}, {"district", c.district},
                      {"handling_unit_id", c.handling_unit_id}, {"handling_unit", handling_unit},
                      {"concerned_unit", concerned_unit}, {"restricted", c.restricted}};
    item["due_on"] = due ? json::value(*due) : json::value(nullptr);
    if (due) {
      absl::CivilDay d = *ParseDay(*due);
      item["working_days_left"] = d >= today ? env.calendar->WorkingDaysBetween(today, d)
                                             : -env.calendar->WorkingDaysBetween(d, today);
    }
    items.push_back(std::move(item));
  }
  // Deadline colours for the page, read after the list statement is done with its connection.
  for (auto& item : items) {
    auto& o = item.as_object();
    QF_ASSIGN_OR_RETURN(auto all, LoadDeadlines(db, o["id"].as_int64()));
    Colour colour = Colour::kNone;
    for (const auto& d : all) {
      if (d.status != DeadlineStatus::kOpen) continue;
      colour = Worse(colour, Assess(InfoOf(d.kind).watch, d.status, d.due, today, *env.calendar,
                                    env.policies->supervision()).colour);
    }
    o["deadline_colour"] = ColourName(colour);
  }
  if (match && !items.empty()) {
    // Marked with U+0002 … U+0003 around each hit; the page escapes the text and marks the hits.
    std::vector<std::string> ids;
    for (auto& item : items) ids.push_back(std::to_string(item.as_object()["id"].as_int64()));
    QF_ASSIGN_OR_RETURN(auto hl, db.Prepare(
        "SELECT rowid, highlight(case_fts, 0, char(2), char(3)), snippet(case_fts, 1, char(2), char(3), '…', 24) "
        "FROM case_fts WHERE case_fts MATCH ?1 AND rowid IN (" + Join(ids, ",") + ")"));
    hl.Bind(1, *match);
    std::map<int64_t, std::pair<std::string, std::string>> marks;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, hl.Step());
      if (!row) break;
      marks[hl.Int(0)] = {hl.Text(1), hl.Text(2)};
    }
    for (auto& item : items) {
      auto& o = item.as_object();
      if (auto it = marks.find(o["id"].as_int64()); it != marks.end()) {
        o["title_highlight"] = it->second.first;
        o["snippet"] = it->second.second;
      }
    }
  }
  json::object out{{"items", items}, {"total", std::min(total, kMaxCounted)}, {"offset", f.offset}, {"limit", f.limit}};
  if (total > kMaxCounted) out["total_capped"] = true;
  return out;
}

}  // namespace qf::cases
