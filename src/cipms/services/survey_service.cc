#include "cipms/services/survey_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "cipms/domain/validation.h"
#include "cipms/services/analysis.h"
#include "cipms/services/audit.h"
#include "cipms/services/survey_json.h"
#include "cipms/services/survey_pdf.h"
#include "cipms/services/survey_xlsx.h"
#include "cipms/storage/security_store.h"

namespace cipms {

namespace ss = survey_store;

// The criticality ranking of the registry's network, recomputed when the registry changes.
struct SurveyRankingCache {
  std::mutex mu;
  std::int64_t revision = -1;
  struct Entry {
    std::int64_t rank = 0;
    double population_hours = 0;
    std::int64_t facilities_down = 0;
    double economic_loss = 0;
    std::int64_t type_rank = 0;
  };
  std::unordered_map<std::string, Entry> by_code;
  std::vector<std::string> order;  // codes in rank order
  std::unordered_map<std::string, std::int64_t> type_counts;
  std::unordered_map<std::string, std::string> type_of;
};

SurveyService::SurveyService(ServiceContext ctx)
    : ctx_(std::move(ctx)), ranking_(std::make_shared<SurveyRankingCache>()) {}

namespace {

Status denied(const std::string& what) { return Status(Code::kPermissionDenied, what); }

Status unprocessable(const std::string& what, std::vector<FieldError> errs) {
  std::string msg = what + " (" + std::to_string(errs.size()) + (errs.size() == 1 ? " problem)" : " problems)");
  return Status::unprocessable(std::move(msg), std::move(errs));
}

std::optional<AccessFilter> filter_of(const Principal& who, TimePoint now) {
  if (who.system) return std::nullopt;
  AccessFilter a = access_filter(who);
  a.now = format_utc(now);
  return a;
}

// The facility, if `who` may read it; kNotFound otherwise (as if it did not exist).
Result<Facility> readable_facility(Session& s, const Principal& who, FacilityId id, TimePoint now) {
  auto f = s.get_facility(id);
  if (!f.is_ok()) {
    if (f.status().code() == Code::kNotFound) return Status::not_found("facility " + std::to_string(id.value) + " does not exist");
    return f.status();
  }
  bool grant = false;
  if (!who.system && is_national_secret(f->classification.level)) {
    CIPMS_ASSIGN_OR_RETURN(grant, security_store::has_grant(s, who.user, "facility", id.value, format_utc(now)));
  }
  if (!who.may_read(*f, grant)) return Status::not_found("facility " + std::to_string(id.value) + " does not exist");
  return std::move(f).value();
}

Result<Survey> readable_survey(Session& s, const Principal& who, std::int64_t id, TimePoint now, Facility* fac) {
  auto sv = ss::get_survey(s, id);
  if (!sv.is_ok()) return sv.status();
  auto f = readable_facility(s, who, sv->facility, now);
  if (!f.is_ok()) {
    if (f.status().code() == Code::kNotFound) return Status::not_found("survey " + std::to_string(id) + " does not exist");
    return f.status();
  }
  if (fac) *fac = std::move(f).value();
  return sv;
}

Result<SurveyDocument> load_document(Session& s, Survey sv, Facility f) {
  SurveyDocument d;
  d.facility = std::move(f);
  CIPMS_ASSIGN_OR_RETURN(d.core_functions, s.list_core_functions(d.facility.id));
  CIPMS_ASSIGN_OR_RETURN(auto deps, s.list_dependencies_of(d.facility.id));
  CIPMS_ASSIGN_OR_RETURN(auto plans, ss::backup_plans_of(s, d.facility.id));
  std::unordered_map<FacilityId, std::string> codes;
  for (Dependency& dep : deps) {
    ExternalResource x;
    auto it = plans.find(dep.id.value);
    if (it != plans.end()) x.backup_plan = it->second;
    for (FacilityId sup : dep.suppliers) {
      auto c = codes.find(sup);
      if (c == codes.end()) {
        auto sf = s.get_facility(sup);
        c = codes.emplace(sup, sf.is_ok() ? sf->code : std::string()).first;
      }
      x.supplier_codes.push_back(c->second);
    }
    x.dependency = std::move(dep);
    d.external_resources.push_back(std::move(x));
  }
  CIPMS_ASSIGN_OR_RETURN(d.unmatched_suppliers, ss::list_unmatched(s, sv.id));
  CIPMS_ASSIGN_OR_RETURN(d.assets, ss::list_assets(s, sv.id));
  CIPMS_ASSIGN_OR_RETURN(d.opinions, ss::list_opinions(s, sv.id));
  CIPMS_ASSIGN_OR_RETURN(d.history, ss::list_transitions(s, sv.id));
  d.survey = std::move(sv);
  return d;
}

Result<SurveyDocument> get_survey_in(Session& s, const Principal& who, std::int64_t id, TimePoint now) {
  Facility f;
  CIPMS_ASSIGN_OR_RETURN(Survey sv, readable_survey(s, who, id, now, &f));
  return load_document(s, std::move(sv), std::move(f));
}

Status check_version(const Survey& sv, std::int64_t expected) {
  if (sv.version != expected)
    return Status::precondition_failed("survey " + std::to_string(sv.id) + " is at version " +
                                       std::to_string(sv.version) + ", not " + std::to_string(expected) +
                                       "; reload it and apply the change again");
  return Status::ok();
}

enum class Need { kEdit, kReview, kFinalise };

Status check_permission(const Principal& who, const Facility& f, Need need) {
  switch (need) {
    case Need::kEdit:
      if (!who.can(Permission::kSurveyEdit)) return denied("filling in surveys needs the survey.edit permission (provider editors)");
      if (!who.in_scope(f)) return denied("only the provider of facility " + f.code + " may edit its survey");
      return Status::ok();
    case Need::kReview:
      if (!who.can(Permission::kSurveyReview))
        return denied("reviewing surveys needs the survey.review permission (authority, coordinating and OHS officers)");
      if (!who.in_scope(f)) return denied("facility " + f.code + " is outside your organisation's remit");
      return Status::ok();
    case Need::kFinalise:
      if (!who.can(Permission::kGradeFinalise)) return denied("final grades are fixed by the Office of Homeland Security (grade.finalise)");
      return Status::ok();
  }
  return Status::ok();
}

Status illegal(const Survey& sv, SurveyAction a) {
  return Status::conflict(std::string("cannot ") + survey_action_code(a) + " survey " + std::to_string(sv.id) +
                          ": it is " + survey_state_code(sv.state));
}

Status check_editable(const Survey& sv) {
  if (!survey_editable(sv.state))
    return Status::conflict("survey " + std::to_string(sv.id) + " is " + survey_state_code(sv.state) +
                            "; only a draft or returned survey can be edited");
  return Status::ok();
}

std::string dump(const SurveyJson& j) { return j.dump(-1, ' ', false, SurveyJson::error_handler_t::replace); }

// One change of a survey: loads it with the checks every change shares, runs `change` on the
// document, writes the survey row (version + 1), the transition (if any) and the audit entry,
// all in one transaction.
struct Change {
  const char* action;  // audit action
  Need need;
  bool edit = false;                       // a section edit (draft/returned only)
  std::optional<SurveyAction> transition;  // a workflow step
  std::string comment;
};

}  // namespace

// ------------------------------------------------------------------ rounds

Result<SurveyRound> SurveyService::create_round(const Principal& who, const SurveyRound& r) {
  if (!who.can(Permission::kGradeFinalise)) return denied("survey rounds are opened by the Office of Homeland Security");
  std::vector<FieldError> errs;
  if (r.year < 2000 || r.year > 2200) errs.push_back({"/year", "must be a year between 2000 and 2200", "survey.round_year_invalid"});
  if (!valid_iso_date(r.opens_on)) errs.push_back({"/opens_on", "must be a date YYYY-MM-DD", "survey.date_invalid"});
  if (!valid_iso_date(r.deadline)) errs.push_back({"/deadline", "must be a date YYYY-MM-DD", "survey.date_invalid"});
  if (valid_iso_date(r.opens_on) && valid_iso_date(r.deadline) && r.deadline < r.opens_on)
    errs.push_back({"/deadline", "must not be before opens_on", "survey.deadline_before_opening"});
  if (r.title.size() > 200) errs.push_back({"/title", "must be at most 200 bytes", "survey.too_long"});
  validate_reminder_days(r.reminder_days, "/reminder_days", errs);
  if (!errs.empty()) return unprocessable("the survey round is not valid", std::move(errs));
  TimePoint now = ctx_.clock->now();
  return in_transaction<SurveyRound>(ctx_, [&](Session& s) -> Result<SurveyRound> {
    SurveyRound in = r;
    if (in.title.empty()) in.title = std::to_string(r.year) + " 國家關鍵基礎設施基本資料調查";
    CIPMS_ASSIGN_OR_RETURN(SurveyRound out, ss::create_round(s, in, now));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"survey_round.create", "survey_round", std::to_string(out.year), "ok", "", "", dump(survey_round_json(out))}, now));
    return out;
  });
}

Result<std::optional<SurveyRound>> SurveyService::open_current_round_if_none(const Principal& who, int days_to_deadline) {
  TimePoint now = ctx_.clock->now();
  int year_now = std::stoi(format_utc_date(now).substr(0, 4));
  auto existing = get_round(who, year_now);
  if (existing.is_ok()) return std::optional<SurveyRound>();
  if (existing.status().code() != Code::kNotFound) return existing.status();
  SurveyRound r;
  r.year = year_now;
  r.opens_on = std::to_string(year_now) + "-01-01";
  r.deadline = format_utc_date(now + std::chrono::days{days_to_deadline});
  CIPMS_ASSIGN_OR_RETURN(SurveyRound out, create_round(who, r));
  return std::optional<SurveyRound>(std::move(out));
}

Result<std::vector<SurveyRound>> SurveyService::list_rounds(const Principal& who) {
  if (!who.can(Permission::kRegistryRead)) return denied("reading survey rounds needs registry.read");
  return with_session<std::vector<SurveyRound>>(ctx_, [](Session& s) { return ss::list_rounds(s); });
}

Result<SurveyRound> SurveyService::get_round(const Principal& who, int year) {
  if (!who.can(Permission::kRegistryRead)) return denied("reading survey rounds needs registry.read");
  return with_session<SurveyRound>(ctx_, [&](Session& s) { return ss::get_round_by_year(s, year); });
}

Result<SurveyRound> SurveyService::update_round(const Principal& who, const SurveyRound& r, std::int64_t expected) {
  if (!who.can(Permission::kGradeFinalise)) return denied("survey rounds are managed by the Office of Homeland Security");
  std::vector<FieldError> errs;
  if (!valid_iso_date(r.opens_on)) errs.push_back({"/opens_on", "must be a date YYYY-MM-DD", "survey.date_invalid"});
  if (!valid_iso_date(r.deadline)) errs.push_back({"/deadline", "must be a date YYYY-MM-DD", "survey.date_invalid"});
  if (errs.empty() && r.deadline < r.opens_on) errs.push_back({"/deadline", "must not be before opens_on", "survey.deadline_before_opening"});
  validate_reminder_days(r.reminder_days, "/reminder_days", errs);
  if (!errs.empty()) return unprocessable("the survey round is not valid", std::move(errs));
  TimePoint now = ctx_.clock->now();
  return in_transaction<SurveyRound>(ctx_, [&](Session& s) -> Result<SurveyRound> {
    CIPMS_ASSIGN_OR_RETURN(SurveyRound cur, ss::get_round_by_year(s, r.year));
    SurveyRound in = r;
    in.id = cur.id;
    if (in.title.empty()) in.title = cur.title;
    CIPMS_ASSIGN_OR_RETURN(SurveyRound out, ss::update_round(s, in, expected, now));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"survey_round.update", "survey_round", std::to_string(out.year), "ok", "", dump(survey_round_json(cur)), dump(survey_round_json(out))}, now));
    return out;
  });
}

// ------------------------------------------------------------------ surveys

Result<SurveyDocument> SurveyService::start_survey(const Principal& who, int year, FacilityId facility) {
  TimePoint now = ctx_.clock->now();
  return in_transaction<SurveyDocument>(ctx_, [&](Session& s) -> Result<SurveyDocument> {
    CIPMS_ASSIGN_OR_RETURN(Facility f, readable_facility(s, who, facility, now));
    if (!(who.can(Permission::kSurveyEdit) && who.in_scope(f)) && !(who.can(Permission::kSurveyReview) && who.in_scope(f)))
      return denied("only the facility's provider or its reviewing authorities may open its survey");
    CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, year));
    CIPMS_ASSIGN_OR_RETURN(Survey sv, ss::create_survey(s, round.id, facility, now));
    // Carry the previous round's answers over: the provider revises instead of retyping.
    CIPMS_ASSIGN_OR_RETURN(auto prev, ss::previous_survey(s, facility, year));
    if (prev) {
      CIPMS_ASSIGN_OR_RETURN(auto assets, ss::list_assets(s, prev->id));
      CIPMS_RETURN_IF_ERROR(ss::replace_assets(s, sv.id, assets));
      CIPMS_ASSIGN_OR_RETURN(auto un, ss::list_unmatched(s, prev->id));
      CIPMS_RETURN_IF_ERROR(ss::replace_unmatched(s, sv.id, un));
      Survey next = sv;
      next.assessment = prev->assessment;
      CIPMS_ASSIGN_OR_RETURN(sv, ss::update_survey(s, next, sv.version, now));
    }
    CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"survey.start", "survey", std::to_string(sv.id), "ok", "facility " + f.code + ", round " + std::to_string(year)}, now));
    return load_document(s, std::move(sv), std::move(f));
  });
}

Result<SurveyDocument> SurveyService::get_survey(const Principal& who, std::int64_t id) {
  TimePoint now = ctx_.clock->now();
  return with_session<SurveyDocument>(ctx_, [&](Session& s) -> Result<SurveyDocument> {
    Facility f;
    CIPMS_ASSIGN_OR_RETURN(Survey sv, readable_survey(s, who, id, now, &f));
    return load_document(s, std::move(sv), std::move(f));
  });
}

Result<SurveyDocument> SurveyService::find_survey(const Principal& who, int year, FacilityId facility) {
  TimePoint now = ctx_.clock->now();
  return with_session<SurveyDocument>(ctx_, [&](Session& s) -> Result<SurveyDocument> {
    CIPMS_ASSIGN_OR_RETURN(Facility f, readable_facility(s, who, facility, now));
    CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, year));
    CIPMS_ASSIGN_OR_RETURN(auto sv, ss::find_survey(s, round.id, facility));
    if (!sv) return Status::not_found("facility " + f.code + " has no survey in the " + std::to_string(year) + " round");
    return load_document(s, std::move(*sv), std::move(f));
  });
}

Result<std::string> SurveyService::changes_since_submission(const Principal& who, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, get_survey(who, id));
  std::string last;
  for (const auto& t : d.history)
    if (t.to_state == "submitted" && !t.snapshot.empty()) last = t.snapshot;
  if (last.empty()) return std::string("[]");
  SurveyJson before = SurveyJson::parse(last, nullptr, false);
  if (before.is_discarded()) return Status::internal("survey snapshot is not JSON");
  // The snapshot at submission vs. now: a reviewer sees what the provider changed since the
  // previous submission (compare with the one before when the survey is submitted again).
  std::string prev;
  int submissions = 0;
  for (const auto& t : d.history)
    if (t.to_state == "submitted" && !t.snapshot.empty()) ++submissions;
  if (d.survey.state == SurveyState::kSubmitted && submissions >= 2) {
    int seen = 0;
    for (const auto& t : d.history)
      if (t.to_state == "submitted" && !t.snapshot.empty() && ++seen == submissions - 1) prev = t.snapshot;
    SurveyJson older = SurveyJson::parse(prev, nullptr, false);
    return dump(SurveyJson::diff(older, before));
  }
  return dump(SurveyJson::diff(before, survey_sections_json(d)));
}

namespace {

// Runs one change of survey `id` as described at Change.
template <typename Fn>
Result<SurveyDocument> change_survey(const ServiceContext& ctx, Session* outer, const Principal& who, std::int64_t id,
                                     std::int64_t expected, const Change& c, Fn&& fn) {
  TimePoint now = ctx.clock->now();
  auto body = [&](Session& s) -> Result<SurveyDocument> {
    Facility f;
    CIPMS_ASSIGN_OR_RETURN(Survey sv, readable_survey(s, who, id, now, &f));
    CIPMS_RETURN_IF_ERROR(check_permission(who, f, c.need));
    std::optional<SurveyState> to;
    if (c.transition) {
      to = survey_transition(sv.state, *c.transition);
      if (!to) return illegal(sv, *c.transition);
    }
    if (c.edit) CIPMS_RETURN_IF_ERROR(check_editable(sv));
    CIPMS_RETURN_IF_ERROR(check_version(sv, expected));
    CIPMS_ASSIGN_OR_RETURN(SurveyDocument before, load_document(s, sv, f));
    Survey next = sv;
    if (to) next.state = *to;
    CIPMS_RETURN_IF_ERROR(fn(s, before, next, f, now));
    CIPMS_ASSIGN_OR_RETURN(Survey written, ss::update_survey(s, next, expected, now));
    // Reload: the registry rows and the facility may have changed.
    CIPMS_ASSIGN_OR_RETURN(Facility f2, s.get_facility(f.id));
    CIPMS_ASSIGN_OR_RETURN(SurveyDocument after, load_document(s, written, f2));
    if (to) {
      SurveyTransition t;
      t.from_state = survey_state_code(sv.state);
      t.to_state = survey_state_code(*to);
      t.actor = who.display();
      t.at = format_utc(now);
      t.comment = c.comment;
      t.snapshot = dump(survey_sections_json(after));
      CIPMS_RETURN_IF_ERROR(ss::add_transition(s, id, t));
      CIPMS_ASSIGN_OR_RETURN(after.history, ss::list_transitions(s, id));
    }
    std::string detail = "facility " + f.code + ", round " + std::to_string(sv.year);
    if (to) detail += std::string(", ") + survey_state_code(sv.state) + " -> " + survey_state_code(*to);
    if (!c.comment.empty()) detail += ": " + c.comment;
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{c.action, "survey", std::to_string(id), "ok", detail,
                                                  dump(survey_sections_json(before)), dump(survey_sections_json(after))},
                                       now));
    return after;
  };
  if (outer) return body(*outer);
  return in_transaction<SurveyDocument>(ctx, body);
}

// Checks a dependency of `consumer`: fields (domain/validation.h) and that every supplier is a
// registered facility. Loops are allowed; self-supply is not (the engine's rule).
Status check_dependency(Session& s, const Taxonomy& tax, const Dependency& d, const std::string& where,
                        std::vector<FieldError>& errs) {
  int dup = -1, self = -1;
  for (std::size_t i = 0; i < d.suppliers.size(); ++i) {
    if (d.suppliers[i] == d.consumer && self < 0) self = static_cast<int>(i);
    for (std::size_t j = 0; j < i && dup < 0; ++j)
      if (d.suppliers[j] == d.suppliers[i]) dup = static_cast<int>(i);
  }
  validate_dependency_fields(d.resource, d.suppliers.size(), d.min_up, d.backup_hours, dup, self, tax, where, errs);
  for (std::size_t i = 0; i < d.suppliers.size(); ++i) {
    std::string ptr = where + "/suppliers/" + std::to_string(i);
    if (!d.suppliers[i].valid()) {
      errs.push_back({ptr, "must be a positive facility id", "survey.supplier_invalid"});
      continue;
    }
    auto f = s.get_facility(d.suppliers[i]);
    if (f.is_ok()) continue;
    if (f.status().code() != Code::kNotFound) return f.status();
    errs.push_back({ptr, "facility " + std::to_string(d.suppliers[i].value) +
                             " is not registered; name a supplier that is not registered yet under unmatched_suppliers",
                    "survey.supplier_unknown"});
  }
  return Status::ok();
}

}  // namespace

Result<SurveyDocument> SurveyService::put_core_functions_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected, const std::vector<CoreFunction>& items) {
  Change c{"survey.core_functions", Need::kEdit, true, std::nullopt, ""};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument& d, Survey&, const Facility& f, TimePoint now) -> Status {
                         std::vector<FieldError> errs;
                         std::map<std::int64_t, const CoreFunction*> existing;
                         for (const auto& cf : d.core_functions) existing[cf.id.value] = &cf;
                         std::set<std::int64_t> kept;
                         for (std::size_t i = 0; i < items.size(); ++i) {
                           std::string p = "/core_functions/" + std::to_string(i);
                           validate_core_function(items[i], p, errs);
                           if (items[i].id.valid()) {
                             if (!existing.count(items[i].id.value))
                               errs.push_back({p + "/id", "core function " + std::to_string(items[i].id.value) +
                                                              " is not one of this facility's",
                                              "survey.core_function_unknown"});
                             else if (!kept.insert(items[i].id.value).second)
                               errs.push_back({p + "/id", "listed twice", "survey.duplicate"});
                           }
                         }
                         if (!errs.empty()) return unprocessable("the core functions are not valid", std::move(errs));
                         for (const auto& [cid, cf] : existing)
                           if (!kept.count(cid)) CIPMS_RETURN_IF_ERROR(s.delete_core_function(cf->id, cf->version));
                         for (const auto& item : items) {
                           CoreFunction rec = item;
                           rec.facility = f.id;
                           if (item.id.valid()) {
                             const CoreFunction& cur = *existing[item.id.value];
                             if (cur.name == rec.name && cur.description == rec.description &&
                                 cur.mtpd_hours == rec.mtpd_hours && cur.continuity == rec.continuity)
                               continue;
                             CIPMS_RETURN_IF_ERROR(s.update_core_function(rec, cur.version, now).status());
                           } else {
                             CIPMS_RETURN_IF_ERROR(s.create_core_function(rec, now).status());
                           }
                         }
                         return Status::ok();
                       });
}

Result<SurveyDocument> SurveyService::put_external_resources_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected, const std::vector<ExternalResource>& items,
                                                             const std::vector<UnmatchedSupplier>& unmatched) {
  Change c{"survey.external_resources", Need::kEdit, true, std::nullopt, ""};
  return change_survey(
      ctx_, outer, who, id, expected, c,
      [&](Session& s, const SurveyDocument& d, Survey& sv, const Facility& f, TimePoint now) -> Status {
        CIPMS_ASSIGN_OR_RETURN(Taxonomy tax, s.load_taxonomy());
        std::vector<FieldError> errs;
        std::map<std::int64_t, const ExternalResource*> existing;
        for (const auto& e : d.external_resources) existing[e.dependency.id.value] = &e;
        std::set<std::int64_t> kept;
        for (std::size_t i = 0; i < items.size(); ++i) {
          std::string p = "/external_resources/" + std::to_string(i);
          Dependency dep = items[i].dependency;
          dep.consumer = f.id;
          CIPMS_RETURN_IF_ERROR(check_dependency(s, tax, dep, p, errs));
          if (items[i].backup_plan.size() > 4000) errs.push_back({p + "/backup_plan", "must be at most 4000 bytes", "survey.too_long"});
          if (dep.id.valid()) {
            if (!existing.count(dep.id.value))
              errs.push_back({p + "/id", "dependency " + std::to_string(dep.id.value) + " is not one of this facility's",
                             "survey.dependency_unknown"});
            else if (!kept.insert(dep.id.value).second)
              errs.push_back({p + "/id", "listed twice", "survey.duplicate"});
          }
        }
        for (std::size_t i = 0; i < unmatched.size(); ++i) {
          std::string p = "/unmatched_suppliers/" + std::to_string(i);
          validate_unmatched_supplier(unmatched[i], p, errs);
          if (!unmatched[i].resource.empty() && !tax.resource(unmatched[i].resource))
            errs.push_back({p + "/resource", "unknown resource '" + unmatched[i].resource + "'", "survey.resource_unknown"});
        }
        if (!errs.empty()) return unprocessable("the external critical resources are not valid", std::move(errs));
        for (const auto& [did, e] : existing)
          if (!kept.count(did)) {
            CIPMS_RETURN_IF_ERROR(s.delete_dependency(e->dependency.id, e->dependency.version));
            CIPMS_RETURN_IF_ERROR(ss::delete_backup_plan(s, e->dependency.id));
          }
        for (const auto& item : items) {
          Dependency rec = item.dependency;
          rec.consumer = f.id;
          Dependency written;
          if (rec.id.valid()) {
            const Dependency& cur = existing[rec.id.value]->dependency;
            if (cur.resource == rec.resource && cur.suppliers == rec.suppliers && cur.min_up == rec.min_up &&
                cur.backup_hours == rec.backup_hours) {
              written = cur;
            } else {
              CIPMS_ASSIGN_OR_RETURN(written, s.update_dependency(rec, cur.version, now));
            }
          } else {
            CIPMS_ASSIGN_OR_RETURN(written, s.create_dependency(rec, now));
          }
          CIPMS_RETURN_IF_ERROR(ss::set_backup_plan(s, written, item.backup_plan));
        }
        CIPMS_RETURN_IF_ERROR(ss::replace_unmatched(s, sv.id, unmatched));
        return Status::ok();
      });
}

Result<SurveyDocument> SurveyService::put_assets_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected, const std::vector<InternalAsset>& items) {
  Change c{"survey.assets", Need::kEdit, true, std::nullopt, ""};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument& d, Survey& sv, const Facility& f, TimePoint now) -> Status {
                         std::vector<FieldError> errs;
                         for (std::size_t i = 0; i < items.size(); ++i) {
                           std::string p = "/assets/" + std::to_string(i);
                           validate_asset(items[i], p, errs);
                           if (items[i].core_function &&
                               std::none_of(d.core_functions.begin(), d.core_functions.end(),
                                            [&](const CoreFunction& cf) { return cf.id == *items[i].core_function; }))
                             errs.push_back({p + "/core_function", "core function " +
                                                                      std::to_string(items[i].core_function->value) +
                                                                      " is not one of this facility's",
                                              "survey.core_function_unknown"});
                         }
                         if (!errs.empty()) return unprocessable("the internal essential assets are not valid", std::move(errs));
                         CIPMS_RETURN_IF_ERROR(ss::replace_assets(s, sv.id, items));
                         // R-4.1(3): the facility holds CII exactly when one of its assets is a CII asset.
                         bool cii = holds_cii(items);
                         if (f.cii != cii) {
                           Facility upd = f;
                           upd.cii = cii;
                           CIPMS_RETURN_IF_ERROR(s.update_facility(upd, f.version, now).status());
                         }
                         return Status::ok();
                       });
}

Result<SurveyDocument> SurveyService::put_self_assessment_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected, const SelfAssessment& a) {
  Change c{"survey.self_assessment", Need::kEdit, true, std::nullopt, ""};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session&, const SurveyDocument&, Survey& sv, const Facility&, TimePoint) -> Status {
                         std::vector<FieldError> errs;
                         validate_assessment(a, "/self_assessment", errs);
                         if (!errs.empty()) return unprocessable("the self-assessment is not valid", std::move(errs));
                         sv.assessment = a;
                         return Status::ok();
                       });
}

// ------------------------------------------------------------------ transitions

Result<SurveyDocument> SurveyService::submit_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected,
                                                const std::string& comment) {
  Change c{"survey.submit", Need::kEdit, false, SurveyAction::kSubmit, comment};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session&, const SurveyDocument& d, Survey& sv, const Facility&, TimePoint now) -> Status {
                         std::vector<FieldError> errs = check_survey_complete(d);
                         if (!errs.empty())
                           return unprocessable("the survey is not complete; nothing was submitted", std::move(errs));
                         sv.submitted_at = format_utc(now);
                         sv.return_comment.clear();
                         return Status::ok();
                       });
}

Result<SurveyDocument> SurveyService::return_survey(const Principal& who, std::int64_t id, std::int64_t expected,
                                                    const std::string& comment) {
  Session* outer = nullptr;
  Change c{"survey.return", Need::kReview, false, SurveyAction::kReturn, comment};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument&, Survey& sv, const Facility& f, TimePoint now) -> Status {
                         if (comment.find_first_not_of(" \t\r\n") == std::string::npos)
                           return unprocessable("a returned survey needs comments",
                                                {{"/comment", "say what the provider must correct or complete", "survey.comment_required"}});
                         sv.return_comment = comment;
                         return notify_event(s, "survey.returned", sv, f, false, now, comment, std::nullopt);
                       });
}

Result<SurveyDocument> SurveyService::accept(const Principal& who, std::int64_t id, std::int64_t expected,
                                             const std::string& comment) {
  Session* outer = nullptr;
  Change c{"survey.accept", Need::kReview, false, SurveyAction::kAccept, comment};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument&, Survey& sv, const Facility& f, TimePoint now) {
                         return notify_event(s, "survey.accepted", sv, f, false, now, comment, std::nullopt);
                       });
}

Result<SurveyDocument> SurveyService::propose(const Principal& who, std::int64_t id, std::int64_t expected,
                                              const GradingProposal& p) {
  Session* outer = nullptr;
  Change c{"survey.propose", Need::kReview, false, SurveyAction::kPropose, "grade " + std::to_string(p.grade) + " proposed"};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session&, const SurveyDocument&, Survey& sv, const Facility&, TimePoint now) -> Status {
                         std::vector<FieldError> errs;
                         validate_proposal(p, "", errs);
                         if (!errs.empty()) return unprocessable("the grading proposal is not valid", std::move(errs));
                         GradingProposal rec = p;
                         rec.proposed_by = who.display();
                         rec.proposed_at = format_utc(now);
                         sv.proposal = rec;
                         return Status::ok();
                       });
}

Result<SurveyDocument> SurveyService::add_review_opinion(const Principal& who, std::int64_t id, std::int64_t expected,
                                                         const ReviewOpinion& o,
                                                         const std::vector<MissingFacilityProposal>& missing) {
  Session* outer = nullptr;
  Change c{"survey.review_opinion", Need::kReview, false, SurveyAction::kReview, o.opinion};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument&, Survey& sv, const Facility&, TimePoint now) -> Status {
                         std::vector<FieldError> errs;
                         if (o.opinion.find_first_not_of(" \t\r\n") == std::string::npos)
                           errs.push_back({"/opinion", "the reviewing body's opinion is required", "survey.opinion_required"});
                         if (o.recommended_grade && (*o.recommended_grade < 1 || *o.recommended_grade > 3))
                           errs.push_back({"/recommended_grade", "must be 1, 2 or 3", "survey.grade_invalid"});
                         for (std::size_t i = 0; i < missing.size(); ++i) {
                           std::string p = "/missing_facilities/" + std::to_string(i);
                           if (missing[i].name.find_first_not_of(" \t") == std::string::npos)
                             errs.push_back({p + "/name", "is required", "survey.required"});
                           if (missing[i].reason.find_first_not_of(" \t") == std::string::npos)
                             errs.push_back({p + "/reason", "say why it should be in the inventory", "survey.missing_reason_required"});
                         }
                         if (!errs.empty()) return unprocessable("the review opinion is not valid", std::move(errs));
                         ReviewOpinion rec = o;
                         if (rec.body.empty()) rec.body = who.org_code.empty() ? who.username : who.org_code;
                         rec.author = who.display();
                         rec.at = format_utc(now);
                         CIPMS_RETURN_IF_ERROR(ss::add_opinion(s, sv.id, rec).status());
                         for (const auto& m : missing) {
                           MissingFacilityProposal rec_m = m;
                           rec_m.round_id = sv.round_id;
                           rec_m.survey_id = sv.id;
                           rec_m.proposed_by = who.display();
                           rec_m.at = format_utc(now);
                           CIPMS_RETURN_IF_ERROR(ss::add_missing_proposal(s, rec_m).status());
                         }
                         return Status::ok();
                       });
}

Result<SurveyDocument> SurveyService::finalise(const Principal& who, std::int64_t id, std::int64_t expected,
                                               std::optional<int> grade, const std::string& reasons) {
  Session* outer = nullptr;
  Change c{"survey.finalise", Need::kFinalise, false, SurveyAction::kFinalise, reasons};
  return change_survey(ctx_, outer, who, id, expected, c,
                       [&](Session& s, const SurveyDocument& d, Survey& sv, const Facility& f, TimePoint now) -> Status {
                         int g = grade.value_or(sv.proposal ? sv.proposal->grade : 0);
                         if (g < 1 || g > 3)
                           return unprocessable("the final grade is not valid", {{"/grade", "must be 1, 2 or 3", "survey.grade_invalid"}});
                         sv.final_grade = g;
                         sv.finalised_at = format_utc(now);
                         Facility upd = f;
                         upd.grade = g;
                         upd.cii = holds_cii(d.assets) || f.cii;
                         if (upd.grade != f.grade || upd.cii != f.cii)
                           CIPMS_RETURN_IF_ERROR(s.update_facility(upd, f.version, now).status());
                         GradeVersion v;
                         v.facility = f.id;
                         v.grade = g;
                         v.cii = upd.cii;
                         v.previous_grade = f.grade;
                         v.year = sv.year;
                         v.survey_id = sv.id;
                         v.reasons = reasons.empty() && sv.proposal ? sv.proposal->reasons : reasons;
                         v.decided_by = who.display();
                         v.decided_at = format_utc(now);
                         CIPMS_RETURN_IF_ERROR(ss::add_grade_version(s, v).status());
                         return notify_event(s, "survey.finalised", sv, upd, true, now, "", g);
                       });
}

// ------------------------------------------------------------------ public edits (own transaction)

Result<SurveyDocument> SurveyService::put_core_functions(const Principal& who, std::int64_t id, std::int64_t expected,
                                                         const std::vector<CoreFunction>& items) {
  return put_core_functions_in(nullptr, who, id, expected, items);
}
Result<SurveyDocument> SurveyService::put_external_resources(const Principal& who, std::int64_t id, std::int64_t expected,
                                                             const std::vector<ExternalResource>& items,
                                                             const std::vector<UnmatchedSupplier>& unmatched) {
  return put_external_resources_in(nullptr, who, id, expected, items, unmatched);
}
Result<SurveyDocument> SurveyService::put_assets(const Principal& who, std::int64_t id, std::int64_t expected,
                                                 const std::vector<InternalAsset>& items) {
  return put_assets_in(nullptr, who, id, expected, items);
}
Result<SurveyDocument> SurveyService::put_self_assessment(const Principal& who, std::int64_t id, std::int64_t expected,
                                                          const SelfAssessment& a) {
  return put_self_assessment_in(nullptr, who, id, expected, a);
}
Result<SurveyDocument> SurveyService::submit(const Principal& who, std::int64_t id, std::int64_t expected,
                                             const std::string& comment) {
  return submit_in(nullptr, who, id, expected, comment);
}

// ------------------------------------------------------------------ decision support

namespace {

Status refresh_ranking(const ServiceContext& ctx, SurveyRankingCache& cache) {
  CIPMS_ASSIGN_OR_RETURN(std::int64_t rev, load_registry_revision(ctx));
  std::lock_guard<std::mutex> lock(cache.mu);
  if (rev == cache.revision) return Status::ok();
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, load_registry_network(ctx));
  CIPMS_ASSIGN_OR_RETURN(auto an, build_analysis_network(net));
  RankingOptions opt;
  opt.threads = 2;
  CIPMS_ASSIGN_OR_RETURN(Ranking r, rank_facilities(*an, opt));
  cache.by_code.clear();
  cache.order.clear();
  cache.type_counts.clear();
  cache.type_of.clear();
  for (const auto& f : net.facilities) cache.type_of[f.code] = f.type;
  // Facilities the engine cannot tell apart (the same population-hours and facilities down, the
  // ranking's sort key; most often: nothing depends on them, no impact at all) share the rank of
  // the last of them. Numbering a tie in code order would put a facility without any impact at
  // 31 of 3,000 — "top 2 %" — only because its code sorts early.
  const auto& rows = r.rows;
  for (std::size_t i = 0, j = 0; i < rows.size(); i = j) {
    while (j < rows.size() && rows[j].population_hours == rows[i].population_hours &&
           rows[j].facilities_down == rows[i].facilities_down)
      ++j;
    std::unordered_map<std::string, std::int64_t> of_type;  // the tie's facilities per type
    for (std::size_t k = i; k < j; ++k) ++of_type[cache.type_of[rows[k].id]];
    for (auto& [type, n] : of_type) cache.type_counts[type] += n;
    for (std::size_t k = i; k < j; ++k) {
      SurveyRankingCache::Entry e;
      e.rank = static_cast<std::int64_t>(j);
      e.population_hours = rows[k].population_hours;
      e.facilities_down = rows[k].facilities_down;
      e.economic_loss = rows[k].economic_loss;
      e.type_rank = cache.type_counts[cache.type_of[rows[k].id]];
      cache.by_code[rows[k].id] = e;
      cache.order.push_back(rows[k].id);
    }
  }
  cache.revision = rev;
  return Status::ok();
}

EngineView view_of(SurveyRankingCache& cache, const std::string& code, const std::string& type, int self_score) {
  EngineView v;
  v.self_score = self_score;
  auto it = cache.by_code.find(code);
  if (it == cache.by_code.end()) return v;
  v.rank = it->second.rank;
  v.ranked = static_cast<std::int64_t>(cache.order.size());
  v.type_rank = it->second.type_rank;
  auto tc = cache.type_counts.find(type);
  v.type_ranked = tc == cache.type_counts.end() ? 0 : tc->second;
  v.population_hours = it->second.population_hours;
  v.facilities_down = it->second.facilities_down;
  v.economic_loss = it->second.economic_loss;
  double p = v.ranked > 0 ? static_cast<double>(v.rank) / static_cast<double>(v.ranked) : 1;
  v.engine_score = p <= 0.02 ? 5 : p <= 0.10 ? 4 : p <= 0.25 ? 3 : p <= 0.50 ? 2 : 1;
  v.disagrees = self_score > 0 && std::abs(self_score - v.engine_score) >= 2;
  return v;
}

}  // namespace

Result<Page<BoardRow>> SurveyService::grading_board(const Principal& who, int year, ss::SurveyListFilter f) {
  if (!who.can(Permission::kSurveyReview) && !who.can(Permission::kSurveyEdit) && !who.can(Permission::kRegistryRead))
    return denied("the grading board needs registry.read");
  TimePoint now = ctx_.clock->now();
  CIPMS_ASSIGN_OR_RETURN(Page<ss::SurveyListRow> page, with_session<Page<ss::SurveyListRow>>(ctx_, [&](Session& s) -> Result<Page<ss::SurveyListRow>> {
    CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, year));
    f.round_id = round.id;
    f.access = filter_of(who, now);
    return ss::list_surveys(s, f);
  }));
  CIPMS_RETURN_IF_ERROR(refresh_ranking(ctx_, *ranking_));
  Page<BoardRow> out;
  out.total = page.total;
  std::lock_guard<std::mutex> lock(ranking_->mu);
  for (auto& r : page.items) {
    BoardRow b;
    b.engine = view_of(*ranking_, r.facility.code, r.facility.type, r.survey.assessment.max_score());
    b.row = std::move(r);
    out.items.push_back(std::move(b));
  }
  return out;
}

Result<EngineView> SurveyService::engine_view(const Principal& who, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, get_survey(who, survey_id));
  CIPMS_RETURN_IF_ERROR(refresh_ranking(ctx_, *ranking_));
  std::lock_guard<std::mutex> lock(ranking_->mu);
  return view_of(*ranking_, d.facility.code, d.facility.type, d.survey.assessment.max_score());
}

Result<Page<ss::NationalRow>> SurveyService::national_list(const Principal& who, std::optional<int> grade, int limit,
                                                          std::int64_t offset) {
  if (!who.can(Permission::kRegistryRead)) return denied("the national CI list needs registry.read");
  TimePoint now = ctx_.clock->now();
  return with_session<Page<ss::NationalRow>>(ctx_, [&](Session& s) {
    return ss::national_list(s, grade, filter_of(who, now), limit, offset);
  });
}

Result<std::vector<GradeVersion>> SurveyService::grade_history(const Principal& who, FacilityId facility) {
  TimePoint now = ctx_.clock->now();
  return with_session<std::vector<GradeVersion>>(ctx_, [&](Session& s) -> Result<std::vector<GradeVersion>> {
    CIPMS_RETURN_IF_ERROR(readable_facility(s, who, facility, now).status());
    return ss::grade_history(s, facility);
  });
}

Result<CompletionReport> SurveyService::completion(const Principal& who, int year) {
  if (!who.can(Permission::kRegistryRead)) return denied("the completion dashboard needs registry.read");
  TimePoint now = ctx_.clock->now();
  return with_session<CompletionReport>(ctx_, [&](Session& s) -> Result<CompletionReport> {
    CompletionReport r;
    CIPMS_ASSIGN_OR_RETURN(r.round, ss::get_round_by_year(s, year));
    CIPMS_ASSIGN_OR_RETURN(r.rows, ss::completion(s, r.round.id, filter_of(who, now)));
    std::unordered_map<std::int64_t, std::string> codes;
    for (const auto& row : r.rows) {
      if (!row.authority) {
        r.authority_codes.emplace_back();
        continue;
      }
      auto it = codes.find(row.authority->value);
      if (it == codes.end()) {
        auto o = s.get_organisation(*row.authority);
        it = codes.emplace(row.authority->value, o.is_ok() ? o->code : std::string()).first;
      }
      r.authority_codes.push_back(it->second);
    }
    return r;
  });
}

Result<OverdueReport> SurveyService::overdue(const Principal& who, int year, int limit, std::int64_t offset) {
  if (!who.can(Permission::kRegistryRead)) return denied("the overdue list needs registry.read");
  TimePoint now = ctx_.clock->now();
  return with_session<OverdueReport>(ctx_, [&](Session& s) -> Result<OverdueReport> {
    OverdueReport r;
    CIPMS_ASSIGN_OR_RETURN(r.round, ss::get_round_by_year(s, year));
    r.past_deadline = format_utc_date(now) > r.round.deadline;
    CIPMS_ASSIGN_OR_RETURN(r.facilities, ss::not_submitted(s, r.round.id, filter_of(who, now), limit, offset));
    return r;
  });
}

Result<MissingFacilityReport> SurveyService::missing_facilities(const Principal& who, std::optional<int> year, int top) {
  if (!who.can(Permission::kSurveyReview) && !who.can(Permission::kGradeFinalise))
    return denied("the missing-facility finder is for reviewers (survey.review)");
  TimePoint now = ctx_.clock->now();
  CIPMS_RETURN_IF_ERROR(refresh_ranking(ctx_, *ranking_));
  return with_session<MissingFacilityReport>(ctx_, [&](Session& s) -> Result<MissingFacilityReport> {
    MissingFacilityReport r;
    std::optional<std::int64_t> round_id;
    if (year) {
      CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, *year));
      round_id = round.id;
    }
    auto access = filter_of(who, now);
    CIPMS_ASSIGN_OR_RETURN(r.unmatched_suppliers, ss::unmatched_supplier_names(s, round_id, access));
    CIPMS_ASSIGN_OR_RETURN(r.proposed_by_reviewers, ss::list_missing_proposals(s, round_id));
    CIPMS_ASSIGN_OR_RETURN(auto graded, ss::graded_codes(s));
    std::set<std::string> graded_set(graded.begin(), graded.end());
    std::vector<std::string> candidates;
    std::unordered_map<std::string, SurveyRankingCache::Entry> entries;
    {
      std::lock_guard<std::mutex> lock(ranking_->mu);
      for (const auto& code : ranking_->order) {
        if (static_cast<int>(candidates.size()) >= top * 4 + 50) break;
        if (graded_set.count(code)) continue;
        const auto& e = ranking_->by_code[code];
        if (e.population_hours <= 0 && e.facilities_down == 0) break;  // no impact: not "ranked high"
        candidates.push_back(code);
        entries[code] = ranking_->by_code[code];
      }
    }
    CIPMS_ASSIGN_OR_RETURN(auto briefs, ss::facilities_by_code(s, candidates, access));
    for (auto& b : briefs) {
      const auto& e = entries[b.code];
      r.ranked_ungraded.push_back({std::move(b), e.rank, e.population_hours});
    }
    std::sort(r.ranked_ungraded.begin(), r.ranked_ungraded.end(),
              [](const auto& a, const auto& b) { return a.rank < b.rank; });
    if (static_cast<int>(r.ranked_ungraded.size()) > top) r.ranked_ungraded.resize(static_cast<std::size_t>(top));
    return r;
  });
}

Result<std::vector<SurveyDocument>> SurveyService::export_round(const Principal& who, int year) {
  TimePoint now = ctx_.clock->now();
  return with_session<std::vector<SurveyDocument>>(ctx_, [&](Session& s) -> Result<std::vector<SurveyDocument>> {
    CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, year));
    std::vector<SurveyDocument> out;
    for (std::int64_t offset = 0;; offset += 1000) {
      ss::SurveyListFilter f;
      f.round_id = round.id;
      f.access = filter_of(who, now);
      f.limit = 1000;
      f.offset = offset;
      CIPMS_ASSIGN_OR_RETURN(auto page, ss::list_surveys(s, f));
      for (const auto& row : page.items) {
        CIPMS_ASSIGN_OR_RETURN(Survey sv, ss::get_survey(s, row.survey.id));
        CIPMS_ASSIGN_OR_RETURN(Facility fac, s.get_facility(sv.facility));
        CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, load_document(s, std::move(sv), std::move(fac)));
        out.push_back(std::move(d));
      }
      if (page.items.size() < 1000) break;
    }
    return out;
  });
}

}  // namespace cipms

namespace cipms {

Result<SurveyService::ImportSummary> SurveyService::import_surveys(const Principal& who, int year,
                                                                   const std::vector<SurveyImport>& items) {
  TimePoint now = ctx_.clock->now();
  return in_transaction<ImportSummary>(ctx_, [&](Session& s) -> Result<ImportSummary> {
    ImportSummary sum;
    CIPMS_ASSIGN_OR_RETURN(SurveyRound round, ss::get_round_by_year(s, year));
    std::vector<FieldError> errs;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const SurveyImport& item = items[i];
      const std::string at = "/surveys/" + std::to_string(i);
      // A problem of this item: its field errors under `at`; anything but bad input stops the import.
      auto problem = [&](const Status& st) -> Status {
        Code c = st.code();
        if (c != Code::kUnprocessable && c != Code::kInvalidArgument && c != Code::kConflict &&
            c != Code::kPermissionDenied && c != Code::kNotFound && c != Code::kPreconditionFailed)
          return st;
        if (st.errors().empty()) errs.push_back({at, st.message()});
        for (const auto& e : st.errors()) errs.push_back({at + e.pointer, e.message, e.code});
        return Status::ok();
      };
      auto f = s.find_facility_by_code(item.facility_code);
      if (!f.is_ok()) {
        if (f.status().code() != Code::kNotFound) return f.status();
        errs.push_back({at + "/facility", "no facility with code '" + item.facility_code + "'", "survey.facility_unknown"});
        continue;
      }
      if (!who.system && !who.may_read(*f, false)) {
        errs.push_back({at + "/facility", "no facility with code '" + item.facility_code + "'", "survey.facility_unknown"});
        continue;
      }
      if (Status st = check_permission(who, *f, Need::kEdit); !st.is_ok()) {
        CIPMS_RETURN_IF_ERROR(problem(st));
        continue;
      }
      CIPMS_ASSIGN_OR_RETURN(auto existing, ss::find_survey(s, round.id, f->id));
      Survey sv;
      if (existing) {
        if (!survey_editable(existing->state)) {
          errs.push_back({at, "the " + std::to_string(year) + " survey of " + f->code + " is " +
                                  survey_state_code(existing->state) + " and can no longer be changed",
                          "survey.not_editable"});
          continue;
        }
        sv = *existing;
      } else {
        CIPMS_ASSIGN_OR_RETURN(sv, ss::create_survey(s, round.id, f->id, now));
        CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"survey.start", "survey", std::to_string(sv.id), "ok", "import: facility " + f->code + ", round " + std::to_string(year)}, now));
      }
      std::int64_t v = sv.version;
      bool ok = true;
      auto step = [&](Result<SurveyDocument> r) -> Status {
        if (r.is_ok()) {
          v = r->survey.version;
          return Status::ok();
        }
        ok = false;
        return problem(r.status());
      };
      if (item.core_functions) CIPMS_RETURN_IF_ERROR(step(put_core_functions_in(&s, who, sv.id, v, *item.core_functions)));
      if (ok && (item.external_resources || item.unmatched_suppliers)) {
        std::vector<ExternalResource> res;
        if (item.external_resources) {
          CIPMS_ASSIGN_OR_RETURN(SurveyDocument cur, get_survey_in(s, who, sv.id, now));
          for (std::size_t j = 0; j < item.external_resources->size(); ++j) {
            const auto& r = (*item.external_resources)[j];
            ExternalResource x = r.item;
            x.dependency.suppliers.clear();
            for (std::size_t k = 0; k < r.supplier_codes.size(); ++k) {
              auto sup = s.find_facility_by_code(r.supplier_codes[k]);
              if (sup.is_ok()) {
                x.dependency.suppliers.push_back(sup->id);
              } else if (sup.status().code() == Code::kNotFound) {
                errs.push_back({at + "/external_resources/" + std::to_string(j) + "/suppliers/" + std::to_string(k),
                                "no registered facility '" + r.supplier_codes[k] +
                                    "'; name it under unmatched_suppliers until it is registered",
                                "survey.supplier_unknown"});
                ok = false;
              } else {
                return sup.status();
              }
            }
            // The same resource again replaces the registry's record instead of adding a copy.
            for (const auto& e : cur.external_resources)
              if (e.dependency.resource == x.dependency.resource &&
                  std::none_of(res.begin(), res.end(), [&](const ExternalResource& y) { return y.dependency.id == e.dependency.id; }))
              {
                x.dependency.id = e.dependency.id;
                break;
              }
            res.push_back(std::move(x));
          }
        } else {
          CIPMS_ASSIGN_OR_RETURN(SurveyDocument cur, get_survey_in(s, who, sv.id, now));
          res = cur.external_resources;
        }
        std::vector<UnmatchedSupplier> un;
        if (item.unmatched_suppliers) un = *item.unmatched_suppliers;
        if (ok) CIPMS_RETURN_IF_ERROR(step(put_external_resources_in(&s, who, sv.id, v, res, un)));
      }
      if (ok && item.assets) CIPMS_RETURN_IF_ERROR(step(put_assets_in(&s, who, sv.id, v, *item.assets)));
      if (ok && item.self_assessment)
        CIPMS_RETURN_IF_ERROR(step(put_self_assessment_in(&s, who, sv.id, v, *item.self_assessment)));
      if (ok && item.submit) {
        CIPMS_RETURN_IF_ERROR(step(submit_in(&s, who, sv.id, v, "import")));
        if (ok) ++sum.submitted;
      }
      if (ok) ++sum.surveys;
    }
    if (!errs.empty()) return unprocessable("the survey import was rejected, nothing was written", std::move(errs));
    return sum;
  });
}

}  // namespace cipms

namespace cipms {

Result<std::vector<GradingListRow>> SurveyService::grading_rows(const Principal& who, int year,
                                                                 std::vector<SurveyDocument>* docs) {
  if (!who.can(Permission::kSurveyReview) && !who.can(Permission::kGradeFinalise))
    return denied("the grading list is for reviewers (survey.review)");
  CIPMS_ASSIGN_OR_RETURN(*docs, export_round(who, year));
  CIPMS_RETURN_IF_ERROR(refresh_ranking(ctx_, *ranking_));
  std::vector<GradingListRow> rows;
  std::lock_guard<std::mutex> lock(ranking_->mu);
  for (const auto& d : *docs) {
    EngineView v = view_of(*ranking_, d.facility.code, d.facility.type, d.survey.assessment.max_score());
    rows.push_back({&d, v.rank, v.ranked, v.engine_score, v.disagrees});
  }
  return rows;
}

Status SurveyService::audit_export(const Principal& who, ClassLevel level, const std::string& kind,
                                   const std::string& id, const std::string& what) {
  if (!is_national_secret(level)) return Status::ok();
  return audit_record(ctx_, who, AuditEvent{"survey.export", kind, id, "ok", what + " marked " + classification_marking(level)});
}

Result<std::string> SurveyService::grading_list_xlsx(const Principal& who, int year) {
  std::vector<SurveyDocument> docs;
  CIPMS_ASSIGN_OR_RETURN(std::vector<GradingListRow> rows, grading_rows(who, year, &docs));
  CIPMS_ASSIGN_OR_RETURN(std::string xlsx, cipms::grading_list_xlsx(rows, year, who.display(), ctx_.clock->now()));
  CIPMS_RETURN_IF_ERROR(audit_export(who, grading_list_level(rows), "survey_round", std::to_string(year),
                                     "grading list XLSX of " + std::to_string(rows.size()) + " surveys"));
  return xlsx;
}

Result<std::string> SurveyService::grading_list_pdf(const Principal& who, int year, ClassLevel* level) {
  std::vector<SurveyDocument> docs;
  CIPMS_ASSIGN_OR_RETURN(std::vector<GradingListRow> rows, grading_rows(who, year, &docs));
  CIPMS_ASSIGN_OR_RETURN(std::string pdf, cipms::grading_list_pdf(rows, year, {who.display(), ctx_.clock->now()}));
  if (level) *level = grading_list_level(rows);
  CIPMS_RETURN_IF_ERROR(audit_export(who, grading_list_level(rows), "survey_round", std::to_string(year),
                                     "grading list PDF of " + std::to_string(rows.size()) + " surveys"));
  return pdf;
}

Result<std::string> SurveyService::survey_pdf(const Principal& who, std::int64_t id, ClassLevel* level) {
  CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, get_survey(who, id));
  std::string provider;
  if (d.facility.provider) {
    auto org = with_session<Organisation>(ctx_, [&](Session& s) { return s.get_organisation(*d.facility.provider); });
    if (org.is_ok()) provider = org->name + " (" + org->code + ")";
  }
  CIPMS_ASSIGN_OR_RETURN(std::string pdf, cipms::survey_pdf(d, provider, {who.display(), ctx_.clock->now()}));
  const ClassLevel l = d.facility.classification.level;
  if (level) *level = l;
  CIPMS_RETURN_IF_ERROR(audit_export(who, l, "survey", std::to_string(id), "survey PDF of facility " + d.facility.code));
  return pdf;
}

}  // namespace cipms
