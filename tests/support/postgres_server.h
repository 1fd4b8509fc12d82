// A real PostgreSQL 15 server for tests: initdb in a temporary directory (copied from a cluster
// initdb'ed once per user in $TMPDIR/cipms-pg-template-*), postgres on a free
// loopback port with its socket in that directory, one server per test process (started on
// first use, stopped at exit; it also dies with the process). Each test takes a fresh empty
// database from it. As root (CI) initdb and postgres run as the `postgres` system user, since
// postgres refuses to run as root; otherwise as the current user. Binaries: $CIPMS_PG_BINDIR,
// else /usr/lib/postgresql/15/bin (Debian's postgresql package; scripts/install-deps.sh).
#pragma once

#include <filesystem>
#include <string>

namespace cipms::testing {

class PostgresServer {
 public:
  // The process-wide server; starts it on the first call. Check ok() / error().
  static PostgresServer& instance();

  bool ok() const { return pid_ > 0 && error_.empty(); }
  // Why the server could not be started (missing binaries, initdb log, ...).
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  // Creates a new empty database and returns its URL ("postgresql://postgres@127.0.0.1:P/N").
  // Empty string (and error() set) on failure.
  std::string create_database();
  // The URL of an existing database on this server.
  std::string url(const std::string& dbname) const;

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

 private:
  PostgresServer();
  void start();
  void stop();

  std::filesystem::path dir_;
  int pid_ = -1;
  int port_ = 0;
  int next_db_ = 0;
  std::string error_;
};

// True when the tests were asked to run the server under test on PostgreSQL
// ($CIPMS_TEST_DB=postgresql; tests/CMakeLists.txt registers the API suites a second time so).
bool test_db_is_postgres();

}  // namespace cipms::testing
