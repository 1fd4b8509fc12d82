#include "cipms/services/registry_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cipms/domain/validation.h"

namespace cipms {

// Organisation id -> code, shared by the requests of one RegistryService.
struct RegistryOrgCodes {
  std::mutex mu;
  std::unordered_map<OrgId, std::string> codes;
  std::optional<std::string> get(OrgId id) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = codes.find(id);
    if (it == codes.end()) return std::nullopt;
    return it->second;
  }
  void put(OrgId id, const std::string& code) {
    std::lock_guard<std::mutex> lock(mu);
    if (codes.size() > 100000) codes.clear();  // bounded; refilled on demand
    codes[id] = code;
  }
  void forget(OrgId id) {
    std::lock_guard<std::mutex> lock(mu);
    codes.erase(id);
  }
};

RegistryService::RegistryService(ServiceContext ctx)
    : ctx_(std::move(ctx)), org_codes_(std::make_shared<RegistryOrgCodes>()) {}

namespace {

// Runs fn with a fresh session inside one transaction.
template <typename T, typename Fn>
Result<T> in_transaction(const ServiceContext& ctx, Fn&& fn) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  Session& session = **s;
  std::optional<T> out;
  Status st = session.transact([&]() -> Status {
    Result<T> r = fn(session);
    if (!r.is_ok()) return r.status();
    out = std::move(r).value();
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return std::move(*out);
}

// Reads need no transaction; one session is enough.
template <typename T, typename Fn>
Result<T> with_session(const ServiceContext& ctx, Fn&& fn) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return fn(**s);
}

struct Unit {};

Status check_version(std::int64_t stored, std::int64_t expected, const char* what, std::int64_t id) {
  if (stored != expected)
    return Status::precondition_failed(std::string(what) + " " + std::to_string(id) + " is at version " +
                                       std::to_string(stored) + ", not " + std::to_string(expected) +
                                       "; reload it and apply the change again");
  return Status::ok();
}

Status unprocessable(const char* what, std::vector<FieldError> errs) {
  return Status::unprocessable(std::string("the ") + what + " is not valid (" + std::to_string(errs.size()) +
                                   (errs.size() == 1 ? " problem)" : " problems)"),
                               std::move(errs));
}

// Looks codes of organisations and facilities up once per call.
class CodeCache {
 public:
  explicit CodeCache(Session& s, RegistryOrgCodes* shared = nullptr) : s_(s), shared_(shared) {}
  Result<std::string> org(std::optional<OrgId> id) {
    if (!id) return std::string();
    if (shared_)
      if (auto code = shared_->get(*id)) return *code;
    auto o = s_.get_organisation(*id);
    if (!o.is_ok()) {
      if (o.status().code() == Code::kNotFound) return std::string();  // dangling: show no code
      return o.status();
    }
    if (shared_) shared_->put(*id, o->code);
    return o->code;
  }
  Result<std::string> facility(FacilityId id) {
    auto it = facs_.find(id);
    if (it != facs_.end()) return it->second;
    auto f = s_.get_facility(id);
    if (!f.is_ok()) {
      if (f.status().code() == Code::kNotFound) return std::string();
      return f.status();
    }
    return facs_[id] = f->code;
  }

 private:
  Session& s_;
  RegistryOrgCodes* shared_;
  std::unordered_map<FacilityId, std::string> facs_;
};

Result<FacilityView> facility_view(CodeCache& cache, Facility f) {
  FacilityView v;
  CIPMS_ASSIGN_OR_RETURN(v.provider_code, cache.org(f.provider));
  CIPMS_ASSIGN_OR_RETURN(v.authority_code, cache.org(f.authority));
  v.facility = std::move(f);
  return v;
}

Result<DependencyView> dependency_view(CodeCache& cache, Dependency d) {
  DependencyView v;
  CIPMS_ASSIGN_OR_RETURN(v.consumer_code, cache.facility(d.consumer));
  for (FacilityId s : d.suppliers) {
    CIPMS_ASSIGN_OR_RETURN(std::string code, cache.facility(s));
    v.supplier_codes.push_back(std::move(code));
  }
  v.dependency = std::move(d);
  return v;
}

// The organisation types that may fill a facility's provider / authority reference. Government
// agencies run CI themselves (weather radars, reservoirs, rescue command centres), so a
// competent authority or a supporting unit may be a provider; OHS and the coordinating
// agencies oversee and do not operate.
bool fits_provider(OrgType t) {
  return t == OrgType::kProvider || t == OrgType::kCompetentAuthority || t == OrgType::kSupportingUnit;
}
bool fits_authority(OrgType t) {
  return t == OrgType::kCompetentAuthority || t == OrgType::kCoordinatingAgency || t == OrgType::kOhs;
}

Status check_org_ref(Session& s, std::optional<OrgId> id, const char* field, bool (*fits)(OrgType),
                     const char* expected, std::vector<FieldError>& errs) {
  if (!id) return Status::ok();
  std::string ptr = std::string("/") + field;
  if (!id->valid()) {
    errs.push_back({ptr, "must be a positive organisation id"});
    return Status::ok();
  }
  auto o = s.get_organisation(*id);
  if (!o.is_ok()) {
    if (o.status().code() != Code::kNotFound) return o.status();
    errs.push_back({ptr, "organisation " + std::to_string(id->value) + " does not exist"});
    return Status::ok();
  }
  if (!fits(o->type))
    errs.push_back({ptr, "organisation " + o->code + " is a " + org_type_code(o->type) + ", not " + expected});
  return Status::ok();
}

Status check_facility(Session& s, const Facility& f, std::vector<FieldError>& errs) {
  CIPMS_ASSIGN_OR_RETURN(Taxonomy tax, s.load_taxonomy());
  validate_facility(f, tax, "", errs);
  CIPMS_RETURN_IF_ERROR(check_org_ref(s, f.provider, "provider", fits_provider, "a CI provider", errs));
  CIPMS_RETURN_IF_ERROR(check_org_ref(s, f.authority, "authority", fits_authority,
                                      "a competent authority or coordinating agency", errs));
  return Status::ok();
}

// A duplicate code is a conflict (409), not a rule violation: say which record holds it.
template <typename Rec, typename Id>
Status check_unique_code(const Result<Rec>& found, Id self, const char* what) {
  if (!found.is_ok()) return found.status().code() == Code::kNotFound ? Status::ok() : found.status();
  if (found->id == self) return Status::ok();
  return Status(Code::kConflict,
                std::string("code '") + found->code + "' is already used by " + what + " " +
                    std::to_string(found->id.value),
                {{"/code", "already used by " + std::string(what) + " " + std::to_string(found->id.value)}});
}

Status check_dependency(Session& s, const Dependency& d, std::vector<FieldError>& errs) {
  CIPMS_ASSIGN_OR_RETURN(Taxonomy tax, s.load_taxonomy());
  int dup = -1, self = -1;
  for (std::size_t i = 0; i < d.suppliers.size(); ++i) {
    if (d.suppliers[i] == d.consumer && self < 0) self = static_cast<int>(i);
    for (std::size_t j = 0; j < i && dup < 0; ++j)
      if (d.suppliers[j] == d.suppliers[i]) dup = static_cast<int>(i);
  }
  validate_dependency_fields(d.resource, d.suppliers.size(), d.min_up, d.backup_hours, dup, self, tax, "", errs);
  auto exists = [&](FacilityId id, const std::string& ptr) -> Status {
    if (!id.valid()) {
      errs.push_back({ptr, "must be a positive facility id"});
      return Status::ok();
    }
    auto f = s.get_facility(id);
    if (f.is_ok()) return Status::ok();
    if (f.status().code() != Code::kNotFound) return f.status();
    errs.push_back({ptr, "facility " + std::to_string(id.value) + " does not exist"});
    return Status::ok();
  };
  CIPMS_RETURN_IF_ERROR(exists(d.consumer, "/consumer"));
  for (std::size_t i = 0; i < d.suppliers.size(); ++i)
    CIPMS_RETURN_IF_ERROR(exists(d.suppliers[i], "/suppliers/" + std::to_string(i)));
  return Status::ok();
}

}  // namespace

Result<Taxonomy> RegistryService::taxonomy() {
  return with_session<Taxonomy>(ctx_, [](Session& s) { return s.load_taxonomy(); });
}

Result<TaxonomyEntry> RegistryService::set_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) {
  static const char* const kKinds[] = {"sector", "subsector", "facility_type", "resource", "threat"};
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds))
    return Status::not_found("no taxonomy kind '" + kind +
                             "' (sector, subsector, facility_type, resource, threat)");
  std::vector<FieldError> errors;
  if (!valid_code(e.code)) errors.push_back({"/code", "must be 1-64 characters of A-Z a-z 0-9 . _ -"});
  if (e.name.empty() && e.name_en.empty()) errors.push_back({"/name", "name or name_en is required"});
  if (e.name.size() > 200) errors.push_back({"/name", "must be at most 200 bytes"});
  if (e.name_en.size() > 200) errors.push_back({"/name_en", "must be at most 200 bytes"});
  const bool has_parent = kind == "subsector" || kind == "facility_type";
  if (has_parent && e.parent.empty()) errors.push_back({"/parent", "is required for a " + kind});
  if (!has_parent && !e.parent.empty()) errors.push_back({"/parent", "a " + kind + " has no parent"});
  if (!errors.empty()) return Status::unprocessable("invalid taxonomy entry", std::move(errors));
  // The store checks that the parent exists, in the same transaction as the write.
  return with_session<TaxonomyEntry>(ctx_, [&](Session& s) -> Result<TaxonomyEntry> {
    CIPMS_RETURN_IF_ERROR(s.upsert_taxonomy_entry(kind, e));
    return e;
  });
}

// ---------------------------------------------------------------- organisations

Result<Organisation> RegistryService::get_organisation(OrgId id) {
  return with_session<Organisation>(ctx_, [&](Session& s) { return s.get_organisation(id); });
}

Result<Page<Organisation>> RegistryService::list_organisations(const OrgFilter& f) {
  return with_session<Page<Organisation>>(ctx_, [&](Session& s) { return s.list_organisations(f); });
}

namespace {
Status check_organisation(Session& s, const Organisation& o, std::vector<FieldError>& errs) {
  CIPMS_ASSIGN_OR_RETURN(Taxonomy tax, s.load_taxonomy());
  validate_organisation(o, tax, "", errs);
  if (o.parent) {
    if (!o.parent->valid()) {
      errs.push_back({"/parent", "must be a positive organisation id"});
    } else if (o.id.valid() && *o.parent == o.id) {
      errs.push_back({"/parent", "an organisation cannot be its own parent"});
    } else {
      auto p = s.get_organisation(*o.parent);
      if (!p.is_ok()) {
        if (p.status().code() != Code::kNotFound) return p.status();
        errs.push_back({"/parent", "organisation " + std::to_string(o.parent->value) + " does not exist"});
      }
    }
  }
  return Status::ok();
}
}  // namespace

Result<Organisation> RegistryService::create_organisation(const Organisation& in) {
  return in_transaction<Organisation>(ctx_, [&](Session& s) -> Result<Organisation> {
    Organisation o = in;
    o.id = OrgId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_organisation(s, o, errs));
    if (!errs.empty()) return unprocessable("organisation", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_organisation_by_code(o.code), OrgId(), "organisation"));
    return s.create_organisation(o, ctx_.clock->now());
  });
}

Result<Organisation> RegistryService::update_organisation(const Organisation& in, std::int64_t expected) {
  // Forgotten again after the commit: a reader may have cached the old code in between.
  struct ForgetAfter {
    RegistryOrgCodes& c;
    OrgId id;
    ~ForgetAfter() { c.forget(id); }
  } forget_after{*org_codes_, in.id};
  return in_transaction<Organisation>(ctx_, [&](Session& s) -> Result<Organisation> {
    CIPMS_ASSIGN_OR_RETURN(Organisation cur, s.get_organisation(in.id));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "organisation", in.id.value));
    Organisation o = in;
    o.created_at = cur.created_at;
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_organisation(s, o, errs));
    if (!errs.empty()) return unprocessable("organisation", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_organisation_by_code(o.code), o.id, "organisation"));
    org_codes_->forget(o.id);
    return s.update_organisation(o, expected, ctx_.clock->now());
  });
}

Status RegistryService::delete_organisation(OrgId id, std::int64_t expected) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Organisation cur, s.get_organisation(id));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "organisation", id.value));
           org_codes_->forget(id);
           CIPMS_RETURN_IF_ERROR(s.delete_organisation(id, expected));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- facilities

Result<FacilityView> RegistryService::get_facility(FacilityId id) {
  return with_session<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    CIPMS_ASSIGN_OR_RETURN(Facility f, s.get_facility(id));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(f));
  });
}

Result<Page<FacilityView>> RegistryService::list_facilities(const FacilityFilter& filter) {
  return with_session<Page<FacilityView>>(ctx_, [&](Session& s) -> Result<Page<FacilityView>> {
    CIPMS_ASSIGN_OR_RETURN(Page<Facility> page, s.list_facilities(filter));
    CodeCache cache(s, org_codes_.get());
    Page<FacilityView> out;
    out.total = page.total;
    out.items.reserve(page.items.size());
    for (Facility& f : page.items) {
      CIPMS_ASSIGN_OR_RETURN(FacilityView v, facility_view(cache, std::move(f)));
      out.items.push_back(std::move(v));
    }
    return out;
  });
}

Result<FacilityView> RegistryService::create_facility(const Facility& in) {
  return in_transaction<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    Facility f = in;
    f.id = FacilityId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_facility(s, f, errs));
    if (!errs.empty()) return unprocessable("facility", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_facility_by_code(f.code), FacilityId(), "facility"));
    CIPMS_ASSIGN_OR_RETURN(Facility created, s.create_facility(f, ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(created));
  });
}

Result<FacilityView> RegistryService::update_facility(const Facility& in, std::int64_t expected) {
  return in_transaction<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    CIPMS_ASSIGN_OR_RETURN(Facility cur, s.get_facility(in.id));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "facility", in.id.value));
    Facility f = in;
    f.created_at = cur.created_at;
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_facility(s, f, errs));
    if (!errs.empty()) return unprocessable("facility", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_facility_by_code(f.code), f.id, "facility"));
    CIPMS_ASSIGN_OR_RETURN(Facility updated, s.update_facility(f, expected, ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(updated));
  });
}

Status RegistryService::delete_facility(FacilityId id, std::int64_t expected) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Facility cur, s.get_facility(id));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "facility", id.value));
           CIPMS_ASSIGN_OR_RETURN(auto supplied, s.list_dependencies_supplied_by(id));
           if (!supplied.empty()) {
             CodeCache cache(s, org_codes_.get());
             CIPMS_ASSIGN_OR_RETURN(std::string consumer, cache.facility(supplied.front().consumer));
             return Status::conflict("facility " + cur.code + " still supplies " +
                                     std::to_string(supplied.size()) + " dependencies (e.g. " +
                                     supplied.front().resource + " of " + consumer +
                                     "); remove it from those first");
           }
           CIPMS_RETURN_IF_ERROR(s.delete_facility(id, expected));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- core functions

Result<std::vector<CoreFunction>> RegistryService::list_core_functions(FacilityId facility) {
  return with_session<std::vector<CoreFunction>>(ctx_, [&](Session& s) -> Result<std::vector<CoreFunction>> {
    CIPMS_RETURN_IF_ERROR(s.get_facility(facility).status());
    return s.list_core_functions(facility);
  });
}

Result<CoreFunction> RegistryService::get_core_function(CoreFunctionId id) {
  return with_session<CoreFunction>(ctx_, [&](Session& s) { return s.get_core_function(id); });
}

Result<CoreFunction> RegistryService::create_core_function(const CoreFunction& in) {
  return in_transaction<CoreFunction>(ctx_, [&](Session& s) -> Result<CoreFunction> {
    CIPMS_RETURN_IF_ERROR(s.get_facility(in.facility).status());
    CoreFunction c = in;
    c.id = CoreFunctionId();
    std::vector<FieldError> errs;
    validate_core_function(c, "", errs);
    if (!errs.empty()) return unprocessable("core function", std::move(errs));
    return s.create_core_function(c, ctx_.clock->now());
  });
}

Result<CoreFunction> RegistryService::update_core_function(const CoreFunction& in, std::int64_t expected) {
  return in_transaction<CoreFunction>(ctx_, [&](Session& s) -> Result<CoreFunction> {
    CIPMS_ASSIGN_OR_RETURN(CoreFunction cur, s.get_core_function(in.id));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "core function", in.id.value));
    CoreFunction c = in;
    c.facility = cur.facility;
    c.created_at = cur.created_at;
    std::vector<FieldError> errs;
    validate_core_function(c, "", errs);
    if (!errs.empty()) return unprocessable("core function", std::move(errs));
    return s.update_core_function(c, expected, ctx_.clock->now());
  });
}

Status RegistryService::delete_core_function(CoreFunctionId id, std::int64_t expected) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(CoreFunction cur, s.get_core_function(id));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "core function", id.value));
           CIPMS_RETURN_IF_ERROR(s.delete_core_function(id, expected));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- dependencies

Result<DependencyView> RegistryService::get_dependency(DependencyId id) {
  return with_session<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    CIPMS_ASSIGN_OR_RETURN(Dependency d, s.get_dependency(id));
    CodeCache cache(s, org_codes_.get());
    return dependency_view(cache, std::move(d));
  });
}

namespace {
Result<std::vector<DependencyView>> views(Session& s, std::vector<Dependency> deps) {
  CodeCache cache(s);
  std::vector<DependencyView> out;
  out.reserve(deps.size());
  for (Dependency& d : deps) {
    CIPMS_ASSIGN_OR_RETURN(DependencyView v, dependency_view(cache, std::move(d)));
    out.push_back(std::move(v));
  }
  return out;
}
}  // namespace

Result<std::vector<DependencyView>> RegistryService::list_dependencies_of(FacilityId consumer) {
  return with_session<std::vector<DependencyView>>(ctx_, [&](Session& s) -> Result<std::vector<DependencyView>> {
    CIPMS_RETURN_IF_ERROR(s.get_facility(consumer).status());
    CIPMS_ASSIGN_OR_RETURN(auto deps, s.list_dependencies_of(consumer));
    return views(s, std::move(deps));
  });
}

Result<std::vector<DependencyView>> RegistryService::list_dependents_of(FacilityId supplier) {
  return with_session<std::vector<DependencyView>>(ctx_, [&](Session& s) -> Result<std::vector<DependencyView>> {
    CIPMS_RETURN_IF_ERROR(s.get_facility(supplier).status());
    CIPMS_ASSIGN_OR_RETURN(auto deps, s.list_dependencies_supplied_by(supplier));
    return views(s, std::move(deps));
  });
}

Result<DependencyView> RegistryService::create_dependency(const Dependency& in) {
  return in_transaction<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    Dependency d = in;
    d.id = DependencyId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_dependency(s, d, errs));
    if (!errs.empty()) return unprocessable("dependency", std::move(errs));
    CIPMS_ASSIGN_OR_RETURN(Dependency created, s.create_dependency(d, ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return dependency_view(cache, std::move(created));
  });
}

Result<DependencyView> RegistryService::update_dependency(const Dependency& in, std::int64_t expected) {
  return in_transaction<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    CIPMS_ASSIGN_OR_RETURN(Dependency cur, s.get_dependency(in.id));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "dependency", in.id.value));
    Dependency d = in;
    d.created_at = cur.created_at;
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_dependency(s, d, errs));
    if (!errs.empty()) return unprocessable("dependency", std::move(errs));
    CIPMS_ASSIGN_OR_RETURN(Dependency updated, s.update_dependency(d, expected, ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return dependency_view(cache, std::move(updated));
  });
}

Status RegistryService::delete_dependency(DependencyId id, std::int64_t expected) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Dependency cur, s.get_dependency(id));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "dependency", id.value));
           CIPMS_RETURN_IF_ERROR(s.delete_dependency(id, expected));
           return Unit{};
         })
      .status();
}

}  // namespace cipms
