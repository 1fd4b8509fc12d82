// The registry as a whole network: export (network.json, GeoJSON, the CSV pair) and import.
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/multipart.h"
#include "cipms/api/routes.h"
#include "cipms/services/network_service.h"

namespace cipms::api {

namespace {

// A facilities-only upload: a dependencies file with its header and no rows.
constexpr std::string_view kNoDependenciesCsv = "consumer,resource,suppliers,min_up,backup_hours\n";

// Tells a CSV pair wrapped in JSON ({"facilities_csv": ..., "dependencies_csv": ...}) from a
// network.json by the first key of the top-level object, without parsing a 64 MiB file twice:
// the SAX parse stops at that key.
struct FirstKey : nlohmann::json_sax<Json> {
  std::string first;
  int depth = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth == 1; }
  bool key(string_t& k) override {
    first = k;
    return false;  // enough
  }
  bool end_object() override { return false; }
  bool start_array(std::size_t) override { return false; }
  bool end_array() override { return false; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

bool is_csv_pair_json(const std::string& body) {
  FirstKey sax;
  (void)Json::sax_parse(body, &sax, Json::input_format_t::json, false);
  return sax.first == "facilities_csv" || sax.first == "dependencies_csv";
}

Response import_counts(const ImportCounts& c, ImportMode mode) {
  Json j = {{"mode", mode == ImportMode::kMerge ? "merge" : "replace"},
            {"facilities_created", c.facilities_created},
            {"facilities_updated", c.facilities_updated},
            {"dependencies_written", c.dependencies_written}};
  return json_response(200, dump(j));
}

Response unsupported(const Request& req, const std::string& mt) {
  return problem_response(415, "unsupported_media_type",
                          "Content-Type '" + mt +
                              "' is not accepted; send application/json (network.json, or "
                              "{\"facilities_csv\", \"dependencies_csv\"}) or multipart/form-data with "
                              "parts facilities_csv and dependencies_csv",
                          {{"header:Content-Type", "unsupported"}}, req);
}

}  // namespace

void add_network_routes(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<NetworkService>(ctx);

  router.add("GET", "/api/v1/network", [svc](const Request& req) {
    QueryReader q(req);
    ExportFormat fmt = ExportFormat::kJson;
    std::string ct = "application/json";
    if (auto f = q.str("format")) {
      if (*f == "json") {
      } else if (*f == "geojson") {
        fmt = ExportFormat::kGeoJson;
        ct = "application/geo+json";
      } else if (*f == "facilities.csv") {
        fmt = ExportFormat::kFacilitiesCsv;
        ct = "text/csv; charset=utf-8";
      } else if (*f == "dependencies.csv") {
        fmt = ExportFormat::kDependenciesCsv;
        ct = "text/csv; charset=utf-8";
      } else {
        q.error("format", "must be json, geojson, facilities.csv or dependencies.csv");
      }
    }
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    std::string marking;
    auto out = svc->export_as(fmt, req.who(), &marking);
    if (!out.is_ok()) return problem(out.status(), req);
    Response r;
    // The classification marking of what the reader got (docs/security.md).
    r.headers.emplace_back("X-Classification-Marking", marking.substr(marking.find(' ') + 1));
    r.content_type = ct;
    r.body = std::move(out).value();
    return r;
  });

  router.add("POST", "/api/v1/network/import", [svc](const Request& req) {
    QueryReader q(req);
    ImportMode mode = ImportMode::kMerge;
    if (auto m = q.str("mode")) {
      if (*m == "merge") mode = ImportMode::kMerge;
      else if (*m == "replace") mode = ImportMode::kReplace;
      else q.error("mode", "must be merge or replace");
    }
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);

    std::string mt = req.media_type();
    Result<ImportCounts> counts = Status::internal("not run");
    if (mt == "application/json" || mt.empty()) {
      if (is_csv_pair_json(req.body)) {
        auto body = parse_json_object(req);
        if (!body.is_ok()) return problem(body.status(), req);
        std::vector<FieldError> errs;
        for (const auto& [k, v] : body->items()) {
          if (k != "facilities_csv" && k != "dependencies_csv") errs.push_back({"/" + k, "unknown field '" + k + "'"});
          else if (!v.is_string()) errs.push_back({"/" + k, "must be a string (the CSV text)"});
        }
        if (!body->contains("facilities_csv")) errs.push_back({"/facilities_csv", "is required"});
        if (!errs.empty()) return problem(Status::invalid("bad CSV pair", errs), req);
        std::string deps = body->contains("dependencies_csv") ? (*body)["dependencies_csv"].get<std::string>()
                                                              : std::string(kNoDependenciesCsv);
        counts = svc->import_csv((*body)["facilities_csv"].get<std::string>(), deps, mode);
      } else {
        counts = svc->import_json(req.body, mode);
      }
    } else if (mt == "multipart/form-data") {
      auto parts = parse_multipart(req.header("content-type").value_or(""), req.body);
      if (!parts.is_ok()) return problem(parts.status(), req);
      std::string_view fac, dep = kNoDependenciesCsv;
      bool have_fac = false;
      std::vector<FieldError> errs;
      for (const FormPart& p : *parts) {
        if (p.name == "facilities_csv" || p.name == "facilities") {
          fac = p.body;
          have_fac = true;
        } else if (p.name == "dependencies_csv" || p.name == "dependencies") {
          dep = p.body;
        } else {
          errs.push_back({"part:" + p.name, "unknown form field '" + p.name + "'"});
        }
      }
      if (!have_fac) errs.push_back({"part:facilities_csv", "is required"});
      if (!errs.empty()) return problem(Status::invalid("bad multipart upload", errs), req);
      counts = svc->import_csv(fac, dep, mode);
    } else {
      return unsupported(req, mt);
    }
    if (!counts.is_ok()) return problem(counts.status(), req);
    return import_counts(*counts, mode);
  });
}

}  // namespace cipms::api
