// The only file that includes RESTinio: converts its requests to api::Request, hands them to
// the Dispatcher (or the static files), writes the access log, and runs the server on a pool
// of threads until SIGINT/SIGTERM; over plain HTTP, or over HTTPS only (OpenSSL through
// RESTinio's TLS support) when a certificate and key are given.
#include "cipms/api/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <random>
#include <restinio/all.hpp>
#include <restinio/helpers/http_field_parsers/content-disposition.hpp>
#include <restinio/helpers/multipart_body.hpp>
#include <restinio/tls.hpp>
#include <sstream>
#include <thread>
#include <type_traits>

#include "cipms/api/json_io.h"
#include "cipms/api/multipart.h"
#include "cipms/api/static_files.h"
#include "cipms/base/log.h"
#include "cipms/base/metrics.h"

namespace cipms::api {

namespace {

struct Traits : public restinio::default_traits_t {
  static constexpr bool use_connection_count_limiter = true;
};
struct TlsTraits : public restinio::default_tls_traits_t {
  static constexpr bool use_connection_count_limiter = true;
};

constexpr const char* kHsts = "max-age=31536000; includeSubDomains";

// An io_context whose services can be shut down explicitly. Connections still waiting for a
// keep-alive read when the server stops are destroyed by that shutdown, and each of them
// reaches back into the server's connection limiter: so the shutdown must happen while the
// server is still alive, not in ~io_context after the server is gone (ASan found the
// use-after-free).
struct IoContext : asio::io_context {
  using asio::io_context::shutdown;
};

// Request ids: a per-process random prefix and a counter, so ids from restarts differ.
std::string next_request_id() {
  static const std::uint32_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x-%06llu", prefix,
                static_cast<unsigned long long>(counter.fetch_add(1, std::memory_order_relaxed) + 1));
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Paths may hold '/' and other characters RESTinio's query unescapers refuse.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Response to_problem(int status, const char* kind, const std::string& detail, const Request& req) {
  Response r = problem_response(status, kind, detail, {}, req);
  add_security_headers(r);
  return r;
}

restinio::request_handling_status_t handle(const Dispatcher& d, const std::string& web_dir, bool tls,
                                           const restinio::request_handle_t& h) {
  auto t0 = std::chrono::steady_clock::now();
  metrics::InFlight in_flight;
  Request req;
  req.tls = tls;
  const auto& hdr = h->header();
  req.method = std::string(hdr.method().c_str());
  req.path = std::string(hdr.path());
  req.remote = h->remote_endpoint().address().to_string();
  h->header().for_each_field([&](const restinio::http_header_field_t& f) {
    std::string name = lower(f.name());
    auto [it, fresh] = req.headers.emplace(name, f.value());
    if (!fresh) it->second += ", " + f.value();
  });
  // Keep a caller's id (a proxy's) when it is short and printable; make one otherwise.
  auto rid = req.header("x-request-id");
  if (rid && !rid->empty() && rid->size() <= 64 &&
      std::all_of(rid->begin(), rid->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }))
    req.request_id = *rid;
  else
    req.request_id = next_request_id();
  req.body = h->body();

  Response resp;
  std::string decoded_path;
  auto dp = percent_decode(hdr.path());
  bool q = parse_query_string(hdr.query(), req.query);
  if (!dp || !q) {
    resp = to_problem(400, "invalid_argument", "the request target is not correctly percent-encoded", req);
  } else {
    decoded_path = *dp;
    std::optional<Response> file = serve_static(web_dir, req.method, decoded_path);
    if (file) {
      req.route = "static";
      resp = std::move(*file);
      add_security_headers(resp);
    } else {
      resp = d.handle(req);
    }
  }
  // Browsers that once saw this over HTTPS never try plain HTTP on the host again. Only under
  // TLS: sent over plain HTTP the header means nothing (RFC 6797 §7.2).
  if (tls) resp.headers.emplace_back("Strict-Transport-Security", kHsts);

  auto out = h->create_response(
      restinio::http_status_line_t{restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)},
                                   reason_phrase(resp.status)});
  if (!resp.content_type.empty()) out.append_header(restinio::http_field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) out.append_header(k, v);
  out.append_header("X-Request-Id", req.request_id);
  std::size_t bytes = resp.body.size();
  // HEAD answers carry the headers only.
  if (req.method != "HEAD" && resp.status != 204 && resp.status != 304) {
    out.set_body(std::move(resp.body));
  }
  out.done();

  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  metrics::observe_http_request(req.method, req.route.empty() ? "unmatched" : req.route, resp.status, ms / 1000);
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.3f", ms);
  log_event(resp.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "http_request",
            R"("method":)" + dump(Json(req.method)) + R"(,"path":)" + dump(Json(req.path)) +
                R"(,"status":)" + std::to_string(resp.status) + R"(,"duration_ms":)" + dur +
                R"(,"bytes":)" + std::to_string(bytes) + R"(,"request_id":)" + dump(Json(req.request_id)) +
                R"(,"remote":)" + dump(Json(req.remote)));
  return restinio::request_accepted();
}

}  // namespace

bool parse_query_string(std::string_view raw, std::multimap<std::string, std::string>& out) {
  auto q = restinio::try_parse_query<restinio::parse_query_traits::relaxed>(raw);
  if (!q) return false;
  for (const auto& [k, v] : *q) out.emplace(std::string(k), std::string(v));
  return true;
}

Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body) {
  namespace hfp = restinio::http_field_parsers;
  namespace mp = restinio::multipart_body;
  auto ct = hfp::content_type_value_t::try_parse(content_type);
  if (!ct) return Status::invalid("unreadable Content-Type header", {{"header:Content-Type", "unreadable"}});
  auto boundary = hfp::find_first(ct->media_type.parameters, "boundary");
  if (!boundary || mp::check_boundary_value(*boundary))
    return Status::invalid("multipart/form-data without a valid boundary", {{"header:Content-Type", "no boundary"}});
  std::string mark = "--" + std::string(boundary->data(), boundary->size());
  std::vector<FormPart> out;
  auto parts = mp::split_multipart_body(body, mark);
  if (parts.empty()) return Status::invalid("the multipart body has no parts (or a wrong boundary)");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto part = mp::try_parse_part(parts[i]);
    std::string where = "part " + std::to_string(i + 1);
    if (!part) return Status::invalid("malformed multipart part", {{where, "unreadable headers"}});
    auto cd = part->fields.opt_value_of(restinio::http_field::content_disposition);
    if (!cd) return Status::invalid("multipart part without Content-Disposition", {{where, "no Content-Disposition"}});
    auto disp = hfp::content_disposition_value_t::try_parse(*cd);
    if (!disp) return Status::invalid("unreadable Content-Disposition", {{where, "unreadable Content-Disposition"}});
    FormPart p;
    if (auto n = hfp::find_first(disp->parameters, "name")) p.name = std::string(n->data(), n->size());
    if (auto f = hfp::find_first(disp->parameters, "filename")) p.filename = std::string(f->data(), f->size());
    p.body = std::string_view(part->body.data(), part->body.size());
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// The whole file, or an error saying why it cannot be read.
Result<std::string> read_file(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid(option + " " + path + ": cannot read (" + std::strerror(errno) + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::invalid(option + " " + path + ": cannot read");
  return ss.str();
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// Never prompt on the terminal for a pass phrase: an encrypted key is an error.
int no_passphrase(char*, int, int, void*) { return 0; }

// The server's TLS context: TLS 1.2 and 1.3 only, forward-secret AEAD cipher suites for 1.2
// (Mozilla's "intermediate" profile), no compression or renegotiation; the certificate chain
// and the key loaded and checked against each other before anything listens.
Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const ServerOptions& opt) {
  if (opt.tls_cert.empty() != opt.tls_key.empty())
    return Status::invalid("--tls-cert and --tls-key go together: give both or neither");
  auto cert_pem = read_file("--tls-cert", opt.tls_cert);
  if (!cert_pem.is_ok()) return cert_pem.status();
  auto key_pem = read_file("--tls-key", opt.tls_key);
  if (!key_pem.is_ok()) return key_pem.status();

  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                   asio::ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1)
    return Status(Code::kInternal, "cannot configure TLS: " + openssl_error());
  SSL_CTX_set_default_passwd_cb(native, no_passphrase);

  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, opt.tls_cert.c_str()) != 1)
    return Status::invalid("--tls-cert " + opt.tls_cert + " is not a PEM certificate (chain): " + openssl_error());

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())),
                                               &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr, &EVP_PKEY_free);
  if (!key)
    return Status::invalid("--tls-key " + opt.tls_key + " is not an unencrypted PEM private key: " + openssl_error());
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::invalid("--tls-key " + opt.tls_key + " does not match the certificate in --tls-cert " +
                           opt.tls_cert);
  }
  return ctx;
}

template <typename Tr>
Status serve(const Dispatcher& dispatcher, const ServerOptions& opt,
             std::shared_ptr<asio::ssl::context> tls_context) {
  constexpr bool kTls = !std::is_same_v<Tr, Traits>;
  unsigned threads = opt.threads ? opt.threads : std::max(4u, std::thread::hardware_concurrency());
  IoContext ioctx;
  std::string web_dir = opt.web_dir;

  // RESTinio drops a connection whose body is over its limit without an answer; give it room
  // above our own limits so that the Dispatcher can answer 413 with a problem body.
  std::uint64_t largest = std::max(opt.api.max_import_bytes, opt.api.max_body_bytes);
  std::uint64_t hard_body_limit = std::max<std::uint64_t>(2 * largest, largest + (16u << 20));

  auto settings = restinio::server_settings_t<Tr>{}
                      .address(opt.address)
                      .port(opt.port)
                      .request_handler([&dispatcher, web_dir](const restinio::request_handle_t& h) {
                        try {
                          return handle(dispatcher, web_dir, kTls, h);
                        } catch (const std::exception& e) {
                          log_event(LogLevel::kError, "http_handler_failed", R"("what":)" + dump(Json(e.what())));
                          return restinio::request_rejected();
                        }
                      })
                      .max_parallel_connections(opt.max_connections)
                      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                                    .max_url_size(opt.max_header_bytes)
                                                    .max_field_name_size(1024)
                                                    .max_field_value_size(opt.max_header_bytes)
                                                    .max_field_count(opt.max_header_fields)
                                                    .max_body_size(hard_body_limit))
                      .read_next_http_message_timelimit(std::chrono::seconds(opt.read_timeout_s))
                      .write_http_response_timelimit(std::chrono::seconds(opt.write_timeout_s))
                      .handle_request_timeout(std::chrono::seconds(opt.handle_timeout_s));
  if constexpr (kTls) settings.tls_context(std::move(tls_context));

  restinio::http_server_t<Tr> server{restinio::external_io_context(ioctx), std::move(settings)};

  std::exception_ptr failure;
  asio::signal_set signals(ioctx, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int sig) {
    if (ec) return;
    log_event(LogLevel::kInfo, "shutdown", R"("signal":)" + std::to_string(sig));
    server.close_async([&] { ioctx.stop(); },
                       [&](std::exception_ptr ex) {
                         failure = ex;
                         ioctx.stop();
                       });
  });
  server.open_async(
      [&] {
        log_event(LogLevel::kInfo, "listening",
                  R"("address":)" + dump(Json(opt.address)) + R"(,"port":)" + std::to_string(opt.port) +
                      R"(,"threads":)" + std::to_string(threads) + R"(,"tls":)" + (kTls ? "true" : "false") +
                      R"(,"web":)" + dump(Json(web_dir)));
      },
      [&](std::exception_ptr ex) {
        failure = ex;
        ioctx.stop();
      });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioctx.run(); });
  ioctx.run();
  for (auto& t : pool) t.join();
  ioctx.shutdown();  // destroys pending handlers while `server` is alive (see IoContext)

  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return Status(Code::kUnavailable, "cannot serve on " + opt.address + ":" + std::to_string(opt.port) + ": " +
                                            e.what());
    }
  }
  log_event(LogLevel::kInfo, "stopped");
  return Status::ok();
}

}  // namespace

Status run_server(const Dispatcher& dispatcher, const ServerOptions& opt) {
  if (opt.tls_cert.empty() && opt.tls_key.empty()) return serve<Traits>(dispatcher, opt, nullptr);
  auto tls = make_tls_context(opt);
  if (!tls.is_ok()) return tls.status();
  return serve<TlsTraits>(dispatcher, opt, std::move(tls).value());
}

}  // namespace cipms::api
