// The case list: the caller's scope and wall, filters, words from the search index, sorting and paging, with
// each row's most urgent deadline and colour.
#include <map>
#include <set>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/model.h"
#include "cases/store.h"
#include "common/receipt.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "cases/deadlines.h"
#include "fmt/format.h"
#include "org/org.h"
#include "search/champions.h"
#include "search/index.h"

namespace qf::cases {

namespace json = boost::json;

constexpr int64_t kMaxCounted = 10000;
constexpr int64_t kMaxCountedWords = 200;  // common words: each counted case costs a probe of the index
constexpr int64_t kRankedMatches = 2000;
constexpr int64_t kRareMatches = 5000;  // words in at most this many cases drive the query from the index
constexpr int64_t kNewestCut = 5000;    // a common word's newest matches read at most, newest first
constexpr int64_t kMaxAlerts = 2000;    // the cases near or past a deadline coloured for MyAlerts at most
// The cases whose keys are bound as one JSON array (few, found beforehand): looked up by key.
constexpr const char* kKeysIn = "c.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))";

bool IsListSortKey(std::string_view key) {
  return key == "received_at" || key == "due_on" || key == "state" || key == "id" || key == "relevance";
}

namespace {

// What a row of the list reads (ReadRows): the case's own columns the list shows, its units' names, and its open
// deadlines as "kind day,kind day…" (the nearest watched one and the row's colour are worked out from them).
// Not the case's texts: a list never shows them, and reading them cost most of a district handler's page.
constexpr const char* kListColumns =
    "c.id,c.receipt,c.channel,c.category,c.state,c.title,c.received_at,COALESCE(c.district,''),"
    "COALESCE(c.handling_unit_id,0),c.restricted,c.redactions";
const std::string& ListColumns() {
  static const std::string kColumns = fmt::format(
      "{}, (SELECT name FROM org_units WHERE id=c.handling_unit_id), "
      "(SELECT name FROM org_units WHERE id=c.concerned_unit_id), "
      "(SELECT group_concat(d.kind || ' ' || d.due_on) FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open')",
      kListColumns);
  return kColumns;
}

// States in which `roles` has an action that moves a case on: `any` for actions open to the role wherever the
// case is handled, `unit` for those that need the case to be handled in the caller's unit subtree.
struct WaitingStates {
  std::set<State> any, unit;
  std::string AnySql() const { return StatesSql([this](State s) { return any.contains(s); }); }
  std::string UnitSql() const { return StatesSql([this](State s) { return unit.contains(s); }); }
};
WaitingStates WaitingFor(RoleSet roles) {
  WaitingStates out;
  for (int i = 0; i <= static_cast<int>(State::kMerged); ++i) {
    State s = static_cast<State>(i);
    bool outside = false, inside = false;
    for (Action a : AllActions()) {
      if (RolesFor(a) == kPublic || Next(s, a) == s) continue;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, false}).ok()) outside = true;
      if (Check({.state = s, .checklist_complete = true}, a, {roles, true}).ok()) inside = true;
    }
    if (outside) out.any.insert(s);
    else if (inside) out.unit.insert(s);
  }
  return out;
}

}  // namespace

absl::StatusOr<ListQuery> PlanList(Db& db, const ListFilter& f, const Principal& who, absl::Time now) {
  // The statement is assembled from the filters actually given, so that each one is a plain condition the planner
  // can serve from its index (docs/PERFORMANCE.md, "Case lists"); cases/list_plan_test.cc holds every shape to an
  // index. Scope and wall come from access (VisibleSql), the same rule as the detail's CanSee.
  QF_ASSIGN_OR_RETURN(SqlCondition visible, VisibleSql(db, who));
  std::vector<std::string> where{visible.sql};
  std::vector<std::variant<int64_t, std::string>> args = visible.args;
  std::map<size_t, std::string> count_forms;  // a condition written otherwise for the count (same arguments)
  auto cond = [&](std::string sql, auto... values) {
    where.push_back(std::move(sql));
    (args.push_back(values), ...);
  };
  // Filters that pick few cases from their own index; with one of them the page is sorted after the search
  // instead of walking every case in the asked order.
  bool selective = false;
  std::string q(Trim(f.q));
  std::optional<std::string> receipt = q.empty() ? std::nullopt : ParseReceiptCode(q);
  std::optional<std::string> match = q.empty() || receipt ? std::nullopt : search::Query(db.backend(), q);
  if (!q.empty() && !receipt && !match)
    return Invalid("cases.filter", "搜索词无效", {{"q", "请输入要查找的字词或回执码"}});
  if (receipt) {
    cond("c.receipt = ?", *receipt);
    selective = true;
  }
  if (f.ids) {
    cond(kKeysIn, json::serialize(json::array(f.ids->begin(), f.ids->end())));
    selective = true;
  }
  // A handler sees only their subtree's cases: when those are few, they are listed first, unit by unit from the
  // handling-unit index, and the page is chosen among them, rather than a state's or a category's cases across the
  // whole city being walked and checked for the subtree one by one (a school's handler filtering on 待受理 walked a
  // million cases). Unit by unit, because neither planner can know that this subtree is the small side: SQLite
  // has no statistics, and PostgreSQL's, skewed by the divisions that handle most cases, chose a scan of the whole
  // table. The other filters are then written so that no index of theirs is taken instead ("|| ''").
  bool by_subtree = false;
  if (visible.subtree && !receipt && !f.unit_id) {
    QF_ASSIGN_OR_RETURN(auto units, org::Subtree(db, visible.subtree));
    json::array ids;
    if (db.backend() == Backend::kSqlite) {
      // SQLite seeks the index once per unit of the list within one statement (a district's 63 statements, one
      // per unit, cost 6 times as much).
      QF_ASSIGN_OR_RETURN(auto of_units, db.Prepare(
          "SELECT id FROM cases WHERE handling_unit_id IN (SELECT value FROM json_each(?)) LIMIT ?"));
      of_units.Bind(1, json::serialize(json::array(units.begin(), units.end()))).Bind(2, kRareMatches + 1);
      QF_ASSIGN_OR_RETURN(auto some, of_units.Ints());
      ids.insert(ids.end(), some.begin(), some.end());
    } else {
      QF_ASSIGN_OR_RETURN(auto of_unit, db.Prepare("SELECT id FROM cases WHERE handling_unit_id=? LIMIT ?"));
      for (size_t i = 0; i < units.size() && static_cast<int64_t>(ids.size()) <= kRareMatches; ++i) {
        of_unit.Reset().Bind(1, units[i]).Bind(2, kRareMatches + 1 - static_cast<int64_t>(ids.size()));
        QF_ASSIGN_OR_RETURN(auto some, of_unit.Ints());
        ids.insert(ids.end(), some.begin(), some.end());
      }
    }
    by_subtree = static_cast<int64_t>(ids.size()) <= kRareMatches;
    if (by_subtree) {
      cond(kKeysIn, json::serialize(ids));
      selective = true;
    }
  }
  auto column = [by_subtree](const char* c) { return by_subtree ? fmt::format("({} || '')", c) : std::string(c); };
  // (state, received_at) serves both the filter and the order
  if (!f.state.empty()) cond(column("c.state") + " = ?", f.state);
  if (!f.channel.empty()) cond(column("c.channel") + " = ?", f.channel);
  if (!f.category.empty()) cond(column("c.category") + " = ?", f.category);
  if (!f.district.empty()) cond(column("c.district") + " = ?", f.district);
  if (f.unit_id) {
    cond("c.handling_unit_id = ?", f.unit_id);
    selective = true;
  }
  auto day_start = [](const std::string& d, int add) { return FormatUtc(CstStart(*ParseDay(d) + add)); };
  if (f.from) cond(column("c.received_at") + " >= ?", day_start(*f.from, 0));
  if (f.to) cond(column("c.received_at") + " < ?", day_start(*f.to, 1));
  // Cases with an open watched deadline due before a day (overdue: before today) or on or before one (due_by).
  auto by_deadline = [&](const char* compare, const std::string& day) -> absl::Status {
    // Driven by the open-deadline index: the overdue are few however many cases there are.
    std::string due = fmt::format(
        "SELECT d.case_id FROM case_deadlines d WHERE d.status = 'open' AND d.due_on {} ? AND d.kind IN {}",
        compare, SqlWatchedKinds());
    bool by_keys = false;
    if (db.backend() == Backend::kPostgres) {
      // PostgreSQL estimates the open deadlines past due from each column alone (the review windows that ran out
      // count among them) and, expecting thousands, joined them to a walk of every case (150 ms at 153,000 cases
      // for 8 overdue): they are read first, as a subtree's cases are, and the cases looked up by key.
      QF_ASSIGN_OR_RETURN(auto st, db.Prepare(due + " LIMIT ?"));
      st.Bind(1, day).Bind(2, kRareMatches + 1);
      QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
      by_keys = static_cast<int64_t>(ids.size()) <= kRareMatches;
      if (by_keys) cond(kKeysIn, json::serialize(json::array(ids.begin(), ids.end())));
    }
    if (!by_keys) cond("c.id IN (" + due + ")", day);
    selective = true;
    return absl::OkStatus();
  };
  if (f.overdue) QF_RETURN_IF_ERROR(by_deadline("<", FormatDay(CstDay(now))));
  if (f.due_by) QF_RETURN_IF_ERROR(by_deadline("<=", FormatDay(*f.due_by)));
  if (f.mine) {
    WaitingStates waiting = WaitingFor(who.roles);
    // New registrations are the largest pool of waiting cases: for the intake roles who act on them, "mine" picks
    // many, and walking in the asked order stops at the page sooner than sorting them all ("|| ''" keeps the planner
    // off the state index); for the other roles the waiting states are few and their index drives.
    std::string state = waiting.any.contains(State::kRegistered) ? "(c.state || '')" : "c.state";
    auto mine = [&](const std::string& column) {
      return fmt::format("({0} IN {1} OR ({0} IN {2} AND {3}))", column, waiting.AnySql(), waiting.UnitSql(),
                         org::InSubtreeSql("c.handling_unit_id", "?"));
    };
    // The total is counted from the state index (a count has no order to keep; PostgreSQL walked every row for it).
    count_forms[where.size()] = mine("c.state");
    cond(mine(state), who.unit_id);
  }
  // Words: the search index answers membership. A rare word (its rarest bigram in few cases) drives the query
  // from the index; a common one is checked while cases are walked in the asked order, which stops at the page.
  bool ranked = match && f.sort == "relevance";
  size_t member_at = 0, member_arg = 0;  // the word's condition among `where`, its value among `args`
  std::string newest_sql;
  bool newest_complete = true;
  std::optional<search::Membership> member;
  if (match) {
    QF_ASSIGN_OR_RETURN(member, search::MembershipFor(db, q, kRareMatches));
  }
  // Relevance orders every match. Filters that pick few cases score each of their matches (scored_per_row); a word
  // in few cases has all its matches scored at once; a common word over broad filters is ranked from its champion
  // list when there is one (List: FromChampions) and otherwise among its kRankedMatches newest matches — scoring
  // every match of a common word (tens of thousands at 10^6 cases) costs hundreds of milliseconds in a request;
  // docs/PERFORMANCE.md has the numbers.
  bool scored_per_row = ranked && selective;
  bool common_ranked = ranked && !selective && !member->selective;
  if (match && (!ranked || scored_per_row)) {  // otherwise the join with the scored matches is the membership
    member_at = where.size();
    member_arg = args.size();
    cond(member->sql, *match);
    selective = selective || member->selective;
    if (!ranked) newest_sql = member->newest_sql;
    newest_complete = member->newest_complete;
  }
  std::string from = "cases c", count_from = "cases c";
  std::vector<std::variant<int64_t, std::string>> from_args, count_from_args;
  std::optional<search::RowScored> row_score;  // each case scored where it is (scored_per_row, common_ranked)
  if (scored_per_row) {
    QF_ASSIGN_OR_RETURN(row_score, search::RowScore(db, q, *match));
    from_args = row_score->args;
  } else if (ranked) {
    // The count needs the same matches but not their scores.
    QF_ASSIGN_OR_RETURN(auto r, search::RankedMatches(db, q, *match, common_ranked ? kRankedMatches : kRareMatches));
    from = "cases c JOIN " + r.sql + " s ON s.fid = c.id";
    count_from = "cases c JOIN " + r.members_sql + " s ON s.fid = c.id";
    from_args = std::move(r.args);
    count_from_args = std::move(r.members_args);
    if (common_ranked) row_score = std::move(r.row);
  }
  std::string next_due = fmt::format(
      "(SELECT MIN(d.due_on) FROM case_deadlines d WHERE d.case_id=c.id AND d.status='open' AND d.kind IN {})",
      SqlWatchedKinds());
  // A selective filter sorts its few rows (an expression, not the bare column, keeps the planner from walking the
  // order's index instead).
  auto sorted = [&](const char* column, const char* unindexed) { return std::string(selective ? unindexed : column); };
  std::string order = ranked               ? "s.score"
                      : f.sort == "due_on" ? fmt::format("{} IS NULL, {}", next_due, next_due)
                      : f.sort == "state"  ? sorted("c.state", "c.state || ''")
                      : f.sort == "id"     ? sorted("c.id", "c.id + 0")
                                           : sorted("c.received_at", "c.received_at || ''");
  const char* dir = ranked ? "ASC" : f.ascending ? "ASC" : "DESC";
  std::string conditions = Join(where, " AND ");
  std::vector<std::string> count_where = where;
  // Not beside a selective filter: its own index drives the count as it drives the page (a clerk's overdue cases
  // among their waiting ones were counted by walking every registered case: 115 ms at 163,000 cases).
  if (!selective)
    for (auto& [at, form] : count_forms) count_where[at] = form;
  std::vector<std::variant<int64_t, std::string>> all = from_args, counted = count_from_args;
  all.insert(all.end(), args.begin(), args.end());
  counted.insert(counted.end(), args.begin(), args.end());
  // The total is counted up to a cap (a page never needs more, and counting a common word over millions of cases
  // would cost more than the page); above it the answer says total_capped.
  int64_t cap = match && !selective ? kMaxCountedWords : kMaxCounted;
  ListQuery out;
  out.cap = cap;
  out.match = match;
  out.args = std::move(all);
  out.count_args = std::move(counted);
  out.count_sql = fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) AS capped", count_from,
                              Join(count_where, " AND "), cap + 1);
  std::string columns = ListColumns();
  if (!newest_sql.empty() && !selective && !f.ascending && (f.sort == "received_at" || f.sort == "id")) {
    // A common word newest first: List tries the page among the word's newest matches first (cut_*), sorted after
    // like any selective filter's, and keeps it when later_sql shows it is the whole list's page.
    std::vector<std::string> cut_where = where;
    cut_where[member_at] = kKeysIn;
    std::string cut_conditions = Join(cut_where, " AND ");
    out.newest_sql = std::move(newest_sql);
    out.newest_complete = newest_complete;
    out.cut_arg = member_arg;
    out.cut_count_sql = fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {} LIMIT {}) AS capped",
                                    cut_conditions, cap + 1);
    out.cut_page_sql = fmt::format("SELECT {} FROM cases c WHERE {} ORDER BY {} DESC, c.id DESC LIMIT ? OFFSET ?",
                                   columns, cut_conditions, f.sort == "id" ? "c.id + 0" : "c.received_at || ''");
    // Walks the cases received after the page's last row (few) by the received index ("+ 0" keeps the planner off
    // the key's range, which holds nearly every case).
    out.later_sql = fmt::format("SELECT 1 FROM cases c WHERE c.received_at > ? AND c.id + 0 < ? AND {} LIMIT 1",
                                conditions);
  }
  // Each case the filters pick scored by the index's entry for it; the page's rows are read whole after.
  auto scored_page = [&](const std::string& conditions) {
    return fmt::format(
        "SELECT {} FROM cases c JOIN (SELECT pid, pscore FROM (SELECT c.id AS pid, {} AS pscore FROM cases c WHERE {}) "
        "AS m WHERE pscore IS NOT NULL ORDER BY pscore ASC, pid ASC LIMIT ? OFFSET ?) AS p ON p.pid = c.id "
        "ORDER BY p.pscore ASC, c.id ASC",
        columns, row_score->sql, conditions);
  };
  if (common_ranked) {
    out.every_match = false;
    out.champions = true;
    out.few_page_sql = scored_page(conditions + " AND " + member->sql);
    out.few_page_args = row_score->args;
    out.few_page_args.insert(out.few_page_args.end(), args.begin(), args.end());
    out.few_page_args.push_back(*match);
    out.candidates_sql = fmt::format(
        "SELECT c.id FROM cases c WHERE {} AND {}", conditions, kKeysIn);
    out.rows_sql =
        fmt::format("SELECT {} FROM cases c WHERE {}", columns, kKeysIn);
    out.match_count_sql = fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {} AND {} LIMIT {}) AS capped",
                                      Join(count_where, " AND "), member->sql, cap + 1);
    out.candidates_args = args;
    out.match_count_args = args;
    out.match_count_args.push_back(*match);
  }
  if (scored_per_row) {
    out.page_sql = scored_page(conditions);
  } else if (ranked) {
    // The scored matches are sorted by their keys alone and only the page's rows are read whole: a sort carries
    // every column it returns, and the deadline and unit names are looked up per row sorted.
    out.page_sql = fmt::format(
        "SELECT {} FROM cases c JOIN (SELECT c.id AS pid, s.score AS pscore FROM {} WHERE {} "
        "ORDER BY s.score ASC, c.id ASC LIMIT ? OFFSET ?) AS p ON p.pid = c.id ORDER BY p.pscore ASC, c.id ASC",
        columns, from, conditions);
  } else {
    // The page's keys first, then its rows whole: sorting the few cases of a selective filter would otherwise
    // look up every one's deadline and unit names before the sort (a district handler's list: a third of its time).
    // The order's keys (by deadline: open ones first, then the date), carried out of the page for its sort.
    std::vector<std::string> keys = f.sort == "due_on" ? std::vector<std::string>{next_due + " IS NULL", next_due}
                                                        : std::vector<std::string>{order};
    std::vector<std::string> carried, outer;
    for (size_t i = 0; i < keys.size(); ++i) {
      carried.push_back(fmt::format("{} AS pk{}", keys[i], i));
      outer.push_back(i + 1 < keys.size() ? fmt::format("p.pk{}", i) : fmt::format("p.pk{} {}", i, dir));
    }
    // A handler's subtree: every case it passes is sorted for the page anyway, so the page counts them too.
    out.page_counts = by_subtree;
    if (out.page_counts) carried.push_back("COUNT(*) OVER () AS pn");
    out.page_sql = fmt::format(
        "SELECT {0} FROM cases c JOIN (SELECT c.id AS pid, {3} FROM {1} WHERE {2} ORDER BY {4} {5}, c.id {5} "
        "LIMIT ? OFFSET ?) AS p ON p.pid = c.id ORDER BY {6}, c.id {5}",
        out.page_counts ? columns + ", p.pn" : columns, from, conditions, Join(carried, ", "), order, dir, Join(outer, ", "));
  }
  return out;
}

namespace {

using Values = std::vector<std::variant<int64_t, std::string>>;

// A page of the list: the total counted (up to the cap) and the rows as the list shows them.
struct Page {
  int64_t total = 0;
  json::array items;
};

absl::StatusOr<int64_t> Count(Db& db, const std::string& sql, const Values& args) {
  QF_ASSIGN_OR_RETURN(auto count, db.Prepare(sql));
  count.BindAll(args);
  QF_RETURN_IF_ERROR(count.Step().status());
  return count.Int(0);
}

// The rows of `st` (bound, not yet stepped; its columns ListColumns(), then the count when `counted` is given) as
// the list shows them: due_on is the nearest open deadline a supervisor watches, the colour the worst of the open
// ones'.
absl::StatusOr<json::array> ReadRows(Stmt& st, const CaseEnv& env, const Principal& who, absl::Time now,
                                     int64_t* counted = nullptr) {
  json::array items;
  absl::CivilDay today = CstDay(now);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row c;
    c.id = st.Int(0); c.receipt = st.Text(1); c.channel = st.Text(2); c.category = st.Text(3);
    c.state_name = st.Text(4); c.title = st.Text(5); c.received_at = st.Text(6); c.district = st.Text(7);
    c.handling_unit_id = st.Int(8); c.restricted = st.Int(9) != 0; c.redactions = st.Text(10);
    std::string handling_unit = st.Text(11), concerned_unit = st.Text(12);
    if (counted) *counted = st.Int(14);
    std::optional<absl::CivilDay> due;
    Colour colour = Colour::kNone;
    std::string open_deadlines = st.Text(13);
    for (std::string_view open : Split(open_deadlines, ',')) {
      if (open.empty()) continue;
      auto kind_day = SplitN(open, ' ', 2);
      auto kind = ParseDeadlineKind(kind_day[0]);
      auto day = kind_day.size() == 2 ? ParseDay(kind_day[1]) : std::nullopt;
      if (!kind || !day)
        return MakeError(absl::StatusCode::kDataLoss, "case.deadline_corrupt",
                         fmt::format("案件 {} 的期限记录无法读取（{}）", c.id, open));
      Watch watch = InfoOf(*kind).watch;
      if (watch != Watch::kNone && (!due || *day < *due)) due = *day;
      colour = Worse(colour, Assess(watch, DeadlineStatus::kOpen, *day, today, *env.calendar,
                                    env.policies->supervision()).colour);
    }
    BlackOut(c, who);
    json::object item{{"id", c.id}, {"receipt", DisplayReceiptCode(c.receipt)}, {"channel", c.channel},
                      {"channel_label", LabelOf(kChannels, c.channel).value_or("")}, {"category", c.category},
                      {"category_label", LabelOf(kCategories, c.category).value_or("")},
                      {"state", c.state_name}, {"state_label", std::string(StateLabel(c.state()))},
                      {"title", c.title}, {"received_at", c.received_at}, {"district", c.district},
                      {"handling_unit_id", c.handling_unit_id}, {"handling_unit", handling_unit},
                      {"concerned_unit", concerned_unit}, {"restricted", c.restricted}};
    item["due_on"] = due ? json::value(FormatDay(*due)) : json::value(nullptr);
    if (due) {
      absl::CivilDay d = *due;
      item["working_days_left"] = d >= today ? env.calendar->WorkingDaysBetween(today, d)
                                             : -env.calendar->WorkingDaysBetween(d, today);
    }
    item["deadline_colour"] = ColourName(colour);
    items.push_back(std::move(item));
  }
  return items;
}

// The rows of `page_sql` (binds: args, then the page's limit and offset).
absl::StatusOr<json::array> PageRows(Db& db, const CaseEnv& env, const std::string& page_sql, const Values& args,
                                     const ListFilter& f, const Principal& who, absl::Time now,
                                     int64_t* counted = nullptr) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(page_sql));
  st.BindAll(args);
  st.Bind(static_cast<int>(args.size()) + 1, f.limit).Bind(static_cast<int>(args.size()) + 2, f.offset);
  return ReadRows(st, env, who, now, counted);
}

// The page and the total; `page_counts`: the page's rows carry the total (ListQuery::page_counts), counted apart
// only when there is no row to carry it.
absl::StatusOr<Page> ReadPage(Db& db, const CaseEnv& env, const std::string& count_sql, const Values& count_args,
                              const std::string& page_sql, const Values& args, const ListFilter& f,
                              const Principal& who, absl::Time now, bool page_counts = false) {
  Page page;
  QF_ASSIGN_OR_RETURN(page.items, PageRows(db, env, page_sql, args, f, who, now, page_counts ? &page.total : nullptr));
  if (!page_counts || page.items.empty()) {
    QF_ASSIGN_OR_RETURN(page.total, Count(db, count_sql, count_args));
  }
  return page;
}

// A common word by relevance, answered from its champion list (search/champions.h) and the matches registered
// since it was built, when that is provably the list's page: the filters pass at least a page's worth of them
// scoring no worse than the list's last champion (every match left out scores no better than that), or the list
// holds every match. nullopt: not provable (or no list yet: one is asked for), rank the newest matches instead.
absl::StatusOr<std::optional<Page>> FromChampions(Db& db, const CaseEnv& env, const ListQuery& plan,
                                                  const ListFilter& f, const Principal& who, absl::Time now) {
  auto& lists = search::ChampionLists();
  auto list = lists.Find(db.path(), *plan.match);
  if (!list || absl::Now() - list->built_at > absl::Minutes(10)) lists.Request(db.path(), std::string(Trim(f.q)), *plan.match);
  if (!list || f.offset + f.limit > search::kChampions / 2) return std::nullopt;
  QF_ASSIGN_OR_RETURN(auto since, search::ScoreMatchesAfter(db, *plan.match, *list, kRankedMatches + 1));
  if (static_cast<int64_t>(since.size()) > kRankedMatches) {
    lists.Request(db.path(), std::string(Trim(f.q)), *plan.match);  // too many new matches to score per request
    return std::nullopt;
  }
  std::map<int64_t, double> score;
  for (const auto& [s, id] : list->best) score[id] = s;
  for (const auto& [s, id] : since) score[id] = s;
  json::array candidates;
  for (const auto& [id, s] : score) candidates.push_back(id);
  std::vector<std::pair<double, int64_t>> passed;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(plan.candidates_sql));
    st.BindAll(plan.candidates_args);
    st.Bind(static_cast<int>(plan.candidates_args.size()) + 1, json::serialize(candidates));
    QF_ASSIGN_OR_RETURN(auto ids, st.Ints());
    for (int64_t id : ids) passed.push_back({score[id], id});
  }
  std::sort(passed.begin(), passed.end());
  int64_t end = f.offset + f.limit;
  bool every = list->every_match;
  Page page;
  page.total = static_cast<int64_t>(passed.size());
  if (page.total <= plan.cap && !every) {
    QF_ASSIGN_OR_RETURN(page.total, Count(db, plan.match_count_sql, plan.match_count_args));
  }
  if (!every && (static_cast<int64_t>(passed.size()) < end || passed[end - 1].first > list->bound)) {
    // The filters pass too few of the list: when they pass few matches at all, each of those is scored.
    if (page.total > plan.cap) return std::nullopt;
    QF_ASSIGN_OR_RETURN(page.items, PageRows(db, env, plan.few_page_sql, plan.few_page_args, f, who, now));
    return page;
  }
  json::array ids;
  for (int64_t i = f.offset; i < end && i < static_cast<int64_t>(passed.size()); ++i) ids.push_back(passed[i].second);
  if (ids.empty()) return page;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(plan.rows_sql));
  st.Bind(1, json::serialize(ids));
  QF_ASSIGN_OR_RETURN(auto rows, ReadRows(st, env, who, now));
  std::map<int64_t, json::value> by_id;
  for (auto& row : rows) by_id[row.as_object().at("id").as_int64()] = std::move(row);
  for (const auto& id : ids)
    if (auto it = by_id.find(id.as_int64()); it != by_id.end()) page.items.push_back(std::move(it->second));
  return page;
}

// A common word newest first, answered from its newest matches (the cut) when that is provably the list's page:
// the cut holds every match; or the page is full and no match outside the cut sorts before its last row (a case
// outside has a lower number, so sorted by number it comes after; sorted by received time it comes after unless
// received later than that row — a back-dated entry registered late — which later_sql looks for among the few
// cases received since). The count is the cut's, or "more than the cap" when the cut alone holds more. nullopt:
// not provable, run the list as planned.
absl::StatusOr<std::optional<Page>> FromNewestMatches(Db& db, const CaseEnv& env, const ListQuery& plan,
                                                      const ListFilter& f, const Principal& who, absl::Time now) {
  if (f.offset + f.limit > kNewestCut / 4) return std::nullopt;
  int64_t want = std::max(plan.cap + 1, 4 * (f.offset + f.limit));
  json::array ids;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare(plan.newest_sql));
    st.Bind(1, *plan.match).Bind(2, want);
    QF_ASSIGN_OR_RETURN(auto some, st.Ints());
    ids.insert(ids.end(), some.begin(), some.end());
  }
  // Fewer than asked: every match, when the list of matches is complete (else only the newest stretch was looked at).
  bool every_match = plan.newest_complete && static_cast<int64_t>(ids.size()) < want;
  if (ids.empty()) return every_match ? std::optional<Page>(Page{}) : std::nullopt;
  int64_t lowest = ids.back().as_int64();
  Values args = plan.args, count_args = plan.count_args;
  args[plan.cut_arg] = count_args[plan.cut_arg] = json::serialize(ids);
  QF_ASSIGN_OR_RETURN(Page page, ReadPage(db, env, plan.cut_count_sql, count_args, plan.cut_page_sql, args, f, who, now));
  if (every_match) return page;
  if (page.total <= plan.cap || static_cast<int64_t>(page.items.size()) < f.limit) return std::nullopt;
  if (f.sort == "received_at") {
    QF_ASSIGN_OR_RETURN(auto later, db.Prepare(plan.later_sql));
    later.Bind(1, std::string(page.items.back().as_object().at("received_at").as_string())).Bind(2, lowest);
    later.BindAll(plan.args, 3);
    QF_ASSIGN_OR_RETURN(bool any, later.Step());
    if (any) return std::nullopt;
  }
  return page;
}

}  // namespace

absl::StatusOr<json::object> List(Db& db, const CaseEnv& env, const ListFilter& f, const Principal& who, absl::Time now) {
  QF_ASSIGN_OR_RETURN(ListQuery plan, PlanList(db, f, who, now));
  const auto& match = plan.match;
  int64_t cap = plan.cap;
  std::optional<Page> page;
  bool every_match = plan.every_match;
  if (!plan.newest_sql.empty()) {
    QF_ASSIGN_OR_RETURN(page, FromNewestMatches(db, env, plan, f, who, now));
  }
  if (plan.champions) {
    QF_ASSIGN_OR_RETURN(page, FromChampions(db, env, plan, f, who, now));
    every_match = page.has_value();
  }
  if (!page) {
    QF_ASSIGN_OR_RETURN(page, ReadPage(db, env, plan.count_sql, plan.count_args, plan.page_sql, plan.args, f, who, now,
                                       plan.page_counts));
  }
  int64_t total = page->total;
  json::array items = std::move(page->items);
  if (match && !items.empty()) {
    // Marked with U+0002 … U+0003 around each hit; the page escapes the text and marks the hits.
    std::vector<int64_t> ids;
    for (auto& item : items) ids.push_back(item.as_object()["id"].as_int64());
    QF_ASSIGN_OR_RETURN(auto marks, search::Highlights(db, Trim(f.q), ids));
    for (auto& item : items) {
      auto& o = item.as_object();
      if (auto it = marks.find(o["id"].as_int64()); it != marks.end()) {
        o["title_highlight"] = it->second.title;
        o["snippet"] = it->second.snippet;
      }
    }
  }
  json::object out;
  out["items"] = std::move(items);  // moved, not copied: a page of rows is most of the answer's building
  out["total"] = std::min(total, cap);
  out["offset"] = f.offset;
  out["limit"] = f.limit;
  if (total > cap) out["total_capped"] = true;
  // By relevance: over every match, or (a common word, no list yet) among the newest kRankedMatches.
  if (match && f.sort == "relevance") out["relevance"] = every_match ? "all" : "newest";
  return out;
}

absl::StatusOr<json::object> MyAlerts(Db& db, const CaseEnv& env, const Principal& who, absl::Time now) {
  ListFilter f;
  f.mine = true;
  f.due_by = AlertHorizon(CstDay(now), *env.calendar, env.policies->supervision());
  f.sort = "id";
  f.limit = kMaxAlerts;
  QF_ASSIGN_OR_RETURN(auto list, List(db, env, f, who, now));
  int64_t red = 0, yellow = 0;
  for (const auto& item : list.at("items").as_array()) {
    const auto& colour = item.as_object().at("deadline_colour").as_string();
    red += colour == "red";
    yellow += colour == "yellow";
  }
  json::object out{{"red", red}, {"yellow", yellow}};
  // More cases near or past their deadlines than are coloured here: the counts are a floor.
  if (list.at("total").as_int64() > kMaxAlerts || list.contains("total_capped")) out["capped"] = true;
  return out;
}

}  // namespace qf::cases
