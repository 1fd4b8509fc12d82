// System routes: health, the taxonomy, and the OpenAPI document (compiled in from
// docs/api/openapi.json, the source of truth for clients).
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/services/registry_service.h"

extern const char cipms_openapi_json[];
extern const unsigned long cipms_openapi_json_size;

namespace cipms::api {

void add_system_routes(Router& router, const ServiceContext& ctx) {
  router.add("GET", "/healthz", [ctx](const Request& req) {
    Json j = {{"status", "ok"}};
    auto s = ctx.db->session();
    Result<int> v = s.is_ok() ? ctx.db->schema_version() : Result<int>(s.status());
    if (!v.is_ok()) {
      Response r = problem(Status(Code::kUnavailable, "database unavailable: " + v.status().message()), req);
      return r;
    }
    j["database"] = ctx.db->backend();
    j["schema_version"] = *v;
    Response r = json_response(200, dump(j));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });

  auto registry = std::make_shared<RegistryService>(ctx);
  router.add("GET", "/api/v1/taxonomy", [registry](const Request& req) {
    QueryReader q(req);
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto t = registry->taxonomy();
    if (!t.is_ok()) return problem(t.status(), req);
    return json_response(200, dump(to_json(*t)));
  });

  // {kind} is the plural key of GET /api/v1/taxonomy: sectors, subsectors, facility_types,
  // resources, threats.
  router.add("PUT", "/api/v1/taxonomy/{kind}/{code}", [registry](const Request& req) {
    static const std::pair<const char*, const char*> kKinds[] = {{"sectors", "sector"},
                                                                 {"subsectors", "subsector"},
                                                                 {"facility_types", "facility_type"},
                                                                 {"resources", "resource"},
                                                                 {"threats", "threat"}};
    const std::string& plural = req.params.at("kind");
    const char* kind = nullptr;
    for (const auto& [p, k] : kKinds)
      if (plural == p) kind = k;
    if (!kind)
      return problem(Status::not_found("no taxonomy list '" + plural +
                                       "' (sectors, subsectors, facility_types, resources, threats)"),
                     req);
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    TaxonomyEntry e;
    e.code = req.params.at("code");
    if (Status st = read_taxonomy_entry(*body, e); !st.is_ok()) return problem(st, req);
    auto saved = registry->set_taxonomy_entry(req.who(), kind, e);
    if (!saved.is_ok()) return problem(saved.status(), req);
    return json_response(200, dump(to_json(*saved)));
  });

  router.add("GET", "/api/v1/openapi.json", [](const Request&) {
    return json_response(200, std::string(cipms_openapi_json, cipms_openapi_json_size));
  });
}

}  // namespace cipms::api
