// The whole HTTP API as one Router, and the dispatch step every request goes through
// (route match → 404/405, the auth hook, body size limits, the handler, security headers).
// Route files add their handlers here; server.cc only converts to and from RESTinio.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cipms/api/http.h"
#include "cipms/services/context.h"

namespace cipms::api {

struct ApiOptions {
  std::size_t max_body_bytes = std::size_t{1} << 20;         // every route but imports: 1 MiB
  std::size_t max_import_bytes = std::size_t{64} << 20;      // routes that take whole networks:
  std::vector<std::string> import_routes = {"/api/v1/network/import", "/api/v1/simulations",
                                            "/api/v1/survey-rounds/{year}/import"};
};

// Middleware hook run after routing and before the handler: returns a response to stop the
// request there (401/403 once sign-in exists, a later issue), or nullopt to go on. It may
// annotate the request (the signed-in user) for the handler.
using Middleware = std::function<std::optional<Response>(Request&, const Route&)>;

void add_registry_routes(Router& router, const ServiceContext& ctx);  // registry_routes.cc
void add_network_routes(Router& router, const ServiceContext& ctx);   // network_routes.cc
void add_system_routes(Router& router, const ServiceContext& ctx);    // system_routes.cc
void add_audit_routes(Router& router, const ServiceContext& ctx);     // audit_routes.cc
void add_security_routes(Router& router, const ServiceContext& ctx);  // security_routes.cc
void add_survey_routes(Router& router, const ServiceContext& ctx);    // survey_routes.cc
void add_survey_import_routes(Router& router, const ServiceContext& ctx);  // survey_import_routes.cc
void add_notification_routes(Router& router, const ServiceContext& ctx);  // notification_routes.cc
// The auth step (security_routes.cc): looks the route's permission up (permissions.h),
// identifies the caller by session cookie (+ X-CSRF-Token on state-changing requests) or
// API token, answers 401/403/429 itself (audited) or sets req.principal and goes on.
Middleware make_auth_middleware(const ServiceContext& ctx);

// Every route of the API. Handlers capture ctx; building the router touches no database,
// so `cipms routes` can list the table with an empty context.
Router build_router(const ServiceContext& ctx);

class Dispatcher {
 public:
  Dispatcher(Router router, ApiOptions opt);
  // The auth step (make_auth_middleware); without one every request passes (unit tests).
  void set_auth(Middleware m) { auth_ = std::move(m); }
  // Thread-safe (the router is read-only after construction). Never throws.
  Response handle(Request& req) const;
  const Router& router() const { return router_; }

 private:
  Router router_;
  ApiOptions opt_;
  Middleware auth_;
};

// Headers every answer carries (nosniff, CSP, Referrer-Policy).
void add_security_headers(Response& r);

}  // namespace cipms::api
