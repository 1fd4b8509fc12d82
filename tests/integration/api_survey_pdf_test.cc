// The PDF exports of surveys and grading lists through a real `cipms serve --demo` and the real
// Chromium, read back with poppler-utils (pdftotext -layout, pdfinfo): the facility and every
// section are in the survey's PDF, the classification marking is on every page, readers are
// those of the record (404 otherwise), exports of national secrets are audited, and a missing
// Chromium answers 503 problem+json.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/pdf_text.h"
#include "support/server_process.h"
#include "support/shared_server.h"

namespace cipms {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;

bool have_chromium() { return std::filesystem::exists("/usr/bin/chromium"); }

void open_round(HttpClient& ohs, int year) {
  auto y = std::to_string(year);
  auto r = ohs.post_json("/api/v1/survey-rounds", json{{"year", year}, {"opens_on", y + "-01-01"}, {"deadline", y + "-12-31"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
}

json start_survey(HttpClient& c, int year, std::int64_t facility) {
  auto r = c.post_json("/api/v1/survey-rounds/" + std::to_string(year) + "/surveys", json{{"facility", facility}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

// Every page of the PDF carries `marking` (top and bottom: at least twice).
void expect_marked_on_every_page(const std::vector<std::string>& pages, const std::string& marking) {
  ASSERT_FALSE(pages.empty());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    std::size_t first = pages[i].find(marking);
    ASSERT_NE(first, std::string::npos) << "page " << i + 1 << " lacks " << marking << ":\n" << pages[i];
    EXPECT_NE(pages[i].find(marking, first + 1), std::string::npos) << "page " << i + 1 << " has it once";
  }
}

void expect_pdf(const HttpResponse& r, const std::string& level) {
  EXPECT_EQ(r.header("content-type"), "application/pdf");
  EXPECT_EQ(r.body.rfind("%PDF-", 0), 0u);
  EXPECT_NE(r.header("content-disposition").find("attachment; filename=\""), std::string::npos);
  EXPECT_NE(r.header("content-disposition").find(".pdf\""), std::string::npos);
  EXPECT_EQ(r.header("x-classification-marking"), level);
}

std::string joined(const std::vector<std::string>& pages) {
  std::string all;
  for (const auto& p : pages) all += p;
  return all;
}

class ApiSurveyPdf : public testing::DemoServerTest {
 protected:
  void SetUp() override {
    if (!have_chromium()) GTEST_SKIP() << "/usr/bin/chromium is not installed (scripts/install-deps.sh)";
    DemoServerTest::SetUp();
  }
  // The n-th facility the TPC provider editor may read (and its authority, energy, too).
  json tpc_facility(int nth) {
    auto facs = as("tpc")->get("/api/v1/facilities?limit=20").json();
    EXPECT_GT(facs["items"].size(), static_cast<std::size_t>(nth));
    return facs["items"][nth];
  }
  // Core functions, assets and self-assessment as the provider (section 2 is the demo's).
  void fill(HttpClient& c, const json& doc) {
    std::string base = "/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>());
    std::int64_t v = doc["version"];
    auto put = [&](const std::string& what, const json& body) {
      auto r = c.put_json(base + what, body.dump(), "\"" + std::to_string(v) + "\"");
      ASSERT_EQ(r.status, 200) << r.body;
      v = r.json()["version"];
    };
    put("/core-functions", {{"core_functions", json::array({{{"name", "供電調度"}, {"mtpd_hours", 4}, {"continuity", "備援饋線"}}})}});
    put("/assets", {{"assets", json::array({{{"class", "ict"}, {"name", "SCADA 系統"}, {"backup_plan", "none"}, {"max_backup_hours", 0},
                                             {"stops_core_function", true}, {"replaceable", false}}})}});
    put("/self-assessment", {{"population", {{"score", 3}, {"evidence", "一個縣市"}}},
                             {"government", {{"score", 2}, {"evidence", "縣市政府"}, {"categories", {"lifeline_transport"}}}},
                             {"economic", {{"score", 3}, {"evidence", "每小時千萬元"}}},
                             {"morale", {{"score", 2}, {"evidence", "地方新聞"}}}});
  }
};

TEST_F(ApiSurveyPdf, SurveyPdf_HasTheFacilityAndEverySectionWithTheMarkingOnEveryPage) {
  auto ohs = as("ohs");
  open_round(*ohs, 2051);
  auto tpc = as("tpc");
  json fac = tpc_facility(0);
  json doc = start_survey(*tpc, 2051, fac["id"]);
  fill(*tpc, doc);
  auto r = tpc->get("/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>()) + "/export.pdf");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  expect_pdf(r, "general");
  auto pages = testing::pdf_pages(r.body);
  EXPECT_EQ(testing::pdf_info(r.body).pages, static_cast<int>(pages.size()));
  expect_marked_on_every_page(pages, "機密等級：一般 (general)");
  std::string name = fac["name"];
  ASSERT_FALSE(name.empty());
  EXPECT_NE(pages[0].find(name), std::string::npos) << name << "\n" << pages[0];
  std::string all = joined(pages);
  for (const std::string& s : std::vector<std::string>{"基本資料調查表", "核心功能", "外部關鍵資源", "內部關鍵資產", "自評",
                                                     "供電調度", "SCADA 系統", fac["code"].get<std::string>(), "draft"})
    EXPECT_NE(all.find(s), std::string::npos) << s;

  auto missing = tpc->get("/api/v1/surveys/987654321/export.pdf");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
}

TEST_F(ApiSurveyPdf, SurveyPdf_OfAConfidentialFacilityIsMarkedReadOnlyWithClearanceAndGrantAndAudited) {
  auto ohs = as("ohs");
  open_round(*ohs, 2052);
  auto tpc = as("tpc");
  json fac = tpc_facility(1);
  std::int64_t fid = fac["id"];
  json doc = start_survey(*tpc, 2052, fid);
  std::string id = std::to_string(doc["id"].get<std::int64_t>());
  json c = {{"level", "confidential"}, {"reason", "測試 test"}, {"declassify_on", "2035-01-01"}};
  auto set = ohs->request("PUT", "/api/v1/facilities/" + std::to_string(fid) + "/classification", c.dump(),
                          {{"Content-Type", "application/json"}, {"If-Match", "*"}});
  ASSERT_EQ(set.status, 200) << set.body;

  auto energy = as("energy");  // 機密 clearance, in scope, but no need-to-know grant yet
  EXPECT_EQ(tpc->get("/api/v1/surveys/" + id + "/export.pdf").status, 404);  // 密 clearance
  auto hidden = energy->get("/api/v1/surveys/" + id + "/export.pdf");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.header("content-type"), "application/problem+json");

  std::int64_t energy_id = 0;
  json users = as("admin")->get("/api/v1/users?limit=100").json();
  for (const auto& u : users["items"])
    if (u["username"] == "energy") energy_id = u["id"];
  auto g = ohs->post_json("/api/v1/grants", json{{"user_id", energy_id}, {"record_kind", "facility"}, {"record_id", fid},
                                                 {"reason", "need to know: PDF test"}}.dump());
  ASSERT_EQ(g.status, 201) << g.body;
  auto r = energy->get("/api/v1/surveys/" + id + "/export.pdf");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  expect_pdf(r, "confidential");
  expect_marked_on_every_page(testing::pdf_pages(r.body), "機密等級：機密 (confidential)");

  auto log = as("auditor")->get("/api/v1/audit?action=survey.export&limit=50").json();
  bool audited = false;
  for (const auto& e : log["items"])
    audited |= e["target_kind"] == "survey" && e["target_id"] == id && e["actor"].get<std::string>().rfind("energy", 0) == 0;
  EXPECT_TRUE(audited) << log.dump().substr(0, 800);
}

TEST_F(ApiSurveyPdf, GradingListPdf_IsLandscapeOnSeveralPagesMarkedWithTheHighestLevel) {
  auto ohs = as("ohs");
  open_round(*ohs, 2053);
  auto facs = ohs->get("/api/v1/facilities?limit=70&sort=code").json();
  ASSERT_EQ(facs["items"].size(), 70u) << facs.dump().substr(0, 300);
  for (const auto& f : facs["items"]) start_survey(*ohs, 2053, f["id"]);
  // One listed facility is 密: the list's marking is the highest level among its rows.
  std::int64_t official = facs["items"][5]["id"];
  json c = {{"level", "official"}, {"reason", "測試 test"}};
  ASSERT_EQ(ohs->request("PUT", "/api/v1/facilities/" + std::to_string(official) + "/classification", c.dump(),
                         {{"Content-Type", "application/json"}, {"If-Match", "*"}})
                .status,
            200);

  auto r = ohs->get("/api/v1/survey-rounds/2053/grading-list.pdf");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  expect_pdf(r, "official");
  auto info = testing::pdf_info(r.body);
  EXPECT_GT(info.width_pt, info.height_pt) << "landscape";
  auto pages = testing::pdf_pages(r.body);
  EXPECT_GE(pages.size(), 2u);
  EXPECT_EQ(info.pages, static_cast<int>(pages.size()));
  expect_marked_on_every_page(pages, "機密等級：密 (official)");
  std::string all = joined(pages);
  EXPECT_NE(pages[0].find("分級清冊"), std::string::npos);
  for (const auto& f : facs["items"]) EXPECT_NE(all.find(f["code"].get<std::string>()), std::string::npos) << f["code"];
  // The readers of the XLSX: reviewers only.
  EXPECT_EQ(as("tpc")->get("/api/v1/survey-rounds/2053/grading-list.pdf").status, 403);
  EXPECT_EQ(ohs->get("/api/v1/survey-rounds/2099/grading-list.pdf").status, 404);
}

TEST(ApiSurveyPdfUnavailable, WithoutChromiumBothExportsAnswer503ProblemJson) {
  ::setenv("CIPMS_CHROMIUM", "/nonexistent/chromium", 1);
  ServerProcess server;  // inherits the environment
  ::unsetenv("CIPMS_CHROMIUM");
  ASSERT_TRUE(server.ok()) << server.error();
  auto ohs = testing::signed_in(server, "ohs");
  json tax = ohs->get("/api/v1/taxonomy").json();
  std::string sub, type;
  for (const auto& e : tax["subsectors"])
    if (e["parent"] == "energy" && sub.empty()) sub = e["code"];
  for (const auto& e : tax["facility_types"])
    if (e["parent"] == sub && type.empty()) type = e["code"];
  auto made = ohs->post_json("/api/v1/facilities", json{{"code", "PDF-503"}, {"name", "無法產製"}, {"sector", "energy"},
                                                        {"subsector", sub}, {"type", type}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  open_round(*ohs, 2054);
  json doc = start_survey(*ohs, 2054, made.json()["id"]);
  for (const std::string& target : std::vector<std::string>{"/api/v1/surveys/" + std::to_string(doc["id"].get<std::int64_t>()) + "/export.pdf",
                                   std::string("/api/v1/survey-rounds/2054/grading-list.pdf")}) {
    auto r = ohs->get(target);
    EXPECT_EQ(r.status, 503) << target << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_NE(r.json().value("detail", "").find("/nonexistent/chromium"), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace cipms
