// Registry use cases: create, read, update and delete organisations, facilities, core
// functions and dependencies, shared by the API and the CLI.
//
// Every write validates the whole record first — the field rules of domain/validation.h
// against the database's taxonomy plus the references (provider/authority organisations
// exist and have a fitting type, consumer and suppliers exist) — and reports ALL problems at
// once as kUnprocessable with one FieldError per problem (JSON pointers relative to the
// record: "/lat", "/suppliers/2"). Then it writes in one transaction: nothing is written when
// any check fails. Updates and deletes take the version the caller last read (optimistic
// concurrency, the ETag of the API): kPreconditionFailed when it is stale. kNotFound for a
// missing id, kConflict for a duplicate code or a record still referenced.
//
// Reads return "views": the record plus the codes of the records it refers to, for display.
// Organisation codes are cached per service instance (lists of facilities would otherwise
// look the same few organisations up on every request); writes through this service keep the
// cache right, a code changed by another process shows in views only after a restart.
// Access (domain/security.h): every call takes the Principal acting. Reads return only what it
// may read — a facility outside its scope, above its clearance or (機密 and above) without a
// need-to-know grant answers kNotFound exactly like a missing one, and lists and counts leave
// it out; such attempts and reads of 機密-or-higher records are audited. Writes need scope
// (kPermissionDenied otherwise) and are audited with before/after in the same transaction.
// References to facilities one may not read (dependency suppliers) show no code.
// Thread-safe: every call takes its own Session from the Database.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/services/context.h"
#include "cipms/storage/store.h"

namespace cipms {

struct FacilityView {
  Facility facility;
  std::string provider_code, authority_code;  // "" when none
};

struct DependencyView {
  Dependency dependency;
  std::string consumer_code;
  std::vector<std::string> supplier_codes;  // parallel to dependency.suppliers
};

class RegistryService {
 public:
  explicit RegistryService(ServiceContext ctx);

  Result<Taxonomy> taxonomy();
  // Adds or changes one taxonomy entry (administrators extend the taxonomy without a release).
  // kind: "sector" | "subsector" | "facility_type" | "resource" | "threat". Code rules as for
  // facility codes; a name (zh-TW or English) is required; a sub-sector's parent must be a
  // sector and a facility type's a sub-sector, other kinds have none. Retiring (active=false)
  // keeps the entry for old records. kNotFound for an unknown kind, kUnprocessable otherwise.
  Result<TaxonomyEntry> set_taxonomy_entry(const Principal& who, const std::string& kind, const TaxonomyEntry& e);

  // --- organisations ---
  Result<Organisation> get_organisation(const Principal& who, OrgId id);
  Result<Page<Organisation>> list_organisations(const Principal& who, const OrgFilter& f);
  // id, version and timestamps of `o` are ignored.
  Result<Organisation> create_organisation(const Principal& who, const Organisation& o);
  // Replaces every field of the organisation o.id; created_at is kept.
  Result<Organisation> update_organisation(const Principal& who, const Organisation& o, std::int64_t expected_version);
  Status delete_organisation(const Principal& who, OrgId id, std::int64_t expected_version);

  // --- facilities ---
  Result<FacilityView> get_facility(const Principal& who, FacilityId id);
  Result<Page<FacilityView>> list_facilities(const Principal& who, const FacilityFilter& f);
  // Sets, changes or lifts the classification of a facility (Permission::kClassify, scope,
  // not above one's own clearance); audited with before and after. Facility updates keep
  // the stored classification: this is the only way to change it.
  Result<FacilityView> set_facility_classification(const Principal& who, FacilityId id, const Classification& c,
                                                   std::int64_t expected_version);
  Result<FacilityView> create_facility(const Principal& who, const Facility& f);
  Result<FacilityView> update_facility(const Principal& who, const Facility& f, std::int64_t expected_version);
  // Read-modify-write in one transaction with the row locked: `apply` gets the stored record
  // and returns the new one (a JSON merge patch, for instance). kAnyVersion = whatever is
  // stored (If-Match: *), which then never fails on a concurrent writer.
  static constexpr std::int64_t kAnyVersion = -1;
  Result<FacilityView> patch_facility(const Principal& who, FacilityId id, std::int64_t expected_version,
                                      const std::function<Result<Facility>(const FacilityView&)>& apply);
  Status delete_facility(const Principal& who, FacilityId id, std::int64_t expected_version);

  // --- core functions (kNotFound when the facility does not exist) ---
  Result<std::vector<CoreFunction>> list_core_functions(const Principal& who, FacilityId facility);
  Result<CoreFunction> get_core_function(const Principal& who, CoreFunctionId id);
  Result<CoreFunction> create_core_function(const Principal& who, const CoreFunction& c);
  // The facility of a core function cannot change; c.facility is ignored.
  Result<CoreFunction> update_core_function(const Principal& who, const CoreFunction& c, std::int64_t expected_version);
  Status delete_core_function(const Principal& who, CoreFunctionId id, std::int64_t expected_version);

  // --- dependencies ---
  Result<DependencyView> get_dependency(const Principal& who, DependencyId id);
  // Upstream: what the facility consumes. kNotFound when the facility does not exist.
  Result<std::vector<DependencyView>> list_dependencies_of(const Principal& who, FacilityId consumer);
  // Downstream: dependencies the facility supplies.
  Result<std::vector<DependencyView>> list_dependents_of(const Principal& who, FacilityId supplier);
  Result<DependencyView> create_dependency(const Principal& who, const Dependency& d);
  Result<DependencyView> update_dependency(const Principal& who, const Dependency& d, std::int64_t expected_version);
  Status delete_dependency(const Principal& who, DependencyId id, std::int64_t expected_version);

 private:
  ServiceContext ctx_;
  std::shared_ptr<struct RegistryOrgCodes> org_codes_;
};

}  // namespace cipms
