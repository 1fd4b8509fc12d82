// Network import/export against a real SQLite file: through NetworkService and through the
// cipms binary. Every failing import is followed by a look at the database: nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cipms/domain/seed.h"
#include "cipms/services/network_io.h"
#include "cipms/services/network_service.h"
#include "support/paths.h"

namespace cipms {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026};

constexpr const char* kBase = R"({"facilities": [
  {"id": "P1", "sector": "energy", "subsector": "electricity", "lat": 24.2, "lon": 120.5, "loss_per_hour": 2e6,
   "mtpd_hours": 2, "name": "一號電廠", "provider": "TPC"},
  {"id": "P2", "sector": "energy", "subsector": "electricity", "lat": 24.3, "lon": 120.6},
  {"id": "H1", "sector": "emergency_hospital", "subsector": "hospital", "lat": 24.1, "lon": 120.6,
   "population": 350000, "mtpd_hours": 4}],
 "dependencies": [{"consumer": "H1", "resource": "electricity", "suppliers": ["P1", "P2"], "backup_hours": 72}]})";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

struct CliRun {
  int status;
  std::string out, err;
};

CliRun run_cli(const fs::path& dir, const std::string& args) {
  fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::string cmd = "'" + testing::cipms_binary() + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read(out), read(err)};
}

// A network of n facilities (F00000...) in a chain, each depending on the previous one.
std::string chain_json(int n, int bad_row = -1) {
  std::string s = R"({"facilities": [)";
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "F%05d", i);
    s += std::string(i ? "," : "") + R"({"id": ")" + id +
         R"(", "sector": "water", "subsector": "water_supply", "lat": )" + (i == bad_row ? "95" : "23.5") +
         R"(, "lon": 120.9})";
  }
  s += R"(], "dependencies": [)";
  for (int i = 1; i < n; ++i) {
    char id[16], prev[16];
    std::snprintf(id, sizeof id, "F%05d", i);
    std::snprintf(prev, sizeof prev, "F%05d", i - 1);
    s += std::string(i > 1 ? "," : "") + R"({"consumer": ")" + id + R"(", "resource": "water", "suppliers": [")" +
         prev + R"("]})";
  }
  return s + "]}";
}

class NetworkImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("network_import");
    db_path_ = dir_ / "cipms.db";
    auto db = Database::open("sqlite:" + db_path_.string());
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ctx_.db = std::shared_ptr<Database>(std::move(db).value());
    ctx_.clock = std::make_shared<ManualClock>(kT0);
    ASSERT_TRUE(ctx_.db->migrate().is_ok());
    auto s = ctx_.db->session();
    ASSERT_TRUE(s.is_ok());
    Organisation tpc;
    tpc.code = "TPC";
    tpc.name = "台灣電力公司";
    ASSERT_TRUE((*s)->create_organisation(tpc, kT0).is_ok());
  }
  void TearDown() override {
    ctx_.db.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  NetworkSnapshot snapshot() {
    auto s = NetworkService(ctx_).snapshot();
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    return s.is_ok() ? *s : NetworkSnapshot{};
  }
  void import_base() {
    auto r = NetworkService(ctx_).import_json(kBase, ImportMode::kReplace);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->facilities_created, 3);
    EXPECT_EQ(r->dependencies_written, 1);
  }

  fs::path dir_, db_path_;
  ServiceContext ctx_;
};

TEST_F(NetworkImport, JsonImportStoresEveryFieldAndExportsTheSameNetwork) {
  import_base();
  NetworkSnapshot net = snapshot();
  ASSERT_EQ(net.facilities.size(), 3u);
  auto parsed = parse_network_json(kBase, builtin_taxonomy());
  ASSERT_TRUE(parsed.is_ok());
  auto exported = NetworkService(ctx_).export_as(ExportFormat::kJson);
  ASSERT_TRUE(exported.is_ok());
  EXPECT_EQ(*exported, network_to_json(*parsed));
  EXPECT_THAT(*exported, HasSubstr(R"("provider":"TPC")"));
}

TEST_F(NetworkImport, EachKindOfBadInputFailsWithItsPlaceAndWritesNothing) {
  import_base();
  const std::string before = network_to_json(snapshot());
  struct Case {
    std::string text, pointer;
    Code code;
  };
  const std::string fac = R"({"id": "N1", "sector": "energy", "subsector": "electricity")";
  std::vector<Case> cases = {
      {R"({"facilities": [)", "line 1, column 17", Code::kInvalidArgument},
      {R"({"facilities": [{"id": "N1", "sector": 3, "subsector": "electricity"}]})", "/facilities/0/sector",
       Code::kInvalidArgument},
      {R"({"facilities": [{"id": "N1", "sector": "energy", "subsector": "nuclear"}]})", "/facilities/0/subsector",
       Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(, "lat": 24, "lon": 200}]})", "/facilities/0/lon", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + "}, " + fac + R"(}]})", "/facilities/1/id", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(, "provider": "NOBODY"}]})", "/facilities/0/provider", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(}], "dependencies": [{"consumer": "N1", "resource": "electricity",
          "suppliers": ["GHOST"]}]})",
       "/dependencies/0/suppliers/0", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(}], "dependencies": [{"consumer": "N1", "resource": "electricity",
          "suppliers": ["P1", "P2"], "min_up": 3}]})",
       "/dependencies/0/min_up", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(}], "dependencies": [{"consumer": "N1", "resource": "electricity",
          "suppliers": ["P1"], "backup_hours": -1}]})",
       "/dependencies/0/backup_hours", Code::kUnprocessable},
      {R"({"facilities": [)" + fac + R"(, "min-up": 1}]})", "/facilities/0/min-up", Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    auto r = NetworkService(ctx_).import_json(c.text, ImportMode::kMerge);
    ASSERT_FALSE(r.is_ok()) << c.text;
    EXPECT_EQ(r.status().code(), c.code) << r.status().to_string();
    ASSERT_FALSE(r.status().errors().empty());
    EXPECT_EQ(r.status().errors()[0].pointer, c.pointer) << r.status().to_string();
    EXPECT_EQ(network_to_json(snapshot()), before) << "written by " << c.text;
  }
}

TEST_F(NetworkImport, TenThousandRowsWithOneBadRowWriteNone) {
  import_base();
  auto bad = NetworkService(ctx_).import_json(chain_json(10000, 7777), ImportMode::kMerge);
  ASSERT_FALSE(bad.is_ok());
  ASSERT_EQ(bad.status().errors().size(), 1u);
  EXPECT_EQ(bad.status().errors()[0].pointer, "/facilities/7777/lat");
  EXPECT_EQ(snapshot().facilities.size(), 3u);
  EXPECT_EQ(snapshot().dependencies.size(), 1u);
  // The same file without the bad row goes in whole.
  auto good = NetworkService(ctx_).import_json(chain_json(10000), ImportMode::kMerge);
  ASSERT_TRUE(good.is_ok()) << good.status().to_string();
  EXPECT_EQ(good->facilities_created, 10000);
  EXPECT_EQ(snapshot().facilities.size(), 10003u);
  EXPECT_EQ(snapshot().dependencies.size(), 10000u);
}

TEST_F(NetworkImport, MergeUpdatesByIdAndMayReferToRegistryFacilities) {
  import_base();
  auto r = NetworkService(ctx_).import_json(R"({"facilities": [
      {"id": "P1", "sector": "energy", "subsector": "electricity", "lat": 24.2, "lon": 120.5, "loss_per_hour": 5},
      {"id": "W1", "sector": "water", "subsector": "water_supply", "population": 1000}],
    "dependencies": [{"consumer": "W1", "resource": "electricity", "suppliers": ["P2", "P1"]}]})",
                                            ImportMode::kMerge);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->facilities_created, 1);
  EXPECT_EQ(r->facilities_updated, 1);
  NetworkSnapshot net = snapshot();
  ASSERT_EQ(net.facilities.size(), 4u);
  for (const auto& f : net.facilities) {
    if (f.code == "P1") {
      EXPECT_EQ(f.loss_per_hour, 5);
    }
  }
  EXPECT_EQ(net.dependencies.size(), 2u);  // H1's is kept, W1's added
}

TEST_F(NetworkImport, ReplaceDropsTheOldNetworkAndCannotReferToIt) {
  import_base();
  const std::string w1 = R"({"facilities": [{"id": "W1", "sector": "water", "subsector": "water_supply"}],
    "dependencies": [{"consumer": "W1", "resource": "electricity", "suppliers": ["P1"]}]})";
  auto dangling = NetworkService(ctx_).import_json(w1, ImportMode::kReplace);
  ASSERT_FALSE(dangling.is_ok());
  EXPECT_EQ(dangling.status().errors().at(0).pointer, "/dependencies/0/suppliers/0");
  EXPECT_EQ(snapshot().facilities.size(), 3u);
  auto r = NetworkService(ctx_).import_json(R"({"facilities": [{"id": "W1", "sector": "water",
      "subsector": "water_supply"}]})",
                                            ImportMode::kReplace);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  NetworkSnapshot net = snapshot();
  ASSERT_EQ(net.facilities.size(), 1u);
  EXPECT_EQ(net.facilities[0].code, "W1");
  EXPECT_TRUE(net.dependencies.empty());
}

TEST_F(NetworkImport, CsvImportMatchesJsonImport) {
  auto parsed = parse_network_json(kBase, builtin_taxonomy());
  ASSERT_TRUE(parsed.is_ok());
  auto r = NetworkService(ctx_).import_csv(facilities_to_csv(*parsed), dependencies_to_csv(*parsed),
                                           ImportMode::kReplace);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(network_to_json(snapshot()), network_to_json(*parsed));
}

TEST_F(NetworkImport, DemoLoadsWithItsOrganisationsAndTwiceGivesTheSameNetwork) {
  NetworkService svc(ctx_);
  auto first = svc.load_demo({3000, 5});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->facilities_created, 3000);
  std::string once = network_to_json(snapshot());
  auto second = svc.load_demo({3000, 5});
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(network_to_json(snapshot()), once);
  EXPECT_EQ(once, network_to_json(generate_demo_network({3000, 5})));
  auto s = ctx_.db->session();
  ASSERT_TRUE(s.is_ok());
  OrgFilter all;
  all.limit = 1000;
  auto orgs = (*s)->list_organisations(all);
  ASSERT_TRUE(orgs.is_ok());
  EXPECT_EQ(orgs->total, static_cast<std::int64_t>(demo_organisations().size()));  // TPC existed already
}

// ---- the binary ----

TEST_F(NetworkImport, CliImportsJsonAndCsvAndExportsAllFormats) {
  write(dir_ / "network.json", kBase);
  std::string db = " --db '" + db_path_.string() + "' ";
  CliRun imp = run_cli(dir_, "import" + db + "'" + (dir_ / "network.json").string() + "'");
  ASSERT_EQ(imp.status, 0) << imp.err;
  EXPECT_THAT(imp.out, HasSubstr("3 facilities created"));

  CliRun json = run_cli(dir_, "export" + db + "--format json");
  ASSERT_EQ(json.status, 0) << json.err;
  auto parsed = parse_network_json(kBase, builtin_taxonomy());
  EXPECT_EQ(json.out, network_to_json(*parsed));

  CliRun geo = run_cli(dir_, "export" + db + "--format geojson --out '" + (dir_ / "net.geojson").string() + "'");
  ASSERT_EQ(geo.status, 0) << geo.err;
  EXPECT_THAT(read(dir_ / "net.geojson"), HasSubstr("FeatureCollection"));

  CliRun no_dir = run_cli(dir_, "export" + db + "--format csv");
  EXPECT_EQ(no_dir.status, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("--out DIR"));

  CliRun csv = run_cli(dir_, "export" + db + "--format csv --out '" + (dir_ / "csv").string() + "'");
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(read(dir_ / "csv" / "facilities.csv"), facilities_to_csv(*parsed));

  // Back in through the CSV pair, replacing: the same network.
  CliRun again = run_cli(dir_, "import" + db + "--replace '" + (dir_ / "csv" / "facilities.csv").string() + "' '" +
                                (dir_ / "csv" / "dependencies.csv").string() + "'");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(network_to_json(snapshot()), network_to_json(*parsed));
}

TEST_F(NetworkImport, CliBadCsvOfTenThousandRowsPrintsThePlaceExitsTwoAndWritesNothing) {
  import_base();
  auto net = parse_network_json(chain_json(10000), builtin_taxonomy());
  ASSERT_TRUE(net.is_ok());
  std::string fac = facilities_to_csv(*net);
  // Facility F04321 is on line 4323 (header, then sorted ids from F00000); break its longitude.
  auto pos = fac.find("F04321,water,water_supply,23.5,120.9");
  ASSERT_NE(pos, std::string::npos);
  fac.replace(fac.find("120.9", pos), 5, "east");
  write(dir_ / "fac.csv", fac);
  write(dir_ / "dep.csv", dependencies_to_csv(*net));
  CliRun r = run_cli(dir_, "import --db '" + db_path_.string() + "' '" + (dir_ / "fac.csv").string() + "' '" +
                            (dir_ / "dep.csv").string() + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("fac.csv line 4323, column lon: must be a number, not 'east'"));
  EXPECT_EQ(snapshot().facilities.size(), 3u);
  EXPECT_EQ(snapshot().dependencies.size(), 1u);
}

TEST_F(NetworkImport, CliDemoAndDbCommandsWork) {
  fs::path fresh = dir_ / "sub" / "demo.db";
  CliRun migrate = run_cli(dir_, "db migrate --db '" + fresh.string() + "'");
  ASSERT_EQ(migrate.status, 0) << migrate.err;
  CliRun version = run_cli(dir_, "db version --db '" + fresh.string() + "'");
  ASSERT_EQ(version.status, 0) << version.err;
  EXPECT_GE(std::stoi(version.out), 1);
  CliRun demo = run_cli(dir_, "demo --db '" + fresh.string() + "' --facilities 1200 --seed 9");
  ASSERT_EQ(demo.status, 0) << demo.err;
  EXPECT_THAT(demo.out, HasSubstr("1200 facilities"));
  CliRun json = run_cli(dir_, "export --db '" + fresh.string() + "'");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_EQ(json.out, network_to_json(generate_demo_network({1200, 9})));
  CliRun missing = run_cli(dir_, "export --db '" + (dir_ / "nope.db").string() + "'");
  EXPECT_EQ(missing.status, 2);
  EXPECT_FALSE(fs::exists(dir_ / "nope.db"));
}

}  // namespace
}  // namespace cipms
