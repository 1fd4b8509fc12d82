// Hand-computed cascades (docs/cascade-model.md), each expectation worked out on paper.
#include <gtest/gtest.h>

#include "cascade_reference.h"
#include "cipms/sim/cascade.h"

namespace cipms {
namespace {

using reftest::RefNet;
using sim::DamageEvent;
using sim::Outage;

struct O {
  int node;
  double start, end;
  int cause;
  bool operator==(const O&) const = default;
};
std::ostream& operator<<(std::ostream& os, const O& o) {
  return os << "{" << o.node << " [" << o.start << "," << o.end << ") cause " << o.cause << "}";
}

std::vector<O> run(const RefNet& net, std::vector<DamageEvent> ev, double horizon,
                   sim::CascadeResult* full = nullptr) {
  graph::DependencyGraph g = reftest::to_graph(net);
  sim::CascadeEngine e(g);
  sim::CascadeResult r = e.run(ev, horizon);
  std::vector<O> out;
  for (const Outage& o : r.outages) out.push_back({o.node, o.start, o.end, o.cause});
  if (full) *full = r;
  return out;
}

constexpr int D = Outage::kDamaged;

// P=0, H=1: H needs electricity from P with 72 h of fuel.
RefNet hospital() { return {2, {{1, {0}, 1, 72}}}; }

TEST(Cascade, HospitalRidesThroughOutageShorterThanBackup) {
  sim::CascadeResult r;
  EXPECT_EQ(run(hospital(), {{0, 0, 48}}, 168, &r), (std::vector<O>{{0, 0, 48, D}}));
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[0].t, 0);
  EXPECT_EQ(r.timeline[0].down, 1);
  EXPECT_EQ(r.timeline[1].t, 48);
  EXPECT_EQ(r.timeline[1].down, 0);
}

TEST(Cascade, HospitalGoesDownWhenFuelRunsOutAndBackWithPower) {
  sim::CascadeResult r;
  EXPECT_EQ(run(hospital(), {{0, 0, 96}}, 168, &r),
            (std::vector<O>{{0, 0, 96, D}, {1, 72, 96, 0}}));
  ASSERT_EQ(r.timeline.size(), 3u);
  EXPECT_EQ(r.timeline[1].t, 72);
  EXPECT_EQ(r.timeline[1].down, 2);
  EXPECT_EQ(r.timeline[2].t, 96);
  EXPECT_EQ(r.timeline[2].down, 0);
}

TEST(Cascade, RepairAtTheInstantTheBackupRunsOutIsInTime) {
  EXPECT_EQ(run({2, {{1, {0}, 1, 10}}}, {{0, 0, 10}}, 100), (std::vector<O>{{0, 0, 10, D}}));
  EXPECT_EQ(run({2, {{1, {0}, 1, 10}}}, {{0, 0, 11}}, 100),
            (std::vector<O>{{0, 0, 11, D}, {1, 10, 11, 0}}));
}

TEST(Cascade, BackupIsRefilledWhileTheResourceIsBack) {
  // P down [0,6), back [6,8), down [8,14): backup 10 is full again at 8, lasts until 18.
  EXPECT_EQ(run(hospital(), {{0, 0, 6}, {0, 8, 6}}, 100),
            (std::vector<O>{{0, 0, 6, D}, {0, 8, 14, D}}));
  EXPECT_EQ(run({2, {{1, {0}, 1, 5}}}, {{0, 0, 4}, {0, 5, 6}}, 100),
            (std::vector<O>{{0, 0, 4, D}, {0, 5, 11, D}, {1, 10, 11, 0}}));
}

TEST(Cascade, ZeroBackupLoopFailsTogetherAndRecoversTogether) {
  // A=1 needs P=0 and B=2; B needs A. No backups.
  RefNet net{3, {{1, {0}, 1, 0}, {1, {2}, 1, 0}, {2, {1}, 1, 0}}};
  EXPECT_EQ(run(net, {{0, 0, 10}}, 50),
            (std::vector<O>{{0, 0, 10, D}, {1, 0, 10, 0}, {2, 0, 10, 2}}));
}

TEST(Cascade, LoopWhoseMembersCanRunStaysUp) {
  RefNet net{2, {{0, {1}, 1, 0}, {1, {0}, 1, 0}}};
  EXPECT_TRUE(run(net, {}, 50).empty());
  // A self-supplying node runs as well.
  EXPECT_TRUE(run({1, {{0, {0}, 1, 0}}}, {}, 50).empty());
}

TEST(Cascade, LoopWithBackupsBurnsOnlyWhileTheConsumerRuns) {
  // A=0 and B=1 need each other with 5 h backups. A damaged [0,3): B burns 3 h, fine.
  RefNet net{2, {{0, {1}, 1, 5}, {1, {0}, 1, 5}}};
  EXPECT_EQ(run(net, {{0, 0, 3}}, 50), (std::vector<O>{{0, 0, 3, D}}));
  // A damaged [0,8): B down at 5. At 8 A's backup for B is full (A never ran without B),
  // so A restarts and B follows at the same instant.
  EXPECT_EQ(run(net, {{0, 0, 8}}, 50), (std::vector<O>{{0, 0, 8, D}, {1, 5, 8, 1}}));
}

TEST(Cascade, BackupDoesNotBurnWhileTheConsumerIsDownForAnotherReason) {
  // H=2 needs P=0 (10 h backup) and Q=1 (none). Q down [0,20), P down [0,30).
  // H is down [0,20) because of Q; its P backup is untouched, lasts [20,30), P is back at 30.
  RefNet net{3, {{2, {0}, 1, 10}, {2, {1}, 1, 0}}};
  EXPECT_EQ(run(net, {{1, 0, 20}, {0, 0, 30}}, 100),
            (std::vector<O>{{0, 0, 30, D}, {1, 0, 20, D}, {2, 0, 20, 1}}));
}

TEST(Cascade, KOfNNeedsMinUpSuppliers) {
  // C=3 needs 2 of {0,1,2}, no backup.
  RefNet net{4, {{3, {0, 1, 2}, 2, 0}}};
  EXPECT_EQ(run(net, {{0, 0, 10}, {1, 5, 10}}, 100),
            (std::vector<O>{{0, 0, 10, D}, {1, 5, 15, D}, {3, 5, 10, 0}}));
  EXPECT_EQ(run(net, {{0, 0, 10}}, 100), (std::vector<O>{{0, 0, 10, D}}));
}

TEST(Cascade, SimultaneousSwapOfAlternativeSuppliersKeepsTheConsumerUp) {
  RefNet net{3, {{2, {0, 1}, 1, 0}}};
  EXPECT_EQ(run(net, {{0, 0, 5}, {1, 5, 5}}, 100), (std::vector<O>{{0, 0, 5, D}, {1, 5, 10, D}}));
}

TEST(Cascade, OverlappingAndTouchingEventsOnOneFacilityMerge) {
  EXPECT_EQ(run(hospital(), {{0, 0, 10}, {0, 5, 15}}, 100), (std::vector<O>{{0, 0, 20, D}}));
  EXPECT_EQ(run(hospital(), {{0, 0, 5}, {0, 5, 5}}, 100), (std::vector<O>{{0, 0, 10, D}}));
  // An outage caused by a dependency that continues as damage keeps its first cause.
  RefNet net{2, {{1, {0}, 1, 0}}};
  EXPECT_EQ(run(net, {{0, 0, 10}, {1, 10, 5}}, 100),
            (std::vector<O>{{0, 0, 10, D}, {1, 0, 15, 0}}));
}

TEST(Cascade, EventsBeyondTheHorizonAreClipped) {
  EXPECT_TRUE(run(hospital(), {{0, 200, 100}}, 168).empty());
  // P down from 100: H would fail at 172, after the horizon.
  EXPECT_EQ(run(hospital(), {{0, 100, 200}}, 168), (std::vector<O>{{0, 100, 168, D}}));
  EXPECT_EQ(run(hospital(), {{0, 168, 1}}, 168), (std::vector<O>{}));
}

TEST(Cascade, HorizonZeroAndEmptyScenarioProduceNothing) {
  sim::CascadeResult r;
  EXPECT_TRUE(run(hospital(), {{0, 0, 96}}, 0, &r).empty());
  EXPECT_TRUE(r.timeline.empty());
  EXPECT_TRUE(run(hospital(), {}, 168, &r).empty());
  EXPECT_TRUE(r.timeline.empty());
  EXPECT_TRUE(run(hospital(), {{0, 3, 0}}, 168, &r).empty());  // zero-length damage
}

TEST(Cascade, EngineIsReusableAcrossRuns) {
  graph::DependencyGraph g = reftest::to_graph(hospital());
  sim::CascadeEngine e(g);
  EXPECT_EQ(e.run(std::vector<DamageEvent>{{0, 0, 96}}, 168).outages.size(), 2u);
  EXPECT_EQ(e.run(std::vector<DamageEvent>{{0, 0, 48}}, 168).outages.size(), 1u);
  EXPECT_EQ(e.run(std::vector<DamageEvent>{{0, 0, 96}}, 168).outages.size(), 2u);
}

TEST(Cascade, SummaryAddsPopulationHoursLossAndMtpd) {
  sim::CascadeResult r;
  run(hospital(), {{0, 0, 96}}, 168, &r);
  sim::NodeWeights w{{0, 350000}, {2e6, 0}, {2, 4}};
  sim::CascadeSummary s = sim::summarize(r, w);
  EXPECT_EQ(s.facilities_down, 2);
  EXPECT_EQ(s.peak_down, 2);
  EXPECT_DOUBLE_EQ(s.population_hours, 350000.0 * 24);
  EXPECT_DOUBLE_EQ(s.economic_loss, 2e6 * 96);
  EXPECT_EQ(s.exceeded_mtpd, 2);
  sim::CascadeSummary without_p = sim::summarize(r, w, 0);
  EXPECT_EQ(without_p.facilities_down, 1);
  EXPECT_DOUBLE_EQ(without_p.economic_loss, 0);
}

TEST(Cascade, ValidateEventsRejectsBadTimesAndNodes) {
  graph::DependencyGraph g = reftest::to_graph(hospital());
  EXPECT_FALSE(sim::validate_events(g, std::vector<DamageEvent>{{2, 0, 1}}, 10).is_ok());
  EXPECT_FALSE(sim::validate_events(g, std::vector<DamageEvent>{{0, -1, 1}}, 10).is_ok());
  EXPECT_FALSE(sim::validate_events(g, std::vector<DamageEvent>{{0, 0, NAN}}, 10).is_ok());
  EXPECT_FALSE(sim::validate_events(g, {}, -1).is_ok());
  EXPECT_TRUE(sim::validate_events(g, std::vector<DamageEvent>{{1, 0, 1}}, 10).is_ok());
}

}  // namespace
}  // namespace cipms
