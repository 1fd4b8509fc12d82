// Registry entities: organisations, facilities, core functions and dependencies.
// Plain values with no I/O. Times are UTC. `version` starts at 1 and grows by one on every
// update; it is the ETag of the record and the basis of optimistic concurrency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/ids.h"
#include "cipms/domain/classification.h"

namespace cipms {

enum class OrgType { kOhs, kCoordinatingAgency, kCompetentAuthority, kProvider, kSupportingUnit };
// "ohs", "coordinating_agency", "competent_authority", "provider", "supporting_unit".
const char* org_type_code(OrgType t);
std::optional<OrgType> parse_org_type(const std::string& s);

struct Organisation {
  OrgId id;
  std::string code;     // stable, unique, used in files ("TPC", "MOEA-EA")
  std::string name;     // zh-TW
  std::string name_en;
  OrgType type = OrgType::kProvider;
  std::optional<OrgId> parent;
  std::vector<std::string> sectors;     // sectors it coordinates (coordinating agency)
  std::vector<std::string> subsectors;  // sub-sectors it governs (competent authority)
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class Lifecycle { kPlanned, kActive, kDecommissioned };
// "planned", "active", "decommissioned".
const char* lifecycle_code(Lifecycle l);
std::optional<Lifecycle> parse_lifecycle(const std::string& s);

struct Facility {
  FacilityId id;
  std::string code;      // unique; the facility's `id` in network.json
  std::string name;      // zh-TW
  std::string name_en;
  std::string sector;    // taxonomy codes
  std::string subsector;
  std::string type;      // facility type code; free text the taxonomy does not know is kept
  std::optional<OrgId> provider;
  std::optional<OrgId> authority;
  std::string county_code;  // 5-digit MOI code, or empty
  std::string address;
  std::optional<double> lat;  // WGS84 degrees
  std::optional<double> lon;
  std::int64_t population = 0;  // people who lose service when it is down
  double loss_per_hour = 0;     // NTD per hour down
  std::optional<double> mtpd_hours;
  bool cii = false;             // holds critical information infrastructure
  std::optional<int> grade;     // 1..3 once graded
  Lifecycle status = Lifecycle::kActive;
  Classification classification;  // who may read it (security.h)
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct CoreFunction {
  CoreFunctionId id;
  FacilityId facility;
  std::string name;
  std::string description;
  std::optional<double> mtpd_hours;
  std::string continuity;  // continuity arrangement
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// One external critical resource of a consumer, exactly as CASCADE-MODEL.md defines it.
struct Dependency {
  DependencyId id;
  FacilityId consumer;
  std::string resource;
  std::vector<FacilityId> suppliers;  // alternatives, distinct, >= 1
  int min_up = 1;                     // k of n
  double backup_hours = 0;
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
};

}  // namespace cipms
