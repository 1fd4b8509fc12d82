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

#include "cipms/storage/access_sql.h"
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
namespace {

TimePoint parse_time(const std::string& s) {
  TimePoint t{};
  (void)parse_utc(s, &t);
  return t;
}

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
  void bind(soci::statement& st) {
    for (auto& p : order_) {
      if (auto* s = std::get_if<std::string*>(&p)) st.exchange(soci::use(**s));
      else st.exchange(soci::use(*std::get<long long*>(p)));
    }
  }

 private:
  std::deque<std::string> s_;
  std::deque<long long> i_;
  std::vector<std::variant<std::string*, long long*>> order_;
};

// LIKE pattern for a case-insensitive substring (ASCII folding is SQLite's; CJK has no case).
std::string like_pattern(const std::string& q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

constexpr const char* kOrgCols =
    "id, code, name, name_en, type, parent_id, version, created_at, updated_at";

struct OrgRow {
  long long id = 0, version = 0;
  std::string code, name, name_en, type, created, updated;
  std::optional<long long> parent;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(code));
    st.exchange(soci::into(name));
    st.exchange(soci::into(name_en));
    st.exchange(soci::into(type));
    st.exchange(soci::into(parent));
    st.exchange(soci::into(version));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  Organisation get() const {
    Organisation o;
    o.id = OrgId(id);
    o.code = code;
    o.name = name;
    o.name_en = name_en;
    o.type = parse_org_type(type).value_or(OrgType::kProvider);
    if (parent) o.parent = OrgId(*parent);
    o.version = version;
    o.created_at = parse_time(created);
    o.updated_at = parse_time(updated);
    return o;
  }
};

constexpr const char* kFacilityCols =
    "id, code, name, name_en, sector, subsector, type, provider_id, authority_id, county_code, "
    "address, lat, lon, population, loss_per_hour, mtpd_hours, cii, grade, status, version, "
    "created_at, updated_at, classification, class_reason, classified_by, classified_on, "
    "declassify_on, declassify_condition";

// Stored classification level (0..4) as ClassLevel; anything else reads as the nearest level.
ClassLevel class_level_of(long long v) {
  return static_cast<ClassLevel>(std::clamp<long long>(v, 0, 4));
}

struct FacilityRow {
  long long id = 0, population = 0, version = 0;
  int cii = 0, class_level = 0;
  std::string code, name, name_en, sector, subsector, type, county, address, status, created,
      updated, class_reason, classified_by, declassify_condition;
  std::optional<long long> provider, authority;
  std::optional<double> lat, lon, mtpd;
  std::optional<int> grade;
  std::optional<std::string> classified_on, declassify_on;
  double loss = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(code));
    st.exchange(soci::into(name));
    st.exchange(soci::into(name_en));
    st.exchange(soci::into(sector));
    st.exchange(soci::into(subsector));
    st.exchange(soci::into(type));
    st.exchange(soci::into(provider));
    st.exchange(soci::into(authority));
    st.exchange(soci::into(county));
    st.exchange(soci::into(address));
    st.exchange(soci::into(lat));
    st.exchange(soci::into(lon));
    st.exchange(soci::into(population));
    st.exchange(soci::into(loss));
    st.exchange(soci::into(mtpd));
    st.exchange(soci::into(cii));
    st.exchange(soci::into(grade));
    st.exchange(soci::into(status));
    st.exchange(soci::into(version));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(class_level));
    st.exchange(soci::into(class_reason));
    st.exchange(soci::into(classified_by));
    st.exchange(soci::into(classified_on));
    st.exchange(soci::into(declassify_on));
    st.exchange(soci::into(declassify_condition));
  }
  Facility get() const {
    Facility f;
    f.id = FacilityId(id);
    f.code = code;
    f.name = name;
    f.name_en = name_en;
    f.sector = sector;
    f.subsector = subsector;
    f.type = type;
    if (provider) f.provider = OrgId(*provider);
    if (authority) f.authority = OrgId(*authority);
    f.county_code = county;
    f.address = address;
    f.lat = lat;
    f.lon = lon;
    f.population = population;
    f.loss_per_hour = loss;
    f.mtpd_hours = mtpd;
    f.cii = cii != 0;
    f.grade = grade;
    f.status = parse_lifecycle(status).value_or(Lifecycle::kActive);
    f.classification.level = class_level_of(class_level);
    f.classification.reason = class_reason;
    f.classification.classified_by = classified_by;
    f.classification.classified_on = classified_on;
    f.classification.declassify_on = declassify_on;
    f.classification.declassify_condition = declassify_condition;
    f.version = version;
    f.created_at = parse_time(created);
    f.updated_at = parse_time(updated);
    return f;
  }
};

constexpr const char* kCoreCols =
    "id, facility_id, name, description, mtpd_hours, continuity, version, created_at, updated_at";

struct CoreRow {
  long long id = 0, facility = 0, version = 0;
  std::string name, description, continuity, created, updated;
  std::optional<double> mtpd;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(facility));
    st.exchange(soci::into(name));
    st.exchange(soci::into(description));
    st.exchange(soci::into(mtpd));
    st.exchange(soci::into(continuity));
    st.exchange(soci::into(version));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  CoreFunction get() const {
    CoreFunction c;
    c.id = CoreFunctionId(id);
    c.facility = FacilityId(facility);
    c.name = name;
    c.description = description;
    c.mtpd_hours = mtpd;
    c.continuity = continuity;
    c.version = version;
    c.created_at = parse_time(created);
    c.updated_at = parse_time(updated);
    return c;
  }
};

constexpr const char* kDepCols =
    "id, consumer_id, resource, min_up, backup_hours, supplier_ids, version, created_at, "
    "updated_at";

struct DepRow {
  long long id = 0, consumer = 0, version = 0;
  int min_up = 1;
  double backup = 0;
  std::string resource, suppliers, created, updated;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(consumer));
    st.exchange(soci::into(resource));
    st.exchange(soci::into(min_up));
    st.exchange(soci::into(backup));
    st.exchange(soci::into(suppliers));
    st.exchange(soci::into(version));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  Dependency get() const {
    Dependency d;
    d.id = DependencyId(id);
    d.consumer = FacilityId(consumer);
    d.resource = resource;
    d.min_up = min_up;
    d.backup_hours = backup;
    for (long long s : parse_ids(suppliers)) d.suppliers.push_back(FacilityId(s));
    d.version = version;
    d.created_at = parse_time(created);
    d.updated_at = parse_time(updated);
    return d;
  }
};

// Runs `sql` (with its parameters) and calls on_row after each fetched row bound into `row`.
template <typename Row, typename F>
void query_rows(soci::session& sql, const std::string& q, Params& params, Row& row, F on_row) {
  soci::statement st(sql);
  st.alloc();
  st.prepare(q);
  row.bind(st);
  params.bind(st);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row();
}

long long count_rows(soci::session& sql, const std::string& q, Params& params) {
  long long n = 0;
  soci::statement st(sql);
  st.alloc();
  st.prepare(q);
  st.exchange(soci::into(n));
  params.bind(st);
  st.define_and_bind();
  st.execute(true);
  return n;
}

// A dependency's suppliers are stored twice, kept in step here (migration 0002): in order on
// its row (supplier_ids) and as edges in supplier_dependencies, clustered by supplier.
std::string supplier_text(const std::vector<FacilityId>& sup) {
  std::vector<long long> ids;
  for (const auto& s : sup) ids.push_back(s.value);
  return join_ids(ids);
}

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

const char* taxonomy_table(const std::string& kind) {
  if (kind == "sector") return "sectors";
  if (kind == "subsector") return "subsectors";
  if (kind == "facility_type") return "facility_types";
  if (kind == "resource") return "resources";
  if (kind == "threat") return "threats";
  return nullptr;
}

Status check_page(int limit, std::int64_t offset) {
  if (limit < 1 || limit > 1000) return Status::invalid("limit must be between 1 and 1000");
  if (offset < 0) return Status::invalid("offset must not be negative");
  return Status::ok();
}

std::optional<long long> opt_id(const std::optional<OrgId>& id) {
  if (!id) return std::nullopt;
  return id->value;
}

}  // namespace

std::string join_ids(const std::vector<long long>& ids) {
  std::string out;
  for (long long id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::vector<long long> parse_ids(const std::string& s) {
  std::vector<long long> out;
  long long v = 0;
  bool any = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      any = true;
    } else {
      if (any && v > 0) out.push_back(v);
      v = 0;
      any = false;
    }
  }
  if (any && v > 0) out.push_back(v);
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
  const char* table = taxonomy_table(kind);
  if (!table) return Status::invalid("unknown taxonomy kind: " + kind);
  if (e.code.empty()) return Status::invalid("taxonomy code must not be empty");
  return write([&]() -> Status {
    const char* parent_table = kind == "subsector"       ? "sectors"
                               : kind == "facility_type" ? "subsectors"
                                                         : nullptr;
    if (parent_table) {
      long long n = 0;
      *sql_ << std::string("SELECT COUNT(*) FROM ") + parent_table + " WHERE code = :p",
          soci::into(n), soci::use(e.parent);
      if (n == 0)
        return Status::unprocessable("parent " + e.parent + " of " + kind + " " + e.code +
                                         " does not exist",
                                     {{"/parent", "unknown " + std::string(parent_table)}});
    } else if (!e.parent.empty()) {
      return Status::unprocessable(kind + " entries have no parent", {{"/parent", "must be empty"}});
    }
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
  std::optional<Organisation> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    OrgRow row;
    Params p;
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations WHERE id = " +
                    p.add(static_cast<long long>(id.value));
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    if (out) return load_org_scopes(*out);
    return Status::ok();
  }));
  if (!out) return Status::not_found("organisation " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<Organisation> SqliteSession::find_organisation_by_code(const std::string& code) {
  std::optional<Organisation> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    OrgRow row;
    Params p;
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations WHERE code = " +
                    p.add(code);
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    if (out) return load_org_scopes(*out);
    return Status::ok();
  }));
  if (!out) return Status::not_found("organisation " + code + " does not exist");
  return *out;
}

Result<Page<Organisation>> SqliteSession::list_organisations(const OrgFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  Page<Organisation> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = " WHERE 1 = 1";
    if (f.type) where += " AND type = " + p.add(std::string(org_type_code(*f.type)));
    if (f.parent) where += " AND parent_id = " + p.add(static_cast<long long>(f.parent->value));
    if (f.q) {
      std::string pat = like_pattern(*f.q);
      for (const char* col : {" AND (code", " OR name", " OR name_en"}) {
        where += col;
        where += " LIKE " + p.add(pat) + " ESCAPE '\\'";
      }
      where += ")";
    }
    page.total = count_rows(*sql_, "SELECT COUNT(*) FROM organisations" + where, p);
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations" + where +
                    " ORDER BY code LIMIT " + std::to_string(f.limit) + " OFFSET " +
                    std::to_string(f.offset);
    OrgRow row;
    query_rows(*sql_, q, p, row, [&] { page.items.push_back(row.get()); });
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
    long long lid = id.value, ev = expected_version, v = 0;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT version FROM organisations WHERE id = :id", soci::into(v, ind), soci::use(lid);
    if (!sql_->got_data())
      return Status::not_found("organisation " + std::to_string(lid) + " does not exist");
    if (v != ev) return missing_or_stale("organisations", "organisation", lid, ev);
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
  std::optional<Facility> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    FacilityRow row;
    Params p;
    std::string q = std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE id = " +
                    p.add(static_cast<long long>(id.value));
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    return Status::ok();
  }));
  if (!out) return Status::not_found("facility " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<Facility> SqliteSession::find_facility_by_code(const std::string& code) {
  std::optional<Facility> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    FacilityRow row;
    Params p;
    std::string q =
        std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE code = " + p.add(code);
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    return Status::ok();
  }));
  if (!out) return Status::not_found("facility " + code + " does not exist");
  return *out;
}

Result<Page<Facility>> SqliteSession::list_facilities(const FacilityFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  static const char* const kSorts[] = {"code", "name", "name_en", "population", "grade",
                                       "updated_at"};
  const char* sort = nullptr;
  for (const char* s : kSorts)
    if (f.sort == s) sort = s;
  if (!sort) return Status::invalid("cannot sort facilities by '" + f.sort + "'");
  Page<Facility> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = " WHERE 1 = 1";
    if (f.sector) where += " AND sector = " + p.add(*f.sector);
    if (f.subsector) where += " AND subsector = " + p.add(*f.subsector);
    if (f.county_code) where += " AND county_code = " + p.add(*f.county_code);
    if (f.type) where += " AND type = " + p.add(*f.type);
    if (f.grade) where += " AND grade = " + p.add(static_cast<long long>(*f.grade));
    else if (f.ungraded) where += " AND grade IS NULL";
    if (f.provider) where += " AND provider_id = " + p.add(static_cast<long long>(f.provider->value));
    if (f.authority)
      where += " AND authority_id = " + p.add(static_cast<long long>(f.authority->value));
    if (f.cii) where += " AND cii = " + p.add(static_cast<long long>(*f.cii ? 1 : 0));
    if (f.classification)
      where += " AND classification = " + p.add(static_cast<long long>(*f.classification));
    if (f.q) {
      std::string pat = like_pattern(*f.q);
      for (const char* col : {" AND (code", " OR name", " OR name_en"}) {
        where += col;
        where += " LIKE " + p.add(pat) + " ESCAPE '\\'";
      }
      where += ")";
    }
    if (f.access) where += storage_detail::access_where(*f.access, p);
    page.total = count_rows(*sql_, "SELECT COUNT(*) FROM facilities" + where, p);
    const char* dir = f.order == SortOrder::kAsc ? " ASC" : " DESC";
    std::string order = std::string(" ORDER BY ") + sort + dir;
    if (std::string(sort) != "code") order += ", code ASC";  // stable pages on ties
    std::string q = std::string("SELECT ") + kFacilityCols + " FROM facilities" + where + order +
                    " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset);
    FacilityRow row;
    query_rows(*sql_, q, p, row, [&] { page.items.push_back(row.get()); });
    return Status::ok();
  }));
  return page;
}

Status SqliteSession::check_org_refs(const Facility& f) {
  std::vector<FieldError> errs;
  auto check = [&](const std::optional<OrgId>& id, const char* field) {
    if (!id) return;
    long long n = 0, lid = id->value;
    *sql_ << "SELECT COUNT(*) FROM organisations WHERE id = :id", soci::into(n), soci::use(lid);
    if (!n) errs.push_back({std::string("/") + field,
                            "organisation " + std::to_string(lid) + " does not exist"});
  };
  check(f.provider, "provider");
  check(f.authority, "authority");
  if (!errs.empty()) return Status::unprocessable("facility refers to unknown organisations", errs);
  return Status::ok();
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
    long long lid = id.value, ev = expected_version, v = 0;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT version FROM facilities WHERE id = :id", soci::into(v, ind), soci::use(lid);
    if (!sql_->got_data())
      return Status::not_found("facility " + std::to_string(lid) + " does not exist");
    if (v != ev) return missing_or_stale("facilities", "facility", lid, ev);
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
  std::optional<CoreFunction> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    CoreRow row;
    Params p;
    std::string q = std::string("SELECT ") + kCoreCols + " FROM core_functions WHERE id = " +
                    p.add(static_cast<long long>(id.value));
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    return Status::ok();
  }));
  if (!out)
    return Status::not_found("core function " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<std::vector<CoreFunction>> SqliteSession::list_core_functions(FacilityId facility) {
  std::vector<CoreFunction> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    CoreRow row;
    Params p;
    std::string q = std::string("SELECT ") + kCoreCols +
                    " FROM core_functions WHERE facility_id = " +
                    p.add(static_cast<long long>(facility.value)) + " ORDER BY id";
    query_rows(*sql_, q, p, row, [&] { out.push_back(row.get()); });
    return Status::ok();
  }));
  return out;
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
  std::vector<FieldError> errs;
  auto exists = [&](long long id) {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM facilities WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
  };
  if (!exists(d.consumer.value))
    errs.push_back({"/consumer", "facility " + std::to_string(d.consumer.value) + " does not exist"});
  if (d.suppliers.empty()) errs.push_back({"/suppliers", "at least one supplier is needed"});
  for (std::size_t i = 0; i < d.suppliers.size(); ++i) {
    const auto& s = d.suppliers[i];
    std::string where = "/suppliers/" + std::to_string(i);
    if (s == d.consumer) errs.push_back({where, "a facility cannot supply itself"});
    else if (!exists(s.value))
      errs.push_back({where, "facility " + std::to_string(s.value) + " does not exist"});
    for (std::size_t j = 0; j < i; ++j)
      if (d.suppliers[j] == s) {
        errs.push_back({where, "supplier listed twice"});
        break;
      }
  }
  if (d.min_up < 1 || d.min_up > static_cast<int>(d.suppliers.size()))
    errs.push_back({"/min_up", "must be between 1 and the number of suppliers"});
  if (!(d.backup_hours >= 0) || d.backup_hours == std::numeric_limits<double>::infinity())
    errs.push_back({"/backup_hours", "must be finite and >= 0"});
  if (!errs.empty()) return Status::unprocessable("invalid dependency", errs);
  return Status::ok();
}

Result<Dependency> SqliteSession::get_dependency(DependencyId id) {
  std::optional<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    DepRow row;
    Params p;
    std::string q = std::string("SELECT ") + kDepCols + " FROM dependencies WHERE id = " +
                    p.add(static_cast<long long>(id.value));
    query_rows(*sql_, q, p, row, [&] { out = row.get(); });
    return Status::ok();
  }));
  if (!out) return Status::not_found("dependency " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<std::vector<Dependency>> SqliteSession::list_dependencies_of(FacilityId consumer) {
  std::vector<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    DepRow row;
    Params p;
    std::string q = std::string("SELECT ") + kDepCols + " FROM dependencies WHERE consumer_id = " +
                    p.add(static_cast<long long>(consumer.value)) + " ORDER BY id";
    query_rows(*sql_, q, p, row, [&] { out.push_back(row.get()); });
    return Status::ok();
  }));
  return out;
}

Result<std::vector<Dependency>> SqliteSession::list_dependencies_supplied_by(FacilityId supplier) {
  std::vector<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    DepRow row;
    Params p;
    std::string q = std::string("SELECT ") + kDepCols +
                    " FROM dependencies WHERE id IN (SELECT dependency_id FROM "
                    "supplier_dependencies WHERE supplier_id = " +
                    p.add(static_cast<long long>(supplier.value)) + ") ORDER BY id";
    query_rows(*sql_, q, p, row, [&] { out.push_back(row.get()); });
    return Status::ok();
  }));
  return out;
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
    long long id = d.id.value, ev = expected_version, consumer = d.consumer.value;
    // Version first: a stale or missing record is the answer even if the body is also bad.
    long long v = 0;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT version FROM dependencies WHERE id = :id", soci::into(v, ind), soci::use(id);
    if (!sql_->got_data() || v != ev) return missing_or_stale("dependencies", "dependency", id, ev);
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
    long long lid = id.value, ev = expected_version, v = 0;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT version FROM dependencies WHERE id = :id", soci::into(v, ind), soci::use(lid);
    if (!sql_->got_data() || v != ev) return missing_or_stale("dependencies", "dependency", lid, ev);
    drop_edges(*sql_, lid);
    *sql_ << "DELETE FROM dependencies WHERE id = :id", soci::use(lid);
    return bump_revision(1);
  });
}

}  // namespace cipms::sqlite
