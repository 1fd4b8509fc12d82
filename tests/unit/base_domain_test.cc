#include <gtest/gtest.h>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/validation.h"

namespace cipms {
namespace {

Result<int> half(int x) {
  if (x % 2) return Status::invalid("odd", {{"/x", "must be even"}});
  return x / 2;
}

Status quarter(int x, int* out) {
  CIPMS_ASSIGN_OR_RETURN(int h, half(x));
  CIPMS_ASSIGN_OR_RETURN(*out, half(h));
  return Status::ok();
}

TEST(Status, ResultCarriesValueOrError) {
  EXPECT_EQ(*half(8), 4);
  auto r = half(3);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().errors().at(0).pointer, "/x");
  int q = 0;
  EXPECT_TRUE(quarter(8, &q).is_ok());
  EXPECT_EQ(q, 2);
  EXPECT_EQ(quarter(6, &q).code(), Code::kInvalidArgument);
}

TEST(Clock, FormatsAndParsesUtcRoundTrip) {
  TimePoint t;
  ASSERT_TRUE(parse_utc("2026-11-25T10:59:07Z", &t));
  EXPECT_EQ(format_utc(t), "2026-11-25T10:59:07Z");
  EXPECT_EQ(format_utc_date(t), "2026-11-25");
  EXPECT_FALSE(parse_utc("2026-02-30T00:00:00Z", &t));
  EXPECT_FALSE(parse_utc("2026-11-25 10:59:07", &t));
}

Taxonomy tiny_taxonomy() {
  Taxonomy t;
  t.sectors = {{"energy", "", "能源", "Energy"}};
  t.subsectors = {{"electricity", "energy", "電力", "Electricity"}};
  t.resources = {{"electricity", "", "電力", "Electricity"}};
  t.counties = {{"63000", "TPE", "臺北市", "Taipei City", 2490000, 25.0, 121.5}};
  return t;
}

TEST(Validation, FacilityReportsEveryBadFieldAtOnce) {
  Facility f;
  f.code = "bad code!";
  f.sector = "energy";
  f.subsector = "nope";
  f.lat = 95;
  f.lon = 121;
  f.population = -1;
  f.loss_per_hour = -2;
  f.county_code = "99999";
  std::vector<FieldError> errs;
  validate_facility(f, tiny_taxonomy(), "/f", errs);
  std::vector<std::string> where;
  for (auto& e : errs) where.push_back(e.pointer);
  EXPECT_EQ(where, (std::vector<std::string>{"/f/code", "/f/name", "/f/subsector", "/f/county_code",
                                             "/f/lat", "/f/population", "/f/loss_per_hour"}));
}

TEST(Validation, DependencyMinUpMustNotExceedSuppliers) {
  std::vector<FieldError> errs;
  validate_dependency_fields("electricity", 2, 3, 0, -1, -1, tiny_taxonomy(), "", errs);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].pointer, "/min_up");
  errs.clear();
  validate_dependency_fields("electricity", 2, 2, 4.5, -1, -1, tiny_taxonomy(), "", errs);
  EXPECT_TRUE(errs.empty());
}

}  // namespace
}  // namespace cipms

#include "cipms/domain/seed.h"

namespace cipms {
namespace {
TEST(Seed, BuiltinTaxonomyHasEightSectorsAndTwentyTwoCounties) {
  const Taxonomy& t = builtin_taxonomy();
  EXPECT_EQ(t.sectors.size(), 8u);
  EXPECT_EQ(t.counties.size(), 22u);
  ASSERT_NE(t.subsector("hospital"), nullptr);
  EXPECT_EQ(t.subsector("hospital")->parent, "emergency_hospital");
  ASSERT_NE(t.county("63000"), nullptr);
  EXPECT_EQ(t.county("63000")->name, "臺北市");
  EXPECT_NE(t.resource("electricity"), nullptr);
}
}  // namespace
}  // namespace cipms
