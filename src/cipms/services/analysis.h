// The analysis use cases: maps a NetworkSnapshot onto the engine graph (the only place where
// facilities become graph nodes), runs cascade scenarios and the criticality ranking, and
// writes their results JSON exactly as docs/cascade-model.md shows.
//
// Nodes are numbered in facility-id order, dependencies in snapshot order, so results are
// sorted by id and ties in the ranking break by id. An AnalysisNetwork is immutable once
// built and may be shared by threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/graph/csr.h"
#include "cipms/services/context.h"
#include "cipms/services/scenario_io.h"
#include "cipms/sim/cascade.h"
#include "cipms/storage/store.h"

namespace cipms {

struct AnalysisNetwork {
  graph::DependencyGraph graph;
  sim::NodeWeights weights;
  std::vector<std::string> ids;        // node -> facility code, ascending
  std::vector<std::string> resources;  // dependency -> resource
  std::unordered_map<std::string, std::int32_t> index;  // facility code -> node
};

// kUnprocessable naming "/dependencies/N/..." when the snapshot is inconsistent (unknown
// facility, duplicate id or supplier, min_up out of range, negative backup).
Result<std::shared_ptr<const AnalysisNetwork>> build_analysis_network(const NetworkSnapshot& net);

// The registry's network and its revision, from the database of `ctx`.
Result<NetworkSnapshot> load_registry_network(const ServiceContext& ctx);
Result<std::int64_t> load_registry_revision(const ServiceContext& ctx);

// Runs the scenario (its facilities must exist: parse it with net.index as the lookup) and
// returns the results JSON: facilities (sorted by id, merged outages with cause "damaged" or
// "dependency:<resource>", downtime_hours, exceeded_mtpd), summary, timeline.
Result<std::string> simulate_to_json(const AnalysisNetwork& net, const Scenario& scenario);

struct RankedFacility {
  std::string id;
  double population_hours = 0;
  std::int64_t facilities_down = 0;
  std::int64_t exceeded_mtpd = 0;
  double economic_loss = 0;
};

struct Ranking {
  double horizon_hours = 168;
  std::vector<RankedFacility> rows;  // rank order
};

struct RankingOptions {
  double horizon_hours = 168;
  int threads = 1;
  std::function<void(double)> progress;  // 0..1, from worker threads
  const std::atomic<bool>* cancel = nullptr;
};

// kInvalidArgument for a negative or non-finite horizon or threads < 1.
Result<Ranking> rank_facilities(const AnalysisNetwork& net, const RankingOptions& opt);

// {"horizon_hours": H, "total": N, "offset": O, "limit": L, "ranking": [{"rank": 1, "id": ...,
//  "population_hours", "facilities_down", "exceeded_mtpd", "economic_loss"}]}.
// limit < 0: all rows from offset.
std::string ranking_to_json(const Ranking& r, std::int64_t offset = 0, std::int64_t limit = -1);

}  // namespace cipms
