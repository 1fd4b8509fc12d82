// Storage interfaces: everything services need from a database, independent of which one.
//
// A Database is opened once per process (Database::open) and is thread-safe. Each request
// or job takes its own Session from it; a Session is NOT thread-safe and must be used by one
// thread at a time. Every mutating call runs in its own transaction unless the caller has
// opened one with begin(); `transact` is the usual way to group several calls.
//
// Concurrency: update_* and delete_* take the version the caller last read and fail with
// kPreconditionFailed when the stored version differs (optimistic concurrency); on success
// the stored version becomes expected_version + 1 and updated_at the given time.
// Errors: kNotFound for a missing id, kConflict for a duplicate code or a row still referenced
// (a facility that supplies a dependency, an organisation that owns facilities), kInternal for
// database failures. No call leaves a partial change behind.
//
// Implementations: storage/sqlite (default), storage/postgres (deployments). Both must pass
// tests/integration/storage_conformance_test.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/registry.h"
#include "cipms/domain/security.h"
#include "cipms/domain/taxonomy.h"
#include "cipms/storage/sql.h"

namespace cipms {

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows, ignoring limit/offset
};

enum class SortOrder { kAsc, kDesc };

struct FacilityFilter {
  std::optional<std::string> sector, subsector, county_code, type;
  std::optional<int> grade;        // 1..3
  bool ungraded = false;           // grade IS NULL (ignored when grade is set)
  std::optional<OrgId> provider, authority;
  std::optional<bool> cii;
  std::optional<std::string> q;    // case-insensitive substring of code, name or name_en
  std::optional<int> classification;  // exactly this level (0..4)
  // Only facilities the reader may read (domain/security.h): scope, clearance, and for levels
  // >= 2 a need-to-know grant (table need_to_know, record_kind 'facility', not expired).
  // nullopt = no restriction (CLI, system jobs). Counts (`total`) obey it too.
  std::optional<AccessFilter> access;
  std::string sort = "code";       // code | name | name_en | population | grade | updated_at
  SortOrder order = SortOrder::kAsc;
  int limit = 50;                  // 1..1000
  std::int64_t offset = 0;
};

struct OrgFilter {
  std::optional<OrgType> type;
  std::optional<OrgId> parent;
  std::optional<std::string> q;    // substring of code, name or name_en
  int limit = 50;
  std::int64_t offset = 0;
};

// The whole registry graph in one piece, as network import/export and the engine need it.
// Facilities and dependencies refer to each other by facility code (Facility::code);
// ids, versions, provider/authority OrgIds and timestamps in the records are ignored on
// import: organisations are named by code in provider_codes/authority_codes instead.
struct NetworkSnapshot {
  std::vector<Facility> facilities;
  // Parallel to `facilities`: organisation code of provider / authority, "" for none.
  std::vector<std::string> provider_codes, authority_codes;
  struct Dep {
    std::string consumer;
    std::string resource;
    std::vector<std::string> suppliers;
    int min_up = 1;
    double backup_hours = 0;
  };
  std::vector<Dep> dependencies;
};

enum class ImportMode {
  kMerge,    // facilities upserted by code; dependencies of imported consumers replaced
  kReplace,  // registry facilities and dependencies deleted first (organisations kept)
};

struct ImportCounts {
  std::int64_t facilities_created = 0, facilities_updated = 0, dependencies_written = 0;
};

class Session {
 public:
  virtual ~Session() = default;

  // Transactions. Nested begin() is an error (kInternal).
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  // Runs fn inside begin/commit; rolls back when fn returns non-OK or throws.
  Status transact(const std::function<Status()>& fn);

  // --- taxonomy (seeded by migrations, editable) ---
  virtual Result<Taxonomy> load_taxonomy() = 0;
  // kind: "sector" | "subsector" | "facility_type" | "resource" | "threat". Inserts or
  // replaces by (kind, code).
  virtual Status upsert_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) = 0;

  // --- organisations ---
  virtual Result<Organisation> get_organisation(OrgId id) = 0;
  virtual Result<Organisation> find_organisation_by_code(const std::string& code) = 0;
  virtual Result<Page<Organisation>> list_organisations(const OrgFilter& f) = 0;
  // Assigns id; version = 1; created_at = updated_at = now.
  virtual Result<Organisation> create_organisation(const Organisation& o, TimePoint now) = 0;
  virtual Result<Organisation> update_organisation(const Organisation& o, std::int64_t expected_version,
                                                   TimePoint now) = 0;
  virtual Status delete_organisation(OrgId id, std::int64_t expected_version) = 0;

  // --- facilities ---
  virtual Result<Facility> get_facility(FacilityId id) = 0;
  // The same, and inside an open transaction the row stays locked against other writers until
  // commit (PostgreSQL: FOR NO KEY UPDATE; SQLite's write transactions are exclusive anyway).
  virtual Result<Facility> get_facility_for_update(FacilityId id) { return get_facility(id); }
  virtual Result<Facility> find_facility_by_code(const std::string& code) = 0;
  virtual Result<Page<Facility>> list_facilities(const FacilityFilter& f) = 0;
  virtual Result<Facility> create_facility(const Facility& f, TimePoint now) = 0;
  virtual Result<Facility> update_facility(const Facility& f, std::int64_t expected_version,
                                           TimePoint now) = 0;
  // Deletes its core functions and the dependencies it consumes; kConflict while it is a
  // supplier of another facility's dependency.
  virtual Status delete_facility(FacilityId id, std::int64_t expected_version) = 0;

  // --- core functions ---
  virtual Result<CoreFunction> get_core_function(CoreFunctionId id) = 0;
  virtual Result<std::vector<CoreFunction>> list_core_functions(FacilityId facility) = 0;
  virtual Result<CoreFunction> create_core_function(const CoreFunction& c, TimePoint now) = 0;
  virtual Result<CoreFunction> update_core_function(const CoreFunction& c, std::int64_t expected_version,
                                                    TimePoint now) = 0;
  virtual Status delete_core_function(CoreFunctionId id, std::int64_t expected_version) = 0;

  // --- dependencies ---
  virtual Result<Dependency> get_dependency(DependencyId id) = 0;
  // Dependencies the facility consumes (upstream).
  virtual Result<std::vector<Dependency>> list_dependencies_of(FacilityId consumer) = 0;
  // Dependencies in which the facility is one of the suppliers (downstream).
  virtual Result<std::vector<Dependency>> list_dependencies_supplied_by(FacilityId supplier) = 0;
  virtual Result<Dependency> create_dependency(const Dependency& d, TimePoint now) = 0;
  virtual Result<Dependency> update_dependency(const Dependency& d, std::int64_t expected_version,
                                               TimePoint now) = 0;
  virtual Status delete_dependency(DependencyId id, std::int64_t expected_version) = 0;

  // --- whole network ---
  // Every facility (sorted by code) and dependency (sorted by consumer code, then id).
  virtual Result<NetworkSnapshot> load_network() = 0;
  // Writes an already validated snapshot in one transaction (all or nothing). Must be fast:
  // 1,000,000 facilities and 6,000,000 supplier edges in well under 30 s on SQLite.
  virtual Result<ImportCounts> import_network(const NetworkSnapshot& net, ImportMode mode,
                                              TimePoint now) = 0;
  // Number of rows that changed the registry since the database was created; grows with
  // every facility/dependency mutation. Caches (criticality ranking) key on it.
  virtual Result<std::int64_t> registry_revision() = 0;

  // --- portable SQL (sql.h), for the stores written once for both back ends ---
  // One statement; the rows of a SELECT or RETURNING. Runs inside the open transaction, if
  // any (else on its own). Database errors map as in the calls above (unique → kConflict...).
  virtual Result<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  // One statement without result rows; the number of rows it changed.
  virtual Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  // Opens (creating if needed) the database at `url`: a file path or "sqlite:PATH" for SQLite;
  // "postgresql://..." or "postgres://..." (libpq URI) for PostgreSQL. Does not migrate.
  static Result<std::unique_ptr<Database>> open(const std::string& url);

  // Applies pending migrations in order; returns the schema version reached.
  virtual Result<int> migrate() = 0;
  virtual Result<int> schema_version() = 0;
  // A new session (its own connection, or one from a pool). Thread-safe.
  virtual Result<std::unique_ptr<Session>> session() = 0;
  // "sqlite" or "postgresql".
  virtual const char* backend() const = 0;

  // Backups (additive; default: kUnimplemented-style kInternal for back ends without them).
  // backup writes a consistent copy of the whole database to the file `path` while it stays
  // in use (SQLite: online backup API; PostgreSQL: pg_dump -Fc), replacing the file only when
  // complete. restore replaces the database's contents with the file's in one step: a missing
  // or unreadable file is kInvalidArgument and leaves the database unchanged. Sessions opened
  // before a restore should be discarded.
  virtual Status backup(const std::string& path);
  virtual Status restore(const std::string& path);
};

}  // namespace cipms
