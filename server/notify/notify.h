// Notifications: who is told what (kAudience, the one table of it), the outbox rows written in the same transaction
// as the event that causes them (OutboxSink, chained behind the ledger on the writer), staff members' addresses and
// choices, the templates the messages are made from (data/notify/), and the outbox as staff see it (the dead letters,
// sent again on request). A message names the case by its receipt code or number and the deadline, never the text of
// a complaint; a reporter's phone is read from their sealed identity only when the message is sent. Functions taking
// a Tx run inside a writer command; those taking a Db read on the caller's connection.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::notify {

// Who an event tells.
enum class Audience {
  kReporter,        // the case's named reporter who agreed to be told (text message)
  kUnitHandlers,    // the handlers of the case's handling unit
  kSupervisors,     // the discipline office's supervisors
  kClerks,          // intake (who routes a case again)
  kSchoolHandlers,  // the handlers of the unit an order is addressed to
  kGuardians,       // the families of a published placement who asked to be told (text message)
};
// What staff choose to receive by e-mail, by group of kinds.
inline constexpr const char* kGroups[] = {"cases", "cards", "escalations", "rectifications"};

struct Rule {
  const char* kind;  // the event's kind, or "supervision.card:red" for a card of one colour
  Audience audience;
  const char* group;  // the staff group (empty for the reporter)
};
// The number after `prefix` in an event's subject or an outbox row's recipient ("case:12", "guardian:7"), or none.
std::optional<int64_t> IdAfter(std::string_view text, std::string_view prefix);

// The rule for an event (a card's colour picks among the card rules), or none.
std::vector<Rule> RulesFor(std::string_view kind, const boost::json::object& payload);

// Writes the outbox rows an event calls for, in the event's transaction: behind the ledger (or alone without one).
class OutboxSink : public EventSink {
 public:
  explicit OutboxSink(EventSink* inner) : inner_(inner) {}
  absl::Status OnEvent(Db& db, const EventRecord& event) override;
  void OnCommandEnd(bool kept) override {
    if (inner_) inner_->OnCommandEnd(kept);
  }
  absl::Status BeforeCommit(Db& db) override { return inner_ ? inner_->BeforeCommit(db) : absl::OkStatus(); }
  void OnCommit() override {
    if (inner_) inner_->OnCommit();
  }
  void OnRollback(Db& db) override {
    if (inner_) inner_->OnRollback(db);
  }

 private:
  EventSink* inner_;
};

// A member of staff's choices: where e-mail goes, in which language, and which groups.
struct Prefs {
  std::string email, locale = "zh-CN";
  std::vector<std::string> groups;
};
absl::StatusOr<Prefs> ParsePrefs(const boost::json::object& body);
absl::StatusOr<boost::json::object> GetPrefs(Db& db, int64_t account);
// Saves them (an empty address stops e-mail); event notify.prefs_saved without the address.
absl::Status SavePrefs(Tx& tx, int64_t account, const Prefs& p);

// The outbox for staff: the counts by state and the newest rows of one state (pending, sent, dead), the recipient
// shown as an account's name or "the reporter of case N" — never an address or a phone.
absl::StatusOr<boost::json::object> ListOutbox(Db& db, std::string_view state, int limit);
// A dead letter sent again: back to pending, due now, its attempts from zero; event notify.retried.
absl::Status Retry(Tx& tx, int64_t id);

// The messages' texts (data/notify/templates.toml) and the text-message gateway's payload (data/notify/sms.toml).
class Templates {
 public:
  static absl::StatusOr<Templates> Load(const std::string& dir);
  struct Message {
    std::string subject, body;
  };
  // The message of `kind` on `channel` in `locale` (zh-CN when it has none) with {name} placeholders filled from
  // `params`; NotFound when there is no template for it.
  absl::StatusOr<Message> Render(std::string_view channel, std::string_view kind, std::string_view locale,
                                 const boost::json::object& params) const;
  // The gateway's JSON body: its template with {phone} and {text} (and any param) as JSON strings.
  std::string SmsPayload(const std::string& phone, const std::string& text, const boost::json::object& params) const;

 private:
  // channel → kind → locale → (subject, body)
  std::map<std::string, std::map<std::string, std::map<std::string, Message>>> texts_;
  std::string sms_payload_;
};
// {name} in `text` replaced by params' values (strings as they are, numbers written out); unknown names kept, or in
// a JSON body (`json_strings`: values as JSON strings) null.
std::string Fill(std::string_view text, const boost::json::object& params, bool json_strings = false);

// The outbox's due rows and what becomes of each after an attempt (the deliverer's reads and writes).
struct Due {
  int64_t id = 0;
  std::string kind, channel, recipient;
  boost::json::object params;
  int attempts = 0;
};
absl::StatusOr<std::vector<Due>> DueRows(Db& db, absl::Time now, int limit);
// Sent: event notify.sent. Failed: attempts + 1, due again after `base`, twice that, four times … (at most an
// hour), dead after `max_attempts` (event notify.dead).
absl::Status MarkSent(Tx& tx, int64_t id);
// The two statements that read the outbox (for the plan test): the due rows (outbox_due: state, then time), a state's
// newest rows (outbox_state).
extern const char* const kDueSql;
extern const char* const kOutboxSql;
absl::Status MarkFailed(Tx& tx, int64_t id, const std::string& error, int max_attempts, absl::Duration base);

}  // namespace qf::notify
