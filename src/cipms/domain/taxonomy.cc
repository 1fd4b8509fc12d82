#include "cipms/domain/taxonomy.h"

#include <algorithm>

namespace cipms {

namespace {
const TaxonomyEntry* find(const std::vector<TaxonomyEntry>& v, const std::string& code) {
  auto it = std::find_if(v.begin(), v.end(), [&](const TaxonomyEntry& e) { return e.code == code; });
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

const TaxonomyEntry* Taxonomy::sector(const std::string& c) const { return find(sectors, c); }
const TaxonomyEntry* Taxonomy::subsector(const std::string& c) const { return find(subsectors, c); }
const TaxonomyEntry* Taxonomy::facility_type(const std::string& c) const { return find(facility_types, c); }
const TaxonomyEntry* Taxonomy::resource(const std::string& c) const { return find(resources, c); }
const County* Taxonomy::county(const std::string& code) const {
  auto it = std::find_if(counties.begin(), counties.end(), [&](const County& c) { return c.code == code; });
  return it == counties.end() ? nullptr : &*it;
}

}  // namespace cipms
