// The web UI's static files (a Vite build in web/dist). A path that names a file under the
// root is served as that file; any other GET that is not an API path gets index.html, so that
// client-side routes (/facilities/12) survive a reload. Paths never leave the root.
#pragma once

#include <optional>
#include <string>

#include "cipms/api/http.h"

namespace cipms::api {

// nullopt when root is empty, the method is not GET/HEAD, or the path is under /api/ or
// /healthz (those belong to the router). `decoded_path` is the percent-decoded request path.
std::optional<Response> serve_static(const std::string& root, const std::string& method,
                                     const std::string& decoded_path);

}  // namespace cipms::api
