// Accounts, browser sessions, API tokens, TOTP recovery codes and need-to-know grants: the
// rows behind services/auth_service.h, written once over Session's portable SQL for both
// back ends. Secrets are never stored: sessions and tokens by SHA-256, passwords and recovery
// codes by argon2id (the service hashes; this layer only stores strings).
// Same error rules as store.h (kNotFound, kConflict for a duplicate username...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/storage/store.h"

namespace cipms {

struct User {
  UserId id;
  std::string username;
  std::string display_name;
  std::string email;
  OrgId org;
  Role role = Role::kProviderViewer;
  ClassLevel clearance = ClassLevel::kGeneral;
  std::string password_hash;               // argon2id string (crypto_pwhash_str)
  std::optional<std::string> totp_secret;  // hex; set up but maybe not yet enabled
  bool totp_enabled = false;
  int failed_logins = 0;
  std::optional<std::string> locked_until;  // UTC ISO 8601
  bool active = true;
  std::int64_t version = 0;
  std::string created_at, updated_at;
};

struct UserFilter {
  std::optional<OrgId> org;
  std::optional<Role> role;
  std::optional<std::string> q;  // substring of username, display name or e-mail
  int limit = 50;
  std::int64_t offset = 0;
};

struct UserSession {
  std::string id;  // SHA-256 hex of the cookie secret
  UserId user;
  std::string csrf_token;
  std::string created_at, last_seen_at, expires_at;  // expires_at: the absolute limit
  std::string remote, user_agent;
};

struct ApiToken {
  std::int64_t id = 0;
  UserId user;
  std::string name;
  std::string token_hash;  // SHA-256 hex of the secret
  std::vector<Permission> scopes;
  std::string created_at, expires_at;
  std::optional<std::string> revoked_at, last_used_at;
};

struct Grant {
  std::int64_t id = 0;
  UserId user;
  std::string record_kind;  // "facility", "survey", ...
  std::int64_t record_id = 0;
  std::string reason, granted_by, created_at;
  std::optional<std::string> expires_at;
};

namespace security_store {

// --- users ---
Result<User> create_user(Session& s, const User& u, const std::string& now);
Result<User> get_user(Session& s, UserId id);
Result<User> find_user(Session& s, const std::string& username);
Result<Page<User>> list_users(Session& s, const UserFilter& f);
// Writes every field but id/created_at; kPreconditionFailed when the version moved on.
Result<User> update_user(Session& s, const User& u, std::int64_t expected_version, const std::string& now);
// Failed-login bookkeeping without a version bump (so it never races an admin's edit).
Status set_login_state(Session& s, UserId id, int failed_logins, const std::optional<std::string>& locked_until);
Result<std::int64_t> count_users(Session& s);
// One more failed sign-in, counted in the database (concurrent guesses all count); at `max`
// the account locks until `lock_until` and the count starts again. Returns the lock, if set.
Result<std::optional<std::string>> record_failed_login(Session& s, UserId id, int max, const std::string& lock_until);

// --- browser sessions ---
Status create_session(Session& s, const UserSession& us);
Result<std::optional<UserSession>> find_session(Session& s, const std::string& id);
Status touch_session(Session& s, const std::string& id, const std::string& now);
Status delete_session(Session& s, const std::string& id);
Result<std::int64_t> delete_sessions_of(Session& s, UserId user);
Status delete_expired_sessions(Session& s, const std::string& now);

// --- API tokens ---
Result<ApiToken> create_token(Session& s, const ApiToken& t);
Result<std::optional<ApiToken>> find_token_by_hash(Session& s, const std::string& hash);
Result<std::vector<ApiToken>> list_tokens(Session& s, UserId user);
// kNotFound unless the token exists and belongs to `user`.
Status revoke_token(Session& s, UserId user, std::int64_t id, const std::string& now);
Status touch_token(Session& s, std::int64_t id, const std::string& now);

// --- TOTP recovery codes (argon2id hashes) ---
Status replace_recovery_codes(Session& s, UserId user, const std::vector<std::string>& hashes);
// Unused codes: (hash) in insertion order.
Result<std::vector<std::string>> unused_recovery_codes(Session& s, UserId user);
// Marks the code used; false when it was used already (two sign-ins racing with one code).
Result<bool> use_recovery_code(Session& s, UserId user, const std::string& hash, const std::string& now);
// Records that a TOTP code of time step `step` (Unix time / 30 s) was accepted; false when a
// code of this step or a later one was accepted before (a replayed code, or two sign-ins
// racing with one code: exactly one gets true). One conditional UPDATE, atomic on both back ends.
Result<bool> use_totp_step(Session& s, UserId user, std::int64_t step);

// --- need-to-know grants ---
Result<Grant> create_grant(Session& s, const Grant& g);
Result<std::vector<Grant>> list_grants(Session& s, std::optional<UserId> user, std::optional<std::string> kind,
                                       std::optional<std::int64_t> record_id);
Result<Grant> get_grant(Session& s, std::int64_t id);
Status delete_grant(Session& s, std::int64_t id);
// Codes of the facilities `a` lets through, in code order: the same SQL condition as filtered
// lists and counts (storage/access_sql.h), without reading whole rows.
Result<std::vector<std::string>> readable_facility_codes(Session& s, const AccessFilter& a);
// True when `user` holds an unexpired grant for the record.
Result<bool> has_grant(Session& s, UserId user, const std::string& kind, std::int64_t record_id,
                       const std::string& now);

}  // namespace security_store
}  // namespace cipms
