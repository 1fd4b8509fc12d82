#include "targets.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <unistd.h>

#include "cipms/api/http.h"
#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/base/clock.h"
#include "cipms/domain/seed.h"
#include "cipms/domain/taxonomy.h"
#include "cipms/services/context.h"
#include "cipms/services/network_io.h"
#include "cipms/services/scenario_io.h"
#include "cipms/storage/store.h"

#define CIPMS_FUZZ_CHECK(cond, what)                                          \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "fuzz check failed: %s (%s)\n", #cond, what);      \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

namespace cipms::fuzz {

namespace {

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

int network_json(const std::uint8_t* data, std::size_t size) {
  const Taxonomy& tax = builtin_taxonomy();
  auto net = parse_network_json(as_text(data, size), tax);
  if (net.is_ok()) {
    std::string again = network_to_json(*net);
    auto back = parse_network_json(again, tax);
    CIPMS_FUZZ_CHECK(back.is_ok(), back.status().message().c_str());
    CIPMS_FUZZ_CHECK(back->facilities.size() == net->facilities.size(), "facility count after round trip");
  } else {
    CIPMS_FUZZ_CHECK(!net.status().message().empty(), "a failure says why");
  }
  return 0;
}

int network_csv(const std::uint8_t* data, std::size_t size) {
  std::string_view all = as_text(data, size);
  std::size_t cut = all.find('\0');
  std::string_view fac = all.substr(0, cut);
  std::string_view deps = cut == std::string_view::npos ? std::string_view() : all.substr(cut + 1);
  const Taxonomy& tax = builtin_taxonomy();
  auto net = parse_network_csv(fac, deps, tax);
  if (net.is_ok()) {
    auto back = parse_network_csv(facilities_to_csv(*net), dependencies_to_csv(*net), tax);
    CIPMS_FUZZ_CHECK(back.is_ok(), back.status().message().c_str());
    CIPMS_FUZZ_CHECK(back->facilities.size() == net->facilities.size(), "facility count after round trip");
  }
  return 0;
}

int scenario_json(const std::uint8_t* data, std::size_t size) {
  auto known = [](const std::string& code) { return !code.empty() && code.size() < 12 && code[0] != 'X'; };
  auto sc = parse_scenario_json(as_text(data, size), known);
  if (sc.is_ok()) {
    for (const auto& e : sc->events) CIPMS_FUZZ_CHECK(known(e.facility), "an accepted event names a known facility");
  }
  auto at = parse_scenario_json_at(as_text(data, size), "/scenario", known);
  CIPMS_FUZZ_CHECK(at.is_ok() == sc.is_ok(), "both entry points agree");
  return 0;
}

namespace {

// One Dispatcher over an in-memory SQLite database with a couple of records, built once.
struct ApiFixture {
  std::unique_ptr<api::Dispatcher> dispatcher;
  ApiFixture() {
    // A file, not :memory: (every session of the pool would see its own empty database).
    std::string path = "/tmp/cipms-fuzz-" + std::to_string(::getpid()) + ".db";
    std::remove(path.c_str());
    auto db = Database::open(path);
    CIPMS_FUZZ_CHECK(db.is_ok(), db.status().message().c_str());
    ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
    auto v = ctx.db->migrate();
    CIPMS_FUZZ_CHECK(v.is_ok(), v.status().message().c_str());
    dispatcher = std::make_unique<api::Dispatcher>(api::build_router(ctx), api::ApiOptions{});
  }
};

ApiFixture& fixture() {
  static ApiFixture f;
  return f;
}

}  // namespace

int list_query(const std::uint8_t* data, std::size_t size) {
  static const char* kPaths[] = {"/api/v1/facilities", "/api/v1/organisations", "/api/v1/facilities/1/dependencies",
                                 "/api/v1/facilities/1/dependents", "/api/v1/facilities/1/core-functions"};
  if (size == 0) return 0;
  api::Request req;
  req.method = "GET";
  req.path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];
  req.request_id = "fuzz";
  req.principal = Principal::system_actor("fuzz");  // the dispatcher has no auth step here
  if (!api::parse_query_string(as_text(data + 1, size - 1), req.query)) return 0;
  api::Response r = fixture().dispatcher->handle(req);
  CIPMS_FUZZ_CHECK(r.status == 200 || r.status == 400 || r.status == 404 || r.status == 422, r.body.c_str());
  return 0;
}

int registry_body(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  api::Request req;
  req.method = "POST";
  req.path = "/api/v1/fuzz";
  req.request_id = "fuzz";
  req.headers["content-type"] = "application/json";
  req.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  auto body = api::parse_json_object(req);
  if (!body.is_ok()) return 0;
  Status st;
  switch (data[0] % 5) {
    case 0: { Organisation o; st = api::read_organisation(*body, o); break; }
    case 1: { Facility f; st = api::read_facility(*body, f); break; }
    case 2: { CoreFunction c; st = api::read_core_function(*body, c); break; }
    case 3: { Dependency d; st = api::read_dependency(*body, d); break; }
    default: { (void)api::writable_part(*body); break; }
  }
  if (!st.is_ok()) {
    api::Response r = api::problem(st, req);
    CIPMS_FUZZ_CHECK(r.status == 400 || r.status == 422, r.body.c_str());
  }
  return 0;
}

const std::vector<NamedTarget>& all_targets() {
  static const std::vector<NamedTarget> targets = {
      {"network_json", network_json}, {"network_csv", network_csv},     {"scenario_json", scenario_json},
      {"list_query", list_query},     {"registry_body", registry_body},
  };
  return targets;
}

}  // namespace cipms::fuzz
