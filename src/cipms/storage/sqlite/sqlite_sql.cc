// SqliteSession's portable SQL (storage/sql.h) on the raw sqlite3 handle.
#include <sqlite3.h>

#include "cipms/storage/sqlite/sqlite_session.h"

namespace cipms::sqlite {

namespace {

struct Stmt {
  sqlite3_stmt* st = nullptr;
  ~Stmt() { sqlite3_finalize(st); }
};

Status prepare_bind(::sqlite3* db, const std::string& sql, const std::vector<SqlValue>& params, Stmt& s) {
  if (int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &s.st, nullptr); rc != SQLITE_OK)
    return status_from_sqlite(db, rc, sqlite3_errmsg(db));
  if (sqlite3_bind_parameter_count(s.st) != static_cast<int>(params.size()))
    return Status::internal("statement has " + std::to_string(sqlite3_bind_parameter_count(s.st)) +
                            " parameters, " + std::to_string(params.size()) + " given: " + sql);
  for (std::size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i) + 1;
    const SqlValue& v = params[i];
    if (auto p = std::get_if<std::int64_t>(&v)) sqlite3_bind_int64(s.st, idx, *p);
    else if (auto p = std::get_if<double>(&v)) sqlite3_bind_double(s.st, idx, *p);
    else if (auto p = std::get_if<std::string>(&v))
      sqlite3_bind_text(s.st, idx, p->data(), static_cast<int>(p->size()), SQLITE_TRANSIENT);
    else sqlite3_bind_null(s.st, idx);
  }
  return Status::ok();
}

}  // namespace

// A statement that writes, run on its own (autocommit), is a write transaction of its own:
// it queues on the gate like begin(). Inside begin() the session holds the gate already.
Status SqliteSession::gate_if_writing(::sqlite3_stmt* st, WriteGate::Ticket* t) {
  if (in_tx_ || sqlite3_stmt_readonly(st)) return Status::ok();
  return acquire_write(t);
}

Result<std::vector<SqlRow>> SqliteSession::query(const std::string& sql, const std::vector<SqlValue>& params) {
  ::sqlite3* db = raw();
  WriteGate::Ticket ticket;  // declared before s: released after the statement is finalized
  Stmt s;
  CIPMS_RETURN_IF_ERROR(prepare_bind(db, sql, params, s));
  CIPMS_RETURN_IF_ERROR(gate_if_writing(s.st, &ticket));
  std::vector<SqlRow> rows;
  int n = sqlite3_column_count(s.st);
  for (;;) {
    int rc = sqlite3_step(s.st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
    SqlRow row;
    row.cells.reserve(n);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(s.st, c)) {
        case SQLITE_INTEGER: row.cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(s.st, c))); break;
        case SQLITE_FLOAT: row.cells.emplace_back(sqlite3_column_double(s.st, c)); break;
        case SQLITE_NULL: row.cells.emplace_back(std::monostate{}); break;
        default: {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s.st, c));
          row.cells.emplace_back(std::string(t ? t : "", static_cast<std::size_t>(sqlite3_column_bytes(s.st, c))));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::int64_t> SqliteSession::execute(const std::string& sql, const std::vector<SqlValue>& params) {
  ::sqlite3* db = raw();
  WriteGate::Ticket ticket;  // declared before s: released after the statement is finalized
  Stmt s;
  CIPMS_RETURN_IF_ERROR(prepare_bind(db, sql, params, s));
  CIPMS_RETURN_IF_ERROR(gate_if_writing(s.st, &ticket));
  int rc;
  while ((rc = sqlite3_step(s.st)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
  return static_cast<std::int64_t>(sqlite3_changes(db));
}

}  // namespace cipms::sqlite
