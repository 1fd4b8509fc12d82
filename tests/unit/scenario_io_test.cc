#include <gtest/gtest.h>

#include "cipms/services/scenario_io.h"

namespace cipms {
namespace {

bool known(const std::string& id) { return id == "P1" || id == "H1"; }

std::vector<std::string> pointers(const Status& st) {
  std::vector<std::string> out;
  for (const FieldError& e : st.errors()) out.push_back(e.pointer);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ScenarioIo, ParsesTheSpecExample) {
  auto s = parse_scenario_json(
      R"({"horizon_hours": 168, "events": [{"facility": "P1", "down_at": 0, "repair_hours": 48}]})", known);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->horizon_hours, 168);
  ASSERT_EQ(s->events.size(), 1u);
  EXPECT_EQ(s->events[0].facility, "P1");
  EXPECT_EQ(s->events[0].repair_hours, 48);
}

TEST(ScenarioIo, InvalidJsonIsInvalidArgument) {
  auto s = parse_scenario_json(R"({"horizon_hours": 168, )", known);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  ASSERT_EQ(s.status().errors().size(), 1u);
  EXPECT_NE(s.status().errors()[0].message.find("syntax error"), std::string::npos);
}

TEST(ScenarioIo, MissingWrongTypeAndUnknownFieldsAreAllNamed) {
  auto s = parse_scenario_json(
      R"({"events": [{"facility": 3, "down_at": "0", "repair": 1}], "horizon": 1})", known);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pointers(s.status()),
            (std::vector<std::string>{"/events/0/down_at", "/events/0/facility", "/events/0/repair",
                                      "/events/0/repair_hours", "/horizon", "/horizon_hours"}));
}

TEST(ScenarioIo, UnknownFacilitiesAndNegativeTimesAreUnprocessable) {
  auto s = parse_scenario_json(
      R"({"horizon_hours": 10, "events": [{"facility": "X9", "down_at": -1, "repair_hours": 2},
                                          {"facility": "H1", "down_at": 1, "repair_hours": -0.5}]})",
      known);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Code::kUnprocessable);
  EXPECT_EQ(pointers(s.status()), (std::vector<std::string>{"/events/0/down_at", "/events/0/facility",
                                                            "/events/1/repair_hours"}));
}

TEST(ScenarioIo, NumberTooLargeForADoubleIsInvalidNotAnException) {
  auto s = parse_scenario_json(
      R"({"horizon_hours": 10, "events": [{"facility": "H1", "down_at": 1, "repair_hours": 1e999}]})", known);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
}

TEST(ScenarioIo, PointersArePrefixedWhenTheScenarioIsEmbedded) {
  auto s = parse_scenario_json_at(R"({"horizon_hours": -5, "events": []})", "/scenario", known);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(pointers(s.status()), (std::vector<std::string>{"/scenario/horizon_hours"}));
}

}  // namespace
}  // namespace cipms
