// The audit log: GET /api/v1/audit (search, newest first) and GET /api/v1/audit/verify
// (walk the hash chain). Permission audit.read (api/permissions.cc). Answers are not cached.
#include <string>

#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/base/clock.h"
#include "cipms/services/audit.h"

namespace cipms::api {

namespace {

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  TimePoint t;
  return parse_utc(s + "T00:00:00Z", &t);
}

// A bound on `at`: a UTC time ("2026-11-25T10:59:00Z") as is, or a date, which stands for its
// first second (from) or its last (to).
std::optional<std::string> time_bound(QueryReader& q, const char* name, bool end_of_day) {
  auto v = q.str(name);
  if (!v) return std::nullopt;
  TimePoint t;
  if (parse_utc(*v, &t)) return format_utc(t);
  if (is_date(*v)) return *v + (end_of_day ? "T23:59:59Z" : "T00:00:00Z");
  q.error(name, "must be a UTC time like 2026-11-25T10:59:00Z or a date like 2026-11-25");
  return std::nullopt;
}

Response no_store(Response r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void add_audit_routes(Router& router, const ServiceContext& ctx) {
  router.add("GET", "/api/v1/audit", [ctx](const Request& req) {
    QueryReader q(req);
    AuditFilter f;
    if (auto id = q.integer("actor_user_id", 1, INT64_MAX)) f.actor_user_id = *id;
    if (auto a = q.str("action")) {
      if (a->empty() || *a == "*") q.error("action", "must be an action (facility.update) or a prefix ending in * (facility.*)");
      else f.action = *a;
    }
    if (auto s = q.str("target_kind"); s && !s->empty()) f.target_kind = *s;
    if (auto s = q.str("target_id"); s && !s->empty()) f.target_id = *s;
    if (auto s = q.str("outcome")) {
      if (*s == "ok" || *s == "denied" || *s == "failed") f.outcome = *s;
      else q.error("outcome", "must be ok, denied or failed");
    }
    f.from = time_bound(q, "from", false);
    f.to = time_bound(q, "to", true);
    if (f.from && f.to && *f.from > *f.to) q.error("to", "must not be before from");
    if (auto s = q.str("q"); s && !s->empty()) f.q = *s;
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    f.limit = p.limit;
    f.offset = p.offset;
    auto page = audit_search(ctx, f);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const AuditEntry& e : page->items) items.push_back(audit_entry_json(e));
    return no_store(list_response(req, std::move(items), page->total, p));
  });

  router.add("GET", "/api/v1/audit/verify", [ctx](const Request& req) {
    QueryReader q(req);
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto v = audit_verify(ctx);
    if (!v.is_ok()) return problem(v.status(), req);
    Json j = {{"ok", v->ok},
              {"entries", v->entries},
              {"first_bad", v->first_bad ? Json(*v->first_bad) : Json(nullptr)},
              {"problem", v->problem}};
    return no_store(json_response(200, dump(j)));
  });
}

}  // namespace cipms::api
