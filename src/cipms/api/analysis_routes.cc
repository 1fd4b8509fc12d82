#include "cipms/api/analysis_routes.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cipms/domain/seed.h"
#include "cipms/services/analysis.h"
#include "cipms/services/jobs.h"
#include "cipms/services/network_service.h"

#include <unordered_set>
#include "cipms/services/network_io.h"
#include "cipms/services/scenario_io.h"

namespace cipms::api {

namespace {

using Json = nlohmann::json;

struct RankingSlot {
  std::int64_t revision = 0;
  double horizon = 0;
  std::string job_id;
  std::shared_ptr<const Ranking> ranking;  // set when the job succeeded
};

// The job manager, created on first use. Kept apart from AnalysisApi on purpose: jobs hold
// AnalysisApi (its caches), and the last holder may be a worker thread, which must never be
// the one destroying the manager that joins it.
class LazyJobs {
 public:
  explicit LazyJobs(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {}
  JobManager& get() {
    std::call_once(once_, [&] { jobs_ = std::make_unique<JobManager>(clock_ ? clock_ : system_clock(), 1, 64); });
    return *jobs_;
  }

 private:
  std::shared_ptr<Clock> clock_;
  std::once_flag once_;
  std::unique_ptr<JobManager> jobs_;
};

class AnalysisApi {
 public:
  explicit AnalysisApi(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  int threads() const { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

  // The registry as an engine network, rebuilt when the revision changed.
  Result<std::shared_ptr<const AnalysisNetwork>> registry_network(std::int64_t revision) {
    {
      std::lock_guard lock(mu_);
      if (net_ && net_revision_ == revision) return net_;
    }
    CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot snap, load_registry_network(ctx_));
    CIPMS_ASSIGN_OR_RETURN(std::shared_ptr<const AnalysisNetwork> net, build_analysis_network(snap));
    std::lock_guard lock(mu_);
    net_ = net;
    net_revision_ = revision;
    return net;
  }

  const ServiceContext& ctx() const { return ctx_; }
  std::mutex& mu() { return mu_; }
  std::vector<RankingSlot>& rankings() { return rankings_; }

 private:
  ServiceContext ctx_;
  std::mutex mu_;
  std::shared_ptr<const AnalysisNetwork> net_;
  std::int64_t net_revision_ = -1;
  std::vector<RankingSlot> rankings_;  // most recent last, at most kMaxRankings
};

constexpr std::size_t kMaxRankings = 8;

Json job_json(const JobInfo& j) {
  Json out = {{"id", j.id},
              {"kind", j.kind},
              {"state", job_state_name(j.state)},
              {"progress", j.progress},
              {"created_at", format_utc(j.created_at)},
              {"started_at", j.started_at ? Json(format_utc(*j.started_at)) : Json(nullptr)},
              {"finished_at", j.finished_at ? Json(format_utc(*j.finished_at)) : Json(nullptr)}};
  if (j.state == JobState::kSucceeded) out["result"] = "/api/v1/jobs/" + j.id + "/result";
  if (j.state == JobState::kFailed) {
    Json errors = Json::array();
    for (const FieldError& e : j.error.errors()) errors.push_back({{"pointer", e.pointer}, {"detail", e.message}});
    out["error"] = {{"code", code_name(j.error.code())}, {"detail", j.error.message()}, {"errors", errors}};
  }
  return out;
}

Response job_accepted(const JobInfo& j) {
  Response r = json_response(202, job_json(j).dump());
  r.headers.emplace_back("Location", "/api/v1/jobs/" + j.id);
  return r;
}

Status with_prefix(const Status& st, const std::string& prefix) {
  std::vector<FieldError> errors = st.errors();
  for (FieldError& e : errors) e.pointer = prefix + e.pointer;
  if (errors.empty()) errors.push_back({prefix, st.message()});
  return Status(st.code(), st.message(), std::move(errors));
}

// Codes of the registry facilities `who` may read; nullopt when it may read all of them. One
// query over codes with the lists' access condition, not the whole network per request.
Result<std::optional<std::unordered_set<std::string>>> readable_codes(const ServiceContext& ctx, const Principal& who) {
  return NetworkService(ctx).readable_codes(who);
}

std::string owner_of(const Principal& who) { return who.system ? std::string() : std::to_string(who.user.value); }

Response post_simulation(AnalysisApi& api, JobManager& jobs, const Request& req) {
  Json body;
  try {
    body = Json::parse(req.body, nullptr, false);
  } catch (const Json::exception&) {  // number overflow
    body = Json(Json::value_t::discarded);
  }
  if (body.is_discarded() || !body.is_object())
    return problem(Status::invalid("the body must be a JSON object", {{"", "not a JSON object"}}), req);
  std::vector<FieldError> unknown;
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "scenario" && it.key() != "network") unknown.push_back({"/" + it.key(), "unknown field"});
  if (!body.contains("scenario")) unknown.push_back({"/scenario", "required field \"scenario\" is missing"});
  if (!unknown.empty()) return problem(Status::invalid("invalid simulation request", unknown), req);

  std::shared_ptr<const AnalysisNetwork> net;
  if (body.contains("network")) {
    auto snap = parse_network_json(body["network"].dump(), builtin_taxonomy());
    if (!snap.is_ok()) return problem(with_prefix(snap.status(), "/network"), req);
    auto built = build_analysis_network(*snap);
    if (!built.is_ok()) return problem(with_prefix(built.status(), "/network"), req);
    net = *built;
  } else {
    auto rev = load_registry_revision(api.ctx());
    if (!rev.is_ok()) return problem(rev.status(), req);
    auto built = api.registry_network(*rev);
    if (!built.is_ok()) return problem(built.status(), req);
    net = *built;
  }
  // On the registry, a scenario may name only facilities the caller may read: an unknown and
  // a hidden facility get the same answer.
  const bool on_registry = !body.contains("network");
  std::optional<std::unordered_set<std::string>> readable;
  if (on_registry) {
    auto r = readable_codes(api.ctx(), req.who());
    if (!r.is_ok()) return problem(r.status(), req);
    readable = std::move(r).value();
  }
  auto scenario = parse_scenario_json_at(body["scenario"].dump(), "/scenario", [&](const std::string& id) {
    return net->index.count(id) > 0 && (!readable || readable->count(id) > 0);
  });
  if (!scenario.is_ok()) return problem(scenario.status(), req);
  Scenario sc = std::move(scenario).value();
  const std::string id = jobs.submit(
      "simulation",
      [net, sc](JobProgress& p) {
        auto r = simulate_to_json(*net, sc);
        p.set(1);
        return r;
      },
      owner_of(req.who()), on_registry);
  return job_accepted(*jobs.get(id));
}

Response get_job(const ServiceContext& ctx, JobManager& jobs, const Request& req, bool result) {
  auto it = req.params.find("id");
  auto job = it == req.params.end() ? std::nullopt : jobs.get(it->second);
  // Someone else's job answers like a missing one.
  if (job && !job->owner.empty() && job->owner != owner_of(req.who())) job.reset();
  if (!job) return problem(Status::not_found("no such job (finished jobs are kept for a while only)"), req);
  if (!result) return json_response(200, job_json(*job).dump());
  if (job->state == JobState::kSucceeded && job->registry_data && !req.who().system) {
    // Registry facilities the reader may not read (their clearance may have changed since) are
    // left out of the per-facility results; the totals stay those of the whole network.
    auto readable = readable_codes(ctx, req.who());
    if (!readable.is_ok()) return problem(readable.status(), req);
    Json doc = Json::parse(*job->result, nullptr, false);
    for (const char* list : {"facilities", "ranking"}) {
      if (!*readable || !doc.is_object() || !doc.contains(list) || !doc[list].is_array()) continue;
      Json kept = Json::array();
      for (auto& f : doc[list])
        if (f.contains("id") && f["id"].is_string() && (*readable)->count(f["id"].get<std::string>())) kept.push_back(f);
      doc[list] = std::move(kept);
      if (std::string(list) == "ranking" && doc.contains("total")) doc["total"] = doc[list].size();
    }
    return json_response(200, doc.dump());
  }
  if (job->state == JobState::kSucceeded) return json_response(200, *job->result);
  if (job->state == JobState::kFailed) return problem(job->error, req);
  return problem(Status::conflict("job " + job->id + " is " + job_state_name(job->state) + "; its result is not ready"), req);
}

Response get_ranking(const std::shared_ptr<AnalysisApi>& api, JobManager& jobs, const Request& req) {
  double horizon = 168;
  std::int64_t limit = 50, offset = 0;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : req.query) {
    try {
      std::size_t used = 0;
      if (k == "horizon") {
        horizon = std::stod(v, &used);
        if (!std::isfinite(horizon) || horizon < 0 || horizon > 1e6) throw std::invalid_argument("");
      } else if (k == "limit") {
        limit = std::stoll(v, &used);
        if (limit < 1 || limit > 1000) throw std::invalid_argument("");
      } else if (k == "offset") {
        offset = std::stoll(v, &used);
        if (offset < 0) throw std::invalid_argument("");
      } else {
        errors.push_back({"query:" + k, "unknown query parameter"});
        continue;
      }
      if (used != v.size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      errors.push_back({"query:" + k, k == "horizon" ? "must be a number of hours in [0, 1000000]"
                                      : k == "limit" ? "must be an integer in [1, 1000]"
                                                     : "must be an integer >= 0"});
    }
  }
  if (!errors.empty()) return problem(Status::invalid("invalid query", errors), req);
  auto rev = load_registry_revision(api->ctx());
  if (!rev.is_ok()) return problem(rev.status(), req);

  auto readable = readable_codes(api->ctx(), req.who());  // before the lock: reads the registry
  if (!readable.is_ok()) return problem(readable.status(), req);

  std::unique_lock lock(api->mu());
  auto& slots = api->rankings();
  auto slot = std::find_if(slots.begin(), slots.end(), [&](const RankingSlot& s) {
    return s.revision == *rev && s.horizon == horizon;
  });
  if (slot != slots.end()) {
    if (slot->ranking) {
      // Only the facilities the reader may read, ranked among the whole network.
      Ranking visible = *slot->ranking;
      if (*readable)
        std::erase_if(visible.rows, [&](const RankedFacility& f) { return !(*readable)->count(f.id); });
      Response r = json_response(200, ranking_to_json(visible, offset, limit));
      r.headers.emplace_back("X-Registry-Revision", std::to_string(*rev));
      return r;
    }
    auto job = jobs.get(slot->job_id);
    if (job && job->state != JobState::kFailed) return job_accepted(*job);
    slots.erase(slot);  // failed or forgotten: compute again
    if (job) return problem(job->error, req);
  }
  const std::int64_t revision = *rev;
  const int threads = api->threads();
  std::shared_ptr<AnalysisApi> self = api;
  const std::string id = jobs.submit("ranking", [self, revision, horizon, threads](JobProgress& p) -> Result<std::string> {
    CIPMS_ASSIGN_OR_RETURN(std::shared_ptr<const AnalysisNetwork> net, self->registry_network(revision));
    RankingOptions opt;
    opt.horizon_hours = horizon;
    opt.threads = threads;
    opt.progress = [&p](double x) { p.set(x); };
    opt.cancel = p.cancel_flag();
    CIPMS_ASSIGN_OR_RETURN(Ranking r, rank_facilities(*net, opt));
    auto ranking = std::make_shared<const Ranking>(std::move(r));
    std::string json = ranking_to_json(*ranking);
    std::lock_guard lock(self->mu());
    for (RankingSlot& s : self->rankings())
      if (s.revision == revision && s.horizon == horizon) s.ranking = ranking;
    return json;
  }, "", /*registry_data=*/true);
  slots.push_back({revision, horizon, id, nullptr});
  while (slots.size() > kMaxRankings) slots.erase(slots.begin());
  lock.unlock();
  return job_accepted(*jobs.get(id));
}

}  // namespace

void add_analysis_routes(Router& r, const ServiceContext& ctx) {
  auto api = std::make_shared<AnalysisApi>(ctx);
  auto jobs = std::make_shared<LazyJobs>(ctx.clock);
  r.add("POST", "/api/v1/simulations",
        [api, jobs](const Request& req) { return post_simulation(*api, jobs->get(), req); });
  r.add("GET", "/api/v1/jobs/{id}", [api, jobs](const Request& req) { return get_job(api->ctx(), jobs->get(), req, false); });
  r.add("GET", "/api/v1/jobs/{id}/result",
        [api, jobs](const Request& req) { return get_job(api->ctx(), jobs->get(), req, true); });
  r.add("GET", "/api/v1/ranking", [api, jobs](const Request& req) { return get_ranking(api, jobs->get(), req); });
}

}  // namespace cipms::api
