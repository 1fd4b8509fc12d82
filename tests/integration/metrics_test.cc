// GET /metrics over real HTTP: the Prometheus text format parses, request counters grow with
// the requests made, latency histograms are cumulative and consistent with their _count, the
// in-flight gauge and the database pool are reported; and a problem body's request_id is the
// X-Request-Id header and the id of the request's access-log line.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // metric family -> counter, gauge, histogram...
  std::vector<Sample> samples;
  std::vector<std::string> errors;           // lines that are not valid text format

  double value(const std::string& name, const std::map<std::string, std::string>& labels, double absent = -1) const {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels) return s.value;
    return absent;
  }
};

// A strict reader of the text exposition format 0.0.4 (comments, name{label="value",...} value).
Exposition parse_exposition(const std::string& text) {
  static const std::regex comment(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)");
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( -?[0-9]+)?$)");
  static const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  Exposition e;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::smatch m;
    if (line[0] == '#') {
      if (!std::regex_match(line, m, comment)) e.errors.push_back(line);
      else if (m[1] == "TYPE") e.types[m[2]] = m[3];
      continue;
    }
    if (!std::regex_match(line, m, sample)) {
      e.errors.push_back(line);
      continue;
    }
    Sample s;
    s.name = m[1];
    std::string labels = m[3];
    std::string rebuilt;
    for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it) {
      s.labels[(*it)[1]] = (*it)[2];
      rebuilt += (rebuilt.empty() ? "" : ",") + it->str();
    }
    if (rebuilt != labels && rebuilt + "," != labels) e.errors.push_back(line);
    std::string v = m[4];
    if (v == "+Inf") s.value = INFINITY;
    else if (v == "-Inf") s.value = -INFINITY;
    else if (v == "NaN") s.value = NAN;
    else {
      std::size_t used = 0;
      try {
        s.value = std::stod(v, &used);
      } catch (...) {
        used = 0;
      }
      if (used != v.size()) e.errors.push_back(line);
    }
    e.samples.push_back(std::move(s));
  }
  return e;
}

class Metrics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = std::make_unique<HttpClient>(server_->base_url());
    http_->login("ohs");
  }
  Exposition scrape() {
    auto r = http_->get("/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u) << r.header("content-type");
    Exposition e = parse_exposition(r.body);
    EXPECT_TRUE(e.errors.empty()) << "unparsable lines, first: " << (e.errors.empty() ? "" : e.errors.front());
    return e;
  }
  static ServerProcess* server_;
  std::unique_ptr<HttpClient> http_;
};
ServerProcess* Metrics::server_ = nullptr;

const std::map<std::string, std::string> kListOk = {{"method", "GET"}, {"route", "/api/v1/facilities"}, {"status", "200"}};

TEST_F(Metrics, TheExpositionParsesAndDeclaresEveryFamily) {
  ASSERT_EQ(http_->get("/healthz").status, 200);
  Exposition e = scrape();
  EXPECT_EQ(e.types["cipms_http_requests_total"], "counter");
  EXPECT_EQ(e.types["cipms_http_request_duration_seconds"], "histogram");
  EXPECT_EQ(e.types["cipms_http_requests_in_flight"], "gauge");
  // Job durations appear with the first finished job (a family without series is not written).
  if (e.types.count("cipms_job_duration_seconds")) {
    EXPECT_EQ(e.types["cipms_job_duration_seconds"], "histogram");
  }
  EXPECT_EQ(e.types["cipms_db_pool_sessions"], "gauge");
  EXPECT_EQ(e.types["cipms_db_pool_max_idle"], "gauge");
  EXPECT_GE(e.value("cipms_db_pool_max_idle", {}), 1);
  EXPECT_GE(e.value("cipms_db_pool_sessions", {{"state", "idle"}}), 0);
  EXPECT_GE(e.value("cipms_db_pool_sessions", {{"state", "in_use"}}), 0);
  EXPECT_GE(e.value("cipms_db_pool_sessions_opened_total", {}), 1);
  // The scrape itself is in flight while the body is rendered.
  EXPECT_GE(e.value("cipms_http_requests_in_flight", {}), 1);
  EXPECT_GT(e.value("cipms_process_start_time_seconds", {}), 1.7e9);
}

TEST_F(Metrics, RequestCountersGrowByTheRequestsMadeAndLabelsAreRoutePatterns) {
  double before = scrape().value("cipms_http_requests_total", kListOk, 0);
  for (int i = 0; i < 7; ++i) ASSERT_EQ(http_->get("/api/v1/facilities?limit=1").status, 200);
  ASSERT_EQ(http_->get("/api/v1/facilities/999999").status, 404);
  ASSERT_EQ(http_->get("/no/such/thing").status, 404);
  Exposition e = scrape();
  EXPECT_EQ(e.value("cipms_http_requests_total", kListOk, 0), before + 7);
  EXPECT_GE(e.value("cipms_http_requests_total", {{"method", "GET"}, {"route", "/api/v1/facilities/{id}"}, {"status", "404"}}), 1);
  EXPECT_GE(e.value("cipms_http_requests_total", {{"method", "GET"}, {"route", "unmatched"}, {"status", "404"}}), 1);
  for (const auto& s : e.samples)
    if (s.name == "cipms_http_requests_total") {
      EXPECT_EQ(s.labels.at("route").find("999999"), std::string::npos);
    }
}

TEST_F(Metrics, LatencyHistogramBucketsAreCumulativeAndMatchTheCount) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(http_->get("/api/v1/facilities?limit=2").status, 200);
  Exposition e = scrape();
  const std::map<std::string, std::string> series = {{"method", "GET"}, {"route", "/api/v1/facilities"}};
  std::vector<std::pair<double, double>> buckets;  // le -> cumulative count
  for (const auto& s : e.samples) {
    if (s.name != "cipms_http_request_duration_seconds_bucket") continue;
    auto labels = s.labels;
    std::string le = labels["le"];
    labels.erase("le");
    if (labels != series) continue;
    buckets.emplace_back(le == "+Inf" ? INFINITY : std::stod(le), s.value);
  }
  ASSERT_GE(buckets.size(), 5u);
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_LT(buckets[i - 1].first, buckets[i].first) << "bucket bounds ascend";
    EXPECT_LE(buckets[i - 1].second, buckets[i].second) << "bucket counts are cumulative";
  }
  EXPECT_TRUE(std::isinf(buckets.back().first));
  double count = e.value("cipms_http_request_duration_seconds_count", series);
  double sum = e.value("cipms_http_request_duration_seconds_sum", series);
  EXPECT_EQ(buckets.back().second, count);
  EXPECT_GE(count, 5);
  EXPECT_GT(sum, 0);
  EXPECT_LT(sum / count, 5.0) << "mean latency in seconds";
  // Every request counted once in the histogram and once in the counters (by status).
  double by_status = 0;
  for (const auto& s : e.samples)
    if (s.name == "cipms_http_requests_total" && s.labels.at("method") == "GET" &&
        s.labels.at("route") == "/api/v1/facilities") {
      by_status += s.value;
    }
  EXPECT_EQ(by_status, count);
}

TEST_F(Metrics, ProblemBodyLogAndHeaderShareTheRequestId) {
  auto r = http_->post_json("/api/v1/facilities", "{not json", {{"X-Request-Id", "metrics-test-rid-1"}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.header("x-request-id"), "metrics-test-rid-1");
  EXPECT_EQ(r.json()["request_id"], "metrics-test-rid-1");
  auto plain = http_->post_json("/api/v1/facilities", "[]");
  ASSERT_EQ(plain.status, 400);
  std::string rid = plain.header("x-request-id");
  ASSERT_FALSE(rid.empty());
  EXPECT_EQ(plain.json()["request_id"], rid);
  // The access-log line is written just after the answer: wait for it.
  bool logged_given = false, logged_made = false;
  for (int i = 0; i < 100 && !(logged_given && logged_made); ++i) {
    std::string log = server_->log();
    logged_given = log.find(R"("request_id":"metrics-test-rid-1")") != std::string::npos;
    logged_made = log.find(R"("request_id":")" + rid + "\"") != std::string::npos;
    if (!(logged_given && logged_made)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(logged_given);
  EXPECT_TRUE(logged_made);
}

}  // namespace
}  // namespace cipms::testing
