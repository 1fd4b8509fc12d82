// Rules of domain/survey.h: the workflow's transition table (every state × action), the CII
// rule, and the completeness check that lists every missing or invalid field at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cipms/domain/survey.h"

namespace cipms {
namespace {

using S = SurveyState;
using A = SurveyAction;

TEST(SurveyStateMachine, EveryStateActionPairFollowsTheWorkflowAndNothingElseIsAllowed) {
  const std::map<std::pair<S, A>, S> legal = {
      {{S::kDraft, A::kSubmit}, S::kSubmitted},       {{S::kReturned, A::kSubmit}, S::kSubmitted},
      {{S::kSubmitted, A::kReturn}, S::kReturned},    {{S::kAccepted, A::kReturn}, S::kReturned},
      {{S::kSubmitted, A::kAccept}, S::kAccepted},    {{S::kAccepted, A::kPropose}, S::kProposed},
      {{S::kProposed, A::kReview}, S::kUnderReview},  {{S::kUnderReview, A::kReview}, S::kUnderReview},
      {{S::kUnderReview, A::kFinalise}, S::kFinalised},
  };
  int checked = 0;
  for (S s : {S::kDraft, S::kSubmitted, S::kReturned, S::kAccepted, S::kProposed, S::kUnderReview, S::kFinalised}) {
    for (A a : {A::kSubmit, A::kReturn, A::kAccept, A::kPropose, A::kReview, A::kFinalise}) {
      auto it = legal.find({s, a});
      auto got = survey_transition(s, a);
      if (it == legal.end()) EXPECT_FALSE(got) << survey_state_code(s) << " " << survey_action_code(a);
      else EXPECT_EQ(got, it->second) << survey_state_code(s) << " " << survey_action_code(a);
      ++checked;
    }
    EXPECT_EQ(parse_survey_state(survey_state_code(s)), s);
  }
  EXPECT_EQ(checked, 42);
  EXPECT_TRUE(survey_editable(S::kDraft));
  EXPECT_TRUE(survey_editable(S::kReturned));
  EXPECT_FALSE(survey_editable(S::kSubmitted));
  EXPECT_FALSE(survey_editable(S::kFinalised));
}

TEST(SurveyCiiRule, AFacilityHoldsCiiOnlyThroughAnIrreplaceableIctAssetThatStopsACoreFunction) {
  InternalAsset ict;
  ict.asset_class = AssetClass::kIct;
  ict.stops_core_function = true;
  ict.replaceable = false;
  InternalAsset staff = ict;
  staff.asset_class = AssetClass::kPersonnel;
  EXPECT_FALSE(holds_cii({}));
  EXPECT_FALSE(holds_cii({staff}));
  EXPECT_TRUE(holds_cii({staff, ict}));
  ict.stops_core_function.reset();  // not answered: not CII (yet)
  EXPECT_FALSE(holds_cii({ict}));
}

TEST(SurveyCompleteness, AnEmptySurveyListsEveryMissingSectionAndScoreAtOnce) {
  SurveyDocument d;
  std::set<std::string> ptrs;
  for (const auto& e : check_survey_complete(d)) ptrs.insert(e.pointer);
  for (const char* p : {"/core_functions", "/assets", "/self_assessment/population/score",
                        "/self_assessment/population/evidence", "/self_assessment/government/score",
                        "/self_assessment/government/evidence", "/self_assessment/economic/score",
                        "/self_assessment/economic/evidence", "/self_assessment/morale/score",
                        "/self_assessment/morale/evidence"})
    EXPECT_TRUE(ptrs.count(p)) << p;
  EXPECT_EQ(ptrs.size(), 10u);
}

TEST(SurveyCompleteness, InvalidValuesAreReportedWithTheirPointers) {
  SurveyDocument d;
  CoreFunction cf;
  cf.name = "x";
  d.core_functions = {cf};
  InternalAsset a;
  a.asset_class = AssetClass::kIct;
  a.max_backup_hours = -1;
  d.assets = {a};
  d.external_resources = {ExternalResource{}};
  d.unmatched_suppliers = {UnmatchedSupplier{}};
  d.survey.assessment.population = {7, "e"};
  d.survey.assessment.government = {3, "e"};
  d.survey.assessment.government_categories = {"command", "bogus", "command"};
  std::set<std::string> ptrs;
  for (const auto& e : check_survey_complete(d)) ptrs.insert(e.pointer);
  for (const char* p : {"/core_functions/0/mtpd_hours", "/core_functions/0/continuity", "/assets/0/name",
                        "/assets/0/max_backup_hours", "/assets/0/backup_plan", "/assets/0/stops_core_function",
                        "/assets/0/replaceable", "/external_resources/0/backup_plan", "/unmatched_suppliers/0/name",
                        "/unmatched_suppliers/0/resource", "/self_assessment/population/score",
                        "/self_assessment/government/categories/1", "/self_assessment/government/categories/2"})
    EXPECT_TRUE(ptrs.count(p)) << p;
}

// Every rule carries a stable code (docs/survey.md) that clients map to their own wording.
TEST(SurveyCompleteness, EveryProblemCarriesItsStableCode) {
  SurveyDocument d;
  CoreFunction cf;
  cf.name = "x";
  d.core_functions = {cf};
  InternalAsset a;
  a.asset_class = AssetClass::kIct;
  a.max_backup_hours = -1;
  d.assets = {a};
  d.external_resources = {ExternalResource{}};
  d.unmatched_suppliers = {UnmatchedSupplier{}};
  d.survey.assessment.population = {7, "e"};
  d.survey.assessment.government = {3, ""};
  d.survey.assessment.government_categories = {"command", "bogus", "command"};
  std::map<std::string, std::set<std::string>> codes;
  for (const auto& e : check_survey_complete(d)) {
    EXPECT_EQ(e.code.rfind("survey.", 0), 0u) << e.pointer << ": " << e.message;
    codes[e.pointer].insert(e.code);
  }
  using S = std::set<std::string>;
  EXPECT_EQ(codes["/core_functions/0/mtpd_hours"], S{"survey.mtpd_required"});
  EXPECT_EQ(codes["/core_functions/0/continuity"], S{"survey.continuity_required"});
  EXPECT_EQ(codes["/assets/0/name"], S{"survey.required"});
  EXPECT_EQ(codes["/assets/0/max_backup_hours"], S{"survey.hours_invalid"});
  EXPECT_EQ(codes["/assets/0/backup_plan"], S{"survey.backup_plan_required"});
  EXPECT_EQ(codes["/assets/0/stops_core_function"], S{"survey.stops_core_function_required"});
  EXPECT_EQ(codes["/assets/0/replaceable"], S{"survey.replaceable_required"});
  EXPECT_EQ(codes["/external_resources/0/backup_plan"], S{"survey.backup_plan_required"});
  EXPECT_EQ(codes["/unmatched_suppliers/0/name"], S{"survey.supplier_name_required"});
  EXPECT_EQ(codes["/self_assessment/population/score"], S{"survey.score_range"});
  EXPECT_EQ(codes["/self_assessment/government/evidence"], S{"survey.evidence_required"});
  EXPECT_EQ(codes["/self_assessment/economic/score"], S{"survey.score_required"});
  EXPECT_EQ(codes["/self_assessment/government/categories/1"], S{"survey.category_unknown"});
  EXPECT_EQ(codes["/self_assessment/government/categories/2"], S{"survey.category_duplicate"});
  std::vector<FieldError> empty = check_survey_complete(SurveyDocument{});
  EXPECT_TRUE(std::any_of(empty.begin(), empty.end(), [](const FieldError& e) {
    return e == FieldError{"/core_functions", "list at least one core function", "survey.core_function_missing"};
  }));
  GradingProposal p;
  p.consultations = {{"", "2026-02-30", ""}};
  std::vector<FieldError> errs;
  validate_proposal(p, "", errs);
  for (const auto& e : errs) EXPECT_EQ(e.code.rfind("survey.", 0), 0u) << e.pointer << ": " << e.message;
  EXPECT_EQ(errs.size(), 5u);
}

TEST(GradingProposal, RequiresGradeReasonsConsultationAndARankWithinTheList) {
  GradingProposal p;
  std::vector<FieldError> errs;
  validate_proposal(p, "", errs);
  std::set<std::string> ptrs;
  for (const auto& e : errs) ptrs.insert(e.pointer);
  EXPECT_EQ(ptrs, (std::set<std::string>{"/grade", "/reasons", "/consultations"}));
  p.grade = 1;
  p.reasons = "national";
  p.rank = 4;
  p.rank_of = 3;
  p.consultations = {{"NCC", "2026-02-30", ""}};
  errs.clear();
  validate_proposal(p, "", errs);
  ptrs.clear();
  for (const auto& e : errs) ptrs.insert(e.pointer);
  EXPECT_EQ(ptrs, (std::set<std::string>{"/rank", "/consultations/0/held_on", "/consultations/0/summary"}));
}

}  // namespace
}  // namespace cipms
