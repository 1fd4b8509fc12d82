// CRUD of the registry over libpq, statement for statement the semantics of storage/sqlite.
// The bulk paths (load_network, import_network) are in pg_import.cc.
#include "cipms/storage/postgres/pg_session.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "cipms/storage/registry_sql.h"

namespace cipms::pg {

using namespace storage_detail;

namespace {

Organisation org_row(const Res& r, int i) { return org_from_row(RowReader{r, i}); }
Facility facility_row(const Res& r, int i) { return facility_from_row(RowReader{r, i}); }
CoreFunction core_row(const Res& r, int i) { return core_from_row(RowReader{r, i}); }
Dependency dep_row(const Res& r, int i) { return dep_from_row(RowReader{r, i}); }

}  // namespace

PgSession::PgSession(std::unique_ptr<Conn> conn, std::shared_ptr<Pool> pool)
    : c_(std::move(conn)), pool_(std::move(pool)) {}

PgSession::~PgSession() {
  if (in_tx_) (void)c_->exec("ROLLBACK");
  if (pool_) pool_->give_back(std::move(c_));
}

Status PgSession::begin() {
  if (in_tx_) return Status::internal("transaction already open (nested begin)");
  CIPMS_RETURN_IF_ERROR(c_->exec("BEGIN"));
  in_tx_ = true;
  return Status::ok();
}

Status PgSession::commit() {
  if (!in_tx_) return Status::internal("commit without begin");
  in_tx_ = false;
  Status st = c_->exec("COMMIT");
  if (!st.is_ok()) (void)c_->exec("ROLLBACK");
  return st;
}

Status PgSession::rollback() {
  if (!in_tx_) return Status::internal("rollback without begin");
  in_tx_ = false;
  return c_->exec("ROLLBACK");
}

Status PgSession::guarded(const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const PgError& e) {
    return status_of(e);
  } catch (const std::exception& e) {
    return Status::internal(std::string("storage: ") + e.what());
  }
}

Status PgSession::write(const std::function<Status()>& fn) {
  std::string savepoint;
  if (in_tx_) {
    savepoint = "cipms_sp" + std::to_string(++savepoint_seq_);
    CIPMS_RETURN_IF_ERROR(c_->exec("SAVEPOINT " + savepoint));
  } else {
    CIPMS_RETURN_IF_ERROR(c_->exec("BEGIN"));
  }
  Status st = guarded(fn);
  if (!st.is_ok()) {
    if (savepoint.empty()) (void)c_->exec("ROLLBACK");
    else (void)c_->exec("ROLLBACK TO SAVEPOINT " + savepoint + "; RELEASE SAVEPOINT " + savepoint);
    return st;
  }
  Status c = c_->exec(savepoint.empty() ? std::string("COMMIT") : "RELEASE SAVEPOINT " + savepoint);
  if (!c.is_ok() && savepoint.empty()) (void)c_->exec("ROLLBACK");
  return c;
}

void PgSession::bump_revision(std::int64_t rows) {
  Params p;
  std::string n = p.add(static_cast<long long>(rows));
  c_->query("UPDATE registry_state SET revision = revision + " + n + " WHERE id = 1", p);
}

Result<std::int64_t> PgSession::registry_revision() {
  long long rev = 0;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Res r = c_->query("SELECT revision FROM registry_state WHERE id = 1");
    if (r.rows()) rev = r.i64(0, 0);
    return Status::ok();
  }));
  return static_cast<std::int64_t>(rev);
}

bool PgSession::exists(const char* table, long long id) {
  Params p;
  std::string q = std::string("SELECT 1 FROM ") + table + " WHERE id = " + p.add(id);
  return c_->query(q, p).rows() > 0;
}

Status PgSession::missing_or_stale(const char* table, const char* what, std::int64_t id,
                                   std::int64_t expected_version) {
  Params p;
  std::string q = std::string("SELECT version FROM ") + table + " WHERE id = " +
                  p.add(static_cast<long long>(id));
  Res r = c_->query(q, p);
  if (!r.rows())
    return Status::not_found(std::string(what) + " " + std::to_string(id) + " does not exist");
  return Status::precondition_failed(std::string(what) + " " + std::to_string(id) +
                                     " has version " + std::to_string(r.i64(0, 0)) + ", not " +
                                     std::to_string(expected_version));
}

Status PgSession::lock_version(const char* table, const char* what, std::int64_t id,
                               std::int64_t expected_version) {
  Params p;
  std::string q = std::string("SELECT version FROM ") + table + " WHERE id = " +
                  p.add(static_cast<long long>(id)) + " FOR UPDATE";
  Res r = c_->query(q, p);
  if (r.rows() && r.i64(0, 0) == expected_version) return Status::ok();
  return missing_or_stale(table, what, id, expected_version);
}

// --- taxonomy -------------------------------------------------------------------------------

Result<Taxonomy> PgSession::load_taxonomy() {
  Taxonomy t;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    auto load = [&](const char* table, std::vector<TaxonomyEntry>& out) {
      Res r = c_->query(std::string("SELECT code, parent, name, name_en, active FROM ") + table +
                        " ORDER BY seq");
      for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.i64(i, 4) != 0});
    };
    load("sectors", t.sectors);
    load("subsectors", t.subsectors);
    load("facility_types", t.facility_types);
    load("resources", t.resources);
    load("threats", t.threats);
    Res r = c_->query(
        "SELECT code, abbrev, name, name_en, population, lat, lon FROM counties ORDER BY seq");
    for (int i = 0; i < r.rows(); ++i) {
      County c;
      c.code = r.text(i, 0);
      c.abbrev = r.text(i, 1);
      c.name = r.text(i, 2);
      c.name_en = r.text(i, 3);
      c.population = static_cast<long>(r.i64(i, 4));
      c.lat = r.dbl(i, 5);
      c.lon = r.dbl(i, 6);
      t.counties.push_back(c);
    }
    return Status::ok();
  }));
  return t;
}

Status PgSession::upsert_taxonomy_entry(const std::string& kind, const TaxonomyEntry& e) {
  CIPMS_ASSIGN_OR_RETURN(const char* table, taxonomy_entry_table(kind, e));
  return write([&]() -> Status {
    CIPMS_RETURN_IF_ERROR(check_taxonomy_parent(kind, e, [&](const char* parent_table, const std::string& code) {
      Params p;
      std::string q = std::string("SELECT 1 FROM ") + parent_table + " WHERE code = " + p.add(code);
      return c_->query(q, p).rows() > 0;
    }));
    Params p;
    std::string q = std::string("INSERT INTO ") + table +
                    " (code, parent, name, name_en, active) VALUES (" + p.add(e.code) + ", ";
    q += p.add(e.parent) + ", ";
    q += p.add(e.name) + ", ";
    q += p.add(e.name_en) + ", ";
    q += p.add(e.active ? 1 : 0) +
         ") ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, name = excluded.name, "
         "name_en = excluded.name_en, active = excluded.active";
    c_->query(q, p);
    return Status::ok();
  });
}

// --- organisations --------------------------------------------------------------------------

void PgSession::load_org_scopes(Organisation& o) {
  Params p;
  std::string q = "SELECT kind, code FROM organisation_scopes WHERE org_id = " +
                  p.add(static_cast<long long>(o.id.value)) + " ORDER BY kind, position";
  Res r = c_->query(q, p);
  o.sectors.clear();
  o.subsectors.clear();
  for (int i = 0; i < r.rows(); ++i)
    (r.text(i, 0) == "sector" ? o.sectors : o.subsectors).push_back(r.text(i, 1));
}

void PgSession::write_org_scopes(const Organisation& o, long long id) {
  {
    Params p;
    c_->query("DELETE FROM organisation_scopes WHERE org_id = " + p.add(id), p);
  }
  auto put = [&](const char* kind, const std::vector<std::string>& codes) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
      Params p;
      std::string q = "INSERT INTO organisation_scopes (org_id, kind, position, code) VALUES (" +
                      p.add(id) + ", ";
      q += p.add(kind) + ", ";
      q += p.add(static_cast<long long>(i)) + ", ";
      q += p.add(codes[i]) + ")";
      c_->query(q, p);
    }
  };
  put("sector", o.sectors);
  put("subsector", o.subsectors);
}

Result<Organisation> PgSession::get_organisation(OrgId id) {
  std::optional<Organisation> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations WHERE id = " +
                    p.add(static_cast<long long>(id.value));
    Res r = c_->query(q, p);
    if (r.rows()) {
      out = org_row(r, 0);
      load_org_scopes(*out);
    }
    return Status::ok();
  }));
  if (!out) return Status::not_found("organisation " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<Organisation> PgSession::find_organisation_by_code(const std::string& code) {
  std::optional<Organisation> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = std::string("SELECT ") + kOrgCols + " FROM organisations WHERE code = " + p.add(code);
    Res r = c_->query(q, p);
    if (r.rows()) {
      out = org_row(r, 0);
      load_org_scopes(*out);
    }
    return Status::ok();
  }));
  if (!out) return Status::not_found("organisation " + code + " does not exist");
  return *out;
}

Result<Page<Organisation>> PgSession::list_organisations(const OrgFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  Page<Organisation> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = org_list_where(f, p, Dialect::kPostgres);
    page.total = c_->query("SELECT COUNT(*) FROM organisations" + where, p).i64(0, 0);
    Res r = c_->query(std::string("SELECT ") + kOrgCols + " FROM organisations" + where +
                          " ORDER BY code" + limit_offset(f.limit, f.offset),
                      p);
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(org_row(r, i));
    for (auto& o : page.items) load_org_scopes(o);
    return Status::ok();
  }));
  return page;
}

Result<Organisation> PgSession::create_organisation(const Organisation& o, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    {
      Params p;
      if (c_->query("SELECT 1 FROM organisations WHERE code = " + p.add(o.code), p).rows())
        return Status::conflict("organisation code " + o.code + " already exists");
    }
    if (o.parent && !exists("organisations", o.parent->value))
      return Status::unprocessable("parent organisation does not exist",
                                   {{"/parent", "organisation " + std::to_string(o.parent->value) +
                                                    " does not exist"}});
    std::string ts = format_utc(now);
    Params p;
    std::string q = "INSERT INTO organisations (code, name, name_en, type, parent_id, version, "
                    "created_at, updated_at) VALUES (" + p.add(o.code) + ", ";
    q += p.add(o.name) + ", ";
    q += p.add(o.name_en) + ", ";
    q += p.add(std::string(org_type_code(o.type))) + ", ";
    q += p.add(opt_id(o.parent)) + ", 1, ";
    std::string t = p.add(ts);
    q += t + ", " + t + ") RETURNING id";
    id = c_->query(q, p).i64(0, 0);
    write_org_scopes(o, id);
    return Status::ok();
  }));
  return get_organisation(OrgId(id));
}

Result<Organisation> PgSession::update_organisation(const Organisation& o,
                                                    std::int64_t expected_version, TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = o.id.value;
    {
      Params p;
      std::string q = "SELECT 1 FROM organisations WHERE code = " + p.add(o.code);
      q += " AND id <> " + p.add(id);
      if (c_->query(q, p).rows())
        return Status::conflict("organisation code " + o.code + " already exists");
    }
    if (o.parent) {
      if (o.parent->value == id)
        return Status::unprocessable("an organisation cannot be its own parent",
                                     {{"/parent", "is the organisation itself"}});
      if (!exists("organisations", o.parent->value))
        return Status::unprocessable("parent organisation does not exist",
                                     {{"/parent", "organisation " + std::to_string(o.parent->value) +
                                                      " does not exist"}});
    }
    Params p;
    std::string q = "UPDATE organisations SET code = " + p.add(o.code);
    q += ", name = " + p.add(o.name);
    q += ", name_en = " + p.add(o.name_en);
    q += ", type = " + p.add(std::string(org_type_code(o.type)));
    q += ", parent_id = " + p.add(opt_id(o.parent));
    q += ", version = version + 1, updated_at = " + p.add(format_utc(now));
    q += " WHERE id = " + p.add(id);
    q += " AND version = " + p.add(static_cast<long long>(expected_version));
    if (c_->query(q, p).affected() == 0)
      return missing_or_stale("organisations", "organisation", id, expected_version);
    write_org_scopes(o, id);
    return Status::ok();
  }));
  return get_organisation(o.id);
}

Status PgSession::delete_organisation(OrgId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(lock_version("organisations", "organisation", lid, expected_version));
    Params p;
    p.add(lid);
    long long children =
        c_->query("SELECT COUNT(*) FROM organisations WHERE parent_id = $1", p).i64(0, 0);
    if (children)
      return Status::conflict("organisation " + std::to_string(lid) + " still has " +
                              std::to_string(children) + " child organisation(s)");
    long long owned =
        c_->query("SELECT COUNT(*) FROM facilities WHERE provider_id = $1 OR authority_id = $1", p)
            .i64(0, 0);
    if (owned)
      return Status::conflict("organisation " + std::to_string(lid) + " is provider or authority of " +
                              std::to_string(owned) + " facilit" + (owned == 1 ? "y" : "ies"));
    c_->query("DELETE FROM organisations WHERE id = $1", p);
    return Status::ok();
  });
}

// --- facilities -----------------------------------------------------------------------------

Result<Facility> PgSession::get_facility(FacilityId id) { return read_facility(id, false); }

// Inside a transaction, FOR NO KEY UPDATE holds the row until commit: a read-modify-write
// (PATCH with If-Match *) then never loses the race to a concurrent writer under READ COMMITTED.
Result<Facility> PgSession::get_facility_for_update(FacilityId id) { return read_facility(id, in_tx_); }

Result<Facility> PgSession::read_facility(FacilityId id, bool lock) {
  std::optional<Facility> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE id = " +
                    p.add(static_cast<long long>(id.value)) + (lock ? " FOR NO KEY UPDATE" : "");
    Res r = c_->query(q, p);
    if (r.rows()) out = facility_row(r, 0);
    return Status::ok();
  }));
  if (!out) return Status::not_found("facility " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<Facility> PgSession::find_facility_by_code(const std::string& code) {
  std::optional<Facility> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string q = std::string("SELECT ") + kFacilityCols + " FROM facilities WHERE code = " + p.add(code);
    Res r = c_->query(q, p);
    if (r.rows()) out = facility_row(r, 0);
    return Status::ok();
  }));
  if (!out) return Status::not_found("facility " + code + " does not exist");
  return *out;
}

Result<Page<Facility>> PgSession::list_facilities(const FacilityFilter& f) {
  CIPMS_RETURN_IF_ERROR(check_page(f.limit, f.offset));
  CIPMS_ASSIGN_OR_RETURN(const char* sort, facility_sort_column(f.sort));
  Page<Facility> page;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    std::string where = facility_list_where(f, p, Dialect::kPostgres);
    page.total = c_->query("SELECT COUNT(*) FROM facilities" + where, p).i64(0, 0);
    Res r = c_->query(std::string("SELECT ") + kFacilityCols + " FROM facilities" + where +
                          facility_order_by(sort, f.order, Dialect::kPostgres) +
                          limit_offset(f.limit, f.offset),
                      p);
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(facility_row(r, i));
    return Status::ok();
  }));
  return page;
}

Status PgSession::check_org_refs(const Facility& f) {
  return check_facility_org_refs(f, [&](long long id) { return exists("organisations", id); });
}

namespace {
// The writable facility columns, as parameters, in kFacilityWritable order.
std::vector<std::string> facility_params(Params& p, const Facility& f) {
  std::vector<std::string> v;
  v.push_back(p.add(f.code));
  v.push_back(p.add(f.name));
  v.push_back(p.add(f.name_en));
  v.push_back(p.add(f.sector));
  v.push_back(p.add(f.subsector));
  v.push_back(p.add(f.type));
  v.push_back(p.add(opt_id(f.provider)));
  v.push_back(p.add(opt_id(f.authority)));
  v.push_back(p.add(f.county_code));
  v.push_back(p.add(f.address));
  v.push_back(p.add(f.lat));
  v.push_back(p.add(f.lon));
  v.push_back(p.add(static_cast<long long>(f.population)));
  v.push_back(p.add(f.loss_per_hour));
  v.push_back(p.add(f.mtpd_hours));
  v.push_back(p.add(f.cii ? 1 : 0));
  v.push_back(p.add(f.grade));
  v.push_back(p.add(std::string(lifecycle_code(f.status))));
  const Classification& c = f.classification;
  v.push_back(p.add(static_cast<int>(c.level)));
  v.push_back(p.add(c.reason));
  v.push_back(p.add(c.classified_by));
  v.push_back(p.add(c.classified_on));
  v.push_back(p.add(c.declassify_on));
  v.push_back(p.add(c.declassify_condition));
  return v;
}
constexpr const char* kFacilityWritable[] = {
    "code", "name", "name_en", "sector", "subsector", "type", "provider_id", "authority_id",
    "county_code", "address", "lat", "lon", "population", "loss_per_hour", "mtpd_hours", "cii",
    "grade", "status", "classification", "class_reason", "classified_by", "classified_on",
    "declassify_on", "declassify_condition"};
}  // namespace

Result<Facility> PgSession::create_facility(const Facility& f, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    {
      Params p;
      if (c_->query("SELECT 1 FROM facilities WHERE code = " + p.add(f.code), p).rows())
        return Status::conflict("facility code " + f.code + " already exists");
    }
    CIPMS_RETURN_IF_ERROR(check_org_refs(f));
    Params p;
    auto v = facility_params(p, f);
    std::string cols, vals;
    for (std::size_t i = 0; i < v.size(); ++i) {
      cols += std::string(kFacilityWritable[i]) + ", ";
      vals += v[i] + ", ";
    }
    std::string ts = p.add(format_utc(now));
    id = c_->query("INSERT INTO facilities (" + cols + "version, created_at, updated_at) VALUES (" +
                       vals + "1, " + ts + ", " + ts + ") RETURNING id",
                   p)
             .i64(0, 0);
    bump_revision(1);
    return Status::ok();
  }));
  return get_facility(FacilityId(id));
}

Result<Facility> PgSession::update_facility(const Facility& f, std::int64_t expected_version,
                                            TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = f.id.value;
    {
      Params p;
      std::string q = "SELECT 1 FROM facilities WHERE code = " + p.add(f.code);
      q += " AND id <> " + p.add(id);
      if (c_->query(q, p).rows()) return Status::conflict("facility code " + f.code + " already exists");
    }
    CIPMS_RETURN_IF_ERROR(check_org_refs(f));
    Params p;
    auto v = facility_params(p, f);
    std::string set;
    for (std::size_t i = 0; i < v.size(); ++i) set += std::string(kFacilityWritable[i]) + " = " + v[i] + ", ";
    std::string q = "UPDATE facilities SET " + set + "version = version + 1, updated_at = " +
                    p.add(format_utc(now));
    q += " WHERE id = " + p.add(id);
    q += " AND version = " + p.add(static_cast<long long>(expected_version));
    if (c_->query(q, p).affected() == 0)
      return missing_or_stale("facilities", "facility", id, expected_version);
    bump_revision(1);
    return Status::ok();
  }));
  return get_facility(f.id);
}

Status PgSession::delete_facility(FacilityId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(lock_version("facilities", "facility", lid, expected_version));
    Params p;
    p.add(lid);
    long long supplied =
        c_->query("SELECT COUNT(*) FROM supplier_dependencies WHERE supplier_id = $1", p).i64(0, 0);
    if (supplied)
      return Status::conflict("facility " + std::to_string(lid) + " is a supplier of " +
                              std::to_string(supplied) + " dependenc" +
                              (supplied == 1 ? "y" : "ies") + " of other facilities");
    // Explicit rather than ON DELETE CASCADE alone, so the revision counts what went.
    Res deps = c_->query("SELECT id FROM dependencies WHERE consumer_id = $1", p);
    for (int i = 0; i < deps.rows(); ++i) drop_edges(deps.i64(i, 0));
    long long n_deps = c_->query("DELETE FROM dependencies WHERE consumer_id = $1", p).affected();
    long long n_cores = c_->query("DELETE FROM core_functions WHERE facility_id = $1", p).affected();
    c_->query("DELETE FROM facilities WHERE id = $1", p);
    bump_revision(1 + n_deps + n_cores);
    return Status::ok();
  });
}

// --- core functions -------------------------------------------------------------------------

Result<CoreFunction> PgSession::get_core_function(CoreFunctionId id) {
  std::optional<CoreFunction> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    Res r = c_->query(std::string("SELECT ") + kCoreCols + " FROM core_functions WHERE id = " +
                          p.add(static_cast<long long>(id.value)),
                      p);
    if (r.rows()) out = core_row(r, 0);
    return Status::ok();
  }));
  if (!out) return Status::not_found("core function " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<std::vector<CoreFunction>> PgSession::list_core_functions(FacilityId facility) {
  std::vector<CoreFunction> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    Res r = c_->query(std::string("SELECT ") + kCoreCols + " FROM core_functions WHERE facility_id = " +
                          p.add(static_cast<long long>(facility.value)) + " ORDER BY id",
                      p);
    for (int i = 0; i < r.rows(); ++i) out.push_back(core_row(r, i));
    return Status::ok();
  }));
  return out;
}

Result<CoreFunction> PgSession::create_core_function(const CoreFunction& c, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long fid = c.facility.value;
    if (!exists("facilities", fid))
      return Status::unprocessable("facility does not exist",
                                   {{"/facility", "facility " + std::to_string(fid) + " does not exist"}});
    Params p;
    std::string q = "INSERT INTO core_functions (facility_id, name, description, mtpd_hours, "
                    "continuity, version, created_at, updated_at) VALUES (" + p.add(fid) + ", ";
    q += p.add(c.name) + ", ";
    q += p.add(c.description) + ", ";
    q += p.add(c.mtpd_hours) + ", ";
    q += p.add(c.continuity) + ", 1, ";
    std::string ts = p.add(format_utc(now));
    q += ts + ", " + ts + ") RETURNING id";
    id = c_->query(q, p).i64(0, 0);
    bump_revision(1);
    return Status::ok();
  }));
  return get_core_function(CoreFunctionId(id));
}

Result<CoreFunction> PgSession::update_core_function(const CoreFunction& c,
                                                     std::int64_t expected_version, TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = c.id.value, fid = c.facility.value;
    if (!exists("facilities", fid))
      return Status::unprocessable("facility does not exist",
                                   {{"/facility", "facility " + std::to_string(fid) + " does not exist"}});
    Params p;
    std::string q = "UPDATE core_functions SET facility_id = " + p.add(fid);
    q += ", name = " + p.add(c.name);
    q += ", description = " + p.add(c.description);
    q += ", mtpd_hours = " + p.add(c.mtpd_hours);
    q += ", continuity = " + p.add(c.continuity);
    q += ", version = version + 1, updated_at = " + p.add(format_utc(now));
    q += " WHERE id = " + p.add(id);
    q += " AND version = " + p.add(static_cast<long long>(expected_version));
    if (c_->query(q, p).affected() == 0)
      return missing_or_stale("core_functions", "core function", id, expected_version);
    bump_revision(1);
    return Status::ok();
  }));
  return get_core_function(c.id);
}

Status PgSession::delete_core_function(CoreFunctionId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    Params p;
    std::string q = "DELETE FROM core_functions WHERE id = " + p.add(lid);
    q += " AND version = " + p.add(static_cast<long long>(expected_version));
    if (c_->query(q, p).affected() == 0)
      return missing_or_stale("core_functions", "core function", lid, expected_version);
    bump_revision(1);
    return Status::ok();
  });
}

// --- dependencies ---------------------------------------------------------------------------

void PgSession::insert_edges(long long dep, const std::vector<FacilityId>& sup) {
  for (const auto& f : sup) {
    Params p;
    std::string q = "INSERT INTO supplier_dependencies (supplier_id, dependency_id) VALUES (" +
                    p.add(static_cast<long long>(f.value)) + ", ";
    q += p.add(dep) + ")";
    c_->query(q, p);
  }
}

void PgSession::drop_edges(long long dep) {
  Params p;
  p.add(dep);
  // The row lists its suppliers, so the edges are found through the primary key.
  c_->query("DELETE FROM supplier_dependencies WHERE dependency_id = $1 AND supplier_id = ANY("
            "(SELECT string_to_array(NULLIF(supplier_ids, ''), ',')::bigint[] FROM dependencies "
            "WHERE id = $1)::bigint[])",
            p);
}

Status PgSession::check_dependency_refs(const Dependency& d) {
  return check_dependency(d, [&](long long id) { return exists("facilities", id); });
}

Result<Dependency> PgSession::get_dependency(DependencyId id) {
  std::optional<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    Res r = c_->query(std::string("SELECT ") + kDepCols + " FROM dependencies WHERE id = " +
                          p.add(static_cast<long long>(id.value)),
                      p);
    if (r.rows()) out = dep_row(r, 0);
    return Status::ok();
  }));
  if (!out) return Status::not_found("dependency " + std::to_string(id.value) + " does not exist");
  return *out;
}

Result<std::vector<Dependency>> PgSession::list_dependencies_of(FacilityId consumer) {
  std::vector<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    Res r = c_->query(std::string("SELECT ") + kDepCols + " FROM dependencies WHERE consumer_id = " +
                          p.add(static_cast<long long>(consumer.value)) + " ORDER BY id",
                      p);
    for (int i = 0; i < r.rows(); ++i) out.push_back(dep_row(r, i));
    return Status::ok();
  }));
  return out;
}

Result<std::vector<Dependency>> PgSession::list_dependencies_supplied_by(FacilityId supplier) {
  std::vector<Dependency> out;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Params p;
    Res r = c_->query(std::string("SELECT ") + kDepCols +
                          " FROM dependencies WHERE id IN (SELECT dependency_id FROM "
                          "supplier_dependencies WHERE supplier_id = " +
                          p.add(static_cast<long long>(supplier.value)) + ") ORDER BY id",
                      p);
    for (int i = 0; i < r.rows(); ++i) out.push_back(dep_row(r, i));
    return Status::ok();
  }));
  return out;
}

Result<Dependency> PgSession::create_dependency(const Dependency& d, TimePoint now) {
  long long id = 0;
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    CIPMS_RETURN_IF_ERROR(check_dependency_refs(d));
    Params p;
    std::string q = "INSERT INTO dependencies (consumer_id, resource, min_up, backup_hours, "
                    "supplier_ids, version, created_at, updated_at) VALUES (" +
                    p.add(static_cast<long long>(d.consumer.value)) + ", ";
    q += p.add(d.resource) + ", ";
    q += p.add(d.min_up) + ", ";
    q += p.add(d.backup_hours) + ", ";
    q += p.add(supplier_text(d.suppliers)) + ", 1, ";
    std::string ts = p.add(format_utc(now));
    q += ts + ", " + ts + ") RETURNING id";
    id = c_->query(q, p).i64(0, 0);
    insert_edges(id, d.suppliers);
    bump_revision(1);
    return Status::ok();
  }));
  return get_dependency(DependencyId(id));
}

Result<Dependency> PgSession::update_dependency(const Dependency& d, std::int64_t expected_version,
                                                TimePoint now) {
  CIPMS_RETURN_IF_ERROR(write([&]() -> Status {
    long long id = d.id.value;
    // Version first: a stale or missing record is the answer even if the body is also bad.
    CIPMS_RETURN_IF_ERROR(lock_version("dependencies", "dependency", id, expected_version));
    CIPMS_RETURN_IF_ERROR(check_dependency_refs(d));
    drop_edges(id);
    Params p;
    std::string q = "UPDATE dependencies SET consumer_id = " + p.add(static_cast<long long>(d.consumer.value));
    q += ", resource = " + p.add(d.resource);
    q += ", min_up = " + p.add(d.min_up);
    q += ", backup_hours = " + p.add(d.backup_hours);
    q += ", supplier_ids = " + p.add(supplier_text(d.suppliers));
    q += ", version = version + 1, updated_at = " + p.add(format_utc(now));
    q += " WHERE id = " + p.add(id);
    c_->query(q, p);
    insert_edges(id, d.suppliers);
    bump_revision(1);
    return Status::ok();
  }));
  return get_dependency(d.id);
}

Status PgSession::delete_dependency(DependencyId id, std::int64_t expected_version) {
  return write([&]() -> Status {
    long long lid = id.value;
    CIPMS_RETURN_IF_ERROR(lock_version("dependencies", "dependency", lid, expected_version));
    Params p;
    p.add(lid);
    drop_edges(lid);
    c_->query("DELETE FROM dependencies WHERE id = $1", p);
    bump_revision(1);
    return Status::ok();
  });
}

}  // namespace cipms::pg
