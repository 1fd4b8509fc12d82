#include "cipms/graph/csr.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace cipms::graph {

std::size_t DependencyGraph::memory_bytes() const {
  auto b = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return b(dep_consumer_) + b(dep_min_up_) + b(dep_backup_) + b(dep_sup_off_) + b(dep_sup_) +
         b(node_in_off_) + b(node_out_off_) + b(node_in_) + b(node_out_) + b(scc_) +
         b(on_cycle_);
}

GraphBuilder::GraphBuilder(std::int32_t num_nodes) { g_.num_nodes_ = num_nodes; }

void GraphBuilder::reserve(std::int64_t deps, std::int64_t edges) {
  g_.dep_consumer_.reserve(deps);
  g_.dep_min_up_.reserve(deps);
  g_.dep_backup_.reserve(deps);
  g_.dep_sup_off_.reserve(deps + 1);
  g_.dep_sup_.reserve(edges);
}

void GraphBuilder::add_dependency(std::int32_t consumer, std::span<const std::int32_t> suppliers,
                                  std::int32_t min_up, double backup_hours) {
  g_.dep_consumer_.push_back(consumer);
  g_.dep_min_up_.push_back(min_up);
  g_.dep_backup_.push_back(backup_hours);
  g_.dep_sup_.insert(g_.dep_sup_.end(), suppliers.begin(), suppliers.end());
  g_.dep_sup_off_.push_back(static_cast<std::int64_t>(g_.dep_sup_.size()));
}

namespace {

// CSR of `key[i]` -> i for i in [0, key.size()), keeping i ascending within each key.
void bucket(std::int32_t n, const std::vector<std::int32_t>& key, std::vector<std::int64_t>& off,
            std::vector<std::int32_t>& out, const std::vector<std::int32_t>* value = nullptr) {
  off.assign(static_cast<std::size_t>(n) + 1, 0);
  for (std::int32_t k : key) ++off[k + 1];
  for (std::int32_t v = 0; v < n; ++v) off[v + 1] += off[v];
  out.resize(key.size());
  std::vector<std::int64_t> pos(off.begin(), off.end() - 1);
  for (std::size_t i = 0; i < key.size(); ++i)
    out[pos[key[i]]++] = value ? (*value)[i] : static_cast<std::int32_t>(i);
}

}  // namespace

Result<DependencyGraph> GraphBuilder::finish() {
  DependencyGraph g = std::move(g_);
  g_ = DependencyGraph();
  const std::int32_t n = g.num_nodes_;
  const std::int32_t m = g.num_deps();
  if (n < 0) return Status::invalid("negative node count");
  std::vector<std::int32_t> mark(static_cast<std::size_t>(n), -1);
  for (std::int32_t d = 0; d < m; ++d) {
    auto bad = [&](const std::string& what) {
      return Status::invalid("dependency " + std::to_string(d) + ": " + what);
    };
    if (g.dep_consumer_[d] < 0 || g.dep_consumer_[d] >= n) return bad("consumer out of range");
    auto sup = g.suppliers(d);
    if (sup.empty()) return bad("no suppliers");
    for (std::int32_t s : sup) {
      if (s < 0 || s >= n) return bad("supplier out of range");
      if (mark[s] == d) return bad("duplicate supplier");
      mark[s] = d;
    }
    if (g.dep_min_up_[d] < 1 || g.dep_min_up_[d] > static_cast<std::int32_t>(sup.size()))
      return bad("min_up must be between 1 and the number of suppliers");
    if (!std::isfinite(g.dep_backup_[d]) || g.dep_backup_[d] < 0)
      return bad("backup_hours must be finite and >= 0");
  }
  mark.clear();
  mark.shrink_to_fit();

  bucket(n, g.dep_consumer_, g.node_in_off_, g.node_in_);
  {
    // supplier -> dependency: the supplier of edge e belongs to dependency dep_of_edge[e].
    std::vector<std::int32_t> dep_of_edge(g.dep_sup_.size());
    for (std::int32_t d = 0; d < m; ++d)
      std::fill(dep_of_edge.begin() + g.dep_sup_off_[d], dep_of_edge.begin() + g.dep_sup_off_[d + 1], d);
    bucket(n, g.dep_sup_, g.node_out_off_, g.node_out_, &dep_of_edge);
  }

  // Tarjan's SCC, iterative (networks are deep: recursion would overflow the stack).
  g.scc_.assign(n, -1);
  g.on_cycle_.assign(n, 0);
  {
    std::vector<std::int32_t> index(n, -1), low(n, 0), stack;
    std::vector<std::uint8_t> on_stack(n, 0);
    struct Frame { std::int32_t v; std::int64_t edge; };  // edge: position in node_out_ of v
    std::vector<Frame> call;
    std::int32_t next_index = 0, next_scc = 0;
    for (std::int32_t root = 0; root < n; ++root) {
      if (index[root] >= 0) continue;
      call.push_back({root, g.node_out_off_[root]});
      index[root] = low[root] = next_index++;
      stack.push_back(root);
      on_stack[root] = 1;
      while (!call.empty()) {
        Frame& f = call.back();
        const std::int32_t v = f.v;
        if (f.edge < g.node_out_off_[v + 1]) {
          const std::int32_t w = g.dep_consumer_[g.node_out_[f.edge++]];
          if (w == v) g.on_cycle_[v] = 1;
          if (index[w] < 0) {
            index[w] = low[w] = next_index++;
            stack.push_back(w);
            on_stack[w] = 1;
            call.push_back({w, g.node_out_off_[w]});
          } else if (on_stack[w]) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        if (low[v] == index[v]) {
          std::size_t first = stack.size();
          do { --first; } while (stack[first] != v);
          const bool cyc = stack.size() - first > 1;
          for (std::size_t i = first; i < stack.size(); ++i) {
            g.scc_[stack[i]] = next_scc;
            on_stack[stack[i]] = 0;
            if (cyc) g.on_cycle_[stack[i]] = 1;
          }
          stack.resize(first);
          ++next_scc;
        }
        call.pop_back();
        if (!call.empty()) low[call.back().v] = std::min(low[call.back().v], low[v]);
      }
    }
  }
  return g;
}

}  // namespace cipms::graph
