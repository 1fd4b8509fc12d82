// Synthetic CI-like dependency network for the analysis benchmarks (deterministic per seed):
// ~1% sources (generation, water intake) with no dependencies; every other facility sits in
// one of 8 layers and has 2-3 dependencies (electricity, water, telecom...), each with 1-4
// alternative suppliers from lower layers, k-of-n (k = 1 mostly, 2 sometimes), backups of 0 h
// (40%) or 4-96 h; ~2% of dependencies point upwards or sideways, which closes loops
// (power <-> telecom style). About 6 supplier edges per facility.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cipms/graph/csr.h"

namespace cipms::bench {

inline graph::DependencyGraph synthetic_network(std::int32_t n, std::uint64_t seed = 42) {
  std::mt19937_64 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int32_t layers = 8;
  const std::int32_t sources = std::max(1, n / 100);
  // Layer l covers [bound[l], bound[l+1]); layer 0 = sources.
  std::vector<std::int32_t> bound(layers + 1);
  bound[0] = 0;
  bound[1] = sources;
  for (std::int32_t l = 2; l <= layers; ++l)
    bound[l] = sources + static_cast<std::int32_t>(static_cast<std::int64_t>(n - sources) * (l - 1) / (layers - 1));
  graph::GraphBuilder b(n);
  b.reserve(static_cast<std::int64_t>(n) * 25 / 10, static_cast<std::int64_t>(n) * 62 / 10);
  std::vector<std::int32_t> sup;
  for (std::int32_t l = 1; l < layers; ++l) {
    for (std::int32_t v = bound[l]; v < bound[l + 1]; ++v) {
      const int deps = static_cast<int>(uni(2, 3));
      for (int d = 0; d < deps; ++d) {
        const int k_sup = static_cast<int>(uni(1, 4));
        sup.clear();
        const bool loop = uni(0, 99) < 2;
        // Suppliers from the layer just below mostly (regional structure), or anywhere when looping.
        const std::int32_t lo = loop ? bound[1] : bound[std::max(0, l - 1 - static_cast<int>(uni(0, 1)))];
        const std::int32_t hi = loop ? n - 1 : bound[l] - 1;
        // Regional locality: suppliers near the consumer's relative position.
        const double pos = static_cast<double>(v - bound[l]) / std::max(1, bound[l + 1] - bound[l]);
        const std::int64_t span = std::max<std::int64_t>(8, (hi - lo + 1) / 200);
        const std::int64_t centre = lo + static_cast<std::int64_t>(pos * (hi - lo));
        while (static_cast<int>(sup.size()) < k_sup) {
          std::int64_t s = centre + uni(-span, span);
          s = std::clamp<std::int64_t>(s, lo, hi);
          if (s == v && !loop) continue;
          if (std::find(sup.begin(), sup.end(), static_cast<std::int32_t>(s)) == sup.end())
            sup.push_back(static_cast<std::int32_t>(s));
          if (hi - lo + 1 < k_sup) break;
        }
        const int k = (sup.size() >= 3 && uni(0, 3) == 0) ? 2 : 1;
        const double backup = uni(0, 9) < 4 ? 0.0 : static_cast<double>(uni(4, 96));
        b.add_dependency(v, sup, k, backup);
      }
    }
  }
  auto g = b.finish();
  if (!g.is_ok()) std::abort();
  return std::move(g).value();
}

// Resident and peak resident set of this process, in MB (/proc/self/status).
inline void rss_mb(double* rss, double* peak) {
  std::ifstream in("/proc/self/status");
  std::string line;
  *rss = *peak = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) *rss = std::stod(line.substr(6)) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) *peak = std::stod(line.substr(6)) / 1024;
  }
}

}  // namespace cipms::bench
