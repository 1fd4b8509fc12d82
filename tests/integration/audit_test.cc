// The tamper-evident audit log (services/audit.h, storage/audit_store.h) on real SQLite and
// PostgreSQL databases: entries appended in transactions form a hash chain that verifies, and
// every kind of tampering done directly in the database — a changed field, a deleted, forged,
// reordered or truncated entry, a changed head — is found and named by the entry verify
// reports. Also rollbacks, concurrent appenders, the search, and `cipms audit verify|list`.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <thread>

#include "cipms/services/audit.h"
#include "cipms/storage/audit_store.h"
#include "cipms/storage/store.h"
#include "support/paths.h"
#include "support/backends.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using testing::Backend;
using testing::backends;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

Principal alice() {
  Principal p;
  p.user = UserId(7);
  p.username = "alice";
  p.role = Role::kProviderEditor;
  p.org_code = "TPC";
  p.remote = "10.0.0.5";
  p.request_id = "req-42";
  return p;
}

AuditEvent event(int i, std::string action = "facility.update") {
  AuditEvent e;
  e.action = std::move(action);
  e.target_kind = "facility";
  e.target_id = "F" + std::to_string(i);
  e.detail = "change number " + std::to_string(i);
  e.before_json = R"({"population":)" + std::to_string(i) + "}";
  e.after_json = R"({"population":)" + std::to_string(i + 1) + "}";
  return e;
}

class AuditLog : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("cipms-audit-test");
    url_ = GetParam().fresh(dir_);
    ASSERT_FALSE(url_.empty());
    auto db = Database::open(url_);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ctx_.db = std::shared_ptr<Database>(std::move(db).value());
    clock_ = std::make_shared<ManualClock>(kT0);
    ctx_.clock = clock_;
    auto v = ctx_.db->migrate();
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    auto s = ctx_.db->session();
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    s_ = std::move(s).value();
  }
  void TearDown() override {
    s_.reset();
    ctx_ = {};
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // n entries, each appended in a transaction of its own, a minute apart.
  void append(int n, const std::string& action = "facility.update") {
    for (int i = 0; i < n; ++i) {
      ++appended_;
      Status st = s_->transact([&] { return audit_append(*s_, alice(), event(appended_, action), clock_->now()); });
      ASSERT_TRUE(st.is_ok()) << st.to_string();
      clock_->advance(60s);
    }
  }
  AuditVerification verify() {
    auto v = audit_verify(ctx_);
    EXPECT_TRUE(v.is_ok()) << v.status().to_string();
    return v.is_ok() ? v.value() : AuditVerification{false, -1, std::nullopt, "verify failed"};
  }
  std::vector<AuditEntry> all() {
    std::vector<AuditEntry> out;
    Status st = audit_scan(*s_, [&](const AuditEntry& e) {
      out.push_back(e);
      return Status::ok();
    });
    EXPECT_TRUE(st.is_ok()) << st.to_string();
    return out;
  }
  AuditEntry entry(std::int64_t seq) {
    for (const AuditEntry& e : all())
      if (e.seq == seq) return e;
    ADD_FAILURE() << "no entry " << seq;
    return {};
  }
  void exec(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto n = s_->execute(sql, params);
    ASSERT_TRUE(n.is_ok()) << sql << ": " << n.status().to_string();
  }
  // Overwrites every column of row `seq` but seq itself with e's values (tampering).
  void overwrite(std::int64_t seq, const AuditEntry& e) {
    exec("UPDATE audit_log SET at = ?, actor_user_id = ?, actor = ?, org_code = ?, remote = ?, request_id = ?, "
         "action = ?, target_kind = ?, target_id = ?, outcome = ?, detail = ?, before_json = ?, after_json = ?, "
         "prev_hash = ?, hash = ? WHERE seq = ?",
         {e.at, sql_opt(e.actor_user_id), e.actor, e.org_code, e.remote, e.request_id, e.action, e.target_kind,
          e.target_id, e.outcome, e.detail, e.before_json, e.after_json, e.prev_hash, e.hash, seq});
  }
  std::int64_t total(const AuditFilter& f) {
    auto p = audit_search(ctx_, f);
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    return p.is_ok() ? p->total : -1;
  }

  fs::path dir_;
  std::string url_;
  ServiceContext ctx_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Session> s_;
  int appended_ = 0;
};

void expect_tampered(const AuditVerification& v, std::int64_t seq, const std::string& words) {
  EXPECT_FALSE(v.ok);
  ASSERT_TRUE(v.first_bad.has_value()) << v.problem;
  EXPECT_EQ(*v.first_bad, seq) << v.problem;
  EXPECT_NE(v.problem.find(words), std::string::npos) << v.problem;
  EXPECT_EQ(v.entries, seq - 1) << "entries before the bad one were checked and good";
}

// --- the chain --------------------------------------------------------------------------------

TEST_P(AuditLog, AuditVerify_EmptyLogIsIntact) {
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 0);
  EXPECT_FALSE(v.first_bad.has_value());
}

TEST_P(AuditLog, AuditAppend_ChainsEntriesThatRecordWhoWhatWhenAndWhere) {
  append(10);
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 10);

  std::vector<AuditEntry> es = all();
  ASSERT_EQ(es.size(), 10u);
  std::string prev;
  for (std::size_t i = 0; i < es.size(); ++i) {
    const AuditEntry& e = es[i];
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.prev_hash, prev);
    EXPECT_EQ(e.hash.size(), 64u);
    EXPECT_EQ(e.hash.find_first_not_of("0123456789abcdef"), std::string::npos) << e.hash;
    auto h = audit_hash(e);
    ASSERT_TRUE(h.is_ok());
    EXPECT_EQ(*h, e.hash);
    prev = e.hash;
  }
  const AuditEntry& e = es[2];
  EXPECT_EQ(e.at, format_utc(kT0 + 120s));
  EXPECT_EQ(e.actor_user_id, 7);
  EXPECT_EQ(e.actor, "alice (TPC)");
  EXPECT_EQ(e.org_code, "TPC");
  EXPECT_EQ(e.remote, "10.0.0.5");
  EXPECT_EQ(e.request_id, "req-42");
  EXPECT_EQ(e.action, "facility.update");
  EXPECT_EQ(e.target_kind, "facility");
  EXPECT_EQ(e.target_id, "F3");
  EXPECT_EQ(e.outcome, "ok");
  EXPECT_EQ(e.detail, "change number 3");
  EXPECT_EQ(e.before_json, R"({"population":3})");
  EXPECT_EQ(e.after_json, R"({"population":4})");
  // The canonical form is the documented fixed-order array.
  auto c = audit_canonical(e);
  ASSERT_TRUE(c.is_ok());
  const std::string expected =
      R"x([3,"2026-11-25T10:02:00Z",7,"alice (TPC)","TPC","10.0.0.5","req-42","facility.update",)x"
      R"x("facility","F3","ok","change number 3","{\"population\":3}","{\"population\":4}",")x" +
      es[1].hash + "\"]";
  EXPECT_EQ(*c, expected);
}

TEST_P(AuditLog, AuditRecord_AppendsTheSystemActorInATransactionOfItsOwn) {
  append(2);
  AuditEvent denied;
  denied.action = "facility.read";
  denied.outcome = "denied";
  denied.detail = "clearance too low";
  ASSERT_TRUE(audit_record(ctx_, Principal::system_actor("cli"), denied).is_ok());
  AuditEntry e = entry(3);
  EXPECT_FALSE(e.actor_user_id.has_value());
  EXPECT_EQ(e.actor, "system (cli)");
  EXPECT_EQ(e.outcome, "denied");
  EXPECT_EQ(e.at, format_utc(clock_->now()));
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 3);
}

TEST_P(AuditLog, AuditAppend_StoresInvalidUtf8AsReplacementCharactersAndStillVerifies) {
  AuditEvent e = event(1);
  e.detail = std::string("bad \xff\xfe bytes, 中文 fine");
  ASSERT_TRUE(s_->transact([&] { return audit_append(*s_, alice(), e, kT0); }).is_ok());
  EXPECT_EQ(entry(1).detail, "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes, 中文 fine");
  EXPECT_TRUE(verify().ok);
}

// --- tampering ------------------------------------------------------------------------------

TEST_P(AuditLog, AuditVerify_DetectsModifiedEntry) {
  append(10);
  exec("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 4");
  expect_tampered(verify(), 4, "modified");
}

TEST_P(AuditLog, AuditVerify_DetectsModifiedActorUserIdSetToNull) {
  append(10);
  exec("UPDATE audit_log SET actor_user_id = NULL WHERE seq = 6");
  expect_tampered(verify(), 6, "modified");
}

// Whoever knows the rule can recompute the changed entry's hash; the next entry still names
// the old one.
TEST_P(AuditLog, AuditVerify_DetectsModifiedEntryWithRecomputedHashAtTheNextEntry) {
  append(10);
  AuditEntry e = entry(4);
  e.outcome = "denied";
  auto h = audit_hash(e);
  ASSERT_TRUE(h.is_ok());
  e.hash = *h;
  overwrite(4, e);
  expect_tampered(verify(), 5, "prev_hash");
}

// The rule: a gap is reported at the missing sequence number (k), not at the entry after it.
TEST_P(AuditLog, AuditVerify_DetectsDeletedEntryAtTheMissingSequenceNumber) {
  append(10);
  exec("DELETE FROM audit_log WHERE seq = 4");
  expect_tampered(verify(), 4, "entry 4 is missing");
}

TEST_P(AuditLog, AuditVerify_DetectsDeletedFirstEntry) {
  append(5);
  exec("DELETE FROM audit_log WHERE seq = 1");
  expect_tampered(verify(), 1, "entry 1 is missing");
}

TEST_P(AuditLog, AuditVerify_DetectsDeletedLastEntryThroughTheHead) {
  append(10);
  exec("DELETE FROM audit_log WHERE seq = 10");
  expect_tampered(verify(), 10, "head");
}

TEST_P(AuditLog, AuditVerify_DetectsChangedHeadHash) {
  append(10);
  exec("UPDATE audit_head SET hash = ? WHERE id = 1", {std::string(64, '0')});
  expect_tampered(verify(), 10, "head");
}

// A forged entry inserted where entries were renumbered, with a correct hash of its own.
TEST_P(AuditLog, AuditVerify_DetectsForgedEntryReplacingARealOneAtTheNextEntry) {
  append(10);
  AuditEntry forged = entry(4);
  forged.action = "facility.read";
  forged.detail = "forged";
  auto h = audit_hash(forged);
  ASSERT_TRUE(h.is_ok());
  forged.hash = *h;
  exec("DELETE FROM audit_log WHERE seq = 4");
  ASSERT_TRUE(audit_insert_entry(*s_, forged).is_ok());
  expect_tampered(verify(), 5, "prev_hash");
}

// A forged entry appended after the last one, chained and hashed correctly, but not through
// audit_head.
TEST_P(AuditLog, AuditVerify_DetectsForgedEntryInsertedBeyondTheHead) {
  append(10);
  AuditEntry last = entry(10);
  AuditEntry forged = last;
  forged.seq = 11;
  forged.detail = "forged";
  forged.prev_hash = last.hash;
  auto h = audit_hash(forged);
  ASSERT_TRUE(h.is_ok());
  forged.hash = *h;
  ASSERT_TRUE(audit_insert_entry(*s_, forged).is_ok());
  AuditVerification v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 11) << v.problem;
  EXPECT_NE(v.problem.find("beyond the head"), std::string::npos) << v.problem;
  EXPECT_EQ(v.entries, 11) << "the forged entry itself chains correctly";
}

TEST_P(AuditLog, AuditVerify_DetectsForgedEntryWithAnOutOfSequenceNumber) {
  append(5);
  AuditEntry forged = entry(1);
  forged.seq = 0;
  ASSERT_TRUE(audit_insert_entry(*s_, forged).is_ok());
  AuditVerification v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad, 0) << v.problem;
  EXPECT_NE(v.problem.find("out-of-sequence"), std::string::npos) << v.problem;
}

// Reordering: the contents of entries 3 and 7 swapped (sequence numbers stay).
TEST_P(AuditLog, AuditVerify_DetectsSwappedEntriesAtTheFirstSwapped) {
  append(10);
  AuditEntry a = entry(3), b = entry(7);
  overwrite(3, b);
  overwrite(7, a);
  expect_tampered(verify(), 3, "prev_hash");
}

// --- transactions and concurrency ------------------------------------------------------------

TEST_P(AuditLog, AuditAppend_RolledBackTransactionLeavesNoEntryAndTheChainStillVerifies) {
  append(3);
  Status st = s_->transact([&] {
    CIPMS_RETURN_IF_ERROR(audit_append(*s_, alice(), event(99, "facility.delete"), kT0));
    return Status::conflict("the change itself failed");
  });
  ASSERT_EQ(st.code(), Code::kConflict);
  AuditFilter f;
  EXPECT_EQ(total(f), 3);
  f.action = "facility.delete";
  EXPECT_EQ(total(f), 0);
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 3);
  // The sequence number taken by the rolled-back append is free again.
  append(1);
  EXPECT_EQ(all().back().seq, 4);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditLog, AuditAppend_ConcurrentAppendsFromTwoThreadsFormOneIntactChain) {
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex mu;
  auto worker = [&](int t) {
    auto s = ctx_.db->session();
    if (!s.is_ok()) {
      ++failures;
      return;
    }
    Principal p = alice();
    p.request_id = "thread-" + std::to_string(t);
    for (int i = 0; i < kPerThread; ++i) {
      Status st = (*s)->transact([&] { return audit_append(**s, p, event(t * 1000 + i), kT0); });
      if (!st.is_ok()) {
        ++failures;
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.empty()) first_error = st.to_string();
      }
    }
  };
  std::thread t1(worker, 1), t2(worker, 2);
  t1.join();
  t2.join();
  ASSERT_EQ(failures.load(), 0) << first_error;
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 2 * kPerThread);
  std::set<std::string> targets;
  for (const AuditEntry& e : all()) targets.insert(e.target_id);
  EXPECT_EQ(targets.size(), static_cast<std::size_t>(2 * kPerThread)) << "every append is there exactly once";
}

// Verify while another thread appends: appends that land during the walk are no tampering.
TEST_P(AuditLog, AuditVerify_RunningDuringAppendsReportsNoProblem) {
  append(50);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    auto s = ctx_.db->session();
    for (int i = 0; s.is_ok() && i < 60; ++i)
      if (!(*s)->transact([&] { return audit_append(**s, alice(), event(500 + i), kT0); }).is_ok()) ++failures;
    if (!s.is_ok()) ++failures;
    done = true;
  });
  int runs = 0;
  while (!done || runs == 0) {
    auto s = ctx_.db->session();
    auto v = s.is_ok() ? audit_verify(**s) : Result<AuditVerification>(s.status());
    EXPECT_TRUE(v.is_ok()) << v.status().to_string();
    if (v.is_ok()) {
      EXPECT_TRUE(v->ok) << v->problem;
    }
    ++runs;
  }
  writer.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(verify().entries, 110);
}

// --- search ------------------------------------------------------------------------------------

TEST_P(AuditLog, AuditSearch_FiltersAndPagesNewestFirst) {
  append(4, "facility.update");
  append(2, "facility.delete");
  append(3, "auth.login");
  AuditEvent denied = event(100, "facility.update");
  denied.outcome = "denied";
  denied.detail = "Out of SCOPE 50%";
  Principal bob = alice();
  bob.user = UserId(8);
  bob.username = "bob";
  ASSERT_TRUE(s_->transact([&] { return audit_append(*s_, bob, denied, kT0 + 24h); }).is_ok());

  AuditFilter f;
  f.limit = 4;
  f.offset = 2;
  auto page = audit_search(ctx_, f);
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->total, 10);
  ASSERT_EQ(page->items.size(), 4u);
  EXPECT_EQ(page->items[0].seq, 8);
  EXPECT_EQ(page->items[3].seq, 5);

  f = {};
  f.action = "facility.*";
  EXPECT_EQ(total(f), 7);
  f.action = "facility.update";
  EXPECT_EQ(total(f), 5);
  f.action = "FACILITY.*";
  EXPECT_EQ(total(f), 0) << "actions are compared exactly";
  f = {};
  f.actor_user_id = 8;
  EXPECT_EQ(total(f), 1);
  f = {};
  f.outcome = "denied";
  EXPECT_EQ(total(f), 1);
  f = {};
  f.q = "scope 50%";  // case-insensitive; % is literal
  EXPECT_EQ(total(f), 1);
  f.q = "50_";
  EXPECT_EQ(total(f), 0);
  f = {};
  f.q = "f3";  // target_id
  EXPECT_EQ(total(f), 1);
  f = {};
  f.target_kind = "facility";
  f.target_id = "F5";
  EXPECT_EQ(total(f), 1);
  f = {};
  f.from = format_utc(kT0 + 2min);
  f.to = format_utc(kT0 + 4min);
  EXPECT_EQ(total(f), 3);
  f = {};
  f.from = format_utc(kT0 + 1h);
  EXPECT_EQ(total(f), 1);
  f = {};
  f.limit = 0;
  EXPECT_EQ(audit_search(ctx_, f).status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLog, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& i) { return i.param.name; });

// --- the CLI ------------------------------------------------------------------------------------

TEST(AuditCli, AuditVerify_ExitsZeroOnAnIntactLogAndOneOnATamperedOne) {
  fs::path dir = testing::make_temp_dir("cipms-audit-cli");
  const std::string db = (dir / "cipms.db").string();
  std::string out;
  ASSERT_EQ(testing::run_cipms({"db", "migrate", "--db", db}, &out), 0) << out;
  EXPECT_EQ(testing::run_cipms({"audit", "verify", "--db", db}, &out), 0) << out;
  EXPECT_EQ(out, "audit log OK: 0 entries\n");
  {
    auto opened = Database::open(db);
    ASSERT_TRUE(opened.is_ok());
    auto s = (*opened)->session();
    ASSERT_TRUE(s.is_ok());
    for (int i = 1; i <= 5; ++i)
      ASSERT_TRUE((*s)->transact([&] { return audit_append(**s, alice(), event(i), kT0 + i * 1s); }).is_ok());
  }
  EXPECT_EQ(testing::run_cipms({"audit", "verify", "--db", db}, &out), 0) << out;
  EXPECT_EQ(out, "audit log OK: 5 entries\n");

  EXPECT_EQ(testing::run_cipms({"audit", "list", "--db", db, "--limit", "2", "--json"}, &out), 0) << out;
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  EXPECT_EQ(j["total"], 5);
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["seq"], 5);
  EXPECT_EQ(j["items"][0]["actor"], "alice (TPC)");
  EXPECT_EQ(testing::run_cipms({"audit", "list", "--db", db, "--action", "facility.*"}, &out), 0) << out;
  EXPECT_NE(out.find("facility.update"), std::string::npos) << out;
  EXPECT_NE(out.find("(5 of 5 entries"), std::string::npos) << out;

  {
    auto opened = Database::open(db);
    ASSERT_TRUE(opened.is_ok());
    auto s = (*opened)->session();
    ASSERT_TRUE(s.is_ok());
    ASSERT_TRUE((*s)->execute("UPDATE audit_log SET target_id = 'F999' WHERE seq = 3").is_ok());
  }
  EXPECT_EQ(testing::run_cipms({"audit", "verify", "--db", db}, &out), 1) << out;
  EXPECT_EQ(out.rfind("audit log TAMPERED at entry 3: ", 0), 0u) << out;

  EXPECT_EQ(testing::run_cipms({"audit", "verify", "--db", (dir / "missing.db").string()}, &out), 2) << out;
  EXPECT_FALSE(fs::exists(dir / "missing.db"));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace cipms
