// The HTTP server: RESTinio (server.cc is the only file that includes it) in front of a
// Dispatcher, plus the web UI's static files. Runs until SIGINT or SIGTERM, then stops
// accepting, lets running requests finish and returns. With tls_cert and tls_key it speaks
// HTTPS only (TLS 1.2+, OpenSSL), sets Request::tls and adds Strict-Transport-Security to
// every response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cipms/api/routes.h"
#include "cipms/base/status.h"

namespace cipms::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;          // worker threads; 0 = max(4, hardware threads)
  std::string web_dir;           // static files of the web UI; "" = none
  ApiOptions api;
  std::size_t max_connections = 1024;
  std::size_t max_header_bytes = 64 << 10;  // per field, and the URL
  std::size_t max_header_fields = 100;
  unsigned read_timeout_s = 60;   // to receive one whole request (a 64 MiB import on a slow link)
  unsigned write_timeout_s = 60;
  unsigned handle_timeout_s = 120;
  // HTTPS: PEM files of the certificate (chain, leaf first) and its unencrypted private key.
  // Both or neither; both empty = plain HTTP.
  std::string tls_cert;
  std::string tls_key;
};

// Blocks. kInvalidArgument for a bad address, or (before listening) for TLS files that are
// missing, unreadable, not PEM or do not match, or only one of them; kUnavailable when the
// port cannot be bound.
Status run_server(const Dispatcher& dispatcher, const ServerOptions& opt);

}  // namespace cipms::api
