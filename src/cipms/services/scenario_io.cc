#include "cipms/services/scenario_io.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace cipms {

namespace {

using Json = nlohmann::json;

struct Collector {
  std::string base;
  std::vector<FieldError> syntax, rules;
  void type(const std::string& p, std::string m) { syntax.push_back({base + p, std::move(m)}); }
  void rule(const std::string& p, std::string m) { rules.push_back({base + p, std::move(m)}); }
};

// Reads a required finite, non-negative number.
bool read_time(const Json& obj, const char* name, const std::string& at, Collector& c, double* out) {
  const std::string p = at + "/" + name;
  auto it = obj.find(name);
  if (it == obj.end()) {
    c.type(p, std::string("required field \"") + name + "\" is missing");
    return false;
  }
  if (!it->is_number()) {
    c.type(p, "must be a number");
    return false;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < 0) {
    c.rule(p, "must be a finite number >= 0");
    return false;
  }
  *out = v;
  return true;
}

// RFC 6901 escaping of one reference token.
std::string token(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

void reject_unknown(const Json& obj, std::initializer_list<const char*> known, const std::string& at,
                    Collector& c) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) c.type(at + "/" + token(it.key()), "unknown field \"" + it.key() + "\"");
  }
}

Result<Scenario> parse_value(const Json& j, const std::string& base,
                             const std::function<bool(const std::string&)>& known_facility) {
  Collector c{base, {}, {}};
  Scenario s;
  if (!j.is_object()) return Status::invalid("scenario must be a JSON object", {{base, "must be an object"}});
  reject_unknown(j, {"horizon_hours", "events"}, "", c);
  read_time(j, "horizon_hours", "", c, &s.horizon_hours);
  auto ev = j.find("events");
  if (ev == j.end()) {
    c.type("/events", "required field \"events\" is missing");
  } else if (!ev->is_array()) {
    c.type("/events", "must be an array");
  } else {
    for (std::size_t i = 0; i < ev->size(); ++i) {
      const Json& e = (*ev)[i];
      const std::string at = "/events/" + std::to_string(i);
      if (!e.is_object()) {
        c.type(at, "must be an object");
        continue;
      }
      reject_unknown(e, {"facility", "down_at", "repair_hours"}, at, c);
      ScenarioEvent out;
      auto f = e.find("facility");
      if (f == e.end()) {
        c.type(at + "/facility", "required field \"facility\" is missing");
      } else if (!f->is_string()) {
        c.type(at + "/facility", "must be a string");
      } else {
        out.facility = f->get<std::string>();
        if (known_facility && !known_facility(out.facility))
          c.rule(at + "/facility", "unknown facility \"" + out.facility + "\"");
      }
      read_time(e, "down_at", at, c, &out.down_at);
      read_time(e, "repair_hours", at, c, &out.repair_hours);
      s.events.push_back(std::move(out));
    }
  }
  if (!c.syntax.empty()) {
    c.syntax.insert(c.syntax.end(), c.rules.begin(), c.rules.end());
    return Status::invalid("invalid scenario", std::move(c.syntax));
  }
  if (!c.rules.empty()) return Status::unprocessable("invalid scenario", std::move(c.rules));
  return s;
}

}  // namespace

Result<Scenario> parse_scenario_json_at(std::string_view text, const std::string& pointer,
                                        const std::function<bool(const std::string&)>& known_facility) {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // e.what() names the byte position and what was expected there (or a number overflow).
    return Status::invalid("scenario is not valid JSON",
                           {{pointer, std::string("syntax error: ") + e.what()}});
  }
  return parse_value(j, pointer, known_facility);
}

Result<Scenario> parse_scenario_json(std::string_view text,
                                     const std::function<bool(const std::string&)>& known_facility) {
  return parse_scenario_json_at(text, "", known_facility);
}

}  // namespace cipms
