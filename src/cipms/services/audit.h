// The audit log (R-9, issue #5): append-only, hash-chained. Every entry records who (user,
// organisation), what (action, target, outcome, detail, before/after), when (UTC) and from
// where (remote address, request id). Its hash is SHA-256(previous hash || canonical entry),
// where the canonical entry is the compact JSON of the fields in a fixed order; audit_head
// keeps the newest sequence number and hash, so that a deleted tail is noticed too.
//
// Writers: a change and its audit entry are written in the same transaction (audit_append
// inside Session::transact), so there is never a change without its entry or the reverse.
// Denials and failed sign-ins, which change nothing, are recorded on their own (audit_record).
// Thread-safe as far as the database is: appends serialise on the audit_head row.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/services/context.h"
#include "cipms/storage/audit_store.h"
#include "cipms/storage/store.h"

namespace cipms {

struct AuditEvent {
  std::string action;       // "facility.update", "auth.login", "classification.set", ...
  std::string target_kind;  // "facility", "user", "session", ... ("" when none)
  std::string target_id;    // id or code of the target ("" when none)
  std::string outcome = "ok";  // "ok" | "denied" | "failed"
  std::string detail;       // human-readable, e.g. the reason of a denial
  std::string before_json;  // the record before the change ("" when none)
  std::string after_json;   // the record after the change ("" when none)
};

// Appends inside the caller's open transaction (Session::transact). kInternal on failure:
// the caller's transaction must then roll back.
Status audit_append(Session& s, const Principal& who, const AuditEvent& e, TimePoint now);
// Appends in a transaction of its own (denials, failed sign-ins, reads of classified records).
Status audit_record(const ServiceContext& ctx, const Principal& who, const AuditEvent& e);

// AuditEntry (one row of the log) and AuditFilter (the search of audit_search) are declared in
// storage/audit_store.h, which this header includes: the storage layer reads and writes them.

Result<Page<AuditEntry>> audit_search(const ServiceContext& ctx, const AuditFilter& f);
// The wire shape of an entry (API, `cipms audit list --json`): every column by name, before
// and after as the exact stored text (so that a client can recompute the hash), actor_user_id
// null when none.
nlohmann::json audit_entry_json(const AuditEntry& e);

struct AuditVerification {
  bool ok = true;
  std::int64_t entries = 0;                // entries checked and found good (all when ok)
  std::optional<std::int64_t> first_bad;   // sequence number of the first bad entry
  std::string problem;                     // what is wrong with it
};
// Walks the chain from the first entry: sequence numbers contiguous from 1, each prev_hash
// equal to the previous entry's hash, each hash recomputed from its entry, and the head equal
// to the last entry. Names the first entry that fails, by these rules (checked in this order):
//  - a sequence number is missing (an entry deleted): first_bad = the missing number, also
//    when the missing entry is the newest one (the head is ahead of the log);
//  - a number lower than the next one expected (a forged entry 0 or -1): that entry;
//  - prev_hash differs from the previous entry's hash (the first of two swapped entries, an
//    entry after one replaced by a forgery with a recomputed hash): that entry;
//  - hash differs from the hash recomputed from the entry (a modified field): that entry;
//  - an entry beyond the head (forged at the end): the first such entry;
//  - the head's hash differs from its entry's: the head's sequence number.
// Appends running meanwhile are no problem (the head is read before and after the walk).
// Not-OK only when the database cannot be read; a tampered log is ok=false.
Result<AuditVerification> audit_verify(const ServiceContext& ctx);
// The same on a session the caller holds (the CLI, tests).
Result<AuditVerification> audit_verify(Session& s);

// The chain's building blocks, for tests and tools that check an exported log on their own:
// the canonical form — compact JSON of the array [seq, at, actor_user_id (or null), actor,
// org_code, remote, request_id, action, target_kind, target_id, outcome, detail, before_json,
// after_json, prev_hash] — and the entry's hash, lower-case hex SHA-256(prev_hash || canonical).
// kInvalidArgument when a field is not valid UTF-8 (audit_append stores only valid UTF-8).
Result<std::string> audit_canonical(const AuditEntry& e);
Result<std::string> audit_hash(const AuditEntry& e);

}  // namespace cipms
