// A thin layer over libpq for storage/postgres: one connection, parameterised statements with
// text parameters, results, and the mapping of SQLSTATEs to Status. Internal to this folder.
// Not thread-safe (like the Session that owns the connection).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cipms/base/status.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace cipms::pg {

// Thrown by Conn::query on a failed statement; Session code turns it into a Status at the
// call boundary (guarded), so exceptions never leave the back end.
struct PgError : std::runtime_error {
  PgError(std::string state, const std::string& msg) : std::runtime_error(msg), sqlstate(std::move(state)) {}
  std::string sqlstate;  // "23505" etc.; "" for connection-level failures
};

// Maps SQLSTATE classes: unique → kConflict, foreign key → kUnprocessable, check/not-null →
// kInvalidArgument, serialisation/deadlock/connection → kUnavailable, rest → kInternal.
Status status_from_pg(const std::string& sqlstate, const std::string& msg);
Status status_of(const PgError& e);

// The "$n" parameters of a statement, as text (NULL when absent), in order.
class Params {
 public:
  std::string add(std::string v);
  std::string add(const char* v) { return add(std::string(v)); }
  std::string add(long long v) { return add(std::to_string(v)); }
  std::string add(int v) { return add(std::to_string(v)); }
  std::string add(double v);
  std::string add_null();
  template <typename T>
  std::string add(const std::optional<T>& v) {
    return v ? add(*v) : add_null();
  }
  int size() const { return static_cast<int>(v_.size()); }
  const std::vector<std::optional<std::string>>& values() const { return v_; }

 private:
  std::vector<std::optional<std::string>> v_;
};

// Shortest text that reads back as the same double.
std::string format_double(double v);

class Res {
 public:
  explicit Res(PGresult* r = nullptr) : r_(r) {}
  ~Res();
  Res(Res&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Res& operator=(Res&& o) noexcept;
  Res(const Res&) = delete;
  Res& operator=(const Res&) = delete;

  int rows() const;
  int cols() const;
  bool null(int row, int col) const;
  std::string text(int row, int col) const;
  const char* cstr(int row, int col) const;
  long long i64(int row, int col) const;
  double dbl(int row, int col) const;
  std::optional<long long> opt_i64(int row, int col) const;
  std::optional<double> opt_dbl(int row, int col) const;
  std::int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

 private:
  PGresult* r_;
};

class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Connects with a libpq conninfo or postgresql:// URI; kUnavailable when it cannot.
  static Result<std::unique_ptr<Conn>> connect(const std::string& url);

  // Runs one statement; throws PgError when it fails.
  Res query(const std::string& sql, const Params& p = Params());
  // Runs a script of several statements (no parameters); throws PgError.
  void script(const std::string& sql);
  // Same as the two above, as Status.
  Status exec(const std::string& sql);
  // COPY ... FROM STDIN: `data` in COPY text format, sent in chunks by the caller.
  void copy_begin(const std::string& sql);
  void copy_put(const std::string& data);
  void copy_end();
  // True when the connection is usable and idle outside any transaction (back to the pool).
  bool reusable() const;
  PGconn* raw() const { return c_; }

 private:
  [[noreturn]] void fail(PGresult* r, const std::string& what);
  PGconn* c_;
};

// Appends `s` to `out` escaped for COPY text format.
void copy_escape(std::string& out, const std::string& s);

}  // namespace cipms::pg
