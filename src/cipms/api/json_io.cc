#include "cipms/api/json_io.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

namespace cipms::api {

namespace {

Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
template <typename Id>
Json opt_id(const std::optional<Id>& v) {
  return v ? Json(v->value) : Json(nullptr);
}

// Reads the fields of one JSON object with type checks, collecting errors with pointers.
class ObjectReader {
 public:
  ObjectReader(const Json& j, std::vector<std::string> read_only) : j_(j), read_only_(std::move(read_only)) {}

  void str(const char* k, std::string& out) {
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_string()) return type_error(k, "a string");
    out = v->get<std::string>();
  }
  void number(const char* k, double& out) {
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_number()) return type_error(k, "a number");
    out = v->get<double>();
  }
  void opt_number(const char* k, std::optional<double>& out) {
    if (null(k)) return void(out.reset());
    double d = 0;
    const Json* v = get(k);
    if (!v) return;
    number(k, d);
    if (v->is_number()) out = d;
  }
  void integer(const char* k, std::int64_t& out, std::int64_t min, std::int64_t max) {
    const Json* v = get(k);
    if (!v) return;
    if (v->is_number_integer()) {
      if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        return range_error(k, min, max);
      std::int64_t x = v->get<std::int64_t>();
      if (x < min || x > max) return range_error(k, min, max);
      out = x;
      return;
    }
    if (v->is_number_float()) {
      double d = v->get<double>();
      if (std::floor(d) != d) return type_error(k, "an integer");
      if (d < static_cast<double>(min) || d > static_cast<double>(max)) return range_error(k, min, max);
      out = static_cast<std::int64_t>(d);
      return;
    }
    type_error(k, "an integer");
  }
  void int32(const char* k, int& out) {
    std::int64_t x = out;
    integer(k, x, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    out = static_cast<int>(x);
  }
  void opt_int32(const char* k, std::optional<int>& out) {
    if (null(k)) return void(out.reset());
    if (!get(k)) return;
    std::int64_t x = std::numeric_limits<std::int64_t>::min();
    integer(k, x, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (x != std::numeric_limits<std::int64_t>::min()) out = static_cast<int>(x);
  }
  void opt_str(const char* k, std::optional<std::string>& out) {
    if (null(k)) return void(out.reset());
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_string()) return type_error(k, "a string or null");
    out = v->get<std::string>();
  }
  // A nested object: nullptr when absent or null (a type error when not an object).
  const Json* object(const char* k) {
    const Json* v = get(k);
    if (v && !v->is_object()) {
      type_error(k, "an object");
      return nullptr;
    }
    return v;
  }
  // Takes over the errors of a nested reader's finish(), their pointers under "/k".
  void nested(const char* k, const Status& st) {
    if (st.is_ok()) return;
    auto& into = st.code() == Code::kInvalidArgument ? errors_ : rule_errors_;
    for (const FieldError& e : st.errors()) into.push_back({"/" + std::string(k) + e.pointer, e.message});
  }
  void boolean(const char* k, bool& out) {
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_boolean()) return type_error(k, "true or false");
    out = v->get<bool>();
  }
  template <typename Id>
  void id(const char* k, Id& out) {
    std::int64_t x = 0;
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_number_integer()) return type_error(k, "an integer id");
    integer(k, x, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    out = Id(x);
  }
  template <typename Id>
  void opt_id(const char* k, std::optional<Id>& out) {
    if (null(k)) return void(out.reset());
    if (!get(k)) return;
    Id x;
    const Json* v = get(k);
    if (!v->is_number_integer()) return type_error(k, "an integer id or null");
    id(k, x);
    out = x;
  }
  void str_list(const char* k, std::vector<std::string>& out) {
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_array()) return type_error(k, "an array of strings");
    out.clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        errors_.push_back({"/" + std::string(k) + "/" + std::to_string(i), "must be a string"});
        continue;
      }
      out.push_back((*v)[i].get<std::string>());
    }
  }
  template <typename Id>
  void id_list(const char* k, std::vector<Id>& out) {
    const Json* v = get(k);
    if (!v) return;
    if (!v->is_array()) return type_error(k, "an array of integer ids");
    out.clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      const Json& e = (*v)[i];
      if (!e.is_number_integer() || (e.is_number_unsigned() && e.get<std::uint64_t>() > INT64_MAX)) {
        errors_.push_back({"/" + std::string(k) + "/" + std::to_string(i), "must be an integer facility id"});
        continue;
      }
      out.push_back(Id(e.get<std::int64_t>()));
    }
  }
  // For enum-valued strings: the raw string when present and a string.
  std::optional<std::string> enum_str(const char* k) {
    const Json* v = get(k);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      type_error(k, "a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  void rule_error(const char* k, std::string msg) { rule_errors_.push_back({"/" + std::string(k), std::move(msg)}); }

  Status finish(const char* what) {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (std::find(seen_.begin(), seen_.end(), it.key()) != seen_.end()) continue;
      if (std::find(read_only_.begin(), read_only_.end(), it.key()) != read_only_.end()) continue;
      errors_.push_back({"/" + it.key(), "unknown field '" + it.key() + "' of a " + what});
    }
    if (!errors_.empty())
      return Status::invalid(std::string("the ") + what + " has wrongly typed or unknown fields", errors_);
    if (!rule_errors_.empty())
      return Status::unprocessable(std::string("the ") + what + " is not valid", rule_errors_);
    return Status::ok();
  }

 private:
  const Json* get(const char* k) {
    seen_.emplace_back(k);
    auto it = j_.find(k);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool null(const char* k) {
    seen_.emplace_back(k);
    auto it = j_.find(k);
    return it != j_.end() && it->is_null();
  }
  void type_error(const char* k, const char* expected) {
    errors_.push_back({"/" + std::string(k), std::string("must be ") + expected});
  }
  void range_error(const char* k, std::int64_t min, std::int64_t max) {
    errors_.push_back({"/" + std::string(k),
                       "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
  }

  const Json& j_;
  std::vector<std::string> read_only_;
  std::vector<std::string> seen_;
  std::vector<FieldError> errors_, rule_errors_;
};

const std::vector<std::string> kOrgReadOnly = {"id", "version", "created_at", "updated_at"};
const std::vector<std::string> kFacilityReadOnly = {"id",         "version",        "created_at",
                                                    "updated_at", "provider_code", "authority_code"};
// Set by the server (the classifying officer and date) and the display name: accepted, ignored.
const std::vector<std::string> kClassificationReadOnly = {"level_zh", "classified_by", "classified_on"};
const std::vector<std::string> kCoreFunctionReadOnly = {"id", "facility", "version", "created_at", "updated_at"};
const std::vector<std::string> kDependencyReadOnly = {"id",         "version",       "created_at",
                                                      "updated_at", "consumer_code", "supplier_codes"};

Json entries(const std::vector<TaxonomyEntry>& v, bool with_parent) {
  Json a = Json::array();
  for (const auto& e : v) {
    Json o = {{"code", e.code}, {"name", e.name}, {"name_en", e.name_en}, {"active", e.active}};
    if (with_parent) o["parent"] = e.parent;
    a.push_back(std::move(o));
  }
  return a;
}

}  // namespace

// ------------------------------------------------------------------ writers

Json to_json(const Organisation& o) {
  return {{"id", o.id.value},
          {"code", o.code},
          {"name", o.name},
          {"name_en", o.name_en},
          {"type", org_type_code(o.type)},
          {"parent", opt_id(o.parent)},
          {"sectors", o.sectors},
          {"subsectors", o.subsectors},
          {"version", o.version},
          {"created_at", format_utc(o.created_at)},
          {"updated_at", format_utc(o.updated_at)}};
}

namespace {
void put_escaped(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}
void put_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view v(buf, static_cast<std::size_t>(end - buf));
  out += v;
  if (v.find_first_of(".eE") == std::string_view::npos) out += ".0";  // stays a JSON float, as to_json
}
void put_int(std::string& out, std::int64_t i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, end);
}
struct ObjWriter {
  std::string& out;
  bool first = true;
  void key(const char* k) {
    out += first ? "{\"" : ",\"";
    first = false;
    out += k;
    out += "\":";
  }
  void str(const char* k, std::string_view v) { key(k), put_escaped(out, v); }
  void opt_str(const char* k, const std::string& v) {
    key(k);
    if (v.empty()) out += "null";
    else put_escaped(out, v);
  }
  void i64(const char* k, std::int64_t v) { key(k), put_int(out, v); }
  void dbl(const char* k, double v) { key(k), put_double(out, v); }
  void opt_dbl(const char* k, const std::optional<double>& v) {
    key(k);
    if (v) put_double(out, *v);
    else out += "null";
  }
  template <typename Id>
  void opt_id(const char* k, const std::optional<Id>& v) {
    key(k);
    if (v) put_int(out, v->value);
    else out += "null";
  }
  void boolean(const char* k, bool v) { key(k), out += v ? "true" : "false"; }
  void end() { out += first ? "{}" : "}"; }
};
}  // namespace

void append_json(std::string& out, const FacilityView& v) {
  const Facility& f = v.facility;
  ObjWriter w{out};
  w.i64("id", f.id.value);
  w.str("code", f.code);
  w.str("name", f.name);
  w.str("name_en", f.name_en);
  w.str("sector", f.sector);
  w.str("subsector", f.subsector);
  w.str("type", f.type);
  w.opt_id("provider", f.provider);
  w.opt_str("provider_code", v.provider_code);
  w.opt_id("authority", f.authority);
  w.opt_str("authority_code", v.authority_code);
  w.str("county_code", f.county_code);
  w.str("address", f.address);
  w.opt_dbl("lat", f.lat);
  w.opt_dbl("lon", f.lon);
  w.i64("population", f.population);
  w.dbl("loss_per_hour", f.loss_per_hour);
  w.opt_dbl("mtpd_hours", f.mtpd_hours);
  w.boolean("cii", f.cii);
  w.key("grade");
  if (f.grade) put_int(out, *f.grade);
  else out += "null";
  w.str("status", lifecycle_code(f.status));
  {
    const Classification& c = f.classification;
    w.key("classification");
    ObjWriter o{out};
    o.str("level", class_level_code(c.level));
    o.str("level_zh", class_level_name_zh(c.level));
    o.str("reason", c.reason);
    o.str("classified_by", c.classified_by);
    o.key("classified_on");
    if (c.classified_on) put_escaped(out, *c.classified_on);
    else out += "null";
    o.key("declassify_on");
    if (c.declassify_on) put_escaped(out, *c.declassify_on);
    else out += "null";
    o.str("declassify_condition", c.declassify_condition);
    o.end();
  }
  w.i64("version", f.version);
  w.str("created_at", format_utc(f.created_at));
  w.str("updated_at", format_utc(f.updated_at));
  w.end();
}

// The DOM form (PATCH merges into it) is parsed from the writer's output, so the two can
// never disagree about a field.
Json to_json(const FacilityView& v) {
  std::string s;
  append_json(s, v);
  return Json::parse(s);
}

Json to_json(const CoreFunction& c) {
  return {{"id", c.id.value},
          {"facility", c.facility.value},
          {"name", c.name},
          {"description", c.description},
          {"mtpd_hours", opt(c.mtpd_hours)},
          {"continuity", c.continuity},
          {"version", c.version},
          {"created_at", format_utc(c.created_at)},
          {"updated_at", format_utc(c.updated_at)}};
}

Json to_json(const DependencyView& v) {
  const Dependency& d = v.dependency;
  Json sup = Json::array();
  for (FacilityId s : d.suppliers) sup.push_back(s.value);
  return {{"id", d.id.value},
          {"consumer", d.consumer.value},
          {"consumer_code", v.consumer_code},
          {"resource", d.resource},
          {"suppliers", std::move(sup)},
          {"supplier_codes", v.supplier_codes},
          {"min_up", d.min_up},
          {"backup_hours", d.backup_hours},
          {"version", d.version},
          {"created_at", format_utc(d.created_at)},
          {"updated_at", format_utc(d.updated_at)}};
}

Json to_json(const Taxonomy& t) {
  Json counties = Json::array();
  for (const County& c : t.counties)
    counties.push_back({{"code", c.code},
                        {"abbrev", c.abbrev},
                        {"name", c.name},
                        {"name_en", c.name_en},
                        {"population", c.population},
                        {"lat", c.lat},
                        {"lon", c.lon}});
  return {{"sectors", entries(t.sectors, false)},
          {"subsectors", entries(t.subsectors, true)},
          {"facility_types", entries(t.facility_types, true)},
          {"resources", entries(t.resources, false)},
          {"threats", entries(t.threats, false)},
          {"counties", std::move(counties)}};
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// ------------------------------------------------------------------ readers

Status read_organisation(const Json& j, Organisation& o) {
  ObjectReader r(j, kOrgReadOnly);
  r.str("code", o.code);
  r.str("name", o.name);
  r.str("name_en", o.name_en);
  if (auto t = r.enum_str("type")) {
    if (auto parsed = parse_org_type(*t)) o.type = *parsed;
    else
      r.rule_error("type", "unknown organisation type '" + *t +
                               "' (ohs, coordinating_agency, competent_authority, provider, supporting_unit)");
  }
  r.opt_id("parent", o.parent);
  r.str_list("sectors", o.sectors);
  r.str_list("subsectors", o.subsectors);
  return r.finish("organisation");
}

namespace {
// The "classification" object of a facility: level is required; level_zh, classified_by and
// classified_on are the server's and ignored.
Status read_classification(const Json& j, Classification& c) {
  ObjectReader r(j, kClassificationReadOnly);
  if (auto l = r.enum_str("level")) {
    if (auto parsed = parse_class_level(*l)) c.level = *parsed;
    else
      r.rule_error("level", "unknown classification level '" + *l +
                                "' (general, official, confidential, secret, top_secret)");
  } else if (auto it = j.find("level"); it == j.end() || it->is_null()) {
    r.rule_error("level", "is required (general, official, confidential, secret, top_secret)");
  }
  r.str("reason", c.reason);
  r.opt_str("declassify_on", c.declassify_on);
  r.str("declassify_condition", c.declassify_condition);
  return r.finish("classification");
}
}  // namespace

Status read_facility(const Json& j, Facility& f) {
  ObjectReader r(j, kFacilityReadOnly);
  r.str("code", f.code);
  r.str("name", f.name);
  r.str("name_en", f.name_en);
  r.str("sector", f.sector);
  r.str("subsector", f.subsector);
  r.str("type", f.type);
  r.opt_id("provider", f.provider);
  r.opt_id("authority", f.authority);
  r.str("county_code", f.county_code);
  r.str("address", f.address);
  r.opt_number("lat", f.lat);
  r.opt_number("lon", f.lon);
  r.integer("population", f.population, std::numeric_limits<std::int64_t>::min(),
            std::numeric_limits<std::int64_t>::max());
  r.number("loss_per_hour", f.loss_per_hour);
  r.opt_number("mtpd_hours", f.mtpd_hours);
  r.boolean("cii", f.cii);
  r.opt_int32("grade", f.grade);
  if (auto s = r.enum_str("status")) {
    if (auto parsed = parse_lifecycle(*s)) f.status = *parsed;
    else r.rule_error("status", "unknown status '" + *s + "' (planned, active, decommissioned)");
  }
  if (const Json* c = r.object("classification")) r.nested("classification", read_classification(*c, f.classification));
  return r.finish("facility");
}

Status read_taxonomy_entry(const Json& j, TaxonomyEntry& e) {
  ObjectReader r(j, {"code"});
  r.str("name", e.name);
  r.str("name_en", e.name_en);
  r.str("parent", e.parent);
  r.boolean("active", e.active);
  return r.finish("taxonomy entry");
}

Json to_json(const TaxonomyEntry& e) {
  return {{"code", e.code}, {"parent", e.parent}, {"name", e.name}, {"name_en", e.name_en}, {"active", e.active}};
}

Status read_core_function(const Json& j, CoreFunction& c) {
  ObjectReader r(j, kCoreFunctionReadOnly);
  r.str("name", c.name);
  r.str("description", c.description);
  r.opt_number("mtpd_hours", c.mtpd_hours);
  r.str("continuity", c.continuity);
  return r.finish("core function");
}

Status read_dependency(const Json& j, Dependency& d) {
  ObjectReader r(j, kDependencyReadOnly);
  r.id("consumer", d.consumer);
  r.str("resource", d.resource);
  r.id_list("suppliers", d.suppliers);
  r.int32("min_up", d.min_up);
  r.number("backup_hours", d.backup_hours);
  return r.finish("dependency");
}

Json writable_part(Json j) {
  for (const char* k : {"id", "version", "created_at", "updated_at", "provider_code", "authority_code",
                        "consumer_code", "supplier_codes", "facility"})
    j.erase(k);
  return j;
}

// ------------------------------------------------------------------ request helpers

Result<Json> parse_json_object(const Request& req) {
  Json j;
  try {
    j = Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < req.body.size(); ++i) {
      if (req.body[i] == '\n') ++line, col = 1;
      else ++col;
    }
    std::string what = e.what();
    auto p = what.find("parse error");
    return Status::invalid("malformed JSON at line " + std::to_string(line) + ", column " +
                               std::to_string(col) + (p == std::string::npos ? "" : ": " + what.substr(p)),
                           {{"", "line " + std::to_string(line) + ", column " + std::to_string(col)}});
  } catch (const Json::exception& e) {
    // Numbers JSON can carry but a double cannot (1e999).
    return Status::invalid(std::string("unreadable JSON: ") + e.what());
  }
  if (!j.is_object()) return Status::invalid("the body must be a JSON object", {{"", "must be an object"}});
  return j;
}

std::optional<Response> parse_if_match(const Request& req, std::int64_t* version) {
  auto h = req.header("if-match");
  if (!h)
    return problem_response(428, "precondition_required",
                            "this change needs an If-Match header with the record's ETag (its version); "
                            "read the record first",
                            {{"header:If-Match", "missing"}}, req);
  std::string v = *h;
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (v == "*") {
    *version = kAnyVersion;
    return std::nullopt;
  }
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x <= 0)
    return problem_response(412, "precondition_failed", "If-Match '" + *h + "' names no version of this record",
                            {{"header:If-Match", "not an ETag of this API"}}, req);
  *version = x;
  return std::nullopt;
}

std::optional<std::int64_t> path_id(const Request& req, const char* name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return std::nullopt;
  const std::string& s = it->second;
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size() || x <= 0) return std::nullopt;
  return x;
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

Response record_response(int status, const Json& body, std::int64_t version) {
  Response r = json_response(status, dump(body));
  r.headers.emplace_back("ETag", etag(version));
  return r;
}

std::optional<std::string> QueryReader::str(const char* name) {
  seen_.emplace_back(name);
  auto v = req_.query_param(name);
  if (v && req_.query.count(name) > 1) error(name, "given more than once");
  return v;
}

std::optional<std::int64_t> QueryReader::integer(const char* name, std::int64_t min, std::int64_t max) {
  auto v = str(name);
  if (!v) return std::nullopt;
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size() || x < min || x > max) {
    error(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> QueryReader::boolean(const char* name) {
  auto v = str(name);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  error(name, "must be true or false");
  return std::nullopt;
}

ListParams QueryReader::list_params(int default_limit, int max_limit) {
  ListParams p;
  p.limit = default_limit;
  if (auto l = integer("limit", 1, max_limit)) p.limit = static_cast<int>(*l);
  if (auto o = integer("offset", 0, std::numeric_limits<std::int64_t>::max() / 2)) p.offset = *o;
  return p;
}

Status QueryReader::finish() {
  for (const auto& kv : req_.query) {
    const std::string& k = kv.first;  // not a structured binding: clang 14 cannot capture one
    if (std::find(seen_.begin(), seen_.end(), k) == seen_.end() &&
        std::none_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.pointer == "query:" + k; }))
      errors_.push_back({"query:" + k, "unknown query parameter '" + k + "'"});
  }
  if (errors_.empty()) return Status::ok();
  return Status::invalid("bad query parameters", errors_);
}

namespace {
std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

Response list_response(const Request& req, Json items, std::int64_t total, const ListParams& p) {
  return list_response_raw(req, dump(items), total, p);
}

Response list_response_raw(const Request& req, std::string items_json, std::int64_t total, const ListParams& p) {
  std::string body;
  body.reserve(items_json.size() + 80);
  body += "{\"items\":";
  body += items_json;
  body += ",\"limit\":" + std::to_string(p.limit) + ",\"offset\":" + std::to_string(p.offset) +
          ",\"total\":" + std::to_string(total) + "}";
  Response r = json_response(200, std::move(body));
  auto link = [&](std::int64_t offset, const char* rel) {
    std::string url = req.path + "?";
    for (const auto& [k, v] : req.query)
      if (k != "offset" && k != "limit") url += percent_encode(k) + "=" + percent_encode(v) + "&";
    url += "limit=" + std::to_string(p.limit) + "&offset=" + std::to_string(offset);
    return "<" + url + ">; rel=\"" + rel + "\"";
  };
  std::vector<std::string> links;
  links.push_back(link(0, "first"));
  if (p.offset > 0) links.push_back(link(std::max<std::int64_t>(0, p.offset - p.limit), "prev"));
  if (p.offset + p.limit < total) links.push_back(link(p.offset + p.limit, "next"));
  std::int64_t last = total == 0 ? 0 : ((total - 1) / p.limit) * p.limit;
  links.push_back(link(last, "last"));
  std::string h;
  for (const auto& l : links) h += (h.empty() ? "" : ", ") + l;
  r.headers.emplace_back("Link", h);
  r.headers.emplace_back("X-Total-Count", std::to_string(total));
  return r;
}

}  // namespace cipms::api
