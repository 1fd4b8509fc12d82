// The hash chain of the audit log (audit.h): canonical form, SHA-256 (libsodium), append and
// verification. The SQL is storage/audit_store.cc's.
#include "cipms/services/audit.h"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <utility>

namespace cipms {

namespace {

using Json = nlohmann::json;

void ensure_sodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  (void)ready;  // crypto_hash_sha256 works without it; sodium_init only picks faster code
}

std::string hex_sha256(const std::string& data) {
  ensure_sodium();
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof out);
  for (unsigned char c : out) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

// The text with every invalid UTF-8 sequence replaced by U+FFFD, so that what is stored is
// exactly what the canonical form hashes.
std::string valid_utf8(const std::string& s) {
  Json j = s;
  return Json::parse(j.dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
}

std::string short_hash(const std::string& h) { return h.empty() ? "(empty)" : h.substr(0, 16) + "…"; }

}  // namespace

Result<std::string> audit_canonical(const AuditEntry& e) {
  Json a = Json::array();
  a.push_back(e.seq);
  a.push_back(e.at);
  if (e.actor_user_id) a.push_back(*e.actor_user_id);
  else a.push_back(nullptr);
  for (const std::string* s : {&e.actor, &e.org_code, &e.remote, &e.request_id, &e.action, &e.target_kind,
                               &e.target_id, &e.outcome, &e.detail, &e.before_json, &e.after_json, &e.prev_hash})
    a.push_back(*s);
  try {
    return a.dump();  // strict: invalid UTF-8 throws
  } catch (const Json::exception&) {
    return Status::invalid("audit entry " + std::to_string(e.seq) + " has a field that is not valid UTF-8");
  }
}

Result<std::string> audit_hash(const AuditEntry& e) {
  auto canonical = audit_canonical(e);
  if (!canonical.is_ok()) return canonical.status();
  return hex_sha256(e.prev_hash + *canonical);
}

Status audit_append(Session& s, const Principal& who, const AuditEvent& ev, TimePoint now) {
  auto head = audit_lock_head(s);
  if (!head.is_ok()) return Status::internal("audit log: " + head.status().message());
  AuditEntry e;
  e.seq = head->seq;
  e.at = format_utc(now);
  if (!who.system && who.user.valid()) e.actor_user_id = who.user.value;
  e.actor = valid_utf8(who.display());
  e.org_code = valid_utf8(who.org_code);
  e.remote = valid_utf8(who.remote);
  e.request_id = valid_utf8(who.request_id);
  e.action = valid_utf8(ev.action);
  e.target_kind = valid_utf8(ev.target_kind);
  e.target_id = valid_utf8(ev.target_id);
  e.outcome = valid_utf8(ev.outcome);
  e.detail = valid_utf8(ev.detail);
  e.before_json = valid_utf8(ev.before_json);
  e.after_json = valid_utf8(ev.after_json);
  e.prev_hash = head->hash;
  auto hash = audit_hash(e);
  if (!hash.is_ok()) return Status::internal("audit log: " + hash.status().message());
  e.hash = *hash;
  if (Status st = audit_insert_entry(s, e); !st.is_ok()) return Status::internal("audit log: " + st.message());
  if (Status st = audit_set_head_hash(s, e.hash); !st.is_ok()) return Status::internal("audit log: " + st.message());
  return Status::ok();
}

Status audit_record(const ServiceContext& ctx, const Principal& who, const AuditEvent& e) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  const TimePoint now = ctx.clock->now();
  return (*s)->transact([&] { return audit_append(**s, who, e, now); });
}

Result<Page<AuditEntry>> audit_search(const ServiceContext& ctx, const AuditFilter& f) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return audit_select(**s, f);
}

Json audit_entry_json(const AuditEntry& e) {
  Json j = Json::object();
  j["seq"] = e.seq;
  j["at"] = e.at;
  j["actor_user_id"] = e.actor_user_id ? Json(*e.actor_user_id) : Json(nullptr);
  j["actor"] = e.actor;
  j["org_code"] = e.org_code;
  j["remote"] = e.remote;
  j["request_id"] = e.request_id;
  j["action"] = e.action;
  j["target_kind"] = e.target_kind;
  j["target_id"] = e.target_id;
  j["outcome"] = e.outcome;
  j["detail"] = e.detail;
  j["before_json"] = e.before_json;
  j["after_json"] = e.after_json;
  j["prev_hash"] = e.prev_hash;
  j["hash"] = e.hash;
  return j;
}

Result<AuditVerification> audit_verify(Session& s) {
  AuditVerification v;
  auto bad = [&v](std::int64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad = seq;
    v.problem = std::move(problem);
  };

  // The head before the walk: every entry up to it must be there. Entries appended during
  // the walk are judged against the head read after it.
  auto head_before = audit_read_head(s);
  if (!head_before.is_ok()) return head_before.status();
  std::int64_t last = 0;  // seq of the last good entry
  std::string last_hash;
  const std::string kStop = "stop";
  Status scanned = audit_scan(s, [&](const AuditEntry& e) -> Status {
    const std::int64_t expected = last + 1;
    if (e.seq > expected) {
      bad(expected, "entry " + std::to_string(expected) + " is missing: the log goes from " + std::to_string(last) +
                        " to " + std::to_string(e.seq));
      return Status(Code::kConflict, kStop);
    }
    if (e.seq < expected) {
      bad(e.seq, "entry " + std::to_string(e.seq) + " has an out-of-sequence number (expected " +
                     std::to_string(expected) + ")");
      return Status(Code::kConflict, kStop);
    }
    if (e.prev_hash != last_hash) {
      bad(e.seq, "its prev_hash " + short_hash(e.prev_hash) + " is not the hash of entry " + std::to_string(last) +
                     " (" + short_hash(last_hash) + "): an entry before it was changed, removed or moved");
      return Status(Code::kConflict, kStop);
    }
    auto h = audit_hash(e);
    if (!h.is_ok()) {
      bad(e.seq, h.status().message());
      return Status(Code::kConflict, kStop);
    }
    if (*h != e.hash) {
      bad(e.seq, "its content does not match its hash (stored " + short_hash(e.hash) + ", recomputed " +
                     short_hash(*h) + "): the entry was modified");
      return Status(Code::kConflict, kStop);
    }
    if (e.seq == head_before->seq && e.hash != head_before->hash) {
      bad(e.seq, "the head names hash " + short_hash(head_before->hash) + " for entry " + std::to_string(e.seq) +
                     ", the entry has " + short_hash(e.hash));
      return Status(Code::kConflict, kStop);
    }
    last = e.seq;
    last_hash = e.hash;
    ++v.entries;
    return Status::ok();
  });
  if (!v.ok) return v;
  if (!scanned.is_ok()) return scanned;

  if (last < head_before->seq) {
    bad(last + 1, "entry " + std::to_string(last + 1) + " is missing: the head is at entry " +
                      std::to_string(head_before->seq) + " but the log ends at " + std::to_string(last));
    return v;
  }
  if (last > head_before->seq) {
    auto head_after = audit_read_head(s);
    if (!head_after.is_ok()) return head_after.status();
    if (last > head_after->seq) {
      bad(head_after->seq + 1, "entry " + std::to_string(head_after->seq + 1) + " is beyond the head (entry " +
                                   std::to_string(head_after->seq) + "): it was not appended through the log");
      return v;
    }
    if (last == head_after->seq && last_hash != head_after->hash) {
      bad(last, "the head names hash " + short_hash(head_after->hash) + " for entry " + std::to_string(last) +
                    ", the entry has " + short_hash(last_hash));
      return v;
    }
  }
  return v;
}

Result<AuditVerification> audit_verify(const ServiceContext& ctx) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return audit_verify(**s);
}

}  // namespace cipms
