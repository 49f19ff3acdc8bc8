// Sessions kept in the database (auth/session_store.h), on both backends: a restart (a new runtime on the same
// database) signs nobody out, and a signed-out or expired session stays refused after it; and the account
// administration that ends them (auth/accounts.h): password and second-factor resets, disabling, one's own password.
#include "auth/session_store.h"

#include "auth/accounts.h"

#include <map>

#include "auth/auth_store.h"
#include "auth/totp.h"
#include "org/org.h"
#include "runtime/store_fixture.h"

namespace qf::auth {
namespace {

class SessionStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto id = Run([](Tx& tx) -> absl::StatusOr<boost::json::value> {
      QF_ASSIGN_OR_RETURN(int64_t bureau, org::InsertUnit(tx, {0, "JYJ", "市教育局", "bureau"}));
      QF_ASSIGN_OR_RETURN(int64_t id, CreateAccount(tx, {"sup1", "督办员", 0, bureau, "x", kSupervisor, ""}));
      return id;
    });
    ASSERT_TRUE(id.ok()) << id.status();
    account_ = id->as_int64();
  }
  // Signs in as the second step does: the session stored by a writer command, then adopted.
  std::string SignIn() {
    auto account = GetAccount(Reader(), account_);
    EXPECT_TRUE(account.ok() && *account);
    Principal p = PrincipalOf(**account);
    Sessions& sessions = *App().sessions;
    Sessions::Issued issued = sessions.Issue(p);
    EXPECT_TRUE(Do([&](Tx& tx) { return StoreSession(tx, issued, p, sessions.options()); }).ok());
    sessions.Adopt(issued, p);
    csrf_[issued.token] = p.csrf;
    return issued.token;
  }
  void Restart() {
    ASSERT_TRUE(Do([](Tx&) { return absl::OkStatus(); }).ok());  // the queued touches before it: commands run in order
    rt_.reset();
    auto rt = Runtime::Open({path_, std::string(QF_SOURCE_DIR) + "/data", {}}, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
  }
  std::optional<Principal> Resolve(const std::string& token) { return App().sessions->Resolve(token); }
  int64_t Stored() {
    auto st = Reader().Prepare("SELECT COUNT(*) FROM staff_sessions");
    EXPECT_TRUE(st.ok() && *st->Step());
    return st->Int(0);
  }

  int64_t account_ = 0;
  std::map<std::string, std::string> csrf_;
};

TEST_F(SessionStoreTest, ARestartSignsNobodyOut) {
  std::string token = SignIn();
  Restart();
  auto p = Resolve(token);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->account_id, account_);
  EXPECT_EQ(p->username, "sup1");
  EXPECT_TRUE(p->Has(kSupervisor));
  EXPECT_EQ(p->csrf, csrf_[token]) << "the CSRF token the browser holds still works";
  EXPECT_FALSE(Resolve("not-a-session-token"));
}

TEST_F(SessionStoreTest, ASignedOutSessionStaysRefusedAfterARestart) {
  std::string gone = SignIn(), kept = SignIn();
  ASSERT_TRUE(Do([&](Tx& tx) { return EndSession(tx, Sessions::Key(gone), account_); }).ok());
  App().sessions->Forget(gone);
  EXPECT_FALSE(Resolve(gone));
  EXPECT_TRUE(Resolve(kept));
  Restart();
  EXPECT_FALSE(Resolve(gone));
  EXPECT_TRUE(Resolve(kept));
  EXPECT_EQ(Stored(), 1);
}

TEST_F(SessionStoreTest, IdleAndAbsoluteExpiryHoldAcrossRestarts) {
  // SessionOptions: 30 minutes idle, 12 hours in all.
  std::string idle = SignIn(), busy = SignIn();
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(absl::Minutes(20));
    ASSERT_TRUE(Resolve(busy));  // each use older than a minute is written down
  }
  Restart();
  EXPECT_FALSE(Resolve(idle)) << "unused for an hour";
  EXPECT_TRUE(Resolve(busy)) << "its last use was stored before the restart";
  for (int i = 0; i < 33; ++i) {  // used every 20 minutes up to 12 hours after sign-in
    clock_.Advance(absl::Minutes(20));
    ASSERT_TRUE(Resolve(busy)) << i;
  }
  Restart();
  clock_.Advance(absl::Minutes(1));
  EXPECT_FALSE(Resolve(busy)) << "more than 12 hours after sign-in";
  SignIn();
  EXPECT_EQ(Stored(), 1) << "storing a session deletes the expired ones";
}

// Sessions live by the wall clock (they outlive restarts, so no process's monotonic clock can measure them): set
// back an hour, nobody is signed out, before or after a restart; set forward, the hour counts as idle time.
TEST_F(SessionStoreTest, ClockJumps) {
  std::string token = SignIn();
  clock_.Advance(-absl::Hours(1));
  EXPECT_TRUE(Resolve(token)) << "set back";
  Restart();
  EXPECT_TRUE(Resolve(token)) << "set back, after a restart";
  clock_.Advance(absl::Hours(1) + absl::Minutes(20));
  EXPECT_TRUE(Resolve(token)) << "20 minutes after its last use as first stored";
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(Resolve(token)) << "set forward an hour: idle longer than 30 minutes";
}

// TOTP secrets are stored sealed (a database thief gets no second factor): enrolment seals, a secret stored raw
// before sealing is sealed at the next start, and codes are accepted either way.
TEST_F(SessionStoreTest, TotpSecretsAreStoredSealed) {
  const vault::Vault& vault = *App().vault;
  std::string secret(kTotpSecretBytes, '\x07');
  auto stored = [&] {
    auto st = Reader().Prepare("SELECT totp_secret FROM accounts WHERE id = " + std::to_string(account_));
    EXPECT_TRUE(st.ok() && *st->Step());
    return st->Text(0);
  };
  auto code = [&](absl::Time at) { return TotpCode(secret, absl::ToUnixSeconds(at)); };
  auto codes = Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_ASSIGN_OR_RETURN(auto c, EnrolTotp(tx, &vault, account_, secret, code(tx.now())));
    return boost::json::value(static_cast<int64_t>(c.size()));
  });
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_NE(stored(), secret);
  EXPECT_EQ(stored().find(secret), std::string::npos);
  EXPECT_EQ(*vault.Unseal(stored()), secret);
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(Do([&](Tx& tx) { return UseTotp(tx, &vault, account_, code(tx.now())); }).ok());

  // A database from before sealing: the raw secret is sealed at the next start and still takes codes.
  ASSERT_TRUE(Do([&](Tx& tx) -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto up, tx.db().Prepare("UPDATE accounts SET totp_secret = ? WHERE id = ?"));
    up.BindBlob(1, secret).Bind(2, account_);
    return up.Run();
  }).ok());
  EXPECT_EQ(stored(), secret);
  Restart();
  EXPECT_EQ(*App().vault->Unseal(stored()), secret);
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(Do([&](Tx& tx) { return UseTotp(tx, App().vault, account_, code(tx.now())); }).ok());
}

// ---------- account administration ----------

class AccountAdminTest : public SessionStoreTest {
 protected:
  // The kinds of the events about the account, in order.
  std::vector<std::string> Events() {
    auto st = Reader().Prepare("SELECT kind, payload FROM events WHERE subject = ? ORDER BY seq");
    EXPECT_TRUE(st.ok());
    st->Bind(1, "account:" + std::to_string(account_));
    std::vector<std::string> kinds;
    while (*st->Step()) {
      kinds.push_back(st->Text(0));
      payloads_ += st->Text(1);
    }
    return kinds;
  }
  AccountChange Change(std::string reason = "忘记密码，本人电话申请") {
    AccountChange c;
    c.account = account_;
    c.reason = std::move(reason);
    return c;
  }
  std::string payloads_;
};

TEST_F(AccountAdminTest, APasswordResetEndsEverySessionOfTheAccount) {
  std::string a = SignIn(), b = SignIn();
  auto hash = HashPassword("临时密码-2026-十二月");
  ASSERT_TRUE(hash.ok());
  auto ended = Run([&](Tx& tx) -> absl::StatusOr<boost::json::value> {
    QF_ASSIGN_OR_RETURN(int n, ResetPassword(tx, Change(), *hash));
    return boost::json::value(n);
  });
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->as_int64(), 2);
  App().sessions->ForgetAccount(account_);
  EXPECT_FALSE(Resolve(a));
  EXPECT_FALSE(Resolve(b));
  Restart();
  EXPECT_FALSE(Resolve(a)) << "still refused after a restart";
  EXPECT_EQ(Stored(), 0);
  auto now = GetAccount(Reader(), account_);
  ASSERT_TRUE(now.ok() && *now);
  EXPECT_TRUE(VerifyPassword((*now)->password_hash, "临时密码-2026-十二月"));
  EXPECT_EQ(Events().back(), "account.password_reset");
  EXPECT_NE(payloads_.find("忘记密码"), std::string::npos) << "the reason is in the event";
  EXPECT_EQ(payloads_.find(*hash), std::string::npos) << "the hash is not";
}

TEST_F(AccountAdminTest, OnesOwnPasswordChangeKeepsThisSessionAndRefusesAStaleOne) {
  std::string here = SignIn(), elsewhere = SignIn();
  auto account = GetAccount(Reader(), account_);
  ASSERT_TRUE(account.ok() && *account);
  std::string before = (*account)->password_hash;
  auto hash = HashPassword("一个更长的新密码-2026");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(Do([&](Tx& tx) { return ChangeOwnPassword(tx, account_, before, *hash, Sessions::Key(here)).status(); }).ok());
  App().sessions->ForgetAccount(account_, Sessions::Key(here));
  EXPECT_TRUE(Resolve(here));
  EXPECT_FALSE(Resolve(elsewhere));
  EXPECT_EQ(Stored(), 1);
  EXPECT_EQ(Events().back(), "account.password_changed");
  // A second change checked against the password as it was before the first: refused, nothing changed.
  auto stale = Do([&](Tx& tx) { return ChangeOwnPassword(tx, account_, before, "x", "").status(); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kFailedPrecondition) << stale;
  EXPECT_TRUE(VerifyPassword((*GetAccount(Reader(), account_))->password_hash, "一个更长的新密码-2026"));
  EXPECT_TRUE(Resolve(here));
}

TEST_F(AccountAdminTest, ASecondFactorResetMakesTheNextSignInEnrol) {
  std::string secret(kTotpSecretBytes, '\x05');
  ASSERT_TRUE(Do([&](Tx& tx) {
    return EnrolTotp(tx, App().vault, account_, secret, TotpCode(secret, absl::ToUnixSeconds(tx.now()))).status();
  }).ok());
  std::string token = SignIn();
  ASSERT_TRUE(Do([&](Tx& tx) { return ResetSecondFactor(tx, Change("手机丢失")).status(); }).ok());
  App().sessions->ForgetAccount(account_);
  EXPECT_FALSE(Resolve(token));
  auto now = GetAccount(Reader(), account_);
  ASSERT_TRUE(now.ok() && *now);
  EXPECT_TRUE((*now)->totp_secret.empty()) << "the password step now offers enrolment";
  clock_.Advance(absl::Seconds(30));
  auto old_code = Do([&](Tx& tx) { return UseTotp(tx, App().vault, account_, TotpCode(secret, absl::ToUnixSeconds(tx.now()))); });
  EXPECT_EQ(old_code.code(), absl::StatusCode::kUnauthenticated) << "the lost phone's codes no longer work";
  EXPECT_EQ(Events().back(), "account.second_factor_reset");
}

TEST_F(AccountAdminTest, ADisabledAccountIsSignedOutAndItsSessionsAreNotLoaded) {
  std::string token = SignIn();
  AccountChange off = Change("调离本单位");
  off.active = false;
  ASSERT_TRUE(Do([&](Tx& tx) { return SetAccountActive(tx, off).status(); }).ok());
  App().sessions->ForgetAccount(account_);
  EXPECT_FALSE(Resolve(token));
  auto again = Do([&](Tx& tx) { return SetAccountActive(tx, off).status(); });
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << "already disabled: " << again;
  AccountChange on = Change("返回本单位");
  on.active = true;
  ASSERT_TRUE(Do([&](Tx& tx) { return SetAccountActive(tx, on).status(); }).ok());
  EXPECT_FALSE(Resolve(token)) << "enabling does not bring old sessions back";
  EXPECT_TRUE(Resolve(SignIn()));
  auto kinds = Events();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "account.disabled"), kinds.end());
  EXPECT_EQ(kinds.back(), "account.enabled");
  auto missing = Do([&](Tx& tx) { AccountChange c = on; c.account = 999999; return SetAccountActive(tx, c).status(); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
}

TEST_F(AccountAdminTest, ChangesAreParsedWithTheirFieldsAndNeverToOnesOwnAccount) {
  auto body = [](std::string json) { return boost::json::parse(json).as_object(); };
  auto weak = ParseAccountChange(body(R"({"reason":"遗忘","password":"short"})"), "password", account_, 1);
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.status().ToString().find(R"("field\":\"password)"), std::string::npos) << weak.status();
  auto no_reason = ParseAccountChange(body(R"({"active":false})"), "active", account_, 1);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_NE(no_reason.status().ToString().find(R"("field\":\"reason)"), std::string::npos) << no_reason.status();
  auto own = ParseAccountChange(body(R"({"reason":"测试","active":false})"), "active", account_, account_);
  EXPECT_EQ(own.status().code(), absl::StatusCode::kFailedPrecondition);
  auto same = ParsePasswordChange(body(R"({"current_password":"abcdefghijklm","new_password":"abcdefghijklm"})"));
  EXPECT_FALSE(same.ok()) << "the new password must differ";
  EXPECT_TRUE(ParsePasswordChange(body(R"({"current_password":"x","new_password":"abcdefghijklm"})")).ok());
}

TEST_F(AccountAdminTest, TheListFindsByTheStartOfANameOrUnitAPageAtATime) {
  int64_t bureau = (*GetAccount(Reader(), account_))->unit_id;
  auto made = Run([bureau](Tx& tx) -> absl::StatusOr<boost::json::value> {
    org::Unit district{0, "QX", "甲区教体局", "district_bureau", bureau};
    district.district = "甲区";
    QF_ASSIGN_OR_RETURN(int64_t school, org::InsertUnit(tx, district));
    QF_RETURN_IF_ERROR(CreateAccount(tx, {"zhoumin", "周敏", 0, school, "x", kHandler, ""}).status());
    QF_RETURN_IF_ERROR(CreateAccount(tx, {"zhaolei", "赵磊", 0, school, "x", kHandler, ""}).status());
    QF_RETURN_IF_ERROR(CreateAccount(tx, {"clerk9", "周立", 0, school, "x", kClerk, ""}).status());
    return school;
  });
  ASSERT_TRUE(made.ok()) << made.status();
  auto names = [&](AccountQuery q) {
    auto r = ListAccounts(Reader(), q);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    for (auto& i : r->at("items").as_array()) {
      out.push_back(std::string(i.at("username").as_string()));
      EXPECT_FALSE(i.as_object().contains("password_hash"));
    }
    return out;
  };
  EXPECT_EQ(names({.q = "周"}), (std::vector<std::string>{"zhoumin", "clerk9"}));
  EXPECT_EQ(names({.q = "zh"}), (std::vector<std::string>{"zhoumin", "zhaolei"}));
  EXPECT_EQ(names({.unit_id = made->as_int64()}), (std::vector<std::string>{"zhoumin", "zhaolei", "clerk9"}));
  EXPECT_EQ(names({.q = "周", .unit_id = made->as_int64()}), (std::vector<std::string>{"zhoumin", "clerk9"}));
  // A page at a time: each answer says where the next begins.
  std::vector<std::string> all;
  AccountQuery page{.limit = 2};
  for (int i = 0; i < 5; ++i) {
    auto r = ListAccounts(Reader(), page);
    ASSERT_TRUE(r.ok());
    for (auto& item : r->at("items").as_array()) all.push_back(std::string(item.at("username").as_string()));
    if (r->at("next_after").is_null()) break;
    page.after = r->at("next_after").as_int64();
  }
  EXPECT_EQ(all, (std::vector<std::string>{"sup1", "zhoumin", "zhaolei", "clerk9"}));
  auto one = ListAccounts(Reader(), {.q = "sup"});
  ASSERT_TRUE(one.ok());
  auto& item = one->at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("unit").as_string(), "市教育局");
  EXPECT_EQ(item.at("second_factor").as_bool(), false);
}

}  // namespace
}  // namespace qf::auth
