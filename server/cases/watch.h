// The watch for retaliation against reporters (刑法 第二百五十四条; DOMAIN.md §8): when a person who made a named report
// that was substantiated (予以支持) is later sanctioned, made the subject of an accountability decision or an
// admonition talk, or accused in a new case, the discipline office is alerted. Matching never opens an identity: a
// named reporter's name is kept as a keyed tag of the vault (Vault::Tag) beside the sealed identity, and the person
// acted on is tagged the same way; an alert says whether the person's unit is also the unit the report concerned.
// The commands that record such actions call WatchForRetaliation in their own transaction; alerts are read and
// reviewed by the discipline office (supervisors) only, as the case's wall allows.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "cases/cases.h"
#include "storage/writer.h"

namespace qf::vault {
class Vault;
}

namespace qf::cases {

// A person's name as a keyed tag: spaces and the middle dots of transliterated names removed first, so that
// "张 三" and "张三" match.
std::string NameTag(const vault::Vault& vault, std::string_view name);

enum class WatchedAction { kSanction, kDecision, kTalk, kCase };
std::string_view Code(WatchedAction a);

// What was done to the person, as the caller recorded it: which action, its id, and a line saying what it was
// ("通报批评：未按时整改"), kept with the alert.
struct Watched {
  int64_t person_id = 0;
  WatchedAction action = WatchedAction::kSanction;
  int64_t action_id = 0;
  std::string summary;
};
// Records an alert for each named reporter of a substantiated case received within the intake policy's
// `retaliation_watch_years` whose name is the person's (for kCase, not the new case itself) and commits a
// `retaliation.alert` event naming the alert alone. Returns how many alerts were raised; none without a vault or a
// known person.
absl::StatusOr<int> WatchForRetaliation(Tx& tx, const CaseEnv& env, const Watched& w);

// The alerts the caller may read (both cases behind its wall), open ones first then newest: the person and their
// unit, the action (with its kind and reason), the earlier report (receipt, title, outcome, unit concerned) and
// whether the units match; and the policy's years. `open_only`: unreviewed alerts alone.
absl::StatusOr<boost::json::object> RetaliationAlerts(Db& db, const CaseEnv& env, bool open_only, const Principal& who);
// The office records what it found (at least four characters); once per alert.
absl::StatusOr<boost::json::object> ReviewAlert(Tx& tx, int64_t id, std::string_view note, const Principal& who);

// Tags the names of reporters sealed before the watch existed (opening each with the vault's key, inside the
// server); rows that cannot be opened get an empty tag so that they are not tried again. Returns how many.
absl::StatusOr<int> TagReporterNames(Tx& tx, const vault::Vault& vault);

}  // namespace qf::cases
