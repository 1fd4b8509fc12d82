// Accounts and sign-in (R-9, issue #5): argon2id passwords (libsodium), browser sessions with
// CSRF tokens, idle and absolute expiry, sign-out everywhere, API tokens (hashed at rest,
// scoped, expiring, revocable), TOTP second factor (liboath) with recovery codes, login rate
// limiting per address and lockout per account, need-to-know grants. Every outcome that
// matters is written to the audit log (services/audit.h).
//
// Secrets (session cookie, API token, recovery codes) are returned once and stored only as
// hashes. Wrong user name and wrong password give the same answer, so names cannot be probed.
// Thread-safe: each call takes its own Session; the per-address limiter is internally locked.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/services/context.h"
#include "cipms/storage/security_store.h"

namespace cipms {

struct AuthConfig {
  int max_failed_logins = 5;                      // then the account locks
  std::chrono::minutes lockout{15};
  int max_failures_per_address = 20;              // per window, then 429 for that address
  std::chrono::minutes address_window{5};
  std::chrono::minutes session_idle{30};
  std::chrono::hours session_absolute{12};
  int token_max_days = 365;
  std::size_t min_password_length = 12;
};

struct LoginRequest {
  std::string username, password;
  std::optional<std::string> totp;           // 6-digit code when the account has TOTP on
  std::optional<std::string> recovery_code;  // instead of a code
  std::string remote, user_agent, request_id;
};

struct LoginResult {
  std::string session_secret;  // the cookie value; never stored
  std::string csrf_token;      // send back as X-CSRF-Token on state-changing requests
  std::string expires_at;      // absolute expiry
  Principal principal;
  User user;
};

struct NewUser {
  std::string username, display_name, email;
  std::string org_code;  // the organisation the user belongs to
  Role role = Role::kProviderViewer;
  ClassLevel clearance = ClassLevel::kGeneral;
  std::string password;
};

struct UserPatch {
  std::optional<std::string> display_name, email;
  std::optional<Role> role;
  std::optional<ClassLevel> clearance;
  std::optional<bool> active;
  std::optional<std::string> password;  // an administrator's reset
  bool unlock = false;                  // clears the lockout
};

struct NewToken {
  std::string name;
  std::vector<Permission> scopes;  // empty = every permission of the role
  int expires_in_days = 90;
};

struct TotpSetup {
  std::string secret_base32;  // for manual entry
  std::string otpauth_uri;    // for a QR code
};

class AuthService {
 public:
  explicit AuthService(ServiceContext ctx, AuthConfig cfg = {});
  ~AuthService();

  // kUnauthenticated (wrong name/password/code; field "/totp" when a code is needed),
  // kTooManyRequests (locked account or too many failures from the address).
  Result<LoginResult> login(const LoginRequest& r);
  // The principal of a session cookie; kUnauthenticated when unknown, idle too long or past
  // its absolute limit. `csrf` receives the session's CSRF token.
  Result<Principal> authenticate_session(const std::string& secret, std::string* csrf);
  // The principal of an API token ("Authorization: Bearer cipms_..."); kUnauthenticated when
  // unknown, expired or revoked.
  Result<Principal> authenticate_token(const std::string& secret);
  Status logout(const Principal& who, const std::string& secret);
  // Ends every session of the user (all browsers) and returns how many.
  Result<std::int64_t> logout_all(const Principal& who);
  Status change_password(const Principal& who, const std::string& current, const std::string& next);

  // --- the signed-in user's own account ---
  Result<User> me(const Principal& who);
  Result<TotpSetup> totp_setup(const Principal& who);
  // Turns TOTP on after checking a code from the new secret; returns the recovery codes
  // (shown once).
  Result<std::vector<std::string>> totp_enable(const Principal& who, const std::string& code);
  Status totp_disable(const Principal& who, const std::string& password);
  // Returns the token record and its secret (shown once).
  Result<std::pair<ApiToken, std::string>> create_token(const Principal& who, const NewToken& t);
  Result<std::vector<ApiToken>> list_tokens(const Principal& who);
  Status revoke_token(const Principal& who, std::int64_t id);

  // --- administration (Permission::kUserManage) ---
  Result<User> create_user(const Principal& who, const NewUser& u);
  Result<Page<User>> list_users(const Principal& who, const UserFilter& f);
  Result<User> get_user(const Principal& who, UserId id);
  Result<User> update_user(const Principal& who, UserId id, const UserPatch& p, std::int64_t expected_version);

  // --- need-to-know grants (Permission::kGrantManage) ---
  Result<Grant> create_grant(const Principal& who, const Grant& g);
  Result<std::vector<Grant>> list_grants(const Principal& who, std::optional<UserId> user,
                                         std::optional<std::string> kind, std::optional<std::int64_t> record_id);
  Status delete_grant(const Principal& who, std::int64_t id);

  // The principal a user acts as (organisation type, sectors, sub-sectors loaded).
  Result<Principal> principal_of(Session& s, const User& u);
  // Users in the database (start-up warns when there are none).
  Result<std::int64_t> user_count();

 private:
  ServiceContext ctx_;
  AuthConfig cfg_;
  struct Limiter;
  std::unique_ptr<Limiter> limiter_;
};

// Demo accounts for `serve --demo` and tests: one per role, at demo organisations (OHS, MOEA,
// MOEA-EA, TPC, NPA), all with `password`. Created only when the users table is empty;
// returns (username, role) of what exists afterwards.
Result<std::vector<std::pair<std::string, Role>>> seed_demo_users(const ServiceContext& ctx,
                                                                  const std::string& password);

// Password rules: length >= min, not all one character class... (field errors under "/password").
std::vector<FieldError> check_password(const std::string& pw, std::size_t min_length);

}  // namespace cipms
