// The AccessFilter (domain/security.h) as a SQL condition on the facilities table, written once
// for both back ends: each has its own Params whose add(value) binds the value and returns its
// placeholder ("?" or "$n"). Values are only ever bound, never written into the text.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/domain/classification.h"
#include "cipms/domain/security.h"

namespace cipms::storage_detail {

// " AND ..." for a WHERE clause over `facilities` (unaliased):
//  - scope (unless a.all): provider_id IN provider_ids OR authority_id IN authority_ids OR
//    sector IN sectors OR subsector IN subsectors; empty lists add nothing, all empty = no row;
//  - clearance: classification <= max_level (max_level < 0: no row);
//  - need-to-know (unless grants_bypass): national secrets (level >= 2) need an unexpired
//    grant of a.grant_user on ('facility', facilities.id).
template <typename Params>
std::string access_where(const AccessFilter& a, Params& p) {
  std::string w;
  if (!a.all) {
    std::string any;
    auto in = [&](const char* col, const auto& values) {
      if (values.empty()) return;
      std::string list;
      for (const auto& v : values) {
        if (!list.empty()) list += ", ";
        if constexpr (std::is_integral_v<std::decay_t<decltype(v)>>) list += p.add(static_cast<long long>(v));
        else list += p.add(std::string(v));
      }
      any += any.empty() ? " AND (" : " OR ";
      any += std::string(col) + " IN (" + list + ")";
    };
    in("provider_id", a.provider_ids);
    in("authority_id", a.authority_ids);
    in("sector", a.sectors);
    in("subsector", a.subsectors);
    if (any.empty()) return " AND 1 = 0";
    w += any + ")";
  }
  if (a.max_level < 0) return " AND 1 = 0";
  w += " AND classification <= " + p.add(static_cast<long long>(a.max_level));
  if (!a.grants_bypass) {
    const std::string now = a.now.empty() ? format_utc(system_clock()->now()) : a.now;
    static_assert(static_cast<int>(ClassLevel::kConfidential) == 2);
    w += " AND (classification < 2 OR EXISTS (SELECT 1 FROM need_to_know g WHERE g.user_id = " +
         p.add(static_cast<long long>(a.grant_user));
    w += " AND g.record_kind = 'facility' AND g.record_id = facilities.id AND "
         "(g.expires_at IS NULL OR g.expires_at > " + p.add(now);
    w += ")))";
  }
  return w;
}

}  // namespace cipms::storage_detail
