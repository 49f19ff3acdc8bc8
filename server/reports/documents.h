// The bureau's documents made from its data: the half-year summary (工作总结) with its statistics paragraph in
// the seed's own manner and the narrative from data/reports/summary.toml, and the quarterly bulletin (季度通报)
// by district and school, as DOCX (docx.h) and the bulletin's tables as XLSX. Each carries the ledger
// checkpoint it was made at, so a reader can check the figures against the log.
#pragma once

#include <optional>
#include <string>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/db.h"

namespace qf::reports {

// "2026H1" or "2026Q1": the CST days it covers and how a document names it.
struct Period {
  int year = 0;
  std::string from, to;  // YYYY-MM-DD inclusive
  std::string name;      // 上半年, 下半年, 第一季度, …
  std::string code;      // as written: 2026H1, 2026Q1
};
absl::StatusOr<Period> ParseHalf(std::string_view text);
absl::StatusOr<Period> ParseQuarter(std::string_view text);

// "审计账本检查点：共 N 条记录，根哈希 …": the latest signed checkpoint, printed in documents made from the data.
absl::StatusOr<std::string> CheckpointNote(Db& db, absl::Time now);

// The sentence of the summary that counts the items by channel ("上半年共受理“政民直通车”投诉举报239件，…").
absl::StatusOr<std::string> ChannelSentence(Db& db, const Period& p, absl::Time now);

// The half-year summary from the narrative version given (reports/narrative.h), else the latest, else the template.
absl::StatusOr<std::string> SummaryDocx(Db& db, const std::string& data_dir, const Period& p, absl::Time now,
                                        std::optional<int> version = std::nullopt);
// The quarterly bulletin ("2026Q1") as DOCX and XLSX: from the approved snapshot once there is one (the same
// numbers as the bulletin the portal serves), otherwise from the live data, marked as a draft.
absl::StatusOr<std::string> BulletinDocx(Db& db, const std::string& data_dir, const std::string& quarter, absl::Time now);
absl::StatusOr<std::string> BulletinXlsx(Db& db, const std::string& data_dir, const std::string& quarter, absl::Time now);

// The period's special oversight in the summary's words, one paragraph per topic with something to report: admissions
// (招生名册核查: 三限, 借读, 人籍一致, 大班额), lotteries (招生摇号监督), fees (收费公示), exams (考试监督), projects (民生工程: the board at the period's last month ended and the
// inspections of project sites). The quarterly bulletin freezes them in its snapshot.
absl::StatusOr<boost::json::array> OversightParagraphs(Db& db, const std::string& data_dir, const Period& p, absl::Time now);

// The livelihood projects' monthly notice (民生工程进展情况通报) for `month`: 序时进度, the districts ranked, each
// project's table, the laggards named with the policy's rule, as DOCX with the ledger checkpoint it was made at.
absl::StatusOr<std::string> ProjectsBulletinDocx(Db& db, const std::string& data_dir, int year, absl::CivilMonth month,
                                                 absl::Time now);

}  // namespace qf::reports
