// The registry's SQL written once for both back ends (storage/sqlite, storage/postgres): column
// lists, list filters as WHERE text with bound placeholders, sort validation, row → domain
// mapping, and the checks that are the same on both. Internal to storage/.
//
// Statement text comes from a back end's Params, whose add(value) binds the value and returns
// its placeholder ("?" or "$n"), as in access_sql.h; values are never written into the text.
// Where the dialects differ in a way that matters (LIKE … ESCAPE vs ILIKE, where NULLs sort),
// the Dialect argument says which text to build.
//
// Row mappers read one result row through a column reader R with, by 0-based column:
//   bool null(int) const; long long i64(int) const; double dbl(int) const;
//   std::string text(int) const;   // "" for NULL
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/registry.h"
#include "cipms/storage/access_sql.h"
#include "cipms/storage/store.h"

namespace cipms::storage_detail {

enum class Dialect { kSqlite, kPostgres };

// A stored UTC timestamp (format_utc); the epoch when it does not parse.
TimePoint parse_time(const std::string& s);
// LIKE/ILIKE pattern for a case-insensitive substring: '%', '_' and '\' escaped with '\'.
std::string like_pattern(const std::string& q);
// Table of a taxonomy kind ("sector" → "sectors"...); nullptr for an unknown kind.
const char* taxonomy_table(const std::string& kind);
// The table of taxonomy entry e of `kind`, after the checks that need no database: a known
// kind and a code (kInvalidArgument).
Result<const char*> taxonomy_entry_table(const std::string& kind, const TaxonomyEntry& e);
// e's parent: a subsector's must be a sector, a facility type's a subsector (checked through
// parent_exists(parent table, code)); other kinds have none. kUnprocessable otherwise.
Status check_taxonomy_parent(const std::string& kind, const TaxonomyEntry& e,
                             const std::function<bool(const char* table, const std::string& code)>& parent_exists);
// kInvalidArgument unless 1 <= limit <= 1000 and offset >= 0.
Status check_page(int limit, std::int64_t offset);
std::optional<long long> opt_id(const std::optional<OrgId>& id);

// dependencies.supplier_ids: the ordered supplier ids, comma-separated ("12,7,40").
std::string join_ids(const std::vector<long long>& ids);
// Parses the format above; skips anything that is not a positive integer.
std::vector<long long> parse_ids(std::string_view s);
inline std::vector<long long> parse_ids(const char* s) { return parse_ids(std::string_view(s ? s : "")); }
std::string supplier_text(const std::vector<FacilityId>& sup);

constexpr const char* kOrgCols =
    "id, code, name, name_en, type, parent_id, version, created_at, updated_at";
constexpr const char* kFacilityCols =
    "id, code, name, name_en, sector, subsector, type, provider_id, authority_id, county_code, "
    "address, lat, lon, population, loss_per_hour, mtpd_hours, cii, grade, status, version, "
    "created_at, updated_at, classification, class_reason, classified_by, classified_on, "
    "declassify_on, declassify_condition";
constexpr const char* kCoreCols =
    "id, facility_id, name, description, mtpd_hours, continuity, version, created_at, updated_at";
constexpr const char* kDepCols =
    "id, consumer_id, resource, min_up, backup_hours, supplier_ids, version, created_at, "
    "updated_at";

// --- row mapping (columns in the order of the lists above) ---------------------------------

template <typename R>
std::optional<double> opt_dbl(const R& r, int c) {
  if (r.null(c)) return std::nullopt;
  return r.dbl(c);
}

template <typename R>
Organisation org_from_row(const R& r) {
  Organisation o;
  o.id = OrgId(r.i64(0));
  o.code = r.text(1);
  o.name = r.text(2);
  o.name_en = r.text(3);
  o.type = parse_org_type(r.text(4)).value_or(OrgType::kProvider);
  if (!r.null(5)) o.parent = OrgId(r.i64(5));
  o.version = r.i64(6);
  o.created_at = parse_time(r.text(7));
  o.updated_at = parse_time(r.text(8));
  return o;
}

// Stored classification level (0..4) as ClassLevel; anything else reads as the nearest level.
inline ClassLevel class_level_of(long long v) { return static_cast<ClassLevel>(std::clamp<long long>(v, 0, 4)); }

template <typename R>
Facility facility_from_row(const R& r) {
  Facility f;
  f.id = FacilityId(r.i64(0));
  f.code = r.text(1);
  f.name = r.text(2);
  f.name_en = r.text(3);
  f.sector = r.text(4);
  f.subsector = r.text(5);
  f.type = r.text(6);
  if (!r.null(7)) f.provider = OrgId(r.i64(7));
  if (!r.null(8)) f.authority = OrgId(r.i64(8));
  f.county_code = r.text(9);
  f.address = r.text(10);
  f.lat = opt_dbl(r, 11);
  f.lon = opt_dbl(r, 12);
  f.population = r.i64(13);
  f.loss_per_hour = r.dbl(14);
  f.mtpd_hours = opt_dbl(r, 15);
  f.cii = r.i64(16) != 0;
  if (!r.null(17)) f.grade = static_cast<int>(r.i64(17));
  f.status = parse_lifecycle(r.text(18)).value_or(Lifecycle::kActive);
  f.version = r.i64(19);
  f.created_at = parse_time(r.text(20));
  f.updated_at = parse_time(r.text(21));
  f.classification.level = class_level_of(r.i64(22));
  f.classification.reason = r.text(23);
  f.classification.classified_by = r.text(24);
  if (!r.null(25)) f.classification.classified_on = r.text(25);
  if (!r.null(26)) f.classification.declassify_on = r.text(26);
  f.classification.declassify_condition = r.text(27);
  return f;
}

template <typename R>
CoreFunction core_from_row(const R& r) {
  CoreFunction c;
  c.id = CoreFunctionId(r.i64(0));
  c.facility = FacilityId(r.i64(1));
  c.name = r.text(2);
  c.description = r.text(3);
  c.mtpd_hours = opt_dbl(r, 4);
  c.continuity = r.text(5);
  c.version = r.i64(6);
  c.created_at = parse_time(r.text(7));
  c.updated_at = parse_time(r.text(8));
  return c;
}

template <typename R>
Dependency dep_from_row(const R& r) {
  Dependency d;
  d.id = DependencyId(r.i64(0));
  d.consumer = FacilityId(r.i64(1));
  d.resource = r.text(2);
  d.min_up = static_cast<int>(r.i64(3));
  d.backup_hours = r.dbl(4);
  for (long long s : parse_ids(r.text(5))) d.suppliers.push_back(FacilityId(s));
  d.version = r.i64(6);
  d.created_at = parse_time(r.text(7));
  d.updated_at = parse_time(r.text(8));
  return d;
}

// --- list filters -------------------------------------------------------------------------

// " AND (code LIKE … OR name LIKE … OR name_en LIKE …)" for a case-insensitive substring q.
// SQLite: LIKE with ESCAPE '\' and one bound pattern per column (its LIKE folds ASCII case);
// PostgreSQL: ILIKE with one bound pattern ('\' is its default escape; the columns are
// COLLATE "C", so folding is ASCII only there too). CJK has no case.
template <typename Params>
std::string text_match_where(const std::string& q, Params& p, Dialect d) {
  const std::string pat = like_pattern(q);
  std::string w;
  if (d == Dialect::kPostgres) {
    std::string ph = p.add(pat);
    w = " AND (code ILIKE " + ph + " OR name ILIKE " + ph + " OR name_en ILIKE " + ph + ")";
  } else {
    for (const char* col : {" AND (code", " OR name", " OR name_en"}) {
      w += col;
      w += " LIKE " + p.add(pat) + " ESCAPE '\\'";
    }
    w += ")";
  }
  return w;
}

// " WHERE …" of list_organisations (every filter of f; always starts with " WHERE 1 = 1").
template <typename Params>
std::string org_list_where(const OrgFilter& f, Params& p, Dialect d) {
  std::string where = " WHERE 1 = 1";
  if (f.type) where += " AND type = " + p.add(std::string(org_type_code(*f.type)));
  if (f.parent) where += " AND parent_id = " + p.add(static_cast<long long>(f.parent->value));
  if (f.q) where += text_match_where(*f.q, p, d);
  return where;
}

// " WHERE …" of list_facilities, the access filter (access_sql.h) included when set.
template <typename Params>
std::string facility_list_where(const FacilityFilter& f, Params& p, Dialect d) {
  std::string where = " WHERE 1 = 1";
  if (f.sector) where += " AND sector = " + p.add(*f.sector);
  if (f.subsector) where += " AND subsector = " + p.add(*f.subsector);
  if (f.county_code) where += " AND county_code = " + p.add(*f.county_code);
  if (f.type) where += " AND type = " + p.add(*f.type);
  if (f.grade) where += " AND grade = " + p.add(static_cast<long long>(*f.grade));
  else if (f.ungraded) where += " AND grade IS NULL";
  if (f.provider) where += " AND provider_id = " + p.add(static_cast<long long>(f.provider->value));
  if (f.authority) where += " AND authority_id = " + p.add(static_cast<long long>(f.authority->value));
  if (f.cii) where += " AND cii = " + p.add(static_cast<long long>(*f.cii ? 1 : 0));
  if (f.classification) where += " AND classification = " + p.add(static_cast<long long>(*f.classification));
  if (f.q) where += text_match_where(*f.q, p, d);
  if (f.access) where += access_where(*f.access, p);
  return where;
}

// The sort column of list_facilities (one of FacilityFilter::sort's values), else
// kInvalidArgument "cannot sort facilities by '…'".
Result<const char*> facility_sort_column(const std::string& sort);
// " ORDER BY …" for a column from facility_sort_column; ties ordered by code. NULL grades sort
// first ascending and last descending on both (SQLite's order; PostgreSQL is told so).
std::string facility_order_by(const char* sort, SortOrder order, Dialect d);
// " LIMIT n OFFSET m" (both checked by check_page before).
std::string limit_offset(int limit, std::int64_t offset);

// --- checks that read the database through `exists(id)` ----------------------------------

using ExistsFn = std::function<bool(long long id)>;
// kUnprocessable when f's provider or authority names an organisation that does not exist.
Status check_facility_org_refs(const Facility& f, const ExistsFn& org_exists);
// kUnprocessable listing every problem of d: unknown consumer or supplier, none, the consumer
// among them, a supplier twice, min_up out of 1..n, backup_hours not finite and >= 0.
Status check_dependency(const Dependency& d, const ExistsFn& facility_exists);

// --- network import -----------------------------------------------------------------------

// The problems an import finds while it validates the whole snapshot (the first 1000 kept).
class ImportErrors {
 public:
  static constexpr std::size_t kMaxReported = 1000;
  void operator()(std::string where, std::string msg) {
    if (errs_.size() < kMaxReported) errs_.push_back({std::move(where), std::move(msg)});
  }
  bool empty() const { return errs_.empty(); }
  // kUnprocessable "network import rejected, nothing written" with every problem kept.
  Status rejected();

 private:
  std::vector<FieldError> errs_;
};

// Resolves the snapshot's provider/authority organisation codes to ids (`orgs`: code → id);
// an unknown code is an error. Both vectors get net's size (nullopt: none).
void resolve_import_orgs(const NetworkSnapshot& net, const std::unordered_map<std::string, long long>& orgs,
                         ImportErrors& error, std::vector<std::optional<long long>>& provider,
                         std::vector<std::optional<long long>>& authority);

// Resolves and checks the snapshot's dependencies: consumer and suppliers by code through
// find(code) → const long long* (nullptr when unknown), at least one supplier, min_up in 1..n,
// backup_hours finite and >= 0. consumer_id[j] is dependency j's consumer; supplier_ids gets
// every dependency's suppliers in order, flattened (0 for an unknown one).
template <typename Find>
void resolve_import_deps(const NetworkSnapshot& net, const Find& find, ImportErrors& error,
                         std::vector<long long>& consumer_id, std::vector<long long>& supplier_ids) {
  const std::size_t m = net.dependencies.size();
  consumer_id.assign(m, 0);
  supplier_ids.reserve(supplier_ids.size() + m * 3);
  for (std::size_t j = 0; j < m; ++j) {
    const auto& d = net.dependencies[j];
    auto where_fn = [j] { return "/dependencies/" + std::to_string(j); };  // built only on error
    if (const long long* c = find(d.consumer)) consumer_id[j] = *c;
    else error(where_fn() + "/consumer", "unknown facility " + d.consumer);
    if (d.suppliers.empty()) error(where_fn() + "/suppliers", "at least one supplier is needed");
    if (d.min_up < 1 || d.min_up > static_cast<int>(d.suppliers.size()))
      error(where_fn() + "/min_up", "must be between 1 and the number of suppliers");
    if (!(d.backup_hours >= 0) || !std::isfinite(d.backup_hours))
      error(where_fn() + "/backup_hours", "must be finite and >= 0");
    for (std::size_t k = 0; k < d.suppliers.size(); ++k) {
      if (const long long* s = find(d.suppliers[k])) {
        supplier_ids.push_back(*s);
      } else {
        error(where_fn() + "/suppliers/" + std::to_string(k), "unknown facility " + d.suppliers[k]);
        supplier_ids.push_back(0);
      }
    }
  }
}

}  // namespace cipms::storage_detail
