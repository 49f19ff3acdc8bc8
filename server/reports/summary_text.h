// The half-year summary's paragraphs that come from the records of the other domains (inspections, bulletins,
// notices, draws, supervision, hotspots): each domain counts (its FiguresBetween-style reading), these word the
// counts as the bureau writes them. A count of zero is left out of a sentence, and a paragraph with nothing to
// report is empty (the template then leaves it out).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "storage/db.h"

namespace qf::notices {
class NoticeTypes;
}

namespace qf::reports {

// "3月2日至4月17日", "3月2日至17日", "6月28日".
std::string DaySpan(absl::CivilDay from, absl::CivilDay to);

// Section 二: each special inspection that began in the period (who led and joined, groups, schools by kind,
// findings by topic, refunds, orders and how many were rectified on time, cards, sanctions and vetoes).
absl::StatusOr<std::string> InspectionsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to);
// Section 二: the quarterly bulletins published in the period and the units they named.
absl::StatusOr<std::string> BulletinsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to);
// Section 二: the hotspots in words (which schools and districts, against the city's rate) and what was done: the
// campaigns that inspected them since the period began.
absl::StatusOr<std::string> HotspotsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to);
// Section 三: the lists published for objections (kind, schools, days, objections and how they ended).
absl::StatusOr<std::string> NoticesParagraph(Db& db, const notices::NoticeTypes& types, absl::CivilDay from,
                                             absl::CivilDay to);
// Section 三: the draws released (exam supervisors per exam and site, experts), and who witnessed them.
absl::StatusOr<std::string> DrawsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to);
// Section 四: supervision orders, reminders, criticisms and cards issued, repeats merged.
absl::StatusOr<std::string> SupervisionParagraph(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::reports
