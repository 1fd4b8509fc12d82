// Criticality ranking: all facilities of a 100,000-facility synthetic network on 2 threads,
// and the work per ranked facility (touched nodes + dependencies, facilities down) on networks
// of 10k, 100k and 1M facilities, sampled, to show it follows the affected part, not the size.
// Prints JSON lines. Usage: rank_bench [facilities=100000] [threads=2]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "bench_network.h"
#include "cipms/sim/cascade.h"

using namespace cipms;

int main(int argc, char** argv) {
  const std::int32_t n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  {
    graph::DependencyGraph g = bench::synthetic_network(n);
    sim::NodeWeights w;
    std::mt19937_64 rng(3);
    for (std::int32_t v = 0; v < n; ++v) {
      w.population.push_back(static_cast<double>(rng() % 10000));
      w.loss_per_hour.push_back(static_cast<double>(rng() % 1000000));
      w.mtpd_hours.push_back(static_cast<double>(rng() % 72));
    }
    sim::RankOptions opt;
    opt.horizon = 168;
    opt.threads = threads;
    auto a = std::chrono::steady_clock::now();
    auto rows = sim::rank_all(g, w, opt);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    std::int64_t work = 0, down = 0;
    for (const auto& r : rows) {
      work += r.work;
      down += r.facilities_down;
    }
    std::printf("{\"bench\":\"rank_all\",\"facilities\":%d,\"supplier_edges\":%lld,\"threads\":%d,\"seconds\":%.2f,"
                "\"mean_work\":%.1f,\"mean_down\":%.2f,\"top\":%d,\"top_population_hours\":%.0f}\n",
                n, static_cast<long long>(g.num_supplier_edges()), threads, s,
                static_cast<double>(work) / n, static_cast<double>(down) / n, rows[0].node, rows[0].population_hours);
  }
  for (std::int32_t size : {10000, 100000, 1000000}) {
    graph::DependencyGraph g = bench::synthetic_network(size);
    sim::CascadeEngine engine(g);
    std::mt19937_64 rng(5);
    const int samples = 2000;
    std::int64_t work = 0, down = 0;
    auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < samples; ++i) {
      const sim::DamageEvent ev{static_cast<std::int32_t>(rng() % size), 0, 168};
      auto r = engine.run({&ev, 1}, 168);
      work += engine.last_stats().touched_nodes + engine.last_stats().touched_deps;
      down += static_cast<std::int64_t>(r.outages.size());
    }
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count() / samples;
    std::printf("{\"bench\":\"rank_work_per_facility\",\"facilities\":%d,\"sampled\":%d,\"mean_work\":%.1f,"
                "\"mean_down\":%.2f,\"work_per_down\":%.2f,\"us_per_facility\":%.1f}\n",
                size, samples, static_cast<double>(work) / samples, static_cast<double>(down) / samples,
                static_cast<double>(work) / std::max<std::int64_t>(1, down), us);
  }
  return 0;
}
