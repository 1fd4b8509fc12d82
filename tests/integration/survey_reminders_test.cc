// Survey deadline reminders and workflow notifications (SurveyService::run_reminders,
// services/notification_service.h; docs/survey.md "Reminders and notifications") on real SQLite
// and PostgreSQL databases with real user accounts and a manual clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
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
constexpr std::size_t kListed = 5;        // how many facilities a reminder about several names

// States in which a survey counts as submitted (no more reminders).
bool submitted(SurveyState s) { return s != SurveyState::kDraft && s != SurveyState::kReturned; }

class SurveyReminders : public testing::SurveyDbTest {
 protected:
  SurveyReminders() : SurveyDbTest("cipms-reminders-test", kT0) {}
  void SetUp() override {
    SurveyDbTest::SetUp();
    if (HasFatalFailure()) return;
    OrgId ohs_org = org("OHS", OrgType::kOhs);
    moea_ = org("MOEA", OrgType::kCompetentAuthority, {"electricity"});
    water_ = org("WRA", OrgType::kCompetentAuthority, {"water"});
    tpc_ = org("TPC", OrgType::kProvider);
    other_ = org("OTHER", OrgType::kProvider);
    OrgId city = org("CITYWATER", OrgType::kProvider);  // a provider without accounts
    // TPC: seven electricity facilities its editor may read (more than a reminder lists) and one
    // classified 機密 that an official-clearance account may not.
    plant_ = make("PLANT-1", tpc_);
    for (int i = 1; i <= 6; ++i) subs_.push_back(make("SUB-" + std::to_string(i), tpc_));
    vault_ = make("VAULT-1", tpc_, ClassLevel::kConfidential);
    foreign_ = make("FOREIGN-1", other_);
    water_plant_ = make("WATER-1", city, ClassLevel::kGeneral, water_);
    editor_ = user("editor", Role::kProviderEditor, tpc_);
    viewer_ = user("viewer", Role::kProviderViewer, tpc_);
    other_editor_ = user("stranger", Role::kProviderEditor, other_);
    officer_ = user("officer", Role::kAuthorityOfficer, moea_);
    water_officer_ = user("water", Role::kAuthorityOfficer, water_);
    ohs_ = user("ohs", Role::kOhsOfficer, ohs_org);
    auto round = svc_->create_round(as(ohs_), SurveyRound{0, 2026, "", "2026-01-01", "2026-12-31"});
    ASSERT_TRUE(round.is_ok()) << round.status().to_string();
    round_id_ = round->id;
  }

  // A facility the test keeps track of: electricity under MOEA unless `authority` is WRA (then
  // water supply).
  struct Fac {
    FacilityId id;
    std::string code, name, name_en;
    OrgId provider, authority;
    ClassLevel level;
  };
  FacilityId make(const std::string& code, OrgId provider, ClassLevel level = ClassLevel::kGeneral,
                  std::optional<OrgId> authority = std::nullopt) {
    Facility f;
    f.code = code;
    f.name = "設施 " + code;
    f.name_en = "Facility " + code;
    bool water = authority.has_value();
    f.sector = water ? "water" : "energy";
    f.subsector = water ? "water_supply" : "electricity";
    f.type = water ? "water_treatment_plant" : "substation";
    f.county_code = "63000";
    f.provider = provider;
    f.authority = authority.value_or(moea_);
    f.classification.level = level;
    if (level != ClassLevel::kGeneral) f.classification.reason = "test";
    auto r = session_->create_facility(f, t0_);
    EXPECT_TRUE(r.is_ok()) << code << ": " << r.status().to_string();
    FacilityId id = r.is_ok() ? r->id : FacilityId();
    facs_.push_back({id, code, f.name, f.name_en, provider, *f.authority, level});
    return id;
  }

  // The facilities whose survey a person should be reminded of, sorted by code, from what this
  // test created: editors — their provider's; authority officers — their authority's; only up
  // to their clearance (national secrets would also need a grant; none here); not submitted.
  std::vector<const Fac*> expected_open(UserId u) {
    auto who = security_store::get_user(*session_, u);
    EXPECT_TRUE(who.is_ok());
    std::vector<const Fac*> out;
    for (const Fac& f : facs_) {
      bool mine = (who->role == Role::kProviderEditor && f.provider == who->org) ||
                  (who->role == Role::kAuthorityOfficer && f.authority == who->org);
      if (!mine || f.level > who->clearance || is_national_secret(f.level)) continue;
      auto st = states_.find(f.id.value);
      if (st != states_.end() && submitted(st->second)) continue;
      out.push_back(&f);
    }
    std::sort(out.begin(), out.end(), [](const Fac* a, const Fac* b) { return a->code < b->code; });
    return out;
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
  std::string key(const std::string& step) const { return "round:" + std::to_string(round_id_) + ":" + step; }

  // A reminder about several facilities: kind, step, no survey or facility, `count` and the first
  // few facilities as expected_open(u) has them.
  void expect_summary(const Notification& n, UserId u, const char* kind, const std::string& step, int days) {
    SCOPED_TRACE(n.params);
    auto want = expected_open(u);
    ASSERT_GT(want.size(), 1u);
    EXPECT_EQ(n.kind, kind);
    EXPECT_EQ(n.dedupe_key, key(step));
    EXPECT_FALSE(n.survey_id.has_value());
    EXPECT_FALSE(n.facility_id.has_value());
    EXPECT_EQ(n.year, 2026);
    auto p = nlohmann::json::parse(n.params);
    EXPECT_EQ(p["count"], want.size());
    EXPECT_EQ(p["year"], 2026);
    EXPECT_EQ(p["deadline"], "2026-12-31");
    EXPECT_EQ(p["days"], days);
    EXPECT_FALSE(p.contains("facility_code"));
    ASSERT_TRUE(p["facilities"].is_array());
    ASSERT_EQ(p["facilities"].size(), std::min(want.size(), kListed));
    for (std::size_t i = 0; i < p["facilities"].size(); ++i) {
      EXPECT_EQ(p["facilities"][i]["code"], want[i]->code);
      EXPECT_EQ(p["facilities"][i]["name"], want[i]->name);
      EXPECT_EQ(p["facilities"][i]["name_en"], want[i]->name_en);
    }
  }
  // A reminder about one facility: its code and names, the facility and (once started) survey.
  void expect_single(const Notification& n, UserId u, const char* kind, const std::string& step,
                     std::optional<std::int64_t> survey) {
    SCOPED_TRACE(n.params);
    auto want = expected_open(u);
    ASSERT_EQ(want.size(), 1u);
    EXPECT_EQ(n.kind, kind);
    EXPECT_EQ(n.dedupe_key, key(step));
    EXPECT_EQ(n.facility_id, want[0]->id.value);
    EXPECT_EQ(n.survey_id, survey);
    auto p = nlohmann::json::parse(n.params);
    EXPECT_EQ(p["facility_code"], want[0]->code);
    EXPECT_EQ(p["facility_name"], want[0]->name);
    EXPECT_EQ(p["facility_name_en"], want[0]->name_en);
    EXPECT_EQ(p["deadline"], "2026-12-31");
    EXPECT_EQ(p["year"], 2026);
    EXPECT_FALSE(p.contains("count"));
    EXPECT_FALSE(p.contains("facilities"));
  }

  // Puts a facility's survey into `state` directly (the workflow itself is tested elsewhere),
  // started by `who` (an editor of its provider; TPC's by default).
  Survey survey_in(FacilityId f, SurveyState state, std::optional<UserId> who = std::nullopt) {
    auto d = svc_->start_survey(as(who.value_or(editor_)), 2026, f);
    EXPECT_TRUE(d.is_ok()) << d.status().to_string();
    if (!d.is_ok()) return Survey{};
    Survey sv = d->survey;
    sv.state = state;
    if (state == SurveyState::kUnderReview) sv.proposal = GradingProposal{2, "reasons", 1, 3, {}, "officer", "2026-11-25"};
    auto w = survey_store::update_survey(*session_, sv, sv.version, kT0);
    EXPECT_TRUE(w.is_ok()) << w.status().to_string();
    states_[f.value] = state;
    return w.is_ok() ? *w : sv;
  }

  OrgId water_, tpc_, other_;
  FacilityId plant_, vault_, foreign_, water_plant_;
  std::vector<FacilityId> subs_;  // SUB-1 … SUB-6
  std::vector<Fac> facs_;
  std::map<std::int64_t, SurveyState> states_;  // facility → its survey's state (none: not started)
  std::int64_t round_id_ = 0;
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

TEST_P(SurveyReminders, OneSummaryPerPersonAndStepEvenWhenTheSweepRunsTwice) {
  ASSERT_EQ(expected_open(editor_).size(), 7u);  // not VAULT-1 (機密)
  EXPECT_EQ(sweep(day(2026, 12, 1)), 2);         // editor: a summary; stranger: FOREIGN-1
  EXPECT_EQ(sweep(day(2026, 12, 1) + 1h), 0);    // the next hourly sweep
  EXPECT_EQ(sweep(day(2026, 12, 10)), 0);        // still the 30-day step
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 1u);
  expect_summary(mine[0], editor_, "survey.deadline", "before-30", 30);
  EXPECT_FALSE(mine[0].read_at);

  EXPECT_EQ(sweep(day(2026, 12, 17)), 2);
  EXPECT_EQ(sweep(day(2026, 12, 17) + 5h), 0);
  mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 2u);  // one per step
  expect_summary(mine[0], editor_, "survey.deadline", "before-14", 14);
  auto theirs = inbox(other_editor_);
  ASSERT_EQ(theirs.size(), 2u);
  expect_single(theirs[0], other_editor_, "survey.deadline", "before-14", std::nullopt);  // not started: no survey
  EXPECT_EQ(nlohmann::json::parse(theirs[0].params)["days"], 14);
  expect_single(theirs[1], other_editor_, "survey.deadline", "before-30", std::nullopt);
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
  EXPECT_EQ(a + b, 2);
  EXPECT_EQ(inbox(editor_).size(), 1u);
  EXPECT_EQ(inbox(other_editor_).size(), 1u);
}

TEST_P(SurveyReminders, ASubmittedFacilityDropsOutOfTheNextStepsCount) {
  EXPECT_EQ(sweep(day(2026, 12, 1)), 2);
  expect_summary(inbox(editor_).at(0), editor_, "survey.deadline", "before-30", 30);
  EXPECT_EQ(nlohmann::json::parse(inbox(editor_)[0].params)["count"], 7);
  survey_in(plant_, SurveyState::kSubmitted);
  survey_in(subs_[1], SurveyState::kAccepted);
  survey_in(subs_[0], SurveyState::kReturned);  // returned: reminded again
  survey_in(subs_[4], SurveyState::kDraft);     // started, still open
  ASSERT_EQ(expected_open(editor_).size(), 5u);
  EXPECT_EQ(sweep(day(2026, 12, 17)), 2);
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 2u);
  expect_summary(mine[0], editor_, "survey.deadline", "before-14", 14);
  auto listed = nlohmann::json::parse(mine[0].params)["facilities"];
  std::vector<std::string> codes;
  for (const auto& f : listed) codes.push_back(f["code"].get<std::string>());
  EXPECT_EQ(codes, (std::vector<std::string>{"SUB-1", "SUB-3", "SUB-4", "SUB-5", "SUB-6"}));
  // The earlier step's summary is kept as it was.
  EXPECT_EQ(nlohmann::json::parse(mine[1].params)["count"], 7);
}

TEST_P(SurveyReminders, OneOpenFacilityIsNamedAndItsSurveyLinked) {
  survey_in(plant_, SurveyState::kSubmitted);
  std::map<std::size_t, Survey> done;
  for (std::size_t i = 0; i < subs_.size(); ++i)
    if (i != 2) done[i] = survey_in(subs_[i], i % 2 ? SurveyState::kSubmitted : SurveyState::kAccepted);
  Survey open = survey_in(subs_[2], SurveyState::kReturned);
  Survey foreign = survey_in(foreign_, SurveyState::kSubmitted, other_editor_);
  EXPECT_EQ(sweep(day(2026, 12, 1)), 1);  // the stranger's only facility is submitted
  auto mine = inbox(editor_);
  ASSERT_EQ(mine.size(), 1u);
  expect_single(mine[0], editor_, "survey.deadline", "before-30", open.id);
  EXPECT_EQ(mine[0].facility_id, subs_[2].value);
  EXPECT_EQ(nlohmann::json::parse(mine[0].params)["days"], 30);
  EXPECT_TRUE(inbox(other_editor_).empty());
  EXPECT_NE(foreign.id, 0);
  // The same person and step with more open facilities later: still one reminder (the key is
  // per person and step, not per facility).
  Survey back = done[3];
  back.state = SurveyState::kReturned;
  ASSERT_TRUE(survey_store::update_survey(*session_, back, back.version, kT0).is_ok());
  states_[subs_[3].value] = SurveyState::kReturned;
  ASSERT_EQ(expected_open(editor_).size(), 2u);
  EXPECT_EQ(sweep(day(2026, 12, 2)), 0);
  EXPECT_EQ(inbox(editor_).size(), 1u);
}

TEST_P(SurveyReminders, NoReminderOnceEverythingIsSubmitted) {
  survey_in(plant_, SurveyState::kSubmitted);
  for (FacilityId f : subs_) survey_in(f, SurveyState::kUnderReview);
  ASSERT_TRUE(expected_open(editor_).empty());
  EXPECT_EQ(sweep(day(2026, 12, 1)), 1);  // the stranger's FOREIGN-1 only
  EXPECT_TRUE(inbox(editor_).empty());
}

TEST_P(SurveyReminders, OverdueGoesAlsoToAuthorityOfficersInScopeOnlyAndIsAuditedOnce) {
  survey_in(subs_[5], SurveyState::kSubmitted);
  ASSERT_EQ(expected_open(officer_).size(), 7u);  // TPC's six open ones and FOREIGN-1
  EXPECT_EQ(sweep(day(2027, 1, 1)), 4);  // editor, stranger, officer, water officer: one each
  ASSERT_EQ(count(editor_, "survey.overdue"), 1);
  expect_summary(inbox(editor_)[0], editor_, "survey.overdue", "overdue-0", 1);
  auto theirs = inbox(officer_);
  ASSERT_EQ(theirs.size(), 1u);
  expect_summary(theirs[0], officer_, "survey.overdue", "overdue-0", 1);
  auto water = inbox(water_officer_);  // WATER-1 only: a provider without accounts, WRA's scope
  ASSERT_EQ(water.size(), 1u);
  expect_single(water[0], water_officer_, "survey.overdue", "overdue-0", std::nullopt);
  EXPECT_EQ(water[0].facility_id, water_plant_.value);
  expect_single(inbox(other_editor_).at(0), other_editor_, "survey.overdue", "overdue-0", std::nullopt);
  EXPECT_TRUE(inbox(ohs_).empty());
  EXPECT_TRUE(inbox(viewer_).empty());
  EXPECT_EQ(sweep(day(2027, 1, 5)), 0);
  EXPECT_EQ(sweep(day(2027, 1, 8)), 4);  // the weekly one
  EXPECT_EQ(sweep(day(2027, 1, 8) + 3h), 0);
  ASSERT_EQ(inbox(officer_).size(), 2u);
  expect_summary(inbox(officer_)[0], officer_, "survey.overdue", "overdue-1", 8);
  AuditFilter f;
  f.action = "survey.reminders";
  auto log = audit_search(ctx_, f);
  ASSERT_TRUE(log.is_ok());
  ASSERT_EQ(log->total, 2);
  EXPECT_EQ(log->items[0].detail, "4 reminders (overdue-1)");
  EXPECT_EQ(log->items[0].target_id, "2026");
  EXPECT_EQ(log->items[1].detail, "4 reminders (overdue-0)");
}

TEST_P(SurveyReminders, ViewersAndOtherProvidersEditorsGetNoneOfAFacility) {
  EXPECT_EQ(sweep(day(2026, 12, 1)), 2);
  EXPECT_EQ(sweep(day(2027, 1, 1)), 4);
  EXPECT_TRUE(inbox(viewer_).empty());
  EXPECT_TRUE(inbox(ohs_).empty());
  // The stranger hears of FOREIGN-1 only; TPC's editor never of FOREIGN-1, WATER-1 or VAULT-1.
  for (const auto& n : inbox(other_editor_)) EXPECT_EQ(n.facility_id, foreign_.value);
  for (const auto& n : inbox(editor_)) {
    std::string text = n.params;
    for (const char* code : {"FOREIGN-1", "WATER-1", "VAULT-1"}) EXPECT_EQ(text.find(code), std::string::npos) << text;
  }
  for (const auto& n : inbox(officer_)) EXPECT_EQ(n.params.find("WATER-1"), std::string::npos) << n.params;
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
  EXPECT_EQ(sweep(day(2026, 12, 28)), 2);
  expect_summary(inbox(editor_).at(0), editor_, "survey.deadline", "before-3", 3);
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
  ASSERT_EQ(sweep(day(2026, 12, 1)), 2);
  ASSERT_EQ(sweep(day(2026, 12, 17)), 2);
  NotificationService ns(ctx_);
  auto mine = ns.list(as(editor_), false, 10, 0);
  ASSERT_TRUE(mine.is_ok());
  ASSERT_EQ(mine->total, 2);
  std::int64_t theirs = inbox(other_editor_).at(0).id;
  EXPECT_EQ(ns.mark_read(as(editor_), theirs).status().code(), Code::kNotFound);
  EXPECT_FALSE(inbox(other_editor_).at(0).read_at);
  auto read = ns.mark_read(as(editor_), mine->items[0].id);
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(read->read_at, format_utc(day(2026, 12, 17)));
  EXPECT_EQ(*ns.unread_count(as(editor_)), 1);
  EXPECT_EQ(ns.list(as(editor_), true, 10, 0)->total, 1);
  EXPECT_EQ(*ns.mark_all_read(as(editor_)), 1);
  EXPECT_EQ(*ns.unread_count(as(editor_)), 0);
  EXPECT_EQ(*ns.unread_count(as(other_editor_)), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyReminders, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cipms
