#include "cipms/services/registry_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cipms/domain/validation.h"
#include "cipms/services/audit.h"
#include "cipms/storage/security_store.h"

#include <nlohmann/json.hpp>

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

Result<bool> can_read(Session& s, const Principal& who, const Facility& f, const std::string& now);

// A facility one may name as a supplier: one it may read, or any unclassified one (providers
// name the substation that feeds them, which another organisation runs).
Result<bool> can_reference(Session& s, const Principal& who, const Facility& f, const std::string& now) {
  if (f.classification.level == ClassLevel::kGeneral) return true;
  return can_read(s, who, f, now);
}

Status check_dependency(Session& s, const Principal& who, const std::string& now, const Dependency& d,
                        std::vector<FieldError>& errs) {
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
    if (f.is_ok()) {
      CIPMS_ASSIGN_OR_RETURN(bool ok, can_reference(s, who, *f, now));
      if (ok) return Status::ok();
    } else if (f.status().code() != Code::kNotFound) {
      return f.status();
    }
    errs.push_back({ptr, "facility " + std::to_string(id.value) + " does not exist"});
    return Status::ok();
  };
  CIPMS_RETURN_IF_ERROR(exists(d.consumer, "/consumer"));
  for (std::size_t i = 0; i < d.suppliers.size(); ++i)
    CIPMS_RETURN_IF_ERROR(exists(d.suppliers[i], "/suppliers/" + std::to_string(i)));
  return Status::ok();
}

Status need(const Principal& who, Permission p) {
  if (who.can(p)) return Status::ok();
  return Status(Code::kPermissionDenied, std::string("this needs the permission ") + permission_code(p));
}

std::string facility_json(const Facility& f) {
  nlohmann::json j = {{"id", f.id.value}, {"code", f.code}, {"name", f.name}, {"name_en", f.name_en},
                      {"sector", f.sector}, {"subsector", f.subsector}, {"type", f.type},
                      {"provider", f.provider ? f.provider->value : 0}, {"authority", f.authority ? f.authority->value : 0},
                      {"county_code", f.county_code}, {"population", f.population}, {"loss_per_hour", f.loss_per_hour},
                      {"cii", f.cii}, {"grade", f.grade ? *f.grade : 0}, {"status", lifecycle_code(f.status)},
                      {"classification", class_level_code(f.classification.level)},
                      {"classification_reason", f.classification.reason},
                      {"declassify_on", f.classification.declassify_on.value_or("")},
                      {"declassify_condition", f.classification.declassify_condition}, {"version", f.version}};
  return j.dump();
}

std::string dependency_json(const Dependency& d) {
  std::vector<std::int64_t> sup;
  for (FacilityId id : d.suppliers) sup.push_back(id.value);
  return nlohmann::json{{"id", d.id.value}, {"consumer", d.consumer.value}, {"resource", d.resource},
                        {"suppliers", sup}, {"min_up", d.min_up}, {"backup_hours", d.backup_hours},
                        {"version", d.version}}
      .dump();
}

std::string core_function_json(const CoreFunction& c) {
  return nlohmann::json{{"id", c.id.value}, {"facility", c.facility.value}, {"name", c.name},
                        {"description", c.description}, {"mtpd_hours", c.mtpd_hours ? *c.mtpd_hours : -1},
                        {"continuity", c.continuity}, {"version", c.version}}
      .dump();
}

std::string organisation_json(const Organisation& o) {
  return nlohmann::json{{"id", o.id.value}, {"code", o.code}, {"name", o.name}, {"name_en", o.name_en},
                        {"type", org_type_code(o.type)}, {"sectors", o.sectors}, {"subsectors", o.subsectors},
                        {"version", o.version}}
      .dump();
}

// May `who` read facility f? Looks a need-to-know grant up only when the level needs one.
Result<bool> can_read(Session& s, const Principal& who, const Facility& f, const std::string& now) {
  if (who.system) return true;
  bool grant = false;
  if (is_national_secret(f.classification.level) && who.in_scope(f) && who.clearance >= f.classification.level) {
    CIPMS_ASSIGN_OR_RETURN(grant, security_store::has_grant(s, who.user, "facility", f.id.value, now));
  }
  return who.may_read(f, grant);
}

Status hidden(FacilityId id) {
  return Status::not_found("facility " + std::to_string(id.value) + " does not exist");
}

// The facility, when `who` may read it; kNotFound (as for a missing one) when not. Attempts on
// hidden records and reads of national secrets are audited by the caller via `note`.
struct ReadNote {
  std::optional<AuditEvent> event;
};

Result<Facility> readable_facility(Session& s, const Principal& who, FacilityId id, const std::string& now,
                                   ReadNote* note = nullptr, bool lock = false) {
  CIPMS_ASSIGN_OR_RETURN(Facility f, lock ? s.get_facility_for_update(id) : s.get_facility(id));
  CIPMS_ASSIGN_OR_RETURN(bool ok, can_read(s, who, f, now));
  if (!ok) {
    if (note)
      note->event = AuditEvent{"facility.read", "facility", std::to_string(id.value), "denied",
                               !who.in_scope(f) ? "outside the reader's scope"
                               : who.clearance < f.classification.level
                                   ? std::string("above the reader's clearance (") +
                                         class_level_name_zh(f.classification.level) + ")"
                                   : "no need-to-know grant"};
    return hidden(id);
  }
  if (note && !who.system && f.classification.level >= ClassLevel::kConfidential)
    note->event = AuditEvent{"facility.read", "facility", std::to_string(id.value), "ok",
                             std::string("read a ") + class_level_name_zh(f.classification.level) + " record"};
  return f;
}

Status writable(const Principal& who, const Facility& f) {
  if (who.may_write(f)) return Status::ok();
  return Status(Code::kPermissionDenied, "facility " + f.code + " is outside what your organisation may change");
}

}  // namespace

Result<Taxonomy> RegistryService::taxonomy() {
  return with_session<Taxonomy>(ctx_, [](Session& s) { return s.load_taxonomy(); });
}

Result<TaxonomyEntry> RegistryService::set_taxonomy_entry(const Principal& who, const std::string& kind,
                                                          const TaxonomyEntry& e) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kTaxonomyWrite));
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
  return in_transaction<TaxonomyEntry>(ctx_, [&](Session& s) -> Result<TaxonomyEntry> {
    CIPMS_RETURN_IF_ERROR(s.upsert_taxonomy_entry(kind, e));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"taxonomy.set", kind, e.code, "ok", e.name + " / " + e.name_en},
                                       ctx_.clock->now()));
    return e;
  });
}

// ---------------------------------------------------------------- organisations

Result<Organisation> RegistryService::get_organisation(const Principal& who, OrgId id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  return with_session<Organisation>(ctx_, [&](Session& s) { return s.get_organisation(id); });
}

Result<Page<Organisation>> RegistryService::list_organisations(const Principal& who, const OrgFilter& f) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
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

Result<Organisation> RegistryService::create_organisation(const Principal& who, const Organisation& in) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kOrgWrite));
  return in_transaction<Organisation>(ctx_, [&](Session& s) -> Result<Organisation> {
    Organisation o = in;
    o.id = OrgId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_organisation(s, o, errs));
    if (!errs.empty()) return unprocessable("organisation", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_organisation_by_code(o.code), OrgId(), "organisation"));
    CIPMS_ASSIGN_OR_RETURN(Organisation out, s.create_organisation(o, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"organisation.create", "organisation", std::to_string(out.id.value),
                                                  "ok", out.code, "", organisation_json(out)},
                                       ctx_.clock->now()));
    return out;
  });
}

Result<Organisation> RegistryService::update_organisation(const Principal& who, const Organisation& in,
                                                         std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kOrgWrite));
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
    CIPMS_ASSIGN_OR_RETURN(Organisation out, s.update_organisation(o, expected, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"organisation.update", "organisation", std::to_string(out.id.value),
                                                  "ok", out.code, organisation_json(cur), organisation_json(out)},
                                       ctx_.clock->now()));
    return out;
  });
}

Status RegistryService::delete_organisation(const Principal& who, OrgId id, std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kOrgWrite));
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Organisation cur, s.get_organisation(id));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "organisation", id.value));
           org_codes_->forget(id);
           CIPMS_RETURN_IF_ERROR(s.delete_organisation(id, expected));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                              AuditEvent{"organisation.delete", "organisation", std::to_string(id.value),
                                                         "ok", cur.code, organisation_json(cur), ""},
                                              ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- facilities

Result<FacilityView> RegistryService::get_facility(const Principal& who, FacilityId id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  ReadNote note;
  auto out = with_session<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    CIPMS_ASSIGN_OR_RETURN(Facility f, readable_facility(s, who, id, format_utc(ctx_.clock->now()), &note));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(f));
  });
  if (note.event) CIPMS_RETURN_IF_ERROR(audit_record(ctx_, who, *note.event));
  return out;
}

Result<Page<FacilityView>> RegistryService::list_facilities(const Principal& who, const FacilityFilter& in) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  FacilityFilter filter = in;
  if (!who.system) {
    filter.access = access_filter(who);
    filter.access->now = format_utc(ctx_.clock->now());
  }
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

Result<FacilityView> RegistryService::create_facility(const Principal& who, const Facility& in) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  CIPMS_RETURN_IF_ERROR(writable(who, in));
  return in_transaction<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    Facility f = in;
    f.id = FacilityId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_facility(s, f, errs));
    const TimePoint now = ctx_.clock->now();
    if (f.classification.level != ClassLevel::kGeneral) {
      if (!who.can(Permission::kClassify))
        errs.push_back({"/classification/level", "you may not classify records"});
      else if (!who.system && f.classification.level > who.clearance)
        errs.push_back({"/classification/level", "above your own clearance"});
      for (auto& e : check_classification(f.classification, format_utc_date(now), "/classification"))
        errs.push_back(std::move(e));
      f.classification.classified_by = who.display();
      f.classification.classified_on = format_utc_date(now);
    } else {
      f.classification = Classification{};
    }
    if (!errs.empty()) return unprocessable("facility", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_facility_by_code(f.code), FacilityId(), "facility"));
    CIPMS_ASSIGN_OR_RETURN(Facility created, s.create_facility(f, now));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"facility.create", "facility", std::to_string(created.id.value), "ok",
                                                  created.code, "", facility_json(created)},
                                       now));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(created));
  });
}

Result<FacilityView> RegistryService::update_facility(const Principal& who, const Facility& in,
                                                     std::int64_t expected) {
  return patch_facility(who, in.id, expected, [&](const FacilityView&) -> Result<Facility> { return in; });
}

Result<FacilityView> RegistryService::patch_facility(const Principal& who, FacilityId id, std::int64_t expected,
                                                     const std::function<Result<Facility>(const FacilityView&)>& apply) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  const TimePoint now = ctx_.clock->now();
  return in_transaction<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    // Locked until commit: a concurrent writer waits instead of invalidating our read.
    CIPMS_ASSIGN_OR_RETURN(Facility cur, readable_facility(s, who, id, format_utc(now), nullptr, /*lock=*/true));
    CIPMS_RETURN_IF_ERROR(writable(who, cur));
    if (expected == kAnyVersion) expected = cur.version;
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "facility", id.value));
    CodeCache cache(s, org_codes_.get());
    CIPMS_ASSIGN_OR_RETURN(FacilityView cur_view, facility_view(cache, cur));
    CIPMS_ASSIGN_OR_RETURN(Facility in, apply(cur_view));
    in.id = id;
    CIPMS_RETURN_IF_ERROR(writable(who, in));  // cannot move it out of one's scope either
    Facility f = in;
    f.created_at = cur.created_at;
    f.classification = cur.classification;  // changed only by set_facility_classification
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_facility(s, f, errs));
    if (!errs.empty()) return unprocessable("facility", std::move(errs));
    CIPMS_RETURN_IF_ERROR(check_unique_code(s.find_facility_by_code(f.code), f.id, "facility"));
    CIPMS_ASSIGN_OR_RETURN(Facility updated, s.update_facility(f, expected, now));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"facility.update", "facility", std::to_string(f.id.value), "ok",
                                                  updated.code, facility_json(cur), facility_json(updated)},
                                       now));
    return facility_view(cache, std::move(updated));
  });
}

Status RegistryService::delete_facility(const Principal& who, FacilityId id, std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Facility cur, readable_facility(s, who, id, format_utc(ctx_.clock->now())));
           CIPMS_RETURN_IF_ERROR(writable(who, cur));
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
           CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                              AuditEvent{"facility.delete", "facility", std::to_string(id.value), "ok",
                                                         cur.code, facility_json(cur), ""},
                                              ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- core functions

Result<std::vector<CoreFunction>> RegistryService::list_core_functions(const Principal& who, FacilityId facility) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  return with_session<std::vector<CoreFunction>>(ctx_, [&](Session& s) -> Result<std::vector<CoreFunction>> {
    CIPMS_RETURN_IF_ERROR(readable_facility(s, who, facility, format_utc(ctx_.clock->now())).status());
    return s.list_core_functions(facility);
  });
}

Result<CoreFunction> RegistryService::get_core_function(const Principal& who, CoreFunctionId id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  return with_session<CoreFunction>(ctx_, [&](Session& s) -> Result<CoreFunction> {
    CIPMS_ASSIGN_OR_RETURN(CoreFunction c, s.get_core_function(id));
    if (!readable_facility(s, who, c.facility, format_utc(ctx_.clock->now())).is_ok())
      return Status::not_found("core function " + std::to_string(id.value) + " does not exist");
    return c;
  });
}

Result<CoreFunction> RegistryService::create_core_function(const Principal& who, const CoreFunction& in) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  return in_transaction<CoreFunction>(ctx_, [&](Session& s) -> Result<CoreFunction> {
    CIPMS_ASSIGN_OR_RETURN(Facility owner, readable_facility(s, who, in.facility, format_utc(ctx_.clock->now())));
    CIPMS_RETURN_IF_ERROR(writable(who, owner));
    CoreFunction c = in;
    c.id = CoreFunctionId();
    std::vector<FieldError> errs;
    validate_core_function(c, "", errs);
    if (!errs.empty()) return unprocessable("core function", std::move(errs));
    CIPMS_ASSIGN_OR_RETURN(CoreFunction out, s.create_core_function(c, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"core_function.create", "core_function", std::to_string(out.id.value),
                                                  "ok", "of facility " + owner.code, "", core_function_json(out)},
                                       ctx_.clock->now()));
    return out;
  });
}

Result<CoreFunction> RegistryService::update_core_function(const Principal& who, const CoreFunction& in,
                                                         std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  return in_transaction<CoreFunction>(ctx_, [&](Session& s) -> Result<CoreFunction> {
    CIPMS_ASSIGN_OR_RETURN(CoreFunction cur, s.get_core_function(in.id));
    auto owner = readable_facility(s, who, cur.facility, format_utc(ctx_.clock->now()));
    if (!owner.is_ok()) return Status::not_found("core function " + std::to_string(in.id.value) + " does not exist");
    CIPMS_RETURN_IF_ERROR(writable(who, *owner));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "core function", in.id.value));
    CoreFunction c = in;
    c.facility = cur.facility;
    c.created_at = cur.created_at;
    std::vector<FieldError> errs;
    validate_core_function(c, "", errs);
    if (!errs.empty()) return unprocessable("core function", std::move(errs));
    CIPMS_ASSIGN_OR_RETURN(CoreFunction out, s.update_core_function(c, expected, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"core_function.update", "core_function", std::to_string(out.id.value),
                                                  "ok", "of facility " + owner->code, core_function_json(cur),
                                                  core_function_json(out)},
                                       ctx_.clock->now()));
    return out;
  });
}

Status RegistryService::delete_core_function(const Principal& who, CoreFunctionId id, std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(CoreFunction cur, s.get_core_function(id));
           auto owner = readable_facility(s, who, cur.facility, format_utc(ctx_.clock->now()));
           if (!owner.is_ok()) return Status::not_found("core function " + std::to_string(id.value) + " does not exist");
           CIPMS_RETURN_IF_ERROR(writable(who, *owner));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "core function", id.value));
           CIPMS_RETURN_IF_ERROR(s.delete_core_function(id, expected));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                              AuditEvent{"core_function.delete", "core_function", std::to_string(id.value),
                                                         "ok", "of facility " + owner->code, core_function_json(cur), ""},
                                              ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- dependencies

namespace {
// Suppliers `who` may not even reference (classified, not readable) show as id 0 with no code.
Status mask_suppliers(Session& s, const Principal& who, const std::string& now, DependencyView& v) {
  if (who.system) return Status::ok();
  for (std::size_t i = 0; i < v.dependency.suppliers.size(); ++i) {
    auto f = s.get_facility(v.dependency.suppliers[i]);
    if (!f.is_ok()) continue;
    CIPMS_ASSIGN_OR_RETURN(bool ok, can_reference(s, who, *f, now));
    if (!ok) {
      v.dependency.suppliers[i] = FacilityId();
      v.supplier_codes[i].clear();
    }
  }
  return Status::ok();
}

// Views of the dependencies whose consumer `who` may read, suppliers masked.
Result<std::vector<DependencyView>> views(Session& s, const Principal& who, const std::string& now,
                                          std::vector<Dependency> deps) {
  CodeCache cache(s);
  std::vector<DependencyView> out;
  out.reserve(deps.size());
  std::unordered_map<FacilityId, bool> readable;
  for (Dependency& d : deps) {
    auto it = readable.find(d.consumer);
    if (it == readable.end()) {
      CIPMS_ASSIGN_OR_RETURN(Facility c, s.get_facility(d.consumer));
      CIPMS_ASSIGN_OR_RETURN(bool ok, can_read(s, who, c, now));
      it = readable.emplace(d.consumer, ok).first;
    }
    if (!it->second) continue;
    CIPMS_ASSIGN_OR_RETURN(DependencyView v, dependency_view(cache, std::move(d)));
    CIPMS_RETURN_IF_ERROR(mask_suppliers(s, who, now, v));
    out.push_back(std::move(v));
  }
  return out;
}
}  // namespace

Result<DependencyView> RegistryService::get_dependency(const Principal& who, DependencyId id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  const std::string now = format_utc(ctx_.clock->now());
  return with_session<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    CIPMS_ASSIGN_OR_RETURN(Dependency d, s.get_dependency(id));
    if (!readable_facility(s, who, d.consumer, now).is_ok())
      return Status::not_found("dependency " + std::to_string(id.value) + " does not exist");
    CodeCache cache(s, org_codes_.get());
    CIPMS_ASSIGN_OR_RETURN(DependencyView v, dependency_view(cache, std::move(d)));
    CIPMS_RETURN_IF_ERROR(mask_suppliers(s, who, now, v));
    return v;
  });
}


Result<std::vector<DependencyView>> RegistryService::list_dependencies_of(const Principal& who, FacilityId consumer) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  const std::string now = format_utc(ctx_.clock->now());
  return with_session<std::vector<DependencyView>>(ctx_, [&](Session& s) -> Result<std::vector<DependencyView>> {
    CIPMS_RETURN_IF_ERROR(readable_facility(s, who, consumer, now).status());
    CIPMS_ASSIGN_OR_RETURN(auto deps, s.list_dependencies_of(consumer));
    return views(s, who, now, std::move(deps));
  });
}

Result<std::vector<DependencyView>> RegistryService::list_dependents_of(const Principal& who, FacilityId supplier) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryRead));
  const std::string now = format_utc(ctx_.clock->now());
  return with_session<std::vector<DependencyView>>(ctx_, [&](Session& s) -> Result<std::vector<DependencyView>> {
    CIPMS_RETURN_IF_ERROR(readable_facility(s, who, supplier, now).status());
    CIPMS_ASSIGN_OR_RETURN(auto deps, s.list_dependencies_supplied_by(supplier));
    return views(s, who, now, std::move(deps));
  });
}

Result<DependencyView> RegistryService::create_dependency(const Principal& who, const Dependency& in) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  const std::string now = format_utc(ctx_.clock->now());
  return in_transaction<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    Dependency d = in;
    d.id = DependencyId();
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_dependency(s, who, now, d, errs));
    if (!errs.empty()) return unprocessable("dependency", std::move(errs));
    CIPMS_ASSIGN_OR_RETURN(Facility consumer, s.get_facility(d.consumer));
    CIPMS_RETURN_IF_ERROR(writable(who, consumer));
    CIPMS_ASSIGN_OR_RETURN(Dependency created, s.create_dependency(d, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"dependency.create", "dependency", std::to_string(created.id.value),
                                                  "ok", created.resource + " of " + consumer.code, "",
                                                  dependency_json(created)},
                                       ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return dependency_view(cache, std::move(created));
  });
}

Result<DependencyView> RegistryService::update_dependency(const Principal& who, const Dependency& in,
                                                         std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  const std::string now = format_utc(ctx_.clock->now());
  return in_transaction<DependencyView>(ctx_, [&](Session& s) -> Result<DependencyView> {
    CIPMS_ASSIGN_OR_RETURN(Dependency cur, s.get_dependency(in.id));
    auto owner = readable_facility(s, who, cur.consumer, now);
    if (!owner.is_ok()) return Status::not_found("dependency " + std::to_string(in.id.value) + " does not exist");
    CIPMS_RETURN_IF_ERROR(writable(who, *owner));
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "dependency", in.id.value));
    Dependency d = in;
    d.created_at = cur.created_at;
    std::vector<FieldError> errs;
    CIPMS_RETURN_IF_ERROR(check_dependency(s, who, now, d, errs));
    if (!errs.empty()) return unprocessable("dependency", std::move(errs));
    if (d.consumer != cur.consumer) {
      CIPMS_ASSIGN_OR_RETURN(Facility next, s.get_facility(d.consumer));
      CIPMS_RETURN_IF_ERROR(writable(who, next));
    }
    CIPMS_ASSIGN_OR_RETURN(Dependency updated, s.update_dependency(d, expected, ctx_.clock->now()));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"dependency.update", "dependency", std::to_string(updated.id.value),
                                                  "ok", updated.resource + " of " + owner->code, dependency_json(cur),
                                                  dependency_json(updated)},
                                       ctx_.clock->now()));
    CodeCache cache(s, org_codes_.get());
    return dependency_view(cache, std::move(updated));
  });
}

Status RegistryService::delete_dependency(const Principal& who, DependencyId id, std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kRegistryWrite));
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Dependency cur, s.get_dependency(id));
           auto owner = readable_facility(s, who, cur.consumer, format_utc(ctx_.clock->now()));
           if (!owner.is_ok()) return Status::not_found("dependency " + std::to_string(id.value) + " does not exist");
           CIPMS_RETURN_IF_ERROR(writable(who, *owner));
           CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "dependency", id.value));
           CIPMS_RETURN_IF_ERROR(s.delete_dependency(id, expected));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                              AuditEvent{"dependency.delete", "dependency", std::to_string(id.value),
                                                         "ok", cur.resource + " of " + owner->code,
                                                         dependency_json(cur), ""},
                                              ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

// ---------------------------------------------------------------- classification

Result<FacilityView> RegistryService::set_facility_classification(const Principal& who, FacilityId id,
                                                                  const Classification& in, std::int64_t expected) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kClassify));
  const TimePoint now = ctx_.clock->now();
  const std::string today = format_utc_date(now);
  return in_transaction<FacilityView>(ctx_, [&](Session& s) -> Result<FacilityView> {
    CIPMS_ASSIGN_OR_RETURN(Facility cur, readable_facility(s, who, id, format_utc(now)));
    if (!who.system && !who.in_scope(cur))
      return Status(Code::kPermissionDenied, "facility " + cur.code + " is outside your organisation's scope");
    CIPMS_RETURN_IF_ERROR(check_version(cur.version, expected, "facility", id.value));
    std::vector<FieldError> errs = check_classification(in, today, "");
    if (!who.system && in.level > who.clearance)
      errs.push_back({"/level", std::string("you may not classify above your own clearance (") +
                                    class_level_name_zh(who.clearance) + ")"});
    if (!errs.empty()) return unprocessable("classification", std::move(errs));
    Facility f = cur;
    f.classification = in;
    f.classification.classified_by = who.display();
    f.classification.classified_on = today;
    if (in.level == ClassLevel::kGeneral) {
      f.classification.declassify_on.reset();
      f.classification.declassify_condition.clear();
    }
    CIPMS_ASSIGN_OR_RETURN(Facility updated, s.update_facility(f, expected, now));
    const char* action = in.level < cur.classification.level
                             ? (in.level == ClassLevel::kGeneral ? "classification.declassify" : "classification.lower")
                             : "classification.set";
    CIPMS_RETURN_IF_ERROR(audit_append(
        s, who,
        AuditEvent{action, "facility", std::to_string(id.value), "ok",
                   std::string(class_level_name_zh(cur.classification.level)) + " → " +
                       class_level_name_zh(in.level) + ": " + in.reason,
                   facility_json(cur), facility_json(updated)},
        now));
    CodeCache cache(s, org_codes_.get());
    return facility_view(cache, std::move(updated));
  });
}

}  // namespace cipms
