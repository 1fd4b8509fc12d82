// Field rules of registry entities, shared by the API, importers and the CLI so that every
// entry point accepts and rejects exactly the same records. Each function appends one
// FieldError per violated rule to `out`, with `where` prefixed to the field's JSON pointer
// (e.g. where="/facilities/3" gives "/facilities/3/lat"). No I/O, no look-ups beyond the
// taxonomy passed in; references to other records are checked by the callers.
#pragma once

#include <string>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/domain/registry.h"
#include "cipms/domain/taxonomy.h"

namespace cipms {

// Code: 1-64 chars of [A-Za-z0-9._-]; names non-empty (zh-TW or English) and <= 200 chars;
// sector/subsector known and consistent; county known when given; lat in [-90,90] and lon in
// [-180,180], both or neither; population >= 0; loss_per_hour and mtpd_hours finite and >= 0;
// grade 1..3 when set.
void validate_facility(const Facility& f, const Taxonomy& tax, const std::string& where,
                       std::vector<FieldError>& out);

// Code and names as above; sectors and sub-sectors known.
void validate_organisation(const Organisation& o, const Taxonomy& tax, const std::string& where,
                           std::vector<FieldError>& out);

// Name non-empty; mtpd_hours finite and >= 0 when set.
void validate_core_function(const CoreFunction& c, const std::string& where,
                            std::vector<FieldError>& out);

// The rules of CASCADE-MODEL.md on a dependency's own fields, independent of how suppliers
// are named: resource known to the taxonomy; supplier_count >= 1; no supplier twice
// (`duplicate_supplier_index` is the index of the first repeat, or -1); 1 <= min_up <=
// supplier_count; backup_hours finite and >= 0; no self-supply (`self_supplier_index`, or -1).
void validate_dependency_fields(const std::string& resource, std::size_t supplier_count,
                                int min_up, double backup_hours, int duplicate_supplier_index,
                                int self_supplier_index, const Taxonomy& tax,
                                const std::string& where, std::vector<FieldError>& out);

bool valid_code(const std::string& code);

}  // namespace cipms
