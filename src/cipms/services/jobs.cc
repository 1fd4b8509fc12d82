#include "cipms/services/jobs.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <random>

#include "cipms/base/metrics.h"

namespace cipms {

const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kFailed: return "failed";
  }
  return "unknown";
}

struct JobManager::Job {
  JobInfo info;  // guarded by mu_ except progress, read from `progress`
  JobFunction fn;
  std::atomic<double> progress{0};
};

JobManager::JobManager(std::shared_ptr<Clock> clock, int workers, std::size_t max_finished)
    : clock_(std::move(clock)), max_finished_(max_finished) {
  for (int i = 0; i < std::max(1, workers); ++i)
    workers_.emplace_back([this](std::stop_token st) { worker_loop(st); });
}

JobManager::~JobManager() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  for (auto& w : workers_) w.request_stop();
  cv_.notify_all();
  workers_.clear();  // joins
}

std::string JobManager::submit(std::string kind, JobFunction fn, std::string owner, bool registry_data) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto job = std::make_shared<Job>();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  job->info.id = buf;
  job->info.kind = std::move(kind);
  job->info.owner = std::move(owner);
  job->info.registry_data = registry_data;
  job->info.created_at = clock_->now();
  job->fn = std::move(fn);
  {
    std::lock_guard lock(mu_);
    jobs_[job->info.id] = job;
    queue_.push_back(job);
  }
  cv_.notify_one();
  return job->info.id;
}

std::optional<JobInfo> JobManager::get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  JobInfo info = it->second->info;
  info.progress = info.state == JobState::kSucceeded ? 1.0 : it->second->progress.load();
  return info;
}

void JobManager::wait(const std::string& id) const {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] {
    auto it = jobs_.find(id);
    return it == jobs_.end() || it->second->info.state == JobState::kSucceeded ||
           it->second->info.state == JobState::kFailed;
  });
}

void JobManager::retire_locked() {
  while (finished_order_.size() > max_finished_) {
    jobs_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

void JobManager::worker_loop(std::stop_token st) {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return st.stop_requested() || !queue_.empty(); });
      if (st.stop_requested()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      job->info.state = JobState::kRunning;
      job->info.started_at = clock_->now();
    }
    JobProgress progress(&job->progress, &stopping_);
    Result<std::string> r = Status::internal("job did not run");
    auto t0 = std::chrono::steady_clock::now();
    try {
      r = job->fn(progress);
    } catch (const std::exception& e) {
      r = Status::internal(std::string("job failed: ") + e.what());
    } catch (...) {
      r = Status::internal("job failed");
    }
    metrics::observe_job(job->info.kind, r.is_ok() ? "succeeded" : "failed",
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    {
      std::lock_guard lock(mu_);
      job->info.finished_at = clock_->now();
      if (r.is_ok()) {
        job->info.state = JobState::kSucceeded;
        job->info.result = std::make_shared<const std::string>(std::move(r).value());
        job->progress = 1.0;
      } else {
        job->info.state = JobState::kFailed;
        job->info.error = r.status();
      }
      job->fn = nullptr;
      finished_order_.push_back(job->info.id);
      retire_locked();
    }
    done_cv_.notify_all();
  }
}

}  // namespace cipms
