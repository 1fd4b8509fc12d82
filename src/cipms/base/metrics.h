// Process-wide operational metrics, rendered in the Prometheus text exposition format
// (version 0.0.4) for GET /metrics. Backed by prometheus-cpp's core library (Debian's
// prometheus-cpp-dev), which no other header sees. All functions are thread-safe and cheap
// (a label lookup under a mutex and an atomic add); labels must come from small fixed sets
// (route patterns, not paths) so that the number of series stays bounded.
//
// Metrics:
//   cipms_http_requests_total{method,route,status}            counter
//   cipms_http_request_duration_seconds{method,route}         histogram (seconds)
//   cipms_http_requests_in_flight                             gauge
//   cipms_job_duration_seconds{kind,outcome}                  histogram (seconds)
//   cipms_db_pool_sessions{state="idle"|"in_use"}             gauge
//   cipms_db_pool_max_idle                                    gauge
//   cipms_db_pool_sessions_opened_total                       counter
//   cipms_process_start_time_seconds                          gauge (Unix time)
#pragma once

#include <string>
#include <string_view>

namespace cipms::metrics {

// One answered HTTP request: `route` is the matched pattern ("/api/v1/facilities/{id}"),
// "static" for web files, "unmatched" otherwise.
void observe_http_request(std::string_view method, std::string_view route, int status, double seconds);

// Counts a request as in flight for the lifetime of the object.
class InFlight {
 public:
  InFlight();
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
};

// One finished job (services/jobs.h): outcome "succeeded" or "failed".
void observe_job(std::string_view kind, std::string_view outcome, double seconds);

// The database session pool (api/session_pool.h).
void db_pool_sessions_add(std::string_view state, double delta);  // state "idle" or "in_use"
void db_pool_set_max_idle(double n);
void db_pool_session_opened();

// Every metric above, in the text format.
std::string render_text();
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace cipms::metrics
