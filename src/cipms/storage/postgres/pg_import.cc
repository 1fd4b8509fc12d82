// The bulk paths of PgSession: load_network (plain SELECTs, parsed once) and import_network
// (COPY FROM STDIN). Row-by-row INSERTs cost one round trip each; COPY streams the rows, and a
// replace import drops the secondary indexes and foreign keys around the load and rebuilds
// them once (docs/adr/0003-storage-postgres.md).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "cipms/storage/postgres/pg_session.h"

namespace cipms::pg {

using namespace storage_detail;

namespace {

constexpr std::size_t kCopyChunk = 1 << 20;

// Buffers COPY text rows and sends them in chunks.
class CopyWriter {
 public:
  CopyWriter(Conn& c, const std::string& sql) : c_(c) { c_.copy_begin(sql); }
  void text(const std::string& s) {
    sep();
    copy_escape(buf_, s);
  }
  void i64(long long v) {
    sep();
    buf_ += std::to_string(v);
  }
  void dbl(double v) {
    sep();
    buf_ += format_double(v);
  }
  void null() {
    sep();
    buf_ += "\\N";
  }
  template <typename T>
  void opt(const std::optional<T>& v) {
    if (!v) null();
    else if constexpr (std::is_floating_point_v<T>) dbl(*v);
    else i64(*v);
  }
  void end_row() {
    buf_ += '\n';
    first_ = true;
    if (buf_.size() >= kCopyChunk) {
      c_.copy_put(buf_);
      buf_.clear();
    }
  }
  void finish() {
    c_.copy_put(buf_);
    buf_.clear();
    c_.copy_end();
  }

 private:
  void sep() {
    if (!first_) buf_ += '\t';
    first_ = false;
  }
  Conn& c_;
  std::string buf_;
  bool first_ = true;
};

void facility_copy_row(CopyWriter& w, long long id, const Facility& f, std::optional<long long> provider,
                       std::optional<long long> authority, const std::string& status,
                       long long version, const std::string& ts) {
  w.i64(id);
  w.text(f.code);
  w.text(f.name);
  w.text(f.name_en);
  w.text(f.sector);
  w.text(f.subsector);
  w.text(f.type);
  w.opt(provider);
  w.opt(authority);
  w.text(f.county_code);
  w.text(f.address);
  w.opt(f.lat);
  w.opt(f.lon);
  w.i64(f.population);
  w.dbl(f.loss_per_hour);
  w.opt(f.mtpd_hours);
  w.i64(f.cii ? 1 : 0);
  w.opt(f.grade);
  w.text(status);
  w.i64(version);
  w.text(ts);
  w.text(ts);
  w.end_row();
}

// The columns a network file supplies. The classification columns are not among them: new rows
// get the schema's defaults (一般, no marking) and a merge keeps those of registry rows.
constexpr const char* kFacilityCopyCols =
    "(id, code, name, name_en, sector, subsector, type, provider_id, authority_id, county_code, "
    "address, lat, lon, population, loss_per_hour, mtpd_hours, cii, grade, status, version, "
    "created_at, updated_at)";

std::string array_literal(const std::vector<long long>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(ids[i]);
  }
  return s + "}";
}

}  // namespace

Result<NetworkSnapshot> PgSession::load_network() {
  NetworkSnapshot net;
  // One snapshot for all three reads even without an outer transaction.
  const bool own = !in_tx_;
  if (own) CIPMS_RETURN_IF_ERROR(c_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  Status st = guarded([&]() -> Status {
    std::unordered_map<long long, std::string> org_codes;
    {
      Res r = c_->query("SELECT id, code FROM organisations");
      for (int i = 0; i < r.rows(); ++i) org_codes.emplace(r.i64(i, 0), r.text(i, 1));
    }
    auto org_code = [&](const std::optional<OrgId>& id) -> std::string {
      if (!id) return {};
      auto it = org_codes.find(id->value);
      return it == org_codes.end() ? std::string() : it->second;
    };
    std::unordered_map<long long, std::uint32_t> index;  // facility id → position in net
    {
      Res r = c_->query(std::string("SELECT ") + kFacilityCols + " FROM facilities ORDER BY code");
      const int n = r.rows();
      net.facilities.reserve(n);
      net.provider_codes.reserve(n);
      net.authority_codes.reserve(n);
      index.reserve(n);
      for (int i = 0; i < n; ++i) {
        Facility f = facility_from_row(RowReader{r, i});
        index.emplace(f.id.value, static_cast<std::uint32_t>(i));
        net.provider_codes.push_back(org_code(f.provider));
        net.authority_codes.push_back(org_code(f.authority));
        net.facilities.push_back(std::move(f));
      }
    }
    struct DepRow {
      std::uint32_t consumer;
      long long id;
      NetworkSnapshot::Dep dep;
    };
    std::vector<DepRow> deps;
    {
      Res r = c_->query(
          "SELECT id, consumer_id, resource, min_up, backup_hours, supplier_ids FROM dependencies");
      deps.reserve(r.rows());
      for (int i = 0; i < r.rows(); ++i) {
        auto c = index.find(r.i64(i, 1));
        if (c == index.end())
          return Status::internal("dependency " + r.text(i, 0) + " has a missing consumer");
        DepRow d{c->second, r.i64(i, 0), {}};
        d.dep.consumer = net.facilities[c->second].code;
        d.dep.resource = r.text(i, 2);
        d.dep.min_up = static_cast<int>(r.i64(i, 3));
        d.dep.backup_hours = r.dbl(i, 4);
        for (long long s : parse_ids(r.cstr(i, 5))) {
          auto it = index.find(s);
          if (it == index.end())
            return Status::internal("dependency " + std::to_string(d.id) +
                                    " names missing facility " + std::to_string(s));
          d.dep.suppliers.push_back(net.facilities[it->second].code);
        }
        deps.push_back(std::move(d));
      }
    }
    std::sort(deps.begin(), deps.end(), [](const DepRow& a, const DepRow& b) {
      return a.consumer != b.consumer ? a.consumer < b.consumer : a.id < b.id;
    });
    net.dependencies.reserve(deps.size());
    for (auto& d : deps) net.dependencies.push_back(std::move(d.dep));
    return Status::ok();
  });
  if (own) {
    Status end = c_->exec(st.is_ok() ? "COMMIT" : "ROLLBACK");
    if (st.is_ok()) st = end;
  }
  if (!st.is_ok()) return st;
  return net;
}

Result<ImportCounts> PgSession::import_network(const NetworkSnapshot& net, ImportMode mode,
                                               TimePoint now) {
  const bool replace = mode == ImportMode::kReplace;
  const std::size_t n = net.facilities.size();
  ImportCounts counts;
  Status result = write([&]() -> Status {
    // Other writers wait for the import (readers do not): ids are assigned here from MAX(id).
    c_->script("LOCK TABLE facilities, dependencies, supplier_dependencies, core_functions "
               "IN SHARE ROW EXCLUSIVE MODE");
    ImportErrors error;

    // 1. Organisations by code.
    std::unordered_map<std::string, long long> orgs;
    {
      Res r = c_->query("SELECT code, id FROM organisations");
      for (int i = 0; i < r.rows(); ++i) orgs.emplace(r.text(i, 0), r.i64(i, 1));
    }
    std::vector<std::optional<long long>> provider, authority;
    resolve_import_orgs(net, orgs, error, provider, authority);

    // 2. Facility ids: registry rows keep theirs (merge); new rows get fresh ids above max_id.
    long long max_id = c_->query("SELECT COALESCE(MAX(id), 0) FROM facilities").i64(0, 0);
    std::unordered_map<std::string_view, long long> ids;
    ids.reserve(n + 16);
    std::deque<std::string> existing_codes;
    if (!replace) {
      Res r = c_->query("SELECT code, id FROM facilities");
      ids.reserve(n + r.rows() + 16);
      for (int i = 0; i < r.rows(); ++i) {
        existing_codes.push_back(r.text(i, 0));
        ids.emplace(existing_codes.back(), r.i64(i, 1));
      }
    }
    long long next_id = max_id + 1;
    std::vector<long long> fac_id(n);
    std::vector<bool> is_update(n, false);
    std::unordered_set<long long> claimed;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& code = net.facilities[i].code;
      auto [it, inserted] = ids.try_emplace(code, next_id);
      if (inserted) {
        fac_id[i] = next_id++;
      } else if (it->second <= max_id && claimed.insert(it->second).second) {
        fac_id[i] = it->second;
        is_update[i] = true;
      } else {
        error("/facilities/" + std::to_string(i) + "/id", "duplicate facility id " + code);
      }
    }

    // 3. Dependencies by code.
    const std::size_t m = net.dependencies.size();
    std::vector<long long> consumer_id, supplier_ids;  // supplier_ids flattened, in dependency order
    resolve_import_deps(net, [&](const std::string& code) -> const long long* {
      auto it = ids.find(code);
      return it == ids.end() ? nullptr : &it->second;
    }, error, consumer_id, supplier_ids);
    if (!error.empty()) return error.rejected();

    // 4. Write.
    std::int64_t removed = 0;
    std::vector<std::string> rebuild;  // index and constraint definitions, after a replace load
    if (replace) {
      for (const char* t : {"supplier_dependencies", "dependencies", "core_functions", "facilities"})
        removed += c_->query(std::string("SELECT COUNT(*) FROM ") + t).i64(0, 0);
      c_->script("TRUNCATE supplier_dependencies, dependencies, core_functions, facilities");
      // Foreign keys checked row by row cost a trigger call per row; re-adding them validates
      // with one join. Secondary indexes are built once by sorting instead of row by row.
      // Drops the constraints a (table, name, definition) query lists; `readd` gets the
      // statements that add them back.
      auto drop_constraints = [&](const char* list_sql, std::vector<std::string>& readd) {
        Res r = c_->query(list_sql);
        for (int i = 0; i < r.rows(); ++i) {
          c_->script("ALTER TABLE " + r.text(i, 0) + " DROP CONSTRAINT " + r.text(i, 1));
          readd.push_back("ALTER TABLE " + r.text(i, 0) + " ADD CONSTRAINT " + r.text(i, 1) + " " +
                          r.text(i, 2));
        }
      };
      drop_constraints(
          "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
          "WHERE contype = 'f' AND conrelid IN ('facilities'::regclass, 'dependencies'::regclass, "
          "'supplier_dependencies'::regclass, 'core_functions'::regclass)",
          rebuild);
      // Primary keys of the edge and dependency tables too (nothing references them once the
      // foreign keys are gone); facilities_pkey stays, the foreign keys come back onto it.
      std::vector<std::string> index_sql;
      drop_constraints(
          "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
          "WHERE contype = 'p' AND conrelid IN ('dependencies'::regclass, "
          "'supplier_dependencies'::regclass)",
          index_sql);
      Res idx = c_->query(
          "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND "
          "tablename IN ('facilities', 'dependencies', 'supplier_dependencies') AND "
          "indexname NOT LIKE '%\\_pkey'");
      for (int i = 0; i < idx.rows(); ++i) {
        c_->script("DROP INDEX " + idx.text(i, 0));
        index_sql.push_back(idx.text(i, 1));
      }
      // Index builds sort in memory when they can (the default 64 MB spills to disk).
      c_->script("SET LOCAL maintenance_work_mem = '256MB'");
      // Indexes before foreign keys: validation probes facilities by primary key only, but
      // the unique code index should fail before anything else if it ever would.
      rebuild.insert(rebuild.begin(), index_sql.begin(), index_sql.end());
    }

    const std::string ts = format_utc(now);
    {
      // Merge: rows are staged, then inserted or updated in two set statements. The staging
      // table takes the defaults too: LIKE copies NOT NULL, and COPY leaves out the columns a
      // network file has no value for (classification).
      if (!replace)
        c_->script("DROP TABLE IF EXISTS pg_temp.cipms_import_facilities; "
                   "CREATE TEMP TABLE cipms_import_facilities (LIKE facilities INCLUDING DEFAULTS)");
      CopyWriter w(*c_, std::string("COPY ") +
                            (replace ? "facilities " : "cipms_import_facilities ") +
                            kFacilityCopyCols + " FROM STDIN");
      for (std::size_t i = 0; i < n; ++i) {
        facility_copy_row(w, fac_id[i], net.facilities[i], provider[i], authority[i],
                          lifecycle_code(net.facilities[i].status), 1, ts);
        ++(is_update[i] ? counts.facilities_updated : counts.facilities_created);
      }
      w.finish();
      if (!replace) {
        Params p;
        std::string mx = p.add(max_id);
        c_->query(std::string("INSERT INTO facilities ") + kFacilityCopyCols + " SELECT " +
                      std::string(kFacilityCopyCols).substr(1, std::strlen(kFacilityCopyCols) - 2) +
                      " FROM cipms_import_facilities WHERE id > " + mx,
                  p);
        c_->query(
            "UPDATE facilities f SET code = s.code, name = s.name, name_en = s.name_en, sector = "
            "s.sector, subsector = s.subsector, type = s.type, provider_id = s.provider_id, "
            "authority_id = s.authority_id, county_code = s.county_code, address = s.address, "
            "lat = s.lat, lon = s.lon, population = s.population, loss_per_hour = "
            "s.loss_per_hour, mtpd_hours = s.mtpd_hours, cii = s.cii, grade = s.grade, status = "
            "s.status, version = f.version + 1, updated_at = s.updated_at "
            "FROM cipms_import_facilities s WHERE f.id = s.id AND s.id <= " + mx,
            p);
        c_->script("DROP TABLE cipms_import_facilities");
      }
    }

    if (!replace) {
      // Merge: the dependencies of every imported registry facility, and of every registry
      // consumer the snapshot names, are replaced by the snapshot's.
      std::unordered_set<long long> replaced(claimed.begin(), claimed.end());
      for (std::size_t j = 0; j < m; ++j)
        if (consumer_id[j] <= max_id) replaced.insert(consumer_id[j]);
      std::vector<long long> list(replaced.begin(), replaced.end());
      Params p;
      std::string arr = p.add(array_literal(list));
      c_->query("DELETE FROM supplier_dependencies sd USING dependencies d WHERE d.consumer_id = "
                "ANY(" + arr + "::bigint[]) AND sd.dependency_id = d.id",
                p);
      removed += c_->query("DELETE FROM dependencies WHERE consumer_id = ANY(" + arr + "::bigint[])", p)
                     .affected();
    }

    {
      std::vector<std::size_t> offset(m + 1, 0);
      for (std::size_t j = 0; j < m; ++j) offset[j + 1] = offset[j] + net.dependencies[j].suppliers.size();
      std::vector<std::uint32_t> order(m);
      for (std::size_t j = 0; j < m; ++j) order[j] = static_cast<std::uint32_t>(j);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return consumer_id[a] < consumer_id[b]; });
      long long max_dep = c_->query("SELECT COALESCE(MAX(id), 0) FROM dependencies").i64(0, 0);
      std::vector<std::pair<long long, long long>> edges;
      edges.reserve(supplier_ids.size());
      {
        CopyWriter w(*c_, "COPY dependencies (id, consumer_id, resource, min_up, backup_hours, "
                          "supplier_ids, version, created_at, updated_at) FROM STDIN");
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
          w.i64(dep_id);
          w.i64(consumer_id[j]);
          w.text(d.resource);
          w.i64(d.min_up);
          w.dbl(d.backup_hours);
          w.text(list);
          w.i64(1);
          w.text(ts);
          w.text(ts);
          w.end_row();
          ++counts.dependencies_written;
        }
        w.finish();
      }
      std::sort(edges.begin(), edges.end());
      CopyWriter w(*c_, "COPY supplier_dependencies (supplier_id, dependency_id) FROM STDIN");
      for (const auto& [s, d] : edges) {
        w.i64(s);
        w.i64(d);
        w.end_row();
      }
      w.finish();
    }

    for (const auto& sql : rebuild) c_->script(sql);
    // Ids were assigned here, not by the sequences: move them past the highest id.
    c_->script(
        "SELECT setval(pg_get_serial_sequence('facilities', 'id'), GREATEST((SELECT MAX(id) FROM "
        "facilities), 1)); SELECT setval(pg_get_serial_sequence('dependencies', 'id'), "
        "GREATEST((SELECT MAX(id) FROM dependencies), 1))");
    bump_revision(counts.facilities_created + counts.facilities_updated +
                  counts.dependencies_written + removed);
    return Status::ok();
  });
  if (!result.is_ok()) return result;
  return counts;
}

}  // namespace cipms::pg
