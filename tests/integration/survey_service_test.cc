// The survey and grading workflow (services/survey_service.h, issue 7) on real SQLite and
// PostgreSQL databases, with principals built directly: a provider editor of the owning
// organisation, one of another provider, an authority officer, an OHS officer.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <ostream>

#include "cipms/services/audit.h"
#include "cipms/services/demo.h"
#include "cipms/services/network_service.h"
#include "cipms/services/registry_service.h"
#include "cipms/services/survey_service.h"
#include "cipms/storage/store.h"
#include "support/paths.h"
#include "support/backends.h"
#include "support/postgres_server.h"
#include "support/survey_db_fixture.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using testing::Backend;
using testing::backends;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

bool has_pointer(const Status& st, const std::string& ptr) {
  for (const auto& e : st.errors())
    if (e.pointer == ptr) return true;
  return false;
}

class SurveyWorkflow : public testing::SurveyDbTest {
 protected:
  SurveyWorkflow() : SurveyDbTest("cipms-survey-test", kT0) {}
  void SetUp() override {
    SurveyDbTest::SetUp();
    if (HasFatalFailure()) return;
    ohs_org_ = org("OHS", OrgType::kOhs);
    moea_ = org("MOEA", OrgType::kCompetentAuthority, {"electricity"});
    tpc_ = org("TPC", OrgType::kProvider);
    other_ = org("OTHER", OrgType::kProvider);
    plant_ = facility("PLANT-1", tpc_, 1000);
    sub_ = facility("SUB-1", tpc_, 1000);
    foreign_ = facility("FOREIGN-1", other_, 1000);
    auto round = svc_->create_round(ohs(), SurveyRound{0, 2026, "", "2026-01-01", "2026-12-31"});
    ASSERT_TRUE(round.is_ok()) << round.status().to_string();
  }
  Principal person(std::int64_t uid, const std::string& name, Role role, OrgId org, const std::string& code,
                   OrgType type, std::vector<std::string> subsectors = {}) {
    Principal p;
    p.user = UserId(uid);
    p.username = name;
    p.role = role;
    p.org = org;
    p.org_code = code;
    p.org_type = type;
    p.subsectors = std::move(subsectors);
    return p;
  }
  Principal editor() { return person(1, "editor", Role::kProviderEditor, tpc_, "TPC", OrgType::kProvider); }
  Principal other_editor() { return person(2, "stranger", Role::kProviderEditor, other_, "OTHER", OrgType::kProvider); }
  Principal authority() {
    return person(3, "officer", Role::kAuthorityOfficer, moea_, "MOEA", OrgType::kCompetentAuthority, {"electricity"});
  }
  Principal ohs() { return person(4, "ohs", Role::kOhsOfficer, ohs_org_, "OHS", OrgType::kOhs); }

  // A survey of PLANT-1 with every section filled in; returns its document.
  SurveyDocument filled_survey() {
    auto d = svc_->start_survey(editor(), 2026, plant_);
    EXPECT_TRUE(d.is_ok()) << d.status().to_string();
    if (!d.is_ok()) return {};
    std::int64_t id = d->survey.id;
    CoreFunction cf;
    cf.name = "發電";
    cf.description = "generation";
    cf.mtpd_hours = 4;
    cf.continuity = "black start units";
    auto r = svc_->put_core_functions(editor(), id, d->survey.version, {cf});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    ExternalResource ext;
    ext.dependency.resource = "electricity";
    ext.dependency.suppliers = {sub_};
    ext.dependency.backup_hours = 8;
    ext.backup_plan = "diesel generators for 8 hours";
    UnmatchedSupplier u{0, "fuel", "南部燃料行", "", "stock for 2 days", 48};
    r = svc_->put_external_resources(editor(), id, r->survey.version, {ext}, {u});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    InternalAsset scada;
    scada.asset_class = AssetClass::kIct;
    scada.name = "SCADA";
    scada.backup_plan = "none";
    scada.max_backup_hours = 0;
    scada.stops_core_function = true;
    scada.replaceable = false;
    InternalAsset staff;
    staff.asset_class = AssetClass::kPersonnel;
    staff.name = "control room operators";
    staff.backup_plan = "second shift";
    staff.max_backup_hours = 24;
    r = svc_->put_assets(editor(), id, r->survey.version, {scada, staff});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    SelfAssessment a;
    a.population = {4, "serves 1.2 million people"};
    a.government = {3, "supplies the county government"};
    a.government_categories = {"lifeline_transport", "command"};
    a.economic = {4, "NTD 50 million per hour"};
    a.morale = {2, "regional news"};
    r = svc_->put_self_assessment(editor(), id, r->survey.version, a);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r.value() : SurveyDocument{};
  }

  GradingProposal proposal(int grade = 2) {
    GradingProposal p;
    p.grade = grade;
    p.reasons = "largest plant in the region";
    p.rank = 1;
    p.rank_of = 12;
    p.consultations = {{"台電公司", "2026-10-01", "agrees with grade 2"}};
    return p;
  }

  std::int64_t audit_count() {
    auto rows = session_->query("SELECT COUNT(*) FROM audit_log");
    return rows.is_ok() && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }

  OrgId ohs_org_, tpc_, other_;
  FacilityId plant_, sub_, foreign_;
};

TEST_P(SurveyWorkflow, WholeWorkflow_FromDraftToFinalGradeInTheNationalList) {
  SurveyDocument d = filled_survey();
  ASSERT_GT(d.survey.id, 0);
  std::int64_t id = d.survey.id;
  auto r = svc_->submit(editor(), id, d.survey.version, "first submission");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->survey.state, SurveyState::kSubmitted);
  r = svc_->return_survey(authority(), id, r->survey.version, "MTPD looks too long");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->survey.state, SurveyState::kReturned);
  EXPECT_EQ(r->survey.return_comment, "MTPD looks too long");
  r = svc_->submit(editor(), id, r->survey.version, "corrected");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  r = svc_->accept(authority(), id, r->survey.version, "complete");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  r = svc_->propose(authority(), id, r->survey.version, proposal(2));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->survey.state, SurveyState::kProposed);
  ASSERT_TRUE(r->survey.proposal);
  EXPECT_EQ(r->survey.proposal->consultations.size(), 1u);
  ReviewOpinion op;
  op.body = "NSC";
  op.opinion = "agree";
  op.recommended_grade = 2;
  r = svc_->add_review_opinion(ohs(), id, r->survey.version, op, {{0, 0, std::nullopt, "北部備援中心", "energy", "missing from the list", "", ""}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->survey.state, SurveyState::kUnderReview);
  EXPECT_EQ(r->opinions.size(), 1u);
  r = svc_->finalise(ohs(), id, r->survey.version, std::nullopt, "joint review 2026");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->survey.state, SurveyState::kFinalised);
  EXPECT_EQ(r->facility.grade, 2);
  EXPECT_TRUE(r->facility.cii);
  EXPECT_EQ(r->history.size(), 7u);

  auto national = svc_->national_list(ohs(), std::nullopt, 50, 0);
  ASSERT_TRUE(national.is_ok()) << national.status().to_string();
  ASSERT_EQ(national->total, 1);
  EXPECT_EQ(national->items[0].facility.code, "PLANT-1");
  EXPECT_EQ(national->items[0].grade_version, 1);
  // The engine's network is the registry: the survey's dependency is in it.
  auto net = session_->load_network();
  ASSERT_TRUE(net.is_ok());
  ASSERT_EQ(net->dependencies.size(), 1u);
  EXPECT_EQ(net->dependencies[0].consumer, "PLANT-1");
  EXPECT_EQ(net->dependencies[0].suppliers, std::vector<std::string>{"SUB-1"});
  // Every change has its audit entry, and the chain verifies.
  EXPECT_GE(audit_count(), 12);
  auto v = audit_verify(ctx_);
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok) << v->problem;
}

TEST_P(SurveyWorkflow, DemoRound_OpensTheCurrentYearOnceFromJanuaryToThirtyDaysAhead) {
  // 2026 has its round (SetUp): nothing opened.
  auto none = svc_->open_current_round_if_none(ohs());
  ASSERT_TRUE(none.is_ok()) << none.status().to_string();
  EXPECT_FALSE(none->has_value());
  clock_->set(std::chrono::sys_days{std::chrono::March / 10 / 2027} + std::chrono::hours(23));
  EXPECT_EQ(svc_->open_current_round_if_none(editor()).status().code(), Code::kPermissionDenied);
  auto opened = svc_->open_current_round_if_none(ohs());
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  ASSERT_TRUE(opened->has_value());
  EXPECT_EQ((*opened)->year, 2027);
  EXPECT_EQ((*opened)->opens_on, "2027-01-01");
  EXPECT_EQ((*opened)->deadline, "2027-04-09");  // 10 March + 30 days
  auto again = svc_->open_current_round_if_none(ohs());
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->has_value());
  auto rounds = svc_->list_rounds(ohs());
  ASSERT_TRUE(rounds.is_ok());
  EXPECT_EQ(rounds->size(), 2u);
}

TEST_P(SurveyWorkflow, IllegalTransitions_AnswerConflict) {
  SurveyDocument d = filled_survey();
  std::int64_t id = d.survey.id;
  std::int64_t v = d.survey.version;
  // From draft nothing but submit.
  EXPECT_EQ(svc_->accept(authority(), id, v, "").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->return_survey(authority(), id, v, "x").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->propose(authority(), id, v, proposal()).status().code(), Code::kConflict);
  EXPECT_EQ(svc_->add_review_opinion(ohs(), id, v, {0, "NSC", "ok"}, {}).status().code(), Code::kConflict);
  EXPECT_EQ(svc_->finalise(ohs(), id, v, 1, "").status().code(), Code::kConflict);
  auto r = svc_->submit(editor(), id, v, "");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  v = r->survey.version;
  // Submitted: no second submit, no edits, no proposal before acceptance, no finalisation.
  EXPECT_EQ(svc_->submit(editor(), id, v, "").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->put_self_assessment(editor(), id, v, d.survey.assessment).status().code(), Code::kConflict);
  EXPECT_EQ(svc_->propose(authority(), id, v, proposal()).status().code(), Code::kConflict);
  EXPECT_EQ(svc_->finalise(ohs(), id, v, 1, "").status().code(), Code::kConflict);
  r = svc_->accept(authority(), id, v, "");
  ASSERT_TRUE(r.is_ok());
  v = r->survey.version;
  EXPECT_EQ(svc_->accept(authority(), id, v, "").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->finalise(ohs(), id, v, 1, "").status().code(), Code::kConflict);
  r = svc_->propose(authority(), id, v, proposal());
  ASSERT_TRUE(r.is_ok());
  v = r->survey.version;
  // Proposed: finalisation needs the joint review first.
  EXPECT_EQ(svc_->finalise(ohs(), id, v, 1, "").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->return_survey(authority(), id, v, "x").status().code(), Code::kConflict);
  r = svc_->add_review_opinion(ohs(), id, v, {0, "NSB", "ok"}, {});
  ASSERT_TRUE(r.is_ok());
  r = svc_->finalise(ohs(), id, r->survey.version, 1, "");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  v = r->survey.version;
  EXPECT_EQ(svc_->finalise(ohs(), id, v, 1, "").status().code(), Code::kConflict);
  EXPECT_EQ(svc_->add_review_opinion(ohs(), id, v, {0, "NSB", "late"}, {}).status().code(), Code::kConflict);
  EXPECT_EQ(svc_->submit(editor(), id, v, "").status().code(), Code::kConflict);
}

TEST_P(SurveyWorkflow, StaleVersion_AnswersPreconditionFailed) {
  SurveyDocument d = filled_survey();
  auto r = svc_->put_self_assessment(editor(), d.survey.id, d.survey.version - 1, d.survey.assessment);
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(svc_->submit(editor(), d.survey.id, d.survey.version - 1, "").status().code(), Code::kPreconditionFailed);
}

TEST_P(SurveyWorkflow, CiiRule_OnlyAnIrreplaceableIctAssetThatStopsACoreFunctionIsCii) {
  InternalAsset a;
  a.asset_class = AssetClass::kIct;
  a.stops_core_function = true;
  a.replaceable = false;
  EXPECT_TRUE(is_cii_asset(a));
  a.replaceable = true;
  EXPECT_FALSE(is_cii_asset(a));
  a.replaceable = false;
  a.stops_core_function = false;
  EXPECT_FALSE(is_cii_asset(a));
  a.stops_core_function = true;
  a.asset_class = AssetClass::kPhysical;
  EXPECT_FALSE(is_cii_asset(a));
  a.asset_class = AssetClass::kIct;
  a.replaceable.reset();
  EXPECT_FALSE(is_cii_asset(a));

  // Through the service: the facility's flag follows its assets.
  SurveyDocument d = filled_survey();
  EXPECT_TRUE(d.facility.cii);
  std::vector<InternalAsset> assets = d.assets;
  assets[0].replaceable = true;  // SCADA can be replaced by manual operation
  auto r = svc_->put_assets(editor(), d.survey.id, d.survey.version, assets);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FALSE(r->facility.cii);
  auto f = session_->get_facility(plant_);
  ASSERT_TRUE(f.is_ok());
  EXPECT_FALSE(f->cii);
}

TEST_P(SurveyWorkflow, IncompleteSurvey_SubmitListsEveryProblemAtOnceAndWritesNothing) {
  auto d = svc_->start_survey(editor(), 2026, plant_);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  InternalAsset ict;
  ict.asset_class = AssetClass::kIct;
  ict.name = "core router";
  auto r = svc_->put_assets(editor(), d->survey.id, d->survey.version, {ict});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::int64_t audit_before = audit_count();
  auto s = svc_->submit(editor(), d->survey.id, r->survey.version, "");
  ASSERT_EQ(s.status().code(), Code::kUnprocessable);
  const Status st = s.status();
  for (const char* p : {"/core_functions", "/assets/0/backup_plan", "/assets/0/max_backup_hours",
                        "/assets/0/stops_core_function", "/assets/0/replaceable", "/self_assessment/population/score",
                        "/self_assessment/population/evidence", "/self_assessment/government/score",
                        "/self_assessment/economic/score", "/self_assessment/morale/evidence"})
    EXPECT_TRUE(has_pointer(st, p)) << p << "\n" << st.to_string();
  EXPECT_GE(st.errors().size(), 12u);
  auto after = svc_->get_survey(editor(), d->survey.id);
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->survey.state, SurveyState::kDraft);
  EXPECT_EQ(after->survey.version, r->survey.version);
  EXPECT_EQ(audit_count(), audit_before);
}

TEST_P(SurveyWorkflow, UnknownSupplierFacility_IsRejectedButALoopIsAllowed) {
  SurveyDocument d = filled_survey();
  ExternalResource bad;
  bad.dependency.resource = "electricity";
  bad.dependency.suppliers = {sub_, FacilityId(987654)};
  bad.backup_plan = "none";
  auto r = svc_->put_external_resources(editor(), d.survey.id, d.survey.version, {bad}, {});
  ASSERT_EQ(r.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(has_pointer(r.status(), "/external_resources/0/suppliers/1")) << r.status().to_string();
  // Nothing half-written: the earlier dependency and free-text supplier are still there.
  auto same = svc_->get_survey(editor(), d.survey.id);
  ASSERT_TRUE(same.is_ok());
  EXPECT_EQ(same->external_resources.size(), 1u);
  EXPECT_EQ(same->unmatched_suppliers.size(), 1u);
  EXPECT_EQ(same->survey.version, d.survey.version);

  // SUB-1 depends on PLANT-1 while PLANT-1 depends on SUB-1: a loop, allowed.
  auto sd = svc_->start_survey(editor(), 2026, sub_);
  ASSERT_TRUE(sd.is_ok()) << sd.status().to_string();
  ExternalResource loop;
  loop.dependency.resource = "electricity";
  loop.dependency.suppliers = {plant_};
  loop.backup_plan = "none";
  auto ok = svc_->put_external_resources(editor(), sd->survey.id, sd->survey.version, {loop}, {});
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->external_resources.size(), 1u);
}

TEST_P(SurveyWorkflow, Scope_AnotherProviderSeesNothingAndRolesMayOnlyDoTheirSteps) {
  SurveyDocument d = filled_survey();
  std::int64_t id = d.survey.id;
  EXPECT_EQ(svc_->get_survey(other_editor(), id).status().code(), Code::kNotFound);
  EXPECT_EQ(svc_->submit(other_editor(), id, d.survey.version, "").status().code(), Code::kNotFound);
  EXPECT_EQ(svc_->start_survey(other_editor(), 2026, plant_).status().code(), Code::kNotFound);
  // The authority reads it but may not fill it in; the provider may not accept its own survey.
  EXPECT_TRUE(svc_->get_survey(authority(), id).is_ok());
  EXPECT_EQ(svc_->submit(authority(), id, d.survey.version, "").status().code(), Code::kPermissionDenied);
  auto r = svc_->submit(editor(), id, d.survey.version, "");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(svc_->accept(editor(), id, r->survey.version, "").status().code(), Code::kPermissionDenied);
  r = svc_->accept(authority(), id, r->survey.version, "");
  ASSERT_TRUE(r.is_ok());
  r = svc_->propose(authority(), id, r->survey.version, proposal());
  ASSERT_TRUE(r.is_ok());
  r = svc_->add_review_opinion(authority(), id, r->survey.version, {0, "MOEA", "agree"}, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // Only OHS finalises.
  EXPECT_EQ(svc_->finalise(authority(), id, r->survey.version, 2, "").status().code(), Code::kPermissionDenied);
  // Lists show only what one may read.
  auto board = svc_->grading_board(other_editor(), 2026, {});
  ASSERT_TRUE(board.is_ok()) << board.status().to_string();
  EXPECT_EQ(board->total, 0);
  board = svc_->grading_board(authority(), 2026, {});
  ASSERT_TRUE(board.is_ok());
  EXPECT_EQ(board->total, 1);
}

TEST_P(SurveyWorkflow, ProposalWithoutReasonsOrConsultation_IsUnprocessable) {
  SurveyDocument d = filled_survey();
  auto r = svc_->submit(editor(), d.survey.id, d.survey.version, "");
  ASSERT_TRUE(r.is_ok());
  r = svc_->accept(authority(), d.survey.id, r->survey.version, "");
  ASSERT_TRUE(r.is_ok());
  GradingProposal p;
  p.grade = 4;
  p.rank = 5;
  p.rank_of = 3;
  auto bad = svc_->propose(authority(), d.survey.id, r->survey.version, p);
  ASSERT_EQ(bad.status().code(), Code::kUnprocessable);
  for (const char* ptr : {"/grade", "/reasons", "/rank", "/consultations"})
    EXPECT_TRUE(has_pointer(bad.status(), ptr)) << ptr << "\n" << bad.status().to_string();
}

TEST_P(SurveyWorkflow, FinalGrade_IsVersionedAndThePreviousVersionKept) {
  for (int year : {2026, 2027}) {
    if (year == 2027) {
      ASSERT_TRUE(svc_->create_round(ohs(), SurveyRound{0, 2027, "", "2027-01-01", "2027-12-31"}).is_ok());
    }
    SurveyDocument d;
    if (year == 2026) {
      d = filled_survey();
    } else {
      auto started = svc_->start_survey(editor(), 2027, plant_);
      ASSERT_TRUE(started.is_ok()) << started.status().to_string();
      d = started.value();
      // Carried over from 2026.
      EXPECT_EQ(d.assets.size(), 2u);
      EXPECT_EQ(d.survey.assessment.population.score, 4);
    }
    auto r = svc_->submit(editor(), d.survey.id, d.survey.version, "");
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    r = svc_->accept(authority(), d.survey.id, r->survey.version, "");
    ASSERT_TRUE(r.is_ok());
    r = svc_->propose(authority(), d.survey.id, r->survey.version, proposal(year == 2026 ? 3 : 1));
    ASSERT_TRUE(r.is_ok());
    r = svc_->add_review_opinion(ohs(), d.survey.id, r->survey.version, {0, "NSC", "ok"}, {});
    ASSERT_TRUE(r.is_ok());
    r = svc_->finalise(ohs(), d.survey.id, r->survey.version, std::nullopt, "review " + std::to_string(year));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  }
  auto h = svc_->grade_history(ohs(), plant_);
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].grade_version, 1);
  EXPECT_EQ((*h)[0].grade, 3);
  EXPECT_EQ((*h)[0].year, 2026);
  EXPECT_FALSE((*h)[0].previous_grade);
  EXPECT_EQ((*h)[1].grade_version, 2);
  EXPECT_EQ((*h)[1].grade, 1);
  EXPECT_EQ((*h)[1].previous_grade, 3);
  auto f = session_->get_facility(plant_);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->grade, 1);
}

TEST_P(SurveyWorkflow, ChangesSinceSubmission_ShowWhatTheProviderChanged) {
  SurveyDocument d = filled_survey();
  auto r = svc_->submit(editor(), d.survey.id, d.survey.version, "");
  ASSERT_TRUE(r.is_ok());
  r = svc_->return_survey(authority(), d.survey.id, r->survey.version, "morale is underrated");
  ASSERT_TRUE(r.is_ok());
  SelfAssessment a = r->survey.assessment;
  a.morale.score = 4;
  r = svc_->put_self_assessment(editor(), d.survey.id, r->survey.version, a);
  ASSERT_TRUE(r.is_ok());
  auto diff = svc_->changes_since_submission(authority(), d.survey.id);
  ASSERT_TRUE(diff.is_ok());
  EXPECT_NE(diff->find("/self_assessment/morale/score"), std::string::npos) << *diff;
}

TEST_P(SurveyWorkflow, OverdueAndCompletion_CountFacilitiesWithoutSubmittedSurveys) {
  SurveyDocument d = filled_survey();
  ASSERT_TRUE(svc_->submit(editor(), d.survey.id, d.survey.version, "").is_ok());
  clock_->set(std::chrono::sys_days{std::chrono::January / 5 / 2027} + 0h);
  auto o = svc_->overdue(authority(), 2026, 50, 0);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_TRUE(o->past_deadline);
  EXPECT_EQ(o->facilities.total, 2);  // SUB-1 and FOREIGN-1
  auto c = svc_->completion(ohs(), 2026);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->rows.size(), 1u);
  EXPECT_EQ(c->rows[0].facilities, 3);
  EXPECT_EQ(c->rows[0].by_state["submitted"], 1);
  EXPECT_EQ(c->rows[0].by_state["not_started"], 2);
  EXPECT_EQ(c->authority_codes[0], "MOEA");
}

TEST_P(SurveyWorkflow, DecisionSupport_ShowsTheEngineRankBesideTheProposal) {
  SurveyDocument d = filled_survey();
  auto v = svc_->engine_view(authority(), d.survey.id);
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_GE(v->rank, 1);
  EXPECT_EQ(v->ranked, 3);
  EXPECT_EQ(v->self_score, 4);
  EXPECT_GE(v->engine_score, 1);
  EXPECT_EQ(v->disagrees, std::abs(v->self_score - v->engine_score) >= 2);
}

// Hand-computed on the fixture's network (horizon 168 h): PLANT-1 takes electricity from SUB-1
// with 8 h of backup, nothing else depends on anything. SUB-1's failure downs PLANT-1 (population
// 1000) from hour 8: 1000 × 160 = 160,000 population-hours, 1 facility down — rank 1. PLANT-1
// and FOREIGN-1 reach no one: the engine cannot tell them apart, so both get the last rank (3 of
// 3), engine score 1 — not 2 of 3 for the one whose code happens to sort first.
TEST_P(SurveyWorkflow, DecisionSupport_FacilitiesWithTheSameImpactShareTheLastRankOfTheirTie) {
  SurveyDocument plant = filled_survey();
  auto sub = svc_->start_survey(editor(), 2026, sub_);
  ASSERT_TRUE(sub.is_ok()) << sub.status().to_string();
  auto foreign = svc_->start_survey(ohs(), 2026, foreign_);
  ASSERT_TRUE(foreign.is_ok()) << foreign.status().to_string();

  auto vs = svc_->engine_view(ohs(), sub->survey.id);
  ASSERT_TRUE(vs.is_ok()) << vs.status().to_string();
  EXPECT_EQ(vs->rank, 1);
  EXPECT_EQ(vs->ranked, 3);
  EXPECT_DOUBLE_EQ(vs->population_hours, 1000.0 * (168 - 8));
  EXPECT_EQ(vs->facilities_down, 1);
  EXPECT_EQ(vs->engine_score, 2);  // 1 of 3: in the top half, not the top quarter

  for (std::int64_t id : {plant.survey.id, foreign->survey.id}) {
    auto v = svc_->engine_view(ohs(), id);
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    EXPECT_EQ(v->rank, 3) << id;
    EXPECT_EQ(v->ranked, 3);
    EXPECT_EQ(v->type_rank, v->type_ranked) << id;  // last of its type as well
    EXPECT_EQ(v->population_hours, 0);
    EXPECT_EQ(v->facilities_down, 0);
    EXPECT_EQ(v->engine_score, 1);
  }
  // The missing-facility finder lists only SUB-1 among the ungraded: the others have no impact.
  auto rep = svc_->missing_facilities(ohs(), 2026, 10);
  ASSERT_TRUE(rep.is_ok()) << rep.status().to_string();
  ASSERT_EQ(rep->ranked_ungraded.size(), 1u);
  EXPECT_EQ(rep->ranked_ungraded[0].facility.code, "SUB-1");
  EXPECT_EQ(rep->ranked_ungraded[0].rank, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyWorkflow, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

// The missing-facility finder on the demo network: a supplier named only in free text shows up,
// and so do facilities the engine ranks high that nobody has graded.
class SurveyDemo : public ::testing::TestWithParam<Backend> {};

TEST_P(SurveyDemo, MissingFacilityFinder_OnTheDemoData) {
  fs::path dir = testing::make_temp_dir("cipms-survey-demo");
  auto db = Database::open(GetParam().fresh(dir));
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE((*db)->migrate().is_ok());
  auto clock = std::make_shared<ManualClock>(kT0);
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), clock};
  {
    DemoOptions opt;
    opt.facilities = 400;
    auto counts = NetworkService(ctx).load_demo(opt);
    ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  }
  SurveyService svc(ctx);
  Principal ohs = Principal::system_actor("test");
  ASSERT_TRUE(svc.create_round(ohs, SurveyRound{0, 2026, "", "2026-01-01", "2026-12-31"}).is_ok());
  auto s = ctx.db->session();
  FacilityFilter ff;
  ff.limit = 1;
  auto first = (*s)->list_facilities(ff);
  ASSERT_TRUE(first.is_ok());
  ASSERT_EQ(first->items.size(), 1u);
  FacilityId fid = first->items[0].id;
  auto d = svc.start_survey(ohs, 2026, fid);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  auto r = svc.put_external_resources(ohs, d->survey.id, d->survey.version, d->external_resources,
                                      {{0, "fuel", "無名燃料供應商", "", "", std::nullopt}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto rep = svc.missing_facilities(ohs, 2026, 20);
  ASSERT_TRUE(rep.is_ok()) << rep.status().to_string();
  ASSERT_EQ(rep->unmatched_suppliers.size(), 1u);
  EXPECT_EQ(rep->unmatched_suppliers[0].name, "無名燃料供應商");
  EXPECT_EQ(rep->unmatched_suppliers[0].named_by, std::vector<std::string>{first->items[0].code});
  ASSERT_FALSE(rep->ranked_ungraded.empty());
  EXPECT_LE(rep->ranked_ungraded.size(), 20u);
  for (std::size_t i = 1; i < rep->ranked_ungraded.size(); ++i)
    EXPECT_LE(rep->ranked_ungraded[i - 1].rank, rep->ranked_ungraded[i].rank);
  for (const auto& x : rep->ranked_ungraded) EXPECT_FALSE(x.facility.grade) << x.facility.code;

  s->reset();
  ctx.db.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyDemo, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cipms
