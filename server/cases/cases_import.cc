// Bulk import of hotline and platform transfers (政民直通车, 市长热线, provincial platforms) from CSV or XLSX as
// such platforms export them: the channel and the platform's ticket number are recorded, repeats of a ticket
// are refused, and every row goes through the same intake as a web submission.
#include "cases/cases.h"
#include "cases/model.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "org/org.h"
#include "storage/import_rows.h"

namespace qf::cases {

absl::StatusOr<CaseImportReport> ImportCases(Tx& tx, const CaseEnv& env, const Table& t,
                                             const std::string& default_channel, bool accept_valid,
                                             int64_t registered_by, const std::string& backdate_reason) {
  int ref = ColumnIndex(t, {"external_ref", "工单编号"}), channel = ColumnIndex(t, {"channel", "来源"}),
      received = ColumnIndex(t, {"received_at", "受理时间", "派单时间"}), kind = ColumnIndex(t, {"kind", "诉求类型"}),
      category = ColumnIndex(t, {"category", "问题分类"}), unit = ColumnIndex(t, {"unit", "涉及单位"}),
      title = ColumnIndex(t, {"title", "标题"}), content = ColumnIndex(t, {"content", "内容", "诉求内容"}),
      name = ColumnIndex(t, {"reporter_name", "反映人"}), phone = ColumnIndex(t, {"reporter_phone", "联系电话"});
  QF_RETURN_IF_ERROR(RequireColumns(t, {{ref, "工单编号"}, {received, "受理时间"}, {category, "问题分类"},
                                        {title, "标题"}, {content, "内容"}}));
  auto cell = [&](size_t r, int c) { return c >= 0 ? t.rows[r][c] : std::string(); };
  auto rep = ImportRows(tx, t, accept_valid, [&](size_t r) -> absl::Status {
    NewCase c;
    std::vector<FieldError> e;
    std::string ch = channel >= 0 && !cell(r, channel).empty() ? cell(r, channel) : default_channel;
    auto chc = CodeOf(kChannels, ch);
    if (!chc) e.push_back({"来源", "未知来源：" + ch});
    else c.channel = *chc;
    c.external_ref = cell(r, ref);
    if (c.external_ref.empty()) e.push_back({"工单编号", "必填"});
    std::string when = cell(r, received);
    // Platforms export "2026-03-02 09:30:00" in China Standard Time, or RFC 3339.
    std::optional<absl::Time> at = ParseUtc(when);
    if (!at && when.size() >= 10) {
      if (auto d = ParseDay(when.substr(0, 10))) {
        absl::Time base = CstStart(*d);
        if (when.size() >= 16 && when[10] == ' ') {
          auto hh = ParseInt<int>(when.substr(11, 2)), mm = ParseInt<int>(when.substr(14, 2));
          if (hh && mm && *hh < 24 && *mm < 60) at = base + absl::Hours(*hh) + absl::Minutes(*mm);
        } else if (when.size() == 10) {
          at = base;
        }
      }
    }
    if (!at) e.push_back({"受理时间", "日期时间无效：" + when});
    else c.received_at = at;
    auto cat = CodeOf(kCategories, cell(r, category));
    if (!cat) e.push_back({"问题分类", "未知分类：" + cell(r, category)});
    else c.category = *cat;
    std::string k = cell(r, kind);
    if (!k.empty()) {
      auto kc = CodeOf(kKinds, k);
      if (!kc) e.push_back({"诉求类型", "未知类型：" + k});
      else c.kind = *kc;
    }
    c.title = cell(r, title);
    c.content = cell(r, content);
    if (c.title.empty()) e.push_back({"标题", "必填"});
    if (c.content.empty()) e.push_back({"内容", "必填"});
    std::string u = cell(r, unit);
    if (!u.empty()) {
      QF_ASSIGN_OR_RETURN(c.concerned_unit_id, org::UnitIdByCode(tx.db(), u));
      if (!c.concerned_unit_id) {
        QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("SELECT id FROM org_units WHERE name=? LIMIT 1"));
        st.Bind(1, u);
        QF_ASSIGN_OR_RETURN(bool row, st.Step());
        if (row) c.concerned_unit_id = st.Int(0);
        else e.push_back({"涉及单位", "找不到单位：" + u});
      }
    }
    c.reporter_name = cell(r, name);
    c.reporter_phone = cell(r, phone);
    c.anonymous = c.reporter_name.empty() || c.reporter_phone.empty();
    c.registered_by = registered_by;
    c.received_reason = backdate_reason;
    if (!e.empty()) return Invalid("import.row", "该行有误", e);
    auto reg = Register(tx, env, c);
    // Intake's own checks name the request's fields; in a file they are the row's columns.
    if (!reg.ok() && (StableCode(reg.status()) == "case.backdated" || StableCode(reg.status()) == "case.received_future"))
      return Invalid("import.row", "该行有误", {{"受理时间", std::string(reg.status().message())}});
    return reg.status();
  });
  if (!rep.ok()) return rep.status();
  return CaseImportReport{rep->applied, rep->rejected};
}

}  // namespace qf::cases
