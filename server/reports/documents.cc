#include "reports/documents.h"

#include <cmath>
#include <map>

#include <toml++/toml.h>

#include "cases/model.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "fmt/format.h"
#include "reports/dashboard.h"
#include "reports/docx.h"
#include "reports/hotspots.h"

namespace qf::reports {

namespace json = boost::json;

namespace {

const char* kQuarterNames[] = {"第一季度", "第二季度", "第三季度", "第四季度"};

std::string Replace(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    std::string key = "{{" + k + "}}";
    for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + v.size())) s.replace(pos, key.size(), v);
  }
  return s;
}

std::string Percent(int64_t a, int64_t b) { return b ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(a) / static_cast<double>(b)) : "—"; }

std::string ChineseDate(absl::Time t) {
  absl::CivilDay d = CstDay(t);
  return fmt::format("{}年{}月{}日", d.year(), d.month(), d.day());
}

absl::StatusOr<std::string> BureauName(Db& db) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Text(0) : std::string("市教育局");
}

struct Figures {
  json::object stats;
  std::map<std::string, int64_t> by_channel;
};

absl::StatusOr<Figures> Load(Db& db, const Period& p, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto s, Dashboard(db, p.from, p.to, now));
  Figures f{s, {}};
  for (auto& c : s.at("by_channel").as_array())
    f.by_channel[std::string(c.at("code").as_string())] = c.at("count").as_int64();
  return f;
}

}  // namespace

// "审计账本检查点：第 N 条，根哈希 …，签于 …": the latest signed checkpoint when the document was made.
absl::StatusOr<std::string> CheckpointNote(Db& db, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT size, root, created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1"));
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  std::string made = absl::FormatTime("%Y-%m-%d %H:%M", now, Cst());
  if (!row) return fmt::format("本文件生成于 {}（北京时间），审计账本尚无签名检查点。", made);
  std::string root = st.Text(1);
  return fmt::format("本文件数据生成于 {}（北京时间）。审计账本检查点：共 {} 条记录，根哈希 {}，签名时间 {}。"
                     "可用 qingfeng ledger verify 核验本文件所依据的记录未被删改。",
                     made, st.Int(0), Base64(root), st.Text(2));
}

absl::StatusOr<Period> ParseHalf(std::string_view text) {
  if (text.size() == 6 && (text.substr(4) == "H1" || text.substr(4) == "H2")) {
    if (auto y = ParseInt<int>(text.substr(0, 4)); y && *y >= 2000 && *y <= 2100) {
      bool first = text[5] == '1';
      return Period{*y, fmt::format("{}-{}", *y, first ? "01-01" : "07-01"), fmt::format("{}-{}", *y, first ? "06-30" : "12-31"),
                    first ? "上半年" : "下半年"};
    }
  }
  return Invalid("report.period", "半年应写作 2026H1 或 2026H2", {{"half", "如 2026H1"}});
}

absl::StatusOr<Period> ParseQuarter(std::string_view text) {
  if (text.size() == 6 && text[4] == 'Q' && text[5] >= '1' && text[5] <= '4') {
    if (auto y = ParseInt<int>(text.substr(0, 4)); y && *y >= 2000 && *y <= 2100) {
      int q = text[5] - '0';
      absl::CivilDay first(*y, 3 * (q - 1) + 1, 1);
      absl::CivilDay last = absl::CivilDay(absl::CivilMonth(first) + 3) - 1;
      return Period{*y, FormatDay(first), FormatDay(last), kQuarterNames[q - 1]};
    }
  }
  return Invalid("report.period", "季度应写作 2026Q1 至 2026Q4", {{"quarter", "如 2026Q1"}});
}

namespace {

// The statistics sentence from figures already loaded.
std::string Sentence(const Figures& f, const Period& p) {
  // The seed's order and wording first, then the channels it did not have.
  static const std::pair<const char*, const char*> kPhrases[] = {
      {"zmztc", "“政民直通车”投诉举报{}件"},
      {"mayor_hotline", "市长热线转办件{}件"},
      {"letter_call", "来信来电咨询投诉{}件"},
      {"province_platform", "省教育信息网“规范办学行为信息平台”投诉件{}件"},
      {"province_fee", "省治理教育乱收费通报转办件{}件"},
      {"media", "重要舆情舆论{}件"},
      {"visit", "来访{}件"},
      {"hotline", "举报电话{}件"},
      {"web", "网上投诉举报{}件"},
  };
  std::vector<std::string> parts;
  for (auto [code, phrase] : kPhrases)
    if (auto it = f.by_channel.find(code); it != f.by_channel.end() && it->second > 0)
      parts.push_back(fmt::format(fmt::runtime(phrase), it->second));
  if (parts.empty()) return p.name + "未受理投诉举报";
  return p.name + "共受理" + Join(parts, "，");
}

}  // namespace

absl::StatusOr<std::string> ChannelSentence(Db& db, const Period& p, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto f, Load(db, p, now));
  return Sentence(f, p);
}

absl::StatusOr<std::string> SummaryDocx(Db& db, const std::string& data_dir, const Period& p, absl::Time now) {
  toml::table tpl;
  try {
    tpl = toml::parse_file(data_dir + "/reports/summary.toml");
  } catch (const toml::parse_error& e) {
    return Invalid("report.template", std::string("总结模板有误：") + std::string(e.description()));
  }
  QF_ASSIGN_OR_RETURN(std::string bureau, BureauName(db));
  QF_ASSIGN_OR_RETURN(auto f, Load(db, p, now));
  std::string sentence = Sentence(f, p);
  const auto& s = f.stats;
  std::vector<std::string> cats;
  for (auto& c : s.at("by_category").as_array())
    if (c.at("code").as_string() != "other" && cats.size() < 4) cats.push_back(std::string(c.at("label").as_string()));
  std::string categories = cats.empty() ? "" : "，内容涉及" + Join(cats, "、") + "等方面";
  int64_t met = s.at("handling_on_time").as_int64(), late = s.at("handling_late").as_int64();
  int64_t rated = s.at("rated").as_int64(), total = s.at("total").as_int64();
  std::string handling = fmt::format("办理期限届满的{}件中按期办结{}件，按期办结率{}", met + late, met, Percent(met, met + late));
  if (!s.at("avg_handling_days").is_null())
    handling += fmt::format("，平均办理{:.1f}天", s.at("avg_handling_days").to_number<double>());
  if (rated) handling += fmt::format("；反映人评价{}件，满意率{}", rated, Percent(s.at("satisfied").as_int64(), rated));
  if (int64_t replied = s.at("replied").as_int64())
    handling += fmt::format("；答复后未再申请复查复核的{}件，息诉率{}", s.at("settled").as_int64(), Percent(s.at("settled").as_int64(), replied));
  handling += fmt::format("；实名反映占{}。", Percent(s.at("named").as_int64(), total));
  QF_ASSIGN_OR_RETURN(auto hs, Hotspots(db, p.from, p.to));
  int64_t hot_schools = 0, hot_districts = 0;
  std::vector<std::string> names;
  for (auto& h : hs.at("schools").as_array())
    if (h.at("kind").as_string() == "rate") {
      ++hot_schools;
      if (names.size() < 3) names.push_back(std::string(h.at("name").as_string()));
    }
  for (auto& h : hs.at("districts").as_array()) hot_districts += h.at("kind").as_string() == "rate";
  std::string hotspots = hot_schools || hot_districts
      ? fmt::format("对投诉举报进行综合分析，{}所学校、{}个县区的投诉率显著高于全市水平（如{}），已列为重点检查对象。",
                    hot_schools, hot_districts, Join(names, "、"))
      : "对投诉举报进行综合分析，未发现投诉率显著高于全市水平的学校和县区。";
  std::map<std::string, std::string> vars{{"bureau", bureau}, {"year", std::to_string(p.year)}, {"half", p.name},
                                          {"statistics", sentence}, {"categories", categories},
                                          {"handling", handling}, {"hotspots", hotspots}, {"inspections", ""}};
  Docx doc;
  std::string title = Replace(tpl["title"].value_or(std::string("{{bureau}}{{year}}年{{half}}工作总结")), vars);
  doc.Properties(title, "工作总结");
  doc.Add(Para::kTitle, title);
  doc.Add(Para::kBody, Replace(tpl["intro"].value_or(std::string()), vars));
  if (auto* sections = tpl["section"].as_array()) {
    for (auto& sec : *sections) {
      auto* t = sec.as_table();
      if (!t) continue;
      doc.Add(Para::kHeading1, Replace((*t)["heading"].value_or(std::string()), vars));
      if (auto* ps = (*t)["paragraphs"].as_array())
        for (auto& para : *ps)
          if (auto v = para.value<std::string>()) {
            std::string text = Replace(*v, vars);
            if (!Trim(text).empty()) doc.Add(Para::kBody, text);
          }
    }
  }
  doc.Add(Para::kHeading2, "附表：投诉举报受理情况");
  DocTable t{{"来源渠道", "件数", "占比"}, {}, {3, 1, 1}};
  for (auto& c : s.at("by_channel").as_array())
    t.rows.push_back({std::string(c.at("label").as_string()), std::to_string(c.at("count").as_int64()),
                      Percent(c.at("count").as_int64(), total)});
  t.rows.push_back({"合计", std::to_string(total), total ? "100.0%" : "—"});
  doc.AddTable(t);
  doc.Add(Para::kSignature, bureau);
  doc.Add(Para::kSignature, ChineseDate(now));
  QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(db, now));
  doc.Add(Para::kNote, note);
  return doc.Bytes();
}

namespace {

struct DistrictRow {
  std::string district;
  int64_t received = 0, met = 0, missed = 0, overdue = 0;
};
struct SchoolRow {
  std::string name, district, top;
  int64_t received = 0, overdue = 0;
};

absl::StatusOr<std::vector<DistrictRow>> Districts(Db& db, const Period& p, absl::Time now) {
  std::map<std::string, DistrictRow> rows;
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT COALESCE(c.district,''), COUNT(*), TOTAL(d.status='met'), TOTAL(d.status='missed') FROM cases c "
      "LEFT JOIN case_deadlines d ON d.case_id=c.id AND d.kind='handling' "
      "WHERE c.received_at >= ?1 AND c.received_at < ?2 GROUP BY 1"));
  st.Bind(1, FormatUtc(CstStart(*ParseDay(p.from)))).Bind(2, FormatUtc(CstStart(*ParseDay(p.to) + 1)));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string d = st.Text(0).empty() ? "未注明" : st.Text(0);
    rows[d] = {d, st.Int(1), static_cast<int64_t>(st.Double(2)), static_cast<int64_t>(st.Double(3)), 0};
  }
  QF_ASSIGN_OR_RETURN(auto od, db.Prepare(
      "SELECT COALESCE(c.district,''), COUNT(*) FROM case_deadlines d CROSS JOIN cases c ON c.id=d.case_id "
      "WHERE d.status='open' AND d.kind='handling' AND d.due_on < ?3 AND c.received_at >= ?1 AND c.received_at < ?2 "
      "GROUP BY 1"));
  od.Bind(1, FormatUtc(CstStart(*ParseDay(p.from)))).Bind(2, FormatUtc(CstStart(*ParseDay(p.to) + 1)))
      .Bind(3, FormatDay(CstDay(now)));
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, od.Step());
    if (!row) break;
    std::string d = od.Text(0).empty() ? "未注明" : od.Text(0);
    rows[d].district = d;
    rows[d].overdue = od.Int(1);
  }
  std::vector<DistrictRow> out;
  for (auto& [_, r] : rows)
    if (r.received || r.overdue) out.push_back(r);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.received > b.received; });
  return out;
}

// Schools with two or more items in the period, most first, with their main subject.
absl::StatusOr<std::vector<SchoolRow>> Schools(Db& db, const Period& p, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "WITH q AS (SELECT c.id, c.concerned_unit_id AS u, c.category FROM cases c JOIN units un ON un.id=c.concerned_unit_id "
      "WHERE un.kind='school' AND c.received_at >= ?1 AND c.received_at < ?2), "
      "top AS (SELECT u, category, COUNT(*) n, ROW_NUMBER() OVER (PARTITION BY u ORDER BY COUNT(*) DESC, category) rk "
      "FROM q GROUP BY u, category) "
      "SELECT un.name, COALESCE(un.district,''), COUNT(q.id), (SELECT category FROM top WHERE top.u=q.u AND rk=1), "
      "(SELECT COUNT(*) FROM case_deadlines d WHERE d.case_id IN (SELECT id FROM q q2 WHERE q2.u=q.u) "
      "AND d.status='open' AND d.kind='handling' AND d.due_on < ?3) "
      "FROM q JOIN units un ON un.id=q.u GROUP BY q.u HAVING COUNT(q.id) >= 2 ORDER BY 3 DESC, 1 LIMIT 50"));
  st.Bind(1, FormatUtc(CstStart(*ParseDay(p.from)))).Bind(2, FormatUtc(CstStart(*ParseDay(p.to) + 1)))
      .Bind(3, FormatDay(CstDay(now)));
  std::vector<SchoolRow> out;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), cases::LabelOf(cases::kCategories, st.Text(3)).value_or(st.Text(3)), st.Int(2), st.Int(4)});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> BulletinDocx(Db& db, const Period& p, absl::Time now) {
  QF_ASSIGN_OR_RETURN(std::string bureau, BureauName(db));
  QF_ASSIGN_OR_RETURN(auto f, Load(db, p, now));
  QF_ASSIGN_OR_RETURN(auto districts, Districts(db, p, now));
  QF_ASSIGN_OR_RETURN(auto schools, Schools(db, p, now));
  std::string sentence = Sentence(f, p);
  const auto& s = f.stats;
  int64_t met = s.at("handling_on_time").as_int64(), late = s.at("handling_late").as_int64();
  std::string title = fmt::format("{}关于{}年{}教育系统投诉举报办理情况的通报", bureau, p.year, p.name);
  Docx doc;
  doc.Properties(title, "季度通报");
  doc.Add(Para::kTitle, title);
  doc.Add(Para::kBody, fmt::format("各县（区）教育主管部门、开发区教育部门，局属各单位：为切实发挥“季度通报制度”的指导、督促和警示作用，"
                                   "现将{}年{}投诉举报办理情况通报如下：", p.year, p.name));
  doc.Add(Para::kHeading1, "一、总体情况");
  doc.Add(Para::kBody, fmt::format("{}。办理期限届满的{}件中按期办结{}件，超期办结{}件，按期办结率{}；截至通报之日仍逾期未办结{}件。",
                                   sentence, met + late, met, late, Percent(met, met + late), s.at("overdue_now").as_int64()));
  doc.Add(Para::kHeading1, "二、各县（区）办理情况");
  DocTable dt{{"县（区）", "受理", "按期办结", "超期办结", "当前逾期"}, {}, {3, 1, 1, 1, 1}};
  for (auto& d : districts)
    dt.rows.push_back({d.district, std::to_string(d.received), std::to_string(d.met), std::to_string(d.missed), std::to_string(d.overdue)});
  doc.AddTable(dt);
  doc.Add(Para::kHeading1, "三、投诉较多的学校");
  if (schools.empty()) {
    doc.Add(Para::kBody, "本季度没有被反映两件以上的学校。");
  } else {
    DocTable st{{"学校", "县（区）", "受理", "主要问题", "当前逾期"}, {}, {4, 2, 1, 2, 1}};
    for (auto& r : schools) st.rows.push_back({r.name, r.district, std::to_string(r.received), r.top, std::to_string(r.overdue)});
    doc.AddTable(st);
  }
  doc.Add(Para::kHeading1, "四、有关要求");
  doc.Add(Para::kBody, "对投诉较多、问题集中的县（区）和学校，要进行重点检查，限期整改；对逾期未办结的事项，承办单位要在5个工作日内办结并书面报告。"
                       "对顶风违规乱收费行为，一经发现，严肃追究相关单位和人员的责任，并在当年度评先评优中实行“一票否决”。");
  doc.Add(Para::kSignature, bureau);
  doc.Add(Para::kSignature, ChineseDate(now));
  QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(db, now));
  doc.Add(Para::kNote, note);
  return doc.Bytes();
}

absl::StatusOr<std::string> BulletinXlsx(Db& db, const Period& p, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto districts, Districts(db, p, now));
  QF_ASSIGN_OR_RETURN(auto schools, Schools(db, p, now));
  XlsxSheet d{"县区", {"县（区）", "受理", "按期办结", "超期办结", "当前逾期"}, {}, {14, 8, 10, 10, 10}};
  for (auto& r : districts)
    d.rows.push_back({r.district, static_cast<long long>(r.received), static_cast<long long>(r.met),
                      static_cast<long long>(r.missed), static_cast<long long>(r.overdue)});
  XlsxSheet s{"学校", {"学校", "县（区）", "受理", "主要问题", "当前逾期"}, {}, {28, 12, 8, 12, 10}};
  for (auto& r : schools)
    s.rows.push_back({r.name, r.district, static_cast<long long>(r.received), r.top, static_cast<long long>(r.overdue)});
  QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(db, now));
  XlsxSheet n{"说明", {"说明"}, {{fmt::format("{}年{}（{} 至 {}）", p.year, p.name, p.from, p.to)}, {note}}, {120}};
  return WriteXlsx({d, s, n});
}

}  // namespace qf::reports
