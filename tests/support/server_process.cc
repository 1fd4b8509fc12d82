#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/postgres_server.h"

namespace cipms::testing {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

namespace {
std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> v;
  for (auto& a : args) v.push_back(a.data());
  v.push_back(nullptr);
  return v;
}
}  // namespace

ServerProcess::ServerProcess(ServerProcessOptions opt) {
  dir_ = make_temp_dir("cipms-api-test");
  ca_file_ = opt.ca_file;
  db_url_ = db_path().string();
  if (test_db_is_postgres()) {
    auto& pg = PostgresServer::instance();
    db_url_ = pg.create_database();
    if (db_url_.empty()) {
      error_ = "test PostgreSQL server: " + pg.error();
      return;
    }
  }
  // The port can be taken between free_port() and the server's bind: try a few.
  for (int attempt = 0; attempt < 3; ++attempt)
    if (start_once(opt)) return;
}

bool ServerProcess::start_once(const ServerProcessOptions& opt) {
  error_.clear();
  port_ = free_port();
  std::vector<std::string> args = {cipms_binary(), "serve", "--db", db_url_, "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--threads", "4", "--web",
                                   dir_.string()};
  if (opt.demo) args.push_back("--demo");
  else if (opt.demo_users) args.push_back("--demo-users");
  for (const auto& a : opt.extra_args) args.push_back(a);
  std::string log_path = (dir_ / "server.log").string();
  const auto log_start = file_size_or_zero(log_path);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    auto argv = argv_of(args);
    ::setenv("CIPMS_DEMO_PASSWORD", "test-password-2026", 1);  // HttpClient::kTestPassword
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  HttpClient client(base_url());
  client.set_ca_file(ca_file_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opt.startup_timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "cipms serve exited while starting; log:\n" + log();
      return false;
    }
    // Another test's server may hold the port (free_port() raced and ours failed to bind): only
    // a /healthz answer after *our* server logged that it listens on the port counts.
    if (log_says_listening(log_path, log_start, port_) && client.get("/healthz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error_ = "cipms serve did not answer /healthz in time; log:\n" + log();
  stop();
  return false;
}

std::uintmax_t file_size_or_zero(const std::filesystem::path& file) {
  std::error_code ec;
  auto n = std::filesystem::file_size(file, ec);
  return ec ? 0 : n;
}

bool log_says_listening(const std::filesystem::path& log, std::uintmax_t offset, int port) {
  std::string text = read_file(log);
  if (offset > text.size()) return false;
  std::string_view mine = std::string_view(text).substr(offset);
  auto at = mine.find("listening");
  return at != std::string_view::npos &&
         mine.find("\"port\":" + std::to_string(port) + ",", at) != std::string_view::npos;
}

std::string ServerProcess::log() const { return read_file(dir_ / "server.log"); }

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int st = 0;
  for (int i = 0; i < 1000; ++i) {
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  return 128 + SIGKILL;
}

ServerProcess::~ServerProcess() {
  stop();
  std::error_code ec;
  if (error_.empty()) std::filesystem::remove_all(dir_, ec);  // kept for inspection on failure
}

int run_cipms(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = cipms_binary();
  for (const auto& a : args) cmd += " '" + a + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  if (out) out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    if (out) out->append(buf, n);
  int st = ::pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace cipms::testing
