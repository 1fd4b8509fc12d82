#include "support/pdf_text.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/paths.h"

namespace cipms::testing {

namespace {

// Runs argv (no shell) and returns its stdout; "" when it cannot run or fails.
std::string run(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return "";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : std::string();
}

// The PDF in a temporary file for the duration of a call.
struct PdfFile {
  explicit PdfFile(const std::string& pdf) : dir(make_temp_dir("cipms-pdftest")), path(dir / "doc.pdf") {
    std::ofstream(path, std::ios::binary) << pdf;
  }
  ~PdfFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir, path;
};

}  // namespace

std::vector<std::string> pdf_pages(const std::string& pdf) {
  PdfFile f(pdf);
  std::string text = run({"pdftotext", "-layout", "-enc", "UTF-8", f.path.string(), "-"});
  std::vector<std::string> pages;
  std::istringstream in(text);
  for (std::string page; std::getline(in, page, '\f');) pages.push_back(page);
  // pdftotext ends the last page with a form feed too: drop what follows it.
  if (!pages.empty() && pages.back().find_first_not_of(" \n") == std::string::npos) pages.pop_back();
  return pages;
}

PdfInfo pdf_info(const std::string& pdf) {
  PdfFile f(pdf);
  std::istringstream in(run({"pdfinfo", f.path.string()}));
  PdfInfo info;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Pages:", 0) == 0) info.pages = std::stoi(line.substr(6));
    if (line.rfind("Page size:", 0) == 0) std::sscanf(line.c_str(), "Page size: %lf x %lf", &info.width_pt, &info.height_pt);
  }
  return info;
}

}  // namespace cipms::testing
