// The demo's spring fee inspection (the seed's 专项检查 of 42 primary and secondary and 2 vocational schools by four
// groups): planned in February, the frame committed and the sample drawn before a witness, checklists filled in
// March with findings, orders answered, re-checked or sent back, refunds, sanctions and vetoes, and the first
// quarter's bulletin approved and published in April. Two checklists of the demo inspector's group stay open
// for the console.
#include <map>
#include <memory>
#include <random>

#include "common/status.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "demo/demo.h"
#include "fmt/format.h"
#include "inspect/inspect.h"
#include "reports/bulletin.h"
#include "reports/documents.h"

namespace qf::demo {
const std::string& EvidencePhoto() {
  static const std::string p("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 33);
  return p;
}

namespace {

namespace json = boost::json;

json::array Checklist() {
  auto item = [](const char* key, const char* label, const char* basis, const char* answer, const char* term = "10wd",
                 const char* topic = nullptr) {
    json::object o{{"key", key}, {"label", label}, {"basis", basis}, {"answer", answer}, {"term", term}};
    if (topic) o["topic"] = topic;
    return o;
  };
  return json::array{
      item("fees_public", "是否在校内显著位置公示收费项目、标准、依据和投诉电话", "教育收费公示制度；价格法第十三条", "yesno", "10wd", "未公示收费"),
      item("no_unauthorized", "是否未收取资料费、补课费等任何未经批准的费用", "义务教育法第二条、第五十六条", "yesno", "5wd", "违规收费"),
      item("unauthorized_amount", "违规收费金额（元，未发现填 0）", "义务教育法第五十六条", "amount", "10wd", "违规收费"),
      item("no_paid_tutoring", "是否未组织或参与有偿补课", "中小学教师违反职业道德行为处理办法第四条", "yesno", "10wd", "有偿补课"),
      item("canteen_accounts", "食堂是否单独核算、账目定期公开", "学校食品安全与营养健康管理规定第三十八条", "yesno", "10wd", "食堂账目"),
      item("board_photo", "收费公示栏照片", "检查取证要求", "evidence"),
      item("notes", "检查情况说明", "检查记录要求", "text"),
  };
}

struct State {
  int64_t campaign = 0;
  std::mt19937 rng;
  std::map<int64_t, double> unauthorized;  // school → amount found
  explicit State(uint32_t seed) : rng(seed + 11) {}
};

// The next working day on or after `d`.
absl::CivilDay Working(const Calendar& cal, absl::CivilDay d) {
  while (!cal.IsWorkingDay(d)) ++d;
  return d;
}

}  // namespace

absl::Status PlanInspection(Runtime& rt, ManualClock& clock, const std::map<std::string, Principal>& who,
                            Schedule& schedule, uint32_t seed) {
  auto st = std::make_shared<State>(seed);
  AppContext& app = rt.app();
  inspect::InspectEnv env{app.calendar, app.vault, app.policies};
  const Principal sup = who.at("supervisor"), leader = who.at("leader"), handler = who.at("handler");
  // Inspectors by person id, to act as themselves.
  std::map<int64_t, Principal> inspectors;
  for (auto& [user, p] : who)
    if (p.Has(kInspector)) inspectors[p.person_id] = p;
  int64_t demo_inspector = who.at("inspector").person_id;
  Runtime* r = &rt;
  ManualClock* c = &clock;
  Schedule* sched = &schedule;

  schedule.emplace(At(2, 24, 10), [=]() -> absl::Status {
    json::object body{{"title", "2026年春季教育收费专项检查"}, {"period_from", "2026-03-02"}, {"period_to", "2026-04-17"},
                      {"rate", 0.076}, {"minimums", json::object{{"职业学校", 2}}}, {"groups", 4}, {"group_size", 3},
                      {"scope", json::object{{"stages", json::array{"小学", "初中", "九年一贯制", "高中", "完全中学", "职业学校"}}}},
                      {"checklist", Checklist()}};
    // 由局纪委监察室牵头，组织计财处、基教处、职成处等相关处室共同参与 (the seed).
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    body["coop_unit_ids"] = json::array{org::UnitByRole(*db, "finance"), org::UnitByRole(*db, "basic_ed"),
                                        org::UnitByRole(*db, "vocational")};
    return Do(*r, *c, At(2, 24, 10), sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(auto plan, inspect::ParseCampaign(body, sup));
      QF_ASSIGN_OR_RETURN(auto o, inspect::CreateCampaign(tx, env, plan, sup));
      st->campaign = o.at("id").as_int64();
      return o;
    });
  });
  schedule.emplace(At(2, 25, 9), [=]() {
    return Do(*r, *c, At(2, 25, 9), sup, [&](Tx& tx) { return inspect::CommitSample(tx, env, st->campaign, leader.account_id, sup); });
  });
  schedule.emplace(At(2, 26, 9, 30), [=]() -> absl::Status {
    QF_RETURN_IF_ERROR(Do(*r, *c, At(2, 26, 9, 30), leader, [&](Tx& tx) {
      return inspect::DrawCampaign(tx, env, st->campaign, "上证指数 3287.46（2月25日收盘）", leader);
    }));
    // Field work: each group takes its schools in turn over March.
    QF_ASSIGN_OR_RETURN(Db * db, r->app().readers->Get());
    QF_ASSIGN_OR_RETURN(auto q, db->Prepare(
        "SELECT f.id, f.school_id, g.id, g.leader_person_id, g.members FROM inspection_forms f "
        "JOIN inspection_groups g ON g.id=f.group_id WHERE f.campaign_id=? ORDER BY g.id, f.id"));
    q.Bind(1, st->campaign);
    struct Form { int64_t id, school, group, leader; std::vector<int64_t> members; };
    std::vector<Form> forms;
    while (true) {
      QF_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      Form f{q.Int(0), q.Int(1), q.Int(2), q.Int(3), {}};
      json::value m = json::parse(q.Text(4));
      for (auto& x : m.as_array()) f.members.push_back(x.as_int64());
      forms.push_back(std::move(f));
    }
    std::map<int64_t, int> nth;  // per group, the how-many-th school
    int left_open = 0;
    for (const Form& f : forms) {
      bool mine = std::count(f.members.begin(), f.members.end(), demo_inspector) > 0;
      if (mine && left_open < 2) {
        ++left_open;  // for the demo inspector to work in the console
        continue;
      }
      int k = nth[f.group]++;
      absl::CivilDay day = Working(*r->app().calendar, absl::CivilDay(2026, 3, 3) + k * 2);
      absl::Time fill = CstStart(day) + absl::Hours(15), confirm = CstStart(day) + absl::Hours(17);
      Principal member = inspectors.at(f.members[1]);
      Principal lead = inspectors.at(f.leader);
      int x = static_cast<int>(st->rng() % 100);
      bool fees_public = x >= 25, unauthorized = x % 7 == 0, tutoring = x % 13 == 0, canteen = x % 11 != 0;
      double amount = unauthorized ? 1000.0 * (2 + st->rng() % 58) : 0;
      json::array findings;
      if (!fees_public) findings.push_back(json::object{{"item", "fees_public"}, {"description", "校内未公示收费项目和标准，家长无从知晓收费依据"}});
      if (unauthorized)
        findings.push_back(json::object{{"item", "no_unauthorized"},
                                        {"description", fmt::format("以“资料费”名义向学生收取费用，共计 {:.0f} 元，未经批准", amount)}});
      if (tutoring) findings.push_back(json::object{{"item", "no_paid_tutoring"}, {"description", "有教师在校外机构组织有偿补课"}});
      if (!canteen) findings.push_back(json::object{{"item", "canteen_accounts"}, {"description", "食堂账目未单独核算，未按月公开"}});
      sched->emplace(fill, [=]() -> absl::Status {
        std::string hash;
        QF_RETURN_IF_ERROR(Do(*r, *c, fill, member, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(hash, inspect::AddEvidence(tx, f.id, "公示栏.png", EvidencePhoto(), member));
          return json::object{};
        }));
        json::object answers{{"fees_public", fees_public}, {"no_unauthorized", !unauthorized}, {"unauthorized_amount", amount},
                             {"no_paid_tutoring", !tutoring}, {"canteen_accounts", canteen}, {"board_photo", json::array{json::string(hash)}},
                             {"notes", findings.empty() ? "未发现问题" : fmt::format("发现问题 {} 项，已当场反馈学校", findings.size())}};
        return Do(*r, *c, fill + absl::Minutes(5), member, [&](Tx& tx) {
          inspect::FormSave save{.version = 1, .submit = true, .answers = answers, .findings = {}};
          for (auto& x : findings)
            save.findings.emplace_back(x.at("item").as_string(), x.at("description").as_string());
          return inspect::SaveForm(tx, f.id, save, member);
        });
      });
      if (unauthorized) st->unauthorized[f.school] = amount;
      sched->emplace(confirm, [=]() -> absl::Status {
        json::array orders;
        QF_RETURN_IF_ERROR(Do(*r, *c, confirm, lead, [&](Tx& tx) -> absl::StatusOr<json::object> {
          QF_ASSIGN_OR_RETURN(auto o, inspect::ConfirmForm(tx, env, f.id, lead));
          orders = o.at("rectifications").as_array();
          return o;
        }));
        Principal school = handler;
        school.unit_id = f.school;
        for (auto& o : orders) {
          int64_t id = o.at("id").as_int64();
          int fate = static_cast<int>(st->rng() % 100);
          if (fate < 12) continue;  // never answered: red after its day
          absl::CivilDay due = *ParseDay(std::string(o.at("due_on").as_string()));
          absl::CivilDay answer_day = fate < 24 ? due + 3 : due - 4;  // some answer late
          absl::Time at = CstStart(Working(*r->app().calendar, answer_day)) + absl::Hours(10);
          bool send_back = fate >= 85;
          sched->emplace(at, [=]() -> absl::Status {
            std::string hash;
            QF_RETURN_IF_ERROR(Do(*r, *c, at, school, [&](Tx& tx) -> absl::StatusOr<json::object> {
              QF_ASSIGN_OR_RETURN(hash, inspect::AddRectificationEvidence(tx, id, "整改照片.png", EvidencePhoto(), school));
              return json::object{};
            }));
            return Do(*r, *c, at + absl::Minutes(5), school, [&](Tx& tx) {
              return inspect::AnswerRectification(tx, id, {"已按要求整改，并在校内公示整改结果。", {hash}}, school);
            });
          });
          absl::Time check = at + absl::Hours(48);
          sched->emplace(check, [=]() -> absl::Status {
            inspect::RectificationCheck verdict = send_back ? inspect::RectificationCheck{false, "整改证据不足，请补充退费凭证"}
                                                            : inspect::RectificationCheck{true, "经复查，整改到位"};
            QF_RETURN_IF_ERROR(Do(*r, *c, check, sup, [&](Tx& tx) { return inspect::CheckRectification(tx, env, id, verdict, sup); }));
            if (!send_back) return absl::OkStatus();
            absl::Time again = check + absl::Hours(72);
            sched->emplace(again, [=]() -> absl::Status {
              std::string hash;
              QF_RETURN_IF_ERROR(Do(*r, *c, again, school, [&](Tx& tx) -> absl::StatusOr<json::object> {
                QF_ASSIGN_OR_RETURN(hash, inspect::AddRectificationEvidence(tx, id, "退费凭证.png", EvidencePhoto(), school));
                return json::object{};
              }));
              QF_RETURN_IF_ERROR(Do(*r, *c, again + absl::Minutes(5), school, [&](Tx& tx) {
                return inspect::AnswerRectification(tx, id, {"已补充退费凭证。", {hash}}, school);
              }));
              return Do(*r, *c, again + absl::Hours(24), sup, [&](Tx& tx) {
                return inspect::CheckRectification(tx, env, id, {true, "复查合格"}, sup);
              });
            });
            return absl::OkStatus();
          });
        }
        // Unlawful fees are refunded within the week.
        if (unauthorized) {
          absl::Time refund = confirm + absl::Hours(24 * 5);
          int pupils = static_cast<int>(amount / 180);
          sched->emplace(refund, [=]() {
            return Do(*r, *c, refund, sup, [&](Tx& tx) -> absl::StatusOr<json::object> {
              QF_ASSIGN_OR_RETURN(auto req, inspect::ParseRefund({{"school_id", f.school}, {"campaign_id", st->campaign},
                                                                 {"amount", amount}, {"pupils", pupils},
                                                                 {"refunded_on", FormatDay(CstDay(refund))},
                                                                 {"note", "清退违规收取的资料费"}}));
              return inspect::RecordRefund(tx, req);
            });
          });
        }
        return absl::OkStatus();
      });
    }
    // Sanctions at the end of March: a yellow card and a one-vote veto for the largest unlawful fees, a circulated
    // criticism for the others.
    sched->emplace(At(3, 30, 15), [=]() -> absl::Status {
      int64_t worst = 0;
      for (auto& [school, amount] : st->unauthorized)
        if (!worst || amount > st->unauthorized[worst]) worst = school;
      for (auto& [school, amount] : st->unauthorized) {
        json::object body{{"target", "unit"}, {"unit_id", school}, {"decided_on", "2026-03-30"}, {"campaign_id", st->campaign}};
        if (school == worst) {
          body["kind"] = "yellow_card";
          body["self_criticism"] = true;
          body["veto"] = true;
          body["reason"] = fmt::format("违规收取资料费 {:.0f} 元", amount);
        } else {
          body["kind"] = "criticism";
          body["reason"] = fmt::format("违规收取资料费 {:.0f} 元，已清退", amount);
        }
        QF_ASSIGN_OR_RETURN(auto sanction, inspect::ParseSanction(body));
        QF_RETURN_IF_ERROR(Do(*r, *c, At(3, 30, 15), sup, [&](Tx& tx) { return inspect::RecordSanction(tx, env, sanction); }));
      }
      return absl::OkStatus();
    });
    return absl::OkStatus();
  });
  // The first quarter's bulletin: drafted, written, approved by a leader, published.
  schedule.emplace(At(4, 8, 10), [=]() {
    return Do(*r, *c, At(4, 8, 10), sup, [&](Tx& tx) { return reports::DraftBulletin(tx, r->app().data_dir, "2026Q1", tx.now()); });
  });
  schedule.emplace(At(4, 8, 15), [=]() {
    return Do(*r, *c, At(4, 8, 15), sup, [&](Tx& tx) {
      return reports::EditBulletin(tx, 1,
          "一季度，市教育局对各县区和市直学校开展春季教育收费专项检查，随机抽取学校并按投诉集中情况重点检查，"
          "对发现的问题逐一下达限期整改通知，督促清退违规收取的费用，对相关学校予以通报批评或黄牌警告。"
          "各地各校要举一反三，严格执行教育收费公示制度，坚决杜绝以任何名义违规收费。", sup);
    });
  });
  schedule.emplace(At(4, 9, 10), [=]() -> absl::Status {
    // A signed checkpoint of everything so far, so that the approval can cite it.
    c->Set(At(4, 9, 9, 59));
    if (r->ledger()) QF_RETURN_IF_ERROR(r->ledger()->CheckpointNow(r->writer()).status());
    return Do(*r, *c, At(4, 9, 10), leader, [&](Tx& tx) -> absl::StatusOr<json::object> {
      QF_ASSIGN_OR_RETURN(std::string note, reports::CheckpointNote(tx.db(), tx.now()));
      return reports::ApproveBulletin(tx, 1, note, leader);
    });
  });
  schedule.emplace(At(4, 10, 9), [=]() {
    return Do(*r, *c, At(4, 10, 9), sup, [&](Tx& tx) { return reports::PublishBulletin(tx, 1, sup); });
  });
  // 谁抽查、谁公示: the results made public within 20 working days of the inspection's end (Apr 17).
  schedule.emplace(At(4, 30, 10), [=]() {
    return Do(*r, *c, At(4, 30, 10), sup, [&](Tx& tx) { return inspect::PublishResults(tx, st->campaign, sup); });
  });
  return absl::OkStatus();
}

}  // namespace qf::demo
