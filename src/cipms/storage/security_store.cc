#include "cipms/storage/security_store.h"

#include <algorithm>

#include "cipms/storage/access_sql.h"
#include "cipms/storage/registry_sql.h"

namespace cipms::security_store {

namespace {

constexpr const char* kUserCols =
    "id, username, display_name, email, org_id, role, clearance, password_hash, totp_secret, totp_enabled, "
    "failed_logins, locked_until, active, version, created_at, updated_at";

User user_of(const SqlRow& r) {
  User u;
  u.id = UserId(r.i64(0));
  u.username = r.str(1);
  u.display_name = r.str(2);
  u.email = r.str(3);
  u.org = OrgId(r.i64(4));
  u.role = parse_role(r.str(5)).value_or(Role::kProviderViewer);
  u.clearance = static_cast<ClassLevel>(std::clamp<std::int64_t>(r.i64(6), 0, 4));
  u.password_hash = r.str(7);
  u.totp_secret = r.opt_str(8);
  u.totp_enabled = r.i64(9) != 0;
  u.failed_logins = static_cast<int>(r.i64(10));
  u.locked_until = r.opt_str(11);
  u.active = r.i64(12) != 0;
  u.version = r.i64(13);
  u.created_at = r.str(14);
  u.updated_at = r.str(15);
  return u;
}

std::string join_scopes(const std::vector<Permission>& v) {
  std::string out;
  for (Permission p : v) out += std::string(out.empty() ? "" : " ") + permission_code(p);
  return out;
}

std::vector<Permission> split_scopes(const std::string& s) {
  std::vector<Permission> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (auto p = parse_permission(s.substr(i, j - i))) out.push_back(*p);
    i = j + 1;
  }
  return out;
}

constexpr const char* kTokenCols =
    "id, user_id, name, token_hash, scopes, created_at, expires_at, revoked_at, last_used_at";

ApiToken token_of(const SqlRow& r) {
  ApiToken t;
  t.id = r.i64(0);
  t.user = UserId(r.i64(1));
  t.name = r.str(2);
  t.token_hash = r.str(3);
  t.scopes = split_scopes(r.str(4));
  t.created_at = r.str(5);
  t.expires_at = r.str(6);
  t.revoked_at = r.opt_str(7);
  t.last_used_at = r.opt_str(8);
  return t;
}

constexpr const char* kGrantCols = "id, user_id, record_kind, record_id, reason, granted_by, created_at, expires_at";

Grant grant_of(const SqlRow& r) {
  Grant g;
  g.id = r.i64(0);
  g.user = UserId(r.i64(1));
  g.record_kind = r.str(2);
  g.record_id = r.i64(3);
  g.reason = r.str(4);
  g.granted_by = r.str(5);
  g.created_at = r.str(6);
  g.expires_at = r.opt_str(7);
  return g;
}

}  // namespace

Result<User> create_user(Session& s, const User& u, const std::string& now) {
  auto rows = s.query(
      "INSERT INTO users (username, display_name, email, org_id, role, clearance, password_hash, totp_secret, "
      "totp_enabled, failed_logins, locked_until, active, version, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, 1, ?, ?) RETURNING id",
      {u.username, u.display_name, u.email, u.org.value, std::string(role_code(u.role)),
       static_cast<std::int64_t>(u.clearance), u.password_hash, sql_opt(u.totp_secret),
       std::int64_t{u.totp_enabled ? 1 : 0}, std::int64_t{u.active ? 1 : 0}, now, now});
  if (!rows.is_ok()) {
    if (rows.status().code() == Code::kConflict)
      return Status::conflict("user name '" + u.username + "' is taken");
    return rows.status();
  }
  return get_user(s, UserId(rows->at(0).i64(0)));
}

Result<User> get_user(Session& s, UserId id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?", {id.value}));
  if (rows.empty()) return Status::not_found("user " + std::to_string(id.value) + " does not exist");
  return user_of(rows[0]);
}

Result<User> find_user(Session& s, const std::string& username) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query(std::string("SELECT ") + kUserCols + " FROM users WHERE username = ?", {username}));
  if (rows.empty()) return Status::not_found("no user '" + username + "'");
  return user_of(rows[0]);
}

Result<Page<User>> list_users(Session& s, const UserFilter& f) {
  std::string where = " WHERE 1 = 1";
  std::vector<SqlValue> p;
  if (f.org) {
    where += " AND org_id = ?";
    p.emplace_back(f.org->value);
  }
  if (f.role) {
    where += " AND role = ?";
    p.emplace_back(std::string(role_code(*f.role)));
  }
  if (f.q) {
    where += " AND (username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";
    std::string pat = storage_detail::like_pattern(*f.q);
    p.insert(p.end(), {pat, pat, pat});
  }
  Page<User> page;
  CIPMS_ASSIGN_OR_RETURN(auto n, s.query("SELECT COUNT(*) FROM users" + where, p));
  page.total = n.at(0).i64(0);
  p.emplace_back(std::int64_t{f.limit});
  p.emplace_back(f.offset);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kUserCols + " FROM users" + where +
                                                " ORDER BY username LIMIT ? OFFSET ?",
                                            p));
  for (const auto& r : rows) page.items.push_back(user_of(r));
  return page;
}

Result<User> update_user(Session& s, const User& u, std::int64_t expected_version, const std::string& now) {
  CIPMS_ASSIGN_OR_RETURN(
      auto n, s.execute("UPDATE users SET username = ?, display_name = ?, email = ?, org_id = ?, role = ?, "
                        "clearance = ?, password_hash = ?, totp_secret = ?, totp_enabled = ?, failed_logins = ?, "
                        "locked_until = ?, active = ?, version = version + 1, updated_at = ? "
                        "WHERE id = ? AND version = ?",
                        {u.username, u.display_name, u.email, u.org.value, std::string(role_code(u.role)),
                         static_cast<std::int64_t>(u.clearance), u.password_hash, sql_opt(u.totp_secret),
                         std::int64_t{u.totp_enabled ? 1 : 0}, std::int64_t{u.failed_logins},
                         sql_opt(u.locked_until), std::int64_t{u.active ? 1 : 0}, now, u.id.value,
                         expected_version}));
  if (n == 0) {
    CIPMS_ASSIGN_OR_RETURN(User cur, get_user(s, u.id));
    return Status::precondition_failed("user " + std::to_string(u.id.value) + " is at version " +
                                       std::to_string(cur.version) + ", not " + std::to_string(expected_version));
  }
  return get_user(s, u.id);
}

Status set_login_state(Session& s, UserId id, int failed_logins, const std::optional<std::string>& locked_until) {
  return s.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                   {std::int64_t{failed_logins}, sql_opt(locked_until), id.value})
      .status();
}

Result<std::optional<std::string>> record_failed_login(Session& s, UserId id, int max, const std::string& lock_until) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? "
                                            "RETURNING failed_logins",
                                            {id.value}));
  if (rows.empty() || rows[0].i64(0) < max) return std::optional<std::string>();
  CIPMS_RETURN_IF_ERROR(set_login_state(s, id, 0, lock_until));
  return std::optional<std::string>(lock_until);
}

Result<std::int64_t> count_users(Session& s) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT COUNT(*) FROM users"));
  return rows.at(0).i64(0);
}

Status create_session(Session& s, const UserSession& us) {
  return s.execute("INSERT INTO user_sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, remote, "
                   "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {us.id, us.user.value, us.csrf_token, us.created_at, us.last_seen_at, us.expires_at, us.remote,
                    us.user_agent})
      .status();
}

Result<std::optional<UserSession>> find_session(Session& s, const std::string& id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at, "
                                            "remote, user_agent FROM user_sessions WHERE id = ?",
                                            {id}));
  if (rows.empty()) return std::optional<UserSession>();
  const SqlRow& r = rows[0];
  UserSession us{r.str(0), UserId(r.i64(1)), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7)};
  return std::optional<UserSession>(std::move(us));
}

Status touch_session(Session& s, const std::string& id, const std::string& now) {
  return s.execute("UPDATE user_sessions SET last_seen_at = ? WHERE id = ?", {now, id}).status();
}

Status delete_session(Session& s, const std::string& id) {
  return s.execute("DELETE FROM user_sessions WHERE id = ?", {id}).status();
}

Result<std::int64_t> delete_sessions_of(Session& s, UserId user) {
  return s.execute("DELETE FROM user_sessions WHERE user_id = ?", {user.value});
}

Status delete_expired_sessions(Session& s, const std::string& now) {
  return s.execute("DELETE FROM user_sessions WHERE expires_at <= ?", {now}).status();
}

Result<ApiToken> create_token(Session& s, const ApiToken& t) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, "
                                            "expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                            {t.user.value, t.name, t.token_hash, join_scopes(t.scopes),
                                             t.created_at, t.expires_at}));
  ApiToken out = t;
  out.id = rows.at(0).i64(0);
  return out;
}

Result<std::optional<ApiToken>> find_token_by_hash(Session& s, const std::string& hash) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query(std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE token_hash = ?", {hash}));
  if (rows.empty()) return std::optional<ApiToken>();
  return std::optional<ApiToken>(token_of(rows[0]));
}

Result<std::vector<ApiToken>> list_tokens(Session& s, UserId user) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kTokenCols +
                                                " FROM api_tokens WHERE user_id = ? ORDER BY id",
                                            {user.value}));
  std::vector<ApiToken> out;
  for (const auto& r : rows) out.push_back(token_of(r));
  return out;
}

Status revoke_token(Session& s, UserId user, std::int64_t id, const std::string& now) {
  CIPMS_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) "
                                           "WHERE id = ? AND user_id = ?",
                                           {now, id, user.value}));
  if (n == 0) return Status::not_found("token " + std::to_string(id) + " does not exist");
  return Status::ok();
}

Status touch_token(Session& s, std::int64_t id, const std::string& now) {
  return s.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now, id}).status();
}

Status replace_recovery_codes(Session& s, UserId user, const std::vector<std::string>& hashes) {
  CIPMS_RETURN_IF_ERROR(s.execute("DELETE FROM recovery_codes WHERE user_id = ?", {user.value}).status());
  for (const auto& h : hashes)
    CIPMS_RETURN_IF_ERROR(
        s.execute("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", {user.value, h}).status());
  return Status::ok();
}

Result<std::vector<std::string>> unused_recovery_codes(Session& s, UserId user) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT code_hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
                                            {user.value}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.str(0));
  return out;
}

Result<bool> use_recovery_code(Session& s, UserId user, const std::string& hash, const std::string& now) {
  CIPMS_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? "
                                           "AND used_at IS NULL",
                                           {now, user.value, hash}));
  return n == 1;
}

Result<std::vector<std::string>> readable_facility_codes(Session& s, const AccessFilter& a) {
  struct Binds {  // access_where's Params: values bound in order, '?' placeholders
    std::vector<SqlValue> v;
    std::string add(long long x) {
      v.emplace_back(static_cast<std::int64_t>(x));
      return "?";
    }
    std::string add(std::string x) {
      v.emplace_back(std::move(x));
      return "?";
    }
  } b;
  const std::string sql = "SELECT code FROM facilities WHERE 1 = 1" + storage_detail::access_where(a, b) + " ORDER BY code";
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(sql, b.v));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.str(0));
  return out;
}

Result<bool> use_totp_step(Session& s, UserId user, std::int64_t step) {
  CIPMS_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
                                           {step, user.value, step}));
  return n == 1;
}

Result<Grant> create_grant(Session& s, const Grant& g) {
  auto rows = s.query("INSERT INTO need_to_know (user_id, record_kind, record_id, reason, granted_by, created_at, "
                      "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      {g.user.value, g.record_kind, g.record_id, g.reason, g.granted_by, g.created_at,
                       sql_opt(g.expires_at)});
  if (!rows.is_ok()) {
    if (rows.status().code() == Code::kConflict)
      return Status::conflict("user " + std::to_string(g.user.value) + " already holds a grant for " + g.record_kind +
                              " " + std::to_string(g.record_id));
    return rows.status();
  }
  Grant out = g;
  out.id = rows->at(0).i64(0);
  return out;
}

Result<std::vector<Grant>> list_grants(Session& s, std::optional<UserId> user, std::optional<std::string> kind,
                                       std::optional<std::int64_t> record_id) {
  std::string where = " WHERE 1 = 1";
  std::vector<SqlValue> p;
  if (user) {
    where += " AND user_id = ?";
    p.emplace_back(user->value);
  }
  if (kind) {
    where += " AND record_kind = ?";
    p.emplace_back(*kind);
  }
  if (record_id) {
    where += " AND record_id = ?";
    p.emplace_back(*record_id);
  }
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query(std::string("SELECT ") + kGrantCols + " FROM need_to_know" + where + " ORDER BY id", p));
  std::vector<Grant> out;
  for (const auto& r : rows) out.push_back(grant_of(r));
  return out;
}

Result<Grant> get_grant(Session& s, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kGrantCols + " FROM need_to_know WHERE id = ?", {id}));
  if (rows.empty()) return Status::not_found("grant " + std::to_string(id) + " does not exist");
  return grant_of(rows[0]);
}

Status delete_grant(Session& s, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(auto n, s.execute("DELETE FROM need_to_know WHERE id = ?", {id}));
  if (n == 0) return Status::not_found("grant " + std::to_string(id) + " does not exist");
  return Status::ok();
}

Result<bool> has_grant(Session& s, UserId user, const std::string& kind, std::int64_t record_id,
                       const std::string& now) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT 1 FROM need_to_know WHERE user_id = ? AND record_kind = ? AND "
                                            "record_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                                            {user.value, kind, record_id, now}));
  return !rows.empty();
}

}  // namespace cipms::security_store
