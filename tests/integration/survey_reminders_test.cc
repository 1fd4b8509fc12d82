// Survey deadline reminders and workflow notifications (SurveyService::run_reminders,
// services/notification_service.h; docs/survey.md "Reminders and notifications") on real SQLite
// and PostgreSQL databases with real user accounts and a manual clock.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cipms/services/audit.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/notification_service.h"
#include "cipms/services/survey_service.h"
#include "cipms/storage/security_store.h"
#include "cipms/storage/survey_store.h"
#include "support/backends.h"
#include "support/paths.h"
#include "support/survey_db_fixture.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
using testing::backends;

TimePoint day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / static_cast<int>(m) / static_cast<int>(d)} + 10h;
}
const TimePoint kT0 = day(2026, 11, 25);  // 36 days before the 2026-12-31 deadline

class SurveyReminders : public testing::SurveyDbTest {
 protected:
  SurveyReminders() : SurveyDbTest("cipms-reminders-test", kT0) {}
  void SetUp() override {
    SurveyDbTest::SetUp();
    if (HasFatalFailure()) return;
    OrgId ohs_org = org("OHS", OrgType::kOhs);
    moea_ = org("MOEA", OrgType::kCompetentAuthority, {"electricity"});
    OrgId water = org("WRA", OrgType::kCompetentAuthority, {"water"});
    OrgId tpc = org("TPC", OrgType::kProvider);
    OrgId other = org("OTHER", OrgType::kProvider);
    plant_ = facility("PLANT-1", tpc);
    sub_ = facility("SUB-1", tpc);
    foreign_ = facility("FOREIGN-1", other);
    editor_ = user("editor", Role::kProviderEditor, tpc);
    viewer_ = user("viewer", Role::kProviderViewer, tpc);
    other_editor_ = user("stranger", Role::kProviderEditor, other);
    officer_ = user("officer", Role::kAuthorityOfficer, moea_);
    water_officer_ = user("water", Role::kAuthorityOfficer, water);
    ohs_ = user("ohs", Role::kOhsOfficer, ohs_org);
    auto round = svc_->create_round(as(ohs_), SurveyRound{0, 2026, "", "2026-01-01", "2026-12-31"});
    ASSERT_TRUE(round.is_ok()) << round.status().to_string();
  }
  std::int64_t sweep(TimePoint t) {
    clock_->set(t);
    auto n = svc_->run_reminders(t);
    EXPECT_TRUE(n.is_ok()) << n.status().to_string();
    return n.is_ok() ? *n : -1;
  }
  std::vector<Notification> inbox(UserId u) {
    auto p = notification_store::list(*session_, u, false, 1000, 0);
    EXPECT_TRUE(p.is_ok());
    return p.is_ok() ? p->items : std::vector<Notification>{};
  }
  std::int64_t count(UserId u, const std::string& kind) {
    std::int64_t n = 0;
    for (const auto& x : inbox(u)) n += x.kind == kind;
    return n;
  }
  // Puts PLANT-1's survey into `state` directly (the workflow itself is tested elsewhere).
  Survey survey_in(FacilityId f, SurveyState state) {
    auto d = svc_->start_survey(as(editor_), 2026, f);
    EXPECT_TRUE(d.is_ok()) << d.status().to_string();
    Survey sv = d->survey;
    sv.state = state;
    if (state == SurveyState::kUnderReview) sv.proposal = GradingProposal{2, "reasons", 1, 3, {}, "officer", "2026-11-25"};
    auto w = survey_store::update_survey(*session_, sv, sv.version, kT0);
    EXPECT_TRUE(w.is_ok()) << w.status().to_string();
    return *w;
  }

  FacilityId plant_, sub_, foreign_;
  UserId editor_, viewer_, other_editor_, officer_, water_officer_, ohs_;
};

TEST(ReminderSchedule, DueStepIsTheLatestReachedAndOverdueIsWeeklyForTwelveWeeks) {
  SurveyRound r{0, 2026, "", "2026-01-01", "2026-12-31"};
  EXPECT_FALSE(due_reminder(r, day(2025, 12, 1)));     // not open yet
  EXPECT_FALSE(due_reminder(r, day(2026, 11, 30)));    // 31 days left
  EXPECT_EQ(due_reminder(r, day(2026, 12, 1))->key(), "before-30");
  EXPECT_EQ(due_reminder(r, day(2026, 12, 10))->key(), "before-30");  // 21 days left
  EXPECT_EQ(due_reminder(r, day(2026, 12, 17))->key(), "before-14");
  EXPECT_EQ(due_reminder(r, day(2026, 12, 17))->days, 14);
  EXPECT_EQ(due_reminder(r, day(2026, 12, 30))->key(), "before-1");
  EXPECT_EQ(due_reminder(r, day(2027, 1, 1))->key(), "overdue-0");
  EXPECT_EQ(due_reminder(r, day(2027, 1, 7))->key(), "overdue-0");
  EXPECT_EQ(due_reminder(r, day(2027, 1, 8))->key(), "overdue-1");
  EXPECT_EQ(due_reminder(r, day(2027, 1, 8))->days, 8);
  EXPECT_FALSE(due_reminder(r, day(2027, 3, 26)));  // 85 days past: after the 12th week
}

TEST(ReminderSchedule, DaysAreOneTo365UniqueAndAtMostTen) {
  std::vector<FieldError> errs;
  validate_reminder_days({30, 0, 400, 30}, "/reminder_days", errs);
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].pointer, "/reminder_days/1");
  EXPECT_EQ(errs[1].pointer, "/reminder_days/2");
  EXPECT_EQ(errs[2].pointer, "/reminder_days/3");
  EXPECT_EQ(errs[0].code, "survey.reminder_day_invalid");
  EXPECT_EQ(errs[1].code, "survey.reminder_day_invalid");
  EXPECT_EQ(errs[2].code, "survey.reminder_day_duplicate");
  errs.clear();
  validate_reminder_days({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "/reminder_days", errs);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].pointer, "/reminder_days");
  EXPECT_EQ(errs[0].code, "survey.reminders_too_many");
  errs.clear();
  validate_reminder_days({}, "/reminder_days", errs);
  EXPECT_TRUE(errs.empty());
}

TEST_P(SurveyReminders, NoReminderBeforeTheFirstStep) {
  EXPECT_EQ(sweep(kT0), 0);
  EXPECT_EQ(sweep(day(2026, 11, 30)), 0);
  EXPECT_TRUE(inbox(editor_).empty());
}

TEST_P(SurveyReminders, ExactlyOneReminderAtEachStepEvenWhenTheSweepRunsTwice) {
  EXPECT_EQ(sweep(day(2026, 12, 1)), 3);  // editor: PLANT-1, SUB-1; stranger: FOREIGN-1
  EXPECT_EQ(sweep(day(2026, 12, 1)), 0);
  EXPECT_EQ(sweep(day(2026, 12, 10)), 0);  // still the 30-day step
  EXPECT_EQ(sweep(day(2026, 12, 17)), 3);
  EXPECT_EQ(sweep(day(2026, 12, 17) + 5h), 0);
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 4u);
  EXPECT_EQ(mine[0].kind, "survey.deadline");
  auto params = nlohmann::json::parse(mine[0].params);
  EXPECT_EQ(params["days"], 14);
  EXPECT_EQ(params["deadline"], "2026-12-31");
  EXPECT_EQ(params["year"], 2026);
  EXPECT_TRUE(params["facility_code"] == "PLANT-1" || params["facility_code"] == "SUB-1");
  EXPECT_FALSE(mine[0].read_at);
  EXPECT_EQ(mine[0].year, 2026);
}

TEST_P(SurveyReminders, TwoSweepsAtOnceStoreEachReminderOnce) {
  std::int64_t a = 0, b = 0;
  auto run = [&](std::int64_t* out) {
    auto r = SurveyService(ctx_).run_reminders(day(2026, 12, 1));
    *out = r.is_ok() ? *r : -100;
  };
  std::thread t1(run, &a), t2(run, &b);
  t1.join();
  t2.join();
  EXPECT_EQ(a + b, 3);
  EXPECT_EQ(inbox(editor_).size(), 2u);
}

TEST_P(SurveyReminders, NoReminderOnceSubmitted_ReturnedOnesAreRemindedAgain) {
  Survey plant = survey_in(plant_, SurveyState::kSubmitted);
  survey_in(sub_, SurveyState::kReturned);
  EXPECT_EQ(sweep(day(2026, 12, 1)), 2);  // SUB-1 (returned) and FOREIGN-1
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].facility_id, sub_.value);
  EXPECT_TRUE(mine[0].survey_id.has_value());  // a started survey is linked
  EXPECT_EQ(inbox(other_editor_).size(), 1u);
  EXPECT_FALSE(inbox(other_editor_)[0].survey_id.has_value());  // not started: no survey yet
  EXPECT_NE(plant.id, 0);
}

TEST_P(SurveyReminders, OverdueGoesAlsoToAuthorityOfficersInScopeOnlyAndIsAuditedOnce) {
  EXPECT_EQ(sweep(day(2027, 1, 1)), 6);  // editor 2, stranger 1, officer 3; water officer none
  EXPECT_EQ(count(editor_, "survey.overdue"), 2);
  EXPECT_EQ(count(officer_, "survey.overdue"), 3);
  EXPECT_TRUE(inbox(water_officer_).empty());
  EXPECT_TRUE(inbox(ohs_).empty());
  EXPECT_EQ(sweep(day(2027, 1, 5)), 0);
  EXPECT_EQ(sweep(day(2027, 1, 8)), 6);  // the weekly one
  AuditFilter f;
  f.action = "survey.reminders";
  auto log = audit_search(ctx_, f);
  ASSERT_TRUE(log.is_ok());
  ASSERT_EQ(log->total, 2);
  EXPECT_EQ(log->items[0].detail, "6 reminders (overdue-1)");
  EXPECT_EQ(log->items[0].target_id, "2026");
}

TEST_P(SurveyReminders, ViewersAndOtherProvidersEditorsGetNoneOfAFacility) {
  EXPECT_EQ(sweep(day(2026, 12, 1)), 3);
  EXPECT_TRUE(inbox(viewer_).empty());
  auto theirs = inbox(other_editor_);
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].facility_id, foreign_.value);
}

TEST_P(SurveyReminders, ARoundsOwnScheduleIsUsedAndValidated) {
  auto bad = svc_->create_round(as(ohs_), SurveyRound{0, 2027, "", "2027-01-01", "2027-12-31", 0, {}, {}, {0, 7, 7}});
  ASSERT_EQ(bad.status().code(), Code::kUnprocessable);
  ASSERT_EQ(bad.status().errors().size(), 2u);
  EXPECT_EQ(bad.status().errors()[0].pointer, "/reminder_days/0");
  EXPECT_EQ(bad.status().errors()[1].pointer, "/reminder_days/2");
  auto cur = svc_->get_round(as(ohs_), 2026);
  ASSERT_TRUE(cur.is_ok());
  EXPECT_EQ(cur->reminder_days, (std::vector<int>{30, 14, 7, 1}));
  SurveyRound r = *cur;
  r.reminder_days = {3};
  auto upd = svc_->update_round(as(ohs_), r, cur->version);
  ASSERT_TRUE(upd.is_ok()) << upd.status().to_string();
  EXPECT_EQ(svc_->get_round(as(ohs_), 2026)->reminder_days, (std::vector<int>{3}));
  EXPECT_EQ(sweep(day(2026, 12, 27)), 0);
  EXPECT_EQ(sweep(day(2026, 12, 28)), 3);
}

TEST_P(SurveyReminders, ReturnAcceptAndFinaliseNotifyTheRightPeople) {
  Survey sv = survey_in(plant_, SurveyState::kSubmitted);
  auto r = svc_->return_survey(as(officer_), sv.id, sv.version, "請補充備援計畫");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].kind, "survey.returned");
  EXPECT_EQ(mine[0].survey_id, sv.id);
  EXPECT_EQ(nlohmann::json::parse(mine[0].params)["comment"], "請補充備援計畫");
  EXPECT_TRUE(inbox(viewer_).empty());
  EXPECT_TRUE(inbox(other_editor_).empty());
  EXPECT_TRUE(inbox(officer_).empty());

  sv = survey_store::get_survey(*session_, sv.id).value();
  sv.state = SurveyState::kSubmitted;
  sv = survey_store::update_survey(*session_, sv, sv.version, kT0).value();
  r = svc_->accept(as(officer_), sv.id, sv.version, "");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(count(editor_, "survey.accepted"), 1);

  sv = survey_store::get_survey(*session_, sv.id).value();
  sv.state = SurveyState::kUnderReview;
  sv.proposal = GradingProposal{2, "reasons", 1, 3, {}, "officer", "2026-11-25"};
  sv = survey_store::update_survey(*session_, sv, sv.version, kT0).value();
  r = svc_->finalise(as(ohs_), sv.id, sv.version, std::nullopt, "");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(count(editor_, "survey.finalised"), 1);
  EXPECT_EQ(count(officer_, "survey.finalised"), 1);
  EXPECT_TRUE(inbox(water_officer_).empty());
  EXPECT_TRUE(inbox(viewer_).empty());
  EXPECT_EQ(nlohmann::json::parse(inbox(officer_)[0].params)["grade"], 2);
}

TEST_P(SurveyReminders, AFailedTransitionNotifiesNobody) {
  Survey sv = survey_in(plant_, SurveyState::kSubmitted);
  auto r = svc_->return_survey(as(officer_), sv.id, sv.version, "   ");  // comment required
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  r = svc_->return_survey(as(officer_), sv.id, sv.version + 1, "stale");
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed);
  EXPECT_TRUE(inbox(editor_).empty());
}

TEST_P(SurveyReminders, OwnNotificationsOnly_MarkReadAndReadAll) {
  ASSERT_EQ(sweep(day(2026, 12, 1)), 3);
  NotificationService ns(ctx_);
  auto mine = ns.list(as(editor_), false, 10, 0);
  ASSERT_TRUE(mine.is_ok());
  ASSERT_EQ(mine->total, 2);
  std::int64_t theirs = inbox(other_editor_).at(0).id;
  EXPECT_EQ(ns.mark_read(as(editor_), theirs).status().code(), Code::kNotFound);
  EXPECT_FALSE(inbox(other_editor_).at(0).read_at);
  auto read = ns.mark_read(as(editor_), mine->items[0].id);
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(read->read_at, format_utc(day(2026, 12, 1)));
  EXPECT_EQ(*ns.unread_count(as(editor_)), 1);
  EXPECT_EQ(ns.list(as(editor_), true, 10, 0)->total, 1);
  EXPECT_EQ(*ns.mark_all_read(as(editor_)), 1);
  EXPECT_EQ(*ns.unread_count(as(editor_)), 0);
  EXPECT_EQ(*ns.unread_count(as(other_editor_)), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyReminders, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cipms
