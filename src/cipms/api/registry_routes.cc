// Registry CRUD routes: organisations, facilities, core functions, dependencies.
#include <algorithm>
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/services/registry_service.h"

namespace cipms::api {

namespace {

using Svc = std::shared_ptr<RegistryService>;

Response not_found(const Request& req, const char* what) {
  auto it = req.params.find("id");
  return problem(Status::not_found(std::string(what) + " " + (it == req.params.end() ? "" : it->second) +
                                   " does not exist"),
                 req);
}

// The write routes of one kind of record, written once. Rec is the domain record, View what
// the service returns for reads (the record plus codes for display).
// Facilities are rendered straight to text (the hot path); other records through the DOM.
inline Response view_response(int status, const FacilityView& v) {
  std::string body;
  append_json(body, v);
  Response r = json_response(status, std::move(body));
  r.headers.emplace_back("ETag", etag(v.facility.version));
  return r;
}
template <typename View>
Response view_response(int status, const View& v, std::int64_t version) {
  return record_response(status, to_json(v), version);
}
inline Response view_response(int status, const FacilityView& v, std::int64_t) { return view_response(status, v); }

template <typename Rec, typename View, typename Id>
struct Crud {
  const char* what;
  std::function<Result<View>(const Principal&, Id)> get;
  std::function<Status(const Json&, Rec&)> read;
  std::function<Result<View>(const Principal&, const Rec&, std::int64_t)> update;
  std::function<Status(const Principal&, Id, std::int64_t)> remove;
  std::function<const Rec&(const View&)> record;
  // Optional: a read-modify-write in one locked transaction (used for facilities, the hot
  // record of concurrent edits); without it PATCH re-reads and retries on a lost race.
  std::function<Result<View>(const Principal&, Id, std::int64_t, const std::function<Result<Rec>(const View&)>&)>
      patch_locked;

  Response get_one(const Request& req) const {
    auto id = path_id(req);
    if (!id) return not_found(req, what);
    auto v = get(req.who(), Id(*id));
    if (!v.is_ok()) return problem(v.status(), req);
    return view_response(200, *v, record(*v).version);
  }

  // If-Match "*" stands for whatever version is stored now.
  std::optional<Response> expected_version(const Request& req, Id id, std::int64_t* version) const {
    if (auto p = parse_if_match(req, version)) return p;
    if (*version == kAnyVersion) {
      auto cur = get(req.who(), id);
      if (!cur.is_ok()) return problem(cur.status(), req);
      *version = record(*cur).version;
    }
    return std::nullopt;
  }

  Response put(const Request& req) const {
    auto id = path_id(req);
    if (!id) return not_found(req, what);
    std::int64_t version = 0;
    if (auto p = expected_version(req, Id(*id), &version)) return *p;
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Rec rec;
    if (Status st = read(*body, rec); !st.is_ok()) return problem(st, req);
    rec.id = Id(*id);
    auto v = update(req.who(), rec, version);
    if (!v.is_ok()) return problem(v.status(), req);
    return record_response(200, to_json(*v), record(*v).version);
  }

  // JSON merge patch (RFC 7396) over the record's writable fields.
  Response patch(const Request& req) const {
    auto id = path_id(req);
    if (!id) return not_found(req, what);
    std::int64_t version = 0;
    if (auto p = parse_if_match(req, &version)) return *p;
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    if (patch_locked) {
      auto v = patch_locked(req.who(), Id(*id), version, [&](const View& cur) -> Result<Rec> {
        Json merged = writable_part(to_json(cur));
        merged.merge_patch(*body);
        Rec rec;
        CIPMS_RETURN_IF_ERROR(read(merged, rec));
        return rec;
      });
      if (!v.is_ok()) return problem(v.status(), req);
      return record_response(200, to_json(*v), record(*v).version);
    }
    // With If-Match "*" the client asks for its patch on whatever is stored: when another
    // writer commits between our read and our write, read again and re-apply (a few times).
    const bool any_version = version == kAnyVersion;
    for (int attempt = 0;; ++attempt) {
      auto cur = get(req.who(), Id(*id));
      if (!cur.is_ok()) return problem(cur.status(), req);
      std::int64_t expected = any_version ? record(*cur).version : version;
      if (expected != record(*cur).version)
        return problem(Status::precondition_failed(std::string(what) + " " + std::to_string(*id) +
                                                   " is at version " + std::to_string(record(*cur).version) +
                                                   ", not " + std::to_string(expected) +
                                                   "; reload it and apply the change again"),
                       req);
      Json merged = writable_part(to_json(*cur));
      merged.merge_patch(*body);
      Rec rec;
      if (Status st = read(merged, rec); !st.is_ok()) return problem(st, req);
      rec.id = Id(*id);
      auto v = update(req.who(), rec, expected);
      if (!v.is_ok() && any_version && attempt < 16 && v.status().code() == Code::kPreconditionFailed) continue;
      if (!v.is_ok()) return problem(v.status(), req);
      return record_response(200, to_json(*v), record(*v).version);
    }
  }

  Response del(const Request& req) const {
    auto id = path_id(req);
    if (!id) return not_found(req, what);
    std::int64_t version = 0;
    if (auto p = expected_version(req, Id(*id), &version)) return *p;
    if (Status st = remove(req.who(), Id(*id), version); !st.is_ok()) return problem(st, req);
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }

  void add(Router& router, const std::string& base) const {
    auto self = std::make_shared<Crud>(*this);
    router.add("GET", base + "/{id}", [self](const Request& r) { return self->get_one(r); });
    router.add("PUT", base + "/{id}", [self](const Request& r) { return self->put(r); });
    router.add("PATCH", base + "/{id}", [self](const Request& r) { return self->patch(r); });
    router.add("DELETE", base + "/{id}", [self](const Request& r) { return self->del(r); });
  }
};

Response created(const std::string& location, const Json& body, std::int64_t version) {
  Response r = record_response(201, body, version);
  r.headers.emplace_back("Location", location);
  return r;
}

template <typename T>
Response paged(const Request& req, std::vector<T> all, const ListParams& p) {
  Json items = Json::array();
  std::int64_t total = static_cast<std::int64_t>(all.size());
  for (std::int64_t i = p.offset; i < total && i < p.offset + p.limit; ++i)
    items.push_back(to_json(all[static_cast<std::size_t>(i)]));
  return list_response(req, std::move(items), total, p);
}

// ------------------------------------------------------------------ organisations

void add_organisation_routes(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/organisations", [svc](const Request& req) {
    QueryReader q(req);
    OrgFilter f;
    if (auto t = q.str("type")) {
      if (auto parsed = parse_org_type(*t)) f.type = *parsed;
      else q.error("type", "unknown organisation type '" + *t + "'");
    }
    if (auto p = q.integer("parent", 1, INT64_MAX)) f.parent = OrgId(*p);
    if (auto s = q.str("q"); s && !s->empty()) f.q = *s;
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    f.limit = p.limit;
    f.offset = p.offset;
    auto page = svc->list_organisations(req.who(), f);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const auto& o : page->items) items.push_back(to_json(o));
    return list_response(req, std::move(items), page->total, p);
  });
  router.add("POST", "/api/v1/organisations", [svc](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Organisation o;
    if (Status st = read_organisation(*body, o); !st.is_ok()) return problem(st, req);
    auto c = svc->create_organisation(req.who(), o);
    if (!c.is_ok()) return problem(c.status(), req);
    return created("/api/v1/organisations/" + std::to_string(c->id.value), to_json(*c), c->version);
  });
  Crud<Organisation, Organisation, OrgId>{
      "organisation",
      [svc](const Principal& who, OrgId id) { return svc->get_organisation(who, id); },
      read_organisation,
      [svc](const Principal& who, const Organisation& o, std::int64_t v) { return svc->update_organisation(who, o, v); },
      [svc](const Principal& who, OrgId id, std::int64_t v) { return svc->delete_organisation(who, id, v); },
      [](const Organisation& o) -> const Organisation& { return o; }}
      .add(router, "/api/v1/organisations");
}

// ------------------------------------------------------------------ facilities

void add_facility_routes(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/facilities", [svc](const Request& req) {
    QueryReader q(req);
    FacilityFilter f;
    if (auto s = q.str("sector")) f.sector = *s;
    if (auto s = q.str("subsector")) f.subsector = *s;
    if (auto s = q.str("county")) f.county_code = *s;
    if (auto s = q.str("type")) f.type = *s;
    if (auto g = q.str("grade")) {
      if (*g == "none") f.ungraded = true;
      else if (*g == "1" || *g == "2" || *g == "3") f.grade = *g->c_str() - '0';
      else q.error("grade", "must be 1, 2, 3 or none");
    }
    if (auto p = q.integer("provider", 1, INT64_MAX)) f.provider = OrgId(*p);
    if (auto p = q.integer("authority", 1, INT64_MAX)) f.authority = OrgId(*p);
    f.cii = q.boolean("cii");
    if (auto c = q.str("classification")) {
      if (auto l = parse_class_level(*c)) f.classification = static_cast<int>(*l);
      else q.error("classification", "must be general, official, confidential, secret or top_secret");
    }
    if (auto s = q.str("q"); s && !s->empty()) f.q = *s;
    if (auto s = q.str("sort")) {
      std::string key = *s;
      if (!key.empty() && key.front() == '-') {
        f.order = SortOrder::kDesc;
        key.erase(0, 1);
      }
      static const char* kSorts[] = {"code", "name", "name_en", "population", "grade", "updated_at"};
      if (std::find(std::begin(kSorts), std::end(kSorts), key) == std::end(kSorts))
        q.error("sort", "must be one of code, name, name_en, population, grade, updated_at (prefix - for descending)");
      else f.sort = key;
    }
    if (auto s = q.str("order")) {
      if (*s == "asc") f.order = SortOrder::kAsc;
      else if (*s == "desc") f.order = SortOrder::kDesc;
      else q.error("order", "must be asc or desc");
    }
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    f.limit = p.limit;
    f.offset = p.offset;
    auto page = svc->list_facilities(req.who(), f);
    if (!page.is_ok()) return problem(page.status(), req);
    std::string items = "[";
    items.reserve(page->items.size() * 600);
    for (std::size_t i = 0; i < page->items.size(); ++i) {
      if (i) items += ',';
      append_json(items, page->items[i]);
    }
    items += ']';
    return list_response_raw(req, std::move(items), page->total, p);
  });
  router.add("POST", "/api/v1/facilities", [svc](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Facility f;
    if (Status st = read_facility(*body, f); !st.is_ok()) return problem(st, req);
    auto c = svc->create_facility(req.who(), f);
    if (!c.is_ok()) return problem(c.status(), req);
    return created("/api/v1/facilities/" + std::to_string(c->facility.id.value), to_json(*c),
                   c->facility.version);
  });
  Crud<Facility, FacilityView, FacilityId>{
      "facility",
      [svc](const Principal& who, FacilityId id) { return svc->get_facility(who, id); },
      read_facility,
      [svc](const Principal& who, const Facility& f, std::int64_t v) { return svc->update_facility(who, f, v); },
      [svc](const Principal& who, FacilityId id, std::int64_t v) { return svc->delete_facility(who, id, v); },
      [](const FacilityView& v) -> const Facility& { return v.facility; },
      [svc](const Principal& who, FacilityId id, std::int64_t v,
            const std::function<Result<Facility>(const FacilityView&)>& apply) {
        return svc->patch_facility(who, id, v, apply);
      }}
      .add(router, "/api/v1/facilities");

  router.add("GET", "/api/v1/facilities/{id}/dependencies", [svc](const Request& req) {
    QueryReader q(req);
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto id = path_id(req);
    if (!id) return not_found(req, "facility");
    auto deps = svc->list_dependencies_of(req.who(), FacilityId(*id));
    if (!deps.is_ok()) return problem(deps.status(), req);
    return paged(req, std::move(deps).value(), p);
  });
  router.add("GET", "/api/v1/facilities/{id}/dependents", [svc](const Request& req) {
    QueryReader q(req);
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto id = path_id(req);
    if (!id) return not_found(req, "facility");
    auto deps = svc->list_dependents_of(req.who(), FacilityId(*id));
    if (!deps.is_ok()) return problem(deps.status(), req);
    return paged(req, std::move(deps).value(), p);
  });
}

// ------------------------------------------------------------------ core functions

void add_core_function_routes(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/facilities/{id}/core-functions", [svc](const Request& req) {
    QueryReader q(req);
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto id = path_id(req);
    if (!id) return not_found(req, "facility");
    auto list = svc->list_core_functions(req.who(), FacilityId(*id));
    if (!list.is_ok()) return problem(list.status(), req);
    return paged(req, std::move(list).value(), p);
  });
  router.add("POST", "/api/v1/facilities/{id}/core-functions", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "facility");
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    CoreFunction c;
    if (Status st = read_core_function(*body, c); !st.is_ok()) return problem(st, req);
    c.facility = FacilityId(*id);
    auto made = svc->create_core_function(req.who(), c);
    if (!made.is_ok()) return problem(made.status(), req);
    return created("/api/v1/core-functions/" + std::to_string(made->id.value), to_json(*made), made->version);
  });
  Crud<CoreFunction, CoreFunction, CoreFunctionId>{
      "core function",
      [svc](const Principal& who, CoreFunctionId id) { return svc->get_core_function(who, id); },
      read_core_function,
      [svc](const Principal& who, const CoreFunction& c, std::int64_t v) { return svc->update_core_function(who, c, v); },
      [svc](const Principal& who, CoreFunctionId id, std::int64_t v) { return svc->delete_core_function(who, id, v); },
      [](const CoreFunction& c) -> const CoreFunction& { return c; }}
      .add(router, "/api/v1/core-functions");
}

// ------------------------------------------------------------------ dependencies

void add_dependency_routes(Router& router, const Svc& svc) {
  router.add("POST", "/api/v1/dependencies", [svc](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    Dependency d;
    if (Status st = read_dependency(*body, d); !st.is_ok()) return problem(st, req);
    auto made = svc->create_dependency(req.who(), d);
    if (!made.is_ok()) return problem(made.status(), req);
    return created("/api/v1/dependencies/" + std::to_string(made->dependency.id.value), to_json(*made),
                   made->dependency.version);
  });
  Crud<Dependency, DependencyView, DependencyId>{
      "dependency",
      [svc](const Principal& who, DependencyId id) { return svc->get_dependency(who, id); },
      read_dependency,
      [svc](const Principal& who, const Dependency& d, std::int64_t v) { return svc->update_dependency(who, d, v); },
      [svc](const Principal& who, DependencyId id, std::int64_t v) { return svc->delete_dependency(who, id, v); },
      [](const DependencyView& v) -> const Dependency& { return v.dependency; }}
      .add(router, "/api/v1/dependencies");
}

}  // namespace

void add_registry_routes(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<RegistryService>(ctx);
  add_organisation_routes(router, svc);
  add_facility_routes(router, svc);
  add_core_function_routes(router, svc);
  add_dependency_routes(router, svc);
}

}  // namespace cipms::api
