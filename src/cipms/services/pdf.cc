#include "cipms/services/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <semaphore>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace cipms {

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// Chromium takes ~150 MB and a core per render; two at once is plenty for two cores.
std::counting_semaphore<2>& render_slots() {
  static std::counting_semaphore<2> slots(2);
  return slots;
}

// A fresh private directory, removed with its contents when the object goes.
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    std::string t = (fs::temp_directory_path(ec) / "cipms-pdf-XXXXXX").string();
    if (!ec && ::mkdtemp(t.data())) path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// file:// URL of an absolute path, every byte outside [A-Za-z0-9/._~-] percent-encoded.
std::string file_url(const fs::path& p) {
  std::string out = "file://";
  for (unsigned char c : p.string()) {
    if (std::isalnum(c) || std::strchr("/._~-", c)) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// Our environment with HOME and the XDG folders inside `dir`: Chromium writes nowhere else.
std::vector<std::string> child_environment(const fs::path& dir) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view v(*e);
    if (!v.starts_with("HOME=") && !v.starts_with("XDG_")) env.emplace_back(v);
  }
  env.push_back("HOME=" + dir.string());
  env.push_back("XDG_CONFIG_HOME=" + (dir / "config").string());
  env.push_back("XDG_CACHE_HOME=" + (dir / "cache").string());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts argv[0] (no shell, no PATH lookup) as the leader of a new process group, stdin from
// /dev/null, stdout and stderr into `log`, default signal dispositions and an empty mask.
Result<pid_t> spawn(std::vector<std::string> argv, std::vector<std::string> env, const fs::path& log) {
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &files, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status(Code::kUnavailable, "cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

// Waits for `pid` until `deadline`. The process group is killed once the leader has exited
// (helpers it left behind) or at the deadline; the leader is reaped only after that, so that
// its id cannot be reused meanwhile. The wait status, or nullopt at the deadline.
std::optional<int> wait_until(pid_t pid, SteadyClock::time_point deadline) {
  auto pause = std::chrono::milliseconds(5);
  bool timed_out = false;
  for (;;) {
    siginfo_t info{};
    int rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == pid) break;
    if (rc < 0 && errno != EINTR) break;
    if (SteadyClock::now() >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return std::nullopt;
  return status;
}

// The last non-empty line Chromium printed (its own explanation of a failure).
std::string last_line(const fs::path& log) {
  std::istringstream in(read_file(log));
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last.size() > 300 ? last.substr(0, 300) : last;
}

std::vector<std::string> chromium_argv(const std::string& chromium, const fs::path& dir) {
  return {chromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-pdf-header-footer",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-default-apps",
          "--disable-extensions",
          "--disable-sync",
          "--host-resolver-rules=MAP * ~NOTFOUND",
          "--user-data-dir=" + (dir / "profile").string(),
          "--print-to-pdf=" + (dir / "out.pdf").string(),
          file_url(dir / "document.html")};
}

Result<std::string> render_in(const fs::path& dir, const std::string& html, const std::string& chromium,
                              SteadyClock::time_point deadline) {
  {
    std::ofstream out(dir / "document.html", std::ios::binary);
    out << html;
    if (!out.flush()) return Status::internal("pdf: cannot write the document to " + dir.string());
  }
  CIPMS_ASSIGN_OR_RETURN(pid_t pid, spawn(chromium_argv(chromium, dir), child_environment(dir), dir / "chromium.log"));
  std::optional<int> status = wait_until(pid, deadline);
  if (!status) return Status(Code::kUnavailable, "PDF rendering timed out (" + chromium + " was stopped)");
  std::string pdf = read_file(dir / "out.pdf");
  if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0 && pdf.rfind("%PDF-", 0) == 0) return pdf;
  std::string why = WIFSIGNALED(*status) ? "killed by signal " + std::to_string(WTERMSIG(*status))
                    : WEXITSTATUS(*status) != 0 ? "exit status " + std::to_string(WEXITSTATUS(*status))
                                                : "no PDF written";
  return Status(Code::kUnavailable, "PDF rendering failed: " + chromium + ": " + why + "; " + last_line(dir / "chromium.log"));
}

}  // namespace

std::string chromium_path(const PdfRenderOptions& opt) {
  if (!opt.chromium.empty()) return opt.chromium;
  const char* env = std::getenv("CIPMS_CHROMIUM");
  return env && *env ? env : "/usr/bin/chromium";
}

Result<std::string> html_to_pdf(const std::string& html, const PdfRenderOptions& opt) {
  const std::string chromium = chromium_path(opt);
  if (::access(chromium.c_str(), X_OK) != 0)
    return Status(Code::kUnavailable, "PDF rendering is not available: no Chromium at " + chromium +
                                          " (install the chromium package or set CIPMS_CHROMIUM)");
  const auto deadline = SteadyClock::now() + opt.timeout;
  if (!render_slots().try_acquire_until(deadline))
    return Status(Code::kUnavailable, "PDF rendering is busy; try again later");
  struct Release {
    ~Release() { render_slots().release(); }
  } release;
  TempDir dir;
  if (dir.path().empty()) return Status::internal("pdf: cannot create a temporary directory");
  return render_in(dir.path(), html, chromium, deadline);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string css_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\%X ", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string html_document(std::string_view title, std::string_view css, std::string_view body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-TW\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
      "<title>";
  out += html_escape(title);
  out += "</title><style>";
  out += css;
  out += "</style></head><body>";
  out += body;
  out += "</body></html>\n";
  return out;
}

}  // namespace cipms
