// The half-year summary's narrative (工作总结文稿): the bureau's template (data/reports/summary.toml) as the office
// edits it for one half — title, opening, sections with their paragraphs, {{placeholders}} where the records fill
// in the figures, 【请填写…】 where only the bureau can write — kept as numbered versions, each a ledger event; the
// document is made from the latest version (or a chosen one), the template itself before any is saved.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::reports {

struct NarrativeSection {
  std::string heading;
  std::vector<std::string> paragraphs;
};
struct Narrative {
  std::string title, intro;
  std::vector<NarrativeSection> sections;
};

// The placeholders the summary fills from the records, each with what it says (the one list: the parser refuses
// any other, the console shows these).
struct Placeholder {
  const char* name;
  const char* about;
};
const std::vector<Placeholder>& SummaryPlaceholders();

// The template as shipped (data/reports/summary.toml).
absl::StatusOr<Narrative> TemplateNarrative(const std::string& data_dir);
// A narrative from a request body {title, intro, sections: [{heading, paragraphs: [..]}]}: every field checked and
// named (lengths, counts, unknown or unclosed placeholders) before anything is kept.
absl::StatusOr<Narrative> ParseNarrative(const boost::json::object& body);
boost::json::object NarrativeJson(const Narrative& n);

// Saves a new version for `half` ("2026H1") with the editor's note; a ledger event records its hash.
absl::StatusOr<boost::json::object> SaveNarrative(Tx& tx, const std::string& half, const Narrative& n,
                                                  const std::string& note, const Principal& who);
// The narrative the summary of `half` uses: `version` (404 when there is none such), else the latest, else the
// template (version 0).
struct NarrativeVersion {
  int version = 0;
  Narrative narrative;
};
absl::StatusOr<NarrativeVersion> NarrativeFor(Db& db, const std::string& data_dir, const std::string& half,
                                              std::optional<int> version);
// For the console: that narrative, every saved version (number, who, when, note), the placeholders, and how many
// paragraphs still ask the bureau to write (【请填写…】).
absl::StatusOr<boost::json::object> NarrativeView(Db& db, const std::string& data_dir, const std::string& half,
                                                  std::optional<int> version);

}  // namespace qf::reports
