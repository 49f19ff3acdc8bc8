#include "reports/summary_text.h"

#include <map>
#include <set>

#include "absl/strings/str_replace.h"
#include "cases/hotspots.h"
#include "cases/record.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "draws/draws.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "notices/notices.h"
#include "reports/bulletin.h"
#include "reports/documents.h"

namespace qf::reports {
namespace {

// "12所中小学和2所职业学校", "4名", …: the parts that are not zero, joined as a list is in Chinese.
std::string ListOf(const std::vector<std::string>& parts, const char* last_joiner = "和") {
  if (parts.empty()) return "";
  if (parts.size() == 1) return parts[0];
  std::vector<std::string> head(parts.begin(), parts.end() - 1);
  return Join(head, "、") + last_joiner + parts.back();
}

std::string Yuan(int64_t cents) {
  return cents % 100 == 0 ? fmt::format("{}元", cents / 100) : fmt::format("{:.2f}元", static_cast<double>(cents) / 100.0);
}

// "2026Q1" → "2026年第一季度" (the quarter's name from ParseQuarter).
std::string QuarterName(const std::string& q) {
  auto p = ParseQuarter(q);
  return p.ok() ? fmt::format("{}年{}", p->year, p->name) : q;
}

std::string TermText(const Term& t) {
  return t.unit == TermUnit::kWorkingDays ? fmt::format("{}个工作日", t.count) : fmt::format("{}天", t.count);
}

}  // namespace

std::string DaySpan(absl::CivilDay from, absl::CivilDay to) {
  std::string a = fmt::format("{}月{}日", from.month(), from.day());
  if (to == from) return a;
  if (to.year() == from.year() && to.month() == from.month()) return fmt::format("{}至{}日", a, to.day());
  return fmt::format("{}至{}月{}日", a, to.month(), to.day());
}

absl::StatusOr<std::string> InspectionsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto campaigns, inspect::CampaignsBetween(db, from, to));
  std::vector<std::string> out;
  for (const auto& c : campaigns) {
    std::string text = DaySpan(c.from, c.to) + "，";
    text += c.lead.empty() ? "" : fmt::format("由{}牵头，", c.lead);
    if (!c.joined.empty()) text += fmt::format("组织{}等相关处室共同参与，", Join(c.joined, "、"));
    std::vector<std::string> kinds;
    int schools = 0;
    for (const auto& [kind, n] : c.schools) kinds.push_back(fmt::format("{}所{}", n, kind)), schools += n;
    text += c.groups ? fmt::format("组成{}个检查组（{}人），", c.groups, c.inspectors) : "";
    text += c.sites ? fmt::format("开展{}，对{}个项目点进行了实地督查", c.title, c.sites)
                    : fmt::format("开展{}，对{}进行了重点抽查", c.title, schools ? ListOf(kinds) : "抽中的学校");
    std::vector<std::string> then;
    if (!c.findings) {
      then.push_back("未发现违规问题");
    } else {
      std::vector<std::string> topics;
      for (const auto& [topic, n] : c.by_topic) topics.push_back(fmt::format("{}{}个", topic, n));
      then.push_back(topics.size() > 1 ? fmt::format("发现问题{}个（{}）", c.findings, Join(topics, "、"))
                                       : fmt::format("发现{}问题{}个", c.by_topic.empty() ? "" : c.by_topic[0].first, c.findings));
    }
    if (c.refund_cents)
      then.push_back(fmt::format("督促{}所学校清退违规收费{}{}", c.refund_schools, Yuan(c.refund_cents),
                                 c.refund_pupils ? fmt::format("，涉及学生{}人", c.refund_pupils) : ""));
    if (c.ordered) {
      std::string orders = fmt::format("下达整改通知{}份", c.ordered);
      if (c.on_time == c.ordered) {
        orders += "，均按期整改到位";
      } else {
        std::vector<std::string> parts;
        if (c.on_time) parts.push_back(fmt::format("按期整改到位{}份", c.on_time));
        if (c.rectified > c.on_time) parts.push_back(fmt::format("逾期整改到位{}份", c.rectified - c.on_time));
        if (c.ordered > c.rectified) parts.push_back(fmt::format("{}份正在整改", c.ordered - c.rectified));
        orders += "，" + Join(parts, "，");
      }
      then.push_back(orders);
    }
    std::vector<std::string> cards;
    if (c.yellow_cards) cards.push_back(fmt::format("黄牌{}张", c.yellow_cards));
    if (c.red_cards) cards.push_back(fmt::format("红牌{}张", c.red_cards));
    if (!cards.empty()) then.push_back("对逾期未整改的亮" + Join(cards, "、"));
    if (c.sanctions)
      then.push_back(fmt::format("对{}个单位作出处理{}", c.sanctions,
                                 c.vetoes ? fmt::format("，其中{}个在当年度评先评优中实行“一票否决”", c.vetoes) : ""));
    out.push_back(text + "。" + Join(then, "；") + "。");
  }
  return Join(out, "");
}

absl::StatusOr<std::string> BulletinsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto bulletins, BulletinsPublishedBetween(db, from, to));
  if (bulletins.empty()) return std::string();
  std::vector<std::string> quarters;
  std::set<std::string> named;
  std::vector<std::string> examples;
  for (const auto& b : bulletins) {
    quarters.push_back(QuarterName(b.quarter));
    for (const auto& u : b.named)
      if (named.insert(u).second && examples.size() < 3) examples.push_back(u);
  }
  std::string text = fmt::format("切实发挥“季度通报制度”的指导、督促和警示作用，发布{}投诉举报办理和专项检查整改情况通报{}",
                                 Join(quarters, "、"), bulletins.size() > 1 ? fmt::format("{}期", bulletins.size()) : "");
  if (named.empty()) return text + "。";
  return text + fmt::format("，对投诉较多、问题集中的{}个单位{}点名通报，限期整改。", named.size(),
                            named.size() > examples.size() ? "（如" + Join(examples, "、") + "）" : "（" + Join(examples, "、") + "）");
}

absl::StatusOr<std::string> HotspotsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto hs, cases::Hotspots(db, FormatDay(from), FormatDay(to)));
  struct Hot { int64_t id; std::string name, category; int64_t count; double expected; };
  std::vector<Hot> schools, districts;
  auto read = [](const boost::json::array& a, std::vector<Hot>& into) {
    for (auto& x : a) {
      const auto& h = x.as_object();
      if (h.at("kind").as_string() != "rate") continue;
      into.push_back({h.at("unit_id").is_int64() ? h.at("unit_id").as_int64() : 0, std::string(h.at("name").as_string()),
                      std::string(h.at("category_label").as_string()), h.at("count").as_int64(), h.at("expected").to_number<double>()});
    }
  };
  read(hs.at("schools").as_array(), schools);
  read(hs.at("districts").as_array(), districts);
  const std::string lead = "对投诉举报进行综合分析，按在校生人数与全市平均水平比较，";
  if (schools.empty() && districts.empty()) return lead + "未发现投诉率显著高于全市水平的学校和县区。";
  auto words = [](const Hot& h) {
    return fmt::format("{}“{}”类投诉{}件，为按全市水平预期（{:.1f}件）的{:.1f}倍", h.name, h.category, h.count, h.expected,
                       static_cast<double>(h.count) / std::max(h.expected, 0.1));
  };
  std::vector<std::string> parts;
  for (size_t i = 0; i < districts.size() && i < 3; ++i) parts.push_back(words(districts[i]));
  for (size_t i = 0; i < schools.size() && i < 3; ++i) parts.push_back(words(schools[i]));
  std::string text = lead + Join(parts, "；");
  size_t more = (districts.size() > 3 ? districts.size() - 3 : 0) + (schools.size() > 3 ? schools.size() - 3 : 0);
  if (more) text += fmt::format("，另有{}处", more);
  // What was done: the campaigns that went to the schools named.
  std::map<std::string, std::vector<std::string>> by_campaign;
  std::vector<std::string> not_yet;
  for (size_t i = 0; i < schools.size() && i < 3; ++i) {
    QF_ASSIGN_OR_RETURN(auto titles, inspect::CampaignsInspecting(db, schools[i].id, from));
    if (titles.empty()) not_yet.push_back(schools[i].name);
    for (const auto& t : titles) by_campaign[t].push_back(schools[i].name);
  }
  // One named place is "该校" or "该县区"; several are named again only where what was done differs.
  const bool one = parts.size() == 1 && !more;
  std::vector<std::string> done;
  for (const auto& [title, names] : by_campaign)
    done.push_back(fmt::format("{}已纳入{}", one ? "该校" : Join(names, "、"), title));
  if (!not_yet.empty() || !districts.empty()) {
    std::string who;
    if (one) {
      who = districts.empty() ? "该校" : "该县区";
    } else if (by_campaign.empty()) {  // every place named is still to be inspected
      who = std::string("以上") + (schools.empty() ? "县区" : districts.empty() ? "学校" : "学校和县区");
    } else {
      who = ListOf(not_yet) + (districts.empty() ? "" : not_yet.empty() ? "上述县区" : "和上述县区");
    }
    done.push_back(who + "已列为重点检查对象");
  }
  return text + "，" + Join(done, "，") + "。";
}

absl::StatusOr<std::string> NoticesParagraph(Db& db, const notices::NoticeTypes& types, absl::CivilDay from,
                                             absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto notices, notices::PublishedBetween(db, types, from, to));
  std::vector<std::string> out;
  for (const auto& n : notices) {
    std::string text = fmt::format("{}起，将《{}》在互联网向社会公示{}", DaySpan(n.published_on, n.published_on), n.title,
                                   TermText(n.duration));
    std::vector<std::string> reach;
    if (n.schools) reach.push_back(fmt::format("{}所学校", n.schools));
    if (n.candidates) reach.push_back(fmt::format("{}名考生", n.candidates));
    if (!reach.empty()) text += "，涉及" + Join(reach, "");
    if (!n.objections) {
      text += "，公示期间未收到异议";
    } else {
      text += fmt::format("，公示期间收到异议{}件", n.objections);
      text += n.answered == n.objections ? "，均已核查答复"
              : n.answered               ? fmt::format("，已核查答复{}件，{}件正在核查", n.answered, n.objections - n.answered)
                                         : "，正在核查";
      std::vector<std::string> changes;
      if (n.corrected) changes.push_back(fmt::format("更正{}条", n.corrected));
      if (n.removed) changes.push_back(fmt::format("撤销{}条", n.removed));
      if (!changes.empty()) text += "，经核查" + Join(changes, "、");
    }
    out.push_back(text + "。");
  }
  return Join(out, "");
}

absl::StatusOr<std::string> DrawsParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto draws, draws::ReleasedBetween(db, from, to));
  if (draws.empty()) return std::string();
  std::vector<std::string> supervisors, experts, inspectors;
  std::set<std::string> witnesses;
  for (const auto& d : draws) {
    if (!d.witness.empty()) witnesses.insert(absl::StrReplaceAll(d.witness, {{" ", ""}}));  // "局领导 孙建国" reads 局领导孙建国
    std::string declined = d.declined ? fmt::format("，{}名因故或回避未参加，依次递补", d.declined) : "";
    switch (d.pool) {
      case draws::Pool::kSupervisor:
        supervisors.push_back(fmt::format("为“{}”随机抽调{}名监督人员{}{}", d.purpose, d.selected,
                                          d.sites ? fmt::format("，分派到{}个考点全程现场监督", d.sites) : "", declined));
        break;
      case draws::Pool::kExpert:
        experts.push_back(fmt::format("为“{}”随机抽取评审专家{}名{}", d.purpose, d.selected, declined));
        break;
      case draws::Pool::kInspector:
        inspectors.push_back(fmt::format("为“{}”随机抽取检查人员{}名{}", d.purpose, d.selected, declined));
        break;
    }
  }
  std::vector<std::string> all;
  for (auto* v : {&supervisors, &experts, &inspectors}) all.insert(all.end(), v->begin(), v->end());
  std::string text = Join(all, "；");
  text += witnesses.empty() ? "。" : fmt::format("。抽取均由{}现场见证，承诺值、随机数和抽取结果向社会公开，任何人可以复核。",
                                                 Join(std::vector<std::string>(witnesses.begin(), witnesses.end()), "、"));
  return text;
}

absl::StatusOr<std::string> SupervisionParagraph(Db& db, absl::CivilDay from, absl::CivilDay to) {
  QF_ASSIGN_OR_RETURN(auto f, cases::SupervisionBetween(db, from, to));
  std::vector<std::string> issued, cards;
  if (f.orders) issued.push_back(fmt::format("督办单{}份", f.orders));
  if (f.reminders) issued.push_back(fmt::format("催办函{}份", f.reminders));
  if (f.yellow_cards) cards.push_back(fmt::format("黄牌{}张", f.yellow_cards));
  if (f.red_cards) cards.push_back(fmt::format("红牌{}张", f.red_cards));
  std::vector<std::string> parts;
  if (!issued.empty()) parts.push_back("发出" + Join(issued, "、"));
  if (!cards.empty()) parts.push_back("对临近或超过办理期限的事项亮" + Join(cards, "、"));
  if (f.criticisms) parts.push_back(fmt::format("对{}件逾期未办结事项的承办单位通报批评", f.criticisms));
  if (f.merged) parts.push_back(fmt::format("合并办理重复反映{}件", f.merged));
  if (parts.empty()) return std::string();
  return "加强督查督办，" + Join(parts, "，") + "。";
}

}  // namespace qf::reports
