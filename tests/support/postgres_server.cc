#include "support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <vector>

#include "support/paths.h"
#include "support/server_process.h"

namespace cipms::testing {
namespace fs = std::filesystem;

namespace {

fs::path bin_dir() {
  if (const char* d = std::getenv("CIPMS_PG_BINDIR"); d && *d) return d;
  return "/usr/lib/postgresql/15/bin";
}

// Forks and execs args with stdout/stderr appended to `log`; as `run_as` (uid/gid) when set.
// The child gets SIGQUIT (PostgreSQL's immediate shutdown) if the test process dies.
pid_t spawn(std::vector<std::string> args, const fs::path& log, const passwd* run_as) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  if (run_as) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(run_as->pw_gid) != 0 || ::setuid(run_as->pw_uid) != 0)
      _exit(126);
  }
  // After setuid: changing credentials clears the parent-death signal.
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

bool test_db_is_postgres() {
  const char* v = std::getenv("CIPMS_TEST_DB");
  return v && (std::string(v) == "postgresql" || std::string(v) == "postgres");
}

PostgresServer& PostgresServer::instance() {
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() { start(); }

PostgresServer::~PostgresServer() { stop(); }

void PostgresServer::start() {
  const fs::path bin = bin_dir();
  for (const char* tool : {"initdb", "postgres"}) {
    if (::access((bin / tool).c_str(), X_OK) != 0) {
      error_ = "PostgreSQL server binary " + (bin / tool).string() +
               " not found: install PostgreSQL 15 (Debian package 'postgresql', see "
               "scripts/install-deps.sh) or set CIPMS_PG_BINDIR";
      return;
    }
  }
  const passwd* run_as = nullptr;
  if (::geteuid() == 0) {
    run_as = ::getpwnam("postgres");
    if (!run_as) {
      error_ = "running as root, but there is no 'postgres' system user to run PostgreSQL as "
               "(postgres refuses to run as root; the Debian package creates the user)";
      return;
    }
  }
  dir_ = make_temp_dir("cipms-pg");
  if (run_as && ::chown(dir_.c_str(), run_as->pw_uid, run_as->pw_gid) != 0) {
    error_ = "cannot hand " + dir_.string() + " to the postgres user";
    return;
  }
  // The log lives outside the directory postgres owns, so we can always write it.
  const fs::path log = dir_.string() + ".log";
  const fs::path data = dir_ / "data";
  // ctest runs every test case in its own process, so initdb (~1.5 s) would be paid per test.
  // One initdb'ed cluster is kept per user and binary folder and copied (~0.2 s); a lock file
  // makes concurrent test processes build it once.
  const fs::path cache = fs::temp_directory_path() /
                         ("cipms-pg-template-" + std::to_string(::geteuid()) + "-" +
                          std::to_string(std::hash<std::string>()(bin.string())));
  int st = 0;
  {
    int lock = ::open((cache.string() + ".lock").c_str(), O_RDWR | O_CREAT, 0600);
    if (lock >= 0) ::flock(lock, LOCK_EX);
    if (!fs::exists(cache / "data" / "PG_VERSION")) {
      std::error_code ec;
      fs::remove_all(cache, ec);
      fs::create_directories(cache, ec);
      if (run_as) (void)::chown(cache.c_str(), run_as->pw_uid, run_as->pw_gid);
      pid_t init = spawn({(bin / "initdb").string(), "-D", (cache / "data").string(), "-U",
                          "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
                          "--no-instructions"},
                         log, run_as);
      ::waitpid(init, &st, 0);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) fs::remove_all(cache, ec);
    }
    if (lock >= 0) ::close(lock);  // releases the lock
  }
  // Copied as the server's user, so the copy has the owner and 0700 mode postgres insists on.
  pid_t cp = spawn({"/bin/cp", "-a", (cache / "data").string(), data.string()}, log, run_as);
  ::waitpid(cp, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    error_ = "initdb (or copying its template cluster from " + cache.string() + ") failed; log:\n" +
             read_file(log);
    return;
  }
  // Durability is not under test here: fsync off makes CREATE DATABASE and commits cheap.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    pid_ = spawn({(bin / "postgres").string(), "-D", data.string(), "-p", std::to_string(port_),
                  "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                  "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                  "max_connections=200"},
                 log, run_as);
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited (port taken?): try again
      }
      if (PQping(conninfo.c_str()) == PQPING_OK) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
  }
  error_ = "postgres did not start; log:\n" + read_file(log);
}

void PostgresServer::stop() {
  if (pid_ > 0) {
    // SIGQUIT: immediate shutdown. The cluster is thrown away, so the shutdown checkpoint a
    // clean stop would write is wasted time.
    ::kill(pid_, SIGQUIT);
    int st = 0;
    for (int i = 0; i < 3000; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &st, 0);
      pid_ = -1;
    }
  }
  if (!dir_.empty() && error_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::remove(dir_.string() + ".log", ec);
  }
}

std::string PostgresServer::url(const std::string& dbname) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + dbname;
}

std::string PostgresServer::create_database() {
  if (!ok()) return {};
  const std::string name = "cipms_test_" + std::to_string(++next_db_);
  PGconn* c = PQconnectdb(url("postgres").c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    // FILE_COPY: with fsync off, copying template1's files beats WAL-logging every page.
    PGresult* r = PQexec(c, ("CREATE DATABASE " + name + " STRATEGY = FILE_COPY").c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  if (!err.empty()) {
    error_ = "CREATE DATABASE " + name + " failed: " + err;
    return {};
  }
  return url(name);
}

}  // namespace cipms::testing
