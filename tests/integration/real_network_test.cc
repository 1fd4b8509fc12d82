// The real Taiwanese facilities of ../shared/data/real/network/ (345 facilities, 329 synthetic
// dependencies): they load unchanged, through the importer into SQLite and back out through
// every export format. The same data checks that the demo generator's geography looks like
// Taiwan. Skipped, with a message, where that folder is absent (a user's clone).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cipms/domain/seed.h"
#include "cipms/services/demo.h"
#include "cipms/services/network_io.h"
#include "cipms/services/network_service.h"
#include "support/paths.h"

namespace cipms {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define REQUIRE_REAL_DATA()                                                              \
  if (testing::real_network_dir().empty())                                               \
  GTEST_SKIP() << "../shared/data/real/network is absent: real-data checks skipped"

// Every field of the file's records equals the parsed snapshot's.
void expect_same_as_file(const json& file, const NetworkSnapshot& net) {
  ASSERT_EQ(net.facilities.size(), file["facilities"].size());
  std::map<std::string, const Facility*> by_code;
  for (const auto& f : net.facilities) by_code[f.code] = &f;
  ASSERT_EQ(by_code.size(), net.facilities.size());
  for (const json& r : file["facilities"]) {
    const std::string id = r["id"];
    ASSERT_TRUE(by_code.count(id)) << id;
    const Facility& f = *by_code[id];
    EXPECT_EQ(f.sector, r["sector"]) << id;
    EXPECT_EQ(f.subsector, r["subsector"]) << id;
    EXPECT_EQ(*f.lat, r["lat"].get<double>()) << id;
    EXPECT_EQ(*f.lon, r["lon"].get<double>()) << id;
    EXPECT_EQ(f.population, r["population"].get<std::int64_t>()) << id;
    EXPECT_EQ(f.loss_per_hour, r["loss_per_hour"].get<double>()) << id;
    EXPECT_FALSE(f.mtpd_hours.has_value()) << id;
    EXPECT_EQ(f.name, r["name"]) << id;
    EXPECT_EQ(f.name_en, r["name_en"]) << id;
    EXPECT_EQ(f.type, r["type"]) << id;
    EXPECT_EQ(f.county_code, r["county_code"]) << id;
  }
  ASSERT_EQ(net.dependencies.size(), file["dependencies"].size());
  std::multimap<std::string, const NetworkSnapshot::Dep*> deps;
  for (const auto& d : net.dependencies) deps.emplace(d.consumer + "|" + d.resource, &d);
  for (const json& r : file["dependencies"]) {
    auto range = deps.equal_range(r["consumer"].get<std::string>() + "|" + r["resource"].get<std::string>());
    ASSERT_EQ(std::distance(range.first, range.second), 1) << r.dump();
    const auto& d = *range.first->second;
    EXPECT_EQ(d.suppliers, r["suppliers"].get<std::vector<std::string>>()) << r.dump();
    EXPECT_EQ(d.min_up, r["min_up"].get<int>()) << r.dump();
    EXPECT_EQ(d.backup_hours, r["backup_hours"].get<double>()) << r.dump();
  }
}

TEST(RealNetwork, JsonAndCsvPairLoadWithNoErrorsAndAgree) {
  REQUIRE_REAL_DATA();
  fs::path dir = testing::real_network_dir();
  json file = json::parse(read(dir / "network.json"));
  auto net = parse_network_json(read(dir / "network.json"), builtin_taxonomy());
  ASSERT_TRUE(net.is_ok()) << net.status().to_string();
  EXPECT_EQ(net->facilities.size(), 345u);
  EXPECT_EQ(net->dependencies.size(), 329u);
  expect_same_as_file(file, *net);
  auto csv = parse_network_csv(read(dir / "facilities.csv"), read(dir / "dependencies.csv"), builtin_taxonomy());
  ASSERT_TRUE(csv.is_ok()) << csv.status().to_string();
  expect_same_as_file(file, *csv);
  EXPECT_EQ(network_to_json(*csv), network_to_json(*net));
}

class RealNetworkDb : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::real_network_dir().empty()) GTEST_SKIP() << "../shared/data/real/network is absent";
    tmp_ = testing::make_temp_dir("real_network");
    auto db = Database::open("sqlite:" + (tmp_ / "cipms.db").string());
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ctx_.db = std::shared_ptr<Database>(std::move(db).value());
    ctx_.clock = system_clock();
    ASSERT_TRUE(ctx_.db->migrate().is_ok());
  }
  void TearDown() override {
    ctx_.db.reset();
    if (!tmp_.empty() && !HasFailure()) fs::remove_all(tmp_);
  }
  // Exports json and the CSV pair and checks each re-reads as the file.
  void expect_exports_equal_file(const json& file) {
    NetworkService svc(ctx_);
    auto exported = svc.export_as(ExportFormat::kJson);
    ASSERT_TRUE(exported.is_ok()) << exported.status().to_string();
    auto again = parse_network_json(*exported, builtin_taxonomy());
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    expect_same_as_file(file, *again);
    auto fac = svc.export_as(ExportFormat::kFacilitiesCsv);
    auto dep = svc.export_as(ExportFormat::kDependenciesCsv);
    ASSERT_TRUE(fac.is_ok() && dep.is_ok());
    auto csv = parse_network_csv(*fac, *dep, builtin_taxonomy());
    ASSERT_TRUE(csv.is_ok()) << csv.status().to_string();
    expect_same_as_file(file, *csv);
    auto geo = svc.export_as(ExportFormat::kGeoJson);
    ASSERT_TRUE(geo.is_ok());
    EXPECT_EQ(json::parse(*geo)["features"].size(), 345u);
  }
  fs::path tmp_;
  ServiceContext ctx_;
};

TEST_F(RealNetworkDb, NetworkJsonImportsUnchangedAndRoundTripsThroughEveryExport) {
  fs::path dir = testing::real_network_dir();
  auto counts = NetworkService(ctx_).import_json(read(dir / "network.json"), ImportMode::kReplace);
  ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  EXPECT_EQ(counts->facilities_created, 345);
  EXPECT_EQ(counts->dependencies_written, 329);
  expect_exports_equal_file(json::parse(read(dir / "network.json")));
}

TEST_F(RealNetworkDb, CsvPairImportsUnchangedAndRoundTripsThroughEveryExport) {
  fs::path dir = testing::real_network_dir();
  auto counts = NetworkService(ctx_).import_csv(read(dir / "facilities.csv"), read(dir / "dependencies.csv"),
                                                ImportMode::kReplace);
  ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  EXPECT_EQ(counts->facilities_created, 345);
  EXPECT_EQ(counts->dependencies_written, 329);
  expect_exports_equal_file(json::parse(read(dir / "network.json")));
}

// ---- the demo generator against the real geography ----

double km(double lat1, double lon1, double lat2, double lon2) {
  const double r = 6371, d = 3.14159265358979 / 180;
  double a = std::pow(std::sin((lat2 - lat1) * d / 2), 2) +
             std::cos(lat1 * d) * std::cos(lat2 * d) * std::pow(std::sin((lon2 - lon1) * d / 2), 2);
  return 2 * r * std::asin(std::sqrt(a));
}

TEST(DemoVsReal, DemoSitesLieWhereTaiwansRealFacilitiesAre) {
  REQUIRE_REAL_DATA();
  auto real = parse_network_json(read(testing::real_network_dir() / "network.json"), builtin_taxonomy());
  ASSERT_TRUE(real.is_ok());
  NetworkSnapshot demo = generate_demo_network({});
  // Bounding box of the real facilities with a county (Dongsha, far out at sea, has none).
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  std::map<std::string, std::pair<double, double>> real_sum, demo_sum;
  std::map<std::string, int> real_n, demo_n;
  for (const auto& f : real->facilities) {
    if (f.county_code.empty()) continue;
    min_lat = std::min(min_lat, *f.lat), max_lat = std::max(max_lat, *f.lat);
    min_lon = std::min(min_lon, *f.lon), max_lon = std::max(max_lon, *f.lon);
    real_sum[f.county_code].first += *f.lat, real_sum[f.county_code].second += *f.lon, ++real_n[f.county_code];
  }
  for (const auto& f : demo.facilities) {
    EXPECT_GE(*f.lat, min_lat - 0.1) << f.code;
    EXPECT_LE(*f.lat, max_lat + 0.1) << f.code;
    EXPECT_GE(*f.lon, min_lon - 0.1) << f.code;
    EXPECT_LE(*f.lon, max_lon + 0.1) << f.code;
    demo_sum[f.county_code].first += *f.lat, demo_sum[f.county_code].second += *f.lon, ++demo_n[f.county_code];
  }
  // Each county's demo sites are centred near its real facilities (within 35 km), for all 22.
  EXPECT_EQ(real_n.size(), 22u);
  for (const auto& [county, n] : real_n) {
    ASSERT_GT(demo_n[county], 0) << county;
    double rl = real_sum[county].first / n, ro = real_sum[county].second / n;
    double dl = demo_sum[county].first / demo_n[county], d_o = demo_sum[county].second / demo_n[county];
    EXPECT_LT(km(rl, ro, dl, d_o), 35) << "county " << county;
  }
}

TEST(DemoVsReal, NamedAirportsAndPortsSitAtRealOnesAndTheMixIsComparable) {
  REQUIRE_REAL_DATA();
  auto real = parse_network_json(read(testing::real_network_dir() / "network.json"), builtin_taxonomy());
  ASSERT_TRUE(real.is_ok());
  NetworkSnapshot demo = generate_demo_network({});
  auto nearest = [&](const Facility& f, const std::string& subsector) {  // km
    double best = 1e9;
    for (const auto& r : real->facilities)
      if (r.subsector == subsector) best = std::min(best, km(*f.lat, *f.lon, *r.lat, *r.lon));
    return best;
  };
  std::map<std::string, int> demo_types, real_types;
  for (const auto& f : demo.facilities) {
    ++demo_types[f.subsector == "aviation" && f.type.find("airport") != std::string::npos ? "airport" : f.type];
    if (f.type.find("airport") != std::string::npos) {
      EXPECT_LT(nearest(f, "aviation"), 5) << f.code << " " << f.name_en;
    }
  }
  // Every real port has a demo port beside it (the demo also has ports the source lacks).
  for (const auto& r : real->facilities) {
    if (r.type != "port") continue;
    double best = 1e9;
    for (const auto& f : demo.facilities)
      if (f.type == "port") best = std::min(best, km(*f.lat, *f.lon, *r.lat, *r.lon));
    EXPECT_LT(best, 20) << r.code << " " << r.name_en;
  }
  for (const auto& r : real->facilities)
    ++real_types[r.type.find("airport") != std::string::npos ? "airport" : r.type];
  // Same order of magnitude as the real inventory (which lists only what open data has).
  for (const char* t : {"power_plant", "railway_station", "weather_station", "port", "airport"}) {
    double ratio = static_cast<double>(demo_types[t]) / real_types[t];
    EXPECT_GT(ratio, 0.4) << t << ": demo " << demo_types[t] << ", real " << real_types[t];
    EXPECT_LT(ratio, 3.0) << t << ": demo " << demo_types[t] << ", real " << real_types[t];
  }
}

}  // namespace
}  // namespace cipms
