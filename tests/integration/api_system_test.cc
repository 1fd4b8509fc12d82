// System behaviour of the started server over real HTTP: /healthz, the taxonomy, the OpenAPI
// document against the real route table, unknown routes and methods, security headers, the
// web UI's static files, the access log and a graceful stop on SIGTERM.
#include <gtest/gtest.h>

#include <cstdlib>

#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/shared_server.h"

namespace cipms::testing {
namespace {

using nlohmann::json;

class ApiSystem : public SharedServerTest {
 protected:
};

TEST_F(ApiSystem, HealthzReportsTheDatabase) {
  auto r = http_->get("/healthz");
  ASSERT_EQ(r.status, 200);
  json j = r.json();
  EXPECT_EQ(j["status"], "ok");
  // The same suite runs on SQLite and, with CIPMS_TEST_DB=postgresql, on PostgreSQL.
  const char* db = std::getenv("CIPMS_TEST_DB");
  EXPECT_EQ(j["database"], db && std::string(db) == "postgresql" ? "postgresql" : "sqlite");
  EXPECT_GE(j["schema_version"].get<int>(), 1);
}

TEST_F(ApiSystem, TaxonomyHasTheEightSectorsAndTwentyTwoCounties) {
  auto r = http_->get("/api/v1/taxonomy");
  ASSERT_EQ(r.status, 200);
  json t = r.json();
  std::set<std::string> sectors;
  for (const auto& s : t["sectors"]) sectors.insert(s["code"]);
  EXPECT_EQ(sectors, (std::set<std::string>{"energy", "water", "communications", "transportation", "finance",
                                            "emergency_hospital", "government", "industrial_parks"}));
  EXPECT_EQ(t["counties"].size(), 22u);
  bool hospital = false;
  for (const auto& s : t["subsectors"])
    if (s["code"] == "hospital") hospital = s["parent"] == "emergency_hospital";
  EXPECT_TRUE(hospital);
  EXPECT_FALSE(t["resources"].empty());
}

// The document a client generates code from must describe exactly the routes that exist.
TEST_F(ApiSystem, OpenApiDocumentListsExactlyTheServedRoutes) {
  auto r = http_->get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.json();
  ASSERT_TRUE(doc.is_object()) << "not JSON";
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.1", 0), 0u);
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items())
      if (method != "parameters") {
        std::string m = method;
        for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented.insert(m + " " + path);
      }

  std::string out;
  ASSERT_EQ(run_cipms({"routes"}, &out), 0);
  std::set<std::string> served;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) served.insert(line);
  ASSERT_FALSE(served.empty());
  EXPECT_EQ(documented, served);

  // Every documented operation answers something other than 404/405 (the route is wired).
  for (const std::string& op : served) {
    std::string method = op.substr(0, op.find(' '));
    std::string path = op.substr(op.find(' ') + 1);
    for (std::string::size_type b; (b = path.find('{')) != std::string::npos;)
      path.replace(b, path.find('}', b) - b + 1, "1");
    if (method != "GET") continue;  // reads only: no side effects
    auto resp = http_->get(path);
    EXPECT_NE(resp.status, 405) << op;
    if (resp.status == 404) {
      EXPECT_EQ(resp.json()["type"], "urn:cipms:problem:not_found") << op;
    }
  }
}

TEST_F(ApiSystem, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto r = http_->get("/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["status"], 404);
  EXPECT_EQ(http_->get("/api/v1/facilities/").status, 404);

  auto m = http_->request("DELETE", "/api/v1/facilities");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.header("allow"), "GET, POST");
  EXPECT_EQ(m.header("content-type"), "application/problem+json");
  EXPECT_EQ(http_->request("GET", "/api/v1/dependencies").status, 405);
  EXPECT_EQ(http_->request("POST", "/api/v1/facilities/1").status, 405);
  EXPECT_EQ(http_->request("PUT", "/healthz").status, 405);
}

TEST_F(ApiSystem, EveryAnswerCarriesSecurityHeadersAndARequestId) {
  for (const char* path : {"/healthz", "/api/v1/facilities", "/api/v1/nothing", "/api/v1/facilities/99999"}) {
    auto r = http_->get(path);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
    // Scripts only from our origin (no inline script); inline styles and data: images are
    // allowed because Element Plus and MapLibre set them at run time.
    EXPECT_EQ(r.header("content-security-policy"),
              "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
              "worker-src 'self' blob:; frame-ancestors 'none'")
        << path;
    EXPECT_FALSE(r.header("referrer-policy").empty()) << path;
    EXPECT_FALSE(r.header("x-request-id").empty()) << path;
  }
  auto err = http_->get("/api/v1/facilities/99999");
  EXPECT_EQ(err.json()["request_id"], err.header("x-request-id"));
  auto echoed = http_->get("/healthz", {{"X-Request-Id", "trace-abc-123"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-abc-123");
}

TEST_F(ApiSystem, AccessLogHasOneStructuredLinePerRequest) {
  http_->get("/api/v1/facilities?limit=3", {{"X-Request-Id", "log-check-1"}});
  // The line is written just after the answer is sent: give it a moment.
  std::string log;
  json found;
  for (int attempt = 0; attempt < 100 && !found.is_object(); ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = server_->log();
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("request_id", "") == "log-check-1") found = j;
    }
  }
  ASSERT_TRUE(found.is_object()) << log.substr(0, 2000);
  EXPECT_EQ(found["event"], "http_request");
  EXPECT_EQ(found["method"], "GET");
  EXPECT_EQ(found["path"], "/api/v1/facilities");
  EXPECT_EQ(found["status"], 200);
  EXPECT_TRUE(found["duration_ms"].is_number());
  EXPECT_GT(found["bytes"].get<int>(), 0);
  EXPECT_EQ(found["remote"], "127.0.0.1");
}

TEST_F(ApiSystem, StaticFilesOfTheWebUiWithIndexFallbackForClientRoutes) {
  // The server's --web folder is its temporary directory.
  std::filesystem::create_directories(server_->dir() / "assets");
  std::ofstream(server_->dir() / "index.html") << "<!doctype html><title>cipms</title>";
  std::ofstream(server_->dir() / "assets" / "app-1234.js") << "console.log(1)";

  auto index = http_->get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(index.body.find("<title>cipms</title>"), std::string::npos);
  EXPECT_EQ(index.header("x-content-type-options"), "nosniff");

  auto route = http_->get("/facilities/12");  // a client-side route
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, index.body);

  auto js = http_->get("/assets/app-1234.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_NE(js.header("content-type").find("javascript"), std::string::npos);
  EXPECT_NE(js.header("cache-control").find("immutable"), std::string::npos);

  EXPECT_EQ(http_->get("/assets/missing.js").status, 404);
  auto escape = http_->get("/%2e%2e/%2e%2e/etc/passwd");
  EXPECT_TRUE(escape.body.find("root:") == std::string::npos);
  // API paths never fall back to the UI.
  EXPECT_EQ(http_->get("/api/v1/unknown").header("content-type"), "application/problem+json");
}

TEST(ApiServe, StopsGracefullyOnSigterm) {
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  HttpClient http(server.base_url());
  http.login("ohs");
  EXPECT_EQ(http.get("/healthz").status, 200);
  EXPECT_EQ(server.stop(), 0);
  EXPECT_NE(server.log().find("\"shutdown\""), std::string::npos);
  EXPECT_EQ(http.get("/healthz").status, 0);  // nobody listens any more
}

TEST(ApiServe, BadListenAddressIsAUsageError) {
  std::string out;
  EXPECT_EQ(run_cipms({"serve", "--db", "/tmp/cipms-never-created/x.db", "--listen", "nonsense"}, &out), 2);
}

}  // namespace
}  // namespace cipms::testing
