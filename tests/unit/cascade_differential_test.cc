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

void check_seed(std::uint64_t seed, int networks, int max_nodes) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < networks; ++i) {
    reftest::RefNet net = reftest::random_net(rng, max_nodes);
    graph::DependencyGraph g = reftest::to_graph(net);
    sim::CascadeEngine engine(g);
    for (int s = 0; s < 3; ++s) {  // several scenarios per engine: reset must be exact
      std::vector<sim::DamageEvent> ev = reftest::random_events(rng, net.n);
      const double horizon = std::uniform_int_distribution<int>(0, 24)(rng);
      const std::string want = dump(reftest::ref_simulate(net, ev, horizon));
      const std::string got = dump(engine.run(ev, horizon));
      ASSERT_EQ(got, want) << "seed " << seed << " network " << i << "\n" << describe(net, ev, horizon);
    }
  }
}

TEST(CascadeDifferential, MatchesReferenceOnSmallRandomNetworks) { check_seed(1, 1500, 6); }
TEST(CascadeDifferential, MatchesReferenceOnMediumRandomNetworks) { check_seed(2, 1500, 14); }
TEST(CascadeDifferential, MatchesReferenceOnDenseLoops) { check_seed(3, 1000, 4); }

}  // namespace
}  // namespace cipms
