// `cipms backup` / `cipms restore` on both back ends: the demo network survives a round trip
// exactly, and bad input (missing, corrupt or foreign file) exits 2 and leaves the target as
// it was. PostgreSQL runs on the test server of support/postgres_server.h.
#include <gtest/gtest.h>

#include <ostream>

#include <filesystem>
#include <fstream>

#include "cipms/storage/store.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace cipms {
namespace {

namespace fs = std::filesystem;
using testing::run_cipms;

struct Backend {
  std::string name;
  // A new, empty database's URL (the path of a file in `dir` for SQLite).
  std::function<std::string(const fs::path& dir, const std::string& name)> fresh;
};
// Test names and ctest listings show the back end by name, not the bytes of the struct.
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

std::vector<Backend> backends() {
  return {
      {"sqlite", [](const fs::path& dir, const std::string& n) { return (dir / (n + ".db")).string(); }},
      {"postgresql",
       [](const fs::path&, const std::string&) {
         auto& server = testing::PostgresServer::instance();
         std::string url = server.create_database();
         EXPECT_FALSE(url.empty()) << server.error();
         return url;
       }},
  };
}

struct Counts {
  std::size_t facilities = 0, dependencies = 0, edges = 0;
  std::int64_t revision = -1;
};

class BackupRoundTrip : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("cipms-backup-test"); }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string demo_db(const std::string& name, int facilities) {
    std::string url = GetParam().fresh(dir_, name);
    std::string out;
    EXPECT_EQ(run_cipms({"db", "migrate", "--db", url}, &out), 0) << out;
    EXPECT_EQ(run_cipms({"demo", "--db", url, "--facilities", std::to_string(facilities)}, &out), 0)
        << out;
    return url;
  }
  NetworkSnapshot load(const std::string& url, Counts* counts = nullptr) {
    auto db = Database::open(url);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    if (!db.is_ok()) return {};
    auto s = (*db)->session();
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    if (!s.is_ok()) return {};
    auto net = (*s)->load_network();
    EXPECT_TRUE(net.is_ok()) << net.status().to_string();
    if (!net.is_ok()) return {};
    if (counts) {
      counts->facilities = net->facilities.size();
      counts->dependencies = net->dependencies.size();
      counts->edges = 0;
      for (const auto& d : net->dependencies) counts->edges += d.suppliers.size();
      auto rev = (*s)->registry_revision();
      counts->revision = rev.is_ok() ? *rev : -1;
    }
    return std::move(net).value();
  }
  static void expect_equal(const NetworkSnapshot& a, const NetworkSnapshot& b) {
    ASSERT_EQ(a.facilities.size(), b.facilities.size());
    for (std::size_t i = 0; i < a.facilities.size(); ++i) {
      const Facility &x = a.facilities[i], &y = b.facilities[i];
      ASSERT_EQ(x.code, y.code);
      EXPECT_EQ(x.id, y.id);
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.name_en, y.name_en);
      EXPECT_EQ(x.sector, y.sector);
      EXPECT_EQ(x.lat, y.lat);
      EXPECT_EQ(x.lon, y.lon);
      EXPECT_EQ(x.population, y.population);
      EXPECT_EQ(x.loss_per_hour, y.loss_per_hour);
      EXPECT_EQ(x.grade, y.grade);
      EXPECT_EQ(x.version, y.version);
      EXPECT_EQ(x.updated_at, y.updated_at);
    }
    EXPECT_EQ(a.provider_codes, b.provider_codes);
    EXPECT_EQ(a.authority_codes, b.authority_codes);
    ASSERT_EQ(a.dependencies.size(), b.dependencies.size());
    for (std::size_t i = 0; i < a.dependencies.size(); ++i) {
      EXPECT_EQ(a.dependencies[i].consumer, b.dependencies[i].consumer);
      EXPECT_EQ(a.dependencies[i].resource, b.dependencies[i].resource);
      EXPECT_EQ(a.dependencies[i].suppliers, b.dependencies[i].suppliers);
      EXPECT_EQ(a.dependencies[i].min_up, b.dependencies[i].min_up);
      EXPECT_EQ(a.dependencies[i].backup_hours, b.dependencies[i].backup_hours);
    }
  }

  fs::path dir_;
};

TEST_P(BackupRoundTrip, DemoNetworkRestoresExactlyIntoANewDatabase) {
  const std::string src = demo_db("src", 600);
  Counts before;
  NetworkSnapshot original = load(src, &before);
  ASSERT_GT(before.facilities, 0u);
  ASSERT_GT(before.dependencies, 0u);

  const std::string file = (dir_ / "backup.bin").string();
  std::string out;
  ASSERT_EQ(run_cipms({"backup", "--db", src, "--out", file}, &out), 0) << out;
  ASSERT_TRUE(fs::is_regular_file(file));

  const std::string dst = GetParam().fresh(dir_, "dst");
  ASSERT_EQ(run_cipms({"restore", "--db", dst, "--in", file}, &out), 0) << out;
  Counts after;
  NetworkSnapshot restored = load(dst, &after);
  EXPECT_EQ(after.facilities, before.facilities);
  EXPECT_EQ(after.dependencies, before.dependencies);
  EXPECT_EQ(after.edges, before.edges);
  EXPECT_EQ(after.revision, before.revision);
  expect_equal(original, restored);
}

TEST_P(BackupRoundTrip, RestoreOverAChangedDatabaseBringsBackTheBackedUpState) {
  const std::string db = demo_db("db", 300);
  NetworkSnapshot original = load(db);
  const std::string file = (dir_ / "backup.bin").string();
  std::string out;
  ASSERT_EQ(run_cipms({"backup", "--db", db, "--out", file}, &out), 0) << out;
  // Wipe: a different, smaller network replaces the registry.
  ASSERT_EQ(run_cipms({"demo", "--db", db, "--facilities", "100", "--seed", "7"}, &out), 0) << out;
  ASSERT_NE(load(db).facilities.size(), original.facilities.size());
  ASSERT_EQ(run_cipms({"restore", "--db", db, "--in", file}, &out), 0) << out;
  expect_equal(original, load(db));
}

TEST_P(BackupRoundTrip, MissingOrCorruptBackupExitsWithStatus2AndLeavesTheTargetUnchanged) {
  const std::string db = demo_db("db", 200);
  Counts before;
  NetworkSnapshot original = load(db, &before);
  std::string out;
  EXPECT_EQ(run_cipms({"restore", "--db", db, "--in", (dir_ / "nope.bin").string()}, &out), 2);

  const fs::path corrupt = dir_ / "corrupt.bin";
  {
    std::ofstream f(corrupt, std::ios::binary);
    for (int i = 0; i < 100000; ++i) f.put(static_cast<char>((i * 7919) % 251));
  }
  EXPECT_EQ(run_cipms({"restore", "--db", db, "--in", corrupt.string()}, &out), 2);

  // A real backup with its middle overwritten.
  const fs::path damaged = dir_ / "damaged.bin";
  ASSERT_EQ(run_cipms({"backup", "--db", db, "--out", damaged.string()}, &out), 0) << out;
  {
    std::fstream f(damaged, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(fs::file_size(damaged) / 3));
    for (int i = 0; i < 4096; ++i) f.put('\x5a');
  }
  EXPECT_EQ(run_cipms({"restore", "--db", db, "--in", damaged.string()}, &out), 2);

  Counts after;
  NetworkSnapshot now = load(db, &after);
  EXPECT_EQ(after.facilities, before.facilities);
  EXPECT_EQ(after.revision, before.revision);
  expect_equal(original, now);
}

TEST_P(BackupRoundTrip, BackupOfAMissingDatabaseOrIntoAMissingFolderExitsWithStatus2) {
  std::string out;
  const std::string db = demo_db("db", 50);
  EXPECT_EQ(run_cipms({"backup", "--db", db, "--out", (dir_ / "no" / "such" / "dir.bin").string()}, &out), 2);
  if (GetParam().name == "sqlite") {
    EXPECT_EQ(run_cipms({"backup", "--db", (dir_ / "absent.db").string(), "--out",
                         (dir_ / "x.bin").string()}, &out), 2);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupRoundTrip, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& i) { return i.param.name; });

}  // namespace
}  // namespace cipms
