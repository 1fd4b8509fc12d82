// The audit log over real HTTP: GET /api/v1/audit (search, paging, bad parameters) and
// GET /api/v1/audit/verify (intact, then a tampered entry named). Entries are appended straight
// into the server's database through services/audit.h, as the services do, with actions of
// their own ("apitest.*"), so that entries the server writes itself (sign-ins, once they
// exist) do not disturb the counts. The tests sign in as the demo auditor (permission
// audit.read); other roles are refused.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "cipms/services/audit.h"
#include "cipms/storage/store.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/shared_server.h"

namespace cipms::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

class ApiAudit : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    SharedServerTest::SetUpTestSuite();
    if (!server_->ok()) return;
    // 6 entries: 3 facility updates by alice (user 7), 1 denied read by bob (user 8), 2
    // sign-ins; one a minute from kT0.
    auto db = Database::open(server_->db_url());
    if (!db.is_ok()) return;
    auto s = (*db)->session();
    if (!s.is_ok()) return;
    auto add = [&](int minute, std::int64_t user, const std::string& name, const std::string& action,
                   const std::string& target, const std::string& outcome, const std::string& detail) {
      Principal p;
      p.user = UserId(user);
      p.username = name;
      p.org_code = "TPC";
      p.remote = "127.0.0.1";
      p.request_id = "req-" + std::to_string(minute);
      AuditEvent e;
      e.action = action;
      e.target_kind = target.empty() ? "" : "facility";
      e.target_id = target;
      e.outcome = outcome;
      e.detail = detail;
      Status st = (*s)->transact([&] { return audit_append(**s, p, e, kT0 + minute * 1min); });
      if (st.is_ok()) ++seeded_;
    };
    add(0, 7, "alice", "apitest.facility.update", "F-1", "ok", "population 10 -> 20");
    add(1, 7, "alice", "apitest.facility.update", "F-2", "ok", "grade 2 -> 1");
    add(2, 8, "bob", "apitest.facility.read", "F-SECRET", "denied", "Clearance too low");
    add(3, 7, "alice", "apitest.facility.update", "F-1", "ok", "name changed");
    add(4, 7, "alice", "apitest.login", "", "ok", "");
    add(5, 8, "bob", "apitest.login", "", "failed", "wrong password");
  }

  void SetUp() override {
    SharedServerTest::SetUp();
    ASSERT_EQ(seeded_, 6);
  }

  std::string default_user() const override { return "auditor"; }
  HttpResponse get(const std::string& target) { return http_->get(target); }

  // The entries (newest first) of /api/v1/audit?<query>, restricted to this suite's entries
  // (action=apitest.*) unless the query names an action itself.
  json items(const std::string& query) {
    std::string target = "/api/v1/audit?limit=1000&" + query;
    if (query.find("action=") == std::string::npos) target += "&action=apitest.*";
    auto r = get(target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    return r.status == 200 ? r.json()["items"] : json::array();
  }
  std::vector<std::int64_t> seqs(const std::string& query) {
    std::vector<std::int64_t> out;
    for (const auto& e : items(query)) out.push_back(e["seq"].get<std::int64_t>());
    return out;
  }
  std::vector<std::string> details(const std::string& query) {
    std::vector<std::string> out;
    for (const auto& e : items(query)) out.push_back(e["detail"]);
    return out;
  }

  static inline int seeded_ = 0;
};

TEST_F(ApiAudit, AuditList_ReturnsEntriesNewestFirstWithTotalLimitAndOffset) {
  auto r = get("/api/v1/audit?action=apitest.*&limit=2&offset=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  json body = r.json();
  EXPECT_EQ(body["total"], 6);
  EXPECT_EQ(body["limit"], 2);
  EXPECT_EQ(body["offset"], 1);
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["detail"], "");  // alice's sign-in, the 5th entry
  EXPECT_EQ(body["items"][1]["detail"], "name changed");
  EXPECT_NE(r.header("link").find("rel=\"next\""), std::string::npos) << r.header("link");

  // One entry in full: every column by name.
  auto one = get("/api/v1/audit?action=apitest.facility.read");
  ASSERT_EQ(one.status, 200) << one.body;
  json e = one.json()["items"][0];
  EXPECT_EQ(e["at"], "2026-11-25T10:02:00Z");
  EXPECT_EQ(e["actor_user_id"], 8);
  EXPECT_EQ(e["actor"], "bob (TPC)");
  EXPECT_EQ(e["org_code"], "TPC");
  EXPECT_EQ(e["remote"], "127.0.0.1");
  EXPECT_EQ(e["request_id"], "req-2");
  EXPECT_EQ(e["target_kind"], "facility");
  EXPECT_EQ(e["target_id"], "F-SECRET");
  EXPECT_EQ(e["outcome"], "denied");
  EXPECT_EQ(e["before_json"], "");
  EXPECT_EQ(e["after_json"], "");
  EXPECT_EQ(e["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(e["prev_hash"].get<std::string>().size(), 64u);
}

TEST_F(ApiAudit, AuditList_EachFilterSelectsExactlyTheMatchingEntries) {
  using V = std::vector<std::string>;
  EXPECT_EQ(details("action=apitest.facility.update"), (V{"name changed", "grade 2 -> 1", "population 10 -> 20"}));
  EXPECT_EQ(details("action=apitest.login&outcome=failed"), (V{"wrong password"}));
  EXPECT_EQ(details("outcome=denied"), (V{"Clearance too low"}));
  EXPECT_EQ(details("target_kind=facility&target_id=F-1"), (V{"name changed", "population 10 -> 20"}));
  EXPECT_EQ(details("q=CLEARANCE"), (V{"Clearance too low"}));  // case-insensitive, in detail
  EXPECT_EQ(details("q=secret"), (V{"Clearance too low"}));     // in target_id
  EXPECT_EQ(details("q=" + url_encode("bob (TPC)")), (V{"wrong password", "Clearance too low"}));  // in actor
  EXPECT_EQ(details("from=2026-11-25T10:01:00Z&to=2026-11-25T10:02:00Z"), (V{"Clearance too low", "grade 2 -> 1"}));
  EXPECT_EQ(details("from=2026-11-26").size(), 0u);
  EXPECT_EQ(details("to=2026-11-25").size(), 6u);  // a date as `to` means its whole day
  auto r = get("/api/v1/audit?action=apitest.*&actor_user_id=8");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["total"], 2);
  EXPECT_EQ(r.header("x-total-count"), "2");
}

TEST_F(ApiAudit, AuditList_RejectsBadParametersNamingEach) {
  for (std::string q : {"actor_user_id=x", "actor_user_id=0", "outcome=maybe", "from=yesterday",
                               "to=2026-13-40", "limit=0", "limit=1001", "offset=-1", "action=", "sort=seq"}) {
    auto r = get("/api/v1/audit?" + q);
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << q;
    std::string name = q.substr(0, q.find('='));
    EXPECT_NE(r.body.find("query:" + name), std::string::npos) << q << " " << r.body;
  }
  auto r = get("/api/v1/audit?from=2026-11-26&to=2026-11-25");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("query:to"), std::string::npos) << r.body;
  auto v = get("/api/v1/audit/verify?deep=1");
  EXPECT_EQ(v.status, 400) << v.body;
  EXPECT_NE(v.body.find("query:deep"), std::string::npos) << v.body;
}

TEST_F(ApiAudit, AuditRoutes_AreForbiddenToRolesWithoutAuditRead) {
  HttpClient editor(server_->base_url());
  ASSERT_EQ(editor.login("tpc").status, 200);
  EXPECT_EQ(editor.get("/api/v1/audit").status, 403);
  EXPECT_EQ(editor.get("/api/v1/audit/verify").status, 403);
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get("/api/v1/audit").status, 401);
}

TEST_F(ApiAudit, AuditVerify_ReportsAnIntactChainAndNamesATamperedEntry) {
  auto r = get("/api/v1/audit/verify");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  json ok = r.json();
  EXPECT_EQ(ok["ok"], true) << r.body;
  EXPECT_GE(ok["entries"].get<std::int64_t>(), 6);
  EXPECT_TRUE(ok["first_bad"].is_null());
  EXPECT_EQ(ok["problem"], "");

  // Tamper with bob's denied read directly in the database, then put it back.
  std::int64_t seq = seqs("action=apitest.facility.read").at(0);
  auto db = Database::open(server_->db_url());
  ASSERT_TRUE(db.is_ok()) << db.status().to_string();
  auto s = (*db)->session();
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  auto set_outcome = [&](const std::string& outcome) {
    auto n = (*s)->execute("UPDATE audit_log SET outcome = ? WHERE seq = ?", {outcome, seq});
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    ASSERT_EQ(*n, 1);
  };
  set_outcome("ok");
  auto bad = get("/api/v1/audit/verify");
  ASSERT_EQ(bad.status, 200) << bad.body;
  json b = bad.json();
  EXPECT_EQ(b["ok"], false) << bad.body;
  EXPECT_EQ(b["first_bad"], seq) << bad.body;
  EXPECT_EQ(b["entries"], seq - 1) << bad.body;
  EXPECT_NE(b["problem"].get<std::string>().find("modified"), std::string::npos) << bad.body;

  set_outcome("denied");
  EXPECT_EQ(get("/api/v1/audit/verify").json()["ok"], true);
}

}  // namespace
}  // namespace cipms::testing
