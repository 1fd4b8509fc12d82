// JSON ⇄ domain for the API (internal to api/): the wire shape of every registry record, the
// strict readers of request bodies and the helpers all route files share (body parsing,
// If-Match, pagination, list envelopes).
//
// Readers check JSON types only and report every wrongly typed or unknown field at once as
// kInvalidArgument (400) with a JSON pointer each; unknown enum values (organisation type,
// lifecycle status) are kUnprocessable (422). Field rules are the services' job. Read-only
// fields of the wire shape (id, version, timestamps, *_code) are accepted and ignored so that
// a client can send back what it read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cipms/api/http.h"
#include "cipms/domain/registry.h"
#include "cipms/domain/taxonomy.h"
#include "cipms/services/registry_service.h"

namespace cipms::api {

using Json = nlohmann::json;

// --- writers ---
Json to_json(const Organisation& o);
Json to_json(const FacilityView& f);
Json to_json(const CoreFunction& c);
Json to_json(const DependencyView& d);
Json to_json(const Taxonomy& t);
std::string dump(const Json& j);  // compact, invalid UTF-8 replaced
// The same facility JSON as to_json, written straight into `out` without building a DOM:
// lists of facilities are the hot path of the API (a list of 100 is ~50 KB).
void append_json(std::string& out, const FacilityView& f);

// --- readers (into a record whose defaults stand for absent fields) ---
Status read_organisation(const Json& j, Organisation& out);
Status read_facility(const Json& j, Facility& out);
Status read_core_function(const Json& j, CoreFunction& out);
Status read_dependency(const Json& j, Dependency& out);
// A taxonomy entry's body: name, name_en, parent, active (code and kind come from the path).
Status read_taxonomy_entry(const Json& j, TaxonomyEntry& out);
Json to_json(const TaxonomyEntry& e);
// The wire shape minus its read-only fields: the base a JSON merge patch applies to.
Json writable_part(Json j);

// --- request helpers ---
// Parses the body as one JSON object: 400 (with line and column) when malformed or not an object.
Result<Json> parse_json_object(const Request& req);
// The version named by If-Match ("\"3\"", W/"3" or 3) into *version, kAnyVersion for "*".
// Returns a problem response (428 when the header is missing, 412 when it names no version
// of ours) or nullopt when *version was set.
inline constexpr std::int64_t kAnyVersion = -1;
std::optional<Response> parse_if_match(const Request& req, std::int64_t* version);
// Positive integer id from the path parameter {name}; nullopt when it is not one.
std::optional<std::int64_t> path_id(const Request& req, const char* name = "id");

Response record_response(int status, const Json& body, std::int64_t version);
std::string etag(std::int64_t version);

// Pagination and query parameter parsing; errors are collected with pointers "query:NAME".
struct ListParams {
  int limit = 50;
  std::int64_t offset = 0;
};
class QueryReader {
 public:
  explicit QueryReader(const Request& req) : req_(req) {}
  std::optional<std::string> str(const char* name);
  std::optional<std::int64_t> integer(const char* name, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(const char* name);
  ListParams list_params(int default_limit = 50, int max_limit = 1000);
  void error(const char* name, std::string msg) { errors_.push_back({std::string("query:") + name, std::move(msg)}); }
  // Rejects parameters not read (a misspelt filter should not silently match everything).
  Status finish();

 private:
  const Request& req_;
  std::vector<std::string> seen_;
  std::vector<FieldError> errors_;
};
// {"items": [...], "total": N, "limit": L, "offset": O} plus Link headers (first, prev, next, last).
Response list_response(const Request& req, Json items, std::int64_t total, const ListParams& p);
// Same, with the items already rendered as a JSON array.
Response list_response_raw(const Request& req, std::string items_json, std::int64_t total, const ListParams& p);

}  // namespace cipms::api
