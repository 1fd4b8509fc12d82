// PostgreSQL registry import benchmark, the counterpart of import_bench.cc: generates the demo
// network (services/demo.h), imports it through Session::import_network (replace mode, COPY
// path) into the database at --db, reads it back with load_network, and prints one JSON
// object per line (docs/performance.md, "PostgreSQL"). The database must exist; it is
// migrated here and its registry replaced.
//   pg_import_bench --db postgresql://USER@HOST:PORT/DB [--facilities N] [--seed S]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cipms/services/demo.h"
#include "cipms/storage/store.h"

using namespace cipms;

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
  std::fprintf(stderr, "pg_import_bench: %s: %s\n", what, st.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  DemoOptions opt{1'000'000, 1};
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--facilities" && i + 1 < argc) opt.facilities = std::atoll(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) opt.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--db" && i + 1 < argc) url = argv[++i];
    else url.clear(), i = argc;
  }
  if (url.rfind("postgres", 0) != 0) {
    std::fprintf(stderr, "usage: pg_import_bench --db postgresql://... [--facilities N] [--seed S]\n");
    return 2;
  }

  auto t0 = std::chrono::steady_clock::now();
  NetworkSnapshot net = generate_demo_network(opt);
  std::size_t edges = 0;
  for (const auto& d : net.dependencies) edges += d.suppliers.size();
  std::printf(R"({"bench":"demo_generate","facilities":%zu,"dependencies":%zu,"supplier_edges":%zu,"seconds":%.3f})"
              "\n",
              net.facilities.size(), net.dependencies.size(), edges, seconds_since(t0));
  std::fflush(stdout);

  auto db = Database::open(url);
  if (!db.is_ok()) return die("open", db.status());
  if (auto v = (*db)->migrate(); !v.is_ok()) return die("migrate", v.status());
  auto session = (*db)->session();
  if (!session.is_ok()) return die("session", session.status());
  Session& s = **session;
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const Organisation& o : demo_organisations())
    if (!s.find_organisation_by_code(o.code).is_ok())
      if (auto r = s.create_organisation(o, now); !r.is_ok()) return die("organisation", r.status());

  t0 = std::chrono::steady_clock::now();
  auto counts = s.import_network(net, ImportMode::kReplace, now);
  const double import_s = seconds_since(t0);
  if (!counts.is_ok()) return die("import_network", counts.status());
  std::printf(R"({"bench":"registry_import","backend":"postgresql","facilities":%lld,"dependencies":%lld,)"
              R"("supplier_edges":%zu,"seconds":%.3f,"target_seconds":30})"
              "\n",
              static_cast<long long>(counts->facilities_created + counts->facilities_updated),
              static_cast<long long>(counts->dependencies_written), edges, import_s);
  std::fflush(stdout);

  t0 = std::chrono::steady_clock::now();
  auto loaded = s.load_network();
  const double load_s = seconds_since(t0);
  if (!loaded.is_ok()) return die("load_network", loaded.status());
  std::printf(R"({"bench":"registry_load","backend":"postgresql","facilities":%zu,"dependencies":%zu,)"
              R"("seconds":%.3f,"peak_rss_mb":%ld})"
              "\n",
              loaded->facilities.size(), loaded->dependencies.size(), load_s, peak_rss_mb());
  return 0;
}
