// POST /api/v1/survey-rounds/{year}/import and GET .../import-template.xlsx through a real
// `cipms serve --demo`: JSON, CSV, XLSX and multipart uploads by a provider editor; 422 naming
// Sheet!Cell with nothing written; 403 for roles that do not fill in surveys, 404 for a round
// that does not exist, 415, 413; every attempt in the audit log.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cipms/services/xlsx_reader.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/shared_server.h"
#include "support/xlsx_fixture.h"

namespace cipms {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;
using testing::XCell;
using testing::XSheet;

constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr int kYear = 2041;
const std::string kImport = "/api/v1/survey-rounds/2041/import";

const std::vector<std::string> kHead = {"facility_code", "population_score", "population_evidence", "government_score",
                                        "government_categories", "government_evidence", "economic_score",
                                        "economic_evidence", "morale_score", "morale_evidence"};

std::vector<XCell> xrow(const std::string& code, int population) {
  return {code, population, "one county", 2, "lifeline_transport", "county offices", 3, "NTD 1 million per hour", 1, "none"};
}

std::string xlsx_of(const std::vector<std::vector<XCell>>& rows) {
  std::vector<std::vector<XCell>> all = {std::vector<XCell>(kHead.begin(), kHead.end())};
  all.insert(all.end(), rows.begin(), rows.end());
  return testing::write_xlsx({XSheet{"Self-assessment", all}});
}

class ApiSurveyImport : public testing::DemoServerTest {
 protected:
  static void SetUpTestSuite() {
    start_demo_server();
    if (!server_->ok()) return;
    HttpClient ohs(server_->base_url());
    ohs.login("ohs");
    auto r = ohs.post_json("/api/v1/survey-rounds",
                           json{{"year", kYear}, {"opens_on", "2041-01-01"}, {"deadline", "2041-12-31"}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
  }
  static void TearDownTestSuite() {
    clients_.clear();
    DemoServerTest::TearDownTestSuite();
  }

  // One signed-in client per user for the whole suite (sign-ins are rate-limited).
  HttpClient* as(const std::string& user) {
    auto& c = clients_[user];
    if (!c) {
      c = std::make_unique<HttpClient>(server_->base_url());
      EXPECT_EQ(c->login(user).status, 200) << user;
    }
    return c.get();
  }
  // The codes of TPC's facilities (the tpc editor's own), nth first.
  std::string tpc_code(int nth) {
    auto tpc = as("tpc");
    auto facs = tpc->get("/api/v1/facilities?limit=20").json();
    EXPECT_GT(facs["items"].size(), static_cast<std::size_t>(nth));
    return facs["items"][nth]["code"].get<std::string>();
  }
  // A facility's code that TPC does not provide.
  std::string foreign_code() {
    auto ohs = as("ohs");
    json water = ohs->get("/api/v1/facilities?limit=5&sector=water").json();
    for (const auto& f : water["items"]) return f["code"].get<std::string>();
    return "";
  }
  // The round's surveys as TPC sees them (drafts too): what an import by TPC may change.
  std::string state() { return as("tpc")->get("/api/v1/survey-rounds/2041/surveys?limit=1000").body; }
  json survey_of(const std::string& code) {
    json page = as("tpc")->get("/api/v1/survey-rounds/2041/surveys?limit=1000").json();
    for (const auto& s : page["items"])
      if (s["facility"]["code"] == code) return s;
    return json();
  }
  static bool names(const HttpResponse& r, const std::string& pointer, const std::string& words) {
    for (const auto& e : r.json().value("errors", json::array()))
      if (e["pointer"] == pointer && e["detail"].get<std::string>().find(words) != std::string::npos) return true;
    return false;
  }

  static inline std::map<std::string, std::unique_ptr<HttpClient>> clients_;
};

TEST_F(ApiSurveyImport, EachContentType_ImportsTheSelfAssessment) {
  auto tpc = as("tpc");
  std::string a = tpc_code(0), b = tpc_code(1), c = tpc_code(2), d = tpc_code(3);
  json doc = {{"year", kYear},
              {"surveys", {{{"facility", a},
                            {"self_assessment", {{"population", {{"score", 2}, {"evidence", "json"}}}}}}}}};
  auto r = tpc->post_json(kImport, doc.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["format"], "json");
  EXPECT_EQ(r.json()["surveys"], 1);

  std::string csv;
  for (const auto& h : kHead) csv += (csv.empty() ? "" : ",") + h;
  csv += "\n" + b + ",3,csv,,,,,,,\n";
  r = tpc->request("POST", kImport, csv, {{"Content-Type", "text/csv; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["format"], "csv");

  r = tpc->request("POST", kImport, xlsx_of({xrow(c, 4)}), {{"Content-Type", kXlsx}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["format"], "xlsx");

  r = tpc->post_multipart(kImport, {{"file", "自評表.xlsx", xlsx_of({xrow(d, 5)})}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["format"], "xlsx");

  EXPECT_EQ(survey_of(a)["self_assessment"]["population"]["evidence"], "json");
  EXPECT_EQ(survey_of(b)["self_assessment"]["population"]["score"], 3);
  EXPECT_EQ(survey_of(c)["self_assessment"]["population"]["score"], 4);
  EXPECT_EQ(survey_of(d)["self_assessment"]["population"]["score"], 5);
  EXPECT_EQ(survey_of(d)["self_assessment"]["government"]["categories"], json::array({"lifeline_transport"}));

  auto auditor = as("auditor");
  auto log = auditor->get("/api/v1/audit?action=survey.import&limit=50").json();
  EXPECT_GE(log["items"].size(), 4u) << log.dump();
}

TEST_F(ApiSurveyImport, BadCells_Are422NamingSheetAndCellAndNothingIsWritten) {
  auto tpc = as("tpc");
  std::string before = state();
  auto bad = xrow(tpc_code(4), 9);
  bad[6] = XCell("lots");  // economic_score: column G
  auto r = tpc->request("POST", kImport, xlsx_of({xrow(tpc_code(5), 3), bad}), {{"Content-Type", kXlsx}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_TRUE(names(r, "Self-assessment!B3", "not '9'")) << r.body;
  EXPECT_TRUE(names(r, "Self-assessment!G3", "not 'lots'")) << r.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiSurveyImport, AnotherProvidersFacility_IsNamedAsUnknownAndNothingIsWritten) {
  auto tpc = as("tpc");
  std::string before = state();
  auto r = tpc->request("POST", kImport, xlsx_of({xrow(tpc_code(6), 3), xrow(foreign_code(), 3)}), {{"Content-Type", kXlsx}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(names(r, "Self-assessment!A3", "no facility with code")) << r.body;
  EXPECT_EQ(state(), before);
}

TEST_F(ApiSurveyImport, RolesThatDoNotFillInSurveys_Get403AndAMissingRound404) {
  std::string body = xlsx_of({xrow(tpc_code(7), 3)});
  std::string before = state();
  for (const char* user : {"tpc-viewer", "energy", "auditor"}) {
    auto c = as(user);
    EXPECT_EQ(c->request("POST", kImport, body, {{"Content-Type", kXlsx}}).status, 403) << user;
  }
  auto tpc = as("tpc");
  EXPECT_EQ(tpc->request("POST", "/api/v1/survey-rounds/2099/import", body, {{"Content-Type", kXlsx}}).status, 404);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiSurveyImport, BrokenUploads_Are400Or415) {
  auto tpc = as("tpc");
  std::string before = state();
  std::string x = xlsx_of({xrow(tpc_code(8), 3)});
  auto truncated = tpc->request("POST", kImport, x.substr(0, x.size() / 2), {{"Content-Type", kXlsx}});
  EXPECT_EQ(truncated.status, 400) << truncated.body;
  auto not_xlsx = tpc->request("POST", kImport, testing::write_zip({{"a.txt", "x"}}), {{"Content-Type", kXlsx}});
  EXPECT_EQ(not_xlsx.status, 400) << not_xlsx.body;
  EXPECT_NE(not_xlsx.body.find("xl/workbook.xml"), std::string::npos) << not_xlsx.body;
  EXPECT_EQ(tpc->request("POST", kImport, "x", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(tpc->post_multipart(kImport, {{"other", "a.csv", "x"}}).status, 400);
  EXPECT_EQ(state(), before);
}

TEST_F(ApiSurveyImport, Template_IsAWorkbookWithTheProvidersFacilities) {
  auto tpc = as("tpc");
  auto r = tpc->get("/api/v1/survey-rounds/2041/import-template.xlsx");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), kXlsx);
  auto book = read_xlsx(r.body);
  ASSERT_TRUE(book.is_ok()) << book.status().to_string();
  const auto& rows = (*book)[0].rows;
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells[0], "facility_code");
  bool found = false;
  std::string own = tpc_code(9);
  for (const auto& row : rows) found = found || row.cells[0] == own;
  EXPECT_TRUE(found);
  EXPECT_EQ(tpc->get("/api/v1/survey-rounds/2099/import-template.xlsx").status, 404);
}

TEST(ApiSurveyImportLimits, UploadOverTheLimitIs413) {
  ServerProcess server(testing::ServerProcessOptions{.extra_args = {"--max-import-mb", "1"}});
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  ASSERT_EQ(http.login("tpc").status, 200);
  std::string csv = "facility_code,population_score\n";
  while (csv.size() < (1u << 20) + 1000) csv += "NOPE-0001,3\n";
  auto r = http.request("POST", kImport, csv, {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
}

}  // namespace
}  // namespace cipms
