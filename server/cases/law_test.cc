// The rules of 信访工作条例 and the bureau's supervision policy as the store applies them, one test per rule:
// reviews and re-reviews (once, within their windows, by the level above, hearings not counted, closed for
// good), extensions (before the deadline, by the head of the body, added to the original term), deadlines kept
// through a recompute, back-dated receipts, terms by request type, discipline reports, the first-dispatch
// clock, step cards, escalation letters and 重办.
#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "cases/watch.h"
#include "common/timefmt.h"

namespace qf::cases {
namespace {

class LawTest : public CasesTest {
 protected:
  absl::Time At(int y, int m, int d, int h = 10) { return absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0), Cst()); }
  Principal Clerk() { return Staff(kClerk, divisions_["office"]); }
  Principal Sup() { return Staff(kSupervisor, divisions_["discipline"]); }
  Principal BureauLeader() { return Staff(kLeader, bureau_); }
  Principal Finance() { return Staff(kHandler, divisions_["finance"]); }
  Principal District() { return Staff(kHandler, district_); }
  void Ok(int64_t id, Action a, json::object params, const Principal& who) {
    auto r = Act(id, a, std::move(params), who);
    ASSERT_TRUE(r.ok()) << ActionName(a) << ": " << r.status();
  }
  std::string Code(int64_t id, Action a, json::object params, const Principal& who) {
    return StableCode(Act(id, a, std::move(params), who).status());
  }
  // Takes a case to its reply: the district bureau for a district school, 计财处 for a city school's fees.
  void ToReply(int64_t id, const Principal& handler) {
    Ok(id, Action::kAccept, {}, Clerk());
    Ok(id, Action::kDispatch, {}, Clerk());
    Ok(id, Action::kSign, {}, handler);
    Ok(id, Action::kVerify, {{"findings", "属实"}}, handler);
    Ok(id, Action::kPropose, {{"outcome", "support"}, {"proposal", "清退"}}, handler);
    Ok(id, Action::kApproveProposal, {}, Sup());
    Ok(id, Action::kReply, {{"reply", "已清退"}}, handler);
  }
  json::object View(int64_t id, const Principal& who) {
    auto v = StaffView(Reader(), env_, id, who, clock_.Now());
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : json::object{};
  }
  const json::object* DeadlineOf(const json::object& view, const char* kind) {
    for (auto& d : view.at("deadlines").as_array())
      if (d.at("kind").as_string() == kind) return &d.as_object();
    return nullptr;
  }
  std::string Due(int64_t id, const char* kind) {
    auto v = View(id, Sup());
    auto* d = DeadlineOf(v, kind);
    return d ? std::string(d->at("due_on").as_string()) : "";
  }
};

TEST_F(LawTest, ReviewIsAskedOnceWithinItsWindowAndAnsweredByTheLevelAbove) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  ToReply(id, District());
  ASSERT_TRUE(Public(receipt, "request_review", {{"reason", "退费不完整"}}).ok());
  // 第三十五条: once. A second request is refused with its own code, and nothing changes.
  EXPECT_EQ(StableCode(Public(receipt, "request_review", {{"reason", "再次申请"}})), "case.review_already_requested");
  auto v = View(id, Sup());
  ASSERT_EQ(v.at("reviews").as_array().size(), 1u);
  EXPECT_EQ(v.at("reviews").as_array()[0].at("answering_unit_id").as_int64(), bureau_);  // above the district
  ASSERT_NE(DeadlineOf(v, "review_answer"), nullptr);
  // The district that replied does not review itself; another district's staff are not the bureau either.
  EXPECT_EQ(Code(id, Action::kAnswerReview, {{"answer", "维持"}}, Staff(kHandler | kLeader, district_)), "case.review_not_yours");
  EXPECT_EQ(Code(id, Action::kAnswerReview, {{"answer", "维持"}}, Staff(kLeader, school_)), "case.review_not_yours");
  Ok(id, Action::kAnswerReview, {{"answer", "经复查，维持原处理意见"}}, BureauLeader());
  // 复核 above the bureau: forwarded to the city government's office, with the date.
  ASSERT_TRUE(Public(receipt, "request_rereview", {{"reason", "不服复查意见"}}).ok());
  v = View(id, Sup());
  auto& rr = v.at("reviews").as_array()[1].as_object();
  EXPECT_TRUE(rr.at("forwarded").as_bool());
  EXPECT_EQ(rr.at("answered_by").as_string(), "市人民政府信访局");
  EXPECT_EQ(rr.at("forwarded_on").as_string(), "2026-04-30");
  EXPECT_EQ(StableCode(Public(receipt, "request_rereview", {{"reason", "再次"}})), "case.rereview_already_requested");
}

TEST_F(LawTest, ReviewAfterItsWindowIsRefused) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();
  ToReply(id, District());
  EXPECT_EQ(Due(id, "review_window"), "2026-06-01");  // Apr 30 + 30 = May 30 (Sat) -> Jun 1
  clock_.Set(At(2026, 6, 2));
  auto late = Public(std::string(c["receipt"].as_string()), "request_review", {{"reason", "逾期申请"}});
  EXPECT_EQ(StableCode(late), "case.window_closed") << late;
  // And the reporter is not offered it.
  auto pv = PublicView(Reader(), env_, *ParseReceiptCode(std::string(c["receipt"].as_string())), clock_.Now());
  ASSERT_TRUE(pv.ok());
  EXPECT_EQ(json::serialize(pv->at("actions")).find("request_review"), std::string::npos);
}

TEST_F(LawTest, TheBureausOwnReplyIsReviewedAboveItAndRecordedWhenTheOpinionComes) {
  auto c = Register({.category = "fees", .concerned_unit_id = city_school_});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  ToReply(id, Finance());
  ASSERT_TRUE(Public(receipt, "request_review", {{"reason", "不服"}}).ok());
  auto v = View(id, Sup());
  EXPECT_TRUE(v.at("reviews").as_array()[0].at("forwarded").as_bool());
  ASSERT_NE(DeadlineOf(v, "review_forwarded"), nullptr);
  EXPECT_EQ(DeadlineOf(v, "review_answer"), nullptr);
  // Nobody in the bureau decides it; intake records the opinion with its document number.
  EXPECT_EQ(Code(id, Action::kAnswerReview, {{"answer", "维持"}}, BureauLeader()), "case.review_forwarded");
  EXPECT_EQ(Act(id, Action::kAnswerReview, {{"answer", "维持"}}, Clerk()).status().code(), absl::StatusCode::kInvalidArgument);
  Ok(id, Action::kAnswerReview, {{"answer", "维持原处理意见"}, {"document_ref", "合信复〔2026〕3号"}, {"received_on", "2026-05-08"}}, Clerk());
  // The 30 days for 复核 run from the day the opinion arrived.
  EXPECT_EQ(Due(id, "rereview_window"), "2026-06-08");  // May 8 + 30 = Jun 7 (Sun) -> Jun 8
  ASSERT_TRUE(Public(receipt, "request_rereview", {{"reason", "不服"}}).ok());
  EXPECT_EQ(View(id, Sup()).at("reviews").as_array()[1].at("answered_by").as_string(), "省人民政府信访局");
}

TEST_F(LawTest, HearingTimeIsNotCountedInAReReview) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  ToReply(id, District());
  ASSERT_TRUE(Public(receipt, "request_review", {{"reason", "不服"}}).ok());
  Ok(id, Action::kAnswerReview, {{"answer", "维持"}}, BureauLeader());
  ASSERT_TRUE(Public(receipt, "request_rereview", {{"reason", "不服"}}).ok());
  std::string before = Due(id, "rereview_forwarded");
  EXPECT_EQ(before, "2026-06-01");
  // During a re-review the clock stops only for a hearing.
  EXPECT_EQ(Code(id, Action::kSuspend, {{"reason", "等待材料"}}, Sup()), "case.suspend_hearing_only");
  Ok(id, Action::kSuspend, {{"reason", "组织听证"}, {"hearing", true}}, Sup());
  clock_.Set(At(2026, 5, 12));
  Ok(id, Action::kResume, {}, Sup());
  EXPECT_EQ(Due(id, "rereview_forwarded"), "2026-06-11");  // Apr 30 + 30 + the 12 days of the hearing
}

TEST_F(LawTest, AMatterClosedAfterReReviewIsNotAcceptedAgain) {
  auto c = Register({.category = "fees", .concerned_unit_id = city_school_});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  ToReply(id, Finance());
  ASSERT_TRUE(Public(receipt, "request_review", {{"reason", "不服"}}).ok());
  Ok(id, Action::kAnswerReview, {{"answer", "维持"}, {"document_ref", "合信复〔2026〕3号"}}, Clerk());
  ASSERT_TRUE(Public(receipt, "request_rereview", {{"reason", "不服"}}).ok());
  Ok(id, Action::kAnswerReReview, {{"answer", "维持"}, {"document_ref", "皖信核〔2026〕9号"}}, Clerk());
  ASSERT_EQ(View(id, Sup()).at("state").as_string(), "final");
  // The reporter submits the same matter again with the receipt: registered, and answered 不再受理 with the clause.
  auto again = Register({.category = "fees", .title = "再次反映", .concerned_unit_id = city_school_,
                         .prior_receipt = *ParseReceiptCode(receipt)});
  EXPECT_EQ(again["state"].as_string(), "declined");
  auto v = View(again["id"].as_int64(), Sup());
  EXPECT_EQ(v.at("prior_case_id").as_int64(), id);
  EXPECT_NE(json::serialize(v.at("messages")).find("不再受理"), std::string::npos);
  EXPECT_NE(json::serialize(v.at("messages")).find("第三十六条"), std::string::npos);
  // Staff do the same for a letter that repeats it: decline naming the final case.
  int64_t letter = Register({.channel = "letter_call", .category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  EXPECT_EQ(Act(letter, Action::kDecline, {{"reason", "同一事项"}, {"final_case_id", letter}}, Clerk()).status().code(),
            absl::StatusCode::kInvalidArgument);
  Ok(letter, Action::kDecline, {{"reason", "同一事实和理由"}, {"final_case_id", id}}, Clerk());
  EXPECT_NE(json::serialize(View(letter, Sup()).at("messages")).find("第三十六条"), std::string::npos);
}

TEST_F(LawTest, ExtensionsBeforeTheDeadlineByTheHeadOfTheBodyAddedToTheOriginalTerm) {
  clock_.Set(At(2026, 4, 28));
  int64_t id = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  Ok(id, Action::kAccept, {}, Clerk());
  EXPECT_EQ(Due(id, "handling"), "2026-06-29");  // Apr 28 + 60 = Jun 27 (Sat) -> Monday
  Ok(id, Action::kDispatch, {}, Clerk());
  Ok(id, Action::kSign, {}, Finance());
  Ok(id, Action::kRequestExtension, {{"days", 10}, {"reason", "需要调取财务凭证"}}, Finance());
  // Not the discipline office, nor a leader of another body.
  EXPECT_EQ(Code(id, Action::kApproveExtension, {}, Sup()), "case.role");
  EXPECT_EQ(Code(id, Action::kApproveExtension, {}, Staff(kLeader, district_)), "case.extension_approver");
  Ok(id, Action::kApproveExtension, {}, BureauLeader());
  // Jun 27 + 10 = Jul 7 (Tue), not the rolled Jun 29 + 10.
  EXPECT_EQ(Due(id, "handling"), "2026-07-07");
  auto v = View(id, Sup());
  EXPECT_NE(json::serialize(v.at("messages")).find("至2026-07-07"), std::string::npos);  // the reporter is told
  // After the deadline has passed, no request: the lateness stays.
  clock_.Set(At(2026, 7, 8));
  EXPECT_EQ(Code(id, Action::kRequestExtension, {{"days", 5}, {"reason", "仍需时间"}}, Finance()), "case.extension_late");
}

TEST_F(LawTest, RecomputeWithTheYearsNoticeKeepsExtensionsAndSuspensions) {
  clock_.Set(At(2026, 12, 10));
  int64_t id = Register({.category = "fees", .concerned_unit_id = city_school_})["id"].as_int64();
  Ok(id, Action::kAccept, {}, Clerk());
  Ok(id, Action::kDispatch, {}, Clerk());
  Ok(id, Action::kSign, {}, Finance());
  Ok(id, Action::kRequestExtension, {{"days", 10}, {"reason", "情况复杂"}}, Finance());
  Ok(id, Action::kApproveExtension, {}, BureauLeader());
  Ok(id, Action::kSuspend, {{"reason", "等待鉴定"}}, Sup());
  clock_.Set(At(2026, 12, 15));
  Ok(id, Action::kResume, {}, Sup());
  // Dec 10 + 60 + 10 + 5 = Feb 23, 2027, on the statutory fallback (provisional).
  auto v = View(id, Sup());
  auto* h = DeadlineOf(v, "handling");
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(h->at("provisional").as_bool());
  EXPECT_EQ(h->at("extension_days").as_int64(), 10);
  EXPECT_EQ(h->at("suspended_days").as_int64(), 5);
  // The 2027 notice arrives: a long break from Feb 22 to Feb 26. The recompute keeps both additions.
  ASSERT_TRUE(App().calendar_admin->LoadYear(2027, "2027-02-22 off 春节\n2027-02-23 off 春节\n2027-02-24 off 春节\n"
                                                   "2027-02-25 off 春节\n2027-02-26 off 春节\n", "2027.txt").ok());
  auto n = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int k, RecomputeProvisional(tx, env_));
    return json::value(k);
  });
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_GE(n->as_int64(), 1);
  v = View(id, Sup());
  h = DeadlineOf(v, "handling");
  EXPECT_FALSE(h->at("provisional").as_bool());
  EXPECT_EQ(h->at("due_on").as_string(), "2027-03-01");  // Feb 23 is now a holiday: the term runs to Monday Mar 1
  EXPECT_EQ(h->at("extension_days").as_int64(), 10);
}

TEST_F(LawTest, ReceivedTimeIsNeverInTheFutureAndBackDatingNeedsAReason) {
  auto reg = [&](NewCase c) {
    c.title = "来信";
    c.content = "内容";
    c.channel = "letter_call";
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto o, cases::Register(tx, env_, c));
      return json::value(o.id);
    });
  };
  EXPECT_EQ(StableCode(reg({.category = "fees", .received_at = clock_.Now() + absl::Hours(2)}).status()),
            "case.received_future");
  auto old = reg({.category = "fees", .received_at = clock_.Now() - absl::Hours(24 * 40)});
  EXPECT_EQ(StableCode(old.status()), "case.backdated");
  EXPECT_EQ(FieldErrors(old.status()).at(0).field, "received_reason");
  auto yesterday = reg({.category = "fees", .received_at = clock_.Now() - absl::Hours(24)});
  ASSERT_TRUE(yesterday.ok());
  auto batch = reg({.category = "fees", .received_at = clock_.Now() - absl::Hours(24 * 40),
                    .received_reason = "整理积压来信补录"});
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto v = View(batch->as_int64(), Sup());
  EXPECT_EQ(v.at("received_reason").as_string(), "整理积压来信补录");
  EXPECT_NE(v.at("received_at").as_string(), v.at("entered_at").as_string());
}

TEST_F(LawTest, TermsByRequestTypeAndForDisciplineReports) {
  auto handling_term = [&](const char* kind) {
    auto c = Register({.channel = "zmztc", .category = "fees", .kind = kind, .concerned_unit_id = school_});
    auto r = Act(c["id"].as_int64(), Action::kAccept, {}, Clerk());
    EXPECT_TRUE(r.ok());
    return std::string(r->at("deadlines").as_array()[0].at("term").as_string());
  };
  EXPECT_EQ(handling_term("consult"), "2wd");
  EXPECT_EQ(handling_term("suggestion"), "10wd");
  EXPECT_EQ(handling_term("complaint"), "15wd");
  // Discipline reports: accepted within 15 working days, named or not; a named reporter is told the result within
  // 15 working days of the conclusion.
  auto anon = Register({.category = "discipline", .concerned_unit_id = school_});
  EXPECT_EQ(anon["deadlines"].as_array()[0].at("term").as_string(), "15wd");
  auto named = Register({.category = "discipline", .concerned_unit_id = school_, .anonymous = false,
                         .reporter_name = "李先生", .reporter_phone = "13700001111"});
  int64_t id = named["id"].as_int64();
  Ok(id, Action::kAccept, {}, Sup());
  Ok(id, Action::kDispatch, {}, Sup());
  Ok(id, Action::kSign, {}, Sup());
  Ok(id, Action::kVerify, {{"findings", "属实"}}, Sup());
  Ok(id, Action::kPropose, {{"outcome", "support"}, {"proposal", "给予处分"}}, Sup());
  auto approved = Act(id, Action::kApproveProposal, {}, Sup());
  ASSERT_TRUE(approved.ok());
  ASSERT_EQ(approved->at("deadlines").as_array().size(), 1u);
  EXPECT_EQ(approved->at("deadlines").as_array()[0].at("kind").as_string(), "result_notice");
  EXPECT_EQ(approved->at("deadlines").as_array()[0].at("term").as_string(), "15wd");
  Ok(id, Action::kReply, {{"reply", "已处理"}}, Sup());
  EXPECT_EQ(DeadlineOf(View(id, Sup()), "result_notice")->at("status").as_string(), "met");
}

TEST_F(LawTest, TheDispatchClockCountsFromTheFirstDispatch) {
  int64_t id = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  Ok(id, Action::kAccept, {}, Clerk());
  Ok(id, Action::kDispatch, {}, Clerk());
  clock_.Set(At(2026, 5, 8));  // May 6, 7, 8: three working days
  Ok(id, Action::kRequestReturn, {{"reason", "不属本单位职责"}}, District());
  Ok(id, Action::kApproveReturn, {}, Clerk());
  Ok(id, Action::kDispatch, {{"unit_id", district_}}, Clerk());
  auto clocks = View(id, Sup()).at("clocks").as_object();
  EXPECT_EQ(clocks.at("working_days_since_dispatch").as_int64(), 3);
  EXPECT_EQ(clocks.at("working_days_since_last_dispatch").as_int64(), 0);
}

TEST_F(LawTest, ALateStepDrawsAYellowCardWhileTheOverallDeadlineHolds) {
  int64_t id = Register({.category = "fees", .concerned_unit_id = school_})["id"].as_int64();
  Ok(id, Action::kAccept, {}, Clerk());
  Ok(id, Action::kDispatch, {}, Clerk());
  EXPECT_EQ(Due(id, "sign"), "2026-05-06");  // one working day after Apr 30, over May Day
  clock_.Set(At(2026, 5, 7));
  auto n = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(int k, SweepSupervision(tx, env_));
    return json::value(k);
  });
  ASSERT_TRUE(n.ok());
  auto sup = View(id, Sup()).at("supervision").as_array();
  ASSERT_EQ(sup.size(), 1u);
  EXPECT_EQ(sup[0].at("kind").as_string(), "yellow");
  EXPECT_EQ(sup[0].at("deadline_kind").as_string(), "sign");
  EXPECT_EQ(DeadlineOf(View(id, Sup()), "handling")->at("colour").as_string(), "green");
}

TEST_F(LawTest, EscalationLettersAfterFiveAndTenWorkingDaysOverdue) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();  // acceptance due May 15
  auto issue = [&](const char* kind) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(auto e, IssueEscalation(tx, env_, id, kind, Sup()));
      return json::value(e.text);
    });
  };
  clock_.Set(At(2026, 5, 21));  // 4 working days overdue
  EXPECT_EQ(StableCode(issue("reminder").status()), "supervision.not_due");
  clock_.Set(At(2026, 5, 22));  // 5
  auto board = SupervisionBoard(Reader(), env_, Sup(), clock_.Now());
  ASSERT_TRUE(board.ok());
  EXPECT_NE(json::serialize(board->at("escalations_due")).find("reminder"), std::string::npos);
  auto letter = issue("reminder");
  ASSERT_TRUE(letter.ok()) << letter.status();
  EXPECT_NE(std::string(letter->as_string()).find("逾期5个工作日"), std::string::npos);
  EXPECT_EQ(StableCode(issue("reminder").status()), "supervision.escalation_issued");
  EXPECT_EQ(StableCode(issue("criticism").status()), "supervision.not_due");
  clock_.Set(At(2026, 5, 29));  // 10
  ASSERT_TRUE(issue("criticism").ok());
}

TEST_F(LawTest, RedoOnceForADissatisfiedReporterAndTheRatingsKeptApart) {
  auto c = Register({.category = "fees", .concerned_unit_id = school_});
  int64_t id = c["id"].as_int64();
  std::string receipt(c["receipt"].as_string());
  ToReply(id, District());
  ASSERT_TRUE(Public(receipt, "rate", {{"satisfaction", 1}}).ok());
  Ok(id, Action::kRevisit, {{"satisfaction", 5}}, Clerk());
  auto v = View(id, Sup());
  EXPECT_EQ(v.at("satisfaction").as_int64(), 1);  // the follow-up call did not overwrite the reporter
  EXPECT_EQ(v.at("revisit_satisfaction").as_int64(), 5);
  auto redo = Act(id, Action::kRedo, {{"reason", "反映人不满意，未清退全部费用"}}, Sup());
  ASSERT_TRUE(redo.ok()) << redo.status();
  EXPECT_EQ(redo->at("state").as_string(), "signed");
  EXPECT_EQ(redo->at("deadlines").as_array()[0].at("kind").as_string(), "redo");
  Ok(id, Action::kVerify, {{"findings", "补充核查"}}, District());
  Ok(id, Action::kPropose, {{"outcome", "support"}, {"proposal", "全部清退"}}, District());
  Ok(id, Action::kApproveProposal, {}, Sup());
  Ok(id, Action::kReply, {{"reply", "已全部清退"}}, District());
  EXPECT_EQ(DeadlineOf(View(id, Sup()), "redo")->at("status").as_string(), "met");
  EXPECT_EQ(Code(id, Action::kRedo, {{"reason", "再次"}}, Sup()), "case.redo_used");
}

// 刑法 第二百五十四条: a named reporter of a substantiated case who is later acted on is watched — matched by the
// keyed tag of the name (spaces ignored), never by opening the identity; the unit says whether it is likely the
// same person; anonymous and unsubstantiated reports are not watched; the office reviews each alert once.
TEST_F(LawTest, ActionsAgainstASubstantiatedNamedReporterAlertTheOffice) {
  int64_t teacher = 0, namesake = 0;
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    teacher = *org::InsertPerson(tx, {0, "P9", "赵老师", school_, "", "教师", false});
    namesake = *org::InsertPerson(tx, {0, "P10", "赵老师", city_school_, "", "教师", false});
    return json::value();
  }).ok());
  auto reported = Register({.category = "fees", .concerned_unit_id = school_, .anonymous = false,
                            .reporter_name = "赵 老师", .reporter_phone = "13800000000"});
  int64_t report = reported["id"].as_int64();
  // The same name on an anonymous item and on a named one still open: neither is watched.
  Register({.category = "fees", .concerned_unit_id = school_, .anonymous = true});
  Register({.category = "fees", .concerned_unit_id = school_, .anonymous = false, .reporter_name = "赵老师",
            .reporter_phone = "13900000000"});
  auto watch = [&](int64_t person, WatchedAction a, int64_t id) {
    auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_ASSIGN_OR_RETURN(int n, WatchForRetaliation(tx, env_, {person, a, id, "通报批评：测试"}));
      return json::value(n);
    });
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->as_int64() : -1;
  };
  EXPECT_EQ(watch(teacher, WatchedAction::kSanction, 1), 0) << "not substantiated yet";
  ToReply(report, District());
  EXPECT_EQ(watch(teacher, WatchedAction::kSanction, 2), 1);
  EXPECT_EQ(watch(teacher, WatchedAction::kSanction, 2), 0) << "one alert per action";
  EXPECT_EQ(watch(namesake, WatchedAction::kTalk, 3), 1);
  EXPECT_EQ(watch(principal_, WatchedAction::kDecision, 4), 0) << "another name";
  // A new case against the reporter raises an alert from intake itself.
  auto accused = Register({.category = "fees", .concerned_unit_id = school_, .concerned_person_ids = {teacher}});
  auto alerts = RetaliationAlerts(Reader(), env_, true, Sup());
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  const auto& items = alerts->at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(alerts->at("open").as_int64(), 3);
  std::map<std::string, const json::object*> by_action;
  for (const auto& it : items) by_action[std::string(it.at("action").at("code").as_string())] = &it.as_object();
  ASSERT_TRUE(by_action.count("case") && by_action.count("sanction") && by_action.count("talk"));
  EXPECT_EQ(by_action["case"]->at("action").at("id").as_int64(), accused["id"].as_int64());
  EXPECT_TRUE(by_action["sanction"]->at("unit_matches").as_bool());
  EXPECT_FALSE(by_action["talk"]->at("unit_matches").as_bool()) << "a namesake at another school";
  EXPECT_EQ(by_action["sanction"]->at("report").at("case_id").as_int64(), report);
  EXPECT_EQ(by_action["sanction"]->at("person").at("name").as_string(), "赵老师");
  // Nothing of the identity is in the alert's ledger event.
  for (const auto& it : items) EXPECT_EQ(json::serialize(it).find("13800000000"), std::string::npos);
  // The review: a reason of four characters or more, once.
  int64_t alert = by_action["sanction"]->at("id").as_int64();
  auto review = [&](const char* note) {
    return Run([&](Tx& tx) -> absl::StatusOr<json::value> { return ReviewAlert(tx, alert, note, Sup()); }).status();
  };
  EXPECT_EQ(FieldErrors(review("已查")).at(0).field, "note");
  EXPECT_TRUE(review("经核实，处分与举报无关，依据充分").ok());
  EXPECT_EQ(StableCode(review("再次核查一遍")), "retaliation.reviewed");
  EXPECT_EQ(RetaliationAlerts(Reader(), env_, true, Sup())->at("items").as_array().size(), 2u);
  EXPECT_EQ(RetaliationAlerts(Reader(), env_, false, Sup())->at("items").as_array().size(), 3u);
  // Reporters sealed before the watch existed are tagged at start, from their sealed identity.
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto st, tx.db().Prepare("UPDATE reporters SET name_tag = NULL"));
    QF_RETURN_IF_ERROR(st.Run());
    QF_ASSIGN_OR_RETURN(int n, TagReporterNames(tx, *env_.vault));
    EXPECT_EQ(n, 2);
    return json::value();
  }).ok());
  EXPECT_EQ(watch(teacher, WatchedAction::kDecision, 5), 1) << "matched again after tagging";
}

}  // namespace
}  // namespace qf::cases
