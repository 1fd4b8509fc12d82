// Editing the taxonomy over HTTP (R-1: the taxonomy is data an administrator extends without a
// release): a new sub-sector becomes usable by facilities at once, retiring keeps it readable,
// and every bad request is refused with problem+json and leaves the taxonomy unchanged.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

class ApiTaxonomy : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = std::make_unique<HttpClient>(server_->base_url());
    http_->login("ohs");
    admin_ = std::make_unique<HttpClient>(server_->base_url());
    admin_->login("admin");  // only the administrator changes the taxonomy
  }
  json taxonomy() { return http_->get("/api/v1/taxonomy").json(); }
  static const json* find(const json& list, const std::string& code) {
    for (const auto& e : list)
      if (e["code"] == code) return &e;
    return nullptr;
  }
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_, admin_;
};

TEST_F(ApiTaxonomy, NewSubsectorIsListedAndUsableByFacilities) {
  auto r = admin_->request("PUT", "/api/v1/taxonomy/subsectors/hydrogen",
                          R"({"parent": "energy", "name": "氫能", "name_en": "Hydrogen"})",
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["code"], "hydrogen");
  const json t = taxonomy();
  const json* e = find(t["subsectors"], "hydrogen");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["parent"], "energy");
  EXPECT_EQ((*e)["name"], "氫能");
  EXPECT_EQ((*e)["active"], true);

  auto f = http_->post_json("/api/v1/facilities",
                            R"({"code": "H2-1", "name": "氫能站", "sector": "energy", "subsector": "hydrogen"})");
  EXPECT_EQ(f.status, 201) << f.body;
  // It belongs to energy, so a facility of another sector cannot use it.
  auto g = http_->post_json("/api/v1/facilities",
                            R"({"code": "H2-2", "name": "x", "sector": "water", "subsector": "hydrogen"})");
  EXPECT_EQ(g.status, 422) << g.body;
}

TEST_F(ApiTaxonomy, RenamingAndRetiringKeepTheEntry) {
  auto r = admin_->request("PUT", "/api/v1/taxonomy/resources/hydrogen_gas",
                          R"({"name": "氫氣", "name_en": "Hydrogen gas"})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = admin_->request("PUT", "/api/v1/taxonomy/resources/hydrogen_gas",
                     R"({"name": "氫氣供應", "name_en": "Hydrogen supply", "active": false})",
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json t = taxonomy();
  const json* e = find(t["resources"], "hydrogen_gas");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["name_en"], "Hydrogen supply");
  EXPECT_EQ((*e)["active"], false);
}

TEST_F(ApiTaxonomy, BadEntriesAreRefusedAndChangeNothing) {
  const std::string before = http_->get("/api/v1/taxonomy").body;
  struct Case {
    std::string path, body;
    int status;
    std::string pointer;
  };
  const Case cases[] = {
      {"/api/v1/taxonomy/colours/red", R"({"name": "紅"})", 404, ""},
      {"/api/v1/taxonomy/subsectors/h2", R"({"parent": "nope", "name": "氫"})", 422, "/parent"},
      {"/api/v1/taxonomy/subsectors/h2", R"({"name": "氫"})", 422, "/parent"},
      {"/api/v1/taxonomy/sectors/space", R"({"parent": "energy", "name": "太空"})", 422, "/parent"},
      {"/api/v1/taxonomy/sectors/bad%20code", R"({"name": "x"})", 422, "/code"},
      {"/api/v1/taxonomy/sectors/space", R"({})", 422, "/name"},
      {"/api/v1/taxonomy/sectors/space", R"({"name": 5})", 400, "/name"},
      {"/api/v1/taxonomy/sectors/space", R"({"name": "太空", "colour": "red"})", 400, "/colour"},
      {"/api/v1/taxonomy/sectors/space", R"({"name": )", 400, ""},
  };
  for (const Case& c : cases) {
    auto r = admin_->request("PUT", c.path, c.body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << " -> " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << c.path;
    if (!c.pointer.empty()) {
      const json problem = r.json();
      bool found = false;
      for (const auto& e : problem["errors"]) found |= e["pointer"] == c.pointer;
      EXPECT_TRUE(found) << c.path << " " << c.body << " -> " << r.body;
    }
  }
  EXPECT_EQ(http_->get("/api/v1/taxonomy").body, before);
}

}  // namespace
}  // namespace cipms::testing
