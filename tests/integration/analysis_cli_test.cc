// `cipms simulate` and `cipms rank` as a user runs them: real binary, real files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.h"
#include "support/server_process.h"

namespace cipms {
namespace {

using nlohmann::json;
using testing::run_cipms;

const char* kNetwork = R"({"facilities": [
 {"id": "P1", "sector": "energy", "subsector": "electricity", "lat": 24.2, "lon": 120.5,
  "population": 0, "loss_per_hour": 2.0e6, "mtpd_hours": 2},
 {"id": "H1", "sector": "emergency_hospital", "subsector": "hospital", "lat": 24.1, "lon": 120.6,
  "population": 350000, "mtpd_hours": 4}],
 "dependencies": [{"consumer": "H1", "resource": "electricity", "suppliers": ["P1"],
                   "min_up": 1, "backup_hours": 72}]})";

class AnalysisCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("analysis_cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

TEST_F(AnalysisCli, SimulatePrintsTheSpecWorkedExample) {
  std::string out;
  const int rc = run_cipms({"simulate", "--network", write("n.json", kNetwork), "--scenario",
                            write("s.json", R"({"horizon_hours": 168, "events": [{"facility": "P1", "down_at": 0, "repair_hours": 96}]})")},
                           &out);
  ASSERT_EQ(rc, 0);
  json r = json::parse(out);
  // Hand-computed: P1 down [0,96) damaged; H1 runs 72 h on fuel, down [72,96).
  ASSERT_EQ(r["facilities"].size(), 2u);
  EXPECT_EQ(r["facilities"][0]["id"], "H1");  // sorted by id
  EXPECT_EQ(r["facilities"][0]["outages"],
            json::parse(R"([{"start": 72, "end": 96, "cause": "dependency:electricity"}])"));
  EXPECT_EQ(r["facilities"][0]["downtime_hours"], 24);
  EXPECT_EQ(r["facilities"][0]["exceeded_mtpd"], true);
  EXPECT_EQ(r["facilities"][1]["outages"][0]["cause"], "damaged");
  EXPECT_EQ(r["summary"]["facilities_down"], 2);
  EXPECT_EQ(r["summary"]["peak_down"], 2);
  EXPECT_EQ(r["summary"]["population_hours"], 350000 * 24);
  EXPECT_EQ(r["summary"]["economic_loss"], 2.0e6 * 96);
  EXPECT_EQ(r["summary"]["exceeded_mtpd"], 2);
  EXPECT_EQ(r["timeline"], json::parse(R"([{"t": 0, "down": 1}, {"t": 72, "down": 2}, {"t": 96, "down": 0}])"));
}

TEST_F(AnalysisCli, BadScenarioExitsTwoWithNothingOnStdout) {
  const std::string net = write("n.json", kNetwork);
  for (const char* bad : {R"({"horizon_hours": 168, "events": [)",
                          R"({"horizon_hours": 168, "events": [{"facility": "NOPE", "down_at": 0, "repair_hours": 1}]})",
                          R"({"horizon_hours": -1, "events": []})",
                          R"({"events": []})"}) {
    std::string out;
    EXPECT_EQ(run_cipms({"simulate", "--network", net, "--scenario", write("bad.json", bad)}, &out), 2) << bad;
    EXPECT_EQ(out, "") << bad;
  }
  std::string out;
  EXPECT_EQ(run_cipms({"simulate", "--network", (dir_ / "missing.json").string(), "--scenario",
                       write("s.json", R"({"horizon_hours": 1, "events": []})")}, &out), 2);
  EXPECT_EQ(out, "");
}

TEST_F(AnalysisCli, BadNetworkExitsTwo) {
  std::string bad = kNetwork;
  bad.replace(bad.find("\"min_up\": 1"), 11, "\"min_up\": 2");  // min_up > suppliers
  std::string out;
  EXPECT_EQ(run_cipms({"rank", "--network", write("n.json", bad)}, &out), 2);
  EXPECT_EQ(out, "");
}

TEST_F(AnalysisCli, RankOrdersByPopulationHoursAndHonoursTop) {
  std::string out;
  ASSERT_EQ(run_cipms({"rank", "--network", write("n.json", kNetwork), "--horizon", "100", "--top", "1"}, &out), 0);
  json r = json::parse(out);
  EXPECT_EQ(r["total"], 2);
  ASSERT_EQ(r["ranking"].size(), 1u);
  EXPECT_EQ(r["ranking"][0]["id"], "P1");
  // P1 damaged [0,100): H1 down [72,100) = 28 h x 350,000.
  EXPECT_EQ(r["ranking"][0]["population_hours"], 350000 * 28);
}

TEST_F(AnalysisCli, RankOnTheRealNetworkIsTheSameOnOneAndTwoThreads) {
  const auto real = testing::real_network_dir();
  if (real.empty()) GTEST_SKIP() << "../shared/data/real/network is absent";
  std::string one, two, csv;
  ASSERT_EQ(run_cipms({"rank", "--network", (real / "network.json").string(), "--threads", "1"}, &one), 0);
  ASSERT_EQ(run_cipms({"rank", "--network", (real / "network.json").string(), "--threads", "2"}, &two), 0);
  ASSERT_EQ(run_cipms({"rank", "--facilities", (real / "facilities.csv").string(), "--dependencies",
                       (real / "dependencies.csv").string(), "--threads", "2"}, &csv), 0);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, csv);
  EXPECT_GT(json::parse(one)["total"].get<int>(), 300);
}

TEST_F(AnalysisCli, SimulateAndRankReadTheStoredRegistry) {
  const std::string db = (dir_ / "demo.db").string();
  std::string out;
  ASSERT_EQ(run_cipms({"demo", "--db", db, "--facilities", "300"}, &out), 0);
  ASSERT_EQ(run_cipms({"rank", "--db", db, "--top", "3"}, &out), 0);
  json r = json::parse(out);
  ASSERT_EQ(r["ranking"].size(), 3u);
  const std::string top = r["ranking"][0]["id"];
  ASSERT_EQ(run_cipms({"simulate", "--db", db, "--scenario",
                       write("s.json", R"({"horizon_hours": 168, "events": [{"facility": ")" + top +
                                           R"(", "down_at": 0, "repair_hours": 168}]})")},
                      &out), 0);
  json s = json::parse(out);
  // The ranking's figure is the simulation's, minus the damaged facility itself.
  EXPECT_EQ(s["summary"]["facilities_down"].get<std::int64_t>() - 1, r["ranking"][0]["facilities_down"]);
  EXPECT_EQ(run_cipms({"rank", "--db", (dir_ / "nope.db").string()}, &out), 2);
}

}  // namespace
}  // namespace cipms
