// Registry import benchmark: generates the demo network (services/demo.h), imports it into a
// fresh SQLite file through Session::import_network, reads it back with load_network, and
// prints one JSON object per line (machine-readable; see docs/performance.md).
//   import_bench [--facilities N] [--seed S] [--dir DIR] [--keep]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "cipms/services/demo.h"
#include "cipms/services/network_io.h"
#include "cipms/storage/store.h"

using namespace cipms;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

int die(const char* what, const Status& st) {
  std::fprintf(stderr, "import_bench: %s: %s\n", what, st.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  DemoOptions opt{1'000'000, 1};
  std::string dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--facilities" && i + 1 < argc) opt.facilities = std::atoll(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) opt.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--keep") keep = true;
    else {
      std::fprintf(stderr, "usage: import_bench [--facilities N] [--seed S] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  if (dir.empty()) dir = (fs::temp_directory_path() / ("import_bench_" + std::to_string(::getpid()))).string();
  fs::create_directories(dir);
  const fs::path db_path = fs::path(dir) / "bench.db";
  fs::remove(db_path);

  auto t0 = std::chrono::steady_clock::now();
  NetworkSnapshot net = generate_demo_network(opt);
  const double gen_s = seconds_since(t0);
  std::size_t edges = 0;
  for (const auto& d : net.dependencies) edges += d.suppliers.size();
  std::printf(R"({"bench":"demo_generate","facilities":%zu,"dependencies":%zu,"supplier_edges":%zu,"seconds":%.3f})"
              "\n",
              net.facilities.size(), net.dependencies.size(), edges, gen_s);
  std::fflush(stdout);

  auto db = Database::open("sqlite:" + db_path.string());
  if (!db.is_ok()) return die("open", db.status());
  if (auto v = (*db)->migrate(); !v.is_ok()) return die("migrate", v.status());
  auto session = (*db)->session();
  if (!session.is_ok()) return die("session", session.status());
  Session& s = **session;
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const Organisation& o : demo_organisations())
    if (auto r = s.create_organisation(o, now); !r.is_ok()) return die("organisation", r.status());

  t0 = std::chrono::steady_clock::now();
  auto counts = s.import_network(net, ImportMode::kReplace, now);
  const double import_s = seconds_since(t0);
  if (!counts.is_ok()) return die("import_network", counts.status());
  std::printf(R"({"bench":"registry_import","backend":"sqlite","facilities":%lld,"dependencies":%lld,)"
              R"("supplier_edges":%zu,"seconds":%.3f,"db_mb":%.1f,"target_seconds":30})"
              "\n",
              static_cast<long long>(counts->facilities_created + counts->facilities_updated),
              static_cast<long long>(counts->dependencies_written), edges, import_s,
              static_cast<double>(fs::file_size(db_path)) / 1e6);
  std::fflush(stdout);

  t0 = std::chrono::steady_clock::now();
  auto loaded = s.load_network();
  const double load_s = seconds_since(t0);
  if (!loaded.is_ok()) return die("load_network", loaded.status());
  std::printf(R"({"bench":"registry_load","facilities":%zu,"dependencies":%zu,"seconds":%.3f})"
              "\n",
              loaded->facilities.size(), loaded->dependencies.size(), load_s);

  t0 = std::chrono::steady_clock::now();
  std::string text = network_to_json(*loaded);
  const double write_s = seconds_since(t0);
  std::printf(R"({"bench":"network_json_write","bytes":%zu,"seconds":%.3f,"peak_rss_mb":%ld})"
              "\n",
              text.size(), write_s, peak_rss_mb());
  session->reset();
  db.value().reset();
  if (!keep) fs::remove_all(dir);
  return 0;
}
