#include "reports/narrative.h"

#include <set>

#include <toml++/toml.h>

#include "auth/auth_store.h"
#include "common/crypto_util.h"
#include "common/json_input.h"
#include "common/status.h"
#include "common/stored_json.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::reports {
namespace {

namespace json = boost::json;

constexpr size_t kMaxSections = 12, kMaxParagraphs = 40, kMaxParagraphChars = 4000;
constexpr std::string_view kToWrite = "【请填写";

// Every {{name}} in `text`, or the problem with the first that is not one of ours.
std::optional<std::string> PlaceholderProblem(std::string_view text) {
  static const std::set<std::string, std::less<>> known = [] {
    std::set<std::string, std::less<>> s;
    for (const auto& p : SummaryPlaceholders()) s.insert(p.name);
    return s;
  }();
  for (size_t pos = text.find("{{"); pos != std::string_view::npos; pos = text.find("{{", pos + 2)) {
    size_t end = text.find("}}", pos + 2);
    if (end == std::string_view::npos) return "“{{”没有配对的“}}”";
    std::string_view name = text.substr(pos + 2, end - pos - 2);
    if (!known.count(name)) return fmt::format("未知的占位符 {{{{{}}}}}，可用的见占位符列表", name);
  }
  return std::nullopt;
}

std::string Subject(const std::string& half) { return "summary:" + half; }

}  // namespace

const std::vector<Placeholder>& SummaryPlaceholders() {
  static const std::vector<Placeholder> kAll = {
      {"bureau", "机关名称（如市教育局）"},
      {"year", "年份"},
      {"half", "上半年或下半年"},
      {"duty_plan", "工作要点：方面和任务数，到期任务节点的完成情况"},
      {"duty_letters", "责任书：签订份数和已签订份数"},
      {"duty_talks", "廉政谈话：人次和各类谈话人次"},
      {"duty_tests", "廉政知识测试人数、合格率；警示教育场次和签到人次"},
      {"duty_evaluation", "责任制考核结果和问责决定"},
      {"inspections", "专项检查：牵头和参与单位、检查组、抽查学校、发现问题、清退、整改、亮牌和一票否决"},
      {"bulletins", "季度通报：发布期数和点名通报的单位"},
      {"hotspots", "投诉集中的学校和县区（与全市水平比较）及采取的措施"},
      {"projects", "教育民生工程：序时进度、达标县区和滞后项目"},
      {"notices", "公示：名单、学校和人数、公示天数、异议及处理结果"},
      {"draws", "随机抽取：各考试监督人员及考点、评审专家、见证人"},
      {"placement", "随迁子女入学：定点学校、审核通过和安排入学人数"},
      {"admissions", "招生检查：报送名册、核查学生、发现问题及处理"},
      {"lotteries", "招生摇号监督：学校、摇号次数、报名和录取人数、递补和计划外录取"},
      {"exams", "考试监督：阅卷、誊分、查分各环节监督场次和发现的问题；查分申请和更正"},
      {"fees", "收费公示：公示学校和项目数、发现问题的学校和问题类别"},
      {"statistics", "各渠道受理投诉举报件数（总结原文的写法）"},
      {"categories", "反映的主要内容"},
      {"handling", "按期办结率、办结率、按期受理率、满意率、息诉率、实名率"},
      {"supervision", "督办单、催办函、黄牌红牌、通报批评和合并办理重复件"},
  };
  return kAll;
}

absl::StatusOr<Narrative> TemplateNarrative(const std::string& data_dir) {
  toml::table tpl;
  try {
    tpl = toml::parse_file(data_dir + "/reports/summary.toml");
  } catch (const toml::parse_error& e) {
    return Invalid("report.template", std::string("总结模板有误：") + std::string(e.description()));
  }
  Narrative n;
  n.title = tpl["title"].value_or(std::string("{{bureau}}{{year}}年{{half}}工作总结"));
  n.intro = tpl["intro"].value_or(std::string());
  if (auto* sections = tpl["section"].as_array()) {
    for (auto& sec : *sections) {
      auto* t = sec.as_table();
      if (!t) continue;
      NarrativeSection s{(*t)["heading"].value_or(std::string()), {}};
      if (auto* ps = (*t)["paragraphs"].as_array())
        for (auto& para : *ps)
          if (auto v = para.value<std::string>()) s.paragraphs.push_back(*v);
      n.sections.push_back(std::move(s));
    }
  }
  return n;
}

absl::StatusOr<Narrative> ParseNarrative(const json::object& body) {
  JsonInput in(body);
  auto title = in.Str("title", true, 200);
  auto intro = in.Str("intro", false, kMaxParagraphChars);
  Narrative n;
  auto checked = [&](const std::string& field, const std::string& text) {
    if (auto problem = PlaceholderProblem(text)) in.Fail(field, *problem);
  };
  if (title) checked("title", n.title = *title);
  if (intro) checked("intro", n.intro = *intro);
  const json::value* sections = in.Raw("sections");
  if (!sections || !sections->is_array() || sections->as_array().empty()) {
    in.Fail("sections", "应为至少一节的数组");
  } else if (sections->as_array().size() > kMaxSections) {
    in.Fail("sections", fmt::format("最多 {} 节", kMaxSections));
  } else {
    size_t i = 0;
    for (const auto& s : sections->as_array()) {
      std::string prefix = fmt::format("sections[{}]", i++);
      if (!s.is_object()) {
        in.Fail(prefix, "应为对象");
        continue;
      }
      JsonInput si(s.as_object(), prefix);
      auto heading = si.Str("heading", true, 100);
      for (const auto& e : si.errors()) in.Fail(e.field, e.message);
      NarrativeSection section{heading.value_or(""), {}};
      if (heading) checked(prefix + ".heading", *heading);
      const json::value* ps = s.as_object().if_contains("paragraphs");
      if (!ps || !ps->is_array()) {
        in.Fail(prefix + ".paragraphs", "应为段落的数组");
      } else if (ps->as_array().size() > kMaxParagraphs) {
        in.Fail(prefix + ".paragraphs", fmt::format("每节最多 {} 段", kMaxParagraphs));
      } else {
        size_t k = 0;
        for (const auto& p : ps->as_array()) {
          std::string field = fmt::format("{}.paragraphs[{}]", prefix, k++);
          const long chars = p.is_string() ? Utf8Length(p.as_string()) : -1;
          if (chars < 0) {
            in.Fail(field, "应为文字（UTF-8）");
          } else if (static_cast<size_t>(chars) > kMaxParagraphChars) {
            in.Fail(field, fmt::format("每段最多 {} 字", kMaxParagraphChars));
          } else {
            section.paragraphs.emplace_back(p.as_string());
            checked(field, section.paragraphs.back());
          }
        }
      }
      n.sections.push_back(std::move(section));
    }
  }
  QF_RETURN_IF_ERROR(in.Finish("summary.narrative"));
  return n;
}

json::object NarrativeJson(const Narrative& n) {
  json::array sections;
  for (const auto& s : n.sections)
    sections.push_back(json::object{{"heading", s.heading}, {"paragraphs", json::array(s.paragraphs.begin(), s.paragraphs.end())}});
  return json::object{{"title", n.title}, {"intro", n.intro}, {"sections", sections}};
}

absl::StatusOr<json::object> SaveNarrative(Tx& tx, const std::string& half, const Narrative& n, const std::string& note,
                                           const Principal& who) {
  Db& db = tx.db();
  QF_ASSIGN_OR_RETURN(auto last, db.Prepare("SELECT COALESCE(MAX(version), 0) FROM report_narratives WHERE half = ?"));
  last.Bind(1, half);
  QF_ASSIGN_OR_RETURN(bool row, last.Step());
  const int64_t version = (row ? last.Int(0) : 0) + 1;
  const std::string content = json::serialize(NarrativeJson(n));
  QF_ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO report_narratives(half, version, content, note, saved_by, saved_at) VALUES(?,?,?,?,?,?)"));
  ins.Bind(1, half).Bind(2, version).Bind(3, content).Bind(4, note).Bind(5, who.account_id).Bind(6, FormatUtc(tx.now()));
  QF_RETURN_IF_ERROR(ins.Run());
  QF_ASSIGN_OR_RETURN(int64_t seq, tx.Append("summary.narrative_saved", Subject(half),
                                             {{"half", half}, {"version", version}, {"content_sha256", Sha256Hex(content)}}));
  return json::object{{"half", half}, {"version", version}, {"ledger_seq", seq}};
}

absl::StatusOr<NarrativeVersion> NarrativeFor(Db& db, const std::string& data_dir, const std::string& half,
                                              std::optional<int> version) {
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      version ? "SELECT version, content FROM report_narratives WHERE half = ? AND version = ?"
              : "SELECT version, content FROM report_narratives WHERE half = ? ORDER BY version DESC LIMIT 1"));
  st.Bind(1, half);
  if (version) st.Bind(2, int64_t{*version});
  QF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    if (version && *version != 0) return NotFound("summary.version", fmt::format("{}的总结文稿没有第 {} 版", half, *version));
    QF_ASSIGN_OR_RETURN(Narrative n, TemplateNarrative(data_dir));
    return NarrativeVersion{0, std::move(n)};
  }
  QF_ASSIGN_OR_RETURN(json::object stored, StoredObject(st.Text(1), "report_narratives.content"));
  auto n = ParseNarrative(stored);
  if (!n.ok()) return absl::DataLossError("report_narratives: a stored version does not read as a narrative");
  return NarrativeVersion{static_cast<int>(st.Int(0)), std::move(*n)};
}

absl::StatusOr<json::object> NarrativeView(Db& db, const std::string& data_dir, const std::string& half,
                                           std::optional<int> version) {
  QF_ASSIGN_OR_RETURN(NarrativeVersion v, NarrativeFor(db, data_dir, half, version));
  QF_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT version, note, saved_by, saved_at FROM report_narratives WHERE half = ? ORDER BY version DESC"));
  st.Bind(1, half);
  json::array versions;
  std::vector<std::pair<size_t, int64_t>> savers;
  while (true) {
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    savers.emplace_back(versions.size(), st.Int(2));
    versions.push_back(json::object{{"version", st.Int(0)}, {"note", st.Text(1)}, {"saved_at", st.Text(3)}});
  }
  for (auto [i, account] : savers) versions[i].as_object()["saved_by"] = auth::DisplayName(db, account);
  json::array placeholders;
  for (const auto& p : SummaryPlaceholders()) placeholders.push_back(json::object{{"name", p.name}, {"about", p.about}});
  int to_write = 0;
  for (const auto& s : v.narrative.sections)
    for (const auto& p : s.paragraphs) to_write += p.find(kToWrite) != std::string::npos;
  return json::object{{"half", half},         {"version", v.version},           {"narrative", NarrativeJson(v.narrative)},
                      {"versions", versions}, {"placeholders", placeholders}, {"to_write", to_write}};
}

}  // namespace qf::reports
