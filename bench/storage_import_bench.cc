// Times Session::import_network (replace mode) of a synthetic network into a fresh SQLite
// file, then load_network of the same file. Prints one JSON object per line.
//   storage_import_bench [--facilities N] [--edges-per-facility E] [--dir DIR] [--keep]
// Own simple generator (not the demo one) so the figure depends only on the storage layer:
// N facilities in 8 sectors with 20 providers; each facility consumes 2 resources, each from
// E/2 distinct other facilities (k = 1), so about N*E supplier edges.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_set>

#include <sys/resource.h>
#include <unistd.h>

#include "cipms/storage/store.h"

using namespace cipms;
namespace fs = std::filesystem;

namespace {

NetworkSnapshot generate(long n, int edges_per_facility, std::uint64_t seed) {
  static const char* kSectors[][2] = {
      {"energy", "electricity"}, {"water", "water_supply"}, {"communications", "telecom"},
      {"transportation", "rail"}, {"finance", "banking"}, {"emergency_hospital", "hospital"},
      {"government", "central_government"}, {"industrial_parks", "science_park"}};
  static const char* kCounties[] = {"63000", "64000", "65000", "66000", "67000", "68000"};
  static const char* kResources[] = {"electricity", "telecom", "water", "fuel"};
  std::mt19937_64 rng(seed);
  NetworkSnapshot net;
  net.facilities.resize(n);
  net.provider_codes.resize(n);
  net.authority_codes.resize(n);
  for (long i = 0; i < n; ++i) {
    Facility& f = net.facilities[i];
    const auto& s = kSectors[i % 8];
    f.code = "F" + std::to_string(1000000 + i);
    f.name = "設施" + std::to_string(i);
    f.name_en = "Facility " + std::to_string(i);
    f.sector = s[0];
    f.subsector = s[1];
    f.type = "type_" + std::to_string(i % 23);
    f.county_code = kCounties[rng() % 6];
    f.address = "No. " + std::to_string(i % 500) + ", Some Road";
    f.lat = 22.0 + (rng() % 3000) / 1000.0;
    f.lon = 120.0 + (rng() % 2000) / 1000.0;
    f.population = static_cast<long>(rng() % 100000);
    f.loss_per_hour = static_cast<double>(rng() % 1000000);
    if (i % 3 == 0) f.mtpd_hours = 4;
    f.cii = i % 10 == 0;
    if (i % 4 == 0) f.grade = 1 + static_cast<int>(i % 3);
    net.provider_codes[i] = "ORG" + std::to_string(i % 20);
  }
  const int per_dep = std::max(1, edges_per_facility / 2);
  net.dependencies.reserve(n * 2);
  for (long i = 0; i < n; ++i) {
    for (int r = 0; r < 2; ++r) {
      NetworkSnapshot::Dep d;
      d.consumer = net.facilities[i].code;
      d.resource = kResources[(i + r) % 4];
      d.backup_hours = (i % 5) * 4.0;
      std::unordered_set<long> used{i};
      while (static_cast<int>(d.suppliers.size()) < per_dep && static_cast<long>(used.size()) < n) {
        long s = static_cast<long>(rng() % n);
        if (used.insert(s).second) d.suppliers.push_back(net.facilities[s].code);
      }
      if (d.suppliers.empty()) continue;
      d.min_up = 1;
      net.dependencies.push_back(std::move(d));
    }
  }
  return net;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU seconds (user + system) of this process: on a shared machine the wall time also
// measures the neighbours.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::uintmax_t size_or_zero(const fs::path& p) {
  std::error_code ec;
  auto s = fs::file_size(p, ec);
  return ec ? 0 : s;
}

int fail(const Status& s) {
  std::fprintf(stderr, "storage_import_bench: %s\n", s.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 1000000;
  int e = 6;
  fs::path dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--facilities" && i + 1 < argc) n = std::atol(argv[++i]);
    else if (a == "--edges-per-facility" && i + 1 < argc) e = std::atoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--keep") keep = true;
    else {
      std::fprintf(stderr, "usage: %s [--facilities N] [--edges-per-facility E] [--dir DIR] [--keep]\n",
                   argv[0]);
      return 2;
    }
  }
  if (dir.empty()) dir = fs::temp_directory_path() / ("cipms_import_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "bench.db";
  fs::remove(file);
  fs::remove(file.string() + "-wal");
  fs::remove(file.string() + "-shm");

  auto t = std::chrono::steady_clock::now();
  NetworkSnapshot net = generate(n, e, 42);
  long edges = 0;
  for (const auto& d : net.dependencies) edges += static_cast<long>(d.suppliers.size());
  std::printf("{\"bench\":\"storage_generate\",\"facilities\":%ld,\"dependencies\":%zu,\"edges\":%ld,"
              "\"seconds\":%.3f}\n",
              n, net.dependencies.size(), edges, seconds_since(t));
  std::fflush(stdout);

  auto db = Database::open("sqlite:" + file.string());
  if (!db.is_ok()) return fail(db.status());
  if (auto v = db.value()->migrate(); !v.is_ok()) return fail(v.status());
  auto s = db.value()->session();
  if (!s.is_ok()) return fail(s.status());
  auto& session = *s.value();
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (int i = 0; i < 20; ++i) {
    Organisation o;
    o.code = "ORG" + std::to_string(i);
    o.name = o.name_en = o.code;
    if (auto r = session.create_organisation(o, now); !r.is_ok()) return fail(r.status());
  }

  t = std::chrono::steady_clock::now();
  double cpu = cpu_seconds();
  auto counts = session.import_network(net, ImportMode::kReplace, now);
  const double import_s = seconds_since(t), import_cpu = cpu_seconds() - cpu;
  if (!counts.is_ok()) return fail(counts.status());
  std::printf("{\"bench\":\"storage_import\",\"backend\":\"sqlite\",\"mode\":\"replace\","
              "\"facilities\":%ld,\"dependencies\":%ld,\"edges\":%ld,\"seconds\":%.3f,"
              "\"cpu_seconds\":%.3f,\"db_bytes\":%ju,\"wal_bytes\":%ju}\n",
              static_cast<long>(counts->facilities_created), static_cast<long>(counts->dependencies_written),
              edges, import_s, import_cpu, size_or_zero(file), size_or_zero(file.string() + "-wal"));
  std::fflush(stdout);

  t = std::chrono::steady_clock::now();
  cpu = cpu_seconds();
  auto back = session.load_network();
  const double load_s = seconds_since(t), load_cpu = cpu_seconds() - cpu;
  if (!back.is_ok()) return fail(back.status());
  long back_edges = 0;
  for (const auto& d : back->dependencies) back_edges += static_cast<long>(d.suppliers.size());
  std::printf("{\"bench\":\"storage_load_network\",\"backend\":\"sqlite\",\"facilities\":%zu,"
              "\"edges\":%ld,\"seconds\":%.3f,\"cpu_seconds\":%.3f}\n",
              back->facilities.size(), back_edges, load_s, load_cpu);
  if (back->facilities.size() != static_cast<std::size_t>(n) || back_edges != edges) {
    std::fprintf(stderr, "storage_import_bench: load_network returned a different network\n");
    return 1;
  }
  s.value().reset();
  db.value().reset();
  if (!keep) fs::remove_all(dir);
  return 0;
}
