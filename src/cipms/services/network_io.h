// The network exchange formats of docs/cascade-model.md: network.json and the CSV pair
// (facilities.csv, dependencies.csv with suppliers separated by ';'), plus GeoJSON export.
//
// Parsing validates the whole input before returning and reports EVERY problem at once, each
// with its place: a JSON pointer ("/dependencies/3/min_up") or "facilities.csv line 12,
// column lat". Checks: syntax, types, unknown fields (rejected by name), required fields,
// the field rules of domain/validation.h against `tax`, duplicate facility ids, duplicate
// suppliers, min_up > supplier count, non-finite or negative numbers, coordinates out of range,
// and references: every consumer/supplier must be a facility of the file, or — when
// `known_codes` is given — one of those (facilities already in the registry).
// Failures are kInvalidArgument (syntax, types) or kUnprocessable (rules); never partial.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cipms/base/status.h"
#include "cipms/domain/taxonomy.h"
#include "cipms/storage/store.h"

namespace cipms {

struct ParseOptions {
  // Extra facility codes references may point to (registry facilities on a merge import).
  std::function<bool(const std::string&)> known_code;
  // When set, every non-empty provider/authority code must satisfy it (existing organisations).
  std::function<bool(const std::string&)> known_org;
  std::size_t max_errors = 200;  // stop collecting after this many
};

Result<NetworkSnapshot> parse_network_json(std::string_view text, const Taxonomy& tax,
                                           const ParseOptions& opt = {});
Result<NetworkSnapshot> parse_network_csv(std::string_view facilities_csv,
                                          std::string_view dependencies_csv, const Taxonomy& tax,
                                          const ParseOptions& opt = {});

// Writers. Output is deterministic (facilities sorted by id, dependencies by consumer, then
// resource, then suppliers) and re-parses to an equal snapshot.
std::string network_to_json(const NetworkSnapshot& net);
std::string facilities_to_csv(const NetworkSnapshot& net);
std::string dependencies_to_csv(const NetworkSnapshot& net);
// A FeatureCollection of Point features (facilities with coordinates), properties = fields.
std::string network_to_geojson(const NetworkSnapshot& net);

}  // namespace cipms
