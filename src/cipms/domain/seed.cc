#include "cipms/domain/seed.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cipms/base/check.h"

extern const char cipms_seed_taxonomy_json[];
extern const unsigned long cipms_seed_taxonomy_json_size;
extern const char cipms_seed_counties_csv[];
extern const unsigned long cipms_seed_counties_csv_size;

namespace cipms {

std::string_view builtin_taxonomy_json() {
  return {cipms_seed_taxonomy_json, cipms_seed_taxonomy_json_size};
}
std::string_view builtin_counties_csv() {
  return {cipms_seed_counties_csv, cipms_seed_counties_csv_size};
}

namespace {

std::vector<TaxonomyEntry> entries(const nlohmann::json& arr) {
  std::vector<TaxonomyEntry> out;
  for (const auto& e : arr)
    out.push_back({e.at("code").get<std::string>(), e.value("parent", std::string()),
                   e.at("name").get<std::string>(), e.at("name_en").get<std::string>(), true});
  return out;
}

// seed/counties.csv: code,moi_code,name_zh,name_en,population_2024_approx,lat,lon (no quoting).
std::vector<County> parse_counties(std::string_view csv) {
  std::vector<County> out;
  std::istringstream in{std::string(csv)};
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    CIPMS_CHECK(f.size() == 7);
    out.push_back({f[1], f[0], f[2], f[3], std::stol(f[4]), std::stod(f[5]), std::stod(f[6])});
  }
  return out;
}

Taxonomy parse_builtin() {
  auto j = nlohmann::json::parse(builtin_taxonomy_json());
  Taxonomy t;
  t.sectors = entries(j.at("sectors"));
  t.subsectors = entries(j.at("subsectors"));
  t.facility_types = entries(j.at("facility_types"));
  t.resources = entries(j.at("resources"));
  t.threats = entries(j.at("threats"));
  t.counties = parse_counties(builtin_counties_csv());
  return t;
}

}  // namespace

const Taxonomy& builtin_taxonomy() {
  static const Taxonomy t = parse_builtin();
  return t;
}

}  // namespace cipms
