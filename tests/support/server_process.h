// Starts the real `cipms serve` (tests/support/paths.h cipms_binary()) on a free loopback port
// with a fresh temporary database (SQLite; a fresh PostgreSQL database on the test server when
// $CIPMS_TEST_DB=postgresql), waits until GET /healthz answers, and stops it (SIGTERM,
// then SIGKILL after 10 s) when destroyed. The server's log goes to <dir>/server.log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cipms::testing {

struct ServerProcessOptions {
  bool demo = false;                    // --demo: load the demo network (and the demo accounts)
  bool demo_users = true;               // --demo-users: the demo accounts (HttpClient::login)
  std::vector<std::string> extra_args;  // e.g. {"--max-import-mb", "1"}
  // HTTPS (give --tls-cert/--tls-key in extra_args): base_url() is https:// and start-up
  // waits for /healthz over TLS, trusting this PEM CA file (the test's self-signed cert).
  std::string ca_file;
  int startup_timeout_s = 120;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions opt = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return pid_ > 0 && error_.empty(); }
  const std::string& error() const { return error_; }  // why it did not start (with the log)
  int port() const { return port_; }
  std::string base_url() const {
    return (ca_file_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
  }
  const std::string& ca_file() const { return ca_file_; }
  const std::filesystem::path& dir() const { return dir_; }  // also the --web folder
  std::filesystem::path db_path() const { return dir_ / "cipms.db"; }
  // What the server was started with as --db: db_path(), or with $CIPMS_TEST_DB=postgresql a
  // fresh database on the test PostgreSQL server (support/postgres_server.h).
  const std::string& db_url() const { return db_url_; }
  std::string log() const;
  // SIGTERM and wait; returns the exit status (or 128+signal), -1 when not running.
  int stop();

 private:
  bool start_once(const ServerProcessOptions& opt);
  std::filesystem::path dir_;
  std::string db_url_;
  std::string ca_file_;
  int pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// Runs build/cipms with args; returns the exit status and fills *out with its stdout.
int run_cipms(const std::vector<std::string>& args, std::string* out);

// A loopback port nobody listens on right now. Two tests may still get the same one: wait for
// log_says_listening before trusting an answer on it.
int free_port();

// Whether a `cipms serve` log, from byte `offset` on (file_size_or_zero before the start), says
// that this server listens on `port` — and not another test's server that took the port.
bool log_says_listening(const std::filesystem::path& log, std::uintmax_t offset, int port);
std::uintmax_t file_size_or_zero(const std::filesystem::path& file);

}  // namespace cipms::testing
