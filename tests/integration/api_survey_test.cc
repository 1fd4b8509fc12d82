// The survey and grading workflow through a real `cipms serve --demo` (3,000 facilities, the
// demo accounts): a provider fills and submits a survey, the competent authority accepts it and
// proposes a grade with the engine's rank beside it, OHS reviews and finalises, and the national
// list, the grade history and the engine's network reflect it. Also each role's limits, 409 for
// illegal transitions, 412/428 for versions and 422 with every missing field.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/shared_server.h"

namespace cipms {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;

class ApiSurvey : public testing::DemoServerTest {
 protected:
  static std::string quoted(std::int64_t v) { return "\"" + std::to_string(v) + "\""; }
  static HttpResponse post(HttpClient& c, const std::string& target, const json& body, std::int64_t version) {
    return c.post_json(target, body.dump(), {{"If-Match", quoted(version)}});
  }
  static HttpResponse put(HttpClient& c, const std::string& target, const json& body, std::int64_t version) {
    return c.put_json(target, body.dump(), quoted(version));
  }
  void open_round(int year) {
    auto ohs = as("ohs");
    auto r = ohs->post_json("/api/v1/survey-rounds",
                            json{{"year", year}, {"opens_on", std::to_string(year) + "-01-01"},
                                 {"deadline", std::to_string(year) + "-12-31"}}
                                .dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // A TPC facility that the energy authority officer also sees, not used by another test.
  std::int64_t tpc_facility(int nth) {
    auto energy = as("energy");
    auto orgs = energy->get("/api/v1/organisations?q=TPC&limit=100").json();
    std::int64_t tpc = 0;
    for (const auto& o : orgs["items"])
      if (o["code"] == "TPC") tpc = o["id"].get<std::int64_t>();
    EXPECT_GT(tpc, 0);
    auto facs = energy->get("/api/v1/facilities?provider=" + std::to_string(tpc) + "&limit=20").json();
    EXPECT_GT(facs["items"].size(), static_cast<std::size_t>(nth));
    return facs["items"][nth]["id"].get<std::int64_t>();
  }

  // Fills every section of the survey as `c`; returns the survey's version afterwards.
  std::int64_t fill(HttpClient& c, const json& doc) {
    std::string base = "/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>());
    std::int64_t v = doc["version"].get<std::int64_t>();
    auto r = put(c, base + "/core-functions",
                 json{{"core_functions", json::array({{{"name", "供電"}, {"mtpd_hours", 4}, {"continuity", "backup feeders"}}})}}, v);
    EXPECT_EQ(r.status, 200) << r.body;
    v = r.json()["version"].get<std::int64_t>();
    json ext = json::array();
    for (auto e : doc["external_resources"]) {
      e["backup_plan"] = "generator and fuel for " + std::to_string(e["backup_hours"].get<double>()) + " h";
      ext.push_back(e);
    }
    r = put(c, base + "/external-resources",
            json{{"external_resources", ext},
                 {"unmatched_suppliers", json::array({{{"resource", "fuel"}, {"name", "海外燃料商 API"}, {"backup_plan", "30 days stock"}}})}},
            v);
    EXPECT_EQ(r.status, 200) << r.body;
    v = r.json()["version"].get<std::int64_t>();
    r = put(c, base + "/assets",
            json{{"assets", json::array({{{"class", "ict"}, {"name", "SCADA"}, {"backup_plan", "none"}, {"max_backup_hours", 0},
                                          {"stops_core_function", true}, {"replaceable", false}},
                                         {{"class", "physical"}, {"name", "控制大樓"}, {"backup_plan", "backup control room"},
                                          {"max_backup_hours", 2}}})}},
            v);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["holds_cii"], true);
    v = r.json()["version"].get<std::int64_t>();
    r = put(c, base + "/self-assessment",
            json{{"population", {{"score", 3}, {"evidence", "one county"}}},
                 {"government", {{"score", 2}, {"evidence", "county offices"}, {"categories", {"lifeline_transport"}}}},
                 {"economic", {{"score", 3}, {"evidence", "NTD 10 million per hour"}}},
                 {"morale", {{"score", 2}, {"evidence", "local news"}}}},
            v);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["version"].get<std::int64_t>();
  }

};

TEST_F(ApiSurvey, WholeWorkflow_ProviderAuthorityAndOhsTakeASurveyToTheNationalList) {
  open_round(2031);
  std::int64_t fid = tpc_facility(0);
  auto tpc = as("tpc");
  auto energy = as("energy");
  auto ohs = as("ohs");
  auto r = tpc->post_json("/api/v1/survey-rounds/2031/surveys", json{{"facility", fid}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  json doc = r.json();
  std::string base = "/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>());
  std::int64_t v = fill(*tpc, doc);

  r = post(*tpc, base + "/submit", json{{"comment", "2031 survey"}}, v);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "submitted");
  v = r.json()["version"].get<std::int64_t>();
  // The provider may not accept its own survey; the authority may not finalise.
  EXPECT_EQ(post(*tpc, base + "/accept", json::object(), v).status, 403);
  r = post(*energy, base + "/accept", json{{"comment", "complete"}}, v);
  ASSERT_EQ(r.status, 200) << r.body;
  v = r.json()["version"].get<std::int64_t>();

  auto ds = energy->get(base + "/decision-support");
  ASSERT_EQ(ds.status, 200) << ds.body;
  EXPECT_GE(ds.json()["rank"].get<std::int64_t>(), 1);
  EXPECT_EQ(ds.json()["ranked"].get<std::int64_t>(), 3000);
  EXPECT_EQ(ds.json()["self_score"], 3);

  r = post(*energy, base + "/propose",
           json{{"grade", 2}, {"reasons", "regional supply"}, {"rank", 3}, {"rank_of", 40},
                {"consultations", json::array({{{"with_whom", "專家學者"}, {"held_on", "2031-05-01"}, {"summary", "agree"}}})}},
           v);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "proposed");
  v = r.json()["version"].get<std::int64_t>();

  // The grading board shows the proposal with the engine's view beside it.
  auto board = ohs->get("/api/v1/survey-rounds/2031/surveys?state=proposed");
  ASSERT_EQ(board.status, 200) << board.body;
  ASSERT_EQ(board.json()["total"], 1);
  EXPECT_EQ(board.json()["items"][0]["proposal"]["grade"], 2);
  EXPECT_GE(board.json()["items"][0]["engine"]["rank"].get<std::int64_t>(), 1);

  r = post(*ohs, base + "/review-opinions",
           json{{"body", "NSC"}, {"opinion", "agree with grade 2"}, {"recommended_grade", 2},
                {"missing_facilities", json::array({{{"name", "備援調度中心"}, {"sector", "energy"}, {"reason", "not surveyed"}}})}},
           v);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "under_review");
  v = r.json()["version"].get<std::int64_t>();
  EXPECT_EQ(post(*energy, base + "/finalise", json{{"grade", 2}}, v).status, 403);
  r = post(*ohs, base + "/finalise", json{{"reasons", "joint review 2031"}}, v);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "finalised");
  EXPECT_EQ(r.json()["final_grade"], 2);

  auto fac = ohs->get("/api/v1/facilities/" + std::to_string(fid)).json();
  EXPECT_EQ(fac["grade"], 2);
  EXPECT_EQ(fac["cii"], true);
  auto hist = ohs->get("/api/v1/facilities/" + std::to_string(fid) + "/grade-history");
  ASSERT_EQ(hist.status, 200) << hist.body;
  ASSERT_EQ(hist.json()["items"].size(), 1u);
  EXPECT_EQ(hist.json()["items"][0]["grade_version"], 1);
  auto national = ohs->get("/api/v1/national-ci?grade=2&limit=1000");
  ASSERT_EQ(national.status, 200) << national.body;
  bool listed = false;
  json national_body = national.json();
  for (const auto& n : national_body["items"]) listed |= n["id"] == fid && n["grade_version"] == 1;
  EXPECT_TRUE(listed);
  auto missing = ohs->get("/api/v1/survey-rounds/2031/missing-facilities?top=10");
  ASSERT_EQ(missing.status, 200) << missing.body;
  EXPECT_EQ(missing.json()["ranked_ungraded"].size(), 10u);
  bool named = false;
  json missing_body = missing.json();
  for (const auto& u : missing_body["unmatched_suppliers"]) named |= u["name"] == "海外燃料商 API";
  EXPECT_TRUE(named);
  EXPECT_EQ(missing.json()["proposed_by_reviewers"].size(), 1u);
  // The grading list as a workbook (a zip: "PK"), for reviewers only.
  auto xlsx = energy->get("/api/v1/survey-rounds/2031/grading-list.xlsx");
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);
  EXPECT_EQ(tpc->get("/api/v1/survey-rounds/2031/grading-list.xlsx").status, 403);
  auto completion = energy->get("/api/v1/survey-rounds/2031/completion");
  ASSERT_EQ(completion.status, 200) << completion.body;
  EXPECT_GE(completion.json()["submitted"].get<std::int64_t>(), 1);
}

TEST_F(ApiSurvey, IncompleteSubmit_Answers422WithEveryMissingFieldAndIllegalStepsAnswer409) {
  open_round(2032);
  std::int64_t fid = tpc_facility(1);
  auto tpc = as("tpc");
  auto r = tpc->post_json("/api/v1/survey-rounds/2032/surveys", json{{"facility", fid}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  json doc = r.json();
  std::string base = "/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>());
  std::int64_t v = doc["version"].get<std::int64_t>();
  r = post(*tpc, base + "/submit", json::object(), v);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("application/problem+json", 0), 0u);
  std::set<std::string> pointers;
  json problem = r.json();
  for (const auto& e : problem["errors"]) pointers.insert(e["pointer"].get<std::string>());
  for (const char* p : {"/core_functions", "/assets", "/self_assessment/population/score",
                        "/self_assessment/government/evidence", "/self_assessment/economic/score",
                        "/self_assessment/morale/score"})
    EXPECT_TRUE(pointers.count(p)) << p << " in " << r.body;
  // Every problem carries its stable code beside the pointer (docs/survey.md), which clients map
  // to their own wording instead of matching the English detail.
  std::map<std::string, std::string> codes;
  for (const auto& e : problem["errors"]) {
    ASSERT_TRUE(e.contains("code")) << e.dump();
    codes[e["pointer"].get<std::string>()] = e["code"].get<std::string>();
  }
  EXPECT_EQ(codes["/core_functions"], "survey.core_function_missing");
  EXPECT_EQ(codes["/assets"], "survey.assets_missing");
  EXPECT_EQ(codes["/self_assessment/population/score"], "survey.score_required");
  EXPECT_EQ(codes["/self_assessment/government/evidence"], "survey.evidence_required");
  // Accepting a draft is illegal; a missing If-Match is 428, a stale one 412.
  auto energy = as("energy");
  EXPECT_EQ(post(*energy, base + "/accept", json::object(), v).status, 409);
  EXPECT_EQ(tpc->post_json(base + "/submit", "{}").status, 428);
  EXPECT_EQ(put(*tpc, base + "/self-assessment", json::object(), v + 5).status, 412);
  // An unknown supplier facility is refused with its pointer; nothing is written.
  r = put(*tpc, base + "/external-resources",
          json{{"external_resources", json::array({{{"resource", "electricity"}, {"suppliers", {999999999}}, {"backup_plan", "x"}}})}},
          v);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("/external_resources/0/suppliers/0"), std::string::npos) << r.body;
  bool coded = false;
  const json supplier_problem = r.json();
  for (const auto& e : supplier_problem["errors"])
    coded |= e["pointer"] == "/external_resources/0/suppliers/0" && e.value("code", "") == "survey.supplier_unknown";
  EXPECT_TRUE(coded) << r.body;
  auto same = tpc->get(base);
  EXPECT_EQ(same.json()["version"], v);
  // A viewer reads but may not edit.
  auto viewer = as("tpc-viewer");
  EXPECT_EQ(viewer->get(base).status, 200);
  EXPECT_EQ(put(*viewer, base + "/self-assessment", json::object(), v).status, 403);
  // A malformed body names the field.
  r = put(*tpc, base + "/assets", json{{"assets", json::array({{{"class", "ict"}, {"name", 5}, {"bogus", 1}}})}}, v);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/assets/0/name"), std::string::npos);
  EXPECT_NE(r.body.find("/assets/0/bogus"), std::string::npos);
}

TEST_F(ApiSurvey, SurveyRounds_OnlyOhsOpensThemAndOverdueListsUnsubmittedFacilities) {
  auto tpc = as("tpc");
  EXPECT_EQ(tpc->post_json("/api/v1/survey-rounds", json{{"year", 2033}, {"opens_on", "2033-01-01"}, {"deadline", "2033-06-30"}}.dump()).status, 403);
  open_round(2033);
  auto ohs = as("ohs");
  EXPECT_EQ(ohs->post_json("/api/v1/survey-rounds", json{{"year", 2033}, {"opens_on", "2033-01-01"}, {"deadline", "2033-06-30"}}.dump()).status, 409);
  auto bad = ohs->post_json("/api/v1/survey-rounds", json{{"year", 2034}, {"opens_on", "2034-13-01"}, {"deadline", "x"}}.dump());
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto overdue = tpc->get("/api/v1/survey-rounds/2033/overdue?limit=5");
  ASSERT_EQ(overdue.status, 200) << overdue.body;
  EXPECT_GT(overdue.json()["total"].get<std::int64_t>(), 0);
  EXPECT_EQ(overdue.json()["deadline"], "2033-12-31");
  auto rounds = tpc->get("/api/v1/survey-rounds");
  ASSERT_EQ(rounds.status, 200);
  EXPECT_EQ(tpc->get("/api/v1/survey-rounds/1999").status, 404);
}

}  // namespace
}  // namespace cipms
