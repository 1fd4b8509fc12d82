// In-app notifications (issue 7; docs/survey.md "Reminders and notifications"): survey deadline
// and overdue reminders (SurveyService::run_reminders) and workflow events (returned,
// accepted, finalised), each a message key (`kind`) plus parameters that the web renders in
// the reader's language. A user reads and marks only their own: another user's notification
// answers kNotFound, as a missing one does. Marking read is not audited (it changes nothing
// but the reader's own inbox). Thread-safe: each call takes its own Session.
#pragma once

#include <cstdint>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/services/context.h"
#include "cipms/storage/notification_store.h"

namespace cipms {

class NotificationService {
 public:
  explicit NotificationService(ServiceContext ctx) : ctx_(std::move(ctx)) {}
  // Newest first. A principal without a user (the CLI) has none.
  Result<Page<Notification>> list(const Principal& who, bool unread_only, int limit, std::int64_t offset);
  Result<std::int64_t> unread_count(const Principal& who);
  Result<Notification> mark_read(const Principal& who, std::int64_t id);
  Result<std::int64_t> mark_all_read(const Principal& who);

 private:
  ServiceContext ctx_;
};

// Who hears about a facility's survey: the active provider editors of its provider and, with
// `authorities`, the active authority officers — each only when they may read the facility
// (scope, clearance, need-to-know grant: Principal::may_read).
Result<std::vector<UserId>> survey_recipients(const ServiceContext& ctx, Session& s, const Facility& f,
                                              bool authorities, TimePoint now);
// The active users of a role (all organisations), as the principals they act as.
Result<std::vector<Principal>> principals_with_role(const ServiceContext& ctx, Session& s, Role role,
                                                    std::optional<OrgId> org = std::nullopt);
// One copy of `n` per recipient (n.user is set for each), in the caller's transaction; returns
// how many rows were new (a reminder already stored for that user and key is skipped).
Result<std::int64_t> notify(Session& s, const std::vector<UserId>& to, Notification n);

}  // namespace cipms
