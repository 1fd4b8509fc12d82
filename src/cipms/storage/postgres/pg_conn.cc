#include "cipms/storage/postgres/pg_conn.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <memory>

namespace cipms::pg {

Status status_from_pg(const std::string& state, const std::string& msg) {
  if (state == "23505") return Status::conflict("duplicate key: " + msg);
  if (state == "23503")
    return Status::unprocessable("reference to a record that does not exist or is still "
                                 "referenced: " + msg);
  if (state.rfind("23", 0) == 0) return Status::invalid("constraint violated: " + msg);
  if (state == "40001" || state == "40P01" || state.rfind("08", 0) == 0 || state == "57P01" ||
      state.empty())
    return Status(Code::kUnavailable, "postgresql: " + msg);
  return Status::internal("postgresql: " + msg);
}

Status status_of(const PgError& e) { return status_from_pg(e.sqlstate, e.what()); }

std::string Params::add(std::string v) {
  v_.emplace_back(std::move(v));
  return "$" + std::to_string(v_.size());
}

std::string Params::add(double v) { return add(format_double(v)); }

std::string Params::add_null() {
  v_.emplace_back(std::nullopt);
  return "$" + std::to_string(v_.size());
}

std::string format_double(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

Res::~Res() {
  if (r_) PQclear(r_);
}

Res& Res::operator=(Res&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int Res::rows() const { return r_ ? PQntuples(r_) : 0; }
int Res::cols() const { return r_ ? PQnfields(r_) : 0; }
bool Res::null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
const char* Res::cstr(int row, int col) const { return PQgetvalue(r_, row, col); }
std::string Res::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}
long long Res::i64(int row, int col) const {
  const char* p = PQgetvalue(r_, row, col);
  long long v = 0;
  std::from_chars(p, p + PQgetlength(r_, row, col), v);
  return v;
}
double Res::dbl(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }
std::optional<long long> Res::opt_i64(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return i64(row, col);
}
std::optional<double> Res::opt_dbl(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return dbl(row, col);
}
std::int64_t Res::affected() const {
  const char* t = r_ ? PQcmdTuples(r_) : "";
  return *t ? std::atoll(t) : 0;
}

Conn::~Conn() {
  if (c_) PQfinish(c_);
}

Result<std::unique_ptr<Conn>> Conn::connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (!c) return Status(Code::kUnavailable, "postgresql: out of memory connecting");
  auto conn = std::make_unique<Conn>(c);
  if (PQstatus(c) != CONNECTION_OK)
    return Status(Code::kUnavailable, std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(c));
  // Notices (e.g. "relation already exists, skipping") are not for our users' logs.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  if (Status st = conn->exec("SET client_encoding = 'UTF8'; SET datestyle = 'ISO'; "
                             "SET extra_float_digits = 3");
      !st.is_ok())
    return st;
  return conn;
}

void Conn::fail(PGresult* r, const std::string& what) {
  std::string state, msg;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    state = s ? s : "";
    msg = PQresultErrorMessage(r);
    PQclear(r);
  }
  if (msg.empty()) msg = PQerrorMessage(c_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  throw PgError(state, msg + (what.empty() ? "" : " [" + what + "]"));
}

Res Conn::query(const std::string& sql, const Params& p) {
  std::vector<const char*> vals;
  vals.reserve(p.values().size());
  for (const auto& v : p.values()) vals.push_back(v ? v->c_str() : nullptr);
  PGresult* r = PQexecParams(c_, sql.c_str(), p.size(), nullptr, vals.data(), nullptr, nullptr, 0);
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, "");
  return Res(r);
}

void Conn::script(const std::string& sql) {
  PGresult* r = PQexec(c_, sql.c_str());
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, "");
  PQclear(r);
}

Status Conn::exec(const std::string& sql) {
  try {
    script(sql);
    return Status::ok();
  } catch (const PgError& e) {
    return status_of(e);
  }
}

void Conn::copy_begin(const std::string& sql) {
  PGresult* r = PQexec(c_, sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) fail(r, "copy");
  PQclear(r);
}

void Conn::copy_put(const std::string& data) {
  if (data.empty()) return;
  if (PQputCopyData(c_, data.data(), static_cast<int>(data.size())) != 1) fail(nullptr, "copy");
}

void Conn::copy_end() {
  if (PQputCopyEnd(c_, nullptr) != 1) fail(nullptr, "copy end");
  PGresult* r = PQgetResult(c_);
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
    // Drain the remaining results so the connection is usable for the ROLLBACK.
    std::string state, msg;
    if (r) {
      const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      state = s ? s : "";
      msg = PQresultErrorMessage(r);
      PQclear(r);
    }
    while (PGresult* more = PQgetResult(c_)) PQclear(more);
    throw PgError(state, msg.empty() ? std::string(PQerrorMessage(c_)) : msg);
  }
  PQclear(r);
  while (PGresult* more = PQgetResult(c_)) PQclear(more);
}

bool Conn::reusable() const {
  return c_ && PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE;
}

void copy_escape(std::string& out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

}  // namespace cipms::pg
