// The permission every route needs, in one table (permissions.cc): the API side of the matrix
// in domain/security.h and docs/security.md. The Dispatcher's auth step looks a route up here;
// a route missing from the table is refused (500, fail closed) and the routes test fails.
// Scope and clearance of individual records are checked by the services, not here.
#pragma once

#include <optional>
#include <string>

#include "cipms/domain/security.h"

namespace cipms::api {

std::optional<Permission> route_permission(const std::string& method, const std::string& pattern);

}  // namespace cipms::api
