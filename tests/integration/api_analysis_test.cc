// The analysis endpoints over real HTTP: simulations as jobs (on the registry and on an uploaded
// network), job status and result, the cached criticality ranking and its recomputation when the
// registry changes, and bad input (each answered with problem+json naming the JSON path, with
// the registry unchanged). Expected figures are computed by hand from docs/cascade-model.md.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

// The spec's worked example: hospital H needs electricity from plant P with 72 h of fuel.
json worked_example() {
  return {{"facilities",
           {{{"id", "P"}, {"sector", "energy"}, {"subsector", "electricity"}, {"lat", 24.2}, {"lon", 120.5},
             {"loss_per_hour", 1000}, {"name", "發電廠 P"}},
            {{"id", "H"}, {"sector", "emergency_hospital"}, {"subsector", "hospital"}, {"lat", 24.1},
             {"lon", 120.6}, {"population", 350000}, {"loss_per_hour", 10}, {"mtpd_hours", 4},
             {"name", "醫院 H"}}}},
          {"dependencies",
           {{{"consumer", "H"}, {"resource", "electricity"}, {"suppliers", {"P"}}, {"min_up", 1},
             {"backup_hours", 72}}}}};
}

json scenario(const std::string& facility, double down_at, double repair, double horizon = 168) {
  return {{"horizon_hours", horizon},
          {"events", {{{"facility", facility}, {"down_at", down_at}, {"repair_hours", repair}}}}};
}

class ApiAnalysis : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = std::make_unique<HttpClient>(server_->base_url());
    http_->login("ohs");
  }
  void import(const json& net, const std::string& mode = "replace") {
    auto r = http_->post_json("/api/v1/network/import?mode=" + mode, net.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Polls a job until it has finished; returns its final status document.
  json wait_job(const std::string& location) {
    json j;
    for (int i = 0; i < 600; ++i) {
      auto r = http_->get(location);
      EXPECT_EQ(r.status, 200) << r.body;
      j = r.json();
      if (j["state"] == "succeeded" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "job did not finish: " << j.dump();
    return j;
  }
  json simulate(const json& body) {
    auto r = http_->post_json("/api/v1/simulations", body.dump());
    EXPECT_EQ(r.status, 202) << r.body;
    std::string location = r.header("location");
    EXPECT_EQ(location, "/api/v1/jobs/" + r.json()["id"].get<std::string>());
    json done = wait_job(location);
    EXPECT_EQ(done["state"], "succeeded") << done.dump();
    EXPECT_EQ(done["progress"], 1.0);
    auto res = http_->get(location + "/result");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json();
  }
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(ApiAnalysis, SimulationOnTheRegistryFollowsTheWorkedExample) {
  import(worked_example());
  // P damaged 96 h: H rides 72 h on its generator, then is down on [72, 96).
  json res = simulate({{"scenario", scenario("P", 0, 96)}});
  ASSERT_EQ(res["facilities"].size(), 2u) << res.dump();
  const json& h = res["facilities"][0];
  const json& p = res["facilities"][1];
  EXPECT_EQ(h["id"], "H");
  ASSERT_EQ(h["outages"].size(), 1u);
  EXPECT_EQ(h["outages"][0]["start"], 72.0);
  EXPECT_EQ(h["outages"][0]["end"], 96.0);
  EXPECT_EQ(h["outages"][0]["cause"], "dependency:electricity");
  EXPECT_EQ(h["downtime_hours"], 24.0);
  EXPECT_EQ(h["exceeded_mtpd"], true);  // 24 h > 4 h
  EXPECT_EQ(p["id"], "P");
  EXPECT_EQ(p["outages"][0]["cause"], "damaged");
  EXPECT_EQ(p["downtime_hours"], 96.0);
  EXPECT_EQ(res["summary"]["facilities_down"], 2);
  EXPECT_EQ(res["summary"]["peak_down"], 2);
  EXPECT_DOUBLE_EQ(res["summary"]["population_hours"].get<double>(), 350000.0 * 24);
  EXPECT_DOUBLE_EQ(res["summary"]["economic_loss"].get<double>(), 1000.0 * 96 + 10.0 * 24);
  EXPECT_EQ(res["timeline"], json::parse(R"([{"t":0,"down":1},{"t":72,"down":2},{"t":96,"down":0}])"));
}

TEST_F(ApiAnalysis, SimulationOnAnUploadedNetworkLeavesTheRegistryAlone) {
  // P damaged only 48 h: H never goes down.
  json res = simulate({{"network", worked_example()}, {"scenario", scenario("P", 0, 48)}});
  ASSERT_EQ(res["facilities"].size(), 1u) << res.dump();
  EXPECT_EQ(res["facilities"][0]["id"], "P");
  EXPECT_EQ(res["summary"]["population_hours"], 0.0);
  EXPECT_EQ(http_->get("/api/v1/facilities").json()["total"], 0);
}

TEST_F(ApiAnalysis, BadSimulationRequestsNameTheJsonPathAndStartNoJob) {
  import(worked_example());
  const std::string before = http_->get("/api/v1/network").body;
  struct Case {
    std::string body;
    int status;
    std::string pointer;
  };
  const Case cases[] = {
      {"{not json", 400, ""},
      {R"({"scenario": {"horizon_hours": 10, "events": []}, "extra": 1})", 400, "/extra"},
      {R"({"network": {}})", 400, "/scenario"},
      {json{{"scenario", scenario("NOPE", 0, 1)}}.dump(), 422, "/scenario/events/0/facility"},
      {json{{"scenario", scenario("P", -1, 1)}}.dump(), 422, "/scenario/events/0/down_at"},
      {json{{"scenario", scenario("P", 0, -5)}}.dump(), 422, "/scenario/events/0/repair_hours"},
      {json{{"network", {{"facilities", json::array()}, {"dependencies", {{{"consumer", "X"}}}}}},
            {"scenario", scenario("P", 0, 1)}}
           .dump(),
       0, "/network/dependencies/0"},
  };
  for (const Case& c : cases) {
    auto r = http_->post_json("/api/v1/simulations", c.body);
    if (c.status) {
      EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    }
    EXPECT_GE(r.status, 400) << c.body;
    EXPECT_LT(r.status, 500) << c.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << c.body;
    EXPECT_TRUE(r.header("location").empty()) << c.body;
    if (!c.pointer.empty()) {
      bool found = false;
      const json problem = r.json();
      for (const auto& e : problem["errors"])
        found |= e["pointer"].get<std::string>().rfind(c.pointer, 0) == 0;
      EXPECT_TRUE(found) << c.body << " -> " << r.body;
    }
  }
  EXPECT_EQ(http_->get("/api/v1/network").body, before);
}

TEST_F(ApiAnalysis, UnknownJobIsNotFound) {
  auto r = http_->get("/api/v1/jobs/doesnotexist");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(http_->get("/api/v1/jobs/doesnotexist/result").status, 404);
}

json ranking(HttpClient& http, const std::string& query) {
  for (int i = 0; i < 600; ++i) {
    auto r = http.get("/api/v1/ranking" + query);
    if (r.status == 200) return r.json();
    EXPECT_EQ(r.status, 202) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "ranking never became ready";
  return {};
}

TEST_F(ApiAnalysis, RankingOrdersByPopulationHoursAndFollowsRegistryChanges) {
  // Plant P feeds hospitals A (100 people) and B (50 people) with no backup; over a 10 h
  // horizon P's failure costs (100 + 50) * 10 = 1500 population-hours and 2 facilities.
  json net = {{"facilities",
               {{{"id", "P"}, {"sector", "energy"}, {"subsector", "electricity"}, {"name", "P"}},
                {{"id", "A"}, {"sector", "emergency_hospital"}, {"subsector", "hospital"}, {"population", 100},
                 {"name", "A"}},
                {{"id", "B"}, {"sector", "emergency_hospital"}, {"subsector", "hospital"}, {"population", 50},
                 {"name", "B"}}}},
              {"dependencies",
               {{{"consumer", "A"}, {"resource", "electricity"}, {"suppliers", {"P"}}},
                {{"consumer", "B"}, {"resource", "electricity"}, {"suppliers", {"P"}}}}}};
  import(net);
  json r = ranking(*http_, "?horizon=10");
  ASSERT_EQ(r["total"], 3) << r.dump();
  EXPECT_EQ(r["ranking"][0]["id"], "P");
  EXPECT_DOUBLE_EQ(r["ranking"][0]["population_hours"].get<double>(), 1500.0);
  EXPECT_EQ(r["ranking"][0]["facilities_down"], 2);
  // A and B affect nobody else: tied at zero, ordered by id.
  EXPECT_EQ(r["ranking"][1]["id"], "A");
  EXPECT_EQ(r["ranking"][2]["id"], "B");
  EXPECT_EQ(r["ranking"][1]["facilities_down"], 0);

  // A second plant Q becomes an alternative supplier of A: P's failure no longer downs A.
  net["facilities"].push_back({{"id", "Q"}, {"sector", "energy"}, {"subsector", "electricity"}, {"name", "Q"}});
  net["dependencies"][0]["suppliers"] = {"P", "Q"};
  import(net);
  r = ranking(*http_, "?horizon=10");
  ASSERT_EQ(r["total"], 4) << r.dump();
  EXPECT_EQ(r["ranking"][0]["id"], "P");
  EXPECT_DOUBLE_EQ(r["ranking"][0]["population_hours"].get<double>(), 500.0);
  EXPECT_EQ(r["ranking"][0]["facilities_down"], 1);

  auto bad = http_->get("/api/v1/ranking?horizon=-1");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.header("content-type"), "application/problem+json");
}

}  // namespace
}  // namespace cipms::testing
