#include "cipms/storage/notification_store.h"

namespace cipms::notification_store {

namespace {

const char* kCols = "id, user_id, kind, params, survey_id, facility_id, round_year, dedupe_key, created_at, read_at";

Notification of(const SqlRow& r) {
  Notification n;
  n.id = r.i64(0);
  n.user = UserId(r.i64(1));
  n.kind = r.str(2);
  n.params = r.str(3);
  n.survey_id = r.opt_i64(4);
  n.facility_id = r.opt_i64(5);
  if (!r.null(6)) n.year = static_cast<int>(r.i64(6));
  n.dedupe_key = r.opt_str(7);
  n.created_at = r.str(8);
  n.read_at = r.opt_str(9);
  return n;
}

Result<std::optional<Notification>> get(Session& s, UserId user, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kCols +
                                                " FROM notifications WHERE id = ? AND user_id = ?",
                                            {id, user.value}));
  if (rows.empty()) return std::optional<Notification>();
  return std::optional<Notification>(of(rows[0]));
}

}  // namespace

Result<bool> insert(Session& s, const Notification& n) {
  CIPMS_ASSIGN_OR_RETURN(std::int64_t written,
                         s.execute("INSERT INTO notifications (user_id, kind, params, survey_id, facility_id, "
                                   "round_year, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT DO NOTHING",
                                   {n.user.value, n.kind, n.params, sql_opt(n.survey_id), sql_opt(n.facility_id),
                                    sql_opt(n.year), sql_opt(n.dedupe_key), n.created_at}));
  return written > 0;
}

Result<Page<Notification>> list(Session& s, UserId user, bool unread_only, int limit, std::int64_t offset) {
  std::string where = " FROM notifications WHERE user_id = ?";
  if (unread_only) where += " AND read_at IS NULL";
  CIPMS_ASSIGN_OR_RETURN(auto count, s.query("SELECT COUNT(*)" + where, {user.value}));
  Page<Notification> page;
  page.total = count.empty() ? 0 : count[0].i64(0);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kCols + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                            {user.value, std::int64_t{limit}, offset}));
  for (const auto& r : rows) page.items.push_back(of(r));
  return page;
}

Result<std::int64_t> unread_count(Session& s, UserId user) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", {user.value}));
  return rows.empty() ? 0 : rows[0].i64(0);
}

Result<Notification> mark_read(Session& s, UserId user, std::int64_t id, const std::string& now) {
  CIPMS_RETURN_IF_ERROR(s.execute("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
                                  {now, id, user.value})
                            .status());
  CIPMS_ASSIGN_OR_RETURN(auto n, get(s, user, id));
  if (!n) return Status::not_found("notification " + std::to_string(id) + " does not exist");
  return std::move(*n);
}

Result<std::int64_t> mark_all_read(Session& s, UserId user, const std::string& now) {
  return s.execute("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", {now, user.value});
}

}  // namespace cipms::notification_store
