#include "cipms/storage/audit_store.h"

#include <utility>
#include <vector>

#include "cipms/storage/registry_sql.h"

namespace cipms {

namespace {

constexpr const char* kCols =
    "seq, at, actor_user_id, actor, org_code, remote, request_id, action, target_kind, target_id, "
    "outcome, detail, before_json, after_json, prev_hash, hash";

AuditEntry entry_of(const SqlRow& r) {
  AuditEntry e;
  e.seq = r.i64(0);
  e.at = r.str(1);
  e.actor_user_id = r.opt_i64(2);
  e.actor = r.str(3);
  e.org_code = r.str(4);
  e.remote = r.str(5);
  e.request_id = r.str(6);
  e.action = r.str(7);
  e.target_kind = r.str(8);
  e.target_id = r.str(9);
  e.outcome = r.str(10);
  e.detail = r.str(11);
  e.before_json = r.str(12);
  e.after_json = r.str(13);
  e.prev_hash = r.str(14);
  e.hash = r.str(15);
  return e;
}

}  // namespace

Result<AuditHead> audit_lock_head(Session& s) {
  auto rows = s.query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
  if (!rows.is_ok()) return rows.status();
  if (rows->size() != 1) return Status::internal("audit_head has no row 1 (is the database migrated?)");
  return AuditHead{(*rows)[0].i64(0), (*rows)[0].str(1)};
}

Status audit_insert_entry(Session& s, const AuditEntry& e) {
  auto n = s.execute(std::string("INSERT INTO audit_log (") + kCols +
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {e.seq, e.at, sql_opt(e.actor_user_id), e.actor, e.org_code, e.remote, e.request_id, e.action,
                      e.target_kind, e.target_id, e.outcome, e.detail, e.before_json, e.after_json, e.prev_hash,
                      e.hash});
  return n.status();
}

Status audit_set_head_hash(Session& s, const std::string& hash) {
  auto n = s.execute("UPDATE audit_head SET hash = ? WHERE id = 1", {hash});
  if (!n.is_ok()) return n.status();
  if (*n != 1) return Status::internal("audit_head has no row 1 (is the database migrated?)");
  return Status::ok();
}

Result<AuditHead> audit_read_head(Session& s) {
  auto rows = s.query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!rows.is_ok()) return rows.status();
  if (rows->size() != 1) return Status::internal("audit_head has no row 1 (is the database migrated?)");
  return AuditHead{(*rows)[0].i64(0), (*rows)[0].str(1)};
}

Result<Page<AuditEntry>> audit_select(Session& s, const AuditFilter& f) {
  if (f.limit < 1 || f.limit > 1000)
    return Status::invalid("limit must be from 1 to 1000", {{"limit", "must be from 1 to 1000"}});
  if (f.offset < 0) return Status::invalid("offset must not be negative", {{"offset", "must not be negative"}});
  std::string where;
  std::vector<SqlValue> params;
  auto cond = [&](const std::string& c) { where += (where.empty() ? " WHERE " : " AND ") + c; };
  if (f.actor_user_id) {
    cond("actor_user_id = ?");
    params.emplace_back(*f.actor_user_id);
  }
  if (f.action) {
    const std::string& a = *f.action;
    if (!a.empty() && a.back() == '*') {
      // A prefix: compared exactly (LIKE is case-insensitive on SQLite, not on PostgreSQL).
      std::string prefix = a.substr(0, a.size() - 1);
      cond("substr(action, 1, ?) = ?");
      params.emplace_back(static_cast<std::int64_t>(prefix.size()));
      params.emplace_back(prefix);
    } else {
      cond("action = ?");
      params.emplace_back(a);
    }
  }
  if (f.target_kind) {
    cond("target_kind = ?");
    params.emplace_back(*f.target_kind);
  }
  if (f.target_id) {
    cond("target_id = ?");
    params.emplace_back(*f.target_id);
  }
  if (f.outcome) {
    cond("outcome = ?");
    params.emplace_back(*f.outcome);
  }
  if (f.from) {
    cond("at >= ?");
    params.emplace_back(*f.from);
  }
  if (f.to) {
    cond("at <= ?");
    params.emplace_back(*f.to);
  }
  if (f.q && !f.q->empty()) {
    std::string pat = storage_detail::like_pattern(*f.q);
    cond("(lower(actor) LIKE lower(?) ESCAPE '\\' OR lower(detail) LIKE lower(?) ESCAPE '\\' OR "
         "lower(target_id) LIKE lower(?) ESCAPE '\\')");
    params.emplace_back(pat);
    params.emplace_back(pat);
    params.emplace_back(pat);
  }

  Page<AuditEntry> page;
  auto count = s.query("SELECT COUNT(*) FROM audit_log" + where, params);
  if (!count.is_ok()) return count.status();
  page.total = count->empty() ? 0 : (*count)[0].i64(0);

  std::vector<SqlValue> page_params = params;
  page_params.emplace_back(static_cast<std::int64_t>(f.limit));
  page_params.emplace_back(f.offset);
  auto rows = s.query(std::string("SELECT ") + kCols + " FROM audit_log" + where + " ORDER BY seq DESC LIMIT ? OFFSET ?",
                      page_params);
  if (!rows.is_ok()) return rows.status();
  page.items.reserve(rows->size());
  for (const SqlRow& r : *rows) page.items.push_back(entry_of(r));
  return page;
}

Status audit_scan(Session& s, const std::function<Status(const AuditEntry&)>& fn, int batch) {
  if (batch < 1) batch = 1000;
  // Keyset pagination: robust against rows appearing meanwhile, and any seq (even a forged
  // negative one) is seen exactly once.
  std::optional<std::int64_t> after;
  for (;;) {
    auto rows = after ? s.query(std::string("SELECT ") + kCols + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                {*after, static_cast<std::int64_t>(batch)})
                      : s.query(std::string("SELECT ") + kCols + " FROM audit_log ORDER BY seq LIMIT ?",
                                {static_cast<std::int64_t>(batch)});
    if (!rows.is_ok()) return rows.status();
    for (const SqlRow& r : *rows) {
      AuditEntry e = entry_of(r);
      after = e.seq;
      CIPMS_RETURN_IF_ERROR(fn(e));
    }
    if (static_cast<int>(rows->size()) < batch) return Status::ok();
  }
}

}  // namespace cipms
