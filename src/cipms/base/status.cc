#include "cipms/base/status.h"

namespace cipms {

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kNotFound: return "not_found";
    case Code::kConflict: return "conflict";
    case Code::kPreconditionFailed: return "precondition_failed";
    case Code::kPayloadTooLarge: return "payload_too_large";
    case Code::kUnprocessable: return "unprocessable";
    case Code::kTooManyRequests: return "too_many_requests";
    case Code::kInternal: return "internal";
    case Code::kUnavailable: return "unavailable";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string s = std::string(code_name(code_)) + ": " + message_;
  for (const auto& e : errors_) s += "\n  " + (e.pointer.empty() ? "" : e.pointer + ": ") + e.message;
  return s;
}

}  // namespace cipms
