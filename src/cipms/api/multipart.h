// multipart/form-data bodies (RFC 7578), for uploads such as the CSV pair of a network import.
// Implemented in server.cc with RESTinio's parser, the one place RESTinio is included.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"

namespace cipms::api {

struct FormPart {
  std::string name;      // the form field name (Content-Disposition name=)
  std::string filename;  // "" when the part is not a file
  std::string_view body; // points into the request body: valid while it lives
};

// kInvalidArgument when the Content-Type has no usable boundary or a part is malformed.
Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body);

}  // namespace cipms::api
