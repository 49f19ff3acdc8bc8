#include "reports/documents.h"
#include "reports/bulletin.h"

#include <cmath>
#include <map>


#include "cases/model.h"
#include "common/crypto_util.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/xlsx_out.h"
#include "fmt/format.h"
#include "admissions/admissions.h"
#include "exams/exams.h"
#include "fees/fees.h"
#include "duty/duty.h"
#include "projects/projects.h"
#include "placement/placement.h"
#include "reports/dashboard.h"
#include "reports/docx.h"
#include "reports/narrative.h"
#include "reports/summary_text.h"
#include "notices/notices.h"
#include "cases/hotspots.h"

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
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1"));
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
                    first ? "上半年" : "下半年", std::string(text)};
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
      return Period{*y, FormatDay(first), FormatDay(last), kQuarterNames[q - 1], std::string(text)};
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

namespace {

// Section 三's admission checks: the rosters that came in the period, what the rules found and what became of it.
// Empty when no roster came.
absl::StatusOr<std::string> AdmissionsParagraph(Db& db, const std::string& data_dir, const Period& p) {
  auto from = ParseDay(p.from), to = ParseDay(p.to);
  if (!from || !to) return Invalid("report.period", "时段不正确");
  QF_ASSIGN_OR_RETURN(admissions::Rules rules, admissions::Rules::Load(data_dir));
  QF_ASSIGN_OR_RETURN(admissions::Figures a, admissions::FiguresBetween(db, rules, *from, *to));
  if (!a.rosters) return std::string();
  std::string text = fmt::format("组织全市{}所学校报送{}年招生名册，逐人核查学生{}名", a.rosters, a.year, a.pupils);
  if (!a.findings) return text + "，未发现违反招生规定的问题。";
  std::vector<std::string> parts, done;
  for (const auto& [label, n] : a.by_rule) parts.push_back(fmt::format("{}{}个", label, n));
  text += fmt::format("，对照“三限”、借读、人籍一致、大班额等规定查出问题{}个（{}）", a.findings, Join(parts, "、"));
  if (a.ordered)
    done.push_back(a.rectified == a.ordered ? fmt::format("责令整改{}个，均已整改到位", a.ordered)
                   : a.rectified            ? fmt::format("责令整改{}个，已整改到位{}个", a.ordered, a.rectified)
                                            : fmt::format("责令整改{}个", a.ordered));
  if (a.referred) done.push_back(fmt::format("{}个问题线索移交纪委监察室办理", a.referred));
  if (a.cleared) done.push_back(fmt::format("{}个经学校更正名册后消除", a.cleared));
  if (int open = a.findings - a.ordered - a.referred - a.cleared; open > 0) done.push_back(fmt::format("{}个正在处理", open));
  return text + "，" + Join(done, "，") + "。";
}

// Section 三's lotteries: those drawn in the period. Empty when none was.
absl::StatusOr<std::string> LotteriesParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(admissions::LotteryFigures f, admissions::LotteryFiguresBetween(db, from, to));
  if (!f.lotteries) return std::string();
  std::string text = fmt::format("对{}所报名人数超过招生计划的学校实行电脑随机录取（摇号）全程监督，纪检监察人员现场见证，"
                                 "家长代表等到场监督；共摇号{}次，报名{}人，录取{}人", f.schools, f.lotteries, f.applicants,
                                 f.admitted);
  if (f.gave_up) text += fmt::format("，放弃学位后按候补顺序递补{}人", f.gave_up);
  if (f.extra) text += fmt::format("，计划外录取{}人（均记录理由并公开）", f.extra);
  return text + "。承诺值和摇号结果当场公开，任何人可以复核。";
}

// Section 三's exam supervision: the sessions watched and the score checks of the period. Empty when none.
absl::StatusOr<std::string> ExamsParagraph(Db& db, const std::string& data_dir, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(exams::Policy policy, exams::Policy::Load(data_dir));
  QF_ASSIGN_OR_RETURN(exams::Figures f, exams::FiguresBetween(db, policy, from, to));
  if (!f.sessions && !f.checks) return std::string();
  std::vector<std::string> parts;
  for (const auto& [label, n] : f.sessions_by_stage) parts.push_back(fmt::format("{}{}场", label, n));
  std::string text;
  if (f.sessions) {
    text = fmt::format("对考试阅卷、誊分登分、查分查卷等环节实行全程监督，监督{}", Join(parts, "、"));
    text += f.problems ? fmt::format("，发现并督促当场纠正问题{}起", f.problems) : "，未发现违规问题";
  }
  if (f.checks) {
    text += fmt::format("{}受理考生查分申请{}件，已在监督下复核{}件", text.empty() ? "" : "；", f.checks, f.answered);
    if (f.corrected) text += fmt::format("，其中{}件更正成绩（共{}分）", f.corrected, fmt::format("{:g}", f.points));
  }
  return text + "。";
}

// Section 二's fee declarations: those made in the period and what the rules flagged. Empty when none.
absl::StatusOr<std::string> FeesParagraph(Db& db, const std::string& data_dir, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(fees::Policy policy, fees::Policy::Load(data_dir));
  QF_ASSIGN_OR_RETURN(fees::Figures f, fees::FiguresBetween(db, policy, from, to));
  if (!f.schools) return std::string();
  std::string text = fmt::format("组织{}所学校公示服务性收费、代收费和教辅材料征订{}项，对照核准项目和收费标准逐校核查",
                                 f.schools, f.charges);
  if (!f.flagged) return text + "，未发现违规收费项目。";
  std::vector<std::string> parts;
  for (const auto& [rule, n] : f.by_rule) parts.push_back(fmt::format("{}{}项", fees::RuleLabel(rule), n));
  return text + fmt::format("，{}所学校存在问题（{}），列为收费专项检查重点。", f.flagged, Join(parts, "、"));
}

// Section 二's livelihood projects: the board at the period's last month ended. Empty when the year has none.
absl::StatusOr<std::string> ProjectsParagraph(Db& db, const std::string& data_dir, const Period& p, absl::Time now) {
  auto from = ParseDay(p.from), to = ParseDay(p.to);
  if (!from || !to) return Invalid("report.period", "时段不正确");
  absl::CivilMonth month = std::min(absl::CivilMonth(*to), absl::CivilMonth(CstDay(now)) - 1);
  if (month < absl::CivilMonth(*from)) return std::string();
  QF_ASSIGN_OR_RETURN(projects::Policy policy, projects::Policy::Load(data_dir + "/projects/policy.toml"));
  QF_ASSIGN_OR_RETURN(projects::Figures f, projects::FiguresAt(db, policy, p.year, month));
  if (!f.projects) return std::string();
  std::string text = fmt::format("对{}项教育民生工程实行按月调度，截至{}月末序时进度为{:.1f}%，", f.projects,
                                 static_cast<int>(month.month()), f.schedule_pct);
  text += f.on_pace == f.districts ? fmt::format("{}个县区各项目均达到序时进度要求。", f.districts)
                                   : fmt::format("{}个县区中{}个县区各项目均达到序时进度要求", f.districts, f.on_pace);
  if (!f.laggards.empty()) text += fmt::format("；{}进度滞后，已通报督促。", Join(f.laggards, "、"));
  return text;
}

// The responsibility system's paragraphs of section 一, from the records: the year's plan and how its deadlines due
// in the period stand at its end, the letters and their signatures, the talks by kind. Empty when there is nothing.
struct DutyText {
  std::string plan, letters, talks, tests, evaluation;
};
absl::StatusOr<DutyText> DutyParagraphs(Db& db, const Period& p) {
  auto from = ParseDay(p.from), to = ParseDay(p.to);
  if (!from || !to) return Invalid("report.period", "时段不正确");
  QF_ASSIGN_OR_RETURN(duty::Figures f, duty::FiguresBetween(db, *from, *to));
  DutyText out;
  if (f.tasks) {
    out.plan = fmt::format("研究制定《{}》，从{}个方面明确{}项主要任务，逐项分解到牵头单位和配合单位，按期督促检查。",
                           f.plan_title, f.areas, f.tasks);
    if (f.deadlines_due) {
      std::vector<std::string> parts;
      if (f.done_on_time == f.deadlines_due) {
        parts.push_back("全部按时完成");
      } else {
        if (f.done_on_time) parts.push_back(fmt::format("按时完成{}个", f.done_on_time));
        if (f.done_late) parts.push_back(fmt::format("逾期完成{}个", f.done_late));
        int waiting = f.deadlines_due - f.done_on_time - f.done_late - f.overdue;
        if (waiting) parts.push_back(fmt::format("已报送待审核{}个", waiting));
        if (f.overdue) parts.push_back(fmt::format("{}个逾期未完成，已发督办卡督促落实", f.overdue));
      }
      out.plan += fmt::format("截至{}，到期的{}个任务节点{}。", ChineseDate(CstStart(*to)), f.deadlines_due, Join(parts, "，"));
    }
  }
  if (f.letters) {
    out.letters = fmt::format("与各处室、县区教育主管部门和学校签订《党风廉政建设责任书》{}份，", f.letters);
    out.letters += f.letters_signed == f.letters ? "全部签订。"
                   : f.letters_signed ? fmt::format("已签订{}份，其余{}份正在督促签订。", f.letters_signed, f.letters - f.letters_signed)
                                      : "正在督促签订。";
  }
  if (f.talks) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"pre_appointment", "任前谈话"}, {"routine", "例行谈话"}, {"reminder", "提醒谈话"}, {"admonition", "诫勉谈话"}};
    std::vector<std::string> parts;
    for (auto [code, label] : kKinds)
      if (int n = f.talks_by_kind[code]) parts.push_back(fmt::format("{}{}人次", label, n));
    out.talks = parts.size() == 1 ? fmt::format("开展廉政谈话，{}。", parts[0])
                                  : fmt::format("开展廉政谈话{}人次，其中{}。", f.talks, Join(parts, "、"));
  }
  if (f.tested)
    out.tests = fmt::format("组织{}名党员干部参加廉政知识测试，每人一份由题库随机抽取的试卷，合格{}名，合格率{}。", f.tested,
                            f.passed, Percent(f.passed, f.tested));
  if (f.sessions)
    out.tests += fmt::format("组织警示教育{}场，现场扫码签到{}人次。", f.sessions, f.attendees);
  if (f.evaluated) {
    std::vector<std::string> bands, decisions;
    for (const auto& [label, n] : f.bands)
      if (n) bands.push_back(fmt::format("{}{}个", label, n));
    out.evaluation = fmt::format("开展党风廉政建设责任制考核，对{}个单位按考核表逐项评分，每项得分附有依据，评定{}。", f.evaluated,
                                 Join(bands, "、"));
  }
  int held = 0;
  for (const auto& [label, n] : f.decisions) held += n, (void)label;
  if (held) {
    std::vector<std::string> parts;
    for (const auto& [label, n] : f.decisions) parts.push_back(fmt::format("{}{}人", label, n));
    out.evaluation += parts.size() == 1 ? fmt::format("对落实责任不到位的{}名责任人予以{}，问责决定均载明所依据的条款和事实。", held, f.decisions[0].first)
                                        : fmt::format("严肃问责{}人，其中{}，问责决定均载明所依据的条款和事实。", held, Join(parts, "、"));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> SummaryDocx(Db& db, const std::string& data_dir, const Period& p, absl::Time now,
                                        std::optional<int> version) {
  QF_ASSIGN_OR_RETURN(NarrativeVersion text, NarrativeFor(db, data_dir, p.code, version));
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
  // Each figure only where it has a base (no "0件中按期办结0件").
  std::vector<std::string> figures;
  if (met + late) figures.push_back(fmt::format("办理期限届满的{}件中按期办结{}件，按期办结率{}", met + late, met, Percent(met, met + late)));
  int64_t accepted = s.at("accepted").as_int64(), concluded = s.at("concluded").as_int64();
  if (accepted)
    figures.push_back(concluded ? fmt::format("受理{}件中已办结{}件，办结率{}", accepted, concluded, Percent(concluded, accepted))
                                : fmt::format("受理{}件，正在办理", accepted));
  int64_t acc_met = s.at("acceptance_on_time").as_int64(), acc_late = s.at("acceptance_late").as_int64();
  if (acc_met + acc_late) {
    std::string text = fmt::format("按期告知受理{}件，按期受理率{}", acc_met, Percent(acc_met, acc_met + acc_late));
    if (!s.at("avg_handling_days").is_null())
      text += fmt::format("，平均办理{:.1f}天", s.at("avg_handling_days").to_number<double>());
    figures.push_back(text);
  }
  if (rated) figures.push_back(fmt::format("反映人评价{}件，满意率{}", rated, Percent(s.at("satisfied").as_int64(), rated)));
  if (int64_t replied = s.at("replied").as_int64())
    figures.push_back(fmt::format("答复后未再申请复查复核的{}件，息诉率{}", s.at("settled").as_int64(), Percent(s.at("settled").as_int64(), replied)));
  if (total) figures.push_back(fmt::format("实名反映占{}", Percent(s.at("named").as_int64(), total)));
  std::string handling = figures.empty() ? "" : Join(figures, "；") + "。";
  const absl::CivilDay from = *ParseDay(p.from), to = *ParseDay(p.to);
  QF_ASSIGN_OR_RETURN(std::string hotspots, HotspotsParagraph(db, from, to));
  QF_ASSIGN_OR_RETURN(std::string inspections, InspectionsParagraph(db, from, to));
  QF_ASSIGN_OR_RETURN(std::string bulletins, BulletinsParagraph(db, from, to));
  QF_ASSIGN_OR_RETURN(auto notice_types, notices::NoticeTypes::Load(data_dir + "/notices/types.toml"));
  QF_ASSIGN_OR_RETURN(std::string notices_text, NoticesParagraph(db, notice_types, from, to));
  QF_ASSIGN_OR_RETURN(std::string draws_text, DrawsParagraph(db, from, to));
  QF_ASSIGN_OR_RETURN(std::string supervision, SupervisionParagraph(db, from, to));
  // Migrant children's places: the run published in the period, from its record.
  std::string placement_sentence;
  QF_ASSIGN_OR_RETURN(auto placed, placement::PublishedBetween(db, CstStart(from), CstStart(to + 1)));
  if (placed) {
    const auto& f = *placed;
    placement_sentence = fmt::format(
        "按照“两个百分之百”的要求，{}年全市{}所随迁子女定点学校（城区{}所、县{}所）共审核通过进城务工人员随迁子女{}名，"
        "安排入学{}名{}，其中{}名在自己填报的志愿学校；录取按类别、距离和公开随机号进行，承诺值、随机号种子和录取结果已向社会公开，"
        "任何人可以复核。",
        f.year, f.schools, f.schools - f.county_schools, f.county_schools, f.eligible, f.placed,
        f.placed == f.eligible ? "，全部安排" : fmt::format("，尚有{}名待增加学位后安排", f.eligible - f.placed), f.chosen);
  }
  QF_ASSIGN_OR_RETURN(DutyText duty_text, DutyParagraphs(db, p));
  QF_ASSIGN_OR_RETURN(std::string admissions_text, AdmissionsParagraph(db, data_dir, p));
  QF_ASSIGN_OR_RETURN(std::string projects_text, ProjectsParagraph(db, data_dir, p, now));
  QF_ASSIGN_OR_RETURN(std::string lotteries_text, LotteriesParagraph(db, from, to));
  QF_ASSIGN_OR_RETURN(std::string exams_text, ExamsParagraph(db, data_dir, from, to));
  QF_ASSIGN_OR_RETURN(std::string fees_text, FeesParagraph(db, data_dir, from, to));
  std::map<std::string, std::string> vars{{"bureau", bureau}, {"year", std::to_string(p.year)}, {"half", p.name},
                                          {"duty_plan", duty_text.plan}, {"duty_letters", duty_text.letters},
                                          {"duty_talks", duty_text.talks}, {"duty_tests", duty_text.tests},
                                          {"duty_evaluation", duty_text.evaluation},
                                          {"placement", placement_sentence}, {"admissions", admissions_text},
                                          {"projects", projects_text}, {"lotteries", lotteries_text},
                                          {"exams", exams_text}, {"fees", fees_text},
                                          {"statistics", sentence}, {"categories", categories},
                                          {"handling", handling}, {"hotspots", hotspots}, {"inspections", inspections},
                                          {"bulletins", bulletins}, {"notices", notices_text}, {"draws", draws_text},
                                          {"supervision", supervision}};
  Docx doc;
  std::string title = Replace(text.narrative.title, vars);
  doc.Properties(title, "工作总结");
  doc.Add(Para::kTitle, title);
  doc.Add(Para::kBody, Replace(text.narrative.intro, vars));
  for (const auto& section : text.narrative.sections) {
    doc.Add(Para::kHeading1, Replace(section.heading, vars));
    for (const auto& para : section.paragraphs) {
      std::string filled = Replace(para, vars);
      if (!Trim(filled).empty()) doc.Add(Para::kBody, filled);
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

absl::StatusOr<json::array> OversightParagraphs(Db& db, const std::string& data_dir, const Period& p, absl::Time now) {
  const absl::CivilDay from = *ParseDay(p.from), to = *ParseDay(p.to);
  json::array out;
  auto add = [&](const char* topic, const std::string& text) {
    if (!text.empty()) out.push_back(json::object{{"topic", topic}, {"text", text}});
  };
  QF_ASSIGN_OR_RETURN(std::string admissions, AdmissionsParagraph(db, data_dir, p));
  add("admissions", admissions);
  QF_ASSIGN_OR_RETURN(std::string lotteries, LotteriesParagraph(db, from, to));
  add("lotteries", lotteries);
  QF_ASSIGN_OR_RETURN(std::string fees, FeesParagraph(db, data_dir, from, to));
  add("fees", fees);
  QF_ASSIGN_OR_RETURN(std::string exams, ExamsParagraph(db, data_dir, from, to));
  add("exams", exams);
  QF_ASSIGN_OR_RETURN(std::string projects, ProjectsParagraph(db, data_dir, p, now));
  add("projects", projects);
  return out;
}

absl::StatusOr<std::string> BulletinDocx(Db& db, const std::string& data_dir, const std::string& quarter, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto p, ParseQuarter(quarter));
  QF_ASSIGN_OR_RETURN(std::string bureau, BureauName(db));
  QF_ASSIGN_OR_RETURN(auto v, QuarterBulletin(db, data_dir, quarter, now));
  bool frozen = v.at("frozen").as_bool();
  const auto& snap = v.at("snapshot").as_object();
  const auto& totals = snap.at("totals").as_object();
  auto n = [](const json::object& o, const char* key) -> int64_t {
    auto* x = o.if_contains(key);
    return x && x->is_number() ? std::llround(x->to_number<double>()) : 0;
  };
  auto yuan = [](const json::object& o, const char* key) {
    auto* x = o.if_contains(key);
    return fmt::format("{:.2f}", x && x->is_number() ? x->to_number<double>() : 0.0);
  };
  std::string title = fmt::format("{}关于{}年{}教育系统投诉举报办理情况的通报", bureau, p.year, p.name);
  Docx doc;
  doc.Properties(title, "季度通报");
  doc.Add(Para::kTitle, title);
  if (!frozen) doc.Add(Para::kBody, fmt::format("【草稿】本季度通报尚未经领导审定，以下为截至{}的实时数据，不作为正式通报。",
                                                std::string(snap.at("as_of").as_string())));
  doc.Add(Para::kBody, fmt::format("各县（区）教育主管部门、开发区教育部门，局属各单位：为切实发挥“季度通报制度”的指导、督促和警示作用，"
                                   "现将{}年{}投诉举报办理和专项检查整改情况通报如下：", p.year, p.name));
  doc.Add(Para::kHeading1, "一、总体情况");
  int64_t met = n(totals, "on_time"), late = n(totals, "overdue");
  doc.Add(Para::kBody, fmt::format(
      "本季度受理涉及各单位的投诉举报{}件，按期办结{}件，超期{}件，按期办结率{}。专项检查发现问题{}个，已整改{}个、整改中{}个；"
      "清退违规收费{}元、涉及学生{}人；问责处理{}起；亮黄牌{}张、红牌{}张。",
      n(totals, "received"), met, late, Percent(met, met + late), n(totals, "findings"), n(totals, "rect_closed"),
      n(totals, "rect_open"), yuan(totals, "refund_yuan"), n(totals, "refund_pupils"), n(totals, "sanctions"),
      n(totals, "yellow_cards"), n(totals, "red_cards")));
  std::vector<std::string> header{"县（区）"};
  for (auto& c : snap.at("columns").as_array()) header.push_back(std::string(c.at("label").as_string()));
  auto row_of = [&](const json::object& o, const std::string& first) {
    std::vector<std::string> row{first};
    for (auto& c : snap.at("columns").as_array()) {
      std::string key(c.at("key").as_string());
      row.push_back(key == "refund_yuan" ? yuan(o, key.c_str()) : std::to_string(n(o, key.c_str())));
    }
    return row;
  };
  doc.Add(Para::kHeading1, "二、各县（区）情况");
  DocTable dt{header, {}, std::vector<int>(header.size(), 1)};
  dt.widths[0] = 3;
  for (auto& d : snap.at("districts").as_array()) dt.rows.push_back(row_of(d.as_object(), std::string(d.at("district").as_string())));
  dt.rows.push_back(row_of(totals, "合计"));
  doc.AddTable(dt);
  doc.Add(Para::kHeading1, "三、问题较多的单位");
  std::vector<const json::object*> units = NamedUnits(snap);
  if (units.empty()) {
    doc.Add(Para::kBody, "本季度没有被反映两件以上或检查发现问题的单位。");
  } else {
    DocTable ut{{"单位", "县（区）", "受理", "超期", "检查发现问题", "整改中", "黄牌", "红牌"}, {}, {4, 2, 1, 1, 1, 1, 1, 1}};
    for (size_t k = 0; k < units.size() && k < 30; ++k) {
      const auto& o = *units[k];
      ut.rows.push_back({std::string(o.at("unit").as_string()), std::string(o.at("district").as_string()),
                         std::to_string(n(o, "received")), std::to_string(n(o, "overdue")), std::to_string(n(o, "findings")),
                         std::to_string(n(o, "rect_open")), std::to_string(n(o, "yellow_cards")), std::to_string(n(o, "red_cards"))});
    }
    doc.AddTable(ut);
  }
  // The quarter's special oversight, as frozen in the snapshot (bulletins approved before it was kept have none).
  const json::array* oversight = snap.contains("oversight") ? snap.at("oversight").if_array() : nullptr;
  bool has_oversight = oversight && !oversight->empty();
  if (has_oversight) {
    doc.Add(Para::kHeading1, "四、专项监督情况");
    for (const auto& o : *oversight) doc.Add(Para::kBody, std::string(o.at("text").as_string()));
  }
  doc.Add(Para::kHeading1, has_oversight ? "五、有关要求" : "四、有关要求");
  std::string narrative(v.at("narrative").as_string());
  if (!narrative.empty()) {
    for (auto part : Split(narrative, '\n'))
      if (!Trim(part).empty()) doc.Add(Para::kBody, std::string(Trim(part)));
  } else {
    doc.Add(Para::kBody, "对投诉较多、问题集中的县（区）和学校，要进行重点检查，限期整改；对逾期未办结的事项，承办单位要在5个工作日内办结并书面报告。"
                         "对顶风违规乱收费行为，一经发现，严肃追究相关单位和人员的责任，并在当年度评先评优中实行“一票否决”。");
  }
  doc.Add(Para::kSignature, bureau);
  doc.Add(Para::kSignature, ChineseDate(frozen ? *ParseUtc(std::string(v.at("approved_at").as_string())) : now));
  if (frozen) {
    doc.Add(Para::kNote, fmt::format("本通报经审定，内容指纹（SHA-256）{}；审定时{}", std::string(v.at("hash").as_string()),
                                     std::string(v.at("checkpoint").as_string())));
  } else {
    QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(db, now));
    doc.Add(Para::kNote, note);
  }
  return doc.Bytes();
}

absl::StatusOr<std::string> BulletinXlsx(Db& db, const std::string& data_dir, const std::string& quarter, absl::Time now) {
  QF_ASSIGN_OR_RETURN(auto v, QuarterBulletin(db, data_dir, quarter, now));
  return BulletinTablesXlsx(v);
}

absl::StatusOr<std::string> ProjectsBulletinDocx(Db& db, const std::string& data_dir, int year, absl::CivilMonth month,
                                                 absl::Time now) {
  QF_ASSIGN_OR_RETURN(projects::Policy policy, projects::Policy::Load(data_dir + "/projects/policy.toml"));
  QF_ASSIGN_OR_RETURN(json::object b, projects::Board(db, policy, year, month));
  QF_ASSIGN_OR_RETURN(std::string bureau, BureauName(db));
  const int m = static_cast<int>(month.month());
  auto pct = [](const json::value& v) { return fmt::format("{:.1f}%", v.to_number<double>()); };
  Docx doc;
  std::string title = fmt::format("{}关于{}年{}月教育民生工程进展情况的通报", bureau, year, m);
  doc.Properties(title, "民生工程通报");
  doc.Add(Para::kTitle, title);
  const auto& projects = b.at("projects").as_array();
  const auto& districts = b.at("districts").as_array();
  const auto& laggards = b.at("laggards").as_array();
  doc.Add(Para::kBody, fmt::format("根据{}，现将截至{}月末全市教育民生工程进展情况通报如下：",
                                   std::string(b.at("clause").as_string()), m));
  doc.Add(Para::kHeading1, "一、总体进展");
  int on_pace = 0;
  for (const auto& d : districts) on_pace += d.at("behind").as_array().empty();
  doc.Add(Para::kBody, fmt::format("全市共实施教育民生工程{}项，涉及{}个县区。截至{}月末，序时进度为{}，{}。", projects.size(),
                                   districts.size(), m, pct(b.at("schedule_pct")),
                                   on_pace == static_cast<int>(districts.size())
                                       ? std::string("各县区各项目均达到序时进度要求")
                                       : fmt::format("{}个县区各项目均达到序时进度要求", on_pace)));
  doc.Add(Para::kHeading1, "二、县区排名");
  DocTable rank{{"名次", "县区", "综合进度", "滞后项目"}, {}, {1, 3, 2, 4}};
  for (const auto& d : districts) {
    std::vector<std::string> behind;
    for (const auto& x : d.at("behind").as_array()) behind.emplace_back(x.as_string());
    rank.rows.push_back({std::to_string(d.at("rank").as_int64()), std::string(d.at("unit").as_string()), pct(d.at("index")),
                         behind.empty() ? "—" : Join(behind, "、")});
  }
  doc.AddTable(std::move(rank));
  doc.Add(Para::kHeading1, "三、各项目进展");
  static const char* kNumbers[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  for (size_t i = 0; i < projects.size(); ++i) {
    const auto& p = projects[i].as_object();
    doc.Add(Para::kHeading2, fmt::format("（{}）{}", i < 10 ? kNumbers[i] : std::to_string(i + 1).c_str(),
                                         std::string(p.at("name").as_string())));
    DocTable t{{"名次", "县区", "任务完成", "资金到位", "资金支出率", "报至"}, {}, {1, 3, 2, 2, 2, 2}};
    for (const auto& r : p.at("rows").as_array()) {
      std::string reported(r.at("reported_month").as_string());
      t.rows.push_back({std::to_string(r.at("rank").as_int64()), std::string(r.at("unit").as_string()), pct(r.at("quantity_pct")),
                        pct(r.at("funds_pct")), pct(r.at("spent_pct")), reported.empty() ? "未报" : reported});
    }
    doc.AddTable(std::move(t));
  }
  doc.Add(Para::kHeading1, "四、进度滞后的县区");
  if (laggards.empty()) {
    doc.Add(Para::kBody, "本月各县区各项目均达到序时进度要求。");
  } else {
    std::vector<std::string> named;
    for (const auto& l : laggards)
      named.push_back(fmt::format("{}的{}（落后序时进度{:.1f}个百分点{}）", std::string(l.at("unit").as_string()),
                                  std::string(l.at("project").as_string()), l.at("behind").to_number<double>(),
                                  l.at("reported").as_bool() ? "" : "，未按时报送进度"));
    doc.Add(Para::kBody, fmt::format("{}进度滞后，予以通报。请相关县区认真分析原因，制定整改措施，加快推进，确保按期完成全年目标任务。",
                                     Join(named, "；")));
  }
  doc.Add(Para::kSignature, bureau);
  doc.Add(Para::kSignature, ChineseDate(now));
  QF_ASSIGN_OR_RETURN(std::string note, CheckpointNote(db, now));
  doc.Add(Para::kNote, note);
  return doc.Bytes();
}

}  // namespace qf::reports
