#include "cipms/services/notification_service.h"

#include "cipms/services/auth_service.h"
#include "cipms/storage/security_store.h"

namespace cipms {

namespace ns = notification_store;

Result<Page<Notification>> NotificationService::list(const Principal& who, bool unread_only, int limit,
                                                     std::int64_t offset) {
  if (!who.user.valid()) return Page<Notification>{};
  return with_session<Page<Notification>>(ctx_, [&](Session& s) { return ns::list(s, who.user, unread_only, limit, offset); });
}

Result<std::int64_t> NotificationService::unread_count(const Principal& who) {
  if (!who.user.valid()) return std::int64_t{0};
  return with_session<std::int64_t>(ctx_, [&](Session& s) { return ns::unread_count(s, who.user); });
}

Result<Notification> NotificationService::mark_read(const Principal& who, std::int64_t id) {
  std::string now = format_utc(ctx_.clock->now());
  return in_transaction<Notification>(ctx_, [&](Session& s) { return ns::mark_read(s, who.user, id, now); });
}

Result<std::int64_t> NotificationService::mark_all_read(const Principal& who) {
  std::string now = format_utc(ctx_.clock->now());
  return in_transaction<std::int64_t>(ctx_, [&](Session& s) { return ns::mark_all_read(s, who.user, now); });
}

Result<std::vector<Principal>> principals_with_role(const ServiceContext& ctx, Session& s, Role role,
                                                    std::optional<OrgId> org) {
  AuthService auth(ctx);
  std::vector<Principal> out;
  UserFilter f;
  f.role = role;
  f.org = org;
  f.limit = 1000;
  for (;; f.offset += f.limit) {
    CIPMS_ASSIGN_OR_RETURN(Page<User> page, security_store::list_users(s, f));
    for (const User& u : page.items) {
      if (!u.active) continue;
      CIPMS_ASSIGN_OR_RETURN(Principal p, auth.principal_of(s, u));
      out.push_back(std::move(p));
    }
    if (static_cast<int>(page.items.size()) < f.limit) break;
  }
  return out;
}

Result<std::vector<UserId>> survey_recipients(const ServiceContext& ctx, Session& s, const Facility& f,
                                              bool authorities, TimePoint now) {
  std::vector<Principal> people;
  if (f.provider) {
    CIPMS_ASSIGN_OR_RETURN(people, principals_with_role(ctx, s, Role::kProviderEditor, f.provider));
  }
  if (authorities) {
    CIPMS_ASSIGN_OR_RETURN(auto officers, principals_with_role(ctx, s, Role::kAuthorityOfficer));
    people.insert(people.end(), officers.begin(), officers.end());
  }
  std::vector<UserId> out;
  for (const Principal& p : people) {
    bool grant = false;
    if (is_national_secret(f.classification.level) && p.in_scope(f)) {
      CIPMS_ASSIGN_OR_RETURN(grant, security_store::has_grant(s, p.user, "facility", f.id.value, format_utc(now)));
    }
    if (p.may_read(f, grant)) out.push_back(p.user);
  }
  return out;
}

Result<std::int64_t> notify(Session& s, const std::vector<UserId>& to, Notification n) {
  std::int64_t written = 0;
  for (UserId u : to) {
    n.user = u;
    CIPMS_ASSIGN_OR_RETURN(bool w, ns::insert(s, n));
    written += w ? 1 : 0;
  }
  return written;
}

}  // namespace cipms
