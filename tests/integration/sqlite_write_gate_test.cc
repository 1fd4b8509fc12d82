// SQLite's writers of one process queue on an in-process gate (storage/sqlite/sqlite_write_gate.h)
// instead of sleeping in SQLite's busy handler: what the gate promises beyond the storage
// conformance suite — the timeout answer, one queue per file even across Database objects,
// reads never queue, no deadlock for a thread writing through a second session, and writers
// of another process still waited for with SQLite's busy timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "cipms/storage/store.h"
#include "support/paths.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

Organisation org(const std::string& code) {
  Organisation o;
  o.code = code;
  o.name = code + " 公司";
  o.name_en = code + " Corp";
  o.type = OrgType::kProvider;
  return o;
}

class SqliteWriteGate : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("sqlite_write_gate");
    file_ = (dir_ / "cipms.db").string();
    db_ = open();
    ASSERT_TRUE(db_);
    auto v = db_->migrate();
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<Database> open() {
    auto db = Database::open("sqlite:" + file_);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    return db.is_ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<Session> session(Database& db) {
    auto s = db.session();
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    return std::move(s).value();
  }
  std::int64_t org_count() {
    auto s = session(*db_);
    auto page = s->list_organisations({});
    EXPECT_TRUE(page.is_ok()) << page.status().to_string();
    return page.is_ok() ? page->total : -1;
  }

  fs::path dir_;
  std::string file_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteWriteGate, AWriterKeptWaitingPastTheBusyTimeoutIsToldTheDatabaseIsBusyEvenFromAnotherDatabaseObject) {
  auto holder = session(*db_);
  ASSERT_TRUE(holder->begin().is_ok());
  ASSERT_TRUE(holder->create_organisation(org("HELD"), kT0).is_ok());

  // A second Database on the same file (as a second service in the process would open it)
  // queues on the same gate: it is the gate's answer, not SQLite's "database is locked".
  auto other_db = open();
  ASSERT_TRUE(other_db);
  auto waited = std::async(std::launch::async, [&] {
    auto s = session(*other_db);
    auto t0 = Clock::now();
    auto r = s->create_organisation(org("LATE"), kT0);
    return std::make_pair(r.status(), Clock::now() - t0);
  });
  auto [st, took] = waited.get();
  EXPECT_EQ(st.code(), Code::kUnavailable) << st.to_string();
  EXPECT_NE(st.message().find("database busy"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("another write has held the database"), std::string::npos) << st.message();
  EXPECT_GE(took, 4s);

  ASSERT_TRUE(holder->commit().is_ok());
  // The gate is free again: the same write now goes through.
  auto s = session(*other_db);
  auto again = s->create_organisation(org("LATE"), kT0);
  EXPECT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(org_count(), 2);
}

TEST_F(SqliteWriteGate, ReadsDoNotQueueBehindAnOpenWriteTransaction) {
  {
    auto s = session(*db_);
    ASSERT_TRUE(s->create_organisation(org("TPC"), kT0).is_ok());
  }
  auto holder = session(*db_);
  ASSERT_TRUE(holder->begin().is_ok());
  ASSERT_TRUE(holder->create_organisation(org("UNCOMMITTED"), kT0).is_ok());
  // If a read queued on the gate it would fail with kUnavailable after the 5 s timeout.
  auto reader = std::async(std::launch::async, [&]() -> Status {
    auto s = session(*db_);
    auto page = s->list_organisations({});
    if (!page.is_ok()) return page.status();
    if (page->total != 1) return Status::internal("saw " + std::to_string(page->total) + " organisations");
    auto rows = s->query("SELECT COUNT(*) FROM organisations");
    if (!rows.is_ok()) return rows.status();
    auto net = s->load_network();
    if (!net.is_ok()) return net.status();
    auto rev = s->registry_revision();
    return rev.status();
  });
  ASSERT_EQ(reader.wait_for(4s), std::future_status::ready) << "a read waited for the writer";
  Status st = reader.get();
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  ASSERT_TRUE(holder->rollback().is_ok());
}

TEST_F(SqliteWriteGate, AThreadWritingThroughASecondSessionInsideItsOwnTransactionGetsBusyInsteadOfHanging) {
  // Not a pattern the services use, but it must end: the thread already holds the gate, so
  // the second session goes straight to SQLite, whose busy timeout answers as it always did.
  auto first = session(*db_);
  auto second = session(*db_);
  ASSERT_TRUE(first->begin().is_ok());
  ASSERT_TRUE(first->create_organisation(org("ONE"), kT0).is_ok());
  auto r = second->create_organisation(org("TWO"), kT0);
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().to_string();
  ASSERT_TRUE(first->commit().is_ok());
  // And the gate was not left taken by the failed attempt.
  EXPECT_TRUE(second->create_organisation(org("TWO"), kT0).is_ok());
  EXPECT_EQ(org_count(), 2);
}

TEST_F(SqliteWriteGate, AWriterOfAnotherProcessIsWaitedForWithSqlitesBusyTimeout) {
  if (std::system("command -v sqlite3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "the sqlite3 shell is not installed";
  const fs::path locked = dir_ / "locked";
  std::string cmd = "sqlite3 '" + file_ + "' >/dev/null 2>&1";
  FILE* shell = popen(cmd.c_str(), "w");
  ASSERT_NE(shell, nullptr);
  // The other process takes SQLite's write lock and says so by creating a file.
  std::fprintf(shell, "BEGIN IMMEDIATE;\nUPDATE registry_state SET revision = revision WHERE id = 1;\n"
                      ".shell touch '%s'\n", locked.string().c_str());
  std::fflush(shell);
  for (int i = 0; i < 500 && !fs::exists(locked); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(fs::exists(locked)) << "the sqlite3 shell did not take the lock";

  auto writer = std::async(std::launch::async, [&] {
    auto s = session(*db_);
    auto t0 = Clock::now();
    auto r = s->create_organisation(org("AFTER"), kT0);
    return std::make_pair(r.status(), Clock::now() - t0);
  });
  std::this_thread::sleep_for(600ms);
  std::fprintf(shell, "COMMIT;\n.quit\n");
  std::fflush(shell);
  auto [st, took] = writer.get();
  pclose(shell);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_GE(took, 500ms) << "the write did not wait for the other process";
  EXPECT_EQ(org_count(), 1);
}

}  // namespace
}  // namespace cipms
