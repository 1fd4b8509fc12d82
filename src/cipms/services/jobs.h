// A small job manager for long analysis work (simulations, rankings) started by the API.
//
// submit() queues a function and returns its job id at once; worker threads (std::jthread)
// run jobs in submission order. A job is queued -> running -> succeeded | failed; while it
// runs it reports progress 0..1 through JobProgress. The result is a string (JSON) kept with
// the job; a failure keeps its Status (an exception escaping the function becomes kInternal).
// Retention is bounded: beyond `max_finished` finished jobs the oldest finished are forgotten
// (get() then returns nullopt). Timestamps come from the injected Clock.
// Thread-safe. The destructor stops the workers: queued jobs are dropped, running jobs are
// asked to stop (JobProgress::cancelled()) and joined.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"

namespace cipms {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed };
// "queued", "running", "succeeded", "failed".
const char* job_state_name(JobState s);

struct JobInfo {
  std::string id;
  std::string kind;  // "simulation", "ranking", ...
  JobState state = JobState::kQueued;
  double progress = 0;
  TimePoint created_at{};
  std::optional<TimePoint> started_at, finished_at;
  Status error;                                // non-OK when failed
  std::shared_ptr<const std::string> result;   // set when succeeded
  std::string owner;       // who submitted it ("" = anyone may read it); others get "no such job"
  bool registry_data = false;  // its result describes registry facilities (filtered per reader)
};

// Handed to the running function.
class JobProgress {
 public:
  void set(double p) { progress_->store(p < 0 ? 0 : (p > 1 ? 1 : p)); }
  bool cancelled() const { return cancel_->load(); }
  const std::atomic<bool>* cancel_flag() const { return cancel_; }

 private:
  friend class JobManager;
  JobProgress(std::atomic<double>* p, const std::atomic<bool>* c) : progress_(p), cancel_(c) {}
  std::atomic<double>* progress_;
  const std::atomic<bool>* cancel_;
};

using JobFunction = std::function<Result<std::string>(JobProgress&)>;

class JobManager {
 public:
  JobManager(std::shared_ptr<Clock> clock, int workers = 1, std::size_t max_finished = 64);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Queues fn; returns the new job's id (16 hex digits, unguessable).
  std::string submit(std::string kind, JobFunction fn, std::string owner = "", bool registry_data = false);
  std::optional<JobInfo> get(const std::string& id) const;
  // Blocks until the job is finished or forgotten (tests, CLI).
  void wait(const std::string& id) const;

 private:
  struct Job;
  void worker_loop(std::stop_token st);
  void retire_locked();

  std::shared_ptr<Clock> clock_;
  std::size_t max_finished_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;       // work queued / stop
  mutable std::condition_variable done_cv_;  // a job finished
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::deque<std::string> finished_order_;
  std::atomic<bool> stopping_{false};
  std::vector<std::jthread> workers_;
};

}  // namespace cipms
