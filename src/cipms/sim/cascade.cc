#include "cipms/sim/cascade.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include "cipms/base/check.h"

namespace cipms::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

Status validate_events(const graph::DependencyGraph& g, std::span<const DamageEvent> events,
                       double horizon) {
  if (!std::isfinite(horizon) || horizon < 0)
    return Status::invalid("horizon must be finite and >= 0");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const DamageEvent& e = events[i];
    auto bad = [&](const char* what) {
      return Status::invalid("event " + std::to_string(i) + ": " + what);
    };
    if (e.node < 0 || e.node >= g.num_nodes()) return bad("node out of range");
    if (!std::isfinite(e.down_at) || e.down_at < 0) return bad("down_at must be finite and >= 0");
    if (!std::isfinite(e.repair_hours) || e.repair_hours < 0)
      return bad("repair_hours must be finite and >= 0");
    if (!std::isfinite(e.down_at + e.repair_hours)) return bad("down_at + repair_hours overflows");
  }
  return Status::ok();
}

CascadeEngine::CascadeEngine(const graph::DependencyGraph& g) : g_(g) {
  const std::size_t n = g.num_nodes(), m = g.num_deps();
  up_.assign(n, 1);
  damage_.assign(n, 0);
  node_stamp_.assign(n, 0);
  prev_up_.assign(n, 1);
  outage_start_.assign(n, 0);
  outage_cause_.assign(n, Outage::kDamaged);
  node_dirty_.assign(n, 0);
  region_stamp_.assign(n, 0);
  prev_damaged_.assign(n, 0);
  ev_stamp_.assign(n, 0);
  queued_.assign(n, 0);
  cnt_.resize(m);
  for (std::size_t d = 0; d < m; ++d) cnt_[d] = static_cast<std::int32_t>(g.suppliers(d).size());
  mode_.assign(m, kSatisfied);
  time_.assign(m, 0);
  gen_.assign(m, 0);
  dep_stamp_.assign(m, 0);
  dep_dirty_.assign(m, 0);
}

// Remaining backup > 0 at instant t, judged on the state of the interval before t.
bool CascadeEngine::covered(std::int32_t d, double t) const {
  switch (mode_[d]) {
    case kSatisfied: return g_.backup_hours(d) > 0;
    case kBurning: return t < time_[d];
    case kPaused: return time_[d] > 0;
  }
  return false;
}

bool CascadeEngine::dep_ok(std::int32_t d, double t) const {
  return cnt_[d] >= g_.min_up(d) || covered(d, t);
}

bool CascadeEngine::node_ok(std::int32_t v, double t) const {
  if (damage_[v] > 0) return false;
  for (std::int32_t d : g_.consumed(v))
    if (!dep_ok(d, t)) return false;
  return true;
}

void CascadeEngine::touch_node(std::int32_t v) {
  if (!node_dirty_[v]) {
    node_dirty_[v] = 1;
    dirty_nodes_.push_back(v);
  }
  if (node_stamp_[v] != instant_) {
    node_stamp_[v] = instant_;
    prev_up_[v] = up_[v];
    inst_nodes_.push_back(v);
  }
}

void CascadeEngine::touch_dep(std::int32_t d) {
  if (!dep_dirty_[d]) {
    dep_dirty_[d] = 1;
    dirty_deps_.push_back(d);
  }
  if (dep_stamp_[d] != instant_) {
    dep_stamp_[d] = instant_;
    inst_deps_.push_back(d);
  }
}

void CascadeEngine::set_down(std::int32_t v) {
  touch_node(v);
  up_[v] = 0;
  for (std::int32_t d : g_.supplied(v)) {
    touch_dep(d);
    --cnt_[d];
  }
}

void CascadeEngine::set_up(std::int32_t v) {
  touch_node(v);
  up_[v] = 1;
  for (std::int32_t d : g_.supplied(v)) {
    touch_dep(d);
    ++cnt_[d];
  }
}

// Whether v could survive this round's loop recovery at all: every dependency is available
// already, or would be if every supplier that can be in the optimistic region came up. Only
// down, undamaged nodes on a loop (not yet ruled out) can be there: a node on no loop comes
// up by forward propagation alone, which has run dry when a round starts. A node failing this
// would be peeled anyway, so it is neither a seed nor expanded into; that keeps the region
// away from the bulk of a big down component whose members wait for damaged facilities or
// for nodes below them in the supply chain. The survivors of the round are unchanged.
bool CascadeEngine::could_recover(std::int32_t v, double t) const {
  for (std::int32_t d : g_.consumed(v)) {
    const std::int32_t k = g_.min_up(d);
    if (cnt_[d] >= k || covered(d, t)) continue;
    std::int32_t potential = cnt_[d];
    for (std::int32_t s : g_.suppliers(d))
      if (!up_[s] && damage_[s] == 0 && g_.on_cycle(s) && region_stamp_[s] != region_gen_ + 1 &&
          ++potential >= k)
        break;
    if (potential < k) return false;
  }
  return true;
}

// Loop recovery for every seed of one round together: the down, undamaged nodes reachable
// from the seeds inside their strongly connected components (and able to recover at all) are
// assumed up, then members that still violate rule 4 are peeled by a worklist until none
// does. What survives is the largest self-supporting set there (greatest fixed point). One
// region and one peel per round instead of one per seed: each node is expanded and peeled at
// most once, so a round costs O(region + its edges) however many seeds share a loop.
//
// region_stamp_: region_gen_ = in the region and still tentatively up; region_gen_ + 1 =
// ruled out (failed could_recover, or peeled). cnt_ counts tentative members while peeling,
// so a peeled node leaves no trace and only survivors are touched.
void CascadeEngine::recover_loops(double t) {
  region_gen_ += 2;
  if (region_gen_ < 2) {  // wrapped: forget every stamp
    std::fill(region_stamp_.begin(), region_stamp_.end(), 0);
    region_gen_ = 2;
  }
  const std::uint32_t in = region_gen_, out = region_gen_ + 1;
  region_.clear();
  auto consider = [&](std::int32_t v) {
    if (region_stamp_[v] == in || region_stamp_[v] == out || up_[v] || damage_[v] > 0) return;
    region_stamp_[v] = could_recover(v, t) ? in : out;
    if (region_stamp_[v] == in) region_.push_back(v);
  };
  for (std::int32_t v : seeds_) consider(v);
  for (std::size_t i = 0; i < region_.size(); ++i) {
    const std::int32_t v = region_[i], comp = g_.scc(v);
    for (std::int32_t d : g_.supplied(v)) {
      const std::int32_t c = g_.consumer(d);
      if (g_.scc(c) == comp) consider(c);
    }
  }
  if (region_.empty()) return;
  ++stats_.loop_rounds;
  stats_.loop_region += static_cast<std::int64_t>(region_.size());
  for (std::int32_t v : region_)
    for (std::int32_t d : g_.supplied(v)) ++cnt_[d];
  std::vector<std::int32_t>& stack = stack_;
  stack.clear();
  for (std::int32_t v : region_)
    if (!node_ok(v, t)) stack.push_back(v);
  while (!stack.empty()) {
    const std::int32_t v = stack.back();
    stack.pop_back();
    if (region_stamp_[v] != in) continue;
    region_stamp_[v] = out;
    for (std::int32_t d : g_.supplied(v)) {
      const std::int32_t c = g_.consumer(d);
      // Only the drop below min_up can newly break d; the consumer is queued once per drop.
      if (--cnt_[d] == g_.min_up(d) - 1 && region_stamp_[c] == in && !covered(d, t)) stack.push_back(c);
    }
  }
  for (std::int32_t v : region_) {
    if (region_stamp_[v] != in) continue;
    touch_node(v);
    up_[v] = 1;
    for (std::int32_t d : g_.supplied(v)) touch_dep(d);
  }
  // Members of the region (peeled or not) and ruled-out nodes were judged with every survivor
  // up: only consumers outside can gain from the survivors.
  for (std::int32_t v : region_) {
    if (!up_[v]) continue;
    for (std::int32_t d : g_.supplied(v)) {
      const std::int32_t c = g_.consumer(d);
      if (region_stamp_[c] != in && region_stamp_[c] != out) enqueue_consumer(d);
    }
  }
}

// After a supplier of d came up: its consumer may come up (forward check), or, when it lies
// on a loop, may be the seed of a loop recovery.
void CascadeEngine::enqueue_consumer(std::int32_t d) {
  const std::int32_t c = g_.consumer(d);
  if (up_[c] || damage_[c] > 0 || queued_[c] == instant_) return;
  if (cnt_[d] < g_.min_up(d) && !g_.on_cycle(c)) return;  // forward check would fail anyway
  queued_[c] = instant_;
  work_.push_back(c);
}

void CascadeEngine::process_instant(double t) {
  // 1. Losses: greatest fixed point inside the old up set (pure down-propagation).
  std::vector<std::int32_t>& stack = stack_;
  stack.clear();
  for (std::int32_t v : newly_damaged_) stack.push_back(v);
  for (std::int32_t d : expired_) stack.push_back(g_.consumer(d));
  while (!stack.empty()) {
    const std::int32_t v = stack.back();
    stack.pop_back();
    if (!up_[v]) continue;
    if (damage_[v] == 0) {
      // Only reached for expiry consumers and consumers of failed dependencies.
      bool ok = true;
      for (std::int32_t d : g_.consumed(v))
        if (!dep_ok(d, t)) { ok = false; break; }
      if (ok) continue;
    }
    set_down(v);
    for (std::int32_t d : g_.supplied(v)) {
      const std::int32_t c = g_.consumer(d);
      if (up_[c] && cnt_[d] < g_.min_up(d) && !covered(d, t)) stack.push_back(c);
    }
  }
  // 2. Recoveries: forward propagation from repaired nodes until nothing more comes up that
  // way; the nodes on loops it could not raise are then the seeds of one batched loop
  // recovery, whose survivors feed the next round of forward propagation.
  work_.clear();
  for (std::int32_t v : repaired_) {
    if (up_[v] || damage_[v] > 0 || queued_[v] == instant_) continue;
    queued_[v] = instant_;
    work_.push_back(v);
  }
  while (!work_.empty()) {
    seeds_.clear();
    for (std::size_t i = 0; i < work_.size(); ++i) {
      const std::int32_t c = work_[i];
      queued_[c] = 0;  // may be queued again by a later increase
      if (up_[c] || damage_[c] > 0) continue;
      if (node_ok(c, t)) {
        set_up(c);
        for (std::int32_t d : g_.supplied(c)) enqueue_consumer(d);
      } else if (g_.on_cycle(c)) {
        seeds_.push_back(c);
      }
    }
    work_.clear();
    if (!seeds_.empty()) recover_loops(t);
  }
}

void CascadeEngine::finalize_instant(double t, CascadeResult& out) {
  // Nodes first: causes are judged on the dependency modes of the interval before t.
  const std::size_t touched = inst_nodes_.size();
  for (std::size_t i = 0; i < touched; ++i) {
    const std::int32_t v = inst_nodes_[i];
    if (up_[v] == prev_up_[v]) continue;
    if (!up_[v]) {
      ++down_count_;
      outage_start_[v] = t;
      std::int32_t cause = Outage::kDamaged;
      if (damage_[v] == 0) {
        for (std::int32_t d : g_.consumed(v))
          if (!dep_ok(d, t)) { cause = d; break; }
        CIPMS_CHECK(cause != Outage::kDamaged);
      }
      outage_cause_[v] = cause;
    } else {
      --down_count_;
      out.outages.push_back({v, outage_start_[v], t, outage_cause_[v]});
    }
    for (std::int32_t d : g_.consumed(v)) touch_dep(d);
  }
  for (std::int32_t d : inst_deps_) {
    const bool consumer_up = up_[g_.consumer(d)] != 0;
    if (cnt_[d] >= g_.min_up(d)) {
      if (mode_[d] == kBurning) ++gen_[d];
      mode_[d] = kSatisfied;
    } else if (consumer_up) {
      if (mode_[d] == kBurning) continue;
      const double rem = mode_[d] == kSatisfied ? g_.backup_hours(d) : time_[d];
      CIPMS_CHECK(rem > 0);
      mode_[d] = kBurning;
      time_[d] = t + rem;
      heap_.push_back({time_[d], d, ++gen_[d]});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    } else {
      if (mode_[d] == kBurning) {
        time_[d] = std::max(0.0, time_[d] - t);
        ++gen_[d];
      } else if (mode_[d] == kSatisfied) {
        time_[d] = g_.backup_hours(d);
      }
      mode_[d] = kPaused;
    }
  }
  if (out.timeline.empty() ? down_count_ != 0 : out.timeline.back().down != down_count_)
    out.timeline.push_back({t, down_count_});
}

void CascadeEngine::reset_touched() {
  for (std::int32_t v : dirty_nodes_) {
    up_[v] = 1;
    prev_up_[v] = 1;
    damage_[v] = 0;
    node_dirty_[v] = 0;
  }
  for (std::int32_t d : dirty_deps_) {
    cnt_[d] = static_cast<std::int32_t>(g_.suppliers(d).size());
    mode_[d] = kSatisfied;
    dep_dirty_[d] = 0;
  }
  dirty_nodes_.clear();
  dirty_deps_.clear();
  heap_.clear();
  down_count_ = 0;
}

void CascadeEngine::next_instant_stamp() {
  if (++instant_ == 0) {  // wrapped: forget every stamp
    std::fill(node_stamp_.begin(), node_stamp_.end(), 0);
    std::fill(dep_stamp_.begin(), dep_stamp_.end(), 0);
    std::fill(queued_.begin(), queued_.end(), 0);
    std::fill(ev_stamp_.begin(), ev_stamp_.end(), 0);
    instant_ = 1;
  }
  inst_nodes_.clear();
  inst_deps_.clear();
  newly_damaged_.clear();
  repaired_.clear();
  expired_.clear();
}

CascadeResult CascadeEngine::run(std::span<const DamageEvent> events, double horizon) {
  CIPMS_CHECK(validate_events(g_, events, horizon).is_ok());
  stats_ = {};
  CascadeResult out;
  // Damage boundaries: +1 at down_at, -1 at down_at + repair_hours (empty events ignored).
  struct Boundary { double t; std::int32_t node; std::int32_t delta; };
  std::vector<Boundary> b;
  b.reserve(events.size() * 2);
  for (const DamageEvent& e : events) {
    if (e.repair_hours <= 0 || e.down_at >= horizon) continue;
    b.push_back({e.down_at, e.node, +1});
    b.push_back({e.down_at + e.repair_hours, e.node, -1});
  }
  std::sort(b.begin(), b.end(), [](const Boundary& x, const Boundary& y) {
    return x.t < y.t || (x.t == y.t && x.node < y.node);
  });
  std::size_t i = 0;
  auto heap_top_valid = [&]() {
    while (!heap_.empty()) {
      const Expiry& e = heap_.front();
      if (gen_[e.dep] == e.gen && mode_[e.dep] == kBurning) return true;
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      heap_.pop_back();
    }
    return false;
  };
  while (true) {
    const double te = i < b.size() ? b[i].t : kInf;
    const double th = heap_top_valid() ? heap_.front().t : kInf;
    const double t = std::min(te, th);
    if (!(t < horizon)) break;
    next_instant_stamp();
    ++stats_.instants;
    std::vector<std::int32_t>& ev = ev_;
    ev.clear();
    for (; i < b.size() && b[i].t == t; ++i) {
      const std::int32_t v = b[i].node;
      touch_node(v);
      if (ev_stamp_[v] != instant_) {
        ev_stamp_[v] = instant_;
        prev_damaged_[v] = damage_[v] > 0;
        ev.push_back(v);
      }
      damage_[v] += b[i].delta;
    }
    for (std::int32_t v : ev) {
      const bool now = damage_[v] > 0;
      if (now && !prev_damaged_[v]) newly_damaged_.push_back(v);
      if (!now && prev_damaged_[v]) repaired_.push_back(v);
    }
    while (heap_top_valid() && heap_.front().t == t) {
      const std::int32_t d = heap_.front().dep;
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      heap_.pop_back();
      touch_dep(d);
      expired_.push_back(d);
    }
    process_instant(t);
    finalize_instant(t, out);
  }
  for (std::int32_t v : dirty_nodes_)
    if (!up_[v]) out.outages.push_back({v, outage_start_[v], horizon, outage_cause_[v]});
  std::sort(out.outages.begin(), out.outages.end(), [](const Outage& x, const Outage& y) {
    return x.node < y.node || (x.node == y.node && x.start < y.start);
  });
  stats_.touched_nodes = static_cast<std::int64_t>(dirty_nodes_.size());
  stats_.touched_deps = static_cast<std::int64_t>(dirty_deps_.size());
  reset_touched();
  return out;
}

CascadeSummary summarize(const CascadeResult& r, const NodeWeights& w, std::int32_t exclude) {
  CascadeSummary s;
  std::int32_t last = -1;
  bool last_exceeded = false;
  for (const Outage& o : r.outages) {
    if (o.node == exclude) continue;
    const double dt = o.end - o.start;
    if (o.node != last) {
      ++s.facilities_down;
      last = o.node;
      last_exceeded = false;
    }
    if (!w.population.empty()) s.population_hours += w.population[o.node] * dt;
    if (!w.loss_per_hour.empty()) s.economic_loss += w.loss_per_hour[o.node] * dt;
    if (!last_exceeded && !w.mtpd_hours.empty()) {
      const double m = w.mtpd_hours[o.node];
      if (m >= 0 && dt > m) {
        last_exceeded = true;
        ++s.exceeded_mtpd;
      }
    }
  }
  for (const TimelinePoint& p : r.timeline) s.peak_down = std::max(s.peak_down, p.down);
  return s;
}

std::vector<RankEntry> rank_all(const graph::DependencyGraph& g, const NodeWeights& w,
                                const RankOptions& opt) {
  const std::int32_t n = g.num_nodes();
  std::vector<RankEntry> out(n);
  std::atomic<std::int32_t> next{0}, done{0};
  constexpr std::int32_t kChunk = 64;
  auto worker = [&]() {
    CascadeEngine engine(g);
    while (!(opt.cancel && opt.cancel->load())) {
      const std::int32_t begin = next.fetch_add(kChunk);
      if (begin >= n) break;
      const std::int32_t end = std::min(n, begin + kChunk);
      for (std::int32_t f = begin; f < end; ++f) {
        const DamageEvent ev{f, 0, opt.horizon};
        CascadeResult r = engine.run({&ev, 1}, opt.horizon);
        CascadeSummary s = summarize(r, w, f);
        out[f] = {f, s.population_hours, s.facilities_down, s.exceeded_mtpd, s.economic_loss,
                  engine.last_stats().touched_nodes + engine.last_stats().touched_deps};
      }
      const std::int32_t d = done.fetch_add(end - begin) + (end - begin);
      if (opt.progress) opt.progress(static_cast<double>(d) / n);
    }
  };
  const int threads = std::max(1, opt.threads);
  {
    std::vector<std::jthread> pool;
    for (int k = 1; k < threads; ++k) pool.emplace_back(worker);
    worker();
  }
  std::sort(out.begin(), out.end(), [](const RankEntry& a, const RankEntry& b) {
    if (a.population_hours != b.population_hours) return a.population_hours > b.population_hours;
    if (a.facilities_down != b.facilities_down) return a.facilities_down > b.facilities_down;
    return a.node < b.node;
  });
  return out;
}

}  // namespace cipms::sim
