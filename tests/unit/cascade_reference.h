// An obviously-correct reference for docs/cascade-model.md, used only by the tests: at every
// instant it recomputes the up set from rule 4 by iterating to the greatest fixed point
// (start from every undamaged node, remove violators until none is left), then advances time
// to the next instant where a damage starts or ends or a remaining backup reaches 0.
// Quadratic and slow on purpose; exact when times are integers (no rounding anywhere).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "cipms/graph/csr.h"
#include "cipms/sim/cascade.h"

namespace cipms::reftest {

struct RefDep {
  int consumer;
  std::vector<int> suppliers;
  int min_up;
  double backup;
};
struct RefNet {
  int n = 0;
  std::vector<RefDep> deps;
};

inline graph::DependencyGraph to_graph(const RefNet& net) {
  graph::GraphBuilder b(net.n);
  for (const RefDep& d : net.deps) {
    std::vector<std::int32_t> s(d.suppliers.begin(), d.suppliers.end());
    b.add_dependency(d.consumer, s, d.min_up, d.backup);
  }
  auto g = b.finish();
  if (!g.is_ok()) std::abort();
  return std::move(g).value();
}

inline sim::CascadeResult ref_simulate(const RefNet& net, const std::vector<sim::DamageEvent>& ev,
                                       double horizon) {
  const double inf = std::numeric_limits<double>::infinity();
  const int n = net.n, m = static_cast<int>(net.deps.size());
  std::vector<double> rem(m);
  for (int d = 0; d < m; ++d) rem[d] = net.deps[d].backup;
  std::vector<bool> prev(n, true);  // everything runs before time 0
  std::vector<double> start(n, 0);
  std::vector<int> cause(n, -1);
  sim::CascadeResult out;
  std::int64_t last_down = 0;
  auto damaged = [&](int v, double t) {
    for (const auto& e : ev)
      if (e.node == v && e.down_at <= t && t < e.down_at + e.repair_hours) return true;
    return false;
  };
  auto count = [&](int d, const std::vector<bool>& up) {
    int c = 0;
    for (int s : net.deps[d].suppliers) c += up[s] ? 1 : 0;
    return c;
  };
  double t = 0;
  while (t < horizon) {
    std::vector<bool> up(n);
    for (int v = 0; v < n; ++v) up[v] = !damaged(v, t);
    for (bool changed = true; changed;) {
      changed = false;
      for (int d = 0; d < m; ++d) {
        const RefDep& x = net.deps[d];
        if (up[x.consumer] && count(d, up) < x.min_up && !(rem[d] > 0)) {
          up[x.consumer] = false;
          changed = true;
        }
      }
    }
    std::int64_t down = 0;
    for (int v = 0; v < n; ++v) {
      down += up[v] ? 0 : 1;
      if (prev[v] && !up[v]) {
        start[v] = t;
        cause[v] = -1;
        if (!damaged(v, t))
          for (int d = 0; d < m && cause[v] < 0; ++d)
            if (net.deps[d].consumer == v && count(d, up) < net.deps[d].min_up && !(rem[d] > 0))
              cause[v] = d;
      } else if (!prev[v] && up[v]) {
        out.outages.push_back({v, start[v], t, cause[v]});
      }
    }
    if (down != last_down) out.timeline.push_back({t, down});
    last_down = down;
    prev = up;
    double next = inf;
    for (const auto& e : ev) {
      if (e.repair_hours <= 0) continue;
      if (e.down_at > t) next = std::min(next, e.down_at);
      if (e.down_at + e.repair_hours > t) next = std::min(next, e.down_at + e.repair_hours);
    }
    for (int d = 0; d < m; ++d) {
      if (count(d, up) >= net.deps[d].min_up) {
        rem[d] = net.deps[d].backup;
      } else if (up[net.deps[d].consumer]) {
        next = std::min(next, t + rem[d]);
      }
    }
    if (next >= horizon) break;
    for (int d = 0; d < m; ++d)
      if (count(d, up) < net.deps[d].min_up && up[net.deps[d].consumer]) rem[d] -= next - t;
    t = next;
  }
  for (int v = 0; v < n; ++v)
    if (!prev[v]) out.outages.push_back({v, start[v], horizon, cause[v]});
  std::sort(out.outages.begin(), out.outages.end(), [](const auto& a, const auto& b) {
    return a.node < b.node || (a.node == b.node && a.start < b.start);
  });
  return out;
}

// Random small network: cycles, self-loops, k-of-n, zero and non-zero integer backups.
inline RefNet random_net(std::mt19937_64& rng, int max_nodes = 10) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  RefNet net;
  net.n = uni(1, max_nodes);
  for (int v = 0; v < net.n; ++v) {
    const int deps = uni(0, 3);
    for (int i = 0; i < deps; ++i) {
      RefDep d;
      d.consumer = v;
      const int k = uni(1, std::min(3, net.n));
      std::vector<int> all(net.n);
      for (int j = 0; j < net.n; ++j) all[j] = j;
      std::shuffle(all.begin(), all.end(), rng);
      d.suppliers.assign(all.begin(), all.begin() + k);
      d.min_up = uni(1, k);
      d.backup = uni(0, 9) < 4 ? 0 : uni(1, 6);
      net.deps.push_back(d);
    }
  }
  return net;
}

inline std::vector<sim::DamageEvent> random_events(std::mt19937_64& rng, int n) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<sim::DamageEvent> ev;
  const int k = uni(0, 5);
  for (int i = 0; i < k; ++i)
    ev.push_back({uni(0, n - 1), static_cast<double>(uni(0, 4) * uni(0, 3)),
                  static_cast<double>(uni(0, 8))});
  return ev;
}

}  // namespace cipms::reftest
