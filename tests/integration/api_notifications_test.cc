// Notifications over HTTP against a real `cipms serve --demo` (its own sweep off): OHS opens a
// round with its reminder schedule, `cipms survey remind --now` sends the due reminders once —
// one per person and step, summing up the person's open facilities — and each demo account
// sees, reads and clears only its own.
#include <gtest/gtest.h>

#include <chrono>
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
using testing::ServerProcess;

class ApiNotifications : public testing::DemoServerTest {
 protected:
  static void SetUpTestSuite() { start_demo_server({"--reminder-interval-minutes", "0"}); }

  static std::int64_t unread(HttpClient& c) {
    auto r = c.get("/api/v1/notifications/unread-count");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("unread", std::int64_t{-1});
  }
  static std::string remind(const std::string& now) {
    std::string out;
    int rc = testing::run_cipms({"survey", "remind", "--db", server_->db_url(), "--now", now}, &out);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }
  // The round of 2026 (deadline 2026-12-31, reminders 30 and 14 days before), and the reminders
  // of 2026-12-01 and 2026-12-17 sent; once per suite. The demo has one provider editor (tpc):
  // one reminder at each step.
  static void round_and_reminders() {
    static bool done = false;
    if (done) return;
    done = true;
    HttpClient ohs(server_->base_url());
    ASSERT_EQ(ohs.login("ohs").status, 200);
    auto r = ohs.post_json("/api/v1/survey-rounds", json{{"year", 2026}, {"opens_on", "2026-01-01"},
                                                          {"deadline", "2026-12-31"}, {"reminder_days", {30, 14}}}
                                                         .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["reminder_days"], json::array({30, 14}));
    EXPECT_EQ(remind("2026-12-01T10:00:00Z"), "created 1 reminders\n");
    EXPECT_EQ(remind("2026-12-17T10:00:00Z"), "created 1 reminders\n");
  }

};

TEST_F(ApiNotifications, SurveyRemind_SendsOneReminderPerStepThatSumsUpTheProvidersOpenSurveys) {
  round_and_reminders();
  EXPECT_EQ(remind("2026-12-17T11:00:00Z"), "created 0 reminders\n");  // the next hourly sweep
  auto tpc = as("tpc");
  EXPECT_EQ(unread(*tpc), 2);  // one per step, however many facilities TPC has
  // What tpc has not submitted, from its own overdue list.
  auto todo = tpc->get("/api/v1/survey-rounds/2026/overdue?limit=5");
  ASSERT_EQ(todo.status, 200) << todo.body;
  json todo_body = todo.json();
  std::int64_t open = todo_body["total"];
  ASSERT_GT(open, 5);
  json first_codes = json::array();
  for (const auto& f : todo_body["items"]) first_codes.push_back(f["code"]);
  ASSERT_EQ(first_codes.size(), 5u);

  auto page = tpc->get("/api/v1/notifications?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  json body = page.json();
  EXPECT_EQ(body["total"], 2);
  ASSERT_EQ(body["items"].size(), 1u);
  json newest = body["items"][0];
  EXPECT_EQ(newest["kind"], "survey.deadline");
  EXPECT_EQ(newest["params"]["days"], 14);
  EXPECT_EQ(newest["params"]["count"], open);
  EXPECT_EQ(newest["params"]["deadline"], "2026-12-31");
  json codes = json::array();
  for (const auto& f : newest["params"]["facilities"]) codes.push_back(f["code"]);
  EXPECT_EQ(codes, first_codes);
  EXPECT_TRUE(newest["survey_id"].is_null());  // a click opens the survey list
  EXPECT_TRUE(newest["facility_id"].is_null());
  EXPECT_EQ(newest["year"], 2026);
  EXPECT_TRUE(newest["read_at"].is_null());
  EXPECT_NE(page.header("link").find("rel=\"next\""), std::string::npos);
  auto second = tpc->get("/api/v1/notifications?limit=1&offset=1").json();
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_LT(second["items"][0]["id"].get<std::int64_t>(), newest["id"].get<std::int64_t>());  // newest first
  EXPECT_EQ(second["items"][0]["params"]["days"], 30);
  EXPECT_EQ(second["items"][0]["params"]["count"], open);
}

TEST_F(ApiNotifications, OthersGetNoneOfTheProvidersReminders) {
  round_and_reminders();
  EXPECT_EQ(unread(*as("tpc-viewer")), 0);
  EXPECT_EQ(unread(*as("energy")), 0);  // authority officers only once overdue
  EXPECT_EQ(as("ohs")->get("/api/v1/notifications").json()["total"], 0);
}

TEST_F(ApiNotifications, AnotherUsersNotificationIs404AndStaysUnread) {
  round_and_reminders();
  auto tpc = as("tpc");
  std::int64_t before = unread(*tpc);
  std::int64_t id = tpc->get("/api/v1/notifications?unread=true&limit=1").json()["items"][0]["id"];
  auto energy = as("energy");
  auto r = energy->post_json("/api/v1/notifications/" + std::to_string(id) + "/read", "");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(unread(*tpc), before);
}

TEST_F(ApiNotifications, BadInputIsAProblemAndChangesNothing) {
  round_and_reminders();
  auto tpc = as("tpc");
  std::int64_t before = unread(*tpc);
  for (const char* target : {"/api/v1/notifications?limit=0", "/api/v1/notifications?limit=101",
                             "/api/v1/notifications?unread=maybe", "/api/v1/notifications?page=2",
                             "/api/v1/notifications/unread-count?x=1"}) {
    auto r = tpc->get(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << target;
  }
  for (const char* target : {"/api/v1/notifications/abc/read", "/api/v1/notifications/0/read",
                             "/api/v1/notifications/999999999/read"}) {
    auto r = tpc->post_json(target, "");
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
  }
  EXPECT_EQ(unread(*tpc), before);
  auto ohs = as("ohs");
  std::size_t rounds = ohs->get("/api/v1/survey-rounds").json()["items"].size();
  auto bad = ohs->post_json("/api/v1/survey-rounds", json{{"year", 2027}, {"opens_on", "2027-01-01"},
                                                          {"deadline", "2027-12-31"}, {"reminder_days", {0, 7, 7}}}
                                                         .dump());
  ASSERT_EQ(bad.status, 422) << bad.body;
  std::set<std::string> pointers;
  json problem = bad.json();
  for (const auto& e : problem["errors"])
    pointers.insert(e["pointer"].get<std::string>() + " " + e.value("code", std::string()));
  EXPECT_EQ(pointers, (std::set<std::string>{"/reminder_days/0 survey.reminder_day_invalid",
                                              "/reminder_days/2 survey.reminder_day_duplicate"}));
  bad = ohs->post_json("/api/v1/survey-rounds", json{{"year", 2027}, {"opens_on", "2027-01-01"},
                                                     {"deadline", "2027-12-31"}, {"reminder_days", "30"}}
                                                    .dump());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ohs->get("/api/v1/survey-rounds").json()["items"].size(), rounds);
  EXPECT_EQ(tpc->get("/api/v1/notifications").status, 200);
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get("/api/v1/notifications").status, 401);
}

TEST_F(ApiNotifications, ReadOneThenReadAll) {
  round_and_reminders();
  auto tpc = as("tpc");
  std::int64_t n = unread(*tpc);
  ASSERT_GT(n, 1);
  std::int64_t id = tpc->get("/api/v1/notifications?unread=true&limit=1").json()["items"][0]["id"];
  auto r = tpc->post_json("/api/v1/notifications/" + std::to_string(id) + "/read", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json()["read_at"].is_null());
  EXPECT_EQ(unread(*tpc), n - 1);
  EXPECT_EQ(tpc->get("/api/v1/notifications?unread=true").json()["total"], n - 1);
  r = tpc->post_json("/api/v1/notifications/" + std::to_string(id) + "/read", "");  // again: still read
  EXPECT_EQ(r.status, 200);
  r = tpc->post_json("/api/v1/notifications/read-all", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["marked"], n - 1);
  EXPECT_EQ(unread(*tpc), 0);
  EXPECT_EQ(tpc->get("/api/v1/notifications").json()["total"], n);  // read ones stay listed
}

TEST(ServeReminderSweep, TheServerStopsPromptlyWithTheSweepThreadWaiting) {
  testing::ServerProcessOptions opt;
  opt.extra_args = {"--reminder-interval-minutes", "1"};
  ServerProcess server(opt);
  ASSERT_TRUE(server.ok()) << server.error();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(), 0) << server.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace cipms
