#include "cipms/api/session_pool.h"

#include <mutex>
#include <vector>

#include "cipms/base/metrics.h"

namespace cipms::api {

namespace {

struct PoolState {
  std::mutex mu;
  std::vector<std::unique_ptr<Session>> idle;
  std::size_t max_idle = 16;
};

// Forwards everything to the pooled session and hands it back when dropped.
class PooledSession final : public Session {
 public:
  PooledSession(std::unique_ptr<Session> s, std::weak_ptr<PoolState> pool) : s_(std::move(s)), pool_(std::move(pool)) {
    metrics::db_pool_sessions_add("in_use", 1);
  }
  ~PooledSession() override {
    metrics::db_pool_sessions_add("in_use", -1);
    if (in_tx_ && !s_->rollback().is_ok()) return;  // unusable: close it
    auto pool = pool_.lock();
    if (!pool) return;
    std::lock_guard<std::mutex> lock(pool->mu);
    if (pool->idle.size() < pool->max_idle) {
      pool->idle.push_back(std::move(s_));
      metrics::db_pool_sessions_add("idle", 1);
    }
  }

  Status begin() override {
    Status st = s_->begin();
    if (st.is_ok()) in_tx_ = true;
    return st;
  }
  Status commit() override {
    Status st = s_->commit();
    if (st.is_ok()) in_tx_ = false;
    return st;
  }
  Status rollback() override {
    Status st = s_->rollback();
    if (st.is_ok()) in_tx_ = false;
    return st;
  }

  Result<Taxonomy> load_taxonomy() override { return s_->load_taxonomy(); }
  Status upsert_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) override { return s_->upsert_taxonomy_entry(kind, e); }
  Result<Organisation> get_organisation(OrgId id) override { return s_->get_organisation(id); }
  Result<Organisation> find_organisation_by_code(const std::string& code) override { return s_->find_organisation_by_code(code); }
  Result<Page<Organisation>> list_organisations(const OrgFilter& f) override { return s_->list_organisations(f); }
  Result<Organisation> create_organisation(const Organisation& o, TimePoint now) override { return s_->create_organisation(o, now); }
  Result<Organisation> update_organisation(const Organisation& o, std::int64_t expected_version, TimePoint now) override { return s_->update_organisation(o, expected_version, now); }
  Status delete_organisation(OrgId id, std::int64_t expected_version) override { return s_->delete_organisation(id, expected_version); }
  Result<Facility> get_facility(FacilityId id) override { return s_->get_facility(id); }
  Result<Facility> get_facility_for_update(FacilityId id) override { return s_->get_facility_for_update(id); }
  Result<Facility> find_facility_by_code(const std::string& code) override { return s_->find_facility_by_code(code); }
  Result<Page<Facility>> list_facilities(const FacilityFilter& f) override { return s_->list_facilities(f); }
  Result<Facility> create_facility(const Facility& f, TimePoint now) override { return s_->create_facility(f, now); }
  Result<Facility> update_facility(const Facility& f, std::int64_t expected_version, TimePoint now) override { return s_->update_facility(f, expected_version, now); }
  Status delete_facility(FacilityId id, std::int64_t expected_version) override { return s_->delete_facility(id, expected_version); }
  Result<CoreFunction> get_core_function(CoreFunctionId id) override { return s_->get_core_function(id); }
  Result<std::vector<CoreFunction>> list_core_functions(FacilityId facility) override { return s_->list_core_functions(facility); }
  Result<CoreFunction> create_core_function(const CoreFunction& c, TimePoint now) override { return s_->create_core_function(c, now); }
  Result<CoreFunction> update_core_function(const CoreFunction& c, std::int64_t expected_version, TimePoint now) override { return s_->update_core_function(c, expected_version, now); }
  Status delete_core_function(CoreFunctionId id, std::int64_t expected_version) override { return s_->delete_core_function(id, expected_version); }
  Result<Dependency> get_dependency(DependencyId id) override { return s_->get_dependency(id); }
  Result<std::vector<Dependency>> list_dependencies_of(FacilityId consumer) override { return s_->list_dependencies_of(consumer); }
  Result<std::vector<Dependency>> list_dependencies_supplied_by(FacilityId supplier) override { return s_->list_dependencies_supplied_by(supplier); }
  Result<Dependency> create_dependency(const Dependency& d, TimePoint now) override { return s_->create_dependency(d, now); }
  Result<Dependency> update_dependency(const Dependency& d, std::int64_t expected_version, TimePoint now) override { return s_->update_dependency(d, expected_version, now); }
  Status delete_dependency(DependencyId id, std::int64_t expected_version) override { return s_->delete_dependency(id, expected_version); }
  Result<NetworkSnapshot> load_network() override { return s_->load_network(); }
  Result<ImportCounts> import_network(const NetworkSnapshot& net, ImportMode mode, TimePoint now) override { return s_->import_network(net, mode, now); }
  Result<std::int64_t> registry_revision() override { return s_->registry_revision(); }
  Result<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return s_->query(sql, params);
  }
  Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    return s_->execute(sql, params);
  }

 private:
  std::unique_ptr<Session> s_;
  std::weak_ptr<PoolState> pool_;
  bool in_tx_ = false;
};

class SessionPool final : public Database {
 public:
  SessionPool(std::shared_ptr<Database> inner, std::size_t max_idle)
      : inner_(std::move(inner)), state_(std::make_shared<PoolState>()) {
    state_->max_idle = max_idle;
    metrics::db_pool_set_max_idle(static_cast<double>(max_idle));
  }
  Result<int> migrate() override { return inner_->migrate(); }
  Result<int> schema_version() override { return inner_->schema_version(); }
  const char* backend() const override { return inner_->backend(); }
  Result<std::unique_ptr<Session>> session() override {
    std::unique_ptr<Session> s;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      if (!state_->idle.empty()) {
        s = std::move(state_->idle.back());
        state_->idle.pop_back();
        metrics::db_pool_sessions_add("idle", -1);
      }
    }
    if (!s) {
      auto fresh = inner_->session();
      if (!fresh.is_ok()) return fresh.status();
      s = std::move(fresh).value();
      metrics::db_pool_session_opened();
    }
    return std::unique_ptr<Session>(std::make_unique<PooledSession>(std::move(s), state_));
  }

 private:
  std::shared_ptr<Database> inner_;
  std::shared_ptr<PoolState> state_;
};

}  // namespace

std::shared_ptr<Database> make_session_pool(std::shared_ptr<Database> inner, std::size_t max_idle) {
  return std::make_shared<SessionPool>(std::move(inner), max_idle);
}

}  // namespace cipms::api
