#include "cipms/api/http.h"

#include <nlohmann/json.hpp>

namespace cipms::api {

namespace {
std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.push_back(p.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

namespace {
}  // namespace

const Principal& Request::who() const {
  static const Principal kAnonymous = Principal::anonymous();
  return principal ? *principal : kAnonymous;
}

std::optional<std::string> Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string Request::media_type() const {
  std::string ct = header("content-type").value_or("");
  std::string mt = ct.substr(0, ct.find(';'));
  while (!mt.empty() && mt.back() == ' ') mt.pop_back();
  for (char& c : mt) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mt;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

void Router::add(std::string method, std::string pattern, Handler h) {
  routes_.push_back({std::move(method), std::move(pattern), std::move(h)});
}

const Route* Router::match(Request& req, bool* path_matched) const {
  if (path_matched) *path_matched = false;
  auto segs = split_path(req.path);
  // A trailing slash is not the same resource; "/api/v1/facilities/" does not match.
  if (req.path.size() > 1 && req.path.back() == '/') return nullptr;
  for (const Route& r : routes_) {
    auto pat = split_path(r.pattern);
    if (pat.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < pat.size() && ok; ++i) {
      if (pat[i].size() >= 2 && pat[i].front() == '{' && pat[i].back() == '}') {
        if (segs[i].empty()) ok = false;
        else params[std::string(pat[i].substr(1, pat[i].size() - 2))] = std::string(segs[i]);
      } else {
        ok = pat[i] == segs[i];
      }
    }
    if (!ok) continue;
    if (path_matched) *path_matched = true;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
      req.params = std::move(params);
      return &r;
    }
  }
  return nullptr;
}

int http_status(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kConflict: return 409;
    case Code::kPreconditionFailed: return 412;
    case Code::kPayloadTooLarge: return 413;
    case Code::kUnprocessable: return 422;
    case Code::kTooManyRequests: return 429;
    case Code::kInternal: return 500;
    case Code::kUnavailable: return 503;
  }
  return 500;
}

Response problem_response(int status, std::string_view kind, const std::string& detail,
                          const std::vector<FieldError>& errors, const Request& req) {
  nlohmann::json j;
  j["type"] = "urn:cipms:problem:" + std::string(kind);
  j["title"] = reason_phrase(status);
  j["status"] = status;
  j["detail"] = detail;
  j["instance"] = req.path;
  if (!req.request_id.empty()) j["request_id"] = req.request_id;
  if (!errors.empty()) {
    auto& arr = j["errors"] = nlohmann::json::array();
    for (const FieldError& e : errors) {
      nlohmann::json one = {{"pointer", e.pointer}, {"detail", e.message}};
      if (!e.code.empty()) one["code"] = e.code;
      arr.push_back(std::move(one));
    }
  }
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response problem(const Status& st, const Request& req) {
  int status = http_status(st.code());
  // Internal details (SQL, file paths) stay in the log, not in the answer.
  std::string detail = status >= 500 && st.code() == Code::kInternal
                           ? "internal error; see the server log for request " + req.request_id
                           : st.message();
  return problem_response(status, code_name(st.code()), detail, st.errors(), req);
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace cipms::api
