// PgSession: store.h's Session over one pooled PostgreSQL connection (libpq). Internal to
// storage/postgres. Single-threaded like every Session.
//
// Transactions: begin() opens a READ COMMITTED transaction. Every mutating call runs inside its
// own BEGIN/COMMIT, or a SAVEPOINT when the caller's transaction is open: PostgreSQL aborts the
// whole transaction on an error, and the savepoint is what lets a failed call undo only itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cipms/storage/postgres/pg_conn.h"
#include "cipms/storage/registry_sql.h"
#include "cipms/storage/store.h"

namespace cipms::pg {

// Where a session's connection goes back when the session ends.
class Pool {
 public:
  virtual ~Pool() = default;
  virtual void give_back(std::unique_ptr<Conn> c) = 0;
};

// dependencies.supplier_ids: "12,7,40" (registry_sql.h, the same for storage/sqlite).
using storage_detail::join_ids;
using storage_detail::parse_ids;

// Row i of a result as registry_sql.h's column reader.
struct RowReader {
  const Res& r;
  int i;
  bool null(int c) const { return r.null(i, c); }
  long long i64(int c) const { return r.i64(i, c); }
  double dbl(int c) const { return r.dbl(i, c); }
  std::string text(int c) const { return r.text(i, c); }
};

class PgSession final : public Session {
 public:
  PgSession(std::unique_ptr<Conn> conn, std::shared_ptr<Pool> pool);
  ~PgSession() override;

  Status begin() override;
  Status commit() override;
  Status rollback() override;

  Result<Taxonomy> load_taxonomy() override;
  Status upsert_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) override;

  Result<Organisation> get_organisation(OrgId id) override;
  Result<Organisation> find_organisation_by_code(const std::string& code) override;
  Result<Page<Organisation>> list_organisations(const OrgFilter& f) override;
  Result<Organisation> create_organisation(const Organisation& o, TimePoint now) override;
  Result<Organisation> update_organisation(const Organisation& o, std::int64_t expected_version,
                                           TimePoint now) override;
  Status delete_organisation(OrgId id, std::int64_t expected_version) override;

  Result<Facility> get_facility(FacilityId id) override;
  Result<Facility> get_facility_for_update(FacilityId id) override;
  Result<Facility> find_facility_by_code(const std::string& code) override;
  Result<Page<Facility>> list_facilities(const FacilityFilter& f) override;
  Result<Facility> create_facility(const Facility& f, TimePoint now) override;
  Result<Facility> update_facility(const Facility& f, std::int64_t expected_version,
                                   TimePoint now) override;
  Status delete_facility(FacilityId id, std::int64_t expected_version) override;

  Result<CoreFunction> get_core_function(CoreFunctionId id) override;
  Result<std::vector<CoreFunction>> list_core_functions(FacilityId facility) override;
  Result<CoreFunction> create_core_function(const CoreFunction& c, TimePoint now) override;
  Result<CoreFunction> update_core_function(const CoreFunction& c, std::int64_t expected_version,
                                            TimePoint now) override;
  Status delete_core_function(CoreFunctionId id, std::int64_t expected_version) override;

  Result<Dependency> get_dependency(DependencyId id) override;
  Result<std::vector<Dependency>> list_dependencies_of(FacilityId consumer) override;
  Result<std::vector<Dependency>> list_dependencies_supplied_by(FacilityId supplier) override;
  Result<Dependency> create_dependency(const Dependency& d, TimePoint now) override;
  Result<Dependency> update_dependency(const Dependency& d, std::int64_t expected_version,
                                       TimePoint now) override;
  Status delete_dependency(DependencyId id, std::int64_t expected_version) override;

  Result<NetworkSnapshot> load_network() override;
  Result<ImportCounts> import_network(const NetworkSnapshot& net, ImportMode mode,
                                      TimePoint now) override;
  Result<std::int64_t> registry_revision() override;
  Result<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params) override;
  Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) override;

 private:
  Result<Facility> read_facility(FacilityId id, bool lock);
  Status write(const std::function<Status()>& fn);
  Status guarded(const std::function<Status()>& fn);
  void bump_revision(std::int64_t rows);
  Status missing_or_stale(const char* table, const char* what, std::int64_t id,
                          std::int64_t expected_version);
  // Locks the row (FOR UPDATE) and checks its version: OK, or missing_or_stale's answer.
  Status lock_version(const char* table, const char* what, std::int64_t id,
                      std::int64_t expected_version);
  void load_org_scopes(Organisation& o);
  void write_org_scopes(const Organisation& o, long long id);
  Status check_org_refs(const Facility& f);
  Status check_dependency_refs(const Dependency& d);
  bool exists(const char* table, long long id);
  void insert_edges(long long dep, const std::vector<FacilityId>& sup);
  void drop_edges(long long dep);

  std::unique_ptr<Conn> c_;
  std::shared_ptr<Pool> pool_;
  bool in_tx_ = false;
  int savepoint_seq_ = 0;
};

}  // namespace cipms::pg
