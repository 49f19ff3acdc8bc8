// The bell (cases/notifications.h): kNotified is the one table of who is told what.
#include "cases/notifications.h"

#include "absl/strings/numbers.h"
#include "cases/access.h"
#include "cases/store.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::cases {

namespace json = boost::json;

namespace {

struct Notified {
  const char* kind;   // a supervision kind (red, yellow, order, reminder, criticism) or a case event's kind
  RoleSet roles;      // who is told
};
// Cards and orders go to the handling unit and to those who watch deadlines; a case sent back (退回重办, 不同意退回)
// to the unit that handles it; a return approved (同意退回) to intake, who must route the case again.
constexpr Notified kNotified[] = {
    {"red", kHandler | kSupervisor | kLeader},      {"yellow", kHandler | kSupervisor},
    {"order", kHandler},                            {"reminder", kHandler | kLeader},
    {"criticism", kHandler | kLeader},              {"case.send_back", kHandler},
    {"case.redo", kHandler},                        {"case.refuse_return", kHandler},
    {"case.approve_return", kClerk | kSupervisor},
};
constexpr int kDays = 30;

bool Told(std::string_view kind, const Principal& who) {
  for (const auto& n : kNotified)
    if (kind == n.kind) return (who.roles & n.roles) != 0;
  return false;
}

}  // namespace

// 200 rows read from each source before visibility: the bell shows the newest. The case events' kinds as the partial
// index events_case_returns (migration 0035) names them, so that the planner takes it.
const char* const kBellCardsSql =
    "SELECT issued_at, kind, case_id, level FROM supervision WHERE issued_at >= ? ORDER BY issued_at DESC LIMIT 200";
const char* const kBellReturnsSql =
    "SELECT time, kind, subject FROM events "
    "WHERE kind IN ('case.send_back','case.redo','case.refuse_return','case.approve_return') ORDER BY seq DESC LIMIT 200";

absl::StatusOr<json::object> Notifications(Db& db, const Principal& who, absl::Time now, size_t limit) {
  std::string since = FormatUtc(now - absl::Hours(24 * kDays));
  struct Item {
    std::string at, kind;
    int64_t case_id, level;
  };
  std::vector<Item> found;
  QF_ASSIGN_OR_RETURN(auto cards, db.Prepare(kBellCardsSql));
  cards.Bind(1, since);
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, cards.Step());
    if (!row) break;
    if (Told(cards.Text(1), who)) found.push_back({cards.Text(0), cards.Text(1), cards.Int(2), cards.Int(3)});
  }
  QF_ASSIGN_OR_RETURN(auto events, db.Prepare(kBellReturnsSql));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, events.Step());
    if (!row) break;
    if (events.Text(0) < since) break;
    int64_t id = 0;
    std::string subject = events.Text(2);
    if (!Told(events.Text(1), who) || !subject.starts_with("case:") || !absl::SimpleAtoi(subject.substr(5), &id)) continue;
    found.push_back({events.Text(0), events.Text(1), id, 1});
  }
  std::stable_sort(found.begin(), found.end(), [](const Item& a, const Item& b) { return a.at > b.at; });
  json::array items;
  std::map<int64_t, std::optional<Row>> seen;  // each case read and checked once
  for (const auto& f : found) {
    if (items.size() >= limit) break;
    auto known = seen.find(f.case_id);
    if (known == seen.end()) {
      auto c = LoadById(db, f.case_id);
      std::optional<Row> visible;
      if (c.ok()) {
        QF_ASSIGN_OR_RETURN(bool ok, CanSee(db, *c, who));
        if (ok) visible = std::move(*c);
      } else if (!absl::IsNotFound(c.status())) {
        return c.status();
      }
      known = seen.emplace(f.case_id, std::move(visible)).first;
    }
    if (!known->second) continue;
    std::string_view kind = f.kind;
    if (kind.starts_with("case.")) kind.remove_prefix(5);
    items.push_back(json::object{{"kind", kind}, {"case_id", f.case_id}, {"title", known->second->title},
                                 {"level", f.level}, {"at", f.at}});
  }
  return json::object{{"items", std::move(items)}, {"days", kDays}};
}

}  // namespace qf::cases
