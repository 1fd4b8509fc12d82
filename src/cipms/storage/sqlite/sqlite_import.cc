// The bulk paths of SqliteSession: load_network and import_network, on the raw sqlite3 API.
// SOCI's per-row exchange machinery (type dispatch, virtual calls, string copies) costs more
// than the SQLite work itself at millions of rows; see docs/adr/0002-storage-sqlite.md.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "cipms/storage/sqlite/sqlite_session.h"

namespace cipms::sqlite {

using namespace storage_detail;

namespace {

// A prepared statement that is finalised on scope exit.
class Stmt {
 public:
  Stmt(::sqlite3* db, const std::string& sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Status prepared() const {
    return rc_ == SQLITE_OK ? Status::ok() : status_from_sqlite(db_, rc_, sqlite3_errmsg(db_));
  }
  sqlite3_stmt* get() const { return st_; }
  // Binds text that outlives the step (no copy).
  void text(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void i64(int i, long long v) { sqlite3_bind_int64(st_, i, v); }
  void dbl(int i, double v) { sqlite3_bind_double(st_, i, v); }
  void null(int i) { sqlite3_bind_null(st_, i); }
  template <typename T>
  void opt(int i, const std::optional<T>& v) {
    if (!v) null(i);
    else if constexpr (std::is_floating_point_v<T>) dbl(i, *v);
    else i64(i, *v);
  }
  // Runs a statement that returns no rows and resets it for the next binding.
  Status run() {
    int rc = sqlite3_step(st_);
    sqlite3_reset(st_);
    if (rc == SQLITE_DONE) return Status::ok();
    return status_from_sqlite(db_, rc, sqlite3_errmsg(db_));
  }
  // Steps a query: true on a row, false when done (then check `status()`).
  bool row() {
    rc_ = sqlite3_step(st_);
    return rc_ == SQLITE_ROW;
  }
  Status status() const {
    return rc_ == SQLITE_DONE || rc_ == SQLITE_ROW || rc_ == SQLITE_OK
               ? Status::ok()
               : status_from_sqlite(db_, rc_, sqlite3_errmsg(db_));
  }
  long long col_i64(int c) const { return sqlite3_column_int64(st_, c); }
  double col_dbl(int c) const { return sqlite3_column_double(st_, c); }
  bool col_null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::string col_text(int c) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    return p ? std::string(p, sqlite3_column_bytes(st_, c)) : std::string();
  }

 private:
  ::sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_OK;
};

Result<long long> scalar(::sqlite3* db, const std::string& sql) {
  Stmt st(db, sql);
  CIPMS_RETURN_IF_ERROR(st.prepared());
  if (!st.row()) {
    CIPMS_RETURN_IF_ERROR(st.status());
    return 0LL;
  }
  return st.col_i64(0);
}

// The current row of a Stmt as registry_sql.h's column reader.
struct StmtRow {
  const Stmt& q;
  bool null(int c) const { return q.col_null(c); }
  long long i64(int c) const { return q.col_i64(c); }
  double dbl(int c) const { return q.col_dbl(c); }
  std::string text(int c) const { return q.col_text(c); }
};

constexpr const char* kInsertFacility =
    "INSERT INTO facilities (id, code, name, name_en, sector, subsector, type, provider_id, "
    "authority_id, county_code, address, lat, lon, population, loss_per_hour, mtpd_hours, cii, "
    "grade, status, version, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, 1, ?20, ?20)";
constexpr const char* kUpdateFacility =
    "UPDATE facilities SET code = ?2, name = ?3, name_en = ?4, sector = ?5, subsector = ?6, "
    "type = ?7, provider_id = ?8, authority_id = ?9, county_code = ?10, address = ?11, lat = ?12, "
    "lon = ?13, population = ?14, loss_per_hour = ?15, mtpd_hours = ?16, cii = ?17, grade = ?18, "
    "status = ?19, version = version + 1, updated_at = ?20 WHERE id = ?1";

// Binds ?1..?20 of kInsertFacility / kUpdateFacility. Neither names the classification columns:
// new rows get the schema's defaults (一般, no marking) and merged rows keep theirs, since a
// network file carries no classification.
void bind_facility(Stmt& st, long long id, const Facility& f, std::optional<long long> provider,
                   std::optional<long long> authority, const std::string& ts,
                   const std::string& status) {
  st.i64(1, id);
  st.text(2, f.code);
  st.text(3, f.name);
  st.text(4, f.name_en);
  st.text(5, f.sector);
  st.text(6, f.subsector);
  st.text(7, f.type);
  st.opt(8, provider);
  st.opt(9, authority);
  st.text(10, f.county_code);
  st.text(11, f.address);
  st.opt(12, f.lat);
  st.opt(13, f.lon);
  st.i64(14, f.population);
  st.dbl(15, f.loss_per_hour);
  st.opt(16, f.mtpd_hours);
  st.i64(17, f.cii ? 1 : 0);
  st.opt(18, f.grade);
  st.text(19, status);
  st.text(20, ts);
}


// Facility code → id for up to millions of codes: open addressing in one array, which misses
// the cache far less than std::unordered_map's nodes. Keys are views; their owners outlive it.
class CodeMap {
 public:
  explicit CodeMap(std::size_t expected) {
    std::size_t cap = 16;
    while (cap < 2 * expected + 16) cap <<= 1;
    slots_.resize(cap);
    mask_ = cap - 1;
  }
  // Inserts key → id when absent. Returns the stored id and whether it was inserted.
  std::pair<long long, bool> try_emplace(std::string_view key, long long id) {
    const std::size_t h = std::hash<std::string_view>()(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.id == 0) {
        s = {key, id, h};
        return {id, true};
      }
      if (s.hash == h && s.key == key) return {s.id, false};
    }
  }
  const long long* find(std::string_view key) const {
    const std::size_t h = std::hash<std::string_view>()(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == 0) return nullptr;
      if (s.hash == h && s.key == key) return &s.id;
    }
  }

 private:
  struct Slot {
    std::string_view key;
    long long id = 0;  // 0: empty (ids are positive)
    std::size_t hash = 0;
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace

Result<NetworkSnapshot> SqliteSession::load_network() {
  ::sqlite3* db = raw();
  NetworkSnapshot net;
  // Read everything in one snapshot even without an outer transaction.
  const bool own = !in_tx_;
  if (own) CIPMS_RETURN_IF_ERROR(exec("BEGIN"));
  Status st = [&]() -> Status {
    // Facilities come in code order through the code index. Dependencies are read in rowid
    // order and sorted here on integer keys; a join ordered by consumer code made SQLite
    // fetch every dependency at random.
    std::unordered_map<long long, std::string> org_codes;
    {
      Stmt q(db, "SELECT id, code FROM organisations");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      while (q.row()) org_codes.emplace(q.col_i64(0), q.col_text(1));
      CIPMS_RETURN_IF_ERROR(q.status());
    }
    CIPMS_ASSIGN_OR_RETURN(long long n, scalar(db, "SELECT COUNT(*) FROM facilities"));
    std::vector<Facility> rows;
    rows.reserve(n);
    {
      Stmt q(db, std::string("SELECT ") + kFacilityCols + " FROM facilities ORDER BY code");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      while (q.row()) {
        Facility f = facility_from_row(StmtRow{q});
        rows.push_back(std::move(f));
      }
      CIPMS_RETURN_IF_ERROR(q.status());
    }
    std::unordered_map<long long, std::uint32_t> index;  // facility id → position in net
    index.reserve(rows.size());
    net.facilities.reserve(rows.size());
    net.provider_codes.reserve(rows.size());
    net.authority_codes.reserve(rows.size());
    auto org_code = [&](const std::optional<OrgId>& id) -> std::string {
      if (!id) return {};
      auto it = org_codes.find(id->value);
      return it == org_codes.end() ? std::string() : it->second;
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      index.emplace(rows[i].id.value, static_cast<std::uint32_t>(net.facilities.size()));
      net.provider_codes.push_back(org_code(rows[i].provider));
      net.authority_codes.push_back(org_code(rows[i].authority));
      net.facilities.push_back(std::move(rows[i]));
    }
    rows.clear();
    rows.shrink_to_fit();

    struct DepRow {
      std::uint32_t consumer;  // position in net.facilities
      long long id;
      NetworkSnapshot::Dep dep;
    };
    std::vector<DepRow> deps;
    {
      CIPMS_ASSIGN_OR_RETURN(long long m, scalar(db, "SELECT COUNT(*) FROM dependencies"));
      deps.reserve(m);
      Stmt q(db,
             "SELECT id, consumer_id, resource, min_up, backup_hours, supplier_ids "
             "FROM dependencies");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      while (q.row()) {
        auto c = index.find(q.col_i64(1));
        if (c == index.end())
          return Status::internal("dependency " + std::to_string(q.col_i64(0)) +
                                  " has a missing consumer");
        DepRow r{c->second, q.col_i64(0), {}};
        r.dep.consumer = net.facilities[c->second].code;
        r.dep.resource = q.col_text(2);
        r.dep.min_up = static_cast<int>(q.col_i64(3));
        r.dep.backup_hours = q.col_dbl(4);
        auto* text = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 5));
        for (long long s : parse_ids(text ? text : "")) {
          auto it = index.find(s);
          if (it == index.end())
            return Status::internal("dependency " + std::to_string(r.id) +
                                    " names missing facility " + std::to_string(s));
          r.dep.suppliers.push_back(net.facilities[it->second].code);
        }
        deps.push_back(std::move(r));
      }
      CIPMS_RETURN_IF_ERROR(q.status());
    }
    // Facilities are in code order, so their positions order consumers by code.
    std::sort(deps.begin(), deps.end(), [](const DepRow& a, const DepRow& b) {
      return a.consumer != b.consumer ? a.consumer < b.consumer : a.id < b.id;
    });
    net.dependencies.reserve(deps.size());
    for (auto& r : deps) net.dependencies.push_back(std::move(r.dep));
    return Status::ok();
  }();
  if (own) {
    Status end = exec(st.is_ok() ? "COMMIT" : "ROLLBACK");
    if (st.is_ok()) st = end;
  }
  if (!st.is_ok()) return st;
  return net;
}

Result<ImportCounts> SqliteSession::import_network(const NetworkSnapshot& net, ImportMode mode,
                                                   TimePoint now) {
  ::sqlite3* db = raw();
  const bool replace = mode == ImportMode::kReplace;
  const std::size_t n = net.facilities.size();
  ImportCounts counts;

  // The body runs inside write(): all or nothing, a savepoint inside an outer transaction.
  // Foreign-key checks cost one B-tree probe per supplier edge; every reference is resolved
  // here before any row is written, so on our own transaction they are switched off for the
  // load (the pragma is a no-op inside a transaction, hence only then).
  const bool fk_off = !in_tx_;
  if (fk_off) CIPMS_RETURN_IF_ERROR(exec("PRAGMA foreign_keys = OFF"));
  Status result = write([&]() -> Status {
    // Room for index builds in memory, and a helper thread for the sorter.
    CIPMS_RETURN_IF_ERROR(
        exec("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; PRAGMA threads = 2"));
    ImportErrors error;

    // 1. Organisations by code.
    std::unordered_map<std::string, long long> orgs;
    {
      Stmt q(db, "SELECT code, id FROM organisations");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      while (q.row()) orgs.emplace(q.col_text(0), q.col_i64(1));
      CIPMS_RETURN_IF_ERROR(q.status());
    }
    std::vector<std::optional<long long>> provider, authority;
    resolve_import_orgs(net, orgs, error, provider, authority);

    // 2. Facility ids: existing rows keep theirs (merge); new rows get fresh ones above max_id,
    // assigned here so that dependencies resolve without reading back.
    std::deque<std::string> existing_codes;  // owns the keys of registry rows (merge)
    CIPMS_ASSIGN_OR_RETURN(long long max_id, scalar(db, "SELECT COALESCE(MAX(id), 0) FROM facilities"));
    long long existing_rows = 0;
    if (!replace) {
      CIPMS_ASSIGN_OR_RETURN(existing_rows, scalar(db, "SELECT COUNT(*) FROM facilities"));
    }
    CodeMap ids(n + static_cast<std::size_t>(existing_rows));
    if (!replace) {
      Stmt q(db, "SELECT code, id FROM facilities");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      while (q.row()) {
        existing_codes.push_back(q.col_text(0));
        ids.try_emplace(existing_codes.back(), q.col_i64(1));
      }
      CIPMS_RETURN_IF_ERROR(q.status());
    }
    long long next_id = max_id + 1;
    std::vector<long long> fac_id(n);
    std::vector<bool> is_update(n, false);
    std::unordered_set<long long> claimed;  // registry rows already updated by this snapshot
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& code = net.facilities[i].code;
      auto [id, inserted] = ids.try_emplace(code, next_id);
      if (inserted) {
        fac_id[i] = next_id++;
      } else if (id <= max_id && claimed.insert(id).second) {
        fac_id[i] = id;
        is_update[i] = true;
      } else {
        error("/facilities/" + std::to_string(i) + "/id", "duplicate facility id " + code);
      }
    }

    // 3. Dependencies: consumer and suppliers by code (snapshot or, in merge, the registry).
    const std::size_t m = net.dependencies.size();
    std::vector<long long> consumer_id, supplier_ids;  // supplier_ids flattened, in dependency order
    resolve_import_deps(net, [&](const std::string& code) { return ids.find(code); }, error, consumer_id, supplier_ids);
    if (!error.empty()) return error.rejected();

    // 4. Write.
    std::int64_t removed = 0;
    std::vector<std::string> index_sql;  // rebuilt after a replace load
    if (replace) {
      for (const char* t : {"supplier_dependencies", "dependencies", "core_functions", "facilities"}) {
        CIPMS_RETURN_IF_ERROR(exec(std::string("DELETE FROM ") + t));
        removed += sqlite3_changes(db);
      }
      // Facility rows arrive in no useful order for their indexes: loading the bare table and
      // sorting once per index is much faster than updating each B-tree row by row. The
      // definitions come from the schema itself. (dependencies_consumer stays: dependencies
      // are written in consumer order below, so it only ever appends.)
      Stmt q(db,
             "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
             "tbl_name = 'facilities'");
      CIPMS_RETURN_IF_ERROR(q.prepared());
      std::vector<std::string> names;
      while (q.row()) {
        names.push_back(q.col_text(0));
        index_sql.push_back(q.col_text(1));
      }
      CIPMS_RETURN_IF_ERROR(q.status());
      for (const auto& name : names) CIPMS_RETURN_IF_ERROR(exec("DROP INDEX \"" + name + "\""));
    }

    const std::string ts = format_utc(now);
    {
      Stmt ins(db, kInsertFacility), upd(db, kUpdateFacility);
      CIPMS_RETURN_IF_ERROR(ins.prepared());
      CIPMS_RETURN_IF_ERROR(upd.prepared());
      for (std::size_t i = 0; i < n; ++i) {
        const Facility& f = net.facilities[i];
        const std::string status = lifecycle_code(f.status);
        Stmt& st = is_update[i] ? upd : ins;
        bind_facility(st, fac_id[i], f, provider[i], authority[i], ts, status);
        Status s = st.run();
        if (!s.is_ok())
          return Status(s.code(), "facility " + f.code + ": " + s.message(),
                        {{"/facilities/" + std::to_string(i), s.message()}});
        ++(is_update[i] ? counts.facilities_updated : counts.facilities_created);
      }
    }

    if (!replace) {
      // Merge: the dependencies of every imported registry facility, and of every registry
      // consumer the snapshot names, are replaced by the snapshot's.
      std::unordered_set<long long> replaced(claimed.begin(), claimed.end());
      for (std::size_t j = 0; j < m; ++j)
        if (consumer_id[j] <= max_id) replaced.insert(consumer_id[j]);
      Stmt deps_of(db, "SELECT id, supplier_ids FROM dependencies WHERE consumer_id = ?1");
      Stmt del_edge(db, "DELETE FROM supplier_dependencies WHERE supplier_id = ?1 AND dependency_id = ?2");
      Stmt del_dep(db, "DELETE FROM dependencies WHERE consumer_id = ?1");
      CIPMS_RETURN_IF_ERROR(deps_of.prepared());
      CIPMS_RETURN_IF_ERROR(del_edge.prepared());
      CIPMS_RETURN_IF_ERROR(del_dep.prepared());
      std::vector<std::pair<long long, long long>> edges;  // (supplier, dependency)
      for (long long id : replaced) {
        deps_of.i64(1, id);
        while (deps_of.row())
          for (long long s : parse_ids(deps_of.col_text(1))) edges.emplace_back(s, deps_of.col_i64(0));
        CIPMS_RETURN_IF_ERROR(deps_of.status());
        sqlite3_reset(deps_of.get());
        del_dep.i64(1, id);
        CIPMS_RETURN_IF_ERROR(del_dep.run());
        removed += sqlite3_changes(db);
      }
      for (const auto& [s, d] : edges) {
        del_edge.i64(1, s);
        del_edge.i64(2, d);
        CIPMS_RETURN_IF_ERROR(del_edge.run());
      }
    }

    {
      // Ids in consumer order (stable, so one consumer's dependencies keep the snapshot's
      // order): the dependencies_consumer index then only appends.
      std::vector<std::size_t> offset(m + 1, 0);  // into supplier_ids
      for (std::size_t j = 0; j < m; ++j) offset[j + 1] = offset[j] + net.dependencies[j].suppliers.size();
      std::vector<std::uint32_t> order(m);
      for (std::size_t j = 0; j < m; ++j) order[j] = static_cast<std::uint32_t>(j);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return consumer_id[a] < consumer_id[b]; });

      CIPMS_ASSIGN_OR_RETURN(long long max_dep,
                             scalar(db, "SELECT COALESCE(MAX(id), 0) FROM dependencies"));
      Stmt ins_dep(db,
                   "INSERT INTO dependencies (id, consumer_id, resource, min_up, backup_hours, "
                   "supplier_ids, version, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)");
      CIPMS_RETURN_IF_ERROR(ins_dep.prepared());
      ins_dep.text(7, ts);
      std::vector<std::pair<long long, long long>> edges;  // (supplier, dependency)
      edges.reserve(supplier_ids.size());
      std::string list;
      for (std::size_t r = 0; r < m; ++r) {
        const std::size_t j = order[r];
        const auto& d = net.dependencies[j];
        const long long dep_id = max_dep + 1 + static_cast<long long>(r);
        list.clear();
        for (std::size_t k = offset[j]; k < offset[j + 1]; ++k) {
          if (k > offset[j]) list += ',';
          list += std::to_string(supplier_ids[k]);
          edges.emplace_back(supplier_ids[k], dep_id);
        }
        ins_dep.i64(1, dep_id);
        ins_dep.i64(2, consumer_id[j]);
        ins_dep.text(3, d.resource);
        ins_dep.i64(4, d.min_up);
        ins_dep.dbl(5, d.backup_hours);
        ins_dep.text(6, list);
        Status s = ins_dep.run();
        if (!s.is_ok())
          return Status(s.code(), "dependency of " + d.consumer + ": " + s.message(),
                        {{"/dependencies/" + std::to_string(j), s.message()}});
        ++counts.dependencies_written;
      }
      // Edges sorted once here, so the supplier-ordered B-tree only ever appends (in replace
      // mode; in merge mode the inserts are at least in key order).
      std::sort(edges.begin(), edges.end());
      Stmt ins_edge(db, "INSERT INTO supplier_dependencies (supplier_id, dependency_id) VALUES (?1, ?2)");
      CIPMS_RETURN_IF_ERROR(ins_edge.prepared());
      for (const auto& [sup, dep] : edges) {
        ins_edge.i64(1, sup);
        ins_edge.i64(2, dep);
        Status s = ins_edge.run();
        if (!s.is_ok())
          return Status(s.code(), "supplier " + std::to_string(sup) + " of dependency " +
                                      std::to_string(dep) + ": " + s.message());
      }
    }

    for (const auto& sql : index_sql) {
      Status s = exec(sql);
      if (!s.is_ok()) return Status(s.code(), "rebuilding index: " + s.message());
    }
    CIPMS_RETURN_IF_ERROR(exec("PRAGMA cache_size = -2000"));
    return bump_revision(counts.facilities_created + counts.facilities_updated +
                         counts.dependencies_written + removed);
  });
  if (fk_off) {
    Status on = exec("PRAGMA foreign_keys = ON");
    if (result.is_ok() && !on.is_ok()) return on;
  }
  (void)exec("PRAGMA cache_size = -2000");
  if (!result.is_ok()) return result;
  return counts;
}

}  // namespace cipms::sqlite
