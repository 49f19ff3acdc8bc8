// Bulk import of hotline and platform transfers (政民直通车, 12345, 市长热线, provincial platforms) from CSV or XLSX as
// such platforms export them: columns by any of the names the platforms use (data/imports/columns.toml), times in their written forms, units by
// the names people write; the channel and the platform's ticket number are recorded, repeats of a ticket are
// refused, and every row goes through the same intake as a web submission.
#include <set>

#include "cases/cases.h"
#include "cases/model.h"
#include "common/mask.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "fmt/format.h"
#include "org/names.h"
#include "org/org.h"
#include "storage/import_rows.h"

namespace qf::cases {

std::vector<std::string_view> CaseImportFields() {
  return {"external_ref", "channel", "received_at", "kind", "category", "unit", "title", "content", "reporter_name",
          "reporter_phone"};
}

namespace {

// Units whose names come nearest a name found nowhere: those containing it, else containing ever shorter heads of
// it (at least three characters), at most three.
std::vector<std::pair<int64_t, std::string>> Nearest(const org::UnitNames& names, std::string_view typed) {
  std::vector<std::string> chars = Utf8Chars(typed);
  for (size_t n = chars.size(); n >= 3; --n) {
    std::string head;
    for (size_t i = 0; i < n; ++i) head += chars[i];
    std::vector<int64_t> ids = names.Matching(head, 3);
    if (ids.empty()) continue;
    std::vector<std::pair<int64_t, std::string>> out;
    for (int64_t id : ids)
      if (const org::NamedUnit* u = names.Unit(id)) out.push_back({id, u->name});
    return out;
  }
  return {};
}

}  // namespace

absl::StatusOr<std::unique_ptr<CaseImport>> CaseImport::Begin(const ImportColumns& columns, const Table& head,
                                                               CaseImportOptions o) {
  QF_RETURN_IF_ERROR(RequireColumns(head, columns));
  std::unique_ptr<CaseImport> imp(new CaseImport(std::move(o)));
  std::set<int> known;
  for (const ImportColumn& c : columns) {
    int i = ColumnOf(head, columns, c.field);
    imp->at_[std::string(c.field)] = i;
    if (i >= 0) known.insert(i);
  }
  for (size_t i = 0; i < head.header.size(); ++i)
    if (!known.contains(static_cast<int>(i)) && !head.header[i].empty())
      imp->report_.unknown_columns.push_back(head.header[i]);
  return imp;
}

absl::StatusOr<bool> CaseImport::Rows(Tx& tx, const CaseEnv& env, const NextRow& next, absl::Time until) {
  QF_ASSIGN_OR_RETURN(auto names, org::NamesOf(tx.db()));
  // The row's number: the reader's, which ApplyRows does not pass on; read here as each row goes by.
  int number = 0;
  NextRow numbered = [&](TableRow& row) -> absl::StatusOr<bool> {
    QF_ASSIGN_OR_RETURN(bool got, next(row));
    number = row.number;
    return got;
  };
  QF_ASSIGN_OR_RETURN(bool ended, ApplyRows(tx, numbered, rows_, [&](const std::vector<std::string>& row) {
    return Row(tx, env, *names, row, number);
  }, o_.progress, until));
  return ended;
}

absl::Status CaseImport::Row(Tx& tx, const CaseEnv& env, const org::UnitNames& names,
                             const std::vector<std::string>& row, int number) {
  auto cell = [&](const char* field) { return at_[field] >= 0 ? row[at_[field]] : std::string(); };
  NewCase c;
  std::vector<FieldError> e;
  std::string ch = !cell("channel").empty() ? cell("channel") : o_.default_channel;
  auto chc = CodeOf(kChannels, ch);
  if (!chc) e.push_back({"来源", "未知来源：" + ch, "unknown_value", {ch}});
  else c.channel = *chc;
  c.external_ref = cell("external_ref");
  if (c.external_ref.empty()) e.push_back({"工单编号", "必填", "required"});
  // A ticket the file brought in already (the intake refuses one registered before).
  std::string ticket = c.channel + '\n' + c.external_ref;
  if (auto seen = tickets_.find(ticket); !c.external_ref.empty() && seen != tickets_.end())
    e.push_back({"工单编号", fmt::format("与第 {} 行的工单编号相同：{}", seen->second, c.external_ref), "duplicate_ticket",
                 {std::to_string(seen->second), c.external_ref}});
  std::string when = cell("received_at");
  std::optional<absl::Time> received = ParseTimeText(when);
  if (!received)
    e.push_back({"受理时间", "日期时间无法识别：" + when + "（可写 2026-07-01 09:30、2026/7/1 9:30、2026年7月1日）", "datetime", {when}});
  else c.received_at = received;
  auto cat = CodeOf(kCategories, cell("category"));
  if (!cat) e.push_back({"问题分类", "未知分类：" + cell("category"), "unknown_value", {cell("category")}});
  else c.category = *cat;
  std::string k = cell("kind");
  if (!k.empty()) {
    auto kc = CodeOf(kKinds, k);
    if (!kc) e.push_back({"诉求类型", "未知类型：" + k, "unknown_value", {k}});
    else c.kind = *kc;
  }
  c.title = cell("title");
  c.content = cell("content");
  if (c.title.empty()) e.push_back({"标题", "必填", "required"});
  if (c.content.empty()) e.push_back({"内容", "必填", "required"});
  std::string u = cell("unit");
  if (!u.empty()) {
    // By code; by the clerk's pick; by a name or alias that names one unit.
    QF_ASSIGN_OR_RETURN(c.concerned_unit_id, org::UnitIdByCode(tx.db(), u));
    if (!c.concerned_unit_id) {
      if (auto pick = o_.unit_map.find(u); pick != o_.unit_map.end()) {
        c.concerned_unit_id = pick->second;
        used_picks_[u] = pick->second;
      } else if (org::Named n = names.Find(u); n.units.size() == 1 || n.school) {
        c.concerned_unit_id = n.school ? n.school : n.units.front();
      }
    }
    if (!c.concerned_unit_id) {
      auto [it, fresh] = unmatched_.try_emplace(u, report_.unmatched_units.size());
      if (fresh) report_.unmatched_units.push_back({u, Nearest(names, u)});
      std::string near;
      for (const auto& [id, name] : report_.unmatched_units[it->second].candidates) near += (near.empty() ? "" : "、") + name;
      e.push_back({"涉及单位", "找不到单位：" + u + (near.empty() ? "" : "（相近：" + near + "）"), "unit_unknown", {u, near}});
    }
  }
  c.reporter_name = cell("reporter_name");
  c.reporter_phone = cell("reporter_phone");
  c.anonymous = c.reporter_name.empty() || c.reporter_phone.empty();
  c.registered_by = o_.registered_by;
  c.received_reason = o_.backdate_reason;
  if (!e.empty()) return Invalid("import.row", "该行有误", e);
  auto reg = Register(tx, env, c);
  // Intake's own checks name the request's fields; in a file they are the row's columns.
  if (!reg.ok() && (StableCode(reg.status()) == "case.backdated" || StableCode(reg.status()) == "case.received_future"))
    return Invalid("import.row", "该行有误", {{"受理时间", std::string(reg.status().message()), "code", {StableCode(reg.status())}}});
  if (reg.ok()) tickets_.emplace(std::move(ticket), number);
  return reg.status();
}

absl::StatusOr<CaseImportReport> CaseImport::Finish(Tx& tx) {
  QF_RETURN_IF_ERROR(RefuseBadRows(rows_, o_.accept_valid));
  // The clerk's picks, kept as aliases once the rows that used them are in (a name already the unit's is skipped).
  if (o_.remember_units && report_.rejected.empty())
    for (const auto& [name, unit] : used_picks_) {
      auto added = org::AddAlias(tx, org::Alias{0, unit, name, "other", ""});
      if (added.ok()) ++report_.aliases_added;
      else if (StableCode(added.status()) != "alias.exists") return added.status();
    }
  return report();
}

CaseImportReport CaseImport::report() const {
  CaseImportReport r = report_;
  r.applied = rows_.applied;
  r.rejected = rows_.rejected;
  r.problems = rows_.problems;
  return r;
}

absl::StatusOr<CaseImportReport> ImportCases(Tx& tx, const CaseEnv& env, const ImportColumns& columns, const Table& t,
                                             const NextRow& next, const CaseImportOptions& o) {
  QF_ASSIGN_OR_RETURN(auto imp, CaseImport::Begin(columns, t, o));
  QF_RETURN_IF_ERROR(imp->Rows(tx, env, next).status());
  return imp->Finish(tx);
}

}  // namespace qf::cases
