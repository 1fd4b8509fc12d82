// The audit log's SQL (tables audit_log and audit_head of migration 0010), written once for
// both back ends over Session's portable SQL (sql.h). Plain rows in, plain rows out: the hash
// chain — canonical form, hashing, verification — is services/audit.cc's.
//
// Appending is three statements that must run in one transaction of the caller:
// audit_lock_head (which also serialises appenders: it updates the single audit_head row, so
// a second appender waits until the first commits or rolls back), audit_insert_entry and
// audit_set_head_hash.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cipms/base/status.h"
#include "cipms/storage/store.h"

namespace cipms {

// One row of audit_log.
struct AuditEntry {
  std::int64_t seq = 0;
  std::string at;  // UTC ISO 8601
  std::optional<std::int64_t> actor_user_id;
  std::string actor, org_code, remote, request_id;
  std::string action, target_kind, target_id, outcome, detail, before_json, after_json;
  std::string prev_hash, hash;
};

struct AuditFilter {
  std::optional<std::int64_t> actor_user_id;
  std::optional<std::string> action;       // exact, or prefix when it ends in '*' ("facility.*")
  std::optional<std::string> target_kind, target_id, outcome;
  std::optional<std::string> from, to;     // UTC ISO 8601 bounds on `at`, inclusive
  std::optional<std::string> q;            // case-insensitive substring of actor, detail or target_id
  int limit = 50;                          // 1..1000
  std::int64_t offset = 0;                 // newest first
};

// audit_head: the newest sequence number and its hash (0 and "" for an empty log).
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};

// Takes the next sequence number: increments audit_head.seq and returns the new seq with the
// hash still stored (the previous entry's, to chain to). Inside the caller's transaction;
// holds the head row's lock until it ends.
Result<AuditHead> audit_lock_head(Session& s);
// Inserts the entry as given (seq, prev_hash and hash included).
Status audit_insert_entry(Session& s, const AuditEntry& e);
// Sets audit_head.hash (after audit_lock_head, in the same transaction).
Status audit_set_head_hash(Session& s, const std::string& hash);
// Reads audit_head without locking it.
Result<AuditHead> audit_read_head(Session& s);

// One page of entries matching the filter, newest (highest seq) first, with the total count.
// kInvalidArgument for a limit outside 1..1000 or a negative offset.
Result<Page<AuditEntry>> audit_select(Session& s, const AuditFilter& f);

// Calls fn for every entry in ascending seq order, reading `batch` rows at a time (each batch
// one statement: appends committed meanwhile show in later batches). Stops at the first
// non-OK status of fn and returns it.
Status audit_scan(Session& s, const std::function<Status(const AuditEntry&)>& fn, int batch = 1000);

}  // namespace cipms
