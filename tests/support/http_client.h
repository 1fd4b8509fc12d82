// A small blocking HTTP/1.1 client for API tests (libcurl). One client per test thread.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace cipms::testing {

struct HttpResponse {
  int status = 0;                              // 0 when the request could not be made
  std::map<std::string, std::string> headers;  // names lower-cased; repeated ones joined by ", "
  std::string body;
  std::string error;                           // transport error, when status is 0

  // The body as JSON (null when it is not JSON).
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  // base: "http://127.0.0.1:PORT"
  explicit HttpClient(std::string base);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Headers = std::vector<std::pair<std::string, std::string>>;
  // target: "/api/v1/facilities?limit=5" (the caller encodes the query; see url_encode).
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const Headers& headers = {});
  HttpResponse get(const std::string& target, const Headers& h = {}) { return request("GET", target, "", h); }
  HttpResponse post_json(const std::string& target, const std::string& json, const Headers& h = {});
  HttpResponse put_json(const std::string& target, const std::string& json, const std::string& if_match);
  HttpResponse patch_json(const std::string& target, const std::string& json, const std::string& if_match);
  HttpResponse del(const std::string& target, const std::string& if_match);
  // multipart/form-data with the given (name, filename, content) parts.
  struct Part {
    std::string name, filename, content;
  };
  HttpResponse post_multipart(const std::string& target, const std::vector<Part>& parts);

  const std::string& base() const { return base_; }

  // Signs in (POST /api/v1/auth/login) and from then on sends the session cookie and the
  // X-CSRF-Token with every request. Returns the login response. The test servers create
  // the demo accounts (admin, ohs, moea, energy, tpc, tpc-viewer, auditor, police) with
  // kTestPassword.
  HttpResponse login(const std::string& username, const std::string& password = kTestPassword);
  // Sends "Authorization: Bearer <token>" instead of a session from now on ("" = stop).
  void set_bearer(std::string token) { bearer_ = std::move(token); }
  void sign_out_locally() { cookie_.clear(), csrf_.clear(), bearer_.clear(); }
  const std::string& csrf() const { return csrf_; }
  const std::string& cookie() const { return cookie_; }
  static constexpr const char* kTestPassword = "test-password-2026";
  // https: trust only this PEM CA file (and check the host name against it); "" = system CAs.
  void set_ca_file(std::string path) { ca_file_ = std::move(path); }

 private:
  std::string base_;
  std::string ca_file_;
  std::string cookie_, csrf_, bearer_;
  void* curl_;
};

std::string url_encode(const std::string& s);

}  // namespace cipms::testing
