// CRUD of the registry through SOCI. The bulk paths (load_network, import_network) are in
// sqlite_import.cc on the raw sqlite3 API.
#include "cipms/storage/sqlite/sqlite_session.h"

#include <sqlite3.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <soci/soci.h>
#include <variant>

#include "cipms/storage/registry_sql.h"
#include "cipms/storage/sqlite/sqlite_database.h"

// SOCI 4.0 knows boost::optional only; NULL columns map to std::optional through this.
namespace soci {
template <typename T>
struct type_conversion<std::optional<T>> {
  typedef T base_type;
  static void from_base(const T& in, indicator ind, std::optional<T>& out) {
    if (ind == i_null) out.reset();
    else out = in;
  }
  static void to_base(const std::optional<T>& in, T& out, indicator& ind) {
    if (in) {
      out = *in;
      ind = i_ok;
    } else {
      out = T();
      ind = i_null;
    }
  }
};
}  // namespace soci

namespace cipms::sqlite {

using namespace storage_detail;

namespace {

// Values bound, in call order, to the "?" of a dynamically built statement; deques keep their
// addresses stable. Call add() in its own statement, never twice in one expression: the
// operands of + are unsequenced, so the binding order would not follow the text.
class Params {
 public:
  std::string add(std::string v) {
    s_.push_back(std::move(v));
    order_.emplace_back(&s_.back());
    return "?";
  }
  std::string add(long long v) {
    i_.push_back(v);
    order_.emplace_back(&i_.back());
    return "?";
  }
  // Binds ?1, ?2... in call order; the values stay where they are until the Params goes.
  void bind(sqlite3_stmt* st) const {
    int i = 0;
    for (const auto& p : order_) {
      if (auto* s = std::get_if<std::string*>(&p))
        sqlite3_bind_text(st, ++i, (*s)->data(), static_cast<int>((*s)->size()), SQLITE_STATIC);
      else sqlite3_bind_int64(st, ++i, *std::get<long long*>(p));
    }
  }

 private:
  std::deque<std::string> s_;
  std::deque<long long> i_;
  std::vector<std::variant<std::string*, long long*>> order_;
};

// The current row of a stepped statement as registry_sql.h's column reader.
struct RowReader {
  sqlite3_stmt* st;
  bool null(int c) const { return sqlite3_column_type(st, c) == SQLITE_NULL; }
  long long i64(int c) const { return sqlite3_column_int64(st, c); }
  double dbl(int c) const { return sqlite3_column_double(st, c); }
  std::string text(int c) const {
    auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
    return t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(st, c))) : std::string();
  }
};

// Runs `q` with its parameters and calls on_row(RowReader) for each row. Fails by throwing
// soci::soci_error, like the SOCI calls beside it, so that guarded()/write() map the error.
template <typename F>
void query_rows(::sqlite3* db, const std::string& q, const Params& params, F on_row) {
  sqlite3_stmt* raw_st = nullptr;
  int rc = sqlite3_prepare_v2(db, q.c_str(), -1, &raw_st, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw_st, sqlite3_finalize);
  if (rc != SQLITE_OK) throw soci::soci_error(sqlite3_errmsg(db));
  params.bind(st.get());
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) on_row(RowReader{st.get()});
  if (rc != SQLITE_DONE) throw soci::soci_error(sqlite3_errmsg(db));
}

long long count_rows(::sqlite3* db, const std::string& q, const Params& params) {
  long long n = 0;
  query_rows(db, q, params, [&](const RowReader& r) { n = r.i64(0); });
  return n;
}

// A dependency's suppliers are stored twice, kept in step here (migration 0002): in order on
// its row (supplier_ids) and as edges in supplier_dependencies, clustered by supplier.
void insert_edges(soci::session& sql, long long dep, const std::vector<FacilityId>& sup) {
  for (const auto& f : sup) {
    long long s = f.value;
    sql << "INSERT INTO supplier_dependencies (supplier_id, dependency_id) VALUES (:s, :d)",
        soci::use(s), soci::use(dep);
  }
}

// Removes the edges of dependency `dep` as its row lists them (the row itself stays).
void drop_edges(soci::session& sql, long long dep) {
  std::string text;
  soci::indicator ind = soci::i_null;
  sql << "SELECT supplier_ids FROM dependencies WHERE id = :d", soci::into(text, ind), soci::use(dep);
  if (!sql.got_data()) return;
  for (long long s : parse_ids(text))
    sql << "DELETE FROM supplier_dependencies WHERE supplier_id = :s AND dependency_id = :d",
        soci::use(s), soci::use(dep);
}

// Maps a row to T with registry_sql.h's mapper for T.
template <typename T>
T from_row(const RowReader& r) {
  if constexpr (std::is_same_v<T, Organisation>) return org_from_row(r);
  else if constexpr (std::is_same_v<T, Facility>) return facility_from_row(r);
  else if constexpr (std::is_same_v<T, CoreFunction>) return core_from_row(r);
  else return dep_from_row(r);
}

}  // namespace

template <typename T, typename Key>
Result<T> SqliteSession::select_one(const std::string& sql, const Key& key, const char* what) {
  std::optional<T> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = sql + p.add(key);
    query_rows(raw(), q, p, [&](const RowReader& r) { out = from_row<T>(r); });
    return Status::ok();
  }));
  if (!out) {
    if constexpr (std::is_same_v<Key, std::string>) return Status::not_found(std::string(what) + " " + key + " does not exist");
    else return Status::not_found(std::string(what) + " " + std::to_string(key) + " does not exist");
  }
  return std::move(*out);
}

template <typename T>
Result<std::vector<T>> SqliteSession::select_all(const std::string& sql, long long key, const char* tail) {
  std::vector<T> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = sql + p.add(key) + tail;
    query_rows(raw(), q, p, [&](const RowReader& r) { out.push_back(from_row<T>(r)); });
    return Status::ok();
  }));
  return out;
}

SqliteSession::SqliteSession(std::unique_ptr<soci::session> sql, std::shared_ptr<WriteGate> gate)
    : sql_(std::move(sql)), gate_(std::move(gate)) {}

SqliteSession::~SqliteSession() {
  if (in_tx_) (void)exec("ROLLBACK");
  tx_ticket_.release();  // after the ROLLBACK: the next writer finds SQLite's lock free
}

::sqlite3* SqliteSession::raw() const {
  return native_handle(*sql_);
}

Status SqliteSession::exec(const std::string& sql) { return exec_script(raw(), sql); }

Status SqliteSession::begin() {
  if (in_tx_) return Status::internal("transaction already open (nested begin)");
  // Every begin() is a write transaction (BEGIN IMMEDIATE): queue behind this process's
  // other writers first, then take SQLite's lock (free unless another process holds it).
  WriteGate::Ticket ticket;
  CIPMS_RETURN_IF_ERROR(acquire_write(&ticket));
  CIPMS_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  tx_ticket_ = std::move(ticket);
  in_tx_ = true;
  return Status::ok();
}

Status SqliteSession::commit() {
  if (!in_tx_) return Status::internal("commit without begin");
  Status st = exec("COMMIT");
  if (!st.is_ok()) {
    (void)exec("ROLLBACK");
  }
  in_tx_ = false;
  tx_ticket_.release();
  return st;
}

Status SqliteSession::rollback() {
  if (!in_tx_) return Status::internal("rollback without begin");
  in_tx_ = false;
  Status st = exec("ROLLBACK");
  tx_ticket_.release();
  return st;
}

Status SqliteSession::guarded(const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    return status_from_sqlite(raw(), sqlite3_errcode(raw()), e.what());
  } catch (const std::exception& e) {
    return Status::internal(std::string("storage: ") + e.what());
  }
}

Status SqliteSession::write(const std::function<Status()>& fn) {
  std::string savepoint;
  WriteGate::Ticket ticket;  // a write on its own holds the gate until its COMMIT/ROLLBACK
  if (in_tx_) {
    savepoint = "cipms_sp" + std::to_string(++savepoint_seq_);
    CIPMS_RETURN_IF_ERROR(exec("SAVEPOINT " + savepoint));
  } else {
    CIPMS_RETURN_IF_ERROR(acquire_write(&ticket));
    CIPMS_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  }
  Status st = guarded(fn);
  if (!st.is_ok()) {
    if (savepoint.empty()) (void)exec("ROLLBACK");
    else (void)exec("ROLLBACK TO " + savepoint + "; RELEASE " + savepoint);
    return st;
  }
  Status c = exec(savepoint.empty() ? std::string("COMMIT") : "RELEASE " + savepoint);
  if (!c.is_ok() && savepoint.empty()) (void)exec("ROLLBACK");
  return c;
}

Status SqliteSession::bump_revision(std::int64_t rows) {
  long long n = rows;
  *sql_ << "UPDATE registry_state SET revision = revision + :n WHERE id = 1", soci::use(n);
  return Status::ok();
}

Result<std::int64_t> SqliteSession::registry_revision() {
  long long rev = 0;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    *sql_ << "SELECT revision FROM registry_state WHERE id = 1", soci::into(rev);
    return Status::ok();
  }));
  return static_cast<std::int64_t>(rev);
}

Status SqliteSession::missing_or_stale(const char* table, const char* what, std::int64_t id,
                                       std::int64_t expected_version) {
  long long v = 0;
  long long lid = id;
  soci::indicator ind = soci::i_null;
  *sql_ << std::string("SELECT version FROM ") + table + " WHERE id = :id", soci::into(v, ind),
      soci::use(lid);
  if (!sql_->got_data()) return Status::not_found(std::string(what) + " " + std::to_string(id) +
                                                  " does not exist");
  return Status::precondition_failed(std::string(what) + " " + std::to_string(id) +
                                     " has version " + std::to_string(v) + ", not " +
                                     std::to_string(expected_version));
}

Status SqliteSession::check_version(const char* table, const char* what, std::int64_t id,
                                    std::int64_t expected_version) {
  long long v = 0;
  long long lid = id;
  soci::indicator ind = soci::i_null;
  *sql_ << std::string("SELECT version FROM ") + table + " WHERE id = :id", soci::into(v, ind),
      soci::use(lid);
  if (sql_->got_data() && v == expected_version) return Status::ok();
  return missing_or_stale(table, what, id, expected_version);
}

// --- taxonomy -------------------------------------------------------------------------------

Result<Taxonomy> SqliteSession::load_taxonomy() {
  Taxonomy t;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    auto load = [&](const char* table, std::vector<TaxonomyEntry>& out) {
      std::string code, parent, name, name_en;
      int active = 1;
      soci::statement st = (sql_->prepare << std::string("SELECT code, parent, name, name_en, "
                                                         "active FROM ") +
                                                 table + " ORDER BY rowid",
                            soci::into(code), soci::into(parent), soci::into(name),
                            soci::into(name_en), soci::into(active));
      st.execute(false);
      while (st.fetch()) out.push_back({code, parent, name, name_en, active != 0});
    };
    load("sectors", t.sectors);
    load("subsectors", t.subsectors);
    load("facility_types", t.facility_types);
    load("resources", t.resources);
    load("threats", t.threats);
    County c;
    long long pop = 0;
    soci::statement st =
        (sql_->prepare << "SELECT code, abbrev, name, name_en, population, lat, lon FROM counties "
                          "ORDER BY rowid",
         soci::into(c.code), soci::into(c.abbrev), soci::into(c.name), soci::into(c.name_en),
         soci::into(pop), soci::into(c.lat), soci::into(c.lon));
    st.execute(false);
    while (st.fetch()) {
      c.population = static_cast<long>(pop);
      t.counties.push_back(c);
    }
    return Status::ok();
  }));
  return t;
}

Status SqliteSession::upsert_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) {
  CIPMS_ASSIGN_OR_RETURN(const char* table, taxonomy_entry_table(kind, e));
  return write([&]() -> Status {
    CIPMS_RETURN_IF_ERROR(check_taxonomy_parent(kind, e, [&](const char* parent_table, const std::string& code) {
      long long n = 0;
      *sql_ << std::string("SELECT COUNT(*) FROM ") + parent_table + " WHERE code = :p",
          soci::into(n), soci::use(code);
      return n > 0;
    }));
    int active = e.active ? 1 : 0;
    *sql_ << std::string("INSERT INTO ") + table +
                 " (code, parent, name, name_en, active) VALUES (:c, :p, :n, :ne, :a) "
                 "ON CONFLICT(code) DO UPDATE SET parent = excluded.parent, name = excluded.name, "
                 "name_en = excluded.name_en, active = excluded.active",
        soci::use(e.code), soci::use(e.parent), soci::use(e.name), soci::use(e.name_en),
        soci::use(active);
    return Status::ok();
  });
}

// --- organisations --------------------------------------------------------------------------

Status SqliteSession::load_org_scopes(Organisation& o) {
  std::string kind, code;
  long long id = o.id.value;
  soci::statement st = (sql_->prepare << "SELECT kind, code FROM organisation_scopes WHERE "
                                         "org_id = :id ORDER BY kind, position",
                        soci::into(kind), soci::into(code), soci::use(id));
  st.execute(false);
  o.sectors.clear();
  o.subsectors.clear();
  while (st.fetch()) (kind == "sector" ? o.sectors : o.subsectors).push_back(code);
  return Status::ok();
}

Status SqliteSession::write_org_scopes(const Organisation& o, std::int64_t id) {
  long long lid = id;
  *sql_ << "DELETE FROM organisation_scopes WHERE org_id = :id", soci::use(lid);
  auto put = [&](const char* kind, const std::vector<std::string>& codes) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
      int pos = static_cast<int>(i);
      std::string k = kind;
      *sql_ << "INSERT INTO organisation_scopes (org_id, kind, position, code) "
               "VALUES (:o, :k, :p, :c)",
          soci::use(lid), soci::use(k), soci::use(pos), soci::use(codes[i]);
    }
  };
  put("sector", o.sectors);
  put("subsector", o.subsectors);
  return Status::ok();
}

Result<Organisation> SqliteSession::get_organisation(OrgId id) {
  CIPMS_ASSIGN_OR_RETURN(Organisation o, select_one<Organisation>(std::string("SELECT ") + kOrgCols +
                                                                      " FROM organisations WHERE id = ",
                                                                  static_cast<long long>(id.value), "organisation"));
  CIPMS_RETURN_IF_ERROR(guarded([&] { return load_org_scopes(o); }));
  return o;
}

Result<Organisation> SqliteSession::find_organisation_by_code(const std::string& code) {
  CIPMS_ASSIGN_OR_RETURN(Organisation o, select_one<Organisation>(std::string("SELECT ") + kOrgCols +
                                                                      " FROM organisations WHERE code = ",
                                                                  code, "organisation"));
  CIPMS_RETURN_IF_ERROR(guarded([&] { return load_org_scopes(o); }));
  return o;
}

Result<Page<Organisation>> SqliteSession::list_organisations(const OrgFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  Page<Organisation> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = org_list_where(f, p, Dialect::kSqlite);
    page.total = count_rows(raw(), "SELECT COUNT(*) FROM organisations" + where, p);
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations" + where +
                    " ORDER BY code" + limit_offset(f.limit, f.offset);
    query_rows(raw(), q, p, [&](const RowReader& r) { page.items.push_back(org_from_row(r)); });
    for (auto& o : page.items) CIPMS_RETURN_IF_ERROR(load_org_scopes(o));
    return Status::ok();
  }));
  return page;
}

Result<Organisation> SqliteSession::create_organisation(const Organisation& o, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM organisations WHERE code = :c", soci::into(n), soci::use(o.code);
    if (n) return Status::conflict("organisation code " + o.code + " already exists");
    if (o.parent) {
      long long pid = o.parent->value;
      *sql_ << "SELECT COUNT(*) FROM organisations WHERE id = :p", soci::into(n), soci::use(pid);
      if (!n)
        return Status::unprocessable("parent organisation does not exist",
                                     {{"/parent", "organisation " + std::to_string(pid) +
                                                      " does not exist"}});
    }
    std::string ts = format_utc(now), type = org_type_code(o.type);
    std::optional<long long> parent = opt_id(o.parent);
    *sql_ << "INSERT INTO organisations (code, name, name_en, type, parent_id, version, "
             "created_at, updated_at) VALUES (:c, :n, :ne, :t, :p, 1, :ca, :ua)",
        soci::use(o.code), soci::use(o.name), soci::use(o.name_en), soci::use(type),
        soci::use(parent), soci::use(ts), soci::use(ts);
    id = sqlite3_last_insert_rowid(raw());
    return write_org_scopes(o, id);
  }));
  return get_organisation(OrgId(id));
}

Result<Organisation> SqliteSession::update_organisation(const Organisation& o,
                                                        std::int64_t expected_version,
                                                        TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = o.id.value, ev = expected_version, n = 0;
    *sql_ << "SELECT COUNT(*) FROM organisations WHERE code = :c AND id <> :id", soci::into(n),
        soci::use(o.code), soci::use(id);
    if (n) return Status::conflict("organisation code " + o.code + " already exists");
    if (o.parent) {
      if (o.parent->value == id)
        return Status::unprocessable("an organisation cannot be its own parent",
                                     {{"/parent", "is the organisation itself"}});
      long long pid = o.parent->value;
      *sql_ << "SELECT COUNT(*) FROM organisations WHERE id = :p", soci::into(n), soci::use(pid);
      if (!n)
        return Status::unprocessable("parent organisation does not exist",
                                     {{"/parent", "organisation " + std::to_string(pid) +
                                                      " does not exist"}});
    }
    std::string ts = format_utc(now), type = org_type_code(o.type);
    std::optional<long long> parent = opt_id(o.parent);
    soci::statement st =
        (sql_->prepare << "UPDATE organisations SET code = :c, name = :n, name_en = :ne, type = "
                          ":t, parent_id = :p, version = version + 1, updated_at = :ua "
                          "WHERE id = :id AND version = :ev",
         soci::use(o.code), soci::use(o.name), soci::use(o.name_en), soci::use(type),
         soci::use(parent), soci::use(ts), soci::use(id), soci::use(ev));
    st.execute(true);
    if (st.get_affected_rows() == 0)
      return missing_or_stale("organisations", "organisation", id, expected_version);
    return write_org_scopes(o, id);
  }));
  return get_organisation(o.id);
}

Status SqliteSession::delete_organisation(OrgId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(check_version("organisations", "organisation", lid, expected_version));
    long long children = 0, owned = 0;
    *sql_ << "SELECT COUNT(*) FROM organisations WHERE parent_id = :id", soci::into(children),
        soci::use(lid);
    if (children)
      return Status::conflict("organisation " + std::to_string(lid) + " still has " +
                              std::to_string(children) + " child organisation(s)");
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE provider_id = :a OR authority_id = :b",
        soci::into(owned), soci::use(lid), soci::use(lid);
    if (owned)
      return Status::conflict("organisation " + std::to_string(lid) + " is provider or authority of " +
                              std::to_string(owned) + " facilit" + (owned == 1 ? "y" : "ies"));
    *sql_ << "DELETE FROM organisations WHERE id = :id", soci::use(lid);
    return Status::ok();
  });
}

// --- facilities -----------------------------------------------------------------------------

Result<Facility> SqliteSession::get_facility(FacilityId id) {
  return select_one<Facility>(std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE id = ",
                              static_cast<long long>(id.value), "facility");
}

Result<Facility> SqliteSession::find_facility_by_code(const std::string& code) {
  return select_one<Facility>(std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE code = ",
                              code, "facility");
}

Result<Page<Facility>> SqliteSession::list_facilities(const FacilityFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  CIPMS_ASSIGN_OR_RETURN(const char* sort, facility_sort_column(f.sort));
  Page<Facility> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = facility_list_where(f, p, Dialect::kSqlite);
    page.total = count_rows(raw(), "SELECT COUNT(*) FROM facilities" + where, p);
    std::string q = std::string("SELECT ") + kFacilityCols + " FROM facilities" + where +
                    facility_order_by(sort, f.order, Dialect::kSqlite) + limit_offset(f.limit, f.offset);
    query_rows(raw(), q, p, [&](const RowReader& r) { page.items.push_back(facility_from_row(r)); });
    return Status::ok();
  }));
  return page;
}

Status SqliteSession::check_org_refs(const Facility& f) {
  return check_facility_org_refs(f, [&](long long id) {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM organisations WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
  });
}

Result<Facility> SqliteSession::create_facility(const Facility& f, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE code = :c", soci::into(n), soci::use(f.code);
    if (n) return Status::conflict("facility code " + f.code + " already exists");
    CIPMS_RETURN_IF_ERROR(check_org_refs(f));
    std::string ts = format_utc(now), status = lifecycle_code(f.status);
    std::optional<long long> provider = opt_id(f.provider), authority = opt_id(f.authority);
    long long population = f.population;
    int cii = f.cii ? 1 : 0;
    const Classification& c = f.classification;
    int level = static_cast<int>(c.level);
    *sql_ << "INSERT INTO facilities (code, name, name_en, sector, subsector, type, provider_id, "
             "authority_id, county_code, address, lat, lon, population, loss_per_hour, "
             "mtpd_hours, cii, grade, status, version, created_at, updated_at, classification, "
             "class_reason, classified_by, classified_on, declassify_on, declassify_condition) "
             "VALUES (:code, :name, :name_en, :sector, :subsector, :type, :provider, :authority, "
             ":county, :address, :lat, :lon, :population, :loss, :mtpd, :cii, :grade, :status, 1, "
             ":ca, :ua, :cl, :cr, :cb, :con, :don, :dc)",
        soci::use(f.code), soci::use(f.name), soci::use(f.name_en), soci::use(f.sector),
        soci::use(f.subsector), soci::use(f.type), soci::use(provider), soci::use(authority),
        soci::use(f.county_code), soci::use(f.address), soci::use(f.lat), soci::use(f.lon),
        soci::use(population), soci::use(f.loss_per_hour), soci::use(f.mtpd_hours), soci::use(cii),
        soci::use(f.grade), soci::use(status), soci::use(ts), soci::use(ts), soci::use(level),
        soci::use(c.reason), soci::use(c.classified_by), soci::use(c.classified_on),
        soci::use(c.declassify_on), soci::use(c.declassify_condition);
    id = sqlite3_last_insert_rowid(raw());
    return bump_revision(1);
  }));
  return get_facility(FacilityId(id));
}

Result<Facility> SqliteSession::update_facility(const Facility& f, std::int64_t expected_version,
                                                TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = f.id.value, ev = expected_version, n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE code = :c AND id <> :id", soci::into(n),
        soci::use(f.code), soci::use(id);
    if (n) return Status::conflict("facility code " + f.code + " already exists");
    CIPMS_RETURN_IF_ERROR(check_org_refs(f));
    std::string ts = format_utc(now), status = lifecycle_code(f.status);
    std::optional<long long> provider = opt_id(f.provider), authority = opt_id(f.authority);
    long long population = f.population;
    int cii = f.cii ? 1 : 0;
    const Classification& c = f.classification;
    int level = static_cast<int>(c.level);
    soci::statement st =
        (sql_->prepare << "UPDATE facilities SET code = :code, name = :name, name_en = :name_en, "
                          "sector = :sector, subsector = :subsector, type = :type, provider_id = "
                          ":provider, authority_id = :authority, county_code = :county, address = "
                          ":address, lat = :lat, lon = :lon, population = :population, "
                          "loss_per_hour = :loss, mtpd_hours = :mtpd, cii = :cii, grade = :grade, "
                          "status = :status, classification = :cl, class_reason = :cr, "
                          "classified_by = :cb, classified_on = :con, declassify_on = :don, "
                          "declassify_condition = :dc, version = version + 1, updated_at = :ua "
                          "WHERE id = :id AND version = :ev",
         soci::use(f.code), soci::use(f.name), soci::use(f.name_en), soci::use(f.sector),
         soci::use(f.subsector), soci::use(f.type), soci::use(provider), soci::use(authority),
         soci::use(f.county_code), soci::use(f.address), soci::use(f.lat), soci::use(f.lon),
         soci::use(population), soci::use(f.loss_per_hour), soci::use(f.mtpd_hours),
         soci::use(cii), soci::use(f.grade), soci::use(status), soci::use(level),
         soci::use(c.reason), soci::use(c.classified_by), soci::use(c.classified_on),
         soci::use(c.declassify_on), soci::use(c.declassify_condition), soci::use(ts),
         soci::use(id), soci::use(ev));
    st.execute(true);
    if (st.get_affected_rows() == 0) return missing_or_stale("facilities", "facility", id, ev);
    return bump_revision(1);
  }));
  return get_facility(f.id);
}

Status SqliteSession::delete_facility(FacilityId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(check_version("facilities", "facility", lid, expected_version));
    long long supplied = 0;
    *sql_ << "SELECT COUNT(*) FROM supplier_dependencies WHERE supplier_id = :id",
        soci::into(supplied), soci::use(lid);
    if (supplied)
      return Status::conflict("facility " + std::to_string(lid) + " is a supplier of " +
                              std::to_string(supplied) + " dependenc" +
                              (supplied == 1 ? "y" : "ies") + " of other facilities");
    // Explicit rather than ON DELETE CASCADE alone, so the revision counts what went.
    long long deps = 0, cores = 0;
    *sql_ << "SELECT COUNT(*) FROM dependencies WHERE consumer_id = :id", soci::into(deps),
        soci::use(lid);
    *sql_ << "SELECT COUNT(*) FROM core_functions WHERE facility_id = :id", soci::into(cores),
        soci::use(lid);
    {
      std::vector<long long> dep_ids;
      long long dep_id = 0;
      soci::statement st = (sql_->prepare << "SELECT id FROM dependencies WHERE consumer_id = :id",
                            soci::into(dep_id), soci::use(lid));
      st.execute(false);
      while (st.fetch()) dep_ids.push_back(dep_id);
      for (long long d : dep_ids) drop_edges(*sql_, d);
    }
    *sql_ << "DELETE FROM dependencies WHERE consumer_id = :id", soci::use(lid);
    *sql_ << "DELETE FROM core_functions WHERE facility_id = :id", soci::use(lid);
    *sql_ << "DELETE FROM facilities WHERE id = :id", soci::use(lid);
    return bump_revision(1 + deps + cores);
  });
}

// --- core functions -------------------------------------------------------------------------

Result<CoreFunction> SqliteSession::get_core_function(CoreFunctionId id) {
  return select_one<CoreFunction>(std::string("SELECT ") + kCoreCols + " FROM core_functions WHERE id = ",
                                  static_cast<long long>(id.value), "core function");
}

Result<std::vector<CoreFunction>> SqliteSession::list_core_functions(FacilityId facility) {
  return select_all<CoreFunction>(std::string("SELECT ") + kCoreCols + " FROM core_functions WHERE facility_id = ",
                                   facility.value, " ORDER BY id");
}

Result<CoreFunction> SqliteSession::create_core_function(const CoreFunction& c, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long fid = c.facility.value, n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE id = :id", soci::into(n), soci::use(fid);
    if (!n)
      return Status::unprocessable("facility does not exist",
                                   {{"/facility", "facility " + std::to_string(fid) +
                                                      " does not exist"}});
    std::string ts = format_utc(now);
    *sql_ << "INSERT INTO core_functions (facility_id, name, description, mtpd_hours, continuity, "
             "version, created_at, updated_at) VALUES (:f, :n, :d, :m, :c, 1, :ca, :ua)",
        soci::use(fid), soci::use(c.name), soci::use(c.description), soci::use(c.mtpd_hours),
        soci::use(c.continuity), soci::use(ts), soci::use(ts);
    id = sqlite3_last_insert_rowid(raw());
    return bump_revision(1);
  }));
  return get_core_function(CoreFunctionId(id));
}

Result<CoreFunction> SqliteSession::update_core_function(const CoreFunction& c,
                                                         std::int64_t expected_version,
                                                         TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = c.id.value, ev = expected_version, fid = c.facility.value, n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE id = :id", soci::into(n), soci::use(fid);
    if (!n)
      return Status::unprocessable("facility does not exist",
                                   {{"/facility", "facility " + std::to_string(fid) +
                                                      " does not exist"}});
    std::string ts = format_utc(now);
    soci::statement st =
        (sql_->prepare << "UPDATE core_functions SET facility_id = :f, name = :n, description = "
                          ":d, mtpd_hours = :m, continuity = :c, version = version + 1, "
                          "updated_at = :ua WHERE id = :id AND version = :ev",
         soci::use(fid), soci::use(c.name), soci::use(c.description), soci::use(c.mtpd_hours),
         soci::use(c.continuity), soci::use(ts), soci::use(id), soci::use(ev));
    st.execute(true);
    if (st.get_affected_rows() == 0)
      return missing_or_stale("core_functions", "core function", id, ev);
    return bump_revision(1);
  }));
  return get_core_function(c.id);
}

Status SqliteSession::delete_core_function(CoreFunctionId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value, ev = expected_version;
    soci::statement st = (sql_->prepare << "DELETE FROM core_functions WHERE id = :id AND "
                                           "version = :ev",
                          soci::use(lid), soci::use(ev));
    st.execute(true);
    if (st.get_affected_rows() == 0)
      return missing_or_stale("core_functions", "core function", lid, ev);
    return bump_revision(1);
  });
}

// --- dependencies ---------------------------------------------------------------------------

Status SqliteSession::check_dependency_refs(const Dependency& d) {
  return check_dependency(d, [&](long long id) {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
  });
}

Result<Dependency> SqliteSession::get_dependency(DependencyId id) {
  return select_one<Dependency>(std::string("SELECT ") + kDepCols + " FROM dependencies WHERE id = ",
                                static_cast<long long>(id.value), "dependency");
}

Result<std::vector<Dependency>> SqliteSession::list_dependencies_of(FacilityId consumer) {
  return select_all<Dependency>(std::string("SELECT ") + kDepCols + " FROM dependencies WHERE consumer_id = ",
                                consumer.value, " ORDER BY id");
}

Result<std::vector<Dependency>> SqliteSession::list_dependencies_supplied_by(FacilityId supplier) {
  return select_all<Dependency>(std::string("SELECT ") + kDepCols +
                                    " FROM dependencies WHERE id IN (SELECT dependency_id FROM "
                                    "supplier_dependencies WHERE supplier_id = ",
                                supplier.value, ") ORDER BY id");
}

Result<Dependency> SqliteSession::create_dependency(const Dependency& d, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    CIPMS_RETURN_IF_ERROR(check_dependency_refs(d));
    long long consumer = d.consumer.value;
    std::string ts = format_utc(now), sup = supplier_text(d.suppliers);
    *sql_ << "INSERT INTO dependencies (consumer_id, resource, min_up, backup_hours, supplier_ids, "
             "version, created_at, updated_at) VALUES (:c, :r, :m, :b, :s, 1, :ca, :ua)",
        soci::use(consumer), soci::use(d.resource), soci::use(d.min_up), soci::use(d.backup_hours),
        soci::use(sup), soci::use(ts), soci::use(ts);
    id = sqlite3_last_insert_rowid(raw());
    insert_edges(*sql_, id, d.suppliers);
    return bump_revision(1);
  }));
  return get_dependency(DependencyId(id));
}

Result<Dependency> SqliteSession::update_dependency(const Dependency& d,
                                                    std::int64_t expected_version, TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = d.id.value, consumer = d.consumer.value;
    // Version first: a stale or missing record is the answer even if the body is also bad.
    CIPMS_RETURN_IF_ERROR(check_version("dependencies", "dependency", id, expected_version));
    CIPMS_RETURN_IF_ERROR(check_dependency_refs(d));
    std::string ts = format_utc(now), sup = supplier_text(d.suppliers);
    drop_edges(*sql_, id);
    *sql_ << "UPDATE dependencies SET consumer_id = :c, resource = :r, min_up = :m, backup_hours "
             "= :b, supplier_ids = :s, version = version + 1, updated_at = :ua WHERE id = :id",
        soci::use(consumer), soci::use(d.resource), soci::use(d.min_up), soci::use(d.backup_hours),
        soci::use(sup), soci::use(ts), soci::use(id);
    insert_edges(*sql_, id, d.suppliers);
    return bump_revision(1);
  }));
  return get_dependency(d.id);
}

Status SqliteSession::delete_dependency(DependencyId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(check_version("dependencies", "dependency", lid, expected_version));
    drop_edges(*sql_, lid);
    *sql_ << "DELETE FROM dependencies WHERE id = :id", soci::use(lid);
    return bump_revision(1);
  });
}

}  // namespace cipms::sqlite
