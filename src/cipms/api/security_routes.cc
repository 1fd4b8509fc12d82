// Security routes and the auth step of the Dispatcher: sign-in, sessions, API tokens, TOTP,
// accounts, need-to-know grants and facility classification (issue #5).
#include <set>

#include "cipms/api/json_io.h"
#include "cipms/api/permissions.h"
#include "cipms/api/routes.h"
#include "cipms/services/audit.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/registry_service.h"

namespace cipms::api {

namespace {

constexpr const char* kCookie = "cipms_session";

// Strict reader of a small JSON request body: wrong types and unknown fields → 400.
class Body {
 public:
  explicit Body(const Json& j) : j_(j) {}
  std::optional<std::string> str(const char* name, bool required = false) {
    known_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      if (required) errs_.push_back({std::string("/") + name, "is required"});
      return std::nullopt;
    }
    if (!it->is_string()) {
      errs_.push_back({std::string("/") + name, "must be a string"});
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  std::optional<std::int64_t> integer(const char* name, bool required = false) {
    known_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      if (required) errs_.push_back({std::string("/") + name, "is required"});
      return std::nullopt;
    }
    if (!it->is_number_integer()) {
      errs_.push_back({std::string("/") + name, "must be an integer"});
      return std::nullopt;
    }
    return it->get<std::int64_t>();
  }
  std::optional<bool> boolean(const char* name) {
    known_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      errs_.push_back({std::string("/") + name, "must be true or false"});
      return std::nullopt;
    }
    return it->get<bool>();
  }
  std::optional<std::vector<std::string>> strings(const char* name) {
    known_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    std::vector<std::string> out;
    if (!it->is_array()) {
      errs_.push_back({std::string("/") + name, "must be an array of strings"});
      return std::nullopt;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) errs_.push_back({std::string("/") + name + "/" + std::to_string(i), "must be a string"});
      else out.push_back((*it)[i].get<std::string>());
    }
    return out;
  }
  void error(std::string ptr, std::string msg) { errs_.push_back({std::move(ptr), std::move(msg)}); }
  void ignore(const char* name) { known_.insert(name); }
  Status finish() {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!known_.count(it.key())) errs_.push_back({"/" + it.key(), "unknown field"});
    if (errs_.empty()) return Status::ok();
    return Status::invalid("the request body is not valid", errs_);
  }

 private:
  const Json& j_;
  std::set<std::string> known_;
  std::vector<FieldError> errs_;
};

std::optional<std::string> cookie_value(const Request& req, const std::string& name) {
  auto h = req.header("cookie");
  if (!h) return std::nullopt;
  std::string_view s = *h;
  while (!s.empty()) {
    std::size_t semi = s.find(';');
    std::string_view part = s.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string session_cookie(const Request& req, const std::string& value, bool clear) {
  std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (req.tls) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

Json user_to_json(const User& u) {
  return {{"id", u.id.value},
          {"username", u.username},
          {"display_name", u.display_name},
          {"email", u.email},
          {"org_id", u.org.value},
          {"role", role_code(u.role)},
          {"clearance", class_level_code(u.clearance)},
          {"clearance_zh", class_level_name_zh(u.clearance)},
          {"totp_enabled", u.totp_enabled},
          {"active", u.active},
          {"locked_until", u.locked_until ? Json(*u.locked_until) : Json(nullptr)},
          {"version", u.version},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

Json principal_to_json(const Principal& p) {
  Json perms = Json::array();
  for (Permission x : kAllPermissions)
    if (x != Permission::kPublic && p.can(x)) perms.push_back(permission_code(x));
  return {{"user_id", p.user.value},   {"username", p.username},     {"role", role_code(p.role)},
          {"org_id", p.org.value},     {"org_code", p.org_code},     {"org_type", org_type_code(p.org_type)},
          {"sectors", p.sectors},      {"subsectors", p.subsectors}, {"clearance", class_level_code(p.clearance)},
          {"clearance_zh", class_level_name_zh(p.clearance)},        {"via", p.via},
          {"permissions", perms}};
}

Json token_to_json(const ApiToken& t) {
  Json scopes = Json::array();
  for (Permission p : t.scopes) scopes.push_back(permission_code(p));
  return {{"id", t.id},
          {"name", t.name},
          {"scopes", scopes},
          {"created_at", t.created_at},
          {"expires_at", t.expires_at},
          {"revoked_at", t.revoked_at ? Json(*t.revoked_at) : Json(nullptr)},
          {"last_used_at", t.last_used_at ? Json(*t.last_used_at) : Json(nullptr)}};
}

Json grant_to_json(const Grant& g) {
  return {{"id", g.id},
          {"user_id", g.user.value},
          {"record_kind", g.record_kind},
          {"record_id", g.record_id},
          {"reason", g.reason},
          {"granted_by", g.granted_by},
          {"created_at", g.created_at},
          {"expires_at", g.expires_at ? Json(*g.expires_at) : Json(nullptr)}};
}

Response ok_json(int status, const Json& j) {
  Response r = json_response(status, dump(j));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response with_retry_after(Response r, const Status& st) {
  if (st.code() == Code::kTooManyRequests) r.headers.emplace_back("Retry-After", "60");
  if (st.code() == Code::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cipms\"");
  return r;
}

using Auth = std::shared_ptr<AuthService>;

// A sign-in refused before it reached the service (malformed body) is audited too.
Response refused_login(const ServiceContext& ctx, const Status& st, const Request& req) {
  Principal anon = Principal::anonymous();
  anon.remote = req.remote;
  anon.request_id = req.request_id;
  (void)audit_record(ctx, anon, AuditEvent{"auth.login", "user", "", "failed", "malformed credentials: " + st.message()});
  return problem(st, req);
}

void add_session_routes(Router& router, const Auth& auth, const ServiceContext& ctx) {
  router.add("POST", "/api/v1/auth/login", [auth, ctx](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return refused_login(ctx, body.status(), req);
    Body b(*body);
    LoginRequest lr;
    lr.username = b.str("username", true).value_or("");
    lr.password = b.str("password", true).value_or("");
    lr.totp = b.str("totp");
    lr.recovery_code = b.str("recovery_code");
    if (Status st = b.finish(); !st.is_ok()) return refused_login(ctx, st, req);
    lr.remote = req.remote;
    lr.user_agent = req.header("user-agent").value_or("");
    lr.request_id = req.request_id;
    auto r = auth->login(lr);
    if (!r.is_ok()) return with_retry_after(problem(r.status(), req), r.status());
    Response resp = ok_json(200, {{"user", user_to_json(r->user)},
                                  {"principal", principal_to_json(r->principal)},
                                  {"csrf_token", r->csrf_token},
                                  {"expires_at", r->expires_at}});
    resp.headers.emplace_back("Set-Cookie", session_cookie(req, r->session_secret, false));
    return resp;
  });
  router.add("POST", "/api/v1/auth/logout", [auth](const Request& req) {
    if (auto c = cookie_value(req, kCookie)) {
      if (Status st = auth->logout(req.who(), *c); !st.is_ok()) return problem(st, req);
    }
    Response r = no_content();
    r.headers.emplace_back("Set-Cookie", session_cookie(req, "", true));
    return r;
  });
  router.add("POST", "/api/v1/auth/logout-all", [auth](const Request& req) {
    auto n = auth->logout_all(req.who());
    if (!n.is_ok()) return problem(n.status(), req);
    Response r = ok_json(200, {{"sessions_ended", *n}});
    r.headers.emplace_back("Set-Cookie", session_cookie(req, "", true));
    return r;
  });
  router.add("GET", "/api/v1/auth/me", [auth](const Request& req) {
    auto u = auth->me(req.who());
    if (!u.is_ok()) return problem(u.status(), req);
    Json j = {{"user", user_to_json(*u)}, {"principal", principal_to_json(req.who())}};
    if (!req.csrf_token.empty()) j["csrf_token"] = req.csrf_token;
    return ok_json(200, j);
  });
  router.add("POST", "/api/v1/auth/password", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    auto cur = b.str("current_password", true), next = b.str("new_password", true);
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    Status st = auth->change_password(req.who(), *cur, *next);
    if (!st.is_ok()) return problem(st, req);
    Response r = no_content();
    r.headers.emplace_back("Set-Cookie", session_cookie(req, "", true));
    return r;
  });
  router.add("POST", "/api/v1/auth/totp/setup", [auth](const Request& req) {
    auto t = auth->totp_setup(req.who());
    if (!t.is_ok()) return problem(t.status(), req);
    return ok_json(200, {{"secret", t->secret_base32}, {"otpauth_uri", t->otpauth_uri}});
  });
  router.add("POST", "/api/v1/auth/totp/enable", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    auto code = b.str("code", true);
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    auto codes = auth->totp_enable(req.who(), *code);
    if (!codes.is_ok()) return problem(codes.status(), req);
    return ok_json(200, {{"recovery_codes", *codes}});
  });
  router.add("POST", "/api/v1/auth/totp/disable", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    auto pw = b.str("password", true);
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    if (Status st = auth->totp_disable(req.who(), *pw); !st.is_ok()) return problem(st, req);
    return no_content();
  });
  router.add("GET", "/api/v1/auth/tokens", [auth](const Request& req) {
    auto list = auth->list_tokens(req.who());
    if (!list.is_ok()) return problem(list.status(), req);
    Json items = Json::array();
    for (const auto& t : *list) items.push_back(token_to_json(t));
    return ok_json(200, {{"items", items}, {"total", items.size()}});
  });
  router.add("POST", "/api/v1/auth/tokens", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    NewToken t;
    t.name = b.str("name", true).value_or("");
    if (auto days = b.integer("expires_in_days")) t.expires_in_days = static_cast<int>(std::clamp<std::int64_t>(*days, -1, 100000));
    if (auto scopes = b.strings("scopes")) {
      for (std::size_t i = 0; i < scopes->size(); ++i) {
        if (auto p = parse_permission((*scopes)[i])) t.scopes.push_back(*p);
        else b.error("/scopes/" + std::to_string(i), "unknown permission '" + (*scopes)[i] + "'");
      }
    }
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    auto made = auth->create_token(req.who(), t);
    if (!made.is_ok()) return problem(made.status(), req);
    Json j = token_to_json(made->first);
    j["secret"] = made->second;
    return ok_json(201, j);
  });
  router.add("DELETE", "/api/v1/auth/tokens/{id}", [auth](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("no such token"), req);
    if (Status st = auth->revoke_token(req.who(), *id); !st.is_ok()) return problem(st, req);
    return no_content();
  });
}

void add_user_routes(Router& router, const Auth& auth) {
  router.add("GET", "/api/v1/users", [auth](const Request& req) {
    QueryReader q(req);
    UserFilter f;
    if (auto o = q.integer("org", 1, INT64_MAX)) f.org = OrgId(*o);
    if (auto r = q.str("role")) {
      if (auto parsed = parse_role(*r)) f.role = *parsed;
      else q.error("role", "unknown role '" + *r + "'");
    }
    if (auto s = q.str("q"); s && !s->empty()) f.q = *s;
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    f.limit = p.limit;
    f.offset = p.offset;
    auto page = auth->list_users(req.who(), f);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const auto& u : page->items) items.push_back(user_to_json(u));
    return list_response(req, std::move(items), page->total, p);
  });
  router.add("POST", "/api/v1/users", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    NewUser u;
    u.username = b.str("username", true).value_or("");
    u.display_name = b.str("display_name", true).value_or("");
    u.email = b.str("email").value_or("");
    u.org_code = b.str("org", true).value_or("");
    u.password = b.str("password", true).value_or("");
    if (auto r = b.str("role", true)) {
      if (auto parsed = parse_role(*r)) u.role = *parsed;
      else b.error("/role", "unknown role '" + *r + "'");
    }
    if (auto c = b.str("clearance")) {
      if (auto parsed = parse_class_level(*c)) u.clearance = *parsed;
      else b.error("/clearance", "unknown level '" + *c + "' (general, official, confidential, secret, top_secret)");
    }
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    auto made = auth->create_user(req.who(), u);
    if (!made.is_ok()) return problem(made.status(), req);
    Response r = record_response(201, user_to_json(*made), made->version);
    r.headers.emplace_back("Location", "/api/v1/users/" + std::to_string(made->id.value));
    return r;
  });
  router.add("GET", "/api/v1/users/{id}", [auth](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("no such user"), req);
    auto u = auth->get_user(req.who(), UserId(*id));
    if (!u.is_ok()) return problem(u.status(), req);
    return record_response(200, user_to_json(*u), u->version);
  });
  router.add("PATCH", "/api/v1/users/{id}", [auth](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("no such user"), req);
    std::int64_t version = 0;
    if (auto p = parse_if_match(req, &version)) return *p;
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    UserPatch p;
    p.display_name = b.str("display_name");
    p.email = b.str("email");
    if (auto r = b.str("role")) {
      if (auto parsed = parse_role(*r)) p.role = *parsed;
      else b.error("/role", "unknown role '" + *r + "'");
    }
    if (auto c = b.str("clearance")) {
      if (auto parsed = parse_class_level(*c)) p.clearance = *parsed;
      else b.error("/clearance", "unknown level '" + *c + "'");
    }
    p.active = b.boolean("active");
    p.password = b.str("password");
    p.unlock = b.boolean("unlock").value_or(false);
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    if (version == kAnyVersion) {
      auto cur = auth->get_user(req.who(), UserId(*id));
      if (!cur.is_ok()) return problem(cur.status(), req);
      version = cur->version;
    }
    auto u = auth->update_user(req.who(), UserId(*id), p, version);
    if (!u.is_ok()) return problem(u.status(), req);
    return record_response(200, user_to_json(*u), u->version);
  });
}

void add_grant_routes(Router& router, const Auth& auth) {
  router.add("GET", "/api/v1/grants", [auth](const Request& req) {
    QueryReader q(req);
    std::optional<UserId> user;
    if (auto u = q.integer("user_id", 1, INT64_MAX)) user = UserId(*u);
    auto kind = q.str("record_kind");
    auto rid = q.integer("record_id", 1, INT64_MAX);
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto list = auth->list_grants(req.who(), user, kind, rid);
    if (!list.is_ok()) return problem(list.status(), req);
    Json items = Json::array();
    for (const auto& g : *list) items.push_back(grant_to_json(g));
    return ok_json(200, {{"items", items}, {"total", items.size()}});
  });
  router.add("POST", "/api/v1/grants", [auth](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    Grant g;
    g.user = UserId(b.integer("user_id", true).value_or(0));
    g.record_kind = b.str("record_kind").value_or("facility");
    g.record_id = b.integer("record_id", true).value_or(0);
    g.reason = b.str("reason", true).value_or("");
    g.expires_at = b.str("expires_at");
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    auto made = auth->create_grant(req.who(), g);
    if (!made.is_ok()) return problem(made.status(), req);
    return ok_json(201, grant_to_json(*made));
  });
  router.add("DELETE", "/api/v1/grants/{id}", [auth](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("no such grant"), req);
    if (Status st = auth->delete_grant(req.who(), *id); !st.is_ok()) return problem(st, req);
    return no_content();
  });
}

void add_classification_route(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<RegistryService>(ctx);
  router.add("PUT", "/api/v1/facilities/{id}/classification", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("no such facility"), req);
    std::int64_t version = 0;
    if (auto p = parse_if_match(req, &version)) return *p;
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Body b(*body);
    Classification c;
    if (auto l = b.str("level", true)) {
      if (auto parsed = parse_class_level(*l)) c.level = *parsed;
      else b.error("/level", "unknown level '" + *l + "' (general, official, confidential, secret, top_secret)");
    }
    c.reason = b.str("reason").value_or("");
    c.declassify_on = b.str("declassify_on");
    c.declassify_condition = b.str("declassify_condition").value_or("");
    for (const char* ro : {"level_zh", "classified_by", "classified_on"}) b.ignore(ro);
    if (Status st = b.finish(); !st.is_ok()) return problem(st, req);
    if (version == kAnyVersion) {
      auto cur = svc->get_facility(req.who(), FacilityId(*id));
      if (!cur.is_ok()) return problem(cur.status(), req);
      version = cur->facility.version;
    }
    auto v = svc->set_facility_classification(req.who(), FacilityId(*id), c, version);
    if (!v.is_ok()) return problem(v.status(), req);
    return record_response(200, to_json(*v), v->facility.version);
  });
}

bool is_safe_method(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

}  // namespace

void add_security_routes(Router& router, const ServiceContext& ctx) {
  auto auth = std::make_shared<AuthService>(ctx);
  add_session_routes(router, auth, ctx);
  add_user_routes(router, auth);
  add_grant_routes(router, auth);
  add_classification_route(router, ctx);
}

Middleware make_auth_middleware(const ServiceContext& ctx) {
  auto auth = std::make_shared<AuthService>(ctx);
  return [auth, ctx](Request& req, const Route& route) -> std::optional<Response> {
    req.csrf_token.clear();  // only the auth step sets it, from the session
    auto perm = route_permission(route.method, route.pattern);
    if (!perm)  // fail closed: a route nobody wrote a permission for serves nobody
      return problem(Status::internal("no permission is declared for " + route.method + " " + route.pattern), req);
    if (*perm == Permission::kPublic) {
      if (route.pattern == "/api/v1/auth/login" && req.body.size() > (std::size_t{1} << 20)) {
        Principal anon = Principal::anonymous();
        anon.remote = req.remote;
        anon.request_id = req.request_id;
        (void)audit_record(ctx, anon,
                           AuditEvent{"auth.login", "user", "", "failed",
                                      "oversized credentials (" + std::to_string(req.body.size()) + " bytes)"});
      }
      return std::nullopt;
    }

    Principal anon = Principal::anonymous();
    anon.remote = req.remote;
    anon.request_id = req.request_id;
    auto reject = [&](const Principal& who, const Status& st, const char* action, bool record) {
      if (record)
        (void)audit_record(ctx, who, AuditEvent{action, "route", route.method + " " + route.pattern,
                                                st.code() == Code::kPermissionDenied ? "denied" : "failed",
                                                st.message()});
      return with_retry_after(problem(st, req), st);
    };

    Result<Principal> who = Status(Code::kUnauthenticated, "sign in first (session cookie or Authorization: Bearer token)");
    bool presented = false;
    std::string csrf;
    if (auto h = req.header("authorization")) {
      presented = true;
      if (h->rfind("Bearer ", 0) != 0)
        who = Status(Code::kUnauthenticated, "the Authorization header must be 'Bearer <API token>'");
      else
        who = auth->authenticate_token(h->substr(7));
    } else if (auto c = cookie_value(req, kCookie)) {
      presented = true;
      who = auth->authenticate_session(*c, &csrf);
    }
    if (!who.is_ok()) {
      if (who.status().code() != Code::kUnauthenticated) return problem(who.status(), req);
      Response r = reject(anon, who.status(), "auth.reject", presented);
      if (presented && !req.header("authorization"))
        r.headers.emplace_back("Set-Cookie", session_cookie(req, "", true));
      return r;
    }
    Principal p = std::move(who).value();
    p.remote = req.remote;
    p.request_id = req.request_id;
    if (p.via == "session" && !is_safe_method(req.method)) {
      auto sent = req.header("x-csrf-token");
      if (!sent || sent->size() != csrf.size() || *sent != csrf)
        return reject(p, Status(Code::kPermissionDenied, sent ? "the CSRF token does not match this session"
                                                              : "a state-changing request needs the X-CSRF-Token header"),
                      "auth.csrf", true);
    }
    if (!p.can(*perm))
      return reject(p, Status(Code::kPermissionDenied, std::string("your role (") + role_code(p.role) + ")" +
                                                           (p.via == "token" ? ", or this token's scopes," : "") +
                                                           " does not allow " + permission_code(*perm)),
                    "auth.deny", true);
    if (p.via == "session") req.csrf_token = csrf;  // /auth/me hands it to a reloaded page
    req.principal = std::move(p);
    return std::nullopt;
  };
}

}  // namespace cipms::api
