// The taxonomy that ships with cipms (seed/taxonomy.json and seed/counties.csv, compiled in).
// Storage back ends load it into a new database; tools that work on files without a database
// (cipms simulate --network) validate against it.
#pragma once
#include <string_view>

#include "cipms/domain/taxonomy.h"

namespace cipms {

// Parsed once; thread-safe.
const Taxonomy& builtin_taxonomy();
// The raw seed files, for back ends that load them themselves.
std::string_view builtin_taxonomy_json();
std::string_view builtin_counties_csv();

}  // namespace cipms
