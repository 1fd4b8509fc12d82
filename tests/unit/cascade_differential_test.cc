// The engine against the reference of cascade_reference.h on thousands of random networks
// (cycles, self-loops, k-of-n, zero and non-zero backups, simultaneous and overlapping
// events). Fixed seeds: deterministic.
#include <gtest/gtest.h>

#include <sstream>

#include "cascade_reference.h"

namespace cipms {
namespace {

std::string describe(const reftest::RefNet& net, const std::vector<sim::DamageEvent>& ev,
                     double horizon) {
  std::ostringstream os;
  os << "n=" << net.n << " horizon=" << horizon << "\n";
  for (std::size_t d = 0; d < net.deps.size(); ++d) {
    os << " dep " << d << ": consumer " << net.deps[d].consumer << " k=" << net.deps[d].min_up
       << " backup=" << net.deps[d].backup << " suppliers";
    for (int s : net.deps[d].suppliers) os << " " << s;
    os << "\n";
  }
  for (const auto& e : ev) os << " event node " << e.node << " at " << e.down_at << " for " << e.repair_hours << "\n";
  return os.str();
}

std::string dump(const sim::CascadeResult& r) {
  std::ostringstream os;
  for (const auto& o : r.outages) os << o.node << "[" << o.start << "," << o.end << ")c" << o.cause << " ";
  os << "| ";
  for (const auto& p : r.timeline) os << p.t << ":" << p.down << " ";
  return os.str();
}

// Loop-heavy network: layered supply chain where `loop_pct`% of dependencies draw their
// suppliers from anywhere (so most nodes share one big strongly connected component), k-of-n,
// zero and non-zero backups.
reftest::RefNet looped_net(std::mt19937_64& rng, int max_nodes, int loop_pct) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  reftest::RefNet net;
  net.n = uni(2, max_nodes);
  const int sources = std::max(1, net.n / 5);
  for (int v = sources; v < net.n; ++v) {
    const int deps = uni(1, 3);
    for (int i = 0; i < deps; ++i) {
      reftest::RefDep d;
      d.consumer = v;
      const bool loop = uni(0, 99) < loop_pct;
      const int pool = loop ? net.n : v;  // below v in the chain, or anywhere
      std::vector<int> all(pool);
      for (int j = 0; j < pool; ++j) all[j] = j;
      std::shuffle(all.begin(), all.end(), rng);
      const int k = uni(1, std::min(3, pool));
      d.suppliers.assign(all.begin(), all.begin() + k);
      d.min_up = uni(0, 3) == 0 ? uni(1, k) : 1;
      d.backup = uni(0, 9) < 5 ? 0 : uni(1, 6);
      net.deps.push_back(d);
    }
  }
  return net;
}

// Many repairs, at different instants and at the same instant: a third to all of the nodes
// damaged, starts and durations from small sets so that boundaries coincide.
std::vector<sim::DamageEvent> many_repairs(std::mt19937_64& rng, int n) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<sim::DamageEvent> ev;
  const int k = uni(n / 3, n + n / 2);
  for (int i = 0; i < k; ++i)
    ev.push_back({uni(0, n - 1), static_cast<double>(uni(0, 2) * uni(0, 4)), static_cast<double>(uni(1, 10))});
  return ev;
}

enum class Kind { kRandom, kLooped };

// Returns the engine's loop-recovery work summed over all runs (to show a test exercises it).
sim::CascadeStats check_seed(std::uint64_t seed, int networks, int max_nodes, Kind kind = Kind::kRandom) {
  sim::CascadeStats sum;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < networks; ++i) {
    reftest::RefNet net =
        kind == Kind::kRandom ? reftest::random_net(rng, max_nodes) : looped_net(rng, max_nodes, 40);
    graph::DependencyGraph g = reftest::to_graph(net);
    sim::CascadeEngine engine(g);
    for (int s = 0; s < 3; ++s) {  // several scenarios per engine: reset must be exact
      std::vector<sim::DamageEvent> ev =
          kind == Kind::kRandom ? reftest::random_events(rng, net.n) : many_repairs(rng, net.n);
      const double horizon = std::uniform_int_distribution<int>(0, 24)(rng);
      const std::string want = dump(reftest::ref_simulate(net, ev, horizon));
      const std::string got = dump(engine.run(ev, horizon));
      EXPECT_EQ(got, want) << "seed " << seed << " network " << i << "\n" << describe(net, ev, horizon);
      if (got != want) return sum;
      sum.loop_rounds += engine.last_stats().loop_rounds;
      sum.loop_region += engine.last_stats().loop_region;
    }
  }
  return sum;
}

TEST(CascadeDifferential, MatchesReferenceOnSmallRandomNetworks) { check_seed(1, 1500, 6); }
TEST(CascadeDifferential, MatchesReferenceOnMediumRandomNetworks) { check_seed(2, 1500, 14); }
TEST(CascadeDifferential, MatchesReferenceOnDenseLoops) { check_seed(3, 1000, 4); }
// Batched loop recovery: big loops, many seeds per instant, repairs at many instants.
TEST(CascadeDifferential, MatchesReferenceOnGiantLoopsWithManyRepairs) {
  const sim::CascadeStats s = check_seed(4, 1500, 24, Kind::kLooped);
  EXPECT_GT(s.loop_rounds, 1000);
  EXPECT_GT(s.loop_region, 2 * s.loop_rounds);  // regions of several nodes, not single seeds
}

}  // namespace
}  // namespace cipms
