#include "cipms/services/demo_surveys.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "cipms/services/auth_service.h"
#include "cipms/services/demo_survey_content.h"
#include "cipms/services/survey_service.h"
#include "cipms/storage/security_store.h"

namespace cipms {

namespace {

namespace dc = demo_content;

// The facilities that get a survey: `states` has one letter per facility of the provider and
// type (spread over its facilities sorted by code), saying where its survey ends:
//   '1' draft with core functions, '2' also external resources, '3' also assets (a draft is
//   never complete: no self-assessment); 'S' submitted, 'T' submitted again after a return,
//   'R' returned with comments, 'A' accepted, 'P' grading proposal, 'U' under (OHS joint)
//   review, 'F' finalised.
struct Pick {
  const char* provider;
  const char* type;
  const char* states;
};
// clang-format off
constexpr Pick kPicks[] = {
    // Taiwan Power (the `tpc` demo account): every state.
    {"TPC", "power_plant", "FUPA"},       {"TPC", "dispatch_centre", "F"},
    {"TPC", "ehv_substation", "PSR"},     {"TPC", "primary_substation", "ST2"},
    {"TPC", "distribution_substation", "13SR"},
    {"CPC", "refinery", "U"},             {"CPC", "lng_terminal", "FP"},
    {"CPC", "oil_depot", "A2"},           {"CPC", "gas_pipeline_station", "S"},
    {"TWC", "water_treatment_plant", "PAS"}, {"TWC", "pumping_station", "1R"},
    {"CHT", "switching_centre", "US3"},   {"CHT", "data_centre", "A"},
    {"CHT", "cable_landing_station", "P"}, {"TWNIC", "internet_exchange", "F"},
    {"TR", "railway_station", "S2"},      {"TR", "rail_control_centre", "P"},
    {"THSR", "rail_control_centre", "U"}, {"THSR", "railway_station", "R"},
    {"TIPC", "port", "AS"},               {"TIAC", "large_airport", "F"},
    {"BOT", "bank_data_centre", "S1"},    {"FISC", "clearing_centre", "U"},
    {"TWSE", "exchange_system", "P"},     {"NTUH", "medical_centre", "AS"},
    {"CGMH", "regional_hospital", "3R"},  {"TSMC", "semiconductor_fab", "TP"},
};
// clang-format on

// Demo accounts (auth_service.cc seed_demo_users) that act for their organisation and role.
struct DemoActor {
  const char* username;
  const char* org;
  Role role;
};
constexpr DemoActor kDemoActors[] = {
    {"tpc", "TPC", Role::kProviderEditor},
    {"energy", "MOEA-EA", Role::kAuthorityOfficer},
    {"ohs", "OHS", Role::kOhsOfficer},
};

constexpr std::int64_t kNoAccountUserIds = 1'000'000'000;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Seeder {
 public:
  Seeder(const ServiceContext& ctx, int year, Session& s) : ctx_(ctx), year_(year), s_(s), svc_(ctx) {}

  Result<DemoSurveySummary> run() {
    DemoSurveySummary sum;
    for (const Pick& pick : kPicks) {
      auto provider = s_.find_organisation_by_code(pick.provider);
      if (!provider.is_ok()) {
        if (provider.status().code() == Code::kNotFound) continue;
        return provider.status();
      }
      FacilityFilter ff;
      ff.provider = provider->id;
      ff.type = pick.type;
      ff.limit = 1;
      CIPMS_ASSIGN_OR_RETURN(Page<Facility> first, s_.list_facilities(ff));
      const std::int64_t total = first.total;
      const auto n = static_cast<std::int64_t>(std::strlen(pick.states));
      for (std::int64_t j = 0; j < n && j < total; ++j) {
        ff.offset = (2 * j + 1) * total / (2 * n);  // spread over the list (and so the counties)
        CIPMS_ASSIGN_OR_RETURN(Page<Facility> page, s_.list_facilities(ff));
        if (page.items.empty()) continue;
        CIPMS_ASSIGN_OR_RETURN(SurveyState st, seed_one(page.items[0], *provider, pick.states[j],
                                                        static_cast<int>(j + 1), static_cast<int>(total)));
        ++sum.surveys;
        ++sum.by_state[survey_state_code(st)];
      }
    }
    return sum;
  }

 private:
  std::string days_ago(int n) const { return format_utc_date(ctx_.clock->now() - std::chrono::days{n}); }

  // The demo account of the organisation and role, or a principal of the organisation.
  Result<Principal> actor(const Organisation& o, Role role) {
    std::string key = o.code + "/" + role_code(role);
    if (auto it = actors_.find(key); it != actors_.end()) return it->second;
    Principal p;
    bool found = false;
    for (const DemoActor& d : kDemoActors) {
      if (o.code != d.org || role != d.role) continue;
      auto u = security_store::find_user(s_, d.username);
      if (!u.is_ok()) {
        if (u.status().code() == Code::kNotFound) break;
        return u.status();
      }
      if (!u->active || u->org != o.id || u->role != role) break;
      if (!auth_) auth_ = std::make_unique<AuthService>(ctx_);
      CIPMS_ASSIGN_OR_RETURN(p, auth_->principal_of(s_, *u));
      found = true;
    }
    if (!found) {
      // No account: an id no account has (accounts count up from 1), as the service tests'
      // principals have; a principal without a user id would be anonymous.
      p.user = UserId(kNoAccountUserIds + static_cast<std::int64_t>(actors_.size()) + 1);
      p.username = lower(o.code) + (role == Role::kProviderEditor ? ".editor" : ".officer");
      p.role = role;
      p.org = o.id;
      p.org_code = o.code;
      p.org_type = o.type;
      p.sectors = o.sectors;
      p.subsectors = o.subsectors;
      p.clearance = ClassLevel::kOfficial;
    }
    actors_.emplace(key, p);
    return p;
  }

  Result<Principal> ohs() {
    auto o = s_.find_organisation_by_code("OHS");
    if (o.is_ok()) return actor(*o, Role::kOhsOfficer);
    if (o.status().code() != Code::kNotFound) return o.status();
    Organisation none;
    none.code = "OHS";
    none.type = OrgType::kOhs;
    return actor(none, Role::kOhsOfficer);
  }

  // The facility's competent authority (or coordinating agency) reviews; OHS when it has none.
  Result<Principal> reviewer(const Facility& f) {
    if (!f.authority) return ohs();
    CIPMS_ASSIGN_OR_RETURN(Organisation o, s_.get_organisation(*f.authority));
    switch (o.type) {
      case OrgType::kCompetentAuthority: return actor(o, Role::kAuthorityOfficer);
      case OrgType::kCoordinatingAgency: return actor(o, Role::kCoordinatingOfficer);
      default: return ohs();
    }
  }

  Result<SurveyState> seed_one(const Facility& f, const Organisation& provider, char target, int rank, int rank_of) {
    CIPMS_ASSIGN_OR_RETURN(Principal editor, actor(provider, Role::kProviderEditor));
    CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, svc_.start_survey(editor, year_, f.id));
    const std::int64_t id = d.survey.id;
    CIPMS_ASSIGN_OR_RETURN(d, svc_.put_core_functions(editor, id, d.survey.version, dc::core_functions(f)));
    if (target == '1') return d.survey.state;
    // The registry's dependencies as they are (same ids, suppliers, k-of-n, backup hours), each
    // with its backup plan: the engine's network does not change.
    std::vector<ExternalResource> resources = d.external_resources;
    for (ExternalResource& r : resources) r.backup_plan = dc::backup_plan(r.dependency);
    std::vector<UnmatchedSupplier> unmatched;
    // Every other facility with generators names their diesel dealer (not a registered facility).
    if (UnmatchedSupplier u = dc::unmatched_supplier(resources); !u.name.empty() && generators_++ % 2 == 0)
      unmatched.push_back(u);
    CIPMS_ASSIGN_OR_RETURN(d, svc_.put_external_resources(editor, id, d.survey.version, resources, unmatched));
    if (target == '2') return d.survey.state;
    CoreFunctionId core = d.core_functions.empty() ? CoreFunctionId() : d.core_functions[0].id;
    CIPMS_ASSIGN_OR_RETURN(d, svc_.put_assets(editor, id, d.survey.version, dc::assets(f, core)));
    if (target == '3') return d.survey.state;
    SelfAssessment a = dc::self_assessment(f);
    CIPMS_ASSIGN_OR_RETURN(d, svc_.put_self_assessment(editor, id, d.survey.version, a));
    CIPMS_ASSIGN_OR_RETURN(d, svc_.submit(editor, id, d.survey.version, std::to_string(year_) + " 年度基本資料調查表送出"));
    if (target == 'S') return d.survey.state;
    CIPMS_ASSIGN_OR_RETURN(Principal officer, reviewer(f));
    if (target == 'R' || target == 'T') {
      CIPMS_ASSIGN_OR_RETURN(d, svc_.return_survey(officer, id, d.survey.version, dc::return_comment(f)));
      if (target == 'R') return d.survey.state;
      a.economic.evidence += "（已依審查意見補充會計師查核資料）";
      CIPMS_ASSIGN_OR_RETURN(d, svc_.put_self_assessment(editor, id, d.survey.version, a));
      CIPMS_ASSIGN_OR_RETURN(d, svc_.submit(editor, id, d.survey.version, "已依審查意見補正"));
      return d.survey.state;
    }
    CIPMS_ASSIGN_OR_RETURN(d, svc_.accept(officer, id, d.survey.version, dc::accept_comment(f)));
    if (target == 'A') return d.survey.state;
    std::string provider_name = provider.name.empty() ? provider.code : provider.name;
    GradingProposal p = dc::proposal(f, provider_name, rank, rank_of, days_ago(21), days_ago(14));
    CIPMS_ASSIGN_OR_RETURN(d, svc_.propose(officer, id, d.survey.version, p));
    if (target == 'P') return d.survey.state;
    CIPMS_ASSIGN_OR_RETURN(Principal joint, ohs());
    std::vector<MissingFacilityProposal> missing;
    if (f.type == "dispatch_centre" || f.type == "clearing_centre") {
      MissingFacilityProposal m;
      m.name = f.type == "dispatch_centre" ? "北部備援調度中心" : "金融資訊異地備援中心";
      m.sector = f.sector;
      m.reason = "本設施之備援據點尚未列入盤點，失效時影響相同";
      missing.push_back(std::move(m));
    }
    CIPMS_ASSIGN_OR_RETURN(d, svc_.add_review_opinion(joint, id, d.survey.version, dc::ohs_opinion(f, p.grade), missing));
    if (target == 'F' || dc::variation(f) % 2 == 0) {
      CIPMS_ASSIGN_OR_RETURN(d, svc_.add_review_opinion(joint, id, d.survey.version, dc::agency_opinion(f, p.grade), {}));
    }
    if (target == 'U') return d.survey.state;
    CIPMS_ASSIGN_OR_RETURN(d, svc_.finalise(joint, id, d.survey.version, std::nullopt, dc::finalise_reasons(f, p.grade)));
    return d.survey.state;
  }

  const ServiceContext& ctx_;
  int year_;
  Session& s_;
  SurveyService svc_;
  std::unique_ptr<AuthService> auth_;
  std::map<std::string, Principal> actors_;
  int generators_ = 0;
};

}  // namespace

Result<DemoSurveySummary> seed_demo_surveys(const ServiceContext& ctx, int year) {
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, ctx.db->session());
  return Seeder(ctx, year, *s).run();
}

Result<DemoRoundResult> open_demo_round(const ServiceContext& ctx, const Principal& who, int days_to_deadline) {
  DemoRoundResult out;
  CIPMS_ASSIGN_OR_RETURN(out.opened, SurveyService(ctx).open_current_round_if_none(who, days_to_deadline));
  if (!out.opened) return out;
  CIPMS_ASSIGN_OR_RETURN(out.seeded, seed_demo_surveys(ctx, out.opened->year));
  return out;
}

}  // namespace cipms
