// A fixture for service-level survey tests, run once per back end (support/backends.h): a fresh,
// migrated database in a temporary directory, a manual clock, the service context, a
// SurveyService and an open session, with helpers that create organisations, facilities and
// user accounts directly in the store.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/survey_service.h"
#include "cipms/storage/security_store.h"
#include "cipms/storage/store.h"
#include "support/backends.h"
#include "support/paths.h"

namespace cipms::testing {

// 2026-11-25 10:00 UTC, 36 days before the deadline of the survey round of 2026.
inline const TimePoint kSurveyT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + std::chrono::hours(10);

class SurveyDbTest : public ::testing::TestWithParam<Backend> {
 protected:
  // `temp_prefix` names the temporary directory; `t0` is the clock's start and every record's
  // creation time.
  explicit SurveyDbTest(std::string temp_prefix, TimePoint t0 = kSurveyT0)
      : temp_prefix_(std::move(temp_prefix)), t0_(t0) {}

  // Opens the database, the service and the session; a derived SetUp calls it first and returns
  // if HasFatalFailure().
  void SetUp() override {
    dir_ = make_temp_dir(temp_prefix_);
    auto db = Database::open(GetParam().fresh(dir_));
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->migrate().is_ok());
    clock_ = std::make_shared<ManualClock>(t0_);
    ctx_ = ServiceContext{std::shared_ptr<Database>(std::move(db).value()), clock_};
    svc_ = std::make_unique<SurveyService>(ctx_);
    auto s = ctx_.db->session();
    ASSERT_TRUE(s.is_ok());
    session_ = std::move(s).value();
  }
  void TearDown() override {
    svc_.reset();
    session_.reset();
    ctx_.db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  OrgId org(const std::string& code, OrgType t, std::vector<std::string> subsectors = {}) {
    Organisation o;
    o.code = o.name = o.name_en = code;
    o.type = t;
    o.subsectors = std::move(subsectors);
    auto r = session_->create_organisation(o, t0_);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r->id : OrgId();
  }
  // An energy/electricity substation in Taipei (63000) of `provider`, under the authority moea_.
  FacilityId facility(const std::string& code, OrgId provider, std::int64_t population = 0) {
    Facility f;
    f.code = code;
    f.name = "設施 " + code;
    f.name_en = "Facility " + code;
    f.sector = "energy";
    f.subsector = "electricity";
    f.type = "substation";
    f.county_code = "63000";
    f.provider = provider;
    f.authority = moea_;
    f.population = population;
    auto r = session_->create_facility(f, t0_);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r->id : FacilityId();
  }
  // A user account (official clearance) of `org`.
  UserId user(const std::string& name, Role role, OrgId org) {
    User u;
    u.username = name;
    u.display_name = name;
    u.org = org;
    u.role = role;
    u.clearance = ClassLevel::kOfficial;
    u.password_hash = "x";
    auto r = security_store::create_user(*session_, u, format_utc(t0_));
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r->id : UserId();
  }
  // The principal of a user account, as the API builds it at sign-in.
  Principal as(UserId id) {
    auto u = security_store::get_user(*session_, id);
    EXPECT_TRUE(u.is_ok());
    auto p = AuthService(ctx_).principal_of(*session_, *u);
    EXPECT_TRUE(p.is_ok());
    return *p;
  }

  std::string temp_prefix_;
  TimePoint t0_;
  std::filesystem::path dir_;
  std::shared_ptr<ManualClock> clock_;
  ServiceContext ctx_;
  std::unique_ptr<SurveyService> svc_;
  std::unique_ptr<Session> session_;
  OrgId moea_;  // the competent authority of every facility()
};

}  // namespace cipms::testing
