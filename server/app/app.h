// The handlers' toolkit, shared by every domain's HTTP handlers: the context they run in (the writer, the reading
// connections, the calendar, the policies, the sessions and the clock — built once by the runtime and read-only
// afterwards; the pointed-to objects document their own thread safety) and the route adaptors that turn a
// handler's StatusOr into an answer. Depends on no domain (their types are only declared here).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/work_pool.h"
#include "common/calendar.h"
#include "common/import_columns.h"
#include "common/progress_board.h"
#include "common/clock.h"
#include "http/http.h"
#include "http/router.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf {

namespace auth {
class Sessions;
}
namespace cases {
class Policies;
}
namespace ledger {
class Ledger;
}
namespace vault {
class Vault;
}
namespace notices {
class NoticeTypes;
}

struct AppContext {
  std::string db_path;
  std::string data_dir;
  const Clock* clock = nullptr;
  Writer* writer = nullptr;
  ReadConnections* readers = nullptr;
  const Calendar* calendar = nullptr;
  const cases::Policies* policies = nullptr;
  auth::Sessions* sessions = nullptr;
  ledger::Ledger* ledger = nullptr;  // null when the ledger is off (benchmark baseline)
  bool secure_cookies = false;       // set when served behind TLS: session cookies get the Secure flag
  const vault::Vault* vault = nullptr;  // seals reporter identities and draw secrets
  const notices::NoticeTypes* notice_types = nullptr;
  Calendar* calendar_admin = nullptr;  // the same calendar, for loading a year's notice at run time (admin route)
  const ImportColumnSets* imports = nullptr;  // every import's columns and the headers people write for them
  ProgressBoard* progress = nullptr;          // long requests' progress, for the console that waits on them
  WorkPool* work = nullptr;   // where reads, lists and large imports run when serving; null runs them inline
  WorkPool* files = nullptr;  // where downloads (exports, documents, reports) run, below `work`; null: on `work`
  std::function<boost::json::object()> backup_status;  // the scheduled backups' status for /healthz, when configured
  absl::Duration read_budget = absl::Seconds(10);  // a read's statements are interrupted past this (503 db.timeout)
};

// Runs `work` off the I/O thread, on `pool` (app.work when null; inline when there is none); a full pool answers
// 503 server.busy with Retry-After at once. `work` gets its own copy of the request and answers through `respond`.
void OffThread(AppContext& app, const Request& req, Respond respond,
               std::function<void(const Request&, const Respond&)> work, WorkPool* pool = nullptr);

// The actor of a request: the signed-in account, or the public.
Actor ActorOf(const Request& req);

// Runs `cmd` on the writer and answers with `ok_status` and the command's JSON, or the problem.
void SubmitWrite(AppContext& app, const Request& req, Command cmd, Respond respond, int ok_status = 200);

// Answers a read: the value, or the problem.
Response Reply(const absl::StatusOr<boost::json::value>& r, const Request& req, int ok_status = 200);

// Read-your-writes with standbys: the answer to a request that may have written carries this cookie, the primary's
// history position after the commit (hex); a read that sends it back is served by a standby only once the standby
// has replayed that far (ReadConnections::ForRead), so a clerk sees the case just registered and a reporter the
// receipt just given. Set only when reads go to standbys.
inline constexpr std::string_view kReadFloorCookie = "qf_seen";
// Puts the cookie on `r` (the router's after-write hook).
void MarkReadFloor(const AppContext& app, Response& r);
// The position a request's reads must see: its cookie's, or 0.
uint64_t ReadFloor(const Request& req);

// This thread's connection for the reads of `req`: a standby that has replayed the caller's writes, or the primary.
// Reads that decide who may do what (sign-in) use app.readers->Get(), the primary.
absl::StatusOr<Db*> Reader(AppContext& app, const Request& req);
// Whether a read that failed with `s` failed for a reason of the database it ran on (lost, cancelled by a standby's
// replay) rather than of the request (not found, not allowed, out of time).
bool ReadAgainOnPrimary(const absl::Status& s);
// Runs `read` for `req` on this thread's reading connection within the read budget; a read a standby failed is
// read again on the primary.
template <typename T>
absl::StatusOr<T> BudgetedRead(AppContext& app, const Request& req,
                               const std::function<absl::StatusOr<T>(Db&)>& read) {
  auto db = Reader(app, req);
  if (!db.ok()) return db.status();
  (*db)->SetDeadline(absl::Now() + app.read_budget);
  auto r = read(**db);
  (*db)->SetDeadline(absl::InfiniteFuture());
  if (!r.ok() && ReadAgainOnPrimary(r.status())) {
    // The standby failed under the read (gone, or a replication conflict cancelled it): the primary reads again.
    auto primary = app.readers->Fallback(*db);
    if (primary.ok() && *primary) {
      (*primary)->SetDeadline(absl::Now() + app.read_budget);
      r = read(**primary);
      (*primary)->SetDeadline(absl::InfiniteFuture());
    }
  }
  return r;
}

// Answers with `read` run on this thread's reading connection: its object, or the problem.
void ReadJson(AppContext& app, const Request& req, const Respond& respond,
              const std::function<absl::StatusOr<boost::json::object>(Db&)>& read);

// A path parameter as a positive id; NotFound with `code` and "<what>不存在" otherwise (no existence leak).
absl::StatusOr<int64_t> PathId(const Request& req, size_t index, std::string_view code, std::string_view what);
// The year a request names (?year=, 2000–2100), or this year (China Standard Time); Invalid with `code` naming
// `year` otherwise.
absl::StatusOr<int> YearQuery(const Request& req, const AppContext& app, std::string_view code);

// Route adaptors, so that a handler only parses, calls the domain and encodes: the adaptor answers the value
// (200, or `ok_status`) or the Status as problem+json.
// A read on this thread's reading connection.
using ReadFn = std::function<absl::StatusOr<boost::json::value>(const Request&, Db&)>;
Handler ReadRoute(AppContext& app, ReadFn read);
// A write: `prepare` parses and validates the request (on the I/O thread, or on the work pool past 64 KiB) into a
// command (a closure over a typed request) that the writer runs; the command's value is the answer.
using PrepareFn = std::function<absl::StatusOr<Command>(const Request&)>;
Handler WriteRoute(AppContext& app, PrepareFn prepare, int ok_status = 200);
// A write whose answer is more than the command's value: `answer` turns the outcome (the committed value, or the
// command's failure) into the response, and may answer later, from another thread (when the ledger covers the
// event, after a sealed value is opened).
struct Write {
  Command command;
  std::function<void(absl::StatusOr<boost::json::value> outcome, Respond respond)> answer;
};
using PrepareWriteFn = std::function<absl::StatusOr<Write>(const Request&)>;
Handler WriteThenRoute(AppContext& app, PrepareWriteFn prepare);
// A download made on the reading connection (a document, an export), on the files pool: the response as built, or
// the problem.
using FileFn = std::function<absl::StatusOr<Response>(const Request&, Db&)>;
Handler FileRoute(AppContext& app, FileFn make);
// A read of content that is recorded first (访问留痕): `record` makes the writer command that checks the caller may
// read it and appends the read's event; once that has committed, `read` answers as in ReadRoute. A refused record
// (not found, not allowed) is the answer, and nothing is read.
Handler RecordedReadRoute(AppContext& app, PrepareFn record, ReadFn read);

// Answers /healthz: a read and a no-op write.
void RegisterHealthRoutes(Router& router, AppContext& app);

}  // namespace qf
