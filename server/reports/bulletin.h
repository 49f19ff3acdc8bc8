// The quarterly bulletin (季度通报) as a frozen snapshot: drafted from the data per district and unit (items
// received, on time, overdue, findings, rectifications open and closed, refunds, sanctions, yellow and red cards),
// the narrative edited, approved by a leader with its hash and the ledger checkpoint (after which a trigger
// refuses any change to it), published on the portal; its documents (DOCX and XLSX) are made from the snapshot
// once it is approved, never from live data. Store functions run in writer commands (Tx) or on a reading
// connection (Db).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::reports {

// draft (redrawn from the data, its narrative edited) → approved by a leader (frozen) → published on the portal.
enum class BulletinState { kDraft, kApproved, kPublished };
// What may be done to a bulletin, by whom and when: one rule per action, checked by the command and listed in the
// staff view (`actions`). The discipline office and leaders redraw, edit and publish; only a leader approves.
enum class BulletinAction { kRedraft, kEdit, kApprove, kPublish };
absl::Status MayTake(BulletinAction action, BulletinState state, const Principal& who);
std::vector<std::string> Actions(BulletinState state, const Principal& who);

// The snapshot counts per district and unit and, from data_dir's policies, the quarter's special oversight in the
// half-year summary's words (oversight: [{topic, text}] — admission rosters, lotteries, fee declarations, exam supervision, livelihood
// projects; only those with something to report).
absl::StatusOr<boost::json::object> DraftBulletin(Tx& tx, const std::string& data_dir, const std::string& quarter,
                                                  absl::Time now);
absl::StatusOr<boost::json::object> EditBulletin(Tx& tx, int64_t id, const std::string& narrative, const Principal& who);
absl::StatusOr<boost::json::object> ApproveBulletin(Tx& tx, int64_t id, const std::string& checkpoint, const Principal& who);
absl::StatusOr<boost::json::object> PublishBulletin(Tx& tx, int64_t id, const Principal& who);
// A bulletin as the public sees it (public_only: published ones only), or as staff do (with their `actions`).
absl::StatusOr<boost::json::object> BulletinView(Db& db, int64_t id, bool public_only);
absl::StatusOr<boost::json::object> BulletinStaffView(Db& db, int64_t id, const Principal& who);
absl::StatusOr<boost::json::object> BulletinList(Db& db, bool public_only);
// The bulletin of a quarter as its documents use it: the frozen (approved or published) bulletin when there is
// one — snapshot, narrative, hash, checkpoint, "frozen": true — otherwise a snapshot of the live data now
// ("frozen": false), which a document marks as a draft.
absl::StatusOr<boost::json::object> QuarterBulletin(Db& db, const std::string& data_dir, const std::string& quarter,
                                                    absl::Time now);
// The tables of a bulletin view (BulletinView or QuarterBulletin) as XLSX: by district, by unit, and a note.
absl::StatusOr<std::string> BulletinTablesXlsx(const boost::json::object& view);
// SHA-256 over the snapshot and the narrative: what approval records and every read re-checks.
std::string BulletinHash(const boost::json::value& snapshot, const std::string& narrative);
// The units a bulletin names (三、问题较多的单位): two or more items received, a finding or a red card; most
// first, then by name. The document lists them and the half-year summary counts them.
std::vector<const boost::json::object*> NamedUnits(const boost::json::object& snapshot);
// The bulletins published in [from, to] (Beijing days), oldest first: quarter ("2026Q1") and the units each named.
struct PublishedBulletin {
  std::string quarter;
  std::vector<std::string> named;
};
absl::StatusOr<std::vector<PublishedBulletin>> BulletinsPublishedBetween(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::reports
