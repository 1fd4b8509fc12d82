// Lists over real HTTP: pagination with totals and Link headers, every facility filter, text
// search (Chinese and English), sorting and bad query parameters — on a known data set built
// through the API — and a smoke test on the demo network (`serve --demo`).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

struct Row {
  const char* code;
  const char* name;
  const char* name_en;
  const char* sector;
  const char* subsector;
  const char* type;
  const char* county;
  int population;
  std::optional<int> grade;
  bool cii;
  bool provided;  // by provider A (else B)
};

// 12 facilities, chosen so that each filter selects a known subset.
const Row kRows[] = {
    {"L-PWR-01", "台中火力發電廠", "Taichung Power Plant", "energy", "electricity", "power_plant", "66000", 100, 1, true, true},
    {"L-PWR-02", "興達發電廠", "Hsinta Power Plant", "energy", "electricity", "power_plant", "64000", 200, 1, true, true},
    {"L-SUB-01", "臺北超高壓變電所", "Taipei EHV Substation", "energy", "electricity", "ehv_substation", "63000", 300, 2, false, true},
    {"L-OIL-01", "大林煉油廠", "Talin Refinery", "energy", "oil", "refinery", "64000", 400, std::nullopt, false, false},
    {"L-WTR-01", "臺北自來水處", "Taipei Water Works", "water", "water_supply", "water_treatment_plant", "63000", 500, 2, false, false},
    {"L-WTR-02", "新竹給水廠", "Hsinchu Water Plant", "water", "water_supply", "pumping_station", "10018", 600, 3, false, false},
    {"L-TEL-01", "臺北電信機房", "Taipei Telecom Exchange", "communications", "telecom", "", "63000", 700, 2, true, false},
    {"L-TEL-02", "高雄電信機房", "Kaohsiung Telecom Exchange", "communications", "telecom", "", "64000", 800, std::nullopt, true, false},
    {"L-HSP-01", "臺大醫院", "NTU Hospital", "emergency_hospital", "hospital", "", "63000", 900, 1, false, false},
    {"L-HSP-02", "高雄榮民總醫院", "Kaohsiung Veterans General Hospital", "emergency_hospital", "hospital", "", "64000", 1000, std::nullopt, false, false},
    {"L-FIN-01", "財金資訊公司", "Financial Information Service", "finance", "banking", "", "63000", 1100, 3, true, false},
    {"L-GOV-01", "行政院", "Executive Yuan", "government", "central", "", "63000", 1200, 1, false, false},
};

class ApiList : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    if (!server_->ok()) return;
    HttpClient http(server_->base_url());
    http.login("ohs");
    auto post = [&](const std::string& path, const json& body) {
      auto r = http.post_json(path, body.dump());
      if (r.status != 201) setup_error_ += path + " " + std::to_string(r.status) + " " + r.body + "\n";
      return r.json();
    };
    json a = post("/api/v1/organisations", {{"code", "L-PROV-A"}, {"name", "甲公司"}, {"type", "provider"}});
    json b = post("/api/v1/organisations", {{"code", "L-PROV-B"}, {"name", "乙公司"}, {"type", "provider"}});
    json auth = post("/api/v1/organisations", {{"code", "L-AUTH"}, {"name", "經濟部"}, {"type", "competent_authority"}});
    provider_a_ = a.value("id", 0);
    provider_b_ = b.value("id", 0);
    authority_ = auth.value("id", 0);
    for (const Row& r : kRows) {
      json f = {{"code", r.code},       {"name", r.name},     {"name_en", r.name_en}, {"sector", r.sector},
                {"subsector", r.subsector}, {"type", r.type}, {"county_code", r.county}, {"population", r.population},
                {"cii", r.cii},         {"provider", r.provided ? provider_a_ : provider_b_}};
      if (r.grade) f["grade"] = *r.grade;
      if (std::string(r.sector) == "energy") f["authority"] = authority_;
      post("/api/v1/facilities", f);
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << server_->error();
    ASSERT_EQ(setup_error_, "");
    http_ = std::make_unique<HttpClient>(server_->base_url());
    http_->login("ohs");
  }

  // The codes a list query answers, in order, after checking the envelope.
  std::vector<std::string> codes(const std::string& query) {
    auto r = http_->get("/api/v1/facilities?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    json j = r.json();
    std::vector<std::string> out;
    for (const auto& f : j["items"]) out.push_back(f["code"]);
    EXPECT_EQ(j["total"].get<std::int64_t>() >= static_cast<std::int64_t>(out.size()), true);
    return out;
  }
  std::int64_t total(const std::string& query) { return http_->get("/api/v1/facilities?" + query).json()["total"]; }

  // The reference answer: rows of kRows satisfying pred, in code order.
  template <typename Pred>
  static std::vector<std::string> expected(Pred pred) {
    std::vector<std::string> out;
    for (const Row& r : kRows)
      if (pred(r)) out.push_back(r.code);
    std::sort(out.begin(), out.end());
    return out;
  }

  static ServerProcess* server_;
  static std::string setup_error_;
  static std::int64_t provider_a_, provider_b_, authority_;
  std::unique_ptr<HttpClient> http_;
};

ServerProcess* ApiList::server_ = nullptr;
std::string ApiList::setup_error_;
std::int64_t ApiList::provider_a_ = 0, ApiList::provider_b_ = 0, ApiList::authority_ = 0;

TEST_F(ApiList, Facilities_PagesCoverEveryRowOnceWithTotalsAndLinks) {
  auto first = http_->get("/api/v1/facilities?limit=5&offset=0");
  ASSERT_EQ(first.status, 200);
  json j = first.json();
  EXPECT_EQ(j["total"], 12);
  EXPECT_EQ(j["limit"], 5);
  EXPECT_EQ(j["offset"], 0);
  EXPECT_EQ(j["items"].size(), 5u);
  EXPECT_NE(first.header("link").find("offset=5>; rel=\"next\""), std::string::npos) << first.header("link");
  EXPECT_NE(first.header("link").find("offset=10>; rel=\"last\""), std::string::npos) << first.header("link");
  EXPECT_EQ(first.header("link").find("rel=\"prev\""), std::string::npos);

  std::vector<std::string> all;
  for (int off = 0; off < 12; off += 5) {
    auto page = codes("limit=5&offset=" + std::to_string(off));
    all.insert(all.end(), page.begin(), page.end());
  }
  EXPECT_EQ(all, expected([](const Row&) { return true; }));

  auto last = http_->get("/api/v1/facilities?limit=5&offset=10");
  EXPECT_EQ(last.json()["items"].size(), 2u);
  EXPECT_NE(last.header("link").find("offset=5>; rel=\"prev\""), std::string::npos);
  EXPECT_EQ(last.header("link").find("rel=\"next\""), std::string::npos);
  EXPECT_EQ(codes("limit=5&offset=100").size(), 0u);
  EXPECT_EQ(total("limit=5&offset=100"), 12);
}

TEST_F(ApiList, Facilities_EachFilterSelectsExactlyTheMatchingRows) {
  EXPECT_EQ(codes("sector=energy"), expected([](const Row& r) { return std::string(r.sector) == "energy"; }));
  EXPECT_EQ(codes("subsector=water_supply"), expected([](const Row& r) { return std::string(r.subsector) == "water_supply"; }));
  EXPECT_EQ(codes("county=64000"), expected([](const Row& r) { return std::string(r.county) == "64000"; }));
  EXPECT_EQ(codes("type=power_plant"), expected([](const Row& r) { return std::string(r.type) == "power_plant"; }));
  EXPECT_EQ(codes("grade=1"), expected([](const Row& r) { return r.grade == 1; }));
  EXPECT_EQ(codes("grade=none"), expected([](const Row& r) { return !r.grade; }));
  EXPECT_EQ(codes("cii=true"), expected([](const Row& r) { return r.cii; }));
  EXPECT_EQ(codes("cii=false"), expected([](const Row& r) { return !r.cii; }));
  EXPECT_EQ(codes("provider=" + std::to_string(provider_a_)), expected([](const Row& r) { return r.provided; }));
  EXPECT_EQ(codes("authority=" + std::to_string(authority_)),
            expected([](const Row& r) { return std::string(r.sector) == "energy"; }));
  // Filters combine with AND.
  EXPECT_EQ(codes("county=63000&cii=true&grade=2"),
            expected([](const Row& r) { return std::string(r.county) == "63000" && r.cii && r.grade == 2; }));
  EXPECT_EQ(total("sector=energy&county=10018"), 0);
}

TEST_F(ApiList, Facilities_SearchMatchesCodesAndChineseOrEnglishNames) {
  EXPECT_EQ(codes("q=" + url_encode("臺北")), expected([](const Row& r) { return std::string(r.name).find("臺北") != std::string::npos; }));
  EXPECT_EQ(codes("q=" + url_encode("醫院")), (std::vector<std::string>{"L-HSP-01", "L-HSP-02"}));
  EXPECT_EQ(codes("q=kaohsiung"), (std::vector<std::string>{"L-HSP-02", "L-TEL-02"}));  // case-insensitive
  EXPECT_EQ(codes("q=L-WTR"), (std::vector<std::string>{"L-WTR-01", "L-WTR-02"}));
  EXPECT_EQ(codes("q=Taipei+Water"), (std::vector<std::string>{"L-WTR-01"}));  // form encoding, as browsers send
  EXPECT_EQ(codes("q=Taipei%20Water"), (std::vector<std::string>{"L-WTR-01"}));
  EXPECT_EQ(total("q=a:b,c"), 0);  // unencoded reserved characters are tolerated
  EXPECT_EQ(codes("q=" + url_encode("發電") + "&county=64000"), (std::vector<std::string>{"L-PWR-02"}));
  EXPECT_EQ(total("q=nothing-like-this"), 0);
}

TEST_F(ApiList, Facilities_SortByPopulationAndNameInBothDirections) {
  auto desc = codes("sort=-population&limit=3");
  EXPECT_EQ(desc, (std::vector<std::string>{"L-GOV-01", "L-FIN-01", "L-HSP-02"}));
  EXPECT_EQ(codes("sort=population&order=desc&limit=3"), desc);
  EXPECT_EQ(codes("sort=population&limit=2"), (std::vector<std::string>{"L-PWR-01", "L-PWR-02"}));
  auto by_en = http_->get("/api/v1/facilities?sort=name_en&limit=100").json();
  std::vector<std::string> names;
  for (const auto& f : by_en["items"]) names.push_back(f["name_en"]);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << by_en.dump();
  EXPECT_EQ(codes("sort=-code&limit=1"), (std::vector<std::string>{"L-WTR-02"}));
}

TEST_F(ApiList, Facilities_BadQueryParametersAre400WithTheirNames) {
  for (const char* q : {"limit=0", "limit=1001", "limit=ten", "offset=-1", "grade=5", "cii=maybe", "sort=colour",
                        "order=up", "provider=abc", "colour=red"}) {
    auto r = http_->get(std::string("/api/v1/facilities?") + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << q;
    std::string name = std::string(q).substr(0, std::string(q).find('='));
    EXPECT_NE(r.body.find("query:" + name), std::string::npos) << q << " " << r.body;
  }
}

TEST_F(ApiList, Organisations_FilterByTypeAndSearch) {
  auto r = http_->get("/api/v1/organisations?type=provider");
  ASSERT_EQ(r.status, 200);
  std::set<std::string> got;
  json body = r.json();
  for (const auto& o : body["items"]) got.insert(o["code"]);
  // TPC: the provider the demo accounts (tpc, tpc-viewer) belong to.
  EXPECT_EQ(got, (std::set<std::string>{"L-PROV-A", "L-PROV-B", "TPC"})) << r.body;
  EXPECT_EQ(r.json()["total"], 3);
  auto s = http_->get("/api/v1/organisations?q=" + url_encode("經濟部") + "&type=competent_authority");
  ASSERT_EQ(s.status, 200);
  std::set<std::string> auths;
  json sb = s.json();
  for (const auto& o : sb["items"]) auths.insert(o["code"]);
  // MOEA-EA (經濟部能源署) is the demo authority officer's organisation.
  EXPECT_EQ(auths, (std::set<std::string>{"L-AUTH", "MOEA-EA"})) << s.body;
  auto page = http_->get("/api/v1/organisations?limit=1&offset=1");
  EXPECT_EQ(page.json()["items"].size(), 1u);
  EXPECT_EQ(page.json()["total"], 3 + 5);  // + the demo accounts' OHS, MOEA, MOEA-EA, TPC, NPA
  EXPECT_EQ(http_->get("/api/v1/organisations?type=alien").status, 400);
}

// ------------------------------------------------------------------ the demo network

TEST(ApiDemo, ServeWithDemoLoadsTheDemoNetworkOnceAndListsIt) {
  ServerProcess server(ServerProcessOptions{.demo = true});
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  http.login("ohs");
  auto all = http.get("/api/v1/facilities?limit=5");
  ASSERT_EQ(all.status, 200) << all.body;
  std::int64_t n = all.json()["total"];
  EXPECT_GE(n, 1000);
  EXPECT_EQ(all.json()["items"].size(), 5u);
  auto energy = http.get("/api/v1/facilities?sector=energy&limit=100");
  ASSERT_EQ(energy.status, 200);
  EXPECT_GT(energy.json()["total"].get<std::int64_t>(), 0);
  EXPECT_LT(energy.json()["total"].get<std::int64_t>(), n);
  json energy_body = energy.json();
  for (const auto& f : energy_body["items"]) EXPECT_EQ(f["sector"], "energy");
  // A facility with dependencies shows them upstream, with supplier codes.
  auto net = http.get("/api/v1/network").json();
  ASSERT_FALSE(net["dependencies"].empty());
  std::string consumer = net["dependencies"][0]["consumer"];
  auto found = http.get("/api/v1/facilities?q=" + url_encode(consumer)).json();
  std::int64_t id = 0;
  for (const auto& f : found["items"])
    if (f["code"] == consumer) id = f["id"];
  ASSERT_GT(id, 0);
  auto up = http.get("/api/v1/facilities/" + std::to_string(id) + "/dependencies").json();
  EXPECT_GT(up["total"].get<std::int64_t>(), 0);
  EXPECT_FALSE(up["items"][0]["supplier_codes"].empty());

  // Restarting with --demo on a registry that has facilities loads nothing more.
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace cipms::testing
