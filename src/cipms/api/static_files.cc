#include "cipms/api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cipms::api {

namespace {
namespace fs = std::filesystem;

const char* mime(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".pbf") return "application/x-protobuf";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<Response> file_response(const fs::path& p, bool immutable) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  Response r;
  r.content_type = mime(p);
  r.body = ss.str();
  // Vite puts content hashes in asset names: those never change; index.html always may.
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}
}  // namespace

std::optional<Response> serve_static(const std::string& root, const std::string& method,
                                     const std::string& path) {
  if (root.empty() || (method != "GET" && method != "HEAD")) return std::nullopt;
  if (path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz") return std::nullopt;
  std::error_code ec;
  fs::path base = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  if (path.find('\0') == std::string::npos && path.find("..") == std::string::npos) {
    fs::path target = fs::weakly_canonical(base / fs::path(path).relative_path(), ec);
    auto [b, t] = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
    if (!ec && b == base.end() && fs::is_regular_file(target, ec))
      return file_response(target, path.rfind("/assets/", 0) == 0);
  }
  // A missing file with an extension is a real 404, not a client route.
  fs::path last = fs::path(path).filename();
  if (last.has_extension()) return std::nullopt;
  return file_response(base / "index.html", false);
}

}  // namespace cipms::api
