#include <gtest/gtest.h>

#include <chrono>
#include <latch>

#include "cipms/services/jobs.h"

namespace cipms {
namespace {

std::shared_ptr<ManualClock> clock_at_noon() {
  TimePoint t;
  parse_utc("2026-01-01T12:00:00Z", &t);
  return std::make_shared<ManualClock>(t);
}

TEST(Jobs, SucceededJobKeepsItsResultAndTimestamps) {
  JobManager jobs(clock_at_noon());
  const std::string id = jobs.submit("simulation", [](JobProgress& p) -> Result<std::string> {
    p.set(0.5);
    return std::string("{\"ok\":true}");
  });
  EXPECT_EQ(id.size(), 16u);
  jobs.wait(id);
  auto j = jobs.get(id);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->state, JobState::kSucceeded);
  EXPECT_EQ(j->kind, "simulation");
  EXPECT_EQ(j->progress, 1.0);
  ASSERT_TRUE(j->result);
  EXPECT_EQ(*j->result, "{\"ok\":true}");
  EXPECT_EQ(format_utc(j->created_at), "2026-01-01T12:00:00Z");
  EXPECT_TRUE(j->started_at && j->finished_at);
}

TEST(Jobs, FailedJobKeepsItsStatusAndExceptionsBecomeInternal) {
  JobManager jobs(clock_at_noon());
  const std::string a = jobs.submit("x", [](JobProgress&) -> Result<std::string> {
    return Status::unprocessable("bad scenario");
  });
  const std::string b = jobs.submit("x", [](JobProgress&) -> Result<std::string> {
    throw std::runtime_error("boom");
  });
  jobs.wait(a);
  jobs.wait(b);
  EXPECT_EQ(jobs.get(a)->state, JobState::kFailed);
  EXPECT_EQ(jobs.get(a)->error.code(), Code::kUnprocessable);
  EXPECT_EQ(jobs.get(b)->state, JobState::kFailed);
  EXPECT_EQ(jobs.get(b)->error.code(), Code::kInternal);
}

TEST(Jobs, RunningJobReportsStateAndProgress) {
  JobManager jobs(clock_at_noon());
  std::latch started(1), release(1);
  const std::string id = jobs.submit("ranking", [&](JobProgress& p) -> Result<std::string> {
    p.set(0.25);
    started.count_down();
    release.wait();
    return std::string("done");
  });
  const std::string queued = jobs.submit("ranking", [](JobProgress&) -> Result<std::string> { return std::string(); });
  started.wait();
  EXPECT_EQ(jobs.get(id)->state, JobState::kRunning);
  EXPECT_EQ(jobs.get(id)->progress, 0.25);
  EXPECT_EQ(jobs.get(queued)->state, JobState::kQueued);  // one worker: waits its turn
  release.count_down();
  jobs.wait(queued);
  EXPECT_EQ(jobs.get(id)->state, JobState::kSucceeded);
}

TEST(Jobs, RetentionForgetsTheOldestFinishedJobs) {
  JobManager jobs(clock_at_noon(), 1, 3);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(jobs.submit("x", [i](JobProgress&) -> Result<std::string> { return std::to_string(i); }));
  jobs.wait(ids.back());
  EXPECT_FALSE(jobs.get(ids[0]).has_value());
  EXPECT_FALSE(jobs.get(ids[1]).has_value());
  EXPECT_EQ(*jobs.get(ids[4])->result, "4");
  EXPECT_FALSE(jobs.get("nonexistent").has_value());
}

TEST(Jobs, DestructorStopsARunningJobThatChecksCancellation) {
  std::atomic<bool> saw_cancel{false};
  {
    JobManager jobs(clock_at_noon());
    std::latch started(1);
    jobs.submit("x", [&](JobProgress& p) -> Result<std::string> {
      started.count_down();
      while (!p.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      saw_cancel = true;
      return Status(Code::kUnavailable, "cancelled");
    });
    started.wait();
  }
  EXPECT_TRUE(saw_cancel);
}

}  // namespace
}  // namespace cipms
