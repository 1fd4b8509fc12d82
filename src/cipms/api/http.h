// The API's own small HTTP vocabulary, so that route handlers never see the HTTP library
// (RESTinio is included only by server.cc). Handlers are plain functions Request -> Response,
// called on a server worker thread; they must be thread-safe and must not block for long
// (long work runs as a job, see services/jobs.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/domain/security.h"

namespace cipms::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/api/v1/facilities/12" (no query)
  std::map<std::string, std::string> params;  // path parameters by name ({id} -> "12")
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // names lower-cased
  std::string body;
  std::string remote;      // peer address
  std::string request_id;  // for logs and problem bodies
  std::string route;       // the matched route pattern, set by the Dispatcher (metrics label)
  bool tls = false;        // arrived over HTTPS (serve --tls-cert/--tls-key): cookies get Secure
  // The signed-in identity, set by the Dispatcher's auth step before the handler runs: always
  // present in handlers of non-public routes. Services take it to check scope and clearance.
  std::optional<Principal> principal;
  // The CSRF token of the browser session the request came with, set by the auth step (empty
  // for API tokens and public routes); GET /auth/me hands it to a reloaded page. Never taken
  // from anything the client sends.
  std::string csrf_token;

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> query_param(const std::string& name) const;
  // The Content-Type's media type, lower-cased, without parameters ("text/csv"); "" when none.
  std::string media_type() const;
  // The principal of a non-public route (the auth step guarantees one); an anonymous
  // principal that may do nothing but public things when none is set.
  const Principal& who() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Handler = std::function<Response(const Request&)>;

// One route: method + path pattern with {name} segments ("/api/v1/facilities/{id}").
struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
};

// Collects routes from the route files; the server dispatches to them and the OpenAPI test
// compares them with docs/api/openapi.json.
class Router {
 public:
  void add(std::string method, std::string pattern, Handler h);
  const std::vector<Route>& routes() const { return routes_; }
  // Finds the route for method+path, filling req.params. nullptr when none matches;
  // `path_matched` tells 405 from 404.
  const Route* match(Request& req, bool* path_matched) const;

 private:
  std::vector<Route> routes_;
};

// RFC 9457 problem+json from a Status: type, title, status, detail, instance, request_id,
// and "errors": [{"pointer": ..., "detail": ...}] from the field errors.
Response problem(const Status& st, const Request& req);
int http_status(Code code);
// "Not Found" for 404, ...: the status line and the problem title use the same phrase.
const char* reason_phrase(int status);
// A problem+json response with an explicit HTTP status (405, 415, 428: statuses no Code has).
// `kind` becomes the problem type "urn:cipms:problem:<kind>".
Response problem_response(int status, std::string_view kind, const std::string& detail,
                          const std::vector<FieldError>& errors, const Request& req);
// Decodes a raw query string ("a=1&b=x+y", relaxed as the server reads it: '+' is a space,
// reserved characters tolerated) into `out`; false when it is not correctly percent-encoded.
// Defined in server.cc (the only file that includes RESTinio); the fuzz targets call it.
bool parse_query_string(std::string_view raw, std::multimap<std::string, std::string>& out);
// A JSON response with the given status.
Response json_response(int status, std::string body);

}  // namespace cipms::api
