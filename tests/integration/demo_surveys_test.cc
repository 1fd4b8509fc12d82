// The demo round of `cipms serve --demo-round` (services/demo_surveys.h) on the demo network,
// on real SQLite and PostgreSQL: surveys in every workflow state, made through the survey
// service (validated, versioned, audited), checked here through other routes — the completion
// dashboard, the not-submitted list, the audit log, the registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cipms/services/audit.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/demo.h"
#include "cipms/services/demo_surveys.h"
#include "cipms/services/network_service.h"
#include "cipms/services/notification_service.h"
#include "cipms/services/survey_service.h"
#include "cipms/storage/security_store.h"
#include "support/survey_db_fixture.h"

namespace cipms {
namespace {

using testing::backends;

const char* const kStates[] = {"draft", "submitted", "returned", "accepted", "proposed", "under_review", "finalised"};

class DemoSurveys : public testing::SurveyDbTest {
 protected:
  DemoSurveys() : SurveyDbTest("cipms-demo-surveys") {}
  void SetUp() override {
    SurveyDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto counts = NetworkService(ctx_).load_demo(DemoOptions{});
    ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
    year_ = std::stoi(format_utc_date(clock_->now()).substr(0, 4));
  }

  // A principal of a demo organisation, built as the survey service tests build theirs.
  Principal officer(const std::string& org_code, Role role) {
    auto o = session_->find_organisation_by_code(org_code);
    EXPECT_TRUE(o.is_ok()) << org_code;
    Principal p;
    p.user = UserId(900);
    p.username = "test-" + org_code;
    p.role = role;
    if (!o.is_ok()) return p;
    p.org = o->id;
    p.org_code = o->code;
    p.org_type = o->type;
    p.sectors = o->sectors;
    p.subsectors = o->subsectors;
    p.clearance = ClassLevel::kOfficial;
    return p;
  }

  std::int64_t audit_total() {
    AuditFilter f;
    f.limit = 1;
    auto page = audit_search(ctx_, f);
    EXPECT_TRUE(page.is_ok());
    return page.is_ok() ? page->total : -1;
  }

  // Every dependency of the registry as (consumer, resource, suppliers, k, backup hours).
  std::vector<std::tuple<std::string, std::string, std::vector<std::string>, int, double>> dependencies() {
    auto net = session_->load_network();
    EXPECT_TRUE(net.is_ok());
    std::vector<std::tuple<std::string, std::string, std::vector<std::string>, int, double>> out;
    if (!net.is_ok()) return out;
    for (const auto& d : net->dependencies) {
      auto sup = d.suppliers;
      std::sort(sup.begin(), sup.end());
      out.emplace_back(d.consumer, d.resource, sup, d.min_up, d.backup_hours);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  int year_ = 0;
};

TEST_P(DemoSurveys, OpeningTheRound_SeedsSurveysInEveryStateAsTheDashboardCountsThem) {
  auto before = dependencies();
  auto r = open_demo_round(ctx_, Principal::system_actor("test"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(r->opened.has_value());
  EXPECT_EQ(r->opened->year, year_);
  EXPECT_GE(r->seeded.surveys, 30);
  EXPECT_LE(r->seeded.surveys, 60);

  // The completion dashboard (one SQL count over the surveys) agrees with what was seeded.
  auto c = svc_->completion(officer("OHS", Role::kOhsOfficer), year_);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  std::map<std::string, std::int64_t> by_state;
  std::set<std::string> sectors;
  std::int64_t facilities = 0;
  for (const auto& row : c->rows) {
    facilities += row.facilities;
    for (const auto& [state, n] : row.by_state) by_state[state] += n;
    std::int64_t surveyed = 0;
    for (const char* s : kStates) surveyed += row.by_state.count(s) ? row.by_state.at(s) : 0;
    if (surveyed > 0) sectors.insert(row.sector);
  }
  std::int64_t surveyed = 0;
  for (const char* s : kStates) {
    EXPECT_GT(by_state[s], 0) << s;
    EXPECT_EQ(by_state[s], r->seeded.by_state[s]) << s;
    surveyed += by_state[s];
  }
  EXPECT_EQ(surveyed, r->seeded.surveys);
  EXPECT_GE(sectors.size(), 5u);  // spread over the sectors
  EXPECT_EQ(by_state["not_started"], facilities - surveyed);
  EXPECT_GT(by_state["not_started"], facilities / 2);

  // Not submitted: every facility without a survey, plus drafts and returned surveys.
  auto o = svc_->overdue(officer("OHS", Role::kOhsOfficer), year_, 10, 0);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_FALSE(o->facilities.items.empty());
  EXPECT_EQ(o->facilities.total, by_state["not_started"] + by_state["draft"] + by_state["returned"]);

  // The engine's network is unchanged: the external resources are the registry's dependencies.
  EXPECT_EQ(dependencies(), before);

  auto docs = svc_->export_round(Principal::system_actor("test"), year_);
  ASSERT_TRUE(docs.is_ok()) << docs.status().to_string();
  ASSERT_EQ(static_cast<std::int64_t>(docs->size()), r->seeded.surveys);
  std::int64_t finalised = 0, unmatched = 0, cii = 0;
  for (const SurveyDocument& d : *docs) {
    SCOPED_TRACE(d.facility.code);
    const std::string state = survey_state_code(d.survey.state);
    auto f = session_->get_facility(d.survey.facility);
    ASSERT_TRUE(f.is_ok()) << f.status().to_string();
    EXPECT_EQ(f->code, d.facility.code);
    EXPECT_TRUE(f->provider.has_value());
    // The transitions chain from draft to the survey's state.
    std::string at = "draft";
    for (const auto& t : d.history) {
      EXPECT_EQ(t.from_state, at);
      at = t.to_state;
    }
    EXPECT_EQ(at, state);
    // One audit entry per version, one per transition among them, the newest naming the state.
    AuditFilter af;
    af.target_kind = "survey";
    af.target_id = std::to_string(d.survey.id);
    af.limit = 1000;
    auto entries = audit_search(ctx_, af);
    ASSERT_TRUE(entries.is_ok()) << entries.status().to_string();
    EXPECT_EQ(entries->total, d.survey.version);
    std::size_t transitions = 0;
    for (const auto& e : entries->items) {
      EXPECT_EQ(e.outcome, "ok");
      transitions += e.detail.find(" -> ") != std::string::npos;
    }
    EXPECT_EQ(transitions, d.history.size());
    if (!d.history.empty()) {
      ASSERT_FALSE(entries->items.empty());
      EXPECT_NE(entries->items.front().detail.find("-> " + state), std::string::npos) << entries->items.front().detail;
    }
    // Content: at least one core function everywhere, in Chinese.
    ASSERT_FALSE(d.core_functions.empty());
    EXPECT_TRUE(std::any_of(d.core_functions[0].name.begin(), d.core_functions[0].name.end(),
                            [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; }));
    unmatched += static_cast<std::int64_t>(d.unmatched_suppliers.size());
    cii += d.facility.cii;
    if (d.survey.state == SurveyState::kDraft) {
      EXPECT_FALSE(check_survey_complete(d).empty()) << "a draft is partly filled";
      continue;
    }
    EXPECT_TRUE(check_survey_complete(d).empty());
    EXPECT_TRUE(d.survey.submitted_at.has_value());
    EXPECT_TRUE(std::any_of(d.assets.begin(), d.assets.end(),
                            [](const InternalAsset& a) { return a.asset_class == AssetClass::kIct; }));
    for (const auto& e : d.external_resources) {
      EXPECT_FALSE(e.backup_plan.empty());
      EXPECT_FALSE(e.supplier_codes.empty());
    }
    if (d.survey.state == SurveyState::kReturned) {
      EXPECT_FALSE(d.survey.return_comment.empty());
    }
    bool proposed = d.survey.state == SurveyState::kProposed || d.survey.state == SurveyState::kUnderReview ||
                    d.survey.state == SurveyState::kFinalised;
    EXPECT_EQ(d.survey.proposal.has_value(), proposed);
    if (d.survey.proposal) {
      EXPECT_GE(d.survey.proposal->grade, 1);
      EXPECT_LE(d.survey.proposal->grade, 3);
      EXPECT_FALSE(d.survey.proposal->reasons.empty());
      EXPECT_FALSE(d.survey.proposal->consultations.empty());
    }
    EXPECT_EQ(!d.opinions.empty(), d.survey.state == SurveyState::kUnderReview || d.survey.state == SurveyState::kFinalised);
    if (d.survey.state == SurveyState::kFinalised) {
      ++finalised;
      ASSERT_TRUE(d.survey.final_grade.has_value());
      EXPECT_EQ(f->grade, d.survey.final_grade);
      auto h = svc_->grade_history(Principal::system_actor("test"), f->id);
      ASSERT_TRUE(h.is_ok());
      EXPECT_EQ(h->size(), 1u);
    } else {
      EXPECT_FALSE(f->grade.has_value());
    }
  }
  EXPECT_GT(unmatched, 0);
  EXPECT_GT(cii, 0);
  auto national = svc_->national_list(officer("OHS", Role::kOhsOfficer), std::nullopt, 100, 0);
  ASSERT_TRUE(national.is_ok()) << national.status().to_string();
  EXPECT_EQ(national->total, finalised);
  auto v = audit_verify(ctx_);
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok) << v->problem;
}

TEST_P(DemoSurveys, DemoAccounts_FillAndReviewTheirOrganisationsSurveys) {
  auto users = seed_demo_users(ctx_, "demo-password-2026");
  ASSERT_TRUE(users.is_ok()) << users.status().to_string();
  auto r = open_demo_round(ctx_, Principal::system_actor("test"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(r->opened.has_value());

  auto tpc_user = security_store::find_user(*session_, "tpc");
  auto energy_user = security_store::find_user(*session_, "energy");
  ASSERT_TRUE(tpc_user.is_ok() && energy_user.is_ok());
  Principal tpc = as(tpc_user->id), energy = as(energy_user->id);
  survey_store::SurveyListFilter all;
  all.limit = 1000;
  auto own = svc_->grading_board(tpc, year_, all);
  ASSERT_TRUE(own.is_ok()) << own.status().to_string();
  std::set<SurveyState> states;
  for (const auto& row : own->items) {
    EXPECT_EQ(row.row.facility.provider, tpc.org) << row.row.facility.code;
    states.insert(row.row.survey.state);
    auto d = svc_->get_survey(tpc, row.row.survey.id);
    ASSERT_TRUE(d.is_ok());
    for (const auto& t : d->history) {
      const char* expected = t.to_state == "submitted" ? "tpc (TPC)"
                             : t.to_state == "returned" || t.to_state == "accepted" || t.to_state == "proposed"
                                 ? "energy (MOEA-EA)"
                                 : "ohs (OHS)";
      EXPECT_EQ(t.actor, expected) << t.to_state;
    }
  }
  EXPECT_EQ(states.size(), 7u) << "the tpc account sees its surveys in every state";
  // The energy authority's review queue has submitted surveys, and it sees no others' sectors.
  survey_store::SurveyListFilter queue = all;
  queue.state = SurveyState::kSubmitted;
  auto q = svc_->grading_board(energy, year_, queue);
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  EXPECT_GT(q->total, 0);
  for (const auto& row : q->items) EXPECT_EQ(row.row.facility.sector, "energy");
  // Returned, accepted and finalised surveys told the provider's editors.
  auto notes = NotificationService(ctx_).unread_count(tpc);
  ASSERT_TRUE(notes.is_ok()) << notes.status().to_string();
  EXPECT_GT(*notes, 0);
}

TEST_P(DemoSurveys, ASecondStart_SeedsNothingMore) {
  auto first = open_demo_round(ctx_, Principal::system_actor("test"));
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(first->opened.has_value());
  const std::int64_t audited = audit_total();
  auto again = open_demo_round(ctx_, Principal::system_actor("test"));
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_FALSE(again->opened.has_value());
  EXPECT_EQ(again->seeded.surveys, 0);
  EXPECT_EQ(audit_total(), audited);
  auto docs = svc_->export_round(Principal::system_actor("test"), year_);
  ASSERT_TRUE(docs.is_ok());
  EXPECT_EQ(static_cast<std::int64_t>(docs->size()), first->seeded.surveys);
}

TEST_P(DemoSurveys, ARoundThatExists_IsLeftAlone) {
  auto round = svc_->create_round(Principal::system_actor("test"),
                                  SurveyRound{0, year_, "", std::to_string(year_) + "-02-01", std::to_string(year_) + "-12-31"});
  ASSERT_TRUE(round.is_ok()) << round.status().to_string();
  auto r = open_demo_round(ctx_, Principal::system_actor("test"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FALSE(r->opened.has_value());
  EXPECT_EQ(r->seeded.surveys, 0);
  auto docs = svc_->export_round(Principal::system_actor("test"), year_);
  ASSERT_TRUE(docs.is_ok());
  EXPECT_TRUE(docs->empty());
  auto kept = svc_->get_round(Principal::system_actor("test"), year_);
  ASSERT_TRUE(kept.is_ok());
  EXPECT_EQ(kept->opens_on, std::to_string(year_) + "-02-01");
  EXPECT_EQ(kept->version, round->version);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoSurveys, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cipms
