// Full cascade on a 1,000,000-facility / ~6,000,000-edge synthetic network with ~1% of the
// facilities damaged at t=0 (random repairs within 0-120 h, horizon 168 h), one thread,
// against a plain breadth-first traversal from the same damaged facilities over the same CSR.
// Prints JSON lines. Usage: cascade_bench [facilities=1000000] [repeats=3]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_network.h"
#include "cipms/sim/cascade.h"

using namespace cipms;

int main(int argc, char** argv) {
  const std::int32_t n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  double rss0, peak0;
  bench::rss_mb(&rss0, &peak0);
  auto t0 = std::chrono::steady_clock::now();
  graph::DependencyGraph g = bench::synthetic_network(n);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double horizon = 168;
  double rss_graph, peak;
  bench::rss_mb(&rss_graph, &peak);
  std::printf("{\"bench\":\"cascade_network\",\"facilities\":%d,\"dependencies\":%d,\"supplier_edges\":%lld,"
              "\"build_s\":%.3f,\"graph_mb\":%.1f}\n",
              g.num_nodes(), g.num_deps(), static_cast<long long>(g.num_supplier_edges()), build_s,
              g.memory_bytes() / 1048576.0);

  sim::CascadeEngine engine(g);
  // "random": 1% of all facilities; "sources": every source (the 1% at the top of the supply
  // chain), the hard case for the engine: much of the network goes down and comes back.
  for (const char* kind : {"random", "sources"}) {
    std::mt19937_64 rng(7);
    std::vector<sim::DamageEvent> events;
    for (std::int32_t i = 0; i < n / 100; ++i) {
      const std::int32_t v = kind[0] == 'r' ? static_cast<std::int32_t>(rng() % n) : i;
      events.push_back({v, 0.0, static_cast<double>(1 + rng() % 120)});
    }
    double best_engine = 1e99, best_bfs = 1e99;
    std::size_t outages = 0;
    std::int64_t reached = 0;
    sim::CascadeStats stats;
    for (int r = 0; r < repeats; ++r) {
      auto a = std::chrono::steady_clock::now();
      sim::CascadeResult res = engine.run(events, horizon);
      best_engine = std::min(best_engine, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
      outages = res.outages.size();
      stats = engine.last_stats();

      // Plain BFS over supplier -> dependency -> consumer from the damaged facilities.
      a = std::chrono::steady_clock::now();
      std::vector<std::uint8_t> seen(g.num_nodes(), 0);
      std::vector<std::int32_t> queue;
      queue.reserve(g.num_nodes());
      for (const auto& e : events)
        if (!seen[e.node]) { seen[e.node] = 1; queue.push_back(e.node); }
      for (std::size_t i = 0; i < queue.size(); ++i)
        for (std::int32_t d : g.supplied(queue[i])) {
          const std::int32_t c = g.consumer(d);
          if (!seen[c]) { seen[c] = 1; queue.push_back(c); }
        }
      best_bfs = std::min(best_bfs, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
      reached = static_cast<std::int64_t>(queue.size());
    }
    std::printf("{\"bench\":\"cascade_vs_bfs\",\"scenario\":\"%s\",\"damaged_events\":%zu,\"horizon\":%.0f,"
                "\"engine_s\":%.3f,\"bfs_s\":%.3f,\"ratio\":%.2f,\"outages\":%zu,\"instants\":%lld,"
                "\"touched_nodes\":%lld,\"touched_deps\":%lld,\"loop_rounds\":%lld,\"loop_region\":%lld,"
                "\"bfs_reached\":%lld}\n",
                kind, events.size(), horizon, best_engine, best_bfs, best_engine / best_bfs, outages,
                static_cast<long long>(stats.instants), static_cast<long long>(stats.touched_nodes),
                static_cast<long long>(stats.touched_deps), static_cast<long long>(stats.loop_rounds),
                static_cast<long long>(stats.loop_region), static_cast<long long>(reached));
  }
  double rss, peak_all;
  bench::rss_mb(&rss, &peak_all);
  std::printf("{\"bench\":\"cascade_memory\",\"rss_mb\":%.1f,\"peak_rss_mb\":%.1f,\"rss_before_mb\":%.1f}\n", rss,
              peak_all, rss0);
  return 0;
}
