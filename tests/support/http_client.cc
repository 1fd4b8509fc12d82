#include "support/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

namespace cipms::testing {

namespace {
std::once_flag g_init;

size_t on_body(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* ud) {
  auto* r = static_cast<HttpResponse*>(ud);
  std::string line(p, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    r->headers.clear();  // a new response (after 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
  auto [it, fresh] = r->headers.emplace(name, value);
  if (!fresh) it->second += ", " + value;
  return size * n;
}
}  // namespace

HttpClient::HttpClient(std::string base) : base_(std::move(base)) {
  std::call_once(g_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const Headers& headers) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  HttpResponse r;
  std::string url = base_ + target;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* hl = nullptr;
  hl = curl_slist_append(hl, "Expect:");  // no 100-continue round trip
  bool has_auth = false, has_cookie = false, has_csrf = false;
  for (const auto& [k, v] : headers) {
    hl = curl_slist_append(hl, (k + ": " + v).c_str());
    std::string lk = k;
    for (char& ch : lk) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    has_auth |= lk == "authorization";
    has_cookie |= lk == "cookie";
    has_csrf |= lk == "x-csrf-token";
  }
  if (!bearer_.empty() && !has_auth) hl = curl_slist_append(hl, ("Authorization: Bearer " + bearer_).c_str());
  if (!cookie_.empty() && !has_cookie && !has_auth) hl = curl_slist_append(hl, ("Cookie: " + cookie_).c_str());
  if (!csrf_.empty() && !has_csrf) hl = curl_slist_append(hl, ("X-CSRF-Token: " + csrf_).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!ca_file_.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
  } else {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    r.status = static_cast<int>(status);
  }
  curl_slist_free_all(hl);
  return r;
}

HttpResponse HttpClient::login(const std::string& username, const std::string& password) {
  cookie_.clear();
  csrf_.clear();
  nlohmann::json body = {{"username", username}, {"password", password}};
  HttpResponse r = post_json("/api/v1/auth/login", body.dump());
  if (r.status == 200) {
    std::string set = r.header("set-cookie");
    cookie_ = set.substr(0, set.find(';'));
    csrf_ = r.json().value("csrf_token", "");
  }
  return r;
}

HttpResponse HttpClient::post_json(const std::string& target, const std::string& json, const Headers& h) {
  Headers all = h;
  all.emplace_back("Content-Type", "application/json");
  return request("POST", target, json, all);
}

HttpResponse HttpClient::put_json(const std::string& target, const std::string& json, const std::string& if_match) {
  Headers h = {{"Content-Type", "application/json"}};
  if (!if_match.empty()) h.emplace_back("If-Match", if_match);
  return request("PUT", target, json, h);
}

HttpResponse HttpClient::patch_json(const std::string& target, const std::string& json, const std::string& if_match) {
  Headers h = {{"Content-Type", "application/merge-patch+json"}};
  if (!if_match.empty()) h.emplace_back("If-Match", if_match);
  return request("PATCH", target, json, h);
}

HttpResponse HttpClient::del(const std::string& target, const std::string& if_match) {
  Headers h;
  if (!if_match.empty()) h.emplace_back("If-Match", if_match);
  return request("DELETE", target, "", h);
}

HttpResponse HttpClient::post_multipart(const std::string& target, const std::vector<Part>& parts) {
  const std::string boundary = "cipms-test-boundary-7MA4YWxkTrZu0gW";
  std::string body;
  for (const Part& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\nContent-Type: text/csv\r\n\r\n" + p.content + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return request("POST", target, body, {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace cipms::testing
