// The time-dependent cascade of docs/cascade-model.md on a graph::DependencyGraph, and the
// criticality ranking built on it.
//
// Semantics (the contract, implemented exactly): a node is damaged during each of its events
// [down_at, down_at + repair_hours); a dependency is satisfied when >= min_up suppliers are
// up; its remaining backup resets to backup_hours while satisfied and burns only while the
// consumer is up and it is unsatisfied; the up set at each instant is the LARGEST set with
// every member undamaged and each of its dependencies satisfied or with remaining backup > 0;
// all changes of one instant are applied together (a supplier restored at the instant a
// backup runs out is in time). Results are clipped to [0, horizon).
//
// CascadeEngine is event-driven: up-supplier counters per dependency, a heap of backup
// expiries with generation counters (lazy deletion), down-propagation for losses, and for
// recoveries forward propagation plus, once it runs dry, one optimistic expand-and-prune for
// all loop seeds of the round together, restricted to their strongly connected components and
// to nodes that could recover at all (loops that can run again come back together). State is
// reset only where a run touched it, so one engine can run many small scenarios cheaply.
// An engine is not thread-safe; use one per thread over a shared graph.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/graph/csr.h"

namespace cipms::sim {

// One damage of a node, in hours from the scenario start.
struct DamageEvent {
  std::int32_t node = 0;
  double down_at = 0;
  double repair_hours = 0;
};

// A maximal interval during which `node` was down, clipped to [0, horizon).
struct Outage {
  static constexpr std::int32_t kDamaged = -1;
  std::int32_t node = 0;
  double start = 0, end = 0;
  // kDamaged when the node was damaged when the outage began; otherwise the dependency
  // (graph index) that failed: the first of the node's dependencies (in order) that was
  // unsatisfied without remaining backup at that instant.
  std::int32_t cause = kDamaged;
};

// The number of nodes down from t on (an entry at every instant where that number changes).
struct TimelinePoint {
  double t = 0;
  std::int64_t down = 0;
};

struct CascadeResult {
  std::vector<Outage> outages;  // sorted by node, then start
  std::vector<TimelinePoint> timeline;
};

// Per-run work counters (for benchmarks and the proportional-work claim).
struct CascadeStats {
  std::int64_t instants = 0;
  std::int64_t touched_nodes = 0;  // distinct nodes whose state was modified
  std::int64_t touched_deps = 0;   // distinct dependencies whose state was modified
  std::int64_t loop_rounds = 0;    // batched loop recoveries (at most a few per instant)
  std::int64_t loop_region = 0;    // nodes assumed up by them, summed over rounds
};

// Checks events against the graph: node in range, finite and non-negative times, finite
// non-negative horizon. kInvalidArgument naming the event index.
Status validate_events(const graph::DependencyGraph& g, std::span<const DamageEvent> events,
                       double horizon);

class CascadeEngine {
 public:
  // `g` must outlive the engine. Allocates O(nodes + dependencies) state once.
  explicit CascadeEngine(const graph::DependencyGraph& g);

  // Runs one scenario. Events must pass validate_events (checked: aborts otherwise).
  // Work is proportional to the part of the network the scenario affects.
  CascadeResult run(std::span<const DamageEvent> events, double horizon);
  const CascadeStats& last_stats() const { return stats_; }

 private:
  enum Mode : std::uint8_t { kSatisfied, kBurning, kPaused };
  struct Expiry {
    double t;
    std::int32_t dep;
    std::uint32_t gen;
    bool operator>(const Expiry& o) const { return t > o.t || (t == o.t && dep > o.dep); }
  };

  bool covered(std::int32_t d, double t) const;
  bool dep_ok(std::int32_t d, double t) const;
  bool node_ok(std::int32_t v, double t) const;
  void touch_node(std::int32_t v);
  void touch_dep(std::int32_t d);
  void set_down(std::int32_t v);
  void set_up(std::int32_t v);
  void process_instant(double t);
  bool could_recover(std::int32_t v, double t) const;
  void recover_loops(double t);
  void enqueue_consumer(std::int32_t d);
  void next_instant_stamp();
  void finalize_instant(double t, CascadeResult& out);
  void reset_touched();

  const graph::DependencyGraph& g_;
  // Node state.
  std::vector<std::uint8_t> up_;
  std::vector<std::int32_t> damage_;      // active damage events
  std::vector<std::uint32_t> node_stamp_;  // instant of first touch in this instant
  std::vector<std::uint8_t> prev_up_;      // status at the start of the current instant
  std::vector<std::uint8_t> prev_damaged_;
  std::vector<std::uint32_t> ev_stamp_, queued_;
  std::vector<double> outage_start_;
  std::vector<std::int32_t> outage_cause_;
  std::vector<std::uint8_t> node_dirty_;
  std::vector<std::int32_t> dirty_nodes_;
  // Dependency state.
  std::vector<std::int32_t> cnt_;          // suppliers currently (tentatively) up
  std::vector<Mode> mode_;
  std::vector<double> time_;               // kBurning: expiry instant; kPaused: remaining hours
  std::vector<std::uint32_t> gen_;
  std::vector<std::uint32_t> dep_stamp_;
  std::vector<std::uint8_t> dep_dirty_;
  std::vector<std::int32_t> dirty_deps_;
  // Per-instant work lists.
  std::uint32_t instant_ = 0;
  std::vector<std::int32_t> inst_nodes_, inst_deps_;
  std::vector<std::int32_t> newly_damaged_, repaired_, expired_;
  std::vector<std::int32_t> work_, seeds_, region_, stack_, ev_;
  std::vector<std::uint32_t> region_stamp_;
  std::uint32_t region_gen_ = 0;
  std::vector<Expiry> heap_;  // min-heap on t (std::push_heap with std::greater)
  std::int64_t down_count_ = 0;
  CascadeStats stats_;
};

// Facility weights for summaries and ranking, indexed like the graph's nodes.
struct NodeWeights {
  std::vector<double> population;     // people losing service while down
  std::vector<double> loss_per_hour;  // economic loss per hour down
  std::vector<double> mtpd_hours;     // maximum tolerable disruption; < 0 or NaN = none
};

struct CascadeSummary {
  std::int64_t facilities_down = 0;  // nodes down at some time
  std::int64_t peak_down = 0;
  double population_hours = 0;
  double economic_loss = 0;
  std::int64_t exceeded_mtpd = 0;  // nodes with one outage longer than their MTPD
};

// `exclude` (>= 0) leaves one node out of every figure (the ranked node itself).
CascadeSummary summarize(const CascadeResult& r, const NodeWeights& w, std::int32_t exclude = -1);

struct RankEntry {
  std::int32_t node = 0;
  double population_hours = 0;
  std::int64_t facilities_down = 0;
  std::int64_t exceeded_mtpd = 0;
  double economic_loss = 0;
  std::int64_t work = 0;  // touched nodes + touched dependencies of its scenario
};

struct RankOptions {
  double horizon = 168;
  int threads = 1;                                  // >= 1
  std::function<void(double)> progress;             // 0..1, called from worker threads
  const std::atomic<bool>* cancel = nullptr;        // stop early when set
};

// For every node f: f damaged on [0, horizon); impact on the OTHER nodes. Sorted by
// population-hours desc, then facilities down desc, then node index asc (callers number
// nodes in id order). Output is identical for any thread count.
std::vector<RankEntry> rank_all(const graph::DependencyGraph& g, const NodeWeights& w,
                                const RankOptions& opt);

}  // namespace cipms::sim
