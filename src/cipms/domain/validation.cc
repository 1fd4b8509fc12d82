#include "cipms/domain/validation.h"

#include <cmath>

namespace cipms {

namespace {
void add(std::vector<FieldError>& out, const std::string& where, const char* field, std::string msg,
         std::string code = {}) {
  out.push_back({where + "/" + field, std::move(msg), std::move(code)});
}
bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }

void check_names(const std::string& name, const std::string& name_en, const std::string& where,
                 std::vector<FieldError>& out) {
  if (name.empty() && name_en.empty()) add(out, where, "name", "name or name_en is required");
  if (name.size() > 200) add(out, where, "name", "must be at most 200 bytes");
  if (name_en.size() > 200) add(out, where, "name_en", "must be at most 200 bytes");
}
}  // namespace

bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void validate_facility(const Facility& f, const Taxonomy& tax, const std::string& where,
                       std::vector<FieldError>& out) {
  if (!valid_code(f.code)) add(out, where, "code", "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  check_names(f.name, f.name_en, where, out);
  const TaxonomyEntry* sec = tax.sector(f.sector);
  if (!sec) add(out, where, "sector", "unknown sector '" + f.sector + "'");
  const TaxonomyEntry* sub = tax.subsector(f.subsector);
  if (!sub) {
    add(out, where, "subsector", "unknown sub-sector '" + f.subsector + "'");
  } else if (sec && sub->parent != sec->code) {
    add(out, where, "subsector",
        "sub-sector '" + f.subsector + "' belongs to sector '" + sub->parent + "', not '" + f.sector + "'");
  }
  if (f.type.size() > 100) add(out, where, "type", "must be at most 100 bytes");
  if (!f.county_code.empty() && !tax.county(f.county_code))
    add(out, where, "county_code", "unknown county code '" + f.county_code + "'");
  if (f.address.size() > 500) add(out, where, "address", "must be at most 500 bytes");
  if (f.lat.has_value() != f.lon.has_value())
    add(out, where, f.lat ? "lon" : "lat", "lat and lon must be given together");
  if (f.lat && !(std::isfinite(*f.lat) && *f.lat >= -90 && *f.lat <= 90))
    add(out, where, "lat", "must be a number between -90 and 90");
  if (f.lon && !(std::isfinite(*f.lon) && *f.lon >= -180 && *f.lon <= 180))
    add(out, where, "lon", "must be a number between -180 and 180");
  if (f.population < 0) add(out, where, "population", "must be >= 0");
  if (!finite_nonneg(f.loss_per_hour)) add(out, where, "loss_per_hour", "must be a finite number >= 0");
  if (f.mtpd_hours && !finite_nonneg(*f.mtpd_hours))
    add(out, where, "mtpd_hours", "must be a finite number >= 0");
  if (f.grade && (*f.grade < 1 || *f.grade > 3)) add(out, where, "grade", "must be 1, 2 or 3");
}

void validate_organisation(const Organisation& o, const Taxonomy& tax, const std::string& where,
                           std::vector<FieldError>& out) {
  if (!valid_code(o.code)) add(out, where, "code", "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  check_names(o.name, o.name_en, where, out);
  for (std::size_t i = 0; i < o.sectors.size(); ++i)
    if (!tax.sector(o.sectors[i]))
      out.push_back({where + "/sectors/" + std::to_string(i), "unknown sector '" + o.sectors[i] + "'"});
  for (std::size_t i = 0; i < o.subsectors.size(); ++i)
    if (!tax.subsector(o.subsectors[i]))
      out.push_back({where + "/subsectors/" + std::to_string(i),
                     "unknown sub-sector '" + o.subsectors[i] + "'"});
}

void validate_core_function(const CoreFunction& c, const std::string& where,
                            std::vector<FieldError>& out) {
  if (c.name.empty()) add(out, where, "name", "is required", "registry.required");
  if (c.name.size() > 200) add(out, where, "name", "must be at most 200 bytes", "registry.too_long");
  if (c.mtpd_hours && !finite_nonneg(*c.mtpd_hours))
    add(out, where, "mtpd_hours", "must be a finite number >= 0", "registry.hours_invalid");
}

void validate_dependency_fields(const std::string& resource, std::size_t supplier_count,
                                int min_up, double backup_hours, int duplicate_supplier_index,
                                int self_supplier_index, const Taxonomy& tax,
                                const std::string& where, std::vector<FieldError>& out) {
  if (!tax.resource(resource)) add(out, where, "resource", "unknown resource '" + resource + "'", "registry.resource_unknown");
  if (supplier_count == 0) add(out, where, "suppliers", "at least one supplier is required", "registry.supplier_required");
  if (duplicate_supplier_index >= 0)
    out.push_back({where + "/suppliers/" + std::to_string(duplicate_supplier_index),
                   "supplier listed twice", "registry.supplier_duplicate"});
  if (self_supplier_index >= 0)
    out.push_back({where + "/suppliers/" + std::to_string(self_supplier_index),
                   "a facility cannot supply itself", "registry.self_supply"});
  if (min_up < 1)
    add(out, where, "min_up", "must be >= 1", "registry.min_up_invalid");
  else if (supplier_count > 0 && static_cast<std::size_t>(min_up) > supplier_count)
    add(out, where, "min_up",
        "min_up " + std::to_string(min_up) + " exceeds the number of suppliers (" +
            std::to_string(supplier_count) + ")",
        "registry.min_up_exceeds");
  if (!finite_nonneg(backup_hours)) add(out, where, "backup_hours", "must be a finite number >= 0", "registry.hours_invalid");
}

}  // namespace cipms
