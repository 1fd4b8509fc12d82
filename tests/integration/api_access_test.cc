// The access matrix, generated rather than hand-picked (issue #5): every route of
// `cipms routes --permissions` × every role, and every facility-scoped read × role ×
// classification level × scope × need-to-know grant, against a real server. The expected
// answers come from the documented matrix (docs/security.md, checked against role_allows
// below) and a small reference of the read rule written here, not from the server's code.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <map>
#include <set>
#include <sstream>

#include "cipms/domain/security.h"
#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

struct RouteRow {
  std::string method, pattern;
  Permission permission;
};

std::vector<RouteRow> route_table() {
  std::string out;
  EXPECT_EQ(run_cipms({"routes", "--permissions"}, &out), 0) << "a route has no declared permission:\n" << out;
  std::vector<RouteRow> rows;
  std::istringstream in(out);
  for (std::string m, p, perm; in >> m >> p >> perm;) {
    auto parsed = parse_permission(perm);
    EXPECT_TRUE(parsed) << m << " " << p << " " << perm;
    if (parsed) rows.push_back({m, p, *parsed});
  }
  return rows;
}

// The demo accounts (services/auth_service.cc seed_demo_users), as the documentation lists them.
struct DemoUser {
  const char* name;
  Role role;
  ClassLevel clearance;
};
constexpr DemoUser kUsers[] = {
    {"admin", Role::kAdmin, ClassLevel::kOfficial},
    {"ohs", Role::kOhsOfficer, ClassLevel::kTopSecret},
    {"moea", Role::kCoordinatingOfficer, ClassLevel::kSecret},
    {"energy", Role::kAuthorityOfficer, ClassLevel::kConfidential},
    {"tpc", Role::kProviderEditor, ClassLevel::kOfficial},
    {"tpc-viewer", Role::kProviderViewer, ClassLevel::kGeneral},
    {"auditor", Role::kAuditor, ClassLevel::kSecret},
    {"police", Role::kSupportingUnit, ClassLevel::kOfficial},
};

std::string concrete(std::string pattern) {
  for (std::string::size_type b; (b = pattern.find('{')) != std::string::npos;) {
    std::string name = pattern.substr(b + 1, pattern.find('}', b) - b - 1);
    std::string v = name == "kind" ? "sector" : name == "code" ? "ZZ-ACCESS" : "999999";
    pattern.replace(b, name.size() + 2, v);
  }
  return pattern;
}

bool is_role_denial(const HttpResponse& r) {
  return r.status == 403 && r.json().value("detail", "").find("does not allow") != std::string::npos;
}

// Routes that end the caller's session go last.
bool ends_session(const RouteRow& r) {
  return r.pattern == "/api/v1/auth/logout" || r.pattern == "/api/v1/auth/logout-all" ||
         r.pattern == "/api/v1/auth/password";
}

TEST(AccessMatrix, DocumentedMatrixIsTheEnforcedOne) {
  // docs/security.md has one table row per permission: | `code` | ✓ | · | ... | in kAllRoles order.
  std::ifstream in(source_dir() / "docs" / "security.md");
  ASSERT_TRUE(in) << "docs/security.md missing";
  std::map<std::string, std::vector<bool>> doc;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::string code = line.substr(3, line.find('`', 3) - 3);
    if (!parse_permission(code)) continue;
    std::vector<std::string> parts;
    std::stringstream ss(line);
    for (std::string part; std::getline(ss, part, '|');) parts.push_back(part);
    // parts: "", " `code` ", one per role..., maybe a trailing ""
    std::vector<bool> cells;
    for (std::size_t i = 2; i < parts.size(); ++i)
      if (parts[i].find_first_not_of(' ') != std::string::npos) cells.push_back(parts[i].find("✓") != std::string::npos);
    doc[code] = cells;
  }
  for (Permission p : kAllPermissions) {
    ASSERT_TRUE(doc.count(permission_code(p))) << permission_code(p) << " is not documented";
    const auto& cells = doc[permission_code(p)];
    ASSERT_EQ(cells.size(), std::size(kAllRoles)) << permission_code(p);
    for (std::size_t i = 0; i < std::size(kAllRoles); ++i)
      EXPECT_EQ(cells[i], role_allows(kAllRoles[i], p)) << permission_code(p) << " × " << role_code(kAllRoles[i]);
  }
}

class AccessApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->ok()) << server_->error(); }
  std::unique_ptr<HttpClient> signed_in(const std::string& user) {
    auto c = std::make_unique<HttpClient>(server_->base_url());
    auto r = c->login(user);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(AccessApi, EveryRouteAnswersEveryRoleAsTheMatrixSays) {
  auto routes = route_table();
  ASSERT_GT(routes.size(), 40u);
  std::stable_partition(routes.begin(), routes.end(), [](const RouteRow& r) { return !ends_session(r); });
  int checked = 0;
  for (const DemoUser& u : kUsers) {
    auto c = signed_in(u.name);
    for (const RouteRow& r : routes) {
      if (ends_session(r)) c = signed_in(u.name);  // each of these may end the session
      HttpClient::Headers h = {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}};
      auto resp = c->request(r.method, concrete(r.pattern), r.method == "GET" || r.method == "DELETE" ? "" : "{}", h);
      bool allowed = r.permission == Permission::kPublic || role_allows(u.role, r.permission);
      std::string what = std::string(u.name) + " " + r.method + " " + r.pattern + " -> " +
                         std::to_string(resp.status) + " " + resp.body.substr(0, 200);
      if (allowed) {
        EXPECT_NE(resp.status, 401) << what;
        EXPECT_FALSE(is_role_denial(resp)) << what;
      } else {
        EXPECT_TRUE(is_role_denial(resp)) << what;
        EXPECT_EQ(resp.header("content-type"), "application/problem+json") << what;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(routes.size() * std::size(kUsers)));
}

TEST_F(AccessApi, EveryNonPublicRouteNeedsAnIdentity) {
  HttpClient anon(server_->base_url());
  for (const RouteRow& r : route_table()) {
    auto resp = anon.request(r.method, concrete(r.pattern), r.method == "GET" ? "" : "{}",
                             {{"Content-Type", "application/json"}});
    if (r.permission == Permission::kPublic) {
      EXPECT_NE(resp.status, 401) << r.method << " " << r.pattern;
    } else {
      EXPECT_EQ(resp.status, 401) << r.method << " " << r.pattern << " " << resp.body;
    }
  }
  // A made-up cookie or token is no identity either.
  auto r1 = anon.get("/api/v1/facilities", {{"Cookie", "cipms_session=forged"}});
  EXPECT_EQ(r1.status, 401);
  auto r2 = anon.get("/api/v1/facilities", {{"Authorization", "Bearer cipms_forged_token_value"}});
  EXPECT_EQ(r2.status, 401);
}

// ---------------------------------------------------------------------- records × levels

struct Fac {
  std::int64_t id = 0;
  ClassLevel level = ClassLevel::kGeneral;
  bool energy_tpc = true;  // sector energy, provider TPC, authority MOEA-EA; else finance, another provider
};

// The read rule, written independently of the server: scope × clearance × grant.
bool in_scope(const DemoUser& u, const Fac& f) {
  switch (u.role) {
    case Role::kAdmin:
    case Role::kOhsOfficer:
    case Role::kAuditor: return true;
    default: return f.energy_tpc;  // every other demo user's scope covers energy/TPC/MOEA-EA and not finance
  }
}
bool may_read(const DemoUser& u, const Fac& f, bool grant) {
  if (!in_scope(u, f)) return false;
  if (u.clearance < f.level) return false;
  return f.level < ClassLevel::kConfidential || grant;
}

TEST_F(AccessApi, FacilityReadsFollowScopeClearanceAndNeedToKnowForEveryRoleAndLevel) {
  auto ohs = signed_in("ohs");
  auto admin = signed_in("admin");
  // Organisation ids and fitting taxonomy codes.
  auto org_id = [&](const std::string& code) -> std::int64_t {
    auto r = ohs->get("/api/v1/organisations?q=" + url_encode(code) + "&limit=100");
    EXPECT_EQ(r.status, 200) << r.body;
    json body = r.json();
    for (const auto& o : body["items"])
      if (o["code"] == code) return o["id"].get<std::int64_t>();
    return 0;
  };
  std::int64_t tpc = org_id("TPC"), ea = org_id("MOEA-EA");
  ASSERT_GT(tpc, 0);
  ASSERT_GT(ea, 0);
  auto other = ohs->post_json("/api/v1/organisations",
                              R"({"code":"BANK-X","name":"某銀行","name_en":"Bank X","type":"provider"})");
  ASSERT_EQ(other.status, 201) << other.body;
  std::int64_t bank = other.json()["id"];
  auto tax = ohs->get("/api/v1/taxonomy").json();
  auto first_child = [&](const char* kind, const std::string& parent) {
    for (const auto& e : tax[kind])
      if (e["parent"] == parent) return e["code"].get<std::string>();
    return std::string();
  };
  std::string energy_sub = first_child("subsectors", "energy"), energy_type = first_child("facility_types", energy_sub);
  std::string fin_sub = first_child("subsectors", "finance"), fin_type = first_child("facility_types", fin_sub);
  ASSERT_FALSE(energy_type.empty()) << tax.dump().substr(0, 300);
  ASSERT_FALSE(fin_type.empty());

  // Five levels × two scopes; a grant for each user on the national-secret ones of the first
  // scope when the user's index is even (so both "with" and "without" occur for every role).
  std::vector<Fac> facs;
  const char* kLevels[] = {"general", "official", "confidential", "secret", "top_secret"};
  for (int scope = 0; scope < 2; ++scope)
    for (int l = 0; l < 5; ++l) {
      json f = {{"code", "ACC-" + std::to_string(scope) + "-" + std::to_string(l)},
                {"name", "存取測試"},
                {"sector", scope == 0 ? "energy" : "finance"},
                {"subsector", scope == 0 ? energy_sub : fin_sub},
                {"type", scope == 0 ? energy_type : fin_type},
                {"provider", scope == 0 ? tpc : bank},
                {"authority", ea}};
      if (scope == 1) f.erase("authority");
      auto made = ohs->post_json("/api/v1/facilities", f.dump());
      ASSERT_EQ(made.status, 201) << made.body;
      Fac fac{made.json()["facility"].is_object() ? made.json()["facility"]["id"].get<std::int64_t>()
                                                  : made.json()["id"].get<std::int64_t>(),
              static_cast<ClassLevel>(l), scope == 0};
      if (l > 0) {
        json c = {{"level", kLevels[l]}, {"reason", "測試 test"}};
        if (l >= 2) c["declassify_on"] = "2030-01-01";
        auto set = ohs->request("PUT", "/api/v1/facilities/" + std::to_string(fac.id) + "/classification", c.dump(),
                                {{"Content-Type", "application/json"}, {"If-Match", "*"}});
        ASSERT_EQ(set.status, 200) << set.body;
      }
      facs.push_back(fac);
    }
  // Users' ids (admin manages users) and the grants.
  std::map<std::string, std::int64_t> uid;
  json users = admin->get("/api/v1/users?limit=100").json();
  for (const auto& u : users["items"]) uid[u["username"]] = u["id"];
  std::set<std::pair<std::string, std::int64_t>> grants;
  for (std::size_t i = 0; i < std::size(kUsers); i += 2)
    for (const Fac& f : facs)
      if (f.level >= ClassLevel::kConfidential && f.energy_tpc) {
        json g = {{"user_id", uid[kUsers[i].name]}, {"record_kind", "facility"}, {"record_id", f.id},
                  {"reason", "need to know: test"}};
        auto r = ohs->post_json("/api/v1/grants", g.dump());
        if (r.status == 201) grants.insert({kUsers[i].name, f.id});
        else ADD_FAILURE() << r.body;
      }

  const char* kReads[] = {"", "/dependencies", "/dependents", "/core-functions"};
  for (const DemoUser& u : kUsers) {
    auto c = signed_in(u.name);
    int expected_visible = 0;
    for (const Fac& f : facs) {
      bool expect = may_read(u, f, grants.count({u.name, f.id}) > 0);
      expected_visible += expect;
      for (const char* suffix : kReads) {
        auto r = c->get("/api/v1/facilities/" + std::to_string(f.id) + suffix);
        EXPECT_EQ(r.status, expect ? 200 : 404)
            << u.name << " facility level " << static_cast<int>(f.level) << (f.energy_tpc ? " in" : " out")
            << " of scope" << suffix << ": " << r.body.substr(0, 200);
      }
    }
    // Lists and counts show exactly the readable ones, with any filter.
    auto list = c->get("/api/v1/facilities?q=ACC-&limit=100");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json()["total"], expected_visible) << u.name;
    EXPECT_EQ(list.json()["items"].size(), static_cast<std::size_t>(expected_visible)) << u.name;
  }
}

TEST_F(AccessApi, HiddenRecordsAnswerLikeMissingOnesAndTheAttemptIsAudited) {
  auto ohs = signed_in("ohs");
  auto viewer = signed_in("tpc-viewer");
  json tax = ohs->get("/api/v1/taxonomy").json();
  std::string sub, type;
  for (const auto& e : tax["subsectors"])
    if (e["parent"] == "finance" && sub.empty()) sub = e["code"];
  for (const auto& e : tax["facility_types"])
    if (e["parent"] == sub && type.empty()) type = e["code"];
  json f = {{"code", "HIDDEN-1"}, {"name", "看不到"}, {"sector", "finance"}, {"subsector", sub}, {"type", type}};
  auto made = ohs->post_json("/api/v1/facilities", f.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  std::int64_t id = made.json()["id"];
  auto hidden = viewer->get("/api/v1/facilities/" + std::to_string(id));
  auto missing = viewer->get("/api/v1/facilities/987654321");
  ASSERT_EQ(hidden.status, 404);
  ASSERT_EQ(missing.status, 404);
  auto strip = [](json j) {
    j.erase("instance");
    j.erase("request_id");
    j["detail"] = "";
    return j;
  };
  EXPECT_EQ(strip(hidden.json()), strip(missing.json()));
  auto auditor = signed_in("auditor");
  auto log = auditor->get("/api/v1/audit?action=facility.read&outcome=denied&limit=50").json();
  bool found = false;
  for (const auto& e : log["items"]) found |= e["target_id"] == std::to_string(id) && e["actor"].get<std::string>().find("tpc-viewer") == 0;
  EXPECT_TRUE(found) << log.dump().substr(0, 500);
}

}  // namespace
}  // namespace cipms::testing

namespace cipms::testing {
namespace {

TEST_F(AccessApi, ExportsRankingsAndJobsShowOnlyWhatTheReaderMayRead) {
  auto ohs = signed_in("ohs");
  auto energy = signed_in("energy");  // authority officer of MOEA-EA: energy sub-sectors, 機密 clearance
  json tax = ohs->get("/api/v1/taxonomy").json();
  auto child = [&](const char* kind, const std::string& parent) {
    for (const auto& e : tax[kind])
      if (e["parent"] == parent) return e["code"].get<std::string>();
    return std::string();
  };
  std::string esub = child("subsectors", "energy"), etype = child("facility_types", esub);
  std::string fsub = child("subsectors", "finance"), ftype = child("facility_types", fsub);
  // Check the authority governs esub (else pick one it does).
  json me = energy->get("/api/v1/auth/me").json();
  ASSERT_FALSE(me["principal"]["subsectors"].empty());
  esub = me["principal"]["subsectors"][0];
  etype = child("facility_types", esub);
  auto make = [&](const std::string& code, const std::string& sector, const std::string& sub, const std::string& type) {
    json f = {{"code", code}, {"name", code}, {"sector", sector}, {"subsector", sub}, {"type", type}, {"population", 1000}};
    auto r = ohs->post_json("/api/v1/facilities", f.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"].get<std::int64_t>();
  };
  std::int64_t in = make("EXP-IN", "energy", esub, etype);
  std::int64_t secret = make("EXP-SECRET", "energy", esub, etype);
  make("EXP-OUT", "finance", fsub, ftype);
  // A dependency of the readable facility on the two others.
  json d = {{"consumer", in}, {"resource", tax["resources"][0]["code"]}, {"suppliers", {secret}}, {"min_up", 1}};
  ASSERT_EQ(ohs->post_json("/api/v1/dependencies", d.dump()).status, 201);
  json c = {{"level", "secret"}, {"reason", "測試"}, {"declassify_on", "2040-01-01"}};
  ASSERT_EQ(ohs->request("PUT", "/api/v1/facilities/" + std::to_string(secret) + "/classification", c.dump(),
                         {{"Content-Type", "application/json"}, {"If-Match", "*"}})
                .status,
            200);

  auto exp = energy->get("/api/v1/network?format=json");
  ASSERT_EQ(exp.status, 200) << exp.body;
  json net = exp.json();
  std::set<std::string> codes;
  for (const auto& f : net["facilities"]) codes.insert(f["id"]);
  EXPECT_TRUE(codes.count("EXP-IN"));
  EXPECT_FALSE(codes.count("EXP-SECRET"));  // 極機密 above the officer's 機密
  EXPECT_FALSE(codes.count("EXP-OUT"));     // outside its sub-sectors
  for (const auto& dep : net["dependencies"])
    for (const auto& s : dep["suppliers"]) EXPECT_NE(s, "EXP-SECRET") << dep.dump();
  // The marking is the highest level exported, never above the reader's clearance.
  std::string marking = net["marking"], level = exp.header("x-classification-marking");
  EXPECT_TRUE(level == "general" || level == "official" || level == "confidential") << level;
  EXPECT_EQ(marking.substr(marking.find(' ') + 1), level);
  // OHS, cleared for it but without a need-to-know grant, does not get the 極機密 one either.
  json all = ohs->get("/api/v1/network?format=json").json();
  std::set<std::string> ohs_codes;
  for (const auto& f : all["facilities"]) ohs_codes.insert(f["id"]);
  EXPECT_TRUE(ohs_codes.count("EXP-OUT"));
  EXPECT_FALSE(ohs_codes.count("EXP-SECRET"));

  // A simulation on the registry cannot name a hidden facility (same answer as a missing one).
  auto hidden = energy->post_json("/api/v1/simulations", R"({"scenario":{"horizon_hours":24,"events":[{"facility":"EXP-SECRET","down_at":0,"repair_hours":5}]}})");
  auto missing = energy->post_json("/api/v1/simulations", R"({"scenario":{"horizon_hours":24,"events":[{"facility":"NO-SUCH","down_at":0,"repair_hours":5}]}})");
  EXPECT_EQ(hidden.status, missing.status) << hidden.body << " / " << missing.body;
  EXPECT_NE(hidden.status, 202);
  // Someone else's job is no job.
  auto job = ohs->post_json("/api/v1/simulations", R"({"scenario":{"horizon_hours":24,"events":[{"facility":"EXP-OUT","down_at":0,"repair_hours":5}]}})");
  ASSERT_EQ(job.status, 202) << job.body;
  std::string id = job.json()["id"];
  EXPECT_EQ(energy->get("/api/v1/jobs/" + id).status, 404);
  EXPECT_EQ(ohs->get("/api/v1/jobs/" + id).status, 200);

  // The ranking lists only readable facilities.
  HttpResponse rank;
  for (int i = 0; i < 200; ++i) {
    rank = energy->get("/api/v1/ranking?limit=1000");
    if (rank.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(rank.status, 200) << rank.body;
  std::set<std::string> ranked;
  json rb = rank.json();
  for (const auto& r : rb["ranking"]) ranked.insert(r["id"]);
  EXPECT_TRUE(ranked.count("EXP-IN")) << rank.body.substr(0, 400);
  EXPECT_FALSE(ranked.count("EXP-SECRET"));
  EXPECT_FALSE(ranked.count("EXP-OUT"));
}

}  // namespace
}  // namespace cipms::testing
