#include "cipms/services/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

namespace cipms {

namespace {

using Json = nlohmann::ordered_json;  // keys in the order of the spec

// Whole hours print as integers ("72", not "72.0"), as in the spec's examples.
Json num(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9.0e15)
    return static_cast<std::int64_t>(x);
  return x;
}

}  // namespace

Result<std::shared_ptr<const AnalysisNetwork>> build_analysis_network(const NetworkSnapshot& net) {
  auto out = std::make_shared<AnalysisNetwork>();
  const std::size_t n = net.facilities.size();
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    return Status::unprocessable("network too large");
  std::vector<std::int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    return net.facilities[a].code < net.facilities[b].code;
  });
  out->ids.reserve(n);
  out->index.reserve(n);
  out->weights.population.reserve(n);
  out->weights.loss_per_hour.reserve(n);
  out->weights.mtpd_hours.reserve(n);
  for (std::int32_t i : order) {
    const Facility& f = net.facilities[i];
    if (!out->index.emplace(f.code, static_cast<std::int32_t>(out->ids.size())).second)
      return Status::unprocessable("duplicate facility id",
                                   {{"/facilities/" + std::to_string(i) + "/id", "duplicate id \"" + f.code + "\""}});
    out->ids.push_back(f.code);
    out->weights.population.push_back(static_cast<double>(f.population));
    out->weights.loss_per_hour.push_back(f.loss_per_hour);
    out->weights.mtpd_hours.push_back(f.mtpd_hours ? *f.mtpd_hours : -1.0);
  }
  graph::GraphBuilder b(static_cast<std::int32_t>(n));
  std::int64_t edges = 0;
  for (const auto& d : net.dependencies) edges += static_cast<std::int64_t>(d.suppliers.size());
  b.reserve(static_cast<std::int64_t>(net.dependencies.size()), edges);
  out->resources.reserve(net.dependencies.size());
  std::vector<FieldError> errors;
  std::vector<std::int32_t> sup;
  for (std::size_t k = 0; k < net.dependencies.size(); ++k) {
    const auto& d = net.dependencies[k];
    const std::string at = "/dependencies/" + std::to_string(k);
    auto c = out->index.find(d.consumer);
    if (c == out->index.end()) {
      errors.push_back({at + "/consumer", "unknown facility \"" + d.consumer + "\""});
      continue;
    }
    sup.clear();
    bool ok = true;
    for (std::size_t s = 0; s < d.suppliers.size(); ++s) {
      auto it = out->index.find(d.suppliers[s]);
      if (it == out->index.end()) {
        errors.push_back({at + "/suppliers/" + std::to_string(s), "unknown facility \"" + d.suppliers[s] + "\""});
        ok = false;
      } else if (std::find(sup.begin(), sup.end(), it->second) != sup.end()) {
        errors.push_back({at + "/suppliers/" + std::to_string(s), "duplicate supplier \"" + d.suppliers[s] + "\""});
        ok = false;
      } else {
        sup.push_back(it->second);
      }
    }
    if (d.suppliers.empty()) {
      errors.push_back({at + "/suppliers", "at least one supplier is required"});
      ok = false;
    }
    if (d.min_up < 1 || d.min_up > static_cast<int>(d.suppliers.size())) {
      errors.push_back({at + "/min_up", "must be between 1 and the number of suppliers"});
      ok = false;
    }
    if (!std::isfinite(d.backup_hours) || d.backup_hours < 0) {
      errors.push_back({at + "/backup_hours", "must be a finite number >= 0"});
      ok = false;
    }
    if (!ok) continue;
    b.add_dependency(c->second, sup, d.min_up, d.backup_hours);
    out->resources.push_back(d.resource);
  }
  if (!errors.empty()) return Status::unprocessable("invalid network", std::move(errors));
  auto g = b.finish();
  if (!g.is_ok()) return Status::unprocessable(g.status().message());
  out->graph = std::move(g).value();
  return std::shared_ptr<const AnalysisNetwork>(std::move(out));
}

Result<NetworkSnapshot> load_registry_network(const ServiceContext& ctx) {
  if (!ctx.db) return Status::internal("no database");
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return (*s)->load_network();
}

Result<std::int64_t> load_registry_revision(const ServiceContext& ctx) {
  if (!ctx.db) return Status::internal("no database");
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return (*s)->registry_revision();
}

Result<std::string> simulate_to_json(const AnalysisNetwork& net, const Scenario& scenario) {
  std::vector<sim::DamageEvent> events;
  events.reserve(scenario.events.size());
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < scenario.events.size(); ++i) {
    const ScenarioEvent& e = scenario.events[i];
    auto it = net.index.find(e.facility);
    if (it == net.index.end()) {
      errors.push_back({"/events/" + std::to_string(i) + "/facility", "unknown facility \"" + e.facility + "\""});
      continue;
    }
    events.push_back({it->second, e.down_at, e.repair_hours});
  }
  if (!errors.empty()) return Status::unprocessable("invalid scenario", std::move(errors));
  Status st = sim::validate_events(net.graph, events, scenario.horizon_hours);
  if (!st.is_ok()) return Status::unprocessable(st.message());

  sim::CascadeEngine engine(net.graph);
  const sim::CascadeResult r = engine.run(events, scenario.horizon_hours);
  const sim::CascadeSummary s = sim::summarize(r, net.weights);

  Json facilities = Json::array();
  for (std::size_t i = 0; i < r.outages.size();) {
    const std::int32_t v = r.outages[i].node;
    Json outages = Json::array();
    double downtime = 0;
    bool exceeded = false;
    const double mtpd = net.weights.mtpd_hours[v];
    for (; i < r.outages.size() && r.outages[i].node == v; ++i) {
      const sim::Outage& o = r.outages[i];
      const std::string cause = o.cause == sim::Outage::kDamaged
                                    ? std::string("damaged")
                                    : "dependency:" + net.resources[o.cause];
      outages.push_back({{"start", num(o.start)}, {"end", num(o.end)}, {"cause", cause}});
      downtime += o.end - o.start;
      exceeded = exceeded || (mtpd >= 0 && o.end - o.start > mtpd);
    }
    facilities.push_back({{"id", net.ids[v]},
                          {"outages", std::move(outages)},
                          {"downtime_hours", num(downtime)},
                          {"exceeded_mtpd", exceeded}});
  }
  Json timeline = Json::array();
  for (const sim::TimelinePoint& p : r.timeline) timeline.push_back({{"t", num(p.t)}, {"down", p.down}});
  Json out = {{"facilities", std::move(facilities)},
              {"summary",
               {{"facilities_down", s.facilities_down},
                {"peak_down", s.peak_down},
                {"population_hours", num(s.population_hours)},
                {"economic_loss", num(s.economic_loss)},
                {"exceeded_mtpd", s.exceeded_mtpd}}},
              {"timeline", std::move(timeline)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Ranking> rank_facilities(const AnalysisNetwork& net, const RankingOptions& opt) {
  if (!std::isfinite(opt.horizon_hours) || opt.horizon_hours < 0)
    return Status::invalid("horizon must be a finite number >= 0", {{"horizon", "must be >= 0"}});
  if (opt.threads < 1) return Status::invalid("threads must be >= 1", {{"threads", "must be >= 1"}});
  sim::RankOptions o;
  o.horizon = opt.horizon_hours;
  o.threads = opt.threads;
  o.progress = opt.progress;
  o.cancel = opt.cancel;
  Ranking out;
  out.horizon_hours = opt.horizon_hours;
  for (const sim::RankEntry& e : sim::rank_all(net.graph, net.weights, o))
    out.rows.push_back({net.ids[e.node], e.population_hours, e.facilities_down, e.exceeded_mtpd, e.economic_loss});
  if (opt.cancel && opt.cancel->load()) return Status(Code::kUnavailable, "ranking cancelled");
  return out;
}

std::string ranking_to_json(const Ranking& r, std::int64_t offset, std::int64_t limit) {
  const std::int64_t total = static_cast<std::int64_t>(r.rows.size());
  offset = std::clamp<std::int64_t>(offset, 0, total);
  const std::int64_t end = limit < 0 ? total : std::min(total, offset + limit);
  Json rows = Json::array();
  for (std::int64_t i = offset; i < end; ++i) {
    const RankedFacility& f = r.rows[i];
    rows.push_back({{"rank", i + 1},
                    {"id", f.id},
                    {"population_hours", num(f.population_hours)},
                    {"facilities_down", f.facilities_down},
                    {"exceeded_mtpd", f.exceeded_mtpd},
                    {"economic_loss", num(f.economic_loss)}});
  }
  Json out = {{"horizon_hours", num(r.horizon_hours)}, {"total", total}, {"offset", offset}};
  if (limit >= 0) out["limit"] = limit;
  out["ranking"] = std::move(rows);
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cipms
