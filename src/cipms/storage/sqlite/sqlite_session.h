// SqliteSession: store.h's Session over one SQLite connection (SOCI sqlite3 back end, with the
// raw sqlite3 handle for multi-statement scripts and the bulk import path). Internal to
// storage/sqlite. Single-threaded like every Session.
//
// Transactions: begin() opens BEGIN IMMEDIATE (taking the write lock up front, so a
// read-then-write transaction never hits an unresolvable SQLITE_BUSY on upgrade). Every
// mutating call runs inside a Tx: its own BEGIN IMMEDIATE/COMMIT, or a SAVEPOINT when an outer
// transaction is open, so a failed call never leaves part of itself behind either way.
// Every write transaction (begin(), a mutating call on its own, an autocommit query/execute
// that writes) first queues on the file's WriteGate (sqlite_write_gate.h); reads do not.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cipms/storage/registry_sql.h"
#include "cipms/storage/sqlite/sqlite_write_gate.h"
#include "cipms/storage/store.h"

struct sqlite3;
struct sqlite3_stmt;
namespace soci {
class session;
}

namespace cipms::sqlite {

// A new SOCI session on the file (throws soci::soci_error), and its native handle.
std::unique_ptr<soci::session> soci_connect(const std::string& path);
::sqlite3* native_handle(soci::session& s);
// Connection settings applied to every new connection.
Status configure_connection(::sqlite3* db);
// sqlite3_exec of a script (several statements); kInternal (or the mapped code) on failure.
Status exec_script(::sqlite3* db, const std::string& sql);
// Maps the last error on `db` to a Status (constraint → conflict/unprocessable, busy →
// unavailable, rest → internal), with `context` in front of SQLite's message.
Status status_from_sqlite(::sqlite3* db, int rc, const std::string& context);

// dependencies.supplier_ids: "12,7,40" (registry_sql.h, the same for storage/postgres).
using storage_detail::join_ids;
using storage_detail::parse_ids;

class SqliteSession final : public Session {
 public:
  // `gate` orders this process's writers of the file (never null).
  SqliteSession(std::unique_ptr<soci::session> sql, std::shared_ptr<WriteGate> gate);
  ~SqliteSession() override;

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

  ::sqlite3* raw() const;
  soci::session& sql() { return *sql_; }

 private:
  // Runs fn in a transaction of its own (or a savepoint inside the caller's); SOCI exceptions
  // become Status. Rolled back unless fn returns OK.
  Status write(const std::function<Status()>& fn);
  // Runs fn turning SOCI exceptions into Status (reads).
  Status guarded(const std::function<Status()>& fn);
  Status exec(const std::string& sql);
  // The row that `sql` + the bound key selects, as T (guarded); kNotFound "<what> <key> does
  // not exist" when there is none.
  template <typename T, typename Key>
  Result<T> select_one(const std::string& sql, const Key& key, const char* what);
  // The rows that `sql` + the bound key + `tail` selects, as T (guarded).
  template <typename T>
  Result<std::vector<T>> select_all(const std::string& sql, long long key, const char* tail);
  Status bump_revision(std::int64_t rows);
  // kNotFound when the row is absent, else kPreconditionFailed (after a 0-row versioned write).
  Status missing_or_stale(const char* table, const char* what, std::int64_t id,
                          std::int64_t expected_version);
  // OK when the row has expected_version, else missing_or_stale's answer.
  Status check_version(const char* table, const char* what, std::int64_t id,
                       std::int64_t expected_version);
  Status load_org_scopes(Organisation& o);
  Status write_org_scopes(const Organisation& o, std::int64_t id);
  Status check_org_refs(const Facility& f);
  Status check_dependency_refs(const Dependency& d);

  // The gate's slot for a write on its own (autocommit); kUnavailable when the wait times out.
  Status acquire_write(WriteGate::Ticket* t) { return gate_->acquire(t); }
  // acquire_write for a prepared statement that writes outside a transaction; else nothing.
  Status gate_if_writing(::sqlite3_stmt* st, WriteGate::Ticket* t);

  std::unique_ptr<soci::session> sql_;
  std::shared_ptr<WriteGate> gate_;
  WriteGate::Ticket tx_ticket_;  // held from begin() to commit()/rollback()
  bool in_tx_ = false;
  int savepoint_seq_ = 0;
};

}  // namespace cipms::sqlite
