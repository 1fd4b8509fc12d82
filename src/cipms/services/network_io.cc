// network.json, the CSV pair and GeoJSON (docs/cascade-model.md).
//
// Both readers first turn their input into a NetworkSnapshot while noting, per record, the
// fields that were malformed (shape errors: syntax, types, unknown or missing fields); one
// shared pass then applies the domain rules (validation.h), duplicate ids and references, so
// JSON and CSV accept exactly the same networks. Places are produced by a `Places` object, so
// the same rule yields "/dependencies/3/min_up" or "dependencies.csv line 5, column min_up".
#include "cipms/services/network_io.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "cipms/domain/validation.h"

namespace cipms {

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------
// Field names of the exchange formats.

enum class FacField {
  kId, kSector, kSubsector, kLat, kLon, kPopulation, kLossPerHour, kMtpdHours,
  kName, kNameEn, kType, kCountyCode, kCounty, kAddress, kProvider, kAuthority,
};
enum class DepField { kConsumer, kResource, kSuppliers, kMinUp, kBackupHours };

const std::unordered_map<std::string_view, FacField>& facility_fields() {
  static const std::unordered_map<std::string_view, FacField> m = {
      {"id", FacField::kId},
      {"sector", FacField::kSector},
      {"subsector", FacField::kSubsector},
      {"lat", FacField::kLat},
      {"lon", FacField::kLon},
      {"population", FacField::kPopulation},
      {"loss_per_hour", FacField::kLossPerHour},
      {"mtpd_hours", FacField::kMtpdHours},
      {"name", FacField::kName},
      {"name_en", FacField::kNameEn},
      {"type", FacField::kType},
      {"county_code", FacField::kCountyCode},
      {"county", FacField::kCounty},
      {"address", FacField::kAddress},
      {"provider", FacField::kProvider},
      {"authority", FacField::kAuthority},
  };
  return m;
}

const std::unordered_map<std::string_view, DepField>& dependency_fields() {
  static const std::unordered_map<std::string_view, DepField> m = {
      {"consumer", DepField::kConsumer},
      {"resource", DepField::kResource},
      {"suppliers", DepField::kSuppliers},
      {"min_up", DepField::kMinUp},
      {"backup_hours", DepField::kBackupHours},
  };
  return m;
}

// ---------------------------------------------------------------------------------------
// Error collection and places.

class Errors {
 public:
  explicit Errors(std::size_t max) : max_(max == 0 ? 1 : max) {}
  // `shape` marks syntax/type/unknown-field/missing-field problems (kInvalidArgument).
  void add(std::string where, std::string msg, bool shape = false) {
    shape_ = shape_ || shape;
    ++count_;
    if (list_.size() < max_) list_.push_back({std::move(where), std::move(msg)});
  }
  bool full() const { return list_.size() >= max_; }
  bool empty() const { return count_ == 0; }
  Status status(const char* what) const {
    // Collection stops once the list is full, so past it the total is unknown.
    std::string msg = count_ > list_.size()
                          ? "more than " + std::to_string(list_.size()) + " problems in " + what + " (first " +
                                std::to_string(list_.size()) + " listed)"
                          : std::to_string(count_) + (count_ == 1 ? " problem in " : " problems in ") + what;
    return Status(shape_ ? Code::kInvalidArgument : Code::kUnprocessable, msg, list_);
  }

 private:
  std::size_t max_;
  std::size_t count_ = 0;
  bool shape_ = false;
  std::vector<FieldError> list_;
};

class Places {
 public:
  virtual ~Places() = default;
  virtual std::string facility(std::size_t i, std::string_view field, long item = -1) const = 0;
  virtual std::string dependency(std::size_t i, std::string_view field, long item = -1) const = 0;
};

// RFC 6901 escaping of one reference token.
std::string pointer_token(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

class JsonPlaces : public Places {
 public:
  std::string facility(std::size_t i, std::string_view field, long item = -1) const override {
    return make("/facilities/", i, field, item);
  }
  std::string dependency(std::size_t i, std::string_view field, long item = -1) const override {
    return make("/dependencies/", i, field, item);
  }

 private:
  static std::string make(const char* base, std::size_t i, std::string_view field, long item) {
    std::string s = base + std::to_string(i);
    if (!field.empty()) s += "/" + pointer_token(field);
    if (item >= 0) s += "/" + std::to_string(item);
    return s;
  }
};

class CsvPlaces : public Places {
 public:
  std::vector<std::size_t> facility_lines, dependency_lines;
  std::string facility(std::size_t i, std::string_view field, long item = -1) const override {
    return make("facilities.csv", facility_lines.at(i), field, item);
  }
  std::string dependency(std::size_t i, std::string_view field, long item = -1) const override {
    return make("dependencies.csv", dependency_lines.at(i), field, item);
  }
  static std::string make(const char* file, std::size_t line, std::string_view field, long item) {
    std::string s = std::string(file) + " line " + std::to_string(line);
    if (!field.empty()) s += ", column " + std::string(field);
    if (item >= 0) s += " (item " + std::to_string(item + 1) + ")";
    return s;
  }
};

// Per record: the fields already reported as malformed, so the rule pass does not report
// a consequence of the same mistake again ("unknown sector ''" after "sector is required").
using BadFields = std::vector<std::string>;
bool is_bad(const BadFields& b, std::string_view f) {
  return std::find(b.begin(), b.end(), f) != b.end();
}

// Splits a relative pointer from validation.h ("/min_up", "/suppliers/2") into field, item.
std::pair<std::string, long> split_pointer(const std::string& p) {
  std::string rest = p.empty() || p[0] != '/' ? p : p.substr(1);
  auto slash = rest.find('/');
  if (slash == std::string::npos) return {rest, -1};
  long item = -1;
  std::string tail = rest.substr(slash + 1);
  std::from_chars(tail.data(), tail.data() + tail.size(), item);
  return {rest.substr(0, slash), item};
}

// ---------------------------------------------------------------------------------------
// The rule pass shared by both readers.

struct Parsed {
  NetworkSnapshot net;
  std::vector<BadFields> fac_bad, dep_bad;
};

void check_rules(Parsed& p, const Taxonomy& tax, const ParseOptions& opt, const Places& at,
                 Errors& errs) {
  NetworkSnapshot& net = p.net;
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(net.facilities.size() * 2);
  std::vector<FieldError> tmp;
  for (std::size_t i = 0; i < net.facilities.size() && !errs.full(); ++i) {
    Facility& f = net.facilities[i];
    const BadFields& bad = p.fac_bad[i];
    // Names are optional in the exchange format; the registry needs one, so the id stands in.
    if (f.name.empty() && f.name_en.empty()) f.name_en = f.code;
    tmp.clear();
    validate_facility(f, tax, "", tmp);
    for (const FieldError& e : tmp) {
      auto [field, item] = split_pointer(e.pointer);
      if (field == "code") field = "id";
      if (!is_bad(bad, field)) errs.add(at.facility(i, field, item), e.message);
    }
    if (!f.code.empty() && !is_bad(bad, "id")) {
      auto [it, inserted] = index.emplace(f.code, i);
      if (!inserted)
        errs.add(at.facility(i, "id"),
                 "duplicate id '" + f.code + "' (first at " + at.facility(it->second, "") + ")");
    }
    const std::string* orgs[2] = {&net.provider_codes[i], &net.authority_codes[i]};
    const char* org_fields[2] = {"provider", "authority"};
    for (int k = 0; k < 2; ++k) {
      const std::string& code = *orgs[k];
      if (code.empty() || is_bad(bad, org_fields[k])) continue;
      if (!valid_code(code))
        errs.add(at.facility(i, org_fields[k]), "must be an organisation code (1-64 characters of A-Z a-z 0-9 . _ -)");
      else if (opt.known_org && !opt.known_org(code))
        errs.add(at.facility(i, org_fields[k]), "unknown organisation '" + code + "'");
    }
  }
  auto known = [&](const std::string& code) {
    return index.count(code) > 0 || (opt.known_code && opt.known_code(code));
  };
  for (std::size_t i = 0; i < net.dependencies.size() && !errs.full(); ++i) {
    const NetworkSnapshot::Dep& d = net.dependencies[i];
    const BadFields& bad = p.dep_bad[i];
    if (!is_bad(bad, "consumer") && !known(d.consumer))
      errs.add(at.dependency(i, "consumer"), "unknown facility '" + d.consumer + "'");
    int dup = -1, self = -1;
    if (!is_bad(bad, "suppliers")) {
      const auto& s = d.suppliers;
      std::unordered_set<std::string_view> seen;
      for (std::size_t k = 0; k < s.size(); ++k) {
        if (dup < 0) {
          // Supplier lists are short; a set only pays off for long ones.
          bool repeat = false;
          if (s.size() <= 16) {
            for (std::size_t j = 0; j < k && !repeat; ++j) repeat = s[j] == s[k];
          } else {
            repeat = !seen.insert(s[k]).second;
          }
          if (repeat) dup = static_cast<int>(k);
        }
        if (self < 0 && s[k] == d.consumer) self = static_cast<int>(k);
        if (!known(s[k]))
          errs.add(at.dependency(i, "suppliers", static_cast<long>(k)),
                   "unknown facility '" + s[k] + "'");
      }
    }
    tmp.clear();
    validate_dependency_fields(d.resource, is_bad(bad, "suppliers") ? 1 : d.suppliers.size(),
                               d.min_up, d.backup_hours, dup, self, tax, "", tmp);
    for (const FieldError& e : tmp) {
      auto [field, item] = split_pointer(e.pointer);
      if (!is_bad(bad, field)) errs.add(at.dependency(i, field, item), e.message);
    }
  }
}

// ---------------------------------------------------------------------------------------
// JSON reader.

std::string type_name(const json& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// Integer from a JSON number (integral floats such as 3.0 are accepted).
bool json_int64(const json& v, std::int64_t* out) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return false;
    *out = static_cast<std::int64_t>(u);
    return true;
  }
  if (v.is_number_integer()) {
    *out = v.get<std::int64_t>();
    return true;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return false;
    *out = static_cast<std::int64_t>(d);
    return true;
  }
  return false;
}

struct JsonReader {
  Errors& errs;
  const Places& at;

  void wrong(std::string where, BadFields& bad, std::string_view field, std::string msg) {
    bad.emplace_back(field);
    errs.add(std::move(where), std::move(msg), true);
  }

  void read_facility(const json& o, std::size_t i, Parsed& p) {
    Facility f;
    std::string provider, authority;
    BadFields bad;
    if (!o.is_object()) {
      errs.add(at.facility(i, ""), "must be an object, not " + type_name(o), true);
      bad = {"id", "sector", "subsector", "name", "provider", "authority"};
    } else {
      bool has_id = false, has_sector = false, has_sub = false;
      for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        auto known = facility_fields().find(key);
        if (known == facility_fields().end()) {
          errs.add(at.facility(i, key), "unknown field '" + key + "'", true);
          continue;
        }
        auto str = [&](std::string* dst, bool nullable) {
          if (v.is_string()) {
            *dst = v.get<std::string>();
          } else if (!(nullable && v.is_null())) {
            wrong(at.facility(i, key), bad, key, "must be a string, not " + type_name(v));
          }
        };
        auto num = [&](double* dst) {
          if (v.is_number()) *dst = v.get<double>();
          else wrong(at.facility(i, key), bad, key, "must be a number, not " + type_name(v));
        };
        auto opt_num = [&](std::optional<double>* dst) {
          if (v.is_number()) *dst = v.get<double>();
          else if (!v.is_null()) wrong(at.facility(i, key), bad, key, "must be a number, not " + type_name(v));
        };
        std::string ignored;
        switch (known->second) {
          case FacField::kId: has_id = true; str(&f.code, false); break;
          case FacField::kSector: has_sector = true; str(&f.sector, false); break;
          case FacField::kSubsector: has_sub = true; str(&f.subsector, false); break;
          case FacField::kLat: opt_num(&f.lat); break;
          case FacField::kLon: opt_num(&f.lon); break;
          case FacField::kPopulation:
            if (!json_int64(v, &f.population))
              wrong(at.facility(i, key), bad, key, "must be an integer, not " + type_name(v));
            break;
          case FacField::kLossPerHour: num(&f.loss_per_hour); break;
          case FacField::kMtpdHours: opt_num(&f.mtpd_hours); break;
          case FacField::kName: str(&f.name, true); break;
          case FacField::kNameEn: str(&f.name_en, true); break;
          case FacField::kType: str(&f.type, true); break;
          case FacField::kCountyCode: str(&f.county_code, true); break;
          case FacField::kCounty: str(&ignored, true); break;
          case FacField::kAddress: str(&f.address, true); break;
          case FacField::kProvider: str(&provider, true); break;
          case FacField::kAuthority: str(&authority, true); break;
        }
      }
      if (!has_id) wrong(at.facility(i, "id"), bad, "id", "is required");
      if (!has_sector) wrong(at.facility(i, "sector"), bad, "sector", "is required");
      if (!has_sub) wrong(at.facility(i, "subsector"), bad, "subsector", "is required");
    }
    p.net.facilities.push_back(std::move(f));
    p.net.provider_codes.push_back(std::move(provider));
    p.net.authority_codes.push_back(std::move(authority));
    p.fac_bad.push_back(std::move(bad));
  }

  void read_dependency(const json& o, std::size_t i, Parsed& p) {
    NetworkSnapshot::Dep d;
    BadFields bad;
    if (!o.is_object()) {
      errs.add(at.dependency(i, ""), "must be an object, not " + type_name(o), true);
      bad = {"consumer", "resource", "suppliers", "min_up", "backup_hours"};
    } else {
      bool has_consumer = false, has_resource = false, has_suppliers = false;
      for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        auto known = dependency_fields().find(key);
        if (known == dependency_fields().end()) {
          errs.add(at.dependency(i, key), "unknown field '" + key + "'", true);
          continue;
        }
        switch (known->second) {
          case DepField::kConsumer:
          case DepField::kResource: {
            std::string* dst = known->second == DepField::kConsumer ? &d.consumer : &d.resource;
            (known->second == DepField::kConsumer ? has_consumer : has_resource) = true;
            if (v.is_string()) *dst = v.get<std::string>();
            else wrong(at.dependency(i, key), bad, key, "must be a string, not " + type_name(v));
            break;
          }
          case DepField::kSuppliers:
            has_suppliers = true;
            if (!v.is_array()) {
              wrong(at.dependency(i, key), bad, key, "must be an array of facility ids, not " + type_name(v));
              break;
            }
            for (std::size_t k = 0; k < v.size(); ++k) {
              if (v[k].is_string()) {
                d.suppliers.push_back(v[k].get<std::string>());
              } else {
                if (!is_bad(bad, key)) bad.emplace_back(key);
                errs.add(at.dependency(i, key, static_cast<long>(k)),
                         "must be a facility id (string), not " + type_name(v[k]), true);
              }
            }
            break;
          case DepField::kMinUp: {
            std::int64_t n = 0;
            if (!json_int64(v, &n) || n < INT_MIN || n > INT_MAX)
              wrong(at.dependency(i, key), bad, key, "must be an integer, not " + type_name(v));
            else
              d.min_up = static_cast<int>(n);
            break;
          }
          case DepField::kBackupHours:
            if (v.is_number()) d.backup_hours = v.get<double>();
            else wrong(at.dependency(i, key), bad, key, "must be a number, not " + type_name(v));
            break;
        }
      }
      if (!has_consumer) wrong(at.dependency(i, "consumer"), bad, "consumer", "is required");
      if (!has_resource) wrong(at.dependency(i, "resource"), bad, "resource", "is required");
      if (!has_suppliers) wrong(at.dependency(i, "suppliers"), bad, "suppliers", "is required");
    }
    p.net.dependencies.push_back(std::move(d));
    p.dep_bad.push_back(std::move(bad));
  }
};

// 1-based line and column (in characters, not bytes) of byte offset `pos`.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  std::size_t line = 1, col = 1;
  for (std::size_t k = 0; k < pos; ++k) {
    unsigned char c = static_cast<unsigned char>(text[k]);
    if (c == '\n') {
      ++line;
      col = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

// ---------------------------------------------------------------------------------------
// CSV reader: RFC 4180 (quoted fields with "" escapes and embedded line breaks), LF or CRLF,
// an optional UTF-8 byte order mark. Blank lines are skipped.
// (Debian's libcsv was considered; it reports no line numbers, which every error here needs.)

struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> cells;
};

std::vector<CsvRow> read_csv(std::string_view text, const char* file, Errors& errs) {
  std::vector<CsvRow> rows;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::size_t n = text.size();
  std::size_t pos = 0, line = 1;
  while (pos < n) {
    CsvRow row;
    row.line = line;
    bool bad_row = false;
    for (;;) {
      std::string cell;
      if (pos < n && text[pos] == '"') {
        std::size_t open_line = line;
        ++pos;
        bool closed = false;
        while (pos < n) {
          char c = text[pos];
          if (c == '"') {
            if (pos + 1 < n && text[pos + 1] == '"') {
              cell += '"';
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          cell += c;
          ++pos;
        }
        if (!closed) {
          errs.add(CsvPlaces::make(file, open_line, "", -1), "quoted field is never closed", true);
          return {};
        }
        if (pos < n && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          errs.add(CsvPlaces::make(file, line, "", -1), "unexpected character after a closing quote", true);
          bad_row = true;
          while (pos < n && text[pos] != '\n') ++pos;
        }
      } else {
        std::size_t start = pos;
        while (pos < n && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') ++pos;
        cell.assign(text.substr(start, pos - start));
        if (cell.find('"') != std::string::npos && !bad_row) {
          errs.add(CsvPlaces::make(file, line, "", -1),
                   "a quote inside an unquoted field (quote the whole field and double the quote)", true);
          bad_row = true;
        }
      }
      row.cells.push_back(std::move(cell));
      if (pos < n && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < n && text[pos] == '\r') ++pos;
      if (pos < n && text[pos] == '\n') ++pos;
      ++line;
      break;
    }
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank && !bad_row) rows.push_back(std::move(row));
  }
  return rows;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_double(std::string_view s, double* out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_int64(std::string_view s, std::int64_t* out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Maps header names to field ids; reports unknown, repeated and missing columns.
template <typename Field>
std::vector<Field> read_header(const CsvRow& header, const char* file,
                               const std::unordered_map<std::string_view, Field>& fields,
                               std::initializer_list<const char*> required, Errors& errs) {
  std::vector<Field> cols;
  std::vector<std::string> seen;
  for (const std::string& raw : header.cells) {
    std::string name(trim(raw));
    auto it = fields.find(name);
    if (it == fields.end()) {
      errs.add(CsvPlaces::make(file, header.line, name, -1), "unknown column '" + name + "'", true);
    } else if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      errs.add(CsvPlaces::make(file, header.line, name, -1), "column '" + name + "' appears twice", true);
    } else {
      cols.push_back(it->second);
    }
    seen.push_back(name);
  }
  for (const char* r : required)
    if (std::find(seen.begin(), seen.end(), r) == seen.end())
      errs.add(CsvPlaces::make(file, header.line, "", -1), "missing column '" + std::string(r) + "'", true);
  return cols;
}

template <typename Field>
const char* field_name(const std::unordered_map<std::string_view, Field>& fields, Field f) {
  for (const auto& [k, v] : fields)
    if (v == f) return k.data();  // keys are string literals: NUL-terminated
  return "";
}

void read_facility_rows(const std::vector<CsvRow>& rows, const std::vector<FacField>& cols,
                        Parsed& p, CsvPlaces& at, Errors& errs) {
  const auto& names = facility_fields();
  std::vector<const char*> colname;
  for (FacField f : cols) colname.push_back(field_name(names, f));
  for (std::size_t r = 1; r < rows.size() && !errs.full(); ++r) {
    const CsvRow& row = rows[r];
    if (row.cells.size() != cols.size()) {
      errs.add(CsvPlaces::make("facilities.csv", row.line, "", -1),
               "expected " + std::to_string(cols.size()) + " fields, found " + std::to_string(row.cells.size()),
               true);
      continue;
    }
    std::size_t i = p.net.facilities.size();
    at.facility_lines.push_back(row.line);
    Facility f;
    std::string provider, authority;
    BadFields bad;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string& cell = row.cells[c];
      const char* name = colname[c];
      auto number = [&](double* dst) {
        if (!parse_double(cell, dst)) {
          bad.emplace_back(name);
          errs.add(at.facility(i, name), "must be a number, not '" + cell + "'", true);
        }
      };
      auto opt_number = [&](std::optional<double>* dst) {
        if (trim(cell).empty()) return;
        double v = 0;
        number(&v);
        *dst = v;
      };
      switch (cols[c]) {
        case FacField::kId: f.code = cell; break;
        case FacField::kSector: f.sector = cell; break;
        case FacField::kSubsector: f.subsector = cell; break;
        case FacField::kLat: opt_number(&f.lat); break;
        case FacField::kLon: opt_number(&f.lon); break;
        case FacField::kPopulation:
          if (!trim(cell).empty() && !parse_int64(cell, &f.population)) {
            bad.emplace_back(name);
            errs.add(at.facility(i, name), "must be an integer, not '" + cell + "'", true);
          }
          break;
        case FacField::kLossPerHour:
          if (!trim(cell).empty()) number(&f.loss_per_hour);
          break;
        case FacField::kMtpdHours: opt_number(&f.mtpd_hours); break;
        case FacField::kName: f.name = cell; break;
        case FacField::kNameEn: f.name_en = cell; break;
        case FacField::kType: f.type = cell; break;
        case FacField::kCountyCode: f.county_code = cell; break;
        case FacField::kCounty: break;
        case FacField::kAddress: f.address = cell; break;
        case FacField::kProvider: provider = cell; break;
        case FacField::kAuthority: authority = cell; break;
      }
    }
    for (const char* req : {"id", "sector", "subsector"}) {
      FacField fld = names.at(req);
      std::size_t c = std::find(cols.begin(), cols.end(), fld) - cols.begin();
      if (c < cols.size() && row.cells[c].empty()) {
        bad.emplace_back(req);
        errs.add(at.facility(i, req), "is required", true);
      }
    }
    p.net.facilities.push_back(std::move(f));
    p.net.provider_codes.push_back(std::move(provider));
    p.net.authority_codes.push_back(std::move(authority));
    p.fac_bad.push_back(std::move(bad));
  }
}

void read_dependency_rows(const std::vector<CsvRow>& rows, const std::vector<DepField>& cols,
                          Parsed& p, CsvPlaces& at, Errors& errs) {
  const auto& names = dependency_fields();
  std::vector<const char*> colname;
  for (DepField f : cols) colname.push_back(field_name(names, f));
  for (std::size_t r = 1; r < rows.size() && !errs.full(); ++r) {
    const CsvRow& row = rows[r];
    if (row.cells.size() != cols.size()) {
      errs.add(CsvPlaces::make("dependencies.csv", row.line, "", -1),
               "expected " + std::to_string(cols.size()) + " fields, found " + std::to_string(row.cells.size()),
               true);
      continue;
    }
    std::size_t i = p.net.dependencies.size();
    at.dependency_lines.push_back(row.line);
    NetworkSnapshot::Dep d;
    BadFields bad;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string& cell = row.cells[c];
      const char* name = colname[c];
      switch (cols[c]) {
        case DepField::kConsumer: d.consumer = cell; break;
        case DepField::kResource: d.resource = cell; break;
        case DepField::kSuppliers: {
          if (trim(cell).empty()) break;  // no suppliers: the rule pass says so
          std::string_view rest = cell;
          long k = 0;
          for (;; ++k) {
            auto semi = rest.find(';');
            std::string_view item = trim(rest.substr(0, semi));
            if (item.empty()) {
              if (!is_bad(bad, name)) bad.emplace_back(name);
              errs.add(at.dependency(i, name, k), "empty facility id in the ';'-separated list", true);
            } else {
              d.suppliers.emplace_back(item);
            }
            if (semi == std::string_view::npos) break;
            rest.remove_prefix(semi + 1);
          }
          break;
        }
        case DepField::kMinUp: {
          if (trim(cell).empty()) break;
          std::int64_t v = 0;
          if (!parse_int64(cell, &v) || v < INT_MIN || v > INT_MAX) {
            bad.emplace_back(name);
            errs.add(at.dependency(i, name), "must be an integer, not '" + cell + "'", true);
          } else {
            d.min_up = static_cast<int>(v);
          }
          break;
        }
        case DepField::kBackupHours:
          if (trim(cell).empty()) break;
          if (!parse_double(cell, &d.backup_hours)) {
            bad.emplace_back(name);
            errs.add(at.dependency(i, name), "must be a number, not '" + cell + "'", true);
          }
          break;
      }
    }
    for (const char* req : {"consumer", "resource"}) {
      DepField fld = names.at(req);
      std::size_t c = std::find(cols.begin(), cols.end(), fld) - cols.begin();
      if (c < cols.size() && row.cells[c].empty()) {
        bad.emplace_back(req);
        errs.add(at.dependency(i, req), "is required", true);
      }
    }
    p.net.dependencies.push_back(std::move(d));
    p.dep_bad.push_back(std::move(bad));
  }
}

// ---------------------------------------------------------------------------------------
// Writers.

std::vector<std::size_t> facility_order(const NetworkSnapshot& net) {
  std::vector<std::size_t> ord(net.facilities.size());
  std::iota(ord.begin(), ord.end(), 0);
  std::sort(ord.begin(), ord.end(), [&](std::size_t a, std::size_t b) {
    return net.facilities[a].code < net.facilities[b].code;
  });
  return ord;
}

std::vector<std::size_t> dependency_order(const NetworkSnapshot& net) {
  std::vector<std::size_t> ord(net.dependencies.size());
  std::iota(ord.begin(), ord.end(), 0);
  std::sort(ord.begin(), ord.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = net.dependencies[a];
    const auto& y = net.dependencies[b];
    if (x.consumer != y.consumer) return x.consumer < y.consumer;
    if (x.resource != y.resource) return x.resource < y.resource;
    return x.suppliers < y.suppliers;
  });
  return ord;
}

// Whole numbers are written without a fraction ("72", not "72.0"), as people write them.
template <typename J>
void put_number(J& o, const char* key, double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    o[key] = static_cast<std::int64_t>(v);
  else
    o[key] = v;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<std::int64_t>(v));
  char buf[64];
  auto fmt = std::fabs(v) < 1e15 && std::fabs(v) >= 1e-6 ? std::chars_format::fixed : std::chars_format::general;
  auto r = std::to_chars(buf, buf + sizeof buf, v, fmt);
  if (r.ec != std::errc()) r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

ojson facility_object(const NetworkSnapshot& net, std::size_t i, bool with_coordinates) {
  const Facility& f = net.facilities[i];
  ojson o = ojson::object();
  o["id"] = f.code;
  o["sector"] = f.sector;
  o["subsector"] = f.subsector;
  if (with_coordinates && f.lat && f.lon) {
    put_number(o, "lat", *f.lat);
    put_number(o, "lon", *f.lon);
  }
  o["population"] = f.population;
  put_number(o, "loss_per_hour", f.loss_per_hour);
  if (f.mtpd_hours) put_number(o, "mtpd_hours", *f.mtpd_hours);
  if (!f.name.empty()) o["name"] = f.name;
  if (!f.name_en.empty()) o["name_en"] = f.name_en;
  if (!f.type.empty()) o["type"] = f.type;
  if (!f.county_code.empty()) o["county_code"] = f.county_code;
  if (!f.address.empty()) o["address"] = f.address;
  if (i < net.provider_codes.size() && !net.provider_codes[i].empty()) o["provider"] = net.provider_codes[i];
  if (i < net.authority_codes.size() && !net.authority_codes[i].empty()) o["authority"] = net.authority_codes[i];
  return o;
}

std::string dump(const ojson& o) { return o.dump(-1, ' ', false, ojson::error_handler_t::replace); }

void append_csv_cell(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

// -----------------------------------------------------------------------------------------

Result<NetworkSnapshot> parse_network_json(std::string_view text, const Taxonomy& tax,
                                           const ParseOptions& opt) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    auto [line, col] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string msg = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line L, column C: ".
    auto colon = msg.find(": ");
    if (colon != std::string::npos) msg = msg.substr(colon + 2);
    return Status::invalid("network.json is not valid JSON",
                           {{"line " + std::to_string(line) + ", column " + std::to_string(col), msg}});
  } catch (const json::exception& e) {
    // Not a syntax error: a number beyond double range (out_of_range 406), found by fuzzing.
    std::string msg = e.what();
    auto colon = msg.find("] ");
    if (colon != std::string::npos) msg = msg.substr(colon + 2);
    return Status::invalid("network.json is not valid JSON", {{"", msg}});
  }
  Errors errs(opt.max_errors);
  if (!doc.is_object()) {
    errs.add("", "must be an object with \"facilities\" and \"dependencies\", not " + type_name(doc), true);
    return errs.status("network.json");
  }
  JsonPlaces at;
  Parsed p;
  JsonReader reader{errs, at};
  bool has_facilities = false;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "facilities" || key == "dependencies") {
      bool fac = key == "facilities";
      has_facilities = has_facilities || fac;
      if (!v.is_array()) {
        errs.add("/" + key, "must be an array, not " + type_name(v), true);
        continue;
      }
      for (std::size_t i = 0; i < v.size() && !errs.full(); ++i) {
        if (fac) reader.read_facility(v[i], i, p);
        else reader.read_dependency(v[i], i, p);
      }
    } else if (key == "marking" && v.is_string()) {
      // The classification marking an export carries (network_service.h): informational.
    } else {
      errs.add("/" + pointer_token(key), "unknown field '" + key + "'", true);
    }
  }
  if (!has_facilities) errs.add("/facilities", "is required", true);
  if (!errs.full()) check_rules(p, tax, opt, at, errs);
  if (!errs.empty()) return errs.status("network.json");
  return std::move(p.net);
}

Result<NetworkSnapshot> parse_network_csv(std::string_view facilities_csv,
                                          std::string_view dependencies_csv, const Taxonomy& tax,
                                          const ParseOptions& opt) {
  Errors errs(opt.max_errors);
  std::vector<CsvRow> frows = read_csv(facilities_csv, "facilities.csv", errs);
  std::vector<CsvRow> drows = read_csv(dependencies_csv, "dependencies.csv", errs);
  if (frows.empty()) errs.add("facilities.csv line 1", "a header line is required", true);
  if (drows.empty()) errs.add("dependencies.csv line 1", "a header line is required", true);
  if (!errs.empty()) return errs.status("the CSV files");
  auto fcols = read_header(frows[0], "facilities.csv", facility_fields(), {"id", "sector", "subsector"}, errs);
  auto dcols = read_header(drows[0], "dependencies.csv", dependency_fields(),
                           {"consumer", "resource", "suppliers"}, errs);
  if (!errs.empty()) return errs.status("the CSV files");
  Parsed p;
  CsvPlaces at;
  read_facility_rows(frows, fcols, p, at, errs);
  read_dependency_rows(drows, dcols, p, at, errs);
  if (!errs.full()) check_rules(p, tax, opt, at, errs);
  if (!errs.empty()) return errs.status("the CSV files");
  return std::move(p.net);
}

std::string network_to_json(const NetworkSnapshot& net) {
  std::string out = "{\n \"facilities\": [";
  bool first = true;
  for (std::size_t i : facility_order(net)) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += dump(facility_object(net, i, true));
  }
  out += first ? "],\n \"dependencies\": [" : "\n ],\n \"dependencies\": [";
  first = true;
  for (std::size_t i : dependency_order(net)) {
    const auto& d = net.dependencies[i];
    ojson o = ojson::object();
    o["consumer"] = d.consumer;
    o["resource"] = d.resource;
    o["suppliers"] = d.suppliers;
    o["min_up"] = d.min_up;
    put_number(o, "backup_hours", d.backup_hours);
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += dump(o);
  }
  out += first ? "]\n}\n" : "\n ]\n}\n";
  return out;
}

std::string facilities_to_csv(const NetworkSnapshot& net) {
  std::string out =
      "id,sector,subsector,lat,lon,population,loss_per_hour,mtpd_hours,name,name_en,type,county_code,"
      "address,provider,authority\n";
  for (std::size_t i : facility_order(net)) {
    const Facility& f = net.facilities[i];
    append_csv_cell(out, f.code);
    out += ',';
    append_csv_cell(out, f.sector);
    out += ',';
    append_csv_cell(out, f.subsector);
    out += ',';
    if (f.lat && f.lon) out += format_number(*f.lat);
    out += ',';
    if (f.lat && f.lon) out += format_number(*f.lon);
    out += ',';
    out += std::to_string(f.population);
    out += ',';
    out += format_number(f.loss_per_hour);
    out += ',';
    if (f.mtpd_hours) out += format_number(*f.mtpd_hours);
    for (const std::string* s : {&f.name, &f.name_en, &f.type, &f.county_code, &f.address}) {
      out += ',';
      append_csv_cell(out, *s);
    }
    out += ',';
    if (i < net.provider_codes.size()) append_csv_cell(out, net.provider_codes[i]);
    out += ',';
    if (i < net.authority_codes.size()) append_csv_cell(out, net.authority_codes[i]);
    out += '\n';
  }
  return out;
}

std::string dependencies_to_csv(const NetworkSnapshot& net) {
  std::string out = "consumer,resource,suppliers,min_up,backup_hours\n";
  std::string joined;
  for (std::size_t i : dependency_order(net)) {
    const auto& d = net.dependencies[i];
    append_csv_cell(out, d.consumer);
    out += ',';
    append_csv_cell(out, d.resource);
    out += ',';
    joined.clear();
    for (std::size_t k = 0; k < d.suppliers.size(); ++k) {
      if (k) joined += ';';
      joined += d.suppliers[k];
    }
    append_csv_cell(out, joined);
    out += ',';
    out += std::to_string(d.min_up);
    out += ',';
    out += format_number(d.backup_hours);
    out += '\n';
  }
  return out;
}

std::string network_to_geojson(const NetworkSnapshot& net) {
  std::string out = "{\"type\": \"FeatureCollection\", \"features\": [";
  bool first = true;
  for (std::size_t i : facility_order(net)) {
    const Facility& f = net.facilities[i];
    if (!f.lat || !f.lon) continue;
    ojson feature = ojson::object();
    feature["type"] = "Feature";
    feature["id"] = f.code;
    ojson geometry = ojson::object();
    geometry["type"] = "Point";
    geometry["coordinates"] = ojson::array();
    ojson& coords = geometry["coordinates"];
    coords.push_back(*f.lon);
    coords.push_back(*f.lat);
    feature["geometry"] = std::move(geometry);
    feature["properties"] = facility_object(net, i, false);
    out += first ? "\n" : ",\n";
    first = false;
    out += dump(feature);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace cipms
