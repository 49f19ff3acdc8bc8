// Who read a case (访问留痕): each staff read of its content is recorded before it is answered, and the discipline
// office reads the case's access log — reads, attachments opened, reporter identities opened.
#include <algorithm>
#include <limits>
#include <map>

#include "cases/access.h"
#include "cases/cases.h"
#include "cases/store.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"

namespace qf::cases {

namespace json = boost::json;

absl::Status RecordCaseRead(Tx& tx, int64_t case_id, const Principal& who) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(tx.db(), case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(tx.db(), c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  return tx.Append("case.viewed", Subject(case_id), {{"account_id", who.account_id}}).status();
}

namespace {

// The three kinds of read, each with the word the access-log query uses for it.
constexpr std::pair<std::string_view, std::string_view> kReadKinds[] = {
    {"case", "case.viewed"}, {"file", "case.attachment_opened"}, {"identity", "reporter.identity_opened"}};

// "e.kind IN (…the three…)", as the partial indexes of migration 0045 name them (a statement that says so may use them).
std::string ReadKindsIn() {
  std::string in = "e.kind IN (";
  for (auto [word, kind] : kReadKinds) in += (in.back() == '(' ? "'" : ", '") + std::string(kind) + "'";
  return in + ")";
}

// The columns RowJson reads, from events `e` joined to their account `a`.
std::string ReadColumns() {
  return "SELECT e.seq, e.time, e.kind, e.payload, COALESCE(a.display_name, e.actor), COALESCE(a.unit_id, 0), e.subject, "
         "COALESCE(a.id, 0) FROM events e LEFT JOIN accounts a ON a.id = " + Actor::AccountIdSql("e.actor") + " ";
}

// One read as the log shows it: who (their unit), when, what they opened (`file`: a file's name; `reason`: the reason
// given for an identity; `detail`: either in the server's Chinese words). The payloads named here hold no reporter data.
absl::StatusOr<json::object> RowJson(Db& db, const Stmt& st, int64_t case_id) {
  std::string kind = st.Text(2);
  json::object o{{"seq", st.Int(0)}, {"at", st.Text(1)}, {"kind", kind}, {"by", st.Text(4)}};
  if (int64_t unit = st.Int(5)) o["unit"] = UnitName(db, unit);
  if (int64_t account = st.Int(7)) o["account_id"] = account;
  QF_ASSIGN_OR_RETURN(json::object payload, StoredObject(st.Text(3), "events.payload"));
  if (kind == "case.viewed") {
    o["label"] = "查看案件";
  } else if (kind == "case.attachment_opened") {
    o["label"] = "查看附件";
    if (auto* h = payload.if_contains("sha256"); h && h->is_string()) {
      QF_ASSIGN_OR_RETURN(auto name, db.Prepare("SELECT name FROM case_attachments WHERE case_id = ? AND hash = ?"));
      name.Bind(1, case_id).Bind(2, std::string(h->as_string()));
      QF_ASSIGN_OR_RETURN(bool found, name.Step());
      if (found) o["detail"] = o["file"] = name.Text(0);
    }
  } else {
    o["label"] = "查看实名信息";
    if (auto* r = payload.if_contains("reason"); r && r->is_string()) {
      o["reason"] = r->as_string();
      o["detail"] = "理由：" + std::string(r->as_string());
    }
  }
  return o;
}

// The first event at or after `t`: a binary search by key over the sequence, whose times grow with it (a wall clock
// set back makes the boundary fall somewhere within the overlap, never outside the events of either side).
absl::StatusOr<int64_t> FirstSeqAt(Db& db, absl::Time t) {
  QF_ASSIGN_OR_RETURN(auto last, db.Prepare("SELECT COALESCE(MAX(seq), 0) FROM events"));
  QF_ASSIGN_OR_RETURN(bool any, last.Step());
  int64_t lo = 1, hi = (any ? last.Int(0) : 0) + 1;
  std::string at = FormatUtc(t);
  QF_ASSIGN_OR_RETURN(auto probe, db.Prepare("SELECT seq, time FROM events WHERE seq >= ? ORDER BY seq LIMIT 1"));
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    probe.Reset().Bind(1, mid);
    QF_ASSIGN_OR_RETURN(bool row, probe.Step());
    if (row && probe.Text(1) < at) lo = probe.Int(0) + 1;
    else hi = mid;
  }
  return lo;
}

}  // namespace

std::string AccessLogSql(bool by_account, bool by_kind) {
  return ReadColumns() + "WHERE " + ReadKindsIn() + (by_account ? " AND e.actor = ?" : "") +
         (by_kind ? " AND e.kind = ?" : "") +
         " AND e.seq < ? AND e.seq >= ? AND e.erased_at IS NULL ORDER BY e.seq DESC LIMIT ?";
}

std::optional<std::string_view> ReadEventKind(std::string_view word) {
  for (auto [w, kind] : kReadKinds)
    if (w == word) return kind;
  return std::nullopt;
}

absl::StatusOr<json::object> AccessLogJson(Db& db, int64_t case_id, const Principal& who, int limit) {
  QF_ASSIGN_OR_RETURN(Row c, LoadById(db, case_id));
  QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, c, who));
  if (!visible) return NotFound("case.not_found", "案件不存在");
  // Newest first, by the case's own events (events_subject).
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(ReadColumns() + "WHERE e.subject = ? AND " + ReadKindsIn() +
                                          " AND e.erased_at IS NULL ORDER BY e.seq DESC LIMIT ?"));
  st.Bind(1, Subject(case_id)).Bind(2, static_cast<int64_t>(limit) + 1);
  json::array items;
  bool more = false;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (static_cast<int>(items.size()) == limit) {
      more = true;
      break;
    }
    QF_ASSIGN_OR_RETURN(json::object o, RowJson(db, st, case_id));
    items.push_back(std::move(o));
  }
  return json::object{{"case_id", case_id}, {"items", std::move(items)}, {"more", more}};
}

absl::StatusOr<json::object> AccessLogAcross(Db& db, const AccessQuery& q, const Principal& who) {
  // The page's window of sequence numbers: below the cursor, within the days asked for.
  int64_t upper = q.before > 0 ? q.before : std::numeric_limits<int64_t>::max(), lower = 0;
  if (q.to) {
    QF_ASSIGN_OR_RETURN(int64_t end, FirstSeqAt(db, CstStart(*q.to + 1)));
    upper = std::min(upper, end);
  }
  if (q.from) {
    QF_ASSIGN_OR_RETURN(lower, FirstSeqAt(db, CstStart(*q.from)));
  }
  // One person's reads by events_reads_by; otherwise each kind by events_reads, merged newest first (an IN over the
  // kinds would sort every read ever made).
  std::vector<std::string_view> kinds;
  if (!q.kind.empty()) kinds.push_back(q.kind);
  else if (q.account_id == 0)
    for (auto [w, kind] : kReadKinds) kinds.push_back(kind);
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(AccessLogSql(q.account_id != 0, !kinds.empty())));
  if (kinds.empty()) kinds.push_back("");  // every kind, one person
  std::map<int64_t, std::optional<std::string>> seen;  // by case: its title when the caller may see it (scope, walls)
  json::array items;
  const int64_t chunk = q.limit + 1;
  // Rows of cases the caller may not see are left out, so a page may take several chunks.
  for (int round = 0; round < 20 && static_cast<int>(items.size()) <= q.limit && upper > lower; ++round) {
    std::vector<std::pair<int64_t, json::object>> rows;  // (seq, row) of this chunk, every kind
    int64_t lowest_full = lower;
    for (std::string_view kind : kinds) {
      int i = 1;
      st.Reset();
      if (q.account_id) st.Bind(i++, Actor::Account(q.account_id).id);
      if (!kind.empty()) st.Bind(i++, kind);
      st.Bind(i, upper).Bind(i + 1, lower).Bind(i + 2, chunk);
      int64_t n = 0, last = 0;
      while (true) {
        QF_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        ++n;
        last = st.Int(0);
        int64_t case_id = 0;
        std::string subject = st.Text(6);
        if (subject.starts_with("case:")) case_id = ParseInt<int64_t>(subject.substr(5)).value_or(0);
        auto it = seen.find(case_id);
        if (it == seen.end()) {
          std::optional<std::string> title;
          if (auto c = LoadById(db, case_id); c.ok()) {
            QF_ASSIGN_OR_RETURN(bool visible, CanSee(db, *c, who));
            if (visible) title = c->title;
          }
          it = seen.emplace(case_id, std::move(title)).first;
        }
        if (!it->second) continue;
        QF_ASSIGN_OR_RETURN(json::object o, RowJson(db, st, case_id));
        o["case_id"] = case_id;
        o["case_title"] = *it->second;  // for the auditor to know what was read
        rows.emplace_back(last, std::move(o));
      }
      if (n == chunk) lowest_full = std::max(lowest_full, last);
    }
    // Every kind is read down to `lowest_full` (the highest last row of a kind that filled its chunk): those rows,
    // newest first; the rest wait for the next round. No kind full: all read down to `lower`, done.
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [seq, o] : rows) {
      if (seq < lowest_full) break;
      items.push_back(std::move(o));
    }
    upper = lowest_full;
  }
  json::object out{{"items", json::array()}};
  if (static_cast<int>(items.size()) > q.limit) {
    items.resize(q.limit);
    out["next_before"] = items.back().as_object().at("seq").as_int64();
  } else if (upper > lower) {
    out["next_before"] = upper;  // twenty rounds of rows the caller may not see: page on from there
  }
  out["items"] = std::move(items);
  return out;
}

}  // namespace qf::cases
