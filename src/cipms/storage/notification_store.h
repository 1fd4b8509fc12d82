// In-app notifications (migration 0032): one row per recipient, a message key (`kind`) with its
// parameters as a JSON object text, the record it is about, and whether it was read. Written
// once for both back ends over Session::query/execute (storage/sql.h); every function runs in
// the caller's transaction when one is open. kInternal for database failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cipms/domain/security.h"
#include "cipms/storage/store.h"

namespace cipms {

struct Notification {
  std::int64_t id = 0;
  UserId user;
  std::string kind;           // "survey.deadline", "survey.overdue", "survey.returned", ...
  std::string params = "{}";  // JSON object: what the message names (facility, year, days...)
  std::optional<std::int64_t> survey_id, facility_id;
  std::optional<int> year;    // the survey round
  // Set for reminders: the same (user, key) is stored once, whoever inserts it first.
  std::optional<std::string> dedupe_key;
  std::string created_at;
  std::optional<std::string> read_at;
};

namespace notification_store {

// Inserts unless a row with the same (user, dedupe_key) exists (INSERT ... ON CONFLICT DO
// NOTHING, so two sweeps racing store one). True when a row was written.
Result<bool> insert(Session& s, const Notification& n);
// The user's notifications, newest first.
Result<Page<Notification>> list(Session& s, UserId user, bool unread_only, int limit, std::int64_t offset);
Result<std::int64_t> unread_count(Session& s, UserId user);
// kNotFound unless notification `id` is the user's. Reading it again keeps the first read_at.
Result<Notification> mark_read(Session& s, UserId user, std::int64_t id, const std::string& now);
// Marks every unread one read; returns how many.
Result<std::int64_t> mark_all_read(Session& s, UserId user, const std::string& now);

}  // namespace notification_store
}  // namespace cipms
