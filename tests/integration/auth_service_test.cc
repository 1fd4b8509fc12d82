// AuthService (services/auth_service.h, issue #5) on real SQLite and PostgreSQL databases with a
// ManualClock: sign-in, same answer for unknown users and wrong passwords, account lockout and
// its end, the per-address limiter, session idle and absolute expiry, sign-out everywhere,
// password changes and rules, TOTP (codes made here with liboath from the secret the setup
// hands out, at the manual clock's time) and recovery codes, API tokens (scopes, expiry,
// revocation), user administration — and the audit entry each of these leaves.
#include <gtest/gtest.h>

#include <thread>
#include <liboath/oath.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <ostream>
#include <set>

#include "cipms/services/audit.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/demo.h"
#include "cipms/storage/store.h"
#include "support/paths.h"
#include "support/backends.h"
#include "support/postgres_server.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using testing::Backend;
using testing::backends;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;
const std::string kPw = "demo-password-2026";
const std::string kNewPw = "another-password-2027";

bool has_field(const Status& st, const std::string& pointer) {
  return std::any_of(st.errors().begin(), st.errors().end(),
                     [&](const FieldError& e) { return e.pointer == pointer; });
}

// The 6-digit TOTP code of a base32 secret at time t (RFC 6238, 30 s, as an authenticator app).
std::string totp_code(const std::string& secret_b32, TimePoint t) {
  char* raw = nullptr;
  size_t len = 0;
  EXPECT_EQ(oath_base32_decode(secret_b32.c_str(), secret_b32.size(), &raw, &len), OATH_OK) << secret_b32;
  char out[7] = {0};
  int rc = oath_totp_generate(raw, len, static_cast<time_t>(t.time_since_epoch().count()),
                              OATH_TOTP_DEFAULT_TIME_STEP_SIZE, 0, 6, out);
  std::free(raw);
  EXPECT_EQ(rc, OATH_OK);
  return out;
}

class AuthServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(oath_init(), OATH_OK); }

  void SetUp() override {
    dir_ = testing::make_temp_dir("cipms-auth-test");
    url_ = GetParam().fresh(dir_);
    ASSERT_FALSE(url_.empty());
    auto db = Database::open(url_);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ctx_.db = std::shared_ptr<Database>(std::move(db).value());
    clock_ = std::make_shared<ManualClock>(kT0);
    ctx_.clock = clock_;
    auto v = ctx_.db->migrate();
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    auto seeded = seed_demo_users(ctx_, kPw);
    ASSERT_TRUE(seeded.is_ok()) << seeded.status().to_string();
    auth_ = std::make_unique<AuthService>(ctx_);
  }
  void TearDown() override {
    auth_.reset();
    ctx_ = {};
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Result<LoginResult> login(const std::string& user, const std::string& pw = kPw, const std::string& remote = "10.0.0.1",
                            std::optional<std::string> totp = std::nullopt,
                            std::optional<std::string> recovery = std::nullopt, AuthService* svc = nullptr) {
    LoginRequest r;
    r.username = user;
    r.password = pw;
    r.remote = remote;
    r.user_agent = "auth_service_test";
    r.request_id = "req-test";
    r.totp = std::move(totp);
    r.recovery_code = std::move(recovery);
    return (svc ? svc : auth_.get())->login(r);
  }
  // Signs in and returns the session secret.
  std::string session_of(const std::string& user, const std::string& pw = kPw) {
    auto r = login(user, pw);
    EXPECT_TRUE(r.is_ok()) << user << ": " << r.status().to_string();
    return r.is_ok() ? r->session_secret : std::string();
  }
  // The signed-in principal of a user (as the API would pass it on).
  Principal principal(const std::string& user, const std::string& pw = kPw) {
    auto secret = session_of(user, pw);
    auto p = auth_->authenticate_session(secret, nullptr);
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    return p.is_ok() ? p.value() : Principal::anonymous();
  }
  Code session_code(const std::string& secret) { return auth_->authenticate_session(secret, nullptr).status().code(); }

  // Audit entries with this action (and outcome, when given), newest first.
  std::vector<AuditEntry> audits(const std::string& action, const std::string& outcome = "") {
    AuditFilter f;
    f.action = action;
    if (!outcome.empty()) f.outcome = outcome;
    f.limit = 1000;
    auto page = audit_search(ctx_, f);
    EXPECT_TRUE(page.is_ok()) << page.status().to_string();
    return page.is_ok() ? page->items : std::vector<AuditEntry>{};
  }

  // TOTP on for `user`; returns (secret, recovery codes). The code that enabled it counts as
  // used, so the clock then moves on one 30 s step: the caller's first code at clock_->now()
  // is a fresh one.
  std::pair<std::string, std::vector<std::string>> enable_totp(const std::string& user) {
    Principal p = principal(user);
    auto setup = auth_->totp_setup(p);
    EXPECT_TRUE(setup.is_ok()) << setup.status().to_string();
    if (!setup.is_ok()) return {};
    EXPECT_NE(setup->otpauth_uri.find("secret=" + setup->secret_base32), std::string::npos) << setup->otpauth_uri;
    auto codes = auth_->totp_enable(p, totp_code(setup->secret_base32, clock_->now()));
    EXPECT_TRUE(codes.is_ok()) << codes.status().to_string();
    if (!codes.is_ok()) return {};
    clock_->advance(30s);
    return {setup->secret_base32, codes.value()};
  }

  fs::path dir_;
  std::string url_;
  ServiceContext ctx_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<AuthService> auth_;
};

// --- sign-in ----------------------------------------------------------------------------------

TEST_P(AuthServiceTest, CorrectPasswordGivesASessionThatAuthenticatesAsTheUsersPrincipal) {
  const auto orgs = demo_organisations();
  auto org = [&](const std::string& code) {
    auto it = std::find_if(orgs.begin(), orgs.end(), [&](const Organisation& o) { return o.code == code; });
    EXPECT_NE(it, orgs.end()) << code;
    return it == orgs.end() ? Organisation{} : *it;
  };
  struct Want {
    std::string user, org;
    Role role;
    ClassLevel clearance;
  };
  for (const Want& w : {Want{"energy", "MOEA-EA", Role::kAuthorityOfficer, ClassLevel::kConfidential},
                        Want{"moea", "MOEA", Role::kCoordinatingOfficer, ClassLevel::kSecret},
                        Want{"tpc", "TPC", Role::kProviderEditor, ClassLevel::kOfficial}}) {
    SCOPED_TRACE(w.user);
    auto r = login(w.user);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_FALSE(r->session_secret.empty());
    EXPECT_FALSE(r->csrf_token.empty());
    EXPECT_EQ(r->expires_at, format_utc(kT0 + 12h));
    std::string csrf;
    auto p = auth_->authenticate_session(r->session_secret, &csrf);
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    EXPECT_EQ(csrf, r->csrf_token);
    EXPECT_EQ(p->username, w.user);
    EXPECT_EQ(p->user, r->user.id);
    EXPECT_EQ(p->org_code, w.org);
    EXPECT_EQ(p->org_type, org(w.org).type);
    EXPECT_EQ(p->role, w.role);
    EXPECT_EQ(p->clearance, w.clearance);
    EXPECT_EQ(p->sectors, org(w.org).sectors);
    EXPECT_EQ(p->subsectors, org(w.org).subsectors);
    EXPECT_EQ(p->via, "session");
    EXPECT_TRUE(p->token_scopes.empty());
  }
  // Sanity: the demo organisations do carry sectors / sub-sectors for the agency and authority.
  EXPECT_FALSE(org("MOEA").sectors.empty());
  EXPECT_FALSE(org("MOEA-EA").subsectors.empty());
  auto ok = audits("auth.login", "ok");
  ASSERT_EQ(ok.size(), 3u);
  EXPECT_EQ(ok[0].target_id, "tpc");
  EXPECT_EQ(ok[0].remote, "10.0.0.1");
  EXPECT_EQ(ok[0].actor_user_id, std::optional<std::int64_t>(principal("tpc").user.value));
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserGetTheSameUnauthenticatedAnswer) {
  auto wrong = login("tpc", "not-the-password-1");
  auto unknown = login("nobody-here", "not-the-password-1");
  ASSERT_FALSE(wrong.is_ok());
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(unknown.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(wrong.status().errors(), unknown.status().errors());
  auto failed = audits("auth.login", "failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].target_id, "nobody-here");
  EXPECT_EQ(failed[0].detail, "unknown user");
  EXPECT_EQ(failed[1].target_id, "tpc");
  EXPECT_EQ(failed[1].detail, "wrong password");
  EXPECT_TRUE(audits("auth.login", "ok").empty());
}

TEST_P(AuthServiceTest, FiveWrongPasswordsLockTheAccountAndTheLockEndsAfterFifteenMinutes) {
  for (int i = 0; i < 5; ++i) {
    auto r = login("tpc", "wrong-password-" + std::to_string(i));
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << i;
  }
  auto locked = login("tpc");
  ASSERT_FALSE(locked.is_ok());
  EXPECT_EQ(locked.status().code(), Code::kTooManyRequests) << locked.status().to_string();
  EXPECT_NE(locked.status().message().find(format_utc(kT0 + 15min)), std::string::npos) << locked.status().message();
  // Another account is not affected.
  EXPECT_TRUE(login("tpc-viewer").is_ok());

  clock_->advance(14min + 59s);
  auto still = login("tpc");
  ASSERT_FALSE(still.is_ok());
  EXPECT_EQ(still.status().code(), Code::kTooManyRequests);
  clock_->advance(1s);
  auto after = login("tpc");
  EXPECT_TRUE(after.is_ok()) << after.status().to_string();

  auto failed = audits("auth.login", "failed");
  ASSERT_EQ(failed.size(), 5u);
  EXPECT_NE(failed[0].detail.find("account locked until"), std::string::npos) << failed[0].detail;
  auto denied = audits("auth.login", "denied");
  ASSERT_EQ(denied.size(), 2u);
  for (const auto& e : denied) {
    EXPECT_EQ(e.target_id, "tpc");
    EXPECT_EQ(e.detail, "account locked");
  }
}

TEST_P(AuthServiceTest, TheLockoutCounterStartsAgainAfterASuccessfulSignIn) {
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(login("tpc", "wrong-password-x").is_ok());
  ASSERT_TRUE(login("tpc").is_ok());
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(login("tpc", "wrong-password-x").is_ok());
  EXPECT_TRUE(login("tpc").is_ok());
}

TEST_P(AuthServiceTest, TheAddressLimiterAnswers429ForThatAddressButNotAnother) {
  AuthConfig cfg;
  cfg.max_failures_per_address = 3;
  cfg.address_window = 5min;
  AuthService small(ctx_, cfg);
  for (int i = 0; i < 3; ++i) {
    // Different (unknown) names each time: the address is limited, not an account.
    auto r = login("probe-" + std::to_string(i), "wrong-password-x", "192.0.2.7", std::nullopt, std::nullopt, &small);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  }
  auto blocked = login("tpc", kPw, "192.0.2.7", std::nullopt, std::nullopt, &small);
  ASSERT_FALSE(blocked.is_ok());
  EXPECT_EQ(blocked.status().code(), Code::kTooManyRequests) << blocked.status().to_string();
  auto other = login("tpc", kPw, "192.0.2.8", std::nullopt, std::nullopt, &small);
  EXPECT_TRUE(other.is_ok()) << other.status().to_string();

  auto denied = audits("auth.login", "denied");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].detail, "address rate limit");
  EXPECT_EQ(denied[0].remote, "192.0.2.7");

  // The window slides: 5 minutes later the address may try again.
  clock_->advance(5min);
  auto later = login("tpc", kPw, "192.0.2.7", std::nullopt, std::nullopt, &small);
  EXPECT_TRUE(later.is_ok()) << later.status().to_string();
}

// --- sessions ---------------------------------------------------------------------------------

TEST_P(AuthServiceTest, ASessionEndsAfterThirtyOneMinutesWithoutActivity) {
  auto secret = session_of("tpc");
  clock_->advance(31min);
  auto p = auth_->authenticate_session(secret, nullptr);
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), Code::kUnauthenticated);
  EXPECT_NE(p.status().message().find("inactivity"), std::string::npos) << p.status().message();
  // It stays ended.
  clock_->advance(-31min);
  EXPECT_EQ(session_code(secret), Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, ActivityEveryTwentyMinutesKeepsASessionAliveForTwoHours) {
  auto secret = session_of("tpc");
  for (int i = 1; i <= 6; ++i) {
    clock_->advance(20min);
    EXPECT_EQ(session_code(secret), Code::kOk) << "after " << i * 20 << " minutes";
  }
  // Then idle again.
  clock_->advance(30min);
  EXPECT_EQ(session_code(secret), Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, ASessionEndsAtTwelveHoursEvenWithActivity) {
  auto secret = session_of("tpc");
  for (int i = 1; i <= 35; ++i) {  // up to 11 h 40 min
    clock_->advance(20min);
    ASSERT_EQ(session_code(secret), Code::kOk) << "after " << i * 20 << " minutes";
  }
  clock_->advance(19min);  // 11 h 59 min
  EXPECT_EQ(session_code(secret), Code::kOk);
  clock_->advance(1min);  // 12 h
  auto p = auth_->authenticate_session(secret, nullptr);
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), Code::kUnauthenticated);
  EXPECT_NE(p.status().message().find("time limit"), std::string::npos) << p.status().message();
}

TEST_P(AuthServiceTest, UnknownOrEmptySessionSecretsAreUnauthenticated) {
  EXPECT_EQ(session_code(""), Code::kUnauthenticated);
  EXPECT_EQ(session_code("made-up-secret"), Code::kUnauthenticated);
  EXPECT_EQ(session_code(std::string(500, 'x')), Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, LogoutEndsOnlyThatSession) {
  auto a = session_of("tpc"), b = session_of("tpc");
  auto who = auth_->authenticate_session(a, nullptr);
  ASSERT_TRUE(who.is_ok());
  ASSERT_TRUE(auth_->logout(*who, a).is_ok());
  EXPECT_EQ(session_code(a), Code::kUnauthenticated);
  EXPECT_EQ(session_code(b), Code::kOk);
  EXPECT_EQ(audits("auth.logout", "ok").size(), 1u);
}

TEST_P(AuthServiceTest, LogoutAllEndsEverySessionOfThatUserOnly) {
  auto a = session_of("tpc"), b = session_of("tpc"), other = session_of("tpc-viewer");
  auto who = auth_->authenticate_session(a, nullptr);
  ASSERT_TRUE(who.is_ok());
  auto n = auth_->logout_all(*who);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(session_code(a), Code::kUnauthenticated);
  EXPECT_EQ(session_code(b), Code::kUnauthenticated);
  EXPECT_EQ(session_code(other), Code::kOk);
  auto e = audits("auth.logout_all", "ok");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].target_id, "tpc");
  EXPECT_EQ(e[0].detail, "2 sessions ended");
}

// --- passwords --------------------------------------------------------------------------------

TEST_P(AuthServiceTest, ChangingThePasswordEndsSessionsAndTheOldPasswordStopsWorking) {
  auto a = session_of("tpc"), b = session_of("tpc"), other = session_of("tpc-viewer");
  auto who = auth_->authenticate_session(a, nullptr);
  ASSERT_TRUE(who.is_ok());

  Status wrong = auth_->change_password(*who, "not-the-current-one", kNewPw);
  EXPECT_EQ(wrong.code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(wrong, "/current_password")) << wrong.to_string();
  EXPECT_EQ(session_code(a), Code::kOk);

  Status st = auth_->change_password(*who, kPw, kNewPw);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(session_code(a), Code::kUnauthenticated);
  EXPECT_EQ(session_code(b), Code::kUnauthenticated);
  EXPECT_EQ(session_code(other), Code::kOk);
  EXPECT_EQ(login("tpc", kPw).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(login("tpc", kNewPw).is_ok());
  EXPECT_EQ(audits("auth.password", "ok").size(), 1u);
}

TEST_P(AuthServiceTest, PasswordRulesRejectShortOrRepeatedPasswordsWith422OnPassword) {
  Principal tpc = principal("tpc");
  for (const std::string& bad : {std::string("short-pw"), std::string("abcdefghij1"), std::string(20, 'a'),
                                 std::string(1025, 'b') + "c"}) {
    SCOPED_TRACE(bad.substr(0, 20));
    Status st = auth_->change_password(tpc, kPw, bad);
    EXPECT_EQ(st.code(), Code::kUnprocessable) << st.to_string();
    EXPECT_TRUE(has_field(st, "/password")) << st.to_string();
  }
  EXPECT_TRUE(login("tpc").is_ok());  // unchanged

  Principal admin = principal("admin");
  NewUser u{"short-pw-user", "Short", "", "TPC", Role::kProviderViewer, ClassLevel::kGeneral, "abc"};
  auto made = auth_->create_user(admin, u);
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(made.status(), "/password")) << made.status().to_string();
  EXPECT_EQ(check_password("twelve-chars", 12), std::vector<FieldError>{});
  EXPECT_EQ(audits("user.create", "ok").size(), 8u);  // the demo accounts only
}

// --- TOTP -------------------------------------------------------------------------------------

TEST_P(AuthServiceTest, TotpIsEnabledWithACodeFromTheSetupSecretAtTheClocksTime) {
  Principal p = principal("energy");
  auto setup = auth_->totp_setup(p);
  ASSERT_TRUE(setup.is_ok()) << setup.status().to_string();
  EXPECT_EQ(setup->secret_base32.size(), 32u);  // 160 bits
  EXPECT_EQ(setup->otpauth_uri.rfind("otpauth://totp/cipms:energy?secret=" + setup->secret_base32, 0), 0u)
      << setup->otpauth_uri;
  // Setting up alone does not turn it on.
  EXPECT_TRUE(login("energy").is_ok());
  // A code two steps old does not enable it.
  auto stale = auth_->totp_enable(p, totp_code(setup->secret_base32, clock_->now() - 60s));
  ASSERT_FALSE(stale.is_ok());
  EXPECT_EQ(stale.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(stale.status(), "/code"));
  auto codes = auth_->totp_enable(p, totp_code(setup->secret_base32, clock_->now()));
  ASSERT_TRUE(codes.is_ok()) << codes.status().to_string();
  EXPECT_EQ(codes->size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes->begin(), codes->end()).size(), 10u);
  auto me = auth_->me(p);
  ASSERT_TRUE(me.is_ok());
  EXPECT_TRUE(me->totp_enabled);
  EXPECT_EQ(audits("auth.totp_setup", "ok").size(), 1u);
  EXPECT_EQ(audits("auth.totp_enable", "ok").size(), 1u);
  // Once on, setting up again is refused.
  EXPECT_EQ(auth_->totp_setup(p).status().code(), Code::kConflict);
}

TEST_P(AuthServiceTest, SignInWithTotpOnNeedsTheCodeAndSaysSoUnderTotp) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  auto without = login("energy");
  ASSERT_FALSE(without.is_ok());
  EXPECT_EQ(without.status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(has_field(without.status(), "/totp")) << without.status().to_string();
  auto wrong_pw = login("energy", "wrong-password-x", "10.0.0.1", totp_code(secret, clock_->now()));
  EXPECT_EQ(wrong_pw.status().code(), Code::kUnauthenticated);
  auto with = login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now()));
  ASSERT_TRUE(with.is_ok()) << with.status().to_string();
  EXPECT_EQ(with->principal.username, "energy");

  auto failed = audits("auth.login", "failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].detail, "wrong password");
  EXPECT_EQ(failed[1].detail, "one-time code required");
  auto ok = audits("auth.login", "ok");
  ASSERT_FALSE(ok.empty());
  EXPECT_EQ(ok[0].detail, "password and one-time code");
}

TEST_P(AuthServiceTest, TotpAcceptsOneStepOfClockDriftButNotTwo) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  const TimePoint now = clock_->now();
  for (auto off : {-60s, 60s, -90s, 90s}) {
    auto r = login("energy", kPw, "10.0.0.1", totp_code(secret, now + off));
    ASSERT_FALSE(r.is_ok()) << "offset " << off.count();
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    EXPECT_TRUE(has_field(r.status(), "/totp"));
    if (off == 60s) {
      ASSERT_TRUE(login("energy", kPw, "10.0.0.1", totp_code(secret, now)).is_ok());  // resets the count
    }
  }
  for (auto off : {-30s, 30s, 0s}) {
    clock_->advance(120s);  // each code from a step later than the last one accepted
    auto r = login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now() + off));
    EXPECT_TRUE(r.is_ok()) << "offset " << off.count() << ": " << r.status().to_string();
  }
  EXPECT_EQ(login("energy", kPw, "10.0.0.1", std::string("12345")).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(login("energy", kPw, "10.0.0.1", std::string("abcdef")).status().code(), Code::kUnauthenticated);
  auto wrong = audits("auth.login", "failed");
  EXPECT_GE(wrong.size(), 4u);
  EXPECT_EQ(wrong.back().detail, "wrong one-time code");
}

TEST_P(AuthServiceTest, ATotpCodeSignsInOnceAndNeitherItNorAnEarlierCodeAgain) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  const std::string code = totp_code(secret, clock_->now());
  ASSERT_TRUE(login("energy", kPw, "10.0.0.1", code).is_ok());
  // The same code a moment later, still inside its window: refused, and it says why.
  clock_->advance(10s);
  auto again = login("energy", kPw, "10.0.0.1", code);
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kUnauthenticated);
  ASSERT_EQ(again.status().errors().size(), 1u);
  EXPECT_EQ(again.status().errors()[0].pointer, "/totp");
  EXPECT_EQ(again.status().errors()[0].message, "already used");
  // The previous step's code is inside the ±1 window but older than the one used: refused.
  EXPECT_EQ(login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now() - 30s)).status().code(),
            Code::kUnauthenticated);
  auto failed = audits("auth.login", "failed");
  ASSERT_FALSE(failed.empty());
  EXPECT_EQ(failed[0].detail, "one-time code used twice");
  // The next step's code works (once).
  clock_->advance(30s);
  const std::string next = totp_code(secret, clock_->now());
  EXPECT_TRUE(login("energy", kPw, "10.0.0.1", next).is_ok());
  EXPECT_FALSE(login("energy", kPw, "10.0.0.1", next).is_ok());
  // Replays are not wrong guesses: they do not lock the account.
  clock_->advance(30s);
  EXPECT_TRUE(login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now())).is_ok());
}

TEST_P(AuthServiceTest, TheCodeThatTurnedTotpOnCannotAlsoSignIn) {
  Principal p = principal("energy");
  auto setup = auth_->totp_setup(p);
  ASSERT_TRUE(setup.is_ok()) << setup.status().to_string();
  const std::string code = totp_code(setup->secret_base32, clock_->now());
  ASSERT_TRUE(auth_->totp_enable(p, code).is_ok());
  auto r = login("energy", kPw, "10.0.0.1", code);
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << r.status().to_string();
  clock_->advance(30s);
  EXPECT_TRUE(login("energy", kPw, "10.0.0.1", totp_code(setup->secret_base32, clock_->now())).is_ok());
}

TEST_P(AuthServiceTest, TwoSignInsRacingWithOneTotpCodeExactlyOneSucceeds) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  const std::string code = totp_code(secret, clock_->now());
  for (int round = 0; round < 3; ++round) {  // three fresh codes, two sign-ins each
    const std::string c = round == 0 ? code : totp_code(secret, clock_->now());
    std::vector<Status> out(2);
    std::vector<std::thread> ts;
    for (int i = 0; i < 2; ++i)
      ts.emplace_back([&, i] { out[i] = login("energy", kPw, "10.0.0." + std::to_string(i + 1), c).status(); });
    for (auto& t : ts) t.join();
    int ok = 0;
    for (const auto& st : out) {
      if (st.is_ok()) ++ok;
      else EXPECT_EQ(st.code(), Code::kUnauthenticated) << st.to_string();
    }
    EXPECT_EQ(ok, 1) << "round " << round;
    clock_->advance(30s);
  }
}

TEST_P(AuthServiceTest, WrongTotpCodesCountTowardsTheLockout) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now() + 300s)).status().code(),
              Code::kUnauthenticated);
  EXPECT_EQ(login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now())).status().code(),
            Code::kTooManyRequests);
}

TEST_P(AuthServiceTest, EachRecoveryCodeWorksExactlyOnce) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_EQ(codes.size(), 10u);
  auto first = login("energy", kPw, "10.0.0.1", std::nullopt, codes[0]);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  auto again = login("energy", kPw, "10.0.0.1", std::nullopt, codes[0]);
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(has_field(again.status(), "/totp"));
  EXPECT_TRUE(login("energy", kPw, "10.0.0.1", std::nullopt, codes[1]).is_ok());
  EXPECT_FALSE(login("energy", kPw, "10.0.0.1", std::nullopt, codes[1]).is_ok());
  EXPECT_FALSE(login("energy", kPw, "10.0.0.1", std::nullopt, std::string("not-a-code")).is_ok());
  // A recovery code does not stand in for the password.
  EXPECT_FALSE(login("energy", "wrong-password-x", "10.0.0.1", std::nullopt, codes[2]).is_ok());
  EXPECT_TRUE(login("energy", kPw, "10.0.0.1", std::nullopt, codes[2]).is_ok());
}

TEST_P(AuthServiceTest, DisablingTotpNeedsThePassword) {
  auto [secret, codes] = enable_totp("energy");
  ASSERT_FALSE(secret.empty());
  auto s = login("energy", kPw, "10.0.0.1", totp_code(secret, clock_->now()));
  ASSERT_TRUE(s.is_ok());
  Principal p = s->principal;
  Status wrong = auth_->totp_disable(p, "wrong-password-x");
  EXPECT_EQ(wrong.code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(wrong, "/password"));
  EXPECT_TRUE(has_field(login("energy").status(), "/totp"));  // still on
  ASSERT_TRUE(auth_->totp_disable(p, kPw).is_ok());
  EXPECT_TRUE(login("energy").is_ok());
  // The recovery codes went with it.
  EXPECT_EQ(audits("auth.totp_disable", "ok").size(), 1u);
  auto me = auth_->me(p);
  ASSERT_TRUE(me.is_ok());
  EXPECT_FALSE(me->totp_enabled);
}

// --- API tokens -------------------------------------------------------------------------------

TEST_P(AuthServiceTest, AnApiTokenActsWithItsScopesOnly) {
  Principal tpc = principal("tpc");
  auto made = auth_->create_token(tpc, NewToken{"reader", {Permission::kRegistryRead}, 30});
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  const auto& [rec, secret] = made.value();
  EXPECT_EQ(secret.rfind("cipms_", 0), 0u);
  EXPECT_NE(rec.token_hash, secret);
  EXPECT_EQ(rec.expires_at, format_utc(kT0 + std::chrono::days(30)));
  auto p = auth_->authenticate_token(secret);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->username, "tpc");
  EXPECT_EQ(p->org_code, "TPC");
  EXPECT_EQ(p->via, "token");
  EXPECT_EQ(p->token_scopes, std::vector<Permission>{Permission::kRegistryRead});
  EXPECT_TRUE(p->can(Permission::kRegistryRead));
  EXPECT_TRUE(p->can(Permission::kSignedIn));
  EXPECT_TRUE(tpc.can(Permission::kRegistryWrite));   // the role has it...
  EXPECT_FALSE(p->can(Permission::kRegistryWrite));   // ...the token not
  EXPECT_FALSE(p->can(Permission::kSurveyEdit));

  // Without scopes: every permission of the role, nothing more.
  auto all = auth_->create_token(tpc, NewToken{"everything", {}, 30});
  ASSERT_TRUE(all.is_ok());
  auto q = auth_->authenticate_token(all->second);
  ASSERT_TRUE(q.is_ok());
  EXPECT_TRUE(q->can(Permission::kRegistryWrite));
  EXPECT_TRUE(q->can(Permission::kSurveyEdit));
  EXPECT_FALSE(q->can(Permission::kUserManage));

  auto e = audits("auth.token_create", "ok");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].target_id, std::to_string(rec.id));
}

TEST_P(AuthServiceTest, ATokenScopeOutsideTheRoleIsRefusedWith422) {
  Principal tpc = principal("tpc");
  auto made = auth_->create_token(tpc, NewToken{"admin-ish", {Permission::kRegistryRead, Permission::kUserManage}, 30});
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(made.status(), "/scopes/1")) << made.status().to_string();
  EXPECT_FALSE(has_field(made.status(), "/scopes/0"));
  auto too_long = auth_->create_token(tpc, NewToken{"long", {}, 366});
  EXPECT_TRUE(has_field(too_long.status(), "/expires_in_days")) << too_long.status().to_string();
  EXPECT_TRUE(audits("auth.token_create").empty());
  auto list = auth_->list_tokens(tpc);
  ASSERT_TRUE(list.is_ok());
  EXPECT_TRUE(list->empty());
}

TEST_P(AuthServiceTest, AnExpiredTokenIsRejected) {
  Principal tpc = principal("tpc");
  auto made = auth_->create_token(tpc, NewToken{"short", {Permission::kRegistryRead}, 2});
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  clock_->advance(std::chrono::days(2) - 1s);
  EXPECT_TRUE(auth_->authenticate_token(made->second).is_ok());
  clock_->advance(1s);
  auto p = auth_->authenticate_token(made->second);
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), Code::kUnauthenticated);
  EXPECT_NE(p.status().message().find("expired"), std::string::npos) << p.status().message();
}

TEST_P(AuthServiceTest, ARevokedTokenIsRejectedAndOnlyItsOwnerCanRevokeIt) {
  Principal tpc = principal("tpc");
  auto made = auth_->create_token(tpc, NewToken{"ci", {Permission::kRegistryRead}, 30});
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  const std::int64_t id = made->first.id;

  Principal viewer = principal("tpc-viewer");
  Status theirs = auth_->revoke_token(viewer, id);
  EXPECT_EQ(theirs.code(), Code::kNotFound) << theirs.to_string();
  Principal admin = principal("admin");
  EXPECT_EQ(auth_->revoke_token(admin, id).code(), Code::kNotFound);
  EXPECT_TRUE(auth_->authenticate_token(made->second).is_ok());
  EXPECT_TRUE(audits("auth.token_revoke").empty());

  ASSERT_TRUE(auth_->revoke_token(tpc, id).is_ok());
  auto p = auth_->authenticate_token(made->second);
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), Code::kUnauthenticated);
  EXPECT_NE(p.status().message().find("revoked"), std::string::npos);
  auto list = auth_->list_tokens(tpc);
  ASSERT_TRUE(list.is_ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].revoked_at, std::optional<std::string>(format_utc(kT0)));
  auto e = audits("auth.token_revoke", "ok");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].target_id, std::to_string(id));
  EXPECT_EQ(e[0].actor, "tpc (TPC)");
}

TEST_P(AuthServiceTest, ATokenCannotCreateTokens) {
  Principal tpc = principal("tpc");
  auto made = auth_->create_token(tpc, NewToken{"ci", {}, 30});
  ASSERT_TRUE(made.is_ok());
  auto p = auth_->authenticate_token(made->second);
  ASSERT_TRUE(p.is_ok());
  auto again = auth_->create_token(*p, NewToken{"child", {Permission::kRegistryRead}, 30});
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kUnprocessable);
  EXPECT_EQ(audits("auth.token_create").size(), 1u);
}

TEST_P(AuthServiceTest, MadeUpTokensAreRejected) {
  EXPECT_EQ(auth_->authenticate_token("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(auth_->authenticate_token("cipms_not-a-real-token-at-all").status().code(), Code::kUnauthenticated);
}

// --- users ------------------------------------------------------------------------------------

TEST_P(AuthServiceTest, CreateUserRefusesARoleThatDoesNotFitTheOrganisation) {
  Principal admin = principal("admin");
  auto made = auth_->create_user(admin, NewUser{"misfit", "Misfit", "", "OHS", Role::kProviderEditor,
                                                ClassLevel::kGeneral, kNewPw});
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(made.status(), "/role")) << made.status().to_string();
  auto fits = auth_->create_user(admin, NewUser{"fits", "Fits", "", "TPC", Role::kProviderEditor,
                                                ClassLevel::kGeneral, kNewPw});
  ASSERT_TRUE(fits.is_ok()) << fits.status().to_string();
  auto e = audits("user.create", "ok");
  ASSERT_EQ(e.size(), 9u);  // 8 demo accounts + fits
  EXPECT_EQ(e[0].target_id, std::to_string(fits->id.value));
  EXPECT_EQ(e[0].actor, "admin (OHS)");
  EXPECT_NE(e[0].after_json.find("\"fits\""), std::string::npos);
  EXPECT_EQ(e[0].after_json.find("argon2"), std::string::npos);  // no password hash in the log
}

TEST_P(AuthServiceTest, CreateUserRefusesAClearanceAboveTheCreatorsOwn) {
  Principal admin = principal("admin");  // clearance official
  ASSERT_EQ(admin.clearance, ClassLevel::kOfficial);
  auto made = auth_->create_user(admin, NewUser{"too-high", "Too high", "", "OHS", Role::kAuditor,
                                                ClassLevel::kSecret, kNewPw});
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(made.status(), "/clearance")) << made.status().to_string();
  auto same = auth_->create_user(admin, NewUser{"same-level", "Same", "", "OHS", Role::kAuditor,
                                                ClassLevel::kOfficial, kNewPw});
  EXPECT_TRUE(same.is_ok()) << same.status().to_string();
  // Without user.manage nobody creates users.
  auto by_ohs = auth_->create_user(principal("ohs"), NewUser{"x-user", "X", "", "TPC", Role::kProviderViewer,
                                                             ClassLevel::kGeneral, kNewPw});
  EXPECT_EQ(by_ohs.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(audits("user.create", "ok").size(), 9u);
}

TEST_P(AuthServiceTest, ChangingAUsersRoleEndsTheirSessions) {
  Principal admin = principal("admin");
  auto made = auth_->create_user(admin, NewUser{"ewa", "Ewa", "ewa@example.org", "TPC", Role::kProviderViewer,
                                                ClassLevel::kGeneral, kNewPw});
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  auto a = session_of("ewa", kNewPw);
  auto other = session_of("tpc");

  // A harmless change keeps the session.
  UserPatch name;
  name.display_name = "Ewa K.";
  auto renamed = auth_->update_user(admin, made->id, name, made->version);
  ASSERT_TRUE(renamed.is_ok()) << renamed.status().to_string();
  EXPECT_EQ(session_code(a), Code::kOk);

  UserPatch role;
  role.role = Role::kProviderEditor;
  auto changed = auth_->update_user(admin, made->id, role, renamed->version);
  ASSERT_TRUE(changed.is_ok()) << changed.status().to_string();
  EXPECT_EQ(session_code(a), Code::kUnauthenticated);
  EXPECT_EQ(session_code(other), Code::kOk);
  auto again = login("ewa", kNewPw);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->principal.role, Role::kProviderEditor);

  // A role that does not fit the organisation is refused.
  UserPatch misfit;
  misfit.role = Role::kAuditor;
  auto refused = auth_->update_user(admin, made->id, misfit, changed->version);
  EXPECT_EQ(refused.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_field(refused.status(), "/role"));

  auto e = audits("user.update", "ok");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_NE(e[0].before_json.find("provider_viewer"), std::string::npos) << e[0].before_json;
  EXPECT_NE(e[0].after_json.find("provider_editor"), std::string::npos) << e[0].after_json;
}

TEST_P(AuthServiceTest, UnlockingByAnAdministratorEndsTheLockout) {
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(login("tpc", "wrong-password-x").is_ok());
  ASSERT_EQ(login("tpc").status().code(), Code::kTooManyRequests);
  Principal admin = principal("admin");
  auto tpc = auth_->list_users(admin, UserFilter{});
  ASSERT_TRUE(tpc.is_ok());
  auto it = std::find_if(tpc->items.begin(), tpc->items.end(), [](const User& u) { return u.username == "tpc"; });
  ASSERT_NE(it, tpc->items.end());
  EXPECT_TRUE(it->locked_until.has_value());
  UserPatch p;
  p.unlock = true;
  ASSERT_TRUE(auth_->update_user(admin, it->id, p, it->version).is_ok());
  EXPECT_TRUE(login("tpc").is_ok());
}

TEST_P(AuthServiceTest, ADeactivatedUsersSessionsAndTokensStopWorking) {
  Principal admin = principal("admin");
  auto secret = session_of("tpc");
  auto who = auth_->authenticate_session(secret, nullptr);
  ASSERT_TRUE(who.is_ok());
  auto token = auth_->create_token(*who, NewToken{"ci", {}, 30});
  ASSERT_TRUE(token.is_ok());
  auto u = auth_->get_user(admin, who->user);
  ASSERT_TRUE(u.is_ok());
  UserPatch off;
  off.active = false;
  ASSERT_TRUE(auth_->update_user(admin, who->user, off, u->version).is_ok());
  EXPECT_EQ(session_code(secret), Code::kUnauthenticated);
  EXPECT_EQ(auth_->authenticate_token(token->second).status().code(), Code::kUnauthenticated);
  // Signing in answers as for a wrong password.
  auto r = login("tpc");
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(r.status().message(), login("nobody-here").status().message());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& i) { return i.param.name; });

}  // namespace
}  // namespace cipms

namespace cipms {
namespace {

TEST_P(AuthServiceTest, AnAdministratorCannotTakeOverAnAccountClearedAboveItself) {
  Principal admin = principal("admin");  // cleared 密 (official)
  auto users = auth_->list_users(admin, UserFilter{});
  ASSERT_TRUE(users.is_ok());
  auto ohs = std::find_if(users->items.begin(), users->items.end(), [](const User& u) { return u.username == "ohs"; });
  ASSERT_NE(ohs, users->items.end());
  UserPatch reset;
  reset.password = "taken-over-password-1";
  auto r = auth_->update_user(admin, ohs->id, reset, ohs->version);
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().to_string();
  EXPECT_TRUE(login("ohs").is_ok());  // the old password still works
  EXPECT_FALSE(login("ohs", "taken-over-password-1").is_ok());
}

TEST_P(AuthServiceTest, ConcurrentWrongPasswordsAllCountTowardsTheLockout) {
  // Five wrong guesses at once from different sessions: the count is kept in the database.
  std::vector<std::thread> ts;
  for (int i = 0; i < 5; ++i) ts.emplace_back([&] { (void)login("tpc", "wrong-password-x"); });
  for (auto& t : ts) t.join();
  EXPECT_EQ(login("tpc").status().code(), Code::kTooManyRequests);
}

}  // namespace
}  // namespace cipms
