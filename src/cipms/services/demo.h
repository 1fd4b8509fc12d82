// The demo network generator: a deterministic (per seed), Taiwan-like dependency network for
// demonstrations, tests and benchmarks. All inputs (counties, population, sector mix) are
// compiled in; the same seed and size always give the same network, on every machine.
#pragma once

#include <cstdint>

#include "cipms/storage/store.h"

namespace cipms {

struct DemoOptions {
  std::int64_t facilities = 3000;  // scales to 1,000,000 (~6,000,000 supplier edges)
  std::uint64_t seed = 1;
};

// Facilities with codes, names (zh-TW, en), sector/sub-sector/type, county, coordinates,
// population, loss_per_hour, mtpd_hours; dependencies with k-of-n and backups; the providers'
// and authorities' organisation codes (see demo_organisations).
NetworkSnapshot generate_demo_network(const DemoOptions& opt);
// The organisations the demo facilities refer to (OHS, coordinating agencies, competent
// authorities, providers), to be created before the network is imported.
std::vector<Organisation> demo_organisations();

}  // namespace cipms
