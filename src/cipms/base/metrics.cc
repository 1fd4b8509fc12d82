#include "cipms/base/metrics.h"

#include <chrono>
#include <memory>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace cipms::metrics {

namespace {

using prometheus::Histogram;

struct Registry {
  std::shared_ptr<prometheus::Registry> reg = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter().Name("cipms_http_requests_total").Help("HTTP requests answered, by method, route pattern and status").Register(*reg);
  prometheus::Family<Histogram>& latency =
      prometheus::BuildHistogram().Name("cipms_http_request_duration_seconds").Help("Time from reading a request to handing its answer to the server, by method and route pattern").Register(*reg);
  prometheus::Gauge& in_flight =
      prometheus::BuildGauge().Name("cipms_http_requests_in_flight").Help("HTTP requests being handled now").Register(*reg).Add({});
  prometheus::Family<Histogram>& jobs =
      prometheus::BuildHistogram().Name("cipms_job_duration_seconds").Help("Run time of finished analysis jobs, by kind and outcome").Register(*reg);
  prometheus::Family<prometheus::Gauge>& pool =
      prometheus::BuildGauge().Name("cipms_db_pool_sessions").Help("Database sessions of the pool, idle or in use").Register(*reg);
  prometheus::Gauge& pool_max_idle =
      prometheus::BuildGauge().Name("cipms_db_pool_max_idle").Help("Most idle sessions the pool keeps").Register(*reg).Add({});
  prometheus::Counter& pool_opened =
      prometheus::BuildCounter().Name("cipms_db_pool_sessions_opened_total").Help("Database sessions opened by the pool").Register(*reg).Add({});

  Registry() {
    prometheus::BuildGauge().Name("cipms_process_start_time_seconds").Help("Start time of the process since the Unix epoch in seconds").Register(*reg).Add({})
        .Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    pool.Add({{"state", "idle"}});
    pool.Add({{"state", "in_use"}});
  }
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: worker threads may outlive main's statics
  return *r;
}

const Histogram::BucketBoundaries& http_buckets() {
  static const Histogram::BucketBoundaries b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

const Histogram::BucketBoundaries& job_buckets() {
  static const Histogram::BucketBoundaries b = {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800};
  return b;
}

}  // namespace

void observe_http_request(std::string_view method, std::string_view route, int status, double seconds) {
  Registry& r = registry();
  std::string m(method), p(route);
  r.requests.Add({{"method", m}, {"route", p}, {"status", std::to_string(status)}}).Increment();
  r.latency.Add({{"method", m}, {"route", p}}, http_buckets()).Observe(seconds);
}

InFlight::InFlight() { registry().in_flight.Increment(); }
InFlight::~InFlight() { registry().in_flight.Decrement(); }

void observe_job(std::string_view kind, std::string_view outcome, double seconds) {
  registry().jobs.Add({{"kind", std::string(kind)}, {"outcome", std::string(outcome)}}, job_buckets()).Observe(seconds);
}

void db_pool_sessions_add(std::string_view state, double delta) {
  auto& g = registry().pool.Add({{"state", std::string(state)}});
  if (delta >= 0) g.Increment(delta);
  else g.Decrement(-delta);
}
void db_pool_set_max_idle(double n) { registry().pool_max_idle.Set(n); }
void db_pool_session_opened() { registry().pool_opened.Increment(); }

std::string render_text() {
  Registry& r = registry();
  return prometheus::TextSerializer().Serialize(r.reg->Collect());
}

}  // namespace cipms::metrics
