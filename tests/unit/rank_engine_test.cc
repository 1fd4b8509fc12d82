// Criticality ranking: hand-computed, against the reference, and thread-count independence.
#include <gtest/gtest.h>

#include "cascade_reference.h"

namespace cipms {
namespace {

using reftest::RefNet;

struct Row {
  int node;
  double pop_hours;
  std::int64_t down, mtpd;
  bool operator==(const Row&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "{" << r.node << " " << r.pop_hours << " " << r.down << " " << r.mtpd << "}";
}

std::vector<Row> rows(const std::vector<sim::RankEntry>& r) {
  std::vector<Row> out;
  for (const auto& e : r) out.push_back({e.node, e.population_hours, e.facilities_down, e.exceeded_mtpd});
  return out;
}

TEST(Rank, OrdersByPopulationHoursThenFacilitiesDownThenIndex) {
  // P=0 supplies S=1 (no backup) and H=2 (10 h backup); S supplies T=3 (no backup).
  RefNet net{4, {{1, {0}, 1, 0}, {2, {0}, 1, 10}, {3, {1}, 1, 0}}};
  graph::DependencyGraph g = reftest::to_graph(net);
  sim::NodeWeights w{{0, 100, 1000, 50}, {0, 0, 0, 0}, {-1, -1, 5, -1}};
  sim::RankOptions opt;
  opt.horizon = 100;
  // P: S down 100 h (100*100), T 100 h (50*100), H down [10,100) 90 h (1000*90) -> 105000,
  //    3 down, H's 90 h > 5 h MTPD. S: T down 100 h -> 5000. H, T: nothing.
  EXPECT_EQ(rows(sim::rank_all(g, w, opt)),
            (std::vector<Row>{{0, 105000, 3, 1}, {1, 5000, 1, 0}, {2, 0, 0, 0}, {3, 0, 0, 0}}));
}

TEST(Rank, OneAndTwoThreadsGiveIdenticalOutput) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) {
    RefNet net = reftest::random_net(rng, 40);
    graph::DependencyGraph g = reftest::to_graph(net);
    sim::NodeWeights w;
    for (int v = 0; v < net.n; ++v) {
      w.population.push_back(std::uniform_int_distribution<int>(0, 1000)(rng));
      w.loss_per_hour.push_back(std::uniform_int_distribution<int>(0, 10)(rng) * 0.1);
      w.mtpd_hours.push_back(std::uniform_int_distribution<int>(-1, 8)(rng));
    }
    sim::RankOptions one, two;
    one.horizon = two.horizon = 24;
    one.threads = 1;
    two.threads = 2;
    auto a = sim::rank_all(g, w, one), b = sim::rank_all(g, w, two);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].node, b[k].node);
      EXPECT_EQ(a[k].population_hours, b[k].population_hours);  // bitwise, not approximately
      EXPECT_EQ(a[k].economic_loss, b[k].economic_loss);
      EXPECT_EQ(a[k].facilities_down, b[k].facilities_down);
      EXPECT_EQ(a[k].exceeded_mtpd, b[k].exceeded_mtpd);
    }
  }
}

TEST(Rank, MatchesReferenceOnSmallRandomNetworks) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) {
    RefNet net = reftest::random_net(rng, 9);
    graph::DependencyGraph g = reftest::to_graph(net);
    sim::NodeWeights w;
    for (int v = 0; v < net.n; ++v) {
      w.population.push_back(std::uniform_int_distribution<int>(0, 3)(rng));
      w.loss_per_hour.push_back(0);
      w.mtpd_hours.push_back(std::uniform_int_distribution<int>(-1, 6)(rng));
    }
    const double horizon = std::uniform_int_distribution<int>(0, 12)(rng);
    std::vector<Row> want;
    for (int f = 0; f < net.n; ++f) {
      sim::CascadeResult r = reftest::ref_simulate(net, {{f, 0, horizon}}, horizon);
      Row row{f, 0, 0, 0};
      for (int v = 0; v < net.n; ++v) {
        if (v == f) continue;
        bool down = false, exceeded = false;
        for (const auto& o : r.outages) {
          if (o.node != v) continue;
          down = true;
          row.pop_hours += w.population[v] * (o.end - o.start);
          if (w.mtpd_hours[v] >= 0 && o.end - o.start > w.mtpd_hours[v]) exceeded = true;
        }
        row.down += down;
        row.mtpd += exceeded;
      }
      want.push_back(row);
    }
    std::stable_sort(want.begin(), want.end(), [](const Row& a, const Row& b) {
      return a.pop_hours != b.pop_hours ? a.pop_hours > b.pop_hours : a.down > b.down;
    });
    sim::RankOptions opt;
    opt.horizon = horizon;
    opt.threads = 2;
    ASSERT_EQ(rows(sim::rank_all(g, w, opt)), want) << "network " << i;
  }
}

TEST(Rank, ReportsProgressUpToOne) {
  RefNet net{3, {{1, {0}, 1, 0}, {2, {1}, 1, 0}}};
  graph::DependencyGraph g = reftest::to_graph(net);
  std::atomic<double> last{0};
  sim::RankOptions opt;
  opt.progress = [&](double p) { last = p; };
  sim::rank_all(g, {}, opt);
  EXPECT_EQ(last.load(), 1.0);
}

}  // namespace
}  // namespace cipms
