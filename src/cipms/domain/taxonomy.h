// The sector taxonomy: data, not code. Loaded from the database (seeded from
// seed/taxonomy.json by a migration) and editable by administrators.
#pragma once

#include <string>
#include <vector>

namespace cipms {

struct TaxonomyEntry {
  std::string code;
  std::string parent;  // sector of a sub-sector, sub-sector of a facility type; empty otherwise
  std::string name;    // zh-TW
  std::string name_en;
  bool active = true;  // retired entries stay for old records but are not offered for new ones
};

struct County {
  std::string code;      // 5-digit MOI code ("63000")
  std::string abbrev;    // "TPE"
  std::string name;      // zh-TW
  std::string name_en;
  long population = 0;
  double lat = 0, lon = 0;
};

struct Taxonomy {
  std::vector<TaxonomyEntry> sectors;
  std::vector<TaxonomyEntry> subsectors;      // parent = sector
  std::vector<TaxonomyEntry> facility_types;  // parent = sub-sector
  std::vector<TaxonomyEntry> resources;
  std::vector<TaxonomyEntry> threats;
  std::vector<County> counties;

  const TaxonomyEntry* sector(const std::string& code) const;
  const TaxonomyEntry* subsector(const std::string& code) const;
  const TaxonomyEntry* facility_type(const std::string& code) const;
  const TaxonomyEntry* resource(const std::string& code) const;
  const County* county(const std::string& code) const;
};

}  // namespace cipms
