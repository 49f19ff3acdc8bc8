// Sessions kept in the database (auth/session_store.h), on both backends: a restart (a new runtime on the same
// database) signs nobody out, and a signed-out or expired session stays refused after it.
#include "auth/session_store.h"

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

}  // namespace
}  // namespace qf::auth
