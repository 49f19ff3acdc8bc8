// Notifications: who is told (kAudience), the outbox rows written with the event (and undone with it), the
// templates shipped for every rule, the back-off and the dead letters.
#include "notify/notify.h"

#include <gtest/gtest.h>

#include "cases/case_fixture.h"
#include "common/timefmt.h"
#include "fmt/format.h"

namespace qf::notify {
namespace {

namespace json = boost::json;

TEST(NotifyRules, CardsByColourAndNothingForOtherEvents) {
  auto red = RulesFor("supervision.card", json::object{{"card", "red"}});
  ASSERT_EQ(red.size(), 2u);
  EXPECT_EQ(red[0].audience, Audience::kUnitHandlers);
  EXPECT_EQ(red[1].audience, Audience::kSupervisors);
  EXPECT_EQ(RulesFor("supervision.card", json::object{{"card", "yellow"}}).size(), 1u);
  EXPECT_EQ(RulesFor("case.accept", {}).at(0).audience, Audience::kReporter);
  EXPECT_TRUE(RulesFor("case.sign", {}).empty());
  EXPECT_TRUE(RulesFor("case.viewed", {}).empty());
}

TEST(NotifyTemplates, FillKeepsAJsonTemplatesOwnBraces) {
  json::object params{{"phone", "139"}, {"text", "他说\"你好\""}, {"receipt", "AB-CD"}};
  std::string body = Fill(R"({"mobile": {phone}, "content": {text}, "x": {"y": {receipt}}, "unknown": {nope}})", params, true);
  EXPECT_EQ(body, R"({"mobile": "139", "content": "他说\"你好\"", "x": {"y": "AB-CD"}, "unknown": null})");
  EXPECT_EQ(Fill("案件 {case_id} 于 {due_on}", json::object{{"case_id", 7}, {"due_on", "2026-12-01"}}), "案件 7 于 2026-12-01");
}

// Every kind the audience table sends has its text in both languages, on its channel.
TEST(NotifyTemplates, EveryRuleHasItsTexts) {
  auto t = Templates::Load(std::string(QF_SOURCE_DIR) + "/data/notify");
  ASSERT_TRUE(t.ok()) << t.status();
  json::object params{{"case_id", 7}, {"receipt", "AB-CD"}, {"due_on", "2026-12-01"}, {"card", "red"}, {"order_id", 3}};
  params["ref"] = "SQ2026-000001";
  for (const char* kind : {"case.accept", "case.decline", "case.reply", "case.answer_review", "case.answer_rereview",
                           "placement.published"})
    for (const char* locale : {"zh-CN", "en"}) {
      auto m = t->Render("sms", kind, locale, params);
      ASSERT_TRUE(m.ok()) << kind << " " << locale;
      EXPECT_TRUE(m->body.find("AB-CD") != std::string::npos || m->body.find("SQ2026-000001") != std::string::npos) << m->body;
      EXPECT_EQ(m->body.find('{'), std::string::npos) << "every placeholder filled: " << m->body;
    }
  for (const char* kind : {"case.dispatch", "case.send_back", "case.redo", "case.refuse_return", "case.approve_return",
                           "supervision.card", "supervision.order", "supervision.escalation", "rectification.issued"})
    for (const char* locale : {"zh-CN", "en"}) {
      auto m = t->Render("email", kind, locale, params);
      ASSERT_TRUE(m.ok()) << kind << " " << locale;
      EXPECT_FALSE(m->subject.empty()) << kind;
      EXPECT_EQ(m->body.find('{'), std::string::npos) << m->body;
    }
  EXPECT_NE(t->Render("email", "supervision.card", "zh-CN", params)->subject.find("红牌"), std::string::npos);
  EXPECT_FALSE(t->Render("sms", "case.dispatch", "zh-CN", params).ok());
}

class OutboxTest : public cases::CasesTest {
 protected:
  int64_t Count(const std::string& where) {
    auto st = Reader().Prepare("SELECT COUNT(*) FROM outbox WHERE " + where);
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(*st->Step());
    return st->Int(0);
  }
};

TEST_F(OutboxTest, AReporterWhoAgreedIsToldOfAcceptanceInTheSameTransaction) {
  cases::NewCase c;
  c.category = "fees";
  c.concerned_unit_id = school_;
  c.anonymous = false;
  c.reporter_name = "王芳";
  c.reporter_phone = "13900001111";
  c.reporter_notify = true;
  int64_t told = Register(c).at("id").as_int64();
  c.reporter_notify = false;
  int64_t quiet = Register(c).at("id").as_int64();
  Principal clerk = Staff(kClerk, divisions_["office"]);
  ASSERT_TRUE(Act(told, cases::Action::kAccept, {}, clerk).ok());
  ASSERT_TRUE(Act(quiet, cases::Action::kAccept, {}, clerk).ok());
  EXPECT_EQ(Count("recipient = 'reporter:" + std::to_string(told) + "' AND kind = 'case.accept' AND channel = 'sms'"), 1);
  EXPECT_EQ(Count("recipient = 'reporter:" + std::to_string(quiet) + "'"), 0);
  EXPECT_EQ(Count("params LIKE '%13900001111%'"), 0) << "the phone is read when sending, never copied";

  // A command that fails after its event leaves no row behind.
  auto failed = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.Append("case.reply", cases::Subject(told), {}).status());
    return absl::AbortedError("undone");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Count("kind = 'case.reply'"), 0);
}

TEST_F(OutboxTest, StaffAreToldOnlyOfTheGroupsTheyChose) {
  // Two handlers of the school: one wants cases and cards by e-mail, the other only orders of rectification.
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
        "INSERT INTO accounts(username, display_name, unit_id, password_hash, roles) VALUES(?,?,?,'x','handler') RETURNING id"));
    ins.Bind(1, "h1").Bind(2, "甲").Bind(3, school_);
    QF_ASSIGN_OR_RETURN(auto a, ins.Ints());
    ins.Reset().Bind(1, "h2").Bind(2, "乙").Bind(3, school_);
    QF_ASSIGN_OR_RETURN(auto b, ins.Ints());
    QF_RETURN_IF_ERROR(SavePrefs(tx, a.at(0), {"h1@x.cn", "zh-CN", {"cases", "cards"}}));
    QF_RETURN_IF_ERROR(SavePrefs(tx, b.at(0), {"h2@x.cn", "zh-CN", {"rectifications"}}));
    return json::value(a.at(0));
  });
  ASSERT_TRUE(r.ok()) << r.status();
  int64_t cases_only = r->as_int64();
  auto ev = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_RETURN_IF_ERROR(tx.Append("rectification.issued", "rectification:9", {{"school_id", school_}, {"due_on", "2026-06-01"}}).status());
    QF_RETURN_IF_ERROR(tx.Append("rectification.issued", "rectification:10", {{"school_id", city_school_}}).status());
    return json::value();
  });
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(Count("kind = 'rectification.issued'"), 1) << "the other handler, of the right school";
  EXPECT_EQ(Count("kind = 'rectification.issued' AND recipient = 'account:" + std::to_string(cases_only) + "'"), 0);
  EXPECT_EQ(Count("params LIKE '%\"order_id\":9%' AND params LIKE '%2026-06-01%'"), 1);
}

// A published placement tells the families of the run who asked, one row each, in the publishing transaction.
TEST_F(OutboxTest, FamiliesWhoAskedAreToldOfAPublishedPlacement) {
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    Db& db = tx.db();
    QF_RETURN_IF_ERROR(db.Exec("INSERT INTO accounts(id, username, display_name, unit_id, password_hash, roles) "
                               "VALUES(901, 'w', '见证', " + std::to_string(bureau_) + ", 'x', 'supervisor')"));
    QF_RETURN_IF_ERROR(db.Exec("INSERT INTO placement_compounds(id, district, name, lat_e6, lon_e6) VALUES(1, '瑶海区', '某小区', 0, 0)"));
    QF_ASSIGN_OR_RETURN(auto run, db.Prepare(
        "INSERT INTO placement_runs(id, year, state, commitment, sealed_secret, requested_by, witness_account, requested_at) "
        "VALUES(7, 2026, 'run', 'c', ?, 901, 901, '2026-07-01T00:00:00.000Z')"));
    QF_RETURN_IF_ERROR(run.BindBlob(1, std::string(1, '\0')).Run());
    QF_ASSIGN_OR_RETURN(auto app, db.Prepare(
        "INSERT INTO placement_applications(id, year, ref, code_hash, child_masked, sealed, district, compound_id, lat_e6, "
        "lon_e6, grade, residence_since, work_proof, housing, tenancy_months, insurance_months, special, choices, state, "
        "reasons, created_at, updated_at, notify) VALUES(?, 2026, ?, ?, '张*', ?, '瑶海区', 1, 0, 0, "
        "1, '2025-01-01', 'x', 'x', 12, 12, '', '[]', 'eligible', '[]', 't', 't', ?)"));
    for (int i = 1; i <= 3; ++i) {
      QF_RETURN_IF_ERROR(app.Reset().Bind(1, int64_t{i}).Bind(2, fmt::format("SQ2026-00000{}", i)).Bind(3, fmt::format("h{}", i))
                             .BindBlob(4, std::string(1, '\0')).Bind(5, int64_t{i == 2 ? 0 : 1}).Run());
      QF_RETURN_IF_ERROR(db.Exec(fmt::format(
          "INSERT INTO placement_results(run_id, application_id, lottery, rank, chosen, metres) VALUES(7, {}, 1, 1, 1, 0)", i)));
    }
    QF_RETURN_IF_ERROR(tx.Append("placement.published", "placement_run/7", {}).status());
    return json::value();
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count("kind = 'placement.published' AND channel = 'sms'"), 2);
  EXPECT_EQ(Count("recipient = 'guardian:1'"), 1);
  EXPECT_EQ(Count("recipient = 'guardian:2'"), 0) << "a family that did not ask";
  EXPECT_EQ(Count("params LIKE '%\"run_id\":7%'"), 2);
}

// The deliverer's and the staff list's reads of the outbox use their indexes: never a scan, never a sort.
TEST_F(OutboxTest, ReadsUseTheirIndexes) {
  if (OnPostgres()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's";
  for (auto [sql, index] : {std::pair{kDueSql, "outbox_due"}, std::pair{kOutboxSql, "outbox_state"}}) {
    auto st = Reader().Prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    ASSERT_TRUE(st.ok()) << st.status();
    st->Bind(1, "x").Bind(2, 10);
    std::string all;
    while (*st->Step()) all += st->Text(3) + "\n";
    EXPECT_NE(all.find(index), std::string::npos) << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;
  }
}

TEST_F(OutboxTest, ChoicesAreKeptWhole) {
  Prefs all{"someone.with.a.long.address@jyj.example", "en", {"cases", "cards", "escalations", "rectifications"}};
  auto made = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
        "INSERT INTO accounts(username, display_name, unit_id, password_hash, roles) VALUES('s','丙',?,'x','supervisor') RETURNING id"));
    ins.Bind(1, bureau_);
    QF_ASSIGN_OR_RETURN(auto id, ins.Ints());
    QF_RETURN_IF_ERROR(SavePrefs(tx, id.at(0), all));
    return json::value(id.at(0));
  });
  ASSERT_TRUE(made.ok()) << made.status();
  auto got = GetPrefs(Reader(), made->as_int64());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->at("email").as_string(), all.email);
  EXPECT_EQ(got->at("locale").as_string(), "en");
  EXPECT_EQ(json::serialize(got->at("groups")), R"(["cases","cards","escalations","rectifications"])");
  EXPECT_FALSE(ParsePrefs(json::object{{"email", "a b@c.d"}}).ok());
  EXPECT_FALSE(ParsePrefs(json::object{{"groups", json::array{"gossip"}}}).ok());
  EXPECT_TRUE(ParsePrefs(json::object{{"email", ""}, {"groups", json::array{"cards"}}}).ok()) << "no address: no e-mail";
}

TEST_F(OutboxTest, FailuresBackOffThenDieAndARetryStartsAgain) {
  auto r = Run([&](Tx& tx) -> absl::StatusOr<json::value> {
    QF_ASSIGN_OR_RETURN(auto ins, tx.db().Prepare(
        "INSERT INTO outbox(event_seq, kind, channel, recipient, params, next_at, created_at) "
        "VALUES(1, 'case.accept', 'sms', 'reporter:1', '{}', ?, ?) RETURNING id"));
    ins.Bind(1, FormatUtc(tx.now())).Bind(2, FormatUtc(tx.now()));
    QF_ASSIGN_OR_RETURN(auto id, ins.Ints());
    return json::value(id.at(0));
  });
  ASSERT_TRUE(r.ok());
  int64_t id = r->as_int64();
  EXPECT_EQ(DueRows(Reader(), clock_.Now(), 10)->size(), 1u);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> {
      QF_RETURN_IF_ERROR(MarkFailed(tx, id, "网关无应答", 3, absl::Minutes(1)));
      return json::value();
    }).ok());
    if (attempt < 3) {
      EXPECT_TRUE(DueRows(Reader(), clock_.Now(), 10)->empty()) << "waits after attempt " << attempt;
      EXPECT_EQ(DueRows(Reader(), clock_.Now() + absl::Minutes(1 << (attempt - 1)) + absl::Seconds(1), 10)->size(), 1u)
          << "due again after " << (1 << (attempt - 1)) << " min";
    }
  }
  EXPECT_EQ(Count("state = 'dead' AND attempts = 3 AND last_error = '网关无应答'"), 1);
  auto listed = ListOutbox(Reader(), "dead", 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->at("items").as_array().size(), 1u);
  EXPECT_EQ(listed->at("counts").at("dead").as_int64(), 1);
  auto retry = [&] { return Run([&](Tx& tx) -> absl::StatusOr<json::value> { QF_RETURN_IF_ERROR(Retry(tx, id)); return json::value(); }); };
  ASSERT_TRUE(retry().ok());
  EXPECT_EQ(Count("state = 'pending' AND attempts = 0"), 1);
  EXPECT_EQ(retry().status().code(), absl::StatusCode::kFailedPrecondition) << "pending: not dead";
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> { QF_RETURN_IF_ERROR(MarkSent(tx, id)); return json::value(); }).ok());
  ASSERT_TRUE(Run([&](Tx& tx) -> absl::StatusOr<json::value> { QF_RETURN_IF_ERROR(MarkSent(tx, id)); return json::value(); }).ok());
  auto st = Reader().Prepare("SELECT COUNT(*) FROM events WHERE kind = 'notify.sent'");
  ASSERT_TRUE(st.ok() && *st->Step());
  EXPECT_EQ(st->Int(0), 1) << "sent twice (at least once), recorded once";
}

}  // namespace
}  // namespace qf::notify
