#include "cipms/domain/survey.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace cipms {

namespace {

constexpr const char* kStates[] = {"draft", "submitted", "returned", "accepted", "proposed", "under_review", "finalised"};
constexpr const char* kActions[] = {"submit", "return", "accept", "propose", "review", "finalise"};
constexpr const char* kClasses[] = {"physical", "personnel", "ict"};

template <typename E, std::size_t N>
std::optional<E> parse_of(const char* const (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void too_long(const std::string& s, std::size_t max, const std::string& ptr, std::vector<FieldError>& out) {
  if (s.size() > max) out.push_back({ptr, "must be at most " + std::to_string(max) + " bytes", "survey.too_long"});
}

void hours(const std::optional<double>& h, const std::string& ptr, std::vector<FieldError>& out) {
  if (h && (!std::isfinite(*h) || *h < 0)) out.push_back({ptr, "must be a number of hours >= 0", "survey.hours_invalid"});
}

}  // namespace

const char* survey_state_code(SurveyState s) { return kStates[static_cast<int>(s)]; }
std::optional<SurveyState> parse_survey_state(std::string_view s) { return parse_of<SurveyState>(kStates, s); }
const char* survey_action_code(SurveyAction a) { return kActions[static_cast<int>(a)]; }
const char* asset_class_code(AssetClass c) { return kClasses[static_cast<int>(c)]; }
std::optional<AssetClass> parse_asset_class(std::string_view s) { return parse_of<AssetClass>(kClasses, s); }

std::optional<SurveyState> survey_transition(SurveyState from, SurveyAction a) {
  using S = SurveyState;
  switch (a) {
    case SurveyAction::kSubmit:
      if (from == S::kDraft || from == S::kReturned) return S::kSubmitted;
      break;
    case SurveyAction::kReturn:
      if (from == S::kSubmitted || from == S::kAccepted) return S::kReturned;
      break;
    case SurveyAction::kAccept:
      if (from == S::kSubmitted) return S::kAccepted;
      break;
    case SurveyAction::kPropose:
      if (from == S::kAccepted) return S::kProposed;
      break;
    case SurveyAction::kReview:
      if (from == S::kProposed || from == S::kUnderReview) return S::kUnderReview;
      break;
    case SurveyAction::kFinalise:
      if (from == S::kUnderReview) return S::kFinalised;
      break;
  }
  return std::nullopt;
}

bool survey_editable(SurveyState s) { return s == SurveyState::kDraft || s == SurveyState::kReturned; }

bool is_cii_asset(const InternalAsset& a) {
  return a.asset_class == AssetClass::kIct && a.stops_core_function.value_or(false) && a.replaceable.has_value() &&
         !*a.replaceable;
}

bool holds_cii(const std::vector<InternalAsset>& assets) {
  return std::any_of(assets.begin(), assets.end(), is_cii_asset);
}

bool valid_gov_category(std::string_view code) {
  return std::any_of(std::begin(kGovCategories), std::end(kGovCategories),
                     [&](const GovCategory& c) { return code == c.code; });
}

int SelfAssessment::max_score() const {
  int m = 0;
  for (const auto* c : {&population, &government, &economic, &morale}) m = std::max(m, c->score.value_or(0));
  return m;
}

bool valid_iso_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

void validate_reminder_days(const std::vector<int>& days, const std::string& where, std::vector<FieldError>& out) {
  if (days.size() > 10) out.push_back({where, "at most 10 reminders", "survey.reminders_too_many"});
  for (std::size_t i = 0; i < days.size(); ++i) {
    std::string p = where + "/" + std::to_string(i);
    if (days[i] < 1 || days[i] > 365) out.push_back({p, "must be 1 to 365 days before the deadline", "survey.reminder_day_invalid"});
    else if (std::find(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(i), days[i]) != days.begin() + static_cast<std::ptrdiff_t>(i))
      out.push_back({p, "listed twice", "survey.reminder_day_duplicate"});
  }
}

std::string ReminderStep::key() const { return (overdue ? "overdue-" : "before-") + std::to_string(step); }

std::optional<ReminderStep> due_reminder(const SurveyRound& r, TimePoint now) {
  using namespace std::chrono;
  auto day_of = [](const std::string& iso, sys_days* out) {
    if (!valid_iso_date(iso)) return false;
    *out = sys_days{year{std::stoi(iso.substr(0, 4))} / std::stoi(iso.substr(5, 2)) / std::stoi(iso.substr(8, 2))};
    return true;
  };
  sys_days opens, deadline;
  if (!day_of(r.opens_on, &opens) || !day_of(r.deadline, &deadline)) return std::nullopt;
  sys_days today = floor<days>(now);
  if (today < opens) return std::nullopt;
  int left = static_cast<int>((deadline - today).count());
  ReminderStep s;
  if (left >= 0) {
    // The step reached last: the smallest day count not below the days left.
    int best = 0;
    for (int d : r.reminder_days)
      if (d >= left && (best == 0 || d < best)) best = d;
    if (best == 0) return std::nullopt;
    s.step = best;
    s.days = left;
    return s;
  }
  s.overdue = true;
  s.days = -left;
  s.step = (s.days - 1) / 7;
  if (s.step >= kOverdueReminderWeeks) return std::nullopt;
  return s;
}

void validate_assessment(const SelfAssessment& a, const std::string& where, std::vector<FieldError>& out) {
  auto crit = [&](const CriterionScore& c, const char* name) {
    std::string p = where + "/" + name;
    if (c.score && (*c.score < kMinScore || *c.score > kMaxScore))
      out.push_back({p + "/score", "must be a score from 1 (negligible) to 5 (severe, national)", "survey.score_range"});
    too_long(c.evidence, 10000, p + "/evidence", out);
  };
  crit(a.population, "population");
  crit(a.government, "government");
  crit(a.economic, "economic");
  crit(a.morale, "morale");
  for (std::size_t i = 0; i < a.government_categories.size(); ++i) {
    const std::string& c = a.government_categories[i];
    std::string p = where + "/government/categories/" + std::to_string(i);
    if (!valid_gov_category(c)) {
      std::string known;
      for (const auto& g : kGovCategories) known += std::string(known.empty() ? "" : ", ") + g.code;
      out.push_back({p, "unknown category '" + c + "' (one of " + known + ")", "survey.category_unknown"});
    } else if (std::find(a.government_categories.begin(), a.government_categories.begin() + static_cast<long>(i), c) !=
               a.government_categories.begin() + static_cast<long>(i)) {
      out.push_back({p, "category '" + c + "' is listed twice", "survey.category_duplicate"});
    }
  }
}

void validate_asset(const InternalAsset& a, const std::string& where, std::vector<FieldError>& out) {
  if (blank(a.name)) out.push_back({where + "/name", "is required", "survey.required"});
  too_long(a.name, 200, where + "/name", out);
  too_long(a.description, 4000, where + "/description", out);
  too_long(a.backup_plan, 4000, where + "/backup_plan", out);
  hours(a.max_backup_hours, where + "/max_backup_hours", out);
}

void validate_unmatched_supplier(const UnmatchedSupplier& u, const std::string& where, std::vector<FieldError>& out) {
  if (blank(u.name)) out.push_back({where + "/name", "is required: the supplier as you know it", "survey.supplier_name_required"});
  too_long(u.name, 200, where + "/name", out);
  too_long(u.note, 2000, where + "/note", out);
  too_long(u.backup_plan, 4000, where + "/backup_plan", out);
  hours(u.backup_hours, where + "/backup_hours", out);
}

void validate_proposal(const GradingProposal& p, const std::string& where, std::vector<FieldError>& out) {
  if (p.grade < 1 || p.grade > 3) out.push_back({where + "/grade", "must be 1, 2 or 3", "survey.grade_invalid"});
  if (blank(p.reasons)) out.push_back({where + "/reasons", "the reasons for the grade are required", "survey.reasons_required"});
  too_long(p.reasons, 10000, where + "/reasons", out);
  if (p.rank && *p.rank < 1) out.push_back({where + "/rank", "must be >= 1", "survey.rank_invalid"});
  if (p.rank_of && *p.rank_of < 1) out.push_back({where + "/rank_of", "must be >= 1", "survey.rank_invalid"});
  if (p.rank && p.rank_of && *p.rank > *p.rank_of)
    out.push_back({where + "/rank", "rank " + std::to_string(*p.rank) + " is beyond the " +
                                        std::to_string(*p.rank_of) + " facilities ranked", "survey.rank_beyond"});
  if (p.consultations.empty())
    out.push_back({where + "/consultations", "record at least one consultation (agencies, civil groups, experts)", "survey.consultation_required"});
  for (std::size_t i = 0; i < p.consultations.size(); ++i) {
    const Consultation& c = p.consultations[i];
    std::string cp = where + "/consultations/" + std::to_string(i);
    if (blank(c.with_whom)) out.push_back({cp + "/with_whom", "is required", "survey.required"});
    if (!valid_iso_date(c.held_on)) out.push_back({cp + "/held_on", "must be a date YYYY-MM-DD", "survey.date_invalid"});
    if (blank(c.summary)) out.push_back({cp + "/summary", "what was said is required", "survey.summary_required"});
  }
}

std::vector<FieldError> check_survey_complete(const SurveyDocument& d) {
  std::vector<FieldError> out;
  if (d.core_functions.empty()) out.push_back({"/core_functions", "list at least one core function", "survey.core_function_missing"});
  for (std::size_t i = 0; i < d.core_functions.size(); ++i) {
    const CoreFunction& c = d.core_functions[i];
    std::string p = "/core_functions/" + std::to_string(i);
    if (blank(c.name)) out.push_back({p + "/name", "is required", "survey.required"});
    if (!c.mtpd_hours) out.push_back({p + "/mtpd_hours", "the maximum tolerable downtime is required", "survey.mtpd_required"});
    if (blank(c.continuity)) out.push_back({p + "/continuity", "the continuity arrangement is required", "survey.continuity_required"});
  }
  for (std::size_t i = 0; i < d.external_resources.size(); ++i)
    if (blank(d.external_resources[i].backup_plan))
      out.push_back({"/external_resources/" + std::to_string(i) + "/backup_plan",
                     "the backup plan when this resource fails is required (write 'none' if there is none)",
                     "survey.backup_plan_required"});
  for (std::size_t i = 0; i < d.unmatched_suppliers.size(); ++i) {
    const UnmatchedSupplier& u = d.unmatched_suppliers[i];
    std::string p = "/unmatched_suppliers/" + std::to_string(i);
    validate_unmatched_supplier(u, p, out);
    if (blank(u.resource)) out.push_back({p + "/resource", "is required", "survey.required"});
    if (blank(u.backup_plan)) out.push_back({p + "/backup_plan", "is required (write 'none' if there is none)", "survey.backup_plan_required"});
  }
  if (d.assets.empty()) out.push_back({"/assets", "list the internal essential assets (physical, personnel, ICT)", "survey.assets_missing"});
  for (std::size_t i = 0; i < d.assets.size(); ++i) {
    const InternalAsset& a = d.assets[i];
    std::string p = "/assets/" + std::to_string(i);
    validate_asset(a, p, out);
    if (blank(a.backup_plan)) out.push_back({p + "/backup_plan", "is required (write 'none' if there is none)", "survey.backup_plan_required"});
    if (!a.max_backup_hours) out.push_back({p + "/max_backup_hours", "the maximum backup time is required", "survey.max_backup_required"});
    if (a.asset_class == AssetClass::kIct) {
      if (!a.stops_core_function)
        out.push_back({p + "/stops_core_function", "say whether losing this ICT asset stops a core function",
                       "survey.stops_core_function_required"});
      if (!a.replaceable)
        out.push_back({p + "/replaceable", "say whether this ICT asset can be temporarily replaced", "survey.replaceable_required"});
    }
  }
  const SelfAssessment& s = d.survey.assessment;
  validate_assessment(s, "/self_assessment", out);
  auto crit = [&](const CriterionScore& c, const char* name) {
    std::string p = std::string("/self_assessment/") + name;
    if (!c.score) out.push_back({p + "/score", "a score from 1 to 5 is required", "survey.score_required"});
    if (blank(c.evidence)) out.push_back({p + "/evidence", "the evidence for the score is required", "survey.evidence_required"});
  };
  crit(s.population, "population");
  crit(s.government, "government");
  crit(s.economic, "economic");
  crit(s.morale, "morale");
  if (s.government.score.value_or(0) > 1 && s.government_categories.empty())
    out.push_back({"/self_assessment/government/categories", "name the government and social functions it supports",
                   "survey.categories_required"});
  return out;
}

}  // namespace cipms
