// The signed-in user's notifications (issue 7): list (newest first, ?unread=true, limit/offset
// like every list), unread count, mark one or all read. Only one's own: another user's
// notification answers 404 like a missing one (services/notification_service.h).
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/services/notification_service.h"

namespace cipms::api {

namespace {

Json notification_json(const Notification& n) {
  Json params = Json::parse(n.params, nullptr, false);
  if (params.is_discarded()) params = Json::object();
  auto opt = [](const auto& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"id", n.id},
          {"kind", n.kind},
          {"params", params},
          {"survey_id", opt(n.survey_id)},
          {"facility_id", opt(n.facility_id)},
          {"year", opt(n.year)},
          {"created_at", n.created_at},
          {"read_at", opt(n.read_at)}};
}

}  // namespace

void add_notification_routes(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<NotificationService>(ctx);
  router.add("GET", "/api/v1/notifications", [svc](const Request& req) {
    QueryReader q(req);
    bool unread = q.boolean("unread").value_or(false);
    ListParams p = q.list_params(20, 100);
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto page = svc->list(req.who(), unread, p.limit, p.offset);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const auto& n : page->items) items.push_back(notification_json(n));
    return list_response(req, std::move(items), page->total, p);
  });
  router.add("GET", "/api/v1/notifications/unread-count", [svc](const Request& req) {
    QueryReader q(req);
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto n = svc->unread_count(req.who());
    if (!n.is_ok()) return problem(n.status(), req);
    return json_response(200, dump(Json{{"unread", *n}}));
  });
  router.add("POST", "/api/v1/notifications/{id}/read", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return problem(Status::not_found("notification " + req.params.at("id") + " does not exist"), req);
    auto n = svc->mark_read(req.who(), *id);
    if (!n.is_ok()) return problem(n.status(), req);
    return json_response(200, dump(notification_json(*n)));
  });
  router.add("POST", "/api/v1/notifications/read-all", [svc](const Request& req) {
    auto n = svc->mark_all_read(req.who());
    if (!n.is_ok()) return problem(n.status(), req);
    return json_response(200, dump(Json{{"marked", *n}}));
  });
}

}  // namespace cipms::api
