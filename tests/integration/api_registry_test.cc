// Registry CRUD over real HTTP against a started `cipms serve` with an empty, migrated
// database: happy paths, ETag/If-Match, and every kind of bad input — each error case also
// checks that the database did not change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/shared_server.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

class ApiRegistry : public SharedServerTest {
 protected:

  // Everything the registry holds, as the API shows it: compared before and after a failed
  // request to prove that nothing was written.
  std::string state() {
    std::string s = http_->get("/api/v1/network").body;
    s += http_->get("/api/v1/organisations?limit=1000").body;
    s += http_->get("/api/v1/facilities?limit=1000").body;
    return s;
  }

  json org(const std::string& code, const std::string& type) {
    auto r = http_->post_json("/api/v1/organisations",
                              json{{"code", code}, {"name", "機關 " + code}, {"name_en", "Org " + code}, {"type", type}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static json facility_body(const std::string& code) {
    return {{"code", code},          {"name", "測試電廠 " + code},
            {"name_en", "Test plant " + code}, {"sector", "energy"},
            {"subsector", "electricity"},      {"type", "power_plant"},
            {"county_code", "63000"},          {"address", "臺北市中正區"},
            {"lat", 25.04},                    {"lon", 121.51},
            {"population", 12000},             {"loss_per_hour", 2.5e6},
            {"mtpd_hours", 4},                 {"cii", true},
            {"grade", 2},                      {"status", "active"}};
  }

  json facility(const std::string& code) {
    auto r = http_->post_json("/api/v1/facilities", facility_body(code).dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  json dependency(std::int64_t consumer, std::vector<std::int64_t> suppliers, int min_up = 1) {
    auto r = http_->post_json("/api/v1/dependencies", json{{"consumer", consumer},
                                                           {"resource", "electricity"},
                                                           {"suppliers", suppliers},
                                                           {"min_up", min_up},
                                                           {"backup_hours", 72}}
                                                          .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static std::vector<std::string> pointers(const HttpResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.json().value("errors", json::array())) out.push_back(e.value("pointer", ""));
    return out;
  }
  static bool has_pointer(const HttpResponse& r, const std::string& p) {
    auto v = pointers(r);
    return std::find(v.begin(), v.end(), p) != v.end();
  }

};


std::string id_path(const char* base, const json& rec) { return std::string(base) + "/" + std::to_string(rec["id"].get<std::int64_t>()); }

// ------------------------------------------------------------------ organisations

TEST_F(ApiRegistry, Organisation_CreateReadUpdateDeleteFollowsVersions) {
  auto created = http_->post_json("/api/v1/organisations",
                                  R"({"code":"ORG-CRUD","name":"台灣電力公司","name_en":"Taipower","type":"provider"})");
  ASSERT_EQ(created.status, 201) << created.body;
  json o = created.json();
  EXPECT_EQ(created.header("etag"), "\"1\"");
  EXPECT_EQ(created.header("location"), id_path("/api/v1/organisations", o));
  EXPECT_EQ(o["type"], "provider");
  EXPECT_EQ(o["version"], 1);

  auto got = http_->get(id_path("/api/v1/organisations", o));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["name"], "台灣電力公司");
  EXPECT_EQ(got.header("etag"), "\"1\"");

  json put = {{"code", "ORG-CRUD"}, {"name", "台電"}, {"type", "provider"}, {"sectors", {"energy"}}};
  auto updated = http_->put_json(id_path("/api/v1/organisations", o), put.dump(), "\"1\"");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.header("etag"), "\"2\"");
  EXPECT_EQ(updated.json()["name"], "台電");
  EXPECT_EQ(updated.json()["name_en"], "");  // PUT replaces every field
  EXPECT_EQ(updated.json()["sectors"], json::array({"energy"}));

  EXPECT_EQ(http_->del(id_path("/api/v1/organisations", o), "\"1\"").status, 412);
  EXPECT_EQ(http_->del(id_path("/api/v1/organisations", o), "\"2\"").status, 204);
  EXPECT_EQ(http_->get(id_path("/api/v1/organisations", o)).status, 404);
}

TEST_F(ApiRegistry, Organisation_UnknownTypeOrSectorIs422AndWritesNothing) {
  std::string before = state();
  auto r = http_->post_json("/api/v1/organisations",
                            R"({"code":"ORG-BAD","name":"x","type":"ministry","sectors":["energy","spacefaring"]})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_TRUE(has_pointer(r, "/type")) << r.body;
  EXPECT_EQ(state(), before);
  auto r2 = http_->post_json("/api/v1/organisations", R"({"code":"ORG-BAD","name":"x","type":"provider","sectors":["spacefaring"]})");
  EXPECT_EQ(r2.status, 422);
  EXPECT_TRUE(has_pointer(r2, "/sectors/0")) << r2.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Organisation_StillOwningFacilitiesCannotBeDeleted) {
  json p = org("ORG-OWNER", "provider");
  json f = facility_body("FAC-OWNED");
  f["provider"] = p["id"];
  ASSERT_EQ(http_->post_json("/api/v1/facilities", f.dump()).status, 201);
  std::string before = state();
  auto r = http_->del(id_path("/api/v1/organisations", p), "\"1\"");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Organisation_RenamedCodeShowsInItsFacilitiesAtOnce) {
  json p = org("ORG-OLDCODE", "provider");
  json body = facility_body("FAC-RENAMED-ORG");
  body["provider"] = p["id"];
  auto f = http_->post_json("/api/v1/facilities", body.dump()).json();
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", f)).json()["provider_code"], "ORG-OLDCODE");
  ASSERT_EQ(http_->patch_json(id_path("/api/v1/organisations", p), R"({"code":"ORG-NEWCODE"})", "\"1\"").status, 200);
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", f)).json()["provider_code"], "ORG-NEWCODE");
  EXPECT_EQ(http_->get("/api/v1/facilities?q=FAC-RENAMED-ORG").json()["items"][0]["provider_code"], "ORG-NEWCODE");
}

// ------------------------------------------------------------------ facilities

TEST_F(ApiRegistry, Facility_CreateAnswers201WithLocationEtagAndEveryField) {
  json p = org("TPC-F1", "provider");
  json a = org("MOEA-F1", "competent_authority");
  json body = facility_body("FAC-ALL");
  body["provider"] = p["id"];
  body["authority"] = a["id"];
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  json f = r.json();
  EXPECT_EQ(r.header("location"), id_path("/api/v1/facilities", f));
  EXPECT_EQ(r.header("etag"), "\"1\"");
  auto got = http_->get(id_path("/api/v1/facilities", f));
  ASSERT_EQ(got.status, 200);
  json g = got.json();
  for (const char* k : {"code", "name", "name_en", "sector", "subsector", "type", "county_code", "address", "lat", "lon",
                        "population", "loss_per_hour", "mtpd_hours", "cii", "grade", "status"})
    EXPECT_EQ(g[k], body[k]) << k;
  EXPECT_EQ(g["provider"], p["id"]);
  EXPECT_EQ(g["provider_code"], "TPC-F1");
  EXPECT_EQ(g["authority"], a["id"]);
  EXPECT_EQ(g["authority_code"], "MOEA-F1");
  EXPECT_EQ(g["version"], 1);
  EXPECT_TRUE(g["created_at"].get<std::string>().ends_with("Z"));
}

TEST_F(ApiRegistry, Facility_WriteWithoutIfMatchIs428AndChangesNothing) {
  json f = facility("FAC-428");
  std::string before = state();
  json body = facility_body("FAC-428");
  body["name"] = "changed";
  auto put = http_->put_json(id_path("/api/v1/facilities", f), body.dump(), "");
  EXPECT_EQ(put.status, 428) << put.body;
  EXPECT_EQ(put.header("content-type"), "application/problem+json");
  EXPECT_EQ(http_->patch_json(id_path("/api/v1/facilities", f), R"({"name":"x"})", "").status, 428);
  EXPECT_EQ(http_->del(id_path("/api/v1/facilities", f), "").status, 428);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_ConcurrentPatchesWithIfMatchStarAllApply) {
  // "*" asks for the patch on whatever is stored: concurrent writers must not get 412s, and
  // every patch must count (the version grows by exactly the number of patches). On both
  // databases: the read-modify-write holds the row (PostgreSQL: FOR NO KEY UPDATE).
  json f = facility("FAC-STAR-RACE");
  const std::string path = id_path("/api/v1/facilities", f);
  constexpr int kThreads = 3, kEach = 15;
  std::vector<int> bad(kThreads, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      HttpClient c(server_->base_url());
      c.login("ohs");
      for (int i = 0; i < kEach; ++i) {
        auto r = c.patch_json(path, json{{"name_en", "star " + std::to_string(t) + "-" + std::to_string(i)}}.dump(), "*");
        if (r.status != 200) {
          ++bad[t];
          ADD_FAILURE() << r.status << " " << r.body;
        }
      }
    });
  for (auto& t : ts) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
  EXPECT_EQ(http_->get(path).json()["version"], 1 + kThreads * kEach);
}

TEST_F(ApiRegistry, Facility_WriteWithStaleIfMatchIs412AndChangesNothing) {
  json f = facility("FAC-412");
  auto ok = http_->patch_json(id_path("/api/v1/facilities", f), R"({"population": 5})", "\"1\"");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"2\"");
  std::string before = state();
  EXPECT_EQ(http_->patch_json(id_path("/api/v1/facilities", f), R"({"population": 6})", "\"1\"").status, 412);
  EXPECT_EQ(http_->put_json(id_path("/api/v1/facilities", f), facility_body("FAC-412").dump(), "\"1\"").status, 412);
  EXPECT_EQ(http_->del(id_path("/api/v1/facilities", f), "W/\"1\"").status, 412);
  EXPECT_EQ(http_->del(id_path("/api/v1/facilities", f), "\"not-a-version\"").status, 412);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_PatchMergesOnlyTheGivenFieldsAndNullClearsOptionalOnes) {
  json f = facility("FAC-PATCH");
  auto r = http_->patch_json(id_path("/api/v1/facilities", f), R"({"name_en":"Patched","grade":null,"mtpd_hours":null})",
                             "\"1\"");
  ASSERT_EQ(r.status, 200) << r.body;
  json g = r.json();
  EXPECT_EQ(g["name_en"], "Patched");
  EXPECT_TRUE(g["grade"].is_null());
  EXPECT_TRUE(g["mtpd_hours"].is_null());
  EXPECT_EQ(g["name"], f["name"]);
  EXPECT_EQ(g["population"], f["population"]);
  EXPECT_EQ(g["version"], 2);
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", f)).json()["name_en"], "Patched");
}

TEST_F(ApiRegistry, Facility_IfMatchStarWritesWhateverVersionIsStored) {
  json f = facility("FAC-STAR");
  auto r = http_->patch_json(id_path("/api/v1/facilities", f), R"({"population": 7})", "*");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["population"], 7);
}

TEST_F(ApiRegistry, Facility_DuplicateCodeIs409AndWritesNothing) {
  facility("FAC-DUP");
  std::string before = state();
  auto r = http_->post_json("/api/v1/facilities", facility_body("FAC-DUP").dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(has_pointer(r, "/code"));
  EXPECT_EQ(state(), before);
  // Renaming another facility onto a used code is a conflict too.
  json g = facility("FAC-DUP2");
  before = state();
  EXPECT_EQ(http_->patch_json(id_path("/api/v1/facilities", g), R"({"code":"FAC-DUP"})", "\"1\"").status, 409);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_MalformedJsonIs400WithLineAndColumnAndWritesNothing) {
  std::string before = state();
  auto r = http_->post_json("/api/v1/facilities", "{\"code\": \"FAC-MAL\",\n \"name\": }");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_NE(r.json()["detail"].get<std::string>().find("line 2"), std::string::npos) << r.body;
  EXPECT_EQ(http_->post_json("/api/v1/facilities", "[1,2]").status, 400);
  EXPECT_EQ(http_->post_json("/api/v1/facilities", "").status, 400);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_WrongTypesAre400WithAPointerForEachField) {
  std::string before = state();
  json body = facility_body("FAC-TYPES");
  body["lat"] = "25.0";
  body["population"] = 1.5;
  body["cii"] = "yes";
  body["provider"] = "TPC";
  body["colour"] = "red";
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  for (const char* p : {"/lat", "/population", "/cii", "/provider", "/colour"}) EXPECT_TRUE(has_pointer(r, p)) << p << r.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_RuleViolationsAre422AllAtOnceAndWriteNothing) {
  std::string before = state();
  json body = facility_body("FAC-RULES");
  body["sector"] = "spacefaring";   // unknown taxonomy code
  body["county_code"] = "99999";    // unknown county
  body["lat"] = 95.0;               // out of range
  body["lon"] = -200.0;
  body["mtpd_hours"] = -1;          // negative hours
  body["loss_per_hour"] = -3;
  body["population"] = -1;
  body["grade"] = 4;
  body["provider"] = 999999;        // no such organisation
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  for (const char* p : {"/sector", "/county_code", "/lat", "/lon", "/mtpd_hours", "/loss_per_hour", "/population", "/grade",
                        "/provider"})
    EXPECT_TRUE(has_pointer(r, p)) << p << " in " << r.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_SubsectorOfAnotherSectorAndLoneLatitudeAre422) {
  std::string before = state();
  json body = facility_body("FAC-MIX");
  body["subsector"] = "telecom";
  body.erase("lon");
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/subsector"));
  EXPECT_TRUE(has_pointer(r, "/lon"));
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_NonFiniteNumbersAreRejectedAndWriteNothing) {
  std::string before = state();
  std::string body = facility_body("FAC-INF").dump();
  auto pos = body.find("\"mtpd_hours\":4");
  ASSERT_NE(pos, std::string::npos);
  std::string inf = body;
  inf.replace(pos, 14, "\"mtpd_hours\":1e999");
  EXPECT_EQ(http_->post_json("/api/v1/facilities", inf).status, 400);
  std::string nan = body;
  nan.replace(pos, 14, "\"mtpd_hours\":NaN");
  EXPECT_EQ(http_->post_json("/api/v1/facilities", nan).status, 400);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_ProviderOfTheWrongOrganisationTypeIs422) {
  json ohs = org("ORG-OHS", "ohs");
  json body = facility_body("FAC-WRONGTYPE");
  body["provider"] = ohs["id"];
  std::string before = state();
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/provider"));
  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Facility_AgencyOperatingItsOwnFacilityCanBeItsProvider) {
  // The weather administration runs its radars: a competent authority as provider.
  json agency = org("ORG-CWA", "competent_authority");
  json body = facility_body("FAC-RADAR");
  body["provider"] = agency["id"];
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(ApiRegistry, Facility_UnknownIdIs404ForEveryMethod) {
  EXPECT_EQ(http_->get("/api/v1/facilities/987654").status, 404);
  EXPECT_EQ(http_->get("/api/v1/facilities/abc").status, 404);
  EXPECT_EQ(http_->put_json("/api/v1/facilities/987654", facility_body("FAC-404").dump(), "\"1\"").status, 404);
  EXPECT_EQ(http_->patch_json("/api/v1/facilities/987654", "{}", "\"1\"").status, 404);
  EXPECT_EQ(http_->del("/api/v1/facilities/987654", "\"1\"").status, 404);
  auto r = http_->get("/api/v1/facilities/987654");
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["status"], 404);
  EXPECT_EQ(r.json()["instance"], "/api/v1/facilities/987654");
}

TEST_F(ApiRegistry, Facility_SupplyingAnotherFacilityCannotBeDeletedUntilFreed) {
  json plant = facility("FAC-SUPPLIER");
  json hospital = facility("FAC-CONSUMER");
  json d = dependency(hospital["id"], {plant["id"]});
  std::string before = state();
  auto r = http_->del(id_path("/api/v1/facilities", plant), "\"1\"");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(state(), before);
  ASSERT_EQ(http_->del(id_path("/api/v1/dependencies", d), "\"1\"").status, 204);
  EXPECT_EQ(http_->del(id_path("/api/v1/facilities", plant), "\"1\"").status, 204);
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", plant)).status, 404);
}

TEST_F(ApiRegistry, Facility_BodyOverOneMebibyteIs413AndWritesNothing) {
  std::string before = state();
  json body = facility_body("FAC-BIG");
  body["address"] = std::string((1 << 20) + 10, 'a');
  auto r = http_->post_json("/api/v1/facilities", body.dump());
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(state(), before);
}

// ------------------------------------------------------------------ core functions

TEST_F(ApiRegistry, CoreFunction_CreateListUpdateDeleteUnderItsFacility) {
  json f = facility("FAC-CF");
  auto c = http_->post_json(id_path("/api/v1/facilities", f) + "/core-functions",
                            R"({"name":"發電","description":"base load","mtpd_hours":2,"continuity":"N-1"})");
  ASSERT_EQ(c.status, 201) << c.body;
  json cf = c.json();
  EXPECT_EQ(c.header("location"), id_path("/api/v1/core-functions", cf));
  EXPECT_EQ(cf["facility"], f["id"]);
  auto list = http_->get(id_path("/api/v1/facilities", f) + "/core-functions");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);
  EXPECT_EQ(list.json()["items"][0]["name"], "發電");
  auto p = http_->patch_json(id_path("/api/v1/core-functions", cf), R"({"mtpd_hours":3})", "\"1\"");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json()["mtpd_hours"], 3.0);
  EXPECT_EQ(p.json()["description"], "base load");
  EXPECT_EQ(http_->del(id_path("/api/v1/core-functions", cf), "\"2\"").status, 204);
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", f) + "/core-functions").json()["total"], 0);
}

TEST_F(ApiRegistry, CoreFunction_ErrorsAre404And422AndWriteNothing) {
  json f = facility("FAC-CF-ERR");
  std::string before = state();
  EXPECT_EQ(http_->post_json("/api/v1/facilities/987654/core-functions", R"({"name":"x"})").status, 404);
  auto r = http_->post_json(id_path("/api/v1/facilities", f) + "/core-functions", R"({"name":"","mtpd_hours":-2})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/name"));
  EXPECT_TRUE(has_pointer(r, "/mtpd_hours"));
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", f) + "/core-functions").json()["total"], 0);
  EXPECT_EQ(state(), before);
}

// ------------------------------------------------------------------ dependencies

TEST_F(ApiRegistry, Dependency_CreateShowsCodesAndAppearsUpstreamAndDownstream) {
  json p1 = facility("DEP-P1");
  json p2 = facility("DEP-P2");
  json h = facility("DEP-H");
  json d = dependency(h["id"], {p1["id"], p2["id"]}, 1);
  EXPECT_EQ(d["consumer_code"], "DEP-H");
  EXPECT_EQ(d["supplier_codes"], json::array({"DEP-P1", "DEP-P2"}));
  EXPECT_EQ(d["backup_hours"], 72.0);

  auto up = http_->get(id_path("/api/v1/facilities", h) + "/dependencies");
  ASSERT_EQ(up.status, 200);
  EXPECT_EQ(up.json()["total"], 1);
  EXPECT_EQ(up.json()["items"][0]["id"], d["id"]);
  auto down = http_->get(id_path("/api/v1/facilities", p2) + "/dependents");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.json()["total"], 1);
  EXPECT_EQ(down.json()["items"][0]["consumer"], h["id"]);
  EXPECT_EQ(http_->get(id_path("/api/v1/facilities", h) + "/dependents").json()["total"], 0);

  auto put = http_->put_json(id_path("/api/v1/dependencies", d),
                             json{{"consumer", h["id"]}, {"resource", "electricity"}, {"suppliers", {p1["id"], p2["id"]}},
                                  {"min_up", 2}, {"backup_hours", 8}}
                                 .dump(),
                             "\"1\"");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["min_up"], 2);
  EXPECT_EQ(put.header("etag"), "\"2\"");
  EXPECT_EQ(http_->get(id_path("/api/v1/dependencies", d)).json()["backup_hours"], 8.0);
  EXPECT_EQ(http_->get("/api/v1/facilities/987654/dependencies").status, 404);
}

TEST_F(ApiRegistry, Dependency_RuleViolationsAre422WithPointersAndWriteNothing) {
  json p = facility("DEPBAD-P");
  json h = facility("DEPBAD-H");
  std::string before = state();
  auto post = [&](json body) { return http_->post_json("/api/v1/dependencies", body.dump()); };
  json base = {{"consumer", h["id"]}, {"resource", "electricity"}, {"suppliers", {p["id"]}}, {"min_up", 1}, {"backup_hours", 1}};

  json b = base;
  b["min_up"] = 2;  // more than the one supplier
  auto r = post(b);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/min_up")) << r.body;

  b = base;
  b["suppliers"] = {p["id"], p["id"]};
  r = post(b);
  EXPECT_EQ(r.status, 422) << r.body;

  b = base;
  b["suppliers"] = {p["id"], 987654};
  r = post(b);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/suppliers/1")) << r.body;

  b = base;
  b["consumer"] = 987654;
  r = post(b);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_pointer(r, "/consumer")) << r.body;

  b = base;
  b["suppliers"] = {h["id"]};  // self-supply
  EXPECT_EQ(post(b).status, 422);

  b = base;
  b["backup_hours"] = -5;
  r = post(b);
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_pointer(r, "/backup_hours")) << r.body;

  b = base;
  b["resource"] = "moonlight";
  r = post(b);
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_pointer(r, "/resource")) << r.body;

  b = base;
  b["suppliers"] = json::array();
  EXPECT_EQ(post(b).status, 422);

  b = base;
  b["suppliers"] = {"DEPBAD-P"};  // codes are not ids
  r = post(b);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(has_pointer(r, "/suppliers/0")) << r.body;

  b = base;
  b["min_up"] = "one";
  EXPECT_EQ(post(b).status, 400);

  EXPECT_EQ(state(), before);
}

TEST_F(ApiRegistry, Dependency_StaleOrMissingIfMatchChangesNothing) {
  json p = facility("DEPV-P");
  json h = facility("DEPV-H");
  json d = dependency(h["id"], {p["id"]});
  ASSERT_EQ(http_->patch_json(id_path("/api/v1/dependencies", d), R"({"backup_hours":5})", "\"1\"").status, 200);
  std::string before = state();
  EXPECT_EQ(http_->patch_json(id_path("/api/v1/dependencies", d), R"({"backup_hours":6})", "\"1\"").status, 412);
  EXPECT_EQ(http_->patch_json(id_path("/api/v1/dependencies", d), R"({"backup_hours":6})", "").status, 428);
  EXPECT_EQ(http_->del(id_path("/api/v1/dependencies", d), "").status, 428);
  EXPECT_EQ(state(), before);
}

}  // namespace
}  // namespace cipms::testing
