// Crash safety of writes: the real `cipms serve` on one SQLite database is killed with SIGKILL
// at random moments while clients stream POST /api/v1/facilities, many times over, and
// restarted each time. Afterwards every write that was acknowledged (201 received) must be in
// the database, the database must pass PRAGMA integrity_check, and a last server must open it
// and serve the acknowledged records. (Writes in flight at the kill may or may not be there.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One `cipms serve` on a given database; killed with SIGKILL by kill().
class Server {
 public:
  // Starts it and waits until it serves; a start that fails (the port taken between free_port()
  // and the bind) is tried again on another port.
  Server(const fs::path& db, const fs::path& log) : db_(db), log_(log) {
    for (int attempt = 0; attempt < 3 && !ready_; ++attempt) ready_ = start() && wait_ready(std::chrono::seconds(60));
  }
  ~Server() { kill(); }
  bool ready() const { return ready_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }

 private:
  bool start() {
    kill();
    port_ = free_port();
    log_start_ = file_size_or_zero(log_);
    std::vector<std::string> args = {cipms_binary(), "serve", "--db", db_.string(), "--listen",
                                     "127.0.0.1:" + std::to_string(port_), "--threads", "4", "--demo-users"};
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::setenv("CIPMS_DEMO_PASSWORD", HttpClient::kTestPassword, 1);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    return pid_ > 0;
  }
  // Our server (its own log says it listens on port_, not another test's that took the port)
  // answers /healthz; false when it exits first or `timeout` passes.
  bool wait_ready(std::chrono::seconds timeout) {
    HttpClient c(url());
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (log_says_listening(log_, log_start_, port_) && c.get("/healthz").status == 200) return true;
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path db_, log_;
  int port_ = 0;
  std::uintmax_t log_start_ = 0;
  bool ready_ = false;
  pid_t pid_ = -1;
};

std::string facility_body(const std::string& code) {
  nlohmann::json j = {{"code", code},      {"name", "寫入測試 " + code}, {"name_en", "Write test " + code},
                      {"sector", "energy"}, {"subsector", "electricity"}, {"type", "power_plant"},
                      {"county_code", "63000"}, {"lat", 25.04}, {"lon", 121.51}, {"population", 100},
                      {"cii", false},       {"status", "active"}};
  return j.dump();
}

std::set<std::string> codes_in(const fs::path& db, std::string* integrity) {
  std::set<std::string> codes;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *integrity = std::string("cannot open: ") + sqlite3_errmsg(h);
    sqlite3_close(h);
    return codes;
  }
  sqlite3_stmt* st = nullptr;
  integrity->clear();
  if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW)
      *integrity += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + "\n";
  } else {
    *integrity = sqlite3_errmsg(h);
  }
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(h, "SELECT code FROM facilities", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) codes.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return codes;
}

TEST(CrashSafety, EveryAcknowledgedWriteSurvivesRepeatedSigkillAndTheDatabaseStaysIntact) {
  fs::path dir = make_temp_dir("cipms-crash");
  fs::path db = dir / "cipms.db";
  fs::path log = dir / "server.log";
  std::mt19937 rng(std::random_device{}());
  const int kRounds = 20;
  const auto budget = std::chrono::seconds(30);
  const auto t0 = Clock::now();

  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<long> sent{0}, failed_while_up{0};
  int rounds = 0;
  for (int round = 0; round < kRounds && Clock::now() - t0 < budget; ++round, ++rounds) {
    Server server(db, log);
    ASSERT_TRUE(server.ready()) << "round " << round << " did not start; log:\n" << read_file(log);
    std::atomic<bool> killed{false};
    std::atomic<int> signed_in{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 3; ++c) {
      clients.emplace_back([&, c] {
        HttpClient http(server.url());
        http.login("ohs");
        ++signed_in;
        for (int i = 0; !killed.load(); ++i) {
          std::string code = "R" + std::to_string(round) + "-C" + std::to_string(c) + "-" + std::to_string(i);
          auto r = http.post_json("/api/v1/facilities", facility_body(code));
          if (r.status != 0) ++sent;
          if (r.status == 201) {
            std::lock_guard lock(mu);
            acked.insert(code);
          } else if (r.status != 0 && !killed.load()) {
            ++failed_while_up;  // an answer other than 201 from a live server is a bug
            ADD_FAILURE() << code << ": " << r.status << " " << r.body;
            return;
          } else if (r.status == 0 && killed.load()) {
            return;
          }
        }
      });
    }
    // The kill comes at a random moment of the writing, not of the sign-in (which takes longer
    // than the whole window on a loaded machine, and then nothing would be written at all).
    for (auto wait_until = Clock::now() + std::chrono::seconds(30); signed_in.load() < 3 && Clock::now() < wait_until;)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::uniform_int_distribution<int> delay_ms(10, 400);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    server.kill();
    killed = true;
    for (auto& t : clients) t.join();
  }

  std::string integrity;
  std::set<std::string> present = codes_in(db, &integrity);
  EXPECT_EQ(integrity, "ok\n");
  std::vector<std::string> lost;
  for (const auto& code : acked)
    if (!present.count(code)) lost.push_back(code);
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged writes lost, first " << lost.front();
  EXPECT_GE(rounds, 5);
  EXPECT_GT(acked.size(), 0u);
  EXPECT_EQ(failed_while_up.load(), 0);
  std::printf("crash safety: %d SIGKILL rounds, %ld writes answered, %zu acknowledged, %zu in the database, %.1f s\n",
              rounds, sent.load(), acked.size(), present.size(),
              std::chrono::duration<double>(Clock::now() - t0).count());

  // A last server opens the database and serves what was acknowledged.
  Server last(db, log);
  ASSERT_TRUE(last.ready()) << read_file(log);
  HttpClient http(last.url());
  http.login("ohs");
  auto r = http.get("/api/v1/facilities?limit=1");
  ASSERT_EQ(r.status, 200);
  EXPECT_GE(r.json()["total"].get<std::size_t>(), acked.size());
  last.kill();
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace cipms::testing
