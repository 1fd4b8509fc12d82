#include "cipms/api/routes.h"

#include <algorithm>
#include <exception>

#include "cipms/api/json_io.h"
#include "cipms/base/log.h"
#include "cipms/base/metrics.h"

#ifdef CIPMS_HAVE_ANALYSIS_ROUTES
#include "cipms/api/analysis_routes.h"
#endif

namespace cipms::api {

Router build_router(const ServiceContext& ctx) {
  Router router;
  add_system_routes(router, ctx);
  add_registry_routes(router, ctx);
  add_network_routes(router, ctx);
  add_audit_routes(router, ctx);
  add_security_routes(router, ctx);
  add_survey_routes(router, ctx);
  add_survey_import_routes(router, ctx);
  add_notification_routes(router, ctx);
  // Prometheus scrape endpoint (base/metrics.h): counters, latency histograms, pool, jobs.
  router.add("GET", "/metrics", [](const Request&) {
    Response r;
    r.content_type = metrics::kTextContentType;
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = metrics::render_text();
    return r;
  });
#ifdef CIPMS_HAVE_ANALYSIS_ROUTES
  add_analysis_routes(router, ctx);
#else
  // TODO(analysis): api/analysis_routes.cc is not in the tree yet; CMake defines
  // CIPMS_HAVE_ANALYSIS_ROUTES as soon as it is, and its routes are added above.
#endif
  return router;
}

Dispatcher::Dispatcher(Router router, ApiOptions opt) : router_(std::move(router)), opt_(opt) {}

void add_security_headers(Response& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; frame-ancestors 'none'");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

namespace {
std::string allowed_methods(const Router& router, Request req) {
  std::string allow;
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    req.method = m;
    bool matched = false;
    if (router.match(req, &matched)) allow += std::string(allow.empty() ? "" : ", ") + m;
  }
  return allow;
}
}  // namespace

Response Dispatcher::handle(Request& req) const {
  Response r;
  try {
    bool path_matched = false;
    const Route* route = router_.match(req, &path_matched);
    if (route) req.route = route->pattern;
    if (!route && path_matched) {
      std::string allow = allowed_methods(router_, req);
      r = problem_response(405, "method_not_allowed",
                           req.method + " is not allowed on " + req.path + "; allowed: " + allow, {}, req);
      r.headers.emplace_back("Allow", allow);
    } else if (!route) {
      r = problem(Status::not_found("no such resource: " + req.path), req);
    } else {
      bool takes_networks = std::find(opt_.import_routes.begin(), opt_.import_routes.end(), route->pattern) !=
                            opt_.import_routes.end();
      std::size_t limit = takes_networks ? opt_.max_import_bytes : opt_.max_body_bytes;
      std::optional<Response> stop = auth_ ? auth_(req, *route) : std::nullopt;
      if (stop) {
        r = std::move(*stop);
      } else if (req.body.size() > limit) {
        r = problem(Status(Code::kPayloadTooLarge, "the body has " + std::to_string(req.body.size()) +
                                                       " bytes; this resource takes at most " +
                                                       std::to_string(limit)),
                    req);
      } else {
        r = route->handler(req);
      }
    }
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "handler_exception",
              R"("request_id":")" + req.request_id + R"(","what":)" + dump(Json(e.what())));
    r = problem(Status::internal(e.what()), req);
  } catch (...) {
    r = problem(Status::internal("unknown exception"), req);
  }
  add_security_headers(r);
  return r;
}

}  // namespace cipms::api
