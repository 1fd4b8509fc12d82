#include "cipms/storage/registry_sql.h"

#include <limits>

namespace cipms::storage_detail {

TimePoint parse_time(const std::string& s) {
  TimePoint t{};
  (void)parse_utc(s, &t);
  return t;
}

std::string like_pattern(const std::string& q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

const char* taxonomy_table(const std::string& kind) {
  if (kind == "sector") return "sectors";
  if (kind == "subsector") return "subsectors";
  if (kind == "facility_type") return "facility_types";
  if (kind == "resource") return "resources";
  if (kind == "threat") return "threats";
  return nullptr;
}

Result<const char*> taxonomy_entry_table(const std::string& kind, const TaxonomyEntry& e) {
  const char* table = taxonomy_table(kind);
  if (!table) return Status::invalid("unknown taxonomy kind: " + kind);
  if (e.code.empty()) return Status::invalid("taxonomy code must not be empty");
  return table;
}

Status check_taxonomy_parent(const std::string& kind, const TaxonomyEntry& e,
                             const std::function<bool(const char* table, const std::string& code)>& parent_exists) {
  const char* parent_table = kind == "subsector"       ? "sectors"
                             : kind == "facility_type" ? "subsectors"
                                                       : nullptr;
  if (parent_table) {
    if (!parent_exists(parent_table, e.parent))
      return Status::unprocessable("parent " + e.parent + " of " + kind + " " + e.code + " does not exist",
                                   {{"/parent", "unknown " + std::string(parent_table)}});
  } else if (!e.parent.empty()) {
    return Status::unprocessable(kind + " entries have no parent", {{"/parent", "must be empty"}});
  }
  return Status::ok();
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

std::string join_ids(const std::vector<long long>& ids) {
  std::string out;
  for (long long id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::vector<long long> parse_ids(std::string_view s) {
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

std::string supplier_text(const std::vector<FacilityId>& sup) {
  std::vector<long long> ids;
  for (const auto& s : sup) ids.push_back(s.value);
  return join_ids(ids);
}

Result<const char*> facility_sort_column(const std::string& sort) {
  static const char* const kSorts[] = {"code", "name", "name_en", "population", "grade",
                                       "updated_at"};
  for (const char* s : kSorts)
    if (sort == s) return s;
  return Status::invalid("cannot sort facilities by '" + sort + "'");
}

std::string facility_order_by(const char* sort, SortOrder order, Dialect d) {
  const bool asc = order == SortOrder::kAsc;
  std::string out = std::string(" ORDER BY ") + sort + (asc ? " ASC" : " DESC");
  // SQLite sorts NULL first ascending and last descending; PostgreSQL the other way round.
  if (d == Dialect::kPostgres && std::string_view(sort) == "grade") out += asc ? " NULLS FIRST" : " NULLS LAST";
  if (std::string_view(sort) != "code") out += ", code ASC";  // stable pages on ties
  return out;
}

std::string limit_offset(int limit, std::int64_t offset) {
  return " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
}

Status check_facility_org_refs(const Facility& f, const ExistsFn& org_exists) {
  std::vector<FieldError> errs;
  auto check = [&](const std::optional<OrgId>& id, const char* field) {
    if (id && !org_exists(id->value))
      errs.push_back({std::string("/") + field,
                      "organisation " + std::to_string(id->value) + " does not exist"});
  };
  check(f.provider, "provider");
  check(f.authority, "authority");
  if (!errs.empty()) return Status::unprocessable("facility refers to unknown organisations", errs);
  return Status::ok();
}

Status check_dependency(const Dependency& d, const ExistsFn& facility_exists) {
  std::vector<FieldError> errs;
  if (!facility_exists(d.consumer.value))
    errs.push_back({"/consumer", "facility " + std::to_string(d.consumer.value) + " does not exist"});
  if (d.suppliers.empty()) errs.push_back({"/suppliers", "at least one supplier is needed"});
  for (std::size_t i = 0; i < d.suppliers.size(); ++i) {
    const auto& s = d.suppliers[i];
    std::string where = "/suppliers/" + std::to_string(i);
    if (s == d.consumer) errs.push_back({where, "a facility cannot supply itself"});
    else if (!facility_exists(s.value))
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

void resolve_import_orgs(const NetworkSnapshot& net, const std::unordered_map<std::string, long long>& orgs,
                         ImportErrors& error, std::vector<std::optional<long long>>& provider,
                         std::vector<std::optional<long long>>& authority) {
  const std::size_t n = net.facilities.size();
  provider.assign(n, std::nullopt);
  authority.assign(n, std::nullopt);
  auto resolve = [&](const std::vector<std::string>& codes, std::size_t i, const char* field,
                     std::optional<long long>& out) {
    if (i >= codes.size() || codes[i].empty()) return;
    auto it = orgs.find(codes[i]);
    if (it == orgs.end())
      error("/facilities/" + std::to_string(i) + "/" + field,
            "facility " + net.facilities[i].code + ": unknown organisation code " + codes[i]);
    else out = it->second;
  };
  for (std::size_t i = 0; i < n; ++i) {
    resolve(net.provider_codes, i, "provider", provider[i]);
    resolve(net.authority_codes, i, "authority", authority[i]);
  }
}

Status ImportErrors::rejected() {
  return Status::unprocessable(
      "network import rejected, nothing written" +
          (errs_.size() >= kMaxReported ? std::string(" (first 1000 problems shown)") : std::string()),
      std::move(errs_));
}

}  // namespace cipms::storage_detail
