// Clock: the only source of "now" for domain and services code, so tests can control time.
// Timestamps are UTC, ISO 8601 with a 'Z' suffix and second precision in storage and the API.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace cipms {

using TimePoint = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The wall clock. Thread-safe.
std::shared_ptr<Clock> system_clock();

// A clock tests set and advance by hand. Not thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }
  void set(TimePoint t) { t_ = t; }
  void advance(std::chrono::seconds d) { t_ += d; }

 private:
  TimePoint t_;
};

// "2026-11-25T10:59:00Z".
std::string format_utc(TimePoint t);
// The UTC day of `t`: "2026-11-25".
std::string format_utc_date(TimePoint t);
// Parses the format above; false on anything else.
bool parse_utc(const std::string& s, TimePoint* out);

}  // namespace cipms
