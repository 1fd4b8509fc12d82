// Status and Result<T>: how every run-time failure travels in cipms.
//
// A Status is either OK or carries a Code, a human-readable message and, for
// validation failures, a list of FieldErrors naming where the input was wrong
// (a JSON pointer such as "/dependencies/3/min_up", or "line 12, column suppliers").
// The API maps Code to an HTTP status and the FieldErrors to the problem+json body;
// the CLI prints them and exits with status 2.
// Status and Result are plain values: copyable, movable, not thread-safe to mutate.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cipms {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // 400: malformed or wrongly typed input
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kConflict,            // 409: duplicate key, illegal state transition, still referenced
  kPreconditionFailed,  // 412: stale version (If-Match)
  kPayloadTooLarge,     // 413
  kUnprocessable,       // 422: well-formed but semantically invalid
  kTooManyRequests,     // 429
  kInternal,            // 500
  kUnavailable,         // 503
};

// Where and what, for one problem in the input.
// `code` is a stable machine code for the rule ("survey.mtpd_required", docs/survey.md) that a
// client can map to its own wording; empty when the rule has none. It takes part in ==.
struct FieldError {
  std::string pointer;  // JSON pointer ("/facilities/2/lat") or "line 7, column lat"
  std::string message;
  std::string code = {};
  bool operator==(const FieldError&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, std::vector<FieldError> errors = {})
      : code_(code), message_(std::move(message)), errors_(std::move(errors)) {}

  static Status ok() { return Status(); }
  static Status invalid(std::string msg, std::vector<FieldError> e = {}) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(e));
  }
  static Status unprocessable(std::string msg, std::vector<FieldError> e = {}) {
    return Status(Code::kUnprocessable, std::move(msg), std::move(e));
  }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status precondition_failed(std::string msg) {
    return Status(Code::kPreconditionFailed, std::move(msg));
  }
  static Status internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& errors() const { return errors_; }

  // "not_found: facility 12 does not exist" plus one line per field error.
  std::string to_string() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> errors_;
};

// Short stable name of a code: "invalid_argument", "not_found", ...
const char* code_name(Code code);

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}     // NOLINT: must not be OK

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // OK when a value is held.
  Status status() const { return is_ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cipms

// Return early from a function returning Status or Result<T>.
#define CIPMS_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::cipms::Status _st = (expr);              \
    if (!_st.is_ok()) return _st;              \
  } while (0)

#define CIPMS_CONCAT_INNER(a, b) a##b
#define CIPMS_CONCAT(a, b) CIPMS_CONCAT_INNER(a, b)
#define CIPMS_ASSIGN_OR_RETURN(lhs, expr) \
  CIPMS_ASSIGN_OR_RETURN_IMPL(CIPMS_CONCAT(_res_, __LINE__), lhs, expr)
#define CIPMS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.is_ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
