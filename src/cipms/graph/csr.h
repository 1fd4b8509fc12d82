// DependencyGraph: a compact, domain-agnostic compressed-sparse-row dependency network.
//
// Nodes are 0..num_nodes()-1 (int32). A "dependency" d is one k-of-n requirement of a
// consumer node: it has n >= 1 distinct supplier nodes, needs min_up of them, and carries a
// backup duration in hours. Edges run supplier -> dependency -> consumer. Three CSR views are
// kept, all with int32 indices: the suppliers of each dependency, the dependencies each node
// consumes (in insertion order: "the first dependency of a node" is well defined), and the
// dependencies each node supplies. Strongly connected components of the node graph are
// precomputed so the cascade engine can restrict loop handling to real loops.
//
// Build with GraphBuilder (validates: indices in range, no duplicate suppliers,
// 1 <= min_up <= suppliers, finite non-negative backup). Immutable afterwards; safe to share
// between threads read-only. Memory: ~4 bytes x 2 per supplier edge + ~32 bytes per dependency.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cipms/base/status.h"

namespace cipms::graph {

class DependencyGraph {
 public:
  DependencyGraph() = default;

  std::int32_t num_nodes() const { return num_nodes_; }
  std::int32_t num_deps() const { return static_cast<std::int32_t>(dep_consumer_.size()); }
  std::int64_t num_supplier_edges() const { return static_cast<std::int64_t>(dep_sup_.size()); }

  std::int32_t consumer(std::int32_t d) const { return dep_consumer_[d]; }
  std::int32_t min_up(std::int32_t d) const { return dep_min_up_[d]; }
  double backup_hours(std::int32_t d) const { return dep_backup_[d]; }
  std::span<const std::int32_t> suppliers(std::int32_t d) const {
    return {dep_sup_.data() + dep_sup_off_[d], dep_sup_.data() + dep_sup_off_[d + 1]};
  }
  // Dependencies consumed by node v, ascending (= insertion order).
  std::span<const std::int32_t> consumed(std::int32_t v) const {
    return {node_in_.data() + node_in_off_[v], node_in_.data() + node_in_off_[v + 1]};
  }
  // Dependencies in which node v is a supplier, ascending.
  std::span<const std::int32_t> supplied(std::int32_t v) const {
    return {node_out_.data() + node_out_off_[v], node_out_.data() + node_out_off_[v + 1]};
  }
  // Strongly connected component of v in the node graph (supplier -> consumer); components
  // are numbered in an arbitrary but deterministic order.
  std::int32_t scc(std::int32_t v) const { return scc_[v]; }
  // True when v lies on a directed cycle (its component has >= 2 nodes or a self-loop).
  bool on_cycle(std::int32_t v) const { return on_cycle_[v] != 0; }

  // Bytes held by the arrays (capacity), for benchmarks.
  std::size_t memory_bytes() const;

 private:
  friend class GraphBuilder;
  std::int32_t num_nodes_ = 0;
  std::vector<std::int32_t> dep_consumer_, dep_min_up_;
  std::vector<double> dep_backup_;
  std::vector<std::int64_t> dep_sup_off_{0};
  std::vector<std::int32_t> dep_sup_;
  std::vector<std::int64_t> node_in_off_, node_out_off_;
  std::vector<std::int32_t> node_in_, node_out_;
  std::vector<std::int32_t> scc_;
  std::vector<std::uint8_t> on_cycle_;
};

// Collects dependencies, then builds the graph. Not thread-safe.
class GraphBuilder {
 public:
  explicit GraphBuilder(std::int32_t num_nodes);
  // Reserves room for `deps` dependencies with `edges` supplier edges in total.
  void reserve(std::int64_t deps, std::int64_t edges);
  // Appends one dependency; its index is the number of dependencies added before it.
  void add_dependency(std::int32_t consumer, std::span<const std::int32_t> suppliers,
                      std::int32_t min_up, double backup_hours);
  // Validates everything added (kInvalidArgument naming the first bad dependency index) and
  // builds the graph. The builder is left empty.
  Result<DependencyGraph> finish();

 private:
  DependencyGraph g_;
};

}  // namespace cipms::graph
