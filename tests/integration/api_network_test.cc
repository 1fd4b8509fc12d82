// Network import/export over real HTTP: network.json and the CSV pair (JSON-wrapped and
// multipart), merge and replace, GeoJSON and CSV export, and bad input — one bad row, malformed
// JSON, an unknown media type, an oversize body — each of which must leave the registry as it was.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

// A small valid network: two plants, a substation (2-of-2 would be too strict: 1-of-2), a hospital.
json small_network(const std::string& prefix) {
  auto fac = [&](const std::string& id, const char* sector, const char* sub, double lat, double lon, int pop) {
    return json{{"id", prefix + id}, {"sector", sector}, {"subsector", sub}, {"lat", lat}, {"lon", lon},
                {"population", pop},  {"name", "設施 " + prefix + id}};
  };
  return {{"facilities",
           {fac("P1", "energy", "electricity", 24.2, 120.5, 0), fac("P2", "energy", "electricity", 22.7, 120.3, 0),
            fac("H1", "emergency_hospital", "hospital", 25.04, 121.52, 350000)}},
          {"dependencies",
           {{{"consumer", prefix + "H1"}, {"resource", "electricity"}, {"suppliers", {prefix + "P1", prefix + "P2"}},
             {"min_up", 1}, {"backup_hours", 72}}}}};
}

class ApiNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = std::make_unique<HttpClient>(server_->base_url());
    http_->login("ohs");
  }
  std::string state() {
    return http_->get("/api/v1/network").body + http_->get("/api/v1/facilities?limit=1000").body;
  }
  std::set<std::string> facility_codes() {
    json j = http_->get("/api/v1/network").json();
    std::set<std::string> out;
    for (const auto& f : j["facilities"]) out.insert(f["id"]);
    return out;
  }
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(ApiNetwork, ImportJsonThenExportGivesTheSameNetwork) {
  json net = small_network("N-");
  auto r = http_->post_json("/api/v1/network/import", net.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["facilities_created"], 3);
  EXPECT_EQ(r.json()["dependencies_written"], 1);

  auto exp = http_->get("/api/v1/network");
  ASSERT_EQ(exp.status, 200);
  EXPECT_NE(exp.header("content-type").find("application/json"), std::string::npos);
  json out = exp.json();
  ASSERT_EQ(out["facilities"].size(), 3u);
  ASSERT_EQ(out["dependencies"].size(), 1u);
  json d = out["dependencies"][0];
  EXPECT_EQ(d["consumer"], "N-H1");
  EXPECT_EQ(d["suppliers"], json::array({"N-P1", "N-P2"}));
  EXPECT_EQ(d["min_up"], 1);
  EXPECT_EQ(d["backup_hours"], 72.0);
  EXPECT_EQ(facility_codes(), (std::set<std::string>{"N-H1", "N-P1", "N-P2"}));
  // Imported facilities are registry records like any other.
  auto list = http_->get("/api/v1/facilities?q=N-H1").json();
  ASSERT_EQ(list["total"], 1);
  EXPECT_EQ(list["items"][0]["population"], 350000);
}

TEST_F(ApiNetwork, ExportAsGeoJsonAndCsv) {
  ASSERT_EQ(http_->post_json("/api/v1/network/import", small_network("G-").dump()).status, 200);
  auto geo = http_->get("/api/v1/network?format=geojson");
  ASSERT_EQ(geo.status, 200) << geo.body;
  EXPECT_EQ(geo.header("content-type"), "application/geo+json");
  json g = geo.json();
  EXPECT_EQ(g["type"], "FeatureCollection");
  EXPECT_EQ(g["features"].size(), 3u);
  auto fcsv = http_->get("/api/v1/network?format=facilities.csv");
  ASSERT_EQ(fcsv.status, 200);
  EXPECT_NE(fcsv.header("content-type").find("text/csv"), std::string::npos);
  EXPECT_NE(fcsv.body.find("G-P1"), std::string::npos);
  auto dcsv = http_->get("/api/v1/network?format=dependencies.csv");
  ASSERT_EQ(dcsv.status, 200);
  EXPECT_NE(dcsv.body.find("G-P1;G-P2"), std::string::npos) << dcsv.body;
  EXPECT_EQ(http_->get("/api/v1/network?format=xml").status, 400);
}

TEST_F(ApiNetwork, CsvPairImportsAsJsonWrapperAndAsMultipart) {
  ASSERT_EQ(http_->post_json("/api/v1/network/import", small_network("C-").dump()).status, 200);
  std::string fac = http_->get("/api/v1/network?format=facilities.csv").body;
  std::string dep = http_->get("/api/v1/network?format=dependencies.csv").body;
  std::string before = http_->get("/api/v1/network").body;

  // Replace with the same CSV pair: the network is unchanged.
  auto wrapped = http_->post_json("/api/v1/network/import?mode=replace",
                                  json{{"facilities_csv", fac}, {"dependencies_csv", dep}}.dump());
  ASSERT_EQ(wrapped.status, 200) << wrapped.body;
  EXPECT_EQ(wrapped.json()["mode"], "replace");
  EXPECT_EQ(http_->get("/api/v1/network").body, before);

  auto multi = http_->post_multipart("/api/v1/network/import?mode=replace",
                                     {{"facilities_csv", "facilities.csv", fac}, {"dependencies_csv", "dependencies.csv", dep}});
  ASSERT_EQ(multi.status, 200) << multi.body;
  EXPECT_EQ(multi.json()["dependencies_written"], 1);
  EXPECT_EQ(http_->get("/api/v1/network").body, before);
}

TEST_F(ApiNetwork, MergeAddsAndReplaceRemoves) {
  ASSERT_EQ(http_->post_json("/api/v1/network/import", small_network("A-").dump()).status, 200);
  ASSERT_EQ(http_->post_json("/api/v1/network/import?mode=merge", small_network("B-").dump()).status, 200);
  EXPECT_EQ(facility_codes().size(), 6u);
  ASSERT_EQ(http_->post_json("/api/v1/network/import?mode=replace", small_network("B-").dump()).status, 200);
  EXPECT_EQ(facility_codes(), (std::set<std::string>{"B-H1", "B-P1", "B-P2"}));
  EXPECT_EQ(http_->post_json("/api/v1/network/import?mode=upsert", small_network("B-").dump()).status, 400);
}

TEST_F(ApiNetwork, OneBadRowWritesNothingAndSaysWhere) {
  ASSERT_EQ(http_->post_json("/api/v1/network/import", small_network("K-").dump()).status, 200);
  std::string before = state();

  json net = small_network("X-");
  for (int i = 0; i < 200; ++i)
    net["facilities"].push_back({{"id", "X-F" + std::to_string(i)}, {"sector", "water"}, {"subsector", "water_supply"}});
  net["dependencies"][0]["min_up"] = 3;  // more than its two suppliers
  auto r = http_->post_json("/api/v1/network/import", net.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_NE(r.body.find("/dependencies/0/min_up"), std::string::npos) << r.body;
  EXPECT_EQ(state(), before);

  json dangling = small_network("Y-");
  dangling["dependencies"][0]["suppliers"] = {"Y-P1", "NOWHERE"};
  EXPECT_EQ(http_->post_json("/api/v1/network/import", dangling.dump()).status, 422);
  json unknown = small_network("Z-");
  unknown["facilities"][1]["sector"] = "spacefaring";
  EXPECT_EQ(http_->post_json("/api/v1/network/import", unknown.dump()).status, 422);
  json typo = small_network("T-");
  typo["dependencies"][0]["backup_hour"] = 3;
  auto t = http_->post_json("/api/v1/network/import", typo.dump());
  EXPECT_TRUE(t.status == 400 || t.status == 422) << t.status;
  json neg = small_network("M-");
  neg["dependencies"][0]["backup_hours"] = -1;
  EXPECT_EQ(http_->post_json("/api/v1/network/import", neg.dump()).status, 422);
  json coords = small_network("Q-");
  coords["facilities"][0]["lat"] = 123.0;
  EXPECT_EQ(http_->post_json("/api/v1/network/import", coords.dump()).status, 422);
  EXPECT_EQ(state(), before);

  // A bad CSV row: the place is a line and column.
  std::string fac = "id,sector,subsector,lat,lon\nC1,energy,electricity,24,120\nC2,energy,electricity,abc,120\n";
  auto csv = http_->post_json("/api/v1/network/import", json{{"facilities_csv", fac}, {"dependencies_csv", "consumer,resource,suppliers,min_up,backup_hours\n"}}.dump());
  EXPECT_TRUE(csv.status == 400 || csv.status == 422) << csv.body;
  EXPECT_NE(csv.body.find("line 3"), std::string::npos) << csv.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiNetwork, MalformedBodiesAndUnknownMediaTypesWriteNothing) {
  std::string before = state();
  EXPECT_EQ(http_->post_json("/api/v1/network/import", "{\"facilities\": [").status, 400);
  auto xml = http_->request("POST", "/api/v1/network/import", "<network/>", {{"Content-Type", "application/xml"}});
  EXPECT_EQ(xml.status, 415) << xml.body;
  EXPECT_EQ(xml.header("content-type"), "application/problem+json");
  auto missing = http_->post_multipart("/api/v1/network/import", {{"dependencies_csv", "d.csv", "consumer\n"}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  auto bogus = http_->request("POST", "/api/v1/network/import", "garbage",
                              {{"Content-Type", "multipart/form-data; boundary=zzz"}});
  EXPECT_EQ(bogus.status, 400) << bogus.body;
  EXPECT_EQ(http_->post_json("/api/v1/network/import", R"({"facilities_csv": 5})").status, 400);
  EXPECT_EQ(state(), before);
}

TEST(ApiNetworkLimits, ImportOverTheLimitIs413AndWritesNothing) {
  ServerProcess server(ServerProcessOptions{.extra_args = {"--max-import-mb", "1"}});
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  http.login("ohs");
  std::string before = http.get("/api/v1/network").body;
  json net = small_network("BIG-");
  for (int i = 0; i < 9000; ++i)
    net["facilities"].push_back({{"id", "BIG-F" + std::to_string(i)}, {"sector", "water"}, {"subsector", "water_supply"},
                                 {"name", "一個相當長的設施名稱用來讓檔案超過一百萬位元組"}});
  std::string body = net.dump();
  ASSERT_GT(body.size(), 1u << 20);
  ASSERT_LT(body.size(), 2u << 20);  // above RESTinio's own hard limit the connection is just closed
  auto r = http.post_json("/api/v1/network/import", body);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  EXPECT_EQ(http.get("/api/v1/network").body, before);
}

TEST(ApiNetworkReal, RealNetworkImportsOverHttpAndExportsUnchanged) {
  auto dir = real_network_dir();
  if (dir.empty()) GTEST_SKIP() << "../shared/data/real/network is absent";
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  http.login("ohs");
  auto r = http.post_json("/api/v1/network/import", read_file(dir / "network.json"));
  ASSERT_EQ(r.status, 200) << r.error << r.body.substr(0, 2000) << "\nserver log:\n" << server.log();
  json out = http.get("/api/v1/network").json();
  EXPECT_EQ(out["facilities"].size(), 345u);
  EXPECT_EQ(out["dependencies"].size(), 329u);
  // The CSV pair over multipart gives the same registry.
  std::string exported = http.get("/api/v1/network").body;
  auto m = http.post_multipart("/api/v1/network/import?mode=replace",
                               {{"facilities_csv", "facilities.csv", read_file(dir / "facilities.csv")},
                                {"dependencies_csv", "dependencies.csv", read_file(dir / "dependencies.csv")}});
  ASSERT_EQ(m.status, 200) << m.body.substr(0, 2000);
  EXPECT_EQ(http.get("/api/v1/network").body, exported);
}

}  // namespace
}  // namespace cipms::testing
