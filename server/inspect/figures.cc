// The campaigns' figures for the half-year summary: one reading of the records per campaign, worded by reports.
#include <algorithm>
#include <map>
#include <set>

#include "common/status.h"
#include "common/stored_json.h"
#include "common/timefmt.h"
#include "inspect/inspect.h"
#include "inspect/store_util.h"

namespace qf::inspect {
namespace {

namespace json = boost::json;

// How the summary names a kind of school: 中小学 for the compulsory and senior stages together, as the seed does.
std::string SchoolKind(std::string_view stage) {
  std::string group = StageGroup(stage);
  if (group == "义务教育" || group == "普通高中") return "中小学";
  if (group == "学前") return "幼儿园";
  return group;
}

std::vector<std::pair<std::string, int>> MostFirst(const std::map<std::string, int>& counts) {
  std::vector<std::pair<std::string, int>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return out;
}

std::string UnitName(Db& db, int64_t id) {
  auto u = org::GetUnit(db, id);
  return u.ok() && *u ? (*u)->name : std::string();
}

}  // namespace

absl::StatusOr<std::vector<CampaignFigures>> CampaignsBetween(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto cs, db.Prepare(
      "SELECT id, title, period_from, period_to, lead_unit_id, coop_unit_ids, checklist, scope FROM campaigns "
      "WHERE period_from BETWEEN ? AND ? AND state <> '" + std::string(Code(CampaignState::kPlanned)) + "' ORDER BY period_from, id"));
  cs.Bind(1, FormatDay(from)).Bind(2, FormatDay(to));
  struct Row { int64_t id, lead; std::string title, from, to, coop, checklist, scope; };
  std::vector<Row> rows;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, cs.Step());
    if (!row) break;
    rows.push_back({cs.Int(0), cs.Int(4), cs.Text(1), cs.Text(2), cs.Text(3), cs.Text(5), cs.Text(6), cs.Text(7)});
  }
  std::vector<CampaignFigures> out;
  for (const Row& r : rows) {
    CampaignFigures f;
    f.title = r.title;
    auto pf = ParseDay(r.from), pt = ParseDay(r.to);
    if (!pf || !pt) return absl::DataLossError("campaigns: a stored period is not a day");
    f.from = *pf;
    f.to = *pt;
    f.lead = UnitName(db, r.lead);
    QF_ASSIGN_OR_RETURN(json::array coop, StoredArray(r.coop, "campaigns.coop_unit_ids"));
    for (auto& u : coop)
      if (u.is_int64()) f.joined.push_back(UnitName(db, u.as_int64()));
    // Groups and the people in them (leaders and members, each once).
    QF_ASSIGN_OR_RETURN(auto gs, db.Prepare("SELECT leader_person_id, members FROM inspection_groups WHERE campaign_id = ?"));
    gs.Bind(1, r.id);
    std::set<int64_t> people;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, gs.Step());
      if (!row) break;
      ++f.groups;
      people.insert(gs.Int(0));
      QF_ASSIGN_OR_RETURN(json::array members, StoredArray(gs.Text(1), "inspection_groups.members"));
      for (auto& m : members)
        if (m.is_int64()) people.insert(m.as_int64());
    }
    f.inspectors = static_cast<int>(people.size());
    // Schools by kind, and the findings by the checklist's topic.
    QF_ASSIGN_OR_RETURN(json::array checklist, StoredArray(r.checklist, "campaigns.checklist"));
    std::map<std::string, std::string> topic_of;
    for (auto& item : checklist) {
      const auto& o = item.as_object();
      const auto* topic = o.if_contains("topic");
      topic_of[std::string(o.at("key").as_string())] = std::string((topic ? *topic : o.at("label")).as_string());
    }
    QF_ASSIGN_OR_RETURN(auto fs, db.Prepare(
        "SELECT school_id, findings FROM inspection_forms WHERE campaign_id = ?"));
    fs.Bind(1, r.id);
    std::vector<std::pair<int64_t, std::string>> forms;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, fs.Step());
      if (!row) break;
      forms.emplace_back(fs.Int(0), fs.Text(1));
    }
    std::map<std::string, int> kinds, topics;
    QF_ASSIGN_OR_RETURN(json::object scope, StoredObject(r.scope, "campaigns.scope"));
    bool sites = scope.contains("projects");
    for (const auto& [school_id, stored] : forms) {
      if (sites) {
        ++f.sites;
      } else {
        QF_ASSIGN_OR_RETURN(auto school, org::GetUnit(db, school_id));
        ++kinds[SchoolKind(school ? school->stage : std::string())];
      }
      QF_ASSIGN_OR_RETURN(json::array findings, StoredArray(stored, "inspection_forms.findings"));
      for (auto& x : findings) {
        ++f.findings;
        std::string item(x.as_object().at("item").as_string());
        auto it = topic_of.find(item);
        ++topics[it == topic_of.end() ? item : it->second];
      }
    }
    f.schools = MostFirst(kinds);
    f.by_topic = MostFirst(topics);
    // Orders: rectified, and rectified on time (the accepted answer made by the due day, Beijing time).
    QF_ASSIGN_OR_RETURN(auto os, db.Prepare("SELECT state, due_on, COALESCE(answered_at, '') FROM rectifications WHERE campaign_id = ?"));
    os.Bind(1, r.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, os.Step());
      if (!row) break;
      ++f.ordered;
      QF_ASSIGN_OR_RETURN(RectificationState state, StoredRectificationState(os.Text(0)));
      if (state != RectificationState::kAccepted) continue;
      ++f.rectified;
      auto answered = ParseUtc(os.Text(2));
      auto due = ParseDay(os.Text(1));
      if (answered && due && CstDay(*answered) <= *due) ++f.on_time;
    }
    QF_ASSIGN_OR_RETURN(auto cards, db.Prepare(
        "SELECT c.kind, COUNT(*) FROM rectification_cards c JOIN rectifications r ON r.id = c.rectification_id "
        "WHERE r.campaign_id = ? GROUP BY c.kind"));
    cards.Bind(1, r.id);
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, cards.Step());
      if (!row) break;
      (cards.Text(0) == "red" ? f.red_cards : f.yellow_cards) += static_cast<int>(cards.Int(1));
    }
    QF_ASSIGN_OR_RETURN(auto refunds, db.Prepare(
        "SELECT COALESCE(SUM(amount_cents), 0), COALESCE(SUM(pupils), 0), COUNT(DISTINCT school_id) FROM refunds WHERE campaign_id = ?"));
    refunds.Bind(1, r.id);
    QF_ASSIGN_OR_RETURN(bool has_refunds, refunds.Step());
    if (has_refunds) {
      f.refund_cents = refunds.Int(0);
      f.refund_pupils = static_cast<int>(refunds.Int(1));
      f.refund_schools = static_cast<int>(refunds.Int(2));
    }
    QF_ASSIGN_OR_RETURN(auto sanctions, db.Prepare(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM vetoes v JOIN sanctions s2 ON s2.id = v.sanction_id WHERE s2.campaign_id = ?) "
        "FROM sanctions WHERE campaign_id = ?"));
    sanctions.Bind(1, r.id).Bind(2, r.id);
    QF_ASSIGN_OR_RETURN(bool has_sanctions, sanctions.Step());
    if (has_sanctions) {
      f.sanctions = static_cast<int>(sanctions.Int(0));
      f.vetoes = static_cast<int>(sanctions.Int(1));
    }
    out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> CampaignsInspecting(Db& db, int64_t school, absl::CivilDay since) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT c.title FROM inspection_forms f JOIN campaigns c ON c.id = f.campaign_id "
      "WHERE f.school_id = ? AND c.period_from >= ? ORDER BY c.period_from, c.id"));
  st.Bind(1, school).Bind(2, FormatDay(since));
  return st.Texts();
}

}  // namespace qf::inspect
