// PgSession's portable SQL (storage/sql.h) over libpq. A failed statement inside an open
// transaction aborts that transaction on PostgreSQL: callers roll back on any error.
#include "cipms/storage/postgres/pg_session.h"

namespace cipms::pg {

namespace {

Params to_params(const std::vector<SqlValue>& params) {
  Params p;
  for (const SqlValue& v : params) {
    if (auto i = std::get_if<std::int64_t>(&v)) p.add(static_cast<long long>(*i));
    else if (auto d = std::get_if<double>(&v)) p.add(*d);
    else if (auto s = std::get_if<std::string>(&v)) p.add(*s);
    else p.add_null();
  }
  return p;
}

}  // namespace

Result<std::vector<SqlRow>> PgSession::query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::vector<SqlRow> rows;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    Res r = c_->query(sql_dollar_placeholders(sql), to_params(params));
    int ncols = r.cols();
    for (int i = 0; i < r.rows(); ++i) {
      SqlRow row;
      for (int c = 0; c < ncols; ++c) {
        if (r.null(i, c)) row.cells.emplace_back(std::monostate{});
        else row.cells.emplace_back(r.text(i, c));
      }
      rows.push_back(std::move(row));
    }
    return Status::ok();
  }));
  return rows;
}

Result<std::int64_t> PgSession::execute(const std::string& sql, const std::vector<SqlValue>& params) {
  std::int64_t n = 0;
  CIPMS_RETURN_IF_ERROR(guarded([&] {
    n = c_->query(sql_dollar_placeholders(sql), to_params(params)).affected();
    return Status::ok();
  }));
  return n;
}

}  // namespace cipms::pg
