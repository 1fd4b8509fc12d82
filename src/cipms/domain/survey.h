// The inventory survey (基本資料調查表, R-4.1) of one facility for one survey round, and the
// grading workflow around it. Plain values and rules, no I/O.
//
// Sections:
//  1. core functions      = the facility's registry CoreFunction records (no copy);
//  2. external resources  = the facility's registry Dependency records (the engine's edges, no
//     copy) with a backup plan each, plus suppliers named in free text that are not (yet)
//     registered facilities (UnmatchedSupplier);
//  3. internal essential assets in three classes (InternalAsset) — the CII rule is here;
//  4. self-assessment on the four criteria of R-4.1 (SelfAssessment).
//
// Score scale of every criterion (documented in docs/survey.md and the API):
//   1 negligible (local, hours), 2 minor (one district, < 1 day), 3 moderate (a county or a
//   sector for days), 4 major (several counties or sectors, national attention),
//   5 severe (national: mass casualties or evacuation, state functions stop).
//
// Workflow: draft → submitted → returned (comments) → submitted ... | accepted → proposed
// (the competent authority's grading proposal, which is the submission to OHS) → under_review
// (first review opinion) → finalised (grade written to the facility, versioned).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/registry.h"

namespace cipms {

enum class SurveyState { kDraft, kSubmitted, kReturned, kAccepted, kProposed, kUnderReview, kFinalised };
// "draft", "submitted", "returned", "accepted", "proposed", "under_review", "finalised".
const char* survey_state_code(SurveyState s);
std::optional<SurveyState> parse_survey_state(std::string_view s);

// The workflow's actions and the states they start from.
enum class SurveyAction { kSubmit, kReturn, kAccept, kPropose, kReview, kFinalise };
const char* survey_action_code(SurveyAction a);  // "submit", "return", ...
// The state after `a` from `from`; nullopt when the transition is illegal (409).
std::optional<SurveyState> survey_transition(SurveyState from, SurveyAction a);
// The provider may edit its sections only in these states.
bool survey_editable(SurveyState s);

enum class AssetClass { kPhysical, kPersonnel, kIct };
const char* asset_class_code(AssetClass c);  // "physical", "personnel", "ict"
std::optional<AssetClass> parse_asset_class(std::string_view s);

struct InternalAsset {
  std::int64_t id = 0;
  AssetClass asset_class = AssetClass::kPhysical;
  std::string name;
  std::string description;
  std::string backup_plan;
  std::optional<double> max_backup_hours;
  // Answered for ICT assets: does its loss stop a core function? Can it be replaced for a
  // while by other means? (nullopt = not answered yet)
  std::optional<bool> stops_core_function;
  std::optional<bool> replaceable;
  std::optional<CoreFunctionId> core_function;  // the core function it supports, if named
};
// R-4.1(3): an ICT asset whose loss stops a core function and that cannot be temporarily
// replaced is a CII asset.
bool is_cii_asset(const InternalAsset& a);
// The facility holds CII when any of its assets is a CII asset.
bool holds_cii(const std::vector<InternalAsset>& assets);

// A supplier named in free text (not a registered facility yet).
struct UnmatchedSupplier {
  std::int64_t id = 0;
  std::string resource;  // taxonomy resource code
  std::string name;      // as the provider wrote it
  std::string note;
  std::string backup_plan;
  std::optional<double> backup_hours;
};

// Section 2 item: the registry dependency plus its backup plan.
struct ExternalResource {
  Dependency dependency;
  std::string backup_plan;
  std::vector<std::string> supplier_codes;  // for display, parallel to dependency.suppliers
};

// The nine categories of R-4.1(4)(2), importance to government and social functions.
struct GovCategory {
  const char* code;
  const char* name_zh;
  const char* name_en;
};
inline constexpr GovCategory kGovCategories[] = {
    {"command", "政府部會指管", "government command and control"},
    {"ict", "資通訊功能", "information and communication functions"},
    {"lifeline_transport", "維生與運輸機能", "lifeline and transport functions"},
    {"financial_order", "國家金融秩序", "national financial order"},
    {"health_epidemic", "衛生與疫病系統", "health and epidemic control"},
    {"public_safety_rescue", "治安與防救", "public safety and rescue"},
    {"national_symbols", "國家重要象徵與資產", "national symbols and assets"},
    {"key_technology_industry", "關鍵科技技術與產業", "key technologies and industries"},
    {"defence_mobilisation", "防衛動員", "defence mobilisation"},
};
bool valid_gov_category(std::string_view code);

inline constexpr int kMinScore = 1, kMaxScore = 5;
struct CriterionScore {
  std::optional<int> score;  // kMinScore..kMaxScore
  std::string evidence;
};
struct SelfAssessment {
  CriterionScore population;  // casualties, evacuation
  CriterionScore government;  // with categories
  std::vector<std::string> government_categories;
  CriterionScore economic;    // asset value, people affected, loss
  CriterionScore morale;      // international image, government reputation, confidence
  // Highest of the four scores (0 when none is set).
  int max_score() const;
};

struct Consultation {
  std::string with_whom;  // agency, civil group or expert
  std::string held_on;    // YYYY-MM-DD
  std::string summary;    // what was said
};

struct GradingProposal {
  int grade = 0;  // 1..3
  std::string reasons;
  std::optional<int> rank;     // among facilities of the same type in the authority's list
  std::optional<int> rank_of;  // how many were ranked
  std::vector<Consultation> consultations;
  std::string proposed_by;
  std::string proposed_at;  // UTC
};

struct ReviewOpinion {
  std::int64_t id = 0;
  std::string body;  // reviewing body (NSC, NSB, MND, coordinating agency...)
  std::string opinion;
  std::optional<int> recommended_grade;
  std::string author;
  std::string at;
};

struct MissingFacilityProposal {
  std::int64_t id = 0;
  std::int64_t round_id = 0;
  std::optional<std::int64_t> survey_id;
  std::string name;
  std::string sector;
  std::string reason;
  std::string proposed_by;
  std::string at;
};

struct SurveyTransition {
  std::int64_t id = 0;
  std::string from_state, to_state, actor, at, comment;
  std::string snapshot;  // JSON of the survey's sections at this transition
};

struct SurveyRound {
  std::int64_t id = 0;
  int year = 0;
  std::string title;
  std::string opens_on;  // YYYY-MM-DD
  std::string deadline;  // YYYY-MM-DD, inclusive
  std::int64_t version = 0;
  TimePoint created_at{}, updated_at{};
  // Days before the deadline on which a reminder goes out (docs/survey.md, "Reminders").
  std::vector<int> reminder_days = {30, 14, 7, 1};
};

// Reminders of a round: one on each of `reminder_days` before the deadline, then, once the
// deadline has passed, an overdue reminder on the first day after it and weekly after that for
// kOverdueReminderWeeks weeks. Dates are UTC days, as the overdue list counts them.
inline constexpr int kOverdueReminderWeeks = 12;
// Each 1..365, no repeats, at most 10 (field errors under `where`, e.g. "/reminder_days/2").
void validate_reminder_days(const std::vector<int>& days, const std::string& where, std::vector<FieldError>& out);
struct ReminderStep {
  bool overdue = false;
  int step = 0;  // the schedule's day count (before the deadline) or the overdue week (0, 1, ...)
  int days = 0;  // days left until the deadline, or days past it
  std::string key() const;  // "before-14", "overdue-0": names the step for the once-only rule
};
// The latest step reached on the UTC day of `now`; nullopt before the round opens, before the
// first step, and after the last overdue week. The same for every facility of the round.
std::optional<ReminderStep> due_reminder(const SurveyRound& r, TimePoint now);

// The survey row (what the survey itself owns).
struct Survey {
  std::int64_t id = 0;
  std::int64_t round_id = 0;
  int year = 0;
  FacilityId facility;
  SurveyState state = SurveyState::kDraft;
  std::int64_t version = 0;
  SelfAssessment assessment;
  std::string return_comment;
  std::optional<GradingProposal> proposal;  // consultations filled by the store
  std::optional<std::string> submitted_at;
  std::optional<int> final_grade;
  std::optional<std::string> finalised_at;
  TimePoint created_at{}, updated_at{};
};

// A survey with every section, as a reader sees it.
struct SurveyDocument {
  Survey survey;
  Facility facility;
  std::vector<CoreFunction> core_functions;
  std::vector<ExternalResource> external_resources;
  std::vector<UnmatchedSupplier> unmatched_suppliers;
  std::vector<InternalAsset> assets;
  std::vector<ReviewOpinion> opinions;
  std::vector<SurveyTransition> history;
};

// One version of a facility's grade in the national CI database.
struct GradeVersion {
  FacilityId facility;
  std::int64_t grade_version = 0;  // 1, 2, ...
  std::optional<int> grade;
  bool cii = false;
  std::optional<int> previous_grade;
  int year = 0;
  std::optional<std::int64_t> survey_id;
  std::string reasons, decided_by, decided_at;
};

// --- rules (each appends one FieldError per problem, pointer prefixed with `where`) ---
// Values that are wrong whatever the state (scores out of range, unknown categories, negative
// hours, over-long text): checked on every edit.
void validate_assessment(const SelfAssessment& a, const std::string& where, std::vector<FieldError>& out);
void validate_asset(const InternalAsset& a, const std::string& where, std::vector<FieldError>& out);
void validate_unmatched_supplier(const UnmatchedSupplier& u, const std::string& where, std::vector<FieldError>& out);
// Grade 1..3, reasons, rank <= rank_of, consultations with whom/when (date)/what.
void validate_proposal(const GradingProposal& p, const std::string& where, std::vector<FieldError>& out);
// Everything a submitted survey needs, every problem at once: at least one core function,
// each with its MTPD and continuity arrangement; each external resource with a backup plan;
// each free-text supplier with a resource and name; at least one asset, each with a backup
// plan and its maximum backup hours, ICT assets with both CII questions answered; all four
// criteria scored with evidence, the government criterion with its categories. Pointers:
// "/core_functions/0/mtpd_hours", "/assets/2/replaceable", "/self_assessment/economic/score"...
std::vector<FieldError> check_survey_complete(const SurveyDocument& d);

bool valid_iso_date(const std::string& s);  // YYYY-MM-DD, a real date

}  // namespace cipms
