// Sign-in, sessions, CSRF and API tokens over real HTTP (issue #5), against one shared
// `cipms serve`: the session cookie's attributes, CSRF on state-changing requests (nothing is
// written without it), bearer tokens with scopes and revocation, /auth/me, sign-out and
// sign-out everywhere, lockout with Retry-After, oversized and malformed sign-in bodies — and
// that each rejection leaves an audit entry the auditor finds (matched by X-Request-Id).
// The route × role matrix itself is api_access_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/shared_server.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

class ApiAuth : public SharedServerTest {
 protected:
  std::unique_ptr<HttpClient> client() { return std::make_unique<HttpClient>(server_->base_url()); }
  std::unique_ptr<HttpClient> signed_in(const std::string& user, const std::string& pw = HttpClient::kTestPassword) {
    auto c = client();
    auto r = c->login(user, pw);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  std::int64_t organisation_count() {
    auto r = http_->get("/api/v1/organisations?limit=1");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("total", std::int64_t{-1});
  }
  static std::string org_body(const std::string& code) {
    return json{{"code", code}, {"name", "機關 " + code}, {"name_en", "Org " + code}, {"type", "provider"}}.dump();
  }

  // The audit entry the request that gave `r` left, as the auditor sees it through the API
  // (null when there is none).
  json audit_of(const HttpResponse& r) {
    std::string rid = r.header("x-request-id");
    EXPECT_FALSE(rid.empty());
    if (!auditor_) auditor_ = signed_in("auditor");
    auto list = auditor_->get("/api/v1/audit?limit=1000&action=" + url_encode("auth.*"));
    EXPECT_EQ(list.status, 200) << list.body;
    const json body = list.json();
    for (const auto& e : body["items"])
      if (e["request_id"] == rid) return e;
    return nullptr;
  }
  void expect_audited(const HttpResponse& r, const std::string& action, const std::string& outcome) {
    json e = audit_of(r);
    ASSERT_TRUE(e.is_object()) << "no audit entry for request " << r.header("x-request-id") << " (" << r.status
                               << " " << r.body << ")";
    EXPECT_EQ(e["action"], action) << e.dump();
    EXPECT_EQ(e["outcome"], outcome) << e.dump();
  }

  // A fresh account made by the administrator for one test (so lockouts touch nobody else).
  std::string new_user(const std::string& prefix, const std::string& role = "provider_viewer",
                       const std::string& org = "TPC") {
    static int n = 0;
    std::string name = prefix + "-" + std::to_string(++n) + "-" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
    auto admin = signed_in("admin");
    auto r = admin->post_json("/api/v1/users", json{{"username", name},
                                                    {"display_name", "Test " + name},
                                                    {"org", org},
                                                    {"role", role},
                                                    {"password", HttpClient::kTestPassword}}
                                                   .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return name;
  }

  std::unique_ptr<HttpClient> auditor_;
};

TEST_F(ApiAuth, LoginSetsAnHttpOnlySameSiteStrictCookieWithoutSecureOnPlainHttp) {
  auto c = client();
  auto r = c->post_json("/api/v1/auth/login", json{{"username", "tpc"}, {"password", HttpClient::kTestPassword}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = r.header("set-cookie");
  EXPECT_EQ(cookie.rfind("cipms_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Max-Age"), std::string::npos) << cookie;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  json body = r.json();
  EXPECT_FALSE(body.value("csrf_token", "").empty()) << body.dump();
  EXPECT_EQ(body["principal"]["username"], "tpc");
  EXPECT_EQ(body["user"].count("password_hash"), 0u);
  EXPECT_EQ(body.dump().find("argon2"), std::string::npos);
  // The cookie value is not the CSRF token.
  EXPECT_EQ(cookie.find(body.value("csrf_token", "-")), std::string::npos);
  expect_audited(r, "auth.login", "ok");
}

TEST_F(ApiAuth, APostWithTheCookieButNoCsrfTokenIs403AndWritesNothing) {
  const std::int64_t before = organisation_count();
  ASSERT_GE(before, 0);
  auto bare = client();  // the cookie alone, as a cross-site form would send it
  auto r = bare->post_json("/api/v1/organisations", org_body("CSRF-NONE"), {{"Cookie", http_->cookie()}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("X-CSRF-Token"), std::string::npos) << r.body;
  EXPECT_EQ(organisation_count(), before);
  expect_audited(r, "auth.csrf", "denied");
  // The same for PUT/PATCH/DELETE.
  for (const char* m : {"PATCH", "DELETE", "PUT"}) {
    auto x = bare->request(m, "/api/v1/organisations/1", "{}", {{"Cookie", http_->cookie()}, {"If-Match", "*"}});
    EXPECT_EQ(x.status, 403) << m << " " << x.body;
  }
  EXPECT_EQ(organisation_count(), before);
}

TEST_F(ApiAuth, AWrongCsrfTokenIs403AndTheRightOneWrites) {
  const std::int64_t before = organisation_count();
  ASSERT_FALSE(http_->csrf().empty());
  // Another session's token is as wrong as a made-up one.
  auto other = signed_in("ohs");
  ASSERT_NE(other->csrf(), http_->csrf());
  for (const std::string& wrong : {std::string("not-the-token"), other->csrf(), http_->csrf() + "x", std::string()}) {
    auto r = http_->post_json("/api/v1/organisations", org_body("CSRF-WRONG"), {{"X-CSRF-Token", wrong}});
    EXPECT_EQ(r.status, 403) << "'" << wrong << "': " << r.body;
    expect_audited(r, "auth.csrf", "denied");
  }
  EXPECT_EQ(organisation_count(), before);
  auto ok = http_->post_json("/api/v1/organisations", org_body("CSRF-RIGHT"));
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(organisation_count(), before + 1);
}

TEST_F(ApiAuth, AGetNeedsNoCsrfToken) {
  auto bare = client();
  auto r = bare->get("/api/v1/organisations?limit=1", {{"Cookie", http_->cookie()}});
  EXPECT_EQ(r.status, 200) << r.body;
  auto me = bare->get("/api/v1/auth/me", {{"Cookie", http_->cookie()}});
  EXPECT_EQ(me.status, 200) << me.body;
}

TEST_F(ApiAuth, AnApiTokenWorksAsBearerWithinItsScopesAndAnswers401OnceRevoked) {
  auto made = http_->post_json("/api/v1/auth/tokens",
                               json{{"name", "ci reader"}, {"scopes", {"registry.read"}}, {"expires_in_days", 7}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  json tok = made.json();
  std::string secret = tok.value("secret", "");
  ASSERT_EQ(secret.rfind("cipms_", 0), 0u) << made.body;
  EXPECT_EQ(tok["scopes"], json::array({"registry.read"}));
  const std::int64_t id = tok["id"];
  // The secret is shown once: the list has no secret.
  auto list = http_->get("/api/v1/auth/tokens");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos);

  auto bot = client();
  bot->set_bearer(secret);
  auto read = bot->get("/api/v1/organisations?limit=1");
  EXPECT_EQ(read.status, 200) << read.body;
  auto me = bot->get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["principal"]["via"], "token");
  EXPECT_EQ(me.json()["principal"]["permissions"], json::array({"signed_in", "registry.read"}));

  // Outside its scopes (the OHS officer's role allows org.write; the token does not).
  const std::int64_t before = organisation_count();
  auto write = bot->post_json("/api/v1/organisations", org_body("TOKEN-WRITE"));
  EXPECT_EQ(write.status, 403) << write.body;
  EXPECT_NE(write.body.find("scopes"), std::string::npos) << write.body;
  EXPECT_EQ(organisation_count(), before);
  expect_audited(write, "auth.deny", "denied");
  // A token cannot make tokens.
  auto child = bot->post_json("/api/v1/auth/tokens", json{{"name", "child"}}.dump());
  EXPECT_EQ(child.status, 422) << child.body;

  auto del = http_->del("/api/v1/auth/tokens/" + std::to_string(id), "");
  EXPECT_EQ(del.status, 204) << del.body;
  auto after = bot->get("/api/v1/organisations?limit=1");
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_FALSE(after.header("www-authenticate").empty());
  expect_audited(after, "auth.reject", "failed");
  // Someone else cannot revoke (or learn about) one's tokens.
  auto again = http_->post_json("/api/v1/auth/tokens", json{{"name", "second"}, {"scopes", {"registry.read"}}}.dump());
  ASSERT_EQ(again.status, 201) << again.body;
  auto stranger = signed_in("tpc");
  auto theirs = stranger->del("/api/v1/auth/tokens/" + again.json()["id"].dump(), "");
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  bot->set_bearer(again.json()["secret"].get<std::string>());
  EXPECT_EQ(bot->get("/api/v1/organisations?limit=1").status, 200);
}

TEST_F(ApiAuth, AScopedTokenNeedsNoCsrfTokenForItsWrites) {
  auto made = http_->post_json("/api/v1/auth/tokens",
                               json{{"name", "ci writer"}, {"scopes", {"registry.read", "org.write"}}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  auto bot = client();
  bot->set_bearer(made.json()["secret"].get<std::string>());
  const std::int64_t before = organisation_count();
  auto w = bot->post_json("/api/v1/organisations", org_body("TOKEN-OK"));
  EXPECT_EQ(w.status, 201) << w.body;
  EXPECT_EQ(organisation_count(), before + 1);
  // A scope outside the role is refused when the token is made.
  auto bad = http_->post_json("/api/v1/auth/tokens", json{{"name", "x"}, {"scopes", {"user.manage"}}}.dump());
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("/scopes/0"), std::string::npos) << bad.body;
}

TEST_F(ApiAuth, MeReturnsThePrincipalAndTheCsrfTokenForASession) {
  auto r = http_->get("/api/v1/auth/me");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.json();
  EXPECT_EQ(j["principal"]["username"], "ohs");
  EXPECT_EQ(j["principal"]["role"], "ohs_officer");
  EXPECT_EQ(j["principal"]["org_code"], "OHS");
  EXPECT_EQ(j["principal"]["via"], "session");
  EXPECT_EQ(j["user"]["username"], "ohs");
  EXPECT_EQ(j.value("csrf_token", ""), http_->csrf());
  EXPECT_EQ(r.header("cache-control"), "no-store");
  // A forged echo header from the client is not handed back.
  auto made = http_->post_json("/api/v1/auth/tokens", json{{"name", "me"}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  auto bot = client();
  bot->set_bearer(made.json()["secret"].get<std::string>());
  auto t = bot->get("/api/v1/auth/me", {{"X-Cipms-Csrf-Echo", "forged"}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json().count("csrf_token"), 0u) << t.body;
  // Without an identity: 401.
  EXPECT_EQ(client()->get("/api/v1/auth/me").status, 401);
}

TEST_F(ApiAuth, BadUserGrantAndClassificationBodiesAreRefusedAndWriteNothing) {
  auto admin = signed_in("admin");
  auto auditor = signed_in("auditor");
  // A facility to classify and a user to grant to (made first, so the counts below start after).
  auto tax = http_->get("/api/v1/taxonomy").json();
  std::string sub, type;
  for (const auto& e : tax["subsectors"])
    if (e["parent"] == "energy") {
      sub = e["code"];
      break;
    }
  for (const auto& e : tax["facility_types"])
    if (e["parent"] == sub) {
      type = e["code"];
      break;
    }
  ASSERT_FALSE(type.empty()) << tax.dump().substr(0, 300);
  auto made = http_->post_json("/api/v1/facilities", json{{"code", "BAD-INPUT-1"}, {"name", "壞輸入測試"},
                                                          {"sector", "energy"}, {"subsector", sub}, {"type", type}}
                                                         .dump());
  ASSERT_EQ(made.status, 201) << made.body;
  const json fac = made.json().contains("facility") ? made.json()["facility"] : made.json();
  const std::string fac_url = "/api/v1/facilities/" + fac["id"].dump();
  const std::int64_t energy_id = [&] {
    const json list = admin->get("/api/v1/users?limit=100").json();
    for (const auto& u : list["items"])
      if (u["username"] == "energy") return u["id"].get<std::int64_t>();
    return std::int64_t{0};
  }();
  ASSERT_GT(energy_id, 0);

  auto users = [&] { return admin->get("/api/v1/users?limit=1").json().value("total", std::int64_t{-1}); };
  auto grants = [&] { return http_->get("/api/v1/grants").json().value("total", std::int64_t{-1}); };
  auto changes = [&] {  // audit entries of successful actions (a refusal may leave a "failed" one)
    return auditor->get("/api/v1/audit?limit=1&outcome=ok").json().value("total", std::int64_t{-1});
  };
  auto facility = [&] { return http_->get(fac_url).body; };
  const std::int64_t users0 = users(), grants0 = grants(), changes0 = changes();
  const std::string facility0 = facility();
  ASSERT_GE(users0, 1);
  ASSERT_GE(grants0, 0);
  ASSERT_GE(changes0, 1);

  struct Case {
    const char* what;
    std::function<HttpResponse()> send;
    const char* pointer;  // the field the answer must name (nullptr: a rule across fields)
  };
  const Case cases[] = {
      {"user: unknown role",
       [&] {
         return admin->post_json("/api/v1/users", json{{"username", "bad-role"}, {"display_name", "X"}, {"org", "TPC"},
                                                       {"role", "emperor"}, {"password", HttpClient::kTestPassword}}
                                                      .dump());
       },
       "/role"},
      {"user: short password",
       [&] {
         return admin->post_json("/api/v1/users", json{{"username", "bad-pw"}, {"display_name", "X"}, {"org", "TPC"},
                                                       {"role", "provider_viewer"}, {"password", "short"}}
                                                      .dump());
       },
       "/password"},
      {"grant: no such record kind",
       [&] {
         return http_->post_json("/api/v1/grants", json{{"user_id", energy_id}, {"record_kind", "planet"},
                                                        {"record_id", fac["id"]}, {"reason", "x"}}
                                                       .dump());
       },
       "/record_kind"},
      {"grant: no reason",
       [&] {
         return http_->post_json("/api/v1/grants",
                                 json{{"user_id", energy_id}, {"record_kind", "facility"}, {"record_id", fac["id"]}}.dump());
       },
       "/reason"},
      {"classification: unknown level",
       [&] {
         return http_->request("PUT", fac_url + "/classification", json{{"level", "cosmic"}, {"reason", "x"}}.dump(),
                               {{"Content-Type", "application/json"}, {"If-Match", "*"}});
       },
       "/level"},
      {"classification: national secret without a declassification date or condition",
       [&] {
         return http_->request("PUT", fac_url + "/classification",
                               json{{"level", "secret"}, {"reason", "x"}}.dump(),
                               {{"Content-Type", "application/json"}, {"If-Match", "*"}});
       },
       nullptr},
  };
  for (const Case& c : cases) {
    auto r = c.send();
    EXPECT_GE(r.status, 400) << c.what << ": " << r.body;
    EXPECT_LT(r.status, 500) << c.what << ": " << r.body;
    if (c.pointer) {
      EXPECT_NE(r.body.find(std::string("\"") + c.pointer + "\""), std::string::npos) << c.what << ": " << r.body;
    }
    EXPECT_EQ(users(), users0) << c.what;
    EXPECT_EQ(grants(), grants0) << c.what;
    EXPECT_EQ(changes(), changes0) << c.what;
    EXPECT_EQ(facility(), facility0) << c.what;
  }
}

TEST_F(ApiAuth, AClientSentCsrfEchoHeaderInfluencesNothing) {
  // The session's CSRF token travels on the request object from the auth step to /auth/me;
  // the header that once carried it is just another header now.
  auto me = http_->get("/api/v1/auth/me", {{"X-Cipms-Csrf-Echo", "forged"}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().value("csrf_token", ""), http_->csrf()) << me.body;
  // It does not stand in for, nor change, the token a write is checked against.
  const std::int64_t before = organisation_count();
  auto forged = http_->post_json("/api/v1/organisations", org_body("CSRF-ECHO"),
                                 {{"X-CSRF-Token", "forged"}, {"X-Cipms-Csrf-Echo", "forged"}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  auto bare = client();  // the cookie alone plus the echo header
  auto no_token = bare->post_json("/api/v1/organisations", org_body("CSRF-ECHO"),
                                  {{"Cookie", http_->cookie()}, {"X-Cipms-Csrf-Echo", http_->csrf()}});
  EXPECT_EQ(no_token.status, 403) << no_token.body;
  EXPECT_EQ(organisation_count(), before);
  // The right token still writes, whatever the echo header says.
  auto ok = http_->post_json("/api/v1/organisations", org_body("CSRF-ECHO"), {{"X-Cipms-Csrf-Echo", "forged"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(organisation_count(), before + 1);
  // And a public route hands nothing back for it.
  auto health = client()->get("/healthz", {{"X-Cipms-Csrf-Echo", "forged"}});
  EXPECT_EQ(health.body.find("forged"), std::string::npos) << health.body;
}

TEST_F(ApiAuth, LogoutEndsTheSessionAndTheOldCookieGets401) {
  auto c = signed_in("tpc");
  const std::string cookie = c->cookie(), csrf = c->csrf();
  auto out = c->post_json("/api/v1/auth/logout", "{}");
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos) << out.header("set-cookie");
  auto old = client()->get("/api/v1/auth/me", {{"Cookie", cookie}});
  EXPECT_EQ(old.status, 401) << old.body;
  expect_audited(old, "auth.reject", "failed");
  auto post = client()->post_json("/api/v1/organisations", org_body("AFTER-LOGOUT"),
                                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(post.status, 401) << post.body;
}

TEST_F(ApiAuth, LogoutAllEndsAnotherClientsSessionOfTheSameUser) {
  const std::string user = new_user("everywhere");
  auto a = signed_in(user), b = signed_in(user);
  auto other = signed_in("tpc-viewer");
  ASSERT_EQ(b->get("/api/v1/auth/me").status, 200);
  auto r = a->post_json("/api/v1/auth/logout-all", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["sessions_ended"], 2);
  auto gone = b->get("/api/v1/auth/me");
  EXPECT_EQ(gone.status, 401) << gone.body;
  expect_audited(gone, "auth.reject", "failed");
  EXPECT_EQ(a->get("/api/v1/auth/me").status, 401);
  EXPECT_EQ(other->get("/api/v1/auth/me").status, 200);
  expect_audited(r, "auth.logout_all", "ok");
}

TEST_F(ApiAuth, SixWrongPasswordsLockTheAccountWith429AndRetryAfter) {
  const std::string user = new_user("lockout");
  auto c = client();
  for (int i = 1; i <= 5; ++i) {
    auto r = c->login(user, "wrong-password-" + std::to_string(i));
    EXPECT_EQ(r.status, 401) << i << ": " << r.body;
    EXPECT_TRUE(r.header("set-cookie").empty());
    expect_audited(r, "auth.login", "failed");
  }
  auto sixth = c->login(user, "wrong-password-6");
  EXPECT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_FALSE(sixth.header("retry-after").empty());
  expect_audited(sixth, "auth.login", "denied");
  // Locked: the right password does not help either.
  auto right = c->login(user);
  EXPECT_EQ(right.status, 429) << right.body;
  EXPECT_FALSE(right.header("retry-after").empty());
  EXPECT_TRUE(right.header("set-cookie").empty());
  json e = audit_of(right);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["target_id"], user);
  EXPECT_EQ(e["detail"], "account locked");
  // Others still sign in.
  EXPECT_EQ(client()->login("tpc-viewer").status, 200);
}

TEST_F(ApiAuth, WrongPasswordAndUnknownUserGetTheSame401) {
  auto c = client();
  auto wrong = c->login("police", "wrong-password-x");
  auto unknown = c->login("no-such-user-anywhere", "wrong-password-x");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  json a = wrong.json(), b = unknown.json();
  EXPECT_EQ(a.value("detail", "a"), b.value("detail", "b")) << wrong.body << unknown.body;
  EXPECT_EQ(a.value("title", "a"), b.value("title", "b"));
  expect_audited(wrong, "auth.login", "failed");
  expect_audited(unknown, "auth.login", "failed");
}

TEST_F(ApiAuth, OversizedOrMalformedLoginBodiesAreRefusedAndGiveNoSession) {
  auto c = client();
  const std::string big = json{{"username", "ohs"}, {"password", std::string(2 << 20, 'a')}}.dump();
  auto huge = c->post_json("/api/v1/auth/login", big);
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 300);
  EXPECT_TRUE(huge.header("set-cookie").empty());
  expect_audited(huge, "auth.login", "failed");
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string("{\"username\":\"ohs\""), std::string("{}"),
        std::string(R"({"username":"ohs"})"), std::string(R"({"username":1,"password":"x"})"),
        json{{"username", "ohs"}, {"password", HttpClient::kTestPassword}, {"admin", true}}.dump(),
        json{{"username", "ohs"}, {"password", json::array({HttpClient::kTestPassword})}}.dump(), std::string()}) {
    auto r = c->post_json("/api/v1/auth/login", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_TRUE(r.header("set-cookie").empty()) << body;
    EXPECT_EQ(r.json().count("csrf_token"), 0u);
    expect_audited(r, "auth.login", "failed");
  }
  // Well-formed but absurd credentials are a failed sign-in, audited.
  auto long_name = c->login(std::string(300, 'u'), "whatever-password");
  EXPECT_EQ(long_name.status, 401) << long_name.body;
  EXPECT_TRUE(long_name.header("set-cookie").empty());
  expect_audited(long_name, "auth.login", "failed");
  // Nothing above signed anyone in: the client has no session.
  EXPECT_EQ(c->get("/api/v1/auth/me").status, 401);
}

TEST_F(ApiAuth, AMadeUpCookieOrTokenIs401AndAudited) {
  auto c = client();
  auto cookie = c->get("/api/v1/organisations?limit=1", {{"Cookie", "cipms_session=made-up-session-value"}});
  EXPECT_EQ(cookie.status, 401);
  // The browser is told to forget the dead cookie.
  EXPECT_NE(cookie.header("set-cookie").find("Max-Age=0"), std::string::npos) << cookie.header("set-cookie");
  expect_audited(cookie, "auth.reject", "failed");
  auto token = c->get("/api/v1/organisations?limit=1", {{"Authorization", "Bearer cipms_made-up-token-value"}});
  EXPECT_EQ(token.status, 401);
  expect_audited(token, "auth.reject", "failed");
  auto basic = c->get("/api/v1/organisations?limit=1", {{"Authorization", "Basic b2hzOnBhc3N3b3Jk"}});
  EXPECT_EQ(basic.status, 401);
}

}  // namespace
}  // namespace cipms::testing
