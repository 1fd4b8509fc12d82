#include "cipms/services/auth_service.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cipms/services/audit.h"
#include "cipms/services/demo.h"

namespace cipms {

namespace {

void init_crypto() {
  static const bool ok = [] {
    bool s = sodium_init() >= 0;
    bool o = oath_init() == OATH_OK;
    return s && o;
  }();
  if (!ok) throw std::runtime_error("libsodium or liboath failed to initialise");
}

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string sha256_hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

Result<std::string> hash_password(const std::string& pw) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, pw.data(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::internal("out of memory hashing a password");
  return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& pw) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), pw.data(), pw.size()) == 0;
}

// A hash to compare against when the user does not exist, so both paths cost the same.
const std::string& dummy_hash() {
  static const std::string h = hash_password("not-a-real-password-0000").value();
  return h;
}

bool const_eq(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status unauthenticated(std::string msg, std::vector<FieldError> e = {}) {
  return Status(Code::kUnauthenticated, std::move(msg), std::move(e));
}

std::string hex_to_bin(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.c_str(), hex.size(), nullptr, &len,
                 nullptr);
  out.resize(len);
  return out;
}

// The time step (Unix time / 30 s) of a valid code, within ±1 step of `now`; nothing when the
// code is wrong. The caller records the step (security_store::use_totp_step) so that a code
// is accepted once only.
std::optional<std::int64_t> totp_step(const std::string& secret_hex, const std::string& code, TimePoint now) {
  if (code.size() != 6 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::string secret = hex_to_bin(secret_hex);
  const auto t = static_cast<time_t>(now.time_since_epoch().count());
  int pos = 0;  // the matching code's step relative to now's: -1, 0 or +1
  int rc = oath_totp_validate2(secret.data(), secret.size(), t, OATH_TOTP_DEFAULT_TIME_STEP_SIZE, 0, 1, &pos,
                               code.c_str());
  if (rc < 0) return std::nullopt;
  return static_cast<std::int64_t>(t / OATH_TOTP_DEFAULT_TIME_STEP_SIZE) + pos;
}

Status need(const Principal& who, Permission p) {
  if (who.can(p)) return Status::ok();
  return Status(Code::kPermissionDenied, std::string("this needs the permission ") + permission_code(p));
}

nlohmann::json user_json(const User& u) {
  return {{"id", u.id.value},        {"username", u.username},   {"display_name", u.display_name},
          {"email", u.email},        {"org_id", u.org.value},    {"role", role_code(u.role)},
          {"clearance", class_level_code(u.clearance)},          {"totp_enabled", u.totp_enabled},
          {"active", u.active},      {"locked_until", u.locked_until ? *u.locked_until : ""},
          {"version", u.version}};
}


}  // namespace

std::vector<FieldError> check_password(const std::string& pw, std::size_t min_length) {
  std::vector<FieldError> errs;
  if (pw.size() < min_length)
    errs.push_back({"/password", "must have at least " + std::to_string(min_length) + " characters"});
  else if (pw.size() > 1024)
    errs.push_back({"/password", "at most 1,024 characters"});
  else if (std::all_of(pw.begin(), pw.end(), [&](char c) { return c == pw[0]; }))
    errs.push_back({"/password", "must not be one character repeated"});
  return errs;
}

// Failures per remote address in a sliding window.
struct AuthService::Limiter {
  std::mutex mu;
  std::map<std::string, std::deque<TimePoint>> failures;
  bool blocked(const std::string& remote, TimePoint now, const AuthConfig& cfg) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = failures.find(remote);
    if (it == failures.end()) return false;
    auto& q = it->second;
    while (!q.empty() && q.front() + cfg.address_window <= now) q.pop_front();
    if (q.empty()) {
      failures.erase(it);
      return false;
    }
    return static_cast<int>(q.size()) >= cfg.max_failures_per_address;
  }
  void fail(const std::string& remote, TimePoint now) {
    std::lock_guard<std::mutex> lock(mu);
    if (failures.size() > 100000) failures.clear();  // bounded memory under a spray
    failures[remote].push_back(now);
  }
};

AuthService::AuthService(ServiceContext ctx, AuthConfig cfg)
    : ctx_(std::move(ctx)), cfg_(cfg), limiter_(std::make_unique<Limiter>()) {
  init_crypto();
}
AuthService::~AuthService() = default;

Result<Principal> AuthService::principal_of(Session& s, const User& u) {
  Principal p;
  p.user = u.id;
  p.username = u.username;
  p.role = u.role;
  p.org = u.org;
  p.clearance = u.clearance;
  auto org = s.get_organisation(u.org);
  if (!org.is_ok()) return org.status();
  p.org_code = org->code;
  p.org_type = org->type;
  p.sectors = org->sectors;
  p.subsectors = org->subsectors;
  return p;
}

Result<LoginResult> AuthService::login(const LoginRequest& r) {
  const TimePoint now = ctx_.clock->now();
  const std::string now_s = format_utc(now);
  Principal anon = Principal::anonymous();
  anon.username = r.username.substr(0, 100);
  anon.remote = r.remote;
  anon.request_id = r.request_id;
  auto deny = [&](Status st, const std::string& detail, std::optional<UserId> uid) -> Status {
    Principal who = anon;
    if (uid) who.user = *uid;
    (void)audit_record(ctx_, who, AuditEvent{"auth.login", "user", r.username.substr(0, 100),
                                              st.code() == Code::kTooManyRequests ? "denied" : "failed", detail});
    return st;
  };
  if (r.username.empty() || r.username.size() > 100 || r.password.size() > 1024)
    return deny(unauthenticated("wrong user name or password"), "malformed credentials", std::nullopt);
  if (limiter_->blocked(r.remote, now, cfg_))
    return deny(Status(Code::kTooManyRequests, "too many failed sign-ins from this address; try again in a few minutes"),
                "address rate limit", std::nullopt);

  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  Session& session = **s;
  auto user = security_store::find_user(session, r.username);
  if (!user.is_ok() && user.status().code() != Code::kNotFound) return user.status();
  if (!user.is_ok()) {
    (void)verify_password(dummy_hash(), r.password);
    limiter_->fail(r.remote, now);
    return deny(unauthenticated("wrong user name or password"), "unknown user", std::nullopt);
  }
  User u = std::move(user).value();
  if (u.locked_until && *u.locked_until > now_s)
    return deny(Status(Code::kTooManyRequests, "the account is locked after repeated failed sign-ins until " +
                                                   *u.locked_until),
                "account locked", u.id);
  if (!verify_password(u.password_hash, r.password) || !u.active) {
    limiter_->fail(r.remote, now);
    CIPMS_ASSIGN_OR_RETURN(std::optional<std::string> lock,
                           security_store::record_failed_login(session, u.id, cfg_.max_failed_logins,
                                                               format_utc(now + cfg_.lockout)));
    return deny(unauthenticated("wrong user name or password"),
                !u.active ? "inactive account" : lock ? "wrong password; account locked until " + *lock : "wrong password",
                u.id);
  }
  if (u.totp_enabled) {
    bool ok = false;
    std::string used_hash;
    std::optional<std::int64_t> step;
    if (r.totp && u.totp_secret) {
      step = totp_step(*u.totp_secret, *r.totp, now);
      ok = step.has_value();
    } else if (r.recovery_code) {
      std::string h = sha256_hex(*r.recovery_code);
      CIPMS_ASSIGN_OR_RETURN(auto codes, security_store::unused_recovery_codes(session, u.id));
      for (const auto& c : codes)
        if (const_eq(c, h)) ok = true, used_hash = c;
    }
    if (!ok) {
      bool missing = !r.totp && !r.recovery_code;
      if (!missing) {
        limiter_->fail(r.remote, now);
        CIPMS_RETURN_IF_ERROR(security_store::record_failed_login(session, u.id, cfg_.max_failed_logins,
                                                                  format_utc(now + cfg_.lockout))
                                  .status());
      }
      return deny(unauthenticated(missing ? "this account needs a one-time code from its authenticator app"
                                          : "the one-time code is wrong or expired",
                                  {{"/totp", missing ? "required" : "wrong or expired"}}),
                  missing ? "one-time code required" : "wrong one-time code", u.id);
    }
    if (step) {
      // A code is good once: refused when a code of its step or a later one was accepted
      // already (replay, or another sign-in racing with the same code).
      CIPMS_ASSIGN_OR_RETURN(bool fresh, security_store::use_totp_step(session, u.id, *step));
      if (!fresh)
        return deny(unauthenticated("this one-time code was used already; wait for the next one",
                                    {{"/totp", "already used"}}),
                    "one-time code used twice", u.id);
    }
    if (!used_hash.empty()) {
      CIPMS_ASSIGN_OR_RETURN(bool fresh, security_store::use_recovery_code(session, u.id, used_hash, now_s));
      if (!fresh)  // another sign-in used the same code a moment ago
        return deny(unauthenticated("the one-time code is wrong or expired", {{"/totp", "wrong or expired"}}),
                    "recovery code used twice", u.id);
    }
  }

  LoginResult out;
  out.session_secret = random_token(32);
  out.csrf_token = random_token(32);
  out.expires_at = format_utc(now + cfg_.session_absolute);
  CIPMS_ASSIGN_OR_RETURN(out.principal, principal_of(session, u));
  out.principal.remote = r.remote;
  out.principal.request_id = r.request_id;
  UserSession us{sha256_hex(out.session_secret), u.id, out.csrf_token, now_s, now_s, out.expires_at,
                 r.remote, r.user_agent.substr(0, 300)};
  CIPMS_RETURN_IF_ERROR(session.transact([&]() -> Status {
    CIPMS_RETURN_IF_ERROR(security_store::set_login_state(session, u.id, 0, std::nullopt));
    CIPMS_RETURN_IF_ERROR(security_store::delete_expired_sessions(session, now_s));
    CIPMS_RETURN_IF_ERROR(security_store::create_session(session, us));
    return audit_append(session, out.principal,
                        AuditEvent{"auth.login", "user", u.username, "ok",
                                   u.totp_enabled ? "password and one-time code" : "password"},
                        now);
  }));
  u.failed_logins = 0;
  u.locked_until.reset();
  out.user = std::move(u);
  return out;
}

Result<Principal> AuthService::authenticate_session(const std::string& secret, std::string* csrf) {
  if (secret.empty() || secret.size() > 200) return unauthenticated("not signed in");
  const TimePoint now = ctx_.clock->now();
  const std::string now_s = format_utc(now);
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  Session& session = **s;
  const std::string id = sha256_hex(secret);
  CIPMS_ASSIGN_OR_RETURN(auto found, security_store::find_session(session, id));
  if (!found) return unauthenticated("the session has ended; sign in again");
  TimePoint last{};
  bool idle = !parse_utc(found->last_seen_at, &last) || last + cfg_.session_idle <= now;
  if (idle || found->expires_at <= now_s) {
    (void)security_store::delete_session(session, id);
    return unauthenticated(idle ? "the session expired after inactivity; sign in again"
                                : "the session reached its time limit; sign in again");
  }
  CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(session, found->user));
  if (!u.active) return unauthenticated("the account is disabled");
  // Record activity at most once a minute: one write per request would cost as much as the request.
  if (last + std::chrono::minutes(1) <= now) CIPMS_RETURN_IF_ERROR(security_store::touch_session(session, id, now_s));
  if (csrf) *csrf = found->csrf_token;
  CIPMS_ASSIGN_OR_RETURN(Principal p, principal_of(session, u));
  p.via = "session";
  return p;
}

Result<Principal> AuthService::authenticate_token(const std::string& secret) {
  if (secret.size() < 10 || secret.size() > 200) return unauthenticated("the API token is not valid");
  const std::string now_s = format_utc(ctx_.clock->now());
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  Session& session = **s;
  CIPMS_ASSIGN_OR_RETURN(auto t, security_store::find_token_by_hash(session, sha256_hex(secret)));
  if (!t) return unauthenticated("the API token is not valid");
  if (t->revoked_at) return unauthenticated("the API token was revoked");
  if (t->expires_at <= now_s) return unauthenticated("the API token expired on " + t->expires_at);
  CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(session, t->user));
  if (!u.active) return unauthenticated("the account is disabled");
  if (!t->last_used_at || t->last_used_at->substr(0, 16) != now_s.substr(0, 16))
    CIPMS_RETURN_IF_ERROR(security_store::touch_token(session, t->id, now_s));
  CIPMS_ASSIGN_OR_RETURN(Principal p, principal_of(session, u));
  p.via = "token";
  p.token_scopes = t->scopes;
  if (p.token_scopes.empty()) p.token_scopes.push_back(Permission::kSignedIn);  // never "everything" by accident
  return p;
}

Status AuthService::logout(const Principal& who, const std::string& secret) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_RETURN_IF_ERROR(security_store::delete_session(s, sha256_hex(secret)));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"auth.logout", "user", who.username}, ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

Result<std::int64_t> AuthService::logout_all(const Principal& who) {
  return in_transaction<std::int64_t>(ctx_, [&](Session& s) -> Result<std::int64_t> {
    CIPMS_ASSIGN_OR_RETURN(auto n, security_store::delete_sessions_of(s, who.user));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"auth.logout_all", "user", who.username, "ok",
                                                  std::to_string(n) + " sessions ended"},
                                       ctx_.clock->now()));
    return n;
  });
}

Status AuthService::change_password(const Principal& who, const std::string& current, const std::string& next) {
  auto errs = check_password(next, cfg_.min_password_length);
  if (!errs.empty()) return Status::unprocessable("the new password is not acceptable", errs);
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(s, who.user));
           if (!verify_password(u.password_hash, current))
             return Status::unprocessable("the current password is wrong", {{"/current_password", "wrong password"}});
           CIPMS_ASSIGN_OR_RETURN(u.password_hash, hash_password(next));
           const auto now = ctx_.clock->now();
           CIPMS_RETURN_IF_ERROR(security_store::update_user(s, u, u.version, format_utc(now)).status());
           // Other browsers signed in with the old password are signed out.
           CIPMS_RETURN_IF_ERROR(security_store::delete_sessions_of(s, u.id).status());
           CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"auth.password", "user", u.username}, now));
           return Unit{};
         })
      .status();
}

Result<User> AuthService::me(const Principal& who) {
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::get_user(**s, who.user);
}

Result<TotpSetup> AuthService::totp_setup(const Principal& who) {
  return in_transaction<TotpSetup>(ctx_, [&](Session& s) -> Result<TotpSetup> {
    CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(s, who.user));
    if (u.totp_enabled) return Status::conflict("two-factor sign-in is already on; turn it off first");
    unsigned char raw[20];
    randombytes_buf(raw, sizeof raw);
    char hex[41];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    char* b32 = nullptr;
    size_t b32len = 0;
    if (oath_base32_encode(reinterpret_cast<const char*>(raw), sizeof raw, &b32, &b32len) != OATH_OK)
      return Status::internal("base32 encoding failed");
    std::string secret_b32(b32, b32len);
    free(b32);
    secret_b32.erase(std::remove(secret_b32.begin(), secret_b32.end(), '='), secret_b32.end());
    u.totp_secret = std::string(hex);
    const auto now = ctx_.clock->now();
    CIPMS_RETURN_IF_ERROR(security_store::update_user(s, u, u.version, format_utc(now)).status());
    CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"auth.totp_setup", "user", u.username}, now));
    return TotpSetup{secret_b32, "otpauth://totp/cipms:" + u.username + "?secret=" + secret_b32 +
                                     "&issuer=cipms&algorithm=SHA1&digits=6&period=30"};
  });
}

Result<std::vector<std::string>> AuthService::totp_enable(const Principal& who, const std::string& code) {
  return in_transaction<std::vector<std::string>>(ctx_, [&](Session& s) -> Result<std::vector<std::string>> {
    CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(s, who.user));
    if (u.totp_enabled) return Status::conflict("two-factor sign-in is already on");
    if (!u.totp_secret) return Status::conflict("set two-factor sign-in up first (POST /api/v1/auth/totp/setup)");
    const auto now = ctx_.clock->now();
    auto step = totp_step(*u.totp_secret, code, now);
    if (!step)
      return Status::unprocessable("the code does not match; check the authenticator's clock",
                                   {{"/code", "wrong or expired"}});
    u.totp_enabled = true;
    CIPMS_RETURN_IF_ERROR(security_store::update_user(s, u, u.version, format_utc(now)).status());
    // The code that turned TOTP on counts as used: it cannot also sign in.
    CIPMS_ASSIGN_OR_RETURN(bool fresh, security_store::use_totp_step(s, u.id, *step));
    if (!fresh)
      return Status::unprocessable("this code was used already; wait for the next one", {{"/code", "already used"}});
    std::vector<std::string> codes, hashes;
    for (int i = 0; i < 10; ++i) {
      std::string c = random_token(8);  // 64 bits each
      codes.push_back(c);
      hashes.push_back(sha256_hex(c));
    }
    CIPMS_RETURN_IF_ERROR(security_store::replace_recovery_codes(s, u.id, hashes));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"auth.totp_enable", "user", u.username}, now));
    return codes;
  });
}

Status AuthService::totp_disable(const Principal& who, const std::string& password) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(s, who.user));
           if (!verify_password(u.password_hash, password))
             return Status::unprocessable("the password is wrong", {{"/password", "wrong password"}});
           u.totp_enabled = false;
           u.totp_secret.reset();
           const auto now = ctx_.clock->now();
           CIPMS_RETURN_IF_ERROR(security_store::update_user(s, u, u.version, format_utc(now)).status());
           CIPMS_RETURN_IF_ERROR(security_store::replace_recovery_codes(s, u.id, {}));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who, AuditEvent{"auth.totp_disable", "user", u.username}, now));
           return Unit{};
         })
      .status();
}

Result<std::pair<ApiToken, std::string>> AuthService::create_token(const Principal& who, const NewToken& t) {
  std::vector<FieldError> errs;
  if (t.name.empty() || t.name.size() > 100) errs.push_back({"/name", "1 to 100 characters"});
  if (t.expires_in_days < 1 || t.expires_in_days > cfg_.token_max_days)
    errs.push_back({"/expires_in_days", "between 1 and " + std::to_string(cfg_.token_max_days)});
  for (std::size_t i = 0; i < t.scopes.size(); ++i)
    if (!role_allows(who.role, t.scopes[i]) || t.scopes[i] == Permission::kPublic)
      errs.push_back({"/scopes/" + std::to_string(i),
                      std::string("your role does not hold ") + permission_code(t.scopes[i])});
  if (who.via == "token") errs.push_back({"", "API tokens cannot create tokens; sign in"});
  if (!errs.empty()) return Status::unprocessable("the token request is not valid", errs);
  return in_transaction<std::pair<ApiToken, std::string>>(ctx_, [&](Session& s) -> Result<std::pair<ApiToken, std::string>> {
    const auto now = ctx_.clock->now();
    std::string secret = "cipms_" + random_token(32);
    ApiToken rec;
    rec.user = who.user;
    rec.name = t.name;
    rec.token_hash = sha256_hex(secret);
    rec.scopes = t.scopes;
    if (rec.scopes.empty())
      for (Permission p : kAllPermissions)
        if (p != Permission::kPublic && role_allows(who.role, p)) rec.scopes.push_back(p);
    rec.created_at = format_utc(now);
    rec.expires_at = format_utc(now + std::chrono::days(t.expires_in_days));
    CIPMS_ASSIGN_OR_RETURN(rec, security_store::create_token(s, rec));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"auth.token_create", "api_token", std::to_string(rec.id), "ok",
                                                  "token '" + rec.name + "' until " + rec.expires_at},
                                       now));
    return std::make_pair(rec, secret);
  });
}

Result<std::vector<ApiToken>> AuthService::list_tokens(const Principal& who) {
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::list_tokens(**s, who.user);
}

Status AuthService::revoke_token(const Principal& who, std::int64_t id) {
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           const auto now = ctx_.clock->now();
           CIPMS_RETURN_IF_ERROR(security_store::revoke_token(s, who.user, id, format_utc(now)));
           CIPMS_RETURN_IF_ERROR(
               audit_append(s, who, AuditEvent{"auth.token_revoke", "api_token", std::to_string(id)}, now));
           return Unit{};
         })
      .status();
}

Result<User> AuthService::create_user(const Principal& who, const NewUser& n) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kUserManage));
  std::vector<FieldError> errs;
  auto name_ok = [](const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@';
    });
  };
  if (!name_ok(n.username))
    errs.push_back({"/username", "1 to 64 letters, digits, '-', '_', '.' or '@'"});
  if (n.display_name.empty() || n.display_name.size() > 200) errs.push_back({"/display_name", "1 to 200 bytes"});
  if (n.email.size() > 200 || (!n.email.empty() && n.email.find('@') == std::string::npos))
    errs.push_back({"/email", "not an e-mail address"});
  for (auto& e : check_password(n.password, cfg_.min_password_length)) errs.push_back(e);
  return in_transaction<User>(ctx_, [&](Session& s) -> Result<User> {
    auto org = s.find_organisation_by_code(n.org_code);
    if (!org.is_ok()) {
      if (org.status().code() != Code::kNotFound) return org.status();
      errs.push_back({"/org", "no organisation with code '" + n.org_code + "'"});
    } else if (!role_fits_org(n.role, org->type)) {
      errs.push_back({"/role", std::string("a ") + role_code(n.role) + " cannot belong to a " +
                                   org_type_code(org->type) + " organisation"});
    }
    if (!who.system && n.clearance > who.clearance)
      errs.push_back({"/clearance", "you cannot give a clearance above your own"});
    if (!errs.empty()) return Status::unprocessable("the user is not valid", errs);
    User u;
    u.username = n.username;
    u.display_name = n.display_name;
    u.email = n.email;
    u.org = org->id;
    u.role = n.role;
    u.clearance = n.clearance;
    CIPMS_ASSIGN_OR_RETURN(u.password_hash, hash_password(n.password));
    const auto now = ctx_.clock->now();
    CIPMS_ASSIGN_OR_RETURN(User out, security_store::create_user(s, u, format_utc(now)));
    CIPMS_RETURN_IF_ERROR(audit_append(
        s, who, AuditEvent{"user.create", "user", std::to_string(out.id.value), "ok", out.username, "", user_json(out).dump()},
        now));
    return out;
  });
}

Result<Page<User>> AuthService::list_users(const Principal& who, const UserFilter& f) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kUserManage));
  if (f.limit < 1 || f.limit > 1000) return Status::invalid("limit must be between 1 and 1000");
  if (f.offset < 0) return Status::invalid("offset must not be negative");
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::list_users(**s, f);
}

Result<User> AuthService::get_user(const Principal& who, UserId id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kUserManage));
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::get_user(**s, id);
}

Result<User> AuthService::update_user(const Principal& who, UserId id, const UserPatch& p,
                                      std::int64_t expected_version) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kUserManage));
  return in_transaction<User>(ctx_, [&](Session& s) -> Result<User> {
    CIPMS_ASSIGN_OR_RETURN(User u, security_store::get_user(s, id));
    // An administrator cleared lower than the account must not be able to take it over
    // (a password reset, or lowering its clearance to fit).
    if (!who.system && u.clearance > who.clearance)
      return Status(Code::kPermissionDenied, "user " + u.username + " is cleared above you (" +
                                                 class_level_name_zh(u.clearance) + "); ask someone cleared as high");
    User before = u;
    std::vector<FieldError> errs;
    if (p.display_name) {
      if (p.display_name->empty() || p.display_name->size() > 200) errs.push_back({"/display_name", "1 to 200 bytes"});
      u.display_name = *p.display_name;
    }
    if (p.email) u.email = *p.email;
    if (p.role) {
      CIPMS_ASSIGN_OR_RETURN(Organisation org, s.get_organisation(u.org));
      if (!role_fits_org(*p.role, org.type))
        errs.push_back({"/role", std::string("a ") + role_code(*p.role) + " cannot belong to a " +
                                     org_type_code(org.type) + " organisation"});
      u.role = *p.role;
    }
    if (p.clearance) {
      if (!who.system && *p.clearance > who.clearance)
        errs.push_back({"/clearance", "you cannot give a clearance above your own"});
      u.clearance = *p.clearance;
    }
    if (p.active) u.active = *p.active;
    if (p.password) {
      for (auto& e : check_password(*p.password, cfg_.min_password_length)) errs.push_back(e);
      if (errs.empty()) {
        CIPMS_ASSIGN_OR_RETURN(u.password_hash, hash_password(*p.password));
      }
    }
    if (p.unlock) {
      u.failed_logins = 0;
      u.locked_until.reset();
    }
    if (!errs.empty()) return Status::unprocessable("the change is not valid", errs);
    const auto now = ctx_.clock->now();
    CIPMS_ASSIGN_OR_RETURN(User out, security_store::update_user(s, u, expected_version, format_utc(now)));
    // A user who lost their role, clearance or access must not keep old sessions.
    if (p.role || p.clearance || (p.active && !*p.active) || p.password)
      CIPMS_RETURN_IF_ERROR(security_store::delete_sessions_of(s, id).status());
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"user.update", "user", std::to_string(id.value), "ok", out.username,
                                                  user_json(before).dump(), user_json(out).dump()},
                                       now));
    return out;
  });
}

Result<Grant> AuthService::create_grant(const Principal& who, const Grant& g) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kGrantManage));
  std::vector<FieldError> errs;
  if (g.record_kind != "facility") errs.push_back({"/record_kind", "grants exist for: facility"});
  if (g.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    errs.push_back({"/reason", "a grant needs the reason (the need to know)"});
  const auto now = ctx_.clock->now();
  const std::string now_s = format_utc(now);
  if (g.expires_at) {
    TimePoint t{};
    if (!parse_utc(*g.expires_at, &t)) errs.push_back({"/expires_at", "must be UTC ISO 8601 (2027-01-31T00:00:00Z)"});
    else if (*g.expires_at <= now_s) errs.push_back({"/expires_at", "must be in the future"});
  }
  return in_transaction<Grant>(ctx_, [&](Session& s) -> Result<Grant> {
    auto u = security_store::get_user(s, g.user);
    if (!u.is_ok()) {
      if (u.status().code() != Code::kNotFound) return u.status();
      errs.push_back({"/user_id", "no user " + std::to_string(g.user.value)});
    }
    if (g.record_kind == "facility") {
      auto f = s.get_facility(FacilityId(g.record_id));
      if (!f.is_ok()) {
        if (f.status().code() != Code::kNotFound) return f.status();
        errs.push_back({"/record_id", "no facility " + std::to_string(g.record_id)});
      } else if (!who.system && f->classification.level > who.clearance) {
        errs.push_back({"/record_id", "you cannot grant access above your own clearance"});
      }
    }
    if (!errs.empty()) return Status::unprocessable("the grant is not valid", errs);
    Grant rec = g;
    rec.granted_by = who.display();
    rec.created_at = now_s;
    CIPMS_ASSIGN_OR_RETURN(rec, security_store::create_grant(s, rec));
    CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                       AuditEvent{"grant.create", g.record_kind, std::to_string(g.record_id), "ok",
                                                  "need-to-know for user " + std::to_string(g.user.value) + ": " +
                                                      g.reason},
                                       now));
    return rec;
  });
}

Result<std::vector<Grant>> AuthService::list_grants(const Principal& who, std::optional<UserId> user,
                                                    std::optional<std::string> kind,
                                                    std::optional<std::int64_t> record_id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kGrantManage));
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::list_grants(**s, user, kind, record_id);
}

Status AuthService::delete_grant(const Principal& who, std::int64_t id) {
  CIPMS_RETURN_IF_ERROR(need(who, Permission::kGrantManage));
  return in_transaction<Unit>(ctx_, [&](Session& s) -> Result<Unit> {
           CIPMS_ASSIGN_OR_RETURN(Grant g, security_store::get_grant(s, id));
           CIPMS_RETURN_IF_ERROR(security_store::delete_grant(s, id));
           CIPMS_RETURN_IF_ERROR(audit_append(s, who,
                                              AuditEvent{"grant.delete", g.record_kind, std::to_string(g.record_id),
                                                         "ok", "user " + std::to_string(g.user.value)},
                                              ctx_.clock->now()));
           return Unit{};
         })
      .status();
}

Result<std::int64_t> AuthService::user_count() {
  auto s = ctx_.db->session();
  if (!s.is_ok()) return s.status();
  return security_store::count_users(**s);
}

Result<std::vector<std::pair<std::string, Role>>> seed_demo_users(const ServiceContext& ctx,
                                                                  const std::string& password) {
  struct Demo {
    const char* username;
    const char* display;
    Role role;
    const char* org;
    ClassLevel clearance;
  };
  static const Demo kDemo[] = {
      {"admin", "系統管理員 System administrator", Role::kAdmin, "OHS", ClassLevel::kOfficial},
      {"ohs", "國土安全辦公室 OHS officer", Role::kOhsOfficer, "OHS", ClassLevel::kTopSecret},
      {"moea", "經濟部 Coordinating officer", Role::kCoordinatingOfficer, "MOEA", ClassLevel::kSecret},
      {"energy", "能源署 Authority officer", Role::kAuthorityOfficer, "MOEA-EA", ClassLevel::kConfidential},
      {"tpc", "台電 Provider editor", Role::kProviderEditor, "TPC", ClassLevel::kOfficial},
      {"tpc-viewer", "台電 Provider viewer", Role::kProviderViewer, "TPC", ClassLevel::kGeneral},
      {"auditor", "稽核 Auditor", Role::kAuditor, "OHS", ClassLevel::kSecret},
      {"police", "警政署 Supporting unit", Role::kSupportingUnit, "NPA", ClassLevel::kOfficial},
  };
  AuthService auth(ctx);
  CIPMS_ASSIGN_OR_RETURN(auto n, auth.user_count());
  std::vector<std::pair<std::string, Role>> out;
  Principal sys = Principal::system_actor("demo");
  if (n == 0) {
    // The organisations the accounts belong to (all of them with --demo; just these with
    // --demo-users on an empty registry).
    auto sess = ctx.db->session();
    if (!sess.is_ok()) return sess.status();
    for (const Organisation& o : demo_organisations()) {
      bool needed = false;
      for (const Demo& d : kDemo) needed |= o.code == d.org;
      if (!needed) continue;
      auto found = (*sess)->find_organisation_by_code(o.code);
      if (found.is_ok()) continue;
      if (found.status().code() != Code::kNotFound) return found.status();
      CIPMS_RETURN_IF_ERROR((*sess)->create_organisation(o, ctx.clock->now()).status());
    }
    for (const Demo& d : kDemo) {
      NewUser u{d.username, d.display, std::string(d.username) + "@demo.cipms.tw", d.org, d.role, d.clearance, password};
      auto r = auth.create_user(sys, u);
      if (!r.is_ok()) return r.status();
    }
  }
  for (const Demo& d : kDemo) out.emplace_back(d.username, d.role);
  return out;
}

}  // namespace cipms
